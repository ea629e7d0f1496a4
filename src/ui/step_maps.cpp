// The maps each stage shows (see step_maps.h).
#include "attn/explain.h"
#include "ui/step_maps.h"
#include "state/lesson.h"
#include "state/narration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ui {

namespace {

// The L×S matrix of a stage and the id of its name.
const attn::MatD& stage_matrix(const attn::HeadTrace<double>& t, attn::Stage st, const char** name_id) {
  switch (st) {
    case attn::Stage::Scores:
      *name_id = "step.matrix.scores";
      return t.scores;
    case attn::Stage::Scale:
      *name_id = "step.matrix.scale";
      return t.scaled;
    case attn::Stage::Mask:
      *name_id = "step.matrix.mask";
      return t.masked;
    default:
      *name_id = "step.matrix.softmax";
      return t.weights;
  }
}

// A number as %.Ng writes it, in the app's language.
std::string general(const Words& w, double x, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  return attn::decimals(*w.catalog, buf);
}

// How many cells of the stage matrix (row-major) exist at this step.
int revealed_cells(const attn::Step& st, int S) {
  if (st.stage == attn::Stage::WeightedSum) return -1;
  const int row_start = st.query * S;
  switch (st.phase) {
    case attn::Phase::Row:
      return row_start + S;
    case attn::Phase::Cell:
    case attn::Phase::Divide:
      return row_start + st.key + 1;
    default:
      return row_start;  // max, exp, sum: this row's weights are not final yet
  }
}

double max_abs(const attn::MatD& m) {
  double top = 0;
  for (Eigen::Index i = 0; i < m.size(); ++i)
    if (std::isfinite(m.data()[i])) top = std::max(top, std::fabs(m.data()[i]));
  return top > 0 ? top : 1;
}

// The matrix a stage shows (from WebGPU where the step view's numbers come from there), its title.
const attn::MatD& matrix_of(const Words& w, const StepData& d, attn::Stage stage, std::string* title) {
  const char* id = "";
  const attn::MatD& cpu = stage_matrix(*d.t, stage, &id);
  const attn::MatD* m = &cpu;
  if (d.gpu && stage == attn::Stage::Mask) m = &d.gpu->masked, id = "step.matrix.mask_gpu";
  if (d.gpu && stage >= attn::Stage::Softmax) m = &d.gpu->weights, id = "step.matrix.softmax_gpu";
  *title = words(w, id);
  return *m;
}

// A cell's formula for the tooltip of a stage's matrix (and the GPU's number beside the CPU's).
std::string cell_tooltip(const AppState& s, const StepData& d, attn::Stage stage, const attn::MatD& shown,
                         int i, int j) {
  const attn::ExplainInput in = explain_input(s, *d.t, s.view.head);
  const int index = attn::step_index(stage == attn::Stage::WeightedSum ? attn::Stage::Softmax : stage, i, j,
                                     attn::Phase::Divide, d.L, d.S, attn::Granularity::Cell);
  std::string f = attn::say_formula(
      catalog(s), attn::explain_step(in, attn::step_at(index, d.L, d.S, attn::Granularity::Cell)).formula);
  const char* unused = "";
  const attn::MatD& cpu = stage_matrix(*d.t, stage, &unused);
  if (&shown != &cpu)
    f += "\n" + say(s, "step.gpu_cpu",
                    {attn::text_arg("gpu", general(s, shown(i, j), 7)),
                     attn::text_arg("cpu", general(s, cpu(i, j), 7))});
  return f;
}

}  // namespace

StepData step_data(const AppState& s, const attn::HeadTrace<double>& t) {
  StepData d;
  d.t = &t;
  d.gpu = gpu_head(s);
  d.st = s.step();
  d.L = static_cast<int>(t.weights.rows()), d.S = static_cast<int>(t.weights.cols());
  d.dk = static_cast<int>(t.q.cols()), d.dv = static_cast<int>(t.v.cols());
  d.qlab = attn::query_labels(s.problem()), d.klab = attn::key_labels(s.problem());
  const attn::ExplainInput names = explain_input(s, t, s.view.head);  // (a scenario's features name columns)
  d.dims_k = names.dim_names.empty() ? index_labels(d.dk) : names.dim_names;
  d.dims_v = names.dim_names.size() == static_cast<size_t>(d.dv) ? names.dim_names : index_labels(d.dv);
  d.kt = t.k.transpose();
  d.cell_step =
      d.st.phase == attn::Phase::Cell || d.st.phase == attn::Phase::Exp || d.st.phase == attn::Phase::Divide;
  return d;
}

// The stage's own L×S matrix, highlighted and revealed as far as the step has computed.
Shown current_matrix(const AppState& s, const StepData& d) {
  std::string title;
  const attn::MatD& m = matrix_of(s, d, d.st.stage, &title);
  Shown x{d.st.stage >= attn::Stage::Softmax ? "a" : "s", title, &m, d.qlab, d.klab, {}, 1};
  x.current = true;
  HeatmapOptions& o = x.opt;
  o.palette = d.st.stage >= attn::Stage::Softmax ? Palette::Sequential : Palette::Diverging;
  o.revealed = revealed_cells(d.st, d.S);
  o.held = held_back(s, static_cast<Held>(d.st.stage));
  o.highlight_row = d.st.query;
  if (d.cell_step) o.highlight_cell_row = d.st.query, o.highlight_cell_col = d.st.key;
  // A lesson's revealed answer on this row: its key's column marked (the step put the row on screen).
  const LessonCheck& c = s.derived().lesson_check;
  if (lesson_page(s) && s.lesson.revealed && c.error.id.empty() && c.result.show_key >= 0 &&
      c.result.show_stage == static_cast<int>(d.st.stage) && c.result.show_row == d.st.query)
    o.highlight_col = c.result.show_key;
  const attn::Stage stage = d.st.stage;
  o.tooltip = [&s, &d, &m, stage](int i, int j) { return cell_tooltip(s, d, stage, m, i, j); };
  return x;
}

// The stage before's matrix (what this stage reads), whole.
Shown previous_matrix(const AppState& s, const StepData& d) {
  const attn::Stage prev = static_cast<attn::Stage>(static_cast<int>(d.st.stage) - 1);
  std::string title;
  const attn::MatD& m = matrix_of(s, d, prev, &title);
  Shown x{prev >= attn::Stage::Softmax ? "a" : "s", title, &m, d.qlab, d.klab, {}, 1};
  x.optional = true;
  HeatmapOptions& o = x.opt;
  o.palette = prev >= attn::Stage::Softmax ? Palette::Sequential : Palette::Diverging;
  o.held = held_back(s, static_cast<Held>(prev));
  o.highlight_row = d.st.query;
  if (d.cell_step && d.st.stage != attn::Stage::Softmax)
    o.highlight_cell_row = d.st.query, o.highlight_cell_col = d.st.key;
  o.tooltip = [&s, &d, &m, prev](int i, int j) { return cell_tooltip(s, d, prev, m, i, j); };
  return x;
}

Shown output_matrix(const AppState& s, const StepData& d) {
  const attn::MatD& o_m = d.gpu ? d.gpu->output : d.t->output;
  Shown x{"o", d.gpu ? "O = A·V (WebGPU)" : "O = A·V", &o_m, d.qlab, d.dims_v, {}, 2};
  const bool sum_stage = d.st.stage == attn::Stage::WeightedSum;
  const bool row_done = !d.cell_step || d.st.key == d.S - 1;
  x.opt.revealed = sum_stage ? (d.st.query + (row_done ? 1 : 0)) * d.dv : 0;
  x.opt.held = held_back(s, Held::WeightedSum);
  if (sum_stage) x.opt.highlight_row = d.st.query;
  x.opt.tooltip = [&s, &d](int i, int c) {
    const attn::ExplainInput in = explain_input(s, *d.t, s.view.head);
    return attn::say_formula(catalog(s), attn::output_cell_formula(in, i, c));
  };
  return x;
}

// The matrices of this stage, side by side.
std::vector<Shown> stage_arrangement(const AppState& s, const StepData& d) {
  const attn::Step& st = d.st;
  std::vector<Shown> out;
  switch (st.stage) {
    case attn::Stage::Scores: {
      Shown q{"q", "Q", &d.t->q, d.qlab, d.dims_k, {}, 0};
      q.opt.highlight_row = st.query;
      Shown k{"k", "K", &d.t->k, d.klab, d.dims_k, {}, 0};
      if (d.cell_step) k.opt.highlight_row = st.key;
      out = {q, k, current_matrix(s, d)};
      out[2].group = 1;
      break;
    }
    case attn::Stage::Scale:
    case attn::Stage::Mask:
      out = {previous_matrix(s, d), current_matrix(s, d)};  // (one scale: the step's change shows)
      break;
    case attn::Stage::Softmax:
      out = {previous_matrix(s, d), current_matrix(s, d)};
      out[1].group = 2;  // (weights are on their own 0…1 scale)
      break;
    case attn::Stage::WeightedSum: {
      out.push_back(current_matrix(s, d));
      Shown v{"v", "V", &d.t->v, d.klab, d.dims_v, {}, 2};
      if (d.cell_step) v.opt.highlight_row = st.key;
      out.push_back(v);
      out.push_back(output_matrix(s, d));
      break;
    }
  }
  for (size_t k = 1; k < out.size(); ++k)  // (rows labelled once while neighbours share them)
    out[k].row_labels = out[k].rows != out[k - 1].rows;
  return out;
}

// The shared colour scale of each group (diverging maps: ± the largest |x| among them).
void share_scales(std::vector<Shown>& shown) {
  for (Shown& a : shown) {
    if (a.opt.palette != Palette::Diverging) continue;
    double top = 0;
    for (const Shown& b : shown)
      if (b.group == a.group && b.opt.palette == Palette::Diverging) top = std::max(top, max_abs(*b.m));
    a.opt.range = top;
  }
}

}  // namespace ui
