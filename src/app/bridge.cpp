// The page's one door into C++ (browser build): attnlab_call(name, args, payload) answers through
// app::bridge_call (bridge_core.cpp: the commands every build has, tested natively) with the page's own
// commands added here: its input (page_input.cpp), what the frame drew (layout), the model files it read, the
// long-sequence map it made. web/bridge.js's cmd() is the other side.
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <imgui.h>

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "app/bridge_core.h"
#include "app/page_input.h"
#include "attn/text.h"
#include "compute/cpu_backend.h"
#include "compute/gpu_jobs.h"
#include "model/model_json.h"
#include "ui/layout.h"

namespace {

using attn::Json;

// Where the CPU path runs: this build ("threads": pthreads, "single") and the threads it uses, with the
// sentence the Performance view says about it.
Json cpu(state::AppState& s, const Json&, std::string_view) {
#ifdef __EMSCRIPTEN_PTHREADS__
  const char* build = "threads";
#else
  const char* build = "single";
#endif
  return Json{{"build", build}, {"threads", compute::cpu_threads()}, {"says", state::say(s, s.platform.cpu)}};
}
Json layout(state::AppState& s, const Json&, std::string_view) { return ui::layout_json(s); }
// A GPT-2's files, read by the page and never uploaded (the weights are the payload); the app keeps the
// model it had when this one fails.
Json open_model(state::AppState& s, const Json& a, std::string_view weights) {
  const std::string name = app::arg_text(a, "name");
  const std::string config = app::arg_text(a, "config"), vocab = app::arg_text(a, "vocab"),
                    merges = app::arg_text(a, "merges"),
                    readme = app::arg_text(a, "readme");  // (Gpt2Files holds views into these)
  const model::Gpt2Files files{config, weights, vocab, merges, readme};
  state::open_model(
      s, std::make_shared<const model::Gpt2>(model::load_gpt2(files, name, platform::model_limit_bytes())));
  s.notice = attn::Message{
      "notice.model_opened_page",
      {attn::text_arg("name", attn::printable(name)), attn::words_arg("card", state::model_card(*s.model))}};
  return Json::object();
}

// The Long sequences panel's run came back: the map (payload: h×M×M f32, head 0 shown) and the job whose
// lse the page wrote; the exact row is computed here, then the job is gone.
Json overview_done(state::AppState& s, const Json& a, std::string_view map) {
  const int id = static_cast<int>(app::arg_number(a, "id")), M = static_cast<int>(app::arg_number(a, "size"));
  struct Cancel {
    int id;
    ~Cancel() { compute::gpu_cancel(id); }
  } cancel{id};
  state::Overview& ov = s.overview;
  ov.running = false;
  if (ov.running_n > 0)
    ov.seconds_per_n2 = (ImGui::GetTime() - ov.started) / (double(ov.running_n) * ov.running_n);
  const compute::F32Job& job = compute::gpu_job(id);
  if (M < 1 || map.size() < sizeof(float) * M * M)
    throw attn::ProblemError("map: expected " + std::to_string(M) + "×" + std::to_string(M) + " floats");
  ov.map.resize(M, M);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < M; ++j) {
      float x;
      std::memcpy(&x, map.data() + sizeof(float) * (static_cast<size_t>(i) * M + j), sizeof x);
      ov.map(i, j) = x;
    }
  const int row = static_cast<int>(app::arg_number(a, "row"));
  ov.row_weights = compute::exact_row_weights(job, 0, row);
  ov.shown_row = row;
  ov.status = attn::Message{
      "status.overview_done",
      {attn::count_arg("n", job.L), attn::fixed_arg("flash_ms", app::arg_number(a, "flash_ms"), 1),
       attn::text_arg("timer", attn::printable(app::arg_text(a, "timer"))), attn::count_arg("m", M),
       attn::fixed_arg("map_ms", app::arg_number(a, "map_ms"), 1), attn::count_arg("l", job.L),
       attn::count_arg("s", job.S), attn::fixed_arg("mib", 4.0 * job.L * job.S / 1048576, 0)}};
  return Json::object();
}

// (page_input.cpp's commands take no state: they feed ImGui's input queue)
template <Json (*F)(const Json&, std::string_view)>
Json page(state::AppState&, const Json& a, std::string_view payload) {
  return F(a, payload);
}

const std::vector<app::BridgeEntry> kPageHandlers = {
    {"cpu", cpu},
    {"layout", layout},
    {"open_model", open_model},
    {"overview_done", overview_done},
    {"pointer",
     page<app::page_pointer>},  // (app/page_input.cpp: touches, the on-screen keyboard, the clipboard)
    {"text", page<app::page_text>},
    {"key", page<app::page_key>},
    {"clipboard", page<app::page_clipboard>},
};

}  // namespace

extern "C" {
// name: a command; args: JSON text (an object); payload: length bytes (may be null when 0). Returns malloc'd
// JSON text the page frees, or null when memory is full.
EMSCRIPTEN_KEEPALIVE char* attnlab_call(const char* name, const char* args, const char* payload,
                                        double length) {
  Json out =
      app::bridge_call(the_app().state, name, args ? args : "",
                       std::string_view(payload ? payload : "", static_cast<size_t>(length)), kPageHandlers);
  try {
    return compute::malloc_copy(attn::dump_json(out));
  } catch (const std::bad_alloc&) {
    return compute::malloc_copy(attn::dump_json(attn::error_json("memory: the answer does not fit as JSON")));
  }
}
}

#endif  // __EMSCRIPTEN__
