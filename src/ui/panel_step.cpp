// The step-through's controls (buttons, play, scrubber, stage jumps) and keyboard; the matrices it steps
// through are panel_step_view.cpp.
// [SECTION] controls · keys
#include <imgui.h>
#include <imgui_internal.h>  // (SetKeyOwner: the step keys and ImGui's keyboard navigation share the keyboard)

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "state/lesson.h"
#include "ui/panels.h"
#include "state/undo.h"
#include "ui/widgets.h"

namespace ui {

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
    if (tip_id) mark_target(tip_id);  // ("step.next": page scripts and tests press it by name)
    if (tip_id && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", words(s, tip_id).c_str());
    return pressed;
  };
  if (s.frame.narrow && button("☰", "step.input_drawer")) s.frame.drawer = true;  // (the input panel)
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
    s.step_index = attn::step_index(st.stage, st.query, std::max(st.key, 0), st.phase,
                                    s.problem().query_len(), s.problem().key_len(), s.granularity);
  }

  first = true;  // the stage buttons start a new line
  for (int k = 0; k < attn::kStageCount; ++k) {
    const bool current = static_cast<int>(st.stage) == k;
    if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    // (the stage where the problem's position shows: "1 Dot products + RoPE")
    const attn::PositionKindInfo& pos = attn::position_kind(s.problem().position.kind);
    std::string name = words(s, std::string("stage.") + attn::kStages[k].id);
    if (pos.stage && std::string(pos.stage) == attn::kStages[k].id)
      name = say(s, "stage.with_position",
                 {attn::text_arg("stage", name),
                  attn::words_arg("position", {std::string("position.") + pos.id + ".title", {}})});
    if (button(name, nullptr))
      step_to(s, attn::step_index(static_cast<attn::Stage>(k), st.query, 0, attn::Phase::Max,
                                  s.problem().query_len(), s.problem().key_len(), s.granularity));
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
  if (ImGui::GetIO().KeyCtrl ||
      ImGui::GetIO().KeySuper) {  // Ctrl+Z undoes an edit, Ctrl+Shift+Z or Ctrl+Y redoes
    if (ImGui::IsKeyPressed(ImGuiKey_Z, false)) shift ? redo_edit(s, s.history) : undo_edit(s, s.history);
    if (ImGui::IsKeyPressed(ImGuiKey_Y, false)) redo_edit(s, s.history);
    return;  // (Ctrl with a letter is never a step key)
  }
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
    set_projector(s, !s.view.projector, d.x / s.platform.pixel_ratio, d.y / s.platform.pixel_ratio);
  }
  for (int k = 0; k < attn::kStageCount && !prediction_open(s); ++k)
    if (ImGui::IsKeyPressed(static_cast<ImGuiKey>(ImGuiKey_1 + k), false)) {
      const attn::Step st = s.step();
      step_to(s, attn::step_index(static_cast<attn::Stage>(k), st.query, 0, attn::Phase::Max,
                                  s.problem().query_len(), s.problem().key_len(), s.granularity));
    }
}

}  // namespace ui
