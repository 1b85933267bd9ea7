// The working-day calendar (work_calendar.hpp) and deadlines in working days: the 2026 Spring
// Festival, swapped Saturdays (调休上班), a year without a calendar, the catalog's JSON.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "case_test_support.hpp"
#include "weimin/core/case.hpp"
#include "weimin/core/catalog.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/work_calendar.hpp"

using namespace weimin::core;
using namespace weimin::core::case_test;
using json = nlohmann::json;

namespace {

std::string wuhua_json() {
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json", std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const Catalog& wuhua() {
  static const Catalog c = parse_catalog(wuhua_json(), "wuhua.json").value();
  return c;
}

CivilDate d(int y, int m, int day) {
  return CivilDate{y, m, day};
}

// Unix ms at a Beijing date and time.
std::int64_t at(int y, int m, int day, int hour, int minute = 0) {
  return unix_ms_at(d(y, m, day), hour * 60 + minute);
}

// 24:00 Beijing time of a date: the next day's 00:00.
std::int64_t end_of(int y, int m, int day) {
  return unix_ms_at(CivilDate::from_days(d(y, m, day).days_since_epoch() + 1), 0);
}

}  // namespace

TEST_CASE("the default catalog carries the State Council's 2025 and 2026 calendars") {
  const WorkCalendar& cal = wuhua().work_calendar;
  CHECK(cal.covers(2025));
  CHECK(cal.covers(2026));
  CHECK_FALSE(cal.covers(2027));
  // 2026: the Spring Festival 2-15 … 2-23, worked Saturdays 2-14 and 2-28.
  CHECK(day_kind(cal, d(2026, 2, 14)) == DayKind::SwappedWorkday);
  for (int day = 15; day <= 23; ++day) CHECK(day_kind(cal, d(2026, 2, day)) == DayKind::Holiday);
  CHECK(day_kind(cal, d(2026, 2, 24)) == DayKind::Workday);
  CHECK(day_kind(cal, d(2026, 2, 28)) == DayKind::SwappedWorkday);
  REQUIRE(holiday_on(cal, d(2026, 2, 18)) != nullptr);
  CHECK(holiday_on(cal, d(2026, 2, 18))->zh == "春节");
  CHECK(day_kind(cal, d(2026, 1, 4)) == DayKind::SwappedWorkday);  // a Sunday
  CHECK(day_kind(cal, d(2026, 5, 9)) == DayKind::SwappedWorkday);
  CHECK(day_kind(cal, d(2026, 9, 20)) == DayKind::SwappedWorkday);
  CHECK(day_kind(cal, d(2026, 10, 10)) == DayKind::SwappedWorkday);
  CHECK(day_kind(cal, d(2026, 10, 8)) == DayKind::Workday);
  CHECK(day_kind(cal, d(2026, 10, 7)) == DayKind::Holiday);
  CHECK(day_kind(cal, d(2026, 6, 19)) == DayKind::Holiday);  // Dragon Boat, a Friday
  CHECK(day_kind(cal, d(2026, 3, 7)) == DayKind::Weekend);
  // 2025: Spring Festival 1-28 … 2-4, National Day 10-1 … 10-8.
  CHECK(day_kind(cal, d(2025, 1, 26)) == DayKind::SwappedWorkday);
  CHECK(day_kind(cal, d(2025, 2, 4)) == DayKind::Holiday);
  CHECK(day_kind(cal, d(2025, 2, 8)) == DayKind::SwappedWorkday);
  CHECK(day_kind(cal, d(2025, 10, 8)) == DayKind::Holiday);
  CHECK(day_kind(cal, d(2025, 10, 11)) == DayKind::SwappedWorkday);
}

TEST_CASE("a deadline in working days across the 2026 Spring Festival ends after the holiday") {
  const WorkCalendar& cal = wuhua().work_calendar;
  const std::int64_t friday = at(2026, 2, 13, 17);  // the Friday before the festival, 17:00
  // Saturday 2-14 is worked; then nine days off; then 2-24, 2-25.
  CHECK(add_working_days(cal, friday, 1) == end_of(2026, 2, 14));
  CHECK(add_working_days(cal, friday, 2) == end_of(2026, 2, 24));
  CHECK(add_working_days(cal, friday, 3) == end_of(2026, 2, 25));
  CHECK(local_deadline_time(add_working_days(cal, friday, 3)) == "2026-02-25 24:00");
  // Monday to Friday alone would have ended it during the holiday.
  CHECK(add_working_days(WorkCalendar{}, friday, 3) == end_of(2026, 2, 18));
  // Whistled during the holiday: the first working day after it is day 1.
  CHECK(add_working_days(cal, at(2026, 2, 18, 9), 1) == end_of(2026, 2, 24));
  // The start day does not count whatever the hour; 00:00 and 23:59 give the same end.
  CHECK(add_working_days(cal, at(2026, 2, 13, 0), 2) ==
        add_working_days(cal, at(2026, 2, 13, 23, 59), 2));
  CHECK(uncovered_years(cal, friday, add_working_days(cal, friday, 3)).empty());
}

TEST_CASE("a swapped Saturday (调休上班) counts as a working day") {
  const WorkCalendar& cal = wuhua().work_calendar;
  // Friday 2026-02-27: Saturday 2-28 is worked.
  CHECK(add_working_days(cal, at(2026, 2, 27, 10), 1) == end_of(2026, 2, 28));
  CHECK(add_working_days(WorkCalendar{}, at(2026, 2, 27, 10), 1) == end_of(2026, 3, 2));
  // Friday 2026-05-08: Saturday 5-9 is worked (for Labour Day).
  CHECK(add_working_days(cal, at(2026, 5, 8, 16), 1) == end_of(2026, 5, 9));
  // Sunday 2026-09-20 is worked: from Saturday 9-19 one working day ends on the Sunday.
  CHECK(add_working_days(cal, at(2026, 9, 19, 11), 1) == end_of(2026, 9, 20));
  // Across National Day: Wednesday 9-30 + 1 → Thursday 10-8 (10-1 … 10-7 off).
  CHECK(add_working_days(cal, at(2026, 9, 30, 11), 1) == end_of(2026, 10, 8));
  CHECK(add_working_days(cal, at(2026, 9, 30, 11), 3) == end_of(2026, 10, 10));  // a Saturday
}

TEST_CASE("a year the calendar does not cover falls back to Monday–Friday and says so") {
  const WorkCalendar& cal = wuhua().work_calendar;
  const std::int64_t from = at(2028, 1, 28, 9);  // a Friday
  CHECK(add_working_days(cal, from, 1) == end_of(2028, 1, 31));
  CHECK(add_working_days(cal, from, 5) == end_of(2028, 2, 4));
  const std::int64_t due = add_working_days(cal, from, 5);
  CHECK(uncovered_years(cal, from, due) == std::vector<int>{2028});
  CHECK(fallback_warning(uncovered_years(cal, from, due), false) ==
        "2028 not published: counting Monday–Friday");
  CHECK(fallback_warning({2027, 2028}, true) == "2027、2028年工作日历未发布：按周一至周五计算");
  // Across New Year into an unpublished year: only that year is named.
  const std::int64_t dec = at(2026, 12, 30, 9);
  CHECK(uncovered_years(cal, dec, add_working_days(cal, dec, 3)) == std::vector<int>{2027});
  CHECK(fallback_warning({}, false).empty());
}

TEST_CASE("add_working_days: the end is 24:00 of the n-th working day after the start day") {
  // Property against counting by hand, over random instants 2024-2029 and 1-40 days.
  const WorkCalendar& cal = wuhua().work_calendar;
  const char* env = std::getenv("WEIMIN_SEED");
  const std::uint64_t seed = env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  MESSAGE("seed " << seed << " (WEIMIN_SEED to repeat)");
  std::mt19937_64 rng(seed);
  const std::int64_t lo = at(2024, 11, 1, 0), hi = at(2029, 1, 1, 0);
  for (int i = 0; i < 2000; ++i) {
    const std::int64_t from =
        lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo));
    const int n = 1 + static_cast<int>(rng() % 40);
    const std::int64_t due = add_working_days(cal, from, n);
    REQUIRE(local_minute_of_day(due) == 0);
    const CivilDate last = CivilDate::from_days(local_date(due).days_since_epoch() - 1);
    CHECK(is_working_day(cal, last));
    int counted = 0;
    for (std::int64_t day = local_date(from).days_since_epoch() + 1; day <= last.days_since_epoch();
         ++day) {
      counted += is_working_day(cal, CivilDate::from_days(day)) ? 1 : 0;
    }
    CHECK(counted == n);
    CHECK(add_working_days(cal, from, n + 1) > due);
  }
  CHECK(add_working_days(cal, lo, 0) == 0);
  CHECK(add_working_days(cal, lo, -3) == 0);
}

TEST_CASE("deadlines in hours are what they were; in working days they follow the calendar") {
  const std::int64_t t = at(2026, 2, 13, 17);
  CHECK(deadline_after(t, 48, DeadlineUnit::Hours, wuhua().work_calendar) == t + 48 * kHour);
  CHECK(deadline_after(t, 0, DeadlineUnit::Hours, {}) == 0);
  CHECK(deadline_after(t, 2, DeadlineUnit::WorkingDays, wuhua().work_calendar) ==
        end_of(2026, 2, 24));
  // The Wuhua catalog's deadlines stay in hours.
  const CaseDeadlines dl = case_deadlines(wuhua());
  CHECK(dl.routine.unit == DeadlineUnit::Hours);
  CHECK(dl.routine.report_in == 48);
  CHECK(dl.calendar == wuhua().work_calendar);
  CHECK(dl.resolve_due(dl.routine, t) == t + (48 + 168 + 72) * kHour);
  CaseDeadlines none;
  CHECK(none.resolve_due(none.routine, t) == 0);
}

TEST_CASE("a case whistled before the Spring Festival is overdue only after the holiday") {
  CaseDeadlines dl;
  dl.routine = {2, 5, 3, DeadlineUnit::WorkingDays};
  dl.calendar = wuhua().work_calendar;
  Maker m;
  m.t = at(2026, 2, 13, 16, 58);
  std::vector<CaseEvent> ev = {m.collected(),
                               m.whistled(kDirector, {kUrban}, WhistleKind::Routine)};
  CaseState s = fold_case(m.case_id, ev);
  // Report-in due 2-24 24:00: not late on the last day of the holiday, nor at 24:00 itself.
  CHECK(overdue(s, dl, at(2026, 2, 23, 23)).empty());
  CHECK(overdue(s, dl, end_of(2026, 2, 24)).empty());
  auto late = overdue(s, dl, end_of(2026, 2, 24) + 1);
  REQUIRE(late.size() == 1);
  CHECK(late[0] == Overdue{OverdueStep::ReportIn, kUrban, end_of(2026, 2, 24), 1});
  // Counted in hours, 48 of them, it would have been late during the holiday.
  CaseDeadlines hours = dl;
  hours.routine = {48, 120, 72};
  CHECK(overdue(s, hours, at(2026, 2, 16, 9)).size() == 1);

  // Reported on the worked Saturday 2-28: feedback due 5 working days later, 3-6 24:00.
  m.t = at(2026, 2, 28, 9);
  ev.push_back(m.reported(kUrban));
  s = fold_case(m.case_id, ev);
  CHECK(overdue(s, dl, end_of(2026, 3, 6)).empty());
  late = overdue(s, dl, end_of(2026, 3, 6) + 1);
  REQUIRE(late.size() == 1);
  CHECK(late[0].step == OverdueStep::Feedback);
}

TEST_CASE("the catalog's calendar and working-day deadlines are read, written and validated") {
  json doc = json::parse(wuhua_json());
  doc["deadlines"]["routine"] = {
      {"unit", "working_days"}, {"report_in", 2}, {"feedback", 5}, {"verify", 3}};
  doc["deadlines"]["key"] = {
      {"unit", "hours"}, {"report_in", 24}, {"feedback", 72}, {"verify", 48}};
  auto c = parse_catalog(doc.dump(), "t.json");
  REQUIRE_MESSAGE(c.is_ok(), c.status().message());
  CHECK(c->deadline_for(WhistleKind::Routine).unit == DeadlineUnit::WorkingDays);
  CHECK(c->deadline_for(WhistleKind::Routine).feedback == 5);
  CHECK(c->deadline_for(WhistleKind::Key).unit == DeadlineUnit::Hours);
  CHECK(c->work_calendar.years.size() == 2);
  auto again = parse_catalog(catalog_to_json(*c), "again.json");
  REQUIRE_MESSAGE(again.is_ok(), again.status().message());
  CHECK(*again == *c);

  SUBCASE("a catalog without the calendar still loads, hours as before") {
    json old = json::parse(wuhua_json());
    old.erase("work_calendar");
    auto o = parse_catalog(old.dump(), "old.json");
    REQUIRE(o.is_ok());
    CHECK(o->work_calendar.years.empty());
    CHECK(catalog_to_json(*o).find("work_calendar") == std::string::npos);
    CHECK(catalog_to_json(*o).find("report_in_hours") != std::string::npos);
  }

  struct Bad {
    const char* name;
    void (*edit)(json&);
    const char* message;
  };
  const Bad bad[] = {
      {"unknown unit",
       [](json& j) {
         j["deadlines"]["routine"] = {
             {"unit", "days"}, {"report_in", 1}, {"feedback", 1}, {"verify", 1}};
       },
       "/deadlines/routine/unit: unknown deadline unit \"days\""},
      {"hours named with a unit",
       [](json& j) {
         j["deadlines"]["routine"] = {{"unit", "working_days"}, {"report_in_hours", 1}};
       },
       "/deadlines/routine/report_in_hours: unknown field \"report_in_hours\""},
      {"too many working days",
       [](json& j) {
         j["deadlines"]["routine"] = {
             {"unit", "working_days"}, {"report_in", 300}, {"feedback", 1}, {"verify", 1}};
       },
       "/deadlines/routine/report_in: must be between 1 and 250"},
      {"not a date", [](json& j) { j["work_calendar"][1]["workdays"][1] = "2026-02-30"; },
       "/work_calendar/1/workdays/1: '2026-02-30' is not a real date"},
      {"a workday on a weekday",
       [](json& j) { j["work_calendar"][1]["workdays"][1] = "2026-02-13"; },
       "/work_calendar/1/workdays/1: 2026-02-13 is a weekday"},
      {"both holiday and workday",
       [](json& j) { j["work_calendar"][1]["workdays"][1] = "2026-02-15"; },
       "2026-02-15 is both a workday and a day of the holiday at /work_calendar/1/holidays/1"},
      {"a date far from its year",
       [](json& j) { j["work_calendar"][0]["holidays"][0]["first"] = "2026-03-01"; },
       "/work_calendar/0/holidays/0/first: 2026-03-01 is not within a month of 2025"},
      {"holiday ending before it starts",
       [](json& j) { j["work_calendar"][1]["holidays"][1]["last"] = "2026-02-10"; },
       "/work_calendar/1/holidays/1/last: 2026-02-10 is before the first day 2026-02-15"},
      {"years out of order",
       [](json& j) {
         json first = j["work_calendar"][0];
         j["work_calendar"][0] = j["work_calendar"][1];
         j["work_calendar"][1] = first;
       },
       "/work_calendar/1/year: year 2025 must come after 2026"},
      {"a year out of range", [](json& j) { j["work_calendar"][0]["year"] = 1800; },
       "/work_calendar/0/year: must be between 1990 and 2100"},
      {"unknown field", [](json& j) { j["work_calendar"][0]["days_off"] = 3; },
       "/work_calendar/0/days_off: unknown field \"days_off\""},
      {"a notice missing", [](json& j) { j["work_calendar"][0].erase("notice"); },
       "/work_calendar/0: missing required field \"notice\""},
  };
  for (const Bad& b : bad) {
    const std::string name = b.name;
    CAPTURE(name);
    json j = json::parse(wuhua_json());
    b.edit(j);
    auto r = parse_catalog(j.dump(), "wuhua.json");
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == weimin::ErrorCode::Invalid);
    CHECK_MESSAGE(r.status().message().find(b.message) != std::string::npos, r.status().message());
  }
}
