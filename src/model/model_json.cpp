// The model's JSON request and result (see model_json.h).
#include "model/model_json.h"

#include "attn/budget.h"
#include "attn/format.h"
#include "attn/json_io.h"
#include "attn/json_read.h"
#include "model/backward.h"
#include "model/forward.h"

namespace model {

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& why) { attn::fail_field(field, why); }

}  // namespace

ModelRequest parse_model_request(const attn::Json& j) {
  if (!j.is_object())
    fail("request", "expected an object {text, top, generate, temperature, seed, attention, gradient}");
  ModelRequest r;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const attn::Json& v = it.value();
    if (k == "text") {
      r.text = attn::read_string(v, "text");
    } else if (k == "token_ids") {
      if (!v.is_array() || v.empty()) fail("token_ids", "expected a non-empty array of token ids");
      for (const attn::Json& id : v) r.token_ids.push_back(attn::read_int(id, "token_ids", 0, (1 << 22) - 1));
      r.has_ids = true;
    } else if (k == "top") {
      r.top = attn::read_int(v, "top", 0, 1000);
    } else if (k == "generate") {
      r.generate = attn::read_int(v, "generate", 0, 4096);
    } else if (k == "temperature") {
      r.temperature = attn::read_number(v, "temperature", 0, 100);
    } else if (k == "seed") {
      r.seed = attn::read_seed(v, "seed");
    } else if (k == "attention") {
      r.attention = attn::read_bool(v, "attention");
    } else if (k == "gradient") {
      if (!v.is_object() || !v.contains("target"))
        fail("gradient", "expected {target: a token id, contrast?: a token id}");
      for (auto g = v.begin(); g != v.end(); ++g)
        if (g.key() != "target" && g.key() != "contrast")
          fail("gradient." + g.key(), "unknown field (known: target, contrast)");
      r.gradient = true;
      r.target = attn::read_int(v["target"], "gradient.target", 0, (1 << 22) - 1);
      if (v.contains("contrast"))
        r.contrast = attn::read_int(v["contrast"], "gradient.contrast", 0, (1 << 22) - 1);
    } else {
      fail(k,
           "unknown field (known: text, token_ids, top, generate, temperature, seed, attention, gradient)");
    }
  }
  if (r.has_ids && j.contains("text")) fail("text and token_ids", "give one of them, not both");
  if (!r.has_ids && !j.contains("text")) fail("text", "missing (or give token_ids)");
  return r;
}

attn::Json describe_model(const Gpt2& m) {
  const Gpt2Config& c = m.config;
  return {{"name", m.name},
          {"card", m.card},
          {"n_layer", c.n_layer},
          {"n_head", c.n_head},
          {"n_embd", c.n_embd},
          {"n_positions", c.n_positions},
          {"vocab_size", c.vocab_size},
          {"parameters", m.parameters()},
          {"edited", m.edits > 0}};
}

attn::Json run_model_json(const Gpt2& m, const ModelRequest& r, double max_bytes) {
  const std::vector<int> ids = r.has_ids ? r.token_ids : m.tokenizer.encode(r.text);
  const Gpt2Config& c = m.config;
  const double T = static_cast<double>(ids.size()), total = T + r.generate;
  if (total > c.n_positions)
    fail(r.generate ? "generate" : "text",
         std::to_string(static_cast<long long>(T)) + " tokens" +
             (r.generate ? " + " + std::to_string(r.generate) + " to generate" : "") +
             " is more than the model's context (" + std::to_string(c.n_positions) + ")");
  const double numbers = (r.attention ? c.n_layer * c.n_head * T * T : 0) + c.vocab_size + T * 2 +
                         (r.gradient ? T * c.n_embd : 0);
  if (numbers * 88 > max_bytes)
    fail("attention", "the result would hold " + std::to_string(static_cast<long long>(numbers)) +
                          " numbers (" + attn::human_bytes(numbers * 88) + " as JSON; the limit here is " +
                          attn::human_bytes(max_bytes) + "): ask without attention, or for a shorter text");
  const Forward f = forward(m, ids);
  attn::Json out = attn::Json::object();
  out["model"] = describe_model(m);
  attn::Json tokens = attn::Json::array();
  for (int id : ids) tokens.push_back(m.tokenizer.token(id));
  out["tokens"] = std::move(tokens);
  out["token_ids"] = ids;
  if (r.attention) {
    attn::Json layers = attn::Json::array();
    for (const LayerTrace& l : f.layers) {
      attn::Json heads = attn::Json::array();
      for (const attn::MatF& w : l.weights) heads.push_back(attn::matrix_to_json(w.cast<double>()));
      layers.push_back(std::move(heads));
    }
    out["attention"] = std::move(layers);
  }
  attn::Json next = attn::Json::array();
  for (const Prediction& p : top_k(m, f, static_cast<int>(T) - 1, r.top))
    next.push_back({{"token", p.token}, {"id", p.id}, {"p", p.p}});
  out["next"] = std::move(next);
  out["logits"] = attn::matrix_to_json(f.logits.bottomRows(1).cast<double>())[0];
  out["loss"] = f.loss;
  if (r.gradient) {
    const EmbeddingGradient g = embedding_gradient(m, embedding_sum(m, ids), {r.target, r.contrast});
    out["gradient"] = {{"target", r.target},
                       {"contrast", r.contrast},
                       {"f", g.f},
                       {"embedding", attn::matrix_to_json(g.d_embedding)}};
  }
  if (r.generate > 0) {
    KvCache cache;
    const Generation g = generate(m, ids, r.generate, r.temperature, r.seed, cache, {}, false);
    out["generated"] = {{"token_ids", g.ids},
                        {"text", attn::valid_utf8(m.tokenizer.decode(g.ids))},
                        {"kv_cache_bytes", cache.bytes()}};
  }
  return out;
}

}  // namespace model
