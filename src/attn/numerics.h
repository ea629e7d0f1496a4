// Numerics lessons: softmax computed naively (exp(x)/Σexp(x)) and max-subtracted, in f32 and in simulated
// f16 (every operation rounded to half precision), entropy of a weight row, and the measured spread of
// q·k for random vectors as d_k grows (why 1/√d_k). Tests: tests/core/test_numerics.cpp (Numerics.*).
#pragma once

#include <cstdint>
#include <vector>

namespace attn {

enum class NumFormat { F32, F16 };

// Nearest IEEE binary16 value (round to nearest even; ±∞ past 65504; subnormals below 2⁻¹⁴).
double round_to_f16(double x);

// Softmax of one row with every intermediate rounded to the format. Naive overflows: exp(x) is +∞ in f32
// for x > 88.72 and in f16 for x > 11.09, and ∞/∞ = NaN. Stable subtracts the max first.
std::vector<double> softmax_naive(const std::vector<double>& logits, NumFormat f);
std::vector<double> softmax_stable(const std::vector<double>& logits, NumFormat f);

// −Σ w·log₂(w) over w > 0, in bits: 0 for one-hot, log₂(n) for uniform over n keys.
double entropy_bits(const std::vector<double>& weights);

// Row `row` of a head's weights if its raw scores q·k were multiplied by `multiplier` instead (same mask; f32
// softmax as the app computes): "without 1/√d_k", "at temperature 5". Empty when the row is out of range.
template <typename T>
struct HeadTrace;
std::vector<double> row_weights_with(const HeadTrace<double>& t, int row, double multiplier);

struct DotSpread {
  int d_k = 0;
  double sd_raw = 0;     // standard deviation of q·k over the samples (grows like √d_k)
  double sd_scaled = 0;  // of q·k/√d_k (stays near 1)
};

// q, k with independent N(0, 1) entries; `samples` pairs per d_k, seeded (deterministic).
std::vector<DotSpread> dot_product_spread(const std::vector<int>& d_ks, int samples, std::uint64_t seed);

}  // namespace attn
