// What a failed ImGui assert does (see imgui_config.h).
#include "ui/imgui_config.h"

#include <atomic>
#include <cstdio>
#include <string>

namespace ui {

namespace {
std::atomic<bool> throw_on_assert{false};
std::atomic<bool> reported{false};
}  // namespace

void set_imgui_asserts_throw(bool on) { throw_on_assert = on; }

void imgui_assert_failed(const char* expr, const char* file, int line) {
  const std::string what =
      std::string("ImGui assert failed: ") + expr + " (" + file + ":" + std::to_string(line) + ")";
  if (throw_on_assert) throw ImGuiMisuse(what);
  if (!reported.exchange(true))
    std::fprintf(stderr, "attnlab: %s; later ones are not reported\n", what.c_str());
}

}  // namespace ui
