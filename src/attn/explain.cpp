// Formulas and narration for each step (see explain.h). Every number printed is read from the Trace.
#include "attn/explain.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace attn {

std::string fmt(double x) {
  if (std::isinf(x)) return x < 0 ? "−∞" : "∞";
  if (std::isnan(x)) return "NaN";
  char buf[32];
  if (x != 0 && std::fabs(x) < 0.01)
    std::snprintf(buf, sizeof buf, "%.3g", std::fabs(x));
  else
    std::snprintf(buf, sizeof buf, "%.2f", std::fabs(x));
  std::string s = buf;
  if (s == "0.00" || s == "0") return "0.00";
  return (x < 0 ? "−" : "") + s;
}

std::string subscript(int n) {
  static const char* kDigits[] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
  if (n < 0) return "₋" + subscript(-n);
  if (n < 10) return kDigits[n];
  return subscript(n / 10) + kDigits[n % 10];
}

std::string fmt_vector(const std::vector<double>& v, size_t max_items) {
  std::string s = "(";
  for (size_t c = 0; c < v.size() && c < max_items; ++c) s += (c ? ", " : "") + fmt(v[c]);
  if (v.size() > max_items) s += ", …";
  return s + ")";
}

namespace {

std::string quote(const std::string& token) { return "“" + token + "”"; }

std::vector<double> row_of(const MatD& m, int i) {
  return std::vector<double>(m.row(i).data(), m.row(i).data() + m.cols());
}

std::string percent(double w) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100 * w);
  return buf;
}

// The operation that turns a raw score into a scaled one, e.g. " / √4" or " × 0.25 / 0.70 (temperature)".
std::string scale_op(const ExplainInput& in, int d_k) {
  std::string e;
  switch (in.scale.kind) {
    case ScaleSpec::Kind::SqrtDk:
      e = " / √" + std::to_string(d_k);
      break;
    case ScaleSpec::Kind::None:
      break;
    case ScaleSpec::Kind::Value:
      e = " × " + fmt(in.scale.value);
      break;
  }
  if (in.temperature != 1.0) e += " / " + fmt(in.temperature) + " (temperature)";
  return e;
}

std::string mask_reason(const ExplainInput& in, int i, int j, bool allowed) {
  const std::string q = quote(in.query_labels[static_cast<size_t>(i)]),
                    k = quote(in.key_labels[static_cast<size_t>(j)]);
  if (!in.mask.global.empty()) {  // global tokens: say so when they are why a score passes
    MaskSpec base = in.mask;
    base.global.clear();
    const int L = static_cast<int>(in.query_labels.size()), S = static_cast<int>(in.key_labels.size());
    const bool key_global =
        std::find(in.mask.global.begin(), in.mask.global.end(), j) != in.mask.global.end();
    if (allowed && !mask_allows(base, i, j, L, S))
      return "A global token sees every token and every token sees it; " + (key_global ? k : q) +
             " is global.";
  }
  const MaskKindInfo& kind = mask_kind(in.mask.kind);
  return fill(allowed ? kind.reason_allowed : kind.reason_blocked,
              {{"q", q}, {"k", k}, {"n", kind.param ? std::to_string(in.mask.*kind.param) : ""}});
}

}  // namespace

StepExplanation explain_step(const ExplainInput& in, const Step& st) {
  const HeadTrace<double>& t = *in.trace;
  const int i = st.query, j = st.key;
  const int d_k = static_cast<int>(t.q.cols());
  const std::string qi = quote(in.query_labels[static_cast<size_t>(i)]);
  const std::string kj = j >= 0 ? quote(in.key_labels[static_cast<size_t>(j)]) : "";
  const std::string si = subscript(i), sj = j >= 0 ? subscript(j) : "";
  const std::string cell = si + "," + sj;
  const bool row = st.phase == Phase::Row;
  StepExplanation e;
  char buf[64];
  std::snprintf(buf, sizeof buf, "Step %d of 5 · ", static_cast<int>(st.stage) + 1);
  e.title = buf;

  switch (st.stage) {
    case Stage::Scores: {
      e.title += "dot product q·k";
      if (row) {
        e.values = row_of(t.scores, i);
        e.formula = "s" + si + " = q" + si + "·Kᵀ = " + fmt_vector(e.values);
        e.narration = "Compare the query of " + qi +
                      " with every key: one dot product per token. Larger means a "
                      "better match.";
        break;
      }
      e.values = {t.scores(i, j)};
      e.formula = "s" + cell + " = q" + si + "·k" + sj + " = ";
      const int shown = std::min(d_k, std::max(1, in.max_terms));
      for (int c = 0; c < shown; ++c)
        e.formula += (c ? " + (" : "(") + fmt(t.q(i, c)) + ")(" + fmt(t.k(j, c)) + ")";
      if (d_k > shown) e.formula += " + … (" + std::to_string(d_k) + " terms)";
      e.formula += " = " + fmt(t.scores(i, j));
      e.narration = "How well does the query of " + qi + " match the key of " + kj + "? Multiply their " +
                    std::to_string(d_k) + " numbers pairwise and add them up: " + fmt(t.scores(i, j)) +
                    ". The bigger the score, the better the match.";
      break;
    }
    case Stage::Scale: {
      e.title += "scale";
      const std::string why =
          in.scale.kind == ScaleSpec::Kind::SqrtDk
              ? "Dot products of d_k-dimensional vectors grow like √d_k, which would make softmax too "
                "peaked; "
                "dividing by √" +
                    std::to_string(d_k) + " keeps them in a comfortable range."
          : in.scale.kind == ScaleSpec::Kind::None
              ? "Scaling is switched off: the score goes to softmax as it is. With large d_k the weights "
                "become nearly one-hot."
              : "The scores are multiplied by the chosen scale " + fmt(in.scale.value) + ".";
      const std::string temp = in.temperature != 1.0
                                   ? " Dividing by the temperature " + fmt(in.temperature) +
                                         (in.temperature > 1 ? " flattens" : " sharpens") + " the weights."
                                   : "";
      if (row) {
        e.values = row_of(t.scaled, i);
        e.formula = "ŝ" + si + " = s" + si + scale_op(in, d_k) + " = " + fmt_vector(e.values);
        e.narration = why + temp + " This is done for every key of " + qi + ".";
        break;
      }
      e.values = {t.scaled(i, j)};
      e.formula = "ŝ" + cell + " = " + fmt(t.scores(i, j)) + scale_op(in, d_k) + " = " + fmt(t.scaled(i, j));
      e.narration = why + temp + " The score of " + qi + " for " + kj + ": " + fmt(t.scores(i, j)) +
                    " becomes " + fmt(t.scaled(i, j)) + ".";
      break;
    }
    case Stage::Mask: {
      e.title += "mask";
      if (row) {
        e.values = row_of(t.masked, i);
        int blocked = 0;
        for (double x : e.values) blocked += std::isinf(x) ? 1 : 0;
        e.formula = "m" + si + " = " + fmt_vector(e.values);
        e.narration = std::to_string(blocked) + " of the " + std::to_string(e.values.size()) +
                      " keys are blocked for " + qi +
                      ": their scores become −∞, so their weights will be exactly 0.";
        break;
      }
      const bool allowed = !std::isinf(t.masked(i, j));
      e.values = {t.masked(i, j)};
      e.formula = "m" + cell + " = " + (allowed ? fmt(t.scaled(i, j)) + "  (allowed)" : "−∞  (blocked)");
      e.narration = mask_reason(in, i, j, allowed) +
                    (allowed ? " The score stays " + fmt(t.scaled(i, j)) + "."
                             : " The score becomes −∞, so after softmax its weight is exactly 0.");
      break;
    }
    case Stage::Softmax: {
      e.title += "softmax";
      const bool fully = t.fully_masked[static_cast<size_t>(i)];
      const double m = t.row_max(i);
      if (row) {
        e.values = row_of(t.weights, i);
        e.formula = "a" + si + " = softmax(m" + si + ") = " + fmt_vector(e.values);
        e.narration =
            fully ? "Every key is masked for " + qi + ": there is nothing to attend to, so its weights are 0."
                  : "Turn the scores of " + qi +
                        " into weights that are positive and sum to 1: "
                        "exp(score − max) / sum.";
        break;
      }
      if (st.phase == Phase::Max) {
        e.values = {m};
        Eigen::Index arg = 0;
        if (!fully) t.masked.row(i).maxCoeff(&arg);
        e.formula = "max" + si + " = max_j m" + si + ",j = " + fmt(m) +
                    (fully ? "" : "  (at " + quote(in.key_labels[static_cast<size_t>(arg)]) + ")");
        e.narration =
            fully ? "Part 1 of 4: every key of " + qi +
                        " is masked, so the row has no maximum. "
                        "The row is reported as fully masked; its weights and output are 0, not NaN."
                  : "Part 1 of 4: find the largest score in the row of " + qi + ": " + fmt(m) +
                        ". Subtracting it before exp() keeps every exponent ≤ 0, so nothing overflows.";
      } else if (st.phase == Phase::Exp) {
        const double x = t.masked(i, j);
        const double ex = fully ? 0.0 : std::exp(x - m);
        e.values = {ex};
        e.formula = "e" + cell + " = exp(" + fmt(x) + " − " + fmt(m) + ") = " + fmt(ex);
        e.narration = std::isinf(x)
                          ? "Part 2 of 4: " + kj + " is blocked; exp(−∞) is exactly 0."
                          : "Part 2 of 4: exponentiate the shifted score of " + kj + ": " + fmt(ex) +
                                (x == m ? " (the largest score always gives exactly 1)." : ".");
      } else if (st.phase == Phase::Sum) {
        e.values = {t.row_sum(i)};
        e.formula = "Σ" + si + " = Σ_j e" + si + ",j = " + fmt(t.row_sum(i));
        e.narration = "Part 3 of 4: add up the exponentials of the row of " + qi + ": " + fmt(t.row_sum(i)) +
                      (fully ? "." : ". Because the largest term is 1, the sum is at least 1.");
      } else {
        const double w = t.weights(i, j);
        e.values = {w};
        const double ex = fully || std::isinf(t.masked(i, j)) ? 0.0 : std::exp(t.masked(i, j) - m);
        e.formula = "a" + cell + " = e" + cell + " / Σ" + si + " = " + fmt(ex) + " / " + fmt(t.row_sum(i)) +
                    " = " + fmt(w);
        e.narration = "Part 4 of 4: divide by the sum. " + qi + " gives " + percent(w) +
                      " of its attention to " + kj + ".";
      }
      break;
    }
    case Stage::WeightedSum: {
      e.title += "weighted sum of values";
      const int dv = static_cast<int>(t.v.cols());
      const int last = row ? static_cast<int>(t.v.rows()) - 1 : j;
      std::vector<double> partial(static_cast<size_t>(dv), 0.0);
      for (int jj = 0; jj <= last; ++jj)
        for (int c = 0; c < dv; ++c) partial[static_cast<size_t>(c)] += t.weights(i, jj) * t.v(jj, c);
      // The completing term reports the output the core computed (the trace), not this re-summation.
      if (last == static_cast<int>(t.v.rows()) - 1) partial = row_of(t.output, i);
      e.values = partial;
      if (row) {
        e.formula = "o" + si + " = Σ_j a" + si + ",j · v_j = " + fmt_vector(partial);
        e.narration =
            "The output of " + qi + " is the average of all value vectors, weighted by its attention.";
        break;
      }
      e.formula = "o" + si + " += a" + cell + "·v" + sj + " = " + fmt(t.weights(i, j)) + " × " +
                  fmt_vector(row_of(t.v, j), 4) + "  →  o" + si + " = " + fmt_vector(partial, 4);
      e.narration =
          "Add " + percent(t.weights(i, j)) + " of the value of " + kj + " to the output of " + qi + "." +
          (j == static_cast<int>(t.v.rows()) - 1 ? " That was the last key: o" + si + " is complete." : "");
      break;
    }
  }
  return e;
}

StepExplanation explain_flash_tile(const FlashTrace& f, int step,
                                   const std::vector<std::string>& query_labels) {
  StepExplanation e;
  if (step < 0 || step >= static_cast<int>(f.tiles.size())) return e;
  const FlashTile& t = f.tiles[static_cast<size_t>(step)];
  if (t.row0 < 0 || t.row0 >= static_cast<int>(query_labels.size()) || t.row0 >= f.output.rows()) return e;
  const std::string q = "“" + query_labels[static_cast<size_t>(t.row0)] + "”";
  e.title = "Flash attention · tile step " + std::to_string(step + 1) + " of " +
            std::to_string(f.tiles.size()) + " · query tile " + std::to_string(t.q_tile) + " × key tile " +
            std::to_string(t.k_tile);
  // The query tile's rows are finished after its last key tile (computed or skipped).
  const bool last = step + 1 == static_cast<int>(f.tiles.size()) ||
                    f.tiles[static_cast<size_t>(step + 1)].q_tile != t.q_tile;
  const std::vector<double> final_row(f.output.row(t.row0).data(),
                                      f.output.row(t.row0).data() + f.output.cols());
  const std::string done = " That was the last key tile for these rows: O = O ÷ l, so row " + q + " is " +
                           fmt_vector(final_row, 4) + ", exactly softmax attention's output.";
  if (t.skipped) {
    e.formula = "tile skipped: every score in it is masked";
    e.narration =
        "The mask blocks all " + std::to_string(t.rows * t.cols) +
        " scores of this tile, so flash attention does not load its keys and values at all. The running "
        "max, sum and output stay as they were." +
        (last ? done : "");
    if (last) e.values = final_row;
    return e;
  }
  if (!std::isfinite(t.m_new(0))) {  // the row has had no allowed key yet
    e.formula = "m = −∞ · l = 0: no allowed key yet";
    e.narration =
        "Row " + q +
        " may not attend to any key of this tile (nor of the earlier ones), so there is "
        "nothing to add: m stays −∞ and l stays 0." +
        std::string(last ? " It never gets an allowed key: a fully masked row, whose output is zeros." : "");
    e.values.assign(static_cast<size_t>(t.o_partial.cols()), 0.0);
    return e;
  }
  const bool first = !std::isfinite(t.m_old(0));
  double added = 0;
  for (int j = 0; j < t.cols; ++j)
    if (std::isfinite(t.s(0, j))) added += std::exp(t.s(0, j) - t.m_new(0));
  e.formula = "m = max(" + fmt(t.m_old(0)) + ", " + fmt(t.s.row(0).maxCoeff()) + ") = " + fmt(t.m_new(0)) +
              " · l = " + fmt(t.l_old(0)) + "·" + fmt(t.rescale(0)) + " + " + fmt(added) + " = " +
              fmt(t.l_new(0));
  e.narration =
      "Row " + q + " meets keys " + std::to_string(t.col0) + "–" + std::to_string(t.col0 + t.cols - 1) +
      ". " +
      (first ? std::string("This is its first tile with an allowed key: the running max is simply this "
                           "tile's largest score.")
       : t.m_new(0) > t.m_old(0)
           ? "A larger score appeared, so the sum and the partial output so far are multiplied by exp(" +
                 fmt(t.m_old(0)) + " − " + fmt(t.m_new(0)) + ") = " + fmt(t.rescale(0)) +
                 " before this tile's exponentials are added."
           : std::string("No larger score here, so nothing is rescaled (×1) and this tile's exponentials "
                         "are added."));
  if (last) {
    e.narration += done;
    e.values = final_row;
  } else {
    e.values.assign(t.o_partial.row(0).data(), t.o_partial.row(0).data() + t.o_partial.cols());
  }
  return e;
}

}  // namespace attn
