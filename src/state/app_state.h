// AppState: the document (what getState() returns and links carry; panels edit it), what is derived from it
// (recomputed by the app shell once per frame when dirty; panels read it), and the jobs panels ask for.
// state_to_json / state_from_json (state_json.cpp) are window.attnlab.getState()/setState(). Tests:
// tests/core/test_app_state.cpp (AppState.*).
#pragma once

#include <array>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attn/cost.h"
#include "attn/explain.h"
#include "attn/flash.h"
#include "attn/linear.h"
#include "attn/json_io.h"
#include "attn/run.h"
#include "attn/scenario.h"
#include "attn/sentence.h"
#include "attn/step.h"
#include "model/forward.h"
#include "model/heads.h"
#include "state/handout_types.h"
#include "state/lesson_types.h"

namespace ui {

// Where Q, K, V come from: embeddings × W_Q/W_K/W_V (a scenario's or seeded random ones), typed directly,
// or a real model's layer and head on a text.
enum class Source { Embeddings, Direct, Model };

// The views of the main area (one tab each).
enum class Panel {
  Step,
  Model,
  Variants,
  Tokens,
  Distribution,
  Scaling,
  Numerics,
  Edit,
  Performance,
  Overview
};
// The views by id (state JSON, links, lessons, file names; the tab's words are "view.<id>"). What each draws
// is kDraw in panels.cpp; what the screen-reader mirror says of it is describe_view (mirror.cpp).
inline constexpr attn::Named<Panel> kViews[] = {{Panel::Step, "step"},
                                                {Panel::Model, "model"},
                                                {Panel::Variants, "variants"},
                                                {Panel::Tokens, "tokens"},
                                                {Panel::Distribution, "distribution"},
                                                {Panel::Scaling, "scaling"},
                                                {Panel::Numerics, "numerics"},
                                                {Panel::Edit, "edit"},
                                                {Panel::Performance, "performance"},
                                                {Panel::Overview, "overview"}};
constexpr int kPanelCount = static_cast<int>(std::size(kViews));

// The Variants view's parts, the same way ("variants.<id>"; drawn by kPartDraw in panel_variants.cpp).
enum class VariantSection { Compare, Masks, Heads, Linear, Flash, Positions };
inline constexpr attn::Named<VariantSection> kVariantParts[] = {
    {VariantSection::Compare, "compare"}, {VariantSection::Masks, "masks"},
    {VariantSection::Heads, "heads"},     {VariantSection::Linear, "linear"},
    {VariantSection::Flash, "flash"},     {VariantSection::Positions, "positions"}};
constexpr int kVariantSectionCount = static_cast<int>(std::size(kVariantParts));

// One variant run on the current input (Variants view): how far its output is from standard attention's.
struct VariantRun {
  attn::Variant variant = attn::Variant::Standard;
  attn::Message name;               // cost.standard / cost.flash / cost.linear: "standard", "flash 4×4", …
  double max_diff = -1;             // max |O − O_standard| over the output (−1: not run, see note)
  attn::Message note;               // why not, when it could not run (lab.run.*; no id: it ran)
  std::vector<attn::MatD> weights;  // per head (the implied matrix for linear)
};

// K/V heads averaged into g groups (the usual MHA → GQA conversion): the output change on this input.
struct GroupedRun {
  int kv_heads = 0;
  double max_diff = 0;  // max |O_g − O_MHA|
  double rel_diff = 0;  // ‖O_g − O_MHA‖ / ‖O_MHA‖ (Frobenius)
};

// One position scheme on the current input (Variants → Positions, state/positions.cpp): its weights, how far
// its output is from no position at all, and the relative-shift test (every position moved by
// kPositionShift).
struct PositionRun {
  attn::PositionSpec::Kind kind = attn::PositionSpec::Kind::None;
  attn::Message note;               // why it does not apply here (lab.positions.*; no id: it ran)
  std::vector<attn::MatD> weights;  // per head
  double vs_none = -1;              // max |O − O_none|
  double shift_scores = -1;         // max |Δ score| over the scores the mask lets through
  double shift_output = -1;         // max |Δ output|
  double extra = 0;                 // the scheme's own multiply-adds (attn::position_cost)
};
inline constexpr int kPositionShift = 7;

// Extrapolation with the numbers: trained on n tokens (this input's length), asked about 4n.
struct PositionReach {
  int n = 0;
  double sin_similarity = 0;  // sinusoidal: max cosine of position 4n − 1's vector to one seen (< n)
  int rope_pairs = 0;         // RoPE on this head width: pairs, and the slowest pair's angle at
  double rope_seen = 0, rope_far = 0;  //   offset n − 1 (the largest seen) and 4n − 1 (radians)
  double rope_wavelength = 0;          //   tokens for the slowest pair to turn once
  double alibi_slope = 0;  // ALiBi, this head: the slope, and the bias at distance n − 1 and 4n − 1
  double alibi_seen = 0, alibi_far = 0;
};

// The K/V projections factorised through a shared latent of width d_c (MLA, attn/latent.h): the output
// change on this input, the cache per token, and how far the absorbed scores are from the expanded ones.
struct LatentRun {
  int d_c = 0;
  double max_diff = 0;    // max |O_MLA − O_MHA|
  double rel_diff = 0;    // ‖O_MLA − O_MHA‖ / ‖O_MHA‖
  double scores_gap = 0;  // max |q_c·cᵀ − q·kᵀ| over every head (absorbed vs expanded: rounding)
  int cached = 0;         // numbers cached per token: d_c (MHA: 2·h·d_k)
  double projections =
      0;  // multiply-adds of the K/V projections through the latent (attn::kv_projection_mul_adds)
};

// Derived from the problem by the app shell (refresh_variants) for the Variants view.
struct Variants {
  int version = -1;  // the result_version these belong to
  std::vector<VariantRun> runs;
  std::vector<attn::MatD> standard_outputs;  // per head: standard attention's output (L×d_v)
  std::vector<attn::VariantCost> costs;
  std::vector<attn::FlashTrace> flash;    // per head, every tile recorded
  std::vector<attn::LinearTrace> linear;  // per head (empty when the mask is not none/causal)
  std::vector<GroupedRun> grouped;        // each g dividing h, for multi-head problems
  std::vector<LatentRun> latent;          // MLA with d_c = E/4, E/2, E (multi-head problems)
  attn::Message grouped_why;              // why there is no comparison, when there is none (lab.grouped.*)
  std::string grouped_note;            // why nothing could be computed: the engine's error (app/derive.cpp)
  std::vector<PositionRun> positions;  // one per kind the lab compares (none, sinusoidal, RoPE, ALiBi)
  PositionReach reach;
};

// Source::Model: a text through the loaded GPT-2, and which of its heads the step-through shows.
struct ModelInputs {
  std::string text =
      "It is a truth universally acknowledged, that a single man in possession of a good "
      "fortune, must be in want of a wife.";
  int layer = 0, head = 0;
  std::vector<model::Ablation> ablations;  // heads switched off or made uniform
  int position = -1;                       // whose next token the Model view predicts (−1: the last)
  int generate = 5;                        // tokens Generate adds
  double temperature = 0;                  // 0: the most likely token; else sampled with seed
  std::uint64_t seed = 1;
  bool generated = false;  // Generate was pressed for this text: the decode steps exist
  int decode_step = -1;  // ≥ 0: the step view shows generated token i's decode step (1 × N), else the text
};

// Derived from ModelInputs by refresh_model (state/model_run.cpp), once per model_version.
struct ModelRun {
  int version = -1;
  std::string error;                               // why the model could not run (the text is too long…)
  model::Forward forward;                          // the text, with the ablations
  model::Forward base;                             // the text without them (empty when there are none)
  std::vector<model::HeadScores> heads;            // layer × head scores and labels
  std::vector<model::Prediction> next, next_base;  // top 10 after `position`, with and without ablations
  model::KvCache cache;                            // after generation
  std::vector<model::DecodeStep> steps;            // one per generated token (the prompt's are not kept)
  std::vector<int> generated;                      // the generated ids
  std::vector<double> induction;                   // per head, measured once per model (score_heads)
  const model::Gpt2* induction_of = nullptr;       // the model `induction` was measured on…
  int induction_edits = -1;                        // …after this many edits
};

// The long-sequence overview (computed on WebGPU by the browser build): a random problem of n tokens.
// The Long sequences panel's masks (Overview::mask indexes this table).
struct OverviewMask {
  const char* title;  // a message id: its words in the app's language (ui::words)
  attn::MaskSpec::Kind kind;
  int window;
};
inline constexpr OverviewMask kOverviewMasks[] = {
    {"perf.mask.none", attn::MaskSpec::Kind::None, 0},
    {"perf.mask.causal", attn::MaskSpec::Kind::Causal, 0},
    {"perf.mask.window_256", attn::MaskSpec::Kind::Window, 256}};

struct Overview {
  int n = 16384;
  int mask = 1;  // into kOverviewMasks
  int size = 128;
  int row = 12000;
  bool requested = false;
  bool running = false;
  int running_n = 0;          // the n of the run in flight
  double started = 0;         // ImGui time when it started
  double seconds_per_n2 = 0;  // measured by the last run: the progress estimate for the next (0: unknown)
  attn::Message status;
  attn::MatD map;                   // size×size block means of the weights
  std::vector<double> row_weights;  // the exact weights of `row`
  int shown_row = -1;               // the row row_weights belongs to
};

// More tokens than the step-through shows: the shown head's weights as block means (attn::attention_map),
// derived once per result (app/derive.h) so no frame draws L×S cells.
struct WeightsMap {
  static constexpr int kSide = 128;  // at most kSide × kSide blocks
  int version = -1, head = -1;       // the result_version and head it was made from
  attn::MatD map;                    // rows sum to 1, like rows of weights
  int rows_per_block = 1, cols_per_block = 1;
};

// One measured time: a backend/path ("cpu", "webgpu 3-pass", "webgpu flash") at n tokens (d = 64, one head).
struct PerfPoint {
  std::string series;  // the series' name in English: its key (the legend's order, performance()'s JSON)
  attn::Message name;  // …said in the app's language (the legend, the mirror)
  int n = 0;
  double ms = 0;
  int order = 2;  // the slope theory gives on log–log axes: 1 for O(n) ways, 2 for O(n²)
};

// The Performance panel's CPU series (a PerfJob is one size of one of these): what each runs, how far it
// goes.
struct PerfSeries {
  const char* name;  // message id; says {backend} (platform::cpu_series) and {window}
  attn::MaskSpec::Kind mask;
  int window;
  attn::Variant variant;
  int max_n;
  int order;  // as PerfPoint::order
};
inline constexpr PerfSeries kPerfSeries[] = {
    {"perf.series.all", attn::MaskSpec::Kind::None, 0, attn::Variant::Standard, 4096, 2},
    {"perf.series.window", attn::MaskSpec::Kind::Window, 64, attn::Variant::Standard, 8192, 1},
    {"perf.series.linear", attn::MaskSpec::Kind::None, 0, attn::Variant::Linear, 8192, 1}};
// A measured point of the series `name` (its key: the name said in English).
PerfPoint perf_point(attn::Message name, int n, double ms, int order = 2);

// The main view's numbers from WebGPU (browser build) while view.backend is WebGpu: the GPU's masked scores,
// weights and output per head for result_version `version`. Runs are asynchronous; a result that comes back
// after the problem changed is discarded (counted) and the current problem is run again.
struct GpuView {
  struct Head {
    attn::MatD masked, weights, output;  // L×S, L×S, L×d_v (masked/weights empty on the flash path)
  };
  std::vector<Head> heads;  // empty when the run failed or fell back to the CPU
  int version = -1;         // the result_version `heads` and `status` belong to
  int in_flight = -1;       // the result_version being computed (-1: idle)
  double started = 0;       // ImGui time when the run in flight started (for the elapsed-time display)
  int discarded = 0;        // results dropped because the problem changed while they ran
  double max_diff = -1;     // max |GPU − CPU| over the weights and outputs of every head (-1: none)
  std::string path;         // "3-pass" | "flash"
  double gpu_ms = -1;
  attn::Message status;  // what computed the numbers shown, or why WebGPU did not
};

enum class Backend { Cpu, WebGpu };

struct VariantsView {
  VariantSection section = VariantSection::Compare;
  int flash_step = 0;  // position in the flash walkthrough (index into Variants::flash[head].tiles)
  int model = 0;       // KV-cache calculator: model preset
  int context = 8192;  // KV-cache calculator: tokens held
};

struct ViewState {
  float ui_scale = 1.0f;       // 1×–3× (presenter mode); fonts are re-rasterised, not stretched
  bool high_contrast = false;  // black background, white text, stronger outlines
  int head = 0;                // which head the matrices show
  bool show_values = true;     // print numbers inside heatmap cells when they fit
  Panel panel = Panel::Step;
  Backend backend = Backend::Cpu;  // who computes the weights and outputs the step view shows
  bool input_panel = true;         // presenters can hide the left column to give the matrices room
  bool projector = false;          // the Projector preset is on (set_projector): thicker highlights too
  unsigned quiz = 0;               // quiz mode: what is held back in every view until revealed (bit per Held)
  VariantsView variants;
  int edit_matrix = 0;          // Edit numbers: 0 X, 1 W_Q, 2 W_K, 3 W_V, 4 Q, 5 K, 6 V
  double logit_scale = 30.0;    // numerics lesson: the row's logits are multiplied by this
  std::string language = "en";  // the catalog every word on screen comes from (attn::catalog_for)
};

// What the last frame drew and the gestures under way: written by the panels as they draw, read by the next
// frame, attnlab.layout() and tests; neither the document nor derived from it.
struct FrameState {
  float controls_h = 0;    // the height the controls took
  float narration_h = 0;   // the most the narration has needed since the view last changed
  float prediction_h = 0;  // the height the lesson's prediction took (it stays in sight)
  // The way in (panel_welcome): asked for (a first visit, the Lessons menu), on screen, or closed.
  enum class Welcome { Closed, Asked, Shown } welcome = Welcome::Closed;
  bool welcome_teach = false;  // it lists the lessons for a class
  // A narrow screen (a tablet held upright, a phone): no column beside the matrices; the input panel opens as
  // a drawer over them (drawer), and where the stage's matrices do not fit side by side one shows at a time
  // (one_map: which, −1 the stage's own).
  bool narrow = false;
  bool drawer = false;
  int one_map = -1, one_map_stage = -1;
  int narration_for = -1;           // (the result_version and view it was measured for)
  attn::StepIndex followed = -1;    // the step the step view last scrolled into sight
  bool arithmetic = false;          // Enter: show the current cell's whole arithmetic (a popup)
  Panel shown_panel = Panel::Step;  // the view and Variants part drawn (another starts at its top)
  VariantSection shown_part = VariantSection::Compare;
  bool shown_once = false;
  int paint = -1;  // while dragging on the mask grid: the value being painted (0 or 1), else −1
  float mask_grid[3] = {-1, -1, 0};  // where the mask grid was drawn: x, y of cell (0, 0), cell size
  std::vector<std::array<float, 4>> global_chips;  // where the global-token buttons were drawn: x, y, w, h
};

// What the app shell says about where it runs (platform.cpp sets it once; a lesson or link keeps it).
struct PlatformConfig {
  std::string share_label = "status.share_json";  // the Share menu's item (a message id)
  bool open_from_clipboard = true;                // Share → Open a copied link or state (desktop)
  bool model_file_picker = false;  // models open from picked files (browser), not a typed folder
  bool handout_downloads = false;  // handouts download (browser) rather than go into handout_dir
  std::string handout_dir = "attnlab-handouts";  // (desktop) where handouts are saved
  bool reduced_motion = false;  // the system asks for less motion: a link or lesson never starts playback
  float pixel_ratio = 1;  // device pixels per CSS (or logical) pixel: the browser's devicePixelRatio, GLFW's
                          // content scale natively. The shell sets it each frame; fonts and sizes follow it.
  bool touch = false;     // the last pointer was a finger (browser): larger targets, the on-screen keyboard
  attn::Message cpu;      // how many threads the CPU path has here, and why only one (Performance view)
};

// The document: what getState() returns and a link carries. Panels edit it and set dirty; setState applies
// to a copy of it and nothing else.
struct Document {
  // Inputs (what the learner edits).
  std::string sentence;
  std::string key_sentence;  // cross-attention: keys and values from this sentence ("" = self-attention)
  std::string scenario_id;   // "" = the learner's own sentence with seeded random vectors
  Source source = Source::Embeddings;
  attn::SentenceSetup setup;          // tokens, d_model, d_k, seed
  attn::SentenceInputs inputs;        // X, W_Q, W_K, W_V (Source::Embeddings)
  std::vector<std::string> features;  // names of X's columns
  attn::Problem problem;              // what is computed (q/k/v derived from inputs for Embeddings)

  attn::Granularity granularity = attn::Granularity::Cell;
  attn::StepIndex step_index = 0;
  bool playing = false;
  float steps_per_second = 4.0f;
  ViewState view;
  LessonProgress lesson;  // the open lesson, its page and the learner's answer
  ModelInputs model_inputs;

  bool dirty = true;  // edited since the app shell last derived (not part of the JSON)
};

// The documents before the last edits, for undo (state/undo.h), and those undone, for redo.
struct UndoHistory {
  std::vector<Document> undo, redo;
  double last = -1e9;                       // when the last edit was remembered (seconds)
  bool replaying = false;                   // the frame's change is an undo or redo, not an edit
  static constexpr double kTogether = 1.0;  // edits closer than this are one
  static constexpr size_t kMost = 100;
  static constexpr double kMostNumbers = 4e6;  // (32 MB of doubles)
};

// What each way holds besides Q, K, V, O at the Performance panel's largest n, from the cost model (exact for
// these kernels): dense, a 64-wide window, flash and linear attention (app/derive.cpp, once per n: a
// window's allowed scores take O(n²) to count).
struct PerfMemory {
  int n = 0;
  std::vector<attn::VariantCost> ways;
};

// Derived from the document by the app shell (app/derive.cpp; the GPU's answers through app/bridge.cpp),
// never edited by panels.
struct Derived {
  attn::Result result;
  std::string error;  // non-empty when the last recompute failed; result is then the last good one
  bool has_result = false;
  int result_version = 0;       // +1 on every recompute (lets the page know when to refresh its mirror)
  Variants variants;            // the variants lab's runs and costs
  WeightsMap weights_map;       // the weights of a long sequence, as blocks
  LessonCheck lesson_check;     // the open page's prediction, checked on these numbers
  ModelRun model_run;           // the open model on model_inputs
  GpuView gpu;                  // the step view's numbers from WebGPU
  std::vector<PerfPoint> perf;  // the Performance panel's measurements
  PerfMemory perf_memory;       // …and the memory each way holds at their largest n
  attn::Message perf_status;    // (status lines are messages, said when shown: they follow the language)
  attn::Message gpu_report;     // the last GPU check: path, time, adapter, max |GPU − CPU|
};

// What panels ask the app shell to do after this frame (service_requests drains them).
struct Jobs {
  struct PerfJob {
    int series = 0;  // into kPerfSeries
    int n = 0;
  };
  bool perf_requested = false;        // measure: CPU points one per frame, then WebGPU in the browser
  std::vector<PerfJob> perf_pending;  // CPU measurements still to make, one per frame
  // The WebGPU sweep under way (app/bridge_core.cpp perf_next): which path (0 flash, 1 3-pass; 2 none) at
  // which n, on which adapter.
  struct GpuSweep {
    int path = 2;
    int n = 0;
    std::string adapter;
  } gpu_sweep;
  bool gpu_check_requested = false;  // the problem on screen on WebGPU against the CPU result
  bool share_requested = false;  // "Share": a link to this state (web) or its JSON (desktop) on the clipboard
  HandoutRequest handout;        // the Handout menu: a file the app shell makes after this frame is drawn
  bool open_model_requested =
      false;                   // Model view: open a GPT-2 (the browser's file picker, or open_model_dir)
  std::string open_model_dir;  // (desktop) the folder typed in the Model view
};

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

  attn::Step step() const;
  const attn::Scenario* scenario() const;  // the loaded scenario, or nullptr

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
// Recomputes q = X·W_Q, k = X·W_K, v = X·W_V into the problem (keeps mask, scale, temperature, variant);
// with setup.heads > 1 a torch-layout multi-head problem (W_O = identity), grouped when kv_heads < heads.
void apply_inputs(AppState& s);
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
// The language the app speaks: view.language's catalog (View → Language; English when it is unknown).
const attn::Catalog& catalog(const AppState& s);
// A message without arguments in that language: words(s, "view.step") → "Step-through".
std::string words(const AppState& s, const std::string& id);
// A message with arguments: say(s, "model.loss", {attn::fixed_arg("loss", 2.5, 3)}).
std::string say(const AppState& s, const std::string& id, std::vector<attn::MessageArg> args);
// A message kept for later (a notice, a status line) in that language, when shown.
std::string say(const AppState& s, const attn::Message& m);
// Sentences in that language, joined by spaces.
std::string say(const AppState& s, const std::vector<attn::Message>& sentences);
// The notice in that language ("" when there is none): said when shown, so it follows a change of language.
std::string notice_text(const AppState& s);
// A model's one-line description: its title and shapes (layers × heads, d_model, …).
attn::Message model_card(const model::Gpt2& m);
// A head's label ("previous-token", "mixed", …: model::score_heads) as words.
attn::Message head_label(const std::string& label);
// A number as that language writes it (attn::number: decimals < 0 writes it as the formulas do).
std::string num(const AppState& s, double x, int decimals = -1);

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
// The model's run as the problem for (layer, head) or the decode step; keeps the learner's view settings.
void apply_model_inputs(AppState& s);
// inputs {source: "model", model, text, layer, head, ablations, position, generate, temperature, seed,
// generated, decode_step} ⇄ s.model_inputs (reading validates against the open model; throws ProblemError).
attn::Json model_inputs_to_json(const AppState& s);
// A model scenario (Scenario::uses_model): the model's text, layer and head, the step at the focus token's
// softmax; a notice when that model is not open. model_focus_index: the focus among the problem's tokens.
void load_model_scenario(AppState& s, const attn::Scenario& sc);
int model_focus_index(const AppState& s, const attn::Scenario& sc);
void model_inputs_from_json(AppState& s, const attn::Json& j);

// The Problem fields that are settings, not data: a problem of these alone changes only them (setState).
inline constexpr const char* kSettingFields[] = {"mask",        "scale", "temperature", "variant",
                                                 "feature_map", "tile",  "precision"};

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

}  // namespace ui
