// What is derived from the document (app/derive.cpp, state/variants.cpp, state/model_run.cpp, the bridge's
// GPU answers): results, the Variants view's runs, the model's run, the GPU's numbers, measurements. Panels
// read it through AppState::derived(); only the derivations write it.
#pragma once

#include <string>
#include <vector>

#include "attn/cost.h"
#include "attn/flash.h"
#include "attn/linear.h"
#include "attn/position.h"
#include "attn/run.h"
#include "attn/text.h"
#include "model/forward.h"
#include "model/gpt2.h"
#include "model/heads.h"
#include "state/lesson_types.h"

namespace state {

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
  attn::Problem problem;  // what is computed (derive_problem)
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

}  // namespace state
