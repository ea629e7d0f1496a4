// The page's touches, on-screen keyboard and clipboard into ImGui (see page_input.h).
#ifdef __EMSCRIPTEN__
#include "app/page_input.h"

#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_internal.h>  // (ClearActiveID: a swipe that began on a button presses nothing)

#include <algorithm>
#include <cfloat>
#include <string>

#include "app/app.h"
#include "app/touch.h"
#include "attn/json_read.h"
#include "attn/json_text.h"

namespace app {

namespace {

std::string g_clipboard;  // what ImGui pastes: the last copy, or the page's last paste

EM_JS(void, js_copy_text, (const char* text), {
  if (window.attnlab && window.attnlab._copyText) window.attnlab._copyText(UTF8ToString(text));
});

EM_JS(void, js_text_input, (int on, double x, double y, double w, double h), {
  if (window.attnlab && window.attnlab._textInput) window.attnlab._textInput(!!on, x, y, w, h);
});

double number(const attn::Json& a, const char* key) {
  return a.contains(key) && a[key].is_number() ? a[key].get<double>() : 0.0;
}

// A swipe moves what is under the finger with it, pixel for pixel: the innermost window there that scrolls.
void scroll_under_finger(float dy) {
  ImGuiWindow* w = ImGui::GetCurrentContext()->HoveredWindow;
  while (w && (w->ScrollMax.y <= 0 || (w->Flags & ImGuiWindowFlags_NoScrollWithMouse)) &&
         (w->Flags & ImGuiWindowFlags_ChildWindow))
    w = w->ParentWindow;
  if (w && w->ScrollMax.y > 0) ImGui::SetScrollY(w, std::clamp(w->Scroll.y - dy, 0.0f, w->ScrollMax.y));
}

// The finger's events, in the canvas's pixels (CSS pixels × the pixel ratio).
void apply(const std::vector<PointerEvent>& events) {
  ImGuiIO& io = ImGui::GetIO();
  const float ratio = the_app().state.platform.pixel_ratio;
  for (const PointerEvent& e : events) {
    io.AddMouseSourceEvent(ImGuiMouseSource_TouchScreen);
    switch (e.kind) {
      case PointerEvent::Kind::Move:
        io.AddMousePosEvent(e.x * ratio, e.y * ratio);
        break;
      case PointerEvent::Kind::Down:
      case PointerEvent::Kind::Up:
        io.AddMousePosEvent(e.x * ratio, e.y * ratio);
        io.AddMouseButtonEvent(ImGuiMouseButton_Left, e.kind == PointerEvent::Kind::Down);
        break;
      case PointerEvent::Kind::RightDown:
      case PointerEvent::Kind::RightUp:
        io.AddMousePosEvent(e.x * ratio, e.y * ratio);
        io.AddMouseButtonEvent(ImGuiMouseButton_Right, e.kind == PointerEvent::Kind::RightDown);
        break;
      case PointerEvent::Kind::Wheel:
        scroll_under_finger(e.y * ratio);
        break;
    }
  }
}

const char* clipboard_text(void*) { return g_clipboard.c_str(); }
void set_clipboard_text(void*, const char* text) {
  g_clipboard = text ? text : "";
  js_copy_text(g_clipboard.c_str());
}

}  // namespace

attn::Json page_pointer(const attn::Json& a, std::string_view) {
  static TouchGesture gesture;
  state::AppState& s = the_app().state;
  const std::string phase = attn::string_field(a, "phase");
  // (CSS pixels on the canvas: anything wilder is a script's mistake, kept inside a screen's reach)
  const float x = static_cast<float>(std::clamp(number(a, "x"), -1e5, 1e5)),
              y = static_cast<float>(std::clamp(number(a, "y"), -1e5, 1e5));
  const double t = number(a, "t");
  if (phase == "mouse") {
    s.platform.touch = false;
    return attn::Json::object();
  }
  s.platform.touch = true;
  // (the canvas has the pointer: else ImGui's GLFW backend, which saw no mouse enter, puts GLFW's idea of the
  // mouse — (0, 0) — in place of the finger every frame)
  if (phase == "start") ImGui_ImplGlfw_CursorEnterCallback(the_app().window, 1);
  if (phase == "start") apply(gesture.start(x, y, t));
  if (phase == "move") {
    const bool was_pressed = gesture.mode() == TouchGesture::Mode::Pressed;
    apply(gesture.move(x, y, t));
    if (was_pressed && gesture.mode() == TouchGesture::Mode::Scrolling) ImGui::ClearActiveID();
  }
  if (phase == "end") apply(gesture.end(t));
  if (phase == "cancel") apply(gesture.cancel());
  if (phase == "hold") apply(gesture.hold(t));
  return {{"mode", static_cast<int>(gesture.mode())}};
}

attn::Json page_text(const attn::Json& a, std::string_view) {
  ImGui::GetIO().AddInputCharactersUTF8(attn::string_field(a, "text").c_str());
  return attn::Json::object();
}

attn::Json page_key(const attn::Json& a, std::string_view) {
  static const std::pair<const char*, ImGuiKey> kKeys[] = {{"Backspace", ImGuiKey_Backspace},
                                                           {"Delete", ImGuiKey_Delete},
                                                           {"Enter", ImGuiKey_Enter},
                                                           {"Tab", ImGuiKey_Tab},
                                                           {"Escape", ImGuiKey_Escape},
                                                           {"ArrowLeft", ImGuiKey_LeftArrow},
                                                           {"ArrowRight", ImGuiKey_RightArrow},
                                                           {"ArrowUp", ImGuiKey_UpArrow},
                                                           {"ArrowDown", ImGuiKey_DownArrow},
                                                           {"Home", ImGuiKey_Home},
                                                           {"End", ImGuiKey_End},
                                                           {"a", ImGuiKey_A},
                                                           {"c", ImGuiKey_C},
                                                           {"v", ImGuiKey_V},
                                                           {"x", ImGuiKey_X},
                                                           {"z", ImGuiKey_Z}};
  const std::string key = attn::string_field(a, "key");
  ImGuiIO& io = ImGui::GetIO();
  for (const auto& [name, k] : kKeys)
    if (key == name) {
      const bool ctrl = a.value("ctrl", false);
      if (ctrl) io.AddKeyEvent(ImGuiMod_Ctrl, true);
      io.AddKeyEvent(k, true);
      io.AddKeyEvent(k, false);
      if (ctrl) io.AddKeyEvent(ImGuiMod_Ctrl, false);
      return attn::Json::object();
    }
  return attn::error_json("key: \"" + attn::printable(key) + "\" is not one the page passes on");
}

attn::Json page_clipboard(const attn::Json& a, std::string_view) {
  g_clipboard = attn::valid_utf8(attn::string_field(a, "text"));
  return attn::Json::object();
}

namespace {
// The mouse wheel as ImGui's GLFW backend reads it (100 pixels, 3 lines or 1/80 page a step), but on the
// canvas: the backend listens on the document, where browsers make wheel listeners passive, so its
// preventDefault() logged an error on every wheel event.
EM_BOOL on_wheel(int, const EmscriptenWheelEvent* ev, void*) {
  const float step = ev->deltaMode == DOM_DELTA_PIXEL  ? 1.0f / 100
                     : ev->deltaMode == DOM_DELTA_LINE ? 1.0f / 3
                                                       : 80.0f;
  ImGui::GetIO().AddMouseWheelEvent(static_cast<float>(ev->deltaX) * -step,
                                    static_cast<float>(ev->deltaY) * -step);
  return EM_TRUE;  // (the page itself does not scroll or zoom)
}

}  // namespace

void install_page_clipboard() {
  ImGuiIO& io = ImGui::GetIO();
  io.GetClipboardTextFn = clipboard_text;
  io.SetClipboardTextFn = set_clipboard_text;
  emscripten_set_wheel_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, false, nullptr);
  emscripten_set_wheel_callback("#canvas", nullptr, false, on_wheel);
}

void report_text_input() {
  static bool last = false;
  const bool want = ImGui::GetIO().WantTextInput;
  if (want == last) return;
  last = want;
  // (where the text cursor is, as ImGui tells an input method: the page puts its field there, so a phone
  // scrolls the field into view above its keyboard)
  const ImGuiPlatformImeData& ime = ImGui::GetCurrentContext()->PlatformImeData;
  const float ratio = the_app().state.platform.pixel_ratio;
  js_text_input(want, ime.InputPos.x / ratio, ime.InputPos.y / ratio, 2, ime.InputLineHeight / ratio);
}

}  // namespace app
#endif  // __EMSCRIPTEN__
