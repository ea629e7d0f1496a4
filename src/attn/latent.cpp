// MLA's shared latent: the SVD factorisation of the K and V projections and the absorbed scores (latent.h).
#include "attn/latent.h"

#include <Eigen/SVD>
#include <algorithm>

#include "attn/multihead.h"

namespace attn {

LatentKV latent_kv(const Problem& input, int d_c) {
  const Problem p = materialize(input);
  if (p.form != Problem::Form::MultiHead)
    throw ProblemError(
        "latent: MLA compresses the K and V projections of a multi-head problem (query, "
        "in_proj_weight, …)");
  const Eigen::Index E = p.query.cols(), kv = E / p.num_heads * p.num_kv_heads;
  const Eigen::Index most = std::min(E, 2 * kv);  // the rank [W_K; W_V] can have
  if (d_c < 1 || d_c > most)
    throw ProblemError("latent: d_c must be 1 … " + std::to_string(most) + " (E = " + std::to_string(E) +
                       ", K and V together " + std::to_string(2 * kv) + " wide), got " + std::to_string(d_c));
  // x·[W_Kᵀ | W_Vᵀ] (E × 2·kv) ≈ x·(down·up): the best rank-d_c approximation (Eckart–Young).
  MatD w(E, 2 * kv);
  w << p.in_proj_weight.middleRows(E, kv).transpose(), p.in_proj_weight.bottomRows(kv).transpose();
  const Eigen::JacobiSVD<MatD> svd(w, Eigen::ComputeThinU | Eigen::ComputeThinV);
  LatentKV m;
  m.d_c = d_c;
  m.down = svd.matrixU().leftCols(d_c) * svd.singularValues().head(d_c).asDiagonal();
  m.up = svd.matrixV().leftCols(d_c).transpose();
  m.latent = add_input_positions(p.key, p.position, key_position(p.position, 0)) * m.down;
  return m;
}

Problem with_latent_kv(const Problem& input, const LatentKV& m) {
  Problem p = materialize(input);
  const Eigen::Index E = p.query.cols(), kv = m.up.cols() / 2;
  const MatD w = m.down * m.up;  // E × 2·kv, rank d_c
  p.in_proj_weight.middleRows(E, kv) = w.leftCols(kv).transpose();
  p.in_proj_weight.bottomRows(kv) = w.rightCols(kv).transpose();
  return p;
}

LatentScores latent_scores(const Problem& input, const LatentKV& m, int head) {
  const Problem p = materialize(input);
  const Eigen::Index E = p.query.cols(), d = E / p.num_heads;
  const Eigen::Index j = kv_head_of(head, p.num_heads, p.num_kv_heads);
  const bool biased = p.in_proj_bias.size() > 0;
  const int L = static_cast<int>(p.query.rows()), S = static_cast<int>(p.key.rows());
  MatD q = add_input_positions(p.query, p.position, query_position(p.position, 0, L, S)) *
           p.in_proj_weight.middleRows(head * d, d).transpose();
  VecD b_k = VecD::Zero(d);
  if (biased) {
    q.rowwise() += p.in_proj_bias.segment(head * d, d).transpose();
    b_k = p.in_proj_bias.segment(E + j * d, d);
  }
  const MatD up_k = m.up.middleCols(j * d, d);  // d_c × d: this head's W_UK
  LatentScores s;
  MatD k = m.latent * up_k;
  k.rowwise() += b_k.transpose();
  s.expanded = q * k.transpose();
  const MatD q_absorbed = q * up_k.transpose();  // L × d_c
  s.absorbed = q_absorbed * m.latent.transpose();
  s.absorbed.colwise() += q * b_k;  // the bias's part: the same for every key of a row
  return s;
}

}  // namespace attn
