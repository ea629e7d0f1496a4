// What one step of the step engine computes, in words and with the real numbers: a formula line
// ("s₂,₃ = q₂·k₃ = (0.40)(1.20) + … = 0.85"), a plain-language narration for newcomers as messages (ids and
// arguments, said in the learner's language by attn::say), and the values the step produces, all read from
// the Trace. Used by the UI, the web page's screen-reader mirror and the tests
// (tests/core/test_explain.cpp, Explain.*: every value equals the Trace).
#pragma once

#include <string>
#include <vector>

#include "attn/attention.h"
#include "attn/flash.h"
#include "attn/format.h"
#include "attn/mask.h"
#include "attn/problem.h"
#include "attn/step.h"
#include "attn/text.h"

namespace attn {

struct ExplainInput {
  const HeadTrace<double>* trace = nullptr;
  std::vector<std::string> query_labels;  // L
  std::vector<std::string> key_labels;    // S
  ScaleSpec scale;
  double temperature = 1.0;
  MaskSpec mask;
  PositionSpec position;  // RoPE: a score as the sum of its rotated pairs; ALiBi: the bias in the mask step
  double slope = 0;       // ALiBi: this head's slope
  // A sum's terms (a dot product's products, RoPE's pairs, softmax's exponentials, a weighted sum's
  // products): every one while there are at most max_terms, else the kLargestTerms largest in index order
  // and "(N smaller terms = x)", so the printed parts add up to the printed total (pick_terms).
  int max_terms = 8;
  std::vector<std::string> dim_names;  // names of q's and k's columns (a scenario's features), or empty
};

// How many of a long sum's terms a formula writes out: the largest, by |value|.
constexpr int kLargestTerms = 4;

// Which terms of a sum a formula writes: all when there are at most max_terms, else the kLargestTerms of
// largest magnitude in index order; the others are counted and summed (rest_sum), so that the terms shown
// plus rest_sum are the whole sum. Tests: Formula.PickTermsKeepsTheLargestInIndexOrder.
struct TermPick {
  std::vector<int> shown;
  int rest_count = 0;
  double rest_sum = 0;
};
TermPick pick_terms(const std::vector<double>& terms, int max_terms);
// Decimals (2 to 4) at which `terms`, each rounded, add up to `total` rounded (the first that does), else 3:
// a softmax's exponentials printed so that a reader adding them gets the printed sum.
int decimals_that_add(const std::vector<double>& terms, double total);
// `terms` rounded to `decimals` so that they add up to `total` rounded the same way: each to its nearest,
// then (where that is short or over) the ones rounding lost most from moved by one unit in the last digit
// (the largest-remainder rule), so no printed term is more than one unit from the truth.
std::vector<double> rounded_to_add(const std::vector<double>& terms, double total, int decimals);

struct StepExplanation {
  Message title;                   // "Step 1 of 5 · dot product" (explain.title.*)
  std::string formula;             // the computation with numbers filled in (notation, not words)
  std::vector<Message> narration;  // plain language, with the numbers: sentences (explain.*)
  std::vector<double> values;      // what the step produces (one number, a row, or an output vector)
};

// The input for head h of a problem's result: its labels, scale, temperature, mask and positions.
ExplainInput explain_input(const Problem& p, const HeadTrace<double>& trace, int head);

StepExplanation explain_step(const ExplainInput& in, const Step& step);

// One output number as its weighted sum, o_i,c = Σ_j a_i,j · v_j,c, with the terms that matter
// (pick_terms): what hovering a cell of O shows. Tests: Formula.PrintedTermsAddUpInEveryScenario.
std::string output_cell_formula(const ExplainInput& in, int i, int c);

// Flash attention's tile `step` (index into f.tiles) for its first query row: the new running max, the
// rescale, the new running sum, and, on a query tile's last key tile, O = O ÷ l. values: that row's partial
// output (or final output). Tests: Explain.FlashTile*.
StepExplanation explain_flash_tile(const FlashTrace& f, int step,
                                   const std::vector<std::string>& query_labels);

}  // namespace attn
