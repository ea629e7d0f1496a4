// The step-through: controls (buttons, play, scrubber, stage jumps), keyboard, and the matrix view laid out
// like the product it computes:        Kᵀ
//                                  Q   M   V  O      (M = the current stage's L×S matrix)
// [SECTION] controls · keys · step view
#include <imgui.h>
#include <imgui_internal.h>  // (SetKeyOwner: the step keys and ImGui's keyboard navigation share the keyboard)

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

namespace {

// The L×S matrix shown for a stage and its name.
const attn::MatD& stage_matrix(const attn::HeadTrace<double>& t, attn::Stage st, const char** name) {
  switch (st) {
    case attn::Stage::Scores:
      *name = "scores  s = Q·Kᵀ";
      return t.scores;
    case attn::Stage::Scale:
      *name = "scaled  ŝ = s / √d_k";
      return t.scaled;
    case attn::Stage::Mask:
      *name = "masked  m (−∞ = blocked)";
      return t.masked;
    default:
      *name = "weights  a = softmax(m)";
      return t.weights;
  }
}

// How many cells of the stage matrix (row-major) exist at this step.
int revealed_cells(const attn::Step& st, int S) {
  if (st.stage == attn::Stage::WeightedSum) return -1;
  const int row_start = st.query * S;
  switch (st.phase) {
    case attn::Phase::Row:
      return row_start + S;
    case attn::Phase::Cell:
      return row_start + st.key + 1;
    case attn::Phase::Divide:
      return row_start + st.key + 1;
    default:
      return row_start;  // max, exp, sum: this row's weights are not final yet
  }
}

}  // namespace

// [SECTION] controls -------------------------------------------------------------------------------------

void panel_controls(AppState& s) {
  const attn::Step st = s.step();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  bool first = true;
  // Continues the line if an item of width w still fits, else wraps (the bar flows at large UI scales).
  auto flow = [&](float w) {
    if (!first && ImGui::GetItemRectMax().x + style.ItemSpacing.x + w <= right) ImGui::SameLine();
    first = false;
  };
  auto button = [&](const char* label, const char* tip) {
    flow(ImGui::CalcTextSize(label).x + style.FramePadding.x * 2);
    const bool pressed = ImGui::Button(label);
    if (tip && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
    return pressed;
  };
  if (button("|◀", "First step (Home)")) step_to(s, 0);
  if (button("◀◀", "Previous stage (Shift+←)")) jump_stage(s, -1);
  if (button("◀", "Previous step (←)")) step_by(s, -1);
  if (button(s.playing ? "■ Pause" : "▶ Play ", "Play / pause (Space)")) s.playing = !s.playing;
  if (button("▶", "Next step (→)")) step_by(s, 1);
  if (button("▶▶", "Next stage (Shift+→)")) jump_stage(s, 1);
  if (button("▶|", "Last step (End)")) step_to(s, st.total - 1);
  flow(ImGui::GetFontSize() * 7);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  ImGui::SliderFloat("##speed", &s.steps_per_second, 0.5f, 30.0f, "%.1f steps/s",
                     ImGuiSliderFlags_Logarithmic);
  int g = s.granularity == attn::Granularity::Cell ? 0 : 1;
  flow(ImGui::CalcTextSize("cell by cell").x + ImGui::GetFrameHeight() * 2);
  bool regranulate = ImGui::RadioButton("cell by cell", &g, 0);
  flow(ImGui::CalcTextSize("row by row").x + ImGui::GetFrameHeight() * 2);
  regranulate |= ImGui::RadioButton("row by row", &g, 1);
  if (regranulate) {  // keep the learner at the same stage and query
    s.granularity = g == 0 ? attn::Granularity::Cell : attn::Granularity::Row;
    s.step_index = attn::step_index(st.stage, st.query, std::max(st.key, 0), st.phase, s.problem.query_len(),
                                    s.problem.key_len(), s.granularity);
  }

  first = true;  // the stage buttons start a new line
  for (int k = 0; k < attn::kStageCount; ++k) {
    const bool current = static_cast<int>(st.stage) == k;
    if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (button(words(s, std::string("stage.") + attn::kStages[k].id).c_str(), nullptr))
      step_to(s, attn::step_index(static_cast<attn::Stage>(k), st.query, 0, attn::Phase::Max,
                                  s.problem.query_len(), s.problem.key_len(), s.granularity));
    if (current) ImGui::PopStyleColor();
  }
  flow(ImGui::GetFontSize() * 10);
  ImGui::SetNextItemWidth(-FLT_MIN);
  attn::StepIndex index = st.index;
  const attn::StepIndex first_step = 0, last_step = st.total - 1;
  char label[64];
  std::snprintf(label, sizeof label, "step %lld of %lld", static_cast<long long>(st.index + 1),
                static_cast<long long>(st.total));
  if (ImGui::SliderScalar("##scrub", ImGuiDataType_S64, &index, &first_step, &last_step, label))
    step_to(s, index);
}

// [SECTION] keys -----------------------------------------------------------------------------------------

void handle_keys(AppState& s) {
  // Keyboard navigation (Tab to every control, Enter or Space to use it, Esc to leave) shares the keys with
  // the step-through: while its focus is not on screen, the step keys belong to the step-through (ImGui's
  // navigation only takes keys nobody owns).
  const bool nav = ImGui::GetIO().NavVisible;
  static const ImGuiID kStepper = ImGui::GetID("##stepper");
  for (ImGuiKey k : {ImGuiKey_LeftArrow, ImGuiKey_RightArrow, ImGuiKey_UpArrow, ImGuiKey_DownArrow,
                     ImGuiKey_Space, ImGuiKey_Home, ImGuiKey_End, ImGuiKey_PageUp, ImGuiKey_PageDown,
                     ImGuiKey_Enter, ImGuiKey_KeypadEnter})
    ImGui::SetKeyOwner(k, nav ? ImGuiKeyOwner_None : kStepper);
  if (ImGui::GetIO().WantTextInput || nav) return;
  const bool shift = ImGui::GetIO().KeyShift;
  const bool lesson = lesson_page(s) != nullptr;
  if (ImGui::IsKeyPressed(ImGuiKey_Enter, false) || ImGui::IsKeyPressed(ImGuiKey_KeypadEnter, false))
    s.frame.arithmetic = true;  // (the step view opens the current cell's whole arithmetic)
  if (prediction_open(s)) {     // 1–9 pick the prediction's choices (instead of jumping to a stage)
    const CheckResult& r = s.derived.lesson_check.result;
    for (int k = 0; k < 9 && k < static_cast<int>(r.choices.size()); ++k)
      if (ImGui::IsKeyPressed(static_cast<ImGuiKey>(ImGuiKey_1 + k), false))
        s.lesson.answer = r.choices[static_cast<size_t>(k)];
  }
  if (lesson) {  // a presenter's clicker sends PageDown/PageUp or →/←: they turn the lesson's pages
    if (ImGui::IsKeyPressed(ImGuiKey_PageDown) || (!shift && ImGui::IsKeyPressed(ImGuiKey_RightArrow)))
      return lesson_next(s);
    if (ImGui::IsKeyPressed(ImGuiKey_PageUp) || (!shift && ImGui::IsKeyPressed(ImGuiKey_LeftArrow)))
      return lesson_back(s);
    if (ImGui::IsKeyPressed(ImGuiKey_Period)) step_by(s, 1);  // (steps: "." and ",")
    if (ImGui::IsKeyPressed(ImGuiKey_Comma)) step_by(s, -1);
  }
  if (!lesson && s.view.panel == Panel::Variants &&
      s.view.variants.section == VariantSection::Flash) {  // tiles, not steps
    int& tile = s.view.variants.flash_step;
    if (ImGui::IsKeyPressed(ImGuiKey_RightArrow)) ++tile;
    if (ImGui::IsKeyPressed(ImGuiKey_LeftArrow)) tile = std::max(0, tile - 1);
    if (ImGui::IsKeyPressed(ImGuiKey_Home)) tile = 0;
    return;
  }
  if (ImGui::IsKeyPressed(ImGuiKey_RightArrow)) shift ? jump_stage(s, 1) : step_by(s, 1);   // (in a lesson:
  if (ImGui::IsKeyPressed(ImGuiKey_LeftArrow)) shift ? jump_stage(s, -1) : step_by(s, -1);  // Shift only)
  if (ImGui::IsKeyPressed(ImGuiKey_Home)) step_to(s, 0);
  if (ImGui::IsKeyPressed(ImGuiKey_End)) step_to(s, s.step().total - 1);
  if (ImGui::IsKeyPressed(ImGuiKey_Space, false)) s.playing = !s.playing;
  if (ImGui::IsKeyPressed(ImGuiKey_UpArrow)) select_query(s, s.step().query - 1);
  if (ImGui::IsKeyPressed(ImGuiKey_DownArrow)) select_query(s, s.step().query + 1);
  if (ImGui::IsKeyPressed(ImGuiKey_S, false)) next_scenario(s, shift ? -1 : 1);
  if (ImGui::IsKeyPressed(ImGuiKey_P, false)) {
    const ImVec2 d = ImGui::GetIO().DisplaySize;
    set_projector(s, !s.view.projector, d.x, d.y);
  }
  for (int k = 0; k < attn::kStageCount && !prediction_open(s); ++k)
    if (ImGui::IsKeyPressed(static_cast<ImGuiKey>(ImGuiKey_1 + k), false)) {
      const attn::Step st = s.step();
      step_to(s, attn::step_index(static_cast<attn::Stage>(k), st.query, 0, attn::Phase::Max,
                                  s.problem.query_len(), s.problem.key_len(), s.granularity));
    }
}

// [SECTION] step view ------------------------------------------------------------------------------------

// While the step view's numbers come from WebGPU: what computed them, or the run in progress.
void gpu_banner(const AppState& s) {
  const GpuView& g = s.derived.gpu;
  if (s.view.backend != Backend::WebGpu) return;
  if (g.in_flight >= 0 || g.version != s.derived.result_version) {
    const float elapsed = static_cast<float>(ImGui::GetTime() - g.started);
    char label[64];
    std::snprintf(label, sizeof label, "computing on WebGPU… %.1f s", elapsed);
    ImGui::ProgressBar(std::fmod(elapsed, 1.0f), ImVec2(ImGui::GetFontSize() * 16, 0), label);
    ImGui::SameLine();
    text_note("the CPU's numbers are shown meanwhile");
    return;
  }
  if (gpu_head(s)) {
    ImGui::TextUnformatted(g.status.c_str());
    help_marker(
        "Scores and scaling come from the CPU trace: the GPU fuses Q·Kᵀ, the scale and the mask into one "
        "kernel, so its first intermediate is the masked matrix. The narration below uses the exact CPU "
        "trace (f64); hover a cell for both numbers.");
  } else {
    ImGui::TextWrapped("%s", g.status.c_str());
  }
}

void panel_step_view(AppState& s) {
  if (!result_matches_problem(s)) return ImGui::TextDisabled("Recomputing…");
  gpu_banner(s);
  const GpuView::Head* gpu = gpu_head(s);
  const attn::HeadTrace<double>& t = *shown_head(s);
  if (s.problem.variant == attn::Variant::Linear) {
    ImGui::TextWrapped(
        "Linear attention has no softmax to step through: it is φ(Q)·(φ(K)ᵀ·V), normalised. The "
        "implied weights it puts on each key are below; Variants → Linear shows how it is "
        "computed and how far it is from softmax attention.");
    HeatmapOptions opt;
    opt.palette = Palette::Sequential;
    opt.value_name = "implied a";
    opt.show_values = s.view.show_values;
    opt.held = held_back(s, Held::Softmax);
    const std::vector<std::string> rows = attn::query_labels(s.problem), cols = attn::key_labels(s.problem);
    opt.cell = heatmap_fit_cell(ImGui::GetContentRegionAvail(), static_cast<int>(t.weights.rows()),
                                static_cast<int>(t.weights.cols()), rows, cols);
    return heatmap("implied", t.weights, rows, cols, opt);
  }
  if (s.problem.variant == attn::Variant::Flash)
    text_note(
        "Flash attention gives these same numbers tile by tile (Variants → Flash tiles); the "
        "steps below are the standard computation.");
  const int L = static_cast<int>(t.weights.rows()), S = static_cast<int>(t.weights.cols());
  if (L > kMaxStepTokens || S > kMaxStepTokens) {
    const WeightsMap& wm = s.derived.weights_map;
    ImGui::TextWrapped(
        "%d × %d tokens is more than the step-through shows (%d). The Tokens and Distribution views still "
        "work. Below: head %d's weights as %d × %d blocks of %d × %d tokens; each block is the mean over its "
        "rows of the weights' sum over its keys (each row of blocks sums to 1), colour = √(block ÷ the "
        "largest).",
        L, S, kMaxStepTokens, wm.head, static_cast<int>(wm.map.rows()), static_cast<int>(wm.map.cols()),
        wm.rows_per_block, wm.cols_per_block);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    block_map(wm.map, std::max(ImGui::GetFontSize() * 4, std::min(avail.x, avail.y)));
    return;
  }
  const attn::Step st = s.step();
  const int dk = static_cast<int>(t.q.cols()), dv = static_cast<int>(t.v.cols());
  const std::vector<std::string> qlab = attn::query_labels(s.problem), klab = attn::key_labels(s.problem);
  const std::vector<std::string> dims_k = index_labels(dk), dims_v = index_labels(dv), none;
  const attn::MatD kt = t.k.transpose();
  const char* m_name = "";
  const attn::MatD& cpu_m = stage_matrix(t, st.stage, &m_name);
  const attn::MatD& m = !gpu                               ? cpu_m
                        : st.stage == attn::Stage::Mask    ? gpu->masked
                        : st.stage >= attn::Stage::Softmax ? gpu->weights
                                                           : cpu_m;
  const bool m_from_gpu = &m != &cpu_m;

  // Cell size: the widest and tallest arrangement must fit.
  const float font = ImGui::GetFontSize();
  const float gap = font * 1.6f;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  HeatmapOptions lab;  // for measuring gutters
  lab.legend = false;
  const ImVec2 g_rows = heatmap_size(0, 0, 0, qlab, none, lab),
               g_keys = heatmap_size(0, 0, 0, none, klab, lab);
  const ImVec2 g_vrows = heatmap_size(0, 0, 0, klab, none, lab);
  const float title_h = ImGui::GetTextLineHeightWithSpacing();
  const float width_cells = static_cast<float>(dk + S + dv + dv);
  const float height_cells = static_cast<float>(dk + std::max(L, S));
  // (Too tall for the view: it scrolls down, with cells no smaller than half a letter. Too wide: the cells
  // shrink, since sideways scrolling would hide O from a projector.)
  const float fit_w = (avail.x - g_rows.x - g_vrows.x - gap * 3) / width_cells;
  const float fit_h = (avail.y - g_keys.y - title_h * 2 - gap) / height_cells;
  const float cell = std::max(1.0f, std::min({fit_w, std::max(fit_h, font * 0.5f), font * 3.0f}));

  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float x_q = o.x + g_rows.x;
  const float x_m = x_q + cell * static_cast<float>(dk) + gap;
  const float y_kt = o.y + title_h + g_keys.y;
  const float y_m = y_kt + cell * static_cast<float>(dk) + gap + title_h;
  const float x_v = x_m + cell * static_cast<float>(S) + gap + g_vrows.x;
  const float x_o = x_v + cell * static_cast<float>(dv) + gap;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const bool cell_step =
      st.phase == attn::Phase::Cell || st.phase == attn::Phase::Exp || st.phase == attn::Phase::Divide;
  const bool scores_stage = st.stage == attn::Stage::Scores, sum_stage = st.stage == attn::Stage::WeightedSum;

  auto draw = [&](const char* id, const char* title, ImVec2 at, const attn::MatD& mat,
                  const std::vector<std::string>& rows, const std::vector<std::string>& cols,
                  HeatmapOptions opt, int* hr = nullptr, int* hc = nullptr) {
    opt.cell = cell;
    opt.show_values = s.view.show_values;
    opt.value_name = id;
    const float left = opt.row_labels ? heatmap_size(0, 0, 0, rows, none, lab).x : 0;
    const float top = opt.col_labels ? heatmap_size(0, 0, 0, none, cols, lab).y : 0;
    dl->AddText(ImVec2(at.x, at.y - top - title_h), text, title);
    ImGui::SetCursorScreenPos(ImVec2(at.x - left, at.y - top));
    heatmap(id, mat, rows, cols, opt, hr, hc);
  };

  HeatmapOptions q_opt;
  q_opt.col_labels = false;
  q_opt.highlight_row = st.query;
  draw("q", "Q", ImVec2(x_q, y_m), t.q, qlab, dims_k, q_opt);

  HeatmapOptions kt_opt;
  kt_opt.row_labels = false;
  if (scores_stage && cell_step) kt_opt.highlight_col = st.key;
  draw("kᵀ", "Kᵀ", ImVec2(x_m, y_kt), kt, dims_k, klab, kt_opt);

  HeatmapOptions m_opt;
  m_opt.palette = st.stage >= attn::Stage::Softmax ? Palette::Sequential : Palette::Diverging;
  m_opt.row_labels = false;
  m_opt.col_labels = false;
  m_opt.revealed = revealed_cells(st, S);
  m_opt.held = held_back(s, static_cast<Held>(st.stage));
  m_opt.highlight_row = st.query;
  if (cell_step) m_opt.highlight_cell_row = st.query, m_opt.highlight_cell_col = st.key;
  m_opt.tooltip = [&](int i, int j) {
    attn::ExplainInput in;
    in.trace = &t;
    in.query_labels = qlab;
    in.key_labels = klab;
    in.scale = s.problem.scale;
    in.temperature = s.problem.temperature;
    in.mask = s.problem.mask;
    const int index = attn::step_index(st.stage == attn::Stage::WeightedSum ? attn::Stage::Softmax : st.stage,
                                       i, j, attn::Phase::Divide, L, S, attn::Granularity::Cell);
    std::string f = attn::explain_step(in, attn::step_at(index, L, S, attn::Granularity::Cell)).formula;
    if (m_from_gpu) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "\nWebGPU (f32): %.7g   CPU (f64): %.7g", m(i, j), cpu_m(i, j));
      f += buf;
    }
    return f;
  };
  int hr = -1, hc = -1;
  if (m_from_gpu) m_name = st.stage == attn::Stage::Mask ? "masked m (WebGPU)" : "weights a (WebGPU)";
  draw(st.stage >= attn::Stage::Softmax ? "a" : "s", m_name, ImVec2(x_m, y_m), m, qlab, klab, m_opt, &hr,
       &hc);
  if (hr >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Left))
    step_to(s, attn::step_index(st.stage, hr, hc, attn::Phase::Divide, L, S, s.granularity));

  HeatmapOptions v_opt;
  v_opt.col_labels = false;
  if (sum_stage && cell_step) v_opt.highlight_row = st.key;
  draw("v", "V", ImVec2(x_v, y_m), t.v, klab, dims_v, v_opt);

  HeatmapOptions o_opt;
  o_opt.row_labels = false;
  o_opt.col_labels = false;
  const bool row_done = !cell_step || st.key == S - 1;
  o_opt.revealed = sum_stage ? (st.query + (row_done ? 1 : 0)) * dv : 0;
  o_opt.held = held_back(s, Held::WeightedSum);
  if (sum_stage) o_opt.highlight_row = st.query;
  draw("o", gpu ? "O = A·V (WebGPU)" : "O = A·V", ImVec2(x_o, y_m), gpu ? gpu->output : t.output, qlab,
       dims_v, o_opt);

  // A new step whose row is out of sight (a tall matrix in a short window): scroll it into the middle.
  if (s.frame.followed != s.step_index) {
    s.frame.followed = s.step_index;
    const float row_y = y_m + cell * static_cast<float>(st.query), top = ImGui::GetWindowPos().y;
    const float bottom = top + ImGui::GetWindowHeight();
    if (row_y < top + font * 2 || row_y + cell > bottom - font)
      ImGui::SetScrollY(ImGui::GetScrollY() + row_y - (top + bottom) * 0.5f);
  }
  ImGui::SetCursorScreenPos(
      ImVec2(o.x, y_m + cell * static_cast<float>(std::max(L, S)) + legend_height() + font * 0.5f));
  text_note("Hover a cell for its exact value; click a cell of the middle matrix to jump there.");
}

}  // namespace ui
