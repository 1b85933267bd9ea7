// The district's figures (docs/FIGURES.md): how the closed loop performs over a period — whistles
// by level, kind, source, street office, community and department; the three rates (responded
// on time, resolved on time, satisfied) with the counts behind them; open and overdue cases now;
// returns (退单) by department and reason; rankings; the stations' queues rolled up; and the
// monthly staff assessment sheet (每月考核) of one station.
//
// What is counted comes from the case projection: each case's facts are turned into figure units
// (one per department named in a whistle round) in the same transaction as its row
// (projection.hpp), so a figure is a sum over stored units, never a fold per request. Facts stay
// the truth: figures_from_facts() computes every figure from the facts alone (the property
// test's brute force), and the stores must agree with it.
// Dates are the district's local dates (Asia/Shanghai, UTC+8, core::civil_time), whatever the
// server's zone.
// Thread-safety: value types and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "weimin/core/case.hpp"
#include "weimin/core/catalog.hpp"
#include "weimin/core/evaluation.hpp"
#include "weimin/core/result.hpp"
#include "weimin/server/projection.hpp"

namespace weimin::server {

struct FactRecord;

// [SECTION] Units: what the figures count

// One department's part in one whistle round (吹哨) of a case. A round starts with a
// case.whistled step and ends with the next reopening; its departments are those the whistle
// named, then those an escalation added.
struct WhistleUnit {
  std::string case_id;
  int round = 0;  // 0-based among the case's applied whistles
  // True for the round's first department: the one unit of each round that counts the round
  // itself (whistles by level, kind, source, office, community; the round's satisfaction).
  bool first = false;
  std::string department;  // catalog department id
  std::string community;   // the case's community (12 digits)
  std::string office;      // its street office (the first 9 digits)
  std::string source;      // the case's whistle source id
  std::string level;       // the round's level at the round's end: an escalated round is district
  std::string kind;        // the round's kind
  std::int64_t whistled_ms = 0;  // effective time of the round's whistle
  std::string day;               // local date (UTC+8) of whistled_ms: the period a unit falls in
  std::int64_t named_ms = 0;     // effective time of the whistle or escalation naming it
  // Deadlines from the catalog's limits for the round's kind (core::CaseDeadlines: hours or
  // working days), 0 when none: report-in: named + report_in; resolution: named + report_in +
  // feedback + verify in one count (needs report_in and feedback; a verify of 0 adds nothing).
  std::int64_t report_due_ms = 0;
  std::int64_t resolve_due_ms = 0;
  std::int64_t reported_ms = 0;  // its report-in; 0: none
  std::int64_t feedback_ms = 0;  // its first feedback in the round; 0: none
  std::int64_t verified_ms = 0;  // the round's verification; 0: none
  // Resolved: it gave feedback and the round was verified — the later of the two; 0: not yet.
  std::int64_t resolved_ms = 0;
  std::int64_t returned_ms = 0;  // it returned the whistle (退单); 0: it did not
  std::string return_reason;
  std::string rating;  // the round's rating (core::to_string(Rating)); empty when none
  bool operator==(const WhistleUnit&) const = default;
};

// The units of a case after `events` (any order, repeats allowed; folded with core::fold_case's
// rules), in (round, department order) order. Never fails; a case never whistled has none.
std::vector<WhistleUnit> whistle_units(const core::Uuid& case_id,
                                       std::span<const core::CaseEvent> events,
                                       const std::string& community,
                                       const core::CaseDeadlines& deadlines);

// The local date (UTC+8) of a Unix time, "YYYY-MM-DD".
std::string district_day(std::int64_t unix_ms);

// [SECTION] Queries

// What a figures page, command or export asks for.
struct FigureQuery {
  std::string from;  // first local date, YYYY-MM-DD
  std::string to;    // last local date (inclusive)
  // The series' buckets: "day", "week" (Monday to Sunday) or "month"; empty: no series.
  std::string by;
  // Scope, forced from the principal (scope.hpp, scoped_figure_query); empty: any.
  std::string office;       // only the cases of this street office's communities
  std::string community;    // only the cases of this community
  std::string department;   // only this department's units
  std::int64_t now_ms = 0;  // "now" for the rates' due counts and open/overdue cases
  // Only the rankings (by_department and by_office with their rates): the year's ranking.
  bool rankings_only = false;
};

// Invalid, saying what to type, for a malformed date, `to` before `from`, a period longer than
// 400 days, or a `by` other than day, week, month.
Status check_figure_query(const FigureQuery& query);

// [SECTION] Figures

// One rate: met ÷ due, with both counts. No rate when nothing is due.
struct Rate {
  std::int64_t due = 0;
  std::int64_t met = 0;
  std::optional<double> value() const;
  bool operator==(const Rate&) const = default;
};

// Formulas (docs/FIGURES.md). Over the units of the group, leaving out returned units:
// responded — due: a report-in deadline that has passed (< now) or a report-in; met: reported in
//   at or before the deadline;
// resolved — due: a resolution deadline that has passed or a resolution; met: resolved at or
//   before the deadline;
// satisfied — due: rated rounds; met: rated 满意 or 基本满意. Counted per round (the round's
//   first unit) for every group but a department's, where it is over the department's units.
struct Rates {
  Rate responded;
  Rate resolved;
  Rate satisfied;
  bool operator==(const Rates&) const = default;
};

// One row of a figures table.
struct FigureGroup {
  // The level, kind or source id, the office or community code, the department id, or the
  // series bucket's first day; empty for the total.
  std::string key;
  std::int64_t whistles = 0;  // rounds (a department's row: the rounds that named it)
  std::int64_t units = 0;     // departments named, over those rounds
  std::int64_t returned = 0;  // of them returned (退单)
  Rates rates;
  bool operator==(const FigureGroup&) const = default;
};

struct ReturnFigure {
  std::string department;
  std::string reason;
  std::int64_t count = 0;
  bool operator==(const ReturnFigure&) const = default;
};

// One row of the queue tables: a station (community), a line of a station or a window of a
// station, over the period.
struct QueueFigureRow {
  std::string community;
  int line = 0;    // 0 in station and window rows
  int window = 0;  // 0 in station and line rows
  std::int64_t taken = 0;
  std::int64_t served = 0;
  std::int64_t no_shows = 0;
  std::int64_t called = 0;         // called at least once
  std::int64_t wait_total_ms = 0;  // over the called tickets: take → first call
  std::int64_t longest_wait_ms = 0;
  std::optional<std::int64_t> average_wait_ms() const;  // wait_total ÷ called
  bool operator==(const QueueFigureRow&) const = default;
};

// One grid's cases (按网格): those collected and closed in the period (by the local date of the
// collection and of the latest case.closed step of a case still closed or evaluated), and those
// open and past a deadline now (as DistrictFigures::overdue_cases). A case without a grid counts
// under the grid "" (no grid).
struct GridFigure {
  std::string grid;  // catalog grid code; empty: no grid
  std::int64_t collected = 0;
  std::int64_t closed = 0;
  std::int64_t overdue = 0;
  bool operator==(const GridFigure&) const = default;
};

// What the grid figures keep of one collected case (grid_tables.hpp): where it is and the days
// it was collected and (while it stays closed or evaluated) closed.
struct GridCase {
  std::string case_id;
  std::string office;
  std::string community;
  std::string grid;           // empty: none
  std::string collected_day;  // YYYY-MM-DD (UTC+8)
  std::string closed_day;     // YYYY-MM-DD; empty while not closed
  bool operator==(const GridCase&) const = default;
};

struct DistrictFigures {
  FigureGroup total;
  std::vector<FigureGroup> by_level;   // by key
  std::vector<FigureGroup> by_kind;    // by key
  std::vector<FigureGroup> by_source;  // most whistles first, then key
  std::vector<FigureGroup> by_office;  // by key
  std::vector<FigureGroup> by_community;
  std::vector<FigureGroup> by_department;
  std::vector<FigureGroup> series;  // one per bucket of `by` that has whistles, by date
  // Now (query.now_ms), in scope, whatever the period: open cases (stages collected, whistled,
  // reported, feedback, resolved, reopened, returned; a department: those whose current round
  // named it), and of them
  // those past a deadline (CaseRow::next_due_ms); the overdue ones earliest deadline first, at
  // most kMaxOverdueListed.
  std::int64_t open_cases = 0;
  std::int64_t overdue_cases = 0;
  std::vector<CaseRow> overdue;                  // detail_json empty
  std::vector<ReturnFigure> returns;             // most first, then department, reason
  std::vector<QueueFigureRow> queue_by_station;  // by community
  std::vector<QueueFigureRow> queue_by_line;     // by community, line
  std::vector<QueueFigureRow> queue_by_window;   // by community, window
  // The grids with a case collected, closed or overdue, in scope (none for a department's
  // figures or the rankings): by grid code, "no grid" last.
  std::vector<GridFigure> by_grid;
  bool operator==(const DistrictFigures&) const = default;
};
inline constexpr int kMaxOverdueListed = 50;

// Groups ordered best first on one rate: highest rate first; a group with no rate last; ties
// by more due first, then key.
enum class RateKind { Responded, Resolved, Satisfied };
std::vector<FigureGroup> ranked(std::vector<FigureGroup> groups, RateKind by);

// One staff member of a station over a month: the monthly assessment sheet's row (每月考核).
struct StaffSheetRow {
  std::string staff;        // staff number, e.g. "D001"
  std::string name;         // from the published roster; empty when it does not list the number
  std::int64_t served = 0;  // tickets finished (core::served_by_staff, summed over days)
  // Distinct cases with a step recorded by them in the month (as director, deputy head, staff,
  // grid worker or social worker), and their case.closed steps.
  std::int64_t cases_handled = 0;
  std::int64_t cases_closed = 0;
  core::SatisfactionFigures satisfaction;  // evaluations naming them (first per target)
  bool operator==(const StaffSheetRow&) const = default;
};
struct StaffSheet {
  std::string community;
  std::string month;                // YYYY-MM
  std::vector<StaffSheetRow> rows;  // by staff number
  bool operator==(const StaffSheet&) const = default;
};

// The sheet of `community` for `month` from that community's facts of the month (any order;
// others are skipped): tickets folded per day, case steps by actor, evaluations. `roster_json`:
// the published roster (may be empty). Invalid for a malformed month.
Result<StaffSheet> staff_sheet(const std::vector<FactRecord>& facts, const std::string& community,
                               const std::string& month, const std::string& roster_json);

// [SECTION] Computing

// Adds the figures of `units` (already in the query's period and scope) to `out`: the total,
// the breakdowns, the series, returns. The one place that counts units; both stores and the
// brute force use it.
void add_units(DistrictFigures& out, std::span<const WhistleUnit> units, const FigureQuery& query);
// Sorts the breakdowns and returns as DistrictFigures says.
void finish_figures(DistrictFigures& out);

// The series bucket of `day` for `by` ("day": the day; "week": its Monday, but not before
// `from`; "month": its first day, but not before `from`).
std::string bucket_of(const std::string& day, const std::string& by, const std::string& from);

// Every figure from the facts alone: each case folded from its facts, units made by
// whistle_units, queue figures by folding each station's day of ticket facts. Slow; the
// reference the stores are tested against. `catalog` gives the deadlines (null: none).
DistrictFigures figures_from_facts(const std::vector<FactRecord>& facts,
                                   const core::Catalog* catalog, const FigureQuery& query);

}  // namespace weimin::server
