// Latent.*: multi-head latent attention (attn/latent.h) — the absorbed scores equal the expanded ones, a full
// latent (d_c = E) changes nothing, a narrower one is the best rank-d_c fit and changes the output, and the
// cache per token.
#include <gtest/gtest.h>

#include <algorithm>

#include "attn/cost.h"
#include "attn/latent.h"
#include "attn/run.h"
#include "test_util.h"

namespace {

attn::Problem random_problem(int h, int g) {
  attn::Problem p;
  p.form = attn::Problem::Form::Random;
  p.random = {5, 7, 16, h, g};
  p.precision = attn::Precision::F64;
  return attn::materialize(p);
}

double max_diff(const attn::MatD& a, const attn::MatD& b) { return (a - b).cwiseAbs().maxCoeff(); }

}  // namespace

TEST(Latent, AbsorbedScoresEqualTheExpandedOnes) {
  for (int g : {4, 2, 1}) {
    attn::Problem p = random_problem(4, g);
    p.in_proj_bias.setConstant(0.3);                   // (the K bias's part is added per row)
    for (int d_c : {2, 5, std::min(16, 2 * 4 * g)}) {  // (K and V together are 2·g·d_k = 8·g wide)
      const attn::LatentKV m = attn::latent_kv(p, d_c);
      ASSERT_EQ(m.latent.cols(), d_c);
      for (int h = 0; h < 4; ++h) {
        const attn::LatentScores s = attn::latent_scores(p, m, h);
        EXPECT_TRUE(test::all_close(s.absorbed, s.expanded, 1e-12)) << g << " " << d_c << " " << h;
      }
      // …and the expanded ones are what run() computes for the MLA problem (scores before the scale).
      const attn::Result r = attn::run(attn::with_latent_kv(p, m));
      EXPECT_TRUE(test::all_close(attn::latent_scores(p, m, 3).expanded, r.heads[3].scores, 1e-12));
    }
  }
}

TEST(Latent, AFullLatentChangesNothingANarrowOneIsTheBestFit) {
  const attn::Problem p = random_problem(4, 4);
  const attn::Result mha = attn::run(p);
  const attn::Result full = attn::run(attn::with_latent_kv(p, attn::latent_kv(p, 16)));
  EXPECT_TRUE(test::all_close(full.output, mha.output, 1e-12));
  double last = 0;
  for (int d_c : {16, 8, 4, 1}) {  // narrower: the K/V weights are fitted worse (Eckart–Young: monotone)
    const attn::Problem mla = attn::with_latent_kv(p, attn::latent_kv(p, d_c));
    const double err = (mla.in_proj_weight - p.in_proj_weight).norm();
    EXPECT_GE(err, last - 1e-12);
    last = err;
    EXPECT_EQ(mla.in_proj_weight.topRows(16), p.in_proj_weight.topRows(16));  // W_Q untouched
  }
  EXPECT_GT(max_diff(attn::run(attn::with_latent_kv(p, attn::latent_kv(p, 4))).output, mha.output), 1e-3);
}

TEST(Latent, RefusedWhereItDoesNotApply) {
  attn::Problem direct;
  direct.q = direct.k = direct.v = attn::MatD::Ones(2, 2);
  EXPECT_NE(test::error_of([&] { attn::latent_kv(direct, 1); }).find("multi-head problem"),
            std::string::npos);
  EXPECT_NE(
      test::error_of([&] { attn::latent_kv(random_problem(2, 2), 17); }).find("d_c must be 1 … 16 (E = 16"),
      std::string::npos);
}

// DeepSeek-V2-sized: 60 layers, d_c = 512, d_R = 64, 2 bytes — against 2·128 heads·128 for MHA.
TEST(Latent, CachePerToken) {
  EXPECT_EQ(attn::latent_cache_bytes(60, 512, 64, 1, 2), 60 * 576 * 2);
  EXPECT_EQ(attn::kv_cache_bytes(60, 128, 128, 1, 2) / attn::latent_cache_bytes(60, 512, 64, 1, 2),
            2.0 * 128 * 128 / 576);
}
