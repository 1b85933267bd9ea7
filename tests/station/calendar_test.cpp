// Working-day deadlines at the station (issue 16): the station's overdue list counts the
// working days of the catalog's calendar, so a whistle the day before National Day 2026 is not
// overdue during the holiday, and a year without a calendar counts Monday–Friday.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "station_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/staff_desk.hpp"

using namespace weimin;
using namespace weimin::station;

namespace {

// The Wuhua catalog with routine deadlines of 2/5/3 working days.
std::string working_day_catalog() {
  nlohmann::json doc = nlohmann::json::parse(test::wuhua_catalog());
  doc["deadlines"]["routine"] = {
      {"unit", "working_days"}, {"report_in", 2}, {"feedback", 5}, {"verify", 3}};
  return doc.dump();
}

std::int64_t at(int y, int m, int d, int hour) {
  return core::unix_ms_at(core::CivilDate{y, m, d}, hour * 60);
}
std::int64_t end_of(int y, int m, int d) {
  return core::unix_ms_at(
      core::CivilDate::from_days(core::CivilDate{y, m, d}.days_since_epoch() + 1), 0);
}

// A station of the working-day catalog whose clock starts at `start_ms`, and a routine case
// whistled to urban_management then.
struct CalendarStation {
  test::TempDir dir;
  platform::ManualClock clock;
  platform::FileKeyStore keys{dir / "station.kek", dir / "data"};
  std::unique_ptr<Station> station;
  Session director;
  core::Uuid case_id;

  explicit CalendarStation(std::int64_t start_ms) : clock(start_ms) {
    auto made = Station::init(
        dir / "data", keys, clock,
        {"530102001001", working_day_catalog(), "wuhua.json", "D001", "李主任", "583920"});
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    station = std::move(made).value();
    director = StaffDesk(*station).sign_in("D001", "583920").value();
    Cases cases(*station);
    case_id =
        cases
            .record(director, NewCase{"env_sanitation", core::CaseChannel::Window,
                                      "小区门口垃圾桶满溢三天无人清运", "", std::nullopt, true})
            .value()
            .case_id;
    REQUIRE(cases
                .whistle(director, case_id, core::WhistleLevel::Community,
                         core::WhistleKind::Routine, {"urban_management"}, "")
                .is_ok());
  }
  std::vector<core::Overdue> overdue_at(std::int64_t now_ms) {
    clock.advance(now_ms - clock.now_ms());
    return Cases(*station).view(case_id).value().overdue;
  }
};

}  // namespace

TEST_CASE("station: a whistle before National Day is overdue only after the holiday") {
  CalendarStation s(at(2026, 9, 30, 11));  // Wednesday; 10-1 … 10-7 off
  CHECK(Cases(*s.station).deadlines().routine.unit == core::DeadlineUnit::WorkingDays);
  // 2 working days: Thursday 10-8 and Friday 10-9; Monday–Friday alone would end 10-2.
  CHECK(s.overdue_at(at(2026, 10, 7, 23)).empty());
  CHECK(s.overdue_at(end_of(2026, 10, 9)).empty());
  auto late = s.overdue_at(end_of(2026, 10, 9) + 1);
  REQUIRE(late.size() == 1);
  CHECK(late[0].step == core::OverdueStep::ReportIn);
  CHECK(late[0].due_ms == end_of(2026, 10, 9));
  CHECK(Cases(*s.station).list(std::nullopt, true)->size() == 1);
}

TEST_CASE("station: a year without a published calendar counts Monday to Friday") {
  CalendarStation s(at(2027, 2, 5, 10));  // a Friday of 2027, whose calendar is not published
  // Monday 2-8 and Tuesday 2-9 (in 2027 the Spring Festival falls here, but it is not published).
  CHECK(s.overdue_at(end_of(2027, 2, 9)).empty());
  auto late = s.overdue_at(end_of(2027, 2, 9) + 1);
  REQUIRE(late.size() == 1);
  CHECK(late[0].due_ms == end_of(2027, 2, 9));
}

TEST_CASE("station: cases whose deadlines run into a year without a calendar say so") {
  CalendarStation unpublished(at(2027, 2, 5, 10));
  Cases cases(*unpublished.station);
  auto listed = cases.list(CaseFilter{});
  REQUIRE(listed.is_ok());
  CHECK(cases.deadline_fallback_years(*listed) == std::vector<int>{2027});
  CHECK(core::fallback_warning(cases.deadline_fallback_years(*listed), false) ==
        "2027 not published: counting Monday–Friday");

  // A round ending in a published year: nothing to say; nor for a case resolved long ago.
  CalendarStation published(at(2026, 9, 30, 11));
  Cases in_2026(*published.station);
  CHECK(in_2026.deadline_fallback_years(in_2026.list(CaseFilter{}).value()).empty());
  // A round whistled late in December runs into 2027.
  CalendarStation december(at(2026, 12, 30, 10));
  Cases across(*december.station);
  CHECK(across.deadline_fallback_years(across.list(CaseFilter{}).value()) ==
        std::vector<int>{2027});

  // Deadlines in hours (the default catalog) never count working days.
  test::StationFixture hours;
  hours.clock.set(at(2027, 2, 5, 10));
  Cases by_hours(*hours.station);
  auto made = by_hours.record(hours.director, NewCase{"env_sanitation", core::CaseChannel::Window,
                                                      "路灯不亮", "", std::nullopt, true});
  REQUIRE(made.is_ok());
  REQUIRE(by_hours
              .whistle(hours.director, made->case_id, core::WhistleLevel::Community,
                       core::WhistleKind::Routine, {"urban_management"}, "")
              .is_ok());
  CHECK(by_hours.deadline_fallback_years(by_hours.list(CaseFilter{}).value()).empty());
}
