// The named checks a lesson's prediction uses (see lesson.h): each computes its answer from the numbers the
// app shows for the state it is given — the same attention trace, cost model and model run the views draw —
// and explains it with those numbers. One table, one entry per check.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/cost.h"
#include "attn/format.h"
#include "attn/json_io.h"
#include "attn/json_read.h"
#include "attn/mask.h"
#include "attn/numerics.h"
#include "attn/sentence.h"
#include "state/app_state.h"
#include "state/lesson.h"

namespace state {

namespace {

using attn::count_arg;
using attn::fixed_arg;
using attn::percent_arg;
using attn::text_arg;

std::string trim(std::string t) {
  while (!t.empty() && t.front() == ' ') t.erase(t.begin());
  return t;
}

// Checks count or compute over the problem's L × S pairs: a lesson may ask about long sequences, within
// reason (a check runs whenever its page opens).
void at_most(const AppState& s, int tokens) {
  if (s.problem().query_len() > tokens || s.problem().key_len() > tokens)
    throw CheckError("check", {"check.error.too_long",
                               {count_arg("max", tokens), count_arg("l", s.problem().query_len()),
                                count_arg("s", s.problem().key_len())}});
}

// The trace of the shown head: the app's own result when it is current, else the same computation now (the
// step-through's sizes: at most kMaxStepTokens tokens).
const attn::HeadTrace<double>& shown(const AppState& s, attn::Result& scratch) {
  at_most(s, kMaxStepTokens);
  const int h = std::clamp(s.view.head, 0, s.problem().heads() - 1);
  if (s.derived().has_result && !s.dirty && static_cast<int>(s.derived().result.heads.size()) > h &&
      s.derived().result.heads[static_cast<size_t>(h)].weights.rows() == s.problem().query_len() &&
      s.derived().result.heads[static_cast<size_t>(h)].weights.cols() == s.problem().key_len())
    return s.derived().result.heads[static_cast<size_t>(h)];
  scratch = attn::run(s.problem());
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
  throw CheckError(field, {"check.error.no_token", {text_arg("token", attn::printable(want))}});
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

}  // namespace

CheckError::CheckError(const std::string& field, attn::Message m)
    : attn::ProblemError(field + ": " + attn::say(attn::english(), m)), why(std::move(m)) {}

namespace {

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
  const std::vector<std::string> q = attn::query_labels(s.problem()),
                                 k = distinct(attn::key_labels(s.problem()));
  const int row = position(args, "row", q);
  const attn::MatD& m = weights ? t.weights : t.scores;
  const auto [best, second] = top_two(m, row);
  if (best < 0) throw CheckError("row", {"check.error.all_masked", {text_arg("row", trim(q[row]))}});
  std::vector<attn::MessageArg> said = {text_arg("key", k[best]), text_arg("row", trim(q[row])),
                                        fixed_arg("value", m(row, best), 2)};
  std::string id = weights ? "check.strongest.weight" : "check.strongest.score";
  if (second >= 0) {
    id += "_next";
    said.push_back(text_arg("next", k[second]));
    said.push_back(fixed_arg("next_value", m(row, second), 2));
  }
  CheckResult r = choice_of(k, best, say(s, id, std::move(said)));
  r.show_stage = static_cast<int>(weights ? attn::Stage::Softmax : attn::Stage::Scores);
  r.show_row = row, r.show_key = best;
  return r;
}

CheckResult strongest_weight(const AppState& s, const attn::Json& args) { return strongest(s, args, true); }
CheckResult strongest_score(const AppState& s, const attn::Json& args) { return strongest(s, args, false); }

CheckResult row_sum(const AppState& s, const attn::Json& args) {
  attn::Result scratch;
  const attn::HeadTrace<double>& t = shown(s, scratch);
  const std::vector<std::string> q = attn::query_labels(s.problem());
  const int row = position(args, "row", q);
  const double sum = t.weights.row(row).sum();
  CheckResult r =
      number_of(sum, 0.01,
                say(s, t.fully_masked[static_cast<size_t>(row)] ? "check.row_sum.masked" : "check.row_sum",
                    {text_arg("row", trim(q[row])), fixed_arg("sum", sum, 4)}));
  r.show_stage = static_cast<int>(attn::Stage::Softmax), r.show_row = row;
  return r;
}

CheckResult weight(const AppState& s, const attn::Json& args) {
  attn::Result scratch;
  const attn::HeadTrace<double>& t = shown(s, scratch);
  const std::vector<std::string> q = attn::query_labels(s.problem()), k = attn::key_labels(s.problem());
  const int row = position(args, "row", q), key = position(args, "key", k);
  const double w = t.weights(row, key);
  CheckResult r = number_of(
      w, 0.005,
      say(s, std::isinf(t.masked(row, key)) ? "check.weight.blocked" : "check.weight",
          {text_arg("row", trim(q[row])), text_arg("key", trim(k[key])), fixed_arg("weight", w, 4)}));
  r.show_stage = static_cast<int>(attn::Stage::Softmax), r.show_row = row, r.show_key = key;
  return r;
}

// Entropy of a row as it is, against the row with another multiplier on its raw scores; `id` says which
// (its {row}, {now} and {then}, and `more`).
CheckResult entropy_change(const AppState& s, const attn::Json& args, double multiplier, const char* id,
                           std::vector<attn::MessageArg> more = {}) {
  attn::Result scratch;
  const attn::HeadTrace<double>& t = shown(s, scratch);
  const std::vector<std::string> q = attn::query_labels(s.problem());
  const int row = position(args, "row", q);
  const int d_k = static_cast<int>(t.q.cols());
  const double now = attn::entropy_bits(attn::row_weights_with(
      t, row, attn::score_multiplier(s.problem().scale, d_k, s.problem().temperature)));
  const double then = attn::entropy_bits(attn::row_weights_with(t, row, multiplier));
  const int answer = std::fabs(then - now) < 0.005 ? 2 : then > now ? 0 : 1;
  more.push_back(text_arg("row", trim(q[row])));
  more.push_back(fixed_arg("now", now, 2));
  more.push_back(fixed_arg("then", then, 2));
  return choice_of(
      {words(s, "check.entropy.higher"), words(s, "check.entropy.lower"), words(s, "check.entropy.same")},
      answer, say(s, id, std::move(more)));
}

CheckResult entropy_without_scaling(const AppState& s, const attn::Json& args) {
  return entropy_change(s, args, 1.0 / s.problem().temperature, "check.entropy.without_scaling");
}

CheckResult entropy_at_temperature(const AppState& s, const attn::Json& args) {
  const double tau = attn::read_number(args.value("temperature", attn::Json()), "temperature", 0.01, 100);
  attn::Result scratch;
  const int d_k = static_cast<int>(shown(s, scratch).q.cols());
  char t[32];  // (as the lesson wrote it: 0.5, 2; no fixed count of decimals)
  std::snprintf(t, sizeof t, "%g", tau);
  return entropy_change(s, args, attn::score_multiplier(s.problem().scale, d_k, tau),
                        "check.entropy.at_temperature",
                        {text_arg("temperature", attn::decimals(catalog(s), t))});
}

CheckResult fully_masked_rows(const AppState& s, const attn::Json&) {
  at_most(s, 4096);
  const int L = s.problem().query_len(), S = s.problem().key_len();
  int n = 0;
  for (int i = 0; i < L; ++i) n += attn::row_fully_masked(s.problem().mask, i, L, S) ? 1 : 0;
  return number_of(n, 0,
                   say(s, "check.fully_masked_rows",
                       {count_arg("n", n), count_arg("rows", L),
                        attn::words_arg("mask", attn::mask_message(s.problem().mask))}));
}

CheckResult scores_needed(const AppState& s, const attn::Json&) {
  at_most(s, 4096);
  const int L = s.problem().query_len(), S = s.problem().key_len();
  const double n = attn::allowed_count(s.problem().mask, L, S);
  std::vector<attn::MessageArg> args = {count_arg("l", L), count_arg("s", S), count_arg("all", L * S)};
  if (n == static_cast<double>(L) * S)
    return number_of(n, 0, say(s, "check.scores_needed.all", std::move(args)));
  args.push_back(attn::words_arg("mask", attn::mask_message(s.problem().mask)));
  args.push_back(count_arg("n", n));
  return number_of(n, 0, say(s, "check.scores_needed", std::move(args)));
}

CheckResult scale_factor(const AppState& s, const attn::Json&) {
  attn::Result scratch;
  const int d_k = static_cast<int>(shown(s, scratch).q.cols());
  const double m = attn::score_multiplier(s.problem().scale, d_k, 1.0);
  return number_of(m, 0.005,
                   say(s, "check.scale_factor", {count_arg("d_k", d_k), fixed_arg("factor", m, 4)}));
}

// {position}: "sinusoidal", "rope" or "alibi" — do the scores change when every position moves along?
CheckResult scores_after_shift(const AppState& s, const attn::Json& args) {
  at_most(s, kMaxStepTokens);
  const attn::PositionSpec pos = attn::position_from_json(args.value("position", attn::Json()));
  double change = 0;
  try {
    change = shift_change(s, pos.kind);
  } catch (const attn::ProblemError& e) {
    throw CheckError("position", {"check.error.other", {text_arg("error", e.what())}});
  }
  const bool moves = change > 1e-4;  // (f32 rotations round at ~1e-7)
  return choice_of(
      {words(s, "check.shift.changes"), words(s, "check.shift.stays")}, moves ? 0 : 1,
      say(s, moves ? "check.shift.moved" : "check.shift.kept",
          {attn::words_arg("position",
                           {"position." + std::string(attn::position_kind(pos.kind).id) + ".title", {}}),
           count_arg("t", kPositionShift), attn::math_arg("diff", attn::fmt3(change))}));
}

// {head}: ALiBi's geometric slope of that head for the problem's number of heads.
CheckResult alibi_slope(const AppState& s, const attn::Json& args) {
  const int h = s.problem().heads();
  const int head = attn::read_int(args.value("head", attn::Json(0)), "head", 0, h - 1);
  attn::PositionSpec alibi;
  alibi.kind = attn::PositionSpec::Kind::Alibi;
  const double slope = attn::alibi_slopes(alibi, h)[static_cast<size_t>(head)];
  return number_of(
      slope, slope * 0.02,
      say(s, "check.alibi_slope",
          {count_arg("h", h), count_arg("head", head), attn::math_arg("slope", attn::fmt3(slope))}));
}

CheckResult linear_crossover(const AppState& s, const attn::Json&) {
  attn::Result scratch;
  const attn::HeadTrace<double>& t = shown(s, scratch);
  const int d_k = static_cast<int>(t.q.cols()), d_v = static_cast<int>(t.v.cols());
  const int n = attn::linear_crossover(d_k, d_v);
  return number_of(
      n, std::max(1.0, n * 0.1),
      say(s, "check.linear_crossover", {count_arg("d_k", d_k), count_arg("d_v", d_v), count_arg("n", n)}));
}

CheckResult flash_memory_ratio(const AppState& s, const attn::Json&) {
  at_most(s, 4096);
  const std::vector<attn::VariantCost> costs = attn::attention_costs(s.problem());
  const attn::VariantCost* f = attn::find_cost(costs, attn::CostWay::Flash);
  const double standard = costs.front().intermediate_bytes, flash = f ? f->intermediate_bytes : 0;
  if (flash <= 0) throw CheckError("check", {"check.error.no_flash_cost", {}});
  const double r = standard / flash;
  return number_of(
      r, r * 0.1,
      say(s, "check.flash_memory_ratio",
          {fixed_arg("standard", standard, 0), fixed_arg("flash", flash, 0), fixed_arg("ratio", r, 1)}));
}

CheckResult kv_cache_ratio(const AppState& s, const attn::Json& args) {
  const int heads = attn::read_int(args.value("heads", attn::Json()), "heads", 1, 1024);
  const int kv = attn::read_int(args.value("kv_heads", attn::Json()), "kv_heads", 1, heads);
  const int layers = args.contains("layers") ? attn::read_int(args["layers"], "layers", 1, 1024) : 32;
  const int d = args.contains("d_head") ? attn::read_int(args["d_head"], "d_head", 1, 4096) : 128;
  const double full = attn::kv_cache_bytes(layers, heads, d, 8192, 2),
               grouped = attn::kv_cache_bytes(layers, kv, d, 8192, 2);
  return number_of(
      full / grouped, 0.01,
      say(s, "check.kv_cache_ratio",
          {count_arg("tokens", 8192), count_arg("heads", heads), fixed_arg("full", full / (1 << 30), 2),
           count_arg("kv_heads", kv), fixed_arg("grouped", grouped / (1 << 30), 2),
           fixed_arg("ratio", full / grouped, 0)}));
}

// [SECTION] the real model

const ModelRun& model_run(const AppState& s) {
  if (s.source != Source::Model || !s.model || s.derived().model_run.forward.layers.empty())
    throw CheckError("check", {"check.error.needs_model", {}});
  return s.derived().model_run;
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
    choices.push_back(say(s, "check.head_with.choice",
                          {count_arg("layer", r.heads[i].layer), count_arg("head", r.heads[i].head)}));
    if (score(r.heads[i]) > score(r.heads[static_cast<size_t>(best)])) best = static_cast<int>(i);
  }
  return choice_of(choices, best,
                   say(s, pattern == "induction" ? "check.head_with.induction" : "check.head_with",
                       {text_arg("head", choices[static_cast<size_t>(best)]),
                        attn::words_arg("pattern", head_label(pattern)),
                        fixed_arg("score", score(r.heads[static_cast<size_t>(best)]), 2)}));
}

CheckResult loss_without_head(const AppState& s, const attn::Json& args) {
  const ModelRun& r = model_run(s);
  const model::Gpt2Config& c = s.model->config;
  model::Ablation a;
  a.layer = attn::read_int(args.value("layer", attn::Json()), "layer", 0, c.n_layer - 1);
  a.head = attn::read_int(args.value("head", attn::Json()), "head", 0, c.n_head - 1);
  const double with = model::forward(*s.model, r.forward.ids).loss;
  const double without = model::forward(*s.model, r.forward.ids, {a}).loss;
  return choice_of(
      {words(s, "check.loss_without_head.rises"), words(s, "check.loss_without_head.falls")},
      without > with ? 0 : 1,
      say(s, "check.loss_without_head",
          {fixed_arg("with", with, 3), fixed_arg("without", without, 3), count_arg("layer", a.layer),
           count_arg("head", a.head), fixed_arg("change", without - with, 3, true)}));
}

CheckResult next_token(const AppState& s, const attn::Json&) {
  const ModelRun& r = model_run(s);
  const std::vector<model::Prediction>& top = r.next;
  if (top.empty()) throw CheckError("check", {"check.error.no_prediction", {}});
  std::vector<model::Prediction> five(top.begin(), top.begin() + std::min<size_t>(5, top.size()));
  std::sort(five.begin(), five.end(), [](const auto& a, const auto& b) { return a.token < b.token; });
  std::vector<std::string> choices;
  int answer = 0;
  for (size_t i = 0; i < five.size(); ++i) {
    choices.push_back("“" + five[i].token + "”");
    if (five[i].id == top.front().id) answer = static_cast<int>(i);
  }
  std::vector<attn::MessageArg> why = {text_arg("token", top.front().token),
                                       percent_arg("p", top.front().p, 1)};
  if (top.size() > 1) {
    why.push_back(text_arg("next", top[1].token));
    why.push_back(percent_arg("next_p", top[1].p, 1));
  }
  return choice_of(choices, answer,
                   say(s, top.size() > 1 ? "check.next_token.then" : "check.next_token", why));
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
      {"scores_after_shift", "whether the scores change when every position moves along {position}",
       scores_after_shift},
      {"alibi_slope", "ALiBi's slope for one head {head}", alibi_slope},
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

}  // namespace state
