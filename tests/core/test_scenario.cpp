// Scenario.*: every file in assets/scenarios parses, and its story holds: the keys the framing names are
// among the focus token's strongest weights (so the text shown to learners is true of the numbers).
#include <gtest/gtest.h>

#include <algorithm>

#include "attn/run.h"
#include "attn/scenario.h"
#include "model/forward.h"

namespace {
std::vector<attn::Scenario> load_all() {
  std::vector<std::string> skipped;
  std::vector<attn::Scenario> out = attn::load_scenarios(ATTN_SCENARIO_DIR, &skipped);
  EXPECT_TRUE(skipped.empty()) << skipped.front();
  return out;
}
}  // namespace

TEST(Scenario, AllLoad) {
  const std::vector<attn::Scenario> all = load_all();
  std::vector<std::string> ids;
  for (const attn::Scenario& s : all) ids.push_back(s.id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"contract", "contract_model", "coreference", "patient",
                                           "patient_model", "refund", "refund_model"}));
}

namespace {

// The focus token's weights over the keys, and the tokens: from the scenario's own vectors, or from the
// model's real weights for a model scenario (the tokens trimmed of their leading space, as the framing quotes
// them).
struct FocusRow {
  std::vector<double> weights;
  std::vector<std::string> tokens;
};
FocusRow focus_row(const attn::Scenario& sc) {
  if (sc.uses_model) {
    static const model::Gpt2 m =
        model::load_gpt2_dir(std::string(ATTN_ASSETS_DIR) + "/models/" + sc.model, 1e9);
    const std::vector<int> ids = m.tokenizer.encode(sc.sentence);
    const model::Forward f = model::forward(m, ids);
    FocusRow row;
    int focus = -1;
    for (size_t i = 0; i < ids.size(); ++i) {
      std::string t = m.tokenizer.token(ids[i]);
      while (!t.empty() && t.front() == ' ') t.erase(t.begin());
      row.tokens.push_back(t);
      if (t == sc.focus) focus = static_cast<int>(i);
    }
    EXPECT_GE(focus, 0) << sc.id << ": the focus “" << sc.focus << "” is not one of the model's tokens";
    const attn::MatF& w = f.layers.at(static_cast<size_t>(sc.layer)).weights.at(static_cast<size_t>(sc.head));
    for (Eigen::Index j = 0; j < w.cols(); ++j) row.weights.push_back(w(std::max(focus, 0), j));
    return row;
  }
  attn::Problem p;
  p.tokens = sc.tokens;
  p.q = sc.x * sc.w_q;
  p.k = sc.x * sc.w_k;
  p.v = sc.x * sc.w_v;
  p.mask = sc.mask;
  const attn::Result r = attn::run(p);
  FocusRow row{{}, sc.tokens};
  for (Eigen::Index j = 0; j < r.heads[0].weights.cols(); ++j)
    row.weights.push_back(r.heads[0].weights(sc.focus_index, j));
  return row;
}

}  // namespace

TEST(Scenario, StoryKeysAreTheStrongestWeightsOfTheFocus) {
  for (const attn::Scenario& sc : load_all()) {
    const FocusRow row = focus_row(sc);
    ASSERT_FALSE(sc.story_keys.empty()) << sc.id;
    std::vector<int> order(row.tokens.size());
    for (size_t j = 0; j < order.size(); ++j) order[j] = static_cast<int>(j);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
      return row.weights[static_cast<size_t>(a)] > row.weights[static_cast<size_t>(b)];
    });
    const size_t top = sc.story_keys.size() + 1;
    for (const std::string& key : sc.story_keys) {
      bool found = false;
      for (size_t r2 = 0; r2 < top && r2 < order.size(); ++r2)
        found = found || row.tokens[static_cast<size_t>(order[r2])] == key;
      EXPECT_TRUE(found) << sc.id << ": “" << key << "” is not among the top " << top << " weights of “"
                         << sc.focus << "”";
    }
  }
}

TEST(Scenario, BadFilesAreRefusedWithTheField) {
  attn::Json j =
      attn::Json::parse(R"({"title":"t","framing":"f","sentence":"a b","focus":"b","features":["f0"],
    "x":[[1],[2]],"w_q":[[1]],"w_k":[[1]],"w_v":[[1]]})");
  EXPECT_NO_THROW(attn::parse_scenario(j, "ok"));
  j["focus"] = "c";
  EXPECT_THROW(attn::parse_scenario(j, "bad"), attn::ProblemError);
  j["focus"] = "b";
  j["x"] = attn::Json::parse("[[1]]");
  try {
    attn::parse_scenario(j, "bad");
    FAIL();
  } catch (const attn::ProblemError& e) {
    EXPECT_NE(std::string(e.what()).find("x: has 1 rows, the sentence has 2 tokens"), std::string::npos)
        << e.what();
  }
}
