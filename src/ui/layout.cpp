// The frame's windows as rectangles, and what does not fit (see layout.h). Reads ImGui's own record of each
// window (where its cursor reached against the rectangle it shows) and of each table (each column's content
// width against the width it was given: a table clips its columns rather than growing the window).
#include "ui/layout.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cstdio>

#include "ui/widgets.h"

namespace ui {

namespace {
// A window's name as the learner reads it: a label's "###stable_id" (which keeps a translated window the same
// window to ImGui) is left out, "Lesson###lesson/##body" → "Lesson/##body".
std::string shown_name(const std::string& name) {
  std::string out;
  for (size_t at = 0; at < name.size();) {
    const size_t id = name.find("###", at);
    if (id == std::string::npos) return out + name.substr(at);
    out += name.substr(at, id - at);
    at = std::min(name.find('/', id), name.size());
  }
  return out;
}
}  // namespace

std::vector<LayoutBox> layout_boxes() {
  std::vector<LayoutBox> out;
  ImGuiContext* g = ImGui::GetCurrentContext();
  if (!g) return out;
  const ImGuiWindowFlags skip =
      ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup | ImGuiWindowFlags_ChildMenu;
  for (const ImGuiWindow* w : g->Windows) {
    const bool modal = (w->Flags & ImGuiWindowFlags_Modal) != 0;  // (a dialog is content; menus are not)
    if (!w->WasActive || w->Hidden || ((w->Flags & skip) && !modal) || w->LastFrameActive < g->FrameCount - 1)
      continue;
    if (std::string(w->Name).rfind("Debug##", 0) == 0) continue;  // ImGui's implicit fallback window
    LayoutBox b;
    b.name = shown_name(w->Name);
    b.child = (w->Flags & ImGuiWindowFlags_ChildWindow) != 0;
    b.dialog = modal;
    b.x = w->Pos.x, b.y = w->Pos.y, b.w = w->Size.x, b.h = w->Size.y;
    // (A window that drew nothing in its body, like the main menu bar, needs nothing there.)
    const ImVec2 reach = w->DC.CursorMaxPos;
    b.needs_w = reach.x > w->DC.CursorStartPos.x ? reach.x + w->Scroll.x - b.x : 0;
    b.needs_h = reach.y > w->DC.CursorStartPos.y ? reach.y + w->Scroll.y - b.y : 0;
    b.shows_w = w->InnerClipRect.Max.x - b.x;
    b.shows_h = w->InnerClipRect.Max.y - b.y;
    b.scroll_x = w->ScrollbarX;
    b.scroll_y = w->ScrollbarY;
    b.scroll = w->Scroll.y;
    out.push_back(std::move(b));
  }
  // A table clips its columns to the window (without a scrollbar of its own): its columns' full width is what
  // it needs. (One that scrolls sideways shows the rest by scrolling.)
  for (int i = 0; i < g->Tables.GetMapSize(); ++i) {
    ImGuiTable* t = g->Tables.TryGetMapData(i);
    if (!t || t->LastFrameActive < g->FrameCount - 1 || (t->Flags & ImGuiTableFlags_ScrollX) ||
        !t->OuterWindow)
      continue;
    LayoutBox b;
    b.name = shown_name(t->OuterWindow->Name) + "/table";
    b.child = true;
    b.x = t->OuterRect.Min.x, b.y = t->OuterRect.Min.y;
    b.w = t->OuterRect.GetWidth(), b.h = t->OuterRect.GetHeight();
    b.shows_w = b.w;
    // + what each column's content needs beyond its width (a cell's padding of slack: content that just
    // fills a column, as wrapped text does, measures up to that much over its given width)
    b.needs_w = b.w;
    const float slack = g->Style.CellPadding.x * 2 + 1;
    for (int c = 0; c < t->ColumnsCount; ++c)
      if (t->Columns[c].IsEnabled && t->Columns[c].WidthAuto > t->Columns[c].WidthGiven + slack)
        b.needs_w += t->Columns[c].WidthAuto - t->Columns[c].WidthGiven;
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<std::string> layout_problems(const std::vector<LayoutBox>& boxes, float width, float height) {
  std::vector<std::string> out;
  char buf[256];
  for (size_t i = 0; i < boxes.size(); ++i) {
    const LayoutBox& b = boxes[i];
    if (!b.child && (b.x < -1 || b.y < -1 || b.x + b.w > width + 1 || b.y + b.h > height + 1)) {
      std::snprintf(buf, sizeof buf, "%s: at (%.0f, %.0f) size %.0f×%.0f, outside the %.0f×%.0f window",
                    b.name.c_str(), b.x, b.y, b.w, b.h, width, height);
      out.push_back(buf);
    }
    if (b.cut_x()) {
      std::snprintf(buf, sizeof buf, "%s: content %.0f px wide, %.0f px shown%s", b.name.c_str(), b.needs_w,
                    b.shows_w, b.scroll_x ? " (only by scrolling sideways)" : ", no scrollbar");
      out.push_back(buf);
    }
    if (b.cut_y()) {
      std::snprintf(buf, sizeof buf, "%s: content %.0f px tall, %.0f px shown, no scrollbar", b.name.c_str(),
                    b.needs_h, b.shows_h);
      out.push_back(buf);
    }
    if (b.child || b.dialog) continue;
    for (size_t k = i + 1; k < boxes.size(); ++k) {
      const LayoutBox& o = boxes[k];
      if (o.child || o.dialog) continue;
      const float ox = std::min(b.x + b.w, o.x + o.w) - std::max(b.x, o.x);
      const float oy = std::min(b.y + b.h, o.y + o.h) - std::max(b.y, o.y);
      if (ox > 1 && oy > 1) {
        std::snprintf(buf, sizeof buf, "%s and %s overlap by %.0f×%.0f px", b.name.c_str(), o.name.c_str(),
                      ox, oy);
        out.push_back(buf);
      }
    }
  }
  return out;
}

std::vector<std::string> layout_problems(const AppState& s, const std::vector<LayoutBox>& boxes, float width,
                                         float height) {
  std::vector<std::string> out = layout_problems(boxes, width, height);
  if (!s.view.projector || s.view.panel != Panel::Step) return out;
  char buf[256];
  for (const LayoutBox& b : boxes)
    if (!b.child && !b.dialog && b.scroll_y &&
        (b.name == "Main" || b.name.rfind("narration", 0) == 0 || b.name == say(s, "narration.window", {}))) {
      std::snprintf(buf, sizeof buf, "%s: content %.0f px tall, %.0f px shown: a scroll on the projector",
                    b.name.c_str(), b.needs_h, b.shows_h);
      out.push_back(buf);
    }
  return out;
}

attn::Json layout_json(const AppState& s) {
  const std::vector<LayoutBox> boxes = layout_boxes();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  attn::Json windows = attn::Json::array();
  const float px = s.platform.pixel_ratio > 0 ? s.platform.pixel_ratio : 1;
  // A rectangle in CSS pixels, and what is said of it.
  const auto rect = [px](float x, float y, float w, float h, attn::Json more) {
    more.update(attn::Json{{"x", x / px}, {"y", y / px}, {"w", w / px}, {"h", h / px}});
    return more;
  };
  for (const LayoutBox& b : boxes)
    windows.push_back(rect(b.x, b.y, b.w, b.h,
                           {{"name", b.name},
                            {"child", b.child},
                            {"needs_w", b.needs_w / px},
                            {"needs_h", b.needs_h / px},
                            {"shows_w", b.shows_w / px},
                            {"shows_h", b.shows_h / px},
                            {"scroll_y", b.scroll / px},
                            {"cut_x", b.cut_x()},
                            {"cut_y", b.cut_y()}}));
  const FrameState& f = s.frame;
  const ImGuiContext* g = ImGui::GetCurrentContext();
  const attn::Json keyboard = {{"navigating", ImGui::GetIO().NavVisible},
                               {"window", g && g->NavWindow ? g->NavWindow->Name : ""}};
  attn::Json heatmaps = attn::Json::array();
  for (const DrawnHeatmap& h : drawn_heatmaps())
    heatmaps.push_back(rect(h.x, h.y, h.w, h.h,
                            {{"name", h.name},
                             {"cell", h.cell / px},
                             {"cell_w", h.cell_w / px},
                             {"cell_h", h.cell_h / px},
                             {"rows", h.rows},
                             {"cols", h.cols},
                             {"first_row", h.first_row},
                             {"last_row", h.last_row},
                             {"values_wanted", h.values_wanted},
                             {"values_shown", h.values_shown}}));
  const auto css = [&](const float* xy, float size) {
    return attn::Json{
        {"x", xy[0] < 0 ? -1 : xy[0] / px}, {"y", xy[1] < 0 ? -1 : xy[1] / px}, {"cell", size / px}};
  };
  attn::Json targets = attn::Json::object();
  for (const auto& [name, r] : drawn_targets())
    targets[name] = rect(r[0], r[1], r[2], r[3], attn::Json::object());
  attn::Json chips = attn::Json::array();
  for (const std::array<float, 4>& c : f.global_chips)
    chips.push_back({c[0] / px, c[1] / px, c[2] / px, c[3] / px});
  // Everything in CSS pixels, as page scripts and tests click; the display is the canvas's backing store
  // (CSS size × pixel_ratio).
  return {{"display", {{"w", display.x / px}, {"h", display.y / px}}},
          {"backing", {{"w", display.x}, {"h", display.y}}},
          {"pixel_ratio", px},
          {"heatmaps", std::move(heatmaps)},
          {"targets", std::move(targets)},
          {"keyboard", keyboard},
          {"ui_scale", s.view.ui_scale},
          {"windows", std::move(windows)},
          {"problems", layout_problems(s, boxes, display.x, display.y)},
          {"mask_grid", css(f.mask_grid, f.mask_grid[2])},
          {"global_chips", std::move(chips)}};
}

}  // namespace ui
