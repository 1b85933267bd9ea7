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
}
