// The kiosk on the first display and the calling board on the second, from one window spanning
// both (weimin-kiosk --board-on-second-display, split.hpp): the displays' bounds come from a
// synthetic source, not real screens. The kiosk's controls lie on the first display, the board
// draws on the second with its own language, and touches on the board's display do nothing.
#include <doctest/doctest.h>

#include <SDL.h>

#include "kiosk_fixture.hpp"
#include "weimin/kiosk/split.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;
using kiosk::PixelRect;
using kiosk::SplitLayout;

namespace {

bool inside(const kiosk::Rect& r, const PixelRect& area) {
  return r.w > 0 && r.h > 0 && r.x >= static_cast<float>(area.x) &&
         r.y >= static_cast<float>(area.y) && r.x + r.w <= static_cast<float>(area.x + area.w) &&
         r.y + r.h <= static_cast<float>(area.y + area.h);
}

// A 1280×800 touchscreen with a 1920×1080 hall screen to its right: cage spans the window over
// both, 3200×1080.
const PixelRect kTouch{0, 0, 1280, 800};
const PixelRect kHall{1280, 0, 1920, 1080};

struct SplitFixture : test::KioskFixture {
  std::vector<PixelRect> displays{kTouch, kHall};
  station::Queue queue{*station};
  test::RecordingAnnouncer announcer;

  SplitFixture() {
    kiosk::AppOptions options = test::sized(3200, 1080);
    options.board_on_second_display = true;
    options.displays = [this] { return displays; };
    kiosk::Devices devices;
    devices.announcer = &announcer;
    open(options, devices);
    app->frame(true);
  }
  void push(Uint32 type, int x, int y) {
    SDL_Event e{};
    e.type = type;
    if (type == SDL_MOUSEMOTION) {
      e.motion.x = x;
      e.motion.y = y;
      e.motion.state = 0;
    } else {
      e.button.button = SDL_BUTTON_LEFT;
      e.button.x = x;
      e.button.y = y;
      e.button.clicks = 1;
      e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    }
    SDL_PushEvent(&e);
    app->pump();
  }
  // A finger put down at (x, y), slid to (to_x, to_y) and lifted there.
  void swipe(int x, int y, int to_x, int to_y) {
    push(SDL_MOUSEMOTION, x, y);
    push(SDL_MOUSEBUTTONDOWN, x, y);
    push(SDL_MOUSEMOTION, to_x, to_y);
    push(SDL_MOUSEBUTTONUP, to_x, to_y);
  }
};

}  // namespace

TEST_CASE("split: each display's bounds become its part of the window spanning them") {
  // Side by side, the window as large as the displays.
  auto s = kiosk::split_layout({kTouch, kHall}, 3200, 1080);
  REQUIRE(s);
  CHECK(*s == SplitLayout{kTouch, kHall});
  // The touchscreen second in SDL's order: --kiosk-display 2.
  s = kiosk::split_layout({{0, 0, 1920, 1080}, {1920, 0, 1280, 800}}, 3200, 1080, 1);
  REQUIRE(s);
  CHECK(*s == SplitLayout{{1920, 0, 1280, 800}, {0, 0, 1920, 1080}});
  // Desktop coordinates that do not start at 0, and a window at half the size (scaled).
  s = kiosk::split_layout({{-1280, 100, 1280, 800}, {0, 0, 1920, 1080}}, 1600, 540);
  REQUIRE(s);
  CHECK(*s == SplitLayout{{0, 50, 640, 400}, {640, 0, 960, 540}});
  // Stacked: the board above the touchscreen.
  s = kiosk::split_layout({{0, 1080, 1920, 1080}, {0, 0, 1920, 1080}}, 1920, 2160);
  REQUIRE(s);
  CHECK(*s == SplitLayout{{0, 1080, 1920, 1080}, {0, 0, 1920, 1080}});
  // Nothing to split: one display, mirrored displays, a display without bounds, a kiosk display
  // that is not there, an empty window.
  CHECK_FALSE(kiosk::split_layout({kTouch}, 1280, 800));
  CHECK_FALSE(kiosk::split_layout({kHall, kHall}, 1920, 1080));
  CHECK_FALSE(kiosk::split_layout({kTouch, PixelRect{}}, 1280, 800));
  CHECK_FALSE(kiosk::split_layout({kTouch, kHall}, 3200, 1080, 2));
  CHECK_FALSE(kiosk::split_layout({kTouch, kHall}, 0, 0));
  CHECK_FALSE(kiosk::split_layout({}, 1280, 800));
}

TEST_CASE(
    "split: the kiosk's controls lie on the first display and the board draws on the second") {
  SplitFixture f;
  REQUIRE(f.app->split());
  CHECK(*f.app->split() == SplitLayout{kTouch, kHall});
  const auto& windows = f.station->catalog().windows_for(f.station->community());
  REQUIRE(!windows.empty());

  // Every control of the home screen on the touchscreen, none on the hall screen.
  REQUIRE(!f.app->controls().empty());
  for (const auto& c : f.app->controls()) {
    INFO(c.id);
    CHECK(inside(c.rect, kTouch));
  }
  // The board's rows on the hall screen.
  const std::string row = "board.window." + std::to_string(windows.front().number);
  REQUIRE(f.app->target(row));
  CHECK(inside(*f.app->target(row), kHall));
  CHECK(f.app->label(row) == windows.front().name.zh + "  —");

  // A call reaches the board at its next look at the queue, and is announced once.
  auto taken = f.queue.take({windows.front().lines.front(), "", core::Priority::None, "", {}});
  REQUIRE(taken.is_ok());
  auto called = f.queue.call_next(f.staff, windows.front().number);
  REQUIRE(called.is_ok());
  f.wait_ms(2'000);
  CHECK(f.app->label(row) == windows.front().name.zh + "  " + called->label);
  CHECK(f.app->label("board.new." + called->label));
  CHECK(f.announcer.labels() == std::vector<std::string>{called->label});

  // The resident's English and high contrast stay on the kiosk: the board keeps its own.
  f.tap("toggle.lang");
  f.tap("toggle.contrast");
  CHECK(f.app->resident().prefs.lang == kiosk::Lang::En);
  f.app->frame(true);
  CHECK(f.app->label(row) == windows.front().name.zh + "  " + called->label);
  for (const auto& c : f.app->controls()) {
    INFO(c.id);
    CHECK(inside(c.rect, kTouch));
  }

  // The kiosk still works on its own display.
  f.tap("home.take");
  CHECK(f.app->resident().screen == kiosk::Screen::TakeNumber);
}

TEST_CASE("split: a touch on the board's display does nothing") {
  SplitFixture f;
  REQUIRE(f.app->split());
  f.tap("home.take");
  REQUIRE(f.app->resident().screen == kiosk::Screen::TakeNumber);
  const auto back = f.app->target("nav.home");
  REQUIRE(back);
  const int bx = static_cast<int>(back->cx()), by = static_cast<int>(back->cy());

  // The same spot one display to the right: on the board, not the kiosk's home button.
  f.swipe(bx + kHall.x, by, bx + kHall.x, by);
  CHECK(f.app->resident().screen == kiosk::Screen::TakeNumber);
  // A finger put down on the board and lifted on the kiosk's home button does not tap it.
  f.swipe(bx + kHall.x, by, bx, by);
  CHECK(f.app->resident().screen == kiosk::Screen::TakeNumber);

  // Touches on the board do not keep the kiosk awake: the idle countdown comes on time.
  f.wait_ms(55'000);
  f.swipe(kHall.x + 500, 500, kHall.x + 500, 500);
  f.wait_ms(6'000);
  CHECK(f.app->countdown_showing());
  // The countdown covers the kiosk's display only, and a touch there continues.
  const auto go_on = f.app->target("idle.continue");
  REQUIRE(go_on);
  CHECK(inside(*go_on, kTouch));
  f.tap("idle.continue");
  CHECK_FALSE(f.app->countdown_showing());
  CHECK(f.app->resident().screen == kiosk::Screen::TakeNumber);

  // On the kiosk's own display the home button works.
  f.swipe(bx, by, bx, by);
  CHECK(f.app->resident().screen == kiosk::Screen::Home);
}

TEST_CASE(
    "split: with one display the kiosk has the whole window, and the board comes with a "
    "second") {
  SplitFixture f;
  f.displays = {kTouch};
  f.app->frame(true);
  CHECK_FALSE(f.app->split());
  const auto& windows = f.station->catalog().windows_for(f.station->community());
  REQUIRE(!windows.empty());
  CHECK_FALSE(f.app->label("board.window." + std::to_string(windows.front().number)));
  bool wide = false;  // a control beyond the first 1280 px: laid out over the whole window
  for (const auto& c : f.app->controls()) wide = wide || c.rect.x + c.rect.w > 1280;
  CHECK(wide);
  for (const auto& c : f.app->controls()) CHECK(c.rect.x >= 0);

  f.displays = {kTouch, kHall};
  f.app->frame(true);
  REQUIRE(f.app->split());
  for (const auto& c : f.app->controls()) {
    INFO(c.id);
    CHECK(inside(c.rect, kTouch));
  }
}
