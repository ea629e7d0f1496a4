// The Performance panel: times measured here (the CPU path of this build, and WebGPU 3-pass and flash in the
// browser) against n on log-log axes with the n² reference slope, and the GPU check of the current problem.
// Measuring is done by the app shell (src/app), which fills state.perf; this panel only asks and draws.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

void panel_performance(AppState& s) {
  ImGui::TextWrapped(
      "Time for one head of self-attention, d = 64, no mask, as n grows, measured on this "
      "machine. Standard attention does n² work: on log-log axes its line has slope 2 (the dashed "
      "line). In the browser the GPU is measured with WebGPU timestamps when the adapter has them.");
  const bool busy = !s.perf_pending.empty() || s.perf_requested;
  if (busy) ImGui::BeginDisabled();
  if (ImGui::Button("Measure")) s.perf_requested = true;
  if (busy) ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::TextDisabled("%s", s.perf_status.c_str());
  ImGui::SameLine();
  if (ImGui::Button("Check this problem on WebGPU")) s.gpu_check_requested = true;
  if (!s.gpu_report.empty()) ImGui::TextWrapped("GPU check: %s", s.gpu_report.c_str());

  std::map<std::string, std::vector<PerfPoint>> series;
  for (const PerfPoint& p : s.perf) series[p.series].push_back(p);
  if (series.empty()) return ImGui::TextDisabled("No measurements yet: press Measure.");
  double lo_ms = 1e30, hi_ms = 0;
  int lo_n = 1 << 30, hi_n = 0;
  for (const PerfPoint& p : s.perf) {
    lo_ms = std::min(lo_ms, p.ms), hi_ms = std::max(hi_ms, p.ms);
    lo_n = std::min(lo_n, p.n), hi_n = std::max(hi_n, p.n);
  }
  lo_ms = std::max(lo_ms, 1e-3);
  const double x0 = std::log2(lo_n), x1 = std::log2(std::max(hi_n, lo_n * 2));
  const double y0 = std::floor(std::log10(lo_ms)), y1 = std::ceil(std::log10(std::max(hi_ms, lo_ms * 10)));
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float font = ImGui::GetFontSize();
  const ImVec2 size(std::min(ImGui::GetContentRegionAvail().x * 0.52f, font * 40),
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
    const ImU32 col = palette_color(Palette::Diverging, k % 2 ? -0.8 - 0.1 * k : 0.85 - 0.15 * k);
    for (size_t i = 0; i < pts.size(); ++i) {
      dl->AddCircleFilled(at(pts[i].n, pts[i].ms), font * 0.22f, col);
      if (i) dl->AddLine(at(pts[i - 1].n, pts[i - 1].ms), at(pts[i].n, pts[i].ms), col, 2.0f);
    }
    double slope = 0;
    if (pts.size() >= 2) {
      const PerfPoint &p1 = pts[pts.size() - 2], &p2 = pts.back();
      slope = std::log(p2.ms / p1.ms) / std::log(static_cast<double>(p2.n) / p1.n);
    }
    const float y = a.y + font * 1.4f * static_cast<float>(k);
    dl->AddRectFilled(ImVec2(legend_x, y + font * 0.2f), ImVec2(legend_x + font * 0.8f, y + font), col);
    char line[96];
    std::snprintf(line, sizeof line, "%s: %.3g ms at n=%d, slope %.2f", name.c_str(), pts.back().ms,
                  pts.back().n, slope);
    dl->AddText(ImVec2(legend_x + font, y), text, line);
    ++k;
  }
  ImGui::Dummy(size);
}

}  // namespace ui
