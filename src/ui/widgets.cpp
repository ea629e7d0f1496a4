// Shared widgets (see widgets.h): palette colours, value bars, vertical text, legends, token chips, wrapped
// text, slider formats, the wrapped text field and the block map. Heatmaps are heatmap.cpp.
#include "ui/widgets.h"

#include "attn/explain.h"

#include <misc/cpp/imgui_stdlib.h>

#include <algorithm>
#include <cstdarg>
#include <cmath>
#include <cstdio>

namespace ui {

namespace {
const attn::Catalog* g_words = nullptr;  // (widget_words(): English until set)
}  // namespace

ImU32 palette_color(Palette p, double t) {
  const std::array<float, 3> c = state::palette_rgb(p, t);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(c[0], c[1], c[2], 1.0f));
}

void value_bar(ImDrawList* dl, ImVec2 origin, float half_width, float height, double value, double range,
               Palette p) {
  if (!std::isfinite(value) || range <= 0) return;
  const double t = std::clamp(value / range, -1.0, 1.0);
  const float w = static_cast<float>(t) * half_width;
  const ImU32 col = palette_color(p, p == Palette::Diverging ? t : std::clamp(value, 0.0, 1.0));
  const ImVec2 a(origin.x + std::min(0.0f, w), origin.y), b(origin.x + std::max(0.0f, w), origin.y + height);
  dl->AddRectFilled(a, b, col);
  dl->AddRect(a, b, ImGui::GetColorU32(ImGuiCol_Border));
}

void add_text_vertical(ImDrawList* dl, ImVec2 pos, ImU32 col, const char* text) {
  const int first = dl->VtxBuffer.Size;
  // (No CPU culling against the clip rectangle: it would cut the text as laid out before the rotation; the
  // scissor still clips the rotated text.)
  const ImVec4 everywhere(-1e9f, -1e9f, 1e9f, 1e9f);
  ImGui::GetFont()->RenderText(dl, ImGui::GetFontSize(), pos, col, everywhere, text, nullptr, 0, false);
  // Rotate the glyph quads just added by −90° around pos (x' = x0 + (y − y0), y' = y0 − (x − x0)).
  for (int i = first; i < dl->VtxBuffer.Size; ++i) {
    ImDrawVert& v = dl->VtxBuffer[i];
    const float dx = v.pos.x - pos.x, dy = v.pos.y - pos.y;
    v.pos = ImVec2(pos.x + dy, pos.y - dx);
  }
}

float legend_height() { return ImGui::GetFontSize() * 0.4f + ImGui::GetTextLineHeight() + 4; }

void legend(Palette p, double lo, double hi, float width) {
  const float font = ImGui::GetFontSize();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float bar_h = font * 0.4f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const int steps = 24;
  for (int k = 0; k < steps; ++k) {  // (the gradient, as the cells are coloured)
    const double t = static_cast<double>(k) / (steps - 1);
    const double v = lo + (hi - lo) * t;
    const float x0 = o.x + width * static_cast<float>(k) / steps,
                x1 = o.x + width * static_cast<float>(k + 1) / steps;
    dl->AddRectFilled(ImVec2(x0, o.y), ImVec2(x1, o.y + bar_h),
                      palette_color(p, p == Palette::Diverging ? (hi > 0 ? v / hi : 0) : v));
  }
  dl->AddRect(o, ImVec2(o.x + width, o.y + bar_h), ImGui::GetColorU32(ImGuiCol_Border));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const attn::Catalog& words = widget_words();
  const std::string a = attn::number(words, lo), b = attn::number(words, hi),
                    mid = attn::number(words, (lo + hi) / 2);
  const float y = o.y + bar_h + 2;
  const float wa = ImGui::CalcTextSize(a.c_str()).x, wb = ImGui::CalcTextSize(b.c_str()).x,
              wm = ImGui::CalcTextSize(mid.c_str()).x;
  dl->AddText(ImVec2(o.x, y), text, a.c_str());
  if (wa + wm + wb + font < width) dl->AddText(ImVec2(o.x + (width - wm) * 0.5f, y), text, mid.c_str());
  if (wa + wb + font * 0.5f < width) dl->AddText(ImVec2(o.x + width - wb, y), text, b.c_str());
  ImGui::Dummy(ImVec2(width, bar_h + ImGui::GetTextLineHeight() + 2));
}

int token_chips(const std::vector<std::string>& labels, const std::function<bool(int)>& selected,
                std::vector<std::array<float, 4>>* rects) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  const ImGuiStyle& style = ImGui::GetStyle();
  int clicked = -1;
  if (rects) rects->clear();
  for (size_t i = 0; i < labels.size(); ++i) {
    const float w = ImGui::CalcTextSize(labels[i].c_str()).x + style.FramePadding.x * 2;
    if (i > 0 && ImGui::GetItemRectMax().x + style.ItemSpacing.x + w < right) ImGui::SameLine();
    ImGui::PushID(static_cast<int>(i));
    const bool on = selected(static_cast<int>(i));
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::SmallButton(labels[i].c_str())) clicked = static_cast<int>(i);
    if (on) ImGui::PopStyleColor();
    ImGui::PopID();
    if (rects) {
      const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
      rects->push_back({a.x, a.y, b.x - a.x, b.y - a.y});
    }
  }
  return clicked;
}

void text_note(const char* fmt, ...) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  va_list args;
  va_start(args, fmt);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextV(fmt, args);
  ImGui::PopTextWrapPos();
  va_end(args);
  ImGui::PopStyleColor();
}

void text_pieces(const std::vector<std::string>& pieces, const char* separator) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, ImGui::GetStyle().ItemSpacing.y));
  for (size_t i = 0; i < pieces.size(); ++i) {
    const std::string text = pieces[i] + (i + 1 < pieces.size() ? separator : "");
    if (i > 0 && ImGui::GetItemRectMax().x + ImGui::CalcTextSize(text.c_str()).x < right) ImGui::SameLine();
    ImGui::PushTextWrapPos(0);  // (one piece wider than the window wraps inside itself)
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::PopStyleVar();
}

void text_words(const char* fmt, ...) {
  char stack[1024];
  va_list args;
  va_start(args, fmt);
  const int n = std::vsnprintf(stack, sizeof stack, fmt, args);
  va_end(args);
  std::string text;
  if (n >= static_cast<int>(sizeof stack)) {  // (a long text: format it again into a string that fits)
    text.resize(static_cast<size_t>(n) + 1);
    va_start(args, fmt);
    std::vsnprintf(text.data(), text.size(), fmt, args);
    va_end(args);
    text.resize(static_cast<size_t>(n));
  } else {
    text = n > 0 ? stack : "";
  }
  std::vector<std::string> words;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t end = std::min(text.find(' ', at), text.size());
    words.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  text_pieces(words, " ");
}

namespace {
float g_highlight_weight = 1;
}  // namespace
float highlight_weight() { return g_highlight_weight; }
void set_highlight_weight(float w) { g_highlight_weight = w; }

const attn::Catalog& widget_words() { return g_words ? *g_words : attn::english(); }
void set_widget_words(const attn::Catalog& c) { g_words = &c; }

std::string slider_format(const std::string& text, const std::string& name, double value, int decimals) {
  std::string escaped;
  for (const char c : text) escaped += c == '%' ? std::string("%%") : std::string(1, c);
  const attn::Catalog& words = widget_words();
  const std::string number =
      words.decimal == '.' ? "%." + std::to_string(decimals) + "f" : attn::number(words, value, decimals);
  return attn::fill(escaped, {{name, number}});
}

float round_to(float x, int decimals) {
  if (widget_words().decimal == '.') return x;
  const double k = std::pow(10.0, decimals);
  return static_cast<float>(std::round(static_cast<double>(x) * k) / k);
}

bool text_input_wrapped(const char* id, std::string* text, float lines) {
  enum : int { kShown = 0, kOpening = 1, kEditing = 2 };
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID key = ImGui::GetID(id);
  const int mode = storage->GetInt(key, kShown);
  const ImVec2 size(ImGui::GetContentRegionAvail().x, ImGui::GetTextLineHeight() * lines);
  if (mode != kShown) {
    if (mode == kOpening) ImGui::SetKeyboardFocusHere();
    const bool changed = ImGui::InputTextMultiline(id, text, size);
    if (mode == kEditing && !ImGui::IsItemActive()) storage->SetInt(key, kShown);
    if (mode == kOpening) storage->SetInt(key, kEditing);
    return changed;
  }
  const ImVec2 at = ImGui::GetCursorScreenPos();
  if (ImGui::InvisibleButton(id, size)) storage->SetInt(key, kOpening);
  const ImGuiStyle& st = ImGui::GetStyle();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 end(at.x + size.x, at.y + size.y);
  dl->AddRectFilled(at, end,
                    ImGui::GetColorU32(ImGui::IsItemHovered() ? ImGuiCol_FrameBgHovered : ImGuiCol_FrameBg),
                    st.FrameRounding);
  const ImVec4 clip(at.x, at.y, end.x, end.y);
  dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(),
              ImVec2(at.x + st.FramePadding.x, at.y + st.FramePadding.y), ImGui::GetColorU32(ImGuiCol_Text),
              text->c_str(), text->c_str() + text->size(), size.x - st.FramePadding.x * 2, &clip);
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_TextInput);
  return false;
}

float block_map(const attn::MatD& map, float side) {
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(side, side));
  if (map.size() == 0) return 0;
  const float cw = side / static_cast<float>(map.cols()), ch = side / static_cast<float>(map.rows());
  const double top = map.maxCoeff() > 0 ? map.maxCoeff() : 1;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (Eigen::Index i = 0; i < map.rows(); ++i)
    for (Eigen::Index j = 0; j < map.cols(); ++j) {
      const ImVec2 a(o.x + cw * static_cast<float>(j), o.y + ch * static_cast<float>(i));
      dl->AddRectFilled(a, ImVec2(a.x + cw + 0.5f, a.y + ch + 0.5f),
                        palette_color(Palette::Sequential, std::sqrt(map(i, j) / top)));
    }
  dl->AddRect(o, ImVec2(o.x + side, o.y + side), ImGui::GetColorU32(ImGuiCol_Border));
  legend(Palette::Sequential, 0, 1, side);  // (colour = √(block ÷ the largest), as the views say)
  return static_cast<float>(top);
}

}  // namespace ui
