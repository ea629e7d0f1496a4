// libFuzzer harness: a lesson file → attn::parse_json_text + state::parse_lesson (assets/lessons/*.json)
// against the app as it starts (its scenarios and fuzz::small_model()). A lesson that is accepted opens at
// its last page, derives and checks its prediction like the app, reveals it, and round-trips through a link.
#include "fuzz_common.h"
#include "state/lesson.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  static const state::AppState base = fuzz::base_state();
  const std::string text(reinterpret_cast<const char*>(data), size);
  state::Lesson lesson;
  try {
    lesson = state::parse_lesson(attn::parse_json_text(text), "fuzzed", base);
  } catch (const attn::ProblemError& e) {
    fuzz::check_message(e.what());
    return 0;
  }
  // (parse_lesson has applied every page's state and run every check; here, as the app does, the last page
  // opens, derives, reveals, and goes through a link)
  state::AppState s = fuzz::fresh_like(base);
  s.lessons = {lesson};
  try {
    state::open_lesson(s, 0, static_cast<int>(lesson.pages.size()) - 1);
  } catch (const attn::ProblemError& e) {
    fuzz::fail("a page of an accepted lesson does not open", e.what());
  }
  derive(s);
  if (!s.derived().lesson_check.error.id.empty())
    fuzz::check_message(state::say(s, s.derived().lesson_check.error));
  if (state::lesson_page(s)->has_prediction && s.derived().lesson_check.error.id.empty() &&
      !state::answer_is_right(s.derived().lesson_check.result, s.derived().lesson_check.result.answer_text()))
    fuzz::fail("a check's own answer is not right", s.derived().lesson_check.result.answer_text());
  state::lesson_next(s);  // (reveals)
  fuzz::exercise(s);
  return 0;
}
