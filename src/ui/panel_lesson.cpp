// The lesson panel (see panels.h): where the class is in the lesson, the page's narration, and its
// prediction — the choices or a number to type, then the reveal, checked and explained with the real numbers.
// Also the Lessons menu and the line that says what is held back. The lesson logic is state/lesson.cpp; the
// check's answer is derived once per change (s.derived().lesson_check), never here.
#include <imgui.h>
#include <imgui_internal.h>  // (ClearActiveID: an answer handed in leaves its field)
#include <misc/cpp/imgui_stdlib.h>

#include <algorithm>

#include "state/content_text.h"
#include "ui/fit.h"
#include "state/lesson.h"
#include "ui/panels.h"
#include "ui/style.h"
#include "ui/widgets.h"

namespace ui {

namespace {

// Choices that are words (a sentence's tokens), not sentences: shown as a row of buttons.
bool choice_is_short(const std::vector<std::string>& choices) {
  for (const std::string& c : choices)
    if (c.size() > 24) return false;
  return true;
}

// Returns false when the page turned (the state was replaced: nothing of the old page may be drawn).
bool page_header(AppState& s, const Lesson& l) {
  const int n = static_cast<int>(l.pages.size()), at = s.lesson.page, index = s.lesson.lesson;
  ImGui::PushFont(large_font());
  text_words("%s", lesson_words(s, l, -1, "title").c_str());
  ImGui::PopFont();
  const std::string progress =
      say(s, "lessons.page", {attn::count_arg("page", at + 1), attn::count_arg("n", n)});
  ImGui::ProgressBar(static_cast<float>(at + 1) / static_cast<float>(n), ImVec2(-FLT_MIN, 0),
                     progress.c_str());
  int go = -1;  // the page to turn to, once nothing of this one is drawn any more
  bool close = false;
  ImGui::BeginDisabled(at == 0);
  if (ImGui::Button((words(s, "lessons.back") + "###back").c_str())) go = at - 1;
  mark_target("lesson.back");
  ImGui::EndDisabled();
  ImGui::SameLine();
  const bool reveal = prediction_open(s);
  ImGui::BeginDisabled(!reveal && at + 1 == n);
  if (ImGui::Button(words(s, reveal ? "lessons.reveal" : "lessons.next").c_str())) {
    if (reveal)
      reveal_answer(s);
    else
      go = at + 1;
  }
  mark_target("lesson.next");
  ImGui::EndDisabled();
  const std::string close_label = words(s, "lessons.close") + "###close_lesson";
  flow(button_width(close_label.c_str()));
  if (ImGui::Button(close_label.c_str())) close = true;
  if (ImGui::CollapsingHeader((words(s, "lessons.all_pages") + "###all_pages").c_str())) {
    for (int p = 0; p < n; ++p) {
      ImGui::PushID(p);
      const std::string label = std::to_string(p + 1) + ". " + lesson_words(s, l, p, "title");
      if (ImGui::Selectable(label.c_str(), p == at)) go = p;
      ImGui::PopID();
    }
  }
  ImGui::Separator();
  if (close) close_lesson(s);
  if (go >= 0 && go != at) turn_to(s, index, go);
  return !close && (go < 0 || go == at);
}

// The page's prediction (page: its index in lesson l).
void prediction(AppState& s, const Lesson& l, int page) {
  ImGui::Separator();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_PlotLinesHovered));
  text_words(
      "%s",
      say(s, "lessons.predict", {attn::text_arg("question", lesson_words(s, l, page, "question"))}).c_str());
  ImGui::PopStyleColor();
  const LessonCheck& c = s.derived().lesson_check;
  if (!c.error.id.empty())
    return text_note("%s", say(s, "lessons.cannot_check", {attn::words_arg("error", c.error)}).c_str());
  const CheckResult& r = c.result;
  const bool open = !s.lesson.revealed;
  ImGui::BeginDisabled(!open);
  if (r.number) {
    // Enter or the clicker's PageDown hands the typed answer in (and the next PageDown turns the page).
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    const bool entered =
        ImGui::InputTextWithHint("##answer", words(s, "lessons.a_number").c_str(), &s.lesson.answer,
                                 ImGuiInputTextFlags_CharsScientific | ImGuiInputTextFlags_EnterReturnsTrue);
    mark_target("lesson.answer");
    if (open && (entered || (ImGui::IsItemActive() && ImGui::IsKeyPressed(ImGuiKey_PageDown, false)))) {
      ImGui::ClearActiveID();
      reveal_answer(s);
    }
  } else if (choice_is_short(r.choices)) {
    // Tokens side by side, as buttons (one tap each): the list stays short enough to see the reveal below.
    std::vector<std::array<float, 4>> chips;
    const int picked = token_chips(
        r.choices, [&](int i) { return s.lesson.answer == r.choices[static_cast<size_t>(i)]; }, &chips);
    if (picked >= 0) s.lesson.answer = r.choices[static_cast<size_t>(picked)];
    for (size_t i = 0; i < chips.size(); ++i) {  // ("lesson.choice.animal": a test taps it)
      mark_target_at("lesson.choice." + r.choices[i], chips[i]);
    }
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
    if (ImGui::Button((words(s, "lessons.reveal_answer") + "###reveal_answer").c_str())) reveal_answer(s);
    mark_target("lesson.reveal");
    return text_note("%s", words(s, "lessons.held_until_reveal").c_str());
  }
  if (!s.lesson.answer.empty()) {
    const bool right = answer_is_right(r, s.lesson.answer);
    ImGui::PushStyleColor(ImGuiCol_Text, right ? ImVec4(0.1f, 0.6f, 0.2f, 1) : ImVec4(0.85f, 0.3f, 0.1f, 1));
    text_words("%s", say(s, right ? "lessons.right" : "lessons.not_quite",
                         {attn::text_arg("answer", s.lesson.answer)})
                         .c_str());
    ImGui::PopStyleColor();
  }
  text_words("%s",
             say(s, "lessons.the_answer",
                 {attn::text_arg("answer", r.answer_text()), attn::text_arg("explanation", r.explanation)})
                 .c_str());
}

}  // namespace

void panel_lesson(AppState& s) {
  const LessonPage* page = lesson_page(s);
  if (!page) return;
  const Lesson& l = s.lessons[static_cast<size_t>(s.lesson.lesson)];
  if (!page_header(s, l)) return;  // (the page turned: it is drawn next frame)
  const int at = s.lesson.page;
  ImGui::PushFont(large_font());
  text_words("%s", lesson_words(s, l, at, "title").c_str());
  ImGui::PopFont();
  if (!page->has_prediction) return text_words("%s", lesson_words(s, l, at, "narration").c_str());
  // The prediction (its choices, Reveal, the feedback) always in sight: the narration above it scrolls when
  // both do not fit (the prediction's height is the last frame's).
  const float below =
      s.frame.prediction_h > 0 ? s.frame.prediction_h : ImGui::GetFrameHeightWithSpacing() * 6;
  const float narration_h = ImGui::GetContentRegionAvail().y - below;
  const float needs =
      ImGui::CalcTextSize(lesson_words(s, l, at, "narration").c_str(), nullptr, false,
                          ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize)
          .y +
      ImGui::GetTextLineHeightWithSpacing() * 1.5f;  // (its wrapping at spaces: a little more)
  // (one region every frame, as tall as its words or the room left, whichever is less, at least 3 lines; its
  // scrollbar decided now, not a frame late, so nothing is cut off while the room changes)
  const float shown = std::max(ImGui::GetTextLineHeight() * 3, std::min(needs, narration_h));
  ImGui::BeginChild("##narration", ImVec2(0, shown), false,
                    needs > shown ? ImGuiWindowFlags_AlwaysVerticalScrollbar : 0);
  text_words("%s", lesson_words(s, l, at, "narration").c_str());
  ImGui::EndChild();
  const float top = ImGui::GetCursorPosY();
  prediction(s, l, at);
  s.frame.prediction_h = ImGui::GetCursorPosY() - top + ImGui::GetStyle().WindowPadding.y;
}

void lessons_menu(AppState& s) {
  const bool open = ImGui::BeginMenu((words(s, "lessons.menu") + "###lessons").c_str());
  mark_target("menu.lessons");
  if (!open) return;
  if (ImGui::MenuItem(words(s, "welcome.menu").c_str())) s.frame.welcome = FrameState::Welcome::Asked;
  mark_target("lessons.welcome");
  ImGui::Separator();
  if (s.lessons.empty()) ImGui::TextDisabled("%s", words(s, "lessons.none").c_str());
  for (int i = 0; i < static_cast<int>(s.lessons.size()); ++i) {
    const Lesson& l = s.lessons[static_cast<size_t>(i)];
    ImGui::PushID(i);
    if (ImGui::MenuItem(lesson_words(s, l, -1, "title").c_str(), nullptr, s.lesson.lesson == i))
      turn_to(s, i, 0);
    mark_target("lessons." + l.id);
    ImGui::PopID();
    if (ImGui::IsItemHovered() && !l.audience.empty())
      ImGui::SetTooltip("%s", say(s, "lessons.tooltip",
                                  {attn::text_arg("audience", lesson_words(s, l, -1, "audience")),
                                   attn::count_arg("n", static_cast<double>(l.pages.size()))})
                                  .c_str());
  }
  if (s.lesson.lesson >= 0 && ImGui::MenuItem(words(s, "lessons.close").c_str())) close_lesson(s);
  ImGui::EndMenu();
}

void quiz_menu(AppState& s) {
  if (!ImGui::BeginMenu((words(s, "lessons.quiz") + "###quiz").c_str())) return;
  ImGui::TextDisabled("%s", words(s, "lessons.quiz_note").c_str());
  for (int i = 0; i < kHeldCount; ++i) {
    bool on = (s.view.quiz >> i) & 1u;
    if (ImGui::Checkbox(
            (words(s, std::string("lessons.held.") + kHeldNames[i]) + "###" + kHeldNames[i]).c_str(), &on))
      s.view.quiz = on ? s.view.quiz | (1u << i) : s.view.quiz & ~(1u << i);
  }
  if (ImGui::MenuItem(words(s, "lessons.reveal_all").c_str(), nullptr, false, s.view.quiz != 0))
    s.view.quiz = 0;
  ImGui::EndMenu();
}

void held_line(AppState& s) {
  const unsigned held = held_now(s);
  if (!held) return;
  std::string what;
  for (int i = 0; i < kHeldCount; ++i)
    if ((held >> i) & 1u)
      what += (what.empty() ? "" : ", ") + words(s, std::string("lessons.held.") + kHeldNames[i]);
  if (ImGui::SmallButton((words(s, "lessons.reveal_held") + "###reveal_held").c_str())) {
    reveal_answer(s);
    s.view.quiz = 0;
  }
  ImGui::SameLine();
  text_note("%s", say(s, "lessons.held_line", {attn::text_arg("what", what)}).c_str());
  ImGui::Separator();
}

}  // namespace ui
