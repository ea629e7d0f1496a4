// The app's panels, one function each over AppState, and draw_frame that lays them out to fit the window
// (1366×768 at 1× without overlap). Panels edit the inputs or the Problem and set state.dirty; they never
// compute attention themselves (the app shell does, once per frame). Files: panels.cpp (layout, input,
// narration), panel_step.cpp (controls, step-through), panel_views.cpp (tokens, distribution, scaling,
// numerics), panel_edit.cpp (editing numbers), panel_perf.cpp (performance), panel_variants.cpp,
// panel_heads.cpp, panel_flash.cpp and panel_positions.cpp (the variants lab).
#pragma once

#include <string>

#include "state/app_state.h"

namespace ui {

using namespace state;  // the ui layer draws the state layer's data and edits its document

// Draws every panel for this frame, handles the step keys and playback. Call between NewFrame and Render.
void draw_frame(AppState& s);

void panel_input(AppState& s);         // scenario, sentence, sizes, mask, scale, temperature
void panel_controls(AppState& s);      // step buttons, play, speed, scrubber, stage jumps, granularity
void panel_step_view(AppState& s);     // Q, Kᵀ, the current stage's matrix, V, O laid out like the product
void panel_narration(AppState& s);     // the current step's formula with numbers, and plain words
void arithmetic_popup(AppState& s);    // Enter: the current cell's whole arithmetic, every term
void panel_welcome(AppState& s);       // the way in: start a lesson, teach (lessons + projector), explore
void panel_tokens(AppState& s);        // lines from the selected query token to every key token
void panel_distribution(AppState& s);  // the selected row's scores and weights as bars
void panel_scaling(AppState& s);       // 1/√d_k and temperature: entropy, max weight, spread of q·k
void panel_numerics(AppState& s);      // naive vs max-subtracted softmax in f32 and f16
void panel_edit(AppState& s);          // cell-by-cell editing of X, W_Q, W_K, W_V or Q, K, V
void panel_performance(AppState& s);   // measured time vs n per backend (log-log), and the GPU check
void panel_overview(AppState& s);      // long sequences on WebGPU: downsampled map and one exact row
void panel_variants(AppState& s);      // the variants lab: compare, masks, heads, linear, flash tiles
void panel_model(AppState& s);         // the real model: heads on the text, next token, ablation, generation
void model_input_panel(AppState& s);   // the input panel's part for Source::Model: text, layer, head
void panel_lesson(AppState& s);        // the open lesson: progress, the page's narration, its prediction
void lessons_menu(AppState& s);        // the menu bar's Lessons: open one, close it
void quiz_menu(AppState& s);           // View → Quiz mode: what to hold back in every view
void held_line(AppState& s);           // above the main view: what is held back, and Reveal
void mask_controls(AppState& s);       // mask kind and parameters (input panel and the Masks part)
void position_controls(AppState& s);   // panel_positions.cpp: where position enters (input panel)
bool takes_global_tokens(
    const AppState& s);  // the mask kind can have global tokens (not none/padding/painted)

// Keyboard: ←/→ step, Shift+←/→ stage, Space play/pause, Home/End (ignored while typing in a text field).
void handle_keys(AppState& s);

// Helpers shared by the panel files.
const attn::HeadTrace<double>* shown_head(const AppState& s);  // nullptr before the first result
bool result_matches_problem(const AppState& s);                // false while an edit awaits recompute
void help_marker(const char* text);
std::string fmt_count(double x);  // "9216", "1 050 000" (3 significant digits, narrow no-break spaces)
// A collapsed Q&A line: the question is message `id`, the answer already said.
void interview_prompt(const Words& w, const char* id, const std::string& answer);
std::string lab_bytes(const Words& w, double b);  // attn::human_bytes in the language's decimal sign
std::string lab_count(const Words& w, double x);  // fmt_count, the same way
std::string diff_text(const Words& w, double d);  // a difference: "1.2e-07", "identical", "—" (d < 0)
// Weights side by side, a column each (the Variants view's comparisons): its title, then the matrix as a
// heatmap height_fonts font sizes tall, or the note saying why there is none (weights nullptr).
struct WeightsColumn {
  std::string title;
  const attn::MatD* weights;
  std::string note;
};
void weights_side_by_side(const AppState& s, const char* id, const std::vector<WeightsColumn>& columns,
                          float height_fonts);
void hold_interview_answers(bool held);  // (each frame: while a prediction is open, answers wait)
void section_heads(AppState& s);         // panel_heads.cpp: multi-head, GQA, MQA, MLA and the KV cache
void section_linear(AppState& s);        // panel_flash.cpp: linear attention's re-association, side by side
void section_flash(AppState& s);         // panel_flash.cpp: flash attention's tiles, step by step
void section_positions(AppState& s);     // panel_positions.cpp: each position scheme on this input

}  // namespace ui
