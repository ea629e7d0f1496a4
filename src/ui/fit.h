// Layouts that fit whatever the window's width and UI scale (issue 11's classroom sizes, checked by
// UiLayout.EveryViewFitsAtClassroomSizes): parts side by side only while each gets its minimum width, and
// tables of text that turn on their side, then into lists, rather than run past the right edge.
#pragma once

#include <string>
#include <vector>

namespace ui {

// Parts side by side while each gets at least min_width pixels, else one above the other. `weights` (one per
// part, or empty for equal) share the width. Use:
//   Split split("##id", 2, ImGui::GetFontSize() * 20);  left part…  split.next();  right part…
// The parts end with the object (or at end()).
class Split {
 public:
  Split(const char* id, int parts, float min_width, std::vector<float> weights = {});
  ~Split() { end(); }
  Split(const Split&) = delete;
  Split& operator=(const Split&) = delete;
  void next();  // the next part (a new column, or a separator below)
  void end();
  bool side_by_side() const { return table_; }

 private:
  bool table_ = false, open_ = true;
};

// In a row of widgets joined by SameLine: call before each one after the first with its width. It stays on
// the line when it still fits, else it starts the next line (the row wraps like words).
void flow(float width);
float check_width(const char* label);                 // a radio button or check box with this label
float labelled_width(float item, const char* label);  // a slider or combo `item` wide, its label after it
float button_width(const char* label);
// The width for a column of sliders and combos whose longest label (with a "(?)" after it) is `longest`:
// what the labels leave, at most 60 % of the width.
float item_width_beside(const char* longest);

// A table of text: headers, then rows of cells (tips: an optional tooltip per cell, same shape; "" = none).
// Drawn as rows × columns when that fits the width; else turned on its side (a row per header); else as a
// list, one block per row ("header value · header value …"). Returns the layout used (for tests).
enum class TableLayout { Rows, Turned, List };
TableLayout text_table(const char* id, const std::vector<std::string>& headers,
                       const std::vector<std::vector<std::string>>& rows,
                       const std::vector<std::vector<std::string>>& tips = {});

}  // namespace ui
