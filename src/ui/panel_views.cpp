// Views of the selected query row: token-to-token lines, score/weight bars, the scaling and temperature
// lesson, and the numerics lesson (see panels.h). Every number comes from the Trace or attn/numerics.h.
// [SECTION] tokens · distribution · scaling · numerics
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "attn/numerics.h"
#include "ui/fit.h"
#include "state/lesson.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

namespace {

std::vector<double> row_vector(const attn::MatD& m, int i) {
  return std::vector<double>(m.row(i).data(), m.row(i).data() + m.cols());
}

// Softmax of a row of raw scores with a multiplier, honouring the mask (−∞ where masked is −∞).

// "41.0%": a share as a percentage with `decimals` decimals, in the app's language.
std::string percent(const Words& w, double share, int decimals) {
  return num(w, 100 * share, decimals) + "%";
}

// {label, "2.31 bits", "41.0%"}: a row of the entropy table.
std::vector<std::string> entropy_row(const AppState& s, const char* label, const std::vector<double>& w) {
  return {words(s, label), say(s, "scaling.bits", {attn::fixed_arg("bits", attn::entropy_bits(w), 2)}),
          percent(s, *std::max_element(w.begin(), w.end()), 1)};
}

// While an edit awaits recompute (every view of the row).
void recomputing(const Words& w) { ImGui::TextDisabled("%s", words(w, "tokens.recomputing").c_str()); }

}  // namespace

// [SECTION] tokens ---------------------------------------------------------------------------------------

void panel_tokens(AppState& s) {
  const attn::HeadTrace<double>* t = shown_head(s);
  if (!result_matches_problem(s)) return recomputing(s);
  const std::vector<std::string> q = attn::query_labels(s.problem()), k = attn::key_labels(s.problem());
  const int i = s.step().query;
  ImGui::TextWrapped("%s", words(s, "tokens.help").c_str());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float row_h = std::min(ImGui::GetTextLineHeightWithSpacing() * 1.3f,
                               avail.y / static_cast<float>(std::max(q.size(), k.size())));
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float x_left = o.x + avail.x * 0.3f, x_right = o.x + avail.x * 0.7f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 line = ImGui::GetColorU32(ImGuiCol_PlotLinesHovered);
  const bool held = held_back(s, Held::Softmax);
  if (held) text_note("%s", words(s, "tokens.held").c_str());
  for (size_t j = 0; j < k.size(); ++j) {
    const double w = held ? 0 : t->weights(i, static_cast<Eigen::Index>(j));
    const float y1 = o.y + row_h * (static_cast<float>(i) + 0.5f),
                y2 = o.y + row_h * (static_cast<float>(j) + 0.5f);
    if (w > 0)
      dl->AddLine(ImVec2(x_left + 6, y1), ImVec2(x_right - 6, y2),
                  (line & 0x00FFFFFF) | (static_cast<ImU32>(40 + 215 * w) << 24),
                  1.0f + 12.0f * static_cast<float>(w) * ImGui::GetFontSize() / 17.0f);
    const std::string label = held ? k[j] : k[j] + "  " + percent(s, w, 0);
    dl->AddText(ImVec2(x_right, y2 - ImGui::GetTextLineHeight() * 0.5f), ImGui::GetColorU32(ImGuiCol_Text),
                label.c_str());
  }
  for (size_t r = 0; r < q.size(); ++r) {
    const ImVec2 ts = ImGui::CalcTextSize(q[r].c_str());
    ImGui::SetCursorScreenPos(
        ImVec2(x_left - ts.x - 10, o.y + row_h * (static_cast<float>(r) + 0.5f) - ts.y * 0.5f));
    ImGui::PushID(static_cast<int>(r));
    if (ImGui::Selectable(q[r].c_str(), static_cast<int>(r) == i, 0, ts))
      select_query(s, static_cast<int>(r));
    ImGui::PopID();
  }
}

// [SECTION] distribution ---------------------------------------------------------------------------------

void panel_distribution(AppState& s) {
  if (!result_matches_problem(s)) return recomputing(s);
  const attn::HeadTrace<double>& t = *shown_head(s);
  const std::vector<std::string> q = attn::query_labels(s.problem()), k = attn::key_labels(s.problem());
  const int i = s.step().query;
  ImGui::TextWrapped(
      "%s", say(s, "distribution.help", {attn::text_arg("token", q[static_cast<size_t>(i)])}).c_str());
  double range = 1e-9;
  for (Eigen::Index j = 0; j < t.masked.cols(); ++j)
    if (std::isfinite(t.masked(i, j))) range = std::max(range, std::fabs(t.masked(i, j)));
  if (!ImGui::BeginTable("##dist", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return;
  ImGui::TableSetupColumn(words(s, "distribution.col.key").c_str(), ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn(words(s, "distribution.col.score").c_str(), ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("##sbar", ImGuiTableColumnFlags_WidthStretch, 1);
  ImGui::TableSetupColumn(words(s, "distribution.col.weight").c_str(), ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("##wbar", ImGuiTableColumnFlags_WidthStretch, 1);
  ImGui::TableHeadersRow();
  const float h = ImGui::GetTextLineHeight() * 0.8f;
  const bool scores_held = held_back(s, Held::Scale) || held_back(s, Held::Mask);
  const bool weights_held = held_back(s, Held::Softmax);
  for (Eigen::Index j = 0; j < t.masked.cols(); ++j) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(k[static_cast<size_t>(j)].c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(scores_held ? "?" : num(s, t.masked(i, j)).c_str());
    ImGui::TableNextColumn();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float half = ImGui::GetContentRegionAvail().x * 0.5f;
    if (!scores_held)
      value_bar(ImGui::GetWindowDrawList(), ImVec2(p.x + half, p.y + 2), half, h, t.masked(i, j), range,
                Palette::Diverging);
    ImGui::Dummy(ImVec2(half * 2, h + 4));
    ImGui::TableNextColumn();
    if (weights_held)
      ImGui::TextUnformatted("?");
    else
      ImGui::TextUnformatted(percent(s, t.weights(i, j), 1).c_str());
    ImGui::TableNextColumn();
    const ImVec2 pw = ImGui::GetCursorScreenPos();
    if (!weights_held)
      value_bar(ImGui::GetWindowDrawList(), ImVec2(pw.x, pw.y + 2), ImGui::GetContentRegionAvail().x, h,
                t.weights(i, j), 1.0, Palette::Sequential);
    ImGui::Dummy(ImVec2(1, h + 4));
  }
  ImGui::EndTable();
}

// [SECTION] scaling --------------------------------------------------------------------------------------

// (Long: one panel drawn top to bottom in immediate mode; its sliders, plot and table share layout state.)
void panel_scaling(AppState& s) {
  if (!result_matches_problem(s)) return recomputing(s);
  const attn::HeadTrace<double>& t = *shown_head(s);
  const int i = s.step().query;
  const int d_k = static_cast<int>(t.q.cols());
  const std::vector<std::string> q = attn::query_labels(s.problem());
  ImGui::TextWrapped("%s", words(s, "scaling.help").c_str());
  bool sqrt_dk = s.settings.scale.kind == attn::ScaleSpec::Kind::SqrtDk;
  if (s.settings.scale.kind != attn::ScaleSpec::Kind::Value &&
      ImGui::Checkbox((words(s, "scaling.divide_sqrt_dk") + "###divide_sqrt_dk").c_str(), &sqrt_dk)) {
    s.settings.scale.kind = sqrt_dk ? attn::ScaleSpec::Kind::SqrtDk : attn::ScaleSpec::Kind::None;
    s.dirty = true;
  }
  const std::string temperature_label = words(s, "scaling.temperature") + "###temperature";
  flow(labelled_width(ImGui::GetFontSize() * 10, temperature_label.c_str()));
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  float temperature = static_cast<float>(s.settings.temperature);
  const std::string t_format = slider_format("{t}", "t", temperature, 2);
  if (ImGui::SliderFloat(temperature_label.c_str(), &temperature, 0.05f, 20.0f, t_format.c_str(),
                         ImGuiSliderFlags_Logarithmic)) {
    s.settings.temperature = std::max(0.05f, round_to(temperature, 2));
    s.dirty = true;
  }
  if (s.source == Source::Embeddings && s.scenario_id.empty()) {
    flow(labelled_width(ImGui::GetFontSize() * 10, "d_k"));
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    if (ImGui::SliderInt("d_k", &s.setup.d_k, 1, 64)) rebuild_from_sentence(s);
  }

  const double tau = s.settings.temperature, root = std::sqrt(static_cast<double>(d_k));
  text_words("%s", say(s, "scaling.row",
                       {attn::text_arg("token", q[static_cast<size_t>(i)]), attn::count_arg("d_k", d_k),
                        attn::fixed_arg("root", root, 2)})
                       .c_str());
  if (held_back(s, Held::Softmax)) {
    text_note("%s", words(s, "scaling.held").c_str());
  } else {
    int allowed = 0;
    for (Eigen::Index j = 0; j < t.masked.cols(); ++j) allowed += std::isinf(t.masked(i, j)) ? 0 : 1;
    text_table("##entropy",
               {words(s, "scaling.col.softmax"), words(s, "scaling.col.entropy"),
                words(s, "scaling.col.max_weight")},
               {entropy_row(s, "scaling.row.as_set",
                            attn::row_weights_with(t, i, attn::score_multiplier(s.settings.scale, d_k, tau))),
                entropy_row(s, "scaling.row.without", attn::row_weights_with(t, i, 1.0 / tau)),
                entropy_row(s, "scaling.row.with", attn::row_weights_with(t, i, 1.0 / root)),
                {say(s, "scaling.uniform", {attn::count_arg("n", allowed)}),
                 say(s, "scaling.bits",
                     {attn::fixed_arg("bits", allowed ? std::log2(static_cast<double>(allowed)) : 0.0, 2)}),
                 percent(s, allowed ? 1.0 / allowed : 0.0, 1)}});
  }

  // Measured spread of q·k for random N(0,1) vectors (2000 pairs per d_k, fixed seed).
  static const std::vector<attn::DotSpread> spread =
      attn::dot_product_spread({1, 2, 4, 8, 16, 32, 64, 128, 256, 512}, 2000, 2026);
  ImGui::TextWrapped("%s", say(s, "scaling.spread", {attn::count_arg("pairs", 2000)}).c_str());
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const ImVec2 size(std::min(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 30),
                    std::max(ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * 2,
                             ImGui::GetFontSize() * 6));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRect(o, ImVec2(o.x + size.x, o.y + size.y), ImGui::GetColorU32(ImGuiCol_Border));
  const double y_max = spread.back().sd_raw * 1.1;
  auto point = [&](size_t idx, double y) {
    return ImVec2(
        o.x + size.x * (0.05f + 0.9f * static_cast<float>(idx) / static_cast<float>(spread.size() - 1)),
        o.y + size.y * (1.0f - static_cast<float>(y / y_max)));
  };
  const ImU32 raw = palette_color(Palette::Diverging, 0.85),
              scaled = palette_color(Palette::Diverging, -0.85);
  for (size_t n = 0; n < spread.size(); ++n) {
    if (n) {
      dl->AddLine(point(n - 1, spread[n - 1].sd_raw), point(n, spread[n].sd_raw), raw, 2.5f);
      dl->AddLine(point(n - 1, spread[n - 1].sd_scaled), point(n, spread[n].sd_scaled), scaled, 2.5f);
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "%d", spread[n].d_k);
    dl->AddText(ImVec2(point(n, 0).x - 6, o.y + size.y + 2), ImGui::GetColorU32(ImGuiCol_Text), buf);
    if (n + 1 == spread.size() || n % 3 == 0) {
      dl->AddText(
          ImVec2(point(n, spread[n].sd_raw).x - 10, point(n, spread[n].sd_raw).y - ImGui::GetFontSize() - 2),
          raw, num(s, spread[n].sd_raw, 1).c_str());
    }
  }
  ImGui::Dummy(ImVec2(size.x, size.y + ImGui::GetTextLineHeight() + 4));
  const std::string raw_words = words(s, "scaling.legend_raw"),
                    scaled_words = words(s, "scaling.legend_scaled"), axis_words = words(s, "scaling.axis");
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(raw), "%s", raw_words.c_str());
  flow(ImGui::CalcTextSize(scaled_words.c_str()).x);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(scaled), "%s", scaled_words.c_str());
  flow(ImGui::CalcTextSize(axis_words.c_str()).x);
  ImGui::TextDisabled("%s", axis_words.c_str());
}

// [SECTION] numerics -------------------------------------------------------------------------------------

void panel_numerics(AppState& s) {
  if (!result_matches_problem(s)) return recomputing(s);
  const attn::HeadTrace<double>& t = *shown_head(s);
  const int i = s.step().query;
  const std::vector<std::string> q = attn::query_labels(s.problem()), k = attn::key_labels(s.problem());
  ImGui::TextWrapped(
      "%s",
      say(s, "numerics.help", {attn::fixed_arg("f32", 88.7, 1), attn::fixed_arg("f16", 11.1, 1)}).c_str());
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  float scale = static_cast<float>(s.view.logit_scale);
  const std::string scale_format = slider_format("{x}", "x", scale, 1);
  if (ImGui::SliderFloat((words(s, "numerics.multiply") + "###multiply_logits").c_str(), &scale, 0.1f,
                         1000.0f, scale_format.c_str(), ImGuiSliderFlags_Logarithmic))
    s.view.logit_scale = round_to(scale, 1);
  if (held_back(s, Held::Softmax)) return text_note("%s", words(s, "numerics.held").c_str());
  std::vector<double> logits = row_vector(t.masked, i);
  for (double& x : logits) x *= s.view.logit_scale;
  const std::vector<double> n32 = attn::softmax_naive(logits, attn::NumFormat::F32),
                            s32 = attn::softmax_stable(logits, attn::NumFormat::F32),
                            n16 = attn::softmax_naive(logits, attn::NumFormat::F16),
                            s16 = attn::softmax_stable(logits, attn::NumFormat::F16);
  text_words("%s", say(s, "numerics.row",
                       {attn::text_arg("token", q[static_cast<size_t>(i)]),
                        attn::fixed_arg("scale", s.view.logit_scale, 1)})
                       .c_str());
  if (!ImGui::BeginTable("##num", 6,
                         ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY))
    return;
  for (const char* h : {"distribution.col.key", "numerics.col.logit", "numerics.col.naive_f32",
                        "numerics.col.stable_f32", "numerics.col.naive_f16", "numerics.col.stable_f16"})
    ImGui::TableSetupColumn(words(s, h).c_str());
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableHeadersRow();
  const ImVec4 bad(0.85f, 0.1f, 0.1f, 1);
  auto cell = [&](double x) {
    ImGui::TableNextColumn();
    if (std::isfinite(x))
      ImGui::TextUnformatted(num(s, x, 4).c_str());
    else
      ImGui::TextColored(bad, "%s", std::isnan(x) ? "NaN" : "∞");
  };
  for (size_t j = 0; j < logits.size(); ++j) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(k[j].c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(num(s, logits[j]).c_str());
    cell(n32[j]);
    cell(s32[j]);
    cell(n16[j]);
    cell(s16[j]);
  }
  ImGui::EndTable();
}

}  // namespace ui
