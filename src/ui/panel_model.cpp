// The real model's panels (see panels.h): the input panel's part for Source::Model (text, layer, head) and
// the Model view — every head's pattern on this text with its measured label (click one to step through it),
// the next-token prediction, heads switched off or made uniform, and generation with the KV cache. Everything
// shown is read from s.derived.model_run, derived by ui/model_run.cpp.
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <algorithm>
#include <cmath>

#include "ui/fit.h"
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
  for (const model::HeadScores& h : s.derived.model_run.heads)
    if (h.layer == layer && h.head == head) return &h;
  return nullptr;
}

model::Ablation::Kind* ablation_of(AppState& s, int layer, int head) {
  for (model::Ablation& a : s.model_inputs.ablations)
    if (a.layer == layer && a.head == head) return &a.kind;
  return nullptr;
}

// "broad", "prev 0.15", "first 0.15", …: the label, then every score.
std::vector<std::string> score_pieces(const model::HeadScores& h) {
  const auto piece = [](const char* name, double x) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s %.2f", name, x);
    return std::string(buf);
  };
  return {h.label,
          piece("prev", h.previous),
          piece("first", h.first),
          piece("self", h.self),
          piece("broad", h.broad),
          piece("induction", h.induction)};
}

std::string score_line(const model::HeadScores& h) {
  std::string out;
  for (const std::string& p : score_pieces(h)) out += (out.empty() ? "" : " · ") + p;
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

const char* const kAblationNames[] = {"on", "off", "uniform"};

// The width of one head's "on / off / uniform" row.
float ablation_buttons_width() {
  const ImGuiStyle& st = ImGui::GetStyle();
  float w = 0;
  for (const char* name : kAblationNames) w += ImGui::CalcTextSize(name).x + st.FramePadding.x * 2 + 2;
  return w;
}

// "on / off / uniform" for one head; returns true when it changed.
bool ablation_buttons(AppState& s, int layer, int head) {
  model::Ablation::Kind* kind = ablation_of(s, layer, head);
  const int now = kind ? 1 + static_cast<int>(*kind) : 0;
  int next = now;
  for (int k = 0; k < 3; ++k) {
    if (k) ImGui::SameLine(0, 2);
    if (now == k) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::SmallButton(kAblationNames[k])) next = k;
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
// line up), its pattern (click: step through it) and its on/off/uniform buttons.
void head_cell(AppState& s, int layer, int h, float side) {
  const model::HeadScores* sc = scores_of(s, layer, h);
  const bool chosen = s.model_inputs.layer == layer && s.model_inputs.head == h;
  ImGui::PushStyleColor(ImGuiCol_Text, chosen ? ImGui::GetStyleColorVec4(ImGuiCol_PlotLinesHovered)
                                              : ImGui::GetStyleColorVec4(ImGuiCol_Text));
  const bool labels = !held_back(s, Held::HeadLabels);
  const double score = sc && labels ? label_score(*sc) : -1;
  if (score >= 0)
    ImGui::Text("head %d · %.2f", h, score);
  else
    ImGui::Text("head %d", h);
  ImGui::Text("%s", !labels ? "?" : sc ? sc->label.c_str() : "");
  ImGui::PopStyleColor();
  HeatmapOptions opt;
  opt.palette = Palette::Sequential;
  opt.show_values = false;
  opt.row_labels = opt.col_labels = false;
  opt.value_name = "weight";
  const attn::MatD w = s.derived.model_run.forward.layers[static_cast<size_t>(layer)]
                           .weights[static_cast<size_t>(h)]
                           .cast<double>();
  opt.cell = side / static_cast<float>(std::max<Eigen::Index>(1, w.rows()));
  opt.held = held_back(s, Held::Softmax);
  opt.legend = false;  // (one scale under the grid serves every head)
  ImGui::BeginGroup();
  heatmap("##w", w, attn::query_labels(s.problem), attn::key_labels(s.problem), opt);
  ImGui::EndGroup();
  if (ImGui::IsItemClicked()) {
    s.scenario_id.clear();  // (a model scenario's story is about its own text and head)
    s.model_inputs.layer = layer;
    s.model_inputs.head = h;
    s.model_inputs.decode_step = -1;
    changed(s, false);
    s.view.panel = Panel::Step;
  }
  if (sc && labels && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", score_line(*sc).c_str());
  if (ablation_buttons(s, layer, h)) changed(s, true);
}

// Layers × heads. A model with more heads than fit across (GPT-2 small has 12) puts each layer's heads on as
// many rows as it needs, so nothing is cut off at any width or UI scale.
void heads_grid(AppState& s) {
  const model::Gpt2Config& c = s.model->config;
  const int H = c.n_head;
  const ImGuiStyle& st = ImGui::GetStyle();
  const float font = ImGui::GetFontSize();
  const float label_w = ImGui::CalcTextSize("layer 00").x + st.CellPadding.x * 2;
  const float column_min =
      std::max({ablation_buttons_width(), font * 4, ImGui::CalcTextSize("previous-token").x,
                ImGui::CalcTextSize("head 00 · 0.00").x});
  const float avail = ImGui::GetContentRegionAvail().x - label_w;
  const int per_row = std::clamp(static_cast<int>(avail / (column_min + st.CellPadding.x * 2)), 1, H);
  const float fit = avail / static_cast<float>(per_row) - st.CellPadding.x * 2;
  const float side = std::clamp(fit, font * 4, font * 7);
  ImGui::TextWrapped(
      "Every head's attention on this text (rows: queries, columns: keys; brighter = more weight). The label "
      "is measured on this text (induction on a repeated random string), not assumed. Click a head to step "
      "through it.");
  if (!ImGui::BeginTable("##heads", per_row + 1, ImGuiTableFlags_SizingFixedFit)) return;
  for (int layer = 0; layer < c.n_layer; ++layer)
    for (int first = 0; first < H; first += per_row) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (first == 0) ImGui::Text("layer %d", layer);
      for (int h = first; h < std::min(H, first + per_row); ++h) {
        ImGui::TableNextColumn();
        ImGui::PushID(layer * H + h);
        head_cell(s, layer, h, side);
        ImGui::PopID();
      }
    }
  ImGui::EndTable();
  legend(Palette::Sequential, 0, 1, std::max(side, ImGui::GetFontSize() * 10));
  text_note("The colour of a weight, in every head above (0: none, 1: all of the row).");
}

void next_tokens(AppState& s) {
  const ModelRun& r = s.derived.model_run;
  const int T = static_cast<int>(r.forward.ids.size());
  int& pos = s.model_inputs.position;
  int shown = pos < 0 || pos >= T ? T - 1 : pos;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  if (ImGui::SliderInt("after token", &shown, 0, T - 1)) {
    pos = shown == T - 1 ? -1 : shown;
    changed(s, false);
  }
  ImGui::SameLine();
  ImGui::TextWrapped("“%s” → the model's next token:",
                     s.model->tokenizer.token(r.forward.ids[static_cast<size_t>(shown)]).c_str());
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
      text_words("%5.1f%%  (%5.1f%% with every head on)  “%s”", 100 * p.p, 100 * before, p.token.c_str());
    else
      text_words("%5.1f%%  “%s”", 100 * p.p, p.token.c_str());
  }
  if (ablated)
    text_words("Loss of the text: %.3f nats per token with these heads switched, %.3f with all on (%+.3f).",
               r.forward.loss, r.base.loss, r.forward.loss - r.base.loss);
  else
    text_words("Loss of the text (its own next tokens): %.3f nats per token.", r.forward.loss);
}

void generation(AppState& s) {
  ModelInputs& in = s.model_inputs;
  const ModelRun& r = s.derived.model_run;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  bool edit = ImGui::SliderInt("tokens", &in.generate, 1, 40);
  ImGui::SameLine();
  float t = static_cast<float>(in.temperature);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::SliderFloat("temperature##gen", &t, 0.0f, 2.0f, t == 0 ? "0 (most likely)" : "%.2f")) {
    in.temperature = t;
    edit = true;
  }
  ImGui::SameLine();
  if (ImGui::Button("Generate")) {
    in.generated = true;
    in.decode_step = -1;
    edit = true;
  }
  if (edit && in.generated) changed(s, false);
  if (!in.generated || r.steps.empty()) {
    text_note("Generate decodes one token at a time with a KV cache; each step is steppable.");
    return;
  }
  ImGui::TextWrapped("%s%s", s.model->tokenizer.decode(r.forward.ids).c_str(),
                     attn::valid_utf8(s.model->tokenizer.decode(r.generated)).c_str());
  std::vector<std::string> labels;
  for (int id : r.generated) labels.push_back(s.model->tokenizer.token(id));
  const int clicked = token_chips(labels, [&](int i) { return i == in.decode_step; });
  if (clicked >= 0) {
    in.decode_step = clicked == in.decode_step ? -1 : clicked;
    changed(s, false);
    if (in.decode_step >= 0) s.view.panel = Panel::Step;
  }
  const int at = std::max(0, in.decode_step);
  const model::DecodeStep& st = r.steps[static_cast<size_t>(std::min<size_t>(at, r.steps.size() - 1))];
  const model::Gpt2Config& c = s.model->config;
  ImGui::TextWrapped(
      "Click a generated token to step through its decode step in layer %d, head %d: one query row against "
      "the %d cached keys (1 × %d scores). The cache holds K and V for every token in every layer: "
      "%d tokens × %d layers × 2 × %d numbers = %s (f32). This step cost %s multiply-adds with the cache; "
      "recomputing every position would have cost %s (%.0f×).",
      in.layer, in.head, st.position + 1, st.position + 1, r.cache.tokens(), c.n_layer, c.n_embd,
      fmt_bytes(r.cache.bytes()).c_str(), fmt_count(st.multiply_adds_cached).c_str(),
      fmt_count(st.multiply_adds_recompute).c_str(),
      st.multiply_adds_recompute / std::max(1.0, st.multiply_adds_cached));
}

}  // namespace

void model_input_panel(AppState& s) {
  const model::Gpt2& m = *s.model;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", m.card.c_str());
  ImGui::PopStyleColor();
  ImGui::TextWrapped("Text (its tokens are the model's own, from its BPE vocabulary):");
  if (text_input_wrapped("##model_text", &s.model_inputs.text, 3.2f)) s.scenario_id.clear(), changed(s, true);
  ImGui::PushItemWidth(item_width_beside("layer"));
  if (ImGui::SliderInt("layer", &s.model_inputs.layer, 0, m.config.n_layer - 1))
    s.scenario_id.clear(), changed(s, false);
  if (ImGui::SliderInt("head##model", &s.model_inputs.head, 0, m.config.n_head - 1))
    s.scenario_id.clear(), changed(s, false);
  ImGui::PopItemWidth();
  const model::HeadScores* h = scores_of(s, s.model_inputs.layer, s.model_inputs.head);
  if (h && !held_back(s, Held::HeadLabels)) {
    std::vector<std::string> pieces = score_pieces(*h);
    pieces.front() = "This head: " + pieces.front();
    text_pieces(pieces);
  }
  if (s.model_inputs.decode_step >= 0)
    ImGui::TextWrapped("Showing the decode step of generated token %d (Model view).",
                       s.model_inputs.decode_step);
  if (!s.derived.model_run.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.8f, 0.1f, 0.1f, 1));
    ImGui::TextWrapped("The model cannot run this: %s", s.derived.model_run.error.c_str());
    ImGui::PopStyleColor();
  }
}

// Another GPT-2: the browser's file picker (or a drop on the page), or a folder on the desktop.
void open_other_model(AppState& s) {
  if (!ImGui::CollapsingHeader("Open another GPT-2 (any Hugging Face GPT-2 checkpoint)")) return;
  ImGui::TextWrapped(
      "A GPT-2 folder has config.json, model.safetensors (f32, f16 or bf16), vocab.json and merges.txt. "
      "GPT-2 small (124 M parameters) opens too; its weights stay on this computer.");
  if (s.platform.model_file_picker) {
    if (ImGui::Button("Choose its four files…")) s.jobs.open_model_requested = true;
    ImGui::SameLine();
    text_note("or drop them on the page");
  } else {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 20);
    ImGui::InputTextWithHint("##model_dir", "folder, e.g. /home/me/gpt2", &s.jobs.open_model_dir);
    ImGui::SameLine();
    if (ImGui::Button("Open") && !s.jobs.open_model_dir.empty()) s.jobs.open_model_requested = true;
  }
}

void panel_model(AppState& s) {
  open_other_model(s);
  if (!s.model)
    return ImGui::TextWrapped("No model is open (the bundled one did not load: see the terminal).");
  if (s.source != Source::Model) {
    ImGui::TextWrapped("%s", s.model->card.c_str());
    if (ImGui::Button("Use this model's heads")) use_model(s);
    return;
  }
  if (s.derived.model_run.forward.layers.empty())
    return ImGui::TextWrapped("The model cannot run this: %s", s.derived.model_run.error.c_str());
  if (ImGui::CollapsingHeader("Heads on this text", ImGuiTreeNodeFlags_DefaultOpen)) heads_grid(s);
  const bool next_held = held_back(s, Held::NextToken);
  if (ImGui::CollapsingHeader("Next token", ImGuiTreeNodeFlags_DefaultOpen))
    next_held ? text_note("Held back until the answer is revealed: predict first.") : next_tokens(s);
  if (ImGui::CollapsingHeader("Generate, with the KV cache", ImGuiTreeNodeFlags_DefaultOpen))
    next_held ? text_note("Held back until the answer is revealed.") : generation(s);
}

}  // namespace ui
