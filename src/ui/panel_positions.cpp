// Where position enters: the input panel's menu (position_controls) and the Variants view's Positions part
// (section_positions): the same input with each scheme side by side, the relative-shift test, extrapolation
// with the numbers, and interview prompts. Draws only: the numbers are Variants::positions and ::reach
// (state/positions.cpp). Tests: tests/core/test_ui_render.cpp, tests/web (the Positions part).
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "attn/format.h"
#include "ui/fit.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

namespace {

using Kind = attn::PositionSpec::Kind;

std::string title_of(const Words& w, Kind kind) {
  return words(w, std::string("position.") + attn::position_kind(kind).id + ".title");
}

}  // namespace

void position_controls(AppState& s) {
  if (s.source == Source::Model) return;  // (the model's own learned table: the Model view)
  const bool sentence = s.source == Source::Embeddings;
  attn::PositionSpec& pos = sentence ? s.setup.position : s.typed.position;
  if (ImGui::BeginCombo((words(s, "input.position") + "###position").c_str(),
                        title_of(s, pos.kind).c_str())) {
    for (const attn::PositionKindInfo& k : attn::kPositionKinds) {
      if (k.kind == Kind::Learned && pos.kind != Kind::Learned) continue;  // (tables come with models)
      if (k.needs_inputs && !sentence && s.problem().form == attn::Problem::Form::Direct) continue;
      if (!ImGui::Selectable((title_of(s, k.kind) + "###" + k.id).c_str(), k.kind == pos.kind) ||
          k.kind == pos.kind)
        continue;
      pos = attn::PositionSpec();
      pos.kind = k.kind;
      if (k.kind == Kind::Alibi && s.settings.variant == attn::Variant::Linear)
        s.settings.variant = attn::Variant::Standard;  // (linear attention forms no scores to bias)
      s.dirty = true;
    }
    ImGui::EndCombo();
  }
  help_marker(words(s, std::string("position.") + attn::position_kind(pos.kind).id + ".about").c_str());
}

void section_positions(AppState& s) {
  const Variants& v = s.derived().variants;
  const attn::Catalog& cat = catalog(s);
  const int heads = s.problem().heads();
  const size_t head = static_cast<size_t>(std::clamp(s.view.head, 0, heads - 1));
  text_words("%s", words(s, "lab.positions.intro").c_str());
  std::vector<std::vector<std::string>> table, tips;
  for (const PositionRun& r : v.positions) {
    const bool ran = r.note.id.empty();
    const char* depends = r.kind == Kind::None                   ? "lab.positions.nothing"
                          : attn::position_kind(r.kind).relative ? "lab.positions.relative"
                                                                 : "lab.positions.absolute";
    table.push_back({title_of(s, r.kind), ran ? diff_text(s, r.vs_none) : attn::say(cat, r.note),
                     ran ? diff_text(s, r.shift_scores) : "—", ran ? diff_text(s, r.shift_output) : "—",
                     words(s, depends), lab_count(s, r.extra)});
    const std::string id = attn::position_kind(r.kind).id;
    tips.push_back({words(s, "position." + id + ".about"), "", "", "", "",
                    words(s, "cost.position." + id + ".formula")});
  }
  text_table("##positions",
             {words(s, "lab.positions.scheme"), "max |O − O_none|",
              say(s, "lab.positions.shift_scores", {attn::count_arg("t", kPositionShift)}),
              say(s, "lab.positions.shift_output", {attn::count_arg("t", kPositionShift)}),
              words(s, "lab.positions.kind"), words(s, "lab.positions.extra")},
             table, tips);
  text_note("%s", say(s, "lab.positions.shift_note", {attn::count_arg("t", kPositionShift)}).c_str());

  std::vector<WeightsColumn> columns;
  for (const PositionRun& r : v.positions)
    columns.push_back(
        {title_of(s, r.kind), head < r.weights.size() ? &r.weights[head] : nullptr, attn::say(cat, r.note)});
  weights_side_by_side(s, "##position_maps", columns, 12);

  const PositionReach& x = v.reach;
  using attn::count_arg, attn::number_arg;
  ImGui::SeparatorText(words(s, "lab.positions.beyond").c_str());
  text_words("%s", say(s,
                       std::vector<attn::Message>{
                           {"lab.positions.beyond.intro", {count_arg("n", x.n), count_arg("far", 4 * x.n)}},
                           {"lab.positions.beyond.sinusoidal",
                            {count_arg("far", 4 * x.n - 1), attn::percent_arg("sim", x.sin_similarity)}},
                           {"lab.positions.beyond.rope",
                            {count_arg("pairs", x.rope_pairs), number_arg("seen", x.rope_seen),
                             number_arg("far", x.rope_far), number_arg("wave", x.rope_wavelength)}},
                           {"lab.positions.beyond.alibi",
                            {attn::math_arg("slope", attn::fmt3(x.alibi_slope)),
                             number_arg("seen", x.alibi_seen), number_arg("far", x.alibi_far)}}})
                       .c_str());
  interview_prompt(s, "lab.interview.rope", words(s, "lab.interview.rope.answer"));
  interview_prompt(s, "lab.interview.alibi", words(s, "lab.interview.alibi.answer"));
  interview_prompt(s, "lab.interview.longer", words(s, "lab.interview.longer.answer"));
}

}  // namespace ui
