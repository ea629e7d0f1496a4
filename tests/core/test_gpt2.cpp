// Gpt2.*, Forward.*, KvCache.*: the bundled model (assets/models/tiny-austen) loads, its forward pass
// computes attention with the attn core (ablations change the output), and decoding with a KV cache gives the
// same logits as recomputing, generation included; the PyTorch comparisons are in
// tests/golden/model_golden.py.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>

#include "app/derive.h"
#include "attn/run.h"
#include "model/forward.h"
#include "model/heads.h"
#include "model/model_json.h"
#include "model/safetensors.h"
#include "model_fixtures.h"
#include "state/share.h"
#include "test_util.h"

namespace {
using test::bundled;
using test::error_of;
using test::safetensors;
using test::slurp;
}  // namespace

TEST(Gpt2, LoadsTheBundledModel) {
  const model::Gpt2& m = bundled();
  EXPECT_EQ(m.name, "tiny-austen");
  EXPECT_GE(m.config.n_layer, 2);
  EXPECT_EQ(m.config.n_head, 4);
  EXPECT_GE(m.config.n_positions, 128);
  EXPECT_LE(m.parameters(), 1.2e6);
  EXPECT_NE(m.card.find("tiny GPT-2 trained by Attention Lab"), std::string::npos) << m.card;
  EXPECT_NE(model::describe_model(m)["parameters"], 0);
  // Too large for the limit: refused from config.json, with its size.
  const std::string config = slurp(test::kModelDir + "/config.json"),
                    weights = slurp(test::kModelDir + "/model.safetensors"),
                    vocab = slurp(test::kModelDir + "/vocab.json"),
                    merges = slurp(test::kModelDir + "/merges.txt");
  const model::Gpt2Files f{config, weights, vocab, merges, ""};
  EXPECT_NE(error_of([&] { model::load_gpt2(f, "x", 1e5); }).find("parameters need"), std::string::npos);
}

TEST(Forward, ItsAttentionIsTheAttnCoresAndAblationsChangeTheOutput) {
  const model::Gpt2& m = bundled();
  const std::vector<int> ids =
      m.tokenizer.encode("It is a truth universally acknowledged, that a single man");
  const model::Forward f = model::forward(m, ids);
  ASSERT_EQ(f.layers.size(), static_cast<size_t>(m.config.n_layer));
  EXPECT_EQ(f.logits.rows(), static_cast<long>(ids.size()));
  EXPECT_GT(f.loss, 0);
  // The step-through's problem for layer 1 gives the same weights as the forward pass kept.
  const attn::Result r = attn::run(model::layer_problem(m, 1, f.layers[1].x, ids));
  EXPECT_TRUE(test::all_close(r.heads[2].weights.cast<float>(), f.layers[1].weights[2], 1e-6));
  EXPECT_EQ(model::layer_problem(m, 0, f.layers[0].x, ids).tokens.front(), "It");
  // Switching a head off, or making it uniform, changes the prediction (and only from that layer on).
  const model::Forward off = model::forward(m, ids, {{1, 2, model::Ablation::Kind::Zero}});
  const model::Forward uni = model::forward(m, ids, {{1, 2, model::Ablation::Kind::Uniform}});
  EXPECT_EQ(off.layers[0].residual, f.layers[0].residual);
  EXPECT_EQ(off.layers[1].weights[2].sum(), 0.0f);
  EXPECT_NEAR(uni.layers[1].weights[2].row(4).sum(), 1.0f, 1e-6);
  EXPECT_NE(off.loss, f.loss);
  EXPECT_NE(uni.loss, f.loss);
  EXPECT_NE(
      error_of([&] { model::forward(m, std::vector<int>(m.config.n_positions + 1, 5)); }).find("context"),
      std::string::npos);
  EXPECT_NE(error_of([&] {
              model::forward(m, {1, 999999});
            }).find("token_ids[1]: 999999 is outside"),
            std::string::npos);
}

TEST(KvCache, DecodingGivesTheSameLogitsAsRecomputing) {
  const model::Gpt2& m = bundled();
  std::vector<int> ids = m.tokenizer.encode("Emma Woodhouse, handsome, clever, and rich");
  const model::Forward full = model::forward(m, ids);
  model::KvCache cache;
  const std::vector<model::DecodeStep> steps = model::prefill(m, ids, cache);
  ASSERT_EQ(steps.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i)
    EXPECT_TRUE(test::all_close(steps[i].logits.transpose(), full.logits.row(static_cast<long>(i)), 1e-4))
        << i;
  EXPECT_EQ(cache.tokens(), static_cast<int>(ids.size()));
  EXPECT_DOUBLE_EQ(cache.bytes(),
                   2.0 * m.config.n_layer * static_cast<double>(ids.size()) * m.config.n_embd * 4);
  EXPECT_LT(steps.back().multiply_adds_cached * 5, steps.back().multiply_adds_recompute);
  // The decode step of (the last layer, head 1) is a one-query problem: the last row of the full pass's
  // weights.
  const int last = m.config.n_layer - 1;
  const attn::Result r = attn::run(model::decode_problem(m, cache, steps.back(), last, 1));
  EXPECT_EQ(r.heads[0].weights.rows(), 1);
  EXPECT_LT((r.heads[0].weights.row(0).cast<float>() -
             full.layers[static_cast<size_t>(last)].weights[1].bottomRows(1))
                .cwiseAbs()
                .maxCoeff(),
            1e-5);
}

// Generation is one loop (model::generate) for the app and the model JSON: greedy picks are the argmax of the
// last logits, each pick fed back gives the next; without feeding the last pick the ids are the same and one
// decode step fewer is made; a seed makes sampling repeatable; it stops where the context ends.
TEST(KvCache, GenerationIsOneLoop) {
  const model::Gpt2& m = bundled();
  const std::vector<int> prompt = m.tokenizer.encode("Emma Woodhouse, handsome,");
  model::KvCache cache;
  const model::Generation g = model::generate(m, prompt, 4, 0.0, 1, cache);
  ASSERT_EQ(g.ids.size(), 4u);
  ASSERT_EQ(g.steps.size(), 4u);
  EXPECT_EQ(cache.tokens(), static_cast<int>(prompt.size()) + 4);
  std::vector<int> all = prompt;
  for (size_t i = 0; i < g.ids.size(); ++i) {
    const model::Forward f = model::forward(m, all);
    Eigen::Index best = 0;
    f.logits.row(f.logits.rows() - 1).maxCoeff(&best);
    EXPECT_EQ(g.ids[i], static_cast<int>(best)) << i;
    all.push_back(g.ids[i]);
  }
  model::KvCache short_cache;
  const model::Generation unfed = model::generate(m, prompt, 4, 0.0, 1, short_cache, {}, false);
  EXPECT_EQ(unfed.ids, g.ids);
  EXPECT_EQ(unfed.steps.size(), 3u);
  model::KvCache a, b;
  EXPECT_EQ(model::generate(m, prompt, 6, 1.0, 7, a).ids, model::generate(m, prompt, 6, 1.0, 7, b).ids);
  const std::vector<int> almost_full(static_cast<size_t>(m.config.n_positions - 2), prompt[0]);
  model::KvCache full;
  EXPECT_EQ(model::generate(m, almost_full, 5, 0.0, 1, full).ids.size(), 2u);
  EXPECT_THROW(model::generate(m, {}, 1, 0.0, 1, full), attn::ProblemError);
}
