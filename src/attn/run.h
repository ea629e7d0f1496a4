// run(): a Problem in, a Result out: output, per-head trace, cost. The one entry point every client uses
// (compute backends, CLI, UI, tests). Result JSON: result_json.h.
#pragma once

#include <string>
#include <vector>

#include "attn/attention.h"
#include "attn/cost.h"
#include "attn/problem.h"
#include "attn/run_options.h"

namespace attn {

struct Stats {
  double flops = 0;
  double bytes = 0;    // intermediate memory (Cost::intermediate_bytes)
  double time_ms = 0;  // filled by the backend that ran it
  std::string backend = "cpu";
  std::string precision = "f32";
  std::string variant = "standard";  // the Problem's variant (flash and linear run in f64 on the CPU)
  std::string path;                  // GPU kernel path: "3-pass" or "flash" (empty on the CPU)
  double gpu_time_ms = -1;           // GPU time when measured (−1: not measured)
  std::string gpu_timer;             // "timestamp-query" or "wall" (how gpu_time_ms was measured)
  std::string notice;                // e.g. why the GPU path fell back to the CPU
};

struct Result {
  MatD output;                           // L×E (multi-head) or L×d_v (direct)
  std::vector<HeadTrace<double>> heads;  // h heads; f32 runs are widened after the fact
  MaskMat allowed;                       // L×S
  Stats stats;
};

// Throws ProblemError (invalid problem, over the budget of budget.h naming what it would take, or a stage
// that overflowed to ±∞/NaN from finite inputs, named by check_overflow).
Result run(const Problem& p, const RunOptions& options = {});

// Finite inputs can still overflow (1e200 · 1e200, a scale of 1e300): throws ProblemError naming the first
// stage of the first head that is not finite, so no Result ever carries NaN or ∞ (−∞ only where masked).
void check_overflow(const Result& r, const Problem& p);

}  // namespace attn
