// The screen-reader mirror (see app_state.h: narration_json, mirror_if_changed, describe_view): the step's
// formula and row, the open lesson page, and every view and Variants part said with its numbers, holding back
// what an open prediction or quiz mode holds back. No ImGui.
#include <algorithm>
#include <cmath>

#include "attn/cost.h"
#include "attn/mask.h"
#include "attn/numerics.h"
#include "attn/sentence.h"
#include "state/app_state.h"
#include "state/content_text.h"
#include "state/lesson.h"
#include "state/narration.h"

namespace state {

namespace {

using attn::count_arg;
using attn::number_arg;
using attn::percent_arg;
using attn::text_arg;
using attn::words_arg;

const attn::HeadTrace<double>* head(const AppState& s) {
  if (!s.derived().has_result || s.derived().result.heads.empty()) return nullptr;
  const attn::HeadTrace<double>& t = s.derived().result.heads[static_cast<size_t>(
      std::clamp(s.view.head, 0, static_cast<int>(s.derived().result.heads.size()) - 1))];
  return t.weights.rows() == s.problem().query_len() && t.weights.cols() == s.problem().key_len() ? &t
                                                                                                  : nullptr;
}

// "animal 71.0%, street 8.3%, …": the row's largest weights, at most five.
std::string top_weights(const Words& w, const attn::HeadTrace<double>& t, int row,
                        const std::vector<std::string>& keys) {
  std::vector<int> order(static_cast<size_t>(t.weights.cols()));
  for (size_t j = 0; j < order.size(); ++j) order[j] = static_cast<int>(j);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return t.weights(row, a) > t.weights(row, b); });
  std::string out;
  for (size_t k = 0; k < order.size() && k < 5; ++k)
    out += (k ? ", " : "") + say(w, "mirror.token_weight",
                                 {text_arg("token", keys[static_cast<size_t>(order[k])]),
                                  percent_arg("p", t.weights(row, order[k]), 1)});
  return out;
}

std::string model_view(const AppState& s) {
  if (!s.model || s.source != Source::Model || s.derived().model_run.forward.layers.empty())
    return s.model ? say(s, "mirror.model.card", {words_arg("card", model_card(*s.model))})
                   : words(s, "mirror.model.none");
  std::string heads;
  if (held_back(s, Held::HeadLabels)) {
    heads = words(s, "mirror.held");
  } else {
    for (const model::HeadScores& h : s.derived().model_run.heads)
      heads += say(s, "mirror.model.head",
                   {count_arg("layer", h.layer), count_arg("head", h.head),
                    words_arg("label", head_label(h.label))}) +
               "; ";
  }
  std::string out =
      say(s, "mirror.model.heads", {words_arg("card", model_card(*s.model)), text_arg("heads", heads)});
  if (!held_back(s, Held::NextToken) && !s.derived().model_run.next.empty()) {
    std::string next;
    for (size_t i = 0; i < s.derived().model_run.next.size() && i < 3; ++i)
      next += (i ? ", " : "") + say(s, "mirror.model.next_token",
                                    {text_arg("token", s.derived().model_run.next[i].token),
                                     percent_arg("p", s.derived().model_run.next[i].p, 1)});
    out += ". " + say(s, "mirror.model.next", {text_arg("tokens", next)});
  }
  return out + ".";
}

std::string variants_view(const AppState& s) {
  const Variants& v = s.derived().variants;
  const bool costs = !held_back(s, Held::Costs);
  const int L = s.problem().query_len(), S = s.problem().key_len();
  switch (s.view.variants.section) {
    case VariantSection::Compare: {
      std::string items;
      for (const VariantRun& r : v.runs)
        items += (r.max_diff >= 0
                      ? say(s, "mirror.variants.run_diff",
                            {text_arg("name", attn::say(catalog(s), r.name)), number_arg("diff", r.max_diff)})
                      : attn::say(catalog(s), r.name)) +
                 "; ";
      if (costs)
        for (const attn::VariantCost& c : v.costs)
          items += say(s, "mirror.variants.cost",
                       {text_arg("name", attn::say(catalog(s), c.name)), count_arg("mul_adds", c.mul_adds),
                        count_arg("bytes", c.intermediate_bytes),
                        text_arg("big_o", attn::say(catalog(s), c.big_o))}) +
                   "; ";
      return say(s, "mirror.variants.compare", {text_arg("items", items)});
    }
    case VariantSection::Masks:
      return costs ? say(s, "mirror.variants.masks_allowed",
                         {attn::words_arg("mask", attn::mask_message(s.problem().mask)),
                          count_arg("n", attn::allowed_count(s.problem().mask, L, S)),
                          count_arg("total", L * S)})
                   : say(s, "mirror.variants.masks",
                         {attn::words_arg("mask", attn::mask_message(s.problem().mask))});
    case VariantSection::Heads:
      return say(s, s.problem().heads() == 1 ? "mirror.variants.head" : "mirror.variants.heads",
                 {count_arg("heads", s.problem().heads()),
                  count_arg("kv_heads",
                            s.problem().num_kv_heads > 0 ? s.problem().num_kv_heads : s.problem().heads())});
    case VariantSection::Linear:
      for (const VariantRun& r : v.runs)
        if (r.variant == attn::Variant::Linear && r.max_diff >= 0 && costs)
          return say(s, "mirror.variants.linear_diff", {number_arg("diff", r.max_diff)});
      return words(s, "mirror.variants.linear");
    case VariantSection::Flash: {
      const Explanation e = explain_current(s);
      return say(s, "mirror.variants.flash",
                 {text_arg("formula", e.formula), text_arg("narration", e.narration)});
    }
    case VariantSection::Positions: {
      std::string items;
      for (const PositionRun& r : v.positions)
        items += say(s, r.note.id.empty() ? "mirror.variants.position" : "mirror.variants.position_not",
                     {words_arg("name",
                                {std::string("position.") + attn::position_kind(r.kind).id + ".title", {}}),
                      number_arg("shift", std::max(r.shift_scores, 0.0)), words_arg("why", r.note)}) +
                 "; ";
      return say(s, "mirror.variants.positions", {count_arg("t", kPositionShift), text_arg("items", items)});
    }
  }
  return "";
}

}  // namespace

std::string describe_view(const AppState& s) {
  const attn::HeadTrace<double>* t = head(s);
  const std::vector<std::string> q = attn::query_labels(s.problem()), k = attn::key_labels(s.problem());
  const int i = t ? std::clamp(s.step().query, 0, static_cast<int>(q.size()) - 1) : 0;
  const std::string row = q.empty() ? "" : "“" + q[static_cast<size_t>(i)] + "”";
  const bool weights = t && !held_back(s, Held::Softmax);
  switch (s.view.panel) {
    case Panel::Step:
      return say(s, "mirror.step",
                 {count_arg("queries", static_cast<double>(q.size())),
                  count_arg("keys", static_cast<double>(k.size())), count_arg("head", s.view.head)});
    case Panel::Model:
      return model_view(s);
    case Panel::Variants:
      return variants_view(s);
    case Panel::Tokens:
    case Panel::Distribution:
      return say(s, s.view.panel == Panel::Tokens ? "mirror.tokens" : "mirror.distribution",
                 {text_arg("row", row),
                  text_arg("weights", weights ? top_weights(s, *t, i, k) : words(s, "mirror.held"))});
    case Panel::Scaling: {
      if (!weights) return words(s, "mirror.scaling.held");
      const int d_k = static_cast<int>(t->q.cols());
      const double now = attn::entropy_bits(attn::row_weights_with(
          *t, i, attn::score_multiplier(s.problem().scale, d_k, s.problem().temperature)));
      const double raw = attn::entropy_bits(attn::row_weights_with(*t, i, 1.0 / s.problem().temperature));
      return say(
          s, "mirror.scaling",
          {text_arg("row", row), number_arg("now", now), number_arg("raw", raw), count_arg("d_k", d_k)});
    }
    case Panel::Numerics:
      return say(s, "mirror.numerics", {text_arg("row", row), number_arg("scale", s.view.logit_scale)});
    case Panel::Edit:
      return words(s, "mirror.edit");
    case Panel::Performance: {
      if (s.derived().perf.empty()) return words(s, "mirror.performance.empty");
      std::string points;
      for (const PerfPoint& p : s.derived().perf)
        points += say(s, "mirror.performance.point",
                      {words_arg("series", p.name), count_arg("n", p.n), number_arg("ms", p.ms)}) +
                  "; ";
      return say(s, "mirror.performance",
                 {text_arg("points", points), attn::words_arg("status", s.derived().perf_status)});
    }
    case Panel::Overview:
      return s.overview.status.id.empty()
                 ? words(s, "mirror.overview.empty")
                 : say(s, "mirror.overview", {attn::words_arg("status", s.overview.status)});
  }
  return "";
}

namespace {

// The open lesson page for the mirror: where the class is, the narration, the question and its choices — the
// answer only once revealed.
attn::Json lesson_mirror(const AppState& s) {
  const LessonPage* page = lesson_page(s);
  if (!page) return nullptr;
  const Lesson& l = s.lessons[static_cast<size_t>(s.lesson.lesson)];
  const int at = s.lesson.page;
  attn::Json j = {{"title", lesson_words(s, l, -1, "title")},
                  {"page", at + 1},
                  {"pages", l.pages.size()},
                  {"page_title", lesson_words(s, l, at, "title")},
                  {"narration", lesson_words(s, l, at, "narration")}};
  // What the page's live region reads, sentence by sentence, in the app's language.
  attn::Json spoken = {say(s, "state.lesson.heading",
                           {attn::text_arg("title", j["title"]), attn::count_arg("page", at + 1),
                            attn::count_arg("pages", static_cast<double>(l.pages.size())),
                            attn::text_arg("page_title", j["page_title"])}),
                       j["narration"]};
  if (page->has_prediction) {
    j["question"] = lesson_words(s, l, at, "question");
    spoken.push_back(say(s, "state.lesson.predict", {attn::text_arg("question", j["question"])}));
    const CheckResult& r = s.derived().lesson_check.result;
    if (!r.number) {
      j["choices"] = r.choices;
      std::string list;
      for (const std::string& c : r.choices) list += (list.empty() ? "" : ", ") + c;
      spoken.push_back(say(s, "state.lesson.choices", {attn::text_arg("choices", list)}));
    }
    if (s.lesson.revealed && s.derived().lesson_check.error.id.empty()) {
      j["answer"] = r.answer_text();
      j["explanation"] = r.explanation;
      spoken.push_back(
          say(s, "state.lesson.answer",
              {attn::text_arg("answer", r.answer_text()), attn::text_arg("explanation", r.explanation)}));
    }
  }
  j["spoken"] = std::move(spoken);
  return j;
}

attn::Json step_mirror(const AppState& s);

}  // namespace

attn::Json narration_json(const AppState& s) {
  attn::Json j = step_mirror(s);
  if (lesson_page(s)) j["lesson"] = lesson_mirror(s);
  j["view"] = describe_view(s);
  j["language"] = catalog(s).locale;  // (the page's lang attribute: a screen reader's voice)
  return j;
}

std::string mirror_if_changed(const AppState& s, std::string& last) {
  std::string now = attn::dump_json(narration_json(s));
  if (now == last) return {};
  last = now;
  return now;
}

namespace {

attn::Json step_mirror(const AppState& s) {
  const Explanation e = explain_current(s);
  attn::Json j = {{"title", e.title}, {"formula", e.formula}, {"narration", e.narration}};
  if (!s.derived().has_result || e.title.empty()) return j;
  if (s.problem().variant == attn::Variant::Linear) return j;
  if (held_back(s, static_cast<Held>(s.step().stage))) return j;  // (no numbers while a prediction is open)
  if (flash_walkthrough_shown(s)) {  // the tile's first row: its partial (or final) output
    if (e.values.empty()) return j;  // (held back)
    attn::Json headers = attn::Json::array(), values = attn::Json::array();
    for (size_t c = 0; c < e.values.size(); ++c) {
      headers.push_back(say(s, "state.dimension", {attn::count_arg("n", static_cast<double>(c))}));
      values.push_back(num(s, e.values[c]));
    }
    j["caption"] = words(s, "state.caption.flash");
    j["headers"] = std::move(headers);
    j["values"] = std::move(values);
    return j;
  }
  const int h = std::clamp(s.view.head, 0, static_cast<int>(s.derived().result.heads.size()) - 1);
  const attn::HeadTrace<double>& t = s.derived().result.heads[static_cast<size_t>(h)];
  const attn::Step st = s.step();
  const std::vector<std::string> q = attn::query_labels(s.problem());
  const attn::MatD* m = st.stage == attn::Stage::Scores    ? &t.scores
                        : st.stage == attn::Stage::Scale   ? &t.scaled
                        : st.stage == attn::Stage::Mask    ? &t.masked
                        : st.stage == attn::Stage::Softmax ? &t.weights
                                                           : &t.output;
  attn::Json headers = attn::Json::array(), values = attn::Json::array();
  if (st.stage == attn::Stage::WeightedSum) {
    for (Eigen::Index c = 0; c < m->cols(); ++c)
      headers.push_back(say(s, "state.dimension", {attn::count_arg("n", static_cast<double>(c))}));
    j["caption"] =
        say(s, "state.caption.output", {attn::text_arg("token", q[static_cast<size_t>(st.query)])});
  } else {
    headers = attn::key_labels(s.problem());
    j["caption"] = say(s, std::string("state.caption.") + attn::kStages[static_cast<int>(st.stage)].id,
                       {attn::text_arg("token", q[static_cast<size_t>(st.query)])});
  }
  for (Eigen::Index c = 0; c < m->cols(); ++c) values.push_back(num(s, (*m)(st.query, c)));
  j["headers"] = std::move(headers);
  j["values"] = std::move(values);
  return j;
}

}  // namespace

}  // namespace state
