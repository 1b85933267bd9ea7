// The staff's figures screen: today, this month and the month's staff assessment sheet
// (每月考核), reached by taps; the sheet only for those who may see figures.
#include <doctest/doctest.h>

#include "kiosk_fixture.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/evaluations.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;

namespace {

struct FiguresKiosk : test::KioskFixture {
  FiguresKiosk() : KioskFixture(test::sized(1280, 800)) {}

  // A ticket of today on line 4, called by S002 at window 2 after `wait_min`, served.
  void serve(int wait_min) {
    station::Queue queue(*station);
    REQUIRE(queue.take({4, "", core::Priority::None, "", std::nullopt}).is_ok());
    clock.advance(wait_min * 60'000LL);
    REQUIRE(queue.call_next(staff, 2).is_ok());
    REQUIRE(queue.finish(staff, 2).is_ok());
  }
  void sign_in(const std::string& no, const std::string& pin) {
    tap("home.staff");
    REQUIRE(app->type_on_keypad("pad", no));
    tap("staff.field.pin");
    REQUIRE(app->type_on_keypad("pad", pin));
    tap("staff.sign_in");
    REQUIRE(app->staff().session.has_value());
  }
  std::string shown(std::string_view id) { return app->label(id).value_or("<not shown>"); }
};

}  // namespace

TEST_CASE("figures screen: today, then this month, then the staff sheet, by taps") {
  FiguresKiosk f;
  // 2026-11-25: one ticket served by S002 and rated 满意; 2026-11-26 (today): one more.
  f.serve(5);
  station::Evaluations evaluations(*f.station);
  REQUIRE(evaluations.rate_ticket("D001", {core::Rating::Satisfied, 5, ""}).is_ok());
  f.clock.advance(24 * 3600'000LL);
  f.serve(10);

  f.sign_in("D001", "583920");
  f.tap("nav.figures");
  CHECK(f.app->staff().figures == kiosk::FiguresView::Today);
  CHECK(f.shown("figures.heading") == "今日数据 2026-11-26");
  CHECK(f.shown("figures.tickets") == "取号 1    办结 1    未到 0");

  f.tap("figures.view.month");
  CHECK(f.app->staff().figures == kiosk::FiguresView::Month);
  CHECK(f.shown("figures.heading") == "本月数据 2026-11-01 至 2026-11-30");
  CHECK(f.shown("figures.tickets") == "取号 2    办结 2    未到 0");
  CHECK(f.shown("figures.rate") == "满意率 100%（1 条评价）");

  f.tap("figures.view.staff");
  CHECK(f.app->staff().figures == kiosk::FiguresView::StaffSheet);
  CHECK(f.shown("figures.heading") == "每月考核 2026-11-01 至 2026-11-30");
  CHECK(f.shown("figures.sheet.S002") == "S002 | 王芳 | 2 | 0 | 0 | 100% (1)");
  CHECK(f.shown("figures.sheet.D001") == "D001 | 李主任 | 0 | 0 | 0 | —");

  // What happened since is there when the view is shown again.
  f.serve(1);
  f.tap("figures.view.month");
  f.tap("figures.view.staff");
  CHECK(f.shown("figures.sheet.S002") == "S002 | 王芳 | 3 | 0 | 0 | 100% (1)");

  // In English too.
  f.app->resident().prefs.lang = kiosk::Lang::En;
  f.tap("figures.view.month");
  CHECK(f.shown("figures.heading") == "This month: 2026-11-01 to 2026-11-30");
  CHECK(f.shown("figures.view.staff") == "Staff sheet");
}

TEST_CASE("figures screen: staff without the right to see figures do not see the staff sheet") {
  FiguresKiosk f;
  f.serve(3);
  f.sign_in("S002", "649271");
  f.tap("nav.figures");
  f.tap("figures.view.staff");
  CHECK(f.shown("figures.denied") == "每月考核仅站长（书记/主任）和副站长可以查看。");
  CHECK_FALSE(f.app->label("figures.sheet.S002").has_value());
}

TEST_CASE("figures screen: every case counted by grid, today and this month") {
  FiguresKiosk f;
  station::Cases cases(*f.station);
  auto in_grid = [&](std::string grid) {
    station::NewCase c{"env_sanitation", core::CaseChannel::Window,
                       "楼道堆放杂物",   std::nullopt,
                       std::nullopt,     false};
    c.where.grid = std::move(grid);
    auto made = cases.record(f.staff, c);
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    return made->case_id;
  };
  const auto a = in_grid("530102001001001");
  (void)in_grid("530102001001001");
  (void)in_grid("");
  REQUIRE(cases.resolve(f.staff, a, "已清理").is_ok());
  REQUIRE(cases.verify(f.staff, a, "居民确认").is_ok());
  REQUIRE(cases.close(f.staff, a, "").is_ok());
  f.sign_in("D001", "583920");
  f.tap("nav.figures");
  const std::string grid1 = f.shown("figures.grid.530102001001001");
  CHECK(grid1.find(" | 2 | 1 | 0") != std::string::npos);
  CHECK(grid1.find("530102001001001") == std::string::npos);  // its name, not its code
  CHECK(f.shown("figures.grid.530102001001002").find(" | 0 | 0 | 0") != std::string::npos);
  CHECK(f.shown("figures.grid.none") == "未标网格 | 1 | 0 | 0");
  CHECK_FALSE(f.app->label("figures.calendar_warning").has_value());  // hours: no calendar needed
  f.tap("figures.view.month");
  CHECK(f.shown("figures.grid.none") == "未标网格 | 1 | 0 | 0");
}
