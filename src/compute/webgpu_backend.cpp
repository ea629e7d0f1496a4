// The C side of the WebGPU backend (browser build only): jobs prepared and finished in C++ (f32_job.h), the
// GPU work itself in web/webgpu.js. JS calls, in order: attnlab_gpu_prepare → attnlab_gpu_outputs → (GPU
// writes into the returned pointers) → attnlab_gpu_finish, or attnlab_gpu_cancel on failure.
#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>

#include "attn/budget.h"
#include "attn/json_io.h"
#include "compute/cpu_backend.h"
#include "compute/f32_job.h"

namespace {

std::map<int, std::unique_ptr<compute::F32Job>> g_jobs;
int g_next_id = 1;

char* dup_json(const attn::Json& j) { return compute::malloc_copy(attn::dump_json(j)); }

template <typename T>
attn::Json span(const std::vector<T>& v) {
  return attn::Json::array({reinterpret_cast<std::uintptr_t>(v.data()), v.size()});
}

compute::F32Job* find(int id) {
  auto it = g_jobs.find(id);
  return it == g_jobs.end() ? nullptr : it->second.get();
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE char* attnlab_gpu_prepare(const char* problem_json, double max_buffer_bytes) {
  try {
    const attn::Problem problem = attn::parse_problem_text(problem_json);
    try {
      compute::check_gpu_fits(problem,
                              max_buffer_bytes);  // before any projection: refuse early, with the bytes
    } catch (
        const attn::ProblemError& e) {  // valid, but not for this GPU: the caller may fall back to the CPU
      attn::Json err = attn::error_json(e.what());
      err["gpu_limit"] = true;
      return dup_json(err);
    }
    attn::RunOptions budget = compute::default_options();
    budget.weights = false;  // the GPU's inputs and output here; the weights are counted when asked for
    budget.json = 1;
    budget.gpu = true;
    attn::check_budget(problem, budget);
    const bool weights_fit =
        attn::estimate_budget(problem, budget).bytes + attn::gpu_weights_bytes(problem, true) <=
        budget.max_bytes;
    auto job = std::make_unique<compute::F32Job>(compute::prepare_f32_job(problem));
    const compute::F32Job& j = *job;
    attn::Json out = {{"id", g_next_id},
                      {"L", j.L},
                      {"S", j.S},
                      {"d", j.d},
                      {"dv", j.dv},
                      {"h", j.h},
                      {"g", j.g},
                      {"mask_kind", j.mask_kind},
                      {"window", j.window},
                      {"valid_len", j.valid_len},
                      {"multiplier", j.multiplier},
                      {"score_bytes", compute::score_matrix_bytes(j.problem)},
                      {"weights_fit", weights_fit},  // the 3-pass path's weights fit WebAssembly memory
                      {"variant", attn::variant_name(j.problem.variant)},
                      {"q", span(j.q)},
                      {"k", span(j.k)},
                      {"v", span(j.v)},
                      {"allowed", span(j.allowed)},
                      {"out", span(j.out)}};
    g_jobs[g_next_id++] = std::move(job);
    return dup_json(out);
  } catch (const attn::ProblemError& e) {
    return dup_json(attn::error_json(e.what()));
  } catch (const std::bad_alloc&) {
    return dup_json(attn::error_json("memory: the problem does not fit in the browser's WebAssembly memory"));
  }
}

EMSCRIPTEN_KEEPALIVE char* attnlab_gpu_outputs(int id, const char* path, int trace) {
  compute::F32Job* job = find(id);
  if (!job) return dup_json(attn::error_json("gpu: unknown job"));
  try {
    compute::allocate_outputs(*job, path, trace != 0);
  } catch (const std::bad_alloc&) {
    return dup_json(attn::error_json("memory: no room for the GPU results in WebAssembly memory"));
  }
  attn::Json out = {{"out", span(job->out)}};
  if (!job->weights.empty()) out["weights"] = span(job->weights);
  if (!job->scores.empty()) out["scores"] = span(job->scores);
  if (!job->lse.empty()) out["lse"] = span(job->lse);
  return dup_json(out);
}

EMSCRIPTEN_KEEPALIVE char* attnlab_gpu_finish(int id, const char* path, double gpu_ms, const char* timer,
                                              double wall_ms, int trace) {
  compute::F32Job* job = find(id);
  if (!job) return dup_json(attn::error_json("gpu: unknown job"));
  char* out = nullptr;
  try {
    attn::Result r = compute::finish_f32_job(*job, path);
    r.stats.gpu_time_ms = gpu_ms;
    r.stats.gpu_timer = timer;
    r.stats.time_ms = wall_ms;
    out = dup_json(attn::result_to_json(r, job->problem, trace != 0));
  } catch (const std::exception& e) {
    out = dup_json(attn::error_json(std::string("memory: ") + e.what()));
  }
  g_jobs.erase(id);
  return out;
}

EMSCRIPTEN_KEEPALIVE void attnlab_gpu_cancel(int id) { g_jobs.erase(id); }

}  // extern "C"

#endif  // __EMSCRIPTEN__
