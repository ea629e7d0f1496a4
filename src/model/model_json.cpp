// The model's JSON request and result (see model_json.h).
#include "model/model_json.h"

#include <algorithm>

#include "attn/budget.h"
#include "attn/format.h"
#include "attn/json_io.h"
#include "attn/json_read.h"
#include "model/attribution.h"
#include "model/backward.h"
#include "model/forward.h"
#include "model/logit_sources.h"
#include "model/patching.h"

namespace model {

namespace {

// {target, contrast?} (and steps? where `steps` is given) of "gradient" or "attribution" into r.
void read_logit_target(const attn::Json& v, const std::string& field, ModelRequest& r, bool steps) {
  const std::string known = steps ? "target, contrast, steps" : "target, contrast";
  if (!v.is_object() || !v.contains("target"))
    attn::fail_field(field, "expected {target: a token id, contrast?: a token id" +
                                std::string(steps ? ", steps?}" : "}"));
  for (auto g = v.begin(); g != v.end(); ++g)
    if (g.key() != "target" && g.key() != "contrast" && !(steps && g.key() == "steps"))
      attn::fail_field(field + "." + g.key(), "unknown field (known: " + known + ")");
  r.target = attn::read_int(v["target"], field + ".target", 0, (1 << 22) - 1);
  r.contrast =
      v.contains("contrast") ? attn::read_int(v["contrast"], field + ".contrast", 0, (1 << 22) - 1) : -1;
  if (steps && v.contains("steps")) r.steps = attn::read_int(v["steps"], field + ".steps", 1, 1024);
}

}  // namespace

attn::Json attribution_json(const AttributionReport& a) {
  attn::Json out = {{"logit", a.f},
                    {"logit_baseline", a.f_baseline},
                    {"ig_steps", a.steps},
                    {"ig_completeness_error", a.completeness_error},
                    {"attention_norm_per_head", a.attention_norm_per_head},
                    {"raw_attention", a.raw_attention},
                    {"spearman", a.spearman}};
  attn::Json order = attn::Json::array();
  for (size_t i = 0; i < std::size(kAttributionMethods); ++i) {
    out[kAttributionMethods[i]] = a.scores[i];
    order.push_back(kAttributionMethods[i]);
  }
  out["order"] = std::move(order);
  return out;
}

attn::Json explain_json(const Gpt2& m, const std::vector<int>& ids, const LogitTarget& t, int steps,
                        double max_bytes, double max_backward) {
  ModelRequest r;
  r.token_ids = ids;
  r.has_ids = true;
  r.top = 0;
  r.attention = false;
  r.attribution = true;
  r.target = t.target;
  r.contrast = t.contrast;
  r.steps = steps;
  const attn::Json full = run_model_json(m, r, max_bytes, max_backward);
  attn::Json out = {{"tokens", full["tokens"]},
                    {"token_ids", full["token_ids"]},
                    {"target", {{"id", t.target}, {"token", m.tokenizer.token(t.target)}}},
                    {"logit", full["attribution"]["logit"]},
                    {"attribution", full["attribution"]}};
  if (t.contrast >= 0) out["contrast"] = {{"id", t.contrast}, {"token", m.tokenizer.token(t.contrast)}};
  const LogitSources sources = logit_sources(m, ids, t);
  const DirectLogit& dla = sources.dla;
  out["dla"] = {{"embed", dla.embed},
                {"heads", dla.heads},
                {"mlps", dla.mlps},
                {"bias", dla.bias},
                {"total", dla.total}};
  attn::Json lens = attn::Json::array();
  for (const LensLayer& l : sources.lens) {
    attn::Json top = attn::Json::array();
    for (const Prediction& p : l.top) top.push_back({{"id", p.id}, {"token", p.token}, {"p", p.p}});
    lens.push_back({{"layer", l.layer},
                    {"top", std::move(top)},
                    {"target_prob", l.target_prob},
                    {"target_rank", l.target_rank}});
  }
  out["logit_lens"] = std::move(lens);
  return out;
}

int one_token(const Gpt2& m, const std::string& field, const std::string& text, const std::string& or_else) {
  if (text.empty()) attn::fail_field(field, "empty: give a token or " + or_else);
  const std::vector<int> ids = m.tokenizer.encode(text);
  if (ids.size() == 1) return ids[0];
  std::string list;
  for (int i : ids) list += (list.empty() ? "" : ", ") + std::to_string(i);
  attn::fail_field(field, "\"" + text + "\" is " + std::to_string(ids.size()) + " tokens here (" + list +
                              "), not one: give one token or " + or_else);
}

namespace {

// A token as its id or as its one-token text.
int read_token(const Gpt2& m, const attn::Json& v, const std::string& field) {
  if (v.is_string()) return one_token(m, field, v.get<std::string>(), "its id");
  return attn::read_int(v, field, 0, m.config.vocab_size - 1);
}

// {target, contrast?} of an explain or patch request.
LogitTarget read_target(const Gpt2& m, const attn::Json& j) {
  if (!j.contains("target"))
    attn::fail_field("target", "missing: the next token asked about (its id or text)");
  return {read_token(m, j["target"], "target"),
          j.contains("contrast") ? read_token(m, j["contrast"], "contrast") : -1};
}

// The text `field` (a string) or its token ids `ids`, one of them.
std::vector<int> read_text(const Gpt2& m, const attn::Json& j, const std::string& field,
                           const std::string& ids) {
  if (j.contains(field) == j.contains(ids)) attn::fail_field(field, "give " + field + " (a text) or " + ids);
  if (j.contains(field)) return m.tokenizer.encode(attn::read_string(j[field], field));
  const attn::Json& v = j[ids];
  if (!v.is_array() || v.empty()) attn::fail_field(ids, "expected a non-empty array of token ids");
  std::vector<int> out;
  for (const attn::Json& id : v) out.push_back(attn::read_int(id, ids, 0, m.config.vocab_size - 1));
  return out;
}

void known_fields(const attn::Json& j, const std::vector<std::string>& known) {
  if (!j.is_object()) attn::fail_field("request", "expected an object");
  std::string list;
  for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      attn::fail_field(it.key(), "unknown field (known: " + list + ")");
}

}  // namespace

attn::Json explain_request(const Gpt2& m, const attn::Json& j, double max_bytes, double max_backward) {
  known_fields(j, {"text", "token_ids", "target", "contrast", "steps"});
  const std::vector<int> ids = read_text(m, j, "text", "token_ids");
  const int steps = j.contains("steps") ? attn::read_int(j["steps"], "steps", 1, 1024) : 32;
  return explain_json(m, ids, read_target(m, j), steps, max_bytes, max_backward);
}

attn::Json patch_request(const Gpt2& m, const attn::Json& j, double max_work) {
  known_fields(j, {"clean", "corrupt", "clean_ids", "corrupt_ids", "target", "contrast"});
  return patch_json(m, read_text(m, j, "clean", "clean_ids"), read_text(m, j, "corrupt", "corrupt_ids"),
                    read_target(m, j), max_work);
}

attn::Json patch_json(const Gpt2& m, const std::vector<int>& clean, const std::vector<int>& corrupt,
                      const LogitTarget& t, double max_work) {
  const PatchReport r = patch_heads(m, clean, corrupt, t, max_work);
  const auto tokens = [&](const std::vector<int>& ids) {
    attn::Json out = attn::Json::array();
    for (int id : ids) out.push_back(m.tokenizer.token(id));
    return out;
  };
  attn::Json out = {{"tokens", tokens(clean)},
                    {"corrupt_tokens", tokens(corrupt)},
                    {"target", {{"id", t.target}, {"token", m.tokenizer.token(t.target)}}},
                    {"logit_clean", r.clean},
                    {"logit_corrupt", r.corrupt},
                    {"heads", r.heads},
                    {"positions", r.positions}};
  if (t.contrast >= 0) out["contrast"] = {{"id", t.contrast}, {"token", m.tokenizer.token(t.contrast)}};
  return out;
}

ModelRequest parse_model_request(const attn::Json& j) {
  if (!j.is_object())
    attn::fail_field(
        "request",
        "expected an object {text | token_ids, top, generate, temperature, seed, attention, gradient, "
        "attribution}");
  ModelRequest r;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const attn::Json& v = it.value();
    if (k == "text") {
      r.text = attn::read_string(v, "text");
    } else if (k == "token_ids") {
      if (!v.is_array() || v.empty())
        attn::fail_field("token_ids", "expected a non-empty array of token ids");
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
    } else if (k == "gradient" || k == "attribution") {
      const bool before = r.gradient || r.attribution;
      const int target = r.target, contrast = r.contrast;
      read_logit_target(v, k, r, k == "attribution");
      if (before && (r.target != target || r.contrast != contrast))
        attn::fail_field(k, "asks for another target or contrast than the other of gradient and attribution");
      (k == "gradient" ? r.gradient : r.attribution) = true;
    } else {
      attn::fail_field(
          k,
          "unknown field (known: text, token_ids, top, generate, temperature, seed, attention, gradient, "
          "attribution)");
    }
  }
  if (r.has_ids && j.contains("text")) attn::fail_field("text and token_ids", "give one of them, not both");
  if (!r.has_ids && !j.contains("text")) attn::fail_field("text", "missing (or give token_ids)");
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

attn::Json run_model_json(const Gpt2& m, const ModelRequest& r, double max_bytes, double max_backward) {
  const std::vector<int> ids = r.has_ids ? r.token_ids : m.tokenizer.encode(r.text);
  const Gpt2Config& c = m.config;
  const double T = static_cast<double>(ids.size()), total = T + r.generate;
  if (total > c.n_positions)
    attn::fail_field(r.generate ? "generate" : "text",
                     std::to_string(static_cast<long long>(T)) + " tokens" +
                         (r.generate ? " + " + std::to_string(r.generate) + " to generate" : "") +
                         " is more than the model's context (" + std::to_string(c.n_positions) + ")");
  if (r.gradient || r.attribution) {  // f64 passes with their tapes: refused before any is computed
    const double passes = r.attribution ? 2.0 * (r.steps + T + 2) : 2.0;
    const double ops = passes * m.parameters() * T;
    const double E = c.n_embd,
                 tape = 8.0 * c.n_layer * (c.n_head * (T * T + 3 * T * E / c.n_head) + 8 * T * E);
    char said[200];
    if (ops > max_backward) {
      std::snprintf(
          said, sizeof said,
          "%.1e multiply-adds (%.0f forward and backward passes over %.0f tokens); the limit here is "
          "%.0e: ask for fewer steps or a shorter text",
          ops, passes, T, max_backward);
      attn::fail_field(r.attribution ? "attribution" : "gradient", said);
    }
    if (tape > max_bytes)
      attn::fail_field(r.attribution ? "attribution" : "gradient",
                       "the backward pass keeps " + attn::human_bytes(tape) + " for " +
                           std::to_string(static_cast<int>(T)) + " tokens; the limit here is " +
                           attn::human_bytes(max_bytes) + ": ask for a shorter text");
  }
  const double numbers = (r.attention ? c.n_layer * c.n_head * T * T : 0) + c.vocab_size + T * 2 +
                         (r.gradient ? T * c.n_embd : 0) +
                         (r.attribution ? T * (5 + c.n_head * (1 + c.n_layer)) + 25 : 0);
  if (numbers * 88 > max_bytes)
    attn::fail_field(
        r.attention ? "attention" : "text",
        "the result would hold " + std::to_string(static_cast<long long>(numbers)) + " numbers (" +
            attn::human_bytes(numbers * 88) + " as JSON; the limit here is " + attn::human_bytes(max_bytes) +
            (r.attention ? "): ask without attention, or for a shorter text" : "): ask for a shorter text"));
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
  if (r.attribution) {
    out["attribution"] = attribution_json(attribute(m, ids, {r.target, r.contrast}, r.steps));
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
