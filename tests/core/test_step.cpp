// Step.*: the step engine's order (stage → query → key; softmax's max, exps, sum, divides), clamping,
// granularity, and step_index as the inverse of step_at.
#include <gtest/gtest.h>

#include "attn/step.h"

using attn::Granularity;
using attn::Phase;
using attn::Stage;

TEST(Step, CellTotalsCountSoftmaxParts) {
  // 4 cell stages of L·S steps, softmax with L·(2S + 2).
  EXPECT_EQ(attn::step_total(2, 3, Granularity::Cell), 4 * 6 + 2 * 8);
  EXPECT_EQ(attn::step_total(2, 3, Granularity::Row), 10);
  EXPECT_EQ(attn::stage_start(Stage::Softmax, 2, 3, Granularity::Cell), 18);
  EXPECT_EQ(attn::stage_start(Stage::WeightedSum, 2, 3, Granularity::Cell), 34);
}

TEST(Step, CellOrderGoesStageThenQueryThenKey) {
  const int L = 2, S = 3;
  attn::Step s = attn::step_at(0, L, S, Granularity::Cell);
  EXPECT_EQ(s.stage, Stage::Scores);
  EXPECT_EQ(s.phase, Phase::Cell);
  EXPECT_EQ(s.query, 0);
  EXPECT_EQ(s.key, 0);
  s = attn::step_at(4, L, S, Granularity::Cell);
  EXPECT_EQ(s.query, 1);
  EXPECT_EQ(s.key, 1);
  s = attn::step_at(6, L, S, Granularity::Cell);
  EXPECT_EQ(s.stage, Stage::Scale);
  EXPECT_EQ(s.query, 0);
  EXPECT_EQ(s.key, 0);
}

TEST(Step, SoftmaxRowIsMaxThenExpsThenSumThenDivides) {
  const int L = 2, S = 3, start = attn::stage_start(Stage::Softmax, L, S, Granularity::Cell);
  const Phase expected[] = {Phase::Max, Phase::Exp,    Phase::Exp,    Phase::Exp,
                            Phase::Sum, Phase::Divide, Phase::Divide, Phase::Divide};
  const int keys[] = {-1, 0, 1, 2, -1, 0, 1, 2};
  for (int r = 0; r < 2; ++r)
    for (int k = 0; k < 8; ++k) {
      const attn::Step s = attn::step_at(start + r * 8 + k, L, S, Granularity::Cell);
      EXPECT_EQ(s.stage, Stage::Softmax);
      EXPECT_EQ(s.query, r);
      EXPECT_EQ(s.phase, expected[k]) << "part " << k;
      EXPECT_EQ(s.key, keys[k]) << "part " << k;
    }
}

TEST(Step, ClampsAtBothEnds) {
  EXPECT_EQ(attn::step_at(-5, 2, 2, Granularity::Cell).index, 0);
  const attn::Step last = attn::step_at(1000, 2, 2, Granularity::Cell);
  EXPECT_EQ(last.index, last.total - 1);
  EXPECT_EQ(last.stage, Stage::WeightedSum);
  EXPECT_EQ(last.query, 1);
  EXPECT_EQ(last.key, 1);
}

TEST(Step, RowGranularity) {
  EXPECT_EQ(attn::step_total(4, 7, Granularity::Row), 20);
  const attn::Step s =
      attn::step_at(attn::stage_start(Stage::Softmax, 4, 7, Granularity::Row) + 2, 4, 7, Granularity::Row);
  EXPECT_EQ(s.stage, Stage::Softmax);
  EXPECT_EQ(s.phase, Phase::Row);
  EXPECT_EQ(s.query, 2);
  EXPECT_EQ(s.key, -1);
}

TEST(Step, IndexIsTheInverseOfStepAt) {
  for (Granularity g : {Granularity::Cell, Granularity::Row})
    for (int index = 0; index < attn::step_total(3, 4, g); ++index) {
      const attn::Step s = attn::step_at(index, 3, 4, g);
      EXPECT_EQ(attn::step_index(s.stage, s.query, s.key < 0 ? 0 : s.key, s.phase, 3, 4, g), index);
    }
}

TEST(Step, StageNames) {
  EXPECT_EQ(attn::named_value(attn::kStages, attn::Json("weighted_sum"), "stage"), Stage::WeightedSum);
  for (int k = 0; k < attn::kStageCount; ++k)
    EXPECT_EQ(static_cast<int>(attn::kStages[k].value), k);  // in order
  try {
    attn::named_value(attn::kStages, attn::Json("dance"), "step.stage");
    ADD_FAILURE() << "accepted dance";
  } catch (const attn::ProblemError& e) {
    EXPECT_STREQ(e.what(),
                 "step.stage: unknown \"dance\" (known: scores, scale, mask, softmax, weighted_sum)");
  }
}
