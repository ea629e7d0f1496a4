// The lesson panel (see panels.h): where the class is in the lesson, the page's narration, and its
// prediction — the choices or a number to type, then the reveal, checked and explained with the real numbers.
// Also the Lessons menu and the line that says what is held back. The lesson logic is ui/lesson.cpp; the
// check's answer is derived once per change (s.derived.lesson_check), never here.
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "ui/fit.h"
#include "ui/panels.h"
#include "ui/style.h"
#include "ui/widgets.h"

namespace ui {

namespace {

// Returns false when the page turned (the state was replaced: nothing of the old page may be drawn).
bool page_header(AppState& s, const Lesson& l) {
  const int n = static_cast<int>(l.pages.size()), at = s.lesson.page, index = s.lesson.lesson;
  ImGui::PushFont(large_font());
  text_words("%s", l.title.c_str());
  ImGui::PopFont();
  char progress[64];
  std::snprintf(progress, sizeof progress, "page %d of %d", at + 1, n);
  ImGui::ProgressBar(static_cast<float>(at + 1) / static_cast<float>(n), ImVec2(-FLT_MIN, 0), progress);
  int go = -1;  // the page to turn to, once nothing of this one is drawn any more
  bool close = false;
  ImGui::BeginDisabled(at == 0);
  if (ImGui::Button("◀ Back")) go = at - 1;
  ImGui::EndDisabled();
  ImGui::SameLine();
  const bool reveal = prediction_open(s);
  ImGui::BeginDisabled(!reveal && at + 1 == n);
  if (ImGui::Button(reveal ? "Reveal ▶" : "Next ▶")) {
    if (reveal)
      s.lesson.revealed = true;
    else
      go = at + 1;
  }
  ImGui::EndDisabled();
  flow(button_width("Close the lesson"));
  if (ImGui::Button("Close the lesson")) close = true;
  if (ImGui::CollapsingHeader("All pages")) {
    for (int p = 0; p < n; ++p) {
      ImGui::PushID(p);
      const std::string label = std::to_string(p + 1) + ". " + l.pages[static_cast<size_t>(p)].title;
      if (ImGui::Selectable(label.c_str(), p == at)) go = p;
      ImGui::PopID();
    }
  }
  ImGui::Separator();
  if (close) close_lesson(s);
  if (go >= 0 && go != at) turn_to(s, index, go);
  return !close && (go < 0 || go == at);
}

void prediction(AppState& s, const Prediction& p) {
  ImGui::Separator();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_PlotLinesHovered));
  text_words("Predict: %s", p.question.c_str());
  ImGui::PopStyleColor();
  const LessonCheck& c = s.derived.lesson_check;
  if (!c.error.empty()) return text_note("This prediction cannot be checked here: %s", c.error.c_str());
  const CheckResult& r = c.result;
  const bool open = !s.lesson.revealed;
  ImGui::BeginDisabled(!open);
  if (r.number) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::InputTextWithHint("##answer", "a number", &s.lesson.answer, ImGuiInputTextFlags_CharsScientific);
  } else {
    for (size_t i = 0; i < r.choices.size(); ++i) {  // (a radio button, its label wrapped beside it)
      ImGui::PushID(static_cast<int>(i));
      bool pick = ImGui::RadioButton("##choice", s.lesson.answer == r.choices[i]);
      ImGui::SameLine();
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(r.choices[i].c_str());
      ImGui::PopTextWrapPos();
      pick |= ImGui::IsItemClicked();
      if (pick) s.lesson.answer = r.choices[i];
      ImGui::PopID();
    }
  }
  ImGui::EndDisabled();
  if (open) {
    if (ImGui::Button("Reveal the answer")) s.lesson.revealed = true;
    return text_note("The numbers that would give it away are held back until then (PageDown or → reveals).");
  }
  if (!s.lesson.answer.empty()) {
    const bool right = answer_is_right(r, s.lesson.answer);
    ImGui::PushStyleColor(ImGuiCol_Text, right ? ImVec4(0.1f, 0.6f, 0.2f, 1) : ImVec4(0.85f, 0.3f, 0.1f, 1));
    text_words("%s: %s.", right ? "Right" : "Not quite", s.lesson.answer.c_str());
    ImGui::PopStyleColor();
  }
  text_words("The answer: %s. %s", r.answer_text().c_str(), r.explanation.c_str());
}

}  // namespace

void panel_lesson(AppState& s) {
  const LessonPage* page = lesson_page(s);
  if (!page) return;
  const Lesson& l = s.lessons[static_cast<size_t>(s.lesson.lesson)];
  if (!page_header(s, l)) return;  // (the page turned: it is drawn next frame)
  ImGui::PushFont(large_font());
  text_words("%s", page->title.c_str());
  ImGui::PopFont();
  text_words("%s", page->narration.c_str());
  if (page->has_prediction) prediction(s, page->prediction);
}

void lessons_menu(AppState& s) {
  if (!ImGui::BeginMenu("Lessons")) return;
  if (s.lessons.empty()) ImGui::TextDisabled("No lessons were found (assets/lessons).");
  for (int i = 0; i < static_cast<int>(s.lessons.size()); ++i) {
    const Lesson& l = s.lessons[static_cast<size_t>(i)];
    if (ImGui::MenuItem(l.title.c_str(), nullptr, s.lesson.lesson == i)) turn_to(s, i, 0);
    if (ImGui::IsItemHovered() && !l.audience.empty())
      ImGui::SetTooltip("%s · %d pages", l.audience.c_str(), static_cast<int>(l.pages.size()));
  }
  if (s.lesson.lesson >= 0 && ImGui::MenuItem("Close the lesson")) close_lesson(s);
  ImGui::EndMenu();
}

void quiz_menu(AppState& s) {
  if (!ImGui::BeginMenu("Quiz mode")) return;
  ImGui::TextDisabled("Hold back until revealed, in every view:");
  for (int i = 0; i < kHeldCount; ++i) {
    bool on = (s.view.quiz >> i) & 1u;
    if (ImGui::Checkbox(kHeldNames[i], &on))
      s.view.quiz = on ? s.view.quiz | (1u << i) : s.view.quiz & ~(1u << i);
  }
  if (ImGui::MenuItem("Reveal all", nullptr, false, s.view.quiz != 0)) s.view.quiz = 0;
  ImGui::EndMenu();
}

void held_line(AppState& s) {
  const unsigned held = held_now(s);
  if (!held) return;
  std::string what;
  for (int i = 0; i < kHeldCount; ++i)
    if ((held >> i) & 1u) what += (what.empty() ? "" : ", ") + std::string(kHeldNames[i]);
  if (ImGui::SmallButton("Reveal")) {
    if (prediction_open(s)) s.lesson.revealed = true;
    s.view.quiz = 0;
  }
  ImGui::SameLine();
  text_note("Held back until revealed: %s.", what.c_str());
  ImGui::Separator();
}

}  // namespace ui
