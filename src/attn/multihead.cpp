// Projections, per-head attention and the output projection (see multihead.h).
#include "attn/multihead.h"

namespace attn {

template <typename T>
MultiHeadTrace<T> multihead_attention(const Problem& p, const MaskMat& allowed, double multiplier) {
  const Eigen::Index E = p.query.cols();
  const int h = p.num_heads, g = p.num_kv_heads;
  const Eigen::Index d = E / h;   // d_k = d_v per head
  const Eigen::Index kv = d * g;  // width of the K and V projections
  const Mat<T> w = p.in_proj_weight.cast<T>();
  const int L = static_cast<int>(p.query.rows()), S = static_cast<int>(p.key.rows());
  const PositionSpec& pos = p.position;
  const int q0 = query_position(pos, 0, L, S), k0 = key_position(pos, 0);
  MultiHeadTrace<T> t;
  t.q_proj.noalias() = add_input_positions(p.query, pos, q0).cast<T>() * w.topRows(E).transpose();
  t.k_proj.noalias() = add_input_positions(p.key, pos, k0).cast<T>() * w.middleRows(E, kv).transpose();
  t.v_proj.noalias() = add_input_positions(p.value, pos, k0).cast<T>() * w.bottomRows(kv).transpose();
  if (p.in_proj_bias.size() != 0) {
    const Vec<T> b = p.in_proj_bias.cast<T>();
    t.q_proj.rowwise() += b.head(E).transpose();
    t.k_proj.rowwise() += b.segment(E, kv).transpose();
    t.v_proj.rowwise() += b.tail(kv).transpose();
  }
  t.concat.resize(p.query.rows(), E);
  const std::vector<double> slopes = alibi_slopes(pos, h);
  for (int i = 0; i < h; ++i) {
    const int j = kv_head_of(i, h, g);
    t.heads.push_back(positioned_head<T>(t.q_proj.middleCols(i * d, d), t.k_proj.middleCols(j * d, d),
                                         t.v_proj.middleCols(j * d, d), allowed, multiplier, pos,
                                         slopes[static_cast<size_t>(i)]));
    t.heads.back().kv_head = j;
    t.concat.middleCols(i * d, d) = t.heads.back().output;
  }
  t.output.noalias() = t.concat * p.out_proj_weight.cast<T>().transpose();
  if (p.out_proj_bias.size() != 0) t.output.rowwise() += p.out_proj_bias.cast<T>().transpose();
  return t;
}

Problem group_kv_heads(const Problem& input, int g) {
  const Problem p = materialize(input);
  if (p.form != Problem::Form::MultiHead)
    throw ProblemError("num_kv_heads: grouping needs a multi-head problem (query, in_proj_weight, …)");
  const int h = p.num_heads;
  if (p.num_kv_heads != h)
    throw ProblemError("num_kv_heads: grouping starts from standard multi-head (num_kv_heads = num_heads)");
  if (g < 1 || h % g != 0)
    throw ProblemError("num_kv_heads: " + std::to_string(g) +
                       " does not divide num_heads = " + std::to_string(h));
  const Eigen::Index E = p.query.cols(), d = E / h;
  Problem out = p;
  out.num_kv_heads = g;
  out.in_proj_weight.resize(E + 2 * d * g, E);
  out.in_proj_weight.topRows(E) = p.in_proj_weight.topRows(E);
  if (p.in_proj_bias.size()) {
    out.in_proj_bias.resize(E + 2 * d * g);
    out.in_proj_bias.head(E) = p.in_proj_bias.head(E);
  }
  for (int part = 0; part < 2; ++part) {  // K rows, then V rows
    const Eigen::Index from = E + part * E, to = E + part * d * g;
    for (int j = 0; j < g; ++j) {
      MatD w = MatD::Zero(d, E);
      VecD b = VecD::Zero(d);
      const int members = h / g;
      for (int i = j * members; i < (j + 1) * members; ++i) {  // ⌊i·g/h⌋ = j
        w += p.in_proj_weight.middleRows(from + i * d, d);
        if (p.in_proj_bias.size()) b += p.in_proj_bias.segment(from + i * d, d);
      }
      out.in_proj_weight.middleRows(to + j * d, d) = w / members;
      if (p.in_proj_bias.size()) out.in_proj_bias.segment(to + j * d, d) = b / members;
    }
  }
  return out;
}

template MultiHeadTrace<float> multihead_attention<float>(const Problem&, const MaskMat&, double);
template MultiHeadTrace<double> multihead_attention<double>(const Problem&, const MaskMat&, double);

}  // namespace attn
