// Linear attention (Katharopoulos et al. 2020): softmax(q·kᵀ) replaced by a feature map φ, so that
//   o_i = φ(q_i)ᵀ (Σ_j φ(k_j) v_jᵀ) / φ(q_i)ᵀ (Σ_j φ(k_j))
// is computed right-to-left in O(n·r·d_v) instead of O(n²·d) (r = feature width = d_k). Causal: the sums run
// over j ≤ pos (prefix sums). The implied L×S matrix a_ij = φ(q_i)·φ(k_j) / Σ_j' φ(q_i)·φ(k_j') is only
// formed when asked, for comparison with softmax attention. Tests: tests/core/test_linear.cpp
// (LinearAttention.*).
#pragma once

#include <string>
#include <vector>

#include "attn/types.h"

namespace attn {

enum class FeatureMap {
  Elu1,    // φ(x) = elu(x) + 1 (the default; positive, smooth)
  Relu,    // φ(x) = max(x, 0) (can give a zero normaliser: that row's output is 0)
  Softmax  // φ(x) = softmax over the features of x (each φ sums to 1)
};
const char* feature_map_name(FeatureMap f);

struct LinearTrace {
  MatD phi_q;       // L×r
  MatD phi_k;       // S×r
  MatD kv;          // r×d_v  Σ_j φ(k_j) v_jᵀ over all keys (non-causal; causal keeps prefixes)
  VecD k_sum;       // r      Σ_j φ(k_j) over all keys
  VecD normaliser;  // L      φ(q_i)·(Σ_{allowed j} φ(k_j))
  MatD implied;     // L×S    the implied attention matrix (empty unless asked)
  MatD output;      // L×d_v
  std::vector<bool> zero_rows;  // L      rows whose normaliser is 0 (output 0)
};

MatD feature_map(const MatD& x, FeatureMap f);

// q: L×d_k, k: S×d_k, v: S×d_v. causal: query i (at key position i + S − L) sees keys j ≤ its position.
LinearTrace linear_attention(const MatD& q, const MatD& k, const MatD& v, FeatureMap f, bool causal,
                             bool implied);

}  // namespace attn
