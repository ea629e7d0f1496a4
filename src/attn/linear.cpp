// Linear attention by re-association, with prefix sums for the causal case (see linear.h).
#include "attn/linear.h"

#include <algorithm>
#include <cmath>

namespace attn {

const char* feature_map_name(FeatureMap f) {
  switch (f) {
    case FeatureMap::Elu1:
      return "elu1";
    case FeatureMap::Relu:
      return "relu";
    case FeatureMap::Softmax:
      return "softmax";
  }
  return "elu1";
}

MatD feature_map(const MatD& x, FeatureMap f) {
  MatD phi(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    if (f == FeatureMap::Softmax) {
      const double m = x.row(i).maxCoeff();
      phi.row(i) = (x.row(i).array() - m).exp();
      phi.row(i) /= phi.row(i).sum();
      continue;
    }
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      const double a = x(i, c);
      phi(i, c) = f == FeatureMap::Relu ? std::max(a, 0.0) : (a > 0 ? a + 1 : std::exp(a));  // elu(a)+1
    }
  }
  return phi;
}

LinearTrace linear_attention(const MatD& q, const MatD& k, const MatD& v, FeatureMap f, bool causal,
                             bool implied) {
  LinearTrace t;
  const Eigen::Index L = q.rows(), S = k.rows(), dv = v.cols();
  t.phi_q = feature_map(q, f);
  t.phi_k = feature_map(k, f);
  const Eigen::Index r = t.phi_q.cols();
  t.output = MatD::Zero(L, dv);
  t.normaliser = VecD::Zero(L);
  t.zero_rows.assign(static_cast<size_t>(L), false);
  // The re-association: (φ(K)ᵀ V) is r×d_v, computed once (or as prefix sums), never the L×S matrix.
  t.kv = t.phi_k.transpose() * v;
  t.k_sum = t.phi_k.colwise().sum().transpose();
  MatD kv_prefix = MatD::Zero(r, dv);
  VecD z_prefix = VecD::Zero(r);
  Eigen::Index next = 0;  // keys added to the prefix so far
  for (Eigen::Index i = 0; i < L; ++i) {
    const Eigen::Index pos = i + S - L;
    if (causal) {
      for (; next < S && next <= pos; ++next) {
        kv_prefix += t.phi_k.row(next).transpose() * v.row(next);
        z_prefix += t.phi_k.row(next).transpose();
      }
    }
    const MatD& kv = causal ? kv_prefix : t.kv;
    const VecD& z = causal ? z_prefix : t.k_sum;
    const double den = t.phi_q.row(i).dot(z);
    t.normaliser(i) = den;
    if (den <= 0) {  // relu features can switch every key off for a query: no attention, output 0
      t.zero_rows[static_cast<size_t>(i)] = true;
      continue;
    }
    t.output.row(i) = (t.phi_q.row(i) * kv) / den;
  }
  if (implied) {
    t.implied = MatD::Zero(L, S);
    for (Eigen::Index i = 0; i < L; ++i) {
      if (t.zero_rows[static_cast<size_t>(i)]) continue;
      const Eigen::Index pos = i + S - L;
      for (Eigen::Index j = 0; j < S; ++j)
        if (!causal || j <= pos) t.implied(i, j) = t.phi_q.row(i).dot(t.phi_k.row(j)) / t.normaliser(i);
    }
  }
  return t;
}

}  // namespace attn
