// Font atlas and theme (see style.h).
#include "ui/style.h"

#include <imgui.h>

#include <cstdio>

namespace ui {

bool headless_context(float w, float h, const std::string& font_path, float scale) {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(w, h);
  io.DeltaTime = 1.0f / 60;
  const bool loaded = font_path.empty() || load_fonts(font_path, scale);
  unsigned char* pixels;
  int pw, ph;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &pw, &ph);
  return loaded;
}

bool load_fonts(const std::string& font_path, float scale, const attn::Catalog& extra) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  // Latin, Latin-1 (· ×), Latin Extended-A (ŝ), Greek, phonetic extensions (ᵀ), general punctuation (… –),
  // super/subscripts, arrows, mathematical operators (√ ∞ ∑ ≤), technical (⌊ ⌋), ␣ (a space token), geometric
  // shapes (▶ ■).
  // UiRender.FontHasEveryCharacterOurTextUses checks these against every source file and scenario.
  // (⟦ ⟧ mark the words in a formula the engine writes.) And every character of every built-in catalog and of
  // `extra` (a language's own letters beyond these), so switching the language needs no new atlas.
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x0370, 0x03FF, 0x1D00, 0x1DBF, 0x2000,
                                    0x209F, 0x2190, 0x21FF, 0x2200, 0x22FF, 0x2300, 0x23FF, 0x2423, 0x2423,
                                    0x25A0, 0x25FF, 0x2630, 0x2630, 0x27E6, 0x27E7, 0};
  ImFontGlyphRangesBuilder glyphs;
  glyphs.AddRanges(kRanges);
  for (const auto& [id, text] : extra.messages) glyphs.AddText(text.c_str());
  for (const attn::Catalog& c : attn::catalogs())
    for (const auto& [id, text] : c.messages) glyphs.AddText(text.c_str());
  static ImVector<ImWchar> ranges;  // (the atlas reads them until it is built again)
  ranges.clear();
  glyphs.BuildRanges(&ranges);
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.PixelSnapH = true;
  std::FILE* f = std::fopen(font_path.c_str(), "rb");
  if (f) std::fclose(f);
  if (f && io.Fonts->AddFontFromFileTTF(font_path.c_str(), kBaseFontSize * scale, &cfg, ranges.Data)) {
    io.Fonts->AddFontFromFileTTF(font_path.c_str(), kBaseFontSize * 1.45f * scale, &cfg, ranges.Data);
    io.Fonts->Build();
    return true;
  }
  ImFontConfig fallback;
  fallback.SizePixels = 13.0f * scale;
  io.Fonts->AddFontDefault(&fallback);
  io.Fonts->Build();
  return false;
}

ImFont* large_font() {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  return atlas->Fonts.Size > 1 ? atlas->Fonts[1] : ImGui::GetFont();
}

void apply_style(float scale, bool high_contrast) {
  ImGuiStyle style;
  if (high_contrast) {
    ImGui::StyleColorsDark(&style);
    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_WindowBg] = ImVec4(0, 0, 0, 1);
    c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 1);
    c[ImGuiCol_Border] = ImVec4(1, 1, 1, 0.9f);
    c[ImGuiCol_FrameBg] = ImVec4(0.15f, 0.15f, 0.15f, 1);
    c[ImGuiCol_TitleBg] = c[ImGuiCol_TitleBgActive] = ImVec4(0.1f, 0.1f, 0.35f, 1);
    c[ImGuiCol_Button] = ImVec4(0.2f, 0.2f, 0.6f, 1);
    c[ImGuiCol_PlotLinesHovered] = ImVec4(1.0f, 0.2f, 0.2f, 1);
    style.FrameBorderSize = 1;
    style.WindowBorderSize = 2;
  } else {
    ImGui::StyleColorsLight(&style);
    style.Colors[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.96f, 1);
    style.Colors[ImGuiCol_PlotLinesHovered] = ImVec4(0.85f, 0.1f, 0.1f, 1);
    style.FrameBorderSize = 1;
  }
  style.WindowRounding = 4;
  style.FrameRounding = 3;
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

}  // namespace ui
