// Handouts: the numbers of a head as CSV and JSON, and the worked arithmetic as LaTeX — the same numbers the
// app shows and the tests check, formatted for paper. Used by the app's Handout menu (state/handout.cpp) and
// `attnlab-cli run --format csv|latex`. Tests: tests/core/test_handout.cpp (Handout.*).
#pragma once

#include <string>
#include <vector>

#include "attn/explain.h"
#include "attn/json_text.h"
#include "attn/run.h"

namespace attn {

// A matrix with its name ("Q", "weights a") and row and column labels (tokens, or feature indices).
struct NamedMatrix {
  std::string name;
  MatD m;
  std::vector<std::string> rows, cols;
};

// Head h of a result as the step view lays it out: Q, K, V, scores s, scaled ŝ, masked m, weights a, output
// O.
std::vector<NamedMatrix> head_matrices(const Problem& p, const Result& r, int head);

// One block per matrix: "# name (rows×cols)", a header row of column labels, then each row's label and
// values (%.9g: f32 exactly, f64 to 9 digits; −∞ as -inf). Labels are quoted as CSV requires.
std::string matrices_csv(const std::vector<NamedMatrix>& ms);
// {name: {rows: [...], cols: [...], values: [[...]]}} (−∞ as null, as the Result JSON writes it).
Json matrices_json(const std::vector<NamedMatrix>& ms);

// A formula line of the explanation engine ("s₇,₀ = q₇·k₀ = (9.00)(0.00) + … = 0.00") as LaTeX math
// ("s_{7,0} = q_{7}\cdot k_{0} = (9.00)(0.00) + \dots = 0.00"); words, and whatever stands in ⟦…⟧, become
// \text{…}.
std::string latex_math(const std::string& formula);
// Text for LaTeX's text mode: # $ % & _ { } ~ ^ \ escaped.
std::string latex_text(const std::string& text);

// The step's worked formula with every term written out, as a LaTeX display equation with its title and
// narration (a complete fragment to paste into a document).
std::string latex_step(const ExplainInput& in, const Step& step, const Catalog& text = english());
// Row i's softmax as LaTeX: the formula, then a table of every key's masked score m, exp(m − max) and weight
// a, with the max and the sum.
std::string latex_row_softmax(const HeadTrace<double>& t, int row,
                              const std::vector<std::string>& query_labels,
                              const std::vector<std::string>& key_labels);

}  // namespace attn
