// Layouts that fit (see fit.h).
#include "ui/fit.h"

#include <imgui.h>

#include <algorithm>
#include <numeric>

#include "ui/widgets.h"

namespace ui {

Split::Split(const char* id, int parts, float min_width, std::vector<float> weights) {
  const float avail = ImGui::GetContentRegionAvail().x;
  const float spacing = ImGui::GetStyle().CellPadding.x * 2 * static_cast<float>(parts);
  if (weights.empty()) weights.assign(static_cast<size_t>(parts), 1.0f);
  const float total = std::accumulate(weights.begin(), weights.end(), 0.0f);
  const float smallest = *std::min_element(weights.begin(), weights.end()) / total;
  table_ = parts > 1 && (avail - spacing) * smallest >= min_width &&
           ImGui::BeginTable(id, parts, ImGuiTableFlags_SizingStretchProp);
  if (!table_) return;
  for (int i = 0; i < parts; ++i)
    ImGui::TableSetupColumn(nullptr, ImGuiTableColumnFlags_WidthStretch, weights[static_cast<size_t>(i)]);
  ImGui::TableNextColumn();
}

void Split::next() {
  if (table_)
    ImGui::TableNextColumn();
  else
    ImGui::Separator();
}

void Split::end() {
  if (!open_) return;
  open_ = false;
  if (table_) ImGui::EndTable();
}

void flow(float width) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right) ImGui::SameLine();
}

namespace {

float label_w(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x;  // (the text before any "##")
}

}  // namespace

float check_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + label_w(label);
}

float labelled_width(float item, const char* label) {
  const float l = label_w(label);
  return item + (l > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + l : 0);
}

float item_width_beside(const char* longest) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float labels = label_w(longest) + st.ItemInnerSpacing.x + st.ItemSpacing.x + label_w("(?)") + 2;
  return std::max(ImGui::GetFontSize() * 3, std::min(avail * 0.6f, avail - labels));
}

float button_width(const char* label) { return label_w(label) + ImGui::GetStyle().FramePadding.x * 2; }

namespace {

const std::string& tip_of(const std::vector<std::vector<std::string>>& tips, size_t r, size_t c) {
  static const std::string none;
  return r < tips.size() && c < tips[r].size() ? tips[r][c] : none;
}

void cell_text(const std::string& text, const std::string& tip) {
  ImGui::TextUnformatted(text.c_str());
  if (!tip.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip.c_str());
}

float text_w(const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; }

}  // namespace

TableLayout text_table(const char* id, const std::vector<std::string>& headers,
                       const std::vector<std::vector<std::string>>& rows,
                       const std::vector<std::vector<std::string>>& tips) {
  const size_t C = headers.size(), R = rows.size();
  const float pad = ImGui::GetStyle().CellPadding.x * 2 + 2;  // (+ the border)
  const float avail = ImGui::GetContentRegionAvail().x;
  const auto cell = [&](size_t r, size_t c) -> const std::string& {
    static const std::string none;
    return c < rows[r].size() ? rows[r][c] : none;
  };
  float wide = 0, turned = 0;
  for (size_t c = 0; c < C; ++c) {  // as rows: each column as wide as its widest cell or header
    float w = text_w(headers[c]);
    for (size_t r = 0; r < R; ++r) w = std::max(w, text_w(cell(r, c)));
    wide += w + pad;
  }
  {  // turned: the headers down the side, a column per row
    float w = 0;
    for (const std::string& h : headers) w = std::max(w, text_w(h));
    turned += w + pad;
    for (size_t r = 0; r < R; ++r) {
      float wr = 0;
      for (size_t c = 0; c < C; ++c) wr = std::max(wr, text_w(cell(r, c)));
      turned += wr + pad;
    }
  }
  const ImGuiTableFlags flags =
      ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit;
  const float margin = 1.05f;  // (for rounding and borders: a table a few pixels too wide is cut)
  if (wide * margin + 4 <= avail && ImGui::BeginTable(id, static_cast<int>(C), flags)) {
    for (const std::string& h : headers) ImGui::TableSetupColumn(h.c_str());
    ImGui::TableHeadersRow();
    for (size_t r = 0; r < R; ++r) {
      ImGui::TableNextRow();
      for (size_t c = 0; c < C; ++c) {
        ImGui::TableNextColumn();
        cell_text(cell(r, c), tip_of(tips, r, c));
      }
    }
    ImGui::EndTable();
    return TableLayout::Rows;
  }
  if (turned * margin + 4 <= avail && ImGui::BeginTable(id, static_cast<int>(R + 1), flags)) {
    for (size_t c = 0; c < C; ++c) {
      ImGui::TableNextRow();
      if (c == 0)
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, ImGui::GetColorU32(ImGuiCol_TableHeaderBg));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(headers[c].c_str());
      for (size_t r = 0; r < R; ++r) {
        ImGui::TableNextColumn();
        cell_text(cell(r, c), tip_of(tips, r, c));
      }
    }
    ImGui::EndTable();
    return TableLayout::Turned;
  }
  ImGui::PushID(id);
  for (size_t r = 0; r < R; ++r) {  // a list: the first cell, then "header value" pieces wrapped as they fit
    ImGui::Separator();
    cell_text(cell(r, 0), tip_of(tips, r, 0));
    std::vector<std::string> pieces;
    for (size_t c = 1; c < C; ++c) pieces.push_back(headers[c] + ": " + cell(r, c));
    ImGui::Indent();
    text_pieces(pieces);
    ImGui::Unindent();
  }
  ImGui::PopID();
  return TableLayout::List;
}

}  // namespace ui
