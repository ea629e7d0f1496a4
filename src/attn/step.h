// The step engine: attention as a sequence of small steps a learner walks forward and back.
// Stages: 1 dot products q·kᵀ → 2 scale → 3 mask → 4 softmax → 5 weighted sum with v. Within a stage the
// steps go query row by query row. At cell granularity a row has one step per key, except softmax, which
// has 2S + 2: the row max, exp of each entry, the sum, and the division of each entry. At row granularity
// every stage has one step per row. Pure index arithmetic: the numbers of a step come from the Trace
// (explain.h). Tests: tests/core/test_step.cpp (Step.*).
#pragma once

#include <array>
#include <cstdint>

#include "attn/named.h"

namespace attn {

enum class Stage { Scores = 0, Scale, Mask, Softmax, WeightedSum };
// The stages by id (state JSON, links, lessons; the button's words are "stage.<id>").
inline constexpr Named<Stage> kStages[] = {{Stage::Scores, "scores"},
                                           {Stage::Scale, "scale"},
                                           {Stage::Mask, "mask"},
                                           {Stage::Softmax, "softmax"},
                                           {Stage::WeightedSum, "weighted_sum"}};
constexpr int kStageCount = static_cast<int>(sizeof kStages / sizeof kStages[0]);

enum class Granularity { Cell, Row };

// What a step does inside its stage: one cell (i, j), the whole row, or one of softmax's four parts.
enum class Phase { Cell, Row, Max, Exp, Sum, Divide };
constexpr std::array<const char*, 6> kPhaseNames = {"cell", "row", "max", "exp", "sum", "divide"};

// Step positions are 64-bit: 5 stages × L rows × (2S + 2) passes 2³¹ at L = S ≈ 15 000.
using StepIndex = std::int64_t;

struct Step {
  Stage stage = Stage::Scores;
  Phase phase = Phase::Cell;
  int query = 0;  // i, the query row
  int key = -1;   // j, or −1 when the step covers the whole row (row granularity, softmax max and sum)
  StepIndex index = 0;  // position in the sequence, 0 … total−1
  StepIndex total = 1;
};

StepIndex steps_per_row(Stage s, int S, Granularity g);
StepIndex step_total(int L, int S, Granularity g);
StepIndex stage_start(Stage s, int L, int S, Granularity g);  // index of the stage's first step

// The step at index (clamped to 0 … total−1).
Step step_at(StepIndex index, int L, int S, Granularity g);

// The index of the step of `stage` at query i that handles key j (clamped into range). For softmax at cell
// granularity, phase picks Max/Exp/Sum/Divide (Cell counts as Divide: the weight of (i, j) is final there).
StepIndex step_index(Stage stage, int query, int key, Phase phase, int L, int S, Granularity g);

}  // namespace attn
