// The Variants view: the same input through standard, sparse, flash and linear attention, multi-/grouped-/
// multi-query heads, with the cost of each from the core's cost model (attn/cost.h) and interview prompts
// answered by the numbers on screen. Heads part: panel_heads.cpp; linear and flash parts: panel_flash.cpp;
// positions: panel_positions.cpp.
// [SECTION] helpers · compare · masks · view
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/format.h"
#include "attn/multihead.h"
#include "ui/fit.h"
#include "state/lesson.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

using attn::count_arg;
using attn::text_arg;

// [SECTION] helpers --------------------------------------------------------------------------------------

std::string fmt_count(double x) {
  char buf[48];
  if (x < 1e4 || x >= 1e15) {
    std::snprintf(buf, sizeof buf, x < 1e4 ? "%.0f" : "%.3g", x);
    return buf;
  }
  // 3 significant digits in groups of three, joined by a narrow no-break space ("404 000"): no line breaks
  // inside it, no exponent for a learner to decode.
  const double unit = std::pow(10.0, std::floor(std::log10(x)) - 2);
  std::snprintf(buf, sizeof buf, "%.0f", std::round(x / unit) * unit);
  std::string digits = buf, out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u202f";
    out += digits[i];
  }
  return out;
}

namespace {
bool g_answers_held = false;
}  // namespace
void hold_interview_answers(bool held) { g_answers_held = held; }

// The question is the message `id` (its id is also the ImGui id, the same in every language).
void interview_prompt(const Words& w, const char* id, const std::string& answer) {
  ImGui::PushID(id);
  const bool open = ImGui::TreeNode("##q", "%s", words(w, "lab.interview.label").c_str());
  ImGui::SameLine();
  ImGui::TextWrapped("%s", words(w, id).c_str());  // (a tree node's own label does not wrap)
  if (open) {
    if (g_answers_held)
      text_note("%s", words(w, "lab.interview.held").c_str());
    else
      text_words("%s", answer.c_str());
    ImGui::TreePop();
  }
  ImGui::PopID();
}

// human_bytes and fmt_count with the decimal sign of the learner's language.
std::string lab_bytes(const Words& w, double b) { return attn::decimals(*w.catalog, attn::human_bytes(b)); }
std::string lab_count(const Words& w, double x) { return attn::decimals(*w.catalog, fmt_count(x)); }

void weights_side_by_side(const AppState& s, const char* id, const std::vector<WeightsColumn>& columns,
                          float height_fonts) {
  const int n = static_cast<int>(columns.size());
  if (n == 0 || !ImGui::BeginTable(id, n)) return;
  const std::vector<std::string> rows = attn::query_labels(s.problem()), cols = attn::key_labels(s.problem());
  const float w = ImGui::GetContentRegionAvail().x / static_cast<float>(n) - ImGui::GetStyle().ItemSpacing.x;
  for (int c = 0; c < n; ++c) {
    const WeightsColumn& column = columns[static_cast<size_t>(c)];
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", column.title.c_str());
    if (!column.weights) {
      ImGui::TextWrapped("%s", column.note.c_str());
      continue;
    }
    HeatmapOptions opt;
    opt.palette = Palette::Sequential;
    opt.show_values = false;
    opt.value_name = "a";
    opt.cell = heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * height_fonts), s.problem().query_len(),
                                s.problem().key_len(), rows, cols);
    opt.held = held_back(s, Held::Softmax);
    ImGui::PushID(c);
    heatmap("w", *column.weights, rows, cols, opt);
    ImGui::PopID();
  }
  ImGui::EndTable();
}

std::string diff_text(const Words& w, double d) {
  if (d < 0) return "—";
  if (d == 0) return words(w, "lab.compare.identical");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1e", d);
  return attn::decimals(*w.catalog, buf);
}

namespace {

// [SECTION] compare --------------------------------------------------------------------------------------

void section_compare(AppState& s) {
  const Variants& v = s.derived().variants;
  int variant = static_cast<int>(s.settings.variant);
  ImGui::TextUnformatted(words(s, "lab.compare.with").c_str());
  bool changed = false;  // (the choices flow onto more lines on a narrow screen)
  const char* ids[] = {"cost.standard", "lab.compare.flash", "lab.compare.linear"};
  const char* keys[] = {"###variant_standard", "###variant_flash", "###variant_linear"};
  for (int k = 0; k < 3; ++k) {
    const std::string label = words(s, ids[k]) + keys[k];
    flow(check_width(label.c_str()));
    changed |= ImGui::RadioButton(label.c_str(), &variant, k);
  }
  help_marker(
      say(s, std::vector<attn::Message>{{"lab.compare.help", {}}, {"lab.compare.help_same", {}}}).c_str());
  if (changed) {
    s.settings.variant = static_cast<attn::Variant>(variant);
    attn::MaskSpec& m = s.settings.mask;
    if (s.settings.variant == attn::Variant::Linear && !attn::linear_computes(m))
      m = attn::MaskSpec{};  // linear attention has prefix sums for causal, nothing for the rest
    s.dirty = true;
  }
  const int L = s.problem().query_len(), S = s.problem().key_len();
  const int h = s.problem().heads();
  const std::vector<attn::MessageArg> input = {count_arg("l", L), count_arg("s", S), count_arg("h", h),
                                               attn::words_arg("mask", attn::mask_message(s.settings.mask))};
  ImGui::TextWrapped(
      "%s",
      say(s, std::vector<attn::Message>{{h == 1 ? "lab.compare.input_one_head" : "lab.compare.input", input},
                                        {"lab.compare.counted", {}}})
          .c_str());
  const attn::Catalog& cat = catalog(s);
  std::vector<std::vector<std::string>> table, tips;
  for (const attn::VariantCost& c : v.costs) {
    double diff = -1;
    std::string note;
    for (const VariantRun& r : v.runs) {
      const bool match = attn::cost_way_of(r.variant, v.costs) == c.way ||
                         (r.variant == attn::Variant::Standard && c.way == attn::CostWay::Standard);
      if (match) diff = r.max_diff, note = attn::say(cat, r.note);
    }
    table.push_back({attn::say(cat, c.name), note.empty() ? diff_text(s, diff) : "—",
                     lab_count(s, c.mul_adds), lab_count(s, c.exps), lab_bytes(s, c.intermediate_bytes),
                     lab_bytes(s, c.bytes_moved), attn::say(cat, c.big_o)});
    tips.push_back({attn::say(cat, c.formula), note});
  }
  if (held_back(s, Held::Costs))
    text_note("%s", words(s, "lab.held.costs").c_str());
  else
    text_table("##costs",
               {words(s, "lab.compare.way"), "max |O − O_standard|", words(s, "lab.compare.multiply_adds"),
                "exp()", words(s, "lab.compare.memory_held"), words(s, "lab.compare.bytes_moved"),
                words(s, "lab.compare.grows_as")},
               table, tips);
  text_note(
      "%s",
      say(s, std::vector<attn::Message>{{"lab.compare.hover", {}}, {"lab.compare.bytes_note", {}}}).c_str());

  // The weights each variant puts on the shown head, side by side.
  const size_t head = static_cast<size_t>(std::clamp(s.view.head, 0, s.problem().heads() - 1));
  std::vector<WeightsColumn> columns;
  for (const VariantRun& r : v.runs) {
    const std::string name = attn::say(cat, r.name);
    columns.push_back(
        {r.variant == attn::Variant::Linear ? say(s, "lab.compare.implied", {text_arg("name", name)}) : name,
         head < r.weights.size() ? &r.weights[head] : nullptr, attn::say(cat, r.note)});
  }
  weights_side_by_side(s, "##maps", columns, 14);
  const attn::VariantCost& std_cost = v.costs.front();
  const double big = 65536.0;
  interview_prompt(
      s, "lab.interview.bottleneck",
      say(s, std::vector<attn::Message>{
                 {"lab.interview.bottleneck.matrix",
                  {text_arg("scores", lab_count(s, static_cast<double>(L) * S)),
                   text_arg("bytes", lab_bytes(s, std_cost.intermediate_bytes))}},
                 {"lab.interview.bottleneck.traffic", {text_arg("bytes", lab_bytes(s, 4 * big * big))}}}));
  interview_prompt(s, "lab.interview.optimise", words(s, "lab.interview.optimise.answer"));
}

// [SECTION] masks ----------------------------------------------------------------------------------------

// Click or drag on the grid to allow/block single scores: the mask becomes an explicit 0/1 matrix.
void mask_painter(AppState& s) {
  const int L = s.problem().query_len(), S = s.problem().key_len();
  attn::MaskMat allowed = attn::build_mask(s.settings.mask, L, S);
  const std::vector<std::string> rows = attn::query_labels(s.problem()), cols = attn::key_labels(s.problem());
  attn::MatD m = allowed.cast<double>();
  HeatmapOptions opt;
  opt.palette = Palette::Sequential;
  opt.show_values = false;
  const std::string allowed_name = words(s, "lab.masks.allowed");
  opt.value_name = allowed_name.c_str();
  opt.legend = false;  // (yellow = may attend, as the line above says)
  opt.cell = heatmap_fit_cell(ImGui::GetContentRegionAvail(), L, S, rows, cols);
  int hr = -1, hc = -1;
  const ImVec2 at = ImGui::GetCursorScreenPos(), gutter = heatmap_size(0, 0, 0, rows, cols, opt);
  s.frame.mask_grid[0] = at.x + gutter.x;  // (for tests and page scripts: attnlab.layout())
  s.frame.mask_grid[1] = at.y + gutter.y;
  s.frame.mask_grid[2] = opt.cell;
  heatmap("paint", m, rows, cols, opt, &hr, &hc);
  int& paint = s.frame.paint;
  if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) paint = -1;
  if (hr < 0 || hc < 0) return;
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) paint = allowed(hr, hc) ? 0 : 1;
  if (paint < 0 || allowed(hr, hc) == paint) return;
  allowed(hr, hc) = static_cast<std::uint8_t>(paint);
  s.settings.mask = attn::MaskSpec{};
  s.settings.mask.kind = attn::MaskSpec::Kind::Explicit;
  s.settings.mask.allowed = allowed;
  if (s.settings.variant == attn::Variant::Linear) s.settings.variant = attn::Variant::Standard;
  s.dirty = true;
}

// Any key position as a global token: one button per key, pressed when global.
void global_token_picker(AppState& s) {
  std::vector<int>& g = s.settings.mask.global;
  text_note("%s", words(s, "lab.masks.pick_global").c_str());
  const auto is_global = [&](int j) { return std::find(g.begin(), g.end(), j) != g.end(); };
  const int j = token_chips(attn::key_labels(s.problem()), is_global, &s.frame.global_chips);
  if (j < 0) return;
  if (is_global(j))
    g.erase(std::remove(g.begin(), g.end(), j), g.end());  // (every copy: JSON may have given it twice)
  else
    g.push_back(j), std::sort(g.begin(), g.end());
  s.dirty = true;
}

void section_masks(AppState& s) {
  const int L = s.problem().query_len(), S = s.problem().key_len();
  Split split("##masks", 2,
              ImGui::GetFontSize() * 18);  // the grid first: nothing above it moves while painting
  ImGui::TextWrapped("%s", words(s, "lab.masks.paint").c_str());
  mask_painter(s);
  split.next();
  ImGui::PushItemWidth(ImGui::GetFontSize() * 10);
  mask_controls(s);
  ImGui::PopItemWidth();
  if (takes_global_tokens(s)) global_token_picker(s);
  const double allowed = attn::allowed_count(s.settings.mask, L, S), all = static_cast<double>(L) * S;
  const bool costs = !held_back(s, Held::Costs);
  if (costs)
    text_words("%s",
               say(s, "lab.masks.needed",
                   {count_arg("n", allowed), count_arg("all", all), attn::percent_arg("p", allowed / all)})
                   .c_str());
  const std::vector<attn::VariantCost>& c = s.derived().variants.costs;
  const attn::VariantCost* sparse = attn::find_cost(c, attn::CostWay::Sparse);
  if (costs && sparse)
    ImGui::TextWrapped("%s", say(s, "lab.masks.kernel",
                                 {text_arg("n", lab_count(s, sparse->mul_adds)),
                                  text_arg("all", lab_count(s, c.front().mul_adds)),
                                  text_arg("o", attn::say(catalog(s), sparse->big_o))})
                                 .c_str());
  std::string fully;
  for (int i = 0; i < L; ++i)
    if (attn::row_fully_masked(s.settings.mask, i, L, S))
      fully += (fully.empty() ? "" : ", ") + attn::query_labels(s.problem())[static_cast<size_t>(i)];
  if (fully.empty()) {
    ImGui::TextWrapped("%s", words(s, "lab.masks.no_empty_row").c_str());
  } else {
    ImGui::TextWrapped(
        "%s", say(s, std::vector<attn::Message>{{"lab.masks.fully_masked", {text_arg("rows", fully)}},
                                                {"lab.masks.nan", {}}})
                  .c_str());
  }
  ImGui::Spacing();
  ImGui::TextWrapped("%s", words(s, "lab.masks.patterns").c_str());
  interview_prompt(s, "lab.interview.sparse",
                   say(s, std::vector<attn::Message>{{"lab.interview.sparse.cost", {}},
                                                     {"lab.interview.sparse.reach", {}}}));
}

}  // namespace

// Mask kind and its parameter(s); used by the input panel and the Masks part.
void mask_controls(AppState& s) {
  using K = attn::MaskSpec::Kind;
  attn::MaskSpec& m = s.settings.mask;
  const int S = s.problem().key_len();
  const bool linear = s.settings.variant == attn::Variant::Linear;
  const attn::MaskKindInfo& now = attn::mask_kind(m.kind);
  if (ImGui::BeginCombo((words(s, "lab.mask") + "###mask").c_str(),
                        words(s, std::string(now.text_id) + ".title").c_str())) {
    for (const attn::MaskKindInfo& k : attn::kMaskKinds) {
      if (k.kind == K::Explicit && m.kind != K::Explicit)
        continue;  // (painted in the Masks part, not picked)
      if (!ImGui::Selectable((words(s, std::string(k.text_id) + ".title") + "###" + k.text_id).c_str(),
                             k.kind == m.kind) ||
          k.kind == m.kind)
        continue;
      // A new kind starts where it shows something: its parameter at most a few tokens.
      if (k.param && m.*k.param < k.param_min) m.*k.param = std::max(k.param_start, k.param_min);
      if (k.kind == K::Padding) m.valid_len = std::max(1, S - 2);
      if (!k.takes_global) m.global.clear();
      m.kind = k.kind;
      if (linear && m.kind != K::None && m.kind != K::Causal) s.settings.variant = attn::Variant::Standard;
      s.dirty = true;
    }
    ImGui::EndCombo();
  }
  help_marker(say(s,
                  std::vector<attn::Message>{
                      {"lab.mask.help", {}}, {"lab.mask.help_blocked", {}}, {"lab.mask.help_linear", {}}})
                  .c_str());
  const attn::MaskKindInfo& k = attn::mask_kind(m.kind);
  if (k.param && k.kind != K::Explicit)
    s.dirty |= ImGui::SliderInt((words(s, std::string(k.text_id) + ".label") + "###mask_param").c_str(),
                                &(m.*k.param), k.param_min, std::max(1, S));
  if (takes_global_tokens(s)) {
    int first = static_cast<int>(m.global.size());
    bool leading = true;  // the globals are 0, 1, …, first − 1
    for (int i = 0; i < first; ++i) leading &= m.global[static_cast<size_t>(i)] == i;
    // (the slider's format: the words with the count in them, any '%' doubled)
    std::string shown = say(s,
                            first == 0 ? "lab.global.none"
                            : leading  ? "lab.global.first"
                                       : "lab.global.chosen",
                            {count_arg("n", first)});
    for (size_t i = shown.find('%'); i != std::string::npos; i = shown.find('%', i + 2)) shown.insert(i, "%");
    if (ImGui::SliderInt((words(s, "lab.global") + "###global").c_str(), &first, 0, std::min(4, S),
                         shown.c_str())) {
      m.global.clear();
      for (int i = 0; i < first; ++i) m.global.push_back(i);
      s.dirty = true;
    }
    help_marker(
        say(s, std::vector<attn::Message>{{"lab.global.help", {}}, {"lab.global.help_pick", {}}}).c_str());
  }
}

bool takes_global_tokens(const AppState& s) {
  return attn::mask_kind(s.settings.mask.kind).takes_global && s.settings.variant != attn::Variant::Linear;
}

// [SECTION] view -----------------------------------------------------------------------------------------

namespace {
// What draws each part of kVariantParts (app_state.h): one entry per part, in its order (checked by key).
struct PartDraw {
  VariantSection view;
  void (*draw)(AppState&);
};
constexpr PartDraw kPartDraw[] = {
    {VariantSection::Compare, section_compare}, {VariantSection::Masks, section_masks},
    {VariantSection::Heads, section_heads},     {VariantSection::Linear, section_linear},
    {VariantSection::Flash, section_flash},     {VariantSection::Positions, section_positions}};
static_assert(attn::same_keys(kPartDraw, kVariantParts),
              "kPartDraw: one entry per Variants part, in the same order");
}  // namespace

void panel_variants(AppState& s) {
  VariantsView& vv = s.view.variants;
  for (const attn::Named<VariantSection>& part : kVariantParts) {
    const std::string title = words(s, std::string("variants.") + part.id) + "###" + part.id;
    if (part.value != kVariantParts[0].value) flow(check_width(title.c_str()));
    if (ImGui::RadioButton(title.c_str(), vv.section == part.value)) vv.section = part.value;
  }
  ImGui::Separator();
  if (s.problem().query_len() > kMaxStepTokens || s.problem().key_len() > kMaxStepTokens)
    return ImGui::TextWrapped(
        "%s", say(s, std::vector<attn::Message>{{"lab.too_long", {count_arg("n", kMaxStepTokens)}},
                                                {"lab.too_long_perf", {}}})
                  .c_str());
  if (!s.derived().error.empty())
    return ImGui::TextWrapped("%s",
                              say(s, "lab.cannot_compute", {text_arg("why", s.derived().error)}).c_str());
  if (s.derived().variants.version == s.derived().result_version && s.derived().variants.costs.empty() &&
      !s.derived().variants.grouped_note.empty())
    return ImGui::TextWrapped("%s",
                              s.derived().variants.grouped_note.c_str());  // it failed; the note says why
  if (!result_matches_problem(s) || s.derived().variants.version != s.derived().result_version ||
      s.derived().variants.costs.empty())
    return ImGui::TextDisabled(
        "%s", words(s, "lab.recomputing").c_str());  // (an edit earlier in this frame changed the shapes)
  kPartDraw[static_cast<int>(vv.section)].draw(s);
}

}  // namespace ui
