// Native vs browser: the only file with #ifdef __EMSCRIPTEN__ outside src/compute (see app.h).
// Browser: calls into the page (js_*: first frame, downloads, GPU runs; the page calls back through
// app/bridge.cpp) and the canvas-sized loop.
// Native: command line, font search, PNG screenshots for tests under Xvfb.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "app/app.h"
#include "attn/budget.h"
#include "attn/text.h"
#include "compute/cpu_backend.h"
#include "model/model_json.h"
#include "ui/layout.h"
#include "state/share.h"

#include <stb/stb_image_write.h>  // (implemented in state/handout.cpp)

namespace platform {

// Both builds: the CPU backend's name in the Performance legend, with its threads.
attn::Message cpu_series() {
#ifdef __EMSCRIPTEN__
  const char* id = "perf.backend.wasm";
#else
  const char* id = "perf.backend.native";
#endif
  return {id, {attn::count_arg("threads", compute::cpu_threads())}};
}

// Both builds: how many threads the CPU path has here and, with one, why (the Performance view says it).
attn::Message cpu_threads_message() {
  const int n = compute::cpu_threads();
  if (n > 1) return {"perf.cpu.threads", {attn::count_arg("threads", n)}};
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  return {"perf.cpu.not_isolated", {}};  // (web/attnlab.js loads this build only then)
#else
  return {"perf.cpu.one_core", {}};
#endif
}

// Both builds: the back buffer just drawn, as a PNG (WebGL keeps it readable until the frame is presented).
std::string view_png() {
  GLint viewport[4] = {0, 0, 0, 0};
  glGetIntegerv(GL_VIEWPORT, viewport);
  const int w = viewport[2], h = viewport[3];
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  for (size_t i = 3; i < px.size(); i += 4) px[i] = 255;  // (an opaque picture, whatever the canvas's alpha)
  std::string out;
  stbi_flip_vertically_on_write(1);
  stbi_write_png_to_func(
      [](void* ctx, void* data, int size) {
        static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size);
      },
      &out, w, h, 4, px.data(), w * 4);
  stbi_flip_vertically_on_write(0);
  return out;
}

}  // namespace platform

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/html5.h>

#include "app/page_input.h"

EM_JS(void, js_frame_drawn, (int n), {
  if (window.attnlab && window.attnlab._frameDrawn) window.attnlab._frameDrawn(n);
});

// Sizes the GLFW window (= the canvas drawing buffer) to w×h. Emscripten 3.1.6's glfwSetWindowSize asks for
// fullscreen whenever w×h equals the screen size (a maximised or F11 browser, every headless run), which
// browsers refuse without a click and which leaves the canvas unsized; this sets the size directly.
EM_JS(void, js_size_window, (int w, int h), {
  var win = GLFW.active;
  if (!win) return;
  win.width = w;
  win.height = h;
  Browser.setCanvasSize(w, h);
});

EM_JS(void, js_call_api, (const char* name), {
  const f = window.attnlab && window.attnlab[UTF8ToString(name)];
  if (f) f();
});

EM_JS(void, js_overview, (const char* params), {
  if (window.attnlab && window.attnlab._overviewRun) window.attnlab._overviewRun(UTF8ToString(params));
});

EM_JS(void, js_gpu_view, (int version), {
  if (window.attnlab && window.attnlab._gpuView) window.attnlab._gpuView(version);
});

// A handout as a download (attnlab.js keeps the last one for attnlab.lastHandout()).
EM_JS(void, js_download, (const char* name, const char* mime, const char* data, double size), {
  if (window.attnlab && window.attnlab._download)
    window.attnlab._download(UTF8ToString(name), UTF8ToString(mime), HEAPU8.slice(data, data + size));
});

EM_JS(void, js_handout_failed, (const char* why), {
  if (window.attnlab && window.attnlab._handoutFailed) window.attnlab._handoutFailed(UTF8ToString(why));
});

EM_JS(void, js_announce, (const char* json), {
  if (window.attnlab && window.attnlab._announce) window.attnlab._announce(JSON.parse(UTF8ToString(json)));
});

namespace {
// The canvas's backing store is its CSS size × devicePixelRatio, so every pixel is drawn (sharp on HiDPI
// screens; browser zoom changes the ratio and enlarges everything). Returns the ratio.
double size_backing_store() {
  double w = 0, h = 0;
  emscripten_get_element_css_size("#canvas", &w, &h);
  const double ratio = std::clamp(emscripten_get_device_pixel_ratio(), 0.25, 8.0);
  const int bw = static_cast<int>(std::lround(w * ratio)), bh = static_cast<int>(std::lround(h * ratio));
  int cw = 0, ch = 0;
  if (GLFWwindow* win = the_app().window) glfwGetWindowSize(win, &cw, &ch);
  if (w >= 1 && h >= 1 && (bw != cw || bh != ch)) js_size_window(bw, bh);
  return ratio;
}
EM_BOOL on_resize(int, const EmscriptenUiEvent*, void*) {
  size_backing_store();
  return EM_FALSE;
}
}  // namespace

namespace platform {

Options parse_args(int, char**) {
  Options o;
  double w = 0, h = 0;
  emscripten_get_element_css_size("#canvas", &w, &h);
  if (w > 0 && h > 0) o.width = static_cast<int>(w), o.height = static_cast<int>(h);
  return o;
}
std::string font_path() { return "/fonts/DejaVuSans.ttf"; }  // --preload-file'd into the virtual FS
std::string assets_dir() { return "/assets"; }
double model_limit_bytes() { return 1.5 * 1024 * 1024 * 1024; }  // (of 4 GiB; the file is held while loading)
const char* glsl_version() { return "#version 300 es"; }
void configure_context_hints() { glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API); }
void after_frame(App& app, const Options&) {
  js_frame_drawn(static_cast<int>(app.frame));
  app::report_text_input();  // (the page raises the on-screen keyboard for a text field)
  // Mirror what is on screen into the page (ARIA live region + table) when it changed.
  static std::string last;
  const std::string changed = state::mirror_if_changed(app.state, last);
  if (!changed.empty()) js_announce(changed.c_str());
}
void run_loop(void (*frame_fn)()) { emscripten_set_main_loop(frame_fn, 0, 1); }
void configure_platform(state::AppState& s) {
  s.platform.cpu = cpu_threads_message();
  s.platform.share_label = "status.share_link";  // (an id; links open through the address bar, not a menu)
  s.platform.model_file_picker = true;
  s.platform.handout_downloads = true;
  s.platform.open_from_clipboard = false;  // (GLFW's clipboard here is not the system's)
}
void share(state::AppState&) { js_call_api("_share"); }  // (attnlab.link(); the notice comes back from JS)
void deliver_failed(state::AppState& s, const std::string& why) {
  s.notice = attn::Message{"notice.no_handout", {attn::text_arg("why", why)}};
  js_handout_failed(why.c_str());
}
void deliver(state::AppState& s, const state::HandoutFile& f) {
  js_download(f.name.c_str(), f.mime.c_str(), f.bytes.data(), static_cast<double>(f.bytes.size()));
  s.notice = attn::Message{
      "notice.downloaded",
      {attn::text_arg("name", f.name), attn::count_arg("bytes", static_cast<double>(f.bytes.size()))}};
}
void start_gpu_measurements(state::AppState& s) {
  s.update_derived().perf_status = attn::Message{"status.perf_measuring_gpu", {}};
  js_call_api("_perfGpu");
}
void start_gpu_check(state::AppState& s) {
  s.update_derived().gpu_report = attn::Message{"status.gpu_check_running", {}};
  js_call_api("_gpuCheck");
}
void start_overview(state::AppState& s) {
  state::Overview& ov = s.overview;
  ov.running = true;
  ov.running_n = ov.n;
  ov.started = ImGui::GetTime();
  ov.status = attn::Message{"status.overview_computing", {}};
  const attn::Json params = {
      {"problem", attn::problem_to_json(state::overview_problem(ov))}, {"size", ov.size}, {"row", ov.row}};
  js_overview(attn::dump_json(params).c_str());
}

void open_model_files() { js_call_api("_pickModel"); }
void start_gpu_view(state::AppState& s) {
  s.update_derived().gpu.in_flight = s.derived().result_version;
  s.update_derived().gpu.started = ImGui::GetTime();
  js_gpu_view(s.derived().result_version);
}

void install_resize_callback(GLFWwindow*) {
  emscripten_set_resize_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, false, on_resize);
  on_resize(0, nullptr, nullptr);
  app::install_page_clipboard();  // (after ImGui's GLFW backend, which sets GLFW's: not the system's here)
}
// (checked every frame: a window moved to a screen of another pixel ratio sends no resize event)
float pixel_ratio(GLFWwindow*) { return static_cast<float>(size_backing_store()); }

}  // namespace platform

#else  // native

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>

namespace platform {

Options parse_args(int argc, char** argv) {
  Options o;
  CLI::App cli{"Attention Lab: step through transformer attention with real numbers."};
  cli.add_option("--state", o.state_file, "Start from a state JSON (as window.attnlab.getState() returns)");
  cli.add_option("--model", o.model_dir,
                 "Open a GPT-2 folder (config.json, model.safetensors, vocab.json, merges.txt)");
  cli.add_option("--screenshot", o.screenshot, "Write a PNG of the window after --frames frames, then exit");
  cli.add_option("--frames", o.frames, "Frames to draw before the screenshot")->check(CLI::PositiveNumber);
  cli.add_option("--width", o.width, "Window width")->check(CLI::Range(320, 7680));
  cli.add_option("--height", o.height, "Window height")->check(CLI::Range(240, 4320));
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(cli.exit(e));
  }
  return o;
}

std::string font_path() {
  const char* env = std::getenv("ATTNLAB_FONT");
  for (const std::string& p : {std::string(env ? env : ""), std::string(ATTN_FONT_DIR) + "/DejaVuSans.ttf",
                               std::string("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")}) {
    if (p.empty()) continue;
    if (std::FILE* f = std::fopen(p.c_str(), "rb")) {
      std::fclose(f);
      return p;
    }
  }
  std::fprintf(stderr,
               "attnlab: DejaVuSans.ttf not found (install fonts-dejavu-core); using ImGui's ASCII font\n");
  return "";
}

std::string assets_dir() {
  const char* env = std::getenv("ATTNLAB_ASSETS");
  return env ? env : ATTN_ASSETS_DIR;
}
double model_limit_bytes() { return 3.0 * 1024 * 1024 * 1024; }

const char* glsl_version() { return "#version 130"; }
void configure_context_hints() {
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
}

void after_frame(App& app, const Options& opts) {
  if (opts.screenshot.empty() || app.frame + 1 < opts.frames) return;
  int w = 0, h = 0;
  glfwGetFramebufferSize(app.window, &w, &h);
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  stbi_flip_vertically_on_write(1);
  const bool ok = stbi_write_png(opts.screenshot.c_str(), w, h, 4, px.data(), w * 4) != 0;
  std::fprintf(ok ? stdout : stderr, "attnlab: %s %s (%dx%d)\n", ok ? "wrote" : "cannot write",
               opts.screenshot.c_str(), w, h);
  std::exit(ok ? 0 : 1);
}

void run_loop(void (*frame_fn)()) {
  GLFWwindow* w = the_app().window;
  while (!glfwWindowShouldClose(w)) frame_fn();
}

void install_resize_callback(GLFWwindow*) {}
// GLFW's content scale (the desktop's text scale: 2 on a HiDPI screen set up so), per window pixel: where the
// framebuffer is already larger than the window (macOS), ImGui's framebuffer scale covers that part.
float pixel_ratio(GLFWwindow* w) {
  float x = 1, y = 1;
  glfwGetWindowContentScale(w, &x, &y);
  int ww = 0, wh = 0, fw = 0, fh = 0;
  glfwGetWindowSize(w, &ww, &wh);
  glfwGetFramebufferSize(w, &fw, &fh);
  const float framebuffer = ww > 0 && fw > 0 ? static_cast<float>(fw) / static_cast<float>(ww) : 1.0f;
  return std::clamp(x / framebuffer, 0.25f, 8.0f);
}
void configure_platform(state::AppState& s) {
  s.platform.cpu = cpu_threads_message();
  s.platform.share_label = "status.share_json";  // (an id: the menu says it in the app's language)
  s.platform.open_from_clipboard = true;
}
void share(state::AppState& s) {
  const std::string json = attn::dump_json(state::link_state(s));
  ImGui::SetClipboardText(json.c_str());
  s.notice = attn::Message{"notice.state_copied", {attn::count_arg("n", static_cast<double>(json.size()))}};
}
void deliver_failed(state::AppState& s, const std::string& why) {
  s.notice = attn::Message{"notice.no_handout", {attn::text_arg("why", why)}};
}
// A handout goes into s.platform.handout_dir (made if missing); the notice says where.
void deliver(state::AppState& s, const state::HandoutFile& f) {
  std::error_code ec;
  std::filesystem::create_directories(s.platform.handout_dir, ec);
  const std::filesystem::path path =
      std::filesystem::absolute(std::filesystem::path(s.platform.handout_dir) / f.name, ec);
  std::ofstream out(path, std::ios::binary);
  out.write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
  s.notice = out.good() ? attn::Message{"notice.saved",
                                        {attn::text_arg("path", path.string()),
                                         attn::count_arg("bytes", static_cast<double>(f.bytes.size()))}}
                        : attn::Message{"notice.save_failed", {attn::text_arg("path", path.string())}};
}
void open_model_files() {}  // (the desktop opens a folder with --model DIR)
void start_gpu_measurements(state::AppState&) {
}  // the desktop build has no WebGPU; the CPU points are measured
void start_gpu_check(state::AppState& s) {
  s.update_derived().gpu_report = attn::Message{"status.gpu_check_desktop", {}};
}
void start_gpu_view(state::AppState& s) {
  state::GpuView& g = s.update_derived().gpu;
  g.version = s.derived().result_version;
  g.heads.clear();
  g.status = attn::Message{"status.gpu_view_desktop", {}};
}
void start_overview(state::AppState& s) { s.overview.status = attn::Message{"status.overview_desktop", {}}; }

}  // namespace platform

#endif
