// common.wgsl: shared declarations, prepended to every kernel by web/webgpu.js (not a kernel itself).
// Params: the problem's sizes, the score multiplier (scale / temperature) and the mask (see README.md).

struct Params {
  L: u32,           // query rows
  S: u32,           // key rows
  d: u32,           // d_k, width of q and k
  dv: u32,          // width of v
  h: u32,           // query heads
  g: u32,           // key/value heads; query head i reads K/V head i·g/h
  mask_kind: u32,   // 0 none, 1 causal, 2 window, 3 padding, 4 explicit
  window: u32,      // window w: query at position p sees keys p−w < j ≤ p
  valid_len: u32,   // padding: keys j < valid_len are real
  multiplier: f32,  // scale(d_k) / temperature
  row_base: u32,    // first query row handled by this dispatch (for chunked dispatches)
  pad: u32,
};

const BLOCKED: f32 = -3.0e38;

fn kv_head(head: u32, p: Params) -> u32 { return head * p.g / p.h; }

// May query row i attend to key j? (allowed: the explicit 0/1 matrix, L×S, used when mask_kind == 4)
fn attends(i: u32, j: u32, p: Params, allowed_ij: u32) -> bool {
  let ipos = i32(i) + i32(p.S) - i32(p.L);
  let jj = i32(j);
  switch (p.mask_kind) {
    case 1u: { return jj <= ipos; }
    case 2u: { return jj <= ipos && jj > ipos - i32(p.window); }
    case 3u: { return j < p.valid_len; }
    case 4u: { return allowed_ij != 0u; }
    default: { return true; }
  }
}
