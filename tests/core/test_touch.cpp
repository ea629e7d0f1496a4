// Touch.*: a finger becomes the mouse events ImGui understands (app/touch.h): one tap is one click where the
// finger was (never a second one, never at the last tap's place), a sideways drag drags, a swipe scrolls, a
// long press is a right-click.
#include <gtest/gtest.h>

#include "app/touch.h"

namespace {
using Kind = app::PointerEvent::Kind;
std::vector<Kind> kinds(const std::vector<app::PointerEvent>& e) {
  std::vector<Kind> out;
  for (const app::PointerEvent& p : e) out.push_back(p.kind);
  return out;
}
}  // namespace

TEST(Touch, ATapIsOneClickWhereTheFingerWas) {
  app::TouchGesture g;
  auto e = g.start(100, 200, 0);
  ASSERT_EQ(kinds(e), (std::vector<Kind>{Kind::Move}));
  EXPECT_EQ(e[0].x, 100);
  EXPECT_EQ(e[0].y, 200);
  EXPECT_TRUE(g.move(103, 202, 0.05).empty());  // (a finger wanders a little)
  e = g.end(0.1);
  ASSERT_EQ(kinds(e), (std::vector<Kind>{Kind::Down, Kind::Up}));
  EXPECT_EQ(e[0].x, 100);
  // the next tap elsewhere clicks there, once
  g.start(400, 50, 1);
  e = g.end(1.1);
  ASSERT_EQ(kinds(e), (std::vector<Kind>{Kind::Down, Kind::Up}));
  EXPECT_EQ(e[1].x, 400);
  EXPECT_EQ(e[1].y, 50);
}

TEST(Touch, ASwipeScrollsAndClicksNothing) {
  app::TouchGesture g;
  g.start(100, 300, 0);
  auto e = g.move(102, 250, 0.05);
  ASSERT_EQ(kinds(e), (std::vector<Kind>{Kind::Wheel}));
  EXPECT_EQ(e[0].y, -50);  // (the finger went up 50 px)
  e = g.move(102, 240, 0.1);
  ASSERT_EQ(kinds(e), (std::vector<Kind>{Kind::Wheel}));
  EXPECT_EQ(e[0].y, -10);
  EXPECT_TRUE(g.end(0.2).empty());
  EXPECT_EQ(g.mode(), app::TouchGesture::Mode::Idle);
}

TEST(Touch, ASidewaysDragPressesWhereItStartedAndReleasesWhereItEnds) {
  app::TouchGesture g;
  g.start(100, 300, 0);
  auto e = g.move(150, 305, 0.05);
  ASSERT_EQ(kinds(e), (std::vector<Kind>{Kind::Down, Kind::Move}));
  EXPECT_EQ(e[0].x, 100);
  EXPECT_EQ(e[1].x, 150);
  e = g.end(0.2);
  ASSERT_EQ(kinds(e), (std::vector<Kind>{Kind::Up}));
  EXPECT_EQ(e[0].x, 150);
}

TEST(Touch, ALongPressIsARightClickAndNoTap) {
  app::TouchGesture g;
  g.start(10, 20, 0);
  EXPECT_TRUE(g.hold(0.3).empty());
  const auto e = g.hold(0.6);
  ASSERT_EQ(kinds(e), (std::vector<Kind>{Kind::RightDown, Kind::RightUp}));
  EXPECT_TRUE(g.end(0.8).empty());
  g.start(10, 20, 1);
  g.move(40, 20, 1.1);
  EXPECT_TRUE(g.hold(2).empty());  // (a drag that lasts is no long press)
  EXPECT_EQ(kinds(g.cancel()), (std::vector<Kind>{Kind::Up}));
}
