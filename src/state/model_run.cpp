// Source::Model: the loaded GPT-2 on the learner's text, derived once per model_version (see app_state.h):
// the forward pass (with and without the ablations), head scores, next-token predictions, generation with the
// KV cache; and the Problem the step-through shows from it.
#include <algorithm>

#include "attn/json_read.h"
#include "state/app_state.h"
#include "state/content_text.h"

namespace state {

void use_model(AppState& s) {
  if (!s.model) return;
  s.source = Source::Model;
  s.scenario_id.clear();
  ++s.model_version;
}

void open_model(AppState& s, std::shared_ptr<const model::Gpt2> m) {
  s.model = std::move(m);
  s.update_derived().model_run = ModelRun();
  ModelInputs fresh;  // another model's layers and heads: only the text carries over
  fresh.text = s.model_inputs.text;
  s.model_inputs = std::move(fresh);
  use_model(s);
}

model::Gpt2& editable_model(AppState& s) {
  if (s.model.use_count() != 1 || s.model->edits == 0)  // copy on first write: others may hold the original
    s.model = std::make_shared<model::Gpt2>(*s.model);
  ++s.model_version;
  model::Gpt2& m =
      const_cast<model::Gpt2&>(*s.model);  // (created non-const above; this state is its only owner)
  ++m.edits;                               // (its heads are measured again: refresh_model)
  return m;
}

void refresh_model(AppState& s) {
  if (s.source != Source::Model || !s.model || s.derived().model_run.version == s.model_version) return;
  const model::Gpt2& m = *s.model;
  ModelInputs& in = s.model_inputs;
  ModelRun& r = s.update_derived().model_run;
  r.version = s.model_version;
  r.error.clear();
  in.layer = std::clamp(in.layer, 0, m.config.n_layer - 1);
  in.head = std::clamp(in.head, 0, m.config.n_head - 1);
  try {
    if (r.induction_of != s.model.get() || r.induction_edits != m.edits) {
      r.induction = model::induction_scores(m);
      r.induction_of = s.model.get(), r.induction_edits = m.edits;
    }
    std::vector<int> ids = m.tokenizer.encode(in.text);
    if (ids.empty()) ids = {m.tokenizer.end_of_text() >= 0 ? m.tokenizer.end_of_text() : 0};
    r.forward = model::forward(m, ids, in.ablations);
    r.base = in.ablations.empty() ? model::Forward() : model::forward(m, ids);
    r.heads = model::score_heads(m, in.ablations.empty() ? r.forward : r.base, r.induction);
    const int T = static_cast<int>(ids.size());
    const int at = in.position < 0 || in.position >= T ? T - 1 : in.position;
    r.next = model::top_k(m, r.forward, at, 10);
    r.next_base = in.ablations.empty() ? r.next : model::top_k(m, r.base, at, 10);
    r.steps.clear();
    r.generated.clear();
    r.cache = model::KvCache();
    if (in.generated) {
      const int n = std::clamp(in.generate, 1, std::max(1, m.config.n_positions - T));
      model::Generation g = model::generate(m, ids, n, in.temperature, in.seed, r.cache, in.ablations);
      r.generated = std::move(g.ids);
      r.steps = std::move(g.steps);
    }
    in.decode_step = std::min(in.decode_step, static_cast<int>(r.steps.size()) - 1);
  } catch (const attn::ProblemError& e) {
    r.error = e.what();
    r.forward = model::Forward();
  }
  apply_model_inputs(s);
}

bool model_problem(const AppState& s, attn::Problem& p) {
  const ModelRun& r = s.derived().model_run;
  if (!s.model || r.forward.layers.empty()) return false;
  const ModelInputs& in = s.model_inputs;
  if (in.decode_step >= 0 && in.decode_step < static_cast<int>(r.steps.size())) {
    p = model::decode_problem(*s.model, r.cache, r.steps[static_cast<size_t>(in.decode_step)], in.layer,
                              in.head);
  } else {
    const model::LayerTrace& l = r.forward.layers[static_cast<size_t>(in.layer)];
    p = model::layer_problem(*s.model, in.layer, l.x, r.forward.ids);
  }
  return true;
}

void apply_model_inputs(AppState& s) {
  attn::Problem p;
  if (!model_problem(s, p)) return;
  const ModelInputs& in = s.model_inputs;
  s.view.head = in.decode_step >= 0 && in.decode_step < static_cast<int>(s.derived().model_run.steps.size())
                    ? 0
                    : in.head;
  ProblemSettings& set = s.settings;  // (the model's own; the learner's ways of looking stay)
  set.mask = p.mask;
  set.scale = p.scale;
  set.temperature = p.temperature;
  set.precision = p.precision;
  s.source = Source::Model;
  refresh_problem(s);
  s.dirty = true;
}

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& why) {
  attn::fail_field("inputs." + field, why);
}

int read_int(const attn::Json& j, const std::string& field, int lo, int hi) {
  return attn::read_int(j, "inputs." + field, lo, hi);
}

const char* kAblationKinds[] = {"zero", "uniform"};

}  // namespace

attn::Json model_inputs_to_json(const AppState& s) {
  const ModelInputs& in = s.model_inputs;
  attn::Json ablations = attn::Json::array();
  for (const model::Ablation& a : in.ablations)
    ablations.push_back(
        {{"layer", a.layer}, {"head", a.head}, {"kind", kAblationKinds[static_cast<int>(a.kind)]}});
  attn::Json j = {{"source", "model"},
                  {"model", s.model ? s.model->name : ""},
                  {"text", in.text},
                  {"layer", in.layer},
                  {"head", in.head},
                  {"ablations", std::move(ablations)},
                  {"position", in.position},
                  {"generate", in.generate},
                  {"temperature", in.temperature},
                  {"seed", in.seed},
                  {"generated", in.generated},
                  {"decode_step", in.decode_step}};
  if (!s.scenario_id.empty()) j["scenario"] = s.scenario_id;  // (its framing shows again where it opens)
  return j;
}

void model_inputs_from_json(AppState& s, const attn::Json& j) {
  if (!s.model) fail("source", "\"model\" needs a model, and none is open here");
  const model::Gpt2Config& c = s.model->config;
  ModelInputs in = s.model_inputs;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const attn::Json& v = it.value();
    if (k == "source") {
      continue;
    } else if (k == "scenario") {
      continue;  // (below, once the rest is read)
    } else if (k == "model") {
      if (v != s.model->name)
        fail("model", attn::brief(v) + " is not open here (open: \"" + s.model->name +
                          "\"); open that model first, then this link");
    } else if (k == "text") {
      in.text = attn::read_string(v, "inputs.text");
    } else if (k == "layer") {
      in.layer = read_int(v, "layer", 0, c.n_layer - 1);
    } else if (k == "head") {
      in.head = read_int(v, "head", 0, c.n_head - 1);
    } else if (k == "position") {
      in.position = read_int(v, "position", -1, c.n_positions - 1);
    } else if (k == "generate") {
      in.generate = read_int(v, "generate", 1, c.n_positions);
    } else if (k == "temperature") {
      in.temperature = attn::read_number(v, "inputs.temperature", 0, 100);
    } else if (k == "seed") {
      in.seed = attn::read_seed(v, "inputs.seed");
    } else if (k == "generated") {
      in.generated = attn::read_bool(v, "inputs.generated");
    } else if (k == "decode_step") {
      in.decode_step = read_int(v, "decode_step", -1, c.n_positions);
    } else if (k == "ablations") {
      if (!v.is_array() || v.size() > static_cast<size_t>(c.n_layer * c.n_head))
        fail("ablations", "expected an array of {layer, head, kind}, at most one per head");
      in.ablations.clear();
      for (const attn::Json& a : v) {
        if (!a.is_object() || !a.contains("layer") || !a.contains("head"))
          fail("ablations", "expected {layer, head, kind: \"zero\" | \"uniform\"}, got " + attn::brief(a));
        model::Ablation ab;
        ab.layer = read_int(a["layer"], "ablations.layer", 0, c.n_layer - 1);
        ab.head = read_int(a["head"], "ablations.head", 0, c.n_head - 1);
        const attn::Json kind = a.contains("kind") ? a["kind"] : attn::Json("zero");
        if (kind != "zero" && kind != "uniform")
          fail("ablations.kind", "expected \"zero\" or \"uniform\", got " + attn::brief(kind));
        ab.kind = kind == "zero" ? model::Ablation::Kind::Zero : model::Ablation::Kind::Uniform;
        in.ablations.push_back(ab);
      }
    } else {
      fail(k,
           "unknown field for the model (known: source, model, text, layer, head, ablations, position, "
           "generate, temperature, seed, generated, decode_step)");
    }
  }
  s.model_inputs = std::move(in);
  use_model(s);
  refresh_model(s);  // now: the step and view that follow are checked against this text's problem
  if (!s.derived().model_run.error.empty()) fail("text", s.derived().model_run.error);
  if (j.contains("scenario")) {
    const attn::Json& id = j["scenario"];
    const auto sc = std::find_if(s.scenarios.begin(), s.scenarios.end(),
                                 [&](const attn::Scenario& x) { return x.uses_model && id == x.id; });
    if (sc == s.scenarios.end())
      fail("scenario", attn::brief(id) + " is not one of this app's model scenarios");
    s.scenario_id = sc->id;
  }
}

int model_focus_index(const AppState& s, const attn::Scenario& sc) {
  const auto trim = [](std::string t) {
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    return t;
  };
  int at = -1;
  for (size_t i = 0; i < s.problem().tokens.size(); ++i)
    if (trim(s.problem().tokens[i]) == sc.focus) at = static_cast<int>(i);
  return at;
}

void load_model_scenario(AppState& s, const attn::Scenario& sc) {
  if (!s.model || s.model->name != sc.model || sc.layer >= s.model->config.n_layer ||
      sc.head >= s.model->config.n_head) {
    s.notice = attn::Message{
        "model.scenario_needs",
        {attn::words_arg("title", scenario_message(sc, "title")), attn::text_arg("model", sc.model),
         attn::count_arg("layer", sc.layer), attn::count_arg("head", sc.head)}};
    return;
  }
  s.model_inputs = ModelInputs();
  s.model_inputs.text = sc.sentence;
  s.model_inputs.layer = sc.layer;
  s.model_inputs.head = sc.head;
  use_model(s);
  refresh_model(s);
  s.scenario_id = sc.id;
  const int focus = std::max(0, model_focus_index(s, sc));
  const int n = s.problem().query_len();
  s.step_index = attn::step_index(attn::Stage::Softmax, focus, 0, attn::Phase::Max, n, n, s.granularity);
  s.playing = false;
}

attn::Message model_card(const model::Gpt2& m) {
  const model::Gpt2Config& c = m.config;
  std::vector<attn::MessageArg> args = {
      attn::count_arg("layers", c.n_layer), attn::count_arg("heads", c.n_head),
      attn::count_arg("d_model", c.n_embd), attn::count_arg("context", c.n_positions),
      attn::count_arg("parameters", m.parameters())};
  if (m.title.empty()) return {"model.card.shapes", std::move(args)};
  args.push_back(attn::text_arg("title", m.title));
  return {"model.card", std::move(args)};
}

attn::Message head_label(const std::string& label) {
  std::string id = "model.label." + label;
  std::replace(id.begin(), id.end(), '-', '_');
  return {id, {}, label};
}

}  // namespace state
