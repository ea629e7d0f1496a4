// Index arithmetic of the step engine (see step.h).
#include "attn/step.h"

#include <algorithm>

namespace attn {

StepIndex steps_per_row(Stage s, int S, Granularity g) {
  if (g == Granularity::Row) return 1;
  const StepIndex keys = std::max(S, 1);
  return s == Stage::Softmax ? 2 * keys + 2 : keys;
}

StepIndex stage_start(Stage s, int L, int S, Granularity g) {
  StepIndex start = 0;
  for (int k = 0; k < static_cast<int>(s); ++k)
    start += std::max<StepIndex>(L, 1) * steps_per_row(static_cast<Stage>(k), S, g);
  return start;
}

StepIndex step_total(int L, int S, Granularity g) {
  return stage_start(Stage::WeightedSum, L, S, g) +
         std::max<StepIndex>(L, 1) * steps_per_row(Stage::WeightedSum, S, g);
}

Step step_at(StepIndex index, int L, int S, Granularity g) {
  Step st;
  st.total = step_total(L, S, g);
  st.index = std::clamp<StepIndex>(index, 0, st.total - 1);
  int k = kStageCount - 1;
  while (k > 0 && stage_start(static_cast<Stage>(k), L, S, g) > st.index) --k;
  st.stage = static_cast<Stage>(k);
  const StepIndex per_row = steps_per_row(st.stage, S, g);
  const StepIndex within = st.index - stage_start(st.stage, L, S, g);
  st.query = static_cast<int>(within / per_row);
  const int r = static_cast<int>(within % per_row);
  if (g == Granularity::Row) {
    st.phase = Phase::Row;
    st.key = -1;
  } else if (st.stage != Stage::Softmax) {
    st.phase = Phase::Cell;
    st.key = r;
  } else if (r == 0) {
    st.phase = Phase::Max;
    st.key = -1;
  } else if (r <= S) {
    st.phase = Phase::Exp;
    st.key = r - 1;
  } else if (r == S + 1) {
    st.phase = Phase::Sum;
    st.key = -1;
  } else {
    st.phase = Phase::Divide;
    st.key = r - S - 2;
  }
  return st;
}

StepIndex step_index(Stage stage, int query, int key, Phase phase, int L, int S, Granularity g) {
  query = std::clamp(query, 0, std::max(L, 1) - 1);
  key = std::clamp(key, 0, std::max(S, 1) - 1);
  const StepIndex row = stage_start(stage, L, S, g) + query * steps_per_row(stage, S, g);
  if (g == Granularity::Row) return row;
  if (stage != Stage::Softmax) return row + key;
  switch (phase) {
    case Phase::Max:
      return row;
    case Phase::Exp:
      return row + 1 + key;
    case Phase::Sum:
      return row + S + 1;
    default:
      return row + S + 2 + key;  // (S + 2 + key < 2³¹: S ≤ 10⁹)
  }
}

}  // namespace attn
