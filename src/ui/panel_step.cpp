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

// The L×S matrix shown for a stage and the id of its name.
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
std::string general(const AppState& s, double x, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  return attn::decimals(catalog(s), buf);
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
  auto button = [&](const std::string& label, const char* tip_id) {
    flow(ImGui::CalcTextSize(label.c_str(), nullptr, true).x + style.FramePadding.x * 2);
    const bool pressed = ImGui::Button(label.c_str());
    if (tip_id && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", words(s, tip_id).c_str());
    return pressed;
  };
  if (button("|◀", "step.first")) step_to(s, 0);
  if (button("◀◀", "step.previous_stage")) jump_stage(s, -1);
  if (button("◀", "step.previous")) step_by(s, -1);
  if (button(words(s, s.playing ? "step.pause" : "step.play"), "step.play_pause")) s.playing = !s.playing;
  if (button("▶", "step.next")) step_by(s, 1);
  if (button("▶▶", "step.next_stage")) jump_stage(s, 1);
  if (button("▶|", "step.last")) step_to(s, st.total - 1);
  flow(ImGui::GetFontSize() * 7);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  const std::string speed = slider_format(words(s, "step.speed"), "speed", s.steps_per_second, 1);
  if (ImGui::SliderFloat("##speed", &s.steps_per_second, 0.5f, 30.0f, speed.c_str(),
                         ImGuiSliderFlags_Logarithmic))
    s.steps_per_second = round_to(s.steps_per_second, 1);
  int g = s.granularity == attn::Granularity::Cell ? 0 : 1;
  const std::string cell_by_cell = words(s, "step.cell_by_cell") + "###cell_by_cell",
                    row_by_row = words(s, "step.row_by_row") + "###row_by_row";
  flow(ImGui::CalcTextSize(cell_by_cell.c_str(), nullptr, true).x + ImGui::GetFrameHeight() * 2);
  bool regranulate = ImGui::RadioButton(cell_by_cell.c_str(), &g, 0);
  flow(ImGui::CalcTextSize(row_by_row.c_str(), nullptr, true).x + ImGui::GetFrameHeight() * 2);
  regranulate |= ImGui::RadioButton(row_by_row.c_str(), &g, 1);
  if (regranulate) {  // keep the learner at the same stage and query
    s.granularity = g == 0 ? attn::Granularity::Cell : attn::Granularity::Row;
    s.step_index = attn::step_index(st.stage, st.query, std::max(st.key, 0), st.phase, s.problem.query_len(),
                                    s.problem.key_len(), s.granularity);
  }

  first = true;  // the stage buttons start a new line
  for (int k = 0; k < attn::kStageCount; ++k) {
    const bool current = static_cast<int>(st.stage) == k;
    if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    // (the stage where the problem's position shows: "1 Dot products + RoPE")
    const attn::PositionKindInfo& pos = attn::position_kind(s.problem.position.kind);
    std::string name = words(s, std::string("stage.") + attn::kStages[k].id);
    if (pos.stage && std::string(pos.stage) == attn::kStages[k].id)
      name = say(s, "stage.with_position",
                 {attn::text_arg("stage", name),
                  attn::words_arg("position", {std::string("position.") + pos.id + ".title", {}})});
    if (button(name, nullptr))
      step_to(s, attn::step_index(static_cast<attn::Stage>(k), st.query, 0, attn::Phase::Max,
                                  s.problem.query_len(), s.problem.key_len(), s.granularity));
    if (current) ImGui::PopStyleColor();
  }
  flow(ImGui::GetFontSize() * 10);
  ImGui::SetNextItemWidth(-FLT_MIN);
  attn::StepIndex index = st.index;
  const attn::StepIndex first_step = 0, last_step = st.total - 1;
  std::string label = say(s, "step.scrub",
                          {attn::count_arg("i", static_cast<double>(st.index + 1)),
                           attn::count_arg("n", static_cast<double>(st.total))});
  for (size_t at = label.find('%'); at != std::string::npos; at = label.find('%', at + 2))
    label.insert(at, "%");
  if (ImGui::SliderScalar("##scrub", ImGuiDataType_S64, &index, &first_step, &last_step, label.c_str()))
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
    const CheckResult& r = s.derived().lesson_check.result;
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

void panel_step_view(AppState& s) {
  if (!result_matches_problem(s)) return ImGui::TextDisabled("%s", words(s, "narration.recomputing").c_str());
  gpu_banner(s);
  const GpuView::Head* gpu = gpu_head(s);
  const attn::HeadTrace<double>& t = *shown_head(s);
  if (s.problem.variant == attn::Variant::Linear) {
    ImGui::TextWrapped("%s", words(s, "step.linear").c_str());
    const std::string implied = words(s, "step.implied_a");
    HeatmapOptions opt;
    opt.palette = Palette::Sequential;
    opt.value_name = implied.c_str();
    opt.show_values = s.view.show_values;
    opt.held = held_back(s, Held::Softmax);
    const std::vector<std::string> rows = attn::query_labels(s.problem), cols = attn::key_labels(s.problem);
    opt.cell = heatmap_fit_cell(ImGui::GetContentRegionAvail(), static_cast<int>(t.weights.rows()),
                                static_cast<int>(t.weights.cols()), rows, cols);
    return heatmap("implied", t.weights, rows, cols, opt);
  }
  if (s.problem.variant == attn::Variant::Flash) text_note("%s", words(s, "step.flash").c_str());
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
  const attn::Step st = s.step();
  const int dk = static_cast<int>(t.q.cols()), dv = static_cast<int>(t.v.cols());
  const std::vector<std::string> qlab = attn::query_labels(s.problem), klab = attn::key_labels(s.problem);
  const std::vector<std::string> dims_k = index_labels(dk), dims_v = index_labels(dv), none;
  const attn::MatD kt = t.k.transpose();
  const char* m_name_id = "";
  const attn::MatD& cpu_m = stage_matrix(t, st.stage, &m_name_id);
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
    const attn::ExplainInput in = attn::explain_input(s.problem, t, s.view.head);
    const int index = attn::step_index(st.stage == attn::Stage::WeightedSum ? attn::Stage::Softmax : st.stage,
                                       i, j, attn::Phase::Divide, L, S, attn::Granularity::Cell);
    std::string f = attn::say_formula(
        catalog(s), attn::explain_step(in, attn::step_at(index, L, S, attn::Granularity::Cell)).formula);
    if (m_from_gpu)
      f += "\n" + say(s, "step.gpu_cpu",
                      {attn::text_arg("gpu", general(s, m(i, j), 7)),
                       attn::text_arg("cpu", general(s, cpu_m(i, j), 7))});
    return f;
  };
  int hr = -1, hc = -1;
  if (m_from_gpu)
    m_name_id = st.stage == attn::Stage::Mask ? "step.matrix.mask_gpu" : "step.matrix.softmax_gpu";
  const std::string m_name = words(s, m_name_id);
  draw(st.stage >= attn::Stage::Softmax ? "a" : "s", m_name.c_str(), ImVec2(x_m, y_m), m, qlab, klab, m_opt,
       &hr, &hc);
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
  text_note("%s", words(s, "step.hover_note").c_str());
}

}  // namespace ui
