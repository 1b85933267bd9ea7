// What both stores share to keep and read the district's figures (figures.hpp): the tables
// (figure units; their sums per day, street office and department; the stations' queue days),
// the SQL that reads them, written once for either dialect, and the sums made into figures.
//
// Tables (both stores; SQLite types in brackets where they differ):
//   figure_units — one row per WhistleUnit, clustered by day; remade with the case's row.
//   unit_days    — per (day, office, department): the units' counts that do not change with
//                  the clock, plus the units still pending a report-in or a resolution and the
//                  latest of their deadlines; remade from figure_units for every (day, office)
//                  a transaction touched. A year's ranking reads these (a few hundred rows a
//                  day) instead of a million units; only the days whose pending deadlines are
//                  not all past now are counted again from the units.
//   unit_sums    — the same counts per (day, office, dimension, member) for the other
//                  breakdowns (dimension level, kind, source or community), and
//   return_days  — the returned units per (day, office, department, reason): with unit_days
//                  they make a month's whole page (total, breakdowns, series, returns) from a
//                  few hundred rows a day. Remade with unit_days. Queries scoped to one
//                  community or one department read that scope's units instead (few).
//   queue_days   — per (day, community, line, window): one station's day of tickets
//                  (projection::queue_day_rows). A push of ticket facts only marks their station
//                  days in queue_days_stale (folding a day per push would cost the push path
//                  half its speed); the figures remake the stale days before reading them.
// Thread-safety: pure functions and value types.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "projection_store.hpp"
#include "weimin/server/figures.hpp"

namespace weimin::server::figure_tables {

using projection::Dialect;
using projection::SqlParam;
using projection::SqlQuery;

// The DDL of the three tables and their indexes, for each dialect.
inline constexpr const char* kSqliteSchema = R"SQL(
CREATE TABLE figure_units (day TEXT NOT NULL, case_id TEXT NOT NULL, round INTEGER NOT NULL,
  department TEXT NOT NULL, first INTEGER NOT NULL, community TEXT NOT NULL, office TEXT NOT NULL,
  source TEXT NOT NULL, level TEXT NOT NULL, kind TEXT NOT NULL, whistled_ms INTEGER NOT NULL,
  named_ms INTEGER NOT NULL, report_due_ms INTEGER NOT NULL, resolve_due_ms INTEGER NOT NULL,
  reported_ms INTEGER NOT NULL, feedback_ms INTEGER NOT NULL, verified_ms INTEGER NOT NULL,
  resolved_ms INTEGER NOT NULL, returned_ms INTEGER NOT NULL, return_reason TEXT NOT NULL,
  rating TEXT NOT NULL, PRIMARY KEY (day, case_id, round, department)) WITHOUT ROWID;
CREATE INDEX figure_units_case ON figure_units (case_id);
CREATE INDEX figure_units_office ON figure_units (office, day);
CREATE INDEX figure_units_community ON figure_units (community, day);
CREATE INDEX figure_units_department ON figure_units (department, day);
CREATE TABLE unit_days (day TEXT NOT NULL, office TEXT NOT NULL, department TEXT NOT NULL,
  units INTEGER NOT NULL, returned INTEGER NOT NULL, rounds INTEGER NOT NULL,
  report_settled INTEGER NOT NULL, report_met INTEGER NOT NULL, report_pending INTEGER NOT NULL,
  report_pending_max_due INTEGER NOT NULL, resolve_settled INTEGER NOT NULL,
  resolve_met INTEGER NOT NULL, resolve_pending INTEGER NOT NULL,
  resolve_pending_max_due INTEGER NOT NULL, rated INTEGER NOT NULL, satisfied INTEGER NOT NULL,
  round_rated INTEGER NOT NULL, round_satisfied INTEGER NOT NULL,
  PRIMARY KEY (day, office, department)) WITHOUT ROWID;
CREATE TABLE queue_days (day TEXT NOT NULL, community TEXT NOT NULL, line INTEGER NOT NULL,
  "window" INTEGER NOT NULL, taken INTEGER NOT NULL, served INTEGER NOT NULL,
  no_shows INTEGER NOT NULL, called INTEGER NOT NULL, wait_total_ms INTEGER NOT NULL,
  longest_wait_ms INTEGER NOT NULL, PRIMARY KEY (day, community, line, "window")) WITHOUT ROWID;
CREATE TABLE queue_days_stale (community TEXT NOT NULL, day TEXT NOT NULL,
  PRIMARY KEY (community, day)) WITHOUT ROWID;
)SQL";
inline constexpr const char* kPostgresSchema = R"SQL(
CREATE TABLE figure_units (day TEXT NOT NULL, case_id TEXT NOT NULL, round INTEGER NOT NULL,
  department TEXT NOT NULL, first INTEGER NOT NULL, community TEXT NOT NULL, office TEXT NOT NULL,
  source TEXT NOT NULL, level TEXT NOT NULL, kind TEXT NOT NULL, whistled_ms BIGINT NOT NULL,
  named_ms BIGINT NOT NULL, report_due_ms BIGINT NOT NULL, resolve_due_ms BIGINT NOT NULL,
  reported_ms BIGINT NOT NULL, feedback_ms BIGINT NOT NULL, verified_ms BIGINT NOT NULL,
  resolved_ms BIGINT NOT NULL, returned_ms BIGINT NOT NULL, return_reason TEXT NOT NULL,
  rating TEXT NOT NULL, PRIMARY KEY (day, case_id, round, department));
CREATE INDEX figure_units_case ON figure_units (case_id);
CREATE INDEX figure_units_office ON figure_units (office, day);
CREATE INDEX figure_units_community ON figure_units (community, day);
CREATE INDEX figure_units_department ON figure_units (department, day);
CREATE TABLE unit_days (day TEXT NOT NULL, office TEXT NOT NULL, department TEXT NOT NULL,
  units BIGINT NOT NULL, returned BIGINT NOT NULL, rounds BIGINT NOT NULL,
  report_settled BIGINT NOT NULL, report_met BIGINT NOT NULL, report_pending BIGINT NOT NULL,
  report_pending_max_due BIGINT NOT NULL, resolve_settled BIGINT NOT NULL,
  resolve_met BIGINT NOT NULL, resolve_pending BIGINT NOT NULL,
  resolve_pending_max_due BIGINT NOT NULL, rated BIGINT NOT NULL, satisfied BIGINT NOT NULL,
  round_rated BIGINT NOT NULL, round_satisfied BIGINT NOT NULL,
  PRIMARY KEY (day, office, department));
CREATE TABLE queue_days (day TEXT NOT NULL, community TEXT NOT NULL, line INTEGER NOT NULL,
  "window" INTEGER NOT NULL, taken BIGINT NOT NULL, served BIGINT NOT NULL,
  no_shows BIGINT NOT NULL, called BIGINT NOT NULL, wait_total_ms BIGINT NOT NULL,
  longest_wait_ms BIGINT NOT NULL, PRIMARY KEY (day, community, line, "window"));
CREATE TABLE queue_days_stale (community TEXT NOT NULL, day TEXT NOT NULL,
  PRIMARY KEY (community, day));
)SQL";

// Version 12 of the embedded store, 10 of PostgreSQL: unit_sums and return_days (filled from
// figure_units by the store after migrating, figure_tables::day_sums_sql without its WHERE).
inline constexpr const char* kSqliteSumsSchema = R"SQL(
CREATE TABLE unit_sums (day TEXT NOT NULL, office TEXT NOT NULL, dimension TEXT NOT NULL,
  member TEXT NOT NULL, units INTEGER NOT NULL, returned INTEGER NOT NULL,
  rounds INTEGER NOT NULL, report_settled INTEGER NOT NULL, report_met INTEGER NOT NULL,
  report_pending INTEGER NOT NULL, resolve_settled INTEGER NOT NULL, resolve_met INTEGER NOT NULL,
  resolve_pending INTEGER NOT NULL, rated INTEGER NOT NULL, satisfied INTEGER NOT NULL,
  round_rated INTEGER NOT NULL, round_satisfied INTEGER NOT NULL,
  PRIMARY KEY (day, office, dimension, member)) WITHOUT ROWID;
CREATE TABLE return_days (day TEXT NOT NULL, office TEXT NOT NULL, department TEXT NOT NULL,
  reason TEXT NOT NULL, returned INTEGER NOT NULL,
  PRIMARY KEY (day, office, department, reason)) WITHOUT ROWID;
)SQL";
inline constexpr const char* kPostgresSumsSchema = R"SQL(
CREATE TABLE unit_sums (day TEXT NOT NULL, office TEXT NOT NULL, dimension TEXT NOT NULL,
  member TEXT NOT NULL, units BIGINT NOT NULL, returned BIGINT NOT NULL, rounds BIGINT NOT NULL,
  report_settled BIGINT NOT NULL, report_met BIGINT NOT NULL, report_pending BIGINT NOT NULL,
  resolve_settled BIGINT NOT NULL, resolve_met BIGINT NOT NULL, resolve_pending BIGINT NOT NULL,
  rated BIGINT NOT NULL, satisfied BIGINT NOT NULL, round_rated BIGINT NOT NULL,
  round_satisfied BIGINT NOT NULL, PRIMARY KEY (day, office, dimension, member));
CREATE TABLE return_days (day TEXT NOT NULL, office TEXT NOT NULL, department TEXT NOT NULL,
  reason TEXT NOT NULL, returned BIGINT NOT NULL, PRIMARY KEY (day, office, department, reason));
)SQL";

// The breakdowns unit_sums keeps: its dimension names, each also the figure_units column.
inline constexpr const char* kSumDimensions[] = {"level", "kind", "source", "community"};

// [SECTION] Writing

// The columns of figure_units in insert order (unit_values gives the values in this order).
const std::vector<std::string>& unit_columns();
// The INSERT of one unit (placeholders for unit_columns()).
std::string insert_unit_sql(Dialect dialect);
std::vector<SqlParam> unit_values(const WhistleUnit& u);

// The (day, office) pairs and (community, day) station days a transaction touched.
struct Touched {
  std::set<std::pair<std::string, std::string>> unit_days;   // (day, office)
  std::set<std::pair<std::string, std::string>> queue_days;  // (community, day)
  std::set<std::pair<std::string, std::string>> grid_days;   // (day, office): grid_tables.hpp
  void units(const std::vector<WhistleUnit>& units);
  // A ticket fact's station day.
  void fact(const FactRecord& fact);
  bool empty() const { return unit_days.empty() && queue_days.empty() && grid_days.empty(); }
};

// The sums of one (day, office) (unit_days, unit_sums, return_days), made again from
// figure_units: the DELETEs, then the INSERT … SELECTs, each with the parameters (day, office)
// in one condition `day = ? AND office = ?` (numbered for PostgreSQL), which a store may
// replace_day_office_term by another (many pairs at once, or "1 = 1" for every day).
struct DaySumsSql {
  std::vector<std::string> deletes;
  std::vector<std::string> inserts;
};
std::string replace_day_office_term(std::string sql, Dialect dialect, const std::string& condition);
const DaySumsSql& day_sums_sql(Dialect dialect);
// Marks a station day stale: parameters (community, day); a day marked already stays marked.
std::string mark_queue_day_stale_sql(Dialect dialect);
// queue_days of one station day: the DELETE's parameters (community, day); the insert is of
// queue_row_values' columns.
std::string delete_queue_days_sql(Dialect dialect);
std::string insert_queue_day_sql(Dialect dialect);
std::vector<SqlParam> queue_row_values(const std::string& day, const QueueFigureRow& row);
// The ticket facts of one station day: parameters (community, day); columns as each store's
// fact reader expects (the store supplies its own select list `columns`).
std::string station_day_facts_sql(Dialect dialect, const std::string& columns,
                                  const std::string& table);

// [SECTION] Reading

// The units of the query's period and scope: columns in unit_read_columns order.
SqlQuery select_units(const FigureQuery& query, Dialect dialect);
// Decodes a row of select_units from a column reader (text(i), int64(i)).
template <typename Text, typename Int>
WhistleUnit unit_from(Text&& text, Int&& int64);

// Whether a query is answered from the day sums (its scope is at most an office): one
// community's or one department's units are few and are read themselves. The select_* of the
// sums below are for such queries only (the sum tables have no community column).
bool reads_sums(const FigureQuery& query);

// The counts a sum row keeps of its units: those that do not change with the clock, and the
// units still pending a report-in or a resolution (past due or not: the clock decides).
struct UnitCounts {
  std::int64_t units = 0, returned = 0, rounds = 0;
  std::int64_t report_settled = 0, report_met = 0, report_pending = 0;
  std::int64_t resolve_settled = 0, resolve_met = 0, resolve_pending = 0;
  std::int64_t rated = 0, satisfied = 0, round_rated = 0, round_satisfied = 0;
};

// The first day of the query's period and scope (office; a department's for rankings) with a
// unit_days row whose pending units are not all past due now: one row, one column, NULL when
// none. Before it every pending unit is past due, so the sums' pending counts are what is due;
// from it on select_late_units says which are.
SqlQuery select_first_unsettled(const FigureQuery& query, Dialect dialect);

// The sums the period's unit_days rows add up to per (office, department), in SQL; pending
// units counted only on the days before `first_unsettled` (empty: every day). Columns: office,
// department, then kCountColumns' order.
struct UnitDay {
  std::string office, department;
  UnitCounts counts;
};
SqlQuery select_unit_days(const FigureQuery& query, const std::string& first_unsettled,
                          Dialect dialect);
template <typename Text, typename Int>
UnitDay unit_day_from(Text&& text, Int&& int64);

// The sums of the period's unit_sums rows per (dimension, member), and for the level rows per
// day too (the total and the series); pending as select_unit_days. Columns: day (empty but
// for level rows), dimension, member, then the counts.
struct UnitSum {
  std::string day, dimension, member;
  UnitCounts counts;
};
SqlQuery select_unit_sums(const FigureQuery& query, const std::string& first_unsettled,
                          Dialect dialect);
template <typename Text, typename Int>
UnitSum unit_sum_from(Text&& text, Int&& int64);

// return_days rows of the query's period and office: columns department, reason, returned.
SqlQuery select_return_days(const FigureQuery& query, Dialect dialect);

// From `first_day` to the period's end, in the query's scope: the pending units past their
// deadline now, per (day, office, department, level, kind, source, community).
struct LateUnits {
  std::string day, office, department, level, kind, source, community;
  std::int64_t report = 0;   // pending a report-in, its deadline before now
  std::int64_t resolve = 0;  // pending a resolution, its deadline before now
};
SqlQuery select_late_units(const FigureQuery& query, const std::string& first_day, Dialect dialect);
template <typename Text, typename Int>
LateUnits late_units_from(Text&& text, Int&& int64);

// The figures from the day sums (a query reads_sums says yes to): by_department and by_office
// from `days`; unless rankings_only, the total, by_level, by_kind, by_source, by_community and
// the series from `sums`, and the returns from `returns`; `late` adds the pending units past
// due of the days from the first unsettled one.
struct ReturnDay {
  std::string department, reason;
  std::int64_t returned = 0;
};
void add_sums(DistrictFigures& out, const std::vector<UnitDay>& days,
              const std::vector<UnitSum>& sums, const std::vector<ReturnDay>& returns,
              const std::vector<LateUnits>& late, const FigureQuery& query);

// The queue days of the period and scope: columns community, line, window, taken, served,
// no_shows, called, wait_total_ms, longest_wait_ms.
SqlQuery select_queue_days(const FigureQuery& query, Dialect dialect);

// Open cases now in scope, and of them those overdue: one row, one count each (two statements
// so that each is answered from an index: stage, or stage and next_due_ms).
SqlQuery count_open(const FigureQuery& query, Dialect dialect);
SqlQuery count_overdue(const FigureQuery& query, Dialect dialect);
// The overdue cases now in scope, earliest deadline first, at most kMaxOverdueListed: columns
// projection::row_columns().
SqlQuery select_overdue(const FigureQuery& query, Dialect dialect);

// [SECTION] Implementation of the templates

template <typename Text, typename Int>
WhistleUnit unit_from(Text&& text, Int&& int64) {
  WhistleUnit u;
  u.day = text(0);
  u.case_id = text(1);
  u.round = static_cast<int>(int64(2));
  u.department = text(3);
  u.first = int64(4) != 0;
  u.community = text(5);
  u.office = text(6);
  u.source = text(7);
  u.level = text(8);
  u.kind = text(9);
  u.whistled_ms = int64(10);
  u.named_ms = int64(11);
  u.report_due_ms = int64(12);
  u.resolve_due_ms = int64(13);
  u.reported_ms = int64(14);
  u.feedback_ms = int64(15);
  u.verified_ms = int64(16);
  u.resolved_ms = int64(17);
  u.returned_ms = int64(18);
  u.return_reason = text(19);
  u.rating = text(20);
  return u;
}

// UnitCounts from the reader's columns first, first + 1, … in kCountColumns order.
template <typename Int>
UnitCounts counts_from(Int&& int64, int first) {
  UnitCounts c;
  std::int64_t* fields[] = {
      &c.units,          &c.returned,        &c.rounds,         &c.report_settled,  &c.report_met,
      &c.report_pending, &c.resolve_settled, &c.resolve_met,    &c.resolve_pending, &c.rated,
      &c.satisfied,      &c.round_rated,     &c.round_satisfied};
  for (std::int64_t* f : fields) *f = int64(first++);
  return c;
}

template <typename Text, typename Int>
UnitDay unit_day_from(Text&& text, Int&& int64) {
  UnitDay d;
  d.office = text(0);
  d.department = text(1);
  d.counts = counts_from(int64, 2);
  return d;
}

template <typename Text, typename Int>
UnitSum unit_sum_from(Text&& text, Int&& int64) {
  UnitSum s;
  s.day = text(0);
  s.dimension = text(1);
  s.member = text(2);
  s.counts = counts_from(int64, 3);
  return s;
}

template <typename Text, typename Int>
LateUnits late_units_from(Text&& text, Int&& int64) {
  LateUnits l;
  l.day = text(0);
  l.office = text(1);
  l.department = text(2);
  l.level = text(3);
  l.kind = text(4);
  l.source = text(5);
  l.community = text(6);
  l.report = int64(7);
  l.resolve = int64(8);
  return l;
}

}  // namespace weimin::server::figure_tables
