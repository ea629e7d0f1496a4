// Plain-loop reference of attention, indexed the way the WGSL kernels index their buffers (row-major,
// flat). Double precision, no Eigen arithmetic: the independent twin the tests check everything against.
// Twins: attention.h (Eigen), shaders/*.wgsl (GPU). Same names: scores, softmax_rows, weighted_sum.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

namespace attn::ref {

// q: L×d row-major, k: S×d row-major → s: L×S, s[i*S+j] = Σ_c q[i*d+c]·k[j*d+c] · multiplier, −∞ where
// allowed[i*S+j] == 0.
inline std::vector<double> scores(const std::vector<double>& q, const std::vector<double>& k,
                                  const std::vector<unsigned char>& allowed, int L, int S, int d,
                                  double multiplier) {
  std::vector<double> s(static_cast<size_t>(L) * S);
  for (int i = 0; i < L; ++i)
    for (int j = 0; j < S; ++j) {
      double acc = 0;
      for (int c = 0; c < d; ++c) acc += q[i * d + c] * k[j * d + c];
      s[i * S + j] = allowed[i * S + j] ? acc * multiplier : -std::numeric_limits<double>::infinity();
    }
  return s;
}

// In place over an L×S matrix: max-subtracted softmax per row; a row of only −∞ becomes zeros.
inline void softmax_rows(std::vector<double>& s, int L, int S) {
  for (int i = 0; i < L; ++i) {
    double m = -std::numeric_limits<double>::infinity();
    for (int j = 0; j < S; ++j) m = s[i * S + j] > m ? s[i * S + j] : m;
    if (m == -std::numeric_limits<double>::infinity()) {
      for (int j = 0; j < S; ++j) s[i * S + j] = 0;
      continue;
    }
    double sum = 0;
    for (int j = 0; j < S; ++j) sum += (s[i * S + j] = std::exp(s[i * S + j] - m));
    for (int j = 0; j < S; ++j) s[i * S + j] /= sum;
  }
}

// w: L×S, v: S×dv → o: L×dv.
inline std::vector<double> weighted_sum(const std::vector<double>& w, const std::vector<double>& v, int L,
                                        int S, int dv) {
  std::vector<double> o(static_cast<size_t>(L) * dv, 0.0);
  for (int i = 0; i < L; ++i)
    for (int j = 0; j < S; ++j)
      for (int c = 0; c < dv; ++c) o[i * dv + c] += w[i * S + j] * v[j * dv + c];
  return o;
}

}  // namespace attn::ref
