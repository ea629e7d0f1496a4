// Field readers for JSON from outside (see json_read.h).
#include "attn/json_read.h"

namespace attn {

int read_int(const Json& j, const std::string& field, int lo, int hi) {
  if (!j.is_number_integer() || j.get<double>() < lo || j.get<double>() > hi)
    fail_field(field,
               "expected an integer " + std::to_string(lo) + "…" + std::to_string(hi) + ", got " + brief(j));
  return static_cast<int>(j.get<std::int64_t>());
}

double read_number(const Json& j, const std::string& field, double lo, double hi) {
  if (!j.is_number() || !(j.get<double>() >= lo && j.get<double>() <= hi))
    fail_field(field,
               "expected a number from " + brief(Json(lo)) + " to " + brief(Json(hi)) + ", got " + brief(j));
  return j.get<double>();
}

std::uint64_t read_seed(const Json& j, const std::string& field) {
  if (!j.is_number_unsigned()) fail_field(field, "expected an integer ≥ 0, got " + brief(j));
  return j.get<std::uint64_t>();
}

bool read_bool(const Json& j, const std::string& field) {
  if (!j.is_boolean()) fail_field(field, "expected true or false, got " + brief(j));
  return j.get<bool>();
}

std::string string_field(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::string read_string(const Json& j, const std::string& field) {
  if (!j.is_string()) fail_field(field, "expected a string, got " + brief(j));
  return j.get<std::string>();
}

}  // namespace attn
