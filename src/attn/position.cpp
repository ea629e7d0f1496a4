// Position schemes: the kind table, the sinusoidal table, RoPE's rotation and ALiBi's slopes (see
// position.h).
#include "attn/position.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "attn/error.h"

namespace attn {

const std::vector<PositionKindInfo> kPositionKinds = {
    {PositionSpec::Kind::None, "none", PositionAt::Nowhere, false, false, nullptr},
    {PositionSpec::Kind::Sinusoidal, "sinusoidal", PositionAt::Inputs, false, true, nullptr},
    {PositionSpec::Kind::Learned, "learned", PositionAt::Inputs, false, true, nullptr},
    {PositionSpec::Kind::Rope, "rope", PositionAt::QueryKey, true, false, "scores"},  // a score as its pairs
    {PositionSpec::Kind::Alibi, "alibi", PositionAt::Scores, true, false, "mask"},  // the bias, then the mask
};

const PositionKindInfo& position_kind(PositionSpec::Kind kind) {
  return kPositionKinds[static_cast<size_t>(kind)];
}

MatD sinusoidal_table(int first, int count, int E) {
  MatD t(count, E);
  for (int r = 0; r < count; ++r)
    for (int c = 0; c < E; ++c) {
      const int m = c / 2;  // columns 2m and 2m + 1 share one frequency
      const double angle = (first + r) / std::pow(10000.0, 2.0 * m / E);
      t(r, c) = c % 2 == 0 ? std::sin(angle) : std::cos(angle);
    }
  return t;
}

MatD input_positions(const PositionSpec& s, int first, int count, int E) {
  if (s.kind == PositionSpec::Kind::Sinusoidal) return sinusoidal_table(first, count, E);
  if (s.kind == PositionSpec::Kind::Learned) {
    if (first < 0 || first + count > s.table.rows() || s.table.cols() != E)
      throw ProblemError("position.learned.table: is " + std::to_string(s.table.rows()) + "×" +
                         std::to_string(s.table.cols()) + ", positions " + std::to_string(first) + "…" +
                         std::to_string(first + count - 1) + " of width " + std::to_string(E) + " needed");
    return s.table.middleRows(first, count);
  }
  return MatD::Zero(count, E);
}

MatD add_input_positions(const MatD& x, const PositionSpec& s, int first) {
  if (position_kind(s.kind).at != PositionAt::Inputs) return x;
  return x + input_positions(s, first, static_cast<int>(x.rows()), static_cast<int>(x.cols()));
}

int rope_dims(const PositionSpec& s, int d_k) { return s.dims > 0 ? s.dims : d_k / 2 * 2; }

double rope_angle(const PositionSpec& s, int d_rot, int m, int pos) {
  return pos * std::pow(s.base, -2.0 * m / d_rot);
}

void rope_pair(const PositionSpec& s, int d_rot, int m, int& a, int& b) {
  a = s.interleaved ? 2 * m : m;
  b = s.interleaved ? 2 * m + 1 : m + d_rot / 2;
}

template <typename T>
void rope_rotate(Mat<T>& x, const PositionSpec& s, int first) {
  const int d_rot = rope_dims(s, static_cast<int>(x.cols()));
  for (Eigen::Index r = 0; r < x.rows(); ++r)
    for (int m = 0; m < d_rot / 2; ++m) {
      const double angle = rope_angle(s, d_rot, m, first + static_cast<int>(r));
      const T c = static_cast<T>(std::cos(angle)), sn = static_cast<T>(std::sin(angle));
      int a = 0, b = 0;
      rope_pair(s, d_rot, m, a, b);
      const T xa = x(r, a), xb = x(r, b);  // (x_a + i·x_b)·e^{iθ}
      x(r, a) = xa * c - xb * sn;
      x(r, b) = xa * sn + xb * c;
    }
}
template void rope_rotate<float>(MatF&, const PositionSpec&, int);
template void rope_rotate<double>(MatD&, const PositionSpec&, int);

namespace {

std::vector<double> geometric_slopes(int h) {
  int p = 1;
  while (p * 2 <= h) p *= 2;  // the largest power of two ≤ h
  std::vector<double> out;
  for (int k = 1; k <= p; ++k) out.push_back(std::pow(2.0, -8.0 * k / p));
  if (p == h) return out;
  const std::vector<double> twice = geometric_slopes(2 * p);
  for (int k = 0; static_cast<int>(out.size()) < h; k += 2) out.push_back(twice[static_cast<size_t>(k)]);
  return out;
}

}  // namespace

std::vector<double> alibi_slopes(const PositionSpec& s, int h) {
  return s.slopes.empty() ? geometric_slopes(h) : s.slopes;
}

MatD alibi_bias(const PositionSpec& s, double slope, int L, int S) {
  MatD b(L, S);
  for (int i = 0; i < L; ++i)
    for (int j = 0; j < S; ++j) b(i, j) = -slope * std::abs(query_position(s, i, L, S) - key_position(s, j));
  return b;
}

std::string position_name(const PositionSpec& s) {
  switch (s.kind) {
    case PositionSpec::Kind::Rope: {
      char buf[120];
      std::snprintf(buf, sizeof buf, "RoPE (d_rot %s, base %g, %s)",
                    s.dims > 0 ? std::to_string(s.dims).c_str() : "d_k", s.base,
                    s.interleaved ? "interleaved" : "half-split");
      return buf;
    }
    case PositionSpec::Kind::Alibi:
      return s.slopes.empty() ? "ALiBi (geometric slopes)" : "ALiBi (given slopes)";
    default:
      return position_kind(s.kind).id;
  }
}

}  // namespace attn
