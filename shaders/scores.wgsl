// scores.wgsl: masked, scaled scores for every head, tiled: scores[h][i][j] = (q_i·k_j)·multiplier (+ ALiBi's
// −slope_h·|pos_i − j|), or BLOCKED.
// Bindings: 0 params (uniform Params) · 1 q (h×L×d f32) · 2 k (g×S×d f32) · 3 allowed (L×S u32, explicit mask
//           only; a 1-element buffer otherwise) · 4 scores (h×L×S f32, written) · 5 slopes (h f32: ALiBi's, read
//           when Params.alibi = 1).
// Workgroup: TILE×TILE threads, one score each; q and k tiles of TILE×TILE staged in workgroup memory.
// Dispatch: (⌈S/TILE⌉, ⌈L/TILE⌉, h). Grouped/multi-query heads read their shared K head in place (no copy).
// CPU twin: attn::attention_head (scores → scaled → masked), attn::ref::scores.

override TILE: u32 = 16u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> allowed: array<u32>;
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;
@group(0) @binding(5) var<storage, read> slopes: array<f32>;

var<workgroup> q_tile: array<f32, TILE * TILE>;
var<workgroup> k_tile: array<f32, TILE * TILE>;

@compute @workgroup_size(TILE, TILE)
fn scores_main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let head = wg.z;
  let kvh = kv_head(head, p);
  let i = wg.y * TILE + lid.y;  // query row
  let j = wg.x * TILE + lid.x;  // key row
  var acc = 0.0;
  // Pass 1: walk d in TILE-wide slices; each thread loads one q and one k element per slice.
  for (var c0 = 0u; c0 < p.d; c0 += TILE) {
    let qi = wg.y * TILE + lid.y;
    let qc = c0 + lid.x;
    q_tile[lid.y * TILE + lid.x] = select(0.0, q[(head * p.L + qi) * p.d + qc], qi < p.L && qc < p.d);
    let kj = wg.x * TILE + lid.y;
    k_tile[lid.y * TILE + lid.x] = select(0.0, k[(kvh * p.S + kj) * p.d + qc], kj < p.S && qc < p.d);
    workgroupBarrier();
    for (var c = 0u; c < TILE; c++) {
      acc += q_tile[lid.y * TILE + c] * k_tile[lid.x * TILE + c];
    }
    workgroupBarrier();
  }
  // Pass 2: scale, ALiBi's bias, mask.
  if (i < p.L && j < p.S) {
    let a = select(0u, allowed[i * p.S + j], p.explicit_mask == 1u);
    let s = acc * p.multiplier + alibi_bias(i, j, p, slopes[head]);
    scores[(head * p.L + i) * p.S + j] = select(BLOCKED, s, attends(i, j, p, a));
  }
}
