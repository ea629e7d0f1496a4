// Safe JSON text in and out (see json_text.h). One byte-level walk finds the depth, the field at any byte
// and ill-formed UTF-8 before nlohmann parses (its parse and dump recurse; its errors quote raw bytes).
#include "attn/json_text.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "attn/error.h"
#include "attn/format.h"
#include "attn/utf8.h"

namespace attn {

namespace {

bool is_label_field(const std::string& key) {
  for (const char* f : kLabelFields)
    if (key == f) return true;
  return false;
}

// Walks JSON text a byte at a time, keeping the path of containers around the current byte. It does not
// check the grammar (nlohmann does): on malformed text the path is a best guess, which is all it is for.
class Walker {
 public:
  // Call for every byte in order; returns the new depth when it opens a container, else 0.
  int step(std::string_view text, std::size_t i) {
    const char c = text[i];
    if (in_string_) {
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
        if (is_key_) stack_.back().key = key_;
      } else if (is_key_ && key_.size() < 80) {
        key_ += c;
      }
      return 0;
    }
    switch (c) {
      case '{':
      case '[':
        stack_.push_back({c == '{', 0, "", c == '{'});
        return static_cast<int>(stack_.size());
      case '}':
      case ']':
        if (!stack_.empty()) stack_.pop_back();
        break;
      case ',':
        if (!stack_.empty())
          stack_.back().object ? void(stack_.back().expect_key = true) : void(++stack_.back().index);
        break;
      case ':':
        if (!stack_.empty() && stack_.back().object) stack_.back().expect_key = false;
        break;
      case '"':
        in_string_ = true;
        is_key_ = !stack_.empty() && stack_.back().object && stack_.back().expect_key;
        key_.clear();
        break;
      default:
        break;
    }
    return 0;
  }

  // "inputs.x[3][1]"; a deep one keeps its first and last parts: "q[0][0][0][0]…(58 more)…[0][0]".
  std::string path() const {
    std::vector<std::string> parts;
    for (const Frame& f : stack_) {
      if (!f.object) {
        parts.push_back("[" + std::to_string(f.index) + "]");
      } else if (!f.expect_key) {
        parts.push_back((parts.empty() ? "" : ".") + valid_utf8(f.key));
      }
    }
    std::string p;
    const std::size_t n = parts.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (n > 10 && i == 6) {
        p += "…(" + std::to_string(n - 8) + " more)…";
        i = n - 3;
        continue;
      }
      p += parts[i];
    }
    return p;
  }

  bool in_string() const { return in_string_; }
  bool in_key() const { return in_string_ && is_key_; }
  bool in_label() const {
    for (const Frame& f : stack_)
      if (f.object && !f.expect_key && is_label_field(f.key)) return true;
    return false;
  }

 private:
  struct Frame {
    bool object;
    long index;
    std::string key;  // the member being read (objects)
    bool expect_key;  // between { or , and the next :
  };
  std::vector<Frame> stack_;
  bool in_string_ = false, escape_ = false, is_key_ = false;
  std::string key_;
};

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw ProblemError((path.empty() ? std::string("JSON") : path) + ": " + why);
}

// nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error …; last read:
// '…'" → "malformed at line 1, column 9: syntax error …; last read: '…'" (short and valid UTF-8).
std::string parse_reason(const char* what) {
  std::string s = what;
  const std::size_t at = s.find("parse error");
  if (at != std::string::npos) s = "malformed JSON" + s.substr(at + std::strlen("parse error"));
  std::string out = valid_utf8(s);
  if (out.size() > 240) {
    std::size_t cut = 240;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "…";
  }
  return out;
}

}  // namespace

std::string json_path_at(std::string_view text, std::size_t offset) {
  Walker w;
  for (std::size_t i = 0; i < text.size() && i < offset; ++i) w.step(text, i);
  return w.path();
}

Json parse_json_text(std::string_view text, const JsonTextOptions& options) {
  if (text.size() > options.max_bytes)
    fail("", "the text is " + human_bytes(static_cast<double>(text.size())) + "; the limit here is " +
                 human_bytes(static_cast<double>(options.max_bytes)));
  Walker w;
  std::string repaired;  // a copy, made only when a label needs repair
  bool repairing = false;
  std::string noted;  // the label last noted (one note per string)
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (w.step(text, i) > options.max_depth)
        fail(w.path(), "nested deeper than " + std::to_string(options.max_depth) + " levels (at byte " +
                           std::to_string(i) + "); nothing here needs more than a few");
      if (repairing) repaired += text[i];
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence_length(text, i);
    if (n > 0) {
      if (repairing) repaired.append(text.data() + i, n);
      i += n;
      continue;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", c);
    if (!w.in_string() || w.in_key() || !w.in_label())
      fail(w.path(), std::string("invalid UTF-8 at byte ") + std::to_string(i) + " (" + hex + ")" +
                         (w.in_string() ? "" : ", outside any string") + "; JSON text must be UTF-8");
    if (!repairing) repaired.assign(text.data(), i), repairing = true;
    repaired += kReplacement;
    const std::string where = w.path();
    if (options.notes && where != noted)
      options.notes->push_back(where + ": invalid UTF-8 at byte " + std::to_string(i) + " (" + hex +
                               ") replaced by U+FFFD");
    noted = where;
    ++i;
  }
  const std::string_view source = repairing ? std::string_view(repaired) : text;
  try {
    return Json::parse(source.begin(), source.end());
  } catch (const Json::parse_error& e) {
    const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
    fail(json_path_at(source, at), parse_reason(e.what()));
  } catch (const Json::out_of_range& e) {  // 1e999: nlohmann refuses numbers that are not finite doubles
    std::string what = e.what();
    what = what.substr(what.find(']') + 1);
    fail("", valid_utf8(what.substr(what.find_first_not_of(' '))) +
                 ": numbers must be finite, at most about 1.8e308");
  } catch (const Json::exception& e) {
    fail("", parse_reason(e.what()));
  }
}

std::string dump_json(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::string brief(const Json& j, std::size_t max_chars) {
  std::string s = dump_json(j);
  if (s.size() <= max_chars) return s;
  std::size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

}  // namespace attn
