// UTF-8 at the bottom of every layer: the length of a well-formed sequence (Unicode Table 3-7: no overlong
// forms, no surrogates, nothing past U+10FFFF), the first ill-formed byte, repairs to U+FFFD and a printable
// form for messages that quote what a user sent. Tests: tests/core/test_json_text.cpp (JsonText.*).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace attn {

inline constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at s[i] (1 to 4), or 0 where s[i] starts none.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// Byte offset of the first ill-formed UTF-8 sequence in s, or npos.
std::size_t invalid_utf8_at(std::string_view s);

// s with every byte that is not part of well-formed UTF-8 replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

// valid_utf8(s) with control characters (NUL, newline, …) written \u00XX: safe to print, quote and log.
std::string printable(std::string_view s);

}  // namespace attn
