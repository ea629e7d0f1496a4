// Beside the document: what the last frame drew and the gestures under way (FrameState), and where the app
// runs (PlatformConfig). Neither is in the JSON state nor derived from it.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "attn/step.h"
#include "attn/text.h"
#include "state/document.h"

namespace state {

// What the last frame drew and the gestures under way: written by the panels as they draw, read by the next
// frame, attnlab.layout() and tests; neither the document nor derived from it.
struct FrameState {
  float controls_h = 0;    // the height the controls took
  float narration_h = 0;   // the most the narration has needed since the view last changed
  float prediction_h = 0;  // the height the lesson's prediction took (it stays in sight)
  // The way in (panel_welcome): asked for (a first visit, the Lessons menu), on screen, or closed.
  enum class Welcome { Closed, Asked, Shown } welcome = Welcome::Closed;
  bool welcome_teach = false;  // it lists the lessons for a class
  // A narrow screen (a tablet held upright, a phone): no column beside the matrices; the input panel opens as
  // a drawer over them (drawer), and where the stage's matrices do not fit side by side one shows at a time
  // (one_map: which, −1 the stage's own).
  bool narrow = false;
  bool drawer = false;
  int one_map = -1, one_map_stage = -1;
  int narration_for = -1;           // (the result_version and view it was measured for)
  attn::StepIndex followed = -1;    // the step the step view last scrolled into sight
  bool arithmetic = false;          // Enter: show the current cell's whole arithmetic (a popup)
  Panel shown_panel = Panel::Step;  // the view and Variants part drawn (another starts at its top)
  VariantSection shown_part = VariantSection::Compare;
  bool shown_once = false;
  int paint = -1;  // while dragging on the mask grid: the value being painted (0 or 1), else −1
  float mask_grid[3] = {-1, -1, 0};  // where the mask grid was drawn: x, y of cell (0, 0), cell size
  std::vector<std::array<float, 4>> global_chips;  // where the global-token buttons were drawn: x, y, w, h
};

// What the app shell says about where it runs (platform.cpp sets it once; a lesson or link keeps it).
struct PlatformConfig {
  std::string share_label = "status.share_json";  // the Share menu's item (a message id)
  bool open_from_clipboard = true;                // Share → Open a copied link or state (desktop)
  bool model_file_picker = false;  // models open from picked files (browser), not a typed folder
  bool handout_downloads = false;  // handouts download (browser) rather than go into handout_dir
  std::string handout_dir = "attnlab-handouts";  // (desktop) where handouts are saved
  bool reduced_motion = false;  // the system asks for less motion: a link or lesson never starts playback
  float pixel_ratio = 1;  // device pixels per CSS (or logical) pixel: the browser's devicePixelRatio, GLFW's
                          // content scale natively. The shell sets it each frame; fonts and sizes follow it.
  bool touch = false;     // the last pointer was a finger (browser): larger targets, the on-screen keyboard
  attn::Message cpu;      // how many threads the CPU path has here, and why only one (Performance view)
};

}  // namespace state
