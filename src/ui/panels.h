// The app's panels, one function each over AppState, and draw_frame that lays them out to fit the
// window (1366×768 at 1× without overlap). Panels edit state.problem and set state.dirty; they never
// compute attention themselves (the app shell does, once per frame).
#pragma once

#include "ui/app_state.h"

namespace ui {

// Draws every panel for this frame. Call between ImGui::NewFrame() and ImGui::Render().
void draw_frame(AppState& s);

void panel_input(AppState& s);    // sentence, sizes, seed, mask, scale, temperature
void panel_qkv(AppState& s);      // Q, K, V of the shown head as labelled heatmaps
void panel_weights(AppState& s);  // attention weights heatmap (rows = queries, columns = keys)
void panel_status(AppState& s);   // backend, time, cost, honesty note, errors

}  // namespace ui
