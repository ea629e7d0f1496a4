// Language.*: every catalog translates every lesson and scenario, and switching the language (view.language,
// carried by the state and links) changes the words of every view, the narration and the screen-reader mirror
// — and no number (only its decimal sign).
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

#include "app/derive.h"
#include "attn/json_read.h"
#include "attn/text.h"
#include "model/gpt2.h"
#include "state/app_state.h"
#include "state/content_text.h"
#include "state/lesson.h"
#include "state/share.h"

namespace {

state::AppState base() {
  state::AppState s = state::default_state(attn::load_scenarios(ATTN_SCENARIO_DIR));
  s.model = std::make_shared<const model::Gpt2>(
      model::load_gpt2_dir(std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen", 1e9));
  s.lessons = state::load_lessons(std::string(ATTN_ASSETS_DIR) + "/lessons", s);
  return s;
}

// The numbers of a text, decimal sign and list separator made English, sorted (a translation may reorder).
std::multiset<std::string> numbers_of(const std::string& text) {
  static const std::regex number("[0-9]+([.,][0-9]+)?");
  std::multiset<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number); it != std::sregex_iterator(); ++it) {
    std::string n = it->str();
    std::replace(n.begin(), n.end(), ',', '.');
    out.insert(n);
  }
  return out;
}

// English words that no Spanish sentence has, outside the quoted tokens “…”.
std::string english_left_in(std::string text) {
  static const std::regex quoted("“[^”]*”"), word("[A-Za-z]+");
  text = std::regex_replace(text, quoted, " ");
  static const std::set<std::string> english = {"the",  "of",   "and",  "with", "is",    "are",  "which",
                                                "this", "from", "that", "its",  "their", "each", "every",
                                                "row",  "rows", "key",  "keys", "query", "when", "what"};
  for (auto it = std::sregex_iterator(text.begin(), text.end(), word); it != std::sregex_iterator(); ++it) {
    std::string w = it->str();
    std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
    if (english.count(w)) return w;
  }
  return "";
}

// What a learner reads of the state (without ImGui): the narration, the mirror's view, the lesson page.
std::string read_out(const state::AppState& s) { return state::narration_json(s).dump(); }

}  // namespace

TEST(Language, EveryLocaleTranslatesEveryLessonAndScenario) {
  const state::AppState s = base();
  ASSERT_EQ(s.lessons.size(), 7u);
  const std::map<std::string, std::string> content = state::content_messages(s.lessons, s.scenarios);
  EXPECT_GT(content.size(), 80u);
  ASSERT_GE(attn::catalogs().size(), 2u) << "a second language is built in";
  for (const attn::Catalog& c : attn::catalogs()) {
    if (&c == &attn::english()) continue;
    for (const auto& [id, text] : content) {
      ASSERT_TRUE(c.messages.count(id)) << c.locale << " lacks " << id;
      EXPECT_NE(c.messages.at(id), text) << c.locale << " did not translate " << id;
    }
    for (const auto& [id, text] : c.messages) {
      if (id.rfind("lesson.", 0) == 0 || id.rfind("scenario.", 0) == 0) {
        EXPECT_TRUE(content.count(id))
            << c.locale << " translates " << id << ", which no lesson or scenario has";
      }
    }
  }
  for (const auto& [id, text] : attn::english().messages)
    EXPECT_FALSE(content.count(id)) << "en.json repeats " << id << " (lessons and scenarios speak English)";
}

TEST(Language, TheStateAndLinksCarryIt) {
  state::AppState s = base();
  state::state_from_json(s, attn::Json::parse(R"({"view": {"language": "es"}})"));
  EXPECT_EQ(state::catalog(s).locale, "es");
  EXPECT_EQ(state::state_to_json(s)["view"]["language"], "es");
  try {
    state::state_from_json(s, attn::Json::parse(R"({"view": {"language": "xx"}})"));
    ADD_FAILURE() << "accepted xx";
  } catch (const attn::ProblemError& e) {
    EXPECT_NE(std::string(e.what()).find("view.language: unknown \"xx\" (known: en, es"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(state::catalog(s).locale, "es");
  // A notice is said when shown: one raised in English reads in Spanish after the switch.
  s.view.language = "en";
  EXPECT_FALSE(state::open_shared(s, "#state=%7Bnot json"));
  const std::string english = state::notice_text(s);
  s.view.language = "es";
  EXPECT_NE(state::notice_text(s), english);
  EXPECT_EQ(state::notice_text(s).rfind("No se pudo abrir este enlace", 0), 0u) << state::notice_text(s);
  state::turn_to(s, 0, 1);  // (a lesson keeps the language the class reads)
  EXPECT_EQ(s.view.language, "es");
  EXPECT_EQ(state::narration_json(s)["lesson"]["title"],
            state::catalog(s).messages.at("lesson.five_steps.title"));
  EXPECT_EQ(english_left_in(state::narration_json(s)["lesson"].dump()), "");
}

// Every view and Variants part, a lesson page and the model: in Spanish the words change (no English left
// outside quoted tokens, no missing text) and the numbers are the same ones.
TEST(Language, SwitchingChangesEveryWordAndNoNumber) {
  state::AppState s = base();
  s.sentence = "uno dos tres cuatro cinco seis";  // (tokens that are no English words)
  state::rebuild_from_sentence(s);
  s.model_inputs.text = "Emma Woodhouse, handsome, clever, rich";
  for (int p = 0; p < state::kPanelCount; ++p)
    for (int v = 0; v < (p == static_cast<int>(state::Panel::Variants) ? state::kVariantSectionCount : 1);
         ++v) {
      std::string said[2];
      for (int l = 0; l < 2; ++l) {
        s.view.language = l == 0 ? "en" : "es";
        s.view.panel = static_cast<state::Panel>(p);
        s.view.variants.section = static_cast<state::VariantSection>(v);
        s.dirty = true;
        derive(s);
        state::refresh_variants(s);
        said[l] = read_out(s);
      }
      const std::string where =
          std::string(state::kViews[p].id) + (v ? "/" + std::string(state::kVariantParts[v].id) : "");
      EXPECT_NE(said[0], said[1]) << where;
      EXPECT_EQ(numbers_of(said[0]), numbers_of(said[1])) << where << "\n" << said[0] << "\n" << said[1];
      EXPECT_EQ(said[1].find("[missing text"), std::string::npos) << where;
      EXPECT_EQ(english_left_in(said[1]), "") << where << ": " << said[1];
    }
}

// What is said of the learner's own doing follows a switch: a worded choice stays picked (in the new words,
// without deriving the numbers again), and a notice naming the model, its head labels and the Performance
// series read in the new language.
TEST(Language, APickedChoiceAndTheModelsWordsFollowTheSwitch) {
  state::AppState s = base();
  for (int i = 0; i < static_cast<int>(s.lessons.size()); ++i)
    if (s.lessons[static_cast<size_t>(i)].id == "why-sqrt-dk") state::open_lesson(s, i, 1);
  derive(s);
  const state::CheckResult english = s.derived().lesson_check.result;
  ASSERT_GE(english.choices.size(), 2u);
  s.lesson.answer = english.choices[1];
  const int version = s.derived().result_version;
  s.view.language = "es";
  derive(s);
  const state::CheckResult& spanish = s.derived().lesson_check.result;
  EXPECT_EQ(s.derived().result_version, version);  // (the numbers are the same ones)
  ASSERT_EQ(spanish.choices.size(), english.choices.size());
  EXPECT_NE(spanish.choices[1], english.choices[1]);
  EXPECT_EQ(s.lesson.answer, spanish.choices[1]);
  EXPECT_EQ(state::answer_is_right(spanish, s.lesson.answer),
            state::answer_is_right(english, english.choices[1]));

  s.notice = attn::Message{
      "notice.model_opened",
      {attn::text_arg("name", "tiny-austen"), attn::words_arg("card", state::model_card(*s.model))}};
  EXPECT_EQ(english_left_in(state::notice_text(s)), "") << state::notice_text(s);
  for (const char* label : {"previous-token", "first-token", "self", "induction", "broad", "mixed"})
    EXPECT_NE(state::say(s, state::head_label(label)), label);
  const state::PerfPoint p = state::perf_point(
      {"perf.series.window",
       {attn::words_arg("backend", {"perf.backend.native", {attn::count_arg("threads", 2)}}),
        attn::count_arg("window", 64)}},
      1024, 2.5);
  EXPECT_EQ(p.series, "cpu (native ×2) · window 64");  // (the key: the same in every language)
  EXPECT_EQ(state::say(s, p.name), "cpu (nativa ×2) · ventana 64");
}
