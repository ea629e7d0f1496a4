// The narration of what is on screen: the current step's (or flash tile's) formula and sentences said in the
// app's language, holding back what an open prediction holds back. Read by the narration panel, the mirror
// and handouts. No ImGui. Tests: tests/core/test_explain.cpp (Explain.*), tests/core/test_formula.cpp
// (Formula.*).
#pragma once

#include <string>
#include <vector>

#include "attn/explain.h"
#include "state/app_state.h"

namespace state {

// An explanation as the learner reads it: its messages said in the app's language.
struct Explanation {
  std::string title, formula, narration;
  std::vector<double> values;
};
// The explanation of the current step, or of the flash tile in the walkthrough (empty when there is no
// result).
// max_terms: a sum's terms written out (attn::pick_terms: beyond it the largest and the rest summed; Enter's
// whole arithmetic: all).
Explanation explain_current(const AppState& s, int max_terms = attn::ExplainInput{}.max_terms);
// What the engine explains head h's trace with: the problem's labels, scale, mask and positions, and the
// columns' names where they mean something (a scenario whose K and V are its features: "animate", "place").
attn::ExplainInput explain_input(const AppState& s, const attn::HeadTrace<double>& t, int h);

}  // namespace state
