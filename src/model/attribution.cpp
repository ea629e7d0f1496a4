// Attribution of a next-token logit to the input tokens (see attribution.h): the gradient methods through
// the backward pass, leave-one-out through its forward, rollout and the attention norm from forward.h's
// weights and the last layer's LayerNorm'd input.
#include "model/attribution.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model/forward.h"

namespace model {

namespace {

using attn::MatD;

// Σ_d x_id · g_id for each row i.
std::vector<double> row_dots(const MatD& x, const MatD& g) {
  std::vector<double> out(static_cast<size_t>(x.rows()));
  for (Eigen::Index i = 0; i < x.rows(); ++i) out[static_cast<size_t>(i)] = x.row(i).dot(g.row(i));
  return out;
}

// The rows of e without their tokens: each position's wpe alone.
MatD positions_only(const Gpt2& m, Eigen::Index T) { return m.wpe.topRows(T).cast<double>(); }

// Rollout: per layer Ā = ½·mean_h(A_h) + ½·I with its rows renormalised, multiplied from the first layer
// (Ā_L ⋯ Ā_1); the last token's row.
std::vector<double> rollout(const Forward& f) {
  const Eigen::Index T = static_cast<Eigen::Index>(f.ids.size());
  MatD product = MatD::Identity(T, T);
  for (const LayerTrace& layer : f.layers) {
    MatD mean = MatD::Zero(T, T);
    for (const attn::MatF& a : layer.weights)
      mean += a.cast<double>() / static_cast<double>(layer.weights.size());
    MatD bar = 0.5 * mean + 0.5 * MatD::Identity(T, T);
    for (Eigen::Index i = 0; i < T; ++i) bar.row(i) /= bar.row(i).sum();
    product = bar * product;
  }
  const attn::VecD last = product.row(T - 1).transpose();
  return std::vector<double>(last.data(), last.data() + last.size());
}

// Kobayashi's norm in the last layer for the last query i: per head h and key j, α_h,ij · (x_j W_V,h + b_V,h)
// W_O,h; the method's score is the norm of the sum over heads, per_head gets each head's own norm.
std::vector<double> attention_norm(const Gpt2& m, const Forward& f,
                                   std::vector<std::vector<double>>& per_head) {
  const Gpt2Config& c = m.config;
  const Eigen::Index T = static_cast<Eigen::Index>(f.ids.size()), E = c.n_embd, d = E / c.n_head;
  const Gpt2Layer& l = m.layers.back();
  const LayerTrace& trace = f.layers.back();
  const MatD values = (trace.x * l.c_attn_w.middleCols(2 * E, E).cast<double>()).rowwise() +
                      l.c_attn_b.segment(2 * E, E).cast<double>().transpose();
  MatD sum = MatD::Zero(T, E);  // row j: Σ_h α_h,ij · v_j,h W_O,h
  per_head.assign(static_cast<size_t>(c.n_head), std::vector<double>(static_cast<size_t>(T)));
  for (int h = 0; h < c.n_head; ++h) {
    const MatD moved = values.middleCols(h * d, d) * l.c_proj_w.middleRows(h * d, d).cast<double>();  // T × E
    for (Eigen::Index j = 0; j < T; ++j) {
      const double alpha = trace.weights[static_cast<size_t>(h)](T - 1, j);
      per_head[static_cast<size_t>(h)][static_cast<size_t>(j)] = alpha * moved.row(j).norm();
      sum.row(j) += alpha * moved.row(j);
    }
  }
  std::vector<double> out(static_cast<size_t>(T));
  for (Eigen::Index j = 0; j < T; ++j) out[static_cast<size_t>(j)] = sum.row(j).norm();
  return out;
}

std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    for (size_t k = i; k <= j; ++k)
      r[order[k]] = 0.5 * static_cast<double>(i + j);  // (ties: their mean rank)
    i = j + 1;
  }
  return r;
}

}  // namespace

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2) return 0;
  const std::vector<double> ra = ranks(a), rb = ranks(b);
  const double mean = 0.5 * static_cast<double>(a.size() - 1);
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) * (ra[i] - mean);
    sbb += (rb[i] - mean) * (rb[i] - mean);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0;
}

AttributionReport attribute(const Gpt2& m, const std::vector<int>& ids, const LogitTarget& t, int steps) {
  if (steps < 1 || steps > 1024)
    throw attn::ProblemError("steps: " + std::to_string(steps) + " is outside 1…1024");
  const MatD e = embedding_sum(m, ids);
  const Eigen::Index T = e.rows();
  const MatD b = positions_only(m, T);
  AttributionReport r;
  r.steps = steps;
  const EmbeddingGradient at_e = embedding_gradient(m, e, t);
  r.f = at_e.f;
  r.f_baseline = embedding_gradient(m, b, t).f;
  r.scores.push_back(row_dots(e, at_e.d_embedding));

  MatD mean_grad = MatD::Zero(T, e.cols());  // (1/m) Σ_k ∂f(b + (k − ½)/m · (e − b))/∂e
  for (int k = 1; k <= steps; ++k)
    mean_grad += embedding_gradient(m, b + (k - 0.5) / steps * (e - b), t).d_embedding / steps;
  r.scores.push_back(row_dots(e - b, mean_grad));
  const double total = std::accumulate(r.scores.back().begin(), r.scores.back().end(), 0.0);
  r.completeness_error = std::abs(total - (r.f - r.f_baseline));

  std::vector<double> loo(static_cast<size_t>(T));
  for (Eigen::Index i = 0; i < T; ++i) {
    MatD without = e;
    without.row(i) = b.row(i);  // (the token's wte replaced by zeros, its position kept)
    loo[static_cast<size_t>(i)] = r.f - embedding_gradient(m, without, t).f;
  }
  r.scores.push_back(std::move(loo));

  const Forward f = forward(m, ids);
  r.scores.push_back(rollout(f));
  r.scores.push_back(attention_norm(m, f, r.attention_norm_per_head));
  for (const LayerTrace& layer : f.layers) {
    std::vector<std::vector<double>> heads;
    for (const attn::MatF& a : layer.weights) {
      const attn::VecD last = a.row(T - 1).cast<double>().transpose();
      heads.emplace_back(last.data(), last.data() + last.size());
    }
    r.raw_attention.push_back(std::move(heads));
  }
  for (const std::vector<double>& x : r.scores) {
    r.spearman.emplace_back();
    for (const std::vector<double>& y : r.scores) r.spearman.back().push_back(spearman(x, y));
  }
  return r;
}

}  // namespace model
