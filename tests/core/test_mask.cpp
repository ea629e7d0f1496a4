// Mask.*: the allowed set of each mask kind on small n, including L ≠ S alignment.
#include <gtest/gtest.h>

#include "attn/mask.h"

namespace {
attn::MaskSpec spec(attn::MaskSpec::Kind k, int window = 0, int valid = 0) {
  attn::MaskSpec s;
  s.kind = k;
  s.window = window;
  s.valid_len = valid;
  return s;
}
}  // namespace

TEST(Mask, NoneAllowsEverything) {
  EXPECT_EQ(attn::build_mask(spec(attn::MaskSpec::Kind::None), 3, 5).minCoeff(), 1);
}

TEST(Mask, CausalSquare) {
  const attn::MaskMat m = attn::build_mask(spec(attn::MaskSpec::Kind::Causal), 4, 4);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) EXPECT_EQ(m(i, j), j <= i ? 1 : 0) << i << "," << j;
}

TEST(Mask, CausalAlignsLastQueryWithLastKey) {
  // 2 new queries after 3 cached keys: query 0 is position 3, query 1 is position 4.
  const attn::MaskMat m = attn::build_mask(spec(attn::MaskSpec::Kind::Causal), 2, 5);
  EXPECT_EQ(m.row(0).sum(), 4);
  EXPECT_EQ(m.row(1).sum(), 5);
  EXPECT_EQ(m(0, 4), 0);
}

TEST(Mask, WindowSeesTheLastWKeys) {
  const attn::MaskMat m = attn::build_mask(spec(attn::MaskSpec::Kind::Window, 2), 5, 5);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) EXPECT_EQ(m(i, j), (i - 2 < j && j <= i) ? 1 : 0) << i << "," << j;
}

TEST(Mask, PaddingBlocksKeysPastValidLength) {
  const attn::MaskMat m = attn::build_mask(spec(attn::MaskSpec::Kind::Padding, 0, 3), 4, 5);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 5; ++j) EXPECT_EQ(m(i, j), j < 3 ? 1 : 0);
}

TEST(Mask, ExplicitIsUsedAsGiven) {
  attn::MaskSpec s = spec(attn::MaskSpec::Kind::Explicit);
  s.allowed = attn::MaskMat{{1, 0}, {0, 1}};
  EXPECT_EQ(attn::build_mask(s, 2, 2), s.allowed);
  EXPECT_EQ(attn::mask_name(s), "explicit");
  EXPECT_EQ(attn::mask_name(spec(attn::MaskSpec::Kind::Window, 3)), "window 3");
}

TEST(Mask, RowFullyMaskedWithoutBuildingTheMatrix) {
  attn::MaskSpec s = spec(attn::MaskSpec::Kind::Explicit);
  s.allowed = attn::MaskMat::Ones(2, 256);  // 256 ones: a uint8 sum would wrap to 0
  s.allowed.row(1).setZero();
  EXPECT_FALSE(attn::row_fully_masked(s, 0, 2, 256));
  EXPECT_TRUE(attn::row_fully_masked(s, 1, 2, 256));
  EXPECT_TRUE(
      attn::row_fully_masked(spec(attn::MaskSpec::Kind::Causal), 0, 5, 3));  // query 0 sits before key 0
  EXPECT_FALSE(attn::row_fully_masked(spec(attn::MaskSpec::Kind::Causal), 2, 5, 3));
  EXPECT_TRUE(attn::row_fully_masked(spec(attn::MaskSpec::Kind::Padding, 0, 0), 0, 3, 3));
}
