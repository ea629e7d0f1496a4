// Reading one value of JSON from outside (a state, a link, a model request, a lesson): each reader checks the
// type and range and throws ProblemError "<field>: expected …, got <the value, quoted briefly>". One set of
// readers for every parser, so the same mistake reads the same everywhere. Tests:
// tests/core/test_json_text.cpp (JsonRead.*).
#pragma once

#include <climits>
#include <cstdint>
#include <string>

#include "attn/error.h"
#include "attn/json_text.h"

namespace attn {

// An integer lo…hi (a larger one is refused, never truncated; 2.0 is not an integer here).
int read_int(const Json& j, const std::string& field, int lo = INT_MIN, int hi = INT_MAX);
// A number lo…hi (NaN and ±∞ cannot be written in JSON; out-of-range ones are refused).
double read_number(const Json& j, const std::string& field, double lo, double hi);
// A random seed: an integer ≥ 0.
std::uint64_t read_seed(const Json& j, const std::string& field);
bool read_bool(const Json& j, const std::string& field);
std::string read_string(const Json& j, const std::string& field);
// j[key] when it is a string, else "" (answers and arguments whose fields are optional).
std::string string_field(const Json& j, const char* key);

}  // namespace attn
