// Scaled dot-product attention for one head, recording every stage in a HeadTrace:
//   scores = q·kᵀ → scaled = scores·scale/temperature → masked (−∞ where blocked)
//   → weights = softmax_rows(masked) → output = weights·v.
// Twin: attn::ref (plain loops, ref.h). Tests: tests/core/test_attention.cpp (Attention.*, SoftmaxRows.*).
#pragma once

#include <vector>

#include "attn/position.h"
#include "attn/types.h"

namespace attn {

struct ScaleSpec {
  enum class Kind { SqrtDk, None, Value };
  Kind kind = Kind::SqrtDk;  // SqrtDk: 1/√d_k (the default); None: 1; Value: the number given
  double value = 1.0;
};

// The factor the raw scores are multiplied by: scale(d_k) / temperature.
double score_multiplier(const ScaleSpec& scale, int d_k, double temperature);

template <typename T>
struct HeadTrace {
  int kv_head = 0;                  // which K/V head this query head read (grouped/multi-query)
  Mat<T> q, k, v;                   // L×d_k, S×d_k, S×d_v: this head's inputs
  Mat<T> scores;                    // L×S  q·kᵀ
  Mat<T> q_unrotated, k_unrotated;  // RoPE only: q and k before the rotation (q and k above are rotated)
  Mat<T> scaled;                    // L×S  scores · multiplier
  Mat<T> bias;                      // L×S  ALiBi only: −slope·|pos_i − pos_j|, added to scaled
  Mat<T> masked;                    // L×S  scaled (+ bias), −∞ where blocked
  Vec<T> row_max;                   // L    max of each masked row (−∞ when fully masked)
  Vec<T> row_sum;                   // L    Σ_j exp(masked − row_max)
  Mat<T> weights;                  // L×S  softmax of each row; rows sum to 1, or are all 0 when fully masked
  Mat<T> output;                   // L×d_v weights·v
  std::vector<bool> fully_masked;  // L    true where the mask blocked every key
};

// masked: L×S with −∞ where blocked. Writes weights (L×S), row_max, row_sum (L), fully_masked (L).
template <typename T>
void softmax_rows(const Mat<T>& masked, Mat<T>& weights, Vec<T>& row_max, Vec<T>& row_sum,
                  std::vector<bool>& fully_masked);

// q: L×d_k, k: S×d_k, v: S×d_v, allowed: L×S, bias: L×S added to the scaled scores, or nullptr. Returns
// the full trace of one head.
template <typename T>
HeadTrace<T> attention_head(const Eigen::Ref<const Mat<T>>& q, const Eigen::Ref<const Mat<T>>& k,
                            const Eigen::Ref<const Mat<T>>& v, const MaskMat& allowed, double multiplier,
                            const MatD* bias = nullptr);

// attention_head with a problem's positions (position.h): RoPE rotates q and k first (the trace keeps them as
// given in q_unrotated, k_unrotated); ALiBi adds −slope·|pos_i − pos_j| to the scaled scores (trace.bias).
// Sinusoidal and learned positions were added to the inputs before: nothing to do here.
template <typename T>
HeadTrace<T> positioned_head(const Eigen::Ref<const Mat<T>>& q, const Eigen::Ref<const Mat<T>>& k,
                             const Eigen::Ref<const Mat<T>>& v, const MaskMat& allowed, double multiplier,
                             const PositionSpec& position, double slope);

// weights: L×S → at most max_rows × max_cols blocks of ⌈L/rows⌉ × ⌈S/cols⌉ tokens; a block holds the mean
// over its rows of the sum over its keys, so each row of blocks sums to 1 like a row of weights. The CPU twin
// of shaders/attention_map.wgsl (which gets there from flash attention's lse, never forming the L×S matrix).
MatD attention_map(const MatD& weights, int max_rows, int max_cols);

}  // namespace attn
