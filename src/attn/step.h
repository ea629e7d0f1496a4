// The step engine: attention as a sequence of small steps a learner walks forward and back.
// Stages: 1 dot products q·kᵀ → 2 scale → 3 mask → 4 softmax → 5 weighted sum with v. Within a stage the
// sub-steps go query row by query row and, at cell granularity, key by key. Pure index arithmetic: the
// numbers of a step come from the Trace. Tests: tests/core/test_step.cpp (Step.*).
#pragma once

#include <array>

namespace attn {

enum class Stage { Scores = 0, Scale, Mask, Softmax, WeightedSum };
constexpr int kStageCount = 5;
constexpr std::array<const char*, kStageCount> kStageNames = {"scores", "scale", "mask", "softmax",
                                                              "weighted_sum"};

enum class Granularity { Cell, Row };

struct Step {
  Stage stage = Stage::Scores;
  int query = 0;  // i, the query row
  int key = -1;   // j at cell granularity; −1 when the step covers the whole row
  int index = 0;  // position in the sequence, 0 … total−1
  int total = 1;
};

// Steps per stage and in all, for L queries and S keys.
int steps_per_stage(int L, int S, Granularity g);
int step_total(int L, int S, Granularity g);

// The step at index (clamped to 0 … total−1).
Step step_at(int index, int L, int S, Granularity g);

// The first step of a stage.
int stage_start(Stage s, int L, int S, Granularity g);

// Parses "scores" … "weighted_sum"; returns false for an unknown name.
bool stage_from_name(const char* name, Stage& out);

}  // namespace attn
