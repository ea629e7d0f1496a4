// Dispatches a Problem to the single-head or multi-head path in f32 or f64 and packs the Result.
#include "attn/run.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "attn/cost.h"
#include "attn/flash.h"
#include "attn/multihead.h"

namespace attn {

Cost estimate_cost(const Problem& p) {
  const double L = p.query_len(), S = p.key_len(), h = p.heads(), g = p.kv_heads();
  Cost c;
  if (p.form == Problem::Form::Direct) {
    const double dk = static_cast<double>(p.q.cols()), dv = static_cast<double>(p.v.cols());
    c.mul_adds = L * S * dk + L * S * dv;  // q·kᵀ, then weights·v
  } else {
    const double E =
        p.form == Problem::Form::MultiHead ? static_cast<double>(p.query.cols()) : p.random.d_model;
    const double d = E / h, kv = d * g;
    c.mul_adds = L * E * E + 2 * S * E * kv  // input projections
                 + h * L * S * d * 2         // q·kᵀ and weights·v per head
                 + L * E * E;                // output projection
  }
  c.exps = h * L * S;
  const double elem = p.precision == Precision::F64 ? 8 : 4;
  c.intermediate_bytes = h * L * S * elem;
  return c;
}

double trace_bytes(const Problem& p) {
  const double hls = static_cast<double>(p.heads()) * p.query_len() * p.key_len();
  const double elem = p.precision == Precision::F64 ? 8 : 4;
  return hls * 4 * (elem + 8);  // scores, scaled, masked, weights; computed, then widened to f64
}

namespace {

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) b /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", b, units[u]);
  return buf;
}

template <typename T>
HeadTrace<double> widen(const HeadTrace<T>& t) {
  HeadTrace<double> w;
  w.kv_head = t.kv_head;
  w.q = t.q.template cast<double>();
  w.k = t.k.template cast<double>();
  w.v = t.v.template cast<double>();
  w.scores = t.scores.template cast<double>();
  w.scaled = t.scaled.template cast<double>();
  w.masked = t.masked.template cast<double>();
  w.row_max = t.row_max.template cast<double>();
  w.row_sum = t.row_sum.template cast<double>();
  w.weights = t.weights.template cast<double>();
  w.output = t.output.template cast<double>();
  w.fully_masked = t.fully_masked;
  return w;
}

template <typename T>
void run_as(const Problem& p, const MaskMat& allowed, Result& r) {
  if (p.form == Problem::Form::Direct) {
    const Mat<T> q = p.q.cast<T>(), k = p.k.cast<T>(), v = p.v.cast<T>();
    HeadTrace<T> t = attention_head<T>(q, k, v, allowed,
                                       score_multiplier(p.scale, static_cast<int>(q.cols()), p.temperature));
    r.output = t.output.template cast<double>();
    r.heads.push_back(widen(t));
    return;
  }
  const int d_k = static_cast<int>(p.query.cols()) / p.num_heads;
  MultiHeadTrace<T> t = multihead_attention<T>(p, allowed, score_multiplier(p.scale, d_k, p.temperature));
  r.output = t.output.template cast<double>();
  for (const HeadTrace<T>& head : t.heads) r.heads.push_back(widen(head));
}

// The variant replaces each head's output (and, for linear attention, its matrices) after the standard trace:
// flash computes the output tile by tile (the trace stays for comparison); linear shows the kernel
// φ(q)·φ(k) as its scores and the implied matrix as its weights. Both in f64.
void apply_variant(const Problem& p, Result& r) {
  if (p.variant == Variant::Standard) return;
  const double inf = std::numeric_limits<double>::infinity();
  for (HeadTrace<double>& t : r.heads) {
    if (p.variant == Variant::Flash) {
      const double multiplier = score_multiplier(p.scale, static_cast<int>(t.q.cols()), p.temperature);
      t.output = flash_attention(t.q, t.k, t.v, p.mask, multiplier, p.tile_q, p.tile_k, false).output;
      continue;
    }
    const bool causal = p.mask.kind == MaskSpec::Kind::Causal;
    LinearTrace lt = linear_attention(t.q, t.k, t.v, p.feature_map, causal, true);
    t.scores = lt.phi_q * lt.phi_k.transpose();
    t.scaled = t.scores;
    t.masked = (r.allowed.array() != 0).select(t.scores, -inf);
    t.row_max = VecD::Zero(t.q.rows());
    t.row_sum = lt.normaliser;
    t.weights = lt.implied;
    t.output = lt.output;
    t.fully_masked = lt.zero_rows;
  }
  if (p.form == Problem::Form::Direct) {
    r.output = r.heads.front().output;
    return;
  }
  const Eigen::Index dv = r.heads.front().output.cols();
  MatD concat(r.heads.front().output.rows(), dv * static_cast<Eigen::Index>(r.heads.size()));
  for (size_t i = 0; i < r.heads.size(); ++i)
    concat.middleCols(static_cast<Eigen::Index>(i) * dv, dv) = r.heads[i].output;
  r.output = concat * p.out_proj_weight.transpose();
  if (p.out_proj_bias.size()) r.output.rowwise() += p.out_proj_bias.transpose();
}

}  // namespace

Result run(const Problem& input, const RunOptions& options) {
  validate(input);
  const double need = trace_bytes(input);
  if (need > options.max_bytes) {
    const char* field = input.form == Problem::Form::Direct      ? "q"
                        : input.form == Problem::Form::MultiHead ? "query"
                                                                 : "random.n";
    throw ProblemError(std::string(field) + ": " + std::to_string(input.query_len()) + "×" +
                       std::to_string(input.key_len()) + " tokens × " + std::to_string(input.heads()) +
                       " heads need " + human_bytes(need) + " for the standard path's traces; the limit is " +
                       human_bytes(options.max_bytes) + ". Use fewer tokens.");
  }
  const Problem p = materialize(input);
  Result r;
  r.allowed = build_mask(p.mask, p.query_len(), p.key_len());
  if (p.precision == Precision::F64)
    run_as<double>(p, r.allowed, r);
  else
    run_as<float>(p, r.allowed, r);
  apply_variant(p, r);
  const Cost c = estimate_cost(p);
  r.stats.flops = 2 * c.mul_adds;
  r.stats.bytes = c.intermediate_bytes;
  if (p.variant !=
      Variant::Standard) {  // the attention core's count is the variant's (projections are shared)
    const VariantCost v = variant_cost(p);
    r.stats.flops += 2 * (v.mul_adds - attention_costs(p).front().mul_adds);
    r.stats.bytes = v.intermediate_bytes;
  }
  r.stats.precision = p.precision == Precision::F64 ? "f64" : "f32";
  r.stats.variant = variant_name(p.variant);
  return r;
}

}  // namespace attn
