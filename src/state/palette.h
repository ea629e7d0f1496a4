// The colour-blind-safe palettes every heatmap uses, on screen (ui/widgets.cpp) and in handout images
// (state/handout.cpp): viridis for weights in [0, 1], purple–white–orange (PuOr) for signed values. No ImGui.
#pragma once

#include <array>

namespace state {

enum class Palette {
  Diverging,   // signed values: blue (−) · white (0) · orange (+), symmetric around 0 (PuOr-like)
  Sequential,  // weights in [0, 1]: viridis
};

// RGB in [0, 1]: t ∈ [−1, 1] for Diverging, [0, 1] for Sequential (clamped).
std::array<float, 3> palette_rgb(Palette p, double t);

}  // namespace state
