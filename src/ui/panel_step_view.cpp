// The step view: the matrices of the current step, their cells sized from the space the view has so that
// their numbers print (panels.h panel_step_view). Two arrangements:
//   the whole pipeline — laid out like the product it computes:      Kᵀ
//                                                                  Q  M  V  O    (M: the current stage's)
//     when its cells are large enough to print their numbers (a large screen);
//   this stage — the matrices the stage reads and writes, side by side on shared rows:
//     scores Q | K | S · scale S | Ŝ · mask Ŝ | M · softmax M | A · weighted sum A | V | O,
//     under a header that stays (titles, colour scales, column labels) while the rows scroll to follow the
//     current query when they do not all fit.
// Maps that invite comparison share one colour scale (Q and K; S and Ŝ; Ŝ and M; V and O) with one legend
// spanning them. What each map is (its matrix, highlights, tooltips) is step_maps.cpp.
// Tests: tests/core/test_ui_render.cpp (UiLayout.ProjectorPresetFitsAndSwitchesBack),
// tests/web/screens.test.mjs (layout().heatmaps: cells and their numbers on every screen).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "state/lesson.h"
#include "ui/panels.h"
#include "ui/step_maps.h"
#include "ui/widgets.h"

namespace ui {

namespace {

// What one frame of the step view needs to size its cells.
struct Space {
  ImVec2 avail;
  float font, gap, title_h, legend_h, hint_h;
  float number_w;  // the widest number to print, in the text's type (0: numbers are off)
};

// Cells for `cols` × `rows` of them in w × h pixels: as tall as the height allows (1.4 lines of text at
// least, the rows scroll below that; 2.4 at most), as wide as the numbers need in the type that height
// gives them (up to the large font), within the width.
struct Cells {
  float w = 0, h = 0;
  bool scrolls = false;
};
Cells cells_for(float w, float h, int cols, int rows, const Space& sp) {
  const float fit_w = w / static_cast<float>(std::max(cols, 1)),
              fit_h = h / static_cast<float>(std::max(rows, 1));
  Cells c;
  c.h = fit_h >= sp.font * 1.4f ? std::min(fit_h, sp.font * 2.4f) : sp.font * 1.4f;
  c.scrolls = c.h > fit_h + 0.5f;
  const float type = std::clamp(c.h / 1.25f, sp.font, sp.font * kValueFontMax);
  c.w = std::max(1.0f, std::min(fit_w, std::max(c.h, sp.number_w * type / sp.font + 6)));
  return c;
}
// The numbers print in the text's type at least (else smaller, or not at all: the hint says so).
bool numbers_fit(const Cells& c, const Space& sp) { return sp.number_w <= 0 || c.w >= sp.number_w + 4; }

// One map at the cursor in these cells; a click on a cell of the stage's own steps there.
void draw_map(AppState& s, const StepData& d, Shown& m, const Cells& cells) {
  m.opt.cell = cells.h;
  m.opt.cell_w = cells.w;
  m.opt.show_values = s.view.show_values;
  m.opt.value_name = m.id;
  int hr = -1, hc = -1;
  heatmap(m.id, *m.m, m.rows, m.cols, m.opt, &hr, &hc);
  if (m.current && hr >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Left))
    step_to(s, attn::step_index(d.st.stage, hr, hc, attn::Phase::Divide, d.L, d.S, s.granularity));
}

// The whole pipeline's cells, where they fit without scrolling with their numbers in the text's type;
// {0, 0} otherwise (the stage arrangement is drawn then).
Cells pipeline_cells(const StepData& d, const Space& sp) {
  const float g_rows = label_gutter(d.qlab, false), g_keys = label_gutter(d.klab, true),
              g_vrows = label_gutter(d.klab, false);
  const Cells c = cells_for(sp.avail.x - g_rows - g_vrows - sp.gap * 3,
                            sp.avail.y - g_keys - sp.title_h * 2 - sp.gap - sp.legend_h * 2 - sp.hint_h,
                            d.dk + d.S + 2 * d.dv, d.dk + std::max(d.L, d.S), sp);
  return !c.scrolls && numbers_fit(c, sp) ? c : Cells{};
}

void draw_pipeline(AppState& s, const StepData& d, const Cells& cells) {
  const float cw = cells.w, ch = cells.h;
  const attn::Step& st = d.st;
  std::vector<Shown> maps;
  Shown q{"q", "Q", &d.t->q, d.qlab, d.dims_k, {}, 0};
  q.opt.col_labels = false;
  q.opt.highlight_row = st.query;
  Shown kt{"kᵀ", "Kᵀ", &d.kt, d.dims_k, d.klab, {}, 0};
  kt.opt.row_labels = false;
  if (st.stage == attn::Stage::Scores && d.cell_step) kt.opt.highlight_col = st.key;
  Shown m = current_matrix(s, d);
  m.opt.row_labels = m.opt.col_labels = false;
  Shown v{"v", "V", &d.t->v, d.klab, d.dims_v, {}, 2};
  v.opt.col_labels = false;
  if (st.stage == attn::Stage::WeightedSum && d.cell_step) v.opt.highlight_row = st.key;
  Shown o = output_matrix(s, d);
  o.opt.row_labels = o.opt.col_labels = false;
  maps = {q, kt, m, v, o};
  share_scales(maps);

  const float font = ImGui::GetFontSize(), gap = font * 1.6f;
  const float title_h = ImGui::GetTextLineHeightWithSpacing();
  const float g_rows = label_gutter(d.qlab, false), g_keys = label_gutter(d.klab, true),
              g_vrows = label_gutter(d.klab, false);
  const ImVec2 o0 = ImGui::GetCursorScreenPos();
  const float x_q = o0.x + g_rows, x_m = x_q + cw * static_cast<float>(d.dk) + gap;
  const float y_kt = o0.y + title_h + g_keys;
  const float y_m = y_kt + ch * static_cast<float>(d.dk) + legend_height() + gap + title_h;
  const float x_v = x_m + cw * static_cast<float>(d.S) + gap + g_vrows;
  const float x_o = x_v + cw * static_cast<float>(d.dv) + gap;
  const ImVec2 at[] = {{x_q, y_m}, {x_m, y_kt}, {x_m, y_m}, {x_v, y_m}, {x_o, y_m}};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (size_t k = 0; k < maps.size(); ++k) {
    Shown& x = maps[k];
    const float left = x.opt.row_labels ? label_gutter(x.rows, false) : 0;
    const float top = x.opt.col_labels ? label_gutter(x.cols, true) : 0;
    dl->AddText(ImVec2(at[k].x, at[k].y - top - title_h), ImGui::GetColorU32(ImGuiCol_Text), x.title.c_str());
    ImGui::SetCursorScreenPos(ImVec2(at[k].x - left, at[k].y - top));
    draw_map(s, d, x, cells);
  }
  ImGui::SetCursorScreenPos(
      ImVec2(o0.x, y_m + ch * static_cast<float>(std::max(d.L, d.S)) + legend_height() + font * 0.5f));
}

// The most rows of the maps side by side (K's and V's are the keys, the others the queries).
int rows_of(const std::vector<Shown>& maps) {
  int rows = 1;
  for (const Shown& m : maps) rows = std::max(rows, static_cast<int>(m.m->rows()));
  return rows;
}

// The header's parts and the cells for these maps side by side in the space.
struct StageFit {
  float col_top = 0, header_h = 0, body_h = 0;
  Cells cells;
};
StageFit fit_stage(const std::vector<Shown>& maps, const Space& sp) {
  StageFit f;
  float gutters = 0;
  int cols = 0;
  for (const Shown& x : maps) {
    gutters += x.row_labels ? label_gutter(x.rows, false) : 0;
    f.col_top = std::max(f.col_top, label_gutter(x.cols, true));
    cols += static_cast<int>(x.m->cols());
  }
  f.header_h = sp.title_h + sp.legend_h + f.col_top;
  f.body_h = std::max(sp.font * 3, sp.avail.y - f.header_h - sp.hint_h);
  f.cells = cells_for(
      sp.avail.x - gutters - sp.gap * static_cast<float>(maps.size() - 1) - ImGui::GetStyle().ScrollbarSize,
      f.body_h, cols, rows_of(maps), sp);
  return f;
}

// On a narrow screen where the stage's maps side by side would hide their numbers: one map at a time, chosen
// by the buttons above it (the stage's own first).
void one_map_at_a_time(AppState& s, const StepData& d, std::vector<Shown>& maps, Space& sp) {
  int& k = s.frame.one_map;
  if (k < 0 || k >= static_cast<int>(maps.size()) || s.frame.one_map_stage != static_cast<int>(d.st.stage)) {
    k = static_cast<int>(std::find_if(maps.begin(), maps.end(), [](const Shown& m) { return m.current; }) -
                         maps.begin());
    if (k >= static_cast<int>(maps.size())) k = 0;
    s.frame.one_map_stage = static_cast<int>(d.st.stage);
  }
  std::vector<std::string> titles;
  for (const Shown& m : maps) titles.push_back(m.title);
  const float y0 = ImGui::GetCursorPosY();
  const int picked = token_chips(titles, [&](int i) { return i == k; });
  if (picked >= 0) k = picked;
  sp.avail.y -= ImGui::GetCursorPosY() - y0;
  Shown one = maps[static_cast<size_t>(k)];
  one.row_labels = true;
  maps = {one};
}

// The stage arrangement: a header that stays (titles, one colour scale per group, column labels), the rows
// below it in a region that scrolls to follow the current query when they do not all fit.
void draw_stage(AppState& s, const StepData& d, Space sp) {
  std::vector<Shown> maps = stage_arrangement(s, d);
  share_scales(maps);
  if (s.view
          .projector) {  // (no hint on a projector: its room goes to the rows, unless the numbers do not fit)
    Space without = sp;
    without.hint_h = ImGui::GetStyle().ItemSpacing.y * 2;
    if (numbers_fit(fit_stage(maps, without).cells, without)) sp = without;
  }
  // The stage before's matrix only where both print their numbers in the text's type (a projector reads the
  // stage's own, large).
  if (!numbers_fit(fit_stage(maps, sp).cells, sp))
    maps.erase(std::remove_if(maps.begin(), maps.end(), [](const Shown& m) { return m.optional; }),
               maps.end());
  for (size_t k = 0; k < maps.size(); ++k) maps[k].row_labels = k == 0 || maps[k].rows != maps[k - 1].rows;
  // (where side by side the cells could not print their numbers even in the smallest type)
  float smallest = 0;
  for (const Shown& m : maps) smallest = std::max(smallest, value_cell(*m.m));
  if (s.frame.narrow && maps.size() > 1 && s.view.show_values && fit_stage(maps, sp).cells.w < smallest)
    one_map_at_a_time(s, d, maps, sp);
  const int rows_max = rows_of(maps);
  const StageFit fit = fit_stage(maps, sp);
  const float col_top = fit.col_top, header_h = fit.header_h, body_h = fit.body_h;
  const float cw = fit.cells.w, ch = fit.cells.h;

  // x of each grid, and the header.
  const ImVec2 o0 = ImGui::GetCursorScreenPos();
  std::vector<float> x_at;
  float x = o0.x;
  for (size_t k = 0; k < maps.size(); ++k) {
    if (k) x += sp.gap;
    x += maps[k].row_labels ? label_gutter(maps[k].rows, false) : 0;
    x_at.push_back(x);
    x += cw * static_cast<float>(maps[k].m->cols());
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float y_legend = o0.y + sp.title_h, y_grid = o0.y + header_h;
  for (size_t k = 0; k < maps.size(); ++k) {
    const Shown& m = maps[k];
    dl->AddText(ImVec2(x_at[k], o0.y), ImGui::GetColorU32(ImGuiCol_Text), m.title.c_str());
    const bool first_of_group = k == 0 || maps[k - 1].group != m.group;
    if (first_of_group && !m.opt.held) {  // one legend under the group's titles, spanning its maps
      size_t last = k;
      while (last + 1 < maps.size() && maps[last + 1].group == m.group) ++last;
      ImGui::SetCursorScreenPos(ImVec2(x_at[k], y_legend));
      const double r = m.opt.palette == Palette::Diverging ? m.opt.range : 1;
      legend(m.opt.palette, m.opt.palette == Palette::Diverging ? -r : 0.0, r,
             x_at[last] + cw * static_cast<float>(maps[last].m->cols()) - x_at[k]);
    }
    column_labels(ImVec2(x_at[k], y_grid), cw, m.cols, m.opt.highlight_col, col_top);
  }

  // The rows: every one, or a window on them that follows the current query.
  const float rows_h = ch * static_cast<float>(rows_max);
  const bool scrolls = rows_h > body_h + 1;
  ImGui::SetCursorScreenPos(ImVec2(o0.x, y_grid));
  ImGui::BeginChild("##rows", ImVec2(sp.avail.x, std::min(rows_h, body_h) + 2), false,
                    scrolls ? ImGuiWindowFlags_AlwaysVerticalScrollbar  // (now, not a frame late)
                            : ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  const ImVec2 r0 = ImGui::GetCursorScreenPos();
  for (size_t k = 0; k < maps.size(); ++k) {
    Shown& m = maps[k];
    m.opt.legend = m.opt.col_labels = false;  // (both in the header)
    m.opt.row_labels = m.row_labels;
    ImGui::SetCursorScreenPos(
        ImVec2(r0.x + (x_at[k] - o0.x) - (m.row_labels ? label_gutter(m.rows, false) : 0), r0.y));
    draw_map(s, d, m, fit.cells);
  }
  if (scrolls && s.frame.followed != s.step_index) {  // a new step: its rows in the middle of the window
    s.frame.followed = s.step_index;
    // (the query's row, and the key's where the stage reads a key's row too — K's or V's — when both fit)
    float from = static_cast<float>(d.st.query), to = from + 1;
    const bool key_row = d.cell_step && d.st.key >= 0 &&
                         (d.st.stage == attn::Stage::Scores || d.st.stage == attn::Stage::WeightedSum);
    if (key_row && std::fabs(static_cast<float>(d.st.key) - from) * ch < body_h - ch * 2)
      from = std::min(from, static_cast<float>(d.st.key)),
      to = std::max(to, static_cast<float>(d.st.key) + 1);
    ImGui::SetScrollY(std::max(0.0f, ch * (from + to) * 0.5f - body_h * 0.5f));
  }
  ImGui::EndChild();
}

// While the step view's numbers come from WebGPU: what computed them, or the run in progress.
void gpu_banner(const AppState& s) {
  const GpuView& g = s.derived().gpu;
  if (s.view.backend != Backend::WebGpu) return;
  if (g.in_flight >= 0 || g.version != s.derived().result_version) {
    const float elapsed = static_cast<float>(ImGui::GetTime() - g.started);
    const std::string label = say(s, "step.gpu_computing", {attn::fixed_arg("s", elapsed, 1)});
    ImGui::ProgressBar(std::fmod(elapsed, 1.0f), ImVec2(ImGui::GetFontSize() * 16, 0), label.c_str());
    ImGui::SameLine();
    text_note("%s", words(s, "step.gpu_meanwhile").c_str());
    return;
  }
  if (gpu_head(s)) {
    ImGui::TextUnformatted(say(s, g.status).c_str());
    help_marker(words(s, "step.gpu_help").c_str());
  } else {
    ImGui::TextWrapped("%s", say(s, g.status).c_str());
  }
}

}  // namespace

void panel_step_view(AppState& s) {
  if (!result_matches_problem(s)) return ImGui::TextDisabled("%s", words(s, "narration.recomputing").c_str());
  gpu_banner(s);
  const attn::HeadTrace<double>& t = *shown_head(s);
  if (s.settings.variant == attn::Variant::Linear) {
    ImGui::TextWrapped("%s", words(s, "step.linear").c_str());
    const std::string implied = words(s, "step.implied_a");
    HeatmapOptions opt;
    opt.palette = Palette::Sequential;
    opt.value_name = implied.c_str();
    opt.show_values = s.view.show_values;
    opt.held = held_back(s, Held::Softmax);
    const std::vector<std::string> rows = attn::query_labels(s.problem()),
                                   cols = attn::key_labels(s.problem());
    opt.cell = heatmap_fit_cell(ImGui::GetContentRegionAvail(), static_cast<int>(t.weights.rows()),
                                static_cast<int>(t.weights.cols()), rows, cols);
    return heatmap("implied", t.weights, rows, cols, opt);
  }
  if (s.settings.variant == attn::Variant::Flash) text_note("%s", words(s, "step.flash").c_str());
  const int L = static_cast<int>(t.weights.rows()), S = static_cast<int>(t.weights.cols());
  if (L > kMaxStepTokens || S > kMaxStepTokens) {
    const WeightsMap& wm = s.derived().weights_map;
    ImGui::TextWrapped("%s", say(s, "step.too_many",
                                 {attn::count_arg("l", L), attn::count_arg("s", S),
                                  attn::count_arg("max", kMaxStepTokens), attn::count_arg("head", wm.head),
                                  attn::count_arg("rows", static_cast<double>(wm.map.rows())),
                                  attn::count_arg("cols", static_cast<double>(wm.map.cols())),
                                  attn::count_arg("rows_per_block", wm.rows_per_block),
                                  attn::count_arg("cols_per_block", wm.cols_per_block)})
                                 .c_str());
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    block_map(wm.map, std::max(ImGui::GetFontSize() * 4, std::min(avail.x, avail.y)));
    return;
  }
  const StepData d = step_data(s, t);

  const std::string hint = words(s, "step.hover_note");
  Space sp;
  sp.font = ImGui::GetFontSize();
  sp.gap = sp.font * 1.2f;
  sp.title_h = ImGui::GetTextLineHeightWithSpacing();
  sp.legend_h = legend_height();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // (room for the line under the maps: the hint, or why the numbers are not printed — whichever is longer;
  // wrapped at spaces, a line more than ImGui's own wrapping may take)
  const std::string hidden = words(s, "step.values_hidden");
  const float note_h = std::max(ImGui::CalcTextSize(hint.c_str(), nullptr, false, avail.x).y,
                                ImGui::CalcTextSize(hidden.c_str(), nullptr, false, avail.x).y);
  sp.hint_h = note_h + ImGui::GetTextLineHeight() * 0.5f + ImGui::GetStyle().ItemSpacing.y * 3;
  sp.avail = avail;
  sp.number_w = 0;
  if (s.view.show_values)
    for (const attn::MatD* m : {&t.q, &t.k, &t.scores, &t.scaled, &t.v, &t.output})
      sp.number_w = std::max(sp.number_w, value_width(*m));
  const Cells pipeline = pipeline_cells(d, sp);
  const size_t before = drawn_heatmaps().size();
  if (pipeline.w > 0) {
    draw_pipeline(s, d, pipeline);
  } else {
    draw_stage(s, d, sp);
  }
  bool values_fit = true;  // (or the hint says why the numbers are not in the cells)
  for (size_t k = before; k < drawn_heatmaps().size(); ++k)
    if (drawn_heatmaps()[k].values_wanted && !drawn_heatmaps()[k].values_shown) values_fit = false;
  if (s.view.show_values && !values_fit)
    text_note("%s", words(s, "step.values_hidden").c_str());
  else if (!s.view.projector)  // (a projector's room is the class's: the hint is for whoever holds the mouse)
    text_note("%s", words(s, s.platform.touch ? "step.tap_note" : "step.hover_note").c_str());
}

}  // namespace ui
