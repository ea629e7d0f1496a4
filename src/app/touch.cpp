// A finger as mouse events (see touch.h).
#include "app/touch.h"

#include <cmath>

namespace app {

using Kind = PointerEvent::Kind;

std::vector<PointerEvent> TouchGesture::start(float x, float y, double t) {
  mode_ = Mode::Pressed;
  x0_ = x_ = x, y0_ = y_ = y, t0_ = t;
  return {{Kind::Move, x, y}};  // (the finger hovers where it lands: what hover shows, it shows)
}

std::vector<PointerEvent> TouchGesture::move(float x, float y, double) {
  std::vector<PointerEvent> out;
  if (mode_ == Mode::Pressed && std::hypot(x - x0_, y - y0_) > kSlop) {
    // Sideways: a drag (a slider, the mask painter), pressed where the finger landed. Up or down: a scroll.
    if (std::fabs(x - x0_) > std::fabs(y - y0_)) {
      mode_ = Mode::Dragging;
      out.push_back({Kind::Down, x0_, y0_});
    } else {
      mode_ = Mode::Scrolling;
      x_ = x0_, y_ = y0_;
    }
  }
  if (mode_ == Mode::Dragging) out.push_back({Kind::Move, x, y});
  if (mode_ == Mode::Scrolling && y != y_) out.push_back({Kind::Wheel, 0, y - y_});
  x_ = x, y_ = y;
  return out;
}

std::vector<PointerEvent> TouchGesture::end(double) {
  const Mode was = mode_;
  mode_ = Mode::Idle;
  if (was == Mode::Pressed) return {{Kind::Down, x0_, y0_}, {Kind::Up, x0_, y0_}};  // a tap: one click
  if (was == Mode::Dragging) return {{Kind::Up, x_, y_}};
  return {};
}

std::vector<PointerEvent> TouchGesture::cancel() {
  const Mode was = mode_;
  mode_ = Mode::Idle;
  if (was == Mode::Dragging) return {{Kind::Up, x_, y_}};
  return {};
}

std::vector<PointerEvent> TouchGesture::hold(double t) {
  if (mode_ != Mode::Pressed || t - t0_ < kHoldSeconds) return {};
  mode_ = Mode::Held;
  return {{Kind::RightDown, x0_, y0_}, {Kind::RightUp, x0_, y0_}};
}

}  // namespace app
