// What the step view shows at each step (ui/panel_step_view.cpp lays it out): the step's data, and the maps
// of each stage — which matrix, its title, what is highlighted, how far it is computed, its colour scale and
// the formula its cells' tooltips show. Tests: tests/web/screens.test.mjs (layout().heatmaps).
#pragma once

#include <string>
#include <vector>

#include "state/app_state.h"
#include "ui/widgets.h"

namespace ui {

using namespace state;  // the ui layer draws the state layer's data and edits its document

// One matrix of an arrangement.
struct Shown {
  const char* id;     // its value name (tooltips, layout().heatmaps): "q", "k", "s", "a", "v", "o"
  std::string title;  // above it: "Q", "scores  s = Q·Kᵀ"
  const attn::MatD* m;
  std::vector<std::string> rows, cols;  // labels
  HeatmapOptions opt;
  int group = 0;  // maps of one group share one colour scale and one legend
  bool row_labels = true;
  bool current = false;   // the stage's own matrix: a click on a cell steps there
  bool optional = false;  // the stage before's, for comparison: left out where it would shrink the numbers
};

// Everything the arrangements are built from, for the current step of the shown head.
struct StepData {
  const attn::HeadTrace<double>* t = nullptr;
  const GpuView::Head* gpu = nullptr;
  attn::Step st;
  int L = 0, S = 0, dk = 0, dv = 0;
  std::vector<std::string> qlab, klab, dims_k, dims_v;
  attn::MatD kt;
  bool cell_step = false;
};
// The step's data for head trace t (labels, a scenario's features naming the columns, Kᵀ).
StepData step_data(const AppState& s, const attn::HeadTrace<double>& t);

// The stage's own L×S matrix, highlighted and revealed as far as the step has computed; the stage before's
// (what this stage reads), whole; O = A·V as far as computed.
Shown current_matrix(const AppState& s, const StepData& d);
Shown previous_matrix(const AppState& s, const StepData& d);
Shown output_matrix(const AppState& s, const StepData& d);
// The matrices of this stage, side by side: scores Q | K | S, scale S | Ŝ, mask Ŝ | M, softmax M | A,
// weighted sum A | V | O.
std::vector<Shown> stage_arrangement(const AppState& s, const StepData& d);
// The shared colour scale of each group (diverging maps: ± the largest |x| among them).
void share_scales(std::vector<Shown>& shown);

}  // namespace ui
