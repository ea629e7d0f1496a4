// What running a Problem will take, counted before anything is allocated: the bytes of every buffer the
// chosen path holds at its peak (inputs and their copies, projections, per-head traces in both precisions,
// the mask, the output, the Result's JSON tree and text) and the elementary operations it performs.
// check_budget refuses what is over RunOptions' limits, saying what it would take. Tests: tests/core/
// test_budget.cpp (Budget.*), which also checks the estimate against what the allocator really saw.
#pragma once

#include <string>

#include "attn/problem.h"
#include "attn/run_options.h"

namespace attn {

struct Budget {
  double bytes = 0;       // peak bytes held
  double operations = 0;  // multiply-adds, exps, comparisons, numbers formatted: about a nanosecond each
  double cells = 0;       // h·L·S
};

// For the path options.weights chooses (traced standard path, or output only), with the JSON options.json
// asks for. Works on shapes only: a Random problem is not generated.
Budget estimate_budget(const Problem& p, const RunOptions& options);

// Bytes of the 3-pass WebGPU path's extra buffers: the h×L×S weights read back (and the scores with a
// trace), widened to f64 in the Result, and their JSON.
double gpu_weights_bytes(const Problem& p, bool trace);

// Throws ProblemError naming the input field, what p would take and the limit, when over either limit.
void check_budget(const Problem& p, const RunOptions& options);

}  // namespace attn
