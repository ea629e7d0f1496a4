// The Variants view's linear and flash parts: linear attention's re-association next to softmax attention,
// and flash attention's tiles one step at a time with the real running max, sum, rescale and partial output
// (attn/linear.h, attn/flash.h; the numbers come from s.derived().variants, computed by the app shell).
// [SECTION] linear · flash
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/fit.h"
#include "state/lesson.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

using attn::count_arg;
using attn::text_arg;

namespace {

size_t shown_index(const AppState& s) {
  return static_cast<size_t>(std::clamp(s.view.head, 0, s.problem().heads() - 1));
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

// (Long: one part drawn top to bottom in immediate mode; its side-by-side tables share layout state.)
void section_linear(AppState& s) {
  int fm = static_cast<int>(s.settings.feature_map);
  ImGui::TextUnformatted(words(s, "flash.linear.feature_map").c_str());
  const std::string softmax = words(s, "flash.linear.softmax_features") + "###softmax";
  const char* names[] = {"elu(x) + 1###elu", "relu(x)###relu", softmax.c_str()};
  for (int i = 0; i < 3; ++i) {
    if (i == 0)
      ImGui::SameLine();
    else
      flow(check_width(names[i]));  // (the row wraps when the words are long)
    if (ImGui::RadioButton(names[i], &fm, i))
      s.settings.feature_map = static_cast<attn::FeatureMap>(fm), s.dirty = true;
  }
  const Variants& v = s.derived().variants;
  const size_t head = shown_index(s);
  if (head >= v.linear.size())
    return ImGui::TextWrapped("%s", say(s, std::vector<attn::Message>{{"flash.linear.no_shortcut", {}},
                                                                      {"flash.linear.set_mask", {}}})
                                        .c_str());
  const attn::LinearTrace& t = v.linear[head];
  const int L = s.problem().query_len(), S = s.problem().key_len();
  const int r = static_cast<int>(t.phi_q.cols()), dv = static_cast<int>(t.kv.cols());
  const double left = static_cast<double>(L) * S * r + static_cast<double>(L) * S * dv;
  const double right =
      static_cast<double>(S) * r * dv + static_cast<double>(L) * r * dv + static_cast<double>(L) * r;
  ImGui::TextWrapped("%s", say(s, std::vector<attn::Message>{{"flash.linear.softmax_needs", {}},
                                                             {"flash.linear.reassociate", {}}})
                               .c_str());
  const int n_star = attn::linear_crossover(static_cast<int>(t.phi_q.cols()), dv);
  if (held_back(s, Held::Costs)) {
    text_note("%s", words(s, "flash.held.counts").c_str());
  } else {
    const std::vector<attn::MessageArg> dims = {count_arg("l", L), count_arg("s", S), count_arg("r", r),
                                                count_arg("dv", dv)};
    std::vector<attn::MessageArg> a = dims;
    a.push_back(text_arg("n", lab_count(s, left)));
    ImGui::TextWrapped("%s", say(s, "flash.linear.left", a).c_str());
    a = dims;
    a.push_back(text_arg("n", lab_count(s, right)));
    ImGui::TextWrapped("%s", say(s, "flash.linear.right", a).c_str());
    a = dims;
    a.push_back(count_arg("n_star", n_star));
    ImGui::TextWrapped("%s",
                       say(s, std::vector<attn::Message>{{s.settings.mask.kind == attn::MaskSpec::Kind::Causal
                                                              ? "flash.linear.formula_causal"
                                                              : "flash.linear.formula",
                                                          {}},
                                                         {"flash.linear.crossover", a},
                                                         {"flash.linear.state", a}})
                           .c_str());
  }
  const std::vector<std::string> rows = attn::query_labels(s.problem()), cols = attn::key_labels(s.problem());
  const VariantRun* soft = nullptr;
  const VariantRun* lin = nullptr;
  for (const VariantRun& x : v.runs) {
    if (x.variant == attn::Variant::Standard) soft = &x;
    if (x.variant == attn::Variant::Linear) lin = &x;
  }
  if (!ImGui::BeginTable("##linear", 3)) return;
  const float w = ImGui::GetContentRegionAvail().x / 3 - ImGui::GetStyle().ItemSpacing.x;
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(words(s, "flash.linear.softmax_weights").c_str());
  if (soft && head < soft->weights.size()) {
    HeatmapOptions o = small_map("a", Palette::Sequential);
    o.cell = heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * 14), L, S, rows, cols);
    o.held = held_back(s, Held::Softmax);
    heatmap("soft", soft->weights[head], rows, cols, o);
  }
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(words(s, "flash.linear.implied_weights").c_str());
  const std::string implied_a = words(s, "flash.linear.implied_a");
  HeatmapOptions o = small_map(implied_a.c_str(), Palette::Sequential);
  o.cell = heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * 14), L, S, rows, cols);
  o.held = held_back(s, Held::Softmax);
  heatmap("implied", t.implied, rows, cols, o);
  ImGui::TableNextColumn();
  ImGui::TextWrapped("%s", say(s, "flash.linear.kv_title", {count_arg("r", r), count_arg("dv", dv)}).c_str());
  HeatmapOptions kv = small_map("φ(K)ᵀV", Palette::Diverging);
  kv.cell = std::min(ImGui::GetFontSize() * 2.2f, heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * 14), r,
                                                                   dv, index_labels(r), index_labels(dv)));
  kv.show_values = s.view.show_values;
  heatmap("kv", t.kv, index_labels(r), index_labels(dv), kv);
  ImGui::EndTable();
  if (lin && lin->max_diff >= 0) {
    char diff[32];
    std::snprintf(diff, sizeof diff, "%.3g", lin->max_diff);
    ImGui::TextWrapped(
        "%s", say(s, "flash.linear.difference", {text_arg("d", attn::decimals(catalog(s), diff))}).c_str());
  }
  int zero = 0;
  for (bool z : t.zero_rows) zero += z ? 1 : 0;
  if (zero)
    ImGui::TextWrapped(
        "%s", say(s, zero == 1 ? "flash.linear.zero_row" : "flash.linear.zero_rows", {count_arg("n", zero)})
                  .c_str());
  interview_prompt(
      s, "flash.interview.approximate",
      say(s, std::vector<attn::Message>{{"flash.interview.approximate.linear", {count_arg("n", n_star)}},
                                        {"flash.interview.approximate.exact", {}}}));
}

// [SECTION] flash ----------------------------------------------------------------------------------------

namespace {

// The L×S grid by tiles in computing order: done tiles coloured by their scaled scores, the current tile
// outlined, skipped tiles grey, later tiles empty.
void draw_tile_grid(const AppState& s, const attn::FlashTrace& f, int step, float cell) {
  const int L = s.problem().query_len(), S = s.problem().key_len();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const std::vector<std::string> rows = attn::query_labels(s.problem());
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

// (Long: one part drawn top to bottom in immediate mode; its tables and splits share layout state.)
void section_flash(AppState& s) {
  const Variants& v = s.derived().variants;
  const size_t head = shown_index(s);
  if (head >= v.flash.size()) return;
  const attn::FlashTrace& f = v.flash[head];
  const int L = s.problem().query_len(), S = s.problem().key_len();
  const int total = static_cast<int>(f.tiles.size());
  int& step = s.view.variants.flash_step;
  step = std::clamp(step, 0, std::max(0, total - 1));

  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  s.dirty |=
      ImGui::SliderInt((words(s, "flash.br") + "###br").c_str(), &s.settings.tile_q, 1, std::max(1, L));
  const std::string bc = words(s, "flash.bc") + "###bc";
  flow(labelled_width(ImGui::GetFontSize() * 7, bc.c_str()));
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  s.dirty |= ImGui::SliderInt(bc.c_str(), &s.settings.tile_k, 1, std::max(1, S));
  if (ImGui::Button((words(s, "flash.previous") + "###previous").c_str())) step = std::max(0, step - 1);
  ImGui::SameLine();
  if (ImGui::Button((words(s, "flash.next") + "###next").c_str())) step = std::min(total - 1, step + 1);
  flow(ImGui::GetFontSize() * 12);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
  // (the slider's format: the words with the numbers in them, any '%' doubled)
  std::string label = say(s, "flash.step", {count_arg("step", step + 1), count_arg("steps", total)});
  for (size_t i = label.find('%'); i != std::string::npos; i = label.find('%', i + 2)) label.insert(i, "%");
  ImGui::SliderInt("##tile", &step, 0, std::max(0, total - 1), label.c_str());
  ImGui::SameLine();
  text_note("%s", words(s, "flash.keys").c_str());
  if (total == 0) return;
  const attn::FlashTile& t = f.tiles[static_cast<size_t>(step)];

  Split split("##flash", 2, ImGui::GetFontSize() * 16, {0.4f, 0.6f});
  const float cell = std::clamp(std::min(ImGui::GetContentRegionAvail().x * 0.8f / static_cast<float>(S),
                                         ImGui::GetFontSize() * 18 / static_cast<float>(L)),
                                4.0f, ImGui::GetFontSize() * 2);
  draw_tile_grid(s, f, step, cell);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", words(s, "flash.grid_note").c_str());
  ImGui::PopStyleColor();
  split.next();
  const std::vector<std::string> qlab = attn::query_labels(s.problem());
  ImGui::TextWrapped("%s", say(s, "flash.tile",
                               {count_arg("q_tile", t.q_tile), count_arg("row0", t.row0),
                                count_arg("row1", t.row0 + t.rows - 1), count_arg("k_tile", t.k_tile),
                                count_arg("col0", t.col0), count_arg("col1", t.col0 + t.cols - 1)})
                               .c_str());
  const attn::Catalog& cat = catalog(s);
  if (t.skipped) {
    ImGui::TextWrapped(
        "%s", say(s, std::vector<attn::Message>{{"flash.skipped", {}}, {"flash.skipped_stays", {}}}).c_str());
  } else if (held_back(s, Held::Softmax)) {
    text_note("%s", words(s, "flash.held.running").c_str());
  } else {
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < t.rows; ++i) {
      std::vector<std::string> row = {qlab[static_cast<size_t>(t.row0 + i)]};
      for (double x : {t.m_old(i), t.m_new(i), t.rescale(i), t.l_old(i), t.l_new(i)})
        row.push_back(std::isfinite(x) ? num(s, x, 4) : "−∞");
      row.push_back(attn::decimals(cat, row_text(t.o_partial, i, 2)));
      rows.push_back(std::move(row));
    }
    text_table("##rows",
               {words(s, "flash.col.query"), words(s, "flash.col.m_old"), words(s, "flash.col.m_new"),
                words(s, "flash.col.rescale"), words(s, "flash.col.l_old"), words(s, "flash.col.l_new"),
                words(s, "flash.col.o_so_far")},
               rows);
    ImGui::TextWrapped("%s", words(s, "flash.rows_explained").c_str());
  }
  const bool last_of_row = step + 1 == total || f.tiles[static_cast<size_t>(step + 1)].q_tile != t.q_tile;
  if (last_of_row && head < v.standard_outputs.size()) {
    const attn::MatD& o = v.standard_outputs[head];
    const int r0 = t.row0;
    ImGui::TextWrapped(
        "%s",
        say(s, std::vector<attn::Message>{{"flash.rows_done",
                                           {count_arg("row0", r0), count_arg("row1", r0 + t.rows - 1)}},
                                          {"flash.row_compare",
                                           {text_arg("q", qlab[static_cast<size_t>(r0)]),
                                            text_arg("flash", attn::decimals(cat, row_text(f.output, r0))),
                                            text_arg("standard", attn::decimals(cat, row_text(o, r0)))}}})
            .c_str());
  }
  if (step + 1 == total) {
    for (const VariantRun& r : v.runs)
      if (r.variant == attn::Variant::Flash && r.max_diff >= 0) {
        char diff[32];
        std::snprintf(diff, sizeof diff, "%.1e", r.max_diff);
        ImGui::TextWrapped("%s", say(s, "flash.check", {text_arg("d", attn::decimals(cat, diff))}).c_str());
      }
  }
  const double held = f.peak_bytes, full = 8.0 * L * S;
  const int d =
      head < s.derived().result.heads.size() ? static_cast<int>(s.derived().result.heads[head].q.cols()) : 0;
  const int dv =
      head < s.derived().result.heads.size() ? static_cast<int>(s.derived().result.heads[head].v.cols()) : 0;
  if (!held_back(s, Held::Costs))
    ImGui::TextWrapped(
        "%s", say(s,
                  std::vector<attn::Message>{
                      {"flash.held_at_most",
                       {count_arg("br", std::min(f.br, L)), count_arg("bc", std::min(f.bc, S)),
                        count_arg("d", d), count_arg("dv", dv), text_arg("bytes", lab_bytes(s, held))}},
                      {"flash.standard_holds",
                       {count_arg("l", L), count_arg("s", S), text_arg("bytes", lab_bytes(s, full))}}})
                  .c_str());
  split.end();
  std::string moved;
  for (const attn::VariantCost& c : v.costs)
    if (c.way == attn::CostWay::Standard || c.way == attn::CostWay::Flash) {
      const std::string one =
          say(s, "flash.moved",
              {text_arg("name", attn::say(cat, c.name)), text_arg("bytes", lab_bytes(s, c.bytes_moved))});
      moved = moved.empty() ? one : say(s, "flash.versus", {text_arg("a", moved), text_arg("b", one)});
    }
  interview_prompt(
      s, "flash.interview.faster",
      say(s, std::vector<attn::Message>{{"flash.interview.faster.traffic", {}},
                                        {"flash.interview.faster.moved", {text_arg("moved", moved)}},
                                        {"flash.interview.faster.price", {}}}));
}

}  // namespace ui
