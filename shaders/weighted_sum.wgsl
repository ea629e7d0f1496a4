// weighted_sum.wgsl: out[h][i][c] = Σ_j weights[h][i][j] · v[kv(h)][j][c], tiled.
// Bindings: 0 params (uniform Params) · 1 weights (h×L×S f32) · 2 v (g×S×dv f32) · 3 out (h×L×dv f32, written).
// Workgroup: TILE×TILE threads, one output element each; weight and value tiles staged in workgroup memory.
// Dispatch: (⌈dv/TILE⌉, ⌈L/TILE⌉, h). CPU twin: attn::attention_head (output), attn::ref::weighted_sum.

override TILE: u32 = 16u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

var<workgroup> w_tile: array<f32, TILE * TILE>;
var<workgroup> v_tile: array<f32, TILE * TILE>;

@compute @workgroup_size(TILE, TILE)
fn weighted_sum_main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let head = wg.z;
  let kvh = kv_head(head, p);
  let i = wg.y * TILE + lid.y;  // query row
  let c = wg.x * TILE + lid.x;  // output column
  var acc = 0.0;
  for (var j0 = 0u; j0 < p.S; j0 += TILE) {
    let wj = j0 + lid.x;
    w_tile[lid.y * TILE + lid.x] = select(0.0, weights[(head * p.L + i) * p.S + wj], i < p.L && wj < p.S);
    let vj = j0 + lid.y;
    v_tile[lid.y * TILE + lid.x] = select(0.0, v[(kvh * p.S + vj) * p.dv + c], vj < p.S && c < p.dv);
    workgroupBarrier();
    for (var t = 0u; t < TILE; t++) {
      acc += w_tile[lid.y * TILE + t] * v_tile[t * TILE + lid.x];
    }
    workgroupBarrier();
  }
  if (i < p.L && c < p.dv) { out[(head * p.L + i) * p.dv + c] = acc; }
}
