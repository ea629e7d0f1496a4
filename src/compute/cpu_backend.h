// The CPU backend: runs a Problem with the attn core (Eigen) and times it. Also the JSON-in/JSON-out
// entry point shared by the CLI and the browser's window.attnlab.run. The WebGPU backend lives in web/.
#pragma once

#include <string>

#include "attn/json_io.h"
#include "attn/run.h"

namespace compute {

// Runs p on the CPU; stats.backend = "cpu", stats.time_ms = wall time of the computation. With
// options.weights = false it takes the fast f32 path (attn/fast.h): output only, stats.path = "fast".
attn::Result run_cpu(const attn::Problem& p, const attn::RunOptions& options = {});

struct JsonRun {
  bool ok = false;
  attn::Json json;  // the Result, or {"error": "..."}
};

// Parses problem_text, runs it on the named backend ("cpu"), returns Result JSON or an error naming the
// cause.
// A malloc'd, NUL-terminated copy for JavaScript (which frees it), or nullptr when memory is full (the JS
// side reports that). Used by every attnlab_* export that returns a string.
char* malloc_copy(const std::string& s);

JsonRun run_json(const std::string& problem_text, const std::string& backend, bool with_trace,
                 const attn::RunOptions& options = {});

}  // namespace compute
