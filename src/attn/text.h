// Text as data: what the learner reads is a Message (an id and named arguments) said through a Catalog, the
// strings of one language (assets/text/<locale>.json: {locale, language, decimal, messages: {id: text}}).
// Placeholders are {name}; numbers stay numbers until the catalog writes them with its decimal sign. English
// is built into the program (from assets/text/en.json). Tests: tests/core/test_text.cpp (Text.*).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

struct MessageArg {
  enum class Kind { Text, Number, Percent, Count, Vector };
  std::string name;
  Kind kind = Kind::Text;
  std::string text;             // Text
  std::vector<double> numbers;  // Number, Percent, Count: one; Vector: the entries (at most 4 written)
};

struct Message {
  std::string id;
  std::vector<MessageArg> args;
};

// Arguments: a token or other text; a number as the formulas write it (2 decimals, −∞); a share as a
// percentage (0.25 → 25%); a count (no decimals); a vector "(0.10, −0.20, …)".
MessageArg text_arg(std::string name, std::string text);
MessageArg number_arg(std::string name, double x);
MessageArg percent_arg(std::string name, double share);
MessageArg count_arg(std::string name, double n);
MessageArg vector_arg(std::string name, std::vector<double> v);

struct Catalog {
  std::string locale;    // "en", "es", …
  std::string language;  // its own name for itself: "English", "Español"
  char decimal = '.';    // '.' or ','
  std::map<std::string, std::string> messages;
};

// Parses a catalog file; throws ProblemError naming the field ("messages.explain.x: unclosed {").
Catalog parse_catalog(std::string_view json_text);

// The built-in English catalog.
const Catalog& english();

// The message in c's language (English when c lacks the id; "[missing text: id]" when English does too).
std::string say(const Catalog& c, const Message& m);
// Sentences joined by spaces.
std::string say(const Catalog& c, const std::vector<Message>& sentences);

// A text with named placeholders ("{n}", "{q}") filled in; an unknown placeholder stays as it is.
std::string fill(const std::string& text, const std::vector<std::pair<std::string, std::string>>& args);

// The {name}s of a text, in order.
std::vector<std::string> placeholders(const std::string& text);

}  // namespace attn
