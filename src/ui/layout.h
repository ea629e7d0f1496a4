// What the frame just drawn looks like, as rectangles: every window (the tiles and their child regions) with
// how far its content reached, so tests and window.attnlab.layout() can check that nothing is cut off at the
// right or bottom and that the tiles do not overlap. Read after ImGui::Render(). Tests:
// tests/core/test_ui_render.cpp (UiLayout.*), tests/web (attnlab.layout()).
#pragma once

#include <string>
#include <vector>

#include "state/app_state.h"

namespace ui {

using namespace state;  // the ui layer draws the state layer's data and edits its document

struct LayoutBox {
  std::string name;                  // the window's name: "Main", "Input", "Main/##heads_1A2B" for a child
  bool child = false;                // a region inside another window
  bool dialog = false;               // a modal dialog over the tiles (it may overlap them)
  float x = 0, y = 0, w = 0, h = 0;  // on screen, in pixels
  float needs_w = 0, needs_h = 0;    // how wide and tall its content is (for a table: its columns' widths)
  float shows_w = 0, shows_h = 0;    // how much of that it shows without scrolling
  bool scroll_x = false, scroll_y = false;  // it has that scrollbar (content past it is reachable)
  float scroll = 0;                         // how far it is scrolled down
  // Content past the right edge is lost, or (in a tile, which should fit its width) only reached by
  // scrolling.
  bool cut_x() const { return (!scroll_x || !child) && needs_w > shows_w + 1; }
  bool cut_y() const { return !scroll_y && needs_h > shows_h + 1; }  // content past the bottom is lost
};

// The windows of the frame last rendered (tooltips, popups and menus left out), in drawing order.
std::vector<LayoutBox> layout_boxes();

// What is wrong with them in a display of width × height: a window outside it, two top-level windows
// overlapping, content cut off. Each line names the window and the numbers ("Main: content 1432 px wide,
// 1040 px shown, no scrollbar"). Empty when the layout fits.
std::vector<std::string> layout_problems(const std::vector<LayoutBox>& boxes, float width, float height);
// The same, and on a projector (the step view shown): the step view or the narration needing a scroll is a
// problem too — a class cannot scroll the presenter's screen (the rows region that follows the step may).
std::vector<std::string> layout_problems(const AppState& s, const std::vector<LayoutBox>& boxes, float width,
                                         float height);

// {display: {w, h} (CSS pixels), backing: {w, h} (the canvas's pixels), pixel_ratio, keyboard: {navigating
//  (Tab has focus on a control), window}, ui_scale, windows: [{name, child, x, y, w, h, needs_w, needs_h,
//  scroll_y, cut_x, cut_y, …}], heatmaps: [{name, x, y, w, h, cell, cell_w, cell_h, rows, cols, first_row,
//  last_row, values_wanted, values_shown}], targets: {name: {x, y, w, h}}, problems: […], mask_grid,
//  global_chips}, every place in CSS pixels: window.attnlab.layout().
attn::Json layout_json(const AppState& s);

}  // namespace ui
