// What panels ask the app shell to do after a frame (Jobs: measurements, the GPU check, sharing, handouts,
// opening a model) and the long-sequence overview's run (Overview); service_requests (app/main.cpp) and the
// bridge drain them.
#pragma once

#include <string>
#include <vector>

#include "attn/mask.h"
#include "attn/problem.h"
#include "attn/text.h"
#include "state/handout_types.h"

namespace state {

// The Performance panel's CPU series (a PerfJob is one size of one of these): what each runs, how far it
// goes.
struct PerfSeries {
  const char* name;  // message id; says {backend} (platform::cpu_series) and {window}
  attn::MaskSpec::Kind mask;
  int window;
  attn::Variant variant;
  int max_n;
  int order;  // as PerfPoint::order
};
inline constexpr PerfSeries kPerfSeries[] = {
    {"perf.series.all", attn::MaskSpec::Kind::None, 0, attn::Variant::Standard, 4096, 2},
    {"perf.series.window", attn::MaskSpec::Kind::Window, 64, attn::Variant::Standard, 8192, 1},
    {"perf.series.linear", attn::MaskSpec::Kind::None, 0, attn::Variant::Linear, 8192, 1}};

// The long-sequence overview (computed on WebGPU by the browser build): a random problem of n tokens.
// The Long sequences panel's masks (Overview::mask indexes this table).
struct OverviewMask {
  const char* title;  // a message id: its words in the app's language (state::words)
  attn::MaskSpec::Kind kind;
  int window;
};
inline constexpr OverviewMask kOverviewMasks[] = {
    {"perf.mask.none", attn::MaskSpec::Kind::None, 0},
    {"perf.mask.causal", attn::MaskSpec::Kind::Causal, 0},
    {"perf.mask.window_256", attn::MaskSpec::Kind::Window, 256}};

struct Overview {
  int n = 16384;
  int mask = 1;  // into kOverviewMasks
  int size = 128;
  int row = 12000;
  bool requested = false;
  bool running = false;
  int running_n = 0;          // the n of the run in flight
  double started = 0;         // ImGui time when it started
  double seconds_per_n2 = 0;  // measured by the last run: the progress estimate for the next (0: unknown)
  attn::Message status;
  attn::MatD map;                   // size×size block means of the weights
  std::vector<double> row_weights;  // the exact weights of `row`
  int shown_row = -1;               // the row row_weights belongs to
};

// What panels ask the app shell to do after this frame (service_requests drains them).
struct Jobs {
  struct PerfJob {
    int series = 0;  // into kPerfSeries
    int n = 0;
  };
  bool perf_requested = false;        // measure: CPU points one per frame, then WebGPU in the browser
  std::vector<PerfJob> perf_pending;  // CPU measurements still to make, one per frame
  // The WebGPU sweep under way (app/bridge_core.cpp perf_next): which path (0 flash, 1 3-pass; 2 none) at
  // which n, on which adapter.
  struct GpuSweep {
    int path = 2;
    int n = 0;
    std::string adapter;
  } gpu_sweep;
  bool gpu_check_requested = false;  // the problem on screen on WebGPU against the CPU result
  bool share_requested = false;  // "Share": a link to this state (web) or its JSON (desktop) on the clipboard
  HandoutRequest handout;        // the Handout menu: a file the app shell makes after this frame is drawn
  bool open_model_requested =
      false;                   // Model view: open a GPT-2 (the browser's file picker, or open_model_dir)
  std::string open_model_dir;  // (desktop) the folder typed in the Model view
};

}  // namespace state
