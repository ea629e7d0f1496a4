// Shared visuals drawn with ImDrawList: labelled heatmaps with colour-blind-safe palettes.
// Panels (panels.cpp) compose these; nothing here knows about AppState.
#pragma once

#include <imgui.h>

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "attn/sentence.h"
#include "attn/text.h"
#include "attn/types.h"
#include "state/palette.h"

namespace ui {

using attn::index_labels;
using state::Palette;  // (the colours are the state layer's, for the PNG handouts too)

ImU32 palette_color(Palette p, double t);  // t ∈ [−1, 1] for Diverging, [0, 1] for Sequential

struct HeatmapOptions {
  Palette palette = Palette::Diverging;
  float cell = 0;               // cell size in pixels; 0 = fit the available width
  float cell_w = 0;             // a cell's width when wider than tall (numbers in full-size type); 0 = cell
  bool show_values = true;      // print values when they fit in a cell
  int highlight_row = -1;       // outline this row
  int highlight_col = -1;       // outline this column
  int highlight_cell_row = -1;  // outline this one cell (thicker)…
  int highlight_cell_col = -1;  // …at this column
  int revealed = -1;            // cells shown, in row-major order (the rest drawn empty); −1 = all
  bool held = false;            // held back until a prediction is revealed: blank cells with "?", no tooltips
  bool legend = true;           // the colour scale under the grid (off where one legend serves many maps)
  bool row_labels = true;       // draw the left label gutter
  bool col_labels = true;       // draw the top label gutter
  std::function<std::string(int, int)> tooltip;  // extra tooltip text for a cell (e.g. its formula)
  const char* value_name =
      nullptr;       // used in tooltips: "<value_name>[row, col] = …" (nullptr: widgets.value_name)
  double range = 0;  // Diverging: the colour scale's ±range (0: this matrix's own max |x|), so maps
                     // side by side can share one scale
};

// Every heatmap drawn this frame, in screen pixels (the grid only, its visible part): for
// window.attnlab.layout() and the layout tests. Cleared by begin_heatmap_frame() at the start of a frame.
struct DrawnHeatmap {
  std::string name;                  // value_name, or the id
  float x = 0, y = 0, w = 0, h = 0;  // the grid as drawn (clipped to what is visible)
  float cell = 0;                    // the smaller side of a cell
  float cell_w = 0, cell_h = 0;
  int rows = 0, cols = 0;
  int first_row = 0, last_row = -1;  // the rows visible (a tall map in a scrolled region shows some)
  bool values_wanted = false;        // "numbers in cells" is on for it
  bool values_shown = false;         // …and its numbers fit (the cells are large enough)
};
const std::vector<DrawnHeatmap>& drawn_heatmaps();
// Named places to click or tap this frame (the last item's rectangle, x y w h in screen pixels): buttons page
// scripts and tests press by name through window.attnlab.layout().targets ("step.next", "lesson.reveal").
void mark_target(const std::string& name);
void mark_target_at(const std::string& name, const std::array<float, 4>& rect);
const std::vector<std::pair<std::string, std::array<float, 4>>>& drawn_targets();
void begin_widget_frame();  // (clears both records; draw_frame calls it first)

// The smallest cell in which every number of m prints (at no less than kValueFontMin of the font): the
// step view sizes its cells so that the numbers show.
float value_cell(const attn::MatD& m);
// The type m's numbers are printed in, in cells cw × ch: one font, size and way of writing for the whole map;
// fits: every number prints (the widest one fits).
struct ValueType {
  ImFont* font = nullptr;
  float size = 0;
  bool narrow = false;  // ".71" rather than "0.71"
  bool fits = false;
};
ValueType value_type(const attn::MatD& m, float cw, float ch);
// The width of m's widest number in the text's type, written in full ("0.71") or narrow (".71"); value_cell
// is the narrow one at kValueFontMin, with a margin.
float value_width(const attn::MatD& m, bool narrow = false);
constexpr float kValueFontMin = 0.7f;   // numbers in cells may be drawn this much smaller than the text…
constexpr float kValueFontMax = 1.45f;  // …and, in cells with room for it, this much larger (the large font)

// m: rows×cols, labelled by row_labels (left) and col_labels (top, vertical). Non-finite cells (−∞ from
// the mask) are drawn hatched grey and print "−∞". Returns the hovered cell through hovered_row/col (−1).
// A right-click (a long press on a touch screen) on a cell offers to copy its value or its row.
void heatmap(const char* id, const attn::MatD& m, const std::vector<std::string>& row_labels,
             const std::vector<std::string>& col_labels, const HeatmapOptions& opt,
             int* hovered_row = nullptr, int* hovered_col = nullptr);

// A colour scale: the palette from lo to hi as a bar `width` wide with its ends (and middle) labelled, at the
// cursor; legend_height() is what it takes. Every heatmap draws one under itself unless told not to.
void legend(Palette p, double lo, double hi, float width);
float legend_height();
// When cells are smaller than a line of text, label every n-th row (or column): this n (1 otherwise).
int label_every(float cell);
// Column labels as a heatmap draws them (upwards, in a band `top` tall above the grid whose top-left cell
// is at `grid`), the highlighted one in the highlight colour: for a header that stays while rows scroll.
void column_labels(ImVec2 grid, float cell, const std::vector<std::string>& labels, int highlight, float top);
// The band labels take: a heatmap's left gutter for row labels, or (vertical) its top one for columns.
float label_gutter(const std::vector<std::string>& labels, bool vertical);

// Pixel size of a heatmap with this cell size (gutters and legend included, as heatmap() draws it).
ImVec2 heatmap_size(float cell, int rows, int cols, const std::vector<std::string>& row_labels,
                    const std::vector<std::string>& col_labels, const HeatmapOptions& opt);

// The largest cell size (at most 3.5 letters) at which a rows×cols heatmap with these labels fits avail's
// width and, unless that needs cells under half a letter, its height; the label gutters are sized as
// heatmap() sizes them.
float heatmap_fit_cell(ImVec2 avail, int rows, int cols, const std::vector<std::string>& row_labels,
                       const std::vector<std::string>& col_labels);

// A long sequence's map of block means (attn::attention_map) as a side×side square at the cursor, colour =
// √(value ÷ the largest); returns the largest, for the legend. Draws map.size() rectangles, whatever n was.
float block_map(const attn::MatD& map, float side);

// A horizontal bar from the zero line at origin: value/range of half_width pixels (diverging or sequential).
void value_bar(ImDrawList* dl, ImVec2 origin, float half_width, float height, double value, double range,
               Palette p);

// Tokens as small buttons wrapped to the window's width, the selected ones drawn pressed. Returns the index
// clicked this frame, or −1. rects, when given, receives each button's screen rectangle (x, y, w, h).
int token_chips(const std::vector<std::string>& labels, const std::function<bool(int)>& selected,
                std::vector<std::array<float, 4>>* rects = nullptr);

// A note in the disabled text colour, wrapped to the available width (TextDisabled does not wrap);
// printf-style.
void text_note(const char* fmt, ...) IM_FMTARGS(1);

// Short pieces of text one after another, the line broken only between pieces ("prev 0.15 · first 0.15 · …":
// ImGui's own wrapping breaks after any '.', cutting 0.15 in two).
void text_pieces(const std::vector<std::string>& pieces, const char* separator = " · ");

// Text wrapped only at spaces (ImGui's TextWrapped also breaks after '.' and ',', splitting "0.79" in two);
// printf-style. For narration and anything holding numbers.
void text_words(const char* fmt, ...) IM_FMTARGS(1);

// A multi-line text field whose text wraps to its width, `lines` lines tall (ImGui's own field does not wrap,
// so a sentence longer than the panel was cut off): shown wrapped until clicked (or Enter on it), then edited
// in ImGui's field until it loses focus. Returns true when the text changed this frame.
bool text_input_wrapped(const char* id, std::string* text, float lines);

// How heavy the current-cell outlines are drawn: 1, or 2 with the Projector preset (set each frame).
float highlight_weight();
void set_highlight_weight(float w);

// The language widgets write in: their tooltips' words and the decimal sign of the numbers in cells and
// legends (set each frame from the app's catalog, like the highlight weight; English until then). The catalog
// must outlive its use (attn::catalogs() are built in).
const attn::Catalog& widget_words();
void set_widget_words(const attn::Catalog& c);

// An ImGui slider format showing `value` with `decimals` decimals where `text` has {name} ("{speed}
// steps/s"): printf's %.Nf where the language writes '.', else the number written with its decimal sign
// (ImGui then shows the text as it is and does not round: round_to() the value after a change). '%' in text
// is escaped.
std::string slider_format(const std::string& text, const std::string& name, double value, int decimals);
// x rounded to `decimals` decimals where slider_format wrote the number itself, else x (ImGui rounded it).
float round_to(float x, int decimals);

// Text drawn rotated 90° counter-clockwise, its baseline starting at pos and running upwards.
void add_text_vertical(ImDrawList* dl, ImVec2 pos, ImU32 col, const char* text);

}  // namespace ui
