// attention_map.wgsl: a downsampled attention map for long sequences, from flash_attention's row log-sum-exp,
// without forming the L×S matrix: map[h][bi][bj] = mean over rows i of block bi of Σ_{j in block bj} a_ij, where
// a_ij = exp(q_i·k_j·multiplier + ALiBi's bias − lse_i) (0 where masked). Each map row sums to 1, like a row of weights.
// Bindings: 0 params (uniform Params) · 1 q (h×L×d) · 2 k (g×S×d) · 3 allowed (L×S u32, explicit mask only) ·
//           4 lse (h×L, from flash_attention) · 5 map (h×M×M, written) · 6 shape (uniform MapShape) · 7 slopes
//           (h: ALiBi's, read when Params.alibi = 1).
// Workgroup: 64 threads, one map cell each. Dispatch: (⌈M/64⌉, M, h). CPU twin: block means of the trace's
// weights (tests/web/webgpu.test.mjs compares them).

struct MapShape {
  M: u32,     // map cells per side
  rows: u32,  // query rows per block (⌈L/M⌉)
  cols: u32,  // keys per block (⌈S/M⌉)
  pad: u32,
};

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> allowed: array<u32>;
@group(0) @binding(4) var<storage, read> lse: array<f32>;
@group(0) @binding(5) var<storage, read_write> map: array<f32>;
@group(0) @binding(6) var<uniform> shape: MapShape;
@group(0) @binding(7) var<storage, read> slopes: array<f32>;

@compute @workgroup_size(64)
fn attention_map_main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let bj = gid.x;
  let bi = gid.y;
  let head = gid.z;
  if (bj >= shape.M) { return; }
  let kvh = kv_head(head, p);
  let i_end = min(p.L, (bi + 1u) * shape.rows);
  let j_end = min(p.S, (bj + 1u) * shape.cols);
  var total = 0.0;
  var rows = 0u;
  for (var i = bi * shape.rows; i < i_end; i++) {
    rows += 1u;
    let l = lse[head * p.L + i];
    if (l <= BLOCKED) { continue; }  // fully masked row: no weight anywhere
    for (var j = bj * shape.cols; j < j_end; j++) {
      let a = select(0u, allowed[i * p.S + j], p.explicit_mask == 1u);
      if (!attends(i, j, p, a)) { continue; }
      var dot = 0.0;
      for (var c = 0u; c < p.d; c++) { dot += q[(head * p.L + i) * p.d + c] * k[(kvh * p.S + j) * p.d + c]; }
      total += exp(dot * p.multiplier + alibi_bias(i, j, p, slopes[head]) - l);
    }
  }
  map[(head * shape.M + bi) * shape.M + bj] = select(0.0, total / f32(rows), rows > 0u);
}
