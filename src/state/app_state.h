// AppState: the document (document.h: what getState() returns and links carry; panels edit it), what is
// derived from it (derived.h: recomputed by the app shell once per frame when dirty; panels read it), the
// jobs panels ask for (jobs.h), the frame and platform (frame.h), and the functions over the whole of it:
// stepping, scenarios, inputs → problem, the projector. state_to_json / state_from_json (state_json.cpp) are
// window.attnlab.getState()/setState(). Tests: tests/core/test_app_state.cpp (AppState.*).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attn/json_io.h"
#include "attn/scenario.h"
#include "state/derived.h"
#include "state/document.h"
#include "state/frame.h"
#include "state/jobs.h"
#include "state/words.h"

namespace state {

// The app's state: the document, what is derived from it, the jobs asked for, and what the app holds beside
// them (the libraries, the open model, where it runs, the notice, the long-sequence run).
struct AppState : Document {
  // What is derived, read-only: panels, the mirror and handouts read it; only the derivations write it
  // (app/derive.cpp, the bridge's GPU answers, refresh_model/refresh_variants/refresh_lesson_check), through
  // update_derived(); tests/check_layers.py fails when a file that draws calls it.
  const Derived& derived() const { return derived_; }
  Derived& update_derived() { return derived_; }
  Jobs jobs;

  std::vector<attn::Scenario> scenarios;  // the library from assets/scenarios (not part of the JSON state)
  std::vector<Lesson> lessons;            // the library from assets/lessons (not part of the JSON state)
  std::shared_ptr<const model::Gpt2>
      model;              // the bundled model, or one the learner opened (not in the state)
  int model_version = 0;  // +1 whenever model_inputs or the model change
  double play_clock = 0;  // seconds accumulated towards the next automatic step
  PlatformConfig platform;
  attn::Message notice;  // for the learner ("link copied", a link that failed), until closed: notice_text
  Overview overview;
  FrameState frame;
  UndoHistory history;  // edits to undo (Ctrl+Z) and redo

  // What is computed: derived from the inputs (or the typed problem, or the model's run) and the settings.
  const attn::Problem& problem() const { return derived_.problem; }
  attn::Step step() const;
  const attn::Scenario* scenario() const;  // the loaded scenario, or nullptr
  // The app's language as a Words value (words.h): words(s, "view.step") says it in view.language.
  operator Words() const;  // NOLINT(google-explicit-constructor): code that says things takes Words

 private:
  Derived derived_;
};

constexpr const char* kDefaultSentence = "The animal didn't cross the street because it was too tired";
constexpr int kMaxStepTokens = 64;  // the step-through view shows up to this many tokens

// A fresh state showing kDefaultSentence with seeded random vectors (or the coreference scenario if given).
AppState default_state(std::vector<attn::Scenario> scenarios = {});

// Re-tokenizes state.sentence and draws new seeded random X and W (Source::Embeddings, no scenario).
void rebuild_from_sentence(AppState& s);
// The sentence was edited: a scenario's story stays (the tokens that remain keep their vectors, a new word
// starts at 0 in every feature, the notice says which), anything else is rebuilt as rebuild_from_sentence.
void edit_sentence(AppState& s);
// Whether the sentence can be split into h heads (d_k = d_model divisible by h, W_V square: torch's layout).
bool heads_possible(const AppState& s, int h);

// Where the vectors in s.inputs come from: a scenario as shipped, the seed (as the input panel makes them),
// edited / given by hand, or the open model (which a link names rather than carries).
enum class InputsOrigin { Scenario, Seeded, Edited, Model };
InputsOrigin inputs_origin(const AppState& s);
// The Problem, derived (one function): q = X·W_Q, k = X·W_K, v = X·W_V from the inputs (with setup.heads > 1
// a torch-layout multi-head problem, W_O = identity, grouped when kv_heads < heads), the typed problem
// (Source::Direct) or the model's layer and head (Source::Model), each with the document's settings.
attn::Problem derive_problem(const AppState& s);
// The sentence's problem for these inputs and settings (what derive_problem does for Source::Embeddings; the
// Variants view asks it about other heads and positions).
attn::Problem sentence_problem(attn::SentenceSetup setup, const attn::SentenceInputs& inputs,
                               const ProblemSettings& settings);
// Makes the document fit its inputs (heads that no longer divide, a painted mask or global tokens of another
// shape) and derives the problem into derived().problem: the app shell does it every frame the document
// changed; an edit that moves the step (a scenario, a link) does it at once.
void refresh_problem(AppState& s);
// Loads a scenario's sentence, features, X, W and mask, and puts the step at its focus token.
void load_scenario(AppState& s, const attn::Scenario& sc);

// Stepping (what the buttons and keys do). All clamp to the sequence; reaching the end stops playback.
void step_by(AppState& s, int delta);                   // ±1 step (← / →)
void jump_stage(AppState& s, int delta);                // ±1 stage, staying on the current query row
void step_to(AppState& s, attn::StepIndex index);       // Home / End / scrubber
void select_query(AppState& s, int query);              // ↑ / ↓: the same stage, another query row
void next_scenario(AppState& s, int delta);             // S / Shift+S: cycle through the scenario library
void advance_playback(AppState& s, double dt_seconds);  // while playing: steps_per_second

// The Projector preset: the input panel hidden, high contrast, the UI scaled to the screen (a 1024×576 layout
// enlarged: 1.25× on 1280×720 and 1366×768, 1.75× on 1920×1080, 3× on 3840×2160), thicker highlights. Off:
// back to the laptop defaults. display_w × display_h: the screen in CSS (logical) pixels.
void set_projector(AppState& s, bool on, float display_w, float display_h);
float projector_scale(float display_w, float display_h);
// How much larger than at 1× everything is drawn: the UI scale times the screen's pixel ratio (fonts are
// rasterised at it, so text is sharp on a HiDPI screen and browser zoom enlarges everything).
float screen_scale(const AppState& s);

// True while the Variants view's flash walkthrough is on screen (narration then explains its tiles).
bool flash_walkthrough_shown(const AppState& s);
// The language the app speaks: view.language's catalog (English when it is unknown); AppState converts to a
// Words value of it, so the words.h functions take the state: words(s, "view.step") → "Step-through".
const attn::Catalog& catalog(const AppState& s);
// The notice in that language ("" when there is none): said when shown, so it follows a change of language.
std::string notice_text(const AppState& s);
// A model's one-line description: its title and shapes (layers × heads, d_model, …).
attn::Message model_card(const model::Gpt2& m);
// A head's label ("previous-token", "mixed", …: model::score_heads) as words.
attn::Message head_label(const std::string& label);

// The current step for screen readers: {title, formula, narration, caption, headers, values} where the table
// is the current stage's row (or the output row) of the shown head.
attn::Json narration_json(const AppState& s);
// What the browser does after each frame: the mirror as JSON text when it differs from `last` (which becomes
// it), "" when it did not change.
std::string mirror_if_changed(const AppState& s, std::string& last);
// The view on screen in words, with its numbers (state/mirror.cpp): the mirror's "view" (every view and
// part).
std::string describe_view(const AppState& s);

// The WebGPU run for result_version `version` came back (Result JSON with trace, or {"error"}): stored when
// the problem is still the one it ran, else discarded. Status names the path, GPU time and max |GPU − CPU|,
// and why that path when a limit chose it (`path_why`, compute::GpuPath; said in the learner's language).
void accept_gpu_view(AppState& s, int version, const attn::Json& result, const attn::Message& path_why = {});

// max |a − b| over two matrices of one shape; −1 when either is empty or the shapes differ.
double max_abs_diff(const attn::MatD& a, const attn::MatD& b);

// The problem the Long sequences panel runs: random inputs (seed 1, d = 64, one head), its n and mask.
attn::Problem overview_problem(const Overview& ov);
// The GPU's numbers for the shown head, when view.backend is WebGpu and they belong to the current result.
const GpuView::Head* gpu_head(const AppState& s);

// Recomputes s.variants for the current problem (small problems only: every variant is run in full).
void refresh_variants(AppState& s);
// The Positions part's data (state/positions.cpp), called by refresh_variants.
void refresh_positions(const AppState& s, Variants& v);
// The input with position `kind`: max |Δ score| when every position moves kPositionShift places along (the
// relative-shift test; throws ProblemError where the kind does not apply).
double shift_change(const AppState& s, attn::PositionSpec::Kind kind);

// Source::Model (state/model_run.cpp): switches to the model's text (a model must be loaded), and derives the
// forward pass, head scores, predictions and generation when model_version changed, then the problem the
// step-through shows (the chosen layer's attention, or a decode step's one-query problem).
void use_model(AppState& s);
// Another model opened (a file picker, a folder): it replaces the open one and is shown at once; the text
// stays, the layer, head, ablations and generation start afresh.
void open_model(AppState& s, std::shared_ptr<const model::Gpt2> m);
void refresh_model(AppState& s);
// The open model, made the app's own edited copy first (model->edited, the link then carries numbers).
model::Gpt2& editable_model(AppState& s);
// The model's run as the problem for (layer, head) or the decode step (false when there is no run).
bool model_problem(const AppState& s, attn::Problem& p);
// After the model ran again: the step view shows its layer and head, with the model's own mask, scale,
// temperature and precision (the learner's variant, feature map and tiles stay).
void apply_model_inputs(AppState& s);
// inputs {source: "model", model, text, layer, head, ablations, position, generate, temperature, seed,
// generated, decode_step} ⇄ s.model_inputs (reading validates against the open model; throws ProblemError).
attn::Json model_inputs_to_json(const AppState& s);
// A model scenario (Scenario::uses_model): the model's text, layer and head, the step at the focus token's
// softmax; a notice when that model is not open. model_focus_index: the focus among the problem's tokens.
void load_model_scenario(AppState& s, const attn::Scenario& sc);
int model_focus_index(const AppState& s, const attn::Scenario& sc);
void model_inputs_from_json(AppState& s, const attn::Json& j);

// {problem, inputs, step, view}
attn::Json state_to_json(const AppState& s);

// Validates the whole state first; on error throws attn::ProblemError naming the field and changes nothing.
// step accepts {index} or {stage, query, key, phase}; granularity "cell" | "row". Missing parts keep their
// values. A problem without inputs switches to typed q/k/v (Source::Direct); inputs rebuild q/k/v. A problem
// with settings only (mask, scale, temperature, variant, feature_map, tile, precision) changes just those.
void state_from_json(AppState& s, const attn::Json& j);
// The same from JSON text (attn::parse_json_text: depth, UTF-8 and size checked; repaired labels noted in
// s.notice). Throws attn::ProblemError.
void state_from_text(AppState& s, std::string_view text);

}  // namespace state
