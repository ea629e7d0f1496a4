// Layout, menu bar, input panel and narration (see panels.h).
// [SECTION] helpers · layout · input · narration
#include "ui/panels.h"

#include <imgui.h>
#include <imgui_internal.h>  // (NavDisableHighlight: closing the arithmetic gives the arrows back to the steps)
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>

#include "state/content_text.h"
#include "ui/fit.h"
#include "state/handout.h"
#include "state/lesson.h"
#include "state/narration.h"
#include "state/share.h"
#include "ui/style.h"
#include "state/undo.h"
#include "ui/widgets.h"

namespace ui {

// [SECTION] helpers --------------------------------------------------------------------------------------

const attn::HeadTrace<double>* shown_head(const AppState& s) {
  if (!s.derived().has_result || s.derived().result.heads.empty()) return nullptr;
  const int h = std::clamp(s.view.head, 0, static_cast<int>(s.derived().result.heads.size()) - 1);
  return &s.derived().result.heads[static_cast<size_t>(h)];
}

bool result_matches_problem(const AppState& s) {
  const attn::HeadTrace<double>* h = shown_head(s);
  return h && h->weights.rows() == s.problem().query_len() && h->weights.cols() == s.problem().key_len();
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
// LaTeX (state/handout.h); the app shell makes the file after this frame and downloads or saves it.
void handout_menu(AppState& s) {
  if (!ImGui::BeginMenu((words(s, "menu.handout") + "###handout").c_str())) return;
  for (int k = 0; k < kHandoutCount; ++k) {
    const std::string title = handout_title(s, k);
    if (static_cast<HandoutKind>(k) != HandoutKind::MatrixPng) {
      if (ImGui::MenuItem(title.c_str())) s.jobs.handout = {k, 0};
      continue;
    }
    if (!ImGui::BeginMenu((title + "###" + kHandouts[k].id).c_str())) continue;
    std::vector<attn::NamedMatrix> ms;
    try {
      ms = shown_matrices(s);
    } catch (const attn::ProblemError& e) {
      ImGui::TextDisabled("%s", e.what());
    }
    for (int m = 0; m < static_cast<int>(ms.size()); ++m)
      if (ImGui::MenuItem(
              (matrix_title(s, ms[static_cast<size_t>(m)].name) + "###" + std::to_string(m)).c_str()))
        s.jobs.handout = {k, m};
    ImGui::EndMenu();
  }
  ImGui::Separator();
  if (s.platform.handout_downloads) {
    ImGui::TextDisabled("%s", words(s, "menu.handout.downloads").c_str());
  } else {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16);
    ImGui::InputText((words(s, "menu.handout.folder") + "###handout_dir").c_str(), &s.platform.handout_dir);
  }
  ImGui::EndMenu();
}

// View → Language: every built-in catalog by its own name; choosing one makes every word on screen its.
void language_menu(AppState& s) {
  if (!ImGui::BeginMenu((words(s, "menu.language") + "###language").c_str())) return;
  const std::string& current = catalog(s).locale;
  for (const attn::Catalog& c : attn::catalogs()) {
    ImGui::PushID(c.locale.c_str());
    if (ImGui::MenuItem(c.language.c_str(), nullptr, c.locale == current)) s.view.language = c.locale;
    ImGui::PopID();
  }
  ImGui::EndMenu();
}

void menu_bar(AppState& s) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu((words(s, "menu.view") + "###view").c_str())) {
    const ImVec2 d = ImGui::GetIO().DisplaySize;
    if (ImGui::MenuItem(words(s, "menu.projector").c_str(), "P", s.view.projector))
      set_projector(s, !s.view.projector, d.x / s.platform.pixel_ratio, d.y / s.platform.pixel_ratio);
    const std::string scale_format =
        slider_format(words(s, "menu.ui_scale_value"), "scale", s.view.ui_scale, 2);
    if (ImGui::SliderFloat((words(s, "menu.ui_scale") + "###ui_scale").c_str(), &s.view.ui_scale, 1.0f, 3.0f,
                           scale_format.c_str()))
      s.view.ui_scale = round_to(s.view.ui_scale, 2);
    ImGui::Checkbox(words(s, "menu.high_contrast").c_str(), &s.view.high_contrast);
    ImGui::Checkbox(words(s, "menu.numbers_in_cells").c_str(), &s.view.show_values);
    ImGui::Checkbox(words(s, "menu.input_panel").c_str(), &s.view.input_panel);
    language_menu(s);
    quiz_menu(s);
    ImGui::EndMenu();
  }
  lessons_menu(s);
  handout_menu(s);
  const std::string backend =
      words(s, s.view.backend == Backend::WebGpu ? "menu.backend.webgpu" : "menu.backend.cpu") + "###backend";
  if (ImGui::BeginMenu(backend.c_str())) {
    if (ImGui::MenuItem(words(s, "menu.backend.cpu_item").c_str(), nullptr, s.view.backend == Backend::Cpu))
      s.view.backend = Backend::Cpu;
    if (ImGui::MenuItem(words(s, "menu.backend.webgpu_item").c_str(), nullptr,
                        s.view.backend == Backend::WebGpu))
      s.view.backend = Backend::WebGpu;
    ImGui::TextDisabled("%s", words(s, "menu.backend.note").c_str());
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu((words(s, "menu.share") + "###share").c_str())) {
    if (ImGui::MenuItem(words(s, s.platform.share_label).c_str())) s.jobs.share_requested = true;
    if (s.platform.open_from_clipboard && ImGui::MenuItem(words(s, "menu.share.open").c_str())) {
      const char* text = ImGui::GetClipboardText();
      open_shared(s, text ? text : "");
    }
    ImGui::TextDisabled("%s", words(s, "menu.share.note").c_str());
    ImGui::EndMenu();
  }
  const std::string title = words(s, "menu.title");
  const float room = ImGui::GetWindowWidth() - ImGui::GetCursorPosX();
  if (ImGui::CalcTextSize(title.c_str()).x < room * 0.4f) ImGui::TextDisabled("%s", title.c_str());
  if (s.derived().has_result && s.derived().error.empty()) {
    const attn::Stats& st = s.derived().result.stats;
    const GpuView& g = s.derived().gpu;
    const bool on_gpu = gpu_head(s) != nullptr;
    const std::string status =
        say(s, s.problem().heads() == 1 ? "menu.status.one_head" : "menu.status.heads",
            {attn::text_arg("backend", on_gpu ? "webgpu" : st.backend),
             attn::text_arg("precision", on_gpu ? "f32" : st.precision),
             attn::fixed_arg("ms", on_gpu ? g.gpu_ms : st.time_ms, 2),
             attn::count_arg("q", s.problem().query_len()), attn::count_arg("k", s.problem().key_len()),
             attn::count_arg("heads", s.problem().heads()),
             attn::words_arg("mask", attn::mask_message(s.settings.mask))});
    const float w = ImGui::CalcTextSize(status.c_str()).x + ImGui::GetStyle().ItemSpacing.x * 2;
    if (ImGui::GetCursorPosX() + w < ImGui::GetWindowWidth()) {
      ImGui::SameLine(ImGui::GetWindowWidth() - w);
      ImGui::TextDisabled("%s", status.c_str());
    }
  }
  ImGui::EndMainMenuBar();
}

// What draws each view of kViews (app_state.h): one entry per view, in kViews' order (checked by key below;
// what the mirror says of a view is describe_view's switch, which the compiler checks the same way).
struct ViewDraw {
  Panel view;
  void (*draw)(AppState&);
};
constexpr ViewDraw kDraw[] = {{Panel::Step, panel_step_view},
                              {Panel::Model, panel_model},
                              {Panel::Variants, panel_variants},
                              {Panel::Tokens, panel_tokens},
                              {Panel::Distribution, panel_distribution},
                              {Panel::Scaling, panel_scaling},
                              {Panel::Numerics, panel_numerics},
                              {Panel::Edit, panel_edit},
                              {Panel::Performance, panel_performance},
                              {Panel::Overview, panel_overview}};
static_assert(attn::same_keys(kDraw, kViews), "kDraw: one entry per view of kViews, in the same order");

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
  if (!s.notice.id.empty()) {  // until closed: "link copied", or why a link could not be opened
    if (ImGui::SmallButton(words(s, "menu.close").c_str())) s.notice = {};
    ImGui::SameLine();
    ImGui::TextWrapped("%s", notice_text(s).c_str());
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
  if (!s.derived().has_result)
    return ImGui::TextWrapped(
        "%s", say(s, "menu.nothing_computed", {attn::text_arg("error", s.derived().error)}).c_str());
  s.frame.mask_grid[0] = s.frame.mask_grid[1] = -1;  // set again by the mask grid if it is drawn
  s.frame.global_chips.clear();                      // (and by the global-token buttons)
  kDraw[static_cast<int>(s.view.panel)].draw(s);
}

}  // namespace

// [SECTION] layout ---------------------------------------------------------------------------------------

namespace {
// On a narrow screen the input panel opens over the matrices from the left (☰ in the controls) and closes
// with a tap outside it.
void input_drawer(AppState& s, ImVec2 at, ImVec2 size) {
  if (s.frame.drawer) {
    s.frame.drawer = false;
    ImGui::OpenPopup("###drawer");
  }
  ImGui::SetNextWindowPos(at, ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(std::min(size.x * 0.92f, 440.0f * screen_scale(s)), size.y),
                           ImGuiCond_Always);
  if (!ImGui::BeginPopup("###drawer", ImGuiWindowFlags_NoMove)) return;
  ImGui::TextDisabled("%s", words(s, "input.window").c_str());
  ImGui::SameLine(ImGui::GetContentRegionMax().x - button_width(words(s, "menu.close").c_str()));
  if (ImGui::SmallButton(words(s, "menu.close").c_str())) ImGui::CloseCurrentPopup();
  ImGui::Separator();
  panel_input(s);
  ImGui::EndPopup();
}
}  // namespace

void draw_frame(AppState& s) {
  begin_widget_frame();
  handle_keys(s);
  advance_playback(s, ImGui::GetIO().DeltaTime);
  set_highlight_weight(s.view.projector ? 2.0f : 1.0f);
  set_widget_words(catalog(s));
  hold_interview_answers(held_now(s) != 0);
  menu_bar(s);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImVec2 o = vp->WorkPos, size = vp->WorkSize;
  const float line = ImGui::GetFrameHeightWithSpacing();
  // The left column — an open lesson (even in the Projector preset: it is the lesson), else the input panel:
  // a quarter of the width, at least 250 px at 1× (its text stays readable), at most 30 % (so at 2× on a
  // projector the matrices keep most of the screen).
  const bool lesson = lesson_page(s) != nullptr;
  // A narrow screen (under 900 px wide at the UI's scale: a tablet held upright, a phone) has no column
  // beside the matrices: a lesson sits above them, the input panel opens as a drawer over them (☰ in the
  // controls).
  s.frame.narrow = size.x / screen_scale(s) < 900;
  const bool column = !s.frame.narrow && (lesson || s.view.input_panel);
  const float left_w =
      column ? std::clamp(size.x * 0.24f, std::min(250.0f * screen_scale(s), size.x * 0.3f), size.x * 0.3f)
             : 0.0f;
  const float right_w = size.x - left_w;
  const float top = s.frame.narrow && lesson ? std::floor(size.y * 0.42f) : 0.0f;  // (a lesson above)
  // The controls wrap onto more lines when the window is narrow for the UI scale (presenter mode): their
  // height is what they took last frame (two lines before the first).
  const float pad = ImGui::GetStyle().WindowPadding.y;
  const float controls_h = s.frame.controls_h > 0 ? s.frame.controls_h : line * 2 + pad * 2;
  // The narration as tall as its words and formula need (the most since the view changed, so the matrices
  // do not jump from step to step), at least a sixth of the height, at most 40 %.
  const int narration_for = s.derived().result_version * kPanelCount + static_cast<int>(s.view.panel);
  if (s.frame.narration_for != narration_for) s.frame.narration_for = narration_for, s.frame.narration_h = 0;
  // (only under the views it describes: the step's matrices, its row as lines or bars, its scaling and
  // numerics, the numbers being edited, and flash attention's tiles)
  const Panel v = s.view.panel;
  const bool narrated = v == Panel::Step || v == Panel::Tokens || v == Panel::Distribution ||
                        v == Panel::Scaling || v == Panel::Numerics || v == Panel::Edit ||
                        flash_walkthrough_shown(s);
  const float narration_h =
      narrated ? std::clamp(std::max(size.y * 0.17f, s.frame.narration_h), line * 4.5f,
                            size.y * (s.frame.narrow ? 0.3f : 0.4f))  // (a phone: the matrix keeps the most)
               : 0.0f;

  if (lesson) {
    place(o, ImVec2(s.frame.narrow ? size.x : left_w, s.frame.narrow ? top : size.y));
    if (ImGui::Begin((words(s, "lessons.window") + "###lesson").c_str(), nullptr, kTile)) panel_lesson(s);
    ImGui::End();
  } else if (column) {
    place(o, ImVec2(left_w, size.y));
    if (ImGui::Begin((words(s, "input.window") + "###input").c_str(), nullptr, kTile)) panel_input(s);
    ImGui::End();
  }
  const ImVec2 full = size;
  const ImVec2 o_all = o;
  o.y += top;
  size.y -= top;
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
  if (narrated) {
    place(ImVec2(o.x + left_w, o.y + size.y - narration_h), ImVec2(right_w, narration_h));
    if (ImGui::Begin((words(s, "narration.window") + "###narration").c_str(), nullptr, kTile)) {
      panel_narration(s);
      const float needs = ImGui::GetCursorPosY() + ImGui::GetScrollY() + ImGui::GetStyle().WindowPadding.y;
      s.frame.narration_h = std::max(s.frame.narration_h, needs);
    }
    ImGui::End();
  }
  input_drawer(s, o_all, full);
  arithmetic_popup(s);
  panel_welcome(s);
}

// [SECTION] input ----------------------------------------------------------------------------------------

static void sentence_inputs(AppState& s);
static void problem_settings(AppState& s, const attn::Scenario* current);

void panel_input(AppState& s) {
  const attn::Scenario* current = s.scenario();
  const std::string model_title =
      s.model ? say(s, "input.real_model", {attn::text_arg("name", s.model->name)}) : "";
  const std::string own = words(s, "input.own_sentence");
  ImGui::SetNextItemWidth(-FLT_MIN);
  const std::string shown = current                     ? scenario_words(s, *current, "title")
                            : s.source == Source::Model ? model_title
                                                        : own;
  if (ImGui::BeginCombo("##scenario", shown.c_str())) {
    if (s.model &&
        ImGui::Selectable((model_title + "###model").c_str(), s.source == Source::Model && !current))
      use_model(s);
    if (ImGui::Selectable((own + "###own").c_str(), !current && s.source != Source::Model))
      rebuild_from_sentence(s);
    for (const attn::Scenario& sc : s.scenarios)
      if (ImGui::Selectable((scenario_words(s, sc, "title") + "###" + sc.id).c_str(), current == &sc))
        load_scenario(s, sc);
    ImGui::EndCombo();
  }
  if (current &&
      ImGui::CollapsingHeader((words(s, "input.about") + "###about").c_str(), ImGuiTreeNodeFlags_DefaultOpen))
    ImGui::TextWrapped("%s", scenario_words(s, *current, "framing").c_str());

  if (s.source == Source::Model) {
    model_input_panel(s);
  } else {
    sentence_inputs(s);
  }
  text_note("%s", say(s, s.problem().query_len() == 1 ? "input.one_token" : "input.tokens",
                      {attn::count_arg("n", s.problem().query_len())})
                      .c_str());
  const attn::Step st = s.step();
  const int clicked = token_chips(attn::query_labels(s.problem()), [&](int i) { return i == st.query; });
  if (clicked >= 0)
    s.step_index = attn::step_index(st.stage, clicked, 0, attn::Phase::Max, s.problem().query_len(),
                                    s.problem().key_len(), s.granularity);
  ImGui::Separator();
  problem_settings(s, current);
}

static void sentence_inputs(AppState& s) {
  if (!s.history.undo.empty()) {  // (for a touch screen, which has no Ctrl+Z)
    if (ImGui::SmallButton((words(s, "input.undo") + "###undo").c_str())) undo_edit(s, s.history);
    ImGui::SameLine();
  }
  ImGui::TextWrapped("%s", words(s, "input.sentence").c_str());
  const bool edited = text_input_wrapped("##sentence", &s.sentence, 3.2f);
  mark_target("input.sentence");
  if (edited) edit_sentence(s);
  ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 2);
  if (ImGui::InputTextWithHint("##keys", words(s, "input.keys_hint").c_str(), &s.key_sentence))
    rebuild_from_sentence(s);
  help_marker(words(s, "input.keys_help").c_str());
}

static void problem_settings(AppState& s, const attn::Scenario* current) {
  ImGui::PushItemWidth(item_width_beside(words(s, "input.widest_label").c_str()));
  if (s.source == Source::Model) {
    ImGui::TextWrapped("%s", words(s, "input.model_qkv").c_str());
  } else if (s.source == Source::Direct) {
    ImGui::TextWrapped("%s", words(s, "input.direct_qkv").c_str());
  } else if (current) {
    ImGui::TextWrapped("%s", say(s, "input.scenario_vectors",
                                 {attn::count_arg("n", s.setup.d_model), attn::count_arg("d_k", s.setup.d_k)})
                                 .c_str());
  } else {
    bool changed = ImGui::SliderInt("d_model", &s.setup.d_model, 2, 64);
    help_marker(words(s, "input.d_model_help").c_str());
    changed |= ImGui::SliderInt("d_k", &s.setup.d_k, 1, 64);
    help_marker(words(s, "input.d_k_help").c_str());
    if (ImGui::Button((words(s, "input.reroll") + "###reroll").c_str())) {
      s.setup.seed += 1;
      changed = true;
    }
    ImGui::SameLine();
    ImGui::TextDisabled("%s",
                        say(s, "input.seed", {attn::text_arg("seed", std::to_string(s.setup.seed))}).c_str());
    if (changed) {
      s.setup.d_model = std::clamp(s.setup.d_model, 1, 64);
      s.setup.d_k = std::clamp(s.setup.d_k, 1, 64);
      rebuild_from_sentence(s);
    }
  }

  mask_controls(s);
  position_controls(s);

  bool sqrt_dk = s.settings.scale.kind == attn::ScaleSpec::Kind::SqrtDk;
  if (s.settings.scale.kind != attn::ScaleSpec::Kind::Value &&
      ImGui::Checkbox((words(s, "input.divide_sqrt_dk") + "###sqrt_dk").c_str(), &sqrt_dk)) {
    s.settings.scale.kind = sqrt_dk ? attn::ScaleSpec::Kind::SqrtDk : attn::ScaleSpec::Kind::None;
    s.dirty = true;
  }
  float temperature = static_cast<float>(s.settings.temperature);
  const std::string t_format = slider_format("{t}", "t", temperature, 2);
  if (ImGui::SliderFloat((words(s, "input.temperature") + "###temperature").c_str(), &temperature, 0.05f,
                         20.0f, t_format.c_str(), ImGuiSliderFlags_Logarithmic)) {
    s.settings.temperature = std::max(0.05f, round_to(temperature, 2));
    s.dirty = true;
  }
  help_marker(words(s, "input.temperature_help").c_str());
  bool f64 = s.settings.precision == attn::Precision::F64;
  if (ImGui::Checkbox((words(s, "input.f64") + "###f64").c_str(), &f64)) {
    s.settings.precision = f64 ? attn::Precision::F64 : attn::Precision::F32;
    s.dirty = true;
  }
  if (s.problem().heads() > 1 && s.source != Source::Model)
    ImGui::SliderInt((words(s, "input.head") + "###head").c_str(), &s.view.head, 0, s.problem().heads() - 1);
  ImGui::PopItemWidth();
  if (!s.derived().error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.8f, 0.1f, 0.1f, 1));
    ImGui::TextWrapped("%s",
                       say(s, "input.cannot_compute", {attn::text_arg("error", s.derived().error)}).c_str());
    ImGui::PopStyleColor();
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  if (current)
    ImGui::TextWrapped("%s", words(s, "input.note_scenario").c_str());
  else if (s.source == Source::Embeddings)
    ImGui::TextWrapped("%s", words(s, "input.note_random").c_str());
  else if (s.source == Source::Model)
    ImGui::TextWrapped(
        "%s",
        words(s, s.model && s.model->edits > 0 ? "input.note_model_edited" : "input.note_model").c_str());
  ImGui::PopStyleColor();
}

// [SECTION] narration ------------------------------------------------------------------------------------

// Enter (or the narration's button): the current cell's whole arithmetic, every term written out.
void arithmetic_popup(AppState& s) {
  const std::string title = words(s, "narration.arithmetic_title") + "###arithmetic";
  if (s.frame.arithmetic) {
    s.frame.arithmetic = false;
    ImGui::OpenPopup(title.c_str());
  }
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(d.x * 0.6f, 0), ImGuiCond_Always);
  ImGui::SetNextWindowPos(ImVec2(d.x * 0.5f, d.y * 0.4f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  const Explanation e = explain_current(s, 1 << 20);
  text_note("%s", e.title.c_str());
  ImGui::PushFont(large_font());
  text_words("%s", e.formula.c_str());
  ImGui::PopFont();
  text_words("%s", e.narration.c_str());
  if (ImGui::Button((words(s, "narration.close") + "###close").c_str()) ||
      ImGui::IsKeyPressed(ImGuiKey_Escape)) {
    ImGui::CloseCurrentPopup();
    ImGui::GetCurrentContext()->NavDisableHighlight = true;  // (the arrows step again, not move a focus)
  }
  ImGui::EndPopup();
}

void panel_narration(AppState& s) {
  if (!result_matches_problem(s)) return ImGui::TextDisabled("%s", words(s, "narration.recomputing").c_str());
  const Explanation e = explain_current(s);
  // The title, and on its line (as room allows) the whole arithmetic and copying the formula.
  text_note("%s", e.title.c_str());  // (wrapped: a flash tile's title is long)
  const std::string whole = words(s, "narration.whole_arithmetic") + "###whole_arithmetic",
                    copy = words(s, "narration.copy_formula") + "###copy_formula";
  flow(button_width(whole.c_str()));
  if (ImGui::SmallButton(whole.c_str())) s.frame.arithmetic = true;
  flow(button_width(copy.c_str()));
  const bool copy_pressed = ImGui::SmallButton(copy.c_str());
  mark_target("narration.copy_formula");
  if (copy_pressed) {
    ImGui::SetClipboardText(e.formula.c_str());
    s.notice = attn::Message{"notice.formula_copied", {}};
  }
  ImGui::PushFont(large_font());
  text_words("%s", e.formula.c_str());
  ImGui::PopFont();
  text_words("%s", e.narration.c_str());
  if (s.view.projector || s.platform.touch) return;  // (a presenter knows the keys; a tablet has none)
  if (lesson_page(s)) return text_note("%s", words(s, "narration.keys_lesson").c_str());
  if (flash_walkthrough_shown(s)) return text_note("%s", words(s, "narration.keys_flash").c_str());
  text_note("%s", words(s, "narration.keys").c_str());
}

}  // namespace ui
