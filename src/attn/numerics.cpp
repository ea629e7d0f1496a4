// Naive vs stable softmax in f32/f16, entropy, q·k spread (see numerics.h).
#include "attn/numerics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "attn/attention.h"
#include "attn/rng.h"

namespace attn {

double round_to_f16(double x) {
  if (std::isnan(x) || std::isinf(x) || x == 0) return x;
  const double a = std::fabs(x);
  if (a >= 65520.0)
    return std::copysign(std::numeric_limits<double>::infinity(), x);  // past max 65504 + ½ulp
  int e = 0;
  std::frexp(a, &e);                                                  // a = m·2^e, m ∈ [0.5, 1)
  const double quantum = std::ldexp(1.0, std::max(e - 1, -14) - 10);  // 11-bit significand; subnormal floor
  return std::copysign(std::nearbyint(a / quantum) * quantum, x);
}

namespace {

double round_to(double x, NumFormat f) {
  return f == NumFormat::F16 ? round_to_f16(x) : static_cast<double>(static_cast<float>(x));
}

double exp_in(double x, NumFormat f) {
  if (f == NumFormat::F32) return static_cast<double>(std::exp(static_cast<float>(x)));
  return round_to_f16(std::exp(round_to_f16(x)));
}

std::vector<double> softmax_shifted(const std::vector<double>& logits, NumFormat f, double shift) {
  std::vector<double> e(logits.size());
  double sum = 0;
  for (size_t j = 0; j < logits.size(); ++j) {
    e[j] = exp_in(round_to(round_to(logits[j], f) - shift, f), f);
    sum = round_to(sum + e[j], f);
  }
  for (double& x : e) x = round_to(x / sum, f);
  return e;
}

}  // namespace

std::vector<double> softmax_naive(const std::vector<double>& logits, NumFormat f) {
  return softmax_shifted(logits, f, 0.0);
}

std::vector<double> softmax_stable(const std::vector<double>& logits, NumFormat f) {
  double m = -std::numeric_limits<double>::infinity();
  for (double x : logits) m = std::max(m, round_to(x, f));
  if (m == -std::numeric_limits<double>::infinity())
    return std::vector<double>(logits.size(), 0.0);  // fully masked
  return softmax_shifted(logits, f, m);
}

double entropy_bits(const std::vector<double>& weights) {
  double h = 0;
  for (double w : weights)
    if (w > 0) h -= w * std::log2(w);
  return h;
}

std::vector<DotSpread> dot_product_spread(const std::vector<int>& d_ks, int samples, std::uint64_t seed) {
  std::vector<DotSpread> out;
  Rng rng{seed};
  for (int d : d_ks) {
    double sum = 0, sum_sq = 0;
    for (int s = 0; s < samples; ++s) {
      double dot = 0;
      for (int c = 0; c < d; ++c) dot += rng.normal() * rng.normal();
      sum += dot;
      sum_sq += dot * dot;
    }
    const double mean = sum / samples;
    const double sd = std::sqrt(std::max(0.0, sum_sq / samples - mean * mean));
    out.push_back({d, sd, sd / std::sqrt(static_cast<double>(d))});
  }
  return out;
}

std::vector<double> row_weights_with(const HeadTrace<double>& t, int row, double multiplier) {
  if (row < 0 || row >= t.scores.rows()) return {};
  std::vector<double> x(static_cast<size_t>(t.scores.cols()));
  for (size_t j = 0; j < x.size(); ++j) {
    const Eigen::Index c = static_cast<Eigen::Index>(j);
    x[j] =
        std::isinf(t.masked(row, c)) ? -INFINITY : t.scores(row, c) * multiplier;  // (−∞: blocked stays so)
  }
  return softmax_stable(x, NumFormat::F32);
}

}  // namespace attn
