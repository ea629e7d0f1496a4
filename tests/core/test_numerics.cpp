// Numerics.*: f16 rounding, naive vs stable softmax overflow in f32 and f16, entropy, q·k spread.
#include <gtest/gtest.h>

#include <cmath>

#include "attn/numerics.h"

TEST(Numerics, RoundToF16) {
  EXPECT_EQ(attn::round_to_f16(1.0), 1.0);
  EXPECT_EQ(attn::round_to_f16(65504.0), 65504.0);
  EXPECT_TRUE(std::isinf(attn::round_to_f16(70000.0)));
  EXPECT_EQ(attn::round_to_f16(1.0 + 1.0 / 4096), 1.0);              // below half an ulp (2⁻¹⁰)
  EXPECT_EQ(attn::round_to_f16(1.0 + 3.0 / 2048), 1.0 + 1.0 / 512);  // rounds to the nearest 2⁻¹⁰ step
  EXPECT_EQ(attn::round_to_f16(std::ldexp(1.0, -24)), std::ldexp(1.0, -24));  // smallest subnormal
}

TEST(Numerics, NaiveSoftmaxOverflowsWhereStableDoesNot) {
  const std::vector<double> small = {1.0, 2.0, 3.0};
  for (attn::NumFormat f : {attn::NumFormat::F32, attn::NumFormat::F16}) {
    const std::vector<double> a = attn::softmax_naive(small, f), b = attn::softmax_stable(small, f);
    for (size_t j = 0; j < 3; ++j) EXPECT_NEAR(a[j], b[j], 2e-3);
  }
  const std::vector<double> f32_big = {89.0, 88.0, 1.0};  // exp(89) > FLT_MAX
  EXPECT_TRUE(std::isnan(attn::softmax_naive(f32_big, attn::NumFormat::F32)[0]));
  EXPECT_NEAR(attn::softmax_stable(f32_big, attn::NumFormat::F32)[0], 1 / (1 + std::exp(-1.0)), 1e-6);
  const std::vector<double> f16_big = {12.0, 11.5, 0.0};  // exp(12) > 65504
  EXPECT_TRUE(std::isnan(attn::softmax_naive(f16_big, attn::NumFormat::F16)[0]));
  EXPECT_FALSE(std::isnan(attn::softmax_naive(f16_big, attn::NumFormat::F32)[0]));
  EXPECT_NEAR(attn::softmax_stable(f16_big, attn::NumFormat::F16)[0], 1 / (1 + std::exp(-0.5)), 2e-3);
}

TEST(Numerics, Entropy) {
  EXPECT_EQ(attn::entropy_bits({1, 0, 0}), 0.0);
  EXPECT_NEAR(attn::entropy_bits({0.25, 0.25, 0.25, 0.25}), 2.0, 1e-12);
}

TEST(Numerics, DotProductSpreadGrowsLikeRootDk) {
  const std::vector<attn::DotSpread> s = attn::dot_product_spread({1, 16, 256}, 4000, 7);
  for (const attn::DotSpread& d : s) {
    EXPECT_NEAR(d.sd_raw / std::sqrt(static_cast<double>(d.d_k)), 1.0, 0.08) << d.d_k;
    EXPECT_NEAR(d.sd_scaled, 1.0, 0.08) << d.d_k;
  }
}
