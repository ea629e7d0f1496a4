// The app shell: one App (state + window) and its frame function, shared by the native and browser
// builds. platform.cpp holds everything that differs between them (the only #ifdef __EMSCRIPTEN__).
#pragma once

#include <string>

#include "app/derive.h"
#include "state/app_state.h"

struct GLFWwindow;

struct App {
  state::AppState state;
  GLFWwindow* window = nullptr;
  std::string font_path;
  float applied_scale = 0;  // UI scale the font atlas was built for
  bool applied_contrast = false;
  bool font_ok = false;
  long frame = 0;
  state::Document before_edit;  // the document after the last change: what Ctrl+Z goes back to
};

App& the_app();

// Opens a GPT-2 folder as the app's model (s.notice says what happened; a bad one leaves the old model).
void open_model_dir(state::AppState& s, const std::string& dir);

// Runs what the panels asked for: one CPU performance point per frame, WebGPU measurements and checks
// (browser), so the UI keeps drawing while measuring.
void service_requests(state::AppState& s);

// One frame: recompute, rebuild fonts if the scale changed, draw every panel, present.
void frame();

namespace platform {

struct Options {
  std::string screenshot;  // native: write a PNG of the window after `frames` frames, then exit
  int frames = 3;
  std::string state_file;  // native: a getState()-style JSON to start from
  std::string model_dir;   // native: a GPT-2 folder to open (config.json, model.safetensors, vocab, merges)
  int width = 1366, height = 768;
};

// Native: parses the command line (may exit for --help / errors). Browser: the canvas size.
Options parse_args(int argc, char** argv);
std::string font_path();
std::string assets_dir();  // the folder holding scenarios/ (assets/ natively, /assets in the browser)
double
model_limit_bytes();  // the largest model (f32 weights) that may open: 3 GiB natively, 1.5 in the browser
const char* glsl_version();
void configure_context_hints();
void after_frame(App& app, const Options& opts);  // ready/first-frame notice, screenshots
void run_loop(void (*frame_fn)());                // until the window closes (native) or forever (browser)
// Browser: the canvas follows the window's size and pixel ratio, and ImGui's clipboard is the system's (after
// ImGui's GLFW backend is set up). Native: nothing.
void install_resize_callback(GLFWwindow* w);
// Device pixels per CSS pixel (the browser's devicePixelRatio) or GLFW's content scale natively.
float pixel_ratio(GLFWwindow* w);
attn::Message cpu_series();  // the CPU backend's name: perf.backend.wasm or .native
void start_gpu_measurements(
    state::AppState& s);                      // browser: WebGPU sweep in JS; native: says it is browser-only
void start_gpu_check(state::AppState& s);     // browser: current problem on WebGPU vs the CPU result shown
void start_overview(state::AppState& s);      // browser: the Long sequences panel's flash run and map
void start_gpu_view(state::AppState& s);      // browser: the current problem on WebGPU for the step view
void configure_platform(state::AppState& s);  // PlatformConfig: the Share menu (a link or JSON), CPU threads
std::string view_png();                       // the frame just drawn as a PNG (before the swap)
void deliver(state::AppState& s,
             const state::HandoutFile& f);  // browser: a download; native: a file, and a notice
void deliver_failed(state::AppState& s,
                    const std::string& why);  // the notice says why (and attnlab.handout())
void share(state::AppState& s);               // browser: link to the clipboard; native: the state's JSON
void open_model_files();                      // browser: the file picker for a GPT-2's four files

}  // namespace platform
