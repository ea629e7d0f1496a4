// The model's JSON contract, shared by `attnlab-cli model` and window.attnlab.runModel (README "Model JSON"):
// a request {text | token_ids, top, generate, temperature, seed, attention, gradient: {target, contrast?},
// attribution: {target, contrast?, steps?}} in, and out {tokens, token_ids, attention (per layer, per head,
// the L×L weights), next (top K {token, id, p}), logits (the last position's), loss, generated {token_ids,
// text}, gradient {target, contrast, f, embedding (T×E: ∂f/∂e, backward.h)}, attribution (attribution_json),
// model}; and `attnlab-cli explain`'s answer (explain_json). Tests: tests/core/test_model_json.cpp
// (ModelJson.*); fuzzed by tests/fuzz/fuzz_model.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attn/json_text.h"
#include "model/attribution.h"
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

// Runs the request; the result refuses (ProblemError) a text longer than the context, output larger than
// max_bytes as JSON (it says so, with the size: drop attention or shorten the text), and a gradient or
// attribution whose f64 passes would take more than max_backward multiply-adds or whose tapes would hold
// more than max_bytes. max_backward: kBackwardNative for the CLI, kBackwardPage where the page waits on it.
inline constexpr double kBackwardNative = 2e11;  // (minutes at most natively)
inline constexpr double kBackwardPage = 2e10;    // (the browser's main thread: seconds, not minutes)
attn::Json run_model_json(const Gpt2& m, const ModelRequest& r, double max_bytes,
                          double max_backward = kBackwardNative);

// An attribution report as JSON: {logit, logit_baseline, gradient_x_input, integrated_gradients, ig_steps,
// ig_completeness_error, leave_one_out, rollout, attention_norm (one score per token each),
// attention_norm_per_head, raw_attention, spearman (between the methods, in `order`), order}.
attn::Json attribution_json(const AttributionReport& a);

// `attnlab-cli explain`: {tokens, token_ids, target: {id, token}, contrast?: {id, token}, logit, attribution,
// dla: {embed, heads: [L][H], mlps: [L], bias, total}, logit_lens: [{layer, top: [{id, token, p}],
// target_prob, target_rank}]} for the logit of t after the last of ids (logit_sources.h; refused as
// run_model_json refuses).
// A token given by its text, which must be one token of m's vocabulary (refused with its ids when it is not;
// `or` says how else it can be given, e.g. "--target-id").
int one_token(const Gpt2& m, const std::string& field, const std::string& text, const std::string& or_else);
// window.attnlab.explain: {text | token_ids, target, contrast?, steps?} (a token as its id or its one-token
// text) → explain_json; window.attnlab.patch: {clean, corrupt (texts) | clean_ids, corrupt_ids, target,
// contrast?} → patch_json. Each field is checked and named when wrong.
attn::Json explain_request(const Gpt2& m, const attn::Json& request, double max_bytes, double max_backward);
attn::Json patch_request(const Gpt2& m, const attn::Json& request, double max_work);

// `attnlab-cli patch`: {tokens, corrupt_tokens, target: {id, token}, contrast?, logit_clean, logit_corrupt,
// heads: [L][H], positions: [L][H][T]} — the fraction of f_clean − f_corrupt each head restores
// (patching.h; refused past max_work multiply-adds).
inline constexpr double kPatchNative = 2e11, kPatchPage = 2e10;
attn::Json patch_json(const Gpt2& m, const std::vector<int>& clean, const std::vector<int>& corrupt,
                      const LogitTarget& t, double max_work);

attn::Json explain_json(const Gpt2& m, const std::vector<int>& ids, const LogitTarget& t, int steps,
                        double max_bytes, double max_backward = kBackwardNative);

// {name, card, n_layer, n_head, n_embd, n_positions, vocab_size, parameters, edited}
attn::Json describe_model(const Gpt2& m);

}  // namespace model
