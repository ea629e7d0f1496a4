// The Variants view's Heads part: multi-head, grouped-query, multi-query and latent (MLA) attention on the
// same input — which query heads share which K/V head, the weights side by side, the KV cache each keeps, and
// how the heads' outputs are concatenated and projected. The view and its other parts: panel_variants.cpp.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/latent.h"
#include "attn/multihead.h"
#include "ui/fit.h"
#include "state/lesson.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

using attn::count_arg;
using attn::text_arg;

namespace {

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
  const int full = 2 * s.problem().heads() * static_cast<int>(s.derived().result.heads.front().q.cols());
  const double direct = attn::kv_projection_mul_adds(s.problem().key_len(), full / 2, full / 2);
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
  if (s.problem().form != attn::Problem::Form::MultiHead || s.derived().result.heads.empty()) return;
  const Eigen::Index L = s.derived().result.output.rows(),
                     dv = s.derived().result.heads.front().output.cols();
  attn::MatD concat(L, dv * static_cast<Eigen::Index>(s.derived().result.heads.size()));
  for (size_t i = 0; i < s.derived().result.heads.size(); ++i)
    concat.middleCols(static_cast<Eigen::Index>(i) * dv, dv) = s.derived().result.heads[i].output;
  const attn::MatD wt = s.problem().out_proj_weight.transpose();
  const std::vector<std::string> rows = attn::query_labels(s.problem()), dims = index_labels(concat.cols());
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

// The number of query heads h and of K/V heads g, for the sentence's own projections (h divides d_model, g
// divides h); a d_k that cannot split offers to widen it to d_model.
void heads_sliders(AppState& s) {
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
      s.dirty = true;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    int kv = setup.kv_heads;
    if (ImGui::SliderInt((words(s, "lab.heads.g") + "###g").c_str(), &kv, 1, setup.heads) &&
        setup.heads % kv == 0) {
      setup.kv_heads = kv;
      s.dirty = true;
    }
    help_marker(
        say(s, std::vector<attn::Message>{{"lab.heads.divide", {}}, {"lab.heads.kinds", {}}}).c_str());
  }
}

// How far each K/V-head count's output is from multi-head attention's (refresh_variants ran them).
void grouped_quality(const AppState& s, int g) {
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
}

// Every head's weights side by side (a click picks the head the step view shows), then their average
// (labelled as such); false when there is nothing to show.
bool per_head_maps(AppState& s, int h, int g) {
  if (!s.derived().has_result || s.derived().result.heads.empty()) return false;
  const std::vector<std::string> rows = attn::query_labels(s.problem()), cols = attn::key_labels(s.problem());
  const int L = s.problem().query_len(), S = s.problem().key_len();
  const int shown = std::min(h, 8), maps = h > 1 ? shown + 1 : 1;  // (one head: no average to show)
  const float w =
      ImGui::GetContentRegionAvail().x / static_cast<float>(maps) - ImGui::GetStyle().ItemSpacing.x;
  attn::MatD mean = attn::MatD::Zero(L, S);
  for (const attn::HeadTrace<double>& t : s.derived().result.heads) mean += t.weights / h;
  if (!ImGui::BeginTable("##permaps", maps)) return false;
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
  return true;
}

}  // namespace

void section_heads(AppState& s) {
  const int h = s.problem().heads(), g = s.problem().kv_heads();
  if (s.source == Source::Embeddings) heads_sliders(s);
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
  grouped_quality(s, g);
  split.next();
  kv_cache_calculator(s);
  split.end();
  latent_table(s);
  if (!per_head_maps(s, h, g)) return;
  concat_and_output(s);
  interview_prompt(
      s, "lab.interview.gqa",
      say(s, std::vector<attn::Message>{{"lab.interview.gqa.speed", {}}, {"lab.interview.gqa.quality", {}}}));
  interview_prompt(s, "lab.interview.mla", words(s, "lab.interview.mla.answer"));
}

}  // namespace ui
