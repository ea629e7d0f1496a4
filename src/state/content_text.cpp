// Lesson and scenario words in the app's language (see content_text.h).
#include "state/content_text.h"

#include <algorithm>

#include "state/app_state.h"
#include "state/lesson.h"

namespace state {

namespace {

std::string id_part(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

std::string lesson_id(const Lesson& l, int page, const char* field) {
  return "lesson." + id_part(l.id) + (page >= 0 ? "." + std::to_string(page + 1) : "") + "." + field;
}

// The English text of a lesson's field (empty for a field the lesson or page does not have).
std::string lesson_text(const Lesson& l, int page, const std::string& field) {
  if (page < 0) return field == "title" ? l.title : field == "audience" ? l.audience : "";
  if (page >= static_cast<int>(l.pages.size())) return "";
  const LessonPage& p = l.pages[static_cast<size_t>(page)];
  if (field == "title") return p.title;
  if (field == "narration") return p.narration;
  return field == "question" && p.has_prediction ? p.prediction.question : "";
}

attn::Message translated(std::string id, std::string english) {
  if (english.empty()) return {};
  return attn::Message{std::move(id), {}, std::move(english)};
}

}  // namespace

attn::Message lesson_message(const Lesson& l, int page, const char* field) {
  return translated(lesson_id(l, page, field), lesson_text(l, page, field));
}

std::string lesson_words(const Words& w, const Lesson& l, int page, const char* field) {
  return say(w, lesson_message(l, page, field));
}

attn::Message scenario_message(const attn::Scenario& sc, const char* field) {
  return translated("scenario." + id_part(sc.id) + "." + field,
                    std::string(field) == "title" ? sc.title : sc.framing);
}

std::string scenario_words(const Words& w, const attn::Scenario& sc, const char* field) {
  return say(w, scenario_message(sc, field));
}

std::map<std::string, std::string> content_messages(const std::vector<Lesson>& lessons,
                                                    const std::vector<attn::Scenario>& scenarios) {
  std::map<std::string, std::string> out;
  for (const Lesson& l : lessons) {
    for (const char* f : {"title", "audience"})
      if (!lesson_text(l, -1, f).empty()) out[lesson_id(l, -1, f)] = lesson_text(l, -1, f);
    for (int p = 0; p < static_cast<int>(l.pages.size()); ++p)
      for (const char* f : {"title", "narration", "question"})
        if (!lesson_text(l, p, f).empty()) out[lesson_id(l, p, f)] = lesson_text(l, p, f);
  }
  for (const attn::Scenario& sc : scenarios) {
    out["scenario." + id_part(sc.id) + ".title"] = sc.title;
    if (!sc.framing.empty()) out["scenario." + id_part(sc.id) + ".framing"] = sc.framing;
  }
  return out;
}

}  // namespace state
