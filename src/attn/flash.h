// Flash attention on the CPU, tile by tile, recording what a teacher needs to show: for each (query tile,
// key tile) the running max m, running sum l, the rescale factor exp(m_old − m_new) and the partial output O.
// Same algorithm as shaders/flash_attention.wgsl (online softmax; whole tiles skipped when the mask blocks
// them); the result equals standard attention within rounding. Tests: tests/core/test_flash.cpp
// (FlashAttention.*).
#pragma once

#include <vector>

#include "attn/mask.h"
#include "attn/types.h"

namespace attn {

struct FlashTile {
  int q_tile = 0, k_tile = 0;  // tile indices
  int row0 = 0, rows = 0;      // query rows [row0, row0 + rows)
  int col0 = 0, cols = 0;      // keys [col0, col0 + cols)
  bool skipped = false;        // the mask blocks the whole tile: no work, nothing below is set
  MatD s;                      // rows×cols scaled scores, −∞ where blocked
  VecD m_old, m_new;           // rows: running max before/after this tile
  VecD rescale;                // rows: exp(m_old − m_new), what the old l and O are multiplied by
  VecD l_old, l_new;           // rows: running sum Σ exp(s − m) before/after
  MatD o_partial;              // rows×d_v: Σ exp(s − m_new)·v so far (not yet divided by l)
};

struct FlashTrace {
  int br = 0, bc = 0;            // tile sizes (query rows, keys)
  std::vector<FlashTile> tiles;  // in the order computed: query tile 0 with key tiles 0, 1, …; then tile 1…
  MatD output;                   // L×d_v: o_partial / l after each query tile's last key tile
  VecD lse;                      // L: m + log l (what the backward pass would keep)
  double peak_bytes = 0;         // f64 bytes held at once: Q tile, K/V tiles, S tile, O, m, l
};

// q: L×d_k, k: S×d_k, v: S×d_v; multiplier = scale/temperature; br, bc ≥ 1. record: keep every tile's
// numbers (small problems, for the walkthrough); else only output/lse. bias: L×S added to each tile's scaled
// scores (ALiBi), or empty.
FlashTrace flash_attention(const MatD& q, const MatD& k, const MatD& v, const MaskSpec& mask,
                           double multiplier, int br, int bc, bool record, const MatD& bias = MatD());

}  // namespace attn
