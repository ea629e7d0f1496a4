// The way in (panels.h panel_welcome): on a first visit (the page says so) or from Lessons → Where to start,
// a dialog offering three starts — a guided lesson, the lessons for a class with the projector, or the
// step-through to explore — each one click or tap.
#include <imgui.h>

#include <algorithm>

#include "state/content_text.h"
#include "state/lesson.h"
#include "ui/panels.h"
#include "ui/style.h"
#include "ui/widgets.h"

namespace ui {

namespace {

// A wide button with a title and a line under it; true when pressed.
bool choice(const std::string& id, const std::string& title, const std::string& line, float width) {
  const ImGuiStyle& st = ImGui::GetStyle();
  ImGui::PushFont(large_font());
  const float title_h = ImGui::GetTextLineHeight();
  ImGui::PopFont();
  const float line_h = ImGui::CalcTextSize(line.c_str(), nullptr, false, width - st.FramePadding.x * 2).y;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const bool pressed =
      ImGui::Button(("##" + id).c_str(), ImVec2(width, title_h + line_h + st.FramePadding.y * 3));
  mark_target("welcome." + id);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::PushFont(large_font());
  dl->AddText(ImVec2(at.x + st.FramePadding.x, at.y + st.FramePadding.y), ImGui::GetColorU32(ImGuiCol_Text),
              title.c_str());
  ImGui::PopFont();
  dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(),
              ImVec2(at.x + st.FramePadding.x, at.y + st.FramePadding.y * 2 + title_h),
              ImGui::GetColorU32(ImGuiCol_Text), line.c_str(), nullptr, width - st.FramePadding.x * 2);
  return pressed;
}

int lesson_by_id(const AppState& s, const char* id) {
  for (size_t i = 0; i < s.lessons.size(); ++i)
    if (s.lessons[i].id == id) return static_cast<int>(i);
  return -1;
}

}  // namespace

void panel_welcome(AppState& s) {
  const std::string title = words(s, "welcome.title") + "###welcome";
  if (s.frame.welcome == FrameState::Welcome::Asked) {
    s.frame.welcome = FrameState::Welcome::Shown;
    ImGui::OpenPopup(title.c_str());
  }
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  const float width = std::min(d.x * 0.9f, ImGui::GetFontSize() * 34);
  ImGui::SetNextWindowSize(ImVec2(width, 0), ImGuiCond_Always);
  ImGui::SetNextWindowPos(ImVec2(d.x * 0.5f, d.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings)) {
    if (s.frame.welcome == FrameState::Welcome::Shown) s.frame.welcome = FrameState::Welcome::Closed;
    return;
  }
  text_words("%s", words(s, "welcome.intro").c_str());
  ImGui::Spacing();
  const float w = ImGui::GetContentRegionAvail().x;
  bool close = false;
  if (s.frame.welcome_teach) {  // Teach: the lessons in teaching order, with the projector on
    text_words("%s", words(s, "welcome.teach_intro").c_str());
    for (int i = 0; i < static_cast<int>(s.lessons.size()); ++i) {
      const Lesson& l = s.lessons[static_cast<size_t>(i)];
      ImGui::PushID(i);
      if (choice("lesson", std::to_string(i + 1) + ". " + lesson_words(s, l, -1, "title"),
                 lesson_words(s, l, -1, "audience"), w)) {
        const ImVec2 css(d.x / s.platform.pixel_ratio, d.y / s.platform.pixel_ratio);
        if (!s.view.projector) set_projector(s, true, css.x, css.y);
        turn_to(s, i, 0);
        close = true;
      }
      ImGui::PopID();
    }
    if (ImGui::Button((words(s, "welcome.back") + "###back").c_str())) s.frame.welcome_teach = false;
  } else {
    const int five = lesson_by_id(s, "five-steps");
    if (five >= 0 && choice("start", words(s, "welcome.start"), words(s, "welcome.start_line"), w)) {
      turn_to(s, five, 0);
      close = true;
    }
    if (!s.lessons.empty() && choice("teach", words(s, "welcome.teach"), words(s, "welcome.teach_line"), w))
      s.frame.welcome_teach = true;
    if (choice("explore", words(s, "welcome.explore"), words(s, "welcome.explore_line"), w)) close = true;
  }
  if (close || ImGui::IsKeyPressed(ImGuiKey_Escape)) {
    s.frame.welcome = FrameState::Welcome::Closed;
    s.frame.welcome_teach = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

}  // namespace ui
