// Heatmaps (see widgets.h): the cells, their numbers in one type for the whole map, −∞ hatched, labels, the
// copy menu, and the record of what each frame drew (drawn_heatmaps, the named targets) for layout().
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "attn/explain.h"
#include "ui/widgets.h"

namespace ui {

namespace {

std::vector<DrawnHeatmap> g_drawn;                                    // (drawn_heatmaps(): this frame's)
std::vector<std::pair<std::string, std::array<float, 4>>> g_targets;  // (drawn_targets())

float luminance(ImU32 c) {
  const ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
  return 0.2126f * v.x + 0.7152f * v.y + 0.0722f * v.z;
}

// The value as printed in a cell: 2 decimals, or without the leading zero (".17") when narrow is set; with
// the language's decimal sign (",17" in Spanish).
void format_value(char* buf, size_t n, double x, bool narrow) {
  if (std::isinf(x))
    std::snprintf(buf, n, "%s∞", x < 0 ? "−" : "");
  else if (std::isnan(x))
    std::snprintf(buf, n, "NaN");
  else if (std::fabs(x) >= 100)
    std::snprintf(buf, n, "%.0f", x);
  else if (std::fabs(x) >= 10)
    std::snprintf(buf, n, "%.1f", x);
  else if (narrow && std::fabs(x) < 0.995)
    std::snprintf(buf, n, "%s.%02d", x < 0 ? "−" : "", static_cast<int>(std::lround(std::fabs(x) * 100)));
  else
    std::snprintf(buf, n, "%.2f", x);
  const char sign = widget_words().decimal;
  if (sign != '.')
    for (char* c = buf; *c; ++c)
      if (*c == '.') *c = sign;
}

// A number as %.Ng writes it, with the language's decimal sign.
std::string general(double x, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  return attn::decimals(widget_words(), buf);
}

// A number to read in a tooltip: 6 significant digits, without an exponent from 10⁻⁶ to 10⁶ ("0.0000162991"),
// else with one as a learner writes it ("1.63 × 10⁻⁷").
std::string readable(double x) {
  const double a = std::fabs(x);
  char buf[64];
  if (x == 0 || !std::isfinite(x)) return general(x, 6);
  if (a >= 1e-6 && a < 1e6) {
    const int decimals = std::max(0, 5 - static_cast<int>(std::floor(std::log10(a))));
    std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
    std::string t = buf;
    if (t.find('.') != std::string::npos) {
      t.erase(t.find_last_not_of('0') + 1);
      if (t.back() == '.') t.pop_back();
    }
    return attn::decimals(widget_words(), t);
  }
  const int e = static_cast<int>(std::floor(std::log10(a)));
  std::snprintf(buf, sizeof buf, "%.3g", x / std::pow(10.0, e));
  std::string sup;
  static const char* kSup[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  for (const char c : std::to_string(std::abs(e))) sup += kSup[c - '0'];
  return attn::decimals(widget_words(), buf) + " × 10" + (e < 0 ? "⁻" : "") + sup;
}

// Left and top label gutters: the longest label (capped at 7 em) plus spacing.
ImVec2 gutters(const std::vector<std::string>& row_labels, const std::vector<std::string>& col_labels) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float font = ImGui::GetFontSize();
  float left = 0, top = 0;
  for (const std::string& s : row_labels) left = std::max(left, ImGui::CalcTextSize(s.c_str()).x);
  for (const std::string& s : col_labels) top = std::max(top, ImGui::CalcTextSize(s.c_str()).x);
  return ImVec2(std::min(left, font * 7) + style.ItemSpacing.x,
                std::min(top, font * 7) + style.ItemSpacing.y);
}

}  // namespace

ImVec2 heatmap_size(float cell, int rows, int cols, const std::vector<std::string>& row_labels,
                    const std::vector<std::string>& col_labels, const HeatmapOptions& opt) {
  const ImVec2 g = gutters(row_labels, col_labels);
  return ImVec2(
      (opt.row_labels ? g.x : 0) + cell * static_cast<float>(cols),
      (opt.col_labels ? g.y : 0) + cell * static_cast<float>(rows) + (opt.legend ? legend_height() : 0));
}

float heatmap_fit_cell(ImVec2 avail, int rows, int cols, const std::vector<std::string>& row_labels,
                       const std::vector<std::string>& col_labels) {
  const ImVec2 g = gutters(row_labels, col_labels);
  const float font = ImGui::GetFontSize();
  const float fit_w = (avail.x - g.x) / static_cast<float>(std::max(cols, 1));
  const float fit_h = (avail.y - g.y) / static_cast<float>(std::max(rows, 1));
  // (The width is a hard limit: the height may scroll, cells no smaller than half a letter for it.)
  return std::max(1.0f, std::min({fit_w, std::max(fit_h, font * 0.5f), font * 3.5f}));
}

namespace {

// The cells [i0, i1) × [j0, j1) of a heatmap whose top-left cell is at grid (heatmap below): colours, the
// numbers that fit, −∞ hatched, and cells not computed yet or held back.
void draw_cells(ImDrawList* dl, const attn::MatD& m, const HeatmapOptions& opt, ImVec2 grid, float cw,
                float ch, double scale, int i0, int i1, int j0, int j1) {
  const int cols = static_cast<int>(m.cols());
  const auto pending = [&](int i, int j) { return opt.revealed >= 0 && i * cols + j >= opt.revealed; };
  char buf[32];
  // Plain cells of one colour side by side in a row are drawn as one rectangle (a model's 75-token heatmap
  // is ~5 600 cells of a few colours): the same pixels, a fraction of the vertices.
  int run_from = -1;
  ImU32 run_fill = 0;
  // The number in a cell when it fits (shortened if need be, then in a smaller type down to kValueFontMin
  // of the font), in black or white against the fill.
  // (the type fits the cell: up to the large font in tall, wide cells — a projector's — and down to
  // kValueFontMin of the text's in small ones)
  const ValueType type = value_type(m, cw, ch);
  ImFont* font = type.font;
  const float size = type.size;
  const auto value_fits = [&](double x, ImVec2& ts) {
    if (!opt.show_values) return false;
    format_value(buf, sizeof buf, x, type.narrow);
    ts = font->CalcTextSizeA(size, FLT_MAX, 0, buf);
    return ts.x + 2 <= cw && ts.y <= ch + 1;
  };
  const auto draw_value = [&](ImVec2 a, ImVec2 ts, ImU32 fill) {
    dl->AddText(font, size, ImVec2(a.x + (cw - ts.x) * 0.5f, a.y + (ch - ts.y) * 0.5f),
                luminance(fill) > 0.5f ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255), buf);
  };
  const auto flush = [&](int i, int j_end) {
    if (run_from < 0) return;
    dl->AddRectFilled(
        ImVec2(grid.x + cw * static_cast<float>(run_from), grid.y + ch * static_cast<float>(i)),
        ImVec2(grid.x + cw * static_cast<float>(j_end), grid.y + ch * static_cast<float>(i + 1)), run_fill);
    run_from = -1;
  };
  // Rows [from, to) that are not computed yet, as one block ruled into cells (not a rectangle and an outline
  // for each: the step view's first steps show a 64 × 64 grid of them).
  const auto unrevealed_rows = [&](int from, int to) {
    const float x0 = grid.x + cw * static_cast<float>(j0), x1 = grid.x + cw * static_cast<float>(j1);
    const float y0 = grid.y + ch * static_cast<float>(from), y1 = grid.y + ch * static_cast<float>(to);
    dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1), ImGui::GetColorU32(ImGuiCol_FrameBg));
    const ImU32 rule = ImGui::GetColorU32(ImGuiCol_Border, 0.25f);
    for (int k = from; k <= to; ++k)
      dl->AddLine(ImVec2(x0, grid.y + ch * static_cast<float>(k)),
                  ImVec2(x1, grid.y + ch * static_cast<float>(k)), rule);
    for (int c = j0; c <= j1; ++c)
      dl->AddLine(ImVec2(grid.x + cw * static_cast<float>(c), y0),
                  ImVec2(grid.x + cw * static_cast<float>(c), y1), rule);
  };
  for (int i = i0; i < i1; ++i) {
    if (!opt.held && pending(i, j0)) {
      unrevealed_rows(i, i1);
      break;
    }
    for (int j = j0; j < j1; ++j) {
      const ImVec2 a(grid.x + cw * static_cast<float>(j), grid.y + ch * static_cast<float>(i));
      const ImVec2 b(a.x + cw, a.y + ch);
      const double x = m(i, j);
      if (std::isfinite(x) && !opt.held && !pending(i, j)) {
        const ImU32 fill = palette_color(opt.palette, opt.palette == Palette::Diverging ? x / scale : x);
        ImVec2 ts;
        if (!value_fits(x, ts)) {  // (no number: the cell may join a run)
          if (run_from < 0 || fill != run_fill) {
            flush(i, j);
            run_from = j, run_fill = fill;
          }
          continue;
        }
        flush(i, j);
        dl->AddRectFilled(a, b, fill);
        draw_value(a, ts, fill);
        continue;
      }
      flush(i, j);
      if (opt.held) {  // (a prediction is open: neither colour nor number may give the answer away)
        dl->AddRectFilled(a, b, ImGui::GetColorU32(ImGuiCol_FrameBg));
        dl->AddRect(a, b, ImGui::GetColorU32(ImGuiCol_Border, 0.25f));
        const ImVec2 ts = ImGui::CalcTextSize("?");
        if (ts.x + 2 <= cw && ts.y <= ch)
          dl->AddText(ImVec2(a.x + (cw - ts.x) * 0.5f, a.y + (ch - ts.y) * 0.5f),
                      ImGui::GetColorU32(ImGuiCol_TextDisabled), "?");
        continue;
      }
      if (pending(i, j)) {  // not computed yet at this step
        dl->AddRectFilled(a, b, ImGui::GetColorU32(ImGuiCol_FrameBg));
        dl->AddRect(a, b, ImGui::GetColorU32(ImGuiCol_Border, 0.25f));
        continue;
      }
      const ImU32 blocked = IM_COL32(90, 90, 90, 255);  // (not finite: masked)
      dl->AddRectFilled(a, b, blocked);
      const float cell = std::min(cw, ch);
      for (float d = 4; d < cell * 2; d += 6)  // hatching marks "blocked"
        dl->AddLine(ImVec2(a.x + std::max(0.0f, d - cell), a.y + std::min(d, cell)),
                    ImVec2(a.x + std::min(d, cell), a.y + std::max(0.0f, d - cell)),
                    IM_COL32(130, 130, 130, 255));
      ImVec2 ts;
      if (value_fits(x, ts)) draw_value(a, ts, blocked);
    }
    flush(i, j1);
  }
}

// The heatmap's copy menu (opened by a right-click on cell ##copy_cell): the value, or the row as
// tab-separated numbers (a spreadsheet pastes it into cells).
void copy_menu(const attn::MatD& m, const std::vector<std::string>& row_labels,
               const std::vector<std::string>& col_labels, const HeatmapOptions& opt) {
  if (!ImGui::BeginPopup("##copy")) return;
  const int cols = static_cast<int>(m.cols());
  const int at = ImGui::GetStateStorage()->GetInt(ImGui::GetID("##copy_cell"), 0);
  const int i = std::clamp(at / std::max(cols, 1), 0, static_cast<int>(m.rows()) - 1), j = at % cols;
  const attn::Catalog& words = widget_words();
  const auto label = [](const std::vector<std::string>& l, int k) {
    return k < static_cast<int>(l.size()) ? l[static_cast<size_t>(k)] : std::to_string(k);
  };
  const std::vector<attn::MessageArg> args = {attn::text_arg("name", opt.value_name ? opt.value_name : ""),
                                              attn::text_arg("row", label(row_labels, i)),
                                              attn::text_arg("col", label(col_labels, j)),
                                              attn::text_arg("value", general(m(i, j), 9))};
  if (ImGui::MenuItem(attn::say(words, attn::Message{"widgets.copy_value", args}).c_str()))
    ImGui::SetClipboardText(general(m(i, j), 9).c_str());
  if (ImGui::MenuItem(attn::say(words, attn::Message{"widgets.copy_row", args}).c_str())) {
    std::string row;
    for (int c = 0; c < cols; ++c) row += (c ? "\t" : "") + general(m(i, c), 9);
    ImGui::SetClipboardText(row.c_str());
  }
  ImGui::EndPopup();
}

}  // namespace

const std::vector<DrawnHeatmap>& drawn_heatmaps() { return g_drawn; }
void mark_target(const std::string& name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  g_targets.push_back({name, {a.x, a.y, b.x - a.x, b.y - a.y}});
}
void mark_target_at(const std::string& name, const std::array<float, 4>& rect) {
  g_targets.push_back({name, rect});
}
const std::vector<std::pair<std::string, std::array<float, 4>>>& drawn_targets() { return g_targets; }
void begin_widget_frame() {
  g_drawn.clear();
  g_targets.clear();
}

float value_width(const attn::MatD& m, bool narrow) {
  double top = 0;
  bool negative = false;
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    const double x = m.data()[i];
    if (!std::isfinite(x)) continue;
    top = std::max(top, std::fabs(x));
    negative |= x < 0;
  }
  char buf[32];
  format_value(buf, sizeof buf,
               (negative ? -1 : 1) * (top < 0.995  ? 0.88
                                      : top >= 100 ? 888
                                      : top >= 10  ? 88.8
                                                   : 8.88),
               narrow);
  return ImGui::CalcTextSize(buf).x;
}

float value_cell(const attn::MatD& m) { return std::ceil(value_width(m, true) * kValueFontMin) + 3; }

ValueType value_type(const attn::MatD& m, float cw, float ch) {
  ValueType t;
  t.font = ImGui::GetFont();
  const float full = ImGui::GetFontSize();
  // (up to the large font in tall, wide cells — a projector's — and down to kValueFontMin of the text's)
  const float largest = std::min(full * kValueFontMax, ch / 1.25f);
  if (largest > full * 1.05f && ImGui::GetIO().Fonts->Fonts.Size > 1) t.font = ImGui::GetIO().Fonts->Fonts[1];
  // One type and one way of writing for the whole map: "0.71" in at least the text's type, else ".71", else
  // the smaller type that fits.
  const float wide = value_width(m, false), narrow_w = value_width(m, true);
  t.narrow = wide + 4 > cw && narrow_w < wide;
  const float widest = t.narrow ? narrow_w : wide;
  t.size = std::max(full * kValueFontMin, std::min(largest, full * (cw - 4) / std::max(widest, 1.0f)));
  t.fits = widest * t.size / full + 2 <= cw && ImGui::GetTextLineHeight() * t.size / full <= ch + 1;
  return t;
}

void heatmap(const char* id, const attn::MatD& m, const std::vector<std::string>& row_labels,
             const std::vector<std::string>& col_labels, const HeatmapOptions& opt, int* hovered_row,
             int* hovered_col) {
  if (hovered_row) *hovered_row = -1;
  if (hovered_col) *hovered_col = -1;
  const int rows = static_cast<int>(m.rows()), cols = static_cast<int>(m.cols());
  if (rows == 0 || cols == 0) return;
  ImGui::PushID(id);
  ImGui::BeginGroup();  // (the grid and its legend: one item for IsItemHovered/Clicked)
  const ImGuiStyle& style = ImGui::GetStyle();
  const float font = ImGui::GetFontSize();

  const ImVec2 gutter = gutters(row_labels, col_labels);
  const float left = opt.row_labels ? gutter.x : 0, top = opt.col_labels ? gutter.y : 0;

  float cell = opt.cell;  // (the cells' height; their width is opt.cell_w when given)
  if (cell <= 0)
    cell = std::clamp((ImGui::GetContentRegionAvail().x - left) / static_cast<float>(cols), font * 0.6f,
                      font * 3.5f);
  const float cw = opt.cell_w > 0 ? opt.cell_w : cell, ch = cell;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 grid(origin.x + left, origin.y + top);
  const ImVec2 size(left + cw * static_cast<float>(cols), top + ch * static_cast<float>(rows));
  ImGui::InvisibleButton("##grid", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);

  double scale =
      opt.range;  // Diverging: symmetric range ±max|finite| (or the shared one); Sequential: [0, 1]
  if (opt.palette == Palette::Diverging && scale <= 0) {
    for (int i = 0; i < rows; ++i)
      for (int j = 0; j < cols; ++j)
        if (std::isfinite(m(i, j))) scale = std::max(scale, std::fabs(m(i, j)));
    if (scale == 0) scale = 1;
  }

  // Labels, clipped to the gutter.
  // (every `every`-th row/column when cells are smaller than a line, plus the highlighted one)
  const int every = label_every(ch);
  const int label_rows = std::min(rows, static_cast<int>(row_labels.size()));
  const int label_cols = std::min(cols, static_cast<int>(col_labels.size()));
  for (int i = 0; opt.row_labels && i < label_rows; ++i) {
    if (i % every != 0 && i != opt.highlight_row) continue;
    if (grid.y + ch * static_cast<float>(i + 1) < dl->GetClipRectMin().y) continue;  // above the view
    if (grid.y + ch * static_cast<float>(i) > dl->GetClipRectMax().y) break;         // below it
    const ImVec2 ts = ImGui::CalcTextSize(row_labels[static_cast<size_t>(i)].c_str());
    const ImVec2 p(grid.x - style.ItemSpacing.x - std::min(ts.x, left),
                   grid.y + ch * static_cast<float>(i) + (ch - ts.y) * 0.5f);
    dl->PushClipRect(origin, ImVec2(grid.x, grid.y + size.y), true);
    dl->AddText(p, i == opt.highlight_row ? ImGui::GetColorU32(ImGuiCol_PlotLinesHovered) : text_col,
                row_labels[static_cast<size_t>(i)].c_str());
    dl->PopClipRect();
  }
  if (opt.col_labels)
    column_labels(grid, cw, std::vector<std::string>(col_labels.begin(), col_labels.begin() + label_cols),
                  opt.highlight_col, top);

  // Cells: only those inside the clip rectangle (a large matrix in a scrolled window draws what is seen).
  const ImVec2 clip_min = dl->GetClipRectMin(), clip_max = dl->GetClipRectMax();
  const auto visible = [&](float from, float to, float grid0, float step, int n, int& first, int& last) {
    first = std::clamp(static_cast<int>(std::floor((from - grid0) / step)), 0, n);
    last = std::clamp(static_cast<int>(std::ceil((to - grid0) / step)), 0, n);
  };
  int i0 = 0, i1 = 0, j0 = 0, j1 = 0;
  visible(clip_min.y, clip_max.y, grid.y, ch, rows, i0, i1);
  visible(clip_min.x, clip_max.x, grid.x, cw, cols, j0, j1);
  draw_cells(dl, m, opt, grid, cw, ch, scale, i0, i1, j0, j1);
  if (luminance(ImGui::GetColorU32(ImGuiCol_WindowBg)) < 0.2f && cw > 4 && ch > 4) {
    // On a dark background (the projector's) a faint grid keeps the palette's dark end apart from it.
    const ImU32 rule = IM_COL32(110, 110, 110, 255);
    for (int i = i0; i <= i1; ++i)
      dl->AddLine(ImVec2(grid.x + cw * static_cast<float>(j0), grid.y + ch * static_cast<float>(i)),
                  ImVec2(grid.x + cw * static_cast<float>(j1), grid.y + ch * static_cast<float>(i)), rule);
    for (int j = j0; j <= j1; ++j)
      dl->AddLine(ImVec2(grid.x + cw * static_cast<float>(j), grid.y + ch * static_cast<float>(i0)),
                  ImVec2(grid.x + cw * static_cast<float>(j), grid.y + ch * static_cast<float>(i1)), rule);
  }
  {  // (what was drawn, for layout() and the tests)
    DrawnHeatmap d;
    d.name = opt.value_name ? opt.value_name : id;
    d.x = std::max(grid.x, clip_min.x), d.y = std::max(grid.y, clip_min.y);
    d.w = std::min(grid.x + cw * static_cast<float>(cols), clip_max.x) - d.x;
    d.h = std::min(grid.y + ch * static_cast<float>(rows), clip_max.y) - d.y;
    d.cell = std::min(cw, ch), d.cell_w = cw, d.cell_h = ch, d.rows = rows, d.cols = cols;
    d.first_row = i0, d.last_row = i1 - 1;
    d.values_wanted = opt.show_values;
    d.values_shown = opt.show_values && value_type(m, cw, ch).fits;
    g_drawn.push_back(std::move(d));
  }
  dl->AddRect(grid, ImVec2(grid.x + size.x - left, grid.y + size.y - top),
              ImGui::GetColorU32(ImGuiCol_Border));
  const ImU32 hi = ImGui::GetColorU32(ImGuiCol_PlotLinesHovered);
  const float thick = std::max(2.0f, font * 0.15f) * highlight_weight();
  if (opt.highlight_row >= 0 && opt.highlight_row < rows)
    dl->AddRect(ImVec2(grid.x, grid.y + ch * static_cast<float>(opt.highlight_row)),
                ImVec2(grid.x + cw * static_cast<float>(cols),
                       grid.y + ch * static_cast<float>(opt.highlight_row + 1)),
                hi, 0, 0, thick);
  if (opt.highlight_col >= 0 && opt.highlight_col < cols)
    dl->AddRect(ImVec2(grid.x + cw * static_cast<float>(opt.highlight_col), grid.y),
                ImVec2(grid.x + cw * static_cast<float>(opt.highlight_col + 1),
                       grid.y + ch * static_cast<float>(rows)),
                hi, 0, 0, thick);

  if (opt.highlight_cell_row >= 0 && opt.highlight_cell_row < rows && opt.highlight_cell_col >= 0 &&
      opt.highlight_cell_col < cols) {
    const ImVec2 a(grid.x + cw * static_cast<float>(opt.highlight_cell_col),
                   grid.y + ch * static_cast<float>(opt.highlight_cell_row));
    const float h = thick * 0.5f;
    dl->AddRect(ImVec2(a.x - h, a.y - h), ImVec2(a.x + cw + h, a.y + ch + h), hi, 0, 0, thick * 1.6f);
  }

  // Right-click (a long press on a touch screen): copy the cell's value or its row.
  if (hovered && !opt.held && ImGui::IsMouseReleased(ImGuiMouseButton_Right)) {
    const ImVec2 mp = ImGui::GetIO().MousePos;
    const int j = static_cast<int>((mp.x - grid.x) / cw), i = static_cast<int>((mp.y - grid.y) / ch);
    if (mp.x >= grid.x && mp.y >= grid.y && i >= 0 && i < rows && j >= 0 && j < cols &&
        (opt.revealed < 0 || i * cols + j < opt.revealed)) {
      ImGui::GetStateStorage()->SetInt(ImGui::GetID("##copy_cell"), i * cols + j);
      ImGui::OpenPopup("##copy");
    }
  }
  copy_menu(m, row_labels, col_labels, opt);
  // Tooltip with the exact value.
  const attn::Catalog& words = widget_words();
  if (hovered && opt.held) {
    ImGui::SetTooltip("%s", attn::say(words, attn::Message{"widgets.held", {}}).c_str());
  } else if (hovered) {
    const ImVec2 mp = ImGui::GetIO().MousePos;
    const int j = static_cast<int>((mp.x - grid.x) / cw), i = static_cast<int>((mp.y - grid.y) / ch);
    if (mp.x >= grid.x && mp.y >= grid.y && i >= 0 && i < rows && j >= 0 && j < cols) {
      if (hovered_row) *hovered_row = i;
      if (hovered_col) *hovered_col = j;
      const std::string rl =
          i < static_cast<int>(row_labels.size()) ? row_labels[static_cast<size_t>(i)] : std::to_string(i);
      const std::string cl =
          j < static_cast<int>(col_labels.size()) ? col_labels[static_cast<size_t>(j)] : std::to_string(j);
      const bool shown = opt.revealed < 0 || i * cols + j < opt.revealed;
      const std::string extra = shown && opt.tooltip ? "\n" + opt.tooltip(i, j) : std::string();
      std::vector<attn::MessageArg> args = {
          attn::text_arg("name", opt.value_name ? opt.value_name
                                                : attn::say(words, attn::Message{"widgets.value_name", {}})),
          attn::text_arg("row", rl), attn::text_arg("col", cl), attn::count_arg("i", i),
          attn::count_arg("j", j)};
      std::string tip;
      if (!shown) {
        tip = attn::say(words, attn::Message{"widgets.not_computed", std::move(args)});
      } else if (std::isfinite(m(i, j))) {
        args.push_back(attn::text_arg("value", readable(m(i, j))));
        tip = attn::say(words, attn::Message{"widgets.value", std::move(args)}) + extra;
      } else {
        tip = attn::say(words, attn::Message{"widgets.blocked", std::move(args)}) + extra;
      }
      ImGui::SetTooltip("%s", tip.c_str());
    }
  }
  if (opt.legend && !opt.held) {
    ImGui::SetCursorScreenPos(ImVec2(grid.x, grid.y + ch * static_cast<float>(rows) + 2));
    legend(opt.palette, opt.palette == Palette::Diverging ? -scale : 0.0,
           opt.palette == Palette::Diverging ? scale : 1.0, cw * static_cast<float>(cols));
  }
  ImGui::EndGroup();
  ImGui::PopID();
}

void column_labels(ImVec2 grid, float cell, const std::vector<std::string>& labels, int highlight,
                   float top) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const int every = label_every(cell);
  const float right = grid.x + cell * static_cast<float>(labels.size());
  dl->PushClipRect(ImVec2(grid.x, grid.y - top), ImVec2(right, grid.y), true);
  for (int j = 0; j < static_cast<int>(labels.size()); ++j) {
    if (j % every != 0 && j != highlight) continue;
    if (grid.x + cell * static_cast<float>(j + 1) < dl->GetClipRectMin().x) continue;
    if (grid.x + cell * static_cast<float>(j) > dl->GetClipRectMax().x) break;
    const ImVec2 p(grid.x + cell * static_cast<float>(j) + (cell - font) * 0.5f,
                   grid.y - ImGui::GetStyle().ItemSpacing.y);
    add_text_vertical(dl, p, ImGui::GetColorU32(j == highlight ? ImGuiCol_PlotLinesHovered : ImGuiCol_Text),
                      labels[static_cast<size_t>(j)].c_str());
  }
  dl->PopClipRect();
}

float label_gutter(const std::vector<std::string>& labels, bool vertical) {
  const ImVec2 g =
      gutters(vertical ? std::vector<std::string>() : labels, vertical ? labels : std::vector<std::string>());
  return vertical ? g.y : g.x;
}

int label_every(float cell) {
  return std::max(1, static_cast<int>(std::ceil(ImGui::GetTextLineHeight() / cell)));
}

}  // namespace ui
