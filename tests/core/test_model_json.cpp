// ModelJson.*: the model JSON requests (attnlab.runModel, attnlab-cli model) checked and answered.
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
