// The working-day calendar (工作日历): which days offices work, as the State Council publishes
// them each year — the official holidays (法定节假日) and the weekend days that become working
// days to make up for them (调休上班). Deadlines counted in working days (docs/FIGURES.md,
// "Deadlines") use it. The district publishes it with the catalog (catalog.hpp); a year it does
// not cover falls back to Monday–Friday, and the functions here say so.
// Dates are Beijing dates (UTC+8, civil_time.hpp), whatever the machine's time zone.
// Thread-safety: value types and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/core/civil_time.hpp"

namespace weimin::core {

// One holiday of a year's notice, first to last day inclusive (春节: 2026-02-15 … 2026-02-23).
struct Holiday {
  std::string zh;  // 春节
  std::string en;  // Spring Festival; may be empty
  CivilDate first;
  CivilDate last;  // ≥ first
  bool operator==(const Holiday&) const = default;
};

// What the State Council's notice for one year says (国务院办公厅关于…年部分节假日安排的通知).
struct CalendarYear {
  int year = 0;
  std::string notice;               // where it was published, e.g. "国办发明电〔2024〕12号"
  std::vector<Holiday> holidays;    // in date order
  std::vector<CivilDate> workdays;  // swapped weekend days worked (调休上班), ascending
  bool operator==(const CalendarYear&) const = default;
};

// The years a district has published; empty: Monday–Friday for every year.
struct WorkCalendar {
  std::vector<CalendarYear> years;  // ascending, one entry per year
  // Whether the calendar has `year`'s notice.
  bool covers(int year) const;
  bool operator==(const WorkCalendar&) const = default;
};

// What kind of day a date is.
enum class DayKind {
  Workday,         // Monday–Friday, no holiday
  Weekend,         // Saturday or Sunday, not swapped
  Holiday,         // a day of a published holiday
  SwappedWorkday,  // a weekend day worked to make up for a holiday (调休上班)
};
// "workday", "weekend", "holiday", "swapped_workday".
std::string_view to_string(DayKind kind);

// The kind of `date`: a published holiday or swapped workday wherever the calendar lists it
// (any year's entry), else Monday–Friday. The same fallback holds for a year not covered.
DayKind day_kind(const WorkCalendar& calendar, CivilDate date);
// Workday or SwappedWorkday.
bool is_working_day(const WorkCalendar& calendar, CivilDate date);
// The holiday of the calendar that contains `date`; nullptr when none.
const Holiday* holiday_on(const WorkCalendar& calendar, CivilDate date);

// The end of a deadline of `days` working days from the instant `from_ms`: 24:00 Beijing time
// (the next day's 00:00) of the `days`-th working day after the day of from_ms. The day the
// period starts is not counted, whatever the hour (民法典 第二百零一条: "开始的当日不计入"), and a
// period ends at 24:00 of its last day (第二百零三条). So 1 working day from Friday 17:00 ends
// Monday 24:00, and from the Friday before the Spring Festival it ends at 24:00 of the first
// working day after it. 0 when days ≤ 0 (no deadline).
std::int64_t add_working_days(const WorkCalendar& calendar, std::int64_t from_ms, int days);

// A due time as a Beijing date and time; a due time at midnight is written as 24:00 of the day
// before ("2026-02-24 24:00"), as a working-day deadline is stated.
std::string local_deadline_time(std::int64_t due_ms);

// The years between the days of from_ms and to_ms (inclusive, either order) that the calendar
// does not cover, ascending: the years a deadline across them was counted Monday–Friday.
std::vector<int> uncovered_years(const WorkCalendar& calendar, std::int64_t from_ms,
                                 std::int64_t to_ms);

// "2028 not published: counting Monday–Friday" / "2028年日历未发布：按周一至周五计算" for
// the years given; empty when none. zh: Chinese, else English.
std::string fallback_warning(const std::vector<int>& years, bool zh);

}  // namespace weimin::core
