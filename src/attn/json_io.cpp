// JSON ⇄ Problem and Result → JSON (see json_io.h). Every error names the field it is about.
#include "attn/json_io.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace attn {

namespace {

std::string type_name(const Json& j) { return j.type_name(); }

double read_number(const Json& j, const std::string& field) {
  if (!j.is_number()) fail_field(field, "expected a number, got " + type_name(j));
  return j.get<double>();
}

int read_int(const Json& j, const std::string& field, int min) {
  const double x = read_number(j, field);
  if (x != std::floor(x) || x < min || x > 1e9)
    fail_field(field, "expected an integer ≥ " + std::to_string(min) + ", got " + brief(j));
  return static_cast<int>(x);
}

}  // namespace

MatD matrix_from_json(const Json& j, const std::string& field) {
  if (!j.is_array()) fail_field(field, "expected an array of rows, got " + type_name(j));
  if (j.empty()) fail_field(field, "has no rows");
  const size_t rows = j.size();
  size_t cols = 0;
  for (size_t i = 0; i < rows; ++i) {
    const Json& row = j[i];
    if (!row.is_array())
      fail_field(field + "[" + std::to_string(i) + "]",
                 "expected a row (array of numbers), got " + type_name(row));
    if (i == 0) cols = row.size();
    if (row.size() != cols)
      fail_field(field, "row " + std::to_string(i) + " has " + std::to_string(row.size()) +
                            " values, row 0 has " + std::to_string(cols) +
                            " (rows must all be the same length)");
  }
  if (cols == 0) fail_field(field, "rows are empty");
  MatD m(rows, cols);
  for (size_t i = 0; i < rows; ++i)
    for (size_t c = 0; c < cols; ++c)
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) =
          read_number(j[i][c], field + "[" + std::to_string(i) + "][" + std::to_string(c) + "]");
  return m;
}

namespace {

VecD read_vector(const Json& j, const std::string& field) {
  if (!j.is_array()) fail_field(field, "expected an array of numbers, got " + type_name(j));
  VecD v(static_cast<Eigen::Index>(j.size()));
  for (size_t i = 0; i < j.size(); ++i)
    v(static_cast<Eigen::Index>(i)) = read_number(j[i], field + "[" + std::to_string(i) + "]");
  return v;
}

// The value whose name equals j, else an error naming the known ones.
template <typename E>
E read_named(const Json& j, const std::string& field, std::initializer_list<E> values,
             const char* (*name)(E)) {
  std::string known;
  for (E x : values) {
    if (j == name(x)) return x;
    known += std::string(known.empty() ? "" : ", ") + "\"" + name(x) + "\"";
  }
  fail_field(field, "unknown " + brief(j) + " (known: " + known + ")");
}

// The mask table's kinds as JSON: the kinds with a parameter by its key, each key once.
std::vector<const MaskKindInfo*> keyed_mask_kinds() {
  std::vector<const MaskKindInfo*> out;
  for (const MaskKindInfo& k : kMaskKinds)
    if (k.param && *k.id && std::none_of(out.begin(), out.end(), [&](const MaskKindInfo* o) {
          return std::string(o->id) == k.id;
        }))
      out.push_back(&k);
  return out;
}

// " (expected "none", "causal", {"window": n, "causal": false?}, …, or a 0/1 matrix)", from the mask table.
std::string mask_help() {
  std::string out = " (expected ";
  for (const MaskKindInfo& k : kMaskKinds)
    if (!k.param && *k.id) out += "\"" + std::string(k.id) + "\", ";
  for (const MaskKindInfo* k : keyed_mask_kinds()) {
    const bool twin = std::any_of(kMaskKinds.begin(), kMaskKinds.end(), [&](const MaskKindInfo& o) {
      return o.causal_field == 0 && std::string(o.id) == k->id;
    });
    out += "{\"" + std::string(k->id) + "\": n" + (twin ? ", \"causal\": false?" : "") + "}, ";
  }
  return out + "any of these with \"global\": [positions], or a 0/1 matrix)";
}

}  // namespace

std::vector<std::string> labels_from_json(const Json& j, const std::string& field) {
  if (!j.is_array()) fail_field(field, "expected an array of strings, got " + type_name(j));
  std::vector<std::string> out;
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string())
      fail_field(field + "[" + std::to_string(i) + "]", "expected a string, got " + type_name(j[i]));
    out.push_back(j[i].get<std::string>());
  }
  return out;
}

MaskSpec mask_from_json(const Json& j) {
  MaskSpec m;
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    for (const MaskKindInfo& k : kMaskKinds)
      if (!k.param && k.id == s && *k.id) return m.kind = k.kind, m;
    fail_field("mask", "unknown kind \"" + s + "\"" + mask_help());
  }
  if (j.is_object()) {
    const MaskKindInfo* base = nullptr;  // the kind named by its parameter's key: {"window": 3}
    int bases = 0;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      const auto named = std::find_if(kMaskKinds.begin(), kMaskKinds.end(),
                                      [&](const MaskKindInfo& k) { return k.param && key == k.id; });
      if (named != kMaskKinds.end()) {
        ++bases;
        if (!base) base = &*named;
      } else if (key != "causal" && key != "global") {
        fail_field("mask." + key, "unknown field" + mask_help());
      }
    }
    if (bases > 1) {
      std::string keys;
      for (const MaskKindInfo* k : keyed_mask_kinds())
        keys += (keys.empty() ? "" : ", ") + std::string(k->id);
      fail_field("mask", "give one of " + keys + ", got " + brief(j));
    }
    if (base) {
      m.kind = base->kind;
      m.*base->param = read_int(j[base->id], std::string("mask.") + base->id, base->param_min);
      if (!base->takes_global && j.size() > 1)
        fail_field("mask", std::string(base->id) + " combines with nothing else, got " + brief(j));
    }
    if (j.contains("causal")) {
      if (!j["causal"].is_boolean())
        fail_field("mask.causal", "expected true or false, got " + brief(j["causal"]));
      const int causal = j["causal"].get<bool>() ? 1 : 0;
      const auto twin = std::find_if(kMaskKinds.begin(), kMaskKinds.end(), [&](const MaskKindInfo& k) {
        return base && k.causal_field == causal && std::string(k.id) == base->id;
      });
      if (twin != kMaskKinds.end()) {
        m.kind = twin->kind;  // {"window": w, "causal": false} is the symmetric window
      } else if (!base && causal) {
        m.kind = MaskSpec::Kind::Causal;
      } else {
        fail_field("mask.causal", "applies to a window (or alone, with global), got " + brief(j));
      }
    }
    if (j.contains("global")) {
      const Json& g = j["global"];
      if (!g.is_array() || g.empty())
        fail_field("mask.global", "expected a non-empty array of token positions");
      for (size_t i = 0; i < g.size(); ++i)
        m.global.push_back(read_int(g[i], "mask.global[" + std::to_string(i) + "]", 0));
      // A position listed twice is one global token (and a sorted list is searched, not scanned, per cell).
      std::sort(m.global.begin(), m.global.end());
      m.global.erase(std::unique(m.global.begin(), m.global.end()), m.global.end());
      if (m.kind == MaskSpec::Kind::None) m.kind = MaskSpec::Kind::Block, m.block = 1;  // global + self only
    }
    if (m.kind == MaskSpec::Kind::None) fail_field("mask", "unknown object " + brief(j) + mask_help());
    return m;
  }
  if (j.is_array()) {
    const MatD a = matrix_from_json(j, "mask");
    m.kind = MaskSpec::Kind::Explicit;
    m.allowed.resize(a.rows(), a.cols());
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      for (Eigen::Index c = 0; c < a.cols(); ++c) {
        if (a(i, c) != 0 && a(i, c) != 1)
          fail_field("mask[" + std::to_string(i) + "][" + std::to_string(c) + "]",
                     "expected 0 or 1 (1 = may attend)");
        m.allowed(i, c) = a(i, c) == 1 ? 1 : 0;
      }
    return m;
  }
  fail_field("mask", "expected a string, object or 0/1 matrix, got " + type_name(j) + mask_help());
}

namespace {

const char* kKnownFields[] = {"tokens",
                              "key_tokens",
                              "q",
                              "k",
                              "v",
                              "query",
                              "key",
                              "value",
                              "num_heads",
                              "num_kv_heads",
                              "in_proj_weight",
                              "in_proj_bias",
                              "out_proj_weight",
                              "out_proj_bias",
                              "random",
                              "mask",
                              "position",
                              "scale",
                              "temperature",
                              "variant",
                              "feature_map",
                              "tile",
                              "precision"};

}  // namespace

// (Long on purpose: the Problem's fields read in document order, each naming its own field when wrong.)
Problem parse_problem(const Json& j) {
  if (!j.is_object()) fail_field("problem", "expected a JSON object, got " + type_name(j));
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* f : kKnownFields) known = known || it.key() == f;
    if (!known) {
      std::string list;
      for (const char* f : kKnownFields) list += (list.empty() ? "" : ", ") + std::string(f);
      fail_field(it.key(), "unknown field (known: " + list + ")");
    }
  }
  Problem p;
  const bool direct = j.contains("q") || j.contains("k") || j.contains("v");
  const bool multi = j.contains("query");
  const bool random = j.contains("random");
  if (direct + multi + random > 1)
    fail_field(direct ? "q" : "query",
               "choose one input form: direct q/k/v, multi-head query/key/value, or random");
  if (direct) {
    p.form = Problem::Form::Direct;
    for (const char* f : {"q", "k", "v"})
      if (!j.contains(f)) fail_field(f, "missing (direct problems need q, k and v)");
    for (const char* f : {"key", "value", "in_proj_weight", "in_proj_bias", "out_proj_weight",
                          "out_proj_bias", "num_heads", "num_kv_heads"})
      if (j.contains(f))
        fail_field(f, "only applies to multi-head problems (given with query), not to q/k/v");
    p.q = matrix_from_json(j["q"], "q");
    p.k = matrix_from_json(j["k"], "k");
    p.v = matrix_from_json(j["v"], "v");
  } else if (multi) {
    p.form = Problem::Form::MultiHead;
    p.query = matrix_from_json(j["query"], "query");
    p.key = j.contains("key") ? matrix_from_json(j["key"], "key") : p.query;
    p.value = j.contains("value") ? matrix_from_json(j["value"], "value") : p.key;
    p.num_heads = j.contains("num_heads") ? read_int(j["num_heads"], "num_heads", 1) : 1;
    p.num_kv_heads =
        j.contains("num_kv_heads") ? read_int(j["num_kv_heads"], "num_kv_heads", 1) : p.num_heads;
    for (const char* f : {"in_proj_weight", "out_proj_weight"})
      if (!j.contains(f))
        fail_field(f, "missing (multi-head problems need in_proj_weight and out_proj_weight)");
    p.in_proj_weight = matrix_from_json(j["in_proj_weight"], "in_proj_weight");
    p.out_proj_weight = matrix_from_json(j["out_proj_weight"], "out_proj_weight");
    if (j.contains("in_proj_bias")) p.in_proj_bias = read_vector(j["in_proj_bias"], "in_proj_bias");
    if (j.contains("out_proj_bias")) p.out_proj_bias = read_vector(j["out_proj_bias"], "out_proj_bias");
  } else if (random) {
    const Json& r = j["random"];
    if (!r.is_object())
      fail_field("random", "expected an object {seed, n, d_model, num_heads, num_kv_heads}");
    p.form = Problem::Form::Random;
    for (auto it = r.begin(); it != r.end(); ++it) {
      const std::string& k = it.key();
      if (k != "seed" && k != "n" && k != "d_model" && k != "num_heads" && k != "num_kv_heads")
        fail_field("random." + k, "unknown field (known: seed, n, d_model, num_heads, num_kv_heads)");
    }
    for (const char* f : {"n", "d_model"})
      if (!r.contains(f)) fail_field(std::string("random.") + f, "missing");
    p.random.seed =
        r.contains("seed") ? static_cast<std::uint64_t>(read_int(r["seed"], "random.seed", 0)) : 0;
    p.random.n = read_int(r["n"], "random.n", 1);
    p.random.d_model = read_int(r["d_model"], "random.d_model", 1);
    p.random.num_heads = r.contains("num_heads") ? read_int(r["num_heads"], "random.num_heads", 1) : 1;
    p.random.num_kv_heads = r.contains("num_kv_heads") ? read_int(r["num_kv_heads"], "random.num_kv_heads", 1)
                                                       : p.random.num_heads;
  } else {
    fail_field("problem", "needs inputs: q/k/v (one head), query (+ weights, multi-head) or random");
  }
  if (j.contains("tokens")) p.tokens = labels_from_json(j["tokens"], "tokens");
  if (j.contains("key_tokens")) p.key_tokens = labels_from_json(j["key_tokens"], "key_tokens");
  if (j.contains("mask")) p.mask = mask_from_json(j["mask"]);
  if (j.contains("position")) p.position = position_from_json(j["position"]);
  if (j.contains("scale")) {
    const Json& s = j["scale"];
    if (s.is_string() && s.get<std::string>() == "sqrt_dk")
      p.scale.kind = ScaleSpec::Kind::SqrtDk;
    else if (s.is_string() && s.get<std::string>() == "none")
      p.scale.kind = ScaleSpec::Kind::None;
    else if (s.is_number())
      p.scale = {ScaleSpec::Kind::Value, s.get<double>()};
    else
      fail_field("scale", "expected \"sqrt_dk\", \"none\" or a number, got " + brief(s));
  }
  if (j.contains("temperature")) p.temperature = read_number(j["temperature"], "temperature");
  if (j.contains("variant"))
    p.variant = read_named(j["variant"], "variant", {Variant::Standard, Variant::Flash, Variant::Linear},
                           variant_name);
  if (j.contains("feature_map")) {
    p.feature_map = read_named(j["feature_map"], "feature_map",
                               {FeatureMap::Elu1, FeatureMap::Relu, FeatureMap::Softmax}, feature_map_name);
  }
  if (j.contains("tile")) {
    const Json& t = j["tile"];
    if (!t.is_object()) fail_field("tile", "expected {\"q\": Br, \"k\": Bc}, got " + brief(t));
    for (auto it = t.begin(); it != t.end(); ++it)
      if (it.key() != "q" && it.key() != "k") fail_field("tile." + it.key(), "unknown field (known: q, k)");
    if (t.contains("q")) p.tile_q = read_int(t["q"], "tile.q", 1);
    if (t.contains("k")) p.tile_k = read_int(t["k"], "tile.k", 1);
  }
  if (j.contains("precision")) {
    const Json& v = j["precision"];
    if (v.is_string() && v.get<std::string>() == "f32")
      p.precision = Precision::F32;
    else if (v.is_string() && v.get<std::string>() == "f64")
      p.precision = Precision::F64;
    else
      fail_field("precision", "expected \"f32\" or \"f64\", got " + brief(v));
  }
  validate(p);
  return p;
}

Problem parse_problem_text(const std::string& s, std::vector<std::string>* notes) {
  JsonTextOptions options;
  options.notes = notes;
  return parse_problem(parse_json_text(s, options));
}

Json matrix_to_json(const MatD& m) {
  Json rows = Json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    Json row = Json::array();
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
      const double x = m(i, c);
      row.push_back(std::isfinite(x) ? Json(x) : Json(nullptr));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

Json vector_to_json(const VecD& v) { return matrix_to_json(v.transpose())[0]; }

}  // namespace

Json mask_to_json(const MaskSpec& m) {
  const MaskKindInfo& k = mask_kind(m.kind);
  if (m.kind != MaskSpec::Kind::Explicit) {
    if (m.global.empty() && !k.param) return k.id;  // "none", "causal"
    Json j = Json::object();
    if (k.param && !(m.kind == MaskSpec::Kind::Block && m.block == 1 && !m.global.empty()))
      j[k.id] = m.*k.param;  // ({"global": […]} alone is block 1)
    if (k.causal_field == 0) j["causal"] = false;
    if (m.kind == MaskSpec::Kind::Causal) j["causal"] = true;
    if (!m.global.empty()) j["global"] = m.global;
    return j;
  }
  Json rows = Json::array();
  for (Eigen::Index i = 0; i < m.allowed.rows(); ++i) {
    Json row = Json::array();
    for (Eigen::Index c = 0; c < m.allowed.cols(); ++c) row.push_back(static_cast<int>(m.allowed(i, c)));
    rows.push_back(std::move(row));
  }
  return rows;
}

Json problem_to_json(const Problem& p) {
  Json j = Json::object();
  if (!p.tokens.empty()) j["tokens"] = p.tokens;
  if (!p.key_tokens.empty()) j["key_tokens"] = p.key_tokens;
  switch (p.form) {
    case Problem::Form::Direct:
      j["q"] = matrix_to_json(p.q);
      j["k"] = matrix_to_json(p.k);
      j["v"] = matrix_to_json(p.v);
      break;
    case Problem::Form::MultiHead:
      j["query"] = matrix_to_json(p.query);
      j["key"] = matrix_to_json(p.key);
      j["value"] = matrix_to_json(p.value);
      j["num_heads"] = p.num_heads;
      j["num_kv_heads"] = p.num_kv_heads;
      j["in_proj_weight"] = matrix_to_json(p.in_proj_weight);
      if (p.in_proj_bias.size()) j["in_proj_bias"] = vector_to_json(p.in_proj_bias);
      j["out_proj_weight"] = matrix_to_json(p.out_proj_weight);
      if (p.out_proj_bias.size()) j["out_proj_bias"] = vector_to_json(p.out_proj_bias);
      break;
    case Problem::Form::Random:
      j["random"] = {{"seed", p.random.seed},
                     {"n", p.random.n},
                     {"d_model", p.random.d_model},
                     {"num_heads", p.random.num_heads},
                     {"num_kv_heads", p.random.num_kv_heads}};
      break;
  }
  j["mask"] = mask_to_json(p.mask);
  if (p.position.kind != PositionSpec::Kind::None) j["position"] = position_to_json(p.position);
  switch (p.scale.kind) {
    case ScaleSpec::Kind::SqrtDk:
      j["scale"] = "sqrt_dk";
      break;
    case ScaleSpec::Kind::None:
      j["scale"] = "none";
      break;
    case ScaleSpec::Kind::Value:
      j["scale"] = p.scale.value;
      break;
  }
  j["temperature"] = p.temperature;
  j["variant"] = variant_name(p.variant);
  // The variants' settings are kept whichever variant runs (the Variants view compares them all).
  if (p.variant == Variant::Linear || p.feature_map != FeatureMap::Elu1)
    j["feature_map"] = feature_map_name(p.feature_map);
  if (p.variant == Variant::Flash || p.tile_q != 4 || p.tile_k != 4)
    j["tile"] = {{"q", p.tile_q}, {"k", p.tile_k}};
  j["precision"] = p.precision == Precision::F64 ? "f64" : "f32";
  return j;
}

Json result_to_json(const Result& r, const Problem& p, bool with_trace, const MatrixWriter& write) {
  const auto matrix = [&](const MatD& m) { return write ? write(m) : matrix_to_json(m); };
  Json j = Json::object();
  j["output"] = matrix(r.output);
  Json weights = Json::array();
  bool formed = true;  // the flash path never forms the weights
  for (const HeadTrace<double>& h : r.heads) {
    formed = formed && h.weights.size() > 0;
    weights.push_back(matrix(h.weights));
  }
  j["attention_weights"] = formed ? std::move(weights) : Json(nullptr);
  if (with_trace) {
    Json trace = Json::array();
    for (size_t i = 0; i < r.heads.size(); ++i) {
      const HeadTrace<double>& h = r.heads[i];
      Json fully = Json::array();
      for (size_t row = 0; row < h.fully_masked.size(); ++row)
        if (h.fully_masked[row]) fully.push_back(row);
      Json head = {{"head", i},
                   {"kv_head", h.kv_head},
                   {"q", matrix(h.q)},
                   {"k", matrix(h.k)},
                   {"v", matrix(h.v)},
                   {"scores", matrix(h.scores)},
                   {"scaled", matrix(h.scaled)},
                   {"masked", matrix(h.masked)},
                   {"row_max", vector_to_json(h.row_max)},
                   {"row_sum", vector_to_json(h.row_sum)},
                   {"weights", matrix(h.weights)},
                   {"output", matrix(h.output)},
                   {"fully_masked_rows", std::move(fully)}};
      if (h.bias.size()) head["bias"] = matrix(h.bias);  // ALiBi: masked = scaled + bias where allowed
      if (h.q_unrotated.size()) head["q_unrotated"] = matrix(h.q_unrotated);  // RoPE: q, k before rotation
      if (h.k_unrotated.size()) head["k_unrotated"] = matrix(h.k_unrotated);
      trace.push_back(std::move(head));
    }
    j["trace"] = std::move(trace);
  }
  j["stats"] = {{"flops", r.stats.flops},     {"bytes", r.stats.bytes},         {"time_ms", r.stats.time_ms},
                {"backend", r.stats.backend}, {"precision", r.stats.precision}, {"heads", p.heads()},
                {"kv_heads", p.kv_heads()},   {"mask", mask_name(p.mask)}};
  if (p.position.kind != PositionSpec::Kind::None) j["stats"]["position"] = position_name(p.position);
  j["stats"]["variant"] = r.stats.variant;
  if (!r.stats.path.empty()) j["stats"]["path"] = r.stats.path;
  if (r.stats.gpu_time_ms >= 0) {
    j["stats"]["gpu_time_ms"] = r.stats.gpu_time_ms;
    j["stats"]["gpu_timer"] = r.stats.gpu_timer;
  }
  if (!r.stats.notice.empty()) j["stats"]["notice"] = r.stats.notice;
  return j;
}

Json error_json(const std::string& message) { return Json{{"error", valid_utf8(message)}}; }

}  // namespace attn
