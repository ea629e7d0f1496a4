// The WebGPU backend's jobs, held between the page's calls (src/app/bridge.cpp): gpu_prepare → the page runs
// the kernels (web/webgpu.js) and writes into the output buffers gpu_outputs names → gpu_finish, or
// gpu_cancel. Buffers are named by [address, length] in this process's memory (the WebAssembly heap in the
// browser), so matrices cross as typed arrays, never as JSON. Plain C++: tested natively (GpuJobs.*).
#pragma once

#include <string>
#include <vector>

#include "attn/json_io.h"
#include "attn/text.h"
#include "compute/f32_job.h"

namespace compute {

// The largest score matrix the 3-pass path puts in one buffer, whatever the device's limit says: beyond it
// the flash path (which never forms the matrix) is the one that runs.
constexpr double kScoreBufferCap = 512.0 * 1024 * 1024;

// Which kernels "auto" runs, and why when it is not the 3-pass path the step view can read weights from: the
// 3-pass path when the h×L×S score matrix fits one buffer (the device's max_buffer_bytes and kScoreBufferCap)
// and its weights fit this process's memory once read back (weights_fit); flash otherwise, or when the
// Problem asks for flash. `why` (messages gpu.path.*) says which limit chose flash; no id when the Problem
// asked for it or 3-pass runs. The JSON API says it in English (the Result's stats.notice), the app in the
// learner's language.
struct GpuPath {
  std::string path;  // "3-pass" | "flash"
  attn::Message why;
};
GpuPath choose_gpu_path(const attn::Problem& p, double max_buffer_bytes, bool weights_fit);

// Validates and prepares p for a GPU whose buffers hold max_buffer_bytes: {id, L, S, d, dv, h, g,
// score_bytes, weights_fit, variant, path, notice?, params, q, k, v, allowed, out} (path and notice:
// choose_gpu_path, what "auto" runs), or {error, gpu_limit} when p is valid but too big for this GPU. Throws
// attn::ProblemError for invalid problems, std::bad_alloc without memory.
attn::Json gpu_prepare(const attn::Problem& p, double max_buffer_bytes);

// The buffers the chosen path writes ({out, weights?, scores?, lse?}); throws for an unknown id.
attn::Json gpu_outputs(int id, const std::string& path, bool trace);

// The job (throws attn::ProblemError for an unknown id).
const F32Job& gpu_job(int id);

// The Result of a finished job (stats: path, GPU and wall time, timer, and — when the caller asked for "auto"
// (`automatic`) and a limit chose the path — the notice saying why; *why gets that message); the job is gone
// afterwards.
attn::Result gpu_finish(int id, const std::string& path, double gpu_ms, const std::string& timer,
                        double wall_ms, attn::Problem* problem = nullptr, attn::Message* why = nullptr,
                        bool automatic = true);

void gpu_cancel(int id);

}  // namespace compute
