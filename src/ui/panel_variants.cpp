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
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

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
  char buf[32];
  if (x < 1e4)
    std::snprintf(buf, sizeof buf, "%.0f", x);
  else
    std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

namespace {
bool g_answers_held = false;
}  // namespace
void hold_interview_answers(bool held) { g_answers_held = held; }

void interview_prompt(const char* question, const std::string& answer) {
  ImGui::PushID(question);
  const bool open = ImGui::TreeNode("##q", "Interview:");
  ImGui::SameLine();
  ImGui::TextWrapped("%s", question);  // (a tree node's own label does not wrap)
  if (open) {
    if (g_answers_held)
      text_note("The answer is held back while a prediction is open.");
    else
      text_words("%s", answer.c_str());
    ImGui::TreePop();
  }
  ImGui::PopID();
}

namespace {

const char* diff_text(double d, char* buf, size_t n) {
  if (d < 0) return "—";
  std::snprintf(buf, n, d == 0 ? "0 (identical)" : "%.1e", d);
  return buf;
}

// [SECTION] compare --------------------------------------------------------------------------------------

void section_compare(AppState& s) {
  const Variants& v = s.derived.variants;
  int variant = static_cast<int>(s.problem.variant);
  ImGui::TextUnformatted("Compute this input with:");
  ImGui::SameLine();
  bool changed = ImGui::RadioButton("standard", &variant, 0);
  ImGui::SameLine();
  changed |= ImGui::RadioButton("flash", &variant, 1);
  ImGui::SameLine();
  changed |= ImGui::RadioButton("linear", &variant, 2);
  help_marker(
      "The whole app (step view, API, result) then uses this variant. Flash gives the same numbers; "
      "linear attention changes them.");
  if (changed) {
    s.problem.variant = static_cast<attn::Variant>(variant);
    attn::MaskSpec& m = s.problem.mask;
    if (s.problem.variant == attn::Variant::Linear &&
        ((m.kind != attn::MaskSpec::Kind::None && m.kind != attn::MaskSpec::Kind::Causal) ||
         !m.global.empty()))
      m = attn::MaskSpec{};  // linear attention has prefix sums for causal, nothing for the rest
    s.dirty = true;
  }
  const int L = s.problem.query_len(), S = s.problem.key_len();
  ImGui::TextWrapped(
      "Same input (%d queries × %d keys, %d head%s, mask: %s). Costs count the attention core "
      "of one layer, all heads, without the projections every variant shares.",
      L, S, s.problem.heads(), s.problem.heads() == 1 ? "" : "s", attn::mask_name(s.problem.mask).c_str());
  std::vector<std::vector<std::string>> table, tips;
  for (const attn::VariantCost& c : v.costs) {
    double diff = -1;
    std::string note;
    for (const VariantRun& r : v.runs) {
      const bool match = attn::cost_way_of(r.variant, v.costs) == c.way ||
                         (r.variant == attn::Variant::Standard && c.way == attn::CostWay::Standard);
      if (match) diff = r.max_diff, note = r.note;
    }
    char buf[48];
    table.push_back({c.name, note.empty() ? diff_text(diff, buf, sizeof buf) : "—", fmt_count(c.mul_adds),
                     fmt_count(c.exps), fmt_bytes(c.intermediate_bytes), fmt_bytes(c.bytes_moved), c.big_o});
    tips.push_back({c.formula, note});
  }
  if (held_back(s, Held::Costs))
    text_note("The costs are held back until the answer is revealed: predict first.");
  else
    text_table("##costs",
               {"way of computing", "max |O − O_standard|", "multiply-adds", "exp()", "memory held",
                "bytes moved", "grows as"},
               table, tips);
  text_note(
      "Hover a name for its formula. f32 bytes; \"memory held\" is what exists besides Q, K, V "
      "and O (flash: per tile being computed).");

  // The weights each variant puts on the shown head, side by side.
  const std::vector<std::string> rows = attn::query_labels(s.problem), cols = attn::key_labels(s.problem);
  const size_t head = static_cast<size_t>(std::clamp(s.view.head, 0, s.problem.heads() - 1));
  const float w = ImGui::GetContentRegionAvail().x / 3 - ImGui::GetStyle().ItemSpacing.x;
  if (ImGui::BeginTable("##maps", 3)) {
    for (const VariantRun& r : v.runs) {
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s%s", r.name.c_str(),
                         r.variant == attn::Variant::Linear ? " (implied matrix)" : "");
      if (head >= r.weights.size()) {
        ImGui::TextWrapped("%s", r.note.c_str());
        continue;
      }
      HeatmapOptions opt;
      opt.palette = Palette::Sequential;
      opt.show_values = false;
      opt.value_name = "a";
      opt.cell = heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * 14), L, S, rows, cols);
      ImGui::PushID(r.name.c_str());
      opt.held = held_back(s, Held::Softmax);
      heatmap("w", r.weights[head], rows, cols, opt);
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  const attn::VariantCost& std_cost = v.costs.front();
  const double big = 65536.0;
  interview_prompt("What makes attention the bottleneck for long sequences?",
                   "Standard attention forms an L×S matrix per head: here " +
                       fmt_count(static_cast<double>(L) * S) + " scores, " +
                       fmt_bytes(std_cost.intermediate_bytes) +
                       " for all heads. Both grow as n²: at n = 65 536 "
                       "one head's matrix is " +
                       fmt_bytes(4 * big * big) +
                       " in f32, and every score is written and read "
                       "twice (bytes moved above), so memory traffic, not arithmetic, sets the time.");
  interview_prompt(
      "How would you optimise attention for long sequences?",
      "Three levers, all in the table: compute the exact result without storing the matrix (flash: memory "
      "held per tile, bytes moved cut), compute fewer scores (a sparse mask: only the allowed ones), or "
      "change "
      "the formula (linear attention: O(n·d²), but its output differs — see the max |O − O_standard| "
      "column).");
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
  opt.value_name = "allowed";
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
  ImGui::TextDisabled("Global tokens (click to toggle):");
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
  ImGui::TextWrapped("Click or drag to paint (yellow = may attend); the mask becomes a 0/1 matrix.");
  mask_painter(s);
  split.next();
  ImGui::PushItemWidth(ImGui::GetFontSize() * 10);
  mask_controls(s);
  ImGui::PopItemWidth();
  if (takes_global_tokens(s)) global_token_picker(s);
  const double allowed = attn::allowed_count(s.problem.mask, L, S), all = static_cast<double>(L) * S;
  const bool costs = !held_back(s, Held::Costs);
  if (costs) text_words("Scores needed: %.0f of %.0f (%.0f%%)", allowed, all, 100 * allowed / all);
  const std::vector<attn::VariantCost>& c = s.derived.variants.costs;
  const attn::VariantCost* sparse = attn::find_cost(c, attn::CostWay::Sparse);
  if (costs && sparse)
    ImGui::TextWrapped("A mask-aware kernel does %s multiply-adds instead of %s: %s.",
                       fmt_count(sparse->mul_adds).c_str(), fmt_count(c.front().mul_adds).c_str(),
                       sparse->big_o.c_str());
  std::string fully;
  for (int i = 0; i < L; ++i)
    if (attn::row_fully_masked(s.problem.mask, i, L, S))
      fully += (fully.empty() ? "" : ", ") + attn::query_labels(s.problem)[static_cast<size_t>(i)];
  if (fully.empty()) {
    ImGui::TextWrapped("Every query may attend to at least one key.");
  } else {
    ImGui::TextWrapped(
        "Fully masked rows: %s. Softmax over nothing would be 0/0 = NaN; here such a row gets "
        "all-zero weights and a zero output, and the trace flags it.",
        fully.c_str());
  }
  ImGui::Spacing();
  ImGui::TextWrapped(
      "Patterns: causal (decoders); sliding window (Mistral, Longformer's local part); strided "
      "(Sparse Transformer: the last s tokens and every s-th before them); block-diagonal "
      "(chunked attention); global tokens that see and are seen by all (Longformer, BigBird).");
  interview_prompt(
      "Which sparse pattern would you choose, and what does it cost you?",
      "Cost follows the allowed count (window: n·w instead of n²). What it costs is reach: "
      "a token outside every allowed path cannot influence the query in one layer; windows reach "
      "w·layers tokens, global tokens give every pair a two-hop path.");
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

void kv_cache_calculator(AppState& s) {
  struct Model {
    const char* name;
    int layers, heads, d_head, gqa;
  };
  static const Model kModels[] = {{"7B-class (32 layers, 32 heads of 128)", 32, 32, 128, 8},
                                  {"70B-class (80 layers, 64 heads of 128)", 80, 64, 128, 8},
                                  {"small (12 layers, 12 heads of 64)", 12, 12, 64, 4}};
  VariantsView& vv = s.view.variants;
  vv.model = std::clamp(vv.model, 0, 2);
  const Model& m = kModels[vv.model];
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
  if (ImGui::BeginCombo("model size", m.name)) {
    for (int i = 0; i < 3; ++i)
      if (ImGui::Selectable(kModels[i].name, i == vv.model)) vv.model = i;
    ImGui::EndCombo();
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
  ImGui::SliderInt("context (tokens)", &vv.context, 512, 131072, "%d", ImGuiSliderFlags_Logarithmic);
  const struct {
    const char* name;
    int g;
  } kinds[] = {{"MHA", m.heads}, {"GQA", m.gqa}, {"MQA", 1}};
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : kinds)
    rows.push_back({std::string(r.name) + ": g = " + std::to_string(r.g),
                    fmt_bytes(attn::kv_cache_bytes(1, r.g, m.d_head, 1, 2)),
                    fmt_bytes(attn::kv_cache_bytes(m.layers, r.g, m.d_head, 1, 2)),
                    fmt_bytes(attn::kv_cache_bytes(m.layers, r.g, m.d_head, vv.context, 2))});
  if (held_back(s, Held::Costs))
    text_note("The cache sizes are held back until the answer is revealed: predict first.");
  else
    text_table("##kv", {"K/V heads (f16)", "token × layer", "token, all layers", "the context"}, rows);
  text_note("2 (K and V) × layers × g × d_head × tokens × 2 bytes; per sequence in the batch.");
}

// The last two steps of multi-head attention: the heads' outputs side by side, then times W_Oᵀ.
void concat_and_output(const AppState& s) {
  if (s.problem.form != attn::Problem::Form::MultiHead || s.derived.result.heads.empty()) return;
  const Eigen::Index L = s.derived.result.output.rows(), dv = s.derived.result.heads.front().output.cols();
  attn::MatD concat(L, dv * static_cast<Eigen::Index>(s.derived.result.heads.size()));
  for (size_t i = 0; i < s.derived.result.heads.size(); ++i)
    concat.middleCols(static_cast<Eigen::Index>(i) * dv, dv) = s.derived.result.heads[i].output;
  const attn::MatD wt = s.problem.out_proj_weight.transpose();
  const std::vector<std::string> rows = attn::query_labels(s.problem), dims = index_labels(concat.cols());
  const float w = ImGui::GetContentRegionAvail().x / 3 - ImGui::GetStyle().ItemSpacing.x;
  if (!ImGui::BeginTable("##concat", 3)) return;
  const struct {
    const char* title;
    const attn::MatD* m;
    const std::vector<std::string>* rows;
  } parts[] = {{"concat(head outputs)", &concat, &rows},
               {"W_Oᵀ", &wt, &dims},
               {"O = concat·W_Oᵀ (+ b_O)", &s.derived.result.output, &rows}};
  for (const auto& part : parts) {
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", part.title);
    HeatmapOptions o;
    o.show_values = false;
    o.col_labels = false;
    o.value_name = part.title;
    o.cell = heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * 12), static_cast<int>(part.m->rows()),
                              static_cast<int>(part.m->cols()), *part.rows, {});
    ImGui::PushID(part.title);
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
      ImGui::TextWrapped(
          "Splitting into heads needs d_k = d_model (torch's layout), divisible by the number of "
          "heads; this sentence has d_model = %d, d_k = %d.",
          setup.d_model, setup.d_k);
      if (setup.d_k != setup.d_model && inputs_origin(s) == InputsOrigin::Seeded &&
          ImGui::Button(("Make d_k = d_model = " + std::to_string(setup.d_model)).c_str())) {
        setup.d_k = setup.d_model;  // new random W_Q, W_K, W_V of that width (same seed)
        rebuild_from_sentence(s);
      }
    } else {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
      int heads = setup.heads;
      if (ImGui::SliderInt("query heads h", &heads, 1, setup.d_model) && heads_possible(s, heads)) {
        setup.heads = heads;
        setup.kv_heads = heads;
        apply_inputs(s);
      }
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
      int kv = setup.kv_heads;
      if (ImGui::SliderInt("K/V heads g", &kv, 1, setup.heads) && setup.heads % kv == 0) {
        setup.kv_heads = kv;
        apply_inputs(s);
      }
      help_marker(
          "h must divide d_model, g must divide h. g = h: multi-head; 1 < g < h: grouped-query (each "
          "group's K/V projections averaged, the usual conversion); g = 1: multi-query.");
    }
  }
  const int d =
      s.derived.result.heads.empty() ? 0 : static_cast<int>(s.derived.result.heads.front().q.cols());
  ImGui::TextWrapped(
      "%d query head%s of width d_k = %d; %d K/V head%s (%s). Each head takes its own %d "
      "columns of Q, K and V, attends on its own, and the outputs are concatenated and multiplied "
      "by W_O%s.",
      h, h == 1 ? "" : "s", d, g, g == 1 ? "" : "s",
      h == 1   ? "one head"
      : g == h ? "multi-head"
      : g == 1 ? "multi-query"
               : "grouped-query",
      d, s.source == Source::Embeddings ? " (the identity here: no trained output projection)" : "");
  Split split("##heads", 2, ImGui::GetFontSize() * 20, {0.45f, 0.55f});
  draw_sharing(h, g);
  const Variants& v = s.derived.variants;
  if (!v.grouped.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const GroupedRun& r : v.grouped) {
      char diff[32], rel[32];
      std::snprintf(diff, sizeof diff, "%.3g", r.max_diff);
      std::snprintf(rel, sizeof rel, "%.1f%%", 100 * r.rel_diff);
      rows.push_back({std::to_string(r.kv_heads) + (r.kv_heads == g ? " (shown)" : ""), diff, rel});
    }
    text_table("##quality", {"K/V heads g", "max |O_g − O_MHA|", "relative"}, rows);
    text_note("Output change on this input when K/V projections are averaged into g groups.");
  } else {
    ImGui::TextWrapped("%s", v.grouped_note.c_str());
  }
  split.next();
  kv_cache_calculator(s);
  split.end();

  // Every head's weights side by side, then their average (labelled as such).
  if (!s.derived.has_result || s.derived.result.heads.empty()) return;
  const std::vector<std::string> rows = attn::query_labels(s.problem), cols = attn::key_labels(s.problem);
  const int L = s.problem.query_len(), S = s.problem.key_len();
  const int shown = std::min(h, 8), maps = h > 1 ? shown + 1 : 1;  // (one head: no average to show)
  const float w =
      ImGui::GetContentRegionAvail().x / static_cast<float>(maps) - ImGui::GetStyle().ItemSpacing.x;
  attn::MatD mean = attn::MatD::Zero(L, S);
  for (const attn::HeadTrace<double>& t : s.derived.result.heads) mean += t.weights / h;
  if (!ImGui::BeginTable("##permaps", maps)) return;
  for (int i = 0; i < maps; ++i) {
    ImGui::TableNextColumn();
    const bool avg = i == shown;
    ImGui::TextWrapped(avg ? "average of %d heads" : "head %d (KV%d)", avg ? h : i,
                       avg ? 0 : attn::kv_head_of(i, h, g));
    HeatmapOptions opt;
    opt.palette = Palette::Sequential;
    opt.show_values = false;
    opt.row_labels = opt.col_labels = false;
    opt.value_name = avg ? "mean a" : "a";
    opt.cell = heatmap_fit_cell(ImVec2(w, ImGui::GetFontSize() * 12), L, S, {}, {});
    ImGui::PushID(i);
    opt.held = held_back(s, Held::Softmax);
    opt.legend = false;  // (one scale below serves every head)
    heatmap("h", avg ? mean : s.derived.result.heads[static_cast<size_t>(i)].weights, rows, cols, opt);
    if (!avg && ImGui::IsItemClicked()) s.view.head = i;
    ImGui::PopID();
  }
  ImGui::EndTable();
  legend(Palette::Sequential, 0, 1, std::max(w, ImGui::GetFontSize() * 10));
  if (h > shown) text_note("The first %d of %d heads; the head slider picks any.", shown, h);
  concat_and_output(s);
  interview_prompt(
      "Why do large models use grouped-query attention?",
      "Decoding reads the whole KV cache for every new token, so its size sets the speed: the "
      "calculator shows GQA and MQA cutting it by h/g. The price is quality: the table shows how "
      "much this input's output moves when K/V heads are shared (models are then fine-tuned to "
      "recover).");
}

}  // namespace

// Mask kind and its parameter(s); used by the input panel and the Masks part.
void mask_controls(AppState& s) {
  using K = attn::MaskSpec::Kind;
  attn::MaskSpec& m = s.problem.mask;
  const int S = s.problem.key_len();
  const bool linear = s.problem.variant == attn::Variant::Linear;
  const attn::MaskKindInfo& now = attn::mask_kind(m.kind);
  if (ImGui::BeginCombo("mask", words(s, std::string(now.text_id) + ".title").c_str())) {
    for (const attn::MaskKindInfo& k : attn::kMaskKinds) {
      if (k.kind == K::Explicit && m.kind != K::Explicit)
        continue;  // (painted in the Masks part, not picked)
      if (!ImGui::Selectable(words(s, std::string(k.text_id) + ".title").c_str(), k.kind == m.kind) ||
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
  help_marker(
      "Which keys each query may look at. Blocked scores become −∞, so softmax gives them exactly 0. "
      "Linear attention supports none and causal only (choosing another switches to standard).");
  const attn::MaskKindInfo& k = attn::mask_kind(m.kind);
  if (k.param && k.kind != K::Explicit)
    s.dirty |= ImGui::SliderInt(words(s, std::string(k.text_id) + ".label").c_str(), &(m.*k.param),
                                k.param_min, std::max(1, S));
  if (takes_global_tokens(s)) {
    int first = static_cast<int>(m.global.size());
    bool leading = true;  // the globals are 0, 1, …, first − 1
    for (int i = 0; i < first; ++i) leading &= m.global[static_cast<size_t>(i)] == i;
    const char* shown = first == 0 ? "none" : leading ? "first %d" : "%d chosen";
    if (ImGui::SliderInt("global tokens", &first, 0, std::min(4, S), shown)) {
      m.global.clear();
      for (int i = 0; i < first; ++i) m.global.push_back(i);
      s.dirty = true;
    }
    help_marker(
        "Global tokens (like BERT's [CLS]) see every token and every token sees them (Longformer, "
        "BigBird); on a causal pattern they stay causal. The Masks part lets you pick any tokens.");
  }
}

bool takes_global_tokens(const AppState& s) {
  return attn::mask_kind(s.problem.mask.kind).takes_global && s.problem.variant != attn::Variant::Linear;
}

// [SECTION] view -----------------------------------------------------------------------------------------

namespace {
// What draws each part of kVariantParts (app_state.h), in the same order.
constexpr void (*kPartDraw[])(AppState&) = {section_compare, section_masks, section_heads, section_linear,
                                            section_flash};
static_assert(std::size(kPartDraw) == std::size(kVariantParts), "a Variants part without its draw function");
}  // namespace

void panel_variants(AppState& s) {
  VariantsView& vv = s.view.variants;
  for (const attn::Named<VariantSection>& part : kVariantParts) {
    const std::string title = words(s, std::string("variants.") + part.id);
    if (part.value != kVariantParts[0].value) flow(check_width(title.c_str()));
    if (ImGui::RadioButton(title.c_str(), vv.section == part.value)) vv.section = part.value;
  }
  ImGui::Separator();
  if (s.problem.query_len() > kMaxStepTokens || s.problem.key_len() > kMaxStepTokens)
    return ImGui::TextWrapped(
        "The variants lab runs every variant in full; it shows up to %d tokens. The "
        "Performance view measures them at large n.",
        kMaxStepTokens);
  if (!s.derived.error.empty()) return ImGui::TextWrapped("Cannot compute: %s", s.derived.error.c_str());
  if (s.derived.variants.version == s.derived.result_version && s.derived.variants.costs.empty() &&
      !s.derived.variants.grouped_note.empty())
    return ImGui::TextWrapped("%s", s.derived.variants.grouped_note.c_str());  // it failed; the note says why
  if (!result_matches_problem(s) || s.derived.variants.version != s.derived.result_version ||
      s.derived.variants.costs.empty())
    return ImGui::TextDisabled("Recomputing…");  // (an edit earlier in this frame changed the shapes)
  kPartDraw[static_cast<int>(vv.section)](s);
}

}  // namespace ui
