// Figures: what the station did on a day, or over a period (a month by default) — tickets
// taken, served and not shown, waits (per line and per window), cases collected, closed, by
// stage and overdue, satisfaction, and the monthly staff assessment sheet (每月考核): per staff
// member, tickets served, cases handled and closed, and how residents rated them. Read-only.
// Thread-safety: as Station.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/core/case.hpp"
#include "weimin/core/evaluation.hpp"
#include "weimin/core/queue.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station {

struct DayFigures {
  std::string day;
  core::QueueFigures queue;
  double no_show_rate = 0;                    // no-shows ÷ tickets called at least once
  std::map<std::string, int> cases_by_stage;  // every case of the station, by current stage
  int cases_collected_today = 0;
  int cases_overdue = 0;
  // Every case of the station now, per grid of the community (Cases::count_by_grid).
  std::vector<GridCaseCount> grids;
  // Years the open cases' working-day deadlines run through that the catalog's calendar does
  // not cover: counted Monday–Friday there (say so with core::fallback_warning).
  std::vector<int> deadline_fallback_years;
  // Ratings of services and cases given that day (the first per ticket or case counts);
  // satisfaction_rate() is (满意 + 基本满意) ÷ all, empty when nobody rated.
  core::SatisfactionFigures satisfaction;
  // Per staff member: tickets finished and the ratings naming them.
  std::vector<core::StaffFigures> staff;
};

// Figures of `day` (YYYY-MM-DD, default today). Invalid for a malformed day.
Result<DayFigures> day_figures(Station& station, std::optional<std::string> day = std::nullopt);

// [SECTION] A period

// The longest period figures are made for, in days.
inline constexpr int kMaxFiguresDays = 366;

// One row of the monthly staff assessment sheet (每月考核).
struct StaffSheetRow {
  std::string staff;  // staff number
  std::string name;   // from the roster; empty for a number the roster does not know
  int served = 0;     // tickets finished (the last staff number to act on the ticket)
  // Distinct cases in which this staff number recorded any step in the period.
  int cases_handled = 0;
  // case.closed steps (结项) this staff number recorded in the period (a case reopened and
  // closed again counts twice, as on the district's sheet).
  int cases_closed = 0;
  // Over the period's evaluations naming this staff number (the first per ticket or case).
  core::SatisfactionFigures satisfaction;
  bool operator==(const StaffSheetRow&) const = default;
};

// One day of a period, for a chart of the month.
struct DaySeries {
  std::string day;
  int tickets = 0;  // taken that day
  int served = 0;
  int cases_collected = 0;
  bool operator==(const DaySeries&) const = default;
};

struct PeriodFigures {
  std::string from, to;  // inclusive local dates YYYY-MM-DD
  // Summed over the days: the average wait is over every called ticket of the period.
  core::QueueTotals queue;
  double no_show_rate = 0;                   // no-shows ÷ tickets called at least once
  std::map<int, core::QueueTotals> lines;    // by the line a ticket ended its day on
  std::map<int, core::QueueTotals> windows;  // by the window that last called the ticket
  int cases_collected = 0;                   // case.collected facts of the period
  int cases_closed = 0;                      // case.closed steps (结项) of the period
  // Now, whatever the period: every case of the station by its current stage, and the overdue.
  std::map<std::string, int> cases_by_stage;
  int cases_overdue = 0;
  std::vector<GridCaseCount> grids;          // now, as DayFigures::grids
  std::vector<int> deadline_fallback_years;  // now, as DayFigures::deadline_fallback_years
  // Evaluations given in the period (the first per ticket or case counts).
  core::SatisfactionFigures satisfaction;
  // Every active member of the roster, and any other staff number that served, acted on a
  // case or was rated in the period; ordered by staff number.
  std::vector<StaffSheetRow> staff;
  std::vector<DaySeries> days;  // from `from` to `to`, one per day
};

// Figures of the days from `from` to `to` (inclusive, YYYY-MM-DD local dates). Invalid, with a
// sentence saying what to type, for a malformed date, an end before the start, or a period
// longer than 366 days.
Result<PeriodFigures> period_figures(Station& station, std::string from, std::string to);

// The first and last day of a month typed YYYY-MM ("2026-11" → 2026-11-01, 2026-11-30).
// Invalid, saying what to type, for anything else.
Result<std::pair<std::string, std::string>> month_period(std::string_view month);
// The month of a date YYYY-MM-DD, from its first day to its last.
Result<std::pair<std::string, std::string>> month_of(std::string_view day);

}  // namespace weimin::station
