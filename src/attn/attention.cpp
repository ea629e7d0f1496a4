// One attention head with its trace (see attention.h). Instantiated for float and double.
#include "attn/attention.h"

#include <algorithm>

#include <cmath>
#include <limits>

namespace attn {

double score_multiplier(const ScaleSpec& scale, int d_k, double temperature) {
  double s = 1.0;
  switch (scale.kind) {
    case ScaleSpec::Kind::SqrtDk:
      s = 1.0 / std::sqrt(static_cast<double>(d_k));
      break;
    case ScaleSpec::Kind::None:
      s = 1.0;
      break;
    case ScaleSpec::Kind::Value:
      s = scale.value;
      break;
  }
  return s / temperature;
}

// Why subtract the row max: exp(x) overflows to +∞ for x > 88.7 in f32 (709.8 in f64), and ∞/∞ is NaN.
// softmax(x) = softmax(x − m) for any constant m, so with m = max_j x_j every exponent is ≤ 0, every
// exp() lies in (0, 1], and the sum is ≥ 1 (the max term is exactly 1): no overflow, no division by 0.
// Blocked entries are −∞, so exp(−∞ − m) is exactly 0 and they get exactly zero weight.
// A row whose every entry is −∞ has no max to subtract; it is reported as fully masked and gets zeros.
template <typename T>
void softmax_rows(const Mat<T>& masked, Mat<T>& weights, Vec<T>& row_max, Vec<T>& row_sum,
                  std::vector<bool>& fully_masked) {
  const Eigen::Index L = masked.rows();
  const T neg_inf = -std::numeric_limits<T>::infinity();
  weights.setZero(L, masked.cols());
  row_max.resize(L);
  row_sum.resize(L);
  fully_masked.assign(static_cast<size_t>(L), false);
  for (Eigen::Index i = 0; i < L; ++i) {
    const T m = masked.row(i).maxCoeff();  // pass 1: row max
    row_max(i) = m;
    if (m == neg_inf) {
      row_sum(i) = T(0);
      fully_masked[static_cast<size_t>(i)] = true;
      continue;
    }
    T sum = T(0);
    for (Eigen::Index j = 0; j < masked.cols(); ++j) {  // pass 2: exp(x − m); std::exp(−∞) is exactly 0
      const T e = std::exp(masked(i, j) - m);
      weights(i, j) = e;
      sum += e;
    }
    row_sum(i) = sum;              // pass 3: Σ, ≥ 1
    weights.row(i) /= row_sum(i);  // pass 4: normalise
  }
}

template <typename T>
HeadTrace<T> attention_head(const Eigen::Ref<const Mat<T>>& q, const Eigen::Ref<const Mat<T>>& k,
                            const Eigen::Ref<const Mat<T>>& v, const MaskMat& allowed, double multiplier,
                            const MatD* bias) {
  HeadTrace<T> t;
  t.q = q;
  t.k = k;
  t.v = v;
  t.scores.noalias() = t.q * t.k.transpose();
  t.scaled = t.scores * static_cast<T>(multiplier);
  const T neg_inf = -std::numeric_limits<T>::infinity();
  if (bias) t.bias = bias->cast<T>();
  const Mat<T> biased = bias ? Mat<T>(t.scaled + t.bias) : t.scaled;
  t.masked =
      (allowed.array() != 0).select(biased, Mat<T>::Constant(t.scaled.rows(), t.scaled.cols(), neg_inf));
  softmax_rows<T>(t.masked, t.weights, t.row_max, t.row_sum, t.fully_masked);
  t.output.noalias() = t.weights * t.v;
  return t;
}

template <typename T>
HeadTrace<T> positioned_head(const Eigen::Ref<const Mat<T>>& q, const Eigen::Ref<const Mat<T>>& k,
                             const Eigen::Ref<const Mat<T>>& v, const MaskMat& allowed, double multiplier,
                             const PositionSpec& position, double slope) {
  const int L = static_cast<int>(q.rows()), S = static_cast<int>(k.rows());
  if (position.kind == PositionSpec::Kind::Alibi) {
    const MatD bias = alibi_bias(position, slope, L, S);
    return attention_head<T>(q, k, v, allowed, multiplier, &bias);
  }
  if (position.kind != PositionSpec::Kind::Rope) return attention_head<T>(q, k, v, allowed, multiplier);
  Mat<T> qr = q, kr = k;
  rope_rotate(qr, position, query_position(position, 0, L, S));
  rope_rotate(kr, position, key_position(position, 0));
  HeadTrace<T> t = attention_head<T>(qr, kr, v, allowed, multiplier);
  t.q_unrotated = q;
  t.k_unrotated = k;
  return t;
}

template void softmax_rows<float>(const MatF&, MatF&, VecF&, VecF&, std::vector<bool>&);
template void softmax_rows<double>(const MatD&, MatD&, VecD&, VecD&, std::vector<bool>&);
template HeadTrace<float> attention_head<float>(const Eigen::Ref<const MatF>&, const Eigen::Ref<const MatF>&,
                                                const Eigen::Ref<const MatF>&, const MaskMat&, double,
                                                const MatD*);
template HeadTrace<double> attention_head<double>(const Eigen::Ref<const MatD>&,
                                                  const Eigen::Ref<const MatD>&,
                                                  const Eigen::Ref<const MatD>&, const MaskMat&, double,
                                                  const MatD*);
template HeadTrace<float> positioned_head<float>(const Eigen::Ref<const MatF>&, const Eigen::Ref<const MatF>&,
                                                 const Eigen::Ref<const MatF>&, const MaskMat&, double,
                                                 const PositionSpec&, double);
template HeadTrace<double> positioned_head<double>(const Eigen::Ref<const MatD>&,
                                                   const Eigen::Ref<const MatD>&,
                                                   const Eigen::Ref<const MatD>&, const MaskMat&, double,
                                                   const PositionSpec&, double);

MatD attention_map(const MatD& weights, int max_rows, int max_cols) {
  const Eigen::Index L = weights.rows(), S = weights.cols();
  if (L == 0 || S == 0) return MatD();
  const Eigen::Index rows = std::min<Eigen::Index>(std::max(max_rows, 1), L);
  const Eigen::Index cols = std::min<Eigen::Index>(std::max(max_cols, 1), S);
  const Eigen::Index br = (L + rows - 1) / rows, bc = (S + cols - 1) / cols;  // tokens per block
  const Eigen::Index out_rows = (L + br - 1) / br, out_cols = (S + bc - 1) / bc;
  MatD map = MatD::Zero(out_rows, out_cols);
  for (Eigen::Index i = 0; i < L; ++i)
    for (Eigen::Index j = 0; j < S; ++j) map(i / br, j / bc) += weights(i, j);
  for (Eigen::Index a = 0; a < out_rows; ++a)
    map.row(a) /= static_cast<double>(std::min(br, L - a * br));  // rows in this block
  return map;
}

}  // namespace attn
