// Views of the selected query row: token-to-token lines, score/weight bars, the scaling and temperature
// lesson, and the numerics lesson (see panels.h). Every number comes from the Trace or attn/numerics.h.
// [SECTION] tokens · distribution · scaling · numerics
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "attn/numerics.h"
#include "ui/fit.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

namespace {

std::vector<double> row_vector(const attn::MatD& m, int i) {
  return std::vector<double>(m.row(i).data(), m.row(i).data() + m.cols());
}

// Softmax of a row of raw scores with a multiplier, honouring the mask (−∞ where masked is −∞).

// {label, "2.31 bits", "41.0%"}: a row of the entropy table.
std::vector<std::string> entropy_row(const char* label, const std::vector<double>& w) {
  char bits[32], top[32];
  std::snprintf(bits, sizeof bits, "%.2f bits", attn::entropy_bits(w));
  std::snprintf(top, sizeof top, "%.1f%%", 100 * *std::max_element(w.begin(), w.end()));
  return {label, bits, top};
}

}  // namespace

// [SECTION] tokens ---------------------------------------------------------------------------------------

void panel_tokens(AppState& s) {
  const attn::HeadTrace<double>* t = shown_head(s);
  if (!result_matches_problem(s)) return ImGui::TextDisabled("Recomputing…");
  const std::vector<std::string> q = attn::query_labels(s.problem), k = attn::key_labels(s.problem);
  const int i = s.step().query;
  ImGui::TextWrapped(
      "Lines from the selected query token (left) to every key token (right): thickness and "
      "opacity show the weight. Click a token on the left to select it.");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float row_h = std::min(ImGui::GetTextLineHeightWithSpacing() * 1.3f,
                               avail.y / static_cast<float>(std::max(q.size(), k.size())));
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float x_left = o.x + avail.x * 0.3f, x_right = o.x + avail.x * 0.7f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 line = ImGui::GetColorU32(ImGuiCol_PlotLinesHovered);
  const bool held = held_back(s, Held::Softmax);
  if (held) text_note("The weights are held back until the answer is revealed: predict first.");
  for (size_t j = 0; j < k.size(); ++j) {
    const double w = held ? 0 : t->weights(i, static_cast<Eigen::Index>(j));
    const float y1 = o.y + row_h * (static_cast<float>(i) + 0.5f),
                y2 = o.y + row_h * (static_cast<float>(j) + 0.5f);
    if (w > 0)
      dl->AddLine(ImVec2(x_left + 6, y1), ImVec2(x_right - 6, y2),
                  (line & 0x00FFFFFF) | (static_cast<ImU32>(40 + 215 * w) << 24),
                  1.0f + 12.0f * static_cast<float>(w) * ImGui::GetFontSize() / 17.0f);
    char buf[64];
    std::snprintf(buf, sizeof buf, held ? "%s" : "%s  %.0f%%", k[j].c_str(), 100 * w);
    dl->AddText(ImVec2(x_right, y2 - ImGui::GetTextLineHeight() * 0.5f), ImGui::GetColorU32(ImGuiCol_Text),
                buf);
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
  if (!result_matches_problem(s)) return ImGui::TextDisabled("Recomputing…");
  const attn::HeadTrace<double>& t = *shown_head(s);
  const std::vector<std::string> q = attn::query_labels(s.problem), k = attn::key_labels(s.problem);
  const int i = s.step().query;
  ImGui::TextWrapped(
      "Row of “%s”: the scaled scores (left, before softmax) and the weights they become (right). "
      "Softmax keeps the order but exaggerates the gaps; masked keys (−∞) get exactly 0.",
      q[static_cast<size_t>(i)].c_str());
  double range = 1e-9;
  for (Eigen::Index j = 0; j < t.masked.cols(); ++j)
    if (std::isfinite(t.masked(i, j))) range = std::max(range, std::fabs(t.masked(i, j)));
  if (!ImGui::BeginTable("##dist", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return;
  ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("score ŝ", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("##sbar", ImGuiTableColumnFlags_WidthStretch, 1);
  ImGui::TableSetupColumn("weight a", ImGuiTableColumnFlags_WidthFixed);
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
    ImGui::TextUnformatted(scores_held ? "?" : attn::fmt(t.masked(i, j)).c_str());
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
      ImGui::Text("%.1f%%", 100 * t.weights(i, j));
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

void panel_scaling(AppState& s) {
  if (!result_matches_problem(s)) return ImGui::TextDisabled("Recomputing…");
  const attn::HeadTrace<double>& t = *shown_head(s);
  const int i = s.step().query;
  const int d_k = static_cast<int>(t.q.cols());
  const std::vector<std::string> q = attn::query_labels(s.problem);
  ImGui::TextWrapped(
      "Why divide by √d_k? A dot product adds d_k terms, so for random vectors its spread grows "
      "like √d_k. Large scores make softmax nearly one-hot (low entropy) and its gradients vanish. "
      "Temperature τ divides the scores once more: τ > 1 flattens, τ < 1 sharpens.");
  bool sqrt_dk = s.problem.scale.kind == attn::ScaleSpec::Kind::SqrtDk;
  if (s.problem.scale.kind != attn::ScaleSpec::Kind::Value && ImGui::Checkbox("divide by √d_k", &sqrt_dk)) {
    s.problem.scale.kind = sqrt_dk ? attn::ScaleSpec::Kind::SqrtDk : attn::ScaleSpec::Kind::None;
    s.dirty = true;
  }
  flow(labelled_width(ImGui::GetFontSize() * 10, "temperature τ"));
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  float temperature = static_cast<float>(s.problem.temperature);
  if (ImGui::SliderFloat("temperature τ", &temperature, 0.05f, 20.0f, "%.2f", ImGuiSliderFlags_Logarithmic)) {
    s.problem.temperature = std::max(0.05f, temperature);
    s.dirty = true;
  }
  if (s.source == Source::Embeddings && s.scenario_id.empty()) {
    flow(labelled_width(ImGui::GetFontSize() * 10, "d_k"));
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    if (ImGui::SliderInt("d_k", &s.setup.d_k, 1, 64)) rebuild_from_sentence(s);
  }

  const double tau = s.problem.temperature, root = std::sqrt(static_cast<double>(d_k));
  text_words("Row of “%s”, d_k = %d (√d_k = %.2f):", q[static_cast<size_t>(i)].c_str(), d_k, root);
  if (held_back(s, Held::Softmax)) {
    text_note("The entropies are held back until the answer is revealed: predict first.");
  } else {
    int allowed = 0;
    for (Eigen::Index j = 0; j < t.masked.cols(); ++j) allowed += std::isinf(t.masked(i, j)) ? 0 : 1;
    char uniform[64], bits[32], top[32];
    std::snprintf(uniform, sizeof uniform, "uniform over the %d allowed keys", allowed);
    std::snprintf(bits, sizeof bits, "%.2f bits", allowed ? std::log2(static_cast<double>(allowed)) : 0.0);
    std::snprintf(top, sizeof top, "%.1f%%", allowed ? 100.0 / allowed : 0.0);
    text_table("##entropy", {"softmax of the row's scores", "entropy", "max weight"},
               {entropy_row("as set now (the weights on screen)",
                            attn::row_weights_with(t, i, attn::score_multiplier(s.problem.scale, d_k, tau))),
                entropy_row("without 1/√d_k (τ as set)", attn::row_weights_with(t, i, 1.0 / tau)),
                entropy_row("with 1/√d_k, τ = 1", attn::row_weights_with(t, i, 1.0 / root)),
                {uniform, bits, top}});
  }

  // Measured spread of q·k for random N(0,1) vectors (2000 pairs per d_k, fixed seed).
  static const std::vector<attn::DotSpread> spread =
      attn::dot_product_spread({1, 2, 4, 8, 16, 32, 64, 128, 256, 512}, 2000, 2026);
  ImGui::TextWrapped(
      "Spread (standard deviation) of q·k for random vectors, measured on 2000 pairs per d_k:");
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
      std::snprintf(buf, sizeof buf, "%.1f", spread[n].sd_raw);
      dl->AddText(
          ImVec2(point(n, spread[n].sd_raw).x - 10, point(n, spread[n].sd_raw).y - ImGui::GetFontSize() - 2),
          raw, buf);
    }
  }
  ImGui::Dummy(ImVec2(size.x, size.y + ImGui::GetTextLineHeight() + 4));
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(raw), "■ q·k (grows like √d_k)");
  flow(ImGui::CalcTextSize("■ q·k / √d_k (stays ≈ 1)").x);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(scaled), "■ q·k / √d_k (stays ≈ 1)");
  flow(ImGui::CalcTextSize("x: d_k (log scale)").x);
  ImGui::TextDisabled("x: d_k (log scale)");
}

// [SECTION] numerics -------------------------------------------------------------------------------------

void panel_numerics(AppState& s) {
  if (!result_matches_problem(s)) return ImGui::TextDisabled("Recomputing…");
  const attn::HeadTrace<double>& t = *shown_head(s);
  const int i = s.step().query;
  const std::vector<std::string> q = attn::query_labels(s.problem), k = attn::key_labels(s.problem);
  ImGui::TextWrapped(
      "Why softmax subtracts the row max. exp(x) overflows to ∞ above x = 88.7 in f32 and above "
      "x = 11.1 in f16 (half precision, common on GPUs); then the sum is ∞ and ∞/∞ = NaN. "
      "Subtracting the max changes nothing mathematically but keeps every exponent ≤ 0.");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  float scale = static_cast<float>(s.view.logit_scale);
  if (ImGui::SliderFloat("multiply the logits by", &scale, 0.1f, 1000.0f, "%.1f",
                         ImGuiSliderFlags_Logarithmic))
    s.view.logit_scale = scale;
  if (held_back(s, Held::Softmax))
    return text_note("The softmax of this row is held back until the answer is revealed: predict first.");
  std::vector<double> logits = row_vector(t.masked, i);
  for (double& x : logits) x *= s.view.logit_scale;
  const std::vector<double> n32 = attn::softmax_naive(logits, attn::NumFormat::F32),
                            s32 = attn::softmax_stable(logits, attn::NumFormat::F32),
                            n16 = attn::softmax_naive(logits, attn::NumFormat::F16),
                            s16 = attn::softmax_stable(logits, attn::NumFormat::F16);
  text_words("Row of “%s”: masked scores × %.1f", q[static_cast<size_t>(i)].c_str(), s.view.logit_scale);
  if (!ImGui::BeginTable("##num", 6,
                         ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY))
    return;
  for (const char* h : {"key", "logit x", "naive f32", "stable f32", "naive f16", "stable f16"})
    ImGui::TableSetupColumn(h);
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableHeadersRow();
  const ImVec4 bad(0.85f, 0.1f, 0.1f, 1);
  auto cell = [&](double x) {
    ImGui::TableNextColumn();
    if (std::isfinite(x))
      ImGui::Text("%.4f", x);
    else
      ImGui::TextColored(bad, "%s", std::isnan(x) ? "NaN" : "∞");
  };
  for (size_t j = 0; j < logits.size(); ++j) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(k[j].c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(attn::fmt(logits[j]).c_str());
    cell(n32[j]);
    cell(s32[j]);
    cell(n16[j]);
    cell(s16[j]);
  }
  ImGui::EndTable();
}

}  // namespace ui
