// JsonIo.*: the Problem parser accepts the contract and names the field and reason for every bad input;
// Result JSON has the promised shape (h×L×S weights, null for −∞).
#include <gtest/gtest.h>

#include <limits>

#include "attn/json_io.h"
#include "compute/cpu_backend.h"

namespace {

// Expects parse_problem_text(text) to throw, with every fragment in the message.
void expect_error(const std::string& text, std::initializer_list<const char*> fragments) {
  try {
    attn::parse_problem_text(text);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const attn::ProblemError& e) {
    for (const char* f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
  }
}

const char* kDirect = R"({"tokens":["a","b"],"q":[[1,0],[0,1]],"k":[[1,0],[0,1]],"v":[[1,2],[3,4]]})";

}  // namespace

TEST(JsonIo, ParsesDirectProblemWithDefaults) {
  const attn::Problem p = attn::parse_problem_text(kDirect);
  EXPECT_EQ(p.form, attn::Problem::Form::Direct);
  EXPECT_EQ(p.query_len(), 2);
  EXPECT_EQ(p.mask.kind, attn::MaskSpec::Kind::None);
  EXPECT_EQ(p.scale.kind, attn::ScaleSpec::Kind::SqrtDk);
  EXPECT_EQ(p.temperature, 1.0);
  EXPECT_EQ(p.precision, attn::Precision::F32);
}

TEST(JsonIo, RoundTripsThroughJson) {
  attn::Json j = attn::Json::parse(kDirect);
  j["mask"] = {{"window", 2}};
  j["scale"] = 0.5;
  j["temperature"] = 2.0;
  j["precision"] = "f64";
  const attn::Problem p = attn::parse_problem(j);
  const attn::Json back = attn::problem_to_json(p);
  EXPECT_EQ(back["mask"]["window"], 2);
  EXPECT_EQ(back["scale"], 0.5);
  EXPECT_EQ(attn::problem_to_json(attn::parse_problem(back)), back);
}

TEST(JsonIo, MalformedJson) { expect_error("{\"q\": [[1,2]", {"JSON", "malformed"}); }
TEST(JsonIo, NotAnObject) { expect_error("[1,2]", {"problem", "object"}); }
TEST(JsonIo, UnknownField) { expect_error(R"({"qq": 1})", {"qq", "unknown field"}); }
TEST(JsonIo, NoInputs) { expect_error(R"({"mask": "causal"})", {"problem", "needs inputs"}); }
TEST(JsonIo, MissingV) { expect_error(R"({"q":[[1]],"k":[[1]]})", {"v", "missing"}); }
TEST(JsonIo, RaggedRows) {
  expect_error(R"({"q":[[1,2],[3]],"k":[[1,2]],"v":[[1]]})", {"q", "row 1 has 1", "same length"});
}
TEST(JsonIo, WrongShapeK) {
  expect_error(R"({"q":[[1,2]],"k":[[1,2,3]],"v":[[1]]})", {"k", "3 columns", "q has 2"});
}
TEST(JsonIo, WrongShapeV) {
  expect_error(R"({"q":[[1,2]],"k":[[1,2]],"v":[[1],[2]]})", {"v", "2 rows", "k has 1"});
}
TEST(JsonIo, NonNumber) {
  expect_error(R"({"q":[[1,"x"]],"k":[[1,2]],"v":[[1]]})", {"q[0][1]", "expected a number"});
}
TEST(JsonIo, NonFinite) {
  expect_error(R"({"q":[[1,1e999]],"k":[[1,2]],"v":[[1]]})", {"JSON", "1e999", "finite"});
  attn::Problem p = attn::parse_problem_text(kDirect);
  p.k(1, 0) = std::numeric_limits<double>::infinity();
  try {
    attn::validate(p);
    ADD_FAILURE() << "accepted an infinite k";
  } catch (const attn::ProblemError& e) {
    EXPECT_STREQ(e.what(), "k[1][0]: not a finite number");
  }
}
TEST(JsonIo, UnknownMask) {
  expect_error(R"({"q":[[1]],"k":[[1]],"v":[[1]],"mask":"diagonal"})", {"mask", "diagonal"});
}
TEST(JsonIo, BadMaskMatrixValue) {
  expect_error(R"({"q":[[1]],"k":[[1]],"v":[[1]],"mask":[[2]]})", {"mask[0][0]", "0 or 1"});
}
TEST(JsonIo, MaskMatrixWrongShape) {
  expect_error(R"({"q":[[1]],"k":[[1]],"v":[[1]],"mask":[[1,0]]})", {"mask", "1×2", "1×1"});
}
TEST(JsonIo, UnknownVariant) {
  expect_error(R"({"q":[[1]],"k":[[1]],"v":[[1]],"variant":"magic"})", {"variant", "magic"});
}
TEST(JsonIo, BadScale) {
  expect_error(R"({"q":[[1]],"k":[[1]],"v":[[1]],"scale":"big"})", {"scale", "sqrt_dk"});
}
TEST(JsonIo, BadTemperature) {
  expect_error(R"({"q":[[1]],"k":[[1]],"v":[[1]],"temperature":0})", {"temperature", "> 0"});
}
TEST(JsonIo, TokensCountMismatch) {
  expect_error(R"({"tokens":["a"],"q":[[1],[2]],"k":[[1]],"v":[[1]]})",
               {"tokens", "1 labels", "2 query rows"});
}
TEST(JsonIo, HeadsDoNotDivideE) {
  expect_error(R"({"query":[[1,2,3]],"num_heads":2,"in_proj_weight":[[1,2,3]],"out_proj_weight":[[1,2,3]]})",
               {"num_heads", "2 does not divide", "E = 3"});
}
TEST(JsonIo, KvHeadsDoNotDivideHeads) {
  expect_error(R"({"random":{"n":4,"d_model":12,"num_heads":6,"num_kv_heads":4}})",
               {"num_kv_heads", "4 does not divide num_heads = 6"});
}
TEST(JsonIo, InProjWeightShape) {
  expect_error(R"({"query":[[1,2]],"in_proj_weight":[[1,2]],"out_proj_weight":[[1,0],[0,1]]})",
               {"in_proj_weight", "1×2", "6×2"});
}
TEST(JsonIo, MixedForms) {
  expect_error(R"({"q":[[1]],"k":[[1]],"v":[[1]],"query":[[1]]})", {"choose one input form"});
}

TEST(JsonIo, ResultHasWeightsPerHeadAndNullForBlocked) {
  const compute::JsonRun r = compute::run_json(
      R"({"random":{"seed":3,"n":5,"d_model":8,"num_heads":2},"mask":"causal"})", "cpu", true);
  ASSERT_TRUE(r.ok) << r.json.dump();
  EXPECT_EQ(r.json["attention_weights"].size(), 2u);
  EXPECT_EQ(r.json["attention_weights"][1].size(), 5u);
  EXPECT_EQ(r.json["attention_weights"][1][0].size(), 5u);
  EXPECT_EQ(r.json["output"].size(), 5u);
  EXPECT_EQ(r.json["output"][0].size(), 8u);
  EXPECT_TRUE(r.json["trace"][0]["masked"][0][1].is_null());
  EXPECT_EQ(r.json["stats"]["backend"], "cpu");
  EXPECT_EQ(r.json["stats"]["heads"], 2);
}

TEST(JsonIo, RunJsonReportsErrorsAsJson) {
  const compute::JsonRun bad = compute::run_json("{", "cpu", false);
  EXPECT_FALSE(bad.ok);
  EXPECT_TRUE(bad.json.contains("error"));
  const compute::JsonRun gpu = compute::run_json(kDirect, "tpu", false);
  EXPECT_FALSE(gpu.ok);
  EXPECT_NE(gpu.json["error"].get<std::string>().find("backend"), std::string::npos);
}
