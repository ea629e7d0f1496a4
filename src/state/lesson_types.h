// What a lesson is, as data (see lesson.h for what opens, turns and checks one): its pages and predictions,
// what a prediction holds back, a check's result, and where a learner is. Apart from lesson.h so that
// AppState holds these without including what operates on AppState. CheckResult::answer_text is defined in
// lesson.cpp, CheckError's constructor in checks.cpp. No ImGui. Tests: tests/core/test_lesson.cpp (Lesson.*,
// Check.*).
#pragma once

#include <string>
#include <vector>

#include "attn/error.h"
#include "attn/json_text.h"
#include "attn/text.h"

namespace state {

// What a prediction (or quiz mode) can hold back: the five stages (same order as attn::Stage), then parts of
// views that would give an answer away.
enum class Held { Scores, Scale, Mask, Softmax, WeightedSum, HeadLabels, NextToken, Costs };
constexpr int kHeldCount = 8;
constexpr const char* kHeldNames[kHeldCount] = {"scores",       "scale",       "mask",       "softmax",
                                                "weighted_sum", "head_labels", "next_token", "costs"};

struct Prediction {
  std::string question;
  std::string check;  // a check's id (checks())
  attn::Json args;    // its arguments, e.g. {"row": "it"}
  unsigned hide = 0;  // what is held back until the answer is revealed (bit per Held)
};

struct LessonPage {
  std::string title;
  std::string narration;
  attn::Json state;  // applied with state_from_json on top of the pages before it
  bool has_prediction = false;
  Prediction prediction;
};

struct Lesson {
  std::string id;  // the file name without .json: "five-steps"
  std::string title, audience;
  int order = 1000;  // where it comes in teaching order (the Lessons menu, the welcome): 1 first
  std::vector<LessonPage> pages;
};

// What a check computes: a choice among `choices` (the right one is `answer`) or a number (right within
// `tolerance`), and an explanation that quotes the numbers it was computed from.
struct CheckResult {
  bool number = false;
  std::vector<std::string> choices;
  int answer = -1;
  double value = 0, tolerance = 0;
  std::string explanation;
  // Where the answer is on screen (a stage's row, and the key that answers): the reveal steps there, with
  // the row computed and the key's column marked. Stage −1: nowhere in particular.
  int show_stage = -1, show_row = -1, show_key = -1;
  std::string answer_text() const;  // the right choice, or the value as the learner would type it
};

// Why a check cannot compute on the state now (the learner edited the sentence, changed the mask…), in words
// said when shown; what() is the same in English.
struct CheckError : attn::ProblemError {
  CheckError(const std::string& field, attn::Message m);  // what(): "field: " and the words in English
  attn::Message why;
};

// The open page's check on the numbers now, derived once per change (refresh_lesson_check) for the panel.
struct LessonCheck {
  int lesson = -1, page = -1, result_version = -1, model_version = -1;  // what it was computed for
  std::string locale;                                                   // …and in which language
  CheckResult result;
  attn::Message error;  // why the check could not compute here (its row is not in this input…); no id: it did
};

// Where a learner is in a lesson (in AppState; lesson.* in the state JSON and links).
struct LessonProgress {
  int lesson = -1;  // index into AppState::lessons, −1: no lesson open
  int page = 0;
  std::string
      answer;  // the learner's answer to this page's prediction ("" = none yet): a number or a choice's words
  bool revealed = false;
};

}  // namespace state
