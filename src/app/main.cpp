// Attention Lab app entry point: creates the window and ImGui, then runs frame() in the platform loop.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <exception>
#include <iterator>

#include "app/app.h"
#include "app/derive.h"
#include "attn/text.h"
#include "compute/cpu_backend.h"
#include "state/handout.h"
#include "state/lesson.h"
#include "ui/panels.h"
#include "model/gpt2.h"
#include "state/share.h"
#include "ui/style.h"
#include "state/undo.h"

namespace {
platform::Options g_opts;
}

App& the_app() {
  static App app;
  return app;
}

// The step view's WebGPU run returns every weight as JSON; beyond this many it would be slow to read back.
constexpr int kGpuViewCells = 262144;

void open_model_dir(state::AppState& s, const std::string& dir) {
  try {
    state::open_model(
        s, std::make_shared<const model::Gpt2>(model::load_gpt2_dir(dir, platform::model_limit_bytes())));
    s.notice = attn::Message{
        "notice.model_opened",
        {attn::text_arg("name", attn::printable(dir)), attn::words_arg("card", state::model_card(*s.model))}};
  } catch (const std::exception& e) {
    s.notice = attn::Message{"notice.model_failed", {attn::text_arg("error", attn::printable(e.what()))}};
  }
}

void service_requests(state::AppState& s) {
  if (s.jobs.perf_requested) {
    s.jobs.perf_requested = false;
    s.update_derived().perf.clear();
    s.jobs.perf_pending.clear();
    for (int k = 0; k < static_cast<int>(std::size(state::kPerfSeries)); ++k)  // O(n) ways go further
      for (int n = 128; n <= state::kPerfSeries[k].max_n; n *= 2) s.jobs.perf_pending.push_back({k, n});
    s.update_derived().perf_status = attn::Message{"status.perf_measuring_cpu", {}};
  }
  if (!s.jobs.perf_pending.empty()) {  // one size per frame, median of 3 runs of the f32 output-only path
    const state::Jobs::PerfJob job = s.jobs.perf_pending.front();
    s.jobs.perf_pending.erase(s.jobs.perf_pending.begin());
    attn::Problem p;
    p.form = attn::Problem::Form::Random;
    p.random = {1, job.n, 64, 1, 1};
    const state::PerfSeries& series = state::kPerfSeries[job.series];
    p.mask.kind = series.mask;
    p.mask.window = series.window;
    p.variant = series.variant;
    attn::RunOptions o = compute::default_options();
    o.weights = false;
    o.max_operations = 1e11;  // a measurement the learner asked for: the sizes are the panel's own, not input
    std::vector<double> ms;
    for (int r = 0; r < 3; ++r) ms.push_back(compute::run_cpu(p, o).stats.time_ms);
    std::sort(ms.begin(), ms.end());
    s.update_derived().perf.push_back(state::perf_point(
        {series.name,
         {attn::words_arg("backend", platform::cpu_series()), attn::count_arg("window", series.window)}},
        job.n, ms[1], series.order));
    if (s.jobs.perf_pending
            .empty()) {  // then the GPU (in the browser): not at the same time, on a shared machine
      s.update_derived().perf_status =
          attn::Message{"status.perf_cpu_done", {}};  // (SwiftShader's GPU: the same CPU cores)
      platform::start_gpu_measurements(s);
    }
  }
  if (s.overview.requested) {
    s.overview.requested = false;
    platform::start_overview(s);
  }
  // The step view's WebGPU numbers: one run at a time; a newer problem is run when the previous one returns.
  state::GpuView& g = s.update_derived().gpu;
  const double cells =
      static_cast<double>(s.problem().heads()) * s.problem().query_len() * s.problem().key_len();
  if (s.view.backend == state::Backend::WebGpu && s.derived().has_result && s.derived().error.empty() &&
      g.in_flight < 0 && g.version != s.derived().result_version) {
    if (cells <= kGpuViewCells) {
      platform::start_gpu_view(s);
    } else {
      g.version = s.derived().result_version;
      g.heads.clear();
      g.status = attn::Message{"status.gpu_view_too_large", {attn::count_arg("n", kGpuViewCells)}};
    }
  }
  if (s.jobs.gpu_check_requested) {
    s.jobs.gpu_check_requested = false;
    platform::start_gpu_check(s);
  }
  if (s.jobs.open_model_requested) {
    s.jobs.open_model_requested = false;
    if (s.jobs.open_model_dir.empty()) {
      platform::open_model_files();
    } else {
      open_model_dir(s, s.jobs.open_model_dir);
    }
  }
  if (s.jobs.share_requested) {
    s.jobs.share_requested = false;
    platform::share(s);
  }
}

// The Handout menu's file, made after the frame it was asked in is drawn (a picture of the view is that
// frame).
void serve_handout(state::AppState& s) {
  const state::HandoutRequest r = s.jobs.handout;
  if (r.kind < 0) return;
  s.jobs.handout = state::HandoutRequest();
  const state::HandoutKind kind = static_cast<state::HandoutKind>(r.kind);
  try {
    state::HandoutFile f;
    if (kind == state::HandoutKind::ViewPng)
      f = {state::handout_name(s, state::kViews[static_cast<int>(s.view.panel)].id, "png"), "image/png",
           platform::view_png()};
    else
      f = state::make_handout(s, kind, r.matrix, the_app().font_path);
    platform::deliver(s, f);
  } catch (const attn::ProblemError& e) {
    platform::deliver_failed(s, attn::printable(e.what()));
  }
}

// On a projector a mouse left resting leaves no tooltip over the class's view: after 3 s without moving, the
// pointer counts as gone until it moves again (a finger's tap keeps what it shows).
void hide_resting_pointer(const state::AppState& s) {
  static ImVec2 last(-1, -1);
  static double still_since = 0;
  ImGuiIO& io = ImGui::GetIO();
  const double now = ImGui::GetTime();
  if (io.MousePos.x != last.x || io.MousePos.y != last.y || io.MouseDown[0] || io.MouseDown[1]) {
    last = io.MousePos;
    still_since = now;
  } else if (s.view.projector && !s.platform.touch && now - still_since > 3 && io.MousePos.x > -1e30f) {
    io.AddMousePosEvent(-FLT_MAX, -FLT_MAX);
  }
}

void frame() {
  App& app = the_app();
  state::AppState& s = app.state;
  // The document as it stands before this frame's edits (copied only when it changed: undo's "before").
  if (s.dirty || app.frame == 0) app.before_edit = s;
  derive(s);
  service_requests(s);
  refresh_perf_memory(s);  // (a measurement this frame may have raised the largest n)
  s.platform.pixel_ratio = platform::pixel_ratio(app.window);
  // Fonts rasterised for the physical size: the UI scale × the screen's pixel ratio (sharp on HiDPI).
  const float scale = state::screen_scale(s);
  if (scale != app.applied_scale || s.view.high_contrast != app.applied_contrast) {
    if (scale != app.applied_scale) {
      app.font_ok = ui::load_fonts(app.font_path, scale);
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    ui::apply_style(scale, s.view.high_contrast);
    app.applied_scale = scale;
    app.applied_contrast = s.view.high_contrast;
  }
  glfwPollEvents();
  hide_resting_pointer(s);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  const int lesson = s.lesson.lesson, page = s.lesson.page;
  ui::draw_frame(s);
  if (s.dirty && s.lesson.lesson == lesson && s.lesson.page == page)  // (an edit; a lesson's page is no edit)
    state::remember_edit(s.history, app.before_edit, ImGui::GetTime());
  ImGui::Render();
  int w = 0, h = 0;
  glfwGetFramebufferSize(app.window, &w, &h);
  glViewport(0, 0, w, h);
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  serve_handout(s);                    // before the swap: a picture of the view reads the back buffer
  platform::after_frame(app, g_opts);  // (and so do screenshots)
  glfwSwapBuffers(app.window);
  ++app.frame;
}

int main(int argc, char** argv) {
  g_opts = platform::parse_args(argc, argv);
  App& app = the_app();
  std::vector<std::string> skipped;
  app.state = state::default_state(attn::load_scenarios(platform::assets_dir() + "/scenarios", &skipped));
  for (const std::string& why : skipped) std::fprintf(stderr, "attnlab: scenario skipped: %s\n", why.c_str());
  try {  // the bundled model (assets/models/tiny-austen); without it the app runs without Source::Model
    app.state.model = std::make_shared<const model::Gpt2>(
        model::load_gpt2_dir(platform::assets_dir() + "/models/tiny-austen", platform::model_limit_bytes()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "attnlab: the bundled model did not load: %s\n", e.what());
  }
  skipped.clear();  // the lessons, checked against the app as it starts (scenarios and the bundled model)
  app.state.lessons = state::load_lessons(platform::assets_dir() + "/lessons", app.state, &skipped);
  for (const std::string& why : skipped) std::fprintf(stderr, "attnlab: lesson skipped: %s\n", why.c_str());
  if (!g_opts.model_dir.empty()) {  // --model DIR: a GPT-2 of one's own, shown at once
    open_model_dir(app.state, g_opts.model_dir);
    std::fprintf(stderr, "attnlab: %s\n", state::notice_text(app.state).c_str());
  }
  platform::configure_platform(app.state);
  if (!g_opts.state_file.empty()) {  // a bad file opens the app as it is, with a notice (as a bad link does)
    std::FILE* f = std::fopen(g_opts.state_file.c_str(), "rb");
    std::string text;
    if (f) {
      char buf[4096];
      size_t n;
      while (text.size() <= attn::JsonTextOptions{}.max_bytes && (n = std::fread(buf, 1, sizeof buf, f)) > 0)
        text.append(buf, n);
      std::fclose(f);
    }
    if (!f) {
      app.state.notice = attn::Message{"notice.state_file_unreadable",
                                       {attn::text_arg("file", attn::valid_utf8(g_opts.state_file))}};
    } else {
      try {
        state::open_shared(app.state, text);
      } catch (const std::exception& e) {  // (a bug; say so and start as usual)
        app.state.notice = attn::Message{"notice.state_internal_error",
                                         {attn::text_arg("error", attn::printable(e.what()))}};
      }
    }
    if (!app.state.notice.id.empty())
      std::fprintf(stderr, "attnlab: --state %s: %s\n", g_opts.state_file.c_str(),
                   state::notice_text(app.state).c_str());
  }
  if (!glfwInit()) {
    std::fprintf(stderr, "attnlab: cannot initialise GLFW (no display?)\n");
    return 1;
  }
  platform::configure_context_hints();
  app.window = glfwCreateWindow(g_opts.width, g_opts.height, "Attention Lab", nullptr, nullptr);
  if (!app.window) {
    std::fprintf(stderr, "attnlab: cannot create an OpenGL 3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(app.window);
  glfwSwapInterval(1);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is computed each frame; nothing to save
  ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;  // Tab to every control (ui::handle_keys)
  ImGui_ImplGlfw_InitForOpenGL(app.window, true);
  platform::install_resize_callback(app.window);
  ImGui_ImplOpenGL3_Init(platform::glsl_version());
  app.font_path = platform::font_path();
  platform::run_loop(frame);
  return 0;
}
