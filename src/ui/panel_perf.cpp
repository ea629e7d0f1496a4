// The Performance panel: times measured here (the CPU path of this build, and WebGPU 3-pass and flash in the
// browser) against n on log-log axes with the n² reference slope, and the GPU check of the current problem.
// Measuring is done by the app shell (src/app), which fills state.derived().perf; this panel only asks and
// draws.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "attn/format.h"
#include "ui/fit.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

// (Long: one panel drawn top to bottom in immediate mode; its plot and tables share layout state.)
void panel_performance(AppState& s) {
  const attn::Catalog& cat = catalog(s);
  ImGui::TextWrapped("%s", words(s, "perf.intro").c_str());
  if (!s.platform.cpu.id.empty()) text_note("%s", say(s, s.platform.cpu).c_str());
  const std::string& status = s.derived().perf_status.id;
  const bool busy = !s.jobs.perf_pending.empty() || s.jobs.perf_requested ||
                    status == "status.perf_measuring_cpu" || status == "status.perf_measuring_gpu";
  if (busy) ImGui::BeginDisabled();
  if (ImGui::Button((words(s, "perf.measure") + "###measure").c_str())) s.jobs.perf_requested = true;
  if (busy) ImGui::EndDisabled();
  ImGui::SameLine();
  text_note("%s", say(s, s.derived().perf_status).c_str());
  if (ImGui::Button((words(s, "perf.check_webgpu") + "###check_webgpu").c_str()))
    s.jobs.gpu_check_requested = true;
  if (!s.derived().gpu_report.id.empty())
    ImGui::TextWrapped("%s",
                       say(s, "perf.gpu_check", {attn::words_arg("report", s.derived().gpu_report)}).c_str());

  std::map<std::string, std::vector<PerfPoint>> series;  // (by key: the same order in every language)
  for (const PerfPoint& p : s.derived().perf) series[p.series].push_back(p);
  if (series.empty()) return text_note("%s", words(s, "perf.no_measurements").c_str());
  double lo_ms = 1e30, hi_ms = 0;
  int lo_n = 1 << 30, hi_n = 0;
  for (const PerfPoint& p : s.derived().perf) {
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
    std::snprintf(buf, sizeof buf, y >= 0 ? "%.0f" : "%.3g", std::pow(10.0, y));
    dl->AddText(ImVec2(o.x, p.y - font * 0.5f), text,
                say(s, "perf.axis_ms", {attn::text_arg("t", attn::decimals(cat, buf))}).c_str());
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
  for (auto& [key, pts] : series) {
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
    dl->AddText(ImVec2(legend_x + font, y), text,
                say(s, "perf.slope",
                    {attn::words_arg("series", pts.front().name), attn::fixed_arg("slope", slope, 2),
                     attn::count_arg("order", pts.front().order)})
                    .c_str());
    ++k;
  }
  // Memory each way holds besides Q, K, V, O at the largest n (derived: PerfMemory).
  const PerfMemory& memory = s.derived().perf_memory;
  float y = a.y + font * 1.4f * static_cast<float>(k) + font * 0.6f;
  dl->AddText(ImVec2(legend_x, y), text,
              say(s, "perf.memory_held", {attn::count_arg("n", memory.n)}).c_str());
  for (const attn::VariantCost& c : memory.ways) {
    y += font * 1.3f;
    dl->AddText(ImVec2(legend_x + font, y), text,
                (attn::say(cat, c.name) + ": " + attn::decimals(cat, attn::human_bytes(c.intermediate_bytes)))
                    .c_str());
  }
  dl->AddText(ImVec2(legend_x, y + font * 1.3f), ImGui::GetColorU32(ImGuiCol_TextDisabled),
              words(s, "perf.cost_model_note").c_str());
  ImGui::Dummy(size);
}

}  // namespace ui

namespace ui {

// The long-sequence overview: flash attention on WebGPU for n up to 65 536, a block-mean map and one exact
// row.
void panel_overview(AppState& s) {
  Overview& ov = s.overview;
  ImGui::TextWrapped("%s", words(s, "perf.overview_intro").c_str());
  static const int kSizes[] = {1024, 2048, 4096, 8192, 16384, 32768, 65536};
  int which = 0;
  while (which < 6 && kSizes[which] < ov.n) ++which;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::SliderInt("##n", &which, 0, 6, ("n = " + std::to_string(kSizes[which])).c_str()))
    ov.n = kSizes[which];
  flow(ImGui::GetFontSize() * 8);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  std::vector<std::string> masks;
  for (const OverviewMask& m : kOverviewMasks) masks.push_back(words(s, m.title));
  ImGui::Combo(
      "##mask", &ov.mask,
      [](void* data, int i) {
        return (*static_cast<std::vector<std::string>*>(data))[static_cast<size_t>(i)].c_str();
      },
      &masks, static_cast<int>(masks.size()));
  const std::string query_row = words(s, "perf.query_row") + "###query_row",
                    compute = words(s, "perf.compute_webgpu") + "###compute_webgpu";
  flow(labelled_width(ImGui::GetFontSize() * 10, query_row.c_str()));
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  ov.row = std::clamp(ov.row, 0, ov.n - 1);
  ImGui::SliderInt(query_row.c_str(), &ov.row, 0, ov.n - 1);
  flow(button_width(compute.c_str()));
  if (ov.running) ImGui::BeginDisabled();
  if (ImGui::Button(compute.c_str())) ov.requested = true;
  if (ov.running) ImGui::EndDisabled();
  if (ov.running) {  // one GPU submission cannot report progress; the bar is the last run's rate × n²
    const double elapsed = ImGui::GetTime() - ov.started;
    const double n = ov.running_n, estimate = ov.seconds_per_n2 * n * n;
    const std::string label = estimate > 0
                                  ? say(s, "perf.progress_estimate",
                                        {attn::fixed_arg("elapsed", elapsed, 0),
                                         attn::fixed_arg("estimate", std::max(estimate, elapsed), 0)})
                                  : say(s, "perf.progress_first", {attn::fixed_arg("elapsed", elapsed, 1)});
    const float fraction = estimate > 0 ? static_cast<float>(std::min(0.99, elapsed / estimate))
                                        : static_cast<float>(std::fmod(elapsed, 1.0));
    ImGui::ProgressBar(fraction, ImVec2(-FLT_MIN, 0), label.c_str());
  }
  ImGui::TextWrapped("%s", say(s, ov.status).c_str());
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
  char top_text[32];
  std::snprintf(top_text, sizeof top_text, "%.3g", top);
  ImGui::TextWrapped("%s", say(s, "perf.map",
                               {attn::count_arg("rows", static_cast<double>(ov.map.rows())),
                                attn::count_arg("cols", static_cast<double>(ov.map.cols())),
                                attn::count_arg("block_rows", n / static_cast<int>(ov.map.rows())),
                                attn::count_arg("block_cols", n / static_cast<int>(ov.map.cols())),
                                attn::text_arg("top", attn::decimals(catalog(s), top_text)),
                                attn::count_arg("row", ov.shown_row)})
                               .c_str());
  // The row, as the largest weight per bucket of keys (so sharp peaks stay visible).
  const int buckets = 512;
  std::vector<float> plot(buckets, 0.0f);
  for (int j = 0; j < n; ++j) {
    float& b = plot[static_cast<size_t>(
        std::min(buckets - 1, static_cast<int>(static_cast<long long>(j) * buckets / n)))];
    b = std::max(b, static_cast<float>(ov.row_weights[static_cast<size_t>(j)]));
  }
  const auto best = std::max_element(ov.row_weights.begin(), ov.row_weights.end());
  ImGui::TextWrapped("%s", say(s, "perf.row_largest",
                               {attn::count_arg("row", ov.shown_row), attn::fixed_arg("weight", *best, 4),
                                attn::count_arg("key", static_cast<double>(best - ov.row_weights.begin())),
                                attn::count_arg("n", n)})
                               .c_str());
  const std::string overlay = words(s, "perf.plot_overlay");
  ImGui::PlotLines("##row", plot.data(), buckets, 0, overlay.c_str(), 0.0f, FLT_MAX,
                   ImVec2(ImGui::GetContentRegionAvail().x, font * 8));
}

}  // namespace ui
