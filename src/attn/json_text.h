// JSON text from outside (files, links, the JS API, stdin) in and out, safely: parse_json_text refuses
// nesting deeper than a limit before anything recurses and names invalid UTF-8 by byte and field (in labels
// it becomes U+FFFD); dump_json never throws. Every parser entry point reads through here. Tests:
// tests/core/test_json_text.cpp (JsonText.*); fuzzed by tests/fuzz (every harness).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "attn/utf8.h"  // (valid_utf8, printable: what the readers quote)

namespace attn {

using Json = nlohmann::ordered_json;

struct JsonTextOptions {
  int max_depth = 64;                         // [ and { levels; a problem needs 4, a state 5
  std::size_t max_bytes = 64u << 20;          // the text itself
  std::vector<std::string>* notes = nullptr;  // receives "tokens[2]: invalid UTF-8 … replaced" lines
};

// Object keys whose strings are only labels (shown, never computed with): invalid UTF-8 inside them is
// replaced by U+FFFD with a note instead of refusing the whole text.
inline constexpr const char* kLabelFields[] = {"tokens",   "key_tokens", "sentence",   "key_sentence",
                                               "features", "title",      "framing",    "story_keys",
                                               "focus",    "narration",  "description"};

// Parses text; throws ProblemError "<field>: <reason>" (what = "JSON" when no field applies) for text that is
// too long, too deep, not UTF-8 outside a label, or malformed (with line, column and the field it is in).
Json parse_json_text(std::string_view text, const JsonTextOptions& options = {});

// j as text; invalid UTF-8 in strings (from code, never from parse_json_text) becomes U+FFFD.
std::string dump_json(const Json& j, int indent = -1);

// A value quoted in an error message: its JSON, cut to about max_chars at a character boundary ("…").
std::string brief(const Json& j, std::size_t max_chars = 60);

// The field at byte `offset` of JSON text, e.g. "inputs.x[3][1]" ("" at the top level).
std::string json_path_at(std::string_view text, std::size_t offset);

}  // namespace attn
