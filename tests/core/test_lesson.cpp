// Lesson.*, Check.*: every shipped lesson loads, every page's state applies and every prediction's check
// computes (on the numbers the app shows); predictions hold back what would answer them; files with mistakes
// are refused naming the page and field; progress survives a link.
#include <gtest/gtest.h>

#include "test_util.h"

#include <algorithm>
#include <functional>

#include "app/derive.h"
#include "model/gpt2.h"
#include "state/lesson.h"
#include "state/narration.h"
#include "state/share.h"

namespace {

using test::error_of;

state::AppState base() {
  state::AppState s = state::default_state(attn::load_scenarios(ATTN_SCENARIO_DIR));
  s.model = std::make_shared<const model::Gpt2>(
      model::load_gpt2_dir(std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen", 1e9));
  return s;
}

const std::vector<state::Lesson>& shipped() {
  static const std::vector<state::Lesson> lessons = [] {
    state::AppState s = base();
    std::vector<std::string> skipped;
    std::vector<state::Lesson> l =
        state::load_lessons(std::string(ATTN_ASSETS_DIR) + "/lessons", s, &skipped);
    for (const std::string& why : skipped) ADD_FAILURE() << why;
    return l;
  }();
  return lessons;
}

}  // namespace

TEST(Lesson, EveryShippedLessonLoadsAndEveryPredictionChecks) {
  state::AppState s = base();
  s.lessons = shipped();
  ASSERT_GE(s.lessons.size(), 1u);
  for (int i = 0; i < static_cast<int>(s.lessons.size()); ++i) {
    const state::Lesson l = s.lessons[static_cast<size_t>(i)];  // (a copy: opening a page replaces the state)
    for (int p = 0; p < static_cast<int>(l.pages.size()); ++p) {
      state::open_lesson(s, i, p);
      derive(s);
      ASSERT_TRUE(s.derived().error.empty()) << l.id << " page " << p + 1 << ": " << s.derived().error;
      if (!l.pages[static_cast<size_t>(p)].has_prediction) continue;
      EXPECT_TRUE(s.derived().lesson_check.error.id.empty())
          << l.id << " page " << p + 1 << ": " << state::say(s, s.derived().lesson_check.error);
      const state::CheckResult& r = s.derived().lesson_check.result;
      std::printf("%s p%d: %s → %s (%s)\n", l.id.c_str(), p + 1,
                  l.pages[static_cast<size_t>(p)].prediction.question.c_str(), r.answer_text().c_str(),
                  r.explanation.c_str());
      EXPECT_FALSE(r.answer_text().empty());
      EXPECT_TRUE(state::answer_is_right(r, r.answer_text())) << l.id << " page " << p + 1;
    }
  }
}

namespace {

// The app with the shipped lessons, lesson `id` open at page (1, 2, …).
state::AppState at_page(const std::string& id, int page) {
  state::AppState s = base();
  s.lessons = shipped();
  for (int i = 0; i < static_cast<int>(s.lessons.size()); ++i)
    if (s.lessons[static_cast<size_t>(i)].id == id) state::open_lesson(s, i, page - 1);
  derive(s);
  return s;
}

}  // namespace

// Predict, then reveal: while the question is open, the stages that would answer it are held back in the
// trace's explanation and the screen-reader mirror; the clicker's "next" reveals first, then turns the page.
TEST(Lesson, APredictionHoldsBackItsAnswerUntilRevealed) {
  state::AppState s = at_page("five-steps", 5);  // "Which key gets the largest weight in the row of “it”?"
  ASSERT_TRUE(state::prediction_open(s));
  EXPECT_TRUE(state::held_back(s, state::Held::Softmax));
  EXPECT_TRUE(state::held_back(s, state::Held::WeightedSum));
  EXPECT_FALSE(state::held_back(s, state::Held::Scores));
  EXPECT_EQ(state::explain_current(s).formula, "(held back)");
  const attn::Json mirror = state::narration_json(s);
  EXPECT_FALSE(mirror.contains("values")) << mirror.dump();
  EXPECT_EQ(mirror["formula"], "(held back)");
  EXPECT_EQ(s.derived().lesson_check.result.answer_text(), "animal");
  s.lesson.answer = "street";
  EXPECT_FALSE(state::answer_is_right(s.derived().lesson_check.result, s.lesson.answer));
  state::lesson_next(s);  // reveals
  EXPECT_TRUE(s.lesson.revealed);
  EXPECT_EQ(s.lesson.page, 4);
  EXPECT_FALSE(state::held_back(s, state::Held::Softmax));
  EXPECT_NE(state::explain_current(s).formula, "(held back)");
  state::lesson_next(s);  // turns the page
  EXPECT_EQ(s.lesson.page, 5);
  EXPECT_FALSE(s.lesson.revealed);
  EXPECT_TRUE(s.lesson.answer.empty());
  state::lesson_back(s);
  EXPECT_EQ(s.lesson.page, 4);
}

// Quiz mode holds chosen stages back in every view until revealed, without a lesson.
TEST(Lesson, QuizModeHoldsBackChosenStages) {
  state::AppState s = base();
  state::state_from_json(s, attn::Json::parse(R"({"view": {"quiz": ["softmax", "weighted_sum"]},
                                               "step": {"stage": "softmax", "query": 7}})"));
  derive(s);
  EXPECT_TRUE(state::held_back(s, state::Held::Softmax));
  EXPECT_FALSE(state::held_back(s, state::Held::Mask));
  EXPECT_EQ(state::explain_current(s).formula, "(held back)");
  EXPECT_EQ(state::state_to_json(s)["view"]["quiz"], attn::Json::parse(R"(["softmax", "weighted_sum"])"));
  EXPECT_NE(error_of([&] {
              state::state_from_json(s, attn::Json::parse(R"({"view": {"quiz": ["soft"]}})"));
            }).find("view.quiz: unknown \"soft\""),
            std::string::npos);
}

// A page looks the same however it was reached: opened directly, or walked to from page 1.
TEST(Lesson, APageLooksTheSameHoweverItWasReached) {
  state::AppState walked = at_page("masks", 1);
  walked.platform.handout_downloads = true;  // (where the app runs survives every page turn)
  for (int p = 1; p < 5; ++p) {
    walked.lesson.revealed = true;  // (so "next" turns the page)
    state::lesson_next(walked);
  }
  derive(walked);
  const state::AppState direct = at_page("masks", 5);
  EXPECT_EQ(walked.lesson.page, 4);
  EXPECT_TRUE(walked.platform.handout_downloads);
  EXPECT_EQ(state::state_to_json(walked), state::state_to_json(direct));
}

// Links: the lesson and page travel (1-based, as the panel counts), alone or with a state on top.
TEST(Lesson, LinksCarryTheLessonAndItsPage) {
  state::AppState s = at_page("why-sqrt-dk", 2);
  s.lesson.answer = "higher (flatter)";
  const std::string link = "http://127.0.0.1/#state=" + state::link_state(s).dump();
  state::AppState opened = base();
  opened.lessons = shipped();
  ASSERT_TRUE(state::open_shared(opened, link)) << state::notice_text(opened);
  EXPECT_EQ(opened.lesson.page, 1);
  EXPECT_EQ(opened.lesson.answer, "higher (flatter)");
  EXPECT_EQ(state::state_to_json(opened), state::state_to_json(s));

  state::AppState deep = base();
  deep.lessons = shipped();
  ASSERT_TRUE(state::open_shared(deep, "http://127.0.0.1/#lesson=masks&page=3")) << state::notice_text(deep);
  EXPECT_EQ(state::lesson_page(deep)->title, "Who does “it” look at now?");
  ASSERT_TRUE(state::open_shared(
      deep, "#lesson=masks&page=2&state=%7B%22view%22%3A%7B%22panel%22%3A%22tokens%22%7D%7D"))
      << state::notice_text(deep);
  EXPECT_EQ(deep.lesson.page, 1);
  EXPECT_EQ(deep.view.panel, state::Panel::Tokens);  // (the state goes on top of the page)
  EXPECT_FALSE(state::open_shared(deep, "#lesson=masks&page=99"));
  EXPECT_NE(state::notice_text(deep).find("lesson.page: 99 is not a page of \"masks\" (it has 7)"),
            std::string::npos)
      << state::notice_text(deep);
  EXPECT_FALSE(state::open_shared(deep, "#lesson=masks&page=two"));
  EXPECT_NE(state::notice_text(deep).find("page=two is not a page number"), std::string::npos)
      << state::notice_text(deep);
}

// The checks compute from the numbers on screen: change the input and the answer follows.
TEST(Check, AnswersFollowTheNumbersOnScreen) {
  state::AppState s = at_page("five-steps", 5);
  EXPECT_EQ(s.derived().lesson_check.result.answer_text(), "animal");
  const state::Check* weight = state::find_check("weight");
  ASSERT_NE(weight, nullptr);
  const attn::Json pair = attn::Json::parse(R"({"row": "animal", "key": "tired"})");
  EXPECT_GT(weight->compute(s, pair).value, 0);
  state::state_from_json(s, attn::Json::parse(R"({"problem": {"mask": "causal"}})"));
  derive(s);
  EXPECT_EQ(weight->compute(s, pair).value, 0);  // exactly 0: masked
  EXPECT_NE(error_of([&] {
              weight->compute(s, attn::Json::parse(R"({"row": "dog", "key": "it"})"));
            }).find("row: there is no token “dog” in this input"),
            std::string::npos);
  try {  // (the learner reads it in the app's language: a message, said when shown)
    weight->compute(s, attn::Json::parse(R"({"row": "dog", "key": "it"})"));
    ADD_FAILURE() << "no error";
  } catch (const state::CheckError& e) {
    EXPECT_EQ(e.why.id, "check.error.no_token");
    s.view.language = "es";
    EXPECT_EQ(state::say(s, e.why), "no hay ningún token “dog” en esta entrada.");
    s.view.language = "en";
  }
  EXPECT_NE(error_of([&] {
              state::find_check("head_with")->compute(s, attn::Json::parse(R"({"pattern": "induction"})"));
            }).find("needs the real model on screen"),
            std::string::npos);
}

TEST(Lesson, BadFilesAreRefusedNamingThePageAndField) {
  const state::AppState s = base();
  const auto refused = [&](const char* text) {
    return error_of([&] { state::parse_lesson(attn::Json::parse(text), "bad", s); });
  };
  const char* page = R"({"title": "t", "narration": "n"})";
  EXPECT_EQ(refused(R"({"title": "x", "pages": []})"), "pages: expected an array of 1 to 200 pages");
  EXPECT_NE(refused((std::string(R"({"title": "x", "pages": [)") + page +
                     R"(, {"title": "t", "narration": "n", "state": {"view": {"panel": "cinema"}}}]})")
                        .c_str())
                .find("pages[1].state: view.panel: unknown \"cinema\""),
            std::string::npos);
  EXPECT_NE(refused(R"({"title": "x", "pages": [{"title": "t", "narration": "n",
                        "prediction": {"question": "q", "check": "argmx"}}]})")
                .find("pages[0].prediction.check: unknown \"argmx\" (known: strongest_weight"),
            std::string::npos);
  EXPECT_NE(refused(R"({"title": "x", "pages": [{"title": "t", "narration": "n",
                        "prediction": {"question": "q", "check": "weight", "args": {"row": "zebra", "key": 0}}}]})")
                .find("pages[0].prediction.args: row: there is no token “zebra”"),
            std::string::npos);
  EXPECT_NE(refused(R"({"title": "x", "pages": [{"title": "t"}]})").find("pages[0].narration: missing"),
            std::string::npos);
  EXPECT_NE(refused(R"({"title": "x", "pages": [{"title": "t", "narration": "n", "answer": 3}]})")
                .find("pages[0].answer: unknown field"),
            std::string::npos);
  EXPECT_NE(refused(R"({"title": "x", "pages": [{"title": "t", "narration": "n",
                        "prediction": {"question": "q", "check": "row_sum", "args": {"row": "it"}, "hide": ["all"]}}]})")
                .find("hide: unknown \"all\""),
            std::string::npos);
}

// Seven lessons ship (issues 11, 14): five steps, √d_k, masks, a real model's heads, long sequences,
// interview drill, positions.
TEST(Lesson, TheSevenLessonsShip) {
  std::vector<std::string> ids;
  for (const state::Lesson& l : shipped()) ids.push_back(l.id);
  for (const char* id : {"five-steps", "why-sqrt-dk", "masks", "real-model-heads", "long-sequences",
                         "interview-drill", "positions"})
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
}

// The screen-reader mirror says every view in words with its numbers, and holds back what a prediction holds.
TEST(Lesson, TheMirrorDescribesEveryViewAndHoldsBackAnswers) {
  state::AppState s = base();
  derive(s);
  for (int p = 0; p < state::kPanelCount; ++p) {
    s.view.panel = static_cast<state::Panel>(p);
    for (int v = 0; v < state::kVariantSectionCount; ++v) {
      s.view.variants.section = static_cast<state::VariantSection>(v);
      state::refresh_variants(s);
      EXPECT_GT(state::describe_view(s).size(), 20u) << state::kViews[p].id;
    }
  }
  s.view.panel = state::Panel::Tokens;
  state::state_from_json(s, attn::Json::parse(R"({"step": {"stage": "softmax", "query": 7}})"));
  derive(s);
  EXPECT_NE(state::describe_view(s).find("animal 71"), std::string::npos) << state::describe_view(s);
  s.view.quiz = 1u << static_cast<int>(state::Held::Softmax);
  EXPECT_EQ(state::describe_view(s).find("animal 71"), std::string::npos) << state::describe_view(s);
  EXPECT_NE(state::describe_view(s).find("held back"), std::string::npos);
  EXPECT_EQ(state::narration_json(s)["view"], state::describe_view(s));
}

// The positions lesson's predictions, answered from the numbers: a sinusoidal table's scores move with a
// shift of every position, RoPE's do not; ALiBi's slope of head 0 of 2 is 2^(−8/2).
TEST(Check, PositionsLessonAnswers) {
  state::AppState s = at_page("positions", 2);
  EXPECT_EQ(s.derived().lesson_check.result.answer_text(), "they change");
  s = at_page("positions", 3);
  EXPECT_EQ(s.derived().lesson_check.result.answer_text(), "they stay the same");
  EXPECT_NE(s.derived().lesson_check.result.explanation.find("only the distance"), std::string::npos);
  s = at_page("positions", 4);
  EXPECT_DOUBLE_EQ(s.derived().lesson_check.result.value, 0.0625);
}
