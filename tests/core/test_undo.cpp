// Undo.*: Ctrl+Z puts an edit's data back (state/undo.h) and Ctrl+Y redoes it; typing is one edit; the view
// and step stay. And editing a scenario's sentence keeps its story (state::edit_sentence).
#include <gtest/gtest.h>

#include "app/derive.h"
#include "state/undo.h"

namespace {
state::AppState coreference() {
  state::AppState s = state::default_state(attn::load_scenarios(ATTN_SCENARIO_DIR));
  for (const attn::Scenario& sc : std::vector<attn::Scenario>(s.scenarios))
    if (sc.id == "coreference") state::load_scenario(s, sc);
  derive(s);
  return s;
}
}  // namespace

TEST(Undo, EditingAScenarioSentenceKeepsItsStory) {
  state::AppState s = coreference();
  const attn::MatD animal = s.inputs.x.row(1);
  s.sentence = "The animal didn't cross the road because it was too tired";  // street → road
  state::edit_sentence(s);
  derive(s);
  EXPECT_EQ(s.scenario_id, "coreference");
  EXPECT_EQ(state::inputs_origin(s), state::InputsOrigin::Edited);
  ASSERT_EQ(s.setup.tokens[5], "road");
  EXPECT_EQ(s.inputs.x.row(1), animal);     // "animal" keeps its designed features
  EXPECT_TRUE(s.inputs.x.row(5).isZero());  // "road" is new: 0 in every feature
  EXPECT_EQ(s.notice.id, "notice.story_kept_new");
  // "it" still attends to "animal" most, as the story says
  const attn::MatD& w = s.derived().result.heads[0].weights;
  Eigen::Index best = 0;
  w.row(7).maxCoeff(&best);
  EXPECT_EQ(best, 1);
}

TEST(Undo, CtrlZPutsTheEditBackAndRedoAgain) {
  state::AppState s = coreference();
  const state::Document original = s;
  s.view.panel = state::Panel::Tokens;
  // an edit: the sentence, then (moments later, as typing is) another
  state::Document before = s;
  s.sentence = "The animal crossed";
  state::edit_sentence(s);
  state::remember_edit(s.history, before, 10.0);
  before = s;
  s.sentence = "The animal crossed it";
  state::edit_sentence(s);
  state::remember_edit(s.history, before, 10.4);
  EXPECT_EQ(s.history.undo.size(), 1u);  // (one edit: typing)
  ASSERT_TRUE(state::undo_edit(s, s.history));
  EXPECT_EQ(s.sentence, original.sentence);
  EXPECT_EQ(s.inputs.x, original.inputs.x);
  EXPECT_EQ(s.view.panel, state::Panel::Tokens);  // the view stays
  state::remember_edit(s.history, s, 11.0);       // (the frame of the undo is not an edit)
  EXPECT_EQ(s.history.redo.size(), 1u);
  ASSERT_TRUE(state::redo_edit(s, s.history));
  EXPECT_EQ(s.sentence, "The animal crossed it");
  EXPECT_FALSE(state::redo_edit(s, s.history));
  derive(s);
  EXPECT_TRUE(s.derived().has_result);
}
