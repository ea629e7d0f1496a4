// The logit lens and direct logit attribution (see logit_sources.h).
#include "model/logit_sources.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "attn/error.h"

namespace model {

namespace {

using attn::MatD;
using attn::VecD;

// The residual row r (1 × E) as the next-token distribution: softmax(ln_f(r) · wteᵀ).
LensLayer lens_at(const Gpt2& m, int layer, const MatD& r, int target, int top) {
  const VecD n = layer_norm(r, m.ln_f_w, m.ln_f_b, m.config.layer_norm_epsilon).y.row(0).transpose();
  VecD logits(m.wte.rows());
  for (Eigen::Index i = 0; i < m.wte.rows(); ++i) logits(i) = m.wte.row(i).cast<double>().dot(n);
  const double mx = logits.maxCoeff();
  const VecD e = (logits.array() - mx).exp().matrix();
  const double sum = e.sum();
  LensLayer out;
  out.layer = layer;
  out.target_prob = e(target) / sum;
  out.target_rank = 1 + static_cast<int>((logits.array() > logits(target)).count());
  std::vector<int> order(static_cast<size_t>(logits.size()));
  std::iota(order.begin(), order.end(), 0);
  const int k = std::min<int>(top, static_cast<int>(order.size()));
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](int a, int b) { return logits(a) > logits(b) || (logits(a) == logits(b) && a < b); });
  for (int i = 0; i < k; ++i) {
    const int id = order[static_cast<size_t>(i)];
    out.top.push_back({id, m.tokenizer.token(id), e(id) / sum});
  }
  return out;
}

}  // namespace

LogitSources logit_sources(const Gpt2& m, const std::vector<int>& ids, const LogitTarget& t, int top) {
  const Gpt2Config& c = m.config;
  check_target(m, t);
  MatD x = embedding_sum(m, ids);
  const Eigen::Index last = x.rows() - 1, E = c.n_embd, d = E / c.n_head;
  // Each part of the last position's residual stream, as a row (1 × E); the logit is read off their sum.
  const MatD embed = x.row(last);
  std::vector<std::vector<MatD>> heads;
  std::vector<MatD> mlps;
  MatD bias = MatD::Zero(1, E);
  LogitSources out;
  out.lens.push_back(lens_at(m, 0, x.row(last), t.target, top));
  for (size_t layer = 0; layer < m.layers.size(); ++layer) {
    const Gpt2Layer& l = m.layers[layer];
    BlockTape tape;
    MatD next = block_forward(m, l, x, tape);
    std::vector<MatD> per_head;
    for (int h = 0; h < c.n_head; ++h) {
      const size_t hs = static_cast<size_t>(h);
      const MatD z = tape.a[hs].row(last) * tape.v[hs];  // 1 × d: the head's output before W_O
      per_head.push_back(z * l.c_proj_w.middleRows(h * d, d).cast<double>());
    }
    heads.push_back(std::move(per_head));
    const MatD act = tape.pre.row(last).unaryExpr([&](double v) { return activation(v, c.activation); });
    mlps.push_back(act * l.proj_w.cast<double>());
    bias += (l.c_proj_b + l.proj_b).cast<double>().transpose();
    x = std::move(next);
    out.lens.push_back(lens_at(m, static_cast<int>(layer) + 1, x.row(last), t.target, top));
  }
  // logit = ln_f(r) · u = rstd · ((r − mean r) ⊙ γ) · u + β · u, u = wte[target] − wte[contrast]: with rstd
  // frozen, each part p contributes rstd · (p · g − mean(p) · Σg), g = γ ⊙ u.
  const VecD u = logit_direction(m, t);
  const Norm final = layer_norm(x.row(last), m.ln_f_w, m.ln_f_b, c.layer_norm_epsilon);
  const VecD g = m.ln_f_w.cast<double>().cwiseProduct(u);
  const double rstd = final.rstd(0), g_sum = g.sum();
  const auto share = [&](const MatD& p) { return rstd * (p.row(0).dot(g) - p.mean() * g_sum); };
  out.logit = final.y.row(0).dot(u);
  DirectLogit& dla = out.dla;
  dla.embed = share(embed);
  for (size_t layer = 0; layer < heads.size(); ++layer) {
    std::vector<double> row;
    for (const MatD& p : heads[layer]) row.push_back(share(p));
    dla.heads.push_back(std::move(row));
    dla.mlps.push_back(share(mlps[layer]));
  }
  dla.bias = share(bias) + m.ln_f_b.cast<double>().dot(u);
  dla.total = dla.embed + dla.bias;
  for (size_t layer = 0; layer < heads.size(); ++layer) {
    dla.total += dla.mlps[layer];
    for (double v : dla.heads[layer]) dla.total += v;
  }
  return out;
}

}  // namespace model
