// Dispatches a Problem to the single-head or multi-head path in f32 or f64 and packs the Result.
#include "attn/run.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "attn/budget.h"
#include "attn/cost.h"
#include "attn/flash.h"
#include "attn/multihead.h"

namespace attn {

namespace {

template <typename T>
HeadTrace<double> widen(const HeadTrace<T>& t) {
  HeadTrace<double> w;
  w.kv_head = t.kv_head;
  w.q = t.q.template cast<double>();
  w.k = t.k.template cast<double>();
  w.v = t.v.template cast<double>();
  w.scores = t.scores.template cast<double>();
  w.q_unrotated = t.q_unrotated.template cast<double>();
  w.k_unrotated = t.k_unrotated.template cast<double>();
  w.scaled = t.scaled.template cast<double>();
  w.bias = t.bias.template cast<double>();
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
    HeadTrace<T> t = positioned_head<T>(q, k, v, allowed,
                                        score_multiplier(p.scale, static_cast<int>(q.cols()), p.temperature),
                                        p.position, alibi_slopes(p.position, 1).front());
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
      t.output = flash_attention(t.q, t.k, t.v, p.mask, multiplier, p.tile_q, p.tile_k, false, t.bias).output;
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

namespace {

// The first (row, col) of m that is not finite (−∞ allowed where `blocked` says so), as "query i, key j".
template <typename M, typename Blocked>
bool first_bad(const M& m, Blocked blocked, Eigen::Index& row, Eigen::Index& col) {
  for (row = 0; row < m.rows(); ++row)
    for (col = 0; col < m.cols(); ++col) {
      const double x = m(row, col);
      if (!std::isfinite(x) && !(x == -std::numeric_limits<double>::infinity() && blocked(row, col)))
        return true;
    }
  return false;
}

}  // namespace

void check_overflow(const Result& r, const Problem& p) {
  const bool f32 = p.precision == Precision::F32;
  const std::string range = f32 ? "f32's range (±3.4e38)" : "f64's range (±1.8e308)";
  const auto never = [](Eigen::Index, Eigen::Index) { return false; };
  const auto fail = [&](const std::string& what, const std::string& where) {
    throw ProblemError("overflow: " + what + " " + where +
                       " is not a finite number: the inputs are finite, " + "but this stage went beyond " +
                       range + ". Use smaller values, scale or 1/temperature" +
                       (f32 ? ", or \"precision\": \"f64\"." : "."));
  };
  Eigen::Index i = 0, j = 0;
  const auto at = [&](bool cols) {
    return "at row " + std::to_string(i) + (cols ? ", column " + std::to_string(j) : std::string());
  };
  for (size_t hi = 0; hi < r.heads.size(); ++hi) {
    const HeadTrace<double>& t = r.heads[hi];
    const std::string head = r.heads.size() > 1 ? "head " + std::to_string(hi) + "'s " : "";
    const auto blocked = [&](Eigen::Index a, Eigen::Index b) {
      return r.allowed.size() > 0 && r.allowed(a, b) == 0;
    };
    const auto fully = [&](Eigen::Index a, Eigen::Index) {
      return a < static_cast<Eigen::Index>(t.fully_masked.size()) && t.fully_masked[static_cast<size_t>(a)];
    };
    const bool direct = p.form == Problem::Form::Direct;
    if (first_bad(t.q, never, i, j)) fail(head + (direct ? "q" : "q (x·W_Q)"), at(true));
    if (first_bad(t.k, never, i, j)) fail(head + (direct ? "k" : "k (x·W_K)"), at(true));
    if (first_bad(t.v, never, i, j)) fail(head + (direct ? "v" : "v (x·W_V)"), at(true));
    if (first_bad(t.scores, never, i, j)) fail(head + "score q·k", at(true));
    if (first_bad(t.scaled, never, i, j)) fail(head + "scaled score", at(true));
    if (first_bad(t.masked, blocked, i, j)) fail(head + "masked score", at(true));
    if (first_bad(t.row_max, fully, i, j)) fail(head + "row max", at(false));
    if (first_bad(t.row_sum, never, i, j)) fail(head + "row sum of exponentials", at(false));
    if (first_bad(t.weights, never, i, j)) fail(head + "attention weight", at(true));
    if (first_bad(t.output, never, i, j)) fail(head + "weighted sum (output)", at(true));
  }
  if (first_bad(r.output, never, i, j))
    fail(p.form == Problem::Form::Direct ? "output" : "output after W_O", at(true));
}

Result run(const Problem& input, const RunOptions& options) {
  validate(input);
  check_range(input, input.precision);
  check_budget(input, options);
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
  check_overflow(r, p);
  return r;
}

}  // namespace attn
