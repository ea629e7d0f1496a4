// The one exception type for input that cannot be computed (a bad problem, state, link, lesson, model file or
// request): what() names the field and the reason, e.g. "k: has 3 columns, q has 4". At the bottom of attn,
// so every parser in every layer throws it without pulling in the Problem. Tests:
// tests/core/test_json_text.cpp (JsonText.*).
#pragma once

#include <stdexcept>
#include <string>

namespace attn {

// The message is made printable (valid UTF-8, control characters as \u00XX): it may quote what a user sent.
struct ProblemError : std::runtime_error {
  explicit ProblemError(const std::string& message);
};

// Throws ProblemError("<field>: <why>"): the one way every parser and loader names what is wrong.
[[noreturn]] void fail_field(const std::string& field, const std::string& why);

}  // namespace attn
