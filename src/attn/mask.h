// Attention masks: which key each query may attend to. A MaskSpec is the Problem's description,
// build_mask turns it into an L×S 0/1 matrix; mask_allows answers for one cell. Tests:
// tests/core/test_mask.cpp (Mask.*).
#pragma once

#include <string>
#include <vector>

#include "attn/types.h"

namespace attn {

// Positions are key positions: query i stands at pos = i + S − L (the last query meets the last key, as in a
// decoder with a KV cache).
struct MaskSpec {
  enum class Kind { None, Causal, Window, Padding, Explicit, Strided, Block };
  Kind kind = Kind::None;
  int window = 0;      // Window: causal pos−w < j ≤ pos; symmetric (causal = false) |pos − j| < w
  bool causal = true;  // Window only
  int valid_len = 0;   // Padding: keys j < valid_len are real tokens
  int stride = 0;      // Strided (Sparse Transformer): j ≤ pos and (pos − j < s or (pos − j) mod s = 0)
  int block = 0;       // Block: ⌊pos/b⌋ = ⌊j/b⌋ (block-diagonal); block 1 = each token only itself
  std::vector<int> global;  // global positions, sorted without repeats: they see every key and every query
                            // sees them (any kind but Explicit/Padding; a causal base stays causal)
  MaskMat allowed;          // Explicit: L×S, 1 = may attend
};

// Whether query i may attend to key j.
bool mask_allows(const MaskSpec& spec, int i, int j, int L, int S);

// allowed: L×S.
MaskMat build_mask(const MaskSpec& spec, int L, int S);

// True when query row i may attend to no key at all.
bool row_fully_masked(const MaskSpec& spec, int i, int L, int S);

// Kinds the fast CPU path and the GPU kernels handle by key ranges (none, causal, causal window, padding,
// without global tokens); the others run as an explicit 0/1 matrix there.
bool mask_is_range(const MaskSpec& spec);

// How many (query, key) scores the mask lets through: the scores a sparse kernel would compute.
double allowed_count(const MaskSpec& spec, int L, int S);

// Short human name: "none", "causal", "window 3", "window 3 (both sides)", "strided 4", "block 4",
// "padding 5", "explicit", with " + global 0, 5" when there are global tokens.
std::string mask_name(const MaskSpec& spec);

}  // namespace attn
