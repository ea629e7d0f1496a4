// Shared checks of the libFuzzer harnesses (tests/fuzz/fuzz_*.cpp): what every answer must be. A failed
// check aborts, which libFuzzer reports as a crash with the input that caused it.
#pragma once

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "app/derive.h"
#include "attn/budget.h"
#include "attn/json_text.h"
#include "compute/cpu_backend.h"
#include "model/gpt2.h"
#include "state/narration.h"
#include "state/share.h"

namespace fuzz {

[[noreturn]] inline void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz: %s: %.400s\n", what, detail.c_str());
  std::abort();
}

// A message for the learner: printable UTF-8 and not empty. (Raw library messages cannot reach one: only
// ProblemErrors become messages; any other exception escapes the entry point or sets JsonRun::internal, and
// the harness reports it.)
inline void check_message(const std::string& m) {
  if (m.empty()) fail("empty message", m);
  if (attn::printable(m) != m) fail("message is not printable UTF-8", m);
}

// Limits small enough that one input runs in milliseconds (the defaults allow seconds).
inline attn::RunOptions limits() {
  attn::RunOptions o;
  o.max_bytes = 64.0 * 1024 * 1024;
  o.max_operations = 3e6;
  return o;
}

// A Result (or {"error"}) as the CLI and attnlab.run return it: writable, and never NaN/∞ in its numbers.
inline void check_answer(const compute::JsonRun& r) {
  const std::string text = attn::dump_json(r.json);
  if (r.internal) fail("an exception that is not a ProblemError", text);
  if (!r.ok) return check_message(r.json.at("error").get<std::string>());
  for (const char* field : {"output", "attention_weights"})
    if (r.json.contains(field) && attn::dump_json(r.json[field]).find("null") != std::string::npos &&
        !(std::string(field) == "attention_weights" && r.json[field].is_null()))
      fail("a result holds NaN or ∞", text);
}

// As encodeURIComponent writes it (what attnlab.link() does to the state's JSON).
inline std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || std::strchr("-_.!~*'()", c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// A GPT-2 as small as the format allows, with the bundled model's name and tokenizer and seeded weights: the
// same code paths as the bundled model (links that name it open), at a fraction of the cost per input (its
// forward passes under ASan took seconds, and a harness did tens of inputs a second). The bundled model's
// own numbers are checked by the core and golden tests.
inline std::shared_ptr<const model::Gpt2> small_model() {
  static const std::shared_ptr<const model::Gpt2> m = [] {
    const model::Gpt2 bundled =
        model::load_gpt2_dir(std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen", 1e9);
    auto g = std::make_shared<model::Gpt2>();
    g->name = bundled.name;
    g->card = "a small random GPT-2 (fuzzing)";
    g->config = bundled.config;
    g->config.n_layer = 2, g->config.n_head = 4, g->config.n_embd = 8, g->config.n_positions = 128;
    g->tokenizer = bundled.tokenizer;
    const int E = 8, V = g->config.vocab_size;
    std::srand(5);
    const auto rnd = [](int r, int c) { return attn::MatF(attn::MatF::Random(r, c) * 0.3f); };
    const auto one = [](int n) { return attn::VecF(attn::VecF::Ones(n)); };
    const auto zero = [](int n) { return attn::VecF(attn::VecF::Zero(n)); };
    g->wte = rnd(V, E);
    g->wpe = rnd(128, E);
    for (int l = 0; l < 2; ++l)
      g->layers.push_back({one(E), zero(E), rnd(E, 3 * E), zero(3 * E), rnd(E, E), zero(E), one(E), zero(E),
                           rnd(E, 4 * E), zero(4 * E), rnd(4 * E, E), zero(E)});
    g->ln_f_w = one(E);
    g->ln_f_b = zero(E);
    return std::shared_ptr<const model::Gpt2>(g);
  }();
  return m;
}

// The app as it starts: the scenario library and a model (small_model()).
inline state::AppState base_state() {
  state::AppState s = state::default_state(attn::load_scenarios(ATTN_SCENARIO_DIR));
  s.model = small_model();
  return s;
}

// A fresh app that shares s's library and model (to reopen what s says).
inline state::AppState fresh_like(const state::AppState& s) {
  state::AppState out = state::default_state(s.scenarios);
  out.model = s.model;
  out.lessons = s.lessons;
  out.update_derived().model_run.induction =
      s.derived().model_run.induction;  // (measured once per model, as the app keeps them)
  out.update_derived().model_run.induction_of = s.derived().model_run.induction_of;
  return out;
}

// What the app does with a state it accepted: derive, describe, link it, and reopen its link and JSON.
inline void exercise(state::AppState& s) {
  attn::RunOptions o = limits();
  if (attn::estimate_budget(s.problem(), o).operations > o.max_operations ||
      attn::estimate_budget(s.problem(), o).bytes > o.max_bytes) {
    s.dirty = false;  // (too big to run for every input; the budget itself is what the other harness checks)
  }
  derive(s);
  if (!s.derived().error.empty()) check_message(s.derived().error);
  (void)s.step();
  if (s.derived().has_result && s.derived().error.empty()) {
    (void)attn::dump_json(state::narration_json(s));
    (void)state::explain_current(s);
  }
  const std::string held = attn::dump_json(state::state_to_json(s));
  const std::string link = "http://127.0.0.1/#state=" + percent_encode(attn::dump_json(state::link_state(s)));
  state::AppState again = fresh_like(s);
  if (!state::open_shared(again, held))
    fail("a state the app holds does not reopen", state::notice_text(again));
  state::AppState linked = fresh_like(s);
  if (!state::open_shared(linked, link))
    fail("a link the app makes does not reopen", state::notice_text(linked));
}

}  // namespace fuzz
