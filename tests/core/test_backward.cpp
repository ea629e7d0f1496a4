// Backward.*: GPT-2's backward pass to the input embeddings (model/backward.h) — its f is the forward pass's
// own logit (difference), and its gradient is the slope central differences measure along random directions,
// for each activation; bad targets and shapes are refused by name. PyTorch autograd: model_golden.py.
#include <gtest/gtest.h>

#include "attn/rng.h"
#include "model/backward.h"
#include "model/forward.h"
#include "model_fixtures.h"
#include "test_util.h"

namespace {

// f at e, by the backward pass's own forward.
double f_at(const model::Gpt2& m, const attn::MatD& e, const model::LogitTarget& t) {
  return model::embedding_gradient(m, e, t).f;
}

}  // namespace

TEST(Backward, ItsValueIsTheForwardPassLogit) {
  const model::Gpt2& m = test::bundled();
  const std::vector<int> ids = m.tokenizer.encode("Emma Woodhouse, handsome, clever, and");
  const model::Forward fwd = model::forward(m, ids);
  const long last = static_cast<long>(ids.size()) - 1;
  const model::LogitTarget t{m.tokenizer.encode(" rich")[0], m.tokenizer.encode(" poor")[0]};
  const model::EmbeddingGradient g = model::embedding_gradient(m, model::embedding_sum(m, ids), t);
  EXPECT_NEAR(g.f, fwd.logits(last, t.target) - fwd.logits(last, t.contrast), 1e-4);
  EXPECT_EQ(g.d_embedding.rows(), last + 1);
  EXPECT_EQ(g.d_embedding.cols(), m.config.n_embd);
}

TEST(Backward, TheGradientIsTheSlopeAlongAnyDirection) {
  for (const char* activation : {"gelu_new", "gelu", "relu"}) {
    model::Gpt2 m = test::bundled();
    m.config.activation = activation;
    const std::vector<int> ids = m.tokenizer.encode("She was the youngest of the two");
    const attn::MatD e = model::embedding_sum(m, ids);
    const model::LogitTarget t{m.tokenizer.encode(" daughters")[0], -1};
    const model::EmbeddingGradient g = model::embedding_gradient(m, e, t);
    attn::Rng rng{7};
    for (int k = 0; k < 3; ++k) {
      const attn::MatD dir = rng.matrix(static_cast<int>(e.rows()), static_cast<int>(e.cols()), 1.0);
      const double h = 1e-5;
      const double measured = (f_at(m, e + h * dir, t) - f_at(m, e - h * dir, t)) / (2 * h);
      const double predicted = (g.d_embedding.array() * dir.array()).sum();
      EXPECT_NEAR(predicted, measured, 1e-5 * (1 + std::abs(measured))) << activation << " direction " << k;
    }
  }
}

TEST(Backward, RefusesWhatItCannotDifferentiate) {
  const model::Gpt2& m = test::bundled();
  const attn::MatD e = model::embedding_sum(m, {1, 2, 3});
  EXPECT_NE(test::error_of([&] {
              model::embedding_gradient(m, e, {m.config.vocab_size, -1});
            }).find("target: " + std::to_string(m.config.vocab_size) + " is outside the vocabulary"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              model::embedding_gradient(m, e, {1, -2});
            }).find("contrast: -2"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              model::embedding_gradient(m, attn::MatD::Zero(2, 3), {1, -1});
            }).find("embedding: 2×3 is not T×"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] { model::embedding_sum(m, {}); }).find("text: has no tokens"),
            std::string::npos);
}
