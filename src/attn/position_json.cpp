// JSON ⇄ PositionSpec, the Problem's "position" field (see json_io.h, position.h). Strings name a kind with
// its defaults; an object {"<kind>": {…}} gives its settings. Every error names the field it is about.
#include "attn/json_io.h"
#include "attn/json_read.h"

namespace attn {

namespace {

const char* kPositionHelp =
    R"( (expected "none", "sinusoidal", "rope", "alibi", or {"<kind>": {settings}}: {"learned": {"table": )"
    R"([[…]]}}, {"rope": {"base": 10000, "dims": d_rot, "pairing": "half" or "interleaved"}}, {"alibi": )"
    R"({"slopes": "geometric" or [one per head]}}; each may carry "start": the position of key 0))";

// The fields each kind's object may hold, besides "start".
bool known_setting(PositionSpec::Kind kind, const std::string& key) {
  if (key == "start") return true;
  switch (kind) {
    case PositionSpec::Kind::Learned:
      return key == "table";
    case PositionSpec::Kind::Rope:
      return key == "base" || key == "dims" || key == "pairing";
    case PositionSpec::Kind::Alibi:
      return key == "slopes";
    default:
      return false;
  }
}

}  // namespace

PositionSpec position_from_json(const Json& j) {
  PositionSpec s;
  const PositionKindInfo* kind = nullptr;
  std::string key;
  if (j.is_string()) {
    key = j.get<std::string>();
  } else if (j.is_object() && j.size() == 1) {
    key = j.begin().key();
  } else {
    fail_field("position", "expected a string or an object with one kind, got " + brief(j) + kPositionHelp);
  }
  for (const PositionKindInfo& k : kPositionKinds)
    if (key == k.id) kind = &k;
  if (!kind) fail_field("position", "unknown kind " + brief(Json(key)) + kPositionHelp);
  s.kind = kind->kind;
  if (j.is_string()) return s;
  const Json& o = j.begin().value();
  const std::string field = "position." + key;
  if (!o.is_object()) fail_field(field, "expected an object of settings, got " + brief(o) + kPositionHelp);
  for (auto it = o.begin(); it != o.end(); ++it)
    if (!known_setting(s.kind, it.key()))
      fail_field(field + "." + it.key(), std::string("unknown setting") + kPositionHelp);
  if (o.contains("start")) s.start = read_int(o["start"], field + ".start", 0, 1000000);
  if (o.contains("table")) s.table = matrix_from_json(o["table"], field + ".table");
  if (o.contains("base")) s.base = read_number(o["base"], field + ".base", 1.0000001, 1e12);
  if (o.contains("dims")) s.dims = read_int(o["dims"], field + ".dims", 2, 1 << 20);
  if (o.contains("pairing")) {
    const std::string pairing = read_string(o["pairing"], field + ".pairing");
    if (pairing != "half" && pairing != "interleaved")
      fail_field(
          field + ".pairing",
          "expected \"half\" (pairs m, m + d/2) or \"interleaved\" (2m, 2m + 1), got " + brief(o["pairing"]));
    s.interleaved = pairing == "interleaved";
  }
  if (o.contains("slopes")) {
    const Json& sl = o["slopes"];
    if (sl.is_array()) {
      for (size_t i = 0; i < sl.size(); ++i)
        s.slopes.push_back(read_number(sl[i], field + ".slopes[" + std::to_string(i) + "]", 0, 1e6));
      if (s.slopes.empty()) fail_field(field + ".slopes", "expected one slope per head, got none");
    } else if (!(sl.is_string() && sl.get<std::string>() == "geometric")) {
      fail_field(field + ".slopes",
                 "expected \"geometric\" or an array of one slope per head, got " + brief(sl));
    }
  }
  return s;
}

Json position_to_json(const PositionSpec& s) {
  const std::string id = position_kind(s.kind).id;
  Json o = Json::object();
  if (s.start != 0) o["start"] = s.start;
  if (s.kind == PositionSpec::Kind::Learned && s.table.size()) o["table"] = matrix_to_json(s.table);
  if (s.kind == PositionSpec::Kind::Rope) {
    if (s.base != 10000) o["base"] = s.base;
    if (s.dims != 0) o["dims"] = s.dims;
    if (s.interleaved) o["pairing"] = "interleaved";
  }
  if (s.kind == PositionSpec::Kind::Alibi && !s.slopes.empty()) {
    Json a = Json::array();
    for (double x : s.slopes) a.push_back(x);
    o["slopes"] = std::move(a);
  }
  if (o.empty()) return id;
  return Json{{id, std::move(o)}};
}

}  // namespace attn
