// common.wgsl: shared declarations, prepended to every kernel by web/webgpu.js (not a kernel itself).
// Params: the problem's sizes, the score multiplier (scale / temperature) and the mask (see README.md).

struct Params {     // = compute::GpuParams (src/compute/gpu_params.h), byte for byte
  L: u32,            // query rows
  S: u32,            // key rows
  d: u32,            // d_k, width of q and k
  dv: u32,           // width of v
  h: u32,            // query heads
  g: u32,            // key/value heads; query head i reads K/V head i·g/h
  explicit_mask: u32,  // 1: the allowed buffer (L×S) decides; the key range below lets every key through
  causal: u32,       // 1: keys after the query's position are hidden
  window: u32,       // 0: no window; w: only the last w keys up to the query's position
  key_end: u32,      // keys j ≥ key_end are hidden (padding); S when there is none
  multiplier: f32,   // scale(d_k) / temperature
  alibi: u32,        // 1: ALiBi, −slope·|pos − j| added to each scaled score (the kernel's slopes buffer)
};

const BLOCKED: f32 = -3.0e38;

fn kv_head(head: u32, p: Params) -> u32 { return head * p.g / p.h; }

// The keys [key_lo, key_hi) a query at key position pos may see (attn::key_bounds, src/attn/mask.cpp).
fn key_lo(pos: i32, p: Params) -> i32 {
  if (p.window == 0u) { return 0; }
  return clamp(pos - i32(p.window) + 1, 0, i32(p.S));
}
fn key_hi(pos: i32, p: Params) -> i32 {
  var hi = i32(min(p.S, p.key_end));
  if (p.causal == 1u) { hi = min(hi, pos + 1); }
  return clamp(hi, 0, i32(p.S));
}

// ALiBi's bias of query row i for key j with this head's slope (attn::alibi_bias, src/attn/position.cpp).
fn alibi_bias(i: u32, j: u32, p: Params, slope: f32) -> f32 {
  if (p.alibi == 0u) { return 0.0; }
  let pos = i32(i) + i32(p.S) - i32(p.L);
  return -slope * f32(abs(pos - i32(j)));
}

// May query row i attend to key j? (allowed_ij: the explicit 0/1 matrix's entry, read when explicit_mask = 1)
fn attends(i: u32, j: u32, p: Params, allowed_ij: u32) -> bool {
  if (p.explicit_mask == 1u) { return allowed_ij != 0u; }
  let pos = i32(i) + i32(p.S) - i32(p.L);
  return i32(j) >= key_lo(pos, p) && i32(j) < key_hi(pos, p);
}
