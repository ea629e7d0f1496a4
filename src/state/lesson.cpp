// Lessons: reading and checking lesson files, where a learner is, and what an open prediction holds back
// (see lesson.h). The checks themselves are in checks.cpp.
#include "state/lesson.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "attn/json_read.h"
#include "attn/step.h"
#include "state/app_state.h"

namespace state {

namespace {

std::string known_checks() {
  std::string out;
  for (const Check& c : checks()) out += (out.empty() ? "" : ", ") + std::string(c.id);
  return out;
}

Prediction parse_prediction(const attn::Json& j, const std::string& at) {
  if (!j.is_object()) attn::fail_field(at, "expected {question, check, args, hide}");
  Prediction p;
  p.hide = (1u << kHeldCount) - 1;  // by default everything that could answer it is held back
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "question") {
      p.question = attn::read_string(it.value(), at + ".question");
    } else if (k == "check") {
      p.check = attn::read_string(it.value(), at + ".check");
      if (!find_check(p.check))
        attn::fail_field(at + ".check",
                         "unknown " + attn::brief(it.value()) + " (known: " + known_checks() + ")");
    } else if (k == "args") {
      if (!it.value().is_object())
        attn::fail_field(at + ".args", "expected an object, e.g. {\"row\": \"it\"}");
      p.args = it.value();
    } else if (k == "hide") {
      p.hide = held_from_json(it.value(), at + ".hide");
    } else {
      attn::fail_field(at + "." + k, "unknown field (known: question, check, args, hide)");
    }
  }
  if (p.question.empty()) attn::fail_field(at + ".question", "missing");
  if (p.check.empty()) attn::fail_field(at + ".check", "missing (known: " + known_checks() + ")");
  if (p.args.is_null()) p.args = attn::Json::object();
  return p;
}

LessonPage parse_page(const attn::Json& j, const std::string& at) {
  if (!j.is_object()) attn::fail_field(at, "expected {title, narration, state, prediction}");
  LessonPage page;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "title") {
      page.title = attn::read_string(it.value(), at + ".title");
    } else if (k == "narration") {
      page.narration = attn::read_string(it.value(), at + ".narration");
    } else if (k == "state") {
      if (!it.value().is_object()) attn::fail_field(at + ".state", "expected a (partial) state object");
      if (it.value().contains("lesson"))
        attn::fail_field(at + ".state.lesson", "a page cannot open a lesson");
      page.state = it.value();
    } else if (k == "prediction") {
      page.prediction = parse_prediction(it.value(), at + ".prediction");
      page.has_prediction = true;
    } else {
      attn::fail_field(at + "." + k, "unknown field (known: title, narration, state, prediction)");
    }
  }
  if (page.title.empty()) attn::fail_field(at + ".title", "missing");
  if (page.narration.empty()) attn::fail_field(at + ".narration", "missing");
  return page;
}

// The app as a lesson starts it: `s`'s library and model, the start state, how `s` is presented.
AppState start_of(const AppState& s) {
  AppState fresh = default_state(s.scenarios);
  fresh.model = s.model;
  fresh.lessons = s.lessons;
  fresh.platform = s.platform;
  fresh.update_derived().model_run.induction = s.derived().model_run.induction;  // (measured once per model)
  fresh.update_derived().model_run.induction_of = s.derived().model_run.induction_of;
  fresh.update_derived().model_run.induction_edits = s.derived().model_run.induction_edits;
  const ViewState& v = s.view;
  fresh.view.ui_scale = v.ui_scale;
  fresh.view.high_contrast = v.high_contrast;
  fresh.view.projector = v.projector;
  fresh.view.input_panel = v.input_panel;
  fresh.view.show_values = v.show_values;
  fresh.view.backend = v.backend;
  fresh.view.language = v.language;
  return fresh;
}

// Applies pages 0…last of `l` to s (cumulatively). Errors name the page.
void apply_pages(AppState& s, const Lesson& l, int last) {
  for (int p = 0; p <= last; ++p) {
    const LessonPage& page = l.pages[static_cast<size_t>(p)];
    if (page.state.is_null()) continue;
    try {
      state_from_json(s, page.state);
    } catch (const attn::ProblemError& e) {
      attn::fail_field("pages[" + std::to_string(p) + "].state", e.what());
    }
  }
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string CheckResult::answer_text() const {
  if (!number) return answer >= 0 && answer < static_cast<int>(choices.size()) ? choices[answer] : "";
  char buf[48];
  std::snprintf(buf, sizeof buf, std::fabs(value - std::round(value)) < 1e-9 ? "%.0f" : "%.4g", value);
  return buf;
}

Lesson parse_lesson(const attn::Json& j, const std::string& id, const AppState& base) {
  if (!j.is_object()) attn::fail_field("lesson", "expected {title, audience, pages}");
  Lesson l;
  l.id = id;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "title") {
      l.title = attn::read_string(it.value(), "title");
    } else if (k == "audience") {
      l.audience = attn::read_string(it.value(), "audience");
    } else if (k == "pages") {
      if (!it.value().is_array() || it.value().empty() || it.value().size() > 200)
        attn::fail_field("pages", "expected an array of 1 to 200 pages");
      for (size_t p = 0; p < it.value().size(); ++p)
        l.pages.push_back(parse_page(it.value()[p], "pages[" + std::to_string(p) + "]"));
    } else if (k == "order") {
      l.order = static_cast<int>(attn::read_number(it.value(), "order", 0, 1000));
    } else {
      attn::fail_field(k, "unknown field (known: title, audience, order, pages)");
    }
  }
  if (l.title.empty()) attn::fail_field("title", "missing");
  if (l.pages.empty()) attn::fail_field("pages", "missing");
  // Every page against the app: its state applies on top of the pages before it, its check computes.
  AppState s = start_of(base);
  for (size_t p = 0; p < l.pages.size(); ++p) {
    const std::string at = "pages[" + std::to_string(p) + "]";
    const LessonPage& page = l.pages[p];
    try {
      state_from_json(s, page.state.is_null() ? attn::Json::object() : page.state);
    } catch (const attn::ProblemError& e) {
      attn::fail_field(at + ".state", e.what());
    }
    refresh_model(s);
    if (!page.has_prediction) continue;
    try {
      find_check(page.prediction.check)->compute(s, page.prediction.args);
    } catch (const attn::ProblemError& e) {
      attn::fail_field(at + ".prediction.args", e.what());
    }
  }
  return l;
}

std::vector<Lesson> load_lessons(const std::string& dir, const AppState& base,
                                 std::vector<std::string>* skipped) {
  std::vector<Lesson> out;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    try {
      out.push_back(parse_lesson(attn::parse_json_text(slurp(f)), f.stem().string(), base));
    } catch (const attn::ProblemError& e) {
      if (skipped) skipped->push_back(f.filename().string() + ": " + attn::printable(e.what()));
    }
  }
  // In teaching order (a lesson's "order"; those without one after, by name).
  std::stable_sort(out.begin(), out.end(),
                   [](const Lesson& a, const Lesson& b) { return a.order < b.order; });
  return out;
}

void open_lesson(AppState& s, int index, int page) {
  if (index < 0 || index >= static_cast<int>(s.lessons.size()))
    attn::fail_field("lesson", "no lesson " + std::to_string(index));
  const Lesson& l = s.lessons[static_cast<size_t>(index)];
  if (page < 0 || page >= static_cast<int>(l.pages.size()))
    attn::fail_field("lesson.page", std::to_string(page + 1) + " is not a page of \"" + l.id + "\" (it has " +
                                        std::to_string(l.pages.size()) + ")");
  AppState next = start_of(s);
  apply_pages(next, l, page);
  next.lesson = {index, page, "", false};
  next.notice = {};
  s = std::move(next);
}

bool turn_to(AppState& s, int index, int page) {
  try {
    open_lesson(s, index, page);
    return true;
  } catch (const attn::ProblemError& e) {
    s.notice = attn::Message{"notice.lesson_page", {attn::text_arg("error", attn::printable(e.what()))}};
    return false;
  }
}

void close_lesson(AppState& s) { s.lesson = LessonProgress(); }

const LessonPage* lesson_page(const AppState& s) {
  const LessonProgress& p = s.lesson;
  if (p.lesson < 0 || p.lesson >= static_cast<int>(s.lessons.size())) return nullptr;
  const Lesson& l = s.lessons[static_cast<size_t>(p.lesson)];
  return p.page >= 0 && p.page < static_cast<int>(l.pages.size()) ? &l.pages[static_cast<size_t>(p.page)]
                                                                  : nullptr;
}

bool prediction_open(const AppState& s) {
  const LessonPage* page = lesson_page(s);
  return page && page->has_prediction && !s.lesson.revealed;
}

void reveal_answer(AppState& s) {
  if (!prediction_open(s)) return;
  s.lesson.revealed = true;
  const CheckResult& r = s.derived().lesson_check.result;
  const int L = s.problem().query_len(), S = s.problem().key_len();
  if (r.show_stage < 0 || r.show_row < 0 || r.show_row >= L || !s.derived().lesson_check.error.id.empty())
    return;
  // (the row's last cell: the whole row is computed, the answer among it)
  const attn::Stage stage = static_cast<attn::Stage>(r.show_stage);
  step_to(s, attn::step_index(stage, r.show_row, S - 1,
                              stage == attn::Stage::Softmax ? attn::Phase::Divide : attn::Phase::Cell, L, S,
                              s.granularity));
}

void lesson_next(AppState& s) {
  if (prediction_open(s)) return reveal_answer(s);
  const LessonPage* page = lesson_page(s);
  if (!page) return;
  const int pages = static_cast<int>(s.lessons[static_cast<size_t>(s.lesson.lesson)].pages.size());
  if (s.lesson.page + 1 < pages) turn_to(s, s.lesson.lesson, s.lesson.page + 1);
}

void lesson_back(AppState& s) {
  if (lesson_page(s) && s.lesson.page > 0) turn_to(s, s.lesson.lesson, s.lesson.page - 1);
}

CheckResult lesson_check(const AppState& s) {
  const LessonPage* page = lesson_page(s);
  if (!page || !page->has_prediction) attn::fail_field("lesson", "this page asks nothing");
  return find_check(page->prediction.check)->compute(s, page->prediction.args);
}

void refresh_lesson_check(AppState& s) {
  LessonCheck& c = s.update_derived().lesson_check;
  const LessonPage* page = lesson_page(s);
  if (!page || !page->has_prediction) {
    c = LessonCheck();
    return;
  }
  const std::string& locale = catalog(s).locale;
  const bool same_question = c.lesson == s.lesson.lesson && c.page == s.lesson.page &&
                             c.result_version == s.derived().result_version &&
                             c.model_version == s.model_version;
  if (same_question && c.locale == locale) return;
  const CheckResult before = c.result;
  c.lesson = s.lesson.lesson, c.page = s.lesson.page, c.locale = locale;
  c.result_version = s.derived().result_version, c.model_version = s.model_version;
  c.error = {};
  try {
    c.result = lesson_check(s);
  } catch (const CheckError& e) {
    c.result = CheckResult();
    c.error = e.why;
  } catch (const attn::ProblemError& e) {  // (the lesson's own arguments: its author reads English)
    c.result = CheckResult();
    c.error = {"check.error.other", {attn::text_arg("error", attn::printable(e.what()))}};
  }
  // Only the language changed: the learner's pick is the same choice, now in the new words.
  if (same_question && !before.number && before.choices.size() == c.result.choices.size())
    for (size_t i = 0; i < before.choices.size(); ++i)
      if (s.lesson.answer == before.choices[i]) {
        s.lesson.answer = c.result.choices[i];
        break;
      }
}

bool answer_is_right(const CheckResult& r, const std::string& answer) {
  if (answer.empty()) return false;
  if (!r.number) return answer == r.answer_text();
  char* end = nullptr;
  const double x = std::strtod(answer.c_str(), &end);
  return end != answer.c_str() && std::isfinite(x) && std::fabs(x - r.value) <= r.tolerance + 1e-12;
}

unsigned held_now(const AppState& s) {
  unsigned bits = s.view.quiz;
  if (prediction_open(s)) bits |= lesson_page(s)->prediction.hide;
  return bits;
}

bool held_back(const AppState& s, Held what) { return (held_now(s) >> static_cast<int>(what)) & 1u; }

namespace {
std::string held_known() {
  std::string out;
  for (const char* n : kHeldNames) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}
}  // namespace

unsigned held_from_json(const attn::Json& j, const std::string& field) {
  if (!j.is_array()) attn::fail_field(field, "expected a list of what to hold back (" + held_known() + ")");
  unsigned bits = 0;
  for (const attn::Json& x : j) {
    int found = -1;
    for (int i = 0; i < kHeldCount; ++i)
      if (x == kHeldNames[i]) found = i;
    if (found < 0) attn::fail_field(field, "unknown " + attn::brief(x) + " (known: " + held_known() + ")");
    bits |= 1u << found;
  }
  return bits;
}

attn::Json held_to_json(unsigned bits) {
  attn::Json out = attn::Json::array();
  for (int i = 0; i < kHeldCount; ++i)
    if ((bits >> i) & 1u) out.push_back(kHeldNames[i]);
  return out;
}

attn::Json lesson_to_json(const AppState& s) {
  const LessonPage* page = lesson_page(s);
  if (!page) return nullptr;
  return {{"id", s.lessons[static_cast<size_t>(s.lesson.lesson)].id},
          {"page", s.lesson.page + 1},
          {"answer", s.lesson.answer},
          {"revealed", s.lesson.revealed}};
}

void lesson_from_json(AppState& s, const attn::Json& j) {
  if (j.is_null()) return close_lesson(s);
  if (!j.is_object()) attn::fail_field("lesson", "expected {id, page, answer, revealed} or null");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "id" && it.key() != "page" && it.key() != "answer" && it.key() != "revealed")
      attn::fail_field("lesson." + it.key(), "unknown field (known: id, page, answer, revealed)");
  const std::string id = attn::read_string(j.value("id", attn::Json()), "lesson.id");
  int index = -1;
  std::string known;
  for (size_t i = 0; i < s.lessons.size(); ++i) {
    if (s.lessons[i].id == id) index = static_cast<int>(i);
    known += (known.empty() ? "" : ", ") + s.lessons[i].id;
  }
  if (index < 0)
    attn::fail_field("lesson.id", "unknown \"" + attn::printable(id) + "\" (known: " + known + ")");
  const int page = j.contains("page") ? attn::read_int(j["page"], "lesson.page", 1, 200) - 1 : 0;
  const std::string answer = j.contains("answer") ? attn::read_string(j["answer"], "lesson.answer") : "";
  const bool revealed = j.contains("revealed") && attn::read_bool(j["revealed"], "lesson.revealed");
  open_lesson(s, index, page);
  s.lesson.answer = answer;
  s.lesson.revealed = revealed;
}

}  // namespace state
