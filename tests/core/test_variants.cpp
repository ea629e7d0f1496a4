// Variants.*, GroupedQuery.*: run() dispatches every variant and round-trips it as JSON; grouped K/V heads
// average and equal repeated heads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "attn/cost.h"
#include "attn/explain.h"
#include "attn/flash.h"
#include "attn/json_io.h"
#include "attn/linear.h"
#include "attn/mask.h"
#include "attn/multihead.h"
#include "attn/rng.h"
#include "attn/run.h"
#include "compute/cpu_backend.h"
#include "test_util.h"

TEST(Variants, RunDispatchesAndRoundTrips) {
  attn::Problem p = test::seeded_direct(5, 5, 4, 4, 21);
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  const attn::Result standard = attn::run(p);
  p.variant = attn::Variant::Flash;
  p.tile_q = 2, p.tile_k = 3;
  const attn::Result flash = attn::run(p);
  EXPECT_TRUE(test::all_close(flash.output, standard.output, 1e-12));
  EXPECT_EQ(flash.stats.variant, "flash");
  const attn::Json j = attn::problem_to_json(p);
  EXPECT_EQ(j["tile"], attn::Json::parse(R"({"q": 2, "k": 3})"));
  EXPECT_EQ(attn::parse_problem(j).tile_k, 3);

  p.variant = attn::Variant::Linear;
  p.feature_map = attn::FeatureMap::Softmax;
  const attn::Result linear = attn::run(p);
  const attn::LinearTrace lt = attn::linear_attention(p.q, p.k, p.v, attn::FeatureMap::Softmax, true, true);
  EXPECT_TRUE(test::all_close(linear.output, lt.output, 1e-15));
  EXPECT_TRUE(test::all_close(linear.heads[0].weights, lt.implied, 1e-15));
  EXPECT_TRUE(std::isinf(linear.heads[0].masked(0, 1)));  // causal: blocked
  EXPECT_EQ(attn::parse_problem(attn::problem_to_json(p)).feature_map, attn::FeatureMap::Softmax);
  // The fast output-only path computes the variant too (not the standard formula).
  attn::RunOptions fast;
  fast.weights = false;
  EXPECT_TRUE(test::all_close(compute::run_cpu(p, fast).output, lt.output, 1e-6));

  for (const char* bad :
       {R"({"q": [[1]], "k": [[1]], "v": [[1]], "feature_map": "gelu"})",
        R"({"q": [[1]], "k": [[1]], "v": [[1]], "variant": "linear", "mask": {"window": 2}})",
        R"({"q": [[1]], "k": [[1]], "v": [[1]], "variant": "sparse"})",
        R"({"q": [[1]], "k": [[1]], "v": [[1]], "variant": "flash", "tile": {"q": 0}})",
        R"({"q": [[1]], "k": [[1]], "v": [[1]], "variant": "flash", "tile": {"r": 2}})"}) {
    EXPECT_THROW(attn::parse_problem_text(bad), attn::ProblemError) << bad;
  }
}

TEST(GroupedQuery, GroupingAveragesKvHeadsAndMatchesRepeatedHeads) {
  attn::Problem mha;
  mha.form = attn::Problem::Form::Random;
  mha.random = {5, 7, 16, 4, 4};
  mha.precision = attn::Precision::F64;
  const attn::Problem same = attn::group_kv_heads(mha, 4);
  EXPECT_TRUE(test::all_close(attn::run(same).output, attn::run(mha).output, 1e-12));
  const attn::Problem gqa = attn::group_kv_heads(mha, 2);
  EXPECT_EQ(gqa.num_kv_heads, 2);
  const attn::Result a = attn::run(mha), b = attn::run(gqa);
  // K/V are linear in the weights: grouped head j's keys are the mean of its members' keys.
  EXPECT_TRUE(test::all_close(b.heads[0].k, (a.heads[0].k + a.heads[1].k) / 2, 1e-12));
  EXPECT_TRUE(test::all_close(b.heads[3].v, (a.heads[2].v + a.heads[3].v) / 2, 1e-12));
  EXPECT_EQ(b.heads[1].kv_head, 0);
  EXPECT_EQ(b.heads[2].kv_head, 1);
  EXPECT_THROW(attn::group_kv_heads(mha, 3), attn::ProblemError);
  EXPECT_THROW(attn::group_kv_heads(gqa, 1), attn::ProblemError);
}
