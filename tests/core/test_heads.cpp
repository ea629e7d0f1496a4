// Heads.*: head scores measured, on a one-layer model built so that its head is a previous-token head.
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

// A one-layer model built so that its one head is a previous-token head: one-hot positions, W_Q = 3·I, W_K
// shifting each position one place on. Its label must be measured as such.
TEST(Heads, APreviousTokenHeadBuiltSoIsLabelledSo) {
  model::Gpt2 m;
  m.tokenizer = bundled().tokenizer;
  const int P = 16, E = 16;
  m.config = {1, 1, E, P, m.tokenizer.size(), 1e-5, "gelu_new"};
  m.wte = attn::MatF::Zero(m.config.vocab_size, E);
  m.wpe = 8 * attn::MatF::Identity(P, E);
  model::Gpt2Layer l;
  l.ln_1_w = l.ln_2_w = attn::VecF::Ones(E);
  l.ln_1_b = l.ln_2_b = attn::VecF::Zero(E);
  l.c_attn_w = attn::MatF::Zero(E, 3 * E);
  l.c_attn_w.leftCols(E) = 3 * attn::MatF::Identity(E, E);
  for (int j = 0; j + 1 < E; ++j) l.c_attn_w(j, E + j + 1) = 3;  // key of position j looks like query j + 1
  l.c_attn_b = attn::VecF::Zero(3 * E);
  l.c_proj_w = attn::MatF::Zero(E, E);
  l.c_proj_b = attn::VecF::Zero(E);
  l.fc_w = attn::MatF::Zero(E, 4 * E);
  l.fc_b = attn::VecF::Zero(4 * E);
  l.proj_w = attn::MatF::Zero(4 * E, E);
  l.proj_b = attn::VecF::Zero(E);
  m.layers = {l};
  m.ln_f_w = attn::VecF::Ones(E);
  m.ln_f_b = attn::VecF::Zero(E);
  const std::vector<int> ids = m.tokenizer.encode("one two three four five six seven eight");
  const std::vector<model::HeadScores> s = model::score_heads(m, model::forward(m, ids));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_GT(s[0].previous, 0.9);
  EXPECT_EQ(s[0].label, "previous-token");
  // The bundled model's heads get labels too (measured on its own text).
  for (const model::HeadScores& h : model::score_heads(bundled(), model::forward(bundled(), ids)))
    EXPECT_FALSE(h.label.empty());
}
