// The screen-reader mirror's words for the view on screen (see app_state.h, describe_view): every view and
// Variants part said with its numbers, holding back what an open prediction or quiz mode holds back. No
// ImGui.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/cost.h"
#include "attn/mask.h"
#include "attn/numerics.h"
#include "attn/sentence.h"
#include "ui/app_state.h"

namespace ui {

namespace {

std::string pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * x);
  return buf;
}

std::string num(double x) { return attn::fmt(x); }

const attn::HeadTrace<double>* head(const AppState& s) {
  if (!s.derived.has_result || s.derived.result.heads.empty()) return nullptr;
  const attn::HeadTrace<double>& t = s.derived.result.heads[static_cast<size_t>(
      std::clamp(s.view.head, 0, static_cast<int>(s.derived.result.heads.size()) - 1))];
  return t.weights.rows() == s.problem.query_len() && t.weights.cols() == s.problem.key_len() ? &t : nullptr;
}

// "animal 71.0%, street 8.3%, …": the row's largest weights, at most five.
std::string top_weights(const attn::HeadTrace<double>& t, int row, const std::vector<std::string>& keys) {
  std::vector<int> order(static_cast<size_t>(t.weights.cols()));
  for (size_t j = 0; j < order.size(); ++j) order[j] = static_cast<int>(j);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return t.weights(row, a) > t.weights(row, b); });
  std::string out;
  for (size_t k = 0; k < order.size() && k < 5; ++k)
    out += (k ? ", " : "") + keys[static_cast<size_t>(order[k])] + " " + pct(t.weights(row, order[k]));
  return out;
}

const char* kHeldWords = "held back until the answer is revealed";

std::string model_view(const AppState& s) {
  if (!s.model || s.source != Source::Model || s.derived.model_run.forward.layers.empty())
    return "Model view: " + (s.model ? s.model->card : std::string("no model is open")) + ".";
  std::string out = "Model view: " + s.model->card + ". Heads on this text: ";
  if (held_back(s, Held::HeadLabels)) {
    out += kHeldWords;
  } else {
    for (const model::HeadScores& h : s.derived.model_run.heads)
      out += "layer " + std::to_string(h.layer) + " head " + std::to_string(h.head) + " " + h.label + "; ";
  }
  if (!held_back(s, Held::NextToken) && !s.derived.model_run.next.empty()) {
    out += ". Next token: ";
    for (size_t i = 0; i < s.derived.model_run.next.size() && i < 3; ++i)
      out += (i ? ", " : "") + std::string("“") + s.derived.model_run.next[i].token + "” " +
             pct(s.derived.model_run.next[i].p);
  }
  return out + ".";
}

std::string variants_view(const AppState& s) {
  const Variants& v = s.derived.variants;
  const bool costs = !held_back(s, Held::Costs);
  const int L = s.problem.query_len(), S = s.problem.key_len();
  switch (s.view.variants.section) {
    case VariantSection::Compare: {
      std::string out = "Variants, compare: ";
      for (const VariantRun& r : v.runs)
        out += r.name + (r.max_diff >= 0 ? ", max |O − O_standard| = " + num(r.max_diff) : "") + "; ";
      if (costs)
        for (const attn::VariantCost& c : v.costs)
          out += c.name + ": " + num(c.mul_adds) + " multiply-adds, " + num(c.intermediate_bytes) +
                 " bytes held, grows as " + c.big_o + "; ";
      return out;
    }
    case VariantSection::Masks:
      return "Variants, masks: " + attn::mask_name(s.problem.mask) +
             (costs ? ", " + num(attn::allowed_count(s.problem.mask, L, S)) + " of " + std::to_string(L * S) +
                          " scores allowed"
                    : std::string()) +
             ". Click or drag on the grid to paint a mask.";
    case VariantSection::Heads:
      return "Variants, heads: " + std::to_string(s.problem.heads()) + " query heads sharing " +
             std::to_string(s.problem.num_kv_heads > 0 ? s.problem.num_kv_heads : s.problem.heads()) +
             " K/V heads; the KV-cache calculator and each head's weights.";
    case VariantSection::Linear:
      for (const VariantRun& r : v.runs)
        if (r.variant == attn::Variant::Linear && r.max_diff >= 0 && costs)
          return "Variants, linear attention: max |O_linear − O_softmax| = " + num(r.max_diff) + ".";
      return "Variants, linear attention: φ(Q)·(φ(K)ᵀ·V) next to softmax attention.";
    case VariantSection::Flash: {
      const Explanation e = explain_current(s);
      return "Variants, flash attention tile by tile: " + e.formula + ". " + e.narration;
    }
  }
  return "";
}

}  // namespace

std::string describe_view(const AppState& s) {
  const attn::HeadTrace<double>* t = head(s);
  const std::vector<std::string> q = attn::query_labels(s.problem), k = attn::key_labels(s.problem);
  const int i = t ? std::clamp(s.step().query, 0, static_cast<int>(q.size()) - 1) : 0;
  const std::string row = q.empty() ? "" : "“" + q[static_cast<size_t>(i)] + "”";
  const bool weights = t && !held_back(s, Held::Softmax);
  switch (s.view.panel) {
    case Panel::Step:
      return "Step-through: Q, Kᵀ, the current stage's matrix, V and O = A·V, " + std::to_string(q.size()) +
             " queries × " + std::to_string(k.size()) + " keys, head " + std::to_string(s.view.head) + ".";
    case Panel::Model:
      return model_view(s);
    case Panel::Variants:
      return variants_view(s);
    case Panel::Tokens:
    case Panel::Distribution:
      return std::string(s.view.panel == Panel::Tokens ? "Tokens" : "Distribution") + ": the weights of " +
             row + ": " + (weights ? top_weights(*t, i, k) : std::string(kHeldWords)) + ".";
    case Panel::Scaling: {
      if (!weights) return std::string("Scaling and temperature: the entropies are ") + kHeldWords + ".";
      const int d_k = static_cast<int>(t->q.cols());
      const double now = attn::entropy_bits(
          attn::row_weights_with(*t, i, attn::score_multiplier(s.problem.scale, d_k, s.problem.temperature)));
      const double raw = attn::entropy_bits(attn::row_weights_with(*t, i, 1.0 / s.problem.temperature));
      return "Scaling and temperature: the row of " + row + " has an entropy of " + num(now) +
             " bits as set, and " + num(raw) +
             " bits without dividing by √d_k (d_k = " + std::to_string(d_k) + ").";
    }
    case Panel::Numerics:
      return "Numerics: the row of " + row + "'s logits multiplied by " + num(s.view.logit_scale) +
             ", softmax computed naively and with the max subtracted, in f32 and f16.";
    case Panel::Edit:
      return "Edit numbers: a table of the chosen matrix; change a cell and everything is recomputed.";
    case Panel::Performance: {
      std::string out = "Performance: ";
      for (const PerfPoint& p : s.derived.perf)
        out += p.series + " at n = " + std::to_string(p.n) + ": " + num(p.ms) + " ms; ";
      return out + (s.derived.perf.empty() ? "no measurements yet (press Measure)." : s.derived.perf_status);
    }
    case Panel::Overview:
      return "Long sequences: " +
             (s.overview.status.empty() ? std::string("press Compute on WebGPU.") : s.overview.status);
  }
  return "";
}

}  // namespace ui
