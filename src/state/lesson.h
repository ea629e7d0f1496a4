// Lessons: assets/lessons/NAME.json, data not code. A lesson is a title, an audience and pages; a page
// applies a (partial) state — anything getState() returns — shows narration, and may ask a prediction whose
// answer a named check (state/checks.cpp) computes from the numbers then on screen. While a prediction is
// open, the stages it names are held back in every view; quiz mode (view.quiz) holds chosen stages back until
// revealed. Below ui/'s panels: no ImGui here. Tests: tests/core/test_lesson.cpp (Lesson.*, Check.*);
// fuzz_lesson.
#pragma once

#include <string>
#include <vector>

#include "attn/json_text.h"
#include "state/lesson_types.h"

namespace state {

struct AppState;

// One named check: id, what it asks (for the README and error messages), and the computation. Throws
// CheckError when the state does not fit it ("row": a token that is not there), attn::ProblemError naming the
// argument when the lesson's own arguments are wrong.
struct Check {
  const char* id;
  const char* asks;
  CheckResult (*compute)(const AppState& s, const attn::Json& args);
};
const std::vector<Check>& checks();
const Check* find_check(const std::string& id);

// Parses a lesson and checks it against `base` (the app as it starts: scenarios and the model): every page's
// state applies (cumulatively) and every prediction's check computes. Throws ProblemError naming the page and
// field: "pages[2].state.view.panel: unknown …", "pages[3].prediction.check: unknown "argmx" (known: …)".
Lesson parse_lesson(const attn::Json& j, const std::string& id, const AppState& base);

// Every dir/*.json through parse_json_text and parse_lesson, sorted by id; a broken file is skipped with a
// line in `skipped` naming the file, page and field, and the rest still load.
std::vector<Lesson> load_lessons(const std::string& dir, const AppState& base,
                                 std::vector<std::string>* skipped = nullptr);

// Opens lesson `index` at `page`: the state is the app's start state with pages 0…page applied in order (so a
// page looks the same however it was reached), keeping how the app is presented (UI scale, contrast,
// language, projector, backend). Throws ProblemError when the page does not exist.
void open_lesson(AppState& s, int index, int page);
// The same for the panel, menu and keys: what goes wrong (a page that needs a model no longer open) is said
// in s.notice and the app stays as it was. Returns success.
bool turn_to(AppState& s, int index, int page);
void close_lesson(AppState& s);
// The clicker's "next": reveals an open prediction first, then turns the page. "Back" turns back.
void lesson_next(AppState& s);
// Reveals the open page's answer and puts it on screen: the step moves to the row the answer is about, that
// row computed (CheckResult::show_stage); the step view marks the key that answers.
void reveal_answer(AppState& s);
void lesson_back(AppState& s);
// The open page, or nullptr.
const LessonPage* lesson_page(const AppState& s);
// True while the open page's prediction waits for its reveal.
bool prediction_open(const AppState& s);
// The open page's check on the current numbers (recomputed; throws ProblemError like Check::compute).
CheckResult lesson_check(const AppState& s);
// Recomputes s.derived().lesson_check when the page, the result or the model changed (app/derive.cpp calls
// it).
void refresh_lesson_check(AppState& s);
// The learner's answer against the check: right or not.
bool answer_is_right(const CheckResult& r, const std::string& answer);

// What is held back now in every view: quiz mode's, and an open prediction's. Bit per Held.
unsigned held_now(const AppState& s);
bool held_back(const AppState& s, Held what);

// {id, page (1, 2, … as the panel counts them), answer, revealed} ⇄ s.lesson (reading opens the page; throws
// ProblemError naming the field).
attn::Json lesson_to_json(const AppState& s);
void lesson_from_json(AppState& s, const attn::Json& j);

// Names ⇄ bits: ["softmax", "weighted_sum"] → 0b11000.
unsigned held_from_json(const attn::Json& j, const std::string& field);
attn::Json held_to_json(unsigned bits);

}  // namespace state
