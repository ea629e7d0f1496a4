// The page's door into C++, the part every build compiles (so core tests call it natively): bridge_call runs
// the named handler of kHandlers, or of the page's own table (bridge.cpp: input, layout, files), with JSON
// arguments and an optional byte payload, and answers JSON, {"error": "…"} when it could not. Orchestration
// lives here, not in JS: the GPU path's notice, the WebGPU sweep, the GPU check's comparison, the
// long-sequence row. Tests: tests/core/test_bridge.cpp (Bridge.*).
#include "app/bridge_core.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <vector>

#include "app/derive.h"
#include "attn/budget.h"
#include "attn/format.h"
#include "attn/json_text.h"
#include "attn/text.h"
#include "compute/cpu_backend.h"
#include "compute/gpu_jobs.h"
#include "model/model_json.h"
#include "state/handout.h"
#include "state/share.h"

namespace app {

namespace {

using attn::Json;

std::string str(const Json& args, const char* key) { return attn::string_field(args, key); }
double num(const Json& args, const char* key, double fallback = 0) {
  return args.contains(key) && args[key].is_number() ? args[key].get<double>() : fallback;
}
bool flag(const Json& args, const char* key) {
  return args.contains(key) && args[key].is_boolean() && args[key].get<bool>();
}
std::string sci(double x) {  // 1.23e-7, as JavaScript writes it
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", x);
  std::string s = buf;
  const size_t e = s.find('e');
  if (e != std::string::npos && e + 2 < s.size() && s[e + 2] == '0') s.erase(e + 2, 1);
  return s;
}
std::string text(std::string_view payload) { return std::string(payload); }

// A Result's matrices cross as binary, not JSON text: each becomes {"$f64": [offset, rows, cols]} into one
// block of f64s the answer names as "$blob": [pointer, length]; attnlab.js copies it out at once and puts the
// nested arrays back (non-finite → null, as JSON says them), then says "release". Every call frees the block.
std::vector<double>& blob() {
  static std::vector<double> b;
  return b;
}
Json binary_matrix(const attn::MatD& m) {
  std::vector<double>& b = blob();
  const size_t at = b.size();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index c = 0; c < m.cols(); ++c) b.push_back(m(i, c));
  return Json{{"$f64", {at, m.rows(), m.cols()}}};
}
Json with_blob(Json out) {
  if (out.is_object() && out.contains("error")) blob().clear();  // (an answer that failed part-way)
  if (out.is_object() && !out.contains("error"))
    out["$blob"] = Json::array({reinterpret_cast<std::uintptr_t>(blob().data()), blob().size()});
  return out;
}

// --- problems and state ------------------------------------------------------------------------------------
Json run(state::AppState&, const Json& a, std::string_view payload) {
  attn::RunOptions options = compute::default_options();
  options.weights = !a.contains("weights") || a["weights"] != false;
  // (fewer threads than this build may use, never more: a browser's worker pool has no more)
  options.threads =
      static_cast<int>(std::clamp(num(a, "threads", options.threads), 1.0, 1.0 * options.threads));
  Json out =
      compute::run_json(text(payload), "cpu", flag(a, "trace") && options.weights, options, binary_matrix)
          .json;
  // {gpu_failed: why}: the page asked for WebGPU, it failed, and the CPU computed instead; the Result says
  // so.
  const std::string gpu_failed = str(a, "gpu_failed");
  if (!gpu_failed.empty() && out.contains("stats") && out["stats"].is_object()) {
    const std::string said =
        "WebGPU failed (" + attn::printable(gpu_failed) + "); computed on the CPU instead";
    const std::string before = attn::string_field(out["stats"], "notice");
    out["stats"]["notice"] = before.empty() ? said : said + "; " + before;
  }
  return with_blob(std::move(out));
}
// {reason}: why the page runs the one-thread build (web/attnlab.js finds out): the Performance view says it.
Json cpu_reason(state::AppState& s, const Json& a, std::string_view) {
  const std::string reason = str(a, "reason");
  for (const char* known : {"not_isolated", "no_shared_memory", "no_shared_wasm"})
    if (reason == known) {
      s.platform.cpu = attn::Message{std::string("perf.cpu.") + known, {}};
      return Json::object();
    }
  return attn::error_json("reason: \"" + attn::printable(reason) + "\" is not one the page knows");
}
Json get_state(state::AppState& s, const Json&, std::string_view) { return state::state_to_json(s); }
// The Result the app is showing (computed by the same core as run), never a stale one.
Json get_result(state::AppState& s, const Json& a, std::string_view) {
  recompute_if_dirty(s);
  if (!s.derived().error.empty()) return attn::error_json(s.derived().error);
  if (!s.derived().has_result) return attn::error_json("no result yet");
  attn::RunOptions with = compute::default_options(), without = with;
  with.json = flag(a, "trace") ? 2 : 1;
  const double json =
      attn::estimate_budget(s.problem(), with).bytes - attn::estimate_budget(s.problem(), without).bytes;
  if (json > with.max_bytes)
    return attn::error_json("result: as JSON it would need " + attn::human_bytes(json) +
                            "; the limit here is " + attn::human_bytes(with.max_bytes) +
                            ". Ask for less (no trace), or run it output-only with "
                            "attnlab.run(problem, {weights: false}).");
  return with_blob(attn::result_to_json(s.derived().result, s.problem(), flag(a, "trace"), binary_matrix));
}
// On error the state is unchanged.
Json set_state(state::AppState& s, const Json&, std::string_view payload) {
  state::state_from_text(s, payload);
  recompute_if_dirty(s);
  return Json::object();
}
// The state as short as it can be said, as the text a link carries.
Json link_state(state::AppState& s, const Json&, std::string_view) {
  return attn::dump_json(state::link_state(s));
}
// The page's address when it holds #state=… (on load and on every hash change); a notice says what is wrong.
Json open_link(state::AppState& s, const Json&, std::string_view payload) {
  bool ok = false;
  try {
    ok = state::open_shared(s, text(payload));
    recompute_if_dirty(s);
  } catch (const std::exception& e) {  // (a bug; the notice says so rather than a silent failure)
    s.notice =
        attn::Message{"notice.link_internal_error", {attn::text_arg("error", attn::printable(e.what()))}};
  }
  return Json{{"opened", ok}};
}
Json notice(state::AppState& s, const Json&, std::string_view) {
  return Json{{"notice", state::notice_text(s)}};
}
// {id, args: {name: text or count}}: a notice the page raises, said in the app's language.
Json set_notice(state::AppState& s, const Json& a, std::string_view) {
  std::vector<attn::MessageArg> args;
  if (a.contains("args") && a["args"].is_object())
    for (auto it = a["args"].begin(); it != a["args"].end(); ++it)
      args.push_back(it->is_number()
                         ? attn::count_arg(it.key(), it->get<double>())
                         : attn::text_arg(it.key(), it->is_string() ? it->get<std::string>() : ""));
  s.notice = attn::Message{str(a, "id"), std::move(args)};
  return Json::object();
}
Json set_reduced_motion(state::AppState& s, const Json& a, std::string_view) {
  s.platform.reduced_motion = flag(a, "on");
  if (flag(a, "on")) s.playing = false;
  return Json::object();
}
// What the Performance panel's buttons and the Share menu ask for.
Json request(state::AppState& s, const Json& a, std::string_view) {
  const std::string what = str(a, "what");
  bool* asked = what == "measure"     ? &s.jobs.perf_requested
                : what == "gpu_check" ? &s.jobs.gpu_check_requested
                : what == "share"     ? &s.jobs.share_requested
                                      : nullptr;
  if (!asked)
    return attn::error_json("what: unknown \"" + attn::printable(what) +
                            "\" (known: measure, gpu_check, share)");
  *asked = true;
  return Json::object();
}
// --- lessons, handouts, models -------------------------------------------------------------------------
Json lessons(state::AppState& s, const Json&, std::string_view) {
  Json out = Json::array();
  for (const state::Lesson& l : s.lessons) {
    Json pages = Json::array();
    for (const state::LessonPage& p : l.pages) pages.push_back(p.title);
    out.push_back({{"id", l.id}, {"title", l.title}, {"audience", l.audience}, {"pages", std::move(pages)}});
  }
  return out;
}
// A handout after the next frame (kind: a kHandouts id).
Json request_handout(state::AppState& s, const Json& a, std::string_view) {
  const std::string kind = str(a, "kind");
  for (int k = 0; k < state::kHandoutCount; ++k)
    if (kind == state::kHandouts[k].id) {
      s.jobs.handout = {k, static_cast<int>(num(a, "matrix"))};
      return Json::object();
    }
  std::string known;
  for (const state::HandoutInfo& h : state::kHandouts)
    known += (known.empty() ? "" : ", ") + std::string(h.id);
  return attn::error_json("kind: unknown \"" + attn::printable(kind) + "\" (known: " + known + ")");
}
Json handout_matrices(state::AppState& s, const Json&, std::string_view) {
  Json names = Json::array();
  try {
    for (const attn::NamedMatrix& m : state::shown_matrices(s)) names.push_back(m.name);
  } catch (const attn::ProblemError&) {
  }
  return names;
}
Json describe_model(state::AppState& s, const Json&, std::string_view) {
  return s.model ? model::describe_model(*s.model) : Json();
}
Json run_model(state::AppState& s, const Json&, std::string_view payload) {
  if (!s.model) throw attn::ProblemError("model: none is open");
  const model::ModelRequest r = model::parse_model_request(attn::parse_json_text(text(payload)));
  return model::run_model_json(*s.model, r, compute::default_options().max_bytes, model::kBackwardPage);
}
Json explain(state::AppState& s, const Json&, std::string_view payload) {
  if (!s.model) throw attn::ProblemError("model: none is open");
  return model::explain_request(*s.model, attn::parse_json_text(text(payload)),
                                compute::default_options().max_bytes, model::kBackwardPage);
}
Json patch(state::AppState& s, const Json&, std::string_view payload) {
  if (!s.model) throw attn::ProblemError("model: none is open");
  return model::patch_request(*s.model, attn::parse_json_text(text(payload)), model::kPatchPage);
}
// --- WebGPU jobs ---------------------------------------------------------------------------------------
// {app: true}: the problem on screen (the header says its result_version); else the payload's problem text.
Json gpu_prepare(state::AppState& s, const Json& a, std::string_view payload) {
  if (!flag(a, "app"))
    return compute::gpu_prepare(attn::parse_problem_text(text(payload)), num(a, "max_buffer_bytes"));
  recompute_if_dirty(s);
  Json header = compute::gpu_prepare(s.problem(), num(a, "max_buffer_bytes"));
  header["version"] = s.derived().result_version;
  return header;
}
Json gpu_outputs(state::AppState&, const Json& a, std::string_view) {
  return compute::gpu_outputs(static_cast<int>(num(a, "id")), str(a, "path"), flag(a, "trace"));
}
Json gpu_cancel(state::AppState&, const Json& a, std::string_view) {
  compute::gpu_cancel(static_cast<int>(num(a, "id")));
  return Json::object();
}
// attnlab.overview()'s row and stats, from a finished flash job: {row_weights (exact, from q, k and the row's
// lse), stats: {L, S, size, block_rows, block_cols, flash_gpu_ms, gpu_timer, map_ms?}}.
Json gpu_row(state::AppState&, const Json& a, std::string_view) {
  const compute::F32Job& job = compute::gpu_job(static_cast<int>(num(a, "id")));
  const int M = static_cast<int>(num(a, "size"));
  if (M < 1) throw attn::ProblemError("size: the map needs at least one block per side");
  Json stats = {{"L", job.L},
                {"S", job.S},
                {"size", M},
                {"block_rows", (job.L + M - 1) / M},
                {"block_cols", (job.S + M - 1) / M},
                {"flash_gpu_ms", num(a, "flash_ms")},
                {"gpu_timer", str(a, "timer")}};
  if (a.contains("map_ms") && a["map_ms"].is_number()) stats["map_ms"] = a["map_ms"];
  return Json{{"row_weights", compute::exact_row_weights(job, static_cast<int>(num(a, "head")),
                                                         static_cast<int>(num(a, "row")))},
              {"stats", std::move(stats)}};
}
// The largest |a − b| over the outputs and every head's weights (−1 when the shapes differ).
double max_diff(const attn::Result& a, const attn::Result& b) {
  double worst = state::max_abs_diff(a.output, b.output);
  if (worst < 0 || a.heads.size() != b.heads.size()) return -1;
  for (size_t i = 0; i < a.heads.size(); ++i) {
    const double d = state::max_abs_diff(a.heads[i].weights, b.heads[i].weights);
    if (d < 0) return -1;
    worst = std::max(worst, d);
  }
  return worst;
}
// auto: the page asked for the path C++ chose (the notice then says why, when a limit chose it).
// for: "run" answers the Result; "view" hands it to the step view (result_version `version`); "check"
// compares it with the CPU result on screen and writes the Performance panel's report.
Json gpu_finish(state::AppState& s, const Json& a, std::string_view) {
  attn::Problem p;
  const std::string path = str(a, "path"), purpose = str(a, "for");
  attn::Message why;  // (why "auto" chose this path, when a limit did)
  const attn::Result r = compute::gpu_finish(static_cast<int>(num(a, "id")), path, num(a, "gpu_ms"),
                                             str(a, "timer"), num(a, "wall_ms"), &p, &why, flag(a, "auto"));
  if (purpose == "view") {
    state::accept_gpu_view(s, static_cast<int>(num(a, "version")), attn::result_to_json(r, p, true), why);
    return Json::object();
  }
  if (purpose == "check") {
    recompute_if_dirty(s);
    if (static_cast<int>(num(a, "version")) != s.derived().result_version) {
      s.update_derived().gpu_report = attn::Message{"status.gpu_check_changed", {}};
      return Json::object();
    }
    const double worst = max_diff(r, s.derived().result);
    s.update_derived().gpu_report =
        worst < 0 ? attn::Message{"status.gpu_check_other", {}}
                  : attn::Message{
                        "status.gpu_check_done",
                        {attn::text_arg("path", r.stats.path), attn::text_arg("adapter", str(a, "adapter")),
                         attn::fixed_arg("ms", r.stats.gpu_time_ms, 2), attn::math_arg("diff", sci(worst))}};
    return Json::object();
  }
  return with_blob(attn::result_to_json(r, p, flag(a, "trace"), binary_matrix));
}
// A GPU run for the app failed: the view, the check or the overview says why.
Json gpu_failed(state::AppState& s, const Json& a, std::string_view) {
  const std::string purpose = str(a, "for"), why = str(a, "error");
  if (purpose == "view")
    state::accept_gpu_view(s, static_cast<int>(num(a, "version")), attn::error_json(why));
  if (purpose == "check")
    s.update_derived().gpu_report = attn::Message{"status.gpu_check_failed", {attn::text_arg("why", why)}};
  if (purpose == "overview")
    s.overview.running = false,
    s.overview.status = attn::Message{"status.overview_failed", {attn::text_arg("why", why)}};
  return Json::object();
}
// --- the Performance panel and the step view's GPU numbers ----------------------------------------------
// The Performance panel's WebGPU sweep, one run at a time: flash then 3-pass for n = 128 … 4096 (d = 64, one
// head), a series stopping once a run takes over 3 s. The page runs what this answers and reports its time.
Json perf_next(state::AppState& s, const Json& a, std::string_view) {
  static const char* kPaths[][2] = {{"flash", "perf.series.webgpu_flash"},
                                    {"3-pass", "perf.series.webgpu_3_pass"}};
  int& path = s.jobs.gpu_sweep.path;
  int& n = s.jobs.gpu_sweep.n;
  std::string& adapter = s.jobs.gpu_sweep.adapter;
  if ((a.contains("error") || a.contains("ms")) && path >= 2)
    throw attn::ProblemError("perf_next: no WebGPU sweep is under way");
  if (a.contains("unavailable")) {
    s.update_derived().perf_status =
        attn::Message{"status.perf_gpu_unavailable", {attn::text_arg("why", str(a, "unavailable"))}};
    return Json{{"done", true}};
  }
  if (a.contains("error")) {
    s.update_derived().perf_status =
        attn::Message{"status.perf_gpu_failed",
                      {attn::text_arg("path", kPaths[path][0]), attn::count_arg("n", n),
                       attn::text_arg("error", str(a, "error"))}};
    path = 2;  // (the sweep stops)
    return Json{{"done", true}};
  }
  if (a.contains("ms")) {
    const double ms = num(a, "ms");
    s.update_derived().perf.push_back(state::perf_point({kPaths[path][1], {}}, n, ms));
    n = ms > 3000 || n >= 4096 ? (++path, 128) : n * 2;
  } else {
    path = 0, n = 128, adapter = str(a, "adapter");
  }
  if (path >= 2) {
    s.update_derived().perf_status = attn::Message{"status.perf_done", {attn::text_arg("adapter", adapter)}};
    return Json{{"done", true}};
  }
  return Json{{"path", kPaths[path][0]},
              {"n", n},
              {"problem", {{"random", {{"seed", 1}, {"n", n}, {"d_model", 64}, {"num_heads", 1}}}}}};
}
Json performance(state::AppState& s, const Json&, std::string_view) {
  Json points = Json::array();
  for (const state::PerfPoint& p : s.derived().perf)
    points.push_back({{"series", p.series}, {"n", p.n}, {"ms", p.ms}});
  return Json{{"points", points},
              {"status", state::say(s, s.derived().perf_status)},
              {"gpu_report", state::say(s, s.derived().gpu_report)},
              {"overview", state::say(s, s.overview.status)}};
}
// What the step view shows from WebGPU.
Json gpu_view(state::AppState& s, const Json&, std::string_view) {
  const state::GpuView& g = s.derived().gpu;
  const char* now = s.view.backend == state::Backend::Cpu     ? "off"
                    : g.in_flight >= 0                        ? "running"
                    : g.version != s.derived().result_version ? "pending"
                    : state::gpu_head(s)                      ? "shown"
                                                              : "cpu";
  return Json{{"state", now},
              {"version", g.version},
              {"result_version", s.derived().result_version},
              {"discarded", g.discarded},
              {"max_diff", g.max_diff},
              {"path", g.path},
              {"gpu_time_ms", g.gpu_ms},
              {"status", state::say(s, g.status)}};
}

const BridgeEntry kHandlers[] = {
    {"run", run},
    {"release",
     [](state::AppState&, const Json&, std::string_view) { return Json::object(); }},  // (frees the blob)
    {"cpu_reason", cpu_reason},
    {"welcome",
     [](state::AppState& s, const Json&,
        std::string_view) {  // (a first visit: where to start, ui::panel_welcome)
       s.frame.welcome = state::FrameState::Welcome::Asked;
       return Json::object();
     }},
    {"get_state", get_state},
    {"get_result", get_result},
    {"set_state", set_state},
    {"link_state", link_state},
    {"open_link", open_link},
    {"notice", notice},
    {"set_notice", set_notice},
    {"set_reduced_motion", set_reduced_motion},
    {"request", request},
    {"lessons", lessons},
    {"request_handout", request_handout},
    {"handout_matrices", handout_matrices},
    {"model", describe_model},
    {"run_model", run_model},
    {"explain", explain},
    {"patch", patch},
    {"gpu_prepare", gpu_prepare},
    {"gpu_outputs", gpu_outputs},
    {"gpu_finish", gpu_finish},
    {"gpu_cancel", gpu_cancel},
    {"gpu_row", gpu_row},
    {"gpu_failed", gpu_failed},
    {"perf_next", perf_next},
    {"performance", performance},
    {"gpu_view", gpu_view},
};

}  // namespace

std::string arg_text(const Json& args, const char* key) { return str(args, key); }
double arg_number(const Json& args, const char* key, double fallback) { return num(args, key, fallback); }

Json bridge_call(state::AppState& s, std::string_view name, std::string_view args, std::string_view payload,
                 const std::vector<BridgeEntry>& page) {
  std::vector<double>().swap(blob());  // (the last answer's matrices: the page has copied them)
  try {
    const BridgeHandler* handler = nullptr;
    for (const BridgeEntry& e : page)
      if (name == e.name) handler = &e.handler;
    for (const BridgeEntry& e : kHandlers)
      if (!handler && name == e.name) handler = &e.handler;
    if (!handler) throw attn::ProblemError("bridge: unknown command \"" + attn::printable(name) + "\"");
    const Json a = attn::parse_json_text(args);
    return (*handler)(s, a.is_object() ? a : Json::object(), payload);
  } catch (const std::bad_alloc&) {
    blob().clear();
    return attn::error_json("memory: this does not fit in the browser's WebAssembly memory");
  } catch (const std::exception& e) {
    blob().clear();
    return attn::error_json(attn::valid_utf8(e.what()));
  }
}

}  // namespace app
