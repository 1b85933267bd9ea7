// The dead ends a new resident met in elder mode on the default 1280×800 screen: each control
// named below must be in sight whole (no scrolling), at least 60×60 px, with its label fitting.
// On the old layout each of these failed (the lines shrank to a 48 px strip, 查询 / 确认预约 /
// 完成 / 登录 were below the footer, the ratings were 26 px strips without text, staff kept
// elder mode and read "今日数", "准入核").
#include <doctest/doctest.h>

#include <cstdlib>

#include "kiosk_fixture.hpp"
#include "station_fixture.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/kiosk/screens.hpp"
#include "weimin/station/appointments.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;

namespace {

struct ElderKiosk : test::KioskFixture {
  ElderKiosk() : KioskFixture(test::sized(1280, 800)) {
    REQUIRE(app->tap("toggle.elder"));
    REQUIRE(app->resident().prefs.elder);
  }
  const kiosk::ControlInfo* control(std::string_view id) const {
    for (const auto& c : app->controls()) {
      if (c.id == id) return &c;
    }
    return nullptr;
  }
  // In sight whole, big enough to touch, its words fitting — without any scrolling.
  void reachable(std::string_view id, float target = 60) const {
    const kiosk::ControlInfo* c = control(id);
    REQUIRE_MESSAGE(c != nullptr, id << " is not drawn");
    INFO(id);
    CHECK(c->visible.w >= c->rect.w - 1);
    CHECK(c->visible.h >= c->rect.h - 1);
    CHECK(c->rect.y + c->rect.h <= 800);
    CHECK(c->rect.w >= target);
    CHECK(c->rect.h >= target);
    CHECK(c->label_fits);
    CHECK_FALSE(c->label.empty());
  }
};

}  // namespace

TEST_CASE("elder mode: take a number shows the lines as full buttons and 取号 in sight") {
  ElderKiosk f;
  REQUIRE(f.app->tap("home.take"));
  f.reachable("take.line.1");
  f.reachable("take.confirm");
  f.reachable("nav.back");
  f.reachable("toggle.elder");
}

TEST_CASE("elder mode: check progress has 查询 in sight and every key within a drag") {
  ElderKiosk f;
  REQUIRE(f.app->tap("home.progress"));
  f.reachable("progress.check");
  // The keypad's last row may sit below the fold of a region that shows it scrolls: a drag
  // brings it up and a tap types.
  REQUIRE(f.app->type_on_keypad("pad", "7K3"));
  CHECK(f.app->resident().progress.code == "7K3");
  REQUIRE(f.app->tap("pad.del"));
  CHECK(f.app->resident().progress.code == "7K");
  f.reachable("progress.check");
}

TEST_CASE("elder mode: the three ratings show their words at full size") {
  ElderKiosk f;
  REQUIRE(f.app->tap("home.rate"));
  for (const char* id : {"rate.satisfied", "rate.basic", "rate.dissatisfied"}) f.reachable(id);
  CHECK(f.app->label("rate.satisfied") == "满意");
}

TEST_CASE("elder mode: booking has 确认预约 in sight") {
  ElderKiosk f;
  REQUIRE(f.app->tap("home.book"));
  station::Appointments ap(*f.station);
  auto slots = ap.slots();
  REQUIRE(slots.is_ok());
  REQUIRE(!slots->empty());
  REQUIRE(f.app->tap("book.slot." + slots->front().slot.id));
  f.reachable("book.confirm");
}

TEST_CASE("elder mode: the ticket screen has 完成 in sight") {
  ElderKiosk f;
  REQUIRE(f.app->tap("home.take"));
  REQUIRE(f.app->tap("take.line.1"));
  REQUIRE(f.app->tap("take.confirm"));
  REQUIRE(f.app->resident().screen == kiosk::Screen::TicketShown);
  f.reachable("ticket.done");
}

TEST_CASE(
    "elder mode: staff sign-in shows every key and 登录; staff then work in the standard theme") {
  ElderKiosk f;
  REQUIRE(f.app->tap("home.staff"));
  for (const char* id : {"pad.del", "pad.0", "pad.clr", "staff.sign_in"}) f.reachable(id);
  REQUIRE(f.app->type_on_keypad("pad", "S002"));
  REQUIRE(f.app->tap("staff.field.pin"));
  REQUIRE(f.app->type_on_keypad("pad", "649271"));
  REQUIRE(f.app->tap("staff.sign_in"));
  REQUIRE(f.app->staff().session.has_value());
  CHECK_FALSE(f.app->resident().prefs.elder);
  CHECK_FALSE(f.app->resident().prefs.voice);
  // Every tab's label whole, and every place behind 更多 one tap further.
  for (const char* id : {"nav.console", "nav.cases", "nav.wishes", "nav.figures", "nav.more"})
    f.reachable(id, 44);
  CHECK(f.app->label("nav.figures") == "数据统计");
  REQUIRE(f.app->tap("nav.more"));
  REQUIRE(f.control("nav.more") != nullptr);
  CHECK(f.control("nav.more")->label == "✓ 更多");  // the tab says where staff are
  for (const char* id :
       {"nav.consult", "nav.register", "nav.certificates", "nav.access", "nav.sync"})
    f.reachable(id, 44);
  CHECK(f.app->label("nav.access") == "准入核查\n部门交办的事是否在清单内");
}

TEST_CASE("a selection shows a check mark, not colour alone; consent is a check box") {
  ElderKiosk f;
  REQUIRE(f.app->tap("home.take"));
  REQUIRE(f.app->tap("take.line.2"));
  const kiosk::ControlInfo* chosen = f.control("take.line.2");
  REQUIRE(chosen != nullptr);
  CHECK(chosen->label.rfind("✓ ", 0) == 0);
  const kiosk::ControlInfo* other = f.control("take.line.1");
  REQUIRE(other != nullptr);
  CHECK(other->label.rfind("✓", 0) != 0);
  CHECK_FALSE(chosen->primary);
}

TEST_CASE("staff are signed out after 15 minutes without a touch, with a minute's warning") {
  ElderKiosk f;
  REQUIRE(f.app->tap("toggle.elder"));  // back to standard
  f.app->staff().staff_no = "S002";
  f.app->staff().pin = "649271";
  REQUIRE(kiosk::staff_sign_in(*f.station, f.app->staff()).is_ok());
  f.app->show(kiosk::Screen::StaffConsole);
  f.app->touch();
  f.app->pump();
  auto wait = [&](std::int64_t ms) { f.wait_ms(ms); };
  wait(13 * 60'000 + 59'000);
  CHECK_FALSE(f.app->countdown_showing());
  CHECK(f.app->staff().session.has_value());
  wait(2'000);  // 14 min: the warning
  CHECK(f.app->countdown_showing());
  CHECK(f.app->staff().session.has_value());
  wait(59'000);  // 15 min: signed out
  CHECK_FALSE(f.app->staff().session.has_value());
  CHECK_FALSE(f.app->countdown_showing());
}

TEST_CASE("a touch that dismisses the idle countdown does not reach the screen under it") {
  ElderKiosk f;
  REQUIRE(f.app->tap("home.take"));
  for (int i = 0; i < 125; ++i) {  // elder mode: two minutes without a touch
    f.clock.advance(1'000);
    f.app->frame();
  }
  REQUIRE(f.app->countdown_showing());
  REQUIRE(f.app->tap("idle.continue"));
  CHECK_FALSE(f.app->countdown_showing());
  CHECK(f.app->resident().screen == kiosk::Screen::TakeNumber);
  CHECK(f.app->resident().take.line == 0);  // nothing chosen by the same touch
}
