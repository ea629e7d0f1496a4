// The CPU backend: runs a Problem with the attn core (Eigen) and times it. Also the JSON-in/JSON-out
// entry point shared by the CLI and the browser's window.attnlab.run. The WebGPU backend lives in web/.
#pragma once

#include <string>

#include "attn/json_io.h"
#include "attn/run.h"

namespace compute {

// The limits of this build: RunOptions' defaults natively; less memory and work in the browser. Threads:
// cpu_threads().
attn::RunOptions default_options();
// The threads the fast path may use here: the cores (at most kMaxThreads) natively and in the browser's
// pthreads build (its worker pool has one fewer: the page's own thread runs a share), 1 in the single-thread
// web build.
inline constexpr int kMaxThreads = 8;  // (CMakeLists.txt sizes the browser's worker pool with the same 8)
int cpu_threads();

// Runs p on the CPU; stats.backend = "cpu", stats.time_ms = wall time of the computation. With
// options.weights = false it takes the fast f32 path (attn/fast.h): output only, stats.path = "fast".
attn::Result run_cpu(const attn::Problem& p, const attn::RunOptions& options = default_options());

struct JsonRun {
  bool ok = false;
  attn::Json json;        // the Result, or {"error": "..."}
  bool internal = false;  // the error was not a ProblemError or a lack of memory: a bug (fuzzers look here)
};

// A malloc'd, NUL-terminated copy for JavaScript (which frees it), or nullptr when memory is full (the JS
// side reports that). Used by every attnlab_* export that returns a string.
char* malloc_copy(const std::string& s);

// Parses problem_text (attn::parse_json_text), runs it within options' budget (counting the JSON too),
// returns Result JSON (notes on repaired labels in stats.notice) or {"error": "…"} naming the cause; never
// throws.
// `write` places its matrices (attn::result_to_json).
JsonRun run_json(const std::string& problem_text, const std::string& backend, bool with_trace,
                 const attn::RunOptions& options = default_options(), const attn::MatrixWriter& write = {});

}  // namespace compute
