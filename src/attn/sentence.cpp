// Tokenizer and seeded sentence inputs (see sentence.h).
#include "attn/sentence.h"

#include <cctype>
#include <cmath>

#include "attn/multihead.h"
#include "attn/rng.h"

namespace attn {

std::vector<std::string> tokenize(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const bool word = c >= 0x80 || std::isalnum(c);
    const bool inner_apostrophe = c == '\'' && !cur.empty() && i + 1 < text.size() &&
                                  std::isalpha(static_cast<unsigned char>(text[i + 1]));
    if (word || inner_apostrophe) {
      cur += static_cast<char>(c);
    } else if (std::isspace(c)) {
      flush();
    } else {
      flush();
      out.emplace_back(1, static_cast<char>(c));
    }
  }
  flush();
  return out;
}

namespace {
// One row per token, seeded by the token's text: the same word gets the same embedding in either sentence.
MatD embeddings(const std::vector<std::string>& tokens, int d_model, std::uint64_t seed) {
  MatD x(static_cast<Eigen::Index>(tokens.size()), d_model);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    Rng token_rng{hash_text(tokens[static_cast<size_t>(i)].c_str(), seed)};
    x.row(i) = token_rng.matrix(1, d_model, 1.0);
  }
  return x;
}
}  // namespace

SentenceInputs sentence_inputs(const SentenceSetup& s) {
  SentenceInputs in;
  in.x = embeddings(s.tokens, s.d_model, s.seed);
  if (!s.key_tokens.empty()) in.x_kv = embeddings(s.key_tokens, s.d_model, s.seed);
  Rng rng{s.seed * 0x2545F4914F6CDD1Dull + 7};
  const double sd = 1.0 / std::sqrt(static_cast<double>(s.d_model));
  in.w_q = rng.matrix(s.d_model, s.d_k, sd);
  in.w_k = rng.matrix(s.d_model, s.d_k, sd);
  in.w_v = rng.matrix(s.d_model, s.d_k, sd);
  return in;
}

Problem inputs_problem(const SentenceSetup& s, const SentenceInputs& in) {
  Problem p;
  p.tokens = s.tokens;
  const bool cross = in.x_kv.size() != 0;
  if (cross) p.key_tokens = s.key_tokens;
  const PositionSpec& pos = s.position;
  const int L = static_cast<int>(in.x.rows()), S = static_cast<int>((cross ? in.x_kv : in.x).rows());
  const MatD x = add_input_positions(in.x, pos, query_position(pos, 0, L, S));
  const MatD xk = add_input_positions(cross ? in.x_kv : in.x, pos, key_position(pos, 0));
  if (position_kind(pos.kind).at != PositionAt::Inputs) p.position = pos;
  if (s.heads <= 1) {
    p.form = Problem::Form::Direct;
    p.q = x * in.w_q;
    p.k = xk * in.w_k;
    p.v = xk * in.w_v;
    return p;
  }
  // torch's layout: in_proj rows W_Qᵀ, W_Kᵀ, W_Vᵀ; no trained output projection here: W_O = I
  const Eigen::Index E = in.x.cols();
  p.form = Problem::Form::MultiHead;
  p.query = x;
  p.key = p.value = xk;
  p.num_heads = p.num_kv_heads = s.heads;
  p.in_proj_weight.resize(3 * E, E);
  p.in_proj_weight << in.w_q.transpose(), in.w_k.transpose(), in.w_v.transpose();
  p.out_proj_weight = MatD::Identity(E, E);
  if (s.kv_heads != s.heads) p = group_kv_heads(p, s.kv_heads);
  return p;
}

Problem sentence_problem(const SentenceSetup& s) { return inputs_problem(s, sentence_inputs(s)); }

namespace {
std::vector<std::string> labels(const std::vector<std::string>& given, int n, const char* prefix) {
  if (static_cast<int>(given.size()) == n) return given;
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}
}  // namespace

std::vector<std::string> index_labels(long n) {
  std::vector<std::string> out;
  for (long i = 0; i < n; ++i) out.push_back(std::to_string(i));
  return out;
}

std::vector<std::string> query_labels(const Problem& p) { return labels(p.tokens, p.query_len(), "t"); }

std::vector<std::string> key_labels(const Problem& p) {
  if (!p.key_tokens.empty()) return labels(p.key_tokens, p.key_len(), "k");
  if (p.query_len() == p.key_len()) return query_labels(p);
  return labels({}, p.key_len(), "k");
}

}  // namespace attn
