// The real model's panels (see panels.h): the input panel's part for Source::Model (text, layer, head) and
// the Model view — every head's pattern on this text with its measured label (click one to step through it),
// the next-token prediction, heads switched off or made uniform, and generation with the KV cache. Everything
// shown is read from s.derived().model_run, derived by state/model_run.cpp.
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <algorithm>
#include <cmath>

#include "attn/format.h"
#include "ui/fit.h"
#include "state/lesson.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

namespace {

// Marks the model inputs changed; the text (or the heads switched off) changing drops the generation.
void changed(AppState& s, bool new_text) {
  if (new_text) {
    s.model_inputs.generated = false;
    s.model_inputs.decode_step = -1;
  }
  ++s.model_version;
}

const model::HeadScores* scores_of(const AppState& s, int layer, int head) {
  for (const model::HeadScores& h : s.derived().model_run.heads)
    if (h.layer == layer && h.head == head) return &h;
  return nullptr;
}

model::Ablation::Kind* ablation_of(AppState& s, int layer, int head) {
  for (model::Ablation& a : s.model_inputs.ablations)
    if (a.layer == layer && a.head == head) return &a.kind;
  return nullptr;
}

// "broad", "prev 0.15", "first 0.15", …: the label, then every score.
std::vector<std::string> score_pieces(const Words& w, const model::HeadScores& h) {
  const auto piece = [&](const char* id, double x) { return say(w, id, {attn::fixed_arg("x", x, 2)}); };
  return {say(w, head_label(h.label)),         piece("model.score.prev", h.previous),
          piece("model.score.first", h.first), piece("model.score.self", h.self),
          piece("model.score.broad", h.broad), piece("model.score.induction", h.induction)};
}

std::string score_line(const AppState& s, const model::HeadScores& h) {
  std::string out;
  for (const std::string& p : score_pieces(s, h)) out += (out.empty() ? "" : " · ") + p;
  return out;
}

// The score that earned the head its label (−1 for "mixed").
double label_score(const model::HeadScores& h) {
  return h.label == "previous-token" ? h.previous
         : h.label == "first-token"  ? h.first
         : h.label == "self"         ? h.self
         : h.label == "induction"    ? h.induction
         : h.label == "broad"        ? h.broad
                                     : -1;
}

// The buttons' words, and their ImGui ids (the same in every language).
const char* const kAblationNames[] = {"model.ablation.on", "model.ablation.off", "model.ablation.uniform"};
const char* const kAblationIds[] = {"###on", "###off", "###uniform"};

// The width of one head's "on / off / uniform" row.
float ablation_buttons_width(const Words& w) {
  const ImGuiStyle& st = ImGui::GetStyle();
  float width = 0;
  for (const char* name : kAblationNames)
    width += ImGui::CalcTextSize(words(w, name).c_str()).x + st.FramePadding.x * 2 + 2;
  return width;
}

// "on / off / uniform" for one head; returns true when it changed.
bool ablation_buttons(AppState& s, int layer, int head) {
  model::Ablation::Kind* kind = ablation_of(s, layer, head);
  const int now = kind ? 1 + static_cast<int>(*kind) : 0;
  int next = now;
  for (int k = 0; k < 3; ++k) {
    if (k) ImGui::SameLine(0, 2);
    if (now == k) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::SmallButton((words(s, kAblationNames[k]) + kAblationIds[k]).c_str())) next = k;
    if (now == k) ImGui::PopStyleColor();
  }
  if (next == now) return false;
  auto& list = s.model_inputs.ablations;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const model::Ablation& a) { return a.layer == layer && a.head == head; }),
             list.end());
  if (next > 0) list.push_back({layer, head, static_cast<model::Ablation::Kind>(next - 1)});
  return true;
}

// One head of the grid: "head 3 · 0.68" over its label (two lines for every head, so the heatmaps of a row
// line up), its pattern (click: step through it; hover or tap: the cell's tokens) and its on/off/uniform
// buttons.
void head_cell(AppState& s, int layer, int h, float side) {
  const model::HeadScores* sc = scores_of(s, layer, h);
  const bool chosen = s.model_inputs.layer == layer && s.model_inputs.head == h;
  ImGui::PushStyleColor(ImGuiCol_Text, chosen ? ImGui::GetStyleColorVec4(ImGuiCol_PlotLinesHovered)
                                              : ImGui::GetStyleColorVec4(ImGuiCol_Text));
  const bool labels = !held_back(s, Held::HeadLabels);
  const double score = sc && labels ? label_score(*sc) : -1;
  if (score >= 0)
    ImGui::TextUnformatted(
        say(s, "model.head_score", {attn::count_arg("h", h), attn::fixed_arg("score", score, 2)}).c_str());
  else
    ImGui::TextUnformatted(say(s, "model.head", {attn::count_arg("h", h)}).c_str());
  ImGui::Text("%s", !labels ? "?" : sc ? say(s, head_label(sc->label)).c_str() : "");
  ImGui::PopStyleColor();
  const std::string weight = words(s, "model.weight");
  HeatmapOptions opt;
  opt.palette = Palette::Sequential;
  opt.show_values = false;
  opt.row_labels = opt.col_labels = false;
  opt.value_name = weight.c_str();
  const attn::MatD w = s.derived()
                           .model_run.forward.layers[static_cast<size_t>(layer)]
                           .weights[static_cast<size_t>(h)]
                           .cast<double>();
  opt.cell = side / static_cast<float>(std::max<Eigen::Index>(1, w.rows()));
  opt.held = held_back(s, Held::Softmax);
  opt.legend = false;  // (one scale under the grid serves every head)
  // Too small for token labels: hovering (or tapping) a cell names its query and key, with the head's scores.
  if (sc && labels) opt.tooltip = [&s, sc](int, int) { return score_line(s, *sc); };
  ImGui::BeginGroup();
  heatmap("##w", w, attn::query_labels(s.problem()), attn::key_labels(s.problem()), opt);
  ImGui::EndGroup();
  if (ImGui::IsItemClicked()) {
    s.scenario_id.clear();  // (a model scenario's story is about its own text and head)
    s.model_inputs.layer = layer;
    s.model_inputs.head = h;
    s.model_inputs.decode_step = -1;
    changed(s, false);
    s.view.panel = Panel::Step;
  }
  if (ablation_buttons(s, layer, h)) changed(s, true);
}

// Layers × heads. A model with more heads than fit across (GPT-2 small has 12) puts each layer's heads on as
// many rows as it needs, so nothing is cut off at any width or UI scale.
void heads_grid(AppState& s) {
  const model::Gpt2Config& c = s.model->config;
  const int H = c.n_head;
  const ImGuiStyle& st = ImGui::GetStyle();
  const float font = ImGui::GetFontSize();
  const float label_w =
      ImGui::CalcTextSize(say(s, "model.layer", {attn::text_arg("layer", "00")}).c_str()).x +
      st.CellPadding.x * 2;
  const float column_min = std::max(
      {ablation_buttons_width(s), font * 4,
       ImGui::CalcTextSize(say(s, head_label("previous-token")).c_str()).x,
       ImGui::CalcTextSize(
           say(s, "model.head_score", {attn::text_arg("h", "00"), attn::fixed_arg("score", 0, 2)}).c_str())
           .x});
  const float avail = ImGui::GetContentRegionAvail().x - label_w;
  const int per_row = std::clamp(static_cast<int>(avail / (column_min + st.CellPadding.x * 2)), 1, H);
  const float fit = avail / static_cast<float>(per_row) - st.CellPadding.x * 2;
  const float side = std::clamp(fit, font * 4, font * 10);
  ImGui::TextWrapped("%s", words(s, "model.heads_help").c_str());
  if (!ImGui::BeginTable("##heads", per_row + 1, ImGuiTableFlags_SizingFixedFit)) return;
  for (int layer = 0; layer < c.n_layer; ++layer)
    for (int first = 0; first < H; first += per_row) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (first == 0)
        ImGui::TextUnformatted(say(s, "model.layer", {attn::count_arg("layer", layer)}).c_str());
      for (int h = first; h < std::min(H, first + per_row); ++h) {
        ImGui::TableNextColumn();
        ImGui::PushID(layer * H + h);
        head_cell(s, layer, h, side);
        ImGui::PopID();
      }
    }
  ImGui::EndTable();
  legend(Palette::Sequential, 0, 1, std::max(side, ImGui::GetFontSize() * 10));
  text_note("%s", words(s, "model.heads_legend").c_str());
}

// A share as a percentage 5 wide before its sign ("%5.1f%%": "  5.0%"), in the app's language.
std::string percent5(const Words& w, double share) {
  std::string t = num(w, 100 * share, 1);
  if (t.size() < 5) t.insert(0, 5 - t.size(), ' ');
  return t + "%";
}

void next_tokens(AppState& s) {
  const ModelRun& r = s.derived().model_run;
  const int T = static_cast<int>(r.forward.ids.size());
  int& pos = s.model_inputs.position;
  int shown = pos < 0 || pos >= T ? T - 1 : pos;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  if (ImGui::SliderInt((words(s, "model.after_token") + "###after_token").c_str(), &shown, 0, T - 1)) {
    pos = shown == T - 1 ? -1 : shown;
    changed(s, false);
  }
  ImGui::SameLine();
  ImGui::TextWrapped(
      "%s",
      say(s, "model.next_after",
          {attn::text_arg("token", s.model->tokenizer.shown(r.forward.ids[static_cast<size_t>(shown)]))})
          .c_str());
  const bool ablated = !s.model_inputs.ablations.empty();
  const float bar = ImGui::GetFontSize() * 10;
  for (size_t i = 0; i < r.next.size(); ++i) {
    const model::Prediction& p = r.next[i];
    double before = p.p;
    for (const model::Prediction& b : r.next_base)
      if (b.id == p.id) before = b.p;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(bar, ImGui::GetTextLineHeight()));
    ImGui::GetWindowDrawList()->AddRectFilled(
        at, ImVec2(at.x + bar * static_cast<float>(p.p), at.y + ImGui::GetTextLineHeight()),
        palette_color(Palette::Sequential, 0.6));
    ImGui::SameLine();
    if (ablated)
      text_words("%s",
                 say(s, "model.prediction_ablated",
                     {attn::text_arg("p", percent5(s, p.p)), attn::text_arg("before", percent5(s, before)),
                      attn::text_arg("token", s.model->tokenizer.shown(p.id))})
                     .c_str());
    else
      text_words("%s", say(s, "model.prediction",
                           {attn::text_arg("p", percent5(s, p.p)),
                            attn::text_arg("token", s.model->tokenizer.shown(p.id))})
                           .c_str());
  }
  if (ablated)
    text_words("%s", say(s, "model.loss_ablated",
                         {attn::fixed_arg("loss", r.forward.loss, 3), attn::fixed_arg("base", r.base.loss, 3),
                          attn::fixed_arg("change", r.forward.loss - r.base.loss, 3, true)})
                         .c_str());
  else
    text_words("%s", say(s, "model.loss", {attn::fixed_arg("loss", r.forward.loss, 3)}).c_str());
}

void generation(AppState& s) {
  ModelInputs& in = s.model_inputs;
  const ModelRun& r = s.derived().model_run;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  bool edit = ImGui::SliderInt((words(s, "model.gen_tokens") + "###gen_tokens").c_str(), &in.generate, 1, 40);
  ImGui::SameLine();
  float t = static_cast<float>(in.temperature);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  const std::string t_format =
      t == 0 ? slider_format(words(s, "model.most_likely"), "t", t, 2) : slider_format("{t}", "t", t, 2);
  if (ImGui::SliderFloat((words(s, "model.temperature") + "###temperature##gen").c_str(), &t, 0.0f, 2.0f,
                         t_format.c_str())) {
    in.temperature = round_to(t, 2);
    edit = true;
  }
  ImGui::SameLine();
  if (ImGui::Button((words(s, "model.generate") + "###generate").c_str())) {
    in.generated = true;
    in.decode_step = -1;
    edit = true;
  }
  if (edit && in.generated) changed(s, false);
  if (!in.generated || r.steps.empty()) {
    text_note("%s", words(s, "model.generate_help").c_str());
    return;
  }
  ImGui::TextWrapped("%s%s", s.model->tokenizer.decode(r.forward.ids).c_str(),
                     attn::valid_utf8(s.model->tokenizer.decode(r.generated)).c_str());
  std::vector<std::string> labels;
  for (int id : r.generated) labels.push_back(s.model->tokenizer.shown(id));
  const int clicked = token_chips(labels, [&](int i) { return i == in.decode_step; });
  if (clicked >= 0) {
    in.decode_step = clicked == in.decode_step ? -1 : clicked;
    changed(s, false);
    if (in.decode_step >= 0) s.view.panel = Panel::Step;
  }
  const int at = std::max(0, in.decode_step);
  const model::DecodeStep& st = r.steps[static_cast<size_t>(std::min<size_t>(at, r.steps.size() - 1))];
  const model::Gpt2Config& c = s.model->config;
  const attn::Catalog& cat = catalog(s);
  ImGui::TextWrapped(
      "%s",
      say(s, "model.decode_help",
          {attn::count_arg("layer", in.layer), attn::count_arg("head", in.head),
           attn::count_arg("keys", st.position + 1), attn::count_arg("tokens", r.cache.tokens()),
           attn::count_arg("layers", c.n_layer), attn::count_arg("width", c.n_embd),
           attn::text_arg("bytes", attn::decimals(cat, attn::human_bytes(r.cache.bytes()))),
           attn::text_arg("cached", attn::decimals(cat, fmt_count(st.multiply_adds_cached))),
           attn::text_arg("recompute", attn::decimals(cat, fmt_count(st.multiply_adds_recompute))),
           attn::fixed_arg("ratio", st.multiply_adds_recompute / std::max(1.0, st.multiply_adds_cached), 0)})
          .c_str());
}

}  // namespace

void model_input_panel(AppState& s) {
  const model::Gpt2& m = *s.model;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", say(s, model_card(m)).c_str());
  ImGui::PopStyleColor();
  ImGui::TextWrapped("%s", words(s, "model.text_label").c_str());
  if (text_input_wrapped("##model_text", &s.model_inputs.text, 3.2f)) s.scenario_id.clear(), changed(s, true);
  const std::string layer = words(s, "model.layer_slider"), head = words(s, "model.head_slider");
  ImGui::PushItemWidth(item_width_beside(
      ImGui::CalcTextSize(layer.c_str()).x >= ImGui::CalcTextSize(head.c_str()).x ? layer.c_str()
                                                                                  : head.c_str()));
  if (ImGui::SliderInt((layer + "###layer").c_str(), &s.model_inputs.layer, 0, m.config.n_layer - 1))
    s.scenario_id.clear(), changed(s, false);
  if (ImGui::SliderInt((head + "###head##model").c_str(), &s.model_inputs.head, 0, m.config.n_head - 1))
    s.scenario_id.clear(), changed(s, false);
  ImGui::PopItemWidth();
  const model::HeadScores* h = scores_of(s, s.model_inputs.layer, s.model_inputs.head);
  if (h && !held_back(s, Held::HeadLabels)) {
    std::vector<std::string> pieces = score_pieces(s, *h);
    pieces.front() = say(s, "model.this_head", {attn::text_arg("label", pieces.front())});
    text_pieces(pieces);
  }
  if (s.model_inputs.decode_step >= 0)
    ImGui::TextWrapped(
        "%s", say(s, "model.showing_decode", {attn::count_arg("i", s.model_inputs.decode_step)}).c_str());
  if (!s.derived().model_run.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.8f, 0.1f, 0.1f, 1));
    ImGui::TextWrapped(
        "%s", say(s, "model.cannot_run", {attn::text_arg("why", s.derived().model_run.error)}).c_str());
    ImGui::PopStyleColor();
  }
}

// Another GPT-2: the browser's file picker (or a drop on the page), or a folder on the desktop.
void open_other_model(AppState& s) {
  if (!ImGui::CollapsingHeader((words(s, "model.open_other") + "###open_other_model").c_str())) return;
  ImGui::TextWrapped("%s", words(s, "model.open_help").c_str());
  if (s.platform.model_file_picker) {
    if (ImGui::Button((words(s, "model.choose_files") + "###choose_files").c_str()))
      s.jobs.open_model_requested = true;
    ImGui::SameLine();
    text_note("%s", words(s, "model.or_drop").c_str());
  } else {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 20);
    ImGui::InputTextWithHint("##model_dir", words(s, "model.folder_hint").c_str(), &s.jobs.open_model_dir);
    ImGui::SameLine();
    if (ImGui::Button((words(s, "model.open") + "###open_folder").c_str()) && !s.jobs.open_model_dir.empty())
      s.jobs.open_model_requested = true;
  }
}

void panel_model(AppState& s) {
  open_other_model(s);
  if (!s.model) return ImGui::TextWrapped("%s", words(s, "model.none_open").c_str());
  if (s.source != Source::Model) {
    ImGui::TextWrapped("%s", say(s, model_card(*s.model)).c_str());
    if (ImGui::Button((words(s, "model.use_heads") + "###use_heads").c_str())) use_model(s);
    return;
  }
  if (s.derived().model_run.forward.layers.empty())
    return ImGui::TextWrapped(
        "%s", say(s, "model.cannot_run", {attn::text_arg("why", s.derived().model_run.error)}).c_str());
  if (ImGui::CollapsingHeader((words(s, "model.heads_header") + "###heads_on_text").c_str(),
                              ImGuiTreeNodeFlags_DefaultOpen))
    heads_grid(s);
  const bool next_held = held_back(s, Held::NextToken);
  if (ImGui::CollapsingHeader((words(s, "model.next_header") + "###next_token").c_str(),
                              ImGuiTreeNodeFlags_DefaultOpen))
    next_held ? text_note("%s", words(s, "model.held_predict").c_str()) : next_tokens(s);
  if (ImGui::CollapsingHeader((words(s, "model.generate_header") + "###generate_kv").c_str(),
                              ImGuiTreeNodeFlags_DefaultOpen))
    next_held ? text_note("%s", words(s, "model.held").c_str()) : generation(s);
}

}  // namespace ui
