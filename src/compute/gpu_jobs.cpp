// The WebGPU backend's jobs between the page's calls (see gpu_jobs.h).
#include "compute/gpu_jobs.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>

#include "attn/budget.h"
#include "attn/format.h"
#include "compute/cpu_backend.h"

namespace compute {

namespace {

// A prepared job and the path "auto" runs for it (with why, when that is not the 3-pass path).
struct Job {
  F32Job f32;
  GpuPath chosen;
};
std::map<int, std::unique_ptr<Job>> g_jobs;
int g_next_id = 1;

template <typename T>
attn::Json span(const std::vector<T>& v) {
  return attn::Json::array({reinterpret_cast<std::uintptr_t>(v.data()), v.size()});
}

Job& find(int id) {
  auto it = g_jobs.find(id);
  if (it == g_jobs.end()) throw attn::ProblemError("gpu: unknown job " + std::to_string(id));
  return *it->second;
}

}  // namespace

GpuPath choose_gpu_path(const attn::Problem& p, double max_buffer_bytes, bool weights_fit) {
  if (p.variant == attn::Variant::Flash) return {"flash", {}};
  const double cap = std::min(max_buffer_bytes, kScoreBufferCap), bytes = score_matrix_bytes(p);
  const std::string shape =
      std::to_string(p.heads()) + "×" + std::to_string(p.query_len()) + "×" + std::to_string(p.key_len());
  if (bytes > cap)
    return {"flash",
            {"gpu.path.score_matrix",
             {attn::text_arg("shape", shape), attn::math_arg("bytes", attn::human_bytes(bytes)),
              attn::math_arg("cap", attn::human_bytes(cap))}}};
  if (!weights_fit) return {"flash", {"gpu.path.weights_memory", {attn::text_arg("shape", shape)}}};
  return {"3-pass", {}};
}

attn::Json gpu_prepare(const attn::Problem& problem, double max_buffer_bytes) {
  try {
    check_gpu_fits(problem, max_buffer_bytes);  // before any projection: refuse early, with the bytes
  } catch (const attn::ProblemError& e) {       // valid, but not for this GPU: the caller may use the CPU
    attn::Json err = attn::error_json(e.what());
    err["gpu_limit"] = true;
    return err;
  }
  attn::RunOptions budget = default_options();
  budget.weights = false;  // the GPU's inputs and output here; the weights are counted when asked for
  budget.json = 1;
  budget.gpu = true;
  attn::check_budget(problem, budget);
  const bool weights_fit =
      attn::estimate_budget(problem, budget).bytes + attn::gpu_weights_bytes(problem, true) <=
      budget.max_bytes;
  auto job = std::make_unique<Job>(Job{prepare_f32_job(problem), {}});
  const F32Job& j = job->f32;
  const GpuPath& chosen = job->chosen = choose_gpu_path(j.problem, max_buffer_bytes, weights_fit);
  attn::Json out = {
      {"id", g_next_id},
      {"L", j.L},
      {"S", j.S},
      {"d", j.d},
      {"dv", j.dv},
      {"h", j.h},
      {"g", j.g},
      {"score_bytes", score_matrix_bytes(j.problem)},
      {"weights_fit", weights_fit},  // the 3-pass path's weights fit WebAssembly memory
      {"variant", attn::variant_name(j.problem.variant)},
      {"path", chosen.path},
      {"params", attn::Json::array({reinterpret_cast<std::uintptr_t>(&j.params), sizeof j.params})},
      {"q", span(j.q)},
      {"k", span(j.k)},
      {"v", span(j.v)},
      {"allowed", span(j.allowed)},
      {"slopes", span(j.slopes)},
      {"out", span(j.out)}};
  if (!chosen.why.id.empty()) out["notice"] = attn::say(attn::english(), chosen.why);
  g_jobs[g_next_id++] = std::move(job);
  return out;
}

attn::Json gpu_outputs(int id, const std::string& path, bool trace) {
  F32Job& job = find(id).f32;
  allocate_outputs(job, path, trace);
  attn::Json out = {{"out", span(job.out)}};
  if (!job.weights.empty()) out["weights"] = span(job.weights);
  if (!job.scores.empty()) out["scores"] = span(job.scores);
  if (!job.lse.empty()) out["lse"] = span(job.lse);
  return out;
}

const F32Job& gpu_job(int id) { return find(id).f32; }

attn::Result gpu_finish(int id, const std::string& path, double gpu_ms, const std::string& timer,
                        double wall_ms, attn::Problem* problem, attn::Message* why, bool automatic) {
  const Job& found = find(id);
  const F32Job& job = found.f32;
  struct Erase {
    int id;
    ~Erase() { g_jobs.erase(id); }
  } erase{id};
  attn::Result r = finish_f32_job(job, path);
  r.stats.gpu_time_ms = gpu_ms;
  r.stats.gpu_timer = timer;
  r.stats.time_ms = wall_ms;
  if (problem) *problem = job.problem;
  if (automatic && path == found.chosen.path && !found.chosen.why.id.empty()) {
    r.stats.notice = attn::say(attn::english(), found.chosen.why);
    if (why) *why = found.chosen.why;
  }
  return r;
}

void gpu_cancel(int id) { g_jobs.erase(id); }

}  // namespace compute
