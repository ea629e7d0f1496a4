// GPT-2's byte-level BPE (see bpe.h). The regex's six alternatives are tried in its order at each position,
// as Python's regex module does; \p{L}, \p{N} and \s come from unicode_classes.inc (generated).
#include "model/bpe.h"

#include <algorithm>

#include "attn/json_text.h"
#include "attn/problem.h"

namespace model {

namespace {

struct CodeRange {
  char32_t lo, hi;
};
#include "model/unicode_classes.inc"

template <std::size_t N>
bool in(const CodeRange (&table)[N], char32_t c) {
  const CodeRange* it = std::upper_bound(std::begin(table), std::end(table), c,
                                         [](char32_t x, const CodeRange& r) { return x < r.lo; });
  return it != std::begin(table) && c <= (it - 1)->hi;
}

constexpr char32_t kInvalid = 0xFFFFFFFF;  // a byte that is not UTF-8: "other" for the regex

enum class Class { Letter, Number, Space, Other };
Class class_of(char32_t c) {
  if (c == kInvalid) return Class::Other;
  if (in(kLetter, c)) return Class::Letter;
  if (in(kNumber, c)) return Class::Number;
  if (in(kSpace, c)) return Class::Space;
  return Class::Other;
}

// Decodes text into code points with their byte offsets (offset[n] = text.size()).
void decode_utf8(std::string_view text, std::vector<char32_t>& cps, std::vector<std::size_t>& offset) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t bad = attn::invalid_utf8_at(text.substr(i, 4));
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    offset.push_back(i);
    if (bad == 0 || (bad != std::string_view::npos && bad < n)) {
      cps.push_back(kInvalid);
      ++i;
      continue;
    }
    char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    cps.push_back(cp);
    i += n;
  }
  offset.push_back(text.size());
}

// GPT-2's byte → printable character map (bytes_to_unicode in its encoder.py), as UTF-8 strings.
const std::vector<std::string>& byte_chars() {
  static const std::vector<std::string> table = [] {
    std::vector<int> cs(256, -1);
    for (int b = '!'; b <= '~'; ++b) cs[b] = b;
    for (int b = 0xA1; b <= 0xAC; ++b) cs[b] = b;
    for (int b = 0xAE; b <= 0xFF; ++b) cs[b] = b;
    int n = 0;
    for (int b = 0; b < 256; ++b)
      if (cs[b] < 0) cs[b] = 256 + n++;
    std::vector<std::string> out;
    for (int b = 0; b < 256; ++b) {
      const int c = cs[b];
      std::string s;
      if (c < 0x80) {
        s += static_cast<char>(c);
      } else {
        s += static_cast<char>(0xC0 | (c >> 6));
        s += static_cast<char>(0x80 | (c & 0x3F));
      }
      out.push_back(s);
    }
    return out;
  }();
  return table;
}

std::uint64_t pair_key(int a, int b) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
}

}  // namespace

std::vector<std::string_view> pretokenize(std::string_view text) {
  std::vector<char32_t> cp;
  std::vector<std::size_t> at;
  decode_utf8(text, cp, at);
  const std::size_t n = cp.size();
  std::vector<Class> cls(n);
  for (std::size_t i = 0; i < n; ++i) cls[i] = class_of(cp[i]);
  std::vector<std::string_view> out;
  const auto emit = [&](std::size_t a, std::size_t b) { out.push_back(text.substr(at[a], at[b] - at[a])); };
  const auto run = [&](std::size_t k, Class c) {
    while (k < n && cls[k] == c) ++k;
    return k;
  };
  for (std::size_t i = 0; i < n;) {
    // 's 't 're 've 'm 'll 'd
    if (cp[i] == U'\'' && i + 1 < n) {
      const char32_t a = cp[i + 1], b = i + 2 < n ? cp[i + 2] : 0;
      std::size_t len = 0;
      if (a == U's' || a == U't' || a == U'm' || a == U'd')
        len = 2;
      else if ((a == U'r' || a == U'v') && b == U'e')
        len = 3;
      else if (a == U'l' && b == U'l')
        len = 3;
      if (len) {
        emit(i, i + len);
        i += len;
        continue;
      }
    }
    // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+'
    const std::size_t k = i + (cp[i] == U' ' ? 1 : 0);
    if (k < n && cls[k] != Class::Space) {
      const std::size_t end = run(k, cls[k]);
      emit(i, end);
      i = end;
      continue;
    }
    // '\s+(?!\S)': a run of spaces, less its last one when a non-space follows; else '\s+'
    const std::size_t end = run(i, Class::Space);
    const std::size_t stop = end < n && end - i >= 2 ? end - 1 : end;
    emit(i, stop);
    i = stop;
  }
  return out;
}

Tokenizer Tokenizer::load(std::string_view vocab_json, std::string_view merges_txt) {
  Tokenizer t;
  attn::Json vocab;
  try {
    vocab = attn::parse_json_text(vocab_json);
  } catch (const attn::ProblemError& e) {
    attn::fail_field("vocab.json", e.what());
  }
  if (!vocab.is_object() || vocab.empty())
    attn::fail_field("vocab.json", "expected an object {token: id, …}");
  const std::size_t size = vocab.size();
  t.tokens_.assign(size, std::string());
  std::vector<bool> seen(size, false);
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    const attn::Json& id = it.value();
    if (!id.is_number_integer() || id.get<double>() < 0 || id.get<double>() >= static_cast<double>(size))
      attn::fail_field("vocab.json", "\"" + attn::printable(it.key()) + "\" has id " + attn::brief(id) +
                                         "; ids must be 0…" + std::to_string(size - 1) + ", one per token");
    const std::size_t i = id.get<std::size_t>();
    if (seen[i]) attn::fail_field("vocab.json", "id " + std::to_string(i) + " is given to two tokens");
    seen[i] = true;
    t.tokens_[i] = it.key();
  }
  // Each token's bytes: its characters mapped back through the byte alphabet (a token with characters
  // outside it, like a special token, stands for its own UTF-8).
  std::unordered_map<std::string, int> char_byte;
  for (int b = 0; b < 256; ++b) char_byte[byte_chars()[static_cast<std::size_t>(b)]] = b;
  t.bytes_.resize(size);
  for (std::size_t i = 0; i < size; ++i) {
    const std::string& s = t.tokens_[i];
    std::string bytes;
    bool mapped = true;
    for (std::size_t k = 0; k < s.size() && mapped;) {
      const std::size_t len = static_cast<unsigned char>(s[k]) < 0x80 ? 1 : 2;
      const auto f = char_byte.find(s.substr(k, len));
      mapped = f != char_byte.end();
      if (mapped) bytes += static_cast<char>(f->second);
      k += len;
    }
    t.bytes_[i] = mapped ? bytes : s;
    t.ids_[s] = static_cast<int>(i);
  }
  for (int b = 0; b < 256; ++b) {
    const auto f = t.ids_.find(byte_chars()[static_cast<std::size_t>(b)]);
    if (f == t.ids_.end())
      attn::fail_field("vocab.json", "no token for byte " + std::to_string(b) + " (\"" +
                                         byte_chars()[static_cast<std::size_t>(b)] +
                                         "\"); a byte-level BPE vocabulary has all 256");
    t.byte_id_[b] = f->second;
  }
  const auto eot = t.ids_.find("<|endoftext|>");
  t.eot_ = eot == t.ids_.end() ? -1 : eot->second;

  int rank = 0;
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos <= merges_txt.size();) {
    std::size_t nl = merges_txt.find('\n', pos);
    if (nl == std::string_view::npos) nl = merges_txt.size();
    std::string_view line = merges_txt.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || (line_no == 1 && line.rfind("#version", 0) == 0)) continue;
    const std::string where = "merges.txt line " + std::to_string(line_no);
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp + 1 >= line.size() ||
        line.find(' ', sp + 1) != std::string_view::npos)
      attn::fail_field(where, "\"" + attn::printable(std::string(line.substr(0, 60))) +
                                  "\" should be two tokens separated by one space");
    const std::string a(line.substr(0, sp)), b(line.substr(sp + 1));
    const auto ia = t.ids_.find(a), ib = t.ids_.find(b), iab = t.ids_.find(a + b);
    if (ia == t.ids_.end() || ib == t.ids_.end() || iab == t.ids_.end())
      attn::fail_field(where, "\"" +
                                  attn::printable(ia == t.ids_.end()   ? a
                                                  : ib == t.ids_.end() ? b
                                                                       : a + b) +
                                  "\" is not in vocab.json (vocab.json and merges.txt disagree)");
    t.merges_.emplace(pair_key(ia->second, ib->second), std::make_pair(rank++, iab->second));
  }
  return t;
}

std::vector<int> Tokenizer::encode(std::string_view text) const {
  std::vector<int> out;
  std::vector<int> word;
  for (std::string_view piece : pretokenize(text)) {
    word.clear();
    for (char c : piece) word.push_back(byte_id_[static_cast<unsigned char>(c)]);
    while (word.size() > 1) {  // merge the lowest-ranked pair, everywhere in the word, until none applies
      int best = -1, merged = -1;
      for (std::size_t i = 0; i + 1 < word.size(); ++i) {
        const auto f = merges_.find(pair_key(word[i], word[i + 1]));
        if (f != merges_.end() && (best < 0 || f->second.first < best))
          best = f->second.first, merged = f->second.second;
      }
      if (best < 0) break;
      std::vector<int> next;
      for (std::size_t i = 0; i < word.size(); ++i) {
        const auto f = i + 1 < word.size() ? merges_.find(pair_key(word[i], word[i + 1])) : merges_.end();
        if (f != merges_.end() && f->second.first == best) {
          next.push_back(merged);
          ++i;
        } else {
          next.push_back(word[i]);
        }
      }
      word.swap(next);
    }
    out.insert(out.end(), word.begin(), word.end());
  }
  return out;
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
  std::string out;
  for (int id : ids)
    if (id >= 0 && id < size()) out += bytes_[static_cast<std::size_t>(id)];
  return out;
}

std::string Tokenizer::token(int id) const {
  if (id < 0 || id >= size()) return "?";
  return attn::valid_utf8(bytes_[static_cast<std::size_t>(id)]);
}

std::string Tokenizer::shown(int id) const {
  const std::string t = token(id);
  const bool spaces = !t.empty() && t.find_first_not_of(' ') == std::string::npos;
  std::string out;
  for (const char c : t)
    out += c == '\n' ? "↵" : c == '\t' ? "⇥" : c == '\r' ? "" : spaces ? "␣" : std::string(1, c);
  return out;
}

}  // namespace model
