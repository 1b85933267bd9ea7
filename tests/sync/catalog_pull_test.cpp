// A catalog the district publishes reaches the station's deadlines at once (issue 16 item 6):
// after a sync pulls a new working-day calendar, the station that pulled it and another
// connection to the same station (the kiosk's, beside the sync service's) count overdue with
// it, without reopening.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "sync_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/staff_desk.hpp"

using namespace weimin;
using namespace weimin::test;

namespace {

// The Wuhua catalog with routine deadlines of 2/5/3 working days; with `holiday`, a district
// holiday on Thursday 2026-11-26 and Friday 11-27 added to 2026's calendar.
std::string working_day_catalog(bool holiday) {
  nlohmann::json doc = nlohmann::json::parse(wuhua_catalog_text());
  doc["deadlines"]["routine"] = {
      {"unit", "working_days"}, {"report_in", 2}, {"feedback", 5}, {"verify", 3}};
  if (holiday) {
    for (auto& year : doc["work_calendar"]) {
      if (year["year"] != 2026) continue;
      year["holidays"].push_back({{"name", {{"zh", "测试假日"}, {"en", "a test holiday"}}},
                                  {"first", "2026-11-26"},
                                  {"last", "2026-11-27"}});
    }
  }
  return doc.dump();
}

std::int64_t end_of(int y, int m, int d) {
  return core::unix_ms_at(
      core::CivilDate::from_days(core::CivilDate{y, m, d}.days_since_epoch() + 1), 0);
}

}  // namespace

TEST_CASE("a calendar the station pulls counts for its overdue at once, on every connection") {
  District district;
  REQUIRE(district.service->publish_catalog(working_day_catalog(false)).is_ok());
  auto transport = district.transport();
  TestStation s("530102001001");
  s.enroll(district, *transport);
  REQUIRE(s.sync(*transport).is_ok());  // the district's catalog replaces the one of init
  station::Cases cases(*s.station);
  REQUIRE(cases.deadlines().routine.unit == core::DeadlineUnit::WorkingDays);

  // Whistled Wednesday 2026-11-25 09:00: 2 working days end Friday 11-27 24:00.
  auto director = station::StaffDesk(*s.station).sign_in("D001", "583920");
  REQUIRE(director.is_ok());
  auto made = cases.record(
      *director, {"env_sanitation", core::CaseChannel::Window, "路灯不亮", "", std::nullopt, true});
  REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
  REQUIRE(cases
              .whistle(*director, made->case_id, core::WhistleLevel::Community,
                       core::WhistleKind::Routine, {"urban_management"}, "")
              .is_ok());
  // The kiosk's own connection to the same station, open from before the pull.
  auto kiosk = station::Station::open(s.dir / "data", s.keys, s.clock);
  REQUIRE_MESSAGE(kiosk.is_ok(), kiosk.status().to_string());
  station::Cases at_kiosk(**kiosk);

  // Saturday 11-28 10:00: late by the calendar of before.
  const std::int64_t saturday = core::unix_ms_at(core::CivilDate{2026, 11, 28}, 10 * 60);
  s.clock.set(saturday);
  district.clock.set(saturday);
  auto late = cases.view(made->case_id);
  REQUIRE(late.is_ok());
  REQUIRE(late->overdue.size() == 1);
  CHECK(late->overdue[0].due_ms == end_of(2026, 11, 27));
  CHECK(at_kiosk.view(made->case_id)->overdue.size() == 1);

  // The district makes Thursday and Friday holidays; the next sync brings the calendar.
  REQUIRE(district.service->publish_catalog(working_day_catalog(true)).is_ok());
  auto pulled = s.sync(*transport);
  REQUIRE_MESSAGE(pulled.is_ok(), pulled.status().to_string());
  CHECK(pulled->catalog_updates == 1);
  // Both connections count Monday 11-30 and Tuesday 12-01 now: not late.
  for (station::Cases* c : {&cases, &at_kiosk}) {
    auto v = c->view(made->case_id);
    REQUIRE(v.is_ok());
    CHECK(v->overdue.empty());
    CHECK(c->list(std::nullopt, true)->empty());
  }
  s.clock.set(end_of(2026, 12, 1) + 1);
  auto later = at_kiosk.view(made->case_id);
  REQUIRE(later.is_ok());
  REQUIRE(later->overdue.size() == 1);
  CHECK(later->overdue[0].due_ms == end_of(2026, 12, 1));
}
