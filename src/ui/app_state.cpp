// AppState defaults, sentence rebuild and the getState/setState JSON (see app_state.h).
#include "ui/app_state.h"

#include <algorithm>

namespace ui {

attn::Step AppState::step() const {
  return attn::step_at(step_index, problem.query_len(), problem.key_len(), granularity);
}

AppState default_state() {
  AppState s;
  s.sentence = kDefaultSentence;
  rebuild_from_sentence(s);
  return s;
}

void rebuild_from_sentence(AppState& s) {
  s.setup.tokens = attn::tokenize(s.sentence);
  if (s.setup.tokens.empty()) s.setup.tokens = {"(empty)"};
  attn::Problem p = attn::sentence_problem(s.setup);
  p.mask = s.problem.mask;
  p.scale = s.problem.scale;
  p.temperature = s.problem.temperature;
  p.precision = s.problem.precision;
  if (p.mask.kind == attn::MaskSpec::Kind::Explicit) p.mask = attn::MaskSpec{};  // shape may have changed
  s.problem = std::move(p);
  s.dirty = true;
}

namespace {

const char* granularity_name(attn::Granularity g) { return g == attn::Granularity::Cell ? "cell" : "row"; }

[[noreturn]] void fail(const std::string& field, const std::string& why) {
  throw attn::ProblemError(field + ": " + why);
}

int read_int(const attn::Json& j, const std::string& field) {
  if (!j.is_number_integer()) fail(field, "expected an integer, got " + j.dump());
  return j.get<int>();
}

std::string join(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& t : tokens) out += (out.empty() ? "" : " ") + t;
  return out;
}

}  // namespace

attn::Json state_to_json(const AppState& s) {
  const attn::Step st = s.step();
  attn::Json step = {{"stage", attn::kStageNames[static_cast<size_t>(st.stage)]},
                     {"query", st.query},
                     {"key", st.key},
                     {"index", st.index},
                     {"total", st.total},
                     {"granularity", granularity_name(s.granularity)}};
  attn::Json view = {{"ui_scale", s.view.ui_scale},
                     {"high_contrast", s.view.high_contrast},
                     {"head", s.view.head},
                     {"show_values", s.view.show_values}};
  return {
      {"problem", attn::problem_to_json(s.problem)}, {"step", std::move(step)}, {"view", std::move(view)}};
}

void state_from_json(AppState& s, const attn::Json& j) {
  if (!j.is_object())
    fail("state", "expected an object {problem, step, view}, got " + std::string(j.type_name()));
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "problem" && it.key() != "step" && it.key() != "view")
      fail(it.key(), "unknown field (known: problem, step, view)");

  AppState next = s;  // everything is applied to a copy; s changes only if all of it is valid
  if (j.contains("problem")) {
    try {
      next.problem = attn::parse_problem(j["problem"]);
    } catch (const attn::ProblemError& e) {
      fail("problem", e.what());
    }
    next.dirty = true;
    if (next.problem.form == attn::Problem::Form::Direct && !next.problem.tokens.empty())
      next.sentence = join(next.problem.tokens);
  }
  if (j.contains("view")) {
    const attn::Json& v = j["view"];
    if (!v.is_object()) fail("view", "expected an object");
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& k = it.key();
      const attn::Json& x = it.value();
      if (k == "ui_scale") {
        if (!x.is_number() || x.get<double>() < 1 || x.get<double>() > 3)
          fail("view.ui_scale", "expected a number from 1 to 3, got " + x.dump());
        next.view.ui_scale = x.get<float>();
      } else if (k == "high_contrast" || k == "show_values") {
        if (!x.is_boolean()) fail("view." + k, "expected true or false, got " + x.dump());
        (k == "high_contrast" ? next.view.high_contrast : next.view.show_values) = x.get<bool>();
      } else if (k == "head") {
        next.view.head = read_int(x, "view.head");
      } else {
        fail("view." + k, "unknown field (known: ui_scale, high_contrast, head, show_values)");
      }
    }
  }
  const int h = next.problem.heads();
  if (next.view.head < 0 || next.view.head >= h)
    fail("view.head", std::to_string(next.view.head) + " is outside 0…" + std::to_string(h - 1));
  if (j.contains("step")) {
    const attn::Json& st = j["step"];
    if (!st.is_object()) fail("step", "expected an object {index} or {stage, query, key}");
    if (st.contains("granularity")) {
      const attn::Json& g = st["granularity"];
      if (g == "cell")
        next.granularity = attn::Granularity::Cell;
      else if (g == "row")
        next.granularity = attn::Granularity::Row;
      else
        fail("step.granularity", "expected \"cell\" or \"row\", got " + g.dump());
    }
    const int L = next.problem.query_len(), S = next.problem.key_len();
    const int total = attn::step_total(L, S, next.granularity);
    if (st.contains("index")) {
      const int index = read_int(st["index"], "step.index");
      if (index < 0 || index >= total)
        fail("step.index", std::to_string(index) + " is outside 0…" + std::to_string(total - 1));
      next.step_index = index;
    } else if (st.contains("stage")) {
      attn::Stage stage;
      if (!st["stage"].is_string() || !attn::stage_from_name(st["stage"].get<std::string>().c_str(), stage))
        fail("step.stage",
             "unknown " + st["stage"].dump() + " (known: scores, scale, mask, softmax, weighted_sum)");
      const int query = st.contains("query") ? read_int(st["query"], "step.query") : 0;
      if (query < 0 || query >= L)
        fail("step.query", std::to_string(query) + " is outside 0…" + std::to_string(L - 1));
      int key = 0;
      if (next.granularity == attn::Granularity::Cell) {
        key = st.contains("key") ? read_int(st["key"], "step.key") : 0;
        if (key < 0 || key >= S)
          fail("step.key", std::to_string(key) + " is outside 0…" + std::to_string(S - 1));
      }
      const int per_row = next.granularity == attn::Granularity::Cell ? S : 1;
      next.step_index = attn::stage_start(stage, L, S, next.granularity) + query * per_row + key;
    }
  }
  next.step_index =
      std::clamp(next.step_index, 0,
                 attn::step_total(next.problem.query_len(), next.problem.key_len(), next.granularity) - 1);
  s = std::move(next);
}

}  // namespace ui
