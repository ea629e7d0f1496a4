// Layout, menu bar, input panel and narration (see panels.h).
// [SECTION] helpers · layout · input · narration
#include "ui/panels.h"

#include <imgui.h>
#include <imgui_internal.h>  // (NavDisableHighlight: closing the arithmetic gives the arrows back to the steps)
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>

#include "ui/fit.h"
#include "ui/share.h"
#include "ui/style.h"
#include "ui/widgets.h"

namespace ui {

// [SECTION] helpers --------------------------------------------------------------------------------------

const attn::HeadTrace<double>* shown_head(const AppState& s) {
  if (!s.derived.has_result || s.derived.result.heads.empty()) return nullptr;
  const int h = std::clamp(s.view.head, 0, static_cast<int>(s.derived.result.heads.size()) - 1);
  return &s.derived.result.heads[static_cast<size_t>(h)];
}

bool result_matches_problem(const AppState& s) {
  const attn::HeadTrace<double>* h = shown_head(s);
  return h && h->weights.rows() == s.problem.query_len() && h->weights.cols() == s.problem.key_len();
}

void help_marker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}

namespace {

constexpr ImGuiWindowFlags kTile = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;

void place(const ImVec2& pos, const ImVec2& size) {
  ImGui::SetNextWindowPos(pos, ImGuiCond_Always);
  ImGui::SetNextWindowSize(size, ImGuiCond_Always);
}

// Handouts: the view as a picture, one matrix at print resolution, the numbers, the worked arithmetic in
// LaTeX (ui/handout.h); the app shell makes the file after this frame and downloads or saves it.
void handout_menu(AppState& s) {
  if (!ImGui::BeginMenu("Handout")) return;
  for (int k = 0; k < kHandoutCount; ++k) {
    if (static_cast<HandoutKind>(k) != HandoutKind::MatrixPng) {
      if (ImGui::MenuItem(kHandouts[k].title)) s.jobs.handout = {k, 0};
      continue;
    }
    if (!ImGui::BeginMenu(kHandouts[k].title)) continue;
    std::vector<attn::NamedMatrix> ms;
    try {
      ms = shown_matrices(s);
    } catch (const attn::ProblemError& e) {
      ImGui::TextDisabled("%s", e.what());
    }
    for (int m = 0; m < static_cast<int>(ms.size()); ++m)
      if (ImGui::MenuItem(ms[static_cast<size_t>(m)].name.c_str())) s.jobs.handout = {k, m};
    ImGui::EndMenu();
  }
  ImGui::Separator();
  if (s.platform.handout_downloads) {
    ImGui::TextDisabled("Files download to this computer; nothing is uploaded.");
  } else {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16);
    ImGui::InputText("folder to save in", &s.platform.handout_dir);
  }
  ImGui::EndMenu();
}

void menu_bar(AppState& s) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("View")) {
    const ImVec2 d = ImGui::GetIO().DisplaySize;
    if (ImGui::MenuItem("Projector", "P", s.view.projector)) set_projector(s, !s.view.projector, d.x, d.y);
    ImGui::SliderFloat("UI scale", &s.view.ui_scale, 1.0f, 3.0f, "%.2f×");
    ImGui::Checkbox("High contrast", &s.view.high_contrast);
    ImGui::Checkbox("Numbers in cells", &s.view.show_values);
    ImGui::Checkbox("Input panel", &s.view.input_panel);
    quiz_menu(s);
    ImGui::EndMenu();
  }
  lessons_menu(s);
  handout_menu(s);
  if (ImGui::BeginMenu(s.view.backend == Backend::WebGpu ? "Backend: WebGPU" : "Backend: CPU")) {
    if (ImGui::MenuItem("CPU (exact f64 trace)", nullptr, s.view.backend == Backend::Cpu))
      s.view.backend = Backend::Cpu;
    if (ImGui::MenuItem("WebGPU (f32 kernels)", nullptr, s.view.backend == Backend::WebGpu))
      s.view.backend = Backend::WebGpu;
    ImGui::TextDisabled(
        "The step narration always uses the exact CPU trace;\nWebGPU computes the weights and "
        "outputs shown.");
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Share")) {
    if (ImGui::MenuItem(s.platform.share_label.c_str())) s.jobs.share_requested = true;
    if (s.platform.open_from_clipboard && ImGui::MenuItem("Open a copied link or state")) {
      const char* text = ImGui::GetClipboardText();
      open_shared(s, text ? text : "");
    }
    ImGui::TextDisabled(
        "The sentence, the settings, the step and the view: whoever opens it\nsees exactly this (edited "
        "numbers travel too).");
    ImGui::EndMenu();
  }
  const char* title = "Attention Lab · softmax(QKᵀ/√d_k + mask)·V";
  const float room = ImGui::GetWindowWidth() - ImGui::GetCursorPosX();
  if (ImGui::CalcTextSize(title).x < room * 0.4f) ImGui::TextDisabled("%s", title);
  if (s.derived.has_result && s.derived.error.empty()) {
    const attn::Stats& st = s.derived.result.stats;
    char buf[160];
    const GpuView& g = s.derived.gpu;
    const bool on_gpu = gpu_head(s) != nullptr;
    std::snprintf(buf, sizeof buf, "computed on %s (%s) in %.2f ms · %d×%d tokens · %d head%s · mask: %s",
                  on_gpu ? "webgpu" : st.backend.c_str(), on_gpu ? "f32" : st.precision.c_str(),
                  on_gpu ? g.gpu_ms : st.time_ms, s.problem.query_len(), s.problem.key_len(),
                  s.problem.heads(), s.problem.heads() == 1 ? "" : "s",
                  attn::mask_name(s.problem.mask).c_str());
    const float w = ImGui::CalcTextSize(buf).x + ImGui::GetStyle().ItemSpacing.x * 2;
    if (ImGui::GetCursorPosX() + w < ImGui::GetWindowWidth()) {
      ImGui::SameLine(ImGui::GetWindowWidth() - w);
      ImGui::TextDisabled("%s", buf);
    }
  }
  ImGui::EndMainMenuBar();
}

// What draws each view of kViews (app_state.h), in the same order.
constexpr void (*kDraw[])(AppState&) = {panel_step_view,    panel_model,   panel_variants, panel_tokens,
                                        panel_distribution, panel_scaling, panel_numerics, panel_edit,
                                        panel_performance,  panel_overview};
static_assert(std::size(kDraw) == std::size(kViews), "a view without its draw function, or one too many");

void panel_main(AppState& s) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  for (int p = 0; p < kPanelCount; ++p) {
    const std::string words_title = words(s, std::string("view.") + kViews[p].id);
    const char* title = words_title.c_str();
    if (p && ImGui::GetItemRectMax().x + ImGui::CalcTextSize(title).x + ImGui::GetStyle().ItemSpacing.x * 2 <
                 right)
      ImGui::SameLine();
    if (ImGui::Selectable(title, s.view.panel == static_cast<Panel>(p), 0,
                          ImVec2(ImGui::CalcTextSize(title).x, 0)))
      s.view.panel = static_cast<Panel>(p);
  }
  ImGui::Separator();
  if (!s.notice.empty()) {  // until closed: "link copied", or why a link could not be opened
    if (ImGui::SmallButton("Close")) s.notice.clear();
    ImGui::SameLine();
    ImGui::TextWrapped("%s", s.notice.c_str());
    ImGui::Separator();
  }
  // Another view (or Variants part) starts at its top, not where the last one was scrolled to.
  FrameState& f = s.frame;
  if (!f.shown_once || f.shown_panel != s.view.panel || f.shown_part != s.view.variants.section) {
    f.shown_once = true;
    f.shown_panel = s.view.panel;
    f.shown_part = s.view.variants.section;
    f.followed = -1;
    ImGui::SetScrollY(0);
  }
  held_line(s);
  if (!s.derived.has_result) return ImGui::TextWrapped("Nothing computed yet: %s", s.derived.error.c_str());
  s.frame.mask_grid[0] = s.frame.mask_grid[1] = -1;  // set again by the mask grid if it is drawn
  s.frame.global_chips.clear();                      // (and by the global-token buttons)
  kDraw[static_cast<int>(s.view.panel)](s);
}

}  // namespace

// [SECTION] layout ---------------------------------------------------------------------------------------

void draw_frame(AppState& s) {
  handle_keys(s);
  advance_playback(s, ImGui::GetIO().DeltaTime);
  set_highlight_weight(s.view.projector ? 2.0f : 1.0f);
  hold_interview_answers(held_now(s) != 0);
  menu_bar(s);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 o = vp->WorkPos, size = vp->WorkSize;
  const float line = ImGui::GetFrameHeightWithSpacing();
  // The left column — an open lesson (even in the Projector preset: it is the lesson), else the input panel:
  // a quarter of the width, at least 250 px at 1× (its text stays readable), at most 30 % (so at 2× on a
  // projector the matrices keep most of the screen).
  const bool lesson = lesson_page(s) != nullptr;
  const float left_w =
      lesson || s.view.input_panel
          ? std::clamp(size.x * 0.24f, std::min(250.0f * s.view.ui_scale, size.x * 0.3f), size.x * 0.3f)
          : 0.0f;
  const float right_w = size.x - left_w;
  // The controls wrap onto more lines when the window is narrow for the UI scale (presenter mode): their
  // height is what they took last frame (two lines before the first).
  const float pad = ImGui::GetStyle().WindowPadding.y;
  const float controls_h = s.frame.controls_h > 0 ? s.frame.controls_h : line * 2 + pad * 2;
  const float narration_h = std::clamp(size.y * 0.22f, line * 4.5f, size.y * 0.4f);

  if (lesson) {
    place(o, ImVec2(left_w, size.y));
    if (ImGui::Begin("Lesson", nullptr, kTile)) panel_lesson(s);
    ImGui::End();
  } else if (s.view.input_panel) {
    place(o, ImVec2(left_w, size.y));
    if (ImGui::Begin("Input", nullptr, kTile)) panel_input(s);
    ImGui::End();
  }
  place(ImVec2(o.x + left_w, o.y), ImVec2(right_w, controls_h));
  if (ImGui::Begin("Controls", nullptr, kTile | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) {
    panel_controls(s);
    s.frame.controls_h =
        std::min(ImGui::GetCursorPosY() - ImGui::GetStyle().ItemSpacing.y + pad, size.y * 0.3f);
  }
  ImGui::End();
  place(ImVec2(o.x + left_w, o.y + controls_h), ImVec2(right_w, size.y - controls_h - narration_h));
  // (Views are laid out to fit the width, tested at every classroom size. No sideways scrollbar: with one,
  // wrapped text wraps at the content's width instead of the window's.)
  if (ImGui::Begin("Main", nullptr, kTile | ImGuiWindowFlags_NoTitleBar)) panel_main(s);
  ImGui::End();
  // (Some window must have the focus for Tab to reach the controls from the first key press on.)
  if (!ImGui::IsWindowFocused(ImGuiFocusedFlags_AnyWindow)) ImGui::SetWindowFocus("Main");
  place(ImVec2(o.x + left_w, o.y + size.y - narration_h), ImVec2(right_w, narration_h));
  if (ImGui::Begin("What this step does", nullptr, kTile)) panel_narration(s);
  ImGui::End();
  arithmetic_popup(s);
}

// [SECTION] input ----------------------------------------------------------------------------------------

static void sentence_inputs(AppState& s);
static void problem_settings(AppState& s, const attn::Scenario* current);

void panel_input(AppState& s) {
  const attn::Scenario* current = s.scenario();
  const std::string model_title = s.model ? "A real model: " + s.model->name : "";
  ImGui::SetNextItemWidth(-FLT_MIN);
  const char* shown = current                     ? current->title.c_str()
                      : s.source == Source::Model ? model_title.c_str()
                                                  : "Your own sentence (random vectors)";
  if (ImGui::BeginCombo("##scenario", shown)) {
    if (s.model && ImGui::Selectable(model_title.c_str(), s.source == Source::Model && !current))
      use_model(s);
    if (ImGui::Selectable("Your own sentence (random vectors)", !current && s.source != Source::Model))
      rebuild_from_sentence(s);
    for (const attn::Scenario& sc : s.scenarios)
      if (ImGui::Selectable(sc.title.c_str(), current == &sc)) load_scenario(s, sc);
    ImGui::EndCombo();
  }
  if (current && ImGui::CollapsingHeader("About this scenario", ImGuiTreeNodeFlags_DefaultOpen))
    ImGui::TextWrapped("%s", current->framing.c_str());

  if (s.source == Source::Model) {
    model_input_panel(s);
  } else {
    sentence_inputs(s);
  }
  text_note(s.problem.query_len() == 1 ? "%d token:" : "%d tokens (click one to follow it):",
            s.problem.query_len());
  const attn::Step st = s.step();
  const int clicked = token_chips(attn::query_labels(s.problem), [&](int i) { return i == st.query; });
  if (clicked >= 0)
    s.step_index = attn::step_index(st.stage, clicked, 0, attn::Phase::Max, s.problem.query_len(),
                                    s.problem.key_len(), s.granularity);
  ImGui::Separator();
  problem_settings(s, current);
}

static void sentence_inputs(AppState& s) {
  ImGui::TextWrapped("Sentence (each token gets a query, a key and a value):");
  if (text_input_wrapped("##sentence", &s.sentence, 3.2f)) rebuild_from_sentence(s);
  ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 2);
  if (ImGui::InputTextWithHint("##keys", "keys from another sentence (cross-attention)", &s.key_sentence))
    rebuild_from_sentence(s);
  help_marker(
      "Cross-attention: the queries come from the sentence above, the keys and values from this one "
      "(as a translation model's decoder reads its source sentence). Leave it empty for self-attention.");
}

static void problem_settings(AppState& s, const attn::Scenario* current) {
  ImGui::PushItemWidth(item_width_beside("global tokens"));
  if (s.source == Source::Model) {
    ImGui::TextWrapped(
        "Q, K and V are this layer's X·W_Q + b, X·W_K + b, X·W_V + b, from the model's weights.");
  } else if (s.source == Source::Direct) {
    ImGui::TextWrapped("Q, K and V are typed directly (Edit numbers).");
  } else if (current) {
    ImGui::TextWrapped("Hand-designed vectors: %d named features → d_k = %d. Edit them in “Edit numbers”.",
                       s.setup.d_model, s.setup.d_k);
  } else {
    bool changed = ImGui::SliderInt("d_model", &s.setup.d_model, 2, 64);
    help_marker("Width of each token's embedding x (the input to W_Q, W_K, W_V).");
    changed |= ImGui::SliderInt("d_k", &s.setup.d_k, 1, 64);
    help_marker("Width of each query and key (and here, value) vector: Q = X·W_Q is n×d_k.");
    if (ImGui::Button("Re-roll weights")) {
      s.setup.seed += 1;
      changed = true;
    }
    ImGui::SameLine();
    ImGui::TextDisabled("seed %llu", static_cast<unsigned long long>(s.setup.seed));
    if (changed) {
      s.setup.d_model = std::clamp(s.setup.d_model, 1, 64);
      s.setup.d_k = std::clamp(s.setup.d_k, 1, 64);
      rebuild_from_sentence(s);
    }
  }

  mask_controls(s);

  bool sqrt_dk = s.problem.scale.kind == attn::ScaleSpec::Kind::SqrtDk;
  if (s.problem.scale.kind != attn::ScaleSpec::Kind::Value && ImGui::Checkbox("divide by √d_k", &sqrt_dk)) {
    s.problem.scale.kind = sqrt_dk ? attn::ScaleSpec::Kind::SqrtDk : attn::ScaleSpec::Kind::None;
    s.dirty = true;
  }
  float temperature = static_cast<float>(s.problem.temperature);
  if (ImGui::SliderFloat("temperature", &temperature, 0.05f, 20.0f, "%.2f", ImGuiSliderFlags_Logarithmic)) {
    s.problem.temperature = std::max(0.05f, temperature);
    s.dirty = true;
  }
  help_marker("Scores are divided by the temperature before softmax: high → flatter weights, low → sharper.");
  bool f64 = s.problem.precision == attn::Precision::F64;
  if (ImGui::Checkbox("double precision (f64)", &f64)) {
    s.problem.precision = f64 ? attn::Precision::F64 : attn::Precision::F32;
    s.dirty = true;
  }
  if (s.problem.heads() > 1 && s.source != Source::Model)
    ImGui::SliderInt("head", &s.view.head, 0, s.problem.heads() - 1);
  ImGui::PopItemWidth();
  if (!s.derived.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.8f, 0.1f, 0.1f, 1));
    ImGui::TextWrapped("Cannot compute: %s", s.derived.error.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  if (current)
    ImGui::TextWrapped(
        "These vectors are hand-designed for teaching, not a trained model's: each feature has a "
        "name so every number can be read.");
  else if (s.source == Source::Embeddings)
    ImGui::TextWrapped(
        "Embeddings and W_Q, W_K, W_V are seeded random numbers, not a trained model's: the pattern "
        "is illustrative, the arithmetic is exact.");
  else if (s.source == Source::Model)
    ImGui::TextWrapped(
        "%s", s.model && s.model->edited
                  ? "A real model's weights, edited by you: the pattern is no longer what it learned."
                  : "A real model's weights, learned from its training text: the pattern is what it "
                    "does, not a design.");
  ImGui::PopStyleColor();
}

// [SECTION] narration ------------------------------------------------------------------------------------

// Enter (or the narration's button): the current cell's whole arithmetic, every term written out.
void arithmetic_popup(AppState& s) {
  if (s.frame.arithmetic) {
    s.frame.arithmetic = false;
    ImGui::OpenPopup("The whole arithmetic of this step");
  }
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(d.x * 0.6f, 0), ImGuiCond_Always);
  ImGui::SetNextWindowPos(ImVec2(d.x * 0.5f, d.y * 0.4f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal("The whole arithmetic of this step", nullptr, ImGuiWindowFlags_NoSavedSettings))
    return;
  const Explanation e = explain_current(s, 1 << 20);
  text_note("%s", e.title.c_str());
  ImGui::PushFont(large_font());
  text_words("%s", e.formula.c_str());
  ImGui::PopFont();
  text_words("%s", e.narration.c_str());
  if (ImGui::Button("Close (Esc)") || ImGui::IsKeyPressed(ImGuiKey_Escape)) {
    ImGui::CloseCurrentPopup();
    ImGui::GetCurrentContext()->NavDisableHighlight = true;  // (the arrows step again, not move a focus)
  }
  ImGui::EndPopup();
}

void panel_narration(AppState& s) {
  if (!result_matches_problem(s)) return ImGui::TextDisabled("Recomputing…");
  const Explanation e = explain_current(s);
  text_note("%s", e.title.c_str());
  ImGui::PushFont(large_font());
  text_words("%s", e.formula.c_str());
  ImGui::PopFont();
  text_words("%s", e.narration.c_str());
  if (ImGui::SmallButton("The whole arithmetic (Enter)")) s.frame.arithmetic = true;
  if (lesson_page(s))
    return text_note(
        "Keys: PageDown or → next page (reveals first) · PageUp or ← back · . and , step · "
        "Shift+←/→ stage · P projector");
  if (flash_walkthrough_shown(s)) return text_note("Keys: ←/→ previous/next tile · Home first tile");
  text_note(
      "Keys: ←/→ step · Shift+←/→ stage · 1–5 jump to a stage · ↑/↓ another token · Space play · "
      "Home/End · S next scenario · P projector · Enter the whole arithmetic · Tab the controls (Esc back)");
}

}  // namespace ui
