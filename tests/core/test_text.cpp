// Text.*: the catalogs under assets/text parse, agree with each other (the same ids, the same placeholders),
// say messages with their arguments (numbers in the catalog's own way), and refuse malformed files by field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "attn/json_read.h"
#include "attn/text.h"
#include "state/app_state.h"

namespace {
std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST(Text, EveryLocaleHasEveryIdWithTheSamePlaceholders) {
  std::vector<attn::Catalog> all;
  for (const auto& f : std::filesystem::directory_iterator(ATTN_ASSETS_DIR "/text"))
    if (f.path().extension() == ".json") {
      all.push_back(attn::parse_catalog(read_file(f.path())));
      EXPECT_EQ(all.back().locale + ".json", f.path().filename().string()) << "a file is named by its locale";
    }
  ASSERT_FALSE(all.empty());
  const attn::Catalog& en = attn::english();
  for (const attn::Catalog& c : all) {
    for (const auto& [id, text] : en.messages) {
      ASSERT_TRUE(c.messages.count(id)) << c.locale << " lacks " << id;
      const std::vector<std::string> a = attn::placeholders(text), b = attn::placeholders(c.messages.at(id));
      EXPECT_EQ(std::set<std::string>(a.begin(), a.end()), std::set<std::string>(b.begin(), b.end()))
          << c.locale << ": " << id;
    }
    for (const auto& [id, text] : c.messages) {  // (lessons' and scenarios' own words: Language.*)
      if (id.rfind("lesson.", 0) != 0 && id.rfind("scenario.", 0) != 0) {
        EXPECT_TRUE(en.messages.count(id)) << c.locale << " has extra " << id;
      }
    }
  }
}

TEST(Text, FillNamedPlaceholders) {
  EXPECT_EQ(attn::fill("{k} is within the last {n} tokens up to {q}.", {{"q", "a"}, {"k", "b"}, {"n", "3"}}),
            "b is within the last 3 tokens up to a.");
  EXPECT_EQ(attn::fill("{unknown} and {", {{"n", "3"}}), "{unknown} and {");
}

TEST(Text, SaysMessagesWithNamedArguments) {
  attn::Catalog c;
  c.locale = "xx";
  c.decimal = ',';
  c.messages["t.x"] = "{q} gives {w} of its attention ({x}, {n} keys, {v}); {unknown} stays";
  const attn::Message m{
      "t.x",
      {attn::text_arg("q", "“it”"), attn::percent_arg("w", 0.254), attn::number_arg("x", -1.5),
       attn::count_arg("n", 12), attn::vector_arg("v", {0.5, 2})}};
  EXPECT_EQ(attn::say(c, m),
            "“it” gives 25% of its attention (−1,50, 12 keys, (0,50; 2,00)); {unknown} stays");
  EXPECT_EQ(
      attn::say(
          c, attn::Message{"t.x", {attn::fixed_arg("q", 2.5, 3, true), attn::percent_arg("w", 0.2541, 1)}}),
      "+2,500 gives 25,4% of its attention ({x}, {n} keys, {v}); {unknown} stays");
  EXPECT_EQ(attn::decimals(c, "q·k = 0.25 · 1.5 = (0.1, −0.2), 3. Done."),
            "q·k = 0,25 · 1,5 = (0,1; −0,2), 3. Done.");
  EXPECT_EQ(attn::number(c, 0.125, 3), "0,125");
  EXPECT_EQ(attn::decimals(c, "[0.905, 0.000, ...]"), "[0,905; 0,000; ...]");
  // An id this catalog lacks falls back to English; one nobody has says so.
  EXPECT_EQ(attn::say(c, attn::Message{"explain.mask.blocked", {}}),
            attn::english().messages.at("explain.mask.blocked"));
  EXPECT_EQ(attn::say(c, attn::Message{"no.such", {}}), "[missing text: no.such]");
  EXPECT_EQ(attn::say(c, std::vector<attn::Message>{{"t.none", {}}, {"explain.mask.blocked", {}}}),
            "[missing text: t.none] " + attn::english().messages.at("explain.mask.blocked"));
}

TEST(Text, RefusesMalformedCatalogsByField) {
  const auto refused = [](const char* text, const char* fragment) {
    try {
      attn::parse_catalog(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const attn::ProblemError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  const std::string head = R"({"locale":"xx","language":"X","decimal":".","messages":)";
  refused("[]", "catalog");
  refused((head + R"({"a.b":"{q"}})").c_str(), "messages.a.b: unclosed {");
  refused((head + R"({"a.b":"q}"}})").c_str(), "messages.a.b: a } without its {");
  refused((head + R"({"a.b":"{{q}}"}})").c_str(), "messages.a.b: a { inside");
  refused((head + R"({"A b":"x"}})").c_str(), "an id is lowercase");
  refused((head + R"({"a.b":7}})").c_str(), "messages.a.b: expected a string");
  refused((head + R"({"a.b":"{x.y}"}})").c_str(), "placeholder {x.y}");
  refused(R"({"locale":"xx","language":"X","decimal":";","messages":{}})", "decimal");
  refused(R"({"locale":"xx","language":"X","decimal":".","messages":{},"extra":1})", "extra: unknown field");
  refused(R"({"locale":"xx","language":"X","decimal":"."})", "messages");
}

// The tables that name their words by id (views, Variants parts, stages, mask kinds) find them in English.
TEST(Text, EveryTableEntryHasItsWords) {
  const attn::Catalog& en = attn::english();
  std::vector<std::string> ids;
  for (const auto& v : state::kViews) ids.push_back(std::string("view.") + v.id);
  for (const auto& p : state::kVariantParts) ids.push_back(std::string("variants.") + p.id);
  for (const auto& st : attn::kStages) ids.push_back(std::string("stage.") + st.id);
  for (const attn::MaskKindInfo& k : attn::kMaskKinds) {
    for (const char* part : {".title", ".allowed", ".blocked"}) ids.push_back(k.text_id + std::string(part));
    if (k.param && k.kind != attn::MaskSpec::Kind::Explicit) ids.push_back(k.text_id + std::string(".label"));
  }
  for (const std::string& id : ids) EXPECT_TRUE(en.messages.count(id)) << id;
  // (and the tables are in their enums' order: code indexes them by value)
  for (int i = 0; i < state::kPanelCount; ++i) EXPECT_EQ(static_cast<int>(state::kViews[i].value), i);
  for (int i = 0; i < state::kVariantSectionCount; ++i)
    EXPECT_EQ(static_cast<int>(state::kVariantParts[i].value), i);
}
