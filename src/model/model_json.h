// The model's JSON contract, shared by `attnlab-cli model` and window.attnlab.runModel (README "Model JSON"):
// a request {text | token_ids, top, generate, temperature, seed, attention, gradient: {target, contrast?},
// attribution: {target, contrast?, steps?}} in, and out {tokens, token_ids, attention (per layer, per head,
// the L×L weights), next (top K {token, id, p}), logits (the last position's), loss, generated {token_ids,
// text}, gradient {target, contrast, f, embedding (T×E: ∂f/∂e, backward.h)}, attribution {target, contrast,
// f, f_baseline, completeness_error, steps, methods {name: per-token scores}, attention_norm_per_head,
// raw_attention, spearman, order} (attribution.h), model}. Tests: tests/core/test_model_json.cpp
// (ModelJson.*); fuzzed by tests/fuzz/fuzz_model.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attn/json_text.h"
#include "model/gpt2.h"

namespace model {

struct ModelRequest {
  std::string text;
  std::vector<int> token_ids;  // instead of text, when given
  bool has_ids = false;
  int top = 10;
  int generate = 0;  // tokens to generate after the text (KV-cache decoding)
  double temperature = 0;
  std::uint64_t seed = 0;
  bool attention = true;  // include every head's weights
  bool gradient = false;  // ∂f/∂e of the logit target (minus contrast) after the last position (backward.h)
  bool attribution = false;  // every attribution method for that f (attribution.h)
  int target = 0, contrast = -1;
  int steps = 32;  // integrated gradients' m
};

// Throws attn::ProblemError naming the field ("generate: expected an integer 0…", "text and token_ids: give
// one").
ModelRequest parse_model_request(const attn::Json& j);

// Runs the request; the result refuses (ProblemError) a text longer than the context, and output larger than
// max_bytes as JSON (it says so, with the size: drop attention or shorten the text).
attn::Json run_model_json(const Gpt2& m, const ModelRequest& r, double max_bytes);

// {name, card, n_layer, n_head, n_embd, n_positions, vocab_size, parameters, edited}
attn::Json describe_model(const Gpt2& m);

}  // namespace model
