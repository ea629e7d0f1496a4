// Problem shape queries, validation and the deterministic random generator (see problem.h).
#include "attn/problem.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "attn/rng.h"

namespace attn {

int Problem::query_len() const {
  switch (form) {
    case Form::Direct:
      return static_cast<int>(q.rows());
    case Form::MultiHead:
      return static_cast<int>(query.rows());
    case Form::Random:
      return random.n;
  }
  return 0;
}
int Problem::key_len() const {
  switch (form) {
    case Form::Direct:
      return static_cast<int>(k.rows());
    case Form::MultiHead:
      return static_cast<int>(key.rows());
    case Form::Random:
      return random.n;
  }
  return 0;
}
int Problem::heads() const {
  return form == Form::Direct ? 1 : form == Form::MultiHead ? num_heads : random.num_heads;
}
int Problem::kv_heads() const {
  return form == Form::Direct ? 1 : form == Form::MultiHead ? num_kv_heads : random.num_kv_heads;
}

namespace {

[[noreturn]] void fail(const std::string& msg) { throw ProblemError(msg); }

std::string shape(const MatD& m) { return std::to_string(m.rows()) + "×" + std::to_string(m.cols()); }

// Finite, and within f32's range when the problem computes in f32 (1e200 would become ∞ there).
void check_finite(const MatD& m, const char* name, Precision precision) {
  const double max =
      precision == Precision::F32 ? std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
  bool bad = false;  // (one pass the compiler vectorises; NaN fails the comparison too)
  for (Eigen::Index i = 0; i < m.size(); ++i) bad |= !(std::fabs(m.data()[i]) <= max);
  if (!bad) return;
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      if (std::isfinite(m(i, j)) && std::fabs(m(i, j)) <= max) continue;  // (the name is built only to fail)
      const std::string at = std::string(name) + "[" + std::to_string(i) + "][" + std::to_string(j) + "]";
      if (!std::isfinite(m(i, j))) fail(at + ": not a finite number");
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    ": %.3g is beyond f32's range (±3.4e38); use smaller values or \"precision\": \"f64\"",
                    m(i, j));
      fail(at + buf);
    }
}

void check_heads(int E, int h, int g) {
  if (h < 1) fail("num_heads: must be at least 1, got " + std::to_string(h));
  if (g < 1) fail("num_kv_heads: must be at least 1, got " + std::to_string(g));
  if (E % h != 0)
    fail("num_heads: " + std::to_string(h) + " does not divide the embedding width E = " + std::to_string(E));
  if (h % g != 0)
    fail("num_kv_heads: " + std::to_string(g) + " does not divide num_heads = " + std::to_string(h));
}

// The position scheme against the problem's shapes (position.h).
void check_position(const Problem& p, int L, int S) {
  const PositionSpec& s = p.position;
  const PositionKindInfo& kind = position_kind(s.kind);
  const std::string id = kind.id;
  if (kind.needs_inputs && p.form == Problem::Form::Direct)
    fail("position: " + id +
         " positions are added to the inputs x before the projections; a direct q/k/v problem has none "
         "(rope and alibi act on q, k and the scores)");
  if (s.start < 0 || s.start > 1000000)
    fail("position.start: must be 0 … 1000000, got " + std::to_string(s.start));
  const int E = p.form == Problem::Form::MultiHead ? static_cast<int>(p.query.cols()) : p.random.d_model;
  const int d_k = p.form == Problem::Form::Direct ? static_cast<int>(p.q.cols()) : E / std::max(p.heads(), 1);
  if (s.kind == PositionSpec::Kind::Learned) {
    const bool generated = p.form == Problem::Form::Random && s.table.size() == 0;
    if (generated && (static_cast<double>(s.start) + L) * E > 1e7)
      fail("position.learned: a generated table of " + std::to_string(s.start + L) + " positions × " +
           std::to_string(E) + " is more than 10 million numbers; give a smaller start");
    if (!generated && s.table.size() == 0)
      fail(
          "position.learned.table: missing: {\"learned\": {\"table\": [[…], …]}}, one row of E numbers per "
          "position (a random problem generates one)");
    if (!generated && s.table.cols() != E)
      fail("position.learned.table: has " + std::to_string(s.table.cols()) +
           " columns, expected E = " + std::to_string(E));
    if (query_position(s, 0, L, S) < 0)
      fail("position.learned: query 0 stands at position " + std::to_string(query_position(s, 0, L, S)) +
           " (L > S puts the first queries before key 0); a table has no negative rows: raise start");
    if (!generated && s.table.rows() < s.start + S)
      fail("position.learned.table: has " + std::to_string(s.table.rows()) + " rows, positions go to " +
           std::to_string(s.start + S - 1));
    check_finite(s.table, "position.learned.table", Precision::F64);
  }
  if (s.kind == PositionSpec::Kind::Rope) {
    if (!(std::isfinite(s.base) && s.base > 1 && s.base <= 1e12))
      fail("position.rope.base: must be a number > 1 and ≤ 1e12, got " + std::to_string(s.base));
    const int d_rot = rope_dims(s, d_k);
    if (d_rot < 2 || d_rot % 2 != 0 || d_rot > d_k)
      fail("position.rope.dims: must be an even number 2 … d_k = " + std::to_string(d_k) + ", got " +
           std::to_string(d_rot) + (d_k < 2 ? " (a head of width 1 has no pair to rotate)" : ""));
  }
  if (s.kind == PositionSpec::Kind::Alibi) {
    if (p.variant == Variant::Linear)
      fail(
          "position: alibi adds a bias to the softmax's scores; linear attention forms no scores "
          "(rope works with it)");
    if (!s.slopes.empty() && static_cast<int>(s.slopes.size()) != p.heads())
      fail("position.alibi.slopes: " + std::to_string(s.slopes.size()) + " slopes for " +
           std::to_string(p.heads()) + " heads (one per query head)");
    for (size_t i = 0; i < s.slopes.size(); ++i)
      if (!(std::isfinite(s.slopes[i]) && s.slopes[i] >= 0 && s.slopes[i] <= 1e6))
        fail("position.alibi.slopes[" + std::to_string(i) + "]: must be a number 0 … 1e6");
  }
}

}  // namespace

void validate(const Problem& p) {
  int L = p.query_len(), S = p.key_len();
  if (p.form == Problem::Form::Direct) {
    if (p.q.rows() == 0 || p.q.cols() == 0) fail("q: must have at least one row and one column");
    if (p.k.rows() == 0) fail("k: must have at least one row");
    if (p.k.cols() != p.q.cols())
      fail("k: has " + std::to_string(p.k.cols()) + " columns, q has " + std::to_string(p.q.cols()) +
           " (q and k must share d_k)");
    if (p.v.rows() != p.k.rows())
      fail("v: has " + std::to_string(p.v.rows()) + " rows, k has " + std::to_string(p.k.rows()) +
           " (one value row per key)");
    if (p.v.cols() == 0) fail("v: must have at least one column");
    check_finite(p.q, "q", Precision::F64);
    check_finite(p.k, "k", Precision::F64);
    check_finite(p.v, "v", Precision::F64);
  } else if (p.form == Problem::Form::MultiHead) {
    const Eigen::Index E = p.query.cols();
    if (p.query.rows() == 0 || E == 0) fail("query: must have at least one row and one column");
    if (p.key.cols() != E)
      fail("key: is " + shape(p.key) + ", expected S×" + std::to_string(E) + " (E of query)");
    if (p.key.rows() == 0) fail("key: must have at least one row");
    if (p.value.rows() != p.key.rows() || p.value.cols() != E)
      fail("value: is " + shape(p.value) + ", expected " + std::to_string(p.key.rows()) + "×" +
           std::to_string(E) + " (same shape as key)");
    check_heads(static_cast<int>(E), p.num_heads, p.num_kv_heads);
    const Eigen::Index kv = E / p.num_heads * p.num_kv_heads;
    const Eigen::Index rows = E + 2 * kv;
    if (p.in_proj_weight.rows() != rows || p.in_proj_weight.cols() != E)
      fail("in_proj_weight: is " + shape(p.in_proj_weight) + ", expected " + std::to_string(rows) + "×" +
           std::to_string(E) + " (E + 2·E·g/h rows: W_q, W_k, W_v)");
    if (p.in_proj_bias.size() != 0 && p.in_proj_bias.size() != rows)
      fail("in_proj_bias: has " + std::to_string(p.in_proj_bias.size()) + " values, expected " +
           std::to_string(rows));
    if (p.out_proj_weight.rows() != E || p.out_proj_weight.cols() != E)
      fail("out_proj_weight: is " + shape(p.out_proj_weight) + ", expected " + std::to_string(E) + "×" +
           std::to_string(E));
    if (p.out_proj_bias.size() != 0 && p.out_proj_bias.size() != E)
      fail("out_proj_bias: has " + std::to_string(p.out_proj_bias.size()) + " values, expected " +
           std::to_string(E));
    check_finite(p.query, "query", Precision::F64);
    check_finite(p.key, "key", Precision::F64);
    check_finite(p.value, "value", Precision::F64);
    check_finite(p.in_proj_weight, "in_proj_weight", Precision::F64);
    check_finite(p.in_proj_bias.transpose(), "in_proj_bias", Precision::F64);
    check_finite(p.out_proj_weight, "out_proj_weight", Precision::F64);
    check_finite(p.out_proj_bias.transpose(), "out_proj_bias", Precision::F64);
  } else {
    if (p.random.n < 1) fail("random.n: must be at least 1, got " + std::to_string(p.random.n));
    if (p.random.d_model < 1)
      fail("random.d_model: must be at least 1, got " + std::to_string(p.random.d_model));
    check_heads(p.random.d_model, p.random.num_heads, p.random.num_kv_heads);
  }
  if (!p.tokens.empty() && static_cast<int>(p.tokens.size()) != L)
    fail("tokens: " + std::to_string(p.tokens.size()) + " labels for " + std::to_string(L) + " query rows");
  if (!p.key_tokens.empty() && static_cast<int>(p.key_tokens.size()) != S)
    fail("key_tokens: " + std::to_string(p.key_tokens.size()) + " labels for " + std::to_string(S) +
         " key rows");
  if (p.mask.kind == MaskSpec::Kind::Explicit && (p.mask.allowed.rows() != L || p.mask.allowed.cols() != S))
    fail("mask: the 0/1 matrix is " + std::to_string(p.mask.allowed.rows()) + "×" +
         std::to_string(p.mask.allowed.cols()) + ", expected L×S = " + std::to_string(L) + "×" +
         std::to_string(S));
  const MaskKindInfo& kind = mask_kind(p.mask.kind);
  if (kind.param && p.mask.*kind.param < kind.param_min)
    fail(std::string("mask.") + kind.id + ": must be at least " + std::to_string(kind.param_min) + ", got " +
         std::to_string(p.mask.*kind.param));
  for (int g : p.mask.global)
    if (g < 0 || g >= S)
      fail("mask.global: position " + std::to_string(g) + " is outside the " + std::to_string(S) + " keys");
  if (p.variant == Variant::Linear && !linear_computes(p.mask))
    fail("mask: linear attention supports \"none\" or \"causal\" (prefix sums), got " + mask_name(p.mask));
  check_position(p, L, S);
  if (p.tile_q < 1 || p.tile_k < 1)
    fail("tile: q and k must be at least 1, got " + std::to_string(p.tile_q) + "×" +
         std::to_string(p.tile_k));
  if (p.scale.kind == ScaleSpec::Kind::Value && !std::isfinite(p.scale.value))
    fail("scale: must be a finite number");
  if (!std::isfinite(p.temperature) || p.temperature <= 0)
    fail("temperature: must be a finite number > 0, got " + std::to_string(p.temperature));
}

const char* variant_name(Variant v) {
  switch (v) {
    case Variant::Standard:
      return "standard";
    case Variant::Flash:
      return "flash";
    case Variant::Linear:
      return "linear";
  }
  return "standard";
}

Problem materialize(const Problem& p) {
  if (p.form != Problem::Form::Random) return p;
  Problem out = p;
  const RandomSpec& r = p.random;
  const int E = r.d_model;
  const int kv = E / r.num_heads * r.num_kv_heads;
  Rng rng{r.seed};
  out.form = Problem::Form::MultiHead;
  out.query = rng.matrix(r.n, E, 1.0);
  out.key = out.query;
  out.value = out.query;
  out.num_heads = r.num_heads;
  out.num_kv_heads = r.num_kv_heads;
  const double sd = 1.0 / std::sqrt(static_cast<double>(E));
  out.in_proj_weight = rng.matrix(E + 2 * kv, E, sd);
  out.in_proj_bias = VecD::Zero(E + 2 * kv);
  out.out_proj_weight = rng.matrix(E, E, sd);
  out.out_proj_bias = VecD::Zero(E);
  if (p.position.kind == PositionSpec::Kind::Learned && p.position.table.size() == 0)
    out.position.table = rng.matrix(p.position.start + r.n, E, sd);  // a table as if trained (N(0, 1/E))
  return out;
}

void check_range(const Problem& p, Precision computed_in) {
  if (computed_in == Precision::F64) return;  // (finite values always fit a double: validate checks them)
  if (p.form == Problem::Form::Direct) {
    check_finite(p.q, "q", computed_in);
    check_finite(p.k, "k", computed_in);
    check_finite(p.v, "v", computed_in);
  } else if (p.form == Problem::Form::MultiHead) {
    check_finite(p.query, "query", computed_in);
    check_finite(p.key, "key", computed_in);
    check_finite(p.value, "value", computed_in);
    check_finite(p.in_proj_weight, "in_proj_weight", computed_in);
    check_finite(p.in_proj_bias.transpose(), "in_proj_bias", computed_in);
    check_finite(p.out_proj_weight, "out_proj_weight", computed_in);
    check_finite(p.out_proj_bias.transpose(), "out_proj_bias", computed_in);
  }
  if (p.position.table.size()) check_finite(p.position.table, "position.learned.table", computed_in);
}

}  // namespace attn
