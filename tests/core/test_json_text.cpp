// JsonText.*: text from outside is refused before anything recurses when too deep or too long, invalid
// UTF-8 is named by byte and field (and repaired in labels), malformed JSON names the field it is in, and
// writing JSON never throws.
#include <gtest/gtest.h>

#include <string>

#include "attn/json_read.h"
#include "attn/json_text.h"
#include "attn/problem.h"

namespace {

std::string error_of(const std::string& text, const attn::JsonTextOptions& o = {}) {
  try {
    attn::parse_json_text(text, o);
  } catch (const attn::ProblemError& e) {
    return e.what();
  }
  return "(accepted)";
}

std::string nested(int levels, const std::string& open, const std::string& close) {
  std::string s;
  for (int i = 0; i < levels; ++i) s += open;
  for (int i = 0; i < levels; ++i) s += close;
  return s;
}

}  // namespace

TEST(JsonText, RefusesDeepNestingBeforeParsing) {
  EXPECT_NO_THROW(attn::parse_json_text(nested(64, "[", "]")));
  EXPECT_EQ(error_of(nested(65, "[", "]")).rfind("[0][0]", 0), 0u);
  EXPECT_NE(error_of(nested(65, "[", "]")).find("nested deeper than 64 levels"), std::string::npos);
  // 100 000 levels of objects inside a field: refused (a recursive parse would overflow the stack).
  std::string deep = "{\"tile\": ";
  for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
  const std::string e = error_of(deep);
  EXPECT_EQ(e.rfind("tile.a.a", 0), 0u) << e.substr(0, 80);
  EXPECT_LT(e.size(), 300u) << "the path of a deep error is shortened";
  // Brackets inside strings are not nesting.
  EXPECT_NO_THROW(attn::parse_json_text("{\"tokens\": [\"" + std::string(1000, '[') + "\"]}"));
}

TEST(JsonText, NamesInvalidUtf8ByByteAndField) {
  EXPECT_EQ(error_of("{\"q\": [\xF1\xF1]}"),
            "q[0]: invalid UTF-8 at byte 7 (0xF1), outside any string; JSON text must be UTF-8");
  EXPECT_EQ(error_of("{\"mask\": \"caus\xC0l\"}"),
            "mask: invalid UTF-8 at byte 14 (0xC0); JSON text must be UTF-8");
  EXPECT_EQ(error_of("{\"ma\xFFsk\": 1}"), "JSON: invalid UTF-8 at byte 4 (0xFF); JSON text must be UTF-8");
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
  for (const char* bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"})
    EXPECT_NE(error_of(std::string("{\"variant\": \"") + bad + "\"}").find("invalid UTF-8"),
              std::string::npos)
        << bad;
  // Well-formed text of every length passes: é, €, 𝑥.
  EXPECT_NO_THROW(attn::parse_json_text("{\"variant\": \"\xC3\xA9\xE2\x82\xAC\xF0\x9D\x91\xA5\"}"));
}

TEST(JsonText, RepairsLabelsWithANote) {
  std::vector<std::string> notes;
  attn::JsonTextOptions o;
  o.notes = &notes;
  const attn::Json j = attn::parse_json_text(
      "{\"tokens\": [\"ok\", \"a\xC0"
      "b\xFF\"], \"q\": 1}",
      o);
  EXPECT_EQ(j["tokens"][1],
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "tokens[1]: invalid UTF-8 at byte 20 (0xC0) replaced by U+FFFD");
  // Nested labels too (a state's inputs.sentence), but not a label's key.
  EXPECT_NO_THROW(attn::parse_json_text("{\"inputs\": {\"sentence\": \"caf\xE9\"}}"));
  EXPECT_NE(error_of("{\"inputs\": {\"sen\xE9\": 1}}").find("invalid UTF-8"), std::string::npos);
}

TEST(JsonText, MalformedJsonNamesTheField) {
  const std::string e = error_of(R"({"mask": {"window": }})");
  EXPECT_EQ(e.rfind("mask.window: malformed JSON at line 1, column 21", 0), 0u) << e;
  EXPECT_EQ(e.find("[json.exception"), std::string::npos) << e;
  EXPECT_EQ(error_of("").rfind("JSON: malformed JSON", 0), 0u);
  EXPECT_NE(error_of(R"({"q": [[1e999]]})").find("finite"), std::string::npos);
  EXPECT_EQ(attn::json_path_at(R"({"inputs": {"x": [[1, 2], [3, 4]]}})", 28), "inputs.x[1][0]");
}

TEST(JsonText, RefusesTextOverTheSizeLimit) {
  attn::JsonTextOptions o;
  o.max_bytes = 100;
  EXPECT_EQ(error_of(std::string(101, ' '), o), "JSON: the text is 101 bytes; the limit here is 100 bytes");
}

TEST(JsonText, WritingNeverThrows) {
  attn::Json j = {{"label", std::string("bad \xC0 byte")}};
  EXPECT_EQ(attn::dump_json(j), "{\"label\":\"bad \xEF\xBF\xBD byte\"}");
  EXPECT_EQ(attn::valid_utf8("a\xE2\x82"), "a\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(attn::invalid_utf8_at("ok\xC3\xA9!\xFF"), 5u);
  const std::string b = attn::brief(attn::Json(std::string(100, 'x') + "\xC3\xA9"), 20);
  EXPECT_EQ(b, "\"" + std::string(19, 'x') + "…");
}

namespace {
// The message a reader throws, or "(accepted)".
template <class Read>
std::string read_error(Read read) {
  try {
    read();
  } catch (const attn::ProblemError& e) {
    return e.what();
  }
  return "(accepted)";
}
}  // namespace

// JsonRead.*: one reader per kind of value, each naming the field, the range and what it got.
TEST(JsonRead, IntegersInRangeOnly) {
  using attn::Json;
  EXPECT_EQ(attn::read_int(Json(7), "n", 1, 10), 7);
  EXPECT_EQ(read_error([] { attn::read_int(Json(11), "n", 1, 10); }), "n: expected an integer 1…10, got 11");
  EXPECT_EQ(read_error([] { attn::read_int(Json(2.0), "n", 1, 10); }),
            "n: expected an integer 1…10, got 2.0");
  EXPECT_EQ(read_error([] { attn::read_int(Json(1e30), "n"); }).rfind("n: expected an integer", 0), 0u);
  EXPECT_EQ(read_error([] { attn::read_int(Json(std::uint64_t{1} << 40), "n"); }).rfind("n: expected", 0),
            0u);
  EXPECT_EQ(read_error([] { attn::read_int(Json("3"), "view.head", 0, 3); }),
            "view.head: expected an integer 0…3, got \"3\"");
}

TEST(JsonRead, NumbersSeedsBoolsAndStrings) {
  using attn::Json;
  EXPECT_EQ(attn::read_number(Json(0.5), "t", 0, 1), 0.5);
  EXPECT_EQ(attn::read_number(Json(1), "t", 0, 1), 1.0);
  EXPECT_NE(read_error([] { attn::read_number(Json(1.5), "t", 0, 1); }).find("t: expected a number from 0"),
            std::string::npos);
  EXPECT_EQ(attn::read_seed(Json(std::uint64_t{1} << 63), "seed"), std::uint64_t{1} << 63);
  EXPECT_EQ(read_error([] { attn::read_seed(Json(-1), "seed"); }), "seed: expected an integer ≥ 0, got -1");
  EXPECT_TRUE(attn::read_bool(Json(true), "b"));
  EXPECT_EQ(read_error([] { attn::read_bool(Json(1), "b"); }), "b: expected true or false, got 1");
  EXPECT_EQ(attn::read_string(Json("x"), "s"), "x");
  EXPECT_EQ(read_error([] { attn::read_string(Json::array(), "s"); }), "s: expected a string, got []");
}
