// What each head of a model does on a text, measured, not assumed: mean attention to the previous token, to
// the first token (an "attention sink"), to itself, its normalised entropy ("broad"), and induction (on a
// random segment repeated, attention to the token after the previous occurrence). The label is the pattern
// that scores highest relative to its threshold (0.3 for the four attention scores, 0.85 for broad), else
// "mixed". The Python twin is head_scores in
// tests/model/train_tiny.py. Tests: tests/core/test_heads.cpp (Heads.*).
#pragma once

#include <string>
#include <vector>

#include "model/forward.h"

namespace model {

struct HeadScores {
  int layer = 0, head = 0;
  double previous = 0, first = 0, self = 0, broad = 0, induction = 0;
  std::string label;  // "previous-token" | "first-token" | "self" | "induction" | "broad" | "mixed"
};

// Induction per head (layer-major): a pass over `repeat_len` seeded random tokens repeated three times. It
// depends on the model only, so callers measure it once per model.
std::vector<double> induction_scores(const Gpt2& m, int repeat_len = 20);

// Scores from f's weights (positions 1…T−1) with the given induction scores, and labels.
std::vector<HeadScores> score_heads(const Gpt2& m, const Forward& f, const std::vector<double>& induction);
std::vector<HeadScores> score_heads(const Gpt2& m, const Forward& f, int repeat_len = 20);  // both

}  // namespace model
