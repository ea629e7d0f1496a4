// ModelJson.*: the model JSON requests (attnlab.runModel, attnlab-cli model) checked and answered.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>

#include "app/derive.h"
#include "attn/run.h"
#include "model/attribution.h"
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

TEST(ModelJson, RequestsAreCheckedAndAnswered) {
  const auto req = [](const char* text) { return model::parse_model_request(attn::parse_json_text(text)); };
  EXPECT_EQ(error_of([&] { req(R"({"top": 5})"); }), "text: missing (or give token_ids)");
  EXPECT_EQ(error_of([&] { req(R"({"text": "a", "token_ids": [1]})"); }),
            "text and token_ids: give one of them, not both");
  EXPECT_EQ(error_of([&] { req(R"({"text": "a", "generate": -1})"); }),
            "generate: expected an integer 0…4096, got -1");
  EXPECT_EQ(error_of([&] { req(R"({"text": "a", "colour": 1})"); }).rfind("colour: unknown field", 0), 0u);
  const attn::Json out =
      model::run_model_json(bundled(), req(R"({"text": "She was", "top": 3, "generate": 4})"), 1e9);
  EXPECT_EQ(out["next"].size(), 3u);
  EXPECT_EQ(out["attention"].size(), static_cast<size_t>(bundled().config.n_layer));
  EXPECT_EQ(out["generated"]["token_ids"].size(), 4u);
  EXPECT_EQ(out["logits"].size(), static_cast<size_t>(bundled().config.vocab_size));
  EXPECT_NE(error_of([&] {
              model::run_model_json(bundled(), req(R"({"text": "She was"})"), 1000);
            }).find("numbers ("),
            std::string::npos);
}

// The gradient and attribution fields: each names what is wrong, both must ask about the same logit, and the
// answer carries every method in its order with the integrated gradients' completeness.
TEST(ModelJson, GradientAndAttributionRequests) {
  const auto req = [](const char* text) { return model::parse_model_request(attn::parse_json_text(text)); };
  EXPECT_EQ(error_of([&] { req(R"({"text": "a", "gradient": 3})"); }),
            "gradient: expected {target: a token id, contrast?: a token id}");
  EXPECT_EQ(error_of([&] { req(R"({"text": "a", "gradient": {"target": 3, "steps": 4}})"); }),
            "gradient.steps: unknown field (known: target, contrast)");
  EXPECT_EQ(error_of([&] { req(R"({"text": "a", "attribution": {"target": 3, "steps": 0}})"); }),
            "attribution.steps: expected an integer 1…1024, got 0");
  EXPECT_EQ(
      error_of([&] { req(R"({"text": "a", "gradient": {"target": 3}, "attribution": {"target": 4}})"); }),
      "attribution: asks for another target or contrast than the other of gradient and attribution");
  EXPECT_EQ(error_of([&] {
              req(R"({"text": "a", "gradient": {"target": 5, "contrast": 3}, "attribution": {"target": 5}})");
            }),
            "attribution: asks for another target or contrast than the other of gradient and attribution");
  // Refused before any pass runs: too much work for the page, or tapes over the memory limit.
  const model::ModelRequest heavy = req(R"({"text": "She was the youngest", "attribution": {"target": 5}})");
  EXPECT_NE(error_of([&] { model::run_model_json(bundled(), heavy, 1e9, 1e6); }).find("attribution: "),
            std::string::npos);
  EXPECT_NE(error_of([&] { model::run_model_json(bundled(), heavy, 2e4); }).find("the backward pass keeps"),
            std::string::npos);
  const attn::Json out = model::run_model_json(
      bundled(),
      req(R"({"text": "She was the", "top": 0, "attribution": {"target": 5, "contrast": 6, "steps": 4}})"),
      1e9);
  const attn::Json& a = out["attribution"];
  ASSERT_EQ(a["order"].size(), std::size(model::kAttributionMethods));
  for (const attn::Json& name : a["order"])
    EXPECT_EQ(a[name.get<std::string>()].size(), out["tokens"].size());
  EXPECT_EQ(a["ig_steps"], 4);
  EXPECT_GE(a["ig_completeness_error"].get<double>(), 0);
  EXPECT_FALSE(out.contains("gradient"));
  // attnlab-cli explain's answer: the same report, the target and contrast named.
  const attn::Json ex =
      model::explain_json(bundled(), out["token_ids"].get<std::vector<int>>(), {5, 6}, 4, 1e9);
  EXPECT_EQ(ex["target"]["id"], 5);
  EXPECT_EQ(ex["target"]["token"], bundled().tokenizer.token(5));
  EXPECT_EQ(ex["contrast"]["id"], 6);
  EXPECT_EQ(ex["logit"], a["logit"]);
  EXPECT_EQ(ex["attribution"]["integrated_gradients"], a["integrated_gradients"]);
}
