// Derived state before each frame (see derive.h).
#include "app/derive.h"

#include <algorithm>

#include "compute/cpu_backend.h"
#include "state/lesson.h"

attn::RunOptions view_options() {
  attn::RunOptions o = compute::default_options();
  o.max_bytes = 256.0 * 1024 * 1024;
  return o;
}

void recompute_if_dirty(state::AppState& s) {
  if (!s.dirty) return;
  s.dirty = false;
  state::Derived& d = s.update_derived();
  try {
    state::refresh_problem(s);  // (the Problem is derived: from the inputs and settings panels edited)
    d.result = compute::run_cpu(s.problem(), view_options());
    d.has_result = true;
    ++d.result_version;
    d.error.clear();
  } catch (const attn::ProblemError& e) {
    d.error = e.what();
  } catch (const std::bad_alloc&) {
    d.error = "memory: this problem does not fit in the memory available here";
  }
  s.view.head = std::min(s.view.head, s.problem().heads() - 1);
  s.step_index = s.step().index;  // clamp after a shape change
}

// The Variants view's data (every variant run in full) is derived only while that view is open.
void refresh_variants_if_shown(state::AppState& s) {
  if (s.view.panel != state::Panel::Variants || s.derived().variants.version == s.derived().result_version)
    return;
  try {
    state::refresh_variants(s);
  } catch (const std::exception& e) {  // the Variants view shows what it has; the app keeps running
    state::Derived& d = s.update_derived();
    d.variants.version = d.result_version;
    d.variants.grouped_note = std::string("variants: ") + e.what();
  }
}

void refresh_weights_map(state::AppState& s) {
  state::WeightsMap& m = s.update_derived().weights_map;
  const size_t heads = s.derived().result.heads.size();
  const size_t h = std::min(static_cast<size_t>(std::max(s.view.head, 0)), heads ? heads - 1 : 0);
  const attn::MatD* w = s.derived().has_result && heads ? &s.derived().result.heads[h].weights : nullptr;
  if (!w || (w->rows() <= state::kMaxStepTokens && w->cols() <= state::kMaxStepTokens) || w->size() == 0) {
    m = {};
    return;
  }
  if (m.version == s.derived().result_version && m.head == static_cast<int>(h)) return;
  m.version = s.derived().result_version;
  m.head = static_cast<int>(h);
  m.map = attn::attention_map(*w, state::WeightsMap::kSide, state::WeightsMap::kSide);
  m.rows_per_block = static_cast<int>((w->rows() + m.map.rows() - 1) / m.map.rows());
  m.cols_per_block = static_cast<int>((w->cols() + m.map.cols() - 1) / m.map.cols());
}

void refresh_perf_memory(state::AppState& s) {
  int n = 0;
  for (const state::PerfPoint& p : s.derived().perf) n = std::max(n, p.n);
  if (n == s.derived().perf_memory.n) return;
  state::PerfMemory& m = s.update_derived().perf_memory;
  m = {n, {}};
  if (n == 0) return;
  attn::Problem p;
  p.form = attn::Problem::Form::Random;
  p.random = {1, n, 64, 1, 1};
  p.tile_q = p.tile_k = 64;
  const std::vector<attn::VariantCost> dense = attn::attention_costs(p);  // standard, flash, linear, …
  p.mask.kind = attn::MaskSpec::Kind::Window;
  p.mask.window = 64;
  m.ways = {dense[0], attn::attention_costs(p)[1], dense[1], dense[2]};
}

void derive(state::AppState& s) {
  state::refresh_model(s);  // (Source::Model: the forward pass first; it sets the problem)
  recompute_if_dirty(s);
  refresh_variants_if_shown(s);
  refresh_weights_map(s);
  state::refresh_lesson_check(s);
  refresh_perf_memory(s);
}
