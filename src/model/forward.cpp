// GPT-2's forward pass, ablations and KV-cache decoding (see forward.h). LayerNorm and the MLP are f64 over
// the f32 weights; attention is the attn core's, in f32 like the weights.
#include "model/forward.h"

#include <algorithm>
#include <cmath>

#include "attn/attention.h"
#include "attn/rng.h"
#include "attn/run.h"

namespace model {

namespace {

using attn::MatD;
using attn::VecD;

// x (T × E) · W (E × out) + b: a Conv1D, as GPT-2 stores its weights.
MatD conv1d(const MatD& x, const attn::MatF& w, const attn::VecF& b) {
  MatD y = x * w.cast<double>();
  y.rowwise() += b.cast<double>().transpose();
  return y;
}

MatD mlp(const Gpt2& m, const Gpt2Layer& l, const MatD& residual) {
  MatD h = conv1d(layer_norm(residual, l.ln_2_w, l.ln_2_b, m.config.layer_norm_epsilon).y, l.fc_w, l.fc_b);
  h = h.unaryExpr([&](double v) { return activation(v, m.config.activation); });
  return conv1d(h, l.proj_w, l.proj_b);
}

void check_ids(const Gpt2& m, const std::vector<int>& ids, int start) {
  if (ids.empty()) attn::fail_field("text", "has no tokens");
  if (start + static_cast<int>(ids.size()) > m.config.n_positions)
    attn::fail_field("text", std::to_string(start + ids.size()) +
                                 " tokens is more than the model's context (" +
                                 std::to_string(m.config.n_positions) + ")");
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] < 0 || ids[i] >= m.config.vocab_size)
      attn::fail_field("token_ids[" + std::to_string(i) + "]",
                       std::to_string(ids[i]) + " is outside the vocabulary (0…" +
                           std::to_string(m.config.vocab_size - 1) + ")");
}

}  // namespace

double activation(double x, const std::string& kind) {
  if (kind == "relu") return x > 0 ? x : 0;
  if (kind == "gelu") return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
  const double c = std::sqrt(2.0 / 3.14159265358979323846);  // gelu_new: GPT-2's tanh approximation
  return 0.5 * x * (1 + std::tanh(c * (x + 0.044715 * x * x * x)));
}

double activation_slope(double x, const std::string& kind) {
  if (kind == "relu") return x > 0 ? 1 : 0;
  if (kind == "gelu") {
    const double pi = 3.14159265358979323846;
    return 0.5 * (1 + std::erf(x / std::sqrt(2.0))) + x * std::exp(-0.5 * x * x) / std::sqrt(2 * pi);
  }
  const double c = std::sqrt(2.0 / 3.14159265358979323846);  // gelu_new
  const double t = std::tanh(c * (x + 0.044715 * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
}

Norm layer_norm(const MatD& x, const attn::VecF& w, const attn::VecF& b, double eps) {
  Norm n{MatD(x.rows(), x.cols()), VecD(x.rows()), MatD()};
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double mean = x.row(i).mean();
    const double var = (x.row(i).array() - mean).square().mean();
    n.rstd(i) = 1 / std::sqrt(var + eps);
    n.xhat.row(i) = (x.row(i).array() - mean) * n.rstd(i);
  }
  n.y = (n.xhat.array().rowwise() * w.cast<double>().transpose().array()).rowwise() +
        b.cast<double>().transpose().array();
  return n;
}

attn::Problem layer_problem(const Gpt2& m, int layer, const MatD& x, const std::vector<int>& ids) {
  const Gpt2Layer& l = m.layers.at(static_cast<size_t>(layer));
  attn::Problem p;
  p.form = attn::Problem::Form::MultiHead;
  p.query = p.key = p.value = x;
  p.num_heads = p.num_kv_heads = m.config.n_head;
  p.in_proj_weight = l.c_attn_w.transpose().cast<double>();
  p.in_proj_bias = l.c_attn_b.cast<double>();
  p.out_proj_weight = l.c_proj_w.transpose().cast<double>();
  p.out_proj_bias = l.c_proj_b.cast<double>();
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  p.precision = attn::Precision::F32;
  for (int id : ids) p.tokens.push_back(m.tokenizer.shown(id));  // (labels: ␣, ↵ visible)
  return p;
}

Forward forward(const Gpt2& m, const std::vector<int>& ids, const std::vector<Ablation>& ablations) {
  check_ids(m, ids, 0);
  const Gpt2Config& c = m.config;
  const Eigen::Index T = static_cast<Eigen::Index>(ids.size()), E = c.n_embd, d = E / c.n_head;
  Forward f;
  f.ids = ids;
  MatD residual(T, E);
  for (Eigen::Index i = 0; i < T; ++i)
    residual.row(i) = (m.wte.row(ids[static_cast<size_t>(i)]) + m.wpe.row(i)).cast<double>();
  attn::RunOptions options;  // (the budget: a model's context is bounded, but a long one still counts)
  options.max_operations = 1e11;
  for (int layer = 0; layer < c.n_layer; ++layer) {
    const Gpt2Layer& l = m.layers[static_cast<size_t>(layer)];
    LayerTrace lt;
    lt.x = layer_norm(residual, l.ln_1_w, l.ln_1_b, c.layer_norm_epsilon).y;
    const attn::Problem p = layer_problem(m, layer, lt.x, {});
    attn::Result r = attn::run(p, options);
    MatD concat(T, E);
    for (int h = 0; h < c.n_head; ++h) {
      attn::HeadTrace<double>& head = r.heads[static_cast<size_t>(h)];
      for (const Ablation& a : ablations) {
        if (a.layer != layer || a.head != h) continue;
        if (a.kind == Ablation::Kind::Zero) {
          head.weights.setZero();
          head.output.setZero();
        } else {  // uniform over the keys each query may see (0…i): the mean of those values
          for (Eigen::Index i = 0; i < T; ++i) {
            head.weights.row(i).setZero();
            head.weights.row(i).head(i + 1).setConstant(1.0 / static_cast<double>(i + 1));
            head.output.row(i) = head.v.topRows(i + 1).colwise().mean();
          }
        }
      }
      concat.middleCols(h * d, d) = head.output;
      lt.weights.push_back(head.weights.cast<float>());
    }
    residual += conv1d(concat, l.c_proj_w, l.c_proj_b);  // (= r.output when nothing is ablated)
    residual += mlp(m, l, residual);
    lt.residual = residual;
    f.layers.push_back(std::move(lt));
  }
  const MatD final = layer_norm(residual, m.ln_f_w, m.ln_f_b, c.layer_norm_epsilon).y;
  f.logits.noalias() = final.cast<float>() * m.wte.transpose();  // (f32, as torch: no V × E copy in f64)
  double loss = 0;
  for (Eigen::Index i = 0; i + 1 < T; ++i) {
    const attn::VecD row = f.logits.row(i).cast<double>().transpose();
    const double mx = row.maxCoeff();
    loss += std::log((row.array() - mx).exp().sum()) + mx - row(ids[static_cast<size_t>(i + 1)]);
  }
  f.loss = T > 1 ? loss / static_cast<double>(T - 1) : 0;
  return f;
}

std::vector<Prediction> top_k(const Gpt2& m, const Forward& f, int position, int k) {
  if (position < 0 || position >= f.logits.rows())
    attn::fail_field("position",
                     std::to_string(position) + " is outside 0…" + std::to_string(f.logits.rows() - 1));
  const attn::VecD row = f.logits.row(position).cast<double>().transpose();
  const attn::VecD p = (row.array() - row.maxCoeff()).exp();
  const double sum = p.sum();
  std::vector<int> order(static_cast<size_t>(row.size()));
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  const size_t n = std::min<size_t>(static_cast<size_t>(std::max(k, 0)), order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<long>(n), order.end(),
                    [&](int a, int b) { return p(a) > p(b); });
  std::vector<Prediction> out;
  for (size_t i = 0; i < n; ++i) out.push_back({order[i], m.tokenizer.token(order[i]), p(order[i]) / sum});
  return out;
}

double KvCache::bytes() const {
  double b = 0;
  for (size_t l = 0; l < k.size(); ++l) b += 4.0 * static_cast<double>(k[l].size() + v[l].size());
  return b;
}

DecodeStep decode(const Gpt2& m, int id, KvCache& cache, const std::vector<Ablation>& ablations) {
  const Gpt2Config& c = m.config;
  const int t = cache.tokens();
  check_ids(m, {id}, t);
  const Eigen::Index E = c.n_embd, d = E / c.n_head;
  if (cache.k.empty())
    cache.k.assign(static_cast<size_t>(c.n_layer), attn::MatF(0, E)),
        cache.v.assign(static_cast<size_t>(c.n_layer), attn::MatF(0, E));
  DecodeStep step;
  step.position = t;
  step.id = id;
  cache.ids.push_back(id);
  MatD residual = (m.wte.row(id) + m.wpe.row(t)).cast<double>();
  const double multiplier = 1.0 / std::sqrt(static_cast<double>(d));
  for (int layer = 0; layer < c.n_layer; ++layer) {
    const Gpt2Layer& l = m.layers[static_cast<size_t>(layer)];
    const MatD qkv =
        conv1d(layer_norm(residual, l.ln_1_w, l.ln_1_b, c.layer_norm_epsilon).y, l.c_attn_w, l.c_attn_b);
    attn::MatF& K = cache.k[static_cast<size_t>(layer)];
    attn::MatF& V = cache.v[static_cast<size_t>(layer)];
    K.conservativeResize(t + 1, E);
    V.conservativeResize(t + 1, E);
    K.row(t) = qkv.middleCols(E, E).cast<float>();
    V.row(t) = qkv.rightCols(E).cast<float>();
    step.q.push_back(qkv.leftCols(E).cast<float>());
    const attn::MaskMat all = attn::MaskMat::Ones(1, t + 1);
    MatD concat(1, E);
    for (int h = 0; h < c.n_head; ++h) {  // one query row against the cache, through the attn core
      const attn::HeadTrace<float> head =
          attn::attention_head<float>(step.q.back().middleCols(h * d, d), K.middleCols(h * d, d),
                                      V.middleCols(h * d, d), all, multiplier);
      concat.middleCols(h * d, d) = head.output.cast<double>();
      for (const Ablation& a : ablations)
        if (a.layer == layer && a.head == h)
          concat.middleCols(h * d, d) = a.kind == Ablation::Kind::Zero
                                            ? MatD::Zero(1, d)
                                            : MatD(V.middleCols(h * d, d).cast<double>().colwise().mean());
    }
    residual += conv1d(concat, l.c_proj_w, l.c_proj_b);
    residual += mlp(m, l, residual);
  }
  const MatD final = layer_norm(residual, m.ln_f_w, m.ln_f_b, c.layer_norm_epsilon).y;
  step.logits.noalias() = (final.cast<float>() * m.wte.transpose()).transpose();
  const double per_token = c.n_layer * 12.0 * E * E + static_cast<double>(c.vocab_size) * E;
  step.multiply_adds_cached = per_token + c.n_layer * 2.0 * (t + 1) * E;
  step.multiply_adds_recompute = (t + 1) * per_token + c.n_layer * (t + 1.0) * (t + 1) * E;
  return step;
}

std::vector<DecodeStep> prefill(const Gpt2& m, const std::vector<int>& ids, KvCache& cache,
                                const std::vector<Ablation>& ablations) {
  cache = KvCache();
  std::vector<DecodeStep> steps;
  for (int id : ids) steps.push_back(decode(m, id, cache, ablations));
  return steps;
}

attn::Problem decode_problem(const Gpt2& m, const KvCache& cache, const DecodeStep& step, int layer,
                             int head) {
  const Eigen::Index d = m.config.n_embd / m.config.n_head, n = step.position + 1;
  attn::Problem p;
  p.form = attn::Problem::Form::Direct;
  p.q = step.q.at(static_cast<size_t>(layer)).middleCols(head * d, d).cast<double>();
  p.k = cache.k.at(static_cast<size_t>(layer)).topRows(n).middleCols(head * d, d).cast<double>();
  p.v = cache.v.at(static_cast<size_t>(layer)).topRows(n).middleCols(head * d, d).cast<double>();
  p.precision = attn::Precision::F32;
  p.tokens = {m.tokenizer.shown(step.id)};
  for (Eigen::Index j = 0; j < n; ++j)
    p.key_tokens.push_back(m.tokenizer.shown(cache.ids.at(static_cast<size_t>(j))));
  return p;
}

Generation generate(const Gpt2& m, const std::vector<int>& prompt, int n, double temperature,
                    std::uint64_t seed, KvCache& cache, const std::vector<Ablation>& ablations,
                    bool feed_last) {
  if (prompt.empty()) throw attn::ProblemError("text: generation needs at least one token to start from");
  Generation g;
  attn::VecF logits = prefill(m, prompt, cache, ablations).back().logits;
  for (int i = 0; i < n && cache.tokens() < m.config.n_positions; ++i) {
    g.ids.push_back(pick_token(logits, temperature, seed));
    if (!feed_last && i + 1 == n) break;
    g.steps.push_back(decode(m, g.ids.back(), cache, ablations));
    logits = g.steps.back().logits;
  }
  return g;
}

int pick_token(const attn::VecF& logits, double temperature, std::uint64_t& rng_state) {
  Eigen::Index best = 0;
  logits.maxCoeff(&best);
  if (temperature <= 0) return static_cast<int>(best);
  const attn::VecD p = ((logits.cast<double>().array() - logits(best)) / temperature).exp();
  attn::Rng rng{rng_state};
  double u = rng.uniform() * p.sum();
  rng_state = rng.s;
  for (Eigen::Index i = 0; i < p.size(); ++i)
    if ((u -= p(i)) <= 0) return static_cast<int>(i);
  return static_cast<int>(best);
}

}  // namespace model
