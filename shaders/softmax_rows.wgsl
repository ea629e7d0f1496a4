// softmax_rows.wgsl: in-place max-subtracted softmax of every row of scores (h×L rows of S), one workgroup
// per row. A row whose max is BLOCKED (every key masked) becomes zeros, never NaN.
// Bindings: 0 params (uniform Params) · 1 rows (h×L×S f32, read and written).
// Workgroup: WG threads (override) strided over the row; tree reductions in workgroup memory.
// Dispatch: (min(h·L, 32768), ⌈h·L / 32768⌉); row = wg.y·32768 + wg.x. CPU twin: attn::softmax_rows.

override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> rows: array<f32>;

var<workgroup> red: array<f32, WG>;

fn reduce(lid: u32, is_max: bool) -> f32 {
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    workgroupBarrier();
    if (lid < stride) {
      red[lid] = select(red[lid] + red[lid + stride], max(red[lid], red[lid + stride]), is_max);
    }
  }
  workgroupBarrier();
  return red[0];
}

@compute @workgroup_size(WG)
fn softmax_rows_main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>) {
  let row = wg.y * 32768u + wg.x;
  if (row >= p.h * p.L) { return; }  // uniform per workgroup: every thread returns together
  let lid = lid3.x;
  let base = row * p.S;
  // Pass 1: row max.
  var m = BLOCKED;
  for (var j = lid; j < p.S; j += WG) { m = max(m, rows[base + j]); }
  red[lid] = m;
  m = reduce(lid, true);
  let fully_masked = m <= BLOCKED;
  // Pass 2: exp(x − m) (exactly 0 for BLOCKED entries) and their sum.
  var sum = 0.0;
  for (var j = lid; j < p.S; j += WG) {
    let x = rows[base + j];
    let e = select(exp(x - m), 0.0, x <= BLOCKED || fully_masked);
    rows[base + j] = e;
    sum += e;
  }
  workgroupBarrier();
  red[lid] = sum;
  sum = reduce(lid, false);
  // Pass 3: normalise (sum ≥ 1 unless the row is fully masked).
  for (var j = lid; j < p.S; j += WG) {
    rows[base + j] = select(rows[base + j] / sum, 0.0, fully_masked);
  }
}
