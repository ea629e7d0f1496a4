// Text as data: what the learner reads is a Message (an id and named arguments) said through a Catalog, the
// strings of one language (assets/text/<locale>.json: {locale, language, decimal, messages: {id: text}}).
// Placeholders are {name}; numbers stay numbers until the catalog writes them with its decimal sign. English
// and every other catalog under assets/text are built into the program (English is the fallback for a
// missing id). Tests: tests/core/test_text.cpp (Text.*).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

struct Message;

struct MessageArg {
  enum class Kind { Text, Math, Number, Fixed, Percent, Count, Vector, Words };
  std::string name;
  Kind kind = Kind::Text;
  std::string text;             // Text, Math
  std::vector<double> numbers;  // Number, Fixed, Percent, Count: one; Vector: the entries (at most 4 written)
  int decimals = 0;             // Fixed, Percent
  bool plus = false;            // Fixed: a sign on positive numbers too (+0.25)
  std::vector<Message> words;   // Words: messages said in the same language (a mask's name inside a sentence)
};

struct Message {
  std::string id;
  std::vector<MessageArg> args;
  std::string fallback =
      {};  // said when no catalog has the id: content written in its own file (a lesson's
           // or scenario's English, a model's head label), translated only where a catalog has it
};

// Arguments: a token or other text; a number as the formulas write it (2 decimals, −∞); a share as a
// percentage (0.25 → 25%); a count (no decimals); a vector "(0.10, −0.20, …)".
MessageArg text_arg(std::string name, std::string text);
// Math already written with decimal points ("1.2e-07", "2.5 KiB"): the catalog's decimal sign when said.
MessageArg math_arg(std::string name, std::string text);
MessageArg number_arg(std::string name, double x);
MessageArg percent_arg(std::string name, double share, int decimals = 0);
// A number with a fixed count of decimals (printf's %.Nf, or %+.Nf with plus), in the catalog's decimal sign.
MessageArg fixed_arg(std::string name, double x, int decimals, bool plus = false);
MessageArg count_arg(std::string name, double n);
MessageArg vector_arg(std::string name, std::vector<double> v);
MessageArg words_arg(std::string name, Message m);

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
// Every built-in catalog (assets/text/*.json, English first), and one by locale (nullptr when there is none).
const std::vector<Catalog>& catalogs();
const Catalog* catalog_for(std::string_view locale);

// A number written with the catalog's decimal sign: x with `decimals` decimals (%.Nf), or as the formulas
// write it (attn::fmt: 2 decimals, −∞) when decimals < 0.
std::string number(const Catalog& c, double x, int decimals = -1);
// Any text with its decimal points as the catalog writes them ("0.25 · 1.5" → "0,25 · 1,5" in Spanish);
// only a '.' between two digits is a decimal point, and with a decimal comma a list's ", " between numbers
// becomes "; " ("(0.1, −0.2)" → "(0,1; −0,2)").
std::string decimals(const Catalog& c, std::string text);

// The message in c's language (English when c lacks the id; "[missing text: id]" when English does too).
std::string say(const Catalog& c, const Message& m);
// Sentences joined by spaces.
std::string say(const Catalog& c, const std::vector<Message>& sentences);

// A text with named placeholders ("{n}", "{q}") filled in; an unknown placeholder stays as it is.
std::string fill(const std::string& text, const std::vector<std::pair<std::string, std::string>>& args);

// A formula the engine wrote (math, with a few words as ⟦id⟧: "(4 ⟦formula.smaller_terms⟧ = 0.02)") in a
// catalog's language: each ⟦id⟧ said, and with decimal_sign its numbers in the catalog's decimal sign too.
// With keep_marks the said words stay inside ⟦…⟧ (for latex_math, which sets them as text).
std::string say_formula(const Catalog& c, const std::string& formula, bool decimal_sign = true,
                        bool keep_marks = false);

// The {name}s of a text, in order.
std::vector<std::string> placeholders(const std::string& text);

}  // namespace attn
