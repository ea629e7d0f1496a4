// What the page sends that GLFW in Emscripten 3.1.6 gets wrong or lacks (browser build): touches (its own
// touch handling presses at the last touch's place and lets the browser click a second time), the on-screen
// keyboard's text, and the system clipboard. web/input.js is the other side; bridge.cpp lists the handlers.
#pragma once

#include <string_view>

#include "attn/json_io.h"

namespace app {

// {phase: "start" | "move" | "end" | "cancel" | "hold" | "mouse", x, y (CSS pixels on the canvas), t (s)}:
// a finger through app::TouchGesture into ImGui's mouse, or ("mouse") word that a mouse is in use again.
attn::Json page_pointer(const attn::Json& args, std::string_view payload);
// {text}: typed on the on-screen keyboard (its hidden field), as ImGui's text input.
attn::Json page_text(const attn::Json& args, std::string_view payload);
// {key: "Backspace" | "Enter" | "Tab" | "Escape" | "ArrowLeft" | …, ctrl}: a key the hidden field took.
attn::Json page_key(const attn::Json& args, std::string_view payload);
// {text}: the system clipboard's text, pasted (the page's paste event): what ImGui pastes next.
attn::Json page_clipboard(const attn::Json& args, std::string_view payload);

// ImGui's clipboard in the browser: copies go to the system clipboard (navigator.clipboard, through the page)
// and pastes come from the page's paste event; and the mouse wheel, listened for on the canvas. Call after
// ImGui's GLFW backend is set up (it sets its own of both).
void install_page_clipboard();
// After a frame: tells the page when a text field starts or stops wanting text (it raises or lowers the
// on-screen keyboard), and where the field is.
void report_text_input();

}  // namespace app
