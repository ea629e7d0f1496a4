// ModelState.*: the app with Source::Model — the step-through's problem is the chosen layer's real attention,
// links name the model and carry text, layer, head, ablations and generation; edits mark the model edited.
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

namespace {
state::AppState model_app() {
  state::AppState s = state::default_state();
  s.model = std::make_shared<const model::Gpt2>(bundled());
  return s;
}

}  // namespace

TEST(ModelState, TheStepThroughShowsARealHead) {
  state::AppState s = model_app();
  state::state_from_json(
      s, attn::parse_json_text(
             R"({"inputs": {"source": "model", "text": "She was the youngest of the two daughters",
                                 "layer": 1, "head": 2}, "view": {"panel": "model"}})"));
  derive(s);
  ASSERT_EQ(s.source, state::Source::Model);
  ASSERT_TRUE(s.derived().error.empty()) << s.derived().error;
  const std::vector<int> ids = s.model->tokenizer.encode("She was the youngest of the two daughters");
  EXPECT_EQ(s.problem().query_len(), static_cast<int>(ids.size()));
  EXPECT_EQ(s.problem().heads(), s.model->config.n_head);
  EXPECT_EQ(s.view.head, 2);
  EXPECT_EQ(s.problem().mask.kind, attn::MaskSpec::Kind::Causal);
  // The weights the step-through shows are the forward pass's own for that head.
  EXPECT_LT(
      (s.derived().result.heads[2].weights.cast<float>() - s.derived().model_run.forward.layers[1].weights[2])
          .cwiseAbs()
          .maxCoeff(),
      1e-6);
  EXPECT_EQ(s.derived().model_run.heads.size(),
            static_cast<size_t>(s.model->config.n_layer * s.model->config.n_head));
  EXPECT_EQ(s.derived().model_run.next.size(), 10u);
  // A link names the model and says the text, layer and head; opening it shows the same.
  const attn::Json link = state::link_state(s);
  EXPECT_EQ(link["inputs"]["model"], "tiny-austen");
  EXPECT_EQ(link["inputs"]["layer"], 1);
  EXPECT_FALSE(link["problem"].contains("query"));  // the numbers follow from the model
  state::AppState other = model_app();
  EXPECT_TRUE(state::open_shared(other, attn::dump_json(link))) << state::notice_text(other);
  derive(other);
  EXPECT_EQ(other.problem().query, s.problem().query);
  EXPECT_EQ(state::state_to_json(other)["inputs"], state::state_to_json(s)["inputs"]);
  // A link that names a model not open here says so.
  attn::Json elsewhere = link;
  elsewhere["inputs"]["model"] = "gpt2-xl";
  EXPECT_FALSE(state::open_shared(other, attn::dump_json(elsewhere)));
  EXPECT_NE(state::notice_text(other).find("inputs.model: \"gpt2-xl\" is not open here"), std::string::npos)
      << state::notice_text(other);
}

TEST(ModelState, AblationGenerationAndDecodeSteps) {
  state::AppState s = model_app();
  state::state_from_json(
      s, attn::parse_json_text(
             R"({"inputs": {"source": "model", "text": "Emma Woodhouse, handsome, clever, and rich",
                                 "layer": 1, "head": 1, "ablations": [{"layer": 0, "head": 3, "kind": "zero"}],
                                 "generated": true, "generate": 4, "decode_step": 2}})"));
  derive(s);
  ASSERT_TRUE(s.derived().model_run.error.empty()) << s.derived().model_run.error;
  EXPECT_NE(s.derived().model_run.forward.loss, s.derived().model_run.base.loss);
  ASSERT_EQ(s.derived().model_run.steps.size(), 4u);
  // The decode step of generated token 2: one query row against every cached key so far.
  EXPECT_EQ(s.problem().form, attn::Problem::Form::Direct);
  EXPECT_EQ(s.problem().query_len(), 1);
  EXPECT_EQ(s.problem().key_len(), s.derived().model_run.steps[2].position + 1);
  EXPECT_TRUE(s.derived().error.empty()) << s.derived().error;
  EXPECT_EQ(error_of([&] {
              state::state_from_json(s,
                                     attn::parse_json_text(R"({"inputs": {"source": "model", "layer": 9}})"));
            }),
            "inputs.layer: expected an integer 0…" + std::to_string(s.model->config.n_layer - 1) + ", got 9");
  EXPECT_NE(error_of([&] {
              state::state_from_json(s, attn::parse_json_text(R"({"inputs": {"source": "model", "text": ")" +
                                                              std::string(2000, 'x') + R"("}})"));
            }).find("more than the model's context"),
            std::string::npos);
  // Editing a weight makes the app's own copy, marked edited; the link then carries numbers, and the heads'
  // induction scores are measured again on the edited weights (an edit changes no pointer).
  derive(s);
  const std::vector<double> induction = s.derived().model_run.induction;
  model::Gpt2& m = state::editable_model(s);
  for (int r = 0; r < m.config.n_embd; ++r) m.layers[0].c_attn_w(r, 0) *= 40;  // (layer 0, head 0's W_Q)
  EXPECT_EQ(s.model->edits, 1);
  EXPECT_EQ(bundled().edits, 0);
  derive(s);
  EXPECT_EQ(state::link_state(s)["inputs"]["source"], "direct");
  ASSERT_EQ(s.derived().model_run.induction_edits, 1);
  EXPECT_NE(s.derived().model_run.induction, induction);
  state::editable_model(s).layers[0].c_attn_w(0, 0) += 1;  // (the same copy, edited again: measured again)
  EXPECT_EQ(s.model->edits, 2);
  derive(s);
  EXPECT_EQ(s.derived().model_run.induction_edits, 2);
}
