// The Performance panel: times measured here (the CPU path of this build, and WebGPU 3-pass and flash in the
// browser) against n on log-log axes with the n² reference slope, and the GPU check of the current problem.
// Measuring is done by the app shell (src/app), which fills state.derived.perf; this panel only asks and
// draws.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "ui/fit.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

void panel_performance(AppState& s) {
  ImGui::TextWrapped(
      "Time for one head of self-attention, d = 64, as n grows, measured on this machine: standard (no "
      "mask), a causal sliding window of 64 (sparse) and linear attention on the CPU; 3-pass and flash on "
      "WebGPU in the browser (timestamps when the adapter has them). On log-log axes a line's slope is the "
      "power of n: 2 for standard and flash (the dashed line), 1 for the window and linear attention.");
  const bool busy = !s.jobs.perf_pending.empty() || s.jobs.perf_requested ||
                    (s.derived.perf_status.size() >= 3 &&
                     s.derived.perf_status.compare(s.derived.perf_status.size() - 3, 3, "…") == 0);
  if (busy) ImGui::BeginDisabled();
  if (ImGui::Button("Measure")) s.jobs.perf_requested = true;
  if (busy) ImGui::EndDisabled();
  ImGui::SameLine();
  text_note("%s", s.derived.perf_status.c_str());
  if (ImGui::Button("Check this problem on WebGPU")) s.jobs.gpu_check_requested = true;
  if (!s.derived.gpu_report.empty()) ImGui::TextWrapped("GPU check: %s", s.derived.gpu_report.c_str());

  std::map<std::string, std::vector<PerfPoint>> series;
  for (const PerfPoint& p : s.derived.perf) series[p.series].push_back(p);
  if (series.empty()) return text_note("No measurements yet: press Measure.");
  double lo_ms = 1e30, hi_ms = 0;
  int lo_n = 1 << 30, hi_n = 0;
  for (const PerfPoint& p : s.derived.perf) {
    lo_ms = std::min(lo_ms, p.ms), hi_ms = std::max(hi_ms, p.ms);
    lo_n = std::min(lo_n, p.n), hi_n = std::max(hi_n, p.n);
  }
  lo_ms = std::max(lo_ms, 1e-3);
  const double x0 = std::log2(lo_n), x1 = std::log2(std::max(hi_n, lo_n * 2));
  const double y0 = std::floor(std::log10(lo_ms)), y1 = std::ceil(std::log10(std::max(hi_ms, lo_ms * 10)));
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float font = ImGui::GetFontSize();
  const ImVec2 size(std::min(ImGui::GetContentRegionAvail().x * 0.44f, font * 40),
                    std::max(ImGui::GetContentRegionAvail().y - font * 1.5f, font * 8));
  const ImVec2 a(o.x + font * 3.5f, o.y + font * 0.5f), b(o.x + size.x, o.y + size.y - font * 1.5f);
  auto at = [&](double n, double ms) {
    return ImVec2(a.x + (b.x - a.x) * static_cast<float>((std::log2(n) - x0) / (x1 - x0)),
                  b.y - (b.y - a.y) * static_cast<float>((std::log10(ms) - y0) / (y1 - y0)));
  };
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), grid = ImGui::GetColorU32(ImGuiCol_Border, 0.5f);
  dl->AddRect(a, b, ImGui::GetColorU32(ImGuiCol_Border));
  char buf[32];
  for (double y = y0; y <= y1; y += 1) {
    const ImVec2 p = at(lo_n, std::pow(10.0, y));
    dl->AddLine(ImVec2(a.x, p.y), ImVec2(b.x, p.y), grid);
    std::snprintf(buf, sizeof buf, y >= 0 ? "%.0f ms" : "%.3g ms", std::pow(10.0, y));
    dl->AddText(ImVec2(o.x, p.y - font * 0.5f), text, buf);
  }
  for (int n = lo_n; n <= hi_n; n *= 2) {
    std::snprintf(buf, sizeof buf, "%d", n);
    dl->AddText(ImVec2(at(n, lo_ms).x - font, b.y + 2), text, buf);
  }
  // n² reference through the first point of the first series.
  const PerfPoint& ref = series.begin()->second.front();
  for (double n = lo_n; n < hi_n; n *= 2) {
    const double m1 = ref.ms * (n / ref.n) * (n / ref.n), m2 = ref.ms * (2 * n / ref.n) * (2 * n / ref.n);
    if (std::log10(m1) >= y0 && std::log10(m2) <= y1) dl->AddLine(at(n, m1), at(2 * n, m2), grid, 1.0f);
  }
  int k = 0;
  const float legend_x = b.x + font;
  for (auto& [name, pts] : series) {
    std::sort(pts.begin(), pts.end(), [](const PerfPoint& l, const PerfPoint& r) { return l.n < r.n; });
    static const ImU32 kColors[] = {IM_COL32(230, 159, 0, 255), IM_COL32(0, 114, 178, 255),
                                    IM_COL32(0, 158, 115, 255), IM_COL32(204, 121, 167, 255),
                                    IM_COL32(213, 94, 0, 255),  IM_COL32(86, 180, 233, 255)};  // Okabe–Ito
    const ImU32 col = kColors[k % 6];
    for (size_t i = 0; i < pts.size(); ++i) {
      dl->AddCircleFilled(at(pts[i].n, pts[i].ms), font * 0.22f, col);
      if (i) dl->AddLine(at(pts[i - 1].n, pts[i - 1].ms), at(pts[i].n, pts[i].ms), col, 2.0f);
    }
    // Least-squares slope of log(ms) against log(n) over the last three sizes (the largest, least noisy).
    double slope = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    const size_t first = pts.size() > 3 ? pts.size() - 3 : 0, m = pts.size() - first;
    for (size_t i = first; i < pts.size(); ++i) {
      const double x = std::log(static_cast<double>(pts[i].n)), y = std::log(pts[i].ms);
      sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    if (m >= 2) slope = (static_cast<double>(m) * sxy - sx * sy) / (static_cast<double>(m) * sxx - sx * sx);
    const float y = a.y + font * 1.4f * static_cast<float>(k);
    dl->AddRectFilled(ImVec2(legend_x, y + font * 0.2f), ImVec2(legend_x + font * 0.8f, y + font), col);
    char line[128];
    std::snprintf(line, sizeof line, "%s: slope %.2f (theory %d)", name.c_str(), slope, pts.front().order);
    dl->AddText(ImVec2(legend_x + font, y), text, line);
    ++k;
  }
  // Memory each way holds besides Q, K, V, O at the largest n, from the cost model (exact for these kernels);
  // counting a window's allowed scores is O(n²), so it is done once per n, not every frame.
  static int cached_n = 0;
  static std::vector<attn::VariantCost> dense;
  static attn::VariantCost window;
  if (cached_n != hi_n) {
    attn::Problem p;
    p.form = attn::Problem::Form::Random;
    p.random = {1, hi_n, 64, 1, 1};
    p.tile_q = p.tile_k = 64;
    dense = attn::attention_costs(p);
    p.mask.kind = attn::MaskSpec::Kind::Window;
    p.mask.window = 64;
    window = attn::attention_costs(p)[1];
    cached_n = hi_n;
  }
  float y = a.y + font * 1.4f * static_cast<float>(k) + font * 0.6f;
  std::snprintf(buf, sizeof buf, "Memory held at n = %d:", hi_n);
  dl->AddText(ImVec2(legend_x, y), text, buf);
  for (const attn::VariantCost* c : {&dense[0], &window, &dense[1], &dense[2]}) {
    y += font * 1.3f;
    dl->AddText(ImVec2(legend_x + font, y), text,
                (c->name + ": " + fmt_bytes(c->intermediate_bytes)).c_str());
  }
  dl->AddText(ImVec2(legend_x, y + font * 1.3f), ImGui::GetColorU32(ImGuiCol_TextDisabled),
              "(cost model: what these kernels allocate)");
  ImGui::Dummy(size);
}

}  // namespace ui

namespace ui {

// The long-sequence overview: flash attention on WebGPU for n up to 65 536, a block-mean map and one exact
// row.
void panel_overview(AppState& s) {
  Overview& ov = s.overview;
  ImGui::TextWrapped(
      "Long sequences: random inputs, one head, d = 64. Flash attention on the GPU never forms the "
      "n×n matrix; the map below shows block means of the weights (each row of blocks sums to 1), "
      "and the plot the exact weights of one query row. Computed with WebGPU in the browser build.");
  static const int kSizes[] = {1024, 2048, 4096, 8192, 16384, 32768, 65536};
  int which = 0;
  while (which < 6 && kSizes[which] < ov.n) ++which;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::SliderInt("##n", &which, 0, 6, ("n = " + std::to_string(kSizes[which])).c_str()))
    ov.n = kSizes[which];
  flow(ImGui::GetFontSize() * 8);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::Combo(
      "##mask", &ov.mask, [](void*, int i) { return kOverviewMasks[i].title; }, nullptr,
      static_cast<int>(std::size(kOverviewMasks)));
  flow(labelled_width(ImGui::GetFontSize() * 10, "query row"));
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  ov.row = std::clamp(ov.row, 0, ov.n - 1);
  ImGui::SliderInt("query row", &ov.row, 0, ov.n - 1);
  flow(button_width("Compute on WebGPU"));
  if (ov.running) ImGui::BeginDisabled();
  if (ImGui::Button("Compute on WebGPU")) ov.requested = true;
  if (ov.running) ImGui::EndDisabled();
  if (ov.running) {  // one GPU submission cannot report progress; the bar is the last run's rate × n²
    const double elapsed = ImGui::GetTime() - ov.started;
    const double n = ov.running_n, estimate = ov.seconds_per_n2 * n * n;
    char label[96];
    if (estimate > 0)
      std::snprintf(label, sizeof label, "%.0f s of about %.0f s (estimated from the last run)", elapsed,
                    std::max(estimate, elapsed));
    else
      std::snprintf(label, sizeof label, "%.1f s (no estimate before the first run)", elapsed);
    const float fraction = estimate > 0 ? static_cast<float>(std::min(0.99, elapsed / estimate))
                                        : static_cast<float>(std::fmod(elapsed, 1.0));
    ImGui::ProgressBar(fraction, ImVec2(-FLT_MIN, 0), label);
  }
  ImGui::TextWrapped("%s", ov.status.c_str());
  if (ov.map.size() == 0) return;

  const float font = ImGui::GetFontSize();
  const int n = static_cast<int>(ov.row_weights.size());  // the n of the result shown (the slider may differ)
  Split split("##overview", 2, font * 16);
  const float side = std::min(ImGui::GetContentRegionAvail().y - font, ImGui::GetContentRegionAvail().x);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const double top = block_map(ov.map, side);
  const float ry = o.y + side * static_cast<float>(ov.shown_row) / static_cast<float>(std::max(n, 1));
  ImGui::GetWindowDrawList()->AddLine(ImVec2(o.x, ry), ImVec2(o.x + side, ry),
                                      ImGui::GetColorU32(ImGuiCol_PlotLinesHovered), 2.0f);
  split.next();
  ImGui::TextWrapped(
      "Map: %d×%d blocks of %d×%d tokens; colour = √(block mean ÷ the largest, %.3g). The red line "
      "is query row %d.",
      static_cast<int>(ov.map.rows()), static_cast<int>(ov.map.cols()), n / static_cast<int>(ov.map.rows()),
      n / static_cast<int>(ov.map.cols()), top, ov.shown_row);
  // The row, as the largest weight per bucket of keys (so sharp peaks stay visible).
  const int buckets = 512;
  std::vector<float> plot(buckets, 0.0f);
  for (int j = 0; j < n; ++j) {
    float& b = plot[static_cast<size_t>(
        std::min(buckets - 1, static_cast<int>(static_cast<long long>(j) * buckets / n)))];
    b = std::max(b, static_cast<float>(ov.row_weights[static_cast<size_t>(j)]));
  }
  const auto best = std::max_element(ov.row_weights.begin(), ov.row_weights.end());
  ImGui::TextWrapped("Row %d: its largest weight is %.4f, at key %d of %d.", ov.shown_row, *best,
                     static_cast<int>(best - ov.row_weights.begin()), n);
  ImGui::PlotLines("##row", plot.data(), buckets, 0, "largest weight per bucket of keys", 0.0f, FLT_MAX,
                   ImVec2(ImGui::GetContentRegionAvail().x, font * 8));
}

}  // namespace ui
