// CPU backend and the shared JSON entry point (see cpu_backend.h).
#include "compute/cpu_backend.h"

#include "compute/f32_job.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>

namespace compute {

attn::Result run_cpu(const attn::Problem& p, const attn::RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  attn::Result r;
  if (options.weights) {
    r = attn::run(p, options);
  } else {
    F32Job job = prepare_f32_job(p);
    if (p.variant == attn::Variant::Linear) {
      run_linear(job);
      r = finish_f32_job(job, "linear", "cpu");
    } else {
      run_fast(job, options.threads);
      r = finish_f32_job(job, "fast", "cpu");
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  r.stats.time_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  r.stats.backend = "cpu";
  return r;
}

char* malloc_copy(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

JsonRun run_json(const std::string& problem_text, const std::string& backend, bool with_trace,
                 const attn::RunOptions& options) {
  JsonRun out;
  try {
    if (backend != "cpu") throw attn::ProblemError("backend: unknown \"" + backend + "\" here (known: cpu)");
    const attn::Problem p = attn::parse_problem_text(problem_text);
    const attn::Result r = run_cpu(p, options);
    out.json = attn::result_to_json(r, p, with_trace);
    out.ok = true;
  } catch (const attn::ProblemError& e) {
    out.json = attn::error_json(e.what());
  } catch (const std::bad_alloc&) {
    out.json = attn::error_json("memory: the problem does not fit in the memory available here");
  } catch (const std::exception& e) {
    out.json = attn::error_json(std::string("internal error: ") + e.what());
  }
  return out;
}

}  // namespace compute
