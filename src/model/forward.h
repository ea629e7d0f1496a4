// GPT-2's forward pass keeping what a learner looks at: per layer the LayerNorm'd residual X that Q, K, V are
// made from and every head's weights (the attention itself runs through the attn core: layer_problem is that
// layer as a torch-layout multi-head Problem), the next-token logits; heads switched off or made uniform
// (ablations); and generation with a KV cache whose decode steps are attention problems of one query row.
// Tests: tests/core/test_gpt2.cpp (Forward.*, KvCache.*), tests/golden/model_golden.py.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attn/problem.h"
#include "model/gpt2.h"

namespace model {

struct Ablation {
  enum class Kind { Zero, Uniform };  // the head's output set to 0, or its weights made uniform over the past
  int layer = 0, head = 0;
  Kind kind = Kind::Zero;
};

struct LayerTrace {
  attn::MatD x;  // T × E: ln_1 of the residual stream, what this layer's Q, K, V are made of
  std::vector<attn::MatF> weights;  // h × (T × T): each head's attention weights
  attn::MatD residual;              // T × E: the stream after this layer (attention and MLP added)
};

struct Forward {
  std::vector<int> ids;            // T tokens
  std::vector<LayerTrace> layers;  // n_layer
  attn::MatF logits;               // T × V: position i predicts token i + 1
  double loss = 0;                 // mean cross-entropy of the text's own next tokens (nats; 0 when T = 1)
};

// Refuses (attn::ProblemError) an empty text, a token id outside the vocabulary, or more tokens than the
// context; attn's budget limits each layer's attention run.
Forward forward(const Gpt2& m, const std::vector<int>& ids, const std::vector<Ablation>& ablations = {});

// GPT-2's MLP activation by its config name: "gelu_new" (the tanh approximation), "gelu" (erf) or "relu",
// and its slope at x (the backward pass).
double activation(double x, const std::string& kind);
double activation_slope(double x, const std::string& kind);

// Row-wise LayerNorm y = (x − mean)/√(var + eps)·w + b, keeping xhat = (x − mean)/σ and rstd = 1/σ for the
// backward pass (model/backward.cpp).
struct Norm {
  attn::MatD xhat;
  attn::VecD rstd;
  attn::MatD y;
};
Norm layer_norm(const attn::MatD& x, const attn::VecF& w, const attn::VecF& b, double eps);

// Layer `layer`'s attention on x (T × E) as the attn core runs it: multi-head, causal, torch's weight layout
// (in_proj_weight = c_attnᵀ, out_proj = c_projᵀ, with biases), f32, labelled with the tokens' text.
attn::Problem layer_problem(const Gpt2& m, int layer, const attn::MatD& x, const std::vector<int>& ids);

struct Prediction {
  int id = 0;
  std::string token;
  double p = 0;
};
// The k most likely next tokens after `position` (softmax of its logits).
std::vector<Prediction> top_k(const Gpt2& m, const Forward& f, int position, int k);

// Generation with a KV cache: each layer keeps every past token's K and V (after their biases), so a new
// token costs one query row per head against the cache instead of recomputing the whole text.
struct KvCache {
  std::vector<int> ids;          // the tokens so far
  std::vector<attn::MatF> k, v;  // per layer: T × E (all heads side by side), one row per token so far
  int tokens() const { return k.empty() ? 0 : static_cast<int>(k.front().rows()); }
  double bytes() const;  // f32 bytes held
};

struct DecodeStep {
  int position = 0;                    // where the new token stands
  int id = 0;                          // the token fed in
  std::vector<attn::MatF> q;           // per layer: 1 × E, the new query row (all heads)
  attn::VecF logits;                   // V: the prediction after it
  double multiply_adds_cached = 0;     // what this step cost with the cache …
  double multiply_adds_recompute = 0;  // … and what recomputing every position would have
};

// Feeds ids[0…] into an empty cache (the prompt), then returns one step per token fed.
std::vector<DecodeStep> prefill(const Gpt2& m, const std::vector<int>& ids, KvCache& cache,
                                const std::vector<Ablation>& ablations = {});
// One token more: appends its K and V to the cache in every layer (ablated heads as in forward).
DecodeStep decode(const Gpt2& m, int id, KvCache& cache, const std::vector<Ablation>& ablations = {});

// The decode step of (layer, head) as a one-query attention problem: q = the new row (1 × d), k and v the
// cached rows of that head (N × d). The step-through walks it like any other problem.
attn::Problem decode_problem(const Gpt2& m, const KvCache& cache, const DecodeStep& step, int layer,
                             int head);

// Picks the next token from logits: the most likely (temperature 0) or sampled at temperature with a seed.
int pick_token(const attn::VecF& logits, double temperature, std::uint64_t& rng_state);

// Generation with a KV cache, the one loop the app and the model JSON share: the prompt ids fed into an empty
// cache, then up to n tokens, each picked (pick_token from the seed) from the last logits and fed back while
// the context has room. `steps` has one DecodeStep per generated token fed; with feed_last false the last
// pick is not fed (its step is not needed: one forward pass less).
struct Generation {
  std::vector<int> ids;
  std::vector<DecodeStep> steps;
};
Generation generate(const Gpt2& m, const std::vector<int>& prompt, int n, double temperature,
                    std::uint64_t seed, KvCache& cache, const std::vector<Ablation>& ablations = {},
                    bool feed_last = true);

}  // namespace model
