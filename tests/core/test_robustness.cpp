// Robustness.*: inputs that crashed, hung or silently returned null before (issue 9, and what the fuzzers in
// tests/fuzz found) answer through every entry point — the CLI's run_json, setState's state_from_text, links'
// open_shared — with a message naming the field, in valid UTF-8, never a raw library message.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "attn/json_text.h"
#include "compute/cpu_backend.h"
#include "state/share.h"

namespace {

// The error run_json gives for text ("" when it succeeded), after checking it is a clean refusal.
std::string run_error(const std::string& text, bool trace = false) {
  const compute::JsonRun r = compute::run_json(text, "cpu", trace);
  const std::string out = attn::dump_json(r.json);
  EXPECT_EQ(attn::invalid_utf8_at(out), std::string::npos);
  if (r.ok) {
    EXPECT_EQ(out.find("null"), std::string::npos) << "a result with NaN/∞: " << out.substr(0, 200);
    return "";
  }
  const std::string e = r.json["error"].get<std::string>();
  EXPECT_EQ(e.find("[json.exception"), std::string::npos) << e;
  EXPECT_EQ(e.find("internal error"), std::string::npos) << e;
  return e;
}

std::string state_error(const std::string& text) {
  state::AppState s = state::default_state();
  const attn::Json before = state::state_to_json(s);
  try {
    state::state_from_text(s, text);
  } catch (const attn::ProblemError& e) {
    EXPECT_EQ(state::state_to_json(s), before) << "a refused state changed something";
    const std::string m = e.what();
    EXPECT_EQ(m.find("[json.exception"), std::string::npos) << m;
    EXPECT_EQ(attn::invalid_utf8_at(m), std::string::npos);
    return m;
  }
  return "";
}

std::string nest(const std::string& open, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += open;
  return s;
}

}  // namespace

TEST(Robustness, InvalidUtf8IsNamedNotThrownWhileWriting) {
  EXPECT_EQ(run_error("{\"q\": [\xF1\xF1\xF1"),
            "q[0]: invalid UTF-8 at byte 7 (0xF1), outside any string; "
            "JSON text must be UTF-8");
  // In a label it is replaced, and the result says so.
  const compute::JsonRun r =
      compute::run_json("{\"tokens\": [\"a\xC0\"], \"q\": [[1]], \"k\": [[1]], \"v\": [[2]]}", "cpu", false);
  ASSERT_TRUE(r.ok);
  EXPECT_NE(r.json["stats"]["notice"].get<std::string>().find("tokens[0]: invalid UTF-8"), std::string::npos);
  EXPECT_NE(state_error("{\"view\": {\"panel\": \"st\xE9p\"}}").find("invalid UTF-8"), std::string::npos);
}

TEST(Robustness, DeepNestingIsRefusedAtEveryEntryPoint) {
  for (const char* field : {"q", "variant", "tile", "scale", "mask"}) {
    const std::string e = run_error(std::string("{\"") + field + "\": " + nest("[", 70000));
    EXPECT_NE(e.find("nested deeper than 64 levels"), std::string::npos) << field << ": " << e.substr(0, 100);
    EXPECT_EQ(e.rfind(field, 0), 0u) << e.substr(0, 100);
  }
  EXPECT_NE(state_error("{\"view\": " + nest("{\"a\":", 5000)).find("nested deeper"), std::string::npos);
  state::AppState s = state::default_state();
  EXPECT_FALSE(state::open_shared(s, "http://x/#state=" + nest("%5B", 5000)));
  EXPECT_NE(state::notice_text(s).find("nested deeper than 64 levels"), std::string::npos)
      << state::notice_text(s).substr(0, 200);
}

TEST(Robustness, WorkIsBoundedBeforeItStarts) {
  // 100 000 global positions at n = 400: deduplicated (every position is global once), no quadratic scan.
  std::string globals;
  for (int i = 0; i < 100000; ++i) globals += (i ? "," : "") + std::to_string(i % 400);
  const std::string text =
      R"({"random": {"n": 400, "d_model": 8}, "mask": {"window": 2, "global": [)" + globals + "]}}";
  EXPECT_EQ(run_error(text), "");
  const attn::Problem p = attn::parse_problem_text(text);
  EXPECT_EQ(p.mask.global.size(), 400u);
  EXPECT_LT(attn::mask_name(p.mask).size(), 120u);
  // A trace the memory check used to pass (n = 4700) and a width of 10⁹: refused with the numbers.
  EXPECT_NE(run_error(R"({"random": {"n": 4700, "d_model": 8}})", true).find("with the trace need"),
            std::string::npos);
  EXPECT_NE(run_error(R"({"random": {"n": 1, "d_model": 1000000000}})").find("smaller d_model"),
            std::string::npos);
  EXPECT_NE(state_error(R"({"problem": {"random": {"n": 200000, "d_model": 8}}, "step": {"index": 5}})"),
            "x");
}

TEST(Robustness, OverflowFromFiniteInputsNamesTheStage) {
  EXPECT_NE(run_error(R"({"q": [[1e200]], "k": [[1e200]], "v": [[1]], "precision": "f64"})")
                .find("overflow: score q·k at row 0, column 0"),
            std::string::npos);
  EXPECT_NE(run_error(R"({"q": [[1e200]], "k": [[1]], "v": [[1]]})").find("beyond f32's range"),
            std::string::npos);
  EXPECT_NE(run_error(R"({"q": [[1e20, 1]], "k": [[1e20, 1], [1, 1]], "v": [[1], [2]], "scale": 1e300,
                          "precision": "f64"})")
                .find("overflow: scaled score"),
            std::string::npos);
  EXPECT_NE(
      run_error(R"({"q": [[1e10]], "k": [[1e10]], "v": [[1]], "temperature": 1e-300, "precision": "f64"})")
          .find("overflow: scaled score"),
      std::string::npos);
  EXPECT_NE(run_error(R"({"q": [[1]], "k": [[1]], "v": [[1e300], [1e300]], "precision": "f64"})"), "");
  const std::string v = run_error(R"({"q": [[0]], "k": [[0], [0]], "v": [[1.7e308], [1.7e308]],
                                      "precision": "f64"})");
  EXPECT_EQ(v, "");  // the weights are ½, ½: ½·1.7e308 + ½·1.7e308 stays finite
  EXPECT_NE(run_error(R"({"random": {"n": 2, "d_model": 2}, "scale": 1e300})").find("overflow"),
            std::string::npos);
}

TEST(Robustness, StateNumbersAreRangeCheckedNotTruncated) {
  EXPECT_NE(state_error(R"({"view": {"head": 8589934592}})").find("view.head"), std::string::npos);
  EXPECT_NE(state_error(R"({"step": {"index": 4294967296000}})").find("step.index"), std::string::npos);
  EXPECT_NE(state_error(R"({"step": {"index": -1}})").find("step.index: -1 is outside"), std::string::npos);
  // A raw library message used to come out for a source that was not a string.
  const std::string e =
      state_error(R"({"problem": {"q": [[1]], "k": [[1]], "v": [[1]]}, "inputs": {"source": 5}})");
  EXPECT_NE(e, "");
  EXPECT_NE(state_error(R"({"inputs": {"sentence": "a b", "features": "ab"}})"), "");
  // The step total of n = 200 000 is 64-bit (it was −517 768 577).
  EXPECT_EQ(attn::step_total(200000, 200000, attn::Granularity::Cell),
            200000LL * (4 * 200000LL + 2 * 200000LL + 2));
}

TEST(Robustness, CliIndentAndSizesAreChecked) {
  // (the CLI's --indent is range-checked by CLI11: Cli.indent_out_of_range in CMakeLists.txt)
  attn::JsonTextOptions o;
  EXPECT_NE(run_error(std::string(o.max_bytes + 1, ' ')).find("the limit here is 64.0 MiB"),
            std::string::npos);
}

TEST(Robustness, BrokenScenarioFilesAreSkippedWithAReason) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "attnlab_scenarios_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(std::filesystem::path(ATTN_SCENARIO_DIR) / "refund.json", dir / "refund.json");
  std::ofstream(dir / "deep.json") << nest("[", 100000);
  std::ofstream(dir / "latin1.json") << "{\"title\": \"caf\xE9\"}";
  std::ofstream(dir / "empty.json");
  std::vector<std::string> skipped;
  const std::vector<attn::Scenario> loaded = attn::load_scenarios(dir.string(), &skipped);
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].id, "refund");
  ASSERT_EQ(skipped.size(), 3u);
  for (const std::string& why : skipped) EXPECT_EQ(attn::printable(why), why);
  std::sort(skipped.begin(), skipped.end());
  EXPECT_NE(skipped[0].find("deep.json: [0][0]"), std::string::npos) << skipped[0];
  EXPECT_NE(skipped[1].find("empty.json: JSON: malformed JSON"), std::string::npos) << skipped[1];
  EXPECT_NE(skipped[2].find("latin1.json: framing: expected a string"), std::string::npos) << skipped[2];
  std::filesystem::remove_all(dir);
}

// Found by fuzz_problem: in malformed text, a key holding NUL bytes became the start of the message, so
// what() was empty. Messages are printable now, whatever they quote.
TEST(Robustness, ControlCharactersInMessagesArePrinted) {
  EXPECT_STREQ(attn::ProblemError(std::string("\0x\n: y", 6)).what(), "\\u0000x\\u000A: y");
  const std::string crash =
      std::string("{\"tok{\"tokKens\":[\"the\",\"cacale\":\"sqrt_dk\",\"\0\0\0We\"", 44);
  const std::string e = run_error(crash);
  EXPECT_FALSE(e.empty());
  EXPECT_EQ(attn::printable(e), e);
  state::AppState s = state::default_state();
  EXPECT_FALSE(state::open_shared(s, "#state=%7B%22%00%22%3A1%7D"));
  EXPECT_NE(state::notice_text(s).find("control character U+0000 (NUL)"), std::string::npos)
      << state::notice_text(s);
  EXPECT_EQ(attn::printable(state::notice_text(s)), state::notice_text(s));
}

// Found by fuzz_scenario: a scenario whose finite X·W passed f32's range made a state that could not be
// reopened (its problem was refused on parsing). A problem may hold such values; running it is what says so.
TEST(Robustness, ValuesBeyondF32AreRefusedWhenRunNotWhenRead) {
  state::AppState s = state::default_state();
  state::state_from_text(s, R"({"problem": {"q": [[1e39]], "k": [[1]], "v": [[1]]}})");
  state::AppState again = state::default_state();
  EXPECT_TRUE(state::open_shared(again, attn::dump_json(state::state_to_json(s))))
      << state::notice_text(again);
  EXPECT_NE(
      run_error(R"({"q": [[1e39]], "k": [[1]], "v": [[1]]})").find("q[0][0]: 1e+39 is beyond f32's range"),
      std::string::npos);
  EXPECT_EQ(run_error(R"({"q": [[1e39]], "k": [[1]], "v": [[1]], "precision": "f64"})"), "");
}
