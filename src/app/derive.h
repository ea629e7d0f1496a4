// What the app derives from its state before drawing a frame, with no window or ImGui (so the fuzz
// harnesses and core tests run exactly this too): the model's run on its text, the Result when the problem
// changed, the Variants view's data while that view is open, the block map that stands in for the weights
// of a long sequence, and the Performance panel's memory per way.
#pragma once

#include "state/app_state.h"

// The limits of the app's own result: the step-through is for short sentences, and a long one shows a block
// map only, so the app holds at most 256 MiB for its trace whatever the build (attnlab.run may use more).
attn::RunOptions view_options();

// Recomputes state.derived().result when the problem changed (the one place the UI's numbers are computed),
// within view_options(); a refusal goes to state.derived().error and the app keeps running.
void recompute_if_dirty(state::AppState& s);

// The Variants view's data (every variant run in full) is derived only while that view is open.
void refresh_variants_if_shown(state::AppState& s);

// For more tokens than the step-through shows: the shown head's weights as a block map (weights_map).
void refresh_weights_map(state::AppState& s);

// The memory each way holds at the Performance panel's largest n (state::PerfMemory), when that n changed;
// also after the frame's measurements (service_requests) add a point.
void refresh_perf_memory(state::AppState& s);

// The model's forward pass (state::refresh_model), then all three, in that order, then the open lesson page's
// check (state::refresh_lesson_check) and the Performance panel's memory.
void derive(state::AppState& s);
