// Palettes (see palette.h): piecewise-linear lookups in 9 sampled stops.
#include "state/palette.h"

#include <algorithm>

namespace state {

namespace {

using Rgb = std::array<float, 3>;

// Viridis, sampled at 9 points (perceptually uniform, readable in greyscale and by colour-blind viewers).
const Rgb kViridis[] = {{0.267f, 0.005f, 0.329f}, {0.279f, 0.175f, 0.483f}, {0.230f, 0.322f, 0.546f},
                        {0.173f, 0.449f, 0.558f}, {0.128f, 0.567f, 0.551f}, {0.153f, 0.683f, 0.499f},
                        {0.361f, 0.785f, 0.388f}, {0.663f, 0.862f, 0.196f}, {0.993f, 0.906f, 0.144f}};
// Purple–white–orange (ColorBrewer PuOr, reversed so negative is purple/blue): colour-blind safe.
const Rgb kPuOr[] = {{0.176f, 0.000f, 0.294f}, {0.329f, 0.153f, 0.533f}, {0.502f, 0.451f, 0.675f},
                     {0.698f, 0.671f, 0.824f}, {0.969f, 0.969f, 0.969f}, {0.992f, 0.722f, 0.388f},
                     {0.878f, 0.510f, 0.078f}, {0.702f, 0.345f, 0.024f}, {0.498f, 0.231f, 0.031f}};

Rgb lookup(const Rgb* stops, int n, float t) {
  t = std::clamp(t, 0.0f, 1.0f) * static_cast<float>(n - 1);
  const int i = std::min(static_cast<int>(t), n - 2);
  const float f = t - static_cast<float>(i);
  const Rgb& a = stops[i];
  const Rgb& b = stops[i + 1];
  return {a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f};
}

}  // namespace

std::array<float, 3> palette_rgb(Palette p, double t) {
  if (p == Palette::Sequential) return lookup(kViridis, 9, static_cast<float>(t));
  return lookup(kPuOr, 9, static_cast<float>(0.5 * (t + 1.0)));
}

}  // namespace state
