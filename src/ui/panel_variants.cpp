// The Variants view: the same input through standard, sparse, flash and linear attention, multi-/grouped-/
// multi-query heads, with the cost of each from the core's cost model (attn/cost.h) and interview prompts
// answered by the numbers on screen. Linear and flash parts: panel_flash.cpp.
// [SECTION] helpers · compare · masks · heads · view
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/multihead.h"
#include "ui/fit.h"
#include "ui/lesson.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

using attn::count_arg;
using attn::text_arg;

// [SECTION] helpers --------------------------------------------------------------------------------------

std::string fmt_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) b /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

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
void interview_prompt(const AppState& s, const char* id, const std::string& answer) {
  ImGui::PushID(id);
  const bool open = ImGui::TreeNode("##q", "%s", words(s, "lab.interview.label").c_str());
  ImGui::SameLine();
  ImGui::TextWrapped("%s", words(s, id).c_str());  // (a tree node's own label does not wrap)
  if (open) {
    if (g_answers_held)
      text_note("%s", words(s, "lab.interview.held").c_str());
    else
      text_words("%s", answer.c_str());
    ImGui::TreePop();
  }
  ImGui::PopID();
}

// fmt_bytes and fmt_count with the decimal sign of the learner's language.
std::string lab_bytes(const AppState& s, double b) { return attn::decimals(catalog(s), fmt_bytes(b)); }
std::string lab_count(const AppState& s, double x) { return attn::decimals(catalog(s), fmt_count(x)); }

void weights_side_by_side(const AppState& s, const char* id, const std::vector<WeightsColumn>& columns,
                          float height_fonts) {
  const int n = static_cast<int>(columns.size());
  if (n == 0 || !ImGui::BeginTable(id, n)) return;
  const std::vector<std::string> rows = attn::query_labels(s.problem), cols = attn::key_labels(s.problem);
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
    opt.cell = heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * height_fonts), s.problem.query_len(),
                                s.problem.key_len(), rows, cols);
    opt.held = held_back(s, Held::Softmax);
    ImGui::PushID(c);
    heatmap("w", *column.weights, rows, cols, opt);
    ImGui::PopID();
  }
  ImGui::EndTable();
}

std::string diff_text(const AppState& s, double d) {
  if (d < 0) return "—";
  if (d == 0) return words(s, "lab.compare.identical");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1e", d);
  return attn::decimals(catalog(s), buf);
}

namespace {

// [SECTION] compare --------------------------------------------------------------------------------------

void section_compare(AppState& s) {
  const Variants& v = s.derived().variants;
  int variant = static_cast<int>(s.problem.variant);
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
    s.problem.variant = static_cast<attn::Variant>(variant);
    attn::MaskSpec& m = s.problem.mask;
    if (s.problem.variant == attn::Variant::Linear && !attn::linear_computes(m))
      m = attn::MaskSpec{};  // linear attention has prefix sums for causal, nothing for the rest
    s.dirty = true;
  }
  const int L = s.problem.query_len(), S = s.problem.key_len();
  const int h = s.problem.heads();
  const std::vector<attn::MessageArg> input = {count_arg("l", L), count_arg("s", S), count_arg("h", h),
                                               attn::words_arg("mask", attn::mask_message(s.problem.mask))};
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
  const size_t head = static_cast<size_t>(std::clamp(s.view.head, 0, s.problem.heads() - 1));
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
  const int L = s.problem.query_len(), S = s.problem.key_len();
  attn::MaskMat allowed = attn::build_mask(s.problem.mask, L, S);
  const std::vector<std::string> rows = attn::query_labels(s.problem), cols = attn::key_labels(s.problem);
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
  s.problem.mask = attn::MaskSpec{};
  s.problem.mask.kind = attn::MaskSpec::Kind::Explicit;
  s.problem.mask.allowed = allowed;
  if (s.problem.variant == attn::Variant::Linear) s.problem.variant = attn::Variant::Standard;
  s.dirty = true;
}

// Any key position as a global token: one button per key, pressed when global.
void global_token_picker(AppState& s) {
  std::vector<int>& g = s.problem.mask.global;
  text_note("%s", words(s, "lab.masks.pick_global").c_str());
  const auto is_global = [&](int j) { return std::find(g.begin(), g.end(), j) != g.end(); };
  const int j = token_chips(attn::key_labels(s.problem), is_global, &s.frame.global_chips);
  if (j < 0) return;
  if (is_global(j))
    g.erase(std::remove(g.begin(), g.end(), j), g.end());  // (every copy: JSON may have given it twice)
  else
    g.push_back(j), std::sort(g.begin(), g.end());
  s.dirty = true;
}

void section_masks(AppState& s) {
  const int L = s.problem.query_len(), S = s.problem.key_len();
  Split split("##masks", 2,
              ImGui::GetFontSize() * 18);  // the grid first: nothing above it moves while painting
  ImGui::TextWrapped("%s", words(s, "lab.masks.paint").c_str());
  mask_painter(s);
  split.next();
  ImGui::PushItemWidth(ImGui::GetFontSize() * 10);
  mask_controls(s);
  ImGui::PopItemWidth();
  if (takes_global_tokens(s)) global_token_picker(s);
  const double allowed = attn::allowed_count(s.problem.mask, L, S), all = static_cast<double>(L) * S;
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
    if (attn::row_fully_masked(s.problem.mask, i, L, S))
      fully += (fully.empty() ? "" : ", ") + attn::query_labels(s.problem)[static_cast<size_t>(i)];
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

// [SECTION] heads ----------------------------------------------------------------------------------------

// Query heads on top, K/V heads below, a line from each query head to the K/V head it reads.
void draw_sharing(int h, int g) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize(), box = font * 2.2f, gap = font * 0.6f;
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float width = static_cast<float>(h) * (box + gap);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), line = ImGui::GetColorU32(ImGuiCol_PlotLines);
  const float kv_gap = (width - static_cast<float>(g) * box) / static_cast<float>(g);
  auto kv_x = [&](int j) { return o.x + kv_gap / 2 + static_cast<float>(j) * (box + kv_gap); };
  for (int i = 0; i < h; ++i) {
    const float x = o.x + static_cast<float>(i) * (box + gap);
    const int j = attn::kv_head_of(i, h, g);
    dl->AddLine(ImVec2(x + box / 2, o.y + box), ImVec2(kv_x(j) + box / 2, o.y + box * 2.5f), line, 2.0f);
    dl->AddRect(ImVec2(x, o.y), ImVec2(x + box, o.y + box), text);
    dl->AddText(ImVec2(x + font * 0.3f, o.y + font * 0.5f), text, ("Q" + std::to_string(i)).c_str());
  }
  for (int j = 0; j < g; ++j) {
    const float x = kv_x(j);
    dl->AddRectFilled(ImVec2(x, o.y + box * 2.5f), ImVec2(x + box, o.y + box * 3.5f),
                      ImGui::GetColorU32(ImGuiCol_FrameBg));
    dl->AddRect(ImVec2(x, o.y + box * 2.5f), ImVec2(x + box, o.y + box * 3.5f), text);
    dl->AddText(ImVec2(x + font * 0.2f, o.y + box * 2.5f + font * 0.5f), text,
                ("KV" + std::to_string(j)).c_str());
  }
  ImGui::Dummy(ImVec2(std::max(width, box), box * 3.6f));
}

// MLA beside GQA: K and V through a shared latent of width d_c, on this input (Variants::latent).
void latent_table(const AppState& s) {
  const Variants& v = s.derived().variants;
  if (v.latent.empty()) return;
  const int full = 2 * s.problem.heads() * static_cast<int>(s.derived().result.heads.front().q.cols());
  const double direct = attn::kv_projection_mul_adds(s.problem.key_len(), full / 2, full / 2);
  std::vector<std::vector<std::string>> rows;
  for (const LatentRun& r : v.latent) {
    char diff[32], rel[32], gap[32];
    std::snprintf(diff, sizeof diff, "%.3g", r.max_diff);
    std::snprintf(rel, sizeof rel, "%.1f%%", 100 * r.rel_diff);
    std::snprintf(gap, sizeof gap, "%.1e", r.scores_gap);
    rows.push_back(
        {std::to_string(r.d_c),
         say(s, "lab.latent.cached", {count_arg("n", r.cached), count_arg("full", full)}),
         say(s, "lab.latent.projections_value",
             {text_arg("mla", lab_count(s, r.projections)), text_arg("mha", lab_count(s, direct))}),
         attn::decimals(catalog(s), diff), attn::decimals(catalog(s), rel), attn::decimals(catalog(s), gap)});
  }
  text_note("%s", words(s, "lab.latent.title").c_str());
  text_table("##latent",
             {"d_c", words(s, "lab.latent.per_token"), words(s, "lab.latent.projections"),
              "max |O_MLA − O_MHA|", words(s, "lab.heads.relative"), words(s, "lab.latent.absorbed")},
             rows);
  text_note("%s", words(s, "lab.latent.note").c_str());
}

void kv_cache_calculator(AppState& s) {
  struct Model {
    const char* text_id;  // its words: lab.kv.class ("7B-class (…)") or lab.kv.small
    const char* size;
    int layers, heads, d_head, gqa;
  };
  static const Model kModels[] = {{"lab.kv.class", "7B", 32, 32, 128, 8},
                                  {"lab.kv.class", "70B", 80, 64, 128, 8},
                                  {"lab.kv.small", "", 12, 12, 64, 4}};
  const auto model_name = [&](const Model& x) {
    return say(s, x.text_id,
               {text_arg("size", x.size), count_arg("layers", x.layers), count_arg("heads", x.heads),
                count_arg("d", x.d_head)});
  };
  VariantsView& vv = s.view.variants;
  vv.model = std::clamp(vv.model, 0, 2);
  const Model& m = kModels[vv.model];
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
  if (ImGui::BeginCombo((words(s, "lab.kv.model_size") + "###model size").c_str(), model_name(m).c_str())) {
    for (int i = 0; i < 3; ++i) {
      ImGui::PushID(i);
      if (ImGui::Selectable((model_name(kModels[i]) + "###model").c_str(), i == vv.model)) vv.model = i;
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
  ImGui::SliderInt((words(s, "lab.kv.context") + "###context").c_str(), &vv.context, 512, 131072, "%d",
                   ImGuiSliderFlags_Logarithmic);
  const struct {
    const char* name;
    int g;
  } kinds[] = {{"MHA", m.heads}, {"GQA", m.gqa}, {"MQA", 1}};
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : kinds)
    rows.push_back({std::string(r.name) + ": g = " + std::to_string(r.g),
                    lab_bytes(s, attn::kv_cache_bytes(1, r.g, m.d_head, 1, 2)),
                    lab_bytes(s, attn::kv_cache_bytes(m.layers, r.g, m.d_head, 1, 2)),
                    lab_bytes(s, attn::kv_cache_bytes(m.layers, r.g, m.d_head, vv.context, 2))});
  // MLA as DeepSeek-V2 sizes it: a latent of 4·d_head and a shared RoPE key of d_head/2 per token and layer.
  const int d_c = 4 * m.d_head, d_rope = m.d_head / 2;
  rows.push_back({say(s, "lab.kv.mla", {count_arg("d_c", d_c), count_arg("d_r", d_rope)}),
                  lab_bytes(s, attn::latent_cache_bytes(1, d_c, d_rope, 1, 2)),
                  lab_bytes(s, attn::latent_cache_bytes(m.layers, d_c, d_rope, 1, 2)),
                  lab_bytes(s, attn::latent_cache_bytes(m.layers, d_c, d_rope, vv.context, 2))});
  if (held_back(s, Held::Costs))
    text_note("%s", words(s, "lab.held.cache").c_str());
  else
    text_table("##kv",
               {words(s, "lab.kv.heads"), words(s, "lab.kv.per_layer"), words(s, "lab.kv.per_token"),
                words(s, "lab.kv.context_total")},
               rows);
  text_note("%s",
            say(s, std::vector<attn::Message>{{"lab.kv.formula", {}}, {"lab.kv.mla_formula", {}}}).c_str());
}

// The last two steps of multi-head attention: the heads' outputs side by side, then times W_Oᵀ.
void concat_and_output(const AppState& s) {
  if (s.problem.form != attn::Problem::Form::MultiHead || s.derived().result.heads.empty()) return;
  const Eigen::Index L = s.derived().result.output.rows(),
                     dv = s.derived().result.heads.front().output.cols();
  attn::MatD concat(L, dv * static_cast<Eigen::Index>(s.derived().result.heads.size()));
  for (size_t i = 0; i < s.derived().result.heads.size(); ++i)
    concat.middleCols(static_cast<Eigen::Index>(i) * dv, dv) = s.derived().result.heads[i].output;
  const attn::MatD wt = s.problem.out_proj_weight.transpose();
  const std::vector<std::string> rows = attn::query_labels(s.problem), dims = index_labels(concat.cols());
  const float w = ImGui::GetContentRegionAvail().x / 3 - ImGui::GetStyle().ItemSpacing.x;
  if (!ImGui::BeginTable("##concat", 3)) return;
  const struct {
    std::string title;
    const attn::MatD* m;
    const std::vector<std::string>* rows;
  } parts[] = {{words(s, "lab.heads.concat"), &concat, &rows},
               {"W_Oᵀ", &wt, &dims},
               {"O = concat·W_Oᵀ (+ b_O)", &s.derived().result.output, &rows}};
  int n = 0;
  for (const auto& part : parts) {
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", part.title.c_str());
    HeatmapOptions o;
    o.show_values = false;
    o.col_labels = false;
    o.value_name = part.title.c_str();
    o.cell = heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * 12), static_cast<int>(part.m->rows()),
                              static_cast<int>(part.m->cols()), *part.rows, {});
    ImGui::PushID(n++);
    o.held = part.m != &wt && held_back(s, Held::WeightedSum);
    heatmap("m", *part.m, *part.rows, dims, o);
    ImGui::PopID();
  }
  ImGui::EndTable();
}

void section_heads(AppState& s) {
  const int h = s.problem.heads(), g = s.problem.kv_heads();
  if (s.source == Source::Embeddings) {
    attn::SentenceSetup& setup = s.setup;
    bool splittable = false;  // some h > 1 works (h must divide d_model = d_k)
    for (int h2 = 2; h2 <= setup.d_model; ++h2) splittable |= heads_possible(s, h2);
    if (!splittable && setup.heads == 1) {
      ImGui::TextWrapped("%s", say(s, "lab.heads.cannot_split",
                                   {count_arg("d_model", setup.d_model), count_arg("d_k", setup.d_k)})
                                   .c_str());
      if (setup.d_k != setup.d_model && inputs_origin(s) == InputsOrigin::Seeded &&
          ImGui::Button(
              (say(s, "lab.heads.make_dk", {count_arg("d", setup.d_model)}) + "###make_dk").c_str())) {
        setup.d_k = setup.d_model;  // new random W_Q, W_K, W_V of that width (same seed)
        rebuild_from_sentence(s);
      }
    } else {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
      int heads = setup.heads;
      if (ImGui::SliderInt((words(s, "lab.heads.h") + "###h").c_str(), &heads, 1, setup.d_model) &&
          heads_possible(s, heads)) {
        setup.heads = heads;
        setup.kv_heads = heads;
        setup.position.slopes.clear();  // (a link's own slopes and rotated width were for the old heads)
        setup.position.dims = 0;
        apply_inputs(s);
      }
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
      int kv = setup.kv_heads;
      if (ImGui::SliderInt((words(s, "lab.heads.g") + "###g").c_str(), &kv, 1, setup.heads) &&
          setup.heads % kv == 0) {
        setup.kv_heads = kv;
        apply_inputs(s);
      }
      help_marker(
          say(s, std::vector<attn::Message>{{"lab.heads.divide", {}}, {"lab.heads.kinds", {}}}).c_str());
    }
  }
  const int d =
      s.derived().result.heads.empty() ? 0 : static_cast<int>(s.derived().result.heads.front().q.cols());
  const char* kind = h == 1   ? "lab.heads.kind.one"
                     : g == h ? "lab.heads.kind.multi"
                     : g == 1 ? "lab.heads.kind.multi_query"
                              : "lab.heads.kind.grouped";
  ImGui::TextWrapped(
      "%s", say(s,
                std::vector<attn::Message>{
                    {"lab.heads.shape",
                     {text_arg("query", say(s, h == 1 ? "lab.heads.query_head" : "lab.heads.query_heads",
                                            {count_arg("n", h)})),
                      count_arg("d", d),
                      text_arg("kv", say(s, g == 1 ? "lab.heads.kv_head" : "lab.heads.kv_heads",
                                         {count_arg("n", g)})),
                      text_arg("kind", words(s, kind))}},
                    {s.source == Source::Embeddings ? "lab.heads.each_identity" : "lab.heads.each",
                     {count_arg("d", d)}}})
                .c_str());
  Split split("##heads", 2, ImGui::GetFontSize() * 20, {0.45f, 0.55f});
  draw_sharing(h, g);
  const Variants& v = s.derived().variants;
  if (!v.grouped.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const GroupedRun& r : v.grouped) {
      char diff[32], rel[32];
      std::snprintf(diff, sizeof diff, "%.3g", r.max_diff);
      std::snprintf(rel, sizeof rel, "%.1f%%", 100 * r.rel_diff);
      rows.push_back({r.kv_heads == g ? say(s, "lab.heads.shown", {count_arg("g", r.kv_heads)})
                                      : std::to_string(r.kv_heads),
                      attn::decimals(catalog(s), diff), attn::decimals(catalog(s), rel)});
    }
    text_table("##quality", {words(s, "lab.heads.g"), "max |O_g − O_MHA|", words(s, "lab.heads.relative")},
               rows);
    text_note("%s", words(s, "lab.heads.quality").c_str());
  } else {
    ImGui::TextWrapped("%s", attn::say(catalog(s), v.grouped_why).c_str());
  }
  split.next();
  kv_cache_calculator(s);
  split.end();
  latent_table(s);

  // Every head's weights side by side, then their average (labelled as such).
  if (!s.derived().has_result || s.derived().result.heads.empty()) return;
  const std::vector<std::string> rows = attn::query_labels(s.problem), cols = attn::key_labels(s.problem);
  const int L = s.problem.query_len(), S = s.problem.key_len();
  const int shown = std::min(h, 8), maps = h > 1 ? shown + 1 : 1;  // (one head: no average to show)
  const float w =
      ImGui::GetContentRegionAvail().x / static_cast<float>(maps) - ImGui::GetStyle().ItemSpacing.x;
  attn::MatD mean = attn::MatD::Zero(L, S);
  for (const attn::HeadTrace<double>& t : s.derived().result.heads) mean += t.weights / h;
  if (!ImGui::BeginTable("##permaps", maps)) return;
  for (int i = 0; i < maps; ++i) {
    ImGui::TableNextColumn();
    const bool avg = i == shown;
    ImGui::TextWrapped(
        "%s", avg ? say(s, "lab.heads.average", {count_arg("h", h)}).c_str()
                  : say(s, "lab.heads.head", {count_arg("i", i), count_arg("kv", attn::kv_head_of(i, h, g))})
                        .c_str());
    HeatmapOptions opt;
    opt.palette = Palette::Sequential;
    opt.show_values = false;
    opt.row_labels = opt.col_labels = false;
    const std::string mean_a = words(s, "lab.heads.mean_a");
    opt.value_name = avg ? mean_a.c_str() : "a";
    opt.cell = heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * 12), L, S, {}, {});
    ImGui::PushID(i);
    opt.held = held_back(s, Held::Softmax);
    opt.legend = false;  // (one scale below serves every head)
    heatmap("h", avg ? mean : s.derived().result.heads[static_cast<size_t>(i)].weights, rows, cols, opt);
    if (!avg && ImGui::IsItemClicked()) s.view.head = i;
    ImGui::PopID();
  }
  ImGui::EndTable();
  legend(Palette::Sequential, 0, 1, std::max(w, ImGui::GetFontSize() * 10));
  if (h > shown)
    text_note("%s", say(s, "lab.heads.first", {count_arg("n", shown), count_arg("h", h)}).c_str());
  concat_and_output(s);
  interview_prompt(
      s, "lab.interview.gqa",
      say(s, std::vector<attn::Message>{{"lab.interview.gqa.speed", {}}, {"lab.interview.gqa.quality", {}}}));
  interview_prompt(s, "lab.interview.mla", words(s, "lab.interview.mla.answer"));
}

}  // namespace

// Mask kind and its parameter(s); used by the input panel and the Masks part.
void mask_controls(AppState& s) {
  using K = attn::MaskSpec::Kind;
  attn::MaskSpec& m = s.problem.mask;
  const int S = s.problem.key_len();
  const bool linear = s.problem.variant == attn::Variant::Linear;
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
      if (linear && m.kind != K::None && m.kind != K::Causal) s.problem.variant = attn::Variant::Standard;
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
  return attn::mask_kind(s.problem.mask.kind).takes_global && s.problem.variant != attn::Variant::Linear;
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
  if (s.problem.query_len() > kMaxStepTokens || s.problem.key_len() > kMaxStepTokens)
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
