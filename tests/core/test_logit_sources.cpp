// LogitSources.*: where the next-token logit comes from (model/logit_sources.h) — direct logit attribution's
// parts add up to the logit the forward pass gives, the logit lens's last layer is the model's own
// prediction, bad targets are refused. Against PyTorch: tests/golden/model_golden.py.
#include <gtest/gtest.h>

#include "model/logit_sources.h"
#include "model_fixtures.h"

TEST(LogitSources, TheDirectPartsAddUpToTheLogit) {
  const model::Gpt2& m = test::bundled();
  const std::vector<int> ids = m.tokenizer.encode("She was the youngest of the two daughters of a most");
  const int target = m.tokenizer.encode(" affectionate")[0], contrast = m.tokenizer.encode(" beautiful")[0];
  const model::LogitSources s = model::logit_sources(m, ids, {target, contrast}, 5);
  const model::Forward f = model::forward(m, ids);
  const Eigen::Index last = static_cast<Eigen::Index>(ids.size()) - 1;
  const double logit = double(f.logits(last, target)) - double(f.logits(last, contrast));
  EXPECT_NEAR(s.logit, logit, 1e-4 * (1 + std::abs(logit)));  // (the forward pass is f32 where it runs heads)
  EXPECT_NEAR(s.dla.total, s.logit, 1e-9 * (1 + std::abs(s.logit)));
  ASSERT_EQ(s.dla.heads.size(), static_cast<size_t>(m.config.n_layer));
  ASSERT_EQ(s.dla.mlps.size(), static_cast<size_t>(m.config.n_layer));
  for (const std::vector<double>& layer : s.dla.heads)
    EXPECT_EQ(layer.size(), static_cast<size_t>(m.config.n_head));
  // The lens: one entry per depth, the last one the model's own next-token distribution.
  ASSERT_EQ(s.lens.size(), static_cast<size_t>(m.config.n_layer) + 1);
  const std::vector<model::Prediction> top = model::top_k(m, f, static_cast<int>(last), 5);
  const model::LensLayer& out = s.lens.back();
  ASSERT_EQ(out.top.size(), 5u);
  for (size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(out.top[i].id, top[i].id) << i;
    EXPECT_NEAR(out.top[i].p, top[i].p, 1e-5) << i;
  }
  for (const model::LensLayer& l : s.lens) {
    EXPECT_GE(l.target_rank, 1);
    EXPECT_GT(l.target_prob, 0);
    EXPECT_EQ(l.target_rank == 1, l.top.front().id == target) << l.layer;
  }
}

TEST(LogitSources, RefusesTargetsOutsideTheVocabulary) {
  const model::Gpt2& m = test::bundled();
  const std::vector<int> ids = m.tokenizer.encode("a b");
  EXPECT_THROW(model::logit_sources(m, ids, {m.config.vocab_size, -1}), attn::ProblemError);
  EXPECT_THROW(model::logit_sources(m, ids, {0, m.config.vocab_size}), attn::ProblemError);
  EXPECT_THROW(model::logit_sources(m, {}, {0, -1}), attn::ProblemError);
}
