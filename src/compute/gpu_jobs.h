// The WebGPU backend's jobs, held between the page's calls (src/app/bridge.cpp): gpu_prepare → the page runs
// the kernels (web/webgpu.js) and writes into the output buffers gpu_outputs names → gpu_finish, or
// gpu_cancel. Buffers are named by [address, length] in this process's memory (the WebAssembly heap in the
// browser), so matrices cross as typed arrays, never as JSON. Plain C++: tested natively (GpuJobs.*).
#pragma once

#include <string>
#include <vector>

#include "attn/json_io.h"
#include "compute/f32_job.h"

namespace compute {

// Validates and prepares p for a GPU whose buffers hold max_buffer_bytes: {id, L, S, d, dv, h, g,
// score_bytes, weights_fit, variant, params, q, k, v, allowed, out}, or {error, gpu_limit} when p is valid
// but too big for this GPU. Throws attn::ProblemError for invalid problems, std::bad_alloc without memory.
attn::Json gpu_prepare(const attn::Problem& p, double max_buffer_bytes);

// The buffers the chosen path writes ({out, weights?, scores?, lse?}); throws for an unknown id.
attn::Json gpu_outputs(int id, const std::string& path, bool trace);

// The job (throws attn::ProblemError for an unknown id).
const F32Job& gpu_job(int id);

// The Result of a finished job (stats: path, GPU and wall time, timer); the job is gone afterwards.
attn::Result gpu_finish(int id, const std::string& path, double gpu_ms, const std::string& timer,
                        double wall_ms, attn::Problem* problem = nullptr);

void gpu_cancel(int id);

}  // namespace compute
