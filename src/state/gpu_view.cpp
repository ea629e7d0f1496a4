// The step view's WebGPU numbers (GpuView in app_state.h): accepting an asynchronous result, discarding one
// whose problem changed meanwhile, and comparing it with the CPU trace; the Long sequences panel's problem.
// Tests: AppState.GpuView*.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>

#include "attn/json_read.h"
#include "state/app_state.h"

namespace state {

namespace {

// A Result JSON matrix; null (a blocked score, −∞) reads as −∞.
attn::MatD matrix_with_blocked(const attn::Json& j) {
  if (!j.is_array() || j.empty() || !j[0].is_array()) return {};
  attn::MatD m(static_cast<Eigen::Index>(j.size()), static_cast<Eigen::Index>(j[0].size()));
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    const attn::Json& row = j[static_cast<size_t>(i)];
    if (!row.is_array() || static_cast<Eigen::Index>(row.size()) != m.cols()) return {};
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
      const attn::Json& x = row[static_cast<size_t>(c)];
      m(i, c) = x.is_number() ? x.get<double>() : -std::numeric_limits<double>::infinity();
    }
  }
  return m;
}

// A difference as %.1e ("1.2e-07"), in the app's language's decimal sign.
attn::MessageArg sci_arg(const char* name, double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1e", x);
  return attn::math_arg(name, buf);
}

}  // namespace

// −1 when the two cannot be compared (a missing matrix or another shape).
double max_abs_diff(const attn::MatD& a, const attn::MatD& b) {
  if (a.size() == 0 || a.rows() != b.rows() || a.cols() != b.cols()) return -1;
  return (a - b).cwiseAbs().maxCoeff();
}

void accept_gpu_view(AppState& s, int version, const attn::Json& result, const attn::Message& path_why) {
  GpuView& g = s.update_derived().gpu;
  if (g.in_flight == version) g.in_flight = -1;
  if (version !=
      s.derived().result_version) {  // the learner changed the problem while the GPU worked: drop it
    ++g.discarded;
    return;
  }
  g.version = version;
  g.heads.clear();
  g.max_diff = -1;
  g.gpu_ms = -1;
  g.path.clear();
  if (!result.is_object() || result.contains("error")) {
    const std::string why = result.is_object() ? attn::string_field(result, "error") : "";
    g.status = why.empty() ? attn::Message{"gpu.failed_no_result", {}}
                           : attn::Message{"gpu.failed", {attn::text_arg("why", why)}};
    return;
  }
  const attn::Json st =
      result.contains("stats") && result["stats"].is_object() ? result["stats"] : attn::Json::object();
  if (attn::string_field(st, "backend") != "webgpu") {
    const std::string notice = attn::string_field(st, "notice");
    g.status = notice.empty() ? attn::Message{"gpu.not_run", {}}
                              : attn::Message{"gpu.fell_back", {attn::text_arg("notice", notice)}};
    return;
  }
  const attn::Json trace =
      result.contains("trace") && result["trace"].is_array() ? result["trace"] : attn::Json::array();
  double worst = -1;
  bool weights = true;
  for (size_t i = 0; i < trace.size(); ++i) {
    GpuView::Head h{matrix_with_blocked(trace[i].value("masked", attn::Json())),
                    matrix_with_blocked(trace[i].value("weights", attn::Json())),
                    matrix_with_blocked(trace[i].value("output", attn::Json()))};
    weights = weights && h.weights.size() != 0;
    if (i < s.derived().result.heads.size()) {
      worst = std::max(worst, max_abs_diff(h.weights, s.derived().result.heads[i].weights));
      worst = std::max(worst, max_abs_diff(h.output, s.derived().result.heads[i].output));
    }
    g.heads.push_back(std::move(h));
  }
  g.max_diff = worst;
  g.path = attn::string_field(st, "path");
  g.gpu_ms =
      st.contains("gpu_time_ms") && st["gpu_time_ms"].is_number() ? st["gpu_time_ms"].get<double>() : -1;
  if (trace.empty() || worst < 0)
    g.status = attn::Message{"gpu.nothing_comparable", {attn::text_arg("path", g.path)}};
  else if (!weights)  // the flash path never forms the weights: only the outputs can be compared
    g.status = attn::Message{"gpu.outputs_only", {attn::text_arg("path", g.path), sci_arg("diff", worst)}};
  else
    g.status = attn::Message{
        "gpu.compared",
        {attn::text_arg("path", g.path), attn::fixed_arg("ms", g.gpu_ms, 2), sci_arg("diff", worst)}};
  const std::string notice = attn::string_field(st, "notice");  // (English: the JSON API's)
  if (!path_why.id.empty())
    g.status = {"gpu.with_notice",
                {attn::words_arg("status", std::move(g.status)), attn::words_arg("notice", path_why)}};
  else if (!notice.empty())
    g.status = {"gpu.with_notice",
                {attn::words_arg("status", std::move(g.status)), attn::text_arg("notice", notice)}};
}

const GpuView::Head* gpu_head(const AppState& s) {
  if (s.view.backend != Backend::WebGpu || s.derived().gpu.version != s.derived().result_version)
    return nullptr;
  const size_t h = static_cast<size_t>(std::max(0, s.view.head));
  if (h >= s.derived().gpu.heads.size() || s.derived().gpu.heads[h].weights.size() == 0) return nullptr;
  return &s.derived().gpu.heads[h];
}

}  // namespace state

namespace state {

attn::Problem overview_problem(const Overview& ov) {
  attn::Problem p;
  p.form = attn::Problem::Form::Random;
  p.random = {1, ov.n, 64, 1, 1};
  const OverviewMask& m =
      kOverviewMasks[std::clamp(ov.mask, 0, static_cast<int>(std::size(kOverviewMasks)) - 1)];
  p.mask.kind = m.kind;
  p.mask.window = m.window;
  return p;
}

}  // namespace state
