// window.attnlab.getState()/setState(): AppState ↔ {problem, inputs, step, view} JSON. Reading validates
// everything on a copy first, so a bad state changes nothing and names the field that is wrong.
#include <algorithm>

#include "attn/json_read.h"
#include "state/app_state.h"
#include "state/lesson.h"

namespace state {

namespace {

const char* granularity_name(attn::Granularity g) { return g == attn::Granularity::Cell ? "cell" : "row"; }

using attn::read_int;  // (an integer within ±2³¹: a larger one is refused, never truncated)

attn::StepIndex read_index(const attn::Json& j, const std::string& field) {
  if (!j.is_number_integer() || j.get<double>() < -9e18 || j.get<double>() > 9e18)
    attn::fail_field(field, "expected an integer, got " + attn::brief(j));
  return j.get<attn::StepIndex>();
}

bool settings_only(const attn::Json& problem) {
  if (!problem.is_object()) return false;
  for (auto it = problem.begin(); it != problem.end(); ++it)
    if (std::find(std::begin(kSettingFields), std::end(kSettingFields), it.key()) == std::end(kSettingFields))
      return false;
  return true;
}

std::string join(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& t : tokens) out += (out.empty() ? "" : " ") + t;
  return out;
}

void read_view(ViewState& v, const attn::Json& j) {
  if (!j.is_object()) attn::fail_field("view", "expected an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const attn::Json& x = it.value();
    if (k == "ui_scale") {
      v.ui_scale = static_cast<float>(attn::read_number(x, "view.ui_scale", 1, 3));
    } else if (k == "high_contrast" || k == "show_values" || k == "input_panel" || k == "projector") {
      (k == "high_contrast" ? v.high_contrast
       : k == "show_values" ? v.show_values
       : k == "projector"   ? v.projector
                            : v.input_panel) = attn::read_bool(x, "view." + k);
    } else if (k == "head") {
      v.head = read_int(x, "view.head");
    } else if (k == "panel") {
      v.panel = attn::named_value(kViews, x, "view.panel");
    } else if (k == "variants") {
      if (!x.is_object())
        attn::fail_field("view.variants", "expected an object {section, flash_step, model, context}");
      for (auto jt = x.begin(); jt != x.end(); ++jt) {
        const std::string& f = jt.key();
        if (f == "section") {
          v.variants.section = attn::named_value(kVariantParts, jt.value(), "view.variants.section");
        } else if (f == "flash_step") {
          v.variants.flash_step = read_int(jt.value(), "view.variants.flash_step");
        } else if (f == "model") {
          v.variants.model = std::clamp(read_int(jt.value(), "view.variants.model"), 0, 2);
        } else if (f == "context") {
          v.variants.context = std::clamp(read_int(jt.value(), "view.variants.context"), 1, 1 << 24);
        } else {
          attn::fail_field("view.variants." + f,
                           "unknown field (known: section, flash_step, model, context)");
        }
      }
    } else if (k == "backend") {
      if (x != "cpu" && x != "webgpu")
        attn::fail_field("view.backend", "unknown " + attn::brief(x) + " (known: cpu, webgpu)");
      v.backend = x == "webgpu" ? Backend::WebGpu : Backend::Cpu;
    } else if (k == "logit_scale") {
      v.logit_scale = attn::read_number(x, "view.logit_scale", 0.1, 1000);
    } else if (k == "quiz") {
      v.quiz = held_from_json(x, "view.quiz");
    } else if (k == "language") {
      const std::string locale = attn::read_string(x, "view.language");
      if (!attn::catalog_for(locale)) {
        std::string known;
        for (const attn::Catalog& c : attn::catalogs()) known += (known.empty() ? "" : ", ") + c.locale;
        attn::fail_field("view.language", "unknown " + attn::brief(x) + " (known: " + known + ")");
      }
      v.language = locale;
    } else {
      attn::fail_field(
          "view." + k,
          "unknown field (known: ui_scale, high_contrast, head, show_values, panel, backend, variants, "
          "logit_scale, input_panel, projector, quiz, language)");
    }
  }
}

// heads, kv_heads (default 1 and heads) and position (default none) for the vectors in s.inputs.
void read_heads(AppState& s, const attn::Json& j) {
  s.setup.position = attn::PositionSpec();
  if (j.contains("position")) {
    try {
      s.setup.position = attn::position_from_json(j["position"]);
    } catch (const attn::ProblemError& e) {
      attn::fail_field("inputs", e.what());
    }
    if (s.setup.position.kind == attn::PositionSpec::Kind::Learned)
      attn::fail_field("inputs.position",
                       "a sentence's vectors are random: a learned table comes with a trained model "
                       "(use sinusoidal, rope or alibi)");
  }
  s.setup.heads = j.contains("heads") ? read_int(j["heads"], "inputs.heads") : 1;
  s.setup.kv_heads = j.contains("kv_heads") ? read_int(j["kv_heads"], "inputs.kv_heads") : s.setup.heads;
  if (!heads_possible(s, s.setup.heads))
    attn::fail_field("inputs.heads", std::to_string(s.setup.heads) + " heads need d_k = d_model (" +
                                         std::to_string(s.setup.d_model) +
                                         ") divisible by them and a square W_V; d_k is " +
                                         std::to_string(s.setup.d_k) + ", W_V has " +
                                         std::to_string(s.inputs.w_v.cols()) + " columns");
  if (s.setup.kv_heads < 1 || s.setup.heads % s.setup.kv_heads != 0)
    attn::fail_field("inputs.kv_heads", std::to_string(s.setup.kv_heads) +
                                            " does not divide heads = " + std::to_string(s.setup.heads));
}

// (Long on purpose: the inputs' fields read in document order, each naming its own field when wrong.)
void read_inputs(AppState& s, const attn::Json& j) {
  if (!j.is_object()) attn::fail_field("inputs", "expected an object");
  if (j.contains("source") && j["source"] == "model") return model_inputs_from_json(s, j);
  if (j.contains("scenario") && !j["scenario"].is_string())
    attn::fail_field("inputs.scenario", "expected a string");
  const std::string id = j.value("scenario", std::string());
  if (!id.empty() &&
      !j.contains("sentence")) {  // {"scenario": "refund"} loads it (seed, heads, kv_heads too)
    const auto sc = std::find_if(s.scenarios.begin(), s.scenarios.end(),
                                 [&](const attn::Scenario& c) { return c.id == id; });
    if (sc == s.scenarios.end()) {
      std::string known;
      for (const attn::Scenario& c : s.scenarios) known += (known.empty() ? "" : ", ") + c.id;
      attn::fail_field("inputs.scenario", "unknown \"" + id + "\" (known: " + known + ")");
    }
    if (sc->uses_model) return load_model_scenario(s, *sc);  // (its model's text, layer and head)
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "scenario" && it.key() != "seed" && it.key() != "heads" && it.key() != "kv_heads" &&
          it.key() != "position" && !(it.key() == "source" && it.value() == "embeddings"))
        attn::fail_field(
            "inputs." + it.key(),
            "not with a scenario alone (known: seed, heads, kv_heads, position; to change its vectors give "
            "sentence, "
            "x, "
            "w_q, w_k and w_v too)");
    load_scenario(s, *sc);
    if (j.contains("seed")) s.setup.seed = attn::read_seed(j["seed"], "inputs.seed");
    read_heads(s, j);
    refresh_problem(s);
    attn::validate(s.problem());  // (a position that does not fit the scenario's heads: refused here)
    return;
  }
  if (j.contains("source") && j["source"] == "direct") {
    if (s.source != Source::Direct) s.typed = s.problem();  // (q, k, v as they are, typed from now on)
    s.source = Source::Direct;
    return;
  }
  if (!j.contains("sentence") || !j["sentence"].is_string())
    attn::fail_field("inputs.sentence", "expected a string");
  s.sentence = j["sentence"].get<std::string>();
  if (j.contains("key_sentence") && !j["key_sentence"].is_string())
    attn::fail_field("inputs.key_sentence", "expected a string");
  s.key_sentence = j.value("key_sentence", std::string());
  s.scenario_id = id;
  s.setup.tokens = attn::tokenize(s.sentence);
  if (s.setup.tokens.empty()) s.setup.tokens = {"(empty)"};  // as the input panel does
  s.setup.key_tokens = attn::tokenize(s.key_sentence);
  if (j.contains("seed")) s.setup.seed = attn::read_seed(j["seed"], "inputs.seed");
  const bool given = j.contains("x") || j.contains("w_q") || j.contains("w_k") || j.contains("w_v");
  if (given) {
    for (const char* f : {"x", "w_q", "w_k", "w_v"})
      if (!j.contains(f))
        attn::fail_field(std::string("inputs.") + f, "missing (give x, w_q, w_k and w_v, or none of them)");
    for (const char* f : {"d_model", "d_k"})
      if (j.contains(f))
        attn::fail_field(std::string("inputs.") + f, "only with random vectors (when x is not given)");
    s.inputs.x = attn::matrix_from_json(j["x"], "inputs.x");
    s.inputs.w_q = attn::matrix_from_json(j["w_q"], "inputs.w_q");
    s.inputs.w_k = attn::matrix_from_json(j["w_k"], "inputs.w_k");
    s.inputs.w_v = attn::matrix_from_json(j["w_v"], "inputs.w_v");
  } else {  // {sentence, seed, d_model, d_k}: random vectors, made as the input panel makes them
    const attn::SentenceSetup defaults;  // (the same link gives the same vectors, whatever came before)
    s.setup.d_model = defaults.d_model;
    s.setup.d_k = defaults.d_k;
    if (!j.contains("seed")) s.setup.seed = defaults.seed;
    s.scenario_id.clear();  // a scenario's vectors are its own, not random ones
    const auto width = [&](const char* f, int& out) {
      if (!j.contains(f)) return;
      out = read_int(j[f], std::string("inputs.") + f);
      if (out < 1 || out > 64)
        attn::fail_field(std::string("inputs.") + f, "must be 1…64, got " + std::to_string(out));
    };
    width("d_model", s.setup.d_model);
    width("d_k", s.setup.d_k);
    s.inputs = attn::sentence_inputs(s.setup);
  }
  const Eigen::Index n = static_cast<Eigen::Index>(s.setup.tokens.size()), d = s.inputs.x.cols();
  if (s.inputs.x.rows() != n)
    attn::fail_field("inputs.x", "has " + std::to_string(s.inputs.x.rows()) + " rows, the sentence has " +
                                     std::to_string(n) + " tokens");
  s.inputs.x_kv.resize(0, 0);
  if (!s.setup.key_tokens.empty()) {  // given, or seeded like the sentence's own embeddings
    attn::SentenceSetup keys = s.setup;
    keys.d_model = static_cast<int>(d);
    s.inputs.x_kv = j.contains("x_kv") ? attn::matrix_from_json(j["x_kv"], "inputs.x_kv")
                                       : attn::sentence_inputs(keys).x_kv;
    if (s.inputs.x_kv.rows() != static_cast<Eigen::Index>(s.setup.key_tokens.size()) ||
        s.inputs.x_kv.cols() != d)
      attn::fail_field("inputs.x_kv", "needs one row per token of key_sentence (" +
                                          std::to_string(s.setup.key_tokens.size()) + ") and " +
                                          std::to_string(d) + " columns like x");
  }
  if (s.inputs.w_q.rows() != d || s.inputs.w_k.rows() != d || s.inputs.w_v.rows() != d)
    attn::fail_field("inputs.w_q", "W_Q, W_K and W_V need " + std::to_string(d) + " rows (the columns of x)");
  if (s.inputs.w_k.cols() != s.inputs.w_q.cols())
    attn::fail_field("inputs.w_k", "has " + std::to_string(s.inputs.w_k.cols()) + " columns, W_Q has " +
                                       std::to_string(s.inputs.w_q.cols()));
  s.setup.d_model = static_cast<int>(d);
  s.setup.d_k = static_cast<int>(s.inputs.w_q.cols());
  read_heads(s, j);
  s.features.clear();
  if (j.contains("features")) {
    s.features = attn::labels_from_json(j["features"], "inputs.features");
    if (static_cast<Eigen::Index>(s.features.size()) != d)
      attn::fail_field("inputs.features", "needs one name per column of x");
  } else {
    for (Eigen::Index c = 0; c < d; ++c) s.features.push_back("x" + std::to_string(c));
  }
  s.source = Source::Embeddings;
  refresh_problem(s);
  s.dirty = true;
  attn::validate(s.problem());
}

}  // namespace

attn::Json state_to_json(const AppState& s) {
  const attn::Step st = s.step();
  attn::Json step = {{"stage", attn::kStages[static_cast<int>(st.stage)].id},
                     {"phase", attn::kPhaseNames[static_cast<size_t>(st.phase)]},
                     {"query", st.query},
                     {"key", st.key},
                     {"index", st.index},
                     {"total", st.total},
                     {"granularity", granularity_name(s.granularity)},
                     {"playing", s.playing}};
  attn::Json view = {{"ui_scale", s.view.ui_scale},
                     {"high_contrast", s.view.high_contrast},
                     {"head", s.view.head},
                     {"show_values", s.view.show_values},
                     {"panel", kViews[static_cast<int>(s.view.panel)].id},
                     {"backend", s.view.backend == Backend::WebGpu ? "webgpu" : "cpu"},
                     {"variants",
                      {{"section", kVariantParts[static_cast<int>(s.view.variants.section)].id},
                       {"flash_step", s.view.variants.flash_step},
                       {"model", s.view.variants.model},
                       {"context", s.view.variants.context}}},
                     {"logit_scale", s.view.logit_scale},
                     {"input_panel", s.view.input_panel},
                     {"projector", s.view.projector},
                     {"quiz", held_to_json(s.view.quiz)},
                     {"language", s.view.language}};
  attn::Json inputs;
  if (s.source == Source::Direct) {
    inputs = {{"source", "direct"}};
  } else if (s.source == Source::Model) {
    inputs = model_inputs_to_json(s);
  } else {
    inputs = {{"source", "embeddings"},
              {"sentence", s.sentence},
              {"key_sentence", s.key_sentence},
              {"scenario", s.scenario_id},
              {"seed", s.setup.seed},
              {"heads", s.setup.heads},
              {"kv_heads", s.setup.kv_heads},
              {"features", s.features},
              {"x", attn::matrix_to_json(s.inputs.x)},
              {"w_q", attn::matrix_to_json(s.inputs.w_q)},
              {"w_k", attn::matrix_to_json(s.inputs.w_k)},
              {"w_v", attn::matrix_to_json(s.inputs.w_v)}};
    if (s.inputs.x_kv.size()) inputs["x_kv"] = attn::matrix_to_json(s.inputs.x_kv);
    if (s.setup.position.kind != attn::PositionSpec::Kind::None)
      inputs["position"] = attn::position_to_json(s.setup.position);
  }
  attn::Json problem = attn::problem_to_json(s.problem());
  if (s.source == Source::Model &&
      !(s.model && s.model->edits > 0)) {  // the model's numbers follow from the inputs
    attn::Json settings = attn::Json::object();
    for (const char* f : kSettingFields)
      if (problem.contains(f)) settings[f] = problem[f];
    problem = std::move(settings);
  }
  attn::Json out = {{"problem", std::move(problem)},
                    {"inputs", std::move(inputs)},
                    {"step", std::move(step)},
                    {"view", std::move(view)}};
  if (s.lesson.lesson >= 0) out["lesson"] = lesson_to_json(s);
  return out;
}

// (Long on purpose: the state's fields read in document order, each naming its own field when wrong.)
void state_from_json(AppState& s, const attn::Json& j) {
  if (!j.is_object())
    attn::fail_field("state",
                     "expected an object {problem, inputs, step, view}, got " + std::string(j.type_name()));
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "problem" && it.key() != "inputs" && it.key() != "step" && it.key() != "view" &&
        it.key() != "lesson")
      attn::fail_field(it.key(), "unknown field (known: problem, inputs, step, view, lesson)");

  // Everything is applied to a scratch state holding s's document and what opening a scenario, lesson or
  // model needs beside it; nothing derived is copied (a trace can be hundreds of MiB). s changes only if all
  // of it is valid, and then only its document and what opening those set (the notice, the model, its run).
  AppState next;
  static_cast<Document&>(next) = s;
  next.scenarios = s.scenarios;
  next.lessons = s.lessons;
  next.model = s.model;
  next.model_version = s.model_version;
  next.update_derived().model_run = s.derived().model_run;
  next.update_derived().problem = s.problem();
  next.platform = s.platform;
  next.notice = s.notice;
  if (j.contains("lesson"))
    lesson_from_json(next, j["lesson"]);  // (first: the rest of the state goes on top)
  const bool settings = j.contains("problem") && settings_only(j["problem"]);
  if (j.contains("problem") && !settings) {  // a whole problem: typed q/k/v from now on
    try {
      next.typed = attn::parse_problem(j["problem"]);
    } catch (const attn::ProblemError& e) {
      attn::fail_field("problem", e.what());
    }
    next.settings = ProblemSettings::of(next.typed);
    next.dirty = true;
    next.source = Source::Direct;
    next.scenario_id.clear();
    if (!next.typed.tokens.empty()) next.sentence = join(next.typed.tokens);
    refresh_problem(next);
  }
  if (j.contains("inputs") && !(j.contains("problem") && j["inputs"].is_object() &&
                                j["inputs"].contains("source") && j["inputs"]["source"] == "direct"))
    read_inputs(next, j["inputs"]);
  if (settings) {  // after the inputs (a scenario brings its own mask): these settings win
    attn::Json problem = attn::problem_to_json(next.problem());
    problem.update(j["problem"]);
    try {
      next.settings = ProblemSettings::of(attn::parse_problem(problem));
    } catch (const attn::ProblemError& e) {
      attn::fail_field("problem", e.what());
    }
    refresh_problem(next);
    next.dirty = true;
  }
  if (j.contains("view")) read_view(next.view, j["view"]);
  const int h = next.problem().heads();
  if (!(j.contains("view") && j["view"].contains("head")))  // a change of heads keeps a valid selection
    next.view.head = std::clamp(next.view.head, 0, h - 1);
  if (next.view.head < 0 || next.view.head >= h)
    attn::fail_field("view.head", std::to_string(next.view.head) + " is outside 0…" + std::to_string(h - 1));
  if (j.contains("step")) {
    const attn::Json& st = j["step"];
    if (!st.is_object()) attn::fail_field("step", "expected an object {index} or {stage, query, key}");
    if (st.contains("granularity")) {
      const attn::Json& g = st["granularity"];
      if (g == "cell")
        next.granularity = attn::Granularity::Cell;
      else if (g == "row")
        next.granularity = attn::Granularity::Row;
      else
        attn::fail_field("step.granularity", "expected \"cell\" or \"row\", got " + attn::brief(g));
    }
    if (st.contains("playing")) {
      if (!st["playing"].is_boolean()) attn::fail_field("step.playing", "expected true or false");
      next.playing =
          st["playing"].get<bool>() && !s.platform.reduced_motion;  // (nothing moves by itself then)
    }
    const int L = next.problem().query_len(), S = next.problem().key_len();
    const attn::StepIndex total = attn::step_total(L, S, next.granularity);
    if (st.contains("index")) {
      const attn::StepIndex index = read_index(st["index"], "step.index");
      if (index < 0 || index >= total)
        attn::fail_field("step.index", std::to_string(index) + " is outside 0…" + std::to_string(total - 1));
      next.step_index = index;
    } else if (st.contains("stage")) {
      const attn::Stage stage = attn::named_value(attn::kStages, st["stage"], "step.stage");
      const int query = st.contains("query") ? read_int(st["query"], "step.query") : 0;
      if (query < 0 || query >= L)
        attn::fail_field("step.query", std::to_string(query) + " is outside 0…" + std::to_string(L - 1));
      const int key = st.contains("key") && !st["key"].is_null() ? read_int(st["key"], "step.key") : 0;
      if (key < -1 || key >= S)
        attn::fail_field("step.key", std::to_string(key) + " is outside 0…" + std::to_string(S - 1));
      attn::Phase phase = attn::Phase::Divide;
      if (st.contains("phase")) {
        bool found = false;
        for (int p = 0; p < static_cast<int>(attn::kPhaseNames.size()); ++p)
          if (st["phase"] == attn::kPhaseNames[static_cast<size_t>(p)])
            phase = static_cast<attn::Phase>(p), found = true;
        if (!found)
          attn::fail_field("step.phase", "unknown " + attn::brief(st["phase"]) +
                                             " (known: cell, row, max, exp, sum, divide)");
      }
      next.step_index = attn::step_index(stage, query, std::max(key, 0), phase, L, S, next.granularity);
    }
  }
  next.step_index = std::clamp<attn::StepIndex>(
      next.step_index, 0,
      attn::step_total(next.problem().query_len(), next.problem().key_len(), next.granularity) - 1);
  static_cast<Document&>(s) = std::move(next);
  s.notice = std::move(next.notice);
  s.model = std::move(next.model);
  s.model_version = next.model_version;
  s.update_derived().model_run = std::move(next.update_derived().model_run);
  s.update_derived().problem = std::move(next.update_derived().problem);
}

void state_from_text(AppState& s, std::string_view text) {
  std::vector<std::string> notes;
  attn::JsonTextOptions options;
  options.notes = &notes;
  state_from_json(s, attn::parse_json_text(text, options));
  std::string said;  // the JSON reader's notes (English, like the core's errors)
  for (const std::string& n : notes) said += (said.empty() ? "" : "; ") + n;
  if (!said.empty()) s.notice = {"notice.json_notes", {attn::text_arg("notes", said)}};
}

}  // namespace state
