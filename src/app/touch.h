// A finger on the canvas as the mouse events ImGui understands (the browser build; web/input.js sends the
// touches): a tap is one click where the finger was; a sideways drag is a mouse drag (sliders, the mask
// painter); an up-or-down swipe scrolls what is under the finger; a long press is a right-click (the copy
// menu) and, like the finger resting anywhere, shows what hovering shows. No ImGui here: the bridge applies
// the events (app/page_input.cpp; a swipe scrolls the window under the finger by as much as it moved).
// Tests: tests/core/test_touch.cpp (Touch.*).
#pragma once

#include <vector>

namespace app {

struct PointerEvent {
  enum class Kind { Move, Down, Up, RightDown, RightUp, Wheel };
  Kind kind = Kind::Move;
  float x = 0, y = 0;  // Move: where (CSS pixels); Wheel: y is the finger's travel (CSS pixels, down > 0)
};

class TouchGesture {
 public:
  static constexpr float kSlop = 8;             // CSS pixels a finger may wander and still tap
  static constexpr double kHoldSeconds = 0.55;  // a press this long without moving is a long press

  std::vector<PointerEvent> start(float x, float y, double t);
  std::vector<PointerEvent> move(float x, float y, double t);
  std::vector<PointerEvent> end(double t);
  std::vector<PointerEvent> cancel();
  // Called while the finger rests (the page's timer): a long press once kHoldSeconds have passed.
  std::vector<PointerEvent> hold(double t);

  enum class Mode { Idle, Pressed, Dragging, Scrolling, Held };
  Mode mode() const { return mode_; }

 private:
  Mode mode_ = Mode::Idle;
  float x0_ = 0, y0_ = 0, x_ = 0, y_ = 0;
  double t0_ = 0;
};

}  // namespace app
