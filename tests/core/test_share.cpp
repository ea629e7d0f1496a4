// Share.*: link_state says a state briefly and reproduces it; open_shared opens links and JSON, and says
// what is wrong with a broken one without changing anything.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>

#include "state/share.h"

namespace {

attn::Scenario tiny() {
  return attn::parse_scenario(attn::Json::parse(R"({"title":"t","framing":"f","sentence":"a b c d",
    "focus":"c","features":["f0","f1"],"x":[[1,0],[0,1],[1,1],[2,1]],"w_q":[[1,0],[0,1]],"w_k":[[1,1],[1,0]],
    "w_v":[[2,0],[0,1]],"mask":"causal"})"),
                              "tiny");
}

// As encodeURIComponent writes it: every byte but A–Z a–z 0–9 - _ . ! ~ * ' ( ) as %XX.
std::string percent_encode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || std::string("-_.!~*'()").find(static_cast<char>(c)) != std::string::npos) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

// link_state says the same state in few words; applied to any other state it reproduces this one.
TEST(Share, LinkStateIsShortAndReproducesTheState) {
  const attn::Scenario sc = tiny();
  const auto reproduces = [&](const state::AppState& s) {
    const attn::Json link = state::link_state(s);
    state::AppState t = state::default_state({sc});
    state::state_from_json(t, attn::Json::parse(R"({"inputs":{"sentence":"x y","seed":2,"d_model":3,"d_k":2},
      "problem":{"tile":{"q":2,"k":2},"feature_map":"relu","temperature":3},"step":{"playing":true}})"));
    state::state_from_json(t, link);  // (an open tab with other settings, playing: nothing of it stays)
    EXPECT_EQ(state::state_to_json(t), state::state_to_json(s)) << link.dump();
    return link;
  };
  // A seeded sentence: no vectors in the link.
  state::AppState s = state::default_state({sc});
  state::state_from_json(s, attn::Json::parse(R"({"inputs":{"sentence":"the cat sat on the mat","seed":5,
    "d_model":6,"d_k":6,"heads":3,"kv_heads":1,"key_sentence":"le chat"}, "problem":{"variant":"flash",
    "tile":{"q":2,"k":3}}, "step":{"index":7}, "view":{"panel":"variants","ui_scale":1.5}})"));
  s.playing = true;
  attn::Json link = reproduces(s);
  s.playing = false;
  EXPECT_FALSE(link["inputs"].contains("x"));
  EXPECT_FALSE(link["problem"].contains("query"));
  EXPECT_EQ(link["inputs"]["key_sentence"], "le chat");
  EXPECT_LT(link.dump().size(), 700u) << link.dump();
  // A scenario with a changed mask: the scenario by name, the mask kept.
  state::state_from_json(s, attn::Json::parse(R"({"inputs":{"scenario":"tiny","heads":2},
    "problem":{"mask":{"window":2}}})"));
  EXPECT_EQ(s.problem().mask.kind, attn::MaskSpec::Kind::Window);
  EXPECT_EQ(s.problem().heads(), 2);
  link = reproduces(s);
  EXPECT_EQ(link["inputs"], (attn::Json{{"scenario", "tiny"}, {"seed", 5}, {"heads", 2}, {"kv_heads", 2}}));
  // A scenario's vectors with keys from another sentence are no longer the scenario: the vectors travel.
  attn::Json cross = state::state_to_json(s);
  cross["inputs"]["key_sentence"] = "le chat";
  state::state_from_json(s, cross);
  EXPECT_EQ(s.problem().key_len(), 2);
  link = reproduces(s);
  EXPECT_EQ(link["inputs"]["key_sentence"], "le chat");
  EXPECT_TRUE(link["inputs"].contains("x"));
  // An edited embedding: the vectors travel; typed q/k/v: the whole problem travels.
  s.inputs.x(1, 1) = 7;
  state::refresh_problem(s);
  link = reproduces(s);
  EXPECT_EQ(link["inputs"]["x"][1][1], 7.0);
  state::state_from_json(s, attn::Json::parse(R"({"problem":{"q":[[1],[2]],"k":[[1],[0]],"v":[[3],[4]]}})"));
  link = reproduces(s);
  EXPECT_EQ(link["problem"]["v"][1][0], 4.0);
}

// A link (any address, #state=<percent-encoded JSON>) or the JSON itself opens; UTF-8 survives the encoding.
TEST(Share, OpensLinksAndJson) {
  state::AppState s = state::default_state({tiny()});
  state::state_from_json(s, attn::Json::parse(R"({"inputs":{"sentence":"naïve café “quoted”","seed":4},
    "problem":{"mask":"causal"},"step":{"index":5}})"));
  const std::string json = state::link_state(s).dump();
  state::AppState t = state::default_state({tiny()});
  t.notice = {"notice.json_notes", {attn::text_arg("notes", "an earlier complaint")}};
  EXPECT_TRUE(state::open_shared(t, "http://127.0.0.1:8080/index.html#state=" + percent_encode(json)));
  EXPECT_EQ(state::state_to_json(t), state::state_to_json(s));
  EXPECT_EQ(state::notice_text(t), "");
  EXPECT_EQ(t.sentence, "naïve café “quoted”");
  state::AppState u = state::default_state({tiny()});
  EXPECT_TRUE(state::open_shared(u, "  \n" + json + "\n"));  // pasted JSON, with the whitespace a copy brings
  EXPECT_EQ(state::state_to_json(u), state::state_to_json(s));
}

TEST(Share, BrokenLinksSayWhatIsWrongAndChangeNothing) {
  const std::string good = percent_encode(R"({"view":{"panel":"tokens"}})");
  const std::pair<std::string, const char*> cases[] = {
      {"#state=" + good.substr(0, good.size() - 9),
       "This link could not be opened: its state is not readable JSON"},
      {"#state=%7B%22view%22%3A%7", "not followed by two hex digits"},
      {"#view=tokens", "its part after # should be state=… or lesson=…&page=…, not \"view=tokens\""},
      {"#lesson=no-such-lesson", "lesson.id: unknown \"no-such-lesson\""},
      {"#page=2", "its page= comes without lesson="},
      {"#state=" + percent_encode(R"({"view":{"panel":"cinema"}})"), "view.panel: unknown \"cinema\""},
      {"#state=" + percent_encode(R"({"inputs":{"sentence":"a b","d_model":900}})"),
       "inputs.d_model: must be 1…64"},
      {"just some words", "neither a link with #state= or #lesson= nor a state's JSON"},
      {"{\"view\": {\"ui_scale\": 9}}", "This state could not be opened: view.ui_scale"},
  };
  for (const auto& [text, why] : cases) {
    state::AppState s = state::default_state({tiny()});
    const attn::Json before = state::state_to_json(s);
    EXPECT_FALSE(state::open_shared(s, text)) << text;
    EXPECT_NE(state::notice_text(s).find(why), std::string::npos) << state::notice_text(s);
    EXPECT_NE(state::notice_text(s).find("Showing the app as it was instead."), std::string::npos)
        << state::notice_text(s);
    EXPECT_EQ(state::state_to_json(s), before) << text;
  }
}
