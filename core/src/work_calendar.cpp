// The working-day calendar: day kinds and working-day deadlines (promises in
// work_calendar.hpp).
#include "weimin/core/work_calendar.hpp"

#include <algorithm>

namespace weimin::core {

bool WorkCalendar::covers(int year) const {
  return std::any_of(years.begin(), years.end(),
                     [year](const CalendarYear& y) { return y.year == year; });
}

std::string_view to_string(DayKind kind) {
  switch (kind) {
    case DayKind::Workday:
      return "workday";
    case DayKind::Weekend:
      return "weekend";
    case DayKind::Holiday:
      return "holiday";
    case DayKind::SwappedWorkday:
      return "swapped_workday";
  }
  return "unknown";
}

const Holiday* holiday_on(const WorkCalendar& calendar, CivilDate date) {
  for (const CalendarYear& y : calendar.years) {
    for (const Holiday& h : y.holidays) {
      if (h.first <= date && date <= h.last) return &h;
    }
  }
  return nullptr;
}

DayKind day_kind(const WorkCalendar& calendar, CivilDate date) {
  for (const CalendarYear& y : calendar.years) {
    // A year's entries lie within a month of it (the catalog's validation).
    if (date.year < y.year - 1 || date.year > y.year + 1) continue;
    if (std::binary_search(y.workdays.begin(), y.workdays.end(), date)) {
      return DayKind::SwappedWorkday;
    }
    for (const Holiday& h : y.holidays) {
      if (h.first <= date && date <= h.last) return DayKind::Holiday;
    }
  }
  return date.weekday() >= 6 ? DayKind::Weekend : DayKind::Workday;
}

bool is_working_day(const WorkCalendar& calendar, CivilDate date) {
  const DayKind k = day_kind(calendar, date);
  return k == DayKind::Workday || k == DayKind::SwappedWorkday;
}

std::int64_t add_working_days(const WorkCalendar& calendar, std::int64_t from_ms, int days) {
  if (days <= 0) return 0;
  std::int64_t day = local_date(from_ms).days_since_epoch();
  int counted = 0;
  while (counted < days) {
    ++day;
    if (is_working_day(calendar, CivilDate::from_days(day))) ++counted;
  }
  return unix_ms_at(CivilDate::from_days(day + 1), 0);
}

std::string local_deadline_time(std::int64_t due_ms) {
  if (local_minute_of_day(due_ms) == 0 && due_ms % 60000 == 0) {
    return CivilDate::from_days(local_date(due_ms).days_since_epoch() - 1).to_string() + " 24:00";
  }
  return local_date_time(due_ms);
}

std::vector<int> uncovered_years(const WorkCalendar& calendar, std::int64_t from_ms,
                                 std::int64_t to_ms) {
  int a = local_date(from_ms).year;
  int b = local_date(to_ms).year;
  if (a > b) std::swap(a, b);
  std::vector<int> out;
  for (int y = a; y <= b; ++y) {
    if (!calendar.covers(y)) out.push_back(y);
  }
  return out;
}

std::string fallback_warning(const std::vector<int>& years, bool zh) {
  if (years.empty()) return {};
  std::string list;
  for (std::size_t i = 0; i < years.size(); ++i) {
    if (i > 0) list += zh ? "、" : ", ";
    list += std::to_string(years[i]);
  }
  if (zh) return list + "年工作日历未发布：按周一至周五计算";
  return list + " not published: counting Monday–Friday";
}

}  // namespace weimin::core
