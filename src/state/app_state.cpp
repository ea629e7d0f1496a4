// AppState defaults, inputs → problem, scenarios, stepping and the words of the app's language (see
// app_state.h); the getState/setState JSON is in state_json.cpp, the narration in narration.cpp, the mirror
// in mirror.cpp.
#include "state/app_state.h"

#include <algorithm>
#include <cmath>

#include "attn/multihead.h"

namespace state {

attn::Step AppState::step() const {
  return attn::step_at(step_index, problem().query_len(), problem().key_len(), granularity);
}

const attn::Scenario* AppState::scenario() const {
  for (const attn::Scenario& sc : scenarios)
    if (sc.id == scenario_id) return &sc;
  return nullptr;
}

AppState default_state(std::vector<attn::Scenario> scenarios) {
  AppState s;
  s.scenarios = std::move(scenarios);
  s.sentence = kDefaultSentence;
  rebuild_from_sentence(s);
  for (const attn::Scenario& sc : s.scenarios)
    if (sc.id == "coreference") load_scenario(s, sc);  // the same sentence, with readable hand-made vectors
  return s;
}

namespace {
bool heads_fit(const attn::SentenceSetup& setup, const attn::SentenceInputs& inputs, int h) {
  return h == 1 || (h > 1 && setup.d_k == setup.d_model && inputs.w_v.cols() == setup.d_model &&
                    setup.d_model % h == 0);
}

// Heads that no longer divide the width fall back to one (and K/V heads to the heads).
void fit_heads(attn::SentenceSetup& setup, const attn::SentenceInputs& inputs) {
  if (!heads_fit(setup, inputs, setup.heads)) setup.heads = 1;
  if (setup.kv_heads < 1 || setup.heads % setup.kv_heads != 0) setup.kv_heads = setup.heads;
}

// A painted mask of another shape, global tokens past the keys and a padding past them no longer apply.
void fit_mask(attn::MaskSpec& mask, int L, int S) {
  if (mask.kind == attn::MaskSpec::Kind::Explicit && (mask.allowed.rows() != L || mask.allowed.cols() != S))
    mask = attn::MaskSpec{};
  std::vector<int>& global = mask.global;
  const bool had_global = !global.empty();
  global.erase(std::remove_if(global.begin(), global.end(), [S](int g) { return g >= S; }), global.end());
  if (had_global && global.empty() && mask.kind == attn::MaskSpec::Kind::Block && mask.block == 1)
    mask = attn::MaskSpec{};  // it was {"global": […]} alone
  if (mask.kind == attn::MaskSpec::Kind::Padding) mask.valid_len = std::min(mask.valid_len, S);
}

int sentence_keys(const AppState& s) {
  return static_cast<int>((s.inputs.x_kv.size() != 0 ? s.inputs.x_kv : s.inputs.x).rows());
}
}  // namespace

bool heads_possible(const AppState& s, int h) { return heads_fit(s.setup, s.inputs, h); }

ProblemSettings ProblemSettings::of(const attn::Problem& p) {
  return {p.mask, p.scale, p.temperature, p.variant, p.feature_map, p.tile_q, p.tile_k, p.precision};
}

void ProblemSettings::apply(attn::Problem& p) const {
  p.mask = mask;
  p.scale = scale;
  p.temperature = temperature;
  p.variant = variant;
  p.feature_map = feature_map;
  p.tile_q = tile_q;
  p.tile_k = tile_k;
  p.precision = precision;
}

attn::Problem sentence_problem(attn::SentenceSetup setup, const attn::SentenceInputs& inputs,
                               const ProblemSettings& settings) {
  fit_heads(setup, inputs);
  attn::Problem p = attn::inputs_problem(setup, inputs);
  settings.apply(p);
  const attn::MatD& xk = inputs.x_kv.size() != 0 ? inputs.x_kv : inputs.x;
  fit_mask(p.mask, static_cast<int>(p.tokens.size()), static_cast<int>(xk.rows()));
  return p;
}

attn::Problem derive_problem(const AppState& s) {
  attn::Problem p;
  switch (s.source) {
    case Source::Embeddings:
      return sentence_problem(s.setup, s.inputs, s.settings);
    case Source::Direct:
      p = s.typed;
      break;
    case Source::Model:
      if (!model_problem(s, p)) return s.problem();  // (no run: the text could not run; the last stays)
      break;
  }
  s.settings.apply(p);
  return p;
}

void refresh_problem(AppState& s) {
  if (s.source == Source::Embeddings) {
    fit_heads(s.setup, s.inputs);
    fit_mask(s.settings.mask, static_cast<int>(s.setup.tokens.size()), sentence_keys(s));
  }
  s.update_derived().problem = derive_problem(s);
}

namespace {
bool same(const attn::MatD& a, const attn::MatD& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && a == b;
}
}  // namespace

InputsOrigin inputs_origin(const AppState& s) {
  if (s.source == Source::Direct) return InputsOrigin::Edited;
  if (s.source == Source::Model)
    return s.model && s.model->edits > 0 ? InputsOrigin::Edited : InputsOrigin::Model;
  const attn::SentenceInputs& in = s.inputs;
  if (const attn::Scenario* sc = s.scenario())
    return s.sentence == sc->sentence && s.key_sentence.empty() && in.x_kv.size() == 0 && same(in.x, sc->x) &&
                   same(in.w_q, sc->w_q) && same(in.w_k, sc->w_k) && same(in.w_v, sc->w_v) &&
                   s.features == sc->features
               ? InputsOrigin::Scenario
               : InputsOrigin::Edited;
  const attn::SentenceInputs seeded = attn::sentence_inputs(s.setup);
  bool named = true;  // the feature names are the default x0, x1, …
  for (size_t c = 0; c < s.features.size(); ++c) named &= s.features[c] == "x" + std::to_string(c);
  return named && same(in.x, seeded.x) && same(in.x_kv, seeded.x_kv) && same(in.w_q, seeded.w_q) &&
                 same(in.w_k, seeded.w_k) && same(in.w_v, seeded.w_v)
             ? InputsOrigin::Seeded
             : InputsOrigin::Edited;
}

void rebuild_from_sentence(AppState& s) {
  s.setup.tokens = attn::tokenize(s.sentence);
  if (s.setup.tokens.empty()) s.setup.tokens = {"(empty)"};
  s.setup.key_tokens = attn::tokenize(s.key_sentence);
  s.inputs = attn::sentence_inputs(s.setup);
  s.features.clear();
  for (int c = 0; c < s.setup.d_model; ++c) s.features.push_back("x" + std::to_string(c));
  s.scenario_id.clear();
  s.source = Source::Embeddings;
  refresh_problem(s);
  s.dirty = true;
}

void edit_sentence(AppState& s) {
  const attn::Scenario* sc = s.scenario();
  if (!sc || s.source != Source::Embeddings || !s.key_sentence.empty() || s.setup.heads != 1)
    return rebuild_from_sentence(s);
  // The story stays: a token the sentence had keeps its vector (edits included), else the scenario's for that
  // word; a new word starts at 0 in every feature (it offers and asks nothing until given some).
  std::vector<std::string> tokens = attn::tokenize(s.sentence);
  if (tokens.empty()) tokens = {"(empty)"};
  const auto row_of = [](const std::vector<std::string>& in, const std::string& t) {
    const auto at = std::find(in.begin(), in.end(), t);
    return at == in.end() ? -1 : static_cast<int>(at - in.begin());
  };
  attn::MatD x = attn::MatD::Zero(static_cast<Eigen::Index>(tokens.size()), s.inputs.x.cols());
  std::string fresh;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const int was = row_of(s.setup.tokens, tokens[i]), designed = row_of(sc->tokens, tokens[i]);
    if (was >= 0 && was < s.inputs.x.rows())
      x.row(static_cast<Eigen::Index>(i)) = s.inputs.x.row(was);
    else if (designed >= 0 && sc->x.cols() == x.cols())
      x.row(static_cast<Eigen::Index>(i)) = sc->x.row(designed);
    else
      fresh += (fresh.empty() ? "“" : ", “") + tokens[i] + "”";
  }
  s.setup.tokens = std::move(tokens);
  s.inputs.x = std::move(x);
  refresh_problem(s);
  s.dirty = true;
  s.notice = fresh.empty() ? attn::Message{"notice.story_kept", {}}
                           : attn::Message{"notice.story_kept_new", {attn::text_arg("tokens", fresh)}};
}

void load_scenario(AppState& s, const attn::Scenario& sc) {
  if (sc.uses_model) return load_model_scenario(s, sc);
  s.scenario_id = sc.id;
  s.sentence = sc.sentence;
  s.key_sentence.clear();  // scenarios are self-attention: their vectors exist for their own tokens only
  s.setup.tokens = sc.tokens;
  s.setup.key_tokens.clear();
  s.setup.d_model = static_cast<int>(sc.x.cols());
  s.setup.d_k = static_cast<int>(sc.w_q.cols());
  s.inputs = {sc.x, {}, sc.w_q, sc.w_k, sc.w_v};
  s.features = sc.features;
  s.settings.mask = sc.mask;
  s.settings.scale = attn::ScaleSpec{};
  s.settings.temperature = 1.0;
  s.source = Source::Embeddings;
  refresh_problem(s);
  s.dirty = true;
  // The focus token's score on the key its story is about ("it" · "animal"): a first cell that teaches.
  const int n = static_cast<int>(sc.tokens.size());
  int key = 0;
  if (!sc.story_keys.empty()) {
    const auto at = std::find(sc.tokens.begin(), sc.tokens.end(), sc.story_keys.front());
    if (at != sc.tokens.end()) key = static_cast<int>(at - sc.tokens.begin());
  }
  s.step_index =
      attn::step_index(attn::Stage::Scores, sc.focus_index, key, attn::Phase::Cell, n, n, s.granularity);
  s.playing = false;
}

void step_to(AppState& s, attn::StepIndex index) {
  const attn::Step st = attn::step_at(index, s.problem().query_len(), s.problem().key_len(), s.granularity);
  s.step_index = st.index;
  if (st.index == st.total - 1) s.playing = false;
}

void step_by(AppState& s, int delta) { step_to(s, s.step_index + delta); }

void jump_stage(AppState& s, int delta) {
  const int L = s.problem().query_len(), S = s.problem().key_len();
  const attn::Step st = s.step();
  int stage = static_cast<int>(st.stage);
  // Stages are entered at the same query row, so a learner following one token stays on it.
  auto row_start = [&](int k) {
    return attn::step_index(static_cast<attn::Stage>(k), st.query, 0, attn::Phase::Max, L, S, s.granularity);
  };
  if (delta > 0) {
    if (stage == attn::kStageCount - 1) return step_to(s, st.total - 1);
    stage += 1;
  } else if (st.index == row_start(stage)) {
    stage = std::max(0, stage - 1);
  }
  step_to(s, row_start(stage));
}

void select_query(AppState& s, int query) {
  const attn::Step st = s.step();
  const int L = s.problem().query_len();
  step_to(s, attn::step_index(st.stage, std::clamp(query, 0, L - 1), 0, attn::Phase::Max, L,
                              s.problem().key_len(), s.granularity));
}

void next_scenario(AppState& s, int delta) {
  const int n = static_cast<int>(s.scenarios.size());
  if (n == 0) return;
  int at = -1;
  for (int i = 0; i < n; ++i)
    if (s.scenarios[static_cast<size_t>(i)].id == s.scenario_id) at = i;
  at = at < 0 ? (delta > 0 ? 0 : n - 1) : ((at + delta) % n + n) % n;
  load_scenario(s, s.scenarios[static_cast<size_t>(at)]);
}

void advance_playback(AppState& s, double dt) {
  if (!s.playing) {
    s.play_clock = 0;
    return;
  }
  s.play_clock += dt;
  const double period = 1.0 / std::max(0.25f, s.steps_per_second);
  while (s.playing && s.play_clock >= period) {
    s.play_clock -= period;
    step_by(s, 1);
  }
}

bool flash_walkthrough_shown(const AppState& s) {
  const size_t h = static_cast<size_t>(std::max(0, s.view.head));
  return s.view.panel == Panel::Variants && s.view.variants.section == VariantSection::Flash &&
         s.derived().variants.version == s.derived().result_version &&
         h < s.derived().variants.flash.size() && !s.derived().variants.flash[h].tiles.empty() &&
         s.derived().variants.flash[h].output.rows() == s.problem().query_len();
}

std::string words(const Words& w, const std::string& id) {
  return attn::say(*w.catalog, attn::Message{id, {}});
}

std::string say(const Words& w, const std::string& id, std::vector<attn::MessageArg> args) {
  return attn::say(*w.catalog, attn::Message{id, std::move(args)});
}

std::string say(const Words& w, const attn::Message& m) { return attn::say(*w.catalog, m); }

std::string say(const Words& w, const std::vector<attn::Message>& sentences) {
  return attn::say(*w.catalog, sentences);
}

std::string num(const Words& w, double x, int decimals) { return attn::number(*w.catalog, x, decimals); }

const attn::Catalog& catalog(const AppState& s) {
  const attn::Catalog* c = attn::catalog_for(s.view.language);
  return c ? *c : attn::english();
}

AppState::operator Words() const { return Words{&catalog(*this)}; }

std::string notice_text(const AppState& s) { return say(s, s.notice); }

PerfPoint perf_point(attn::Message name, int n, double ms, int order) {
  std::string key = attn::say(attn::english(), name);
  return {std::move(key), std::move(name), n, ms, order};
}

float projector_scale(float display_w, float display_h) {
  const float fit = std::min(display_w / 1024.0f, display_h / 576.0f);
  return std::clamp(std::floor(fit * 4.0f) / 4.0f, 1.0f, 3.0f);  // (quarter steps: fonts re-rasterise)
}

float screen_scale(const AppState& s) {
  return s.view.ui_scale * std::clamp(s.platform.pixel_ratio, 0.25f, 8.0f);
}

void set_projector(AppState& s, bool on, float display_w, float display_h) {
  ViewState& v = s.view;
  v.projector = on;
  v.input_panel = !on;
  v.high_contrast = on;
  v.ui_scale = on ? projector_scale(display_w, display_h) : 1.0f;
}

}  // namespace state
