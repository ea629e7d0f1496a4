// Formulas and narration for each step (see explain.h). Every number printed is read from the Trace.
#include "attn/explain.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "attn/sentence.h"

namespace attn {

TermPick pick_terms(const std::vector<double>& terms, int max_terms) {
  TermPick p;
  const int n = static_cast<int>(terms.size());
  if (n <= std::max(1, max_terms)) {
    for (int c = 0; c < n; ++c) p.shown.push_back(c);
    return p;
  }
  std::vector<int> order(static_cast<size_t>(n));
  for (int c = 0; c < n; ++c) order[static_cast<size_t>(c)] = c;
  // (the largest by magnitude; ties to the lower index, so the choice does not depend on the sort)
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return std::fabs(terms[static_cast<size_t>(a)]) > std::fabs(terms[static_cast<size_t>(b)]);
  });
  const int k = std::min(kLargestTerms, n);
  p.shown.assign(order.begin(), order.begin() + k);
  std::sort(p.shown.begin(), p.shown.end());
  for (int r = k; r < n; ++r) p.rest_sum += terms[static_cast<size_t>(order[static_cast<size_t>(r)])];
  p.rest_count = n - k;
  return p;
}

int decimals_that_add(const std::vector<double>& terms, double total) {
  for (int d = 2; d <= 4; ++d) {
    const double unit = std::pow(10.0, d);
    double printed = 0;
    for (double x : terms) printed += std::round(x * unit);
    if (printed == std::round(total * unit)) return d;
  }
  return 3;
}

std::vector<double> rounded_to_add(const std::vector<double>& terms, double total, int decimals) {
  const double unit = std::pow(10.0, decimals);
  std::vector<double> units(terms.size());
  double sum = 0;
  for (size_t k = 0; k < terms.size(); ++k) sum += units[k] = std::round(terms[k] * unit);
  const double want = std::round(total * unit);
  std::vector<size_t> order(terms.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  const double step = want > sum ? 1 : -1;
  // (most lost first: the largest gap between the term and its rounding, in the direction needed)
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return step * (terms[a] * unit - units[a]) > step * (terms[b] * unit - units[b]);
  });
  for (size_t k = 0; sum != want && k < order.size(); ++k) units[order[k]] += step, sum += step;
  for (double& u : units) u /= unit;
  return units;
}

namespace {

std::string quote(const std::string& token) { return "“" + token + "”"; }

// The shown terms of a sum joined by " + ", then "(N smaller terms = x)" for the rest (pick_terms); each
// term as write(index) writes it.
template <typename Write>
std::string join_terms(const TermPick& pick, Write write, const std::string& rest) {
  std::string out;
  for (size_t k = 0; k < pick.shown.size(); ++k) out += (k ? " + " : "") + write(pick.shown[k]);
  if (pick.rest_count > 0)
    out += " + (" + std::to_string(pick.rest_count) + " ⟦formula.smaller_terms⟧ = " + rest + ")";
  return out;
}

// A product term "(a)(b)", after the name of its column when the columns have names ("animate (9.00)(0.80)").
std::string product_term(const ExplainInput& in, int c, double a, double b) {
  const std::string name =
      c < static_cast<int>(in.dim_names.size()) ? in.dim_names[static_cast<size_t>(c)] + " " : "";
  return name + "(" + fmt(a) + ")(" + fmt(b) + ")";
}

std::vector<double> row_of(const MatD& m, int i) {
  return std::vector<double>(m.row(i).data(), m.row(i).data() + m.cols());
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
  if (in.temperature != 1.0) e += " / " + fmt(in.temperature) + " (⟦formula.temperature⟧)";
  return e;
}

Message mask_reason(const ExplainInput& in, int i, int j, bool allowed) {
  const std::string q = quote(in.query_labels[static_cast<size_t>(i)]),
                    k = quote(in.key_labels[static_cast<size_t>(j)]);
  if (!in.mask.global.empty()) {  // global tokens: say so when they are why a score passes
    MaskSpec base = in.mask;
    base.global.clear();
    const int L = static_cast<int>(in.query_labels.size()), S = static_cast<int>(in.key_labels.size());
    const bool key_global =
        std::find(in.mask.global.begin(), in.mask.global.end(), j) != in.mask.global.end();
    if (allowed && !mask_allows(base, i, j, L, S))
      return {"explain.mask.global", {text_arg("token", key_global ? k : q)}};
  }
  const MaskKindInfo& kind = mask_kind(in.mask.kind);
  return {std::string(kind.text_id) + (allowed ? ".allowed" : ".blocked"),
          {text_arg("q", q), text_arg("k", k), count_arg("n", kind.param ? in.mask.*kind.param : 0)}};
}

// RoPE: s_i,j as the sum of its rotated pairs, Re(z_q,m · conj(z_k,m) · e^{i·Δ·θ_m}) with Δ = p_i − p_j, from
// q and k before the rotation; columns past d_rot add their plain products.
void explain_rope_cell(const ExplainInput& in, int i, int j, StepExplanation& e) {
  const HeadTrace<double>& t = *in.trace;
  const int d_k = static_cast<int>(t.q_unrotated.cols()), d_rot = rope_dims(in.position, d_k);
  const int L = static_cast<int>(in.query_labels.size()), S = static_cast<int>(in.key_labels.size());
  const int pi = query_position(in.position, i, L, S), pj = key_position(in.position, j), offset = pi - pj;
  const std::string cell = subscript(i) + "," + subscript(j);
  e.formula = "s" + cell + " = Σₘ Re(qₘ·conj(kₘ)·exp(i·" + std::to_string(offset) + "·θₘ)) = ";
  const int pairs = d_rot / 2;
  std::vector<double> terms(static_cast<size_t>(pairs));
  for (int m = 0; m < pairs; ++m) {
    int a = 0, b = 0;
    rope_pair(in.position, d_rot, m, a, b);
    const double qa = t.q_unrotated(i, a), qb = t.q_unrotated(i, b), ka = t.k_unrotated(j, a),
                 kb = t.k_unrotated(j, b);
    const double phi = rope_angle(in.position, d_rot, m, offset);
    terms[static_cast<size_t>(m)] = (qa * ka + qb * kb) * std::cos(phi) - (qb * ka - qa * kb) * std::sin(phi);
  }
  const TermPick pick = pick_terms(terms, in.max_terms);
  e.formula += join_terms(
      pick, [&](int m) { return "(" + fmt(terms[static_cast<size_t>(m)]) + ")"; },
      fmt_fixed(pick.rest_sum, 2));
  if (d_rot < d_k) {
    double plain = 0;
    for (int c = d_rot; c < d_k; ++c) plain += t.q_unrotated(i, c) * t.k_unrotated(j, c);
    e.formula += " + (" + fmt(plain) + ") ⟦formula.unrotated⟧";
  }
  e.formula += " = " + fmt(t.scores(i, j));
  e.narration.push_back(
      {"explain.rope.cell",
       {text_arg("q", quote(in.query_labels[static_cast<size_t>(i)])),
        text_arg("k", quote(in.key_labels[static_cast<size_t>(j)])), count_arg("pi", pi), count_arg("pj", pj),
        count_arg("offset", offset), number_arg("angle", rope_angle(in.position, d_rot, 0, offset)),
        number_arg("slow", rope_angle(in.position, d_rot, pairs - 1, offset))}});
}

}  // namespace

ExplainInput explain_input(const Problem& p, const HeadTrace<double>& trace, int head) {
  ExplainInput in;
  in.trace = &trace;
  in.query_labels = query_labels(p);
  in.key_labels = key_labels(p);
  in.scale = p.scale;
  in.temperature = p.temperature;
  in.mask = p.mask;
  in.position = p.position;
  if (p.position.kind == PositionSpec::Kind::Alibi) {
    const std::vector<double> slopes = alibi_slopes(p.position, p.heads());
    in.slope = slopes[static_cast<size_t>(std::clamp(head, 0, static_cast<int>(slopes.size()) - 1))];
  }
  return in;
}

// (Long on purpose: one case per stage, each keeping that stage's formula, numbers and words together.)
StepExplanation explain_step(const ExplainInput& in, const Step& st) {
  const HeadTrace<double>& t = *in.trace;
  const int i = st.query, j = st.key;
  const int d_k = static_cast<int>(t.q.cols());
  const MessageArg qi = text_arg("q", quote(in.query_labels[static_cast<size_t>(i)]));
  const MessageArg kj = text_arg("k", j >= 0 ? quote(in.key_labels[static_cast<size_t>(j)]) : "");
  const std::string si = subscript(i), sj = j >= 0 ? subscript(j) : "";
  const std::string cell = si + "," + sj;
  const bool row = st.phase == Phase::Row;
  const bool rope = t.q_unrotated.size() > 0, alibi = t.bias.size() > 0;
  StepExplanation e;
  e.title = {std::string("explain.title.") + kStages[static_cast<int>(st.stage)].id, {}};

  switch (st.stage) {
    case Stage::Scores: {
      if (row) {
        e.values = row_of(t.scores, i);
        e.formula = "s" + si + " = q" + si + "·Kᵀ = " + fmt_vector(e.values);
        e.narration = {{"explain.scores.row", {qi}}};
        if (rope) e.narration.push_back({"explain.rope.row", {}});
        break;
      }
      e.values = {t.scores(i, j)};
      std::vector<double> terms(static_cast<size_t>(d_k));
      for (int c = 0; c < d_k; ++c) terms[static_cast<size_t>(c)] = t.q(i, c) * t.k(j, c);
      const TermPick pick = pick_terms(terms, in.max_terms);
      e.formula = "s" + cell + " = q" + si + "·k" + sj + " = " +
                  join_terms(
                      pick, [&](int c) { return product_term(in, c, t.q(i, c), t.k(j, c)); },
                      fmt_fixed(pick.rest_sum, 2)) +
                  " = " + fmt(t.scores(i, j));
      if (rope) {  // (the pairs, not the d_k products of rotated numbers)
        explain_rope_cell(in, i, j, e);
        break;
      }
      e.narration = {
          {"explain.scores.cell", {qi, kj, count_arg("d", d_k), number_arg("score", t.scores(i, j))}}};
      break;
    }
    case Stage::Scale: {
      e.narration = {in.scale.kind == ScaleSpec::Kind::SqrtDk
                         ? Message{"explain.scale.sqrt_dk", {count_arg("d", d_k)}}
                     : in.scale.kind == ScaleSpec::Kind::None
                         ? Message{"explain.scale.none", {}}
                         : Message{"explain.scale.value", {number_arg("scale", in.scale.value)}}};
      if (in.temperature != 1.0)
        e.narration.push_back({in.temperature > 1 ? "explain.scale.flattens" : "explain.scale.sharpens",
                               {number_arg("t", in.temperature)}});
      if (row) {
        e.values = row_of(t.scaled, i);
        e.formula = "ŝ" + si + " = s" + si + scale_op(in, d_k) + " = " + fmt_vector(e.values);
        e.narration.push_back({"explain.scale.row", {qi}});
        break;
      }
      e.values = {t.scaled(i, j)};
      e.formula = "ŝ" + cell + " = " + fmt(t.scores(i, j)) + scale_op(in, d_k) + " = " + fmt(t.scaled(i, j));
      e.narration.push_back(
          {"explain.scale.cell",
           {qi, kj, number_arg("score", t.scores(i, j)), number_arg("scaled", t.scaled(i, j))}});
      break;
    }
    case Stage::Mask: {
      if (row) {
        e.values = row_of(t.masked, i);
        int blocked = 0;
        for (double x : e.values) blocked += std::isinf(x) ? 1 : 0;
        e.formula = "m" + si + " = " + fmt_vector(e.values);
        if (alibi) e.formula = "b" + si + " = " + fmt_vector(row_of(t.bias, i)) + " · " + e.formula;
        e.narration = {
            {"explain.mask.row",
             {count_arg("blocked", blocked), count_arg("n", static_cast<double>(e.values.size())), qi}}};
        if (alibi) e.narration.push_back({"explain.alibi.row", {qi, math_arg("slope", fmt3(in.slope))}});
        break;
      }
      const bool allowed = !std::isinf(t.masked(i, j));
      const double before = alibi ? t.scaled(i, j) + t.bias(i, j) : t.scaled(i, j);
      e.values = {t.masked(i, j)};
      e.formula = "m" + cell + " = " +
                  (alibi ? fmt(t.scaled(i, j)) + " + (" + fmt(t.bias(i, j)) + ") = " : std::string()) +
                  (allowed ? fmt(before) + "  (⟦formula.allowed⟧)" : "−∞  (⟦formula.blocked⟧)");
      e.narration = {mask_reason(in, i, j, allowed),
                     allowed ? Message{"explain.mask.stays", {number_arg("score", before)}}
                             : Message{"explain.mask.blocked", {}}};
      if (alibi) {
        const int L = static_cast<int>(in.query_labels.size()), S = static_cast<int>(in.key_labels.size());
        const int distance = std::abs(query_position(in.position, i, L, S) - key_position(in.position, j));
        e.narration.insert(e.narration.begin(),
                           Message{"explain.alibi.cell",
                                   {qi, kj, number_arg("bias", t.bias(i, j)),
                                    math_arg("slope", fmt3(in.slope)), count_arg("distance", distance)}});
      }
      break;
    }
    case Stage::Softmax: {
      const bool fully = t.fully_masked[static_cast<size_t>(i)];
      const double m = t.row_max(i);
      if (row) {
        e.values = row_of(t.weights, i);
        e.formula = "a" + si + " = softmax(m" + si + ") = " + fmt_vector(e.values);
        e.narration = {{fully ? "explain.softmax.row_fully_masked" : "explain.softmax.row", {qi}}};
        break;
      }
      if (st.phase == Phase::Max) {
        e.values = {m};
        Eigen::Index arg = 0;
        if (!fully) t.masked.row(i).maxCoeff(&arg);
        e.formula = "max" + si + " = max_j m" + si + ",j = " + fmt(m) +
                    (fully ? "" : "  (⟦formula.at⟧ " + quote(in.key_labels[static_cast<size_t>(arg)]) + ")");
        e.narration = {
            {fully ? "explain.softmax.max_fully_masked" : "explain.softmax.max", {qi, number_arg("max", m)}}};
      } else if (st.phase == Phase::Exp) {
        const double x = t.masked(i, j);
        const double ex = fully ? 0.0 : std::exp(x - m);
        e.values = {ex};
        e.formula = "e" + cell + " = exp(" + fmt(x) + " − " + fmt(m) + ") = " + fmt(ex);
        e.narration = {{std::isinf(x) ? "explain.softmax.exp_blocked"
                        : x == m      ? "explain.softmax.exp_largest"
                                      : "explain.softmax.exp",
                        {kj, number_arg("e", ex)}}};
      } else if (st.phase == Phase::Sum) {
        e.values = {t.row_sum(i)};
        e.formula = "Σ" + si + " = Σ_j e" + si + ",j = ";
        if (!fully) {  // (the exponentials, to as many decimals as it takes for them to add up)
          std::vector<double> exps;
          for (Eigen::Index jj = 0; jj < t.masked.cols(); ++jj)
            exps.push_back(std::isinf(t.masked(i, jj)) ? 0.0 : std::exp(t.masked(i, jj) - m));
          const TermPick pick = pick_terms(exps, in.max_terms);
          std::vector<double> parts;  // (what is printed: the terms shown and the rest's sum)
          for (int jj : pick.shown) parts.push_back(exps[static_cast<size_t>(jj)]);
          if (pick.rest_count > 0) parts.push_back(pick.rest_sum);
          const int d = decimals_that_add(parts, t.row_sum(i));
          const std::vector<double> printed = rounded_to_add(parts, t.row_sum(i), d);
          size_t next = 0;  // (printed follows pick.shown, then the rest)
          e.formula += join_terms(
                           pick, [&](int) { return fmt_fixed(printed[next++], d); },
                           fmt_fixed(pick.rest_count > 0 ? printed.back() : 0, d)) +
                       " = " + fmt_fixed(t.row_sum(i), d);
        } else {
          e.formula += fmt(t.row_sum(i));
        }
        e.narration = {{fully ? "explain.softmax.sum_fully_masked" : "explain.softmax.sum",
                        {qi, number_arg("sum", t.row_sum(i))}}};
      } else {
        const double w = t.weights(i, j);
        e.values = {w};
        const double ex = fully || std::isinf(t.masked(i, j)) ? 0.0 : std::exp(t.masked(i, j) - m);
        e.formula = "a" + cell + " = e" + cell + " / Σ" + si + " = " + fmt(ex) + " / " + fmt(t.row_sum(i)) +
                    " = " + fmt(w);
        e.narration = {{"explain.softmax.divide", {qi, kj, percent_arg("w", w)}}};
      }
      break;
    }
    case Stage::WeightedSum: {
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
        e.narration = {{"explain.weighted.row", {qi}}};
        break;
      }
      // (vectors in full up to max_terms entries, as a sum's terms are)
      const size_t shown = static_cast<size_t>(std::max(4, in.max_terms));
      e.formula = "o" + si + " += a" + cell + "·v" + sj + " = " + fmt(t.weights(i, j)) + " × " +
                  fmt_vector(row_of(t.v, j), shown) + "  →  o" + si + " = " + fmt_vector(partial, shown);
      e.narration = {{"explain.weighted.cell", {qi, kj, percent_arg("w", t.weights(i, j))}}};
      if (j == static_cast<int>(t.v.rows()) - 1)
        e.narration.push_back({"explain.weighted.last", {text_arg("o", "o" + si)}});
      break;
    }
  }
  return e;
}

std::string output_cell_formula(const ExplainInput& in, int i, int c) {
  const HeadTrace<double>& t = *in.trace;
  const int S = static_cast<int>(t.v.rows());
  std::vector<double> terms(static_cast<size_t>(S));
  for (int j = 0; j < S; ++j) terms[static_cast<size_t>(j)] = t.weights(i, j) * t.v(j, c);
  const TermPick pick = pick_terms(terms, in.max_terms);
  const std::string cell = subscript(i) + "," + subscript(c);
  return "o" + cell + " = Σ_j a" + subscript(i) + ",j·v_j," + subscript(c) + " = " +
         join_terms(
             pick, [&](int j) { return "(" + fmt(t.weights(i, j)) + ")(" + fmt(t.v(j, c)) + ")"; },
             fmt_fixed(pick.rest_sum, 2)) +
         " = " + fmt(t.output(i, c));
}

StepExplanation explain_flash_tile(const FlashTrace& f, int step,
                                   const std::vector<std::string>& query_labels) {
  StepExplanation e;
  if (step < 0 || step >= static_cast<int>(f.tiles.size())) return e;
  const FlashTile& t = f.tiles[static_cast<size_t>(step)];
  if (t.row0 < 0 || t.row0 >= static_cast<int>(query_labels.size()) || t.row0 >= f.output.rows()) return e;
  const MessageArg q = text_arg("q", quote(query_labels[static_cast<size_t>(t.row0)]));
  e.title = {"explain.flash.title",
             {count_arg("step", step + 1), count_arg("steps", static_cast<double>(f.tiles.size())),
              count_arg("q_tile", t.q_tile), count_arg("k_tile", t.k_tile)}};
  // The query tile's rows are finished after its last key tile (computed or skipped).
  const bool last = step + 1 == static_cast<int>(f.tiles.size()) ||
                    f.tiles[static_cast<size_t>(step + 1)].q_tile != t.q_tile;
  const std::vector<double> final_row(f.output.row(t.row0).data(),
                                      f.output.row(t.row0).data() + f.output.cols());
  const Message done{"explain.flash.done", {q, vector_arg("row", final_row)}};
  if (t.skipped) {
    e.formula = "⟦formula.tile_skipped⟧";
    e.narration = {{"explain.flash.skipped", {count_arg("n", static_cast<double>(t.rows) * t.cols)}}};
    if (last) e.narration.push_back(done), e.values = final_row;
    return e;
  }
  if (!std::isfinite(t.m_new(0))) {  // the row has had no allowed key yet
    e.formula = "m = −∞ · l = 0: ⟦formula.no_allowed_key⟧";
    e.narration = {{"explain.flash.nothing_yet", {q}}};
    if (last) e.narration.push_back({"explain.flash.never", {}});
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
  e.narration = {
      {"explain.flash.meets", {q, count_arg("from", t.col0), count_arg("to", t.col0 + t.cols - 1)}},
      first                     ? Message{"explain.flash.first", {}}
      : t.m_new(0) > t.m_old(0) ? Message{"explain.flash.rescale",
                                          {number_arg("m_old", t.m_old(0)), number_arg("m_new", t.m_new(0)),
                                           number_arg("r", t.rescale(0))}}
                                : Message{"explain.flash.no_rescale", {}}};
  if (last) {
    e.narration.push_back(done);
    e.values = final_row;
  } else {
    e.values.assign(t.o_partial.row(0).data(), t.o_partial.row(0).data() + t.o_partial.cols());
  }
  return e;
}

}  // namespace attn
