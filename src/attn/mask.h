// Attention masks: which key each query may attend to. A MaskSpec is the Problem's description,
// build_mask turns it into an L×S 0/1 matrix. Tests: tests/core/test_mask.cpp (Mask.*).
#pragma once

#include <string>

#include "attn/types.h"

namespace attn {

struct MaskSpec {
  enum class Kind { None, Causal, Window, Padding, Explicit };
  Kind kind = Kind::None;
  int window = 0;     // Window: query i sees keys j with i−w < j ≤ i
  int valid_len = 0;  // Padding: keys j < valid_len are real tokens
  MaskMat allowed;    // Explicit: L×S, 1 = may attend
};

// allowed: L×S. For L≠S, causal and window align the last query with the last key
// (query i sits at key position i + S − L), the convention of decoders with a KV cache.
MaskMat build_mask(const MaskSpec& spec, int L, int S);

// True when query row i may attend to no key at all (without building the L×S matrix).
bool row_fully_masked(const MaskSpec& spec, int i, int L, int S);

// Short human name: "none", "causal", "window 3", "padding 5", "explicit".
std::string mask_name(const MaskSpec& spec);

}  // namespace attn
