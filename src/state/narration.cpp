// The narration of the current step (see narration.h).
#include "attn/explain.h"
#include "state/narration.h"

#include <algorithm>

#include "state/lesson.h"

namespace state {

namespace {
// The formula is math written by the engine: its few words (⟦id⟧) said and its decimal signs the language's.
Explanation said(const Words& w, const attn::StepExplanation& e) {
  const attn::Catalog& c = *w.catalog;
  return {attn::say(c, e.title), attn::say_formula(c, e.formula), attn::say(c, e.narration), e.values};
}
}  // namespace

attn::ExplainInput explain_input(const AppState& s, const attn::HeadTrace<double>& t, int h) {
  attn::ExplainInput in = attn::explain_input(s.problem(), t, h);
  // A scenario's K and V are its features (W_K = W_V = I): q·k adds feature by feature, so each column
  // of Q, K and V is named by its feature.
  const attn::Scenario* sc = s.scenario();
  const auto identity = [&](const attn::MatD& w) {
    return w.rows() == w.cols() && w.rows() == static_cast<Eigen::Index>(s.features.size()) &&
           w.isIdentity(0);
  };
  if (sc && s.source == Source::Embeddings && s.setup.heads == 1 && identity(s.inputs.w_k) &&
      identity(s.inputs.w_v) && t.q.cols() == static_cast<Eigen::Index>(s.features.size()))
    in.dim_names = s.features;
  return in;
}

Explanation explain_current(const AppState& s, int max_terms) {
  if (!s.derived().has_result || s.derived().result.heads.empty()) return {};
  if (flash_walkthrough_shown(s) && held_back(s, Held::Softmax))
    return said(s, {{"explain.flash.held_title", {}},
                    words(s, "explain.held_formula"),
                    {{"explain.flash.held", {}}},
                    {}});
  if (flash_walkthrough_shown(s)) {
    const attn::FlashTrace& f = s.derived().variants.flash[static_cast<size_t>(std::max(0, s.view.head))];
    return said(s, attn::explain_flash_tile(
                       f, std::clamp(s.view.variants.flash_step, 0, static_cast<int>(f.tiles.size()) - 1),
                       attn::query_labels(s.problem())));
  }
  if (s.problem().variant == attn::Variant::Linear)
    return said(
        s, {{"explain.linear.title", {}}, "O = φ(Q)·(φ(K)ᵀ·V) ÷ φ(Q)·Σφ(K)", {{"explain.linear", {}}}, {}});
  const int h = std::clamp(s.view.head, 0, static_cast<int>(s.derived().result.heads.size()) - 1);
  const attn::HeadTrace<double>& t = s.derived().result.heads[static_cast<size_t>(h)];
  const attn::Step st = s.step();
  if (t.weights.rows() != s.problem().query_len() || t.weights.cols() != s.problem().key_len()) return {};
  attn::ExplainInput in = explain_input(s, t, h);
  in.max_terms = max_terms;
  attn::StepExplanation e = attn::explain_step(in, st);
  if (held_back(s, static_cast<Held>(st.stage))) {  // (a prediction is open: its answer waits)
    e.formula = words(s, "explain.held_formula");
    e.narration = {{"explain.held", {}}};
    e.values.clear();
  }
  return said(s, e);
}

}  // namespace state
