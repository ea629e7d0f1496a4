// Attribution.*: the five ways of asking which tokens a next-token logit depends on (model/attribution.h) —
// integrated gradients complete (its scores add up to f(e) − f(b)), rollout a distribution, the attention
// norm no larger than its heads' norms together, Spearman's ρ as defined, bad steps refused. Each method
// against PyTorch: tests/golden/model_golden.py.
#include <gtest/gtest.h>

#include <numeric>

#include "model/attribution.h"
#include "model_fixtures.h"
#include "test_util.h"

TEST(Attribution, EveryMethodOnTheBundledModel) {
  const model::Gpt2& m = test::bundled();
  const std::vector<int> ids = m.tokenizer.encode("She was the youngest of the two daughters of a most");
  const size_t T = ids.size();
  const model::AttributionReport r =
      model::attribute(m, ids, {m.tokenizer.encode(" affectionate")[0], -1}, 32);
  ASSERT_EQ(r.scores.size(), std::size(model::kAttributionMethods));
  for (const std::vector<double>& s : r.scores) EXPECT_EQ(s.size(), T);
  // Integrated gradients: complete within the midpoint rule's error, which shrinks with more steps.
  EXPECT_LT(r.completeness_error, 1e-3 * (1 + std::abs(r.f - r.f_baseline))) << r.f << " " << r.f_baseline;
  const model::AttributionReport coarse =
      model::attribute(m, ids, {m.tokenizer.encode(" affectionate")[0], -1}, 8);
  EXPECT_GT(coarse.completeness_error, 4 * r.completeness_error);
  // Rollout: the last row of a product of row-stochastic matrices.
  EXPECT_NEAR(std::accumulate(r.scores[3].begin(), r.scores[3].end(), 0.0), 1.0, 1e-6);
  for (double x : r.scores[3]) EXPECT_GE(x, 0);
  // The attention norm: ‖Σ_h‖ ≤ Σ_h ‖·‖, key by key.
  ASSERT_EQ(r.attention_norm_per_head.size(), static_cast<size_t>(m.config.n_head));
  for (size_t j = 0; j < T; ++j) {
    double heads = 0;
    for (const std::vector<double>& h : r.attention_norm_per_head) heads += h[j];
    EXPECT_LE(r.scores[4][j], heads + 1e-9) << j;
  }
  // Raw attention: each head's last row is a distribution; ρ of a method with itself is 1.
  ASSERT_EQ(r.raw_attention.size(), static_cast<size_t>(m.config.n_layer));
  for (const auto& layer : r.raw_attention)
    for (const std::vector<double>& row : layer)
      EXPECT_NEAR(std::accumulate(row.begin(), row.end(), 0.0), 1.0, 1e-5);
  for (size_t a = 0; a < r.spearman.size(); ++a) EXPECT_NEAR(r.spearman[a][a], 1.0, 1e-12) << a;
  EXPECT_NE(test::error_of([&] {
              model::attribute(m, ids, {1, -1}, 0);
            }).find("steps: 0 is outside 1…1024"),
            std::string::npos);
}

TEST(Attribution, SpearmanRanksWithTies) {
  EXPECT_DOUBLE_EQ(model::spearman({1, 2, 3}, {10, 20, 30}), 1.0);
  EXPECT_DOUBLE_EQ(model::spearman({1, 2, 3}, {3, 2, 1}), -1.0);
  EXPECT_NEAR(model::spearman({1, 2, 2, 3}, {1, 2, 3, 4}), 4.5 / std::sqrt(22.5),
              1e-12);  // (ranks 0, 1.5, 1.5, 3)
  EXPECT_EQ(model::spearman({1, 1, 1}, {1, 2, 3}), 0.0);
  EXPECT_EQ(model::spearman({1}, {1}), 0.0);
}
