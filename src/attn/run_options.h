// How to run a Problem: the limits check_budget enforces (budget.h) and the path run() takes (run.h). Apart
// from both so that neither includes the other. Tests: tests/core/test_budget.cpp (Budget.*).
#pragma once

namespace attn {

struct RunOptions {
  double max_bytes = 1024.0 * 1024 * 1024;  // refuse problems whose buffers would exceed this (budget.h)
  double max_operations = 2e9;              // … or whose work would (≈ 1 ns each; the exp-heavy paths
                                            // run nearer 3 ns: a few seconds on one core at most)
  bool weights = true;  // false: output only, on the fast f32 path (compute::run_cpu; no L×S matrix)
  int threads = 1;      // threads for the fast path (native builds)
  int json = 0;         // the caller writes the Result as JSON too (counted): 1, or 2 with the trace
  bool gpu = false;     // output only, the L×S core on the GPU: the CPU's work is projections and copies
};

}  // namespace attn
