// The case desk says when deadlines run into a year whose work calendar is not published, so
// staff know they were counted Monday–Friday (as the district's console says on its case page).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "kiosk_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/station/cases.hpp"

using namespace weimin;

namespace {

// The Wuhua catalog with routine deadlines of 2/5/3 working days.
std::string working_day_catalog() {
  nlohmann::json doc = nlohmann::json::parse(test::wuhua_catalog());
  doc["deadlines"]["routine"] = {
      {"unit", "working_days"}, {"report_in", 2}, {"feedback", 5}, {"verify", 3}};
  return doc.dump();
}

struct CalendarKiosk {
  test::TempDir dir;
  platform::ManualClock clock{core::unix_ms_at(core::CivilDate{2027, 2, 5}, 10 * 60)};
  platform::FileKeyStore keys{dir / "station.kek", dir / "data"};
  std::unique_ptr<station::Station> station;
  std::unique_ptr<kiosk::App> app;

  CalendarKiosk() {
    auto made = station::Station::init(
        dir / "data", keys, clock,
        {"530102001001", working_day_catalog(), "wuhua.json", "D001", "李主任", "583920"});
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    station = std::move(made).value();
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    kiosk::AppOptions options;
    options.hidden = true;
    auto a = kiosk::App::create(*station, clock, {}, nullptr, options);
    REQUIRE_MESSAGE(a.is_ok(), a.status().to_string());
    app = std::move(a).value();
    app->pump();
  }
  void tap(std::string_view id) { REQUIRE_MESSAGE(app->tap(id), "no button " << id); }
};

}  // namespace

TEST_CASE("the case desk says deadlines of 2027 are counted Monday to Friday") {
  CalendarKiosk k;
  auto director = station::StaffDesk(*k.station).sign_in("D001", "583920").value();
  station::Cases cases(*k.station);
  auto made = cases.record(director, station::NewCase{"env_sanitation", core::CaseChannel::Window,
                                                      "路灯不亮", "", std::nullopt, true});
  REQUIRE(made.is_ok());
  k.tap("home.staff");
  REQUIRE(k.app->type_on_keypad("pad", "D001"));
  k.tap("staff.field.pin");
  REQUIRE(k.app->type_on_keypad("pad", "583920"));
  k.tap("staff.sign_in");
  REQUIRE(k.app->staff().session.has_value());
  k.tap("nav.cases");
  CHECK_FALSE(k.app->label("cases.calendar_warning").has_value());  // no deadline yet
  REQUIRE(cases
              .whistle(director, made->case_id, core::WhistleLevel::Community,
                       core::WhistleKind::Routine, {"urban_management"}, "")
              .is_ok());
  k.app->frame(true);
  CHECK(k.app->label("cases.calendar_warning") == "2027年工作日历未发布：按周一至周五计算");
  // The figures say it too, under every case by grid (this one has none).
  k.tap("nav.figures");
  CHECK(k.app->label("figures.calendar_warning") == "2027年工作日历未发布：按周一至周五计算");
  CHECK(k.app->label("figures.grid.none") == "未标网格 | 1 | 0 | 0");
  k.tap("figures.view.month");
  CHECK(k.app->label("figures.calendar_warning") == "2027年工作日历未发布：按周一至周五计算");
}

TEST_CASE("the case desk shows a page of cases at a time, newest first") {
  CalendarKiosk k;
  auto director = station::StaffDesk(*k.station).sign_in("D001", "583920").value();
  station::Cases cases(*k.station);
  std::vector<std::string> codes;  // oldest first
  for (int i = 0; i < kiosk::CaseDeskState::kCaseDeskPage + 2; ++i) {
    auto made = cases.record(
        director, station::NewCase{"env_sanitation", core::CaseChannel::Window,
                                   "路灯不亮 " + std::to_string(i), "", std::nullopt, true});
    REQUIRE(made.is_ok());
    codes.push_back(made->tracking_code);
  }
  k.tap("home.staff");
  REQUIRE(k.app->type_on_keypad("pad", "D001"));
  k.tap("staff.field.pin");
  REQUIRE(k.app->type_on_keypad("pad", "583920"));
  k.tap("staff.sign_in");
  k.tap("nav.cases");
  const int total = kiosk::CaseDeskState::kCaseDeskPage + 2;
  CHECK(k.app->label("cases.page") == "第 1 / 2 页，共 " + std::to_string(total) + " 件");
  CHECK(k.app->label("cases.item." + codes.back()).has_value());  // the newest
  CHECK_FALSE(k.app->label("cases.item." + codes.front()).has_value());
  k.tap("cases.next_page");
  CHECK(k.app->label("cases.page") == "第 2 / 2 页，共 " + std::to_string(total) + " 件");
  CHECK(k.app->label("cases.item." + codes[0]).has_value());
  CHECK(k.app->label("cases.item." + codes[1]).has_value());
  CHECK_FALSE(k.app->label("cases.item." + codes.back()).has_value());
  k.tap("cases.next_page");  // disabled on the last page: stays
  CHECK(k.app->label("cases.page") == "第 2 / 2 页，共 " + std::to_string(total) + " 件");
  k.tap("cases.prev_page");
  CHECK(k.app->label("cases.page") == "第 1 / 2 页，共 " + std::to_string(total) + " 件");
}
