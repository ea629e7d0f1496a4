// AppState.*: getState/setState JSON round trip; invalid states are refused with a message and change
// nothing.
#include <gtest/gtest.h>

#include "ui/app_state.h"

namespace {
void expect_refused(ui::AppState& s, const std::string& text, const char* fragment) {
  const attn::Json before = ui::state_to_json(s);
  try {
    ui::state_from_json(s, attn::Json::parse(text));
    ADD_FAILURE() << "accepted " << text;
  } catch (const attn::ProblemError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
  EXPECT_EQ(ui::state_to_json(s), before) << "state changed by a refused setState";
}
}  // namespace

TEST(AppState, DefaultShowsTheDefaultSentence) {
  const ui::AppState s = ui::default_state();
  EXPECT_EQ(s.problem.tokens.front(), "The");
  EXPECT_EQ(s.problem.query_len(), 11);  // didn't is one token
  EXPECT_TRUE(s.dirty);
}

TEST(AppState, RoundTrip) {
  ui::AppState s = ui::default_state();
  s.view.ui_scale = 2;
  s.step_index = 40;
  const attn::Json j = ui::state_to_json(s);
  EXPECT_EQ(j["step"]["index"], 40);
  EXPECT_EQ(j["step"]["total"], 5 * 11 * 11);
  ui::AppState t = ui::default_state();
  ui::state_from_json(t, j);
  EXPECT_EQ(ui::state_to_json(t), j);
}

TEST(AppState, StepByStageQueryKey) {
  ui::AppState s = ui::default_state();
  ui::state_from_json(s, attn::Json::parse(R"({"step":{"stage":"softmax","query":2,"key":3}})"));
  const attn::Step st = s.step();
  EXPECT_EQ(st.stage, attn::Stage::Softmax);
  EXPECT_EQ(st.query, 2);
  EXPECT_EQ(st.key, 3);
}

TEST(AppState, NewProblemRecomputesAndUpdatesSentence) {
  ui::AppState s = ui::default_state();
  s.dirty = false;
  ui::state_from_json(
      s, attn::Json::parse(
             R"({"problem":{"tokens":["hi","there"],"q":[[1],[2]],"k":[[1],[1]],"v":[[1],[0]]}})"));
  EXPECT_TRUE(s.dirty);
  EXPECT_EQ(s.sentence, "hi there");
}

TEST(AppState, RefusesBadStates) {
  ui::AppState s = ui::default_state();
  expect_refused(s, "[]", "state");
  expect_refused(s, R"({"steps":{}})", "steps");
  expect_refused(s, R"({"view":{"ui_scale":9}})", "view.ui_scale");
  expect_refused(s, R"({"view":{"head":3}})", "view.head");
  expect_refused(s, R"({"step":{"index":100000}})", "step.index");
  expect_refused(s, R"({"step":{"stage":"dance"}})", "step.stage");
  expect_refused(s, R"({"problem":{"q":[[1,2]],"k":[[1]],"v":[[1]]}})", "problem: k");
  expect_refused(s, R"({"view":{"ui_scale":2},"problem":{"q":"x"}})", "problem");  // all or nothing
}
