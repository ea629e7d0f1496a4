// Panels of the first view and the tiled layout (see panels.h).
// [SECTION] layout · input · Q/K/V · weights · status
#include "ui/panels.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>

#include "ui/widgets.h"

namespace ui {

namespace {

constexpr ImGuiWindowFlags kTile = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;

void place(const ImVec2& pos, const ImVec2& size) {
  ImGui::SetNextWindowPos(pos, ImGuiCond_Always);
  ImGui::SetNextWindowSize(size, ImGuiCond_Always);
}

// The head whose trace the heatmaps show (clamped: the problem may have fewer heads than last frame).
const attn::HeadTrace<double>* shown_head(const AppState& s) {
  if (!s.has_result || s.result.heads.empty()) return nullptr;
  const int h = std::clamp(s.view.head, 0, static_cast<int>(s.result.heads.size()) - 1);
  return &s.result.heads[static_cast<size_t>(h)];
}

void help_marker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}

void menu_bar(AppState& s) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("View")) {
    ImGui::SliderFloat("UI scale", &s.view.ui_scale, 1.0f, 3.0f, "%.2f×");
    ImGui::Checkbox("High contrast", &s.view.high_contrast);
    ImGui::Checkbox("Numbers in cells", &s.view.show_values);
    ImGui::EndMenu();
  }
  ImGui::TextDisabled("  Attention Lab · softmax(QKᵀ/√d_k + mask)·V");
  ImGui::EndMainMenuBar();
}

}  // namespace

// [SECTION] layout ---------------------------------------------------------------------------------------

void draw_frame(AppState& s) {
  menu_bar(s);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 o = vp->WorkPos, size = vp->WorkSize;
  const float left_w = std::clamp(size.x * 0.28f, 260.0f * s.view.ui_scale, size.x * 0.45f);
  const float status_h = std::min(size.y * 0.38f, ImGui::GetFrameHeightWithSpacing() * 7.5f);
  const float right_w = size.x - left_w;
  const float qkv_h = size.y * 0.36f;

  place(o, ImVec2(left_w, size.y - status_h));
  if (ImGui::Begin("Input", nullptr, kTile)) panel_input(s);
  ImGui::End();
  place(ImVec2(o.x, o.y + size.y - status_h), ImVec2(left_w, status_h));
  if (ImGui::Begin("What you see", nullptr, kTile)) panel_status(s);
  ImGui::End();
  place(ImVec2(o.x + left_w, o.y), ImVec2(right_w, qkv_h));
  if (ImGui::Begin("Queries, keys, values", nullptr, kTile)) panel_qkv(s);
  ImGui::End();
  place(ImVec2(o.x + left_w, o.y + qkv_h), ImVec2(right_w, size.y - qkv_h));
  if (ImGui::Begin("Attention weights", nullptr, kTile)) panel_weights(s);
  ImGui::End();
}

// [SECTION] input ----------------------------------------------------------------------------------------

void panel_input(AppState& s) {
  ImGui::TextWrapped("Type a sentence; each token gets a query, a key and a value vector.");
  ImGui::SetNextItemWidth(-FLT_MIN);
  if (ImGui::InputTextMultiline("##sentence", &s.sentence,
                                ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 3.2f)))
    rebuild_from_sentence(s);
  ImGui::TextDisabled("%d tokens:", s.problem.query_len());
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  for (const std::string& t : attn::query_labels(s.problem)) {
    const float w = ImGui::CalcTextSize(t.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + w < right) ImGui::SameLine();
    ImGui::SmallButton(t.c_str());
  }

  const bool from_sentence = s.problem.form == attn::Problem::Form::Direct;
  if (from_sentence) {
    ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
    bool changed = ImGui::SliderInt("d_model", &s.setup.d_model, 2, 64);
    help_marker("Width of each token's embedding x (the input to W_Q, W_K, W_V).");
    changed |= ImGui::SliderInt("d_k", &s.setup.d_k, 1, 32);
    help_marker("Width of each query and key (and here, value) vector: Q = X·W_Q is n×d_k.");
    ImGui::PopItemWidth();
    if (ImGui::Button("Re-roll weights")) {
      s.setup.seed += 1;
      changed = true;
    }
    ImGui::SameLine();
    ImGui::Text("seed %llu", static_cast<unsigned long long>(s.setup.seed));
    if (changed) rebuild_from_sentence(s);
  } else {
    ImGui::TextWrapped("Inputs come from a loaded problem (%d query × %d key tokens, %d heads).",
                       s.problem.query_len(), s.problem.key_len(), s.problem.heads());
  }
  ImGui::Separator();

  // Mask.
  attn::MaskSpec& m = s.problem.mask;
  const char* kinds[] = {"none", "causal", "sliding window", "padding", "custom (0/1 matrix)"};
  int kind = static_cast<int>(m.kind);
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  const int kind_count = m.kind == attn::MaskSpec::Kind::Explicit ? 5 : 4;
  if (ImGui::Combo("mask", &kind, kinds, kind_count)) {
    m.kind = static_cast<attn::MaskSpec::Kind>(kind);
    if (m.kind == attn::MaskSpec::Kind::Window && m.window < 1) m.window = 3;
    if (m.kind == attn::MaskSpec::Kind::Padding) m.valid_len = std::max(1, s.problem.key_len() - 2);
    s.dirty = true;
  }
  help_marker(
      "Which keys each query may look at. Blocked scores become −∞, so softmax gives them exactly 0.");
  if (m.kind == attn::MaskSpec::Kind::Window &&
      ImGui::SliderInt("window w", &m.window, 1, std::max(1, s.problem.key_len())))
    s.dirty = true;
  if (m.kind == attn::MaskSpec::Kind::Padding &&
      ImGui::SliderInt("valid keys", &m.valid_len, 0, s.problem.key_len()))
    s.dirty = true;

  // Scale and temperature.
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
  if (s.problem.heads() > 1) ImGui::SliderInt("head", &s.view.head, 0, s.problem.heads() - 1);
  ImGui::PopItemWidth();
}

// [SECTION] Q/K/V ----------------------------------------------------------------------------------------

void panel_qkv(AppState& s) {
  const attn::HeadTrace<double>* h = shown_head(s);
  if (!h) return ImGui::TextUnformatted("No result yet.");
  const std::vector<std::string> rows_q = attn::query_labels(s.problem), rows_k = attn::key_labels(s.problem);
  const int dk = static_cast<int>(h->q.cols()), dv = static_cast<int>(h->v.cols());
  std::vector<std::string> cols_k, cols_v;
  for (int c = 0; c < dk; ++c) cols_k.push_back(std::to_string(c));
  for (int c = 0; c < dv; ++c) cols_v.push_back(std::to_string(c));
  const attn::Step st = s.step();
  if (ImGui::BeginTable("##qkv", 3, ImGuiTableFlags_SizingStretchSame)) {
    const struct {
      const char* title;
      const char* tip;
      const attn::MatD* m;
      const std::vector<std::string>* rows;
      const std::vector<std::string>* cols;
      int highlight_row;
    } mats[] = {
        {"Q  (queries: what each token looks for)", "q", &h->q, &rows_q, &cols_k, st.query},
        {"K  (keys: what each token offers)", "k", &h->k, &rows_k, &cols_k, st.key},
        {"V  (values: what each token passes on)", "v", &h->v, &rows_k, &cols_v, st.key},
    };
    for (const auto& mt : mats) {
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", mt.title);
      HeatmapOptions opt;
      opt.palette = Palette::Diverging;
      opt.show_values = s.view.show_values;
      opt.highlight_row = mt.highlight_row;
      opt.value_name = mt.tip;
      const ImVec2 avail = ImGui::GetContentRegionAvail();
      opt.cell = heatmap_fit_cell(ImVec2(avail.x, avail.y - 4), static_cast<int>(mt.m->rows()),
                                  static_cast<int>(mt.m->cols()), *mt.rows, *mt.cols);
      heatmap(mt.tip, *mt.m, *mt.rows, *mt.cols, opt);
    }
    ImGui::EndTable();
  }
}

// [SECTION] weights --------------------------------------------------------------------------------------

void panel_weights(AppState& s) {
  const attn::HeadTrace<double>* h = shown_head(s);
  if (!h) return ImGui::TextUnformatted("No result yet.");
  const std::vector<std::string> rows = attn::query_labels(s.problem), cols = attn::key_labels(s.problem);
  const attn::Step st = s.step();
  ImGui::TextWrapped(
      "Row i shows how much token i (query) attends to each token (key): "
      "softmax(q_i·kᵀ/√d_k + mask). Each row sums to 1.%s",
      s.problem.heads() > 1 ? "  (one head; pick another in Input)" : "");
  HeatmapOptions opt;
  opt.palette = Palette::Sequential;
  opt.show_values = s.view.show_values;
  opt.highlight_row = st.query;
  opt.value_name = "weights";
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  opt.cell =
      heatmap_fit_cell(ImVec2(avail.x - ImGui::GetFontSize() * 12, avail.y - 4),
                       static_cast<int>(h->weights.rows()), static_cast<int>(h->weights.cols()), rows, cols);
  int hr = -1, hc = -1;
  heatmap("weights", h->weights, rows, cols, opt, &hr, &hc);
  if (hr >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    const int L = s.problem.query_len(), S = s.problem.key_len();
    const int per_row = s.granularity == attn::Granularity::Cell ? S : 1;
    s.step_index = attn::stage_start(attn::Stage::Softmax, L, S, s.granularity) + hr * per_row +
                   (s.granularity == attn::Granularity::Cell ? hc : 0);
  }
  // The selected row in numbers, largest weight first.
  ImGui::SameLine();
  ImGui::BeginGroup();
  const int i = std::clamp(st.query, 0, static_cast<int>(h->weights.rows()) - 1);
  ImGui::Text("“%s” attends to:", rows[static_cast<size_t>(i)].c_str());
  std::vector<int> order(static_cast<size_t>(h->weights.cols()));
  for (size_t j = 0; j < order.size(); ++j) order[j] = static_cast<int>(j);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return h->weights(i, a) > h->weights(i, b); });
  if (h->fully_masked[static_cast<size_t>(i)])
    ImGui::TextWrapped("nothing: every key is masked, so the output row is 0.");
  for (size_t r = 0; r < order.size() && r < 8; ++r) {
    const int j = order[r];
    if (h->weights(i, j) <= 0) break;
    ImGui::Text("%5.1f%%  %s", 100.0 * h->weights(i, j), cols[static_cast<size_t>(j)].c_str());
  }
  ImGui::EndGroup();
}

// [SECTION] status ---------------------------------------------------------------------------------------

void panel_status(AppState& s) {
  if (!s.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.8f, 0.1f, 0.1f, 1));
    ImGui::TextWrapped("Cannot compute: %s", s.error.c_str());
    ImGui::PopStyleColor();
  }
  if (s.problem.form == attn::Problem::Form::Direct && !s.problem.tokens.empty())
    ImGui::TextWrapped(
        "Embeddings and W_Q, W_K, W_V are seeded random numbers, not a trained model's: the pattern "
        "is illustrative, the arithmetic is exact.");
  if (!s.has_result) return;
  const attn::Stats& st = s.result.stats;
  ImGui::Text("Computed on: %s (%s), %.3f ms", st.backend.c_str(), st.precision.c_str(), st.time_ms);
  ImGui::Text("%d × %d tokens, %d head%s, mask: %s", s.problem.query_len(), s.problem.key_len(),
              s.problem.heads(), s.problem.heads() == 1 ? "" : "s", attn::mask_name(s.problem.mask).c_str());
  ImGui::Text("%.0f flops · %.0f bytes of scores", st.flops, st.bytes);
}

}  // namespace ui
