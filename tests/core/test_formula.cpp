// What a formula prints adds up: for every cell of every bundled scenario (and of the real model's head), the
// printed terms of a dot product, a softmax's sum and an output's weighted sum, read back from the text as a
// reader would, add up to the printed total — within the rounding of what is printed. And the terms a formula
// leaves out are the small ones (attn::pick_terms).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <string>

#include "app/derive.h"
#include "attn/explain.h"
#include "model/gpt2.h"
#include "state/app_state.h"
#include "state/lesson.h"
#include "state/narration.h"

namespace {

// A printed number ("−0.25", "0.00412", "9.00") as a value, and how far its printing may be from the truth.
struct Printed {
  double value = 0, unit = 0;  // unit: half of the last printed digit
};
Printed read_number(std::string t) {
  bool negative = false;
  const std::string minus = "−";
  if (t.rfind(minus, 0) == 0) negative = true, t = t.substr(minus.size());
  const size_t dot = t.find('.');
  const int decimals = dot == std::string::npos ? 0 : static_cast<int>(t.size() - dot - 1);
  return {(negative ? -1 : 1) * std::stod(t), 0.5 * std::pow(10.0, -decimals)};
}

const std::string kNum = "((?:−)?[0-9]+(?:\\.[0-9]+)?)";

// The right-hand side "A + B + (N smaller terms = R) = T" of a formula, checked: each term is "(a)(b)" (a
// product, optionally after a column's name) or a plain number; Σ terms (+ R) must equal T within what the
// printing of each number allows. Returns a failure message, or "".
std::string check_adds_up(const std::string& formula) {
  static const std::regex product("\\(" + kNum + "\\)\\(" + kNum + "\\)");
  static const std::regex rest("\\(([0-9]+) smaller terms = " + kNum + "\\)");
  static const std::regex number("^\\(?" + kNum + "\\)?$");
  double sum = 0, slack = 0;
  int terms = 0;
  std::smatch m;
  std::string f = formula;  // (the summed rest first: its " = " is not the formula's)
  if (std::regex_search(formula, m, rest)) {
    const Printed r = read_number(m[2]);
    sum += r.value, slack += r.unit, ++terms;
    f = m.prefix().str() + "REST" + m.suffix().str();
  }
  const size_t last = f.rfind(" = ");
  if (last == std::string::npos) return "no total in: " + formula;
  const Printed total = read_number(f.substr(last + 3));
  slack += total.unit;
  // the terms are between the formula's second-to-last " = " and its last
  const size_t start = f.rfind(" = ", last - 1);
  std::string left = f.substr(start == std::string::npos ? 0 : start + 3, last - start - 3);
  const size_t r = left.find("REST");
  if (r != std::string::npos) left.erase(r, 4);
  bool products = false;
  for (auto it = std::sregex_iterator(left.begin(), left.end(), product); it != std::sregex_iterator();
       ++it) {
    const Printed a = read_number((*it)[1]), b = read_number((*it)[2]);
    sum += a.value * b.value;
    slack += std::fabs(a.value) * b.unit + std::fabs(b.value) * a.unit + a.unit * b.unit;
    ++terms, products = true;
  }
  if (!products) {  // numbers joined by " + ": "0.05 + 1.00", "(1.76) + (0.81)"
    size_t at = 0;
    while (at <= left.size()) {
      const size_t plus = std::min(left.find(" + ", at), left.size());
      std::string piece = left.substr(at, plus - at);
      piece.erase(0, piece.find_first_not_of(' '));
      piece.erase(piece.find_last_not_of(' ') + 1);
      if (!piece.empty()) {
        if (!std::regex_match(piece, m, number)) return "not a number: '" + piece + "' in: " + formula;
        const Printed x = read_number(m[1]);
        sum += x.value, slack += x.unit, ++terms;
      }
      at = plus + 3;
    }
  }
  if (terms == 0) return "no terms in: " + formula;
  if (!products) {  // a plain sum is printed to as many decimals as it takes for it to add up exactly
    const double unit = 2 * total.unit;
    if (std::round(sum / unit) != std::round(total.value / unit))
      return "terms add to " + std::to_string(sum) + ", total printed " + std::to_string(total.value) + ": " +
             formula;
    return "";
  }
  if (std::fabs(sum - total.value) > slack + 1e-12)
    return "terms add to " + std::to_string(sum) + ", total printed " + std::to_string(total.value) +
           " (rounding allows " + std::to_string(slack) + "): " + formula;
  return "";
}

// Every scores cell, every row's softmax sum and every output number of the shown head, at max_terms.
int check_every_cell(const state::AppState& s, int max_terms, const std::string& where) {
  const attn::HeadTrace<double>& t = s.derived().result.heads[static_cast<size_t>(s.view.head)];
  attn::ExplainInput in = state::explain_input(s, t, s.view.head);
  in.max_terms = max_terms;
  const int L = static_cast<int>(t.weights.rows()), S = static_cast<int>(t.weights.cols());
  int checked = 0;
  for (int i = 0; i < L; ++i) {
    for (int j = 0; j < S; ++j) {
      const attn::Step st = attn::step_at(
          attn::step_index(attn::Stage::Scores, i, j, attn::Phase::Cell, L, S, attn::Granularity::Cell), L, S,
          attn::Granularity::Cell);
      const std::string f = attn::say_formula(attn::english(), attn::explain_step(in, st).formula, false);
      EXPECT_EQ(check_adds_up(f), "") << where << " score " << i << "," << j;
      ++checked;
    }
    if (!t.fully_masked[static_cast<size_t>(i)]) {
      const attn::Step st = attn::step_at(
          attn::step_index(attn::Stage::Softmax, i, 0, attn::Phase::Sum, L, S, attn::Granularity::Cell), L, S,
          attn::Granularity::Cell);
      EXPECT_EQ(st.phase, attn::Phase::Sum);
      const std::string f = attn::say_formula(attn::english(), attn::explain_step(in, st).formula, false);
      EXPECT_EQ(check_adds_up(f), "") << where << " softmax sum of row " << i;
      ++checked;
    }
    for (int c = 0; c < t.v.cols(); ++c) {
      const std::string f = attn::say_formula(attn::english(), attn::output_cell_formula(in, i, c), false);
      EXPECT_EQ(check_adds_up(f), "") << where << " output " << i << "," << c;
      ++checked;
    }
  }
  return checked;
}

state::AppState app_with_model() {
  state::AppState s = state::default_state(attn::load_scenarios(ATTN_SCENARIO_DIR));
  s.model = std::make_shared<const model::Gpt2>(
      model::load_gpt2_dir(std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen", 1e9));
  return s;
}

}  // namespace

TEST(Formula, PickTermsKeepsTheLargestInIndexOrder) {
  const attn::TermPick all = attn::pick_terms({1, -2, 3}, 8);
  EXPECT_EQ(all.shown, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(all.rest_count, 0);
  const std::vector<double> terms = {0.1, -5, 0.2, 3, 0, 0, 4, 0.3, -0.05, 2};
  const attn::TermPick p = attn::pick_terms(terms, 8);
  EXPECT_EQ(p.shown, (std::vector<int>{1, 3, 6, 9}));  // |−5|, 3, 4, 2: in index order
  EXPECT_EQ(p.rest_count, 6);
  EXPECT_NEAR(p.rest_sum, 0.1 + 0.2 + 0 + 0 + 0.3 - 0.05, 1e-15);
}

TEST(Formula, DecimalsThatAdd) {
  // 0.333 + 0.333 + 0.334 = 1.000: at 2 decimals 0.33 + 0.33 + 0.33 = 0.99 ≠ 1.00; at 3 they add.
  EXPECT_EQ(attn::decimals_that_add({0.333, 0.333, 0.334}, 1.0), 3);
  EXPECT_EQ(attn::decimals_that_add({0.25, 0.75}, 1.0), 2);
  // three equal thirds at 2 decimals: 0.33 + 0.33 + 0.34, each within one unit of the truth
  const std::vector<double> r = attn::rounded_to_add({1.0 / 3, 1.0 / 3, 1.0 / 3}, 1.0, 2);
  EXPECT_NEAR(r[0] + r[1] + r[2], 1.0, 1e-12);
  for (double x : r) EXPECT_LE(std::fabs(x - 1.0 / 3), 0.01 + 1e-12);
  EXPECT_EQ(attn::fmt_fixed(-0.125, 3), "−0.125");
  EXPECT_EQ(attn::fmt_fixed(-0.0001, 2), "0.00");
}

// The check itself fails on a formula that does not add up.
TEST(Formula, TheCheckCatchesAFormulaThatDoesNotAddUp) {
  EXPECT_EQ(check_adds_up("s₀,₀ = q₀·k₀ = (1.00)(2.00) + (3.00)(1.00) = 5.00"), "");
  EXPECT_NE(check_adds_up("s₀,₀ = q₀·k₀ = (1.00)(2.00) + (3.00)(1.00) = 6.00"), "");
  EXPECT_EQ(check_adds_up("s = q·k = (9.00)(1.00) + (2 smaller terms = 0.50) = 9.50"), "");
  EXPECT_NE(check_adds_up("s = q·k = (9.00)(1.00) + … (6 terms) = 9.50"), "");
  EXPECT_EQ(check_adds_up("Σ₇ = Σ_j e₇,j = 0.333 + 0.333 + 0.334 = 1.000"), "");
  EXPECT_NE(check_adds_up("Σ₇ = Σ_j e₇,j = 0.33 + 0.33 + 0.33 = 1.00"), "");
}

// Every bundled scenario (its designed vectors and, for the model's, the real model's head), at the panel's
// width (8 terms) and a narrow one (4: the largest and the rest).
TEST(Formula, PrintedTermsAddUpInEveryScenario) {
  state::AppState s = app_with_model();
  int scenarios = 0, cells = 0;
  for (const attn::Scenario& sc : std::vector<attn::Scenario>(s.scenarios)) {
    state::load_scenario(s, sc);
    derive(s);
    ASSERT_TRUE(s.derived().has_result) << sc.id << ": " << s.derived().error;
    for (int max_terms : {8, 4})
      cells += check_every_cell(s, max_terms, sc.id + " at " + std::to_string(max_terms));
    ++scenarios;
  }
  EXPECT_GE(scenarios, 7);
  EXPECT_GT(cells, 5000);
}

// The real model's heads (d_k = 16: the largest 4 and "12 smaller terms") on its default text.
TEST(Formula, PrintedTermsAddUpOnTheModel) {
  state::AppState s = app_with_model();
  state::use_model(s);
  derive(s);
  ASSERT_TRUE(s.derived().has_result) << s.derived().error;
  const attn::HeadTrace<double>& t = s.derived().result.heads[0];
  ASSERT_GT(t.q.cols(), 8);
  check_every_cell(s, 8, "model");
  // and the shown terms are the largest: none left out is larger than one shown
  attn::ExplainInput in = state::explain_input(s, t, 0);
  const int d = static_cast<int>(t.q.cols());
  std::vector<double> terms(static_cast<size_t>(d));
  for (int c = 0; c < d; ++c) terms[static_cast<size_t>(c)] = t.q(3, c) * t.k(1, c);
  const attn::TermPick p = attn::pick_terms(terms, in.max_terms);
  double smallest_shown = 1e300;
  for (int c : p.shown) smallest_shown = std::min(smallest_shown, std::fabs(terms[static_cast<size_t>(c)]));
  for (int c = 0; c < d; ++c) {
    if (std::find(p.shown.begin(), p.shown.end(), c) == p.shown.end()) {
      EXPECT_LE(std::fabs(terms[static_cast<size_t>(c)]), smallest_shown);
    }
  }
}

// A scenario's columns carry its features' names, in the formula's terms too.
TEST(Formula, ScenarioTermsNameTheirFeatures) {
  state::AppState s = app_with_model();
  for (const attn::Scenario& sc : s.scenarios)
    if (sc.id == "coreference") state::load_scenario(s, sc);
  derive(s);
  const attn::HeadTrace<double>& t = s.derived().result.heads[0];
  const attn::ExplainInput in = state::explain_input(s, t, 0);
  ASSERT_EQ(in.dim_names.size(), 6u);
  EXPECT_EQ(in.dim_names[0], "animate");
  const attn::Step st = attn::step_at(
      attn::step_index(attn::Stage::Scores, 7, 1, attn::Phase::Cell, 11, 11, attn::Granularity::Cell), 11, 11,
      attn::Granularity::Cell);
  EXPECT_NE(attn::explain_step(in, st).formula.find("animate ("), std::string::npos);
}

// The first frame and every lesson page land on a cell that teaches something: a dot product with at least
// one product that is not 0 (not "(9.00)(0.00) + (3.50)(0.00) + … = 0.00").
TEST(Formula, EveryLessonPageAndTheFirstFrameLandOnACellThatTeaches) {
  state::AppState base = app_with_model();
  base.lessons = state::load_lessons(std::string(ATTN_ASSETS_DIR) + "/lessons", base);
  ASSERT_GE(base.lessons.size(), 7u);
  const auto teaches = [](const state::AppState& s, const std::string& where) {
    const attn::Step st = s.step();
    if (st.stage != attn::Stage::Scores || st.phase != attn::Phase::Cell || !s.derived().has_result) return;
    const attn::HeadTrace<double>& t = s.derived().result.heads[static_cast<size_t>(s.view.head)];
    bool nonzero = false;
    for (int c = 0; c < t.q.cols(); ++c) nonzero |= std::fabs(t.q(st.query, c) * t.k(st.key, c)) >= 0.005;
    EXPECT_TRUE(nonzero) << where << ": " << state::explain_current(s).formula;
  };
  state::AppState first = base;
  derive(first);
  teaches(first, "the first frame");
  int pages = 0;
  for (int l = 0; l < static_cast<int>(base.lessons.size()); ++l)
    for (int p = 0; p < static_cast<int>(base.lessons[static_cast<size_t>(l)].pages.size()); ++p) {
      state::AppState s = base;
      state::open_lesson(s, l, p);
      derive(s);
      teaches(s, base.lessons[static_cast<size_t>(l)].id + " page " + std::to_string(p + 1));
      ++pages;
    }
  EXPECT_GT(pages, 40);
}
