// MultiHead.*: head splitting, grouped/multi-query sharing (GQA equals MHA with repeated K/V heads),
// biases, and the random generator's determinism.
#include <gtest/gtest.h>

#include "attn/multihead.h"
#include "attn/run.h"
#include "test_util.h"

namespace {
attn::Problem random_problem(int n, int E, int h, int g, std::uint64_t seed) {
  attn::Problem p;
  p.form = attn::Problem::Form::Random;
  p.random = {seed, n, E, h, g};
  p.precision = attn::Precision::F64;
  return attn::materialize(p);
}
}  // namespace

TEST(MultiHead, KvHeadOf) {
  EXPECT_EQ(attn::kv_head_of(0, 8, 2), 0);
  EXPECT_EQ(attn::kv_head_of(3, 8, 2), 0);
  EXPECT_EQ(attn::kv_head_of(4, 8, 2), 1);
  EXPECT_EQ(attn::kv_head_of(7, 8, 1), 0);
  EXPECT_EQ(attn::kv_head_of(5, 8, 8), 5);
}

TEST(MultiHead, GroupedEqualsMultiHeadWithRepeatedKvHeads) {
  const int n = 6, E = 12, h = 6, g = 2, d = E / h;
  attn::Problem gqa = random_problem(n, E, h, g, 5);
  gqa.in_proj_bias.setRandom();
  // Expand W_k, W_v (and biases) so every query head gets its own copy of its group's K/V head.
  attn::Problem mha = gqa;
  mha.num_kv_heads = h;
  mha.in_proj_weight.resize(3 * E, E);
  mha.in_proj_bias.resize(3 * E);
  mha.in_proj_weight.topRows(E) = gqa.in_proj_weight.topRows(E);
  mha.in_proj_bias.head(E) = gqa.in_proj_bias.head(E);
  for (int part = 0; part < 2; ++part)
    for (int i = 0; i < h; ++i) {
      const int src = E + part * d * g + attn::kv_head_of(i, h, g) * d;
      mha.in_proj_weight.middleRows(E + part * E + i * d, d) = gqa.in_proj_weight.middleRows(src, d);
      mha.in_proj_bias.segment(E + part * E + i * d, d) = gqa.in_proj_bias.segment(src, d);
    }
  const attn::Result a = attn::run(gqa), b = attn::run(mha);
  EXPECT_TRUE(test::all_close(a.output, b.output, 1e-12));
  for (int i = 0; i < h; ++i) {
    EXPECT_TRUE(test::all_close(a.heads[i].weights, b.heads[i].weights, 1e-12));
    EXPECT_EQ(a.heads[i].kv_head, attn::kv_head_of(i, h, g));
  }
}

TEST(MultiHead, SingleHeadIdentityProjectionsEqualDirect) {
  attn::Problem mh = random_problem(5, 4, 1, 1, 9);
  mh.in_proj_weight.setZero(12, 4);
  for (int part = 0; part < 3; ++part) mh.in_proj_weight.middleRows(part * 4, 4).setIdentity();
  mh.out_proj_weight.setIdentity(4, 4);
  mh.in_proj_bias.resize(0);
  mh.out_proj_bias.resize(0);
  attn::Problem direct;
  direct.q = mh.query;
  direct.k = mh.key;
  direct.v = mh.value;
  direct.precision = attn::Precision::F64;
  EXPECT_TRUE(test::all_close(attn::run(mh).output, attn::run(direct).output, 1e-14));
}

TEST(MultiHead, OutputBiasShiftsEveryRow) {
  attn::Problem p = random_problem(4, 8, 2, 2, 1);
  const attn::Result base = attn::run(p);
  p.out_proj_bias = attn::VecD::Constant(8, 0.5);
  const attn::Result shifted = attn::run(p);
  EXPECT_LE((shifted.output.array() - base.output.array() - 0.5).abs().maxCoeff(), 1e-14);
}

TEST(MultiHead, RandomIsDeterministic) {
  const attn::Problem a = random_problem(3, 8, 2, 1, 42), b = random_problem(3, 8, 2, 1, 42);
  EXPECT_EQ(a.query, b.query);
  EXPECT_EQ(a.in_proj_weight, b.in_proj_weight);
  EXPECT_EQ(a.in_proj_weight.rows(), 8 + 2 * 4);
  EXPECT_NE(a.query, random_problem(3, 8, 2, 1, 43).query);
}
