// The station's figures over a period: a month of tickets, cases and ratings on several days
// with known counts, and the monthly staff assessment sheet (每月考核).
#include <doctest/doctest.h>

#include "station_fixture.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/evaluations.hpp"
#include "weimin/station/figures.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;
using namespace weimin::station;

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kDay = 24 * 60 * kMinute;

NewCase walk_in(std::string description, core::CaseChannel channel = core::CaseChannel::Window) {
  return NewCase{"env_sanitation", channel,      std::move(description),
                 std::nullopt,     std::nullopt, false};
}

TicketRequest line(int n) {
  return {n, "", core::Priority::None, "", std::nullopt};
}

// A station with a known month: see the comments for every count.
struct Month {
  test::StationFixture f;
  Queue queue{*f.station};
  Evaluations evaluations{*f.station};
  Cases cases{*f.station};
  core::Uuid x, y, z;

  // Minutes after 09:00 on day `day` of the fixture (day 0: Wednesday 2026-11-25).
  void at(int day, int minutes) {
    f.clock.set(test::kWednesdayMorningMs + day * kDay + minutes * kMinute);
  }

  Month() {
    StaffDesk desk(*f.station);
    REQUIRE(desk.put_staff(f.director, {"G003", "赵网格", core::Role::GridWorker, true}, "731846")
                .is_ok());
    REQUIRE(
        desk.put_staff(f.director, {"S009", "离职者", core::Role::Staff, false}, "731846").is_ok());

    // 2026-11-25: D001, D002 (line 4) and A001 (line 1) taken at 09:00.
    at(0, 0);
    REQUIRE(queue.take(line(4)).is_ok());
    REQUIRE(queue.take(line(4)).is_ok());
    REQUIRE(queue.take(line(1)).is_ok());
    at(0, 2);  // S002 calls D001 at window 2 (waited 2 min), serves it; rated 满意 5.
    REQUIRE(queue.call_next(f.staff, 2).value().label == "D001");
    at(0, 5);
    REQUIRE(queue.finish(f.staff, 2).is_ok());
    REQUIRE(evaluations.rate_ticket("D001", {core::Rating::Satisfied, 5, ""}).is_ok());
    at(0, 8);  // S002 calls D002 (waited 8 min): a no-show. D001 calls A001 (8 min) at window 1.
    REQUIRE(queue.call_next(f.staff, 2).value().label == "D002");
    REQUIRE(queue.no_show(f.staff, 2).is_ok());
    REQUIRE(queue.call_next(f.director, 1).value().label == "A001");
    REQUIRE(queue.finish(f.director, 1).is_ok());
    REQUIRE(evaluations.rate_ticket("A001", {core::Rating::Dissatisfied, 1, ""}).is_ok());
    // Case x: recorded and resolved by S002, closed by D001, rated by the resident.
    x = cases.record(f.staff, walk_in("楼道灯不亮")).value().case_id;
    REQUIRE(cases.resolve(f.staff, x, "已换灯泡").is_ok());
    REQUIRE(cases.verify(f.staff, x, "居民确认").is_ok());
    REQUIRE(cases.close(f.director, x, "").is_ok());
    REQUIRE(cases.evaluate(std::nullopt, x, core::Rating::Satisfied, 5, "").is_ok());
    // Case y: recorded by the resident at the kiosk.
    y = cases.record(std::nullopt, walk_in("垃圾桶满了", core::CaseChannel::Kiosk)).value().case_id;

    // 2026-11-26: D001 taken 09:00, called by S002 at 09:20 (20 min), served, rated 基本满意 4.
    at(1, 0);
    REQUIRE(queue.take(line(4)).is_ok());
    at(1, 20);
    REQUIRE(queue.call_next(f.staff, 2).is_ok());
    REQUIRE(queue.finish(f.staff, 2).is_ok());
    REQUIRE(evaluations.rate_ticket("D001", {core::Rating::BasicallySatisfied, 4, ""}).is_ok());
    // S002 settles case y and closes it.
    REQUIRE(cases.resolve(f.staff, y, "已清运").is_ok());
    REQUIRE(cases.verify(f.staff, y, "居民确认").is_ok());
    REQUIRE(cases.close(f.staff, y, "").is_ok());
    // D001 reopens y; S002 settles it again and closes it a second time.
    REQUIRE(cases.reopen(f.director, y, "居民反映又满了").is_ok());
    REQUIRE(cases.resolve(f.staff, y, "再次清运").is_ok());
    REQUIRE(cases.verify(f.staff, y, "居民确认").is_ok());
    REQUIRE(cases.close(f.staff, y, "").is_ok());
    // E001 (line 5) taken at 17:00 and never called: it stays that day's, waiting.
    at(1, 8 * 60);
    REQUIRE(queue.take(line(5)).is_ok());

    // 2026-11-27: nothing. 2026-11-28: D001 called by S002 after 1 min and transferred to
    // window 1, where D001 calls it 3 min later and serves it (its wait stays 1 min).
    at(3, 0);
    REQUIRE(queue.take(line(4)).is_ok());
    at(3, 1);
    REQUIRE(queue.call_next(f.staff, 2).is_ok());
    REQUIRE(queue.transfer(f.staff, 2, std::nullopt, 1).is_ok());
    at(3, 4);
    REQUIRE(queue.call_next(f.director, 1).value().label == "D001");
    REQUIRE(queue.finish(f.director, 1).is_ok());

    // 2026-12-01, outside November: a ticket served and rated, case z recorded and whistled.
    at(6, 0);
    REQUIRE(queue.take(line(4)).is_ok());
    REQUIRE(queue.call_next(f.staff, 2).is_ok());
    REQUIRE(queue.finish(f.staff, 2).is_ok());
    REQUIRE(evaluations.rate_ticket("D001", {core::Rating::Satisfied, 5, ""}).is_ok());
    z = cases.record(f.staff, walk_in("路面塌陷")).value().case_id;
    REQUIRE(cases
                .whistle(f.director, z, core::WhistleLevel::Community, core::WhistleKind::Routine,
                         {"urban_management"}, "")
                .is_ok());
    // 2026-12-04: z's report-in (48 hours) is overdue.
    at(9, 0);
  }
};

const StaffSheetRow& row_of(const PeriodFigures& p, const std::string& staff) {
  for (const auto& r : p.staff) {
    if (r.staff == staff) return r;
  }
  FAIL("no row for " << staff);
  return p.staff.front();
}

}  // namespace

TEST_CASE("a month's figures: every count of tickets, waits, lines, windows, cases and ratings") {
  Month m;
  auto got = period_figures(*m.f.station, "2026-11-01", "2026-11-30");
  REQUIRE_MESSAGE(got.is_ok(), got.status().to_string());
  const PeriodFigures& p = *got;
  CHECK(p.from == "2026-11-01");
  CHECK(p.to == "2026-11-30");

  // Tickets: 3 + 2 + 1; served 2 + 1 + 1; one no-show; five called, waits 2, 8, 8, 20, 1 min.
  CHECK(p.queue.tickets == 6);
  CHECK(p.queue.served == 4);
  CHECK(p.queue.no_shows == 1);
  CHECK(p.queue.called == 5);
  CHECK(p.queue.total_wait_ms == 39 * kMinute);
  // 39 ÷ 5 = 7.8 min over the tickets; the mean of the daily averages (6, 20, 1) would be 9.
  CHECK(p.queue.average_wait_ms() == 468'000);
  CHECK(p.queue.longest_wait_ms == 20 * kMinute);
  CHECK(p.no_show_rate == doctest::Approx(0.2));

  REQUIRE(p.lines.size() == 3);
  CHECK(p.lines.at(4) == core::QueueTotals{4, 3, 1, 4, 31 * kMinute, 20 * kMinute});
  CHECK(p.lines.at(1) == core::QueueTotals{1, 1, 0, 1, 8 * kMinute, 8 * kMinute});
  CHECK(p.lines.at(5) == core::QueueTotals{1, 0, 0, 0, 0, std::nullopt});
  // The transferred ticket is window 1's: window 1 called it last.
  REQUIRE(p.windows.size() == 2);
  CHECK(p.windows.at(2) == core::QueueTotals{3, 2, 1, 3, 30 * kMinute, 20 * kMinute});
  CHECK(p.windows.at(1) == core::QueueTotals{2, 2, 0, 2, 9 * kMinute, 8 * kMinute});
  CHECK(p.windows.at(1).average_wait_ms() == 270'000);

  // Cases: x and y collected in November, x closed once and y twice; z (December) is not
  // counted, but the stages and the overdue are those of now.
  CHECK(p.cases_collected == 2);
  CHECK(p.cases_closed == 3);
  CHECK(p.cases_by_stage ==
        std::map<std::string, int>{{"closed", 1}, {"evaluated", 1}, {"whistled", 1}});
  CHECK(p.cases_overdue == 1);

  // Ratings of November: D001 满意 5, A001 不满意 1, D001 基本满意 4, case x 满意 5.
  CHECK(p.satisfaction.total == 4);
  CHECK(p.satisfaction.satisfied == 2);
  CHECK(p.satisfaction.basically_satisfied == 1);
  CHECK(p.satisfaction.dissatisfied == 1);
  CHECK(p.satisfaction.satisfaction_rate() == doctest::Approx(0.75));
  CHECK(p.satisfaction.average_score == doctest::Approx(3.75));

  // The sheet: the active roster (D001, G003, S002) — not the inactive S009 with nothing.
  REQUIRE(p.staff.size() == 3);
  CHECK(p.staff[0].staff == "D001");
  CHECK(p.staff[1].staff == "G003");
  CHECK(p.staff[2].staff == "S002");
  const auto& d001 = row_of(p, "D001");
  CHECK(d001.name == "李主任");
  CHECK(d001.served == 2);         // A001, and the ticket transferred to window 1
  CHECK(d001.cases_handled == 2);  // closed x, reopened y
  CHECK(d001.cases_closed == 1);
  CHECK(d001.satisfaction.total == 1);
  CHECK(d001.satisfaction.satisfaction_rate() == doctest::Approx(0.0));
  const auto& g003 = row_of(p, "G003");
  CHECK(g003 == StaffSheetRow{"G003", "赵网格", 0, 0, 0, {}});
  const auto& s002 = row_of(p, "S002");
  CHECK(s002.name == "王芳");
  CHECK(s002.served == 2);
  CHECK(s002.cases_handled == 2);  // x (recorded, resolved, verified) and y (resolved … closed)
  CHECK(s002.cases_closed == 2);   // y, closed twice
  CHECK(s002.satisfaction.total == 2);
  CHECK(s002.satisfaction.satisfaction_rate() == doctest::Approx(1.0));
  CHECK(s002.satisfaction.average_score == doctest::Approx(4.5));

  // One entry a day, the quiet days too.
  REQUIRE(p.days.size() == 30);
  CHECK(p.days.front().day == "2026-11-01");
  CHECK(p.days[24] == DaySeries{"2026-11-25", 3, 2, 2});
  CHECK(p.days[25] == DaySeries{"2026-11-26", 2, 1, 0});
  CHECK(p.days[26] == DaySeries{"2026-11-27", 0, 0, 0});
  CHECK(p.days[27] == DaySeries{"2026-11-28", 1, 1, 0});
  CHECK(p.days.back().day == "2026-11-30");
}

TEST_CASE("a shorter period counts only its own days; a day's figures still work") {
  Month m;
  auto p = period_figures(*m.f.station, "2026-11-26", "2026-11-28").value();
  CHECK(p.queue.tickets == 3);
  CHECK(p.queue.served == 2);
  CHECK(p.queue.called == 2);
  CHECK(p.queue.average_wait_ms() == 630'000);  // (20 + 1) ÷ 2 min
  CHECK(p.cases_collected == 0);
  CHECK(p.cases_closed == 2);  // y, twice
  CHECK(p.satisfaction.total == 1);
  CHECK(row_of(p, "S002").cases_handled == 1);
  CHECK(row_of(p, "S002").cases_closed == 2);
  CHECK(row_of(p, "D001").cases_handled == 1);  // the reopening of y
  CHECK(row_of(p, "D001").served == 1);
  CHECK(p.days.size() == 3);

  // December: the rating and the case of 12-01; S002 recorded z, D001 whistled it.
  auto dec = period_figures(*m.f.station, "2026-12-01", "2026-12-31").value();
  CHECK(dec.queue.tickets == 1);
  CHECK(dec.satisfaction.total == 1);
  CHECK(dec.cases_collected == 1);
  CHECK(row_of(dec, "S002").cases_handled == 1);
  CHECK(row_of(dec, "D001").cases_handled == 1);
  CHECK(row_of(dec, "D001").cases_closed == 0);

  auto day = day_figures(*m.f.station, "2026-11-25").value();
  CHECK(day.queue.taken == 3);
  CHECK(day.queue.average_wait_ms == 6 * kMinute);
}

TEST_CASE("period refusals say what to type") {
  test::StationFixture f;
  auto bad = period_figures(*f.station, "2026-11-31", "2026-12-01");
  REQUIRE(bad.status().code() == ErrorCode::Invalid);
  CHECK(bad.status().message().find("'2026-11-31' is not a date; type it as YYYY-MM-DD") !=
        std::string::npos);
  CHECK(period_figures(*f.station, "2026-11-01", "11/30")
            .status()
            .message()
            .find("end date '11/30'") != std::string::npos);
  auto backwards = period_figures(*f.station, "2026-11-30", "2026-11-01");
  REQUIRE(backwards.status().code() == ErrorCode::Invalid);
  CHECK(backwards.status().message().find("on or after the start date") != std::string::npos);
  CHECK(period_figures(*f.station, "2025-11-01", "2026-11-01").is_ok());  // 366 days
  auto long_one = period_figures(*f.station, "2025-11-01", "2026-11-02");
  REQUIRE(long_one.status().code() == ErrorCode::Invalid);
  CHECK(long_one.status().message().find("367 days long; ask for at most 366") !=
        std::string::npos);
}

TEST_CASE("a month typed YYYY-MM runs from its first to its last day") {
  using P = std::pair<std::string, std::string>;
  CHECK(month_period("2026-11").value() == P{"2026-11-01", "2026-11-30"});
  CHECK(month_period("2026-12").value() == P{"2026-12-01", "2026-12-31"});
  CHECK(month_period("2026-02").value() == P{"2026-02-01", "2026-02-28"});
  CHECK(month_period("2028-02").value() == P{"2028-02-01", "2028-02-29"});
  CHECK(month_of("2026-11-25").value() == P{"2026-11-01", "2026-11-30"});
  for (const char* bad : {"2026-13", "2026-1", "202611", "2026-11-01", ""}) {
    auto r = month_period(bad);
    REQUIRE(r.status().code() == ErrorCode::Invalid);
    CHECK(r.status().message().find("type it as YYYY-MM") != std::string::npos);
  }
}
