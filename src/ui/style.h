// Fonts and themes: a DejaVu Sans atlas rasterised at the UI scale (crisp at 1×–3×, not stretched),
// with the glyphs attention needs (√ Σ ᵀ · ∞ − subscripts, Greek), and a normal or high-contrast theme.
#pragma once

#include <string>

#include "attn/text.h"

struct ImFont;

namespace ui {

constexpr float kBaseFontSize = 17.0f;

// Rebuilds io.Fonts from the TTF at font_path at kBaseFontSize·scale, with the glyphs attention needs and
// every character of every built-in catalog and of `extra`; falls back to ImGui's built-in font (ASCII only)
// if the file is missing, and returns false then. The renderer's font texture must be re-created after this
// (the app shell does it).
bool load_fonts(const std::string& font_path, float scale, const attn::Catalog& extra = attn::english());

// The larger font (1.45×) for formulas; the default font if only one was loaded.
ImFont* large_font();

// A headless ImGui context (no renderer, no ini file) of w × h pixels with its font atlas built: the app's
// font at `scale`, or ImGui's own when font_path is empty (tests and the frame benchmark draw without a
// window). False when the font did not load. ImGui::DestroyContext() ends it.
bool headless_context(float w, float h, const std::string& font_path = {}, float scale = 1);

// Applies the theme and scales paddings/roundings by scale (call after load_fonts, before NewFrame).
void apply_style(float scale, bool high_contrast);

}  // namespace ui
