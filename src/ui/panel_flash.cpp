// The Variants view's linear and flash parts: linear attention's re-association next to softmax attention,
// and flash attention's tiles one step at a time with the real running max, sum, rescale and partial output
// (attn/linear.h, attn/flash.h; the numbers come from s.derived.variants, computed by the app shell).
// [SECTION] linear · flash
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/fit.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

namespace {

size_t shown_index(const AppState& s) {
  return static_cast<size_t>(std::clamp(s.view.head, 0, s.problem.heads() - 1));
}

HeatmapOptions small_map(const char* name, Palette p) {
  HeatmapOptions o;
  o.palette = p;
  o.show_values = false;
  o.value_name = name;
  return o;
}

std::string row_text(const attn::MatD& m, Eigen::Index row, int max_items = 3) {
  std::string out = "[";
  for (Eigen::Index c = 0; c < m.cols() && c < max_items; ++c) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%s%.3f", c ? ", " : "", m(row, c));
    out += buf;
  }
  return out + (m.cols() > max_items ? ", …]" : "]");
}

}  // namespace

// [SECTION] linear ---------------------------------------------------------------------------------------

void section_linear(AppState& s) {
  int fm = static_cast<int>(s.problem.feature_map);
  ImGui::TextUnformatted("Feature map φ:");
  for (int i = 0; i < 3; ++i) {
    ImGui::SameLine();
    static const char* kNames[] = {"elu(x) + 1", "relu(x)", "softmax over features"};
    if (ImGui::RadioButton(kNames[i], &fm, i))
      s.problem.feature_map = static_cast<attn::FeatureMap>(fm), s.dirty = true;
  }
  const Variants& v = s.derived.variants;
  const size_t head = shown_index(s);
  if (head >= v.linear.size())
    return ImGui::TextWrapped(
        "Linear attention sums over keys once (or as prefix sums for causal); other masks "
        "have no such shortcut. Set the mask to none or causal to see it.");
  const attn::LinearTrace& t = v.linear[head];
  const int L = s.problem.query_len(), S = s.problem.key_len();
  const int r = static_cast<int>(t.phi_q.cols()), dv = static_cast<int>(t.kv.cols());
  const double left = static_cast<double>(L) * S * r + static_cast<double>(L) * S * dv;
  const double right =
      static_cast<double>(S) * r * dv + static_cast<double>(L) * r * dv + static_cast<double>(L) * r;
  ImGui::TextWrapped(
      "Softmax needs every score before it can normalise, so it must form the L×S matrix. Replace "
      "exp(q·k) by φ(q)·φ(k) and the product can be re-associated:");
  const int n_star = attn::linear_crossover(static_cast<int>(t.phi_q.cols()), dv);
  if (held_back(s, Held::Costs)) {
    text_note("The counts are held back until the answer is revealed: predict first.");
  } else {
    ImGui::TextWrapped("(φ(Q)·φ(K)ᵀ)·V   %d×%d · %d×%d → %d×%d, then ·V:  %s multiply-adds", L, r, r, S, L, S,
                       fmt_count(left).c_str());
    ImGui::TextWrapped(
        "φ(Q)·(φ(K)ᵀ·V)   %d×%d · %d×%d → %d×%d, then φ(Q)·:  %s multiply-adds (with the normaliser)", r, S,
        S, dv, r, dv, fmt_count(right).c_str());
    ImGui::TextWrapped(
        "o_i = φ(q_i)·(Σ_j φ(k_j) v_jᵀ) / φ(q_i)·(Σ_j φ(k_j))%s. With d_k = %d and d_v = %d, linear "
        "attention needs fewer multiply-adds from n* = %d tokens on (here n = %d). The %d×%d state "
        "below replaces the %d×%d matrix.",
        s.problem.mask.kind == attn::MaskSpec::Kind::Causal
            ? " — causal: both sums run over j ≤ i, kept as prefix sums while i advances"
            : "",
        r, dv, n_star, L, r, dv, L, S);
  }
  const std::vector<std::string> rows = attn::query_labels(s.problem), cols = attn::key_labels(s.problem);
  const VariantRun* soft = nullptr;
  const VariantRun* lin = nullptr;
  for (const VariantRun& x : v.runs) {
    if (x.variant == attn::Variant::Standard) soft = &x;
    if (x.variant == attn::Variant::Linear) lin = &x;
  }
  if (!ImGui::BeginTable("##linear", 3)) return;
  const float w = ImGui::GetContentRegionAvail().x / 3 - ImGui::GetStyle().ItemSpacing.x;
  ImGui::TableNextColumn();
  ImGui::TextUnformatted("softmax weights");
  if (soft && head < soft->weights.size()) {
    HeatmapOptions o = small_map("a", Palette::Sequential);
    o.cell = heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * 14), L, S, rows, cols);
    o.held = held_back(s, Held::Softmax);
    heatmap("soft", soft->weights[head], rows, cols, o);
  }
  ImGui::TableNextColumn();
  ImGui::TextUnformatted("linear: implied weights");
  HeatmapOptions o = small_map("implied a", Palette::Sequential);
  o.cell = heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * 14), L, S, rows, cols);
  o.held = held_back(s, Held::Softmax);
  heatmap("implied", t.implied, rows, cols, o);
  ImGui::TableNextColumn();
  ImGui::TextWrapped("φ(K)ᵀ·V (%d×%d), never L×S", r, dv);
  HeatmapOptions kv = small_map("φ(K)ᵀV", Palette::Diverging);
  kv.cell = std::min(ImGui::GetFontSize() * 2.2f, heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * 14), r,
                                                                   dv, index_labels(r), index_labels(dv)));
  kv.show_values = s.view.show_values;
  heatmap("kv", t.kv, index_labels(r), index_labels(dv), kv);
  ImGui::EndTable();
  if (lin && lin->max_diff >= 0)
    ImGui::TextWrapped("Output difference from softmax attention: max |O_linear − O_softmax| = %.3g",
                       lin->max_diff);
  int zero = 0;
  for (bool z : t.zero_rows) zero += z ? 1 : 0;
  if (zero)
    ImGui::TextWrapped("%d row%s have φ(q)·Σφ(k) = 0 (relu switched every feature off): their output is 0.",
                       zero, zero == 1 ? "" : "s");
  interview_prompt(
      "What are the trade-offs of approximating attention?",
      "Linear attention is cheaper only past n* = " + std::to_string(n_star) +
          " tokens for this head width, and it changes the answer: compare the two weight maps (the "
          "implied one is flatter, since φ(q)·φ(k) cannot be as peaked as exp) and the output "
          "difference above. Sparse masks keep softmax exact on the scores they keep; flash is exact.");
}

// [SECTION] flash ----------------------------------------------------------------------------------------

namespace {

// The L×S grid by tiles in computing order: done tiles coloured by their scaled scores, the current tile
// outlined, skipped tiles grey, later tiles empty.
void draw_tile_grid(const AppState& s, const attn::FlashTrace& f, int step, float cell) {
  const int L = s.problem.query_len(), S = s.problem.key_len();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const std::vector<std::string> rows = attn::query_labels(s.problem);
  float gutter = 0;
  for (const std::string& r : rows) gutter = std::max(gutter, ImGui::CalcTextSize(r.c_str()).x);
  gutter += ImGui::GetFontSize() * 0.4f;
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const ImVec2 g(o.x + gutter, o.y);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), grid = ImGui::GetColorU32(ImGuiCol_Border);
  double range = 1e-9;
  for (const attn::FlashTile& t : f.tiles)
    if (!t.skipped)
      for (Eigen::Index i = 0; i < t.s.size(); ++i)
        if (std::isfinite(t.s.data()[i])) range = std::max(range, std::abs(t.s.data()[i]));
  const int every = label_every(cell);  // (as the heatmaps do, so labels never overlap)
  for (int i = 0; i < L; i += every)
    dl->AddText(ImVec2(o.x, g.y + cell * static_cast<float>(i) + (cell - ImGui::GetFontSize()) / 2), text,
                rows[static_cast<size_t>(i)].c_str());
  for (size_t n = 0; n < f.tiles.size(); ++n) {
    const attn::FlashTile& t = f.tiles[n];
    const ImVec2 a(g.x + cell * static_cast<float>(t.col0), g.y + cell * static_cast<float>(t.row0));
    const ImVec2 b(a.x + cell * static_cast<float>(t.cols), a.y + cell * static_cast<float>(t.rows));
    if (static_cast<int>(n) <= step) {
      if (t.skipped) {
        dl->AddRectFilled(a, b, ImGui::GetColorU32(ImGuiCol_TextDisabled, 0.35f));
      } else {
        for (int i = 0; i < t.rows; ++i)
          for (int j = 0; j < t.cols; ++j) {
            const ImVec2 c(a.x + cell * static_cast<float>(j), a.y + cell * static_cast<float>(i));
            const double x = t.s(i, j);
            dl->AddRectFilled(c, ImVec2(c.x + cell, c.y + cell),
                              std::isfinite(x) ? palette_color(Palette::Diverging, x / range)
                                               : ImGui::GetColorU32(ImGuiCol_TextDisabled, 0.6f));
          }
      }
    }
    dl->AddRect(a, b, grid);
  }
  if (step >= 0 && step < static_cast<int>(f.tiles.size())) {
    const attn::FlashTile& t = f.tiles[static_cast<size_t>(step)];
    const ImVec2 a(g.x + cell * static_cast<float>(t.col0), g.y + cell * static_cast<float>(t.row0));
    dl->AddRect(a, ImVec2(a.x + cell * static_cast<float>(t.cols), a.y + cell * static_cast<float>(t.rows)),
                IM_COL32(230, 30, 30, 255), 0, 0, 3.0f);
  }
  ImGui::Dummy(ImVec2(gutter + cell * static_cast<float>(S), cell * static_cast<float>(L)));
  ImGui::SetCursorScreenPos(ImVec2(g.x, ImGui::GetCursorScreenPos().y));
  legend(Palette::Diverging, -range, range, cell * static_cast<float>(S));
}

}  // namespace

void section_flash(AppState& s) {
  const Variants& v = s.derived.variants;
  const size_t head = shown_index(s);
  if (head >= v.flash.size()) return;
  const attn::FlashTrace& f = v.flash[head];
  const int L = s.problem.query_len(), S = s.problem.key_len();
  const int total = static_cast<int>(f.tiles.size());
  int& step = s.view.variants.flash_step;
  step = std::clamp(step, 0, std::max(0, total - 1));

  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  s.dirty |= ImGui::SliderInt("Br (query rows per tile)", &s.problem.tile_q, 1, std::max(1, L));
  flow(labelled_width(ImGui::GetFontSize() * 7, "Bc (keys per tile)"));
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  s.dirty |= ImGui::SliderInt("Bc (keys per tile)", &s.problem.tile_k, 1, std::max(1, S));
  if (ImGui::Button("◀ tile")) step = std::max(0, step - 1);
  ImGui::SameLine();
  if (ImGui::Button("tile ▶")) step = std::min(total - 1, step + 1);
  flow(ImGui::GetFontSize() * 12);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
  char label[48];
  std::snprintf(label, sizeof label, "tile step %d of %d", step + 1, total);
  ImGui::SliderInt("##tile", &step, 0, std::max(0, total - 1), label);
  ImGui::SameLine();
  text_note("(←/→ step through the tiles here)");
  if (total == 0) return;
  const attn::FlashTile& t = f.tiles[static_cast<size_t>(step)];

  Split split("##flash", 2, ImGui::GetFontSize() * 16, {0.4f, 0.6f});
  const float cell = std::clamp(std::min(ImGui::GetContentRegionAvail().x * 0.8f / static_cast<float>(S),
                                         ImGui::GetFontSize() * 18 / static_cast<float>(L)),
                                4.0f, ImGui::GetFontSize() * 2);
  draw_tile_grid(s, f, step, cell);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("Scaled scores of the tiles done; grey = masked (whole grey tiles are skipped).");
  ImGui::PopStyleColor();
  split.next();
  const std::vector<std::string> qlab = attn::query_labels(s.problem);
  ImGui::TextWrapped("Query tile %d (rows %d–%d) × key tile %d (keys %d–%d)", t.q_tile, t.row0,
                     t.row0 + t.rows - 1, t.k_tile, t.col0, t.col0 + t.cols - 1);
  if (t.skipped) {
    ImGui::TextWrapped(
        "The mask blocks every score of this tile: it is skipped — no loads, no multiply-adds. "
        "m, l and O stay as they are.");
  } else if (held_back(s, Held::Softmax)) {
    text_note("The running max, sum and output are held back until the answer is revealed: predict first.");
  } else {
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < t.rows; ++i) {
      std::vector<std::string> row = {qlab[static_cast<size_t>(t.row0 + i)]};
      for (double x : {t.m_old(i), t.m_new(i), t.rescale(i), t.l_old(i), t.l_new(i)}) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4f", x);
        row.push_back(std::isfinite(x) ? buf : "−∞");
      }
      row.push_back(row_text(t.o_partial, i, 2));
      rows.push_back(std::move(row));
    }
    text_table("##rows",
               {"query", "m old", "m new", "exp(m old − m new)", "l old", "l new", "O so far (not ÷ l)"},
               rows);
    ImGui::TextWrapped(
        "Each row: m new = max(m old, this tile's scores); the old sum and output are scaled by "
        "exp(m old − m new) (0 on the first tile); l new = l old·rescale + Σ exp(s − m new); "
        "O += exp(s − m new)·V_tile.");
  }
  const bool last_of_row = step + 1 == total || f.tiles[static_cast<size_t>(step + 1)].q_tile != t.q_tile;
  if (last_of_row && head < v.standard_outputs.size()) {
    const attn::MatD& o = v.standard_outputs[head];
    const int r0 = t.row0;
    ImGui::TextWrapped("Rows %d–%d are done: O = O partial ÷ l. Row “%s”: flash %s, standard %s.", r0,
                       r0 + t.rows - 1, qlab[static_cast<size_t>(r0)].c_str(), row_text(f.output, r0).c_str(),
                       row_text(o, r0).c_str());
  }
  if (step + 1 == total) {
    for (const VariantRun& r : v.runs)
      if (r.variant == attn::Variant::Flash && r.max_diff >= 0)
        ImGui::TextWrapped(
            "Check: every output equals standard attention's: max |O_flash − O_standard| = %.1e", r.max_diff);
  }
  const double held = f.peak_bytes, full = 8.0 * L * S;
  const int d =
      head < s.derived.result.heads.size() ? static_cast<int>(s.derived.result.heads[head].q.cols()) : 0;
  const int dv =
      head < s.derived.result.heads.size() ? static_cast<int>(s.derived.result.heads[head].v.cols()) : 0;
  if (!held_back(s, Held::Costs))
    ImGui::TextWrapped(
        "Held at most: a %d×%d Q tile, a %d×%d K tile and a %d×%d V tile, the %d×%d score tile, O, m and l: "
        "%s "
        "in "
        "f64. Standard attention holds the %d×%d matrix: %s.",
        std::min(f.br, L), d, std::min(f.bc, S), d, std::min(f.bc, S), dv, std::min(f.br, L),
        std::min(f.bc, S), fmt_bytes(held).c_str(), L, S, fmt_bytes(full).c_str());
  split.end();
  std::string moved;
  for (const attn::VariantCost& c : v.costs)
    if (c.way == attn::CostWay::Standard || c.way == attn::CostWay::Flash)
      moved += (moved.empty() ? "" : " vs ") + c.name + " " + fmt_bytes(c.bytes_moved);
  interview_prompt(
      "Flash attention does the same multiply-adds — why is it faster?",
      "Because attention is limited by memory traffic, not arithmetic: it never writes the L×S "
      "matrix to memory and reads it back. Bytes moved on this input: " +
          moved +
          "; at long n the gap grows as n² vs n²·d/Br. It pays with a few rescales (the exp(m old − "
          "m new) column) and keeps only tiles in fast on-chip memory.");
}

}  // namespace ui
