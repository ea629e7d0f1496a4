// The Variants view's derived data: every variant on the current input, the flash walkthrough and linear
// attention's pieces per head, and the output change of grouped K/V heads (see app_state.h).
// Tests: tests/core/test_app_state.cpp (AppState.Variants*).
#include <algorithm>
#include <cmath>

#include "attn/latent.h"
#include "attn/multihead.h"
#include "state/app_state.h"

namespace state {

namespace {

// The standard multi-head problem this one was grouped from (for sentences: rebuilt with kv_heads = heads).
bool ungrouped(const AppState& s, attn::Problem& mha, attn::Message& why) {
  if (s.problem().form == attn::Problem::Form::Direct) {
    why = {"lab.grouped.one_head", {}};
    return false;
  }
  if (s.problem().kv_heads() == s.problem().heads()) {
    mha = attn::materialize(s.problem());  // (a random problem's heads and weights, generated)
    return true;
  }
  if (s.source == Source::Embeddings) {
    attn::SentenceSetup setup = s.setup;
    setup.kv_heads = s.setup.heads;
    mha = sentence_problem(setup, s.inputs, s.settings);
    return true;
  }
  why = {"lab.grouped.shared", {}};
  return false;
}

}  // namespace

void refresh_variants(AppState& s) {
  Variants& v = s.update_derived().variants;
  v = Variants{};
  v.version = s.derived().result_version;
  if (!s.derived().has_result || !s.derived().error.empty()) return;
  const int L = s.problem().query_len(), S = s.problem().key_len();
  if (L > kMaxStepTokens || S > kMaxStepTokens) return;
  v.costs = attn::attention_costs(s.problem());
  refresh_positions(s, v);

  attn::Problem base = s.problem();
  base.variant = attn::Variant::Standard;
  const attn::Result standard = attn::run(base);
  for (attn::Variant x : {attn::Variant::Standard, attn::Variant::Flash, attn::Variant::Linear}) {
    attn::Problem p = base;
    p.variant = x;
    VariantRun r;
    r.variant = x;
    r.name =
        x == attn::Variant::Flash
            ? attn::Message{"cost.flash", {attn::count_arg("br", p.tile_q), attn::count_arg("bc", p.tile_k)}}
        : x == attn::Variant::Linear
            ? attn::Message{"cost.linear", {attn::text_arg("phi", attn::feature_map_name(p.feature_map))}}
            : attn::Message{"cost.standard", {}};
    // (the engine refuses linear attention with another mask; said here in the learner's language)
    const attn::MaskSpec& m = p.mask;
    if (x == attn::Variant::Linear && !attn::linear_computes(m)) {
      r.note = {"lab.run.linear_mask", {attn::words_arg("mask", attn::mask_message(m))}};
      v.runs.push_back(std::move(r));
      continue;
    }
    try {
      const attn::Result res = x == attn::Variant::Standard ? standard : attn::run(p);
      r.max_diff = max_abs_diff(res.output, standard.output);
      for (const attn::HeadTrace<double>& t : res.heads) r.weights.push_back(t.weights);
    } catch (const attn::ProblemError& e) {
      r.note = {"lab.run.failed", {attn::text_arg("why", e.what())}};
    }
    v.runs.push_back(std::move(r));
  }

  const bool linear_ok = attn::linear_computes(s.problem().mask);
  const bool causal = linear_ok && s.problem().mask.kind == attn::MaskSpec::Kind::Causal;
  for (const attn::HeadTrace<double>& t : standard.heads) {
    v.standard_outputs.push_back(t.output);
    const double multiplier =
        attn::score_multiplier(s.problem().scale, static_cast<int>(t.q.cols()), s.problem().temperature);
    v.flash.push_back(attn::flash_attention(t.q, t.k, t.v, s.problem().mask, multiplier, s.problem().tile_q,
                                            s.problem().tile_k, true, t.bias));
    if (linear_ok)
      v.linear.push_back(attn::linear_attention(t.q, t.k, t.v, s.problem().feature_map, causal, true));
  }

  attn::Problem mha;
  if (!ungrouped(s, mha, v.grouped_why)) return;
  mha.variant = attn::Variant::Standard;
  const attn::Result full = attn::run(mha);
  const double norm = full.output.norm();
  for (int g = mha.num_heads; g >= 1; --g) {
    if (mha.num_heads % g != 0) continue;
    const attn::Result r = attn::run(attn::group_kv_heads(mha, g));
    v.grouped.push_back(
        {g, max_abs_diff(r.output, full.output), norm > 0 ? (r.output - full.output).norm() / norm : 0});
  }
  const int E = static_cast<int>(mha.query.cols());
  for (int d_c : {E / 4, E / 2, E}) {
    if (d_c < 1 || (!v.latent.empty() && v.latent.back().d_c == d_c)) continue;
    const attn::LatentKV m = attn::latent_kv(mha, d_c);
    const attn::Result r = attn::run(attn::with_latent_kv(mha, m));
    LatentRun run{d_c,
                  max_abs_diff(r.output, full.output),
                  norm > 0 ? (r.output - full.output).norm() / norm : 0,
                  0,
                  d_c,
                  attn::kv_projection_mul_adds(static_cast<double>(mha.key.rows()), E, E, d_c)};
    for (int h = 0; h < mha.num_heads; ++h) {
      const attn::LatentScores sc = attn::latent_scores(mha, m, h);
      run.scores_gap = std::max(run.scores_gap, max_abs_diff(sc.absorbed, sc.expanded));
    }
    v.latent.push_back(run);
  }
}

}  // namespace state
