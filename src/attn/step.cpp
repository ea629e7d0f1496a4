// Index arithmetic of the step engine (see step.h).
#include "attn/step.h"

#include <algorithm>
#include <cstring>

namespace attn {

int steps_per_stage(int L, int S, Granularity g) {
  return std::max(L, 1) * (g == Granularity::Cell ? std::max(S, 1) : 1);
}

int step_total(int L, int S, Granularity g) { return kStageCount * steps_per_stage(L, S, g); }

Step step_at(int index, int L, int S, Granularity g) {
  Step s;
  s.total = step_total(L, S, g);
  s.index = std::clamp(index, 0, s.total - 1);
  const int per_stage = steps_per_stage(L, S, g);
  s.stage = static_cast<Stage>(s.index / per_stage);
  const int within = s.index % per_stage;
  if (g == Granularity::Cell) {
    s.query = within / std::max(S, 1);
    s.key = within % std::max(S, 1);
  } else {
    s.query = within;
    s.key = -1;
  }
  return s;
}

int stage_start(Stage s, int L, int S, Granularity g) {
  return static_cast<int>(s) * steps_per_stage(L, S, g);
}

bool stage_from_name(const char* name, Stage& out) {
  for (int i = 0; i < kStageCount; ++i)
    if (std::strcmp(name, kStageNames[static_cast<size_t>(i)]) == 0) {
      out = static_cast<Stage>(i);
      return true;
    }
  return false;
}

}  // namespace attn
