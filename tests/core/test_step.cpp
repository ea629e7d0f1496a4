// Step.*: the step engine's order, clamping and granularity.
#include <gtest/gtest.h>

#include "attn/step.h"

TEST(Step, CellOrderGoesStageThenQueryThenKey) {
  const int L = 2, S = 3;
  EXPECT_EQ(attn::step_total(L, S, attn::Granularity::Cell), 5 * 6);
  attn::Step s = attn::step_at(0, L, S, attn::Granularity::Cell);
  EXPECT_EQ(s.stage, attn::Stage::Scores);
  EXPECT_EQ(s.query, 0);
  EXPECT_EQ(s.key, 0);
  s = attn::step_at(4, L, S, attn::Granularity::Cell);
  EXPECT_EQ(s.query, 1);
  EXPECT_EQ(s.key, 1);
  s = attn::step_at(6, L, S, attn::Granularity::Cell);
  EXPECT_EQ(s.stage, attn::Stage::Scale);
  EXPECT_EQ(s.query, 0);
  EXPECT_EQ(s.key, 0);
}

TEST(Step, ClampsAtBothEnds) {
  EXPECT_EQ(attn::step_at(-5, 2, 2, attn::Granularity::Cell).index, 0);
  const attn::Step last = attn::step_at(1000, 2, 2, attn::Granularity::Cell);
  EXPECT_EQ(last.index, last.total - 1);
  EXPECT_EQ(last.stage, attn::Stage::WeightedSum);
  EXPECT_EQ(last.query, 1);
  EXPECT_EQ(last.key, 1);
}

TEST(Step, RowGranularity) {
  EXPECT_EQ(attn::step_total(4, 7, attn::Granularity::Row), 20);
  const attn::Step s =
      attn::step_at(attn::stage_start(attn::Stage::Softmax, 4, 7, attn::Granularity::Row) + 2, 4, 7,
                    attn::Granularity::Row);
  EXPECT_EQ(s.stage, attn::Stage::Softmax);
  EXPECT_EQ(s.query, 2);
  EXPECT_EQ(s.key, -1);
}

TEST(Step, StageNames) {
  attn::Stage s;
  EXPECT_TRUE(attn::stage_from_name("weighted_sum", s));
  EXPECT_EQ(s, attn::Stage::WeightedSum);
  EXPECT_FALSE(attn::stage_from_name("dance", s));
}
