// ImGui's build configuration (IMGUI_USER_CONFIG, set by CMake for imgui_core and everything that includes
// imgui.h): its asserts stay in every build — a Release build would compile assert() out, and the headless
// UI tests could not fail on misuse. A failed one calls imgui_assert_failed: it throws ImGuiMisuse where the
// tests asked for that (tests/core/test_ui_render.cpp), and otherwise reports the first one on stderr and
// carries on, as a Release ImGui would. Tests: tests/core/test_ui_render.cpp (UiRender.ImGuiMisuseThrows).
#pragma once

#include <stdexcept>

namespace ui {

struct ImGuiMisuse : std::logic_error {
  using std::logic_error::logic_error;
};

// true: a failed ImGui assert throws ImGuiMisuse (the tests); false (the default): reported once, ignored.
void set_imgui_asserts_throw(bool on);
void imgui_assert_failed(const char* expr, const char* file, int line);

}  // namespace ui

#define IM_ASSERT(_EXPR) ((_EXPR) ? (void)0 : ::ui::imgui_assert_failed(#_EXPR, __FILE__, __LINE__))
