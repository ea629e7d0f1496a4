// Multi-head attention with torch.nn.MultiheadAttention's weight layout, including grouped-query and
// multi-query heads (query head i reads K/V head ⌊i·g/h⌋). Tests: tests/core/test_multihead.cpp,
// tests/golden (against torch). Per-head math is attention_head (attention.h).
#pragma once

#include <vector>

#include "attn/attention.h"
#include "attn/problem.h"

namespace attn {

template <typename T>
struct MultiHeadTrace {
  Mat<T> q_proj, k_proj, v_proj;    // L×E, S×E·g/h, S×E·g/h: inputs times W_qᵀ/W_kᵀ/W_vᵀ plus bias
  std::vector<HeadTrace<T>> heads;  // h
  Mat<T> concat;                    // L×E: head outputs side by side
  Mat<T> output;                    // L×E: concat·W_oᵀ + b_o
};

// The K/V head that query head i reads: ⌊i·g/h⌋.
inline int kv_head_of(int i, int h, int g) { return i * g / h; }

// The usual multi-head → grouped-query conversion: K/V head j of the result is the mean of the K/V projection
// rows (and biases) of the query heads in group j (heads i with ⌊i·g/h⌋ = j). p: Form::MultiHead or Random
// with num_kv_heads = num_heads; g divides h. Throws ProblemError otherwise.
Problem group_kv_heads(const Problem& p, int g);

// p must be Form::MultiHead (validated). allowed: L×S.
template <typename T>
MultiHeadTrace<T> multihead_attention(const Problem& p, const MaskMat& allowed,
                                      double temperature_multiplier);

}  // namespace attn
