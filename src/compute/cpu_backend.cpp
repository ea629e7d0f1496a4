// CPU backend and the shared JSON entry point (see cpu_backend.h).
#include "compute/cpu_backend.h"

#include "compute/f32_job.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <thread>
#include <vector>

#ifdef __EMSCRIPTEN_PTHREADS__
#include <emscripten/threading.h>
#endif

#include "attn/budget.h"

namespace compute {

attn::Result run_cpu(const attn::Problem& p, const attn::RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  attn::Result r;
  if (options.weights) {
    r = attn::run(p, options);
  } else {
    attn::validate(p);
    attn::check_range(p, attn::Precision::F32);  // (this path computes in f32 whatever the precision)
    attn::check_budget(p, options);
    F32Job job = prepare_f32_job(p, options.threads);
    if (p.variant == attn::Variant::Linear) {
      run_linear(job);
      r = finish_f32_job(job, "linear", "cpu");
    } else {
      run_fast(job, options.threads);
      r = finish_f32_job(job, "fast", "cpu", options.threads);
    }
    attn::check_overflow(r, p);  // (f32: a problem of f64 precision can overflow here)
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

int cpu_threads() {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  return 1;  // the single-thread web build: the page is not cross-origin isolated (web/attnlab.js)
#elif defined(__EMSCRIPTEN__)
  return std::clamp(emscripten_num_logical_cores(), 1, kMaxThreads);  // = the worker pool + the page's thread
#else
  return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, kMaxThreads);
#endif
}

attn::RunOptions default_options() {
  attn::RunOptions o;
  o.threads = cpu_threads();
#ifdef __EMSCRIPTEN__
  // The browser: the page must stay responsive (WebAssembly runs 2–4× slower than native), and one call's
  // buffers stay at a quarter of the tab's 4 GiB of WebAssembly memory, leaving room for the app itself.
  o.max_operations = 2e9;
#endif
  return o;
}

JsonRun run_json(const std::string& problem_text, const std::string& backend, bool with_trace,
                 const attn::RunOptions& options, const attn::MatrixWriter& write) {
  JsonRun out;
  try {
    if (backend != "cpu") throw attn::ProblemError("backend: unknown \"" + backend + "\" here (known: cpu)");
    std::vector<std::string> notes;
    const attn::Problem p = attn::parse_problem_text(problem_text, &notes);
    attn::RunOptions o = options;
    o.json = with_trace ? 2 : 1;
    attn::Result r = run_cpu(p, o);
    for (const std::string& n : notes) r.stats.notice += (r.stats.notice.empty() ? "" : "; ") + n;
    out.json = attn::result_to_json(r, p, with_trace, write);
    out.ok = true;
  } catch (const attn::ProblemError& e) {
    out.json = attn::error_json(e.what());
  } catch (const std::bad_alloc&) {
    out.json = attn::error_json("memory: the problem does not fit in the memory available here");
  } catch (const std::exception& e) {
    out.json = attn::error_json(std::string("internal error: ") + e.what());
    out.internal = true;
  }
  return out;
}

}  // namespace compute
