// The named checks a lesson's prediction uses (see lesson.h): each computes its answer from the numbers the
// app shows for the state it is given — the same attention trace, cost model and model run the views draw —
// and explains it with those numbers. One table, one entry per check.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/cost.h"
#include "attn/json_read.h"
#include "attn/mask.h"
#include "attn/numerics.h"
#include "attn/sentence.h"
#include "ui/app_state.h"

namespace ui {

namespace {

std::string fmt(const char* f, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

std::string trim(std::string t) {
  while (!t.empty() && t.front() == ' ') t.erase(t.begin());
  return t;
}

// Checks count or compute over the problem's L × S pairs: a lesson may ask about long sequences, within
// reason (a check runs whenever its page opens).
void at_most(const AppState& s, int tokens) {
  if (s.problem.query_len() > tokens || s.problem.key_len() > tokens)
    attn::fail_field("check", "works on at most " + std::to_string(tokens) + " tokens; this input has " +
                                  std::to_string(s.problem.query_len()) + " × " +
                                  std::to_string(s.problem.key_len()));
}

// The trace of the shown head: the app's own result when it is current, else the same computation now (the
// step-through's sizes: at most kMaxStepTokens tokens).
const attn::HeadTrace<double>& shown(const AppState& s, attn::Result& scratch) {
  at_most(s, kMaxStepTokens);
  const int h = std::clamp(s.view.head, 0, s.problem.heads() - 1);
  if (s.derived.has_result && !s.dirty && static_cast<int>(s.derived.result.heads.size()) > h &&
      s.derived.result.heads[static_cast<size_t>(h)].weights.rows() == s.problem.query_len() &&
      s.derived.result.heads[static_cast<size_t>(h)].weights.cols() == s.problem.key_len())
    return s.derived.result.heads[static_cast<size_t>(h)];
  scratch = attn::run(s.problem);
  return scratch.heads.at(static_cast<size_t>(h));
}

// A row or key named by its token ("it", matched without leading spaces) or its index.
int position(const attn::Json& args, const char* field, const std::vector<std::string>& labels) {
  if (!args.contains(field)) attn::fail_field(field, "missing (a token or an index)");
  const attn::Json& v = args[field];
  if (v.is_number_integer()) return attn::read_int(v, field, 0, static_cast<int>(labels.size()) - 1);
  const std::string want = trim(attn::read_string(v, field));
  for (size_t i = 0; i < labels.size(); ++i)
    if (trim(labels[i]) == want) return static_cast<int>(i);
  attn::fail_field(field, "no token \"" + attn::printable(want) + "\" in this input");
}

// Labels a learner can tell apart: a repeated token gets its position ("the (#4)").
std::vector<std::string> distinct(const std::vector<std::string>& labels) {
  std::vector<std::string> out;
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::string t = trim(labels[i]);
    const bool repeated =
        std::count_if(labels.begin(), labels.end(), [&](const std::string& x) { return trim(x) == t; }) > 1;
    out.push_back(repeated ? t + " (#" + std::to_string(i) + ")" : t);
  }
  return out;
}

CheckResult choice_of(std::vector<std::string> choices, int answer, std::string why) {
  CheckResult r;
  r.choices = std::move(choices);
  r.answer = answer;
  r.explanation = std::move(why);
  return r;
}

CheckResult number_of(double value, double tolerance, std::string why) {
  CheckResult r;
  r.number = true;
  r.value = value;
  r.tolerance = tolerance;
  r.explanation = std::move(why);
  return r;
}

// The largest entry of row `row` of m, and the runner-up (−1 when there is none).
std::pair<int, int> top_two(const attn::MatD& m, int row) {
  int best = -1, second = -1;
  for (int j = 0; j < m.cols(); ++j) {
    if (!std::isfinite(m(row, j))) continue;
    if (best < 0 || m(row, j) > m(row, best))
      second = best, best = j;
    else if (second < 0 || m(row, j) > m(row, second))
      second = j;
  }
  return {best, second};
}

CheckResult strongest(const AppState& s, const attn::Json& args, bool weights) {
  attn::Result scratch;
  const attn::HeadTrace<double>& t = shown(s, scratch);
  const std::vector<std::string> q = attn::query_labels(s.problem), k = distinct(attn::key_labels(s.problem));
  const int row = position(args, "row", q);
  const attn::MatD& m = weights ? t.weights : t.scores;
  const auto [best, second] = top_two(m, row);
  if (best < 0) attn::fail_field("row", "every key is masked in the row of \"" + trim(q[row]) + "\"");
  const char* what = weights ? "weight" : "score q·k";
  std::string why = "“" + k[best] + "” has the largest " + what + " in the row of “" + trim(q[row]) +
                    "”: " + fmt("%.2f", m(row, best));
  if (second >= 0) why += "; next is “" + k[second] + "” with " + fmt("%.2f", m(row, second));
  return choice_of(k, best, why + ".");
}

CheckResult strongest_weight(const AppState& s, const attn::Json& args) { return strongest(s, args, true); }
CheckResult strongest_score(const AppState& s, const attn::Json& args) { return strongest(s, args, false); }

CheckResult row_sum(const AppState& s, const attn::Json& args) {
  attn::Result scratch;
  const attn::HeadTrace<double>& t = shown(s, scratch);
  const std::vector<std::string> q = attn::query_labels(s.problem);
  const int row = position(args, "row", q);
  const double sum = t.weights.row(row).sum();
  return number_of(sum, 0.01,
                   "The weights in the row of “" + trim(q[row]) + "” add up to " + fmt("%.4f", sum) +
                       (t.fully_masked[static_cast<size_t>(row)]
                            ? ": every key is masked, so this row gets no weights at all."
                            : ": softmax divides every exp by their sum, so a row always sums to 1."));
}

CheckResult weight(const AppState& s, const attn::Json& args) {
  attn::Result scratch;
  const attn::HeadTrace<double>& t = shown(s, scratch);
  const std::vector<std::string> q = attn::query_labels(s.problem), k = attn::key_labels(s.problem);
  const int row = position(args, "row", q), key = position(args, "key", k);
  const double w = t.weights(row, key);
  std::string why = "The weight of “" + trim(q[row]) + "” on “" + trim(k[key]) + "” is " + fmt("%.4f", w);
  if (std::isinf(t.masked(row, key))) why += ": the mask blocks this pair, its score is −∞ and exp(−∞) = 0";
  return number_of(w, 0.005, why + ".");
}

// Entropy of a row as it is, against the row with another multiplier on its raw scores.
CheckResult entropy_change(const AppState& s, const attn::Json& args, double multiplier, const char* change) {
  attn::Result scratch;
  const attn::HeadTrace<double>& t = shown(s, scratch);
  const std::vector<std::string> q = attn::query_labels(s.problem);
  const int row = position(args, "row", q);
  const int d_k = static_cast<int>(t.q.cols());
  const double now = attn::entropy_bits(
      attn::row_weights_with(t, row, attn::score_multiplier(s.problem.scale, d_k, s.problem.temperature)));
  const double then = attn::entropy_bits(attn::row_weights_with(t, row, multiplier));
  const int answer = std::fabs(then - now) < 0.005 ? 2 : then > now ? 0 : 1;
  return choice_of({"higher (flatter)", "lower (sharper)", "about the same"}, answer,
                   std::string("The row of “") + trim(q[row]) + "” has an entropy of " + fmt("%.2f", now) +
                       " bits now and " + fmt("%.2f", then) + " bits " + change + ".");
}

CheckResult entropy_without_scaling(const AppState& s, const attn::Json& args) {
  return entropy_change(s, args, 1.0 / s.problem.temperature, "without dividing by √d_k");
}

CheckResult entropy_at_temperature(const AppState& s, const attn::Json& args) {
  const double tau = attn::read_number(args.value("temperature", attn::Json()), "temperature", 0.01, 100);
  attn::Result scratch;
  const int d_k = static_cast<int>(shown(s, scratch).q.cols());
  return entropy_change(s, args, attn::score_multiplier(s.problem.scale, d_k, tau),
                        ("at temperature " + fmt("%g", tau)).c_str());
}

CheckResult fully_masked_rows(const AppState& s, const attn::Json&) {
  at_most(s, 4096);
  const int L = s.problem.query_len(), S = s.problem.key_len();
  int n = 0;
  for (int i = 0; i < L; ++i) n += attn::row_fully_masked(s.problem.mask, i, L, S) ? 1 : 0;
  return number_of(n, 0,
                   std::to_string(n) + " of the " + std::to_string(L) +
                       " rows have every key masked (mask: " + attn::mask_name(s.problem.mask) +
                       "); they get all-zero weights and a zero output instead of 0/0.");
}

CheckResult scores_needed(const AppState& s, const attn::Json&) {
  at_most(s, 4096);
  const int L = s.problem.query_len(), S = s.problem.key_len();
  const double n = attn::allowed_count(s.problem.mask, L, S);
  const std::string all = std::to_string(L) + " × " + std::to_string(S) + " = " + std::to_string(L * S);
  if (n == static_cast<double>(L) * S)
    return number_of(n, 0, "With no key blocked, every pair is scored: " + all + " scores, n² as n grows.");
  return number_of(n, 0,
                   "The mask (" + attn::mask_name(s.problem.mask) + ") allows " + fmt("%.0f", n) +
                       " of the " + all + " scores; a mask-aware kernel computes only those.");
}

CheckResult scale_factor(const AppState& s, const attn::Json&) {
  attn::Result scratch;
  const int d_k = static_cast<int>(shown(s, scratch).q.cols());
  const double m = attn::score_multiplier(s.problem.scale, d_k, 1.0);
  return number_of(m, 0.005,
                   "d_k = " + std::to_string(d_k) + ", so every score is multiplied by 1/√" +
                       std::to_string(d_k) + " = " + fmt("%.4f", m) + ".");
}

CheckResult linear_crossover(const AppState& s, const attn::Json&) {
  attn::Result scratch;
  const attn::HeadTrace<double>& t = shown(s, scratch);
  const int d_k = static_cast<int>(t.q.cols()), d_v = static_cast<int>(t.v.cols());
  const int n = attn::linear_crossover(d_k, d_v);
  return number_of(n, std::max(1.0, n * 0.1),
                   "With d_k = " + std::to_string(d_k) + " and d_v = " + std::to_string(d_v) +
                       ", linear attention needs fewer multiply-adds than softmax attention from n ≈ " +
                       std::to_string(n) + " tokens on (Variants → Linear).");
}

CheckResult flash_memory_ratio(const AppState& s, const attn::Json&) {
  at_most(s, 4096);
  const std::vector<attn::VariantCost> costs = attn::attention_costs(s.problem);
  const attn::VariantCost* f = attn::find_cost(costs, attn::CostWay::Flash);
  const double standard = costs.front().intermediate_bytes, flash = f ? f->intermediate_bytes : 0;
  if (flash <= 0) attn::fail_field("check", "this problem has no flash cost to compare");
  const double r = standard / flash;
  return number_of(r, r * 0.1,
                   "Standard attention holds the L×S matrix: " + fmt("%.0f", standard) +
                       " bytes; flash attention holds only its tiles: " + fmt("%.0f", flash) + " bytes, " +
                       fmt("%.1f", r) + "× less.");
}

CheckResult kv_cache_ratio(const AppState&, const attn::Json& args) {
  const int heads = attn::read_int(args.value("heads", attn::Json()), "heads", 1, 1024);
  const int kv = attn::read_int(args.value("kv_heads", attn::Json()), "kv_heads", 1, heads);
  const int layers = args.contains("layers") ? attn::read_int(args["layers"], "layers", 1, 1024) : 32;
  const int d = args.contains("d_head") ? attn::read_int(args["d_head"], "d_head", 1, 4096) : 128;
  const double full = attn::kv_cache_bytes(layers, heads, d, 8192, 2),
               grouped = attn::kv_cache_bytes(layers, kv, d, 8192, 2);
  return number_of(full / grouped, 0.01,
                   "At 8192 tokens in f16: " + std::to_string(heads) + " K/V heads need " +
                       fmt("%.2f", full / (1 << 30)) + " GiB, " + std::to_string(kv) + " need " +
                       fmt("%.2f", grouped / (1 << 30)) + " GiB: " + fmt("%.0f", full / grouped) +
                       "× less (the cache grows with the K/V heads, not the query heads).");
}

// [SECTION] the real model

const ModelRun& model_run(const AppState& s) {
  if (s.source != Source::Model || !s.model || s.derived.model_run.forward.layers.empty())
    attn::fail_field("check", "needs the real model on screen (inputs.source: \"model\")");
  return s.derived.model_run;
}

CheckResult head_with(const AppState& s, const attn::Json& args) {
  const ModelRun& r = model_run(s);
  const std::string pattern = attn::read_string(args.value("pattern", attn::Json()), "pattern");
  const auto score = [&](const model::HeadScores& h) {
    return pattern == "previous-token" ? h.previous
           : pattern == "induction"    ? h.induction
           : pattern == "first-token"  ? h.first
           : pattern == "self"         ? h.self
                                       : -1.0;
  };
  if (r.heads.empty() || score(r.heads.front()) < 0)
    attn::fail_field("pattern", "expected previous-token, induction, first-token or self");
  std::vector<std::string> choices;
  int best = 0;
  for (size_t i = 0; i < r.heads.size(); ++i) {
    choices.push_back("layer " + std::to_string(r.heads[i].layer) + ", head " +
                      std::to_string(r.heads[i].head));
    if (score(r.heads[i]) > score(r.heads[static_cast<size_t>(best)])) best = static_cast<int>(i);
  }
  return choice_of(choices, best,
                   choices[static_cast<size_t>(best)] + " scores highest for the pattern “" + pattern +
                       "”: " + fmt("%.2f", score(r.heads[static_cast<size_t>(best)])) +
                       (pattern == "induction" ? " (measured on a random string repeated: the weight on the "
                                                 "token after the previous copy)"
                                               : " (the mean weight it puts on that position)") +
                       ".");
}

CheckResult loss_without_head(const AppState& s, const attn::Json& args) {
  const ModelRun& r = model_run(s);
  const model::Gpt2Config& c = s.model->config;
  model::Ablation a;
  a.layer = attn::read_int(args.value("layer", attn::Json()), "layer", 0, c.n_layer - 1);
  a.head = attn::read_int(args.value("head", attn::Json()), "head", 0, c.n_head - 1);
  const double with = model::forward(*s.model, r.forward.ids).loss;
  const double without = model::forward(*s.model, r.forward.ids, {a}).loss;
  return choice_of({"rises (the text gets harder to predict)", "falls"}, without > with ? 0 : 1,
                   "The loss of this text is " + fmt("%.3f", with) +
                       " nats per token with every head on and " + fmt("%.3f", without) + " with layer " +
                       std::to_string(a.layer) + ", head " + std::to_string(a.head) + " switched off (" +
                       fmt("%+.3f", without - with) + ").");
}

CheckResult next_token(const AppState& s, const attn::Json&) {
  const ModelRun& r = model_run(s);
  const std::vector<model::Prediction>& top = r.next;
  if (top.empty()) attn::fail_field("check", "the model predicted nothing here");
  std::vector<model::Prediction> five(top.begin(), top.begin() + std::min<size_t>(5, top.size()));
  std::sort(five.begin(), five.end(), [](const auto& a, const auto& b) { return a.token < b.token; });
  std::vector<std::string> choices;
  int answer = 0;
  for (size_t i = 0; i < five.size(); ++i) {
    choices.push_back("“" + five[i].token + "”");
    if (five[i].id == top.front().id) answer = static_cast<int>(i);
  }
  return choice_of(choices, answer,
                   "The model gives “" + top.front().token + "” " + fmt("%.1f", 100 * top.front().p) + "%" +
                       (top.size() > 1 ? ", then “" + top[1].token + "” " + fmt("%.1f", 100 * top[1].p) + "%"
                                       : std::string()) +
                       ".");
}

}  // namespace

const std::vector<Check>& checks() {
  static const std::vector<Check> table = {
      {"strongest_weight", "which key gets the largest weight in a row {row}", strongest_weight},
      {"strongest_score", "which key has the largest score q·k in a row {row}", strongest_score},
      {"row_sum", "what the weights of a row add up to {row}", row_sum},
      {"weight", "the weight of one query on one key {row, key}", weight},
      {"entropy_without_scaling", "whether a row's entropy rises or falls without 1/√d_k {row}",
       entropy_without_scaling},
      {"entropy_at_temperature", "whether a row's entropy rises or falls at a temperature {row, temperature}",
       entropy_at_temperature},
      {"fully_masked_rows", "how many rows the mask blocks completely", fully_masked_rows},
      {"scores_needed", "how many scores the mask allows", scores_needed},
      {"scale_factor", "the number every score is multiplied by (1/√d_k)", scale_factor},
      {"linear_crossover", "the n from which linear attention needs fewer multiply-adds", linear_crossover},
      {"flash_memory_ratio", "how many times less memory flash attention holds than standard",
       flash_memory_ratio},
      {"kv_cache_ratio", "how many times smaller the KV cache is with fewer K/V heads {heads, kv_heads}",
       kv_cache_ratio},
      {"head_with", "which of the model's heads is most a pattern {pattern}", head_with},
      {"loss_without_head", "whether the text's loss rises or falls without a head {layer, head}",
       loss_without_head},
      {"next_token", "the model's most likely next token", next_token},
  };
  return table;
}

const Check* find_check(const std::string& id) {
  for (const Check& c : checks())
    if (id == c.id) return &c;
  return nullptr;
}

}  // namespace ui
