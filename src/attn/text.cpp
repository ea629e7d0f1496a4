// Catalogs and messages (see text.h).
#include "attn/text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/explain.h"
#include "attn/json_read.h"
#include "attn/json_text.h"

namespace attn {

extern const char kEnglishCatalog[];

MessageArg text_arg(std::string name, std::string text) {
  return {std::move(name), MessageArg::Kind::Text, std::move(text), {}};
}
MessageArg number_arg(std::string name, double x) {
  return {std::move(name), MessageArg::Kind::Number, "", {x}};
}
MessageArg percent_arg(std::string name, double share) {
  return {std::move(name), MessageArg::Kind::Percent, "", {share}};
}
MessageArg count_arg(std::string name, double n) {
  return {std::move(name), MessageArg::Kind::Count, "", {n}};
}
MessageArg vector_arg(std::string name, std::vector<double> v) {
  return {std::move(name), MessageArg::Kind::Vector, "", std::move(v)};
}

namespace {

// ids: lowercase letters, digits, '_' and '.' (what the code and the parity test spell).
bool valid_id(const std::string& id) {
  if (id.empty()) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
  return true;
}

std::string with_decimal(std::string s, char decimal) {
  if (decimal != '.')
    for (char& c : s)
      if (c == '.') c = decimal;
  return s;
}

std::string written(const Catalog& c, const MessageArg& a) {
  const double x = a.numbers.empty() ? 0.0 : a.numbers.front();
  char buf[32];
  switch (a.kind) {
    case MessageArg::Kind::Text:
      return a.text;
    case MessageArg::Kind::Number:
      return with_decimal(fmt(x), c.decimal);
    case MessageArg::Kind::Percent:
      std::snprintf(buf, sizeof buf, "%.0f%%", 100 * x);
      return buf;
    case MessageArg::Kind::Count:
      std::snprintf(buf, sizeof buf, "%.0f", x);
      return buf;
    case MessageArg::Kind::Vector:
      return with_decimal(fmt_vector(a.numbers, 4), c.decimal);
  }
  return "";
}

}  // namespace

std::string fill(const std::string& text, const std::vector<std::pair<std::string, std::string>>& args) {
  std::string out;
  for (size_t at = 0; at < text.size();) {
    const size_t open = text.find('{', at), close = open == std::string::npos ? open : text.find('}', open);
    if (close == std::string::npos) return out + text.substr(at);
    out += text.substr(at, open - at);
    const std::string key = text.substr(open + 1, close - open - 1);
    const auto it = std::find_if(args.begin(), args.end(), [&](const auto& a) { return a.first == key; });
    out += it == args.end() ? text.substr(open, close - open + 1) : it->second;
    at = close + 1;
  }
  return out;
}

std::vector<std::string> placeholders(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = text.find('{'); at != std::string::npos; at = text.find('{', at + 1)) {
    const size_t close = text.find('}', at);
    if (close == std::string::npos) break;
    out.push_back(text.substr(at + 1, close - at - 1));
  }
  return out;
}

Catalog parse_catalog(std::string_view json_text) {
  const Json j = parse_json_text(json_text);
  if (!j.is_object()) fail_field("catalog", "expected an object {locale, language, decimal, messages}");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "locale" && it.key() != "language" && it.key() != "decimal" && it.key() != "messages")
      fail_field(it.key(), "unknown field (known: locale, language, decimal, messages)");
  Catalog c;
  c.locale = read_string(j.value("locale", Json()), "locale");
  c.language = read_string(j.value("language", Json()), "language");
  const std::string decimal = read_string(j.value("decimal", Json()), "decimal");
  if (decimal != "." && decimal != ",")
    fail_field("decimal", "expected \".\" or \",\", got " + brief(j["decimal"]));
  c.decimal = decimal[0];
  if (!j.contains("messages") || !j["messages"].is_object())
    fail_field("messages", "expected an object {id: text}");
  for (auto it = j["messages"].begin(); it != j["messages"].end(); ++it) {
    const std::string field = "messages." + printable(it.key());
    if (!valid_id(it.key())) fail_field(field, "an id is lowercase letters, digits, '_' and '.'");
    const std::string text = read_string(it.value(), field);
    int depth = 0;  // braces pair up, one level deep, around an id-like name
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '{' && ++depth > 1) fail_field(field, "a { inside a {placeholder}");
      if (text[i] == '}' && --depth < 0) fail_field(field, "a } without its {");
    }
    if (depth != 0) fail_field(field, "unclosed {");
    for (const std::string& p : placeholders(text))
      if (!valid_id(p) || p.find('.') != std::string::npos)
        fail_field(field, "placeholder {" + printable(p) + "}: lowercase letters, digits and '_'");
    c.messages[it.key()] = text;
  }
  return c;
}

const Catalog& english() {
  static const Catalog c = parse_catalog(kEnglishCatalog);
  return c;
}

std::string say(const Catalog& c, const Message& m) {
  if (m.id.empty()) return "";  // (no message: an explanation with nothing to say)
  auto it = c.messages.find(m.id);
  const Catalog* from = &c;
  if (it == c.messages.end() && &c != &english()) {
    from = &english();
    it = from->messages.find(m.id);
  }
  if (it == from->messages.end()) return "[missing text: " + m.id + "]";
  std::vector<std::pair<std::string, std::string>> args;
  for (const MessageArg& x : m.args) args.emplace_back(x.name, written(c, x));
  return fill(it->second, args);
}

std::string say(const Catalog& c, const std::vector<Message>& sentences) {
  std::string out;
  for (const Message& m : sentences) {
    const std::string s = say(c, m);
    if (!s.empty()) out += (out.empty() ? "" : " ") + s;
  }
  return out;
}

}  // namespace attn
