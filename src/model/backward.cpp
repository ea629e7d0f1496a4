// GPT-2's backward pass to the input embeddings (see backward.h): a f64 forward from e that keeps what the
// reverse pass needs (LayerNorm's normalised rows and 1/σ, each head's q, k, v and weights, the MLP's
// pre-activations), then the chain rule back through each block in reverse.
#include "model/backward.h"

#include <cmath>
#include <string>

#include "model/forward.h"

namespace model {

namespace {

using attn::MatD;
using attn::VecD;

// dL/dx from dL/dy: (1/σ)·(g − mean(g) − xhat·mean(g ⊙ xhat)) with g = dL/dy ⊙ w, row by row.
MatD layer_norm_back(const Norm& n, const attn::VecF& w, const MatD& dy) {
  const MatD g = (dy.array().rowwise() * w.cast<double>().transpose().array()).matrix();
  MatD dx(dy.rows(), dy.cols());
  for (Eigen::Index i = 0; i < dy.rows(); ++i) {
    const double mean_g = g.row(i).mean(), mean_gx = g.row(i).dot(n.xhat.row(i)) / double(dy.cols());
    dx.row(i) = n.rstd(i) * (g.row(i).array() - mean_g - n.xhat.row(i).array() * mean_gx);
  }
  return dx;
}

MatD affine(const MatD& x, const attn::MatF& w, const attn::VecF& b) {
  MatD y = x * w.cast<double>();
  y.rowwise() += b.cast<double>().transpose();
  return y;
}

}  // namespace

MatD block_forward(const Gpt2& m, const Gpt2Layer& l, const MatD& x, BlockTape& tape,
                   const HeadPatch& patch) {
  const Gpt2Config& c = m.config;
  const Eigen::Index T = x.rows(), E = c.n_embd, d = E / c.n_head;
  tape.ln1 = layer_norm(x, l.ln_1_w, l.ln_1_b, c.layer_norm_epsilon);
  const MatD qkv = affine(tape.ln1.y, l.c_attn_w, l.c_attn_b);
  MatD concat(T, E);
  for (int h = 0; h < c.n_head; ++h) {
    tape.q.push_back(qkv.middleCols(h * d, d));
    tape.k.push_back(qkv.middleCols(E + h * d, d));
    tape.v.push_back(qkv.middleCols(2 * E + h * d, d));
    MatD s = tape.q.back() * tape.k.back().transpose() / std::sqrt(double(d));
    MatD a = MatD::Zero(T, T);
    for (Eigen::Index i = 0; i < T; ++i) {
      const double mx = s.row(i).head(i + 1).maxCoeff();
      a.row(i).head(i + 1) = (s.row(i).head(i + 1).array() - mx).exp().matrix();
      a.row(i).head(i + 1) /= a.row(i).head(i + 1).sum();
    }
    MatD z = a * tape.v.back();
    if (h == patch.head && patch.position < 0) z = *patch.z;
    if (h == patch.head && patch.position >= 0) z.row(patch.position) = patch.z->row(patch.position);
    concat.middleCols(h * d, d) = z;
    tape.a.push_back(std::move(a));
    tape.z.push_back(std::move(z));
  }
  const MatD mid = x + affine(concat, l.c_proj_w, l.c_proj_b);
  tape.ln2 = layer_norm(mid, l.ln_2_w, l.ln_2_b, c.layer_norm_epsilon);
  tape.pre = affine(tape.ln2.y, l.fc_w, l.fc_b);
  const MatD act = tape.pre.unaryExpr([&](double v) { return activation(v, c.activation); });
  return mid + affine(act, l.proj_w, l.proj_b);
}

namespace {

// dL/dx of the block's input from dL/dy of its output (y = mid + MLP(ln2(mid)), mid = x + Attn(ln1(x))).
MatD block_backward(const Gpt2& m, const Gpt2Layer& l, const BlockTape& tape, const MatD& dy) {
  const Gpt2Config& c = m.config;
  const Eigen::Index T = dy.rows(), E = c.n_embd, d = E / c.n_head;
  // The MLP: y = mid + act(pre) · W_proj + b, pre = ln2(mid) · W_fc + b.
  const MatD d_act = dy * l.proj_w.cast<double>().transpose();
  const MatD d_pre =
      d_act.cwiseProduct(tape.pre.unaryExpr([&](double v) { return activation_slope(v, c.activation); }));
  MatD d_mid = dy + layer_norm_back(tape.ln2, l.ln_2_w, d_pre * l.fc_w.cast<double>().transpose());
  // Attention: mid = x + concat · W_O + b, each head's output A·v, A = softmax(q kᵀ/√d) over the past.
  const MatD d_concat = d_mid * l.c_proj_w.cast<double>().transpose();
  MatD d_qkv(T, 3 * E);
  const double scale = 1 / std::sqrt(double(d));
  for (int h = 0; h < c.n_head; ++h) {
    const MatD& a = tape.a[size_t(h)];
    const MatD d_out = d_concat.middleCols(h * d, d);
    const MatD d_a = d_out * tape.v[size_t(h)].transpose();
    MatD d_s = MatD::Zero(T, T);  // softmax: A ⊙ (dA − Σ_j dA·A) on each row's allowed keys
    for (Eigen::Index i = 0; i < T; ++i) {
      const double dot = d_a.row(i).head(i + 1).dot(a.row(i).head(i + 1));
      d_s.row(i).head(i + 1) =
          a.row(i).head(i + 1).cwiseProduct((d_a.row(i).head(i + 1).array() - dot).matrix());
    }
    d_qkv.middleCols(h * d, d) = scale * d_s * tape.k[size_t(h)];
    d_qkv.middleCols(E + h * d, d) = scale * d_s.transpose() * tape.q[size_t(h)];
    d_qkv.middleCols(2 * E + h * d, d) = a.transpose() * d_out;
  }
  return d_mid + layer_norm_back(tape.ln1, l.ln_1_w, d_qkv * l.c_attn_w.cast<double>().transpose());
}

}  // namespace

MatD embedding_sum(const Gpt2& m, const std::vector<int>& ids) {
  if (ids.empty()) attn::fail_field("text", "has no tokens");
  if (static_cast<int>(ids.size()) > m.config.n_positions)
    attn::fail_field("text", std::to_string(ids.size()) + " tokens is more than the model's context (" +
                                 std::to_string(m.config.n_positions) + ")");
  MatD e(static_cast<Eigen::Index>(ids.size()), m.config.n_embd);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= m.config.vocab_size)
      attn::fail_field("token_ids[" + std::to_string(i) + "]",
                       std::to_string(ids[i]) + " is outside the vocabulary");
    e.row(static_cast<Eigen::Index>(i)) =
        (m.wte.row(ids[i]) + m.wpe.row(static_cast<Eigen::Index>(i))).cast<double>();
  }
  return e;
}

void check_target(const Gpt2& m, const LogitTarget& t) {
  const int V = m.config.vocab_size;
  const std::string vocabulary = " is outside the vocabulary (0…" + std::to_string(V - 1) + ")";
  if (t.target < 0 || t.target >= V) attn::fail_field("target", std::to_string(t.target) + vocabulary);
  if (t.contrast < -1 || t.contrast >= V)
    attn::fail_field("contrast", std::to_string(t.contrast) + vocabulary);
}

VecD logit_direction(const Gpt2& m, const LogitTarget& t) {
  VecD u = m.wte.row(t.target).cast<double>().transpose();
  if (t.contrast >= 0) u -= m.wte.row(t.contrast).cast<double>().transpose();
  return u;
}

EmbeddingGradient embedding_gradient(const Gpt2& m, const MatD& e, const LogitTarget& t) {
  const Gpt2Config& c = m.config;
  if (e.rows() < 1 || e.rows() > c.n_positions || e.cols() != c.n_embd)
    attn::fail_field("embedding", std::to_string(e.rows()) + "×" + std::to_string(e.cols()) + " is not T×" +
                                      std::to_string(c.n_embd) + " with 1 ≤ T ≤ " +
                                      std::to_string(c.n_positions));
  check_target(m, t);
  std::vector<BlockTape> tapes(m.layers.size());
  MatD x = e;
  for (size_t layer = 0; layer < m.layers.size(); ++layer)
    x = block_forward(m, m.layers[layer], x, tapes[layer]);
  const Norm final = layer_norm(x, m.ln_f_w, m.ln_f_b, c.layer_norm_epsilon);
  // f = (wte[target] − wte[contrast]) · ln_f(x)[last]: the logits are ln_f(x) · wteᵀ.
  const VecD w = logit_direction(m, t);
  const Eigen::Index last = x.rows() - 1;
  EmbeddingGradient g;
  g.f = final.y.row(last).dot(w);
  MatD d = MatD::Zero(x.rows(), x.cols());
  d.row(last) = w.transpose();
  d = layer_norm_back(final, m.ln_f_w, d);
  for (size_t layer = m.layers.size(); layer-- > 0;) d = block_backward(m, m.layers[layer], tapes[layer], d);
  g.d_embedding = std::move(d);
  return g;
}

}  // namespace model
