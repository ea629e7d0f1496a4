// flash_attention.wgsl: fused attention that never materialises the L×S matrix. Each thread owns one query
// row (its q, running max m, running sum l and output accumulator o in registers); the workgroup streams K/V
// tiles of BC keys through workgroup memory. Online softmax per tile: m' = max(m, tile max),
// o ← o·exp(m − m') + Σ_j exp(s_j − m')·v_j, l ← l·exp(m − m') + Σ_j exp(s_j − m'). At the end o / l.
// Causal, window and padding masks skip whole K/V tiles outside the query tile's reach. No subgroups needed.
// Bindings: 0 params (uniform Params) · 1 q (h×L×d) · 2 k (g×S×d) · 3 v (g×S×dv) · 4 allowed (L×S u32,
//           explicit mask only) · 5 out (h×L×dv, written) · 6 lse (h×L: m + ln l per row, written; BLOCKED
//           for fully masked rows) · 7 slopes (h: ALiBi's, read when Params.alibi = 1) — all f32 except allowed.
// Workgroup: BR threads (query rows). Workgroup memory: BC·(DK + DV) floats, chosen by web/webgpu.js to fit
// maxComputeWorkgroupStorageSize. Limits: d, dv ≤ 128, BC ≤ 64.
// Dispatch: (⌈L/BR⌉, h). CPU twin: attn::attention_head (same output; the trace's weights are not formed).

override BR: u32 = 64u;  // query rows per workgroup (= threads)
override BC: u32 = 32u;  // keys per K/V tile
override DK: u32 = 64u;  // = Params.d
override DV: u32 = 64u;  // = Params.dv
const MAX_D: u32 = 128u;
const MAX_BC: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> allowed: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> lse: array<f32>;
@group(0) @binding(7) var<storage, read> slopes: array<f32>;

var<workgroup> k_tile: array<f32, BC * DK>;
var<workgroup> v_tile: array<f32, BC * DV>;

@compute @workgroup_size(BR)
fn flash_attention_main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>) {
  let head = wg.y;
  let kvh = kv_head(head, p);
  let lid = lid3.x;
  let i = wg.x * BR + lid;
  let valid = i < p.L;

  // Pass 1: this thread's query row, pre-multiplied by scale / temperature.
  var qr: array<f32, MAX_D>;
  var o: array<f32, MAX_D>;
  var s: array<f32, MAX_BC>;
  for (var c = 0u; c < DK; c++) {
    qr[c] = select(0.0, q[(head * p.L + i) * DK + c] * p.multiplier, valid);
  }
  for (var c = 0u; c < DV; c++) { o[c] = 0.0; }
  var m = BLOCKED;
  var l = 0.0;

  // Pass 2: the key range this query tile can reach (whole tiles outside it are skipped).
  let i_lo = wg.x * BR;
  let i_hi = min(p.L, i_lo + BR) - 1u;
  let pos_lo = i32(i_lo) + i32(p.S) - i32(p.L);
  let pos_hi = i32(i_hi) + i32(p.S) - i32(p.L);
  let j_begin = key_lo(pos_lo, p);
  let j_end = key_hi(pos_hi, p);

  // Pass 3: stream K/V tiles; online softmax.
  for (var j0 = u32(j_begin); j0 < u32(j_end); j0 += BC) {
    for (var idx = lid; idx < BC * DK; idx += BR) {
      let j = j0 + idx / DK;
      k_tile[idx] = select(0.0, k[(kvh * p.S + j) * DK + idx % DK], j < u32(j_end));
    }
    for (var idx = lid; idx < BC * DV; idx += BR) {
      let j = j0 + idx / DV;
      v_tile[idx] = select(0.0, v[(kvh * p.S + j) * DV + idx % DV], j < u32(j_end));
    }
    workgroupBarrier();
    if (valid) {
      var tile_max = BLOCKED;
      for (var r = 0u; r < BC; r++) {
        let j = j0 + r;
        var dot = 0.0;
        for (var c = 0u; c < DK; c++) { dot += qr[c] * k_tile[r * DK + c]; }
        let a = select(0u, allowed[i * p.S + j], p.explicit_mask == 1u && j < u32(j_end));
        s[r] = select(BLOCKED, dot + alibi_bias(i, j, p, slopes[head]), j < u32(j_end) && attends(i, j, p, a));
        tile_max = max(tile_max, s[r]);
      }
      let m_new = max(m, tile_max);
      if (m_new > BLOCKED) {
        let rescale = exp(m - m_new);  // exactly 0 while m is still BLOCKED
        l = l * rescale;
        for (var c = 0u; c < DV; c++) { o[c] = o[c] * rescale; }
        for (var r = 0u; r < BC; r++) {
          let pr = select(exp(s[r] - m_new), 0.0, s[r] <= BLOCKED);
          l += pr;
          for (var c = 0u; c < DV; c++) { o[c] += pr * v_tile[r * DV + c]; }
        }
        m = m_new;
      }
    }
    workgroupBarrier();
  }

  // Pass 4: normalise; a fully masked row (l = 0) writes zeros.
  if (valid) {
    for (var c = 0u; c < DV; c++) { out[(head * p.L + i) * DV + c] = select(0.0, o[c] / l, l > 0.0); }
    lse[head * p.L + i] = select(BLOCKED, m + log(l), l > 0.0);
  }
}
