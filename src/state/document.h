// The document: what getState() returns and a link carries — the learner's inputs, the problem's settings,
// the step and the view (how it is looked at). Panels edit it and set dirty; the app shell derives from it
// (derived.h), the Problem included: derive_problem (app_state.h) builds it from the inputs and the settings.
// The JSON is state_json.cpp; undo keeps copies of it (undo.h).
#pragma once

#include <string>
#include <vector>

#include "attn/named.h"
#include "attn/problem.h"
#include "attn/sentence.h"
#include "attn/step.h"
#include "model/forward.h"
#include "state/lesson_types.h"

namespace state {

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

// The Problem fields that are settings, not data: how the inputs are computed (a problem of these alone
// changes only them: setState). Every source takes them; a model's run writes its own mask, scale,
// temperature and precision here when it runs again (state/model_run.cpp).
struct ProblemSettings {
  attn::MaskSpec mask;
  attn::ScaleSpec scale;
  double temperature = 1.0;
  attn::Variant variant = attn::Variant::Standard;
  attn::FeatureMap feature_map = attn::FeatureMap::Elu1;
  int tile_q = 4, tile_k = 4;
  attn::Precision precision = attn::Precision::F32;

  static ProblemSettings of(const attn::Problem& p);
  void apply(attn::Problem& p) const;
};
// Their names in the Problem JSON.
inline constexpr const char* kSettingFields[] = {"mask",        "scale", "temperature", "variant",
                                                 "feature_map", "tile",  "precision"};

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
  ProblemSettings settings;           // how it is computed (the mask, the scale, …)
  attn::Problem typed;  // Source::Direct: the problem as given or typed (its own settings give way to these)

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

}  // namespace state
