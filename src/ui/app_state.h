// AppState: everything the UI shows and edits, in one struct (the app is this struct plus a frame
// function). Panels write into the Problem and mark it dirty; the app shell recomputes once per frame.
// state_to_json / state_from_json are window.attnlab.getState()/setState(). Tests:
// tests/core/test_app_state.cpp.
#pragma once

#include <string>

#include "attn/json_io.h"
#include "attn/run.h"
#include "attn/sentence.h"
#include "attn/step.h"

namespace ui {

struct ViewState {
  float ui_scale = 1.0f;       // 1×–3× (presenter mode); fonts are re-rasterised, not stretched
  bool high_contrast = false;  // black background, white text, stronger outlines
  int head = 0;                // which head the heatmaps show
  bool show_values = true;     // print numbers inside heatmap cells when they fit
};

struct AppState {
  attn::Problem problem;
  attn::SentenceSetup setup;  // how problem was generated from the sentence (d_model, d_k, seed)
  std::string sentence;       // the text in the input box
  attn::Granularity granularity = attn::Granularity::Cell;
  int step_index = 0;
  ViewState view;

  // Derived by the app shell from problem (never edited by panels):
  bool dirty = true;
  attn::Result result;
  std::string error;  // non-empty when the last recompute failed; result is then the last good one
  bool has_result = false;

  attn::Step step() const;
};

constexpr const char* kDefaultSentence = "The animal didn't cross the street because it was too tired";

// A fresh state showing kDefaultSentence with seeded random vectors.
AppState default_state();

// Re-tokenizes state.sentence and rebuilds the problem from state.setup, keeping mask/scale/temperature.
void rebuild_from_sentence(AppState& s);

// {problem, step: {stage, query, key, index, total, granularity}, view: {...}}
attn::Json state_to_json(const AppState& s);

// Validates the whole state first; on error throws attn::ProblemError naming the field and changes nothing.
// step accepts {index} or {stage, query, key}; granularity "cell" | "row". Missing parts keep their values.
void state_from_json(AppState& s, const attn::Json& j);

}  // namespace ui
