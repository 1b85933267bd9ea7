// What both stores share to keep and read the district's figures by grid (按网格; figures.hpp,
// GridFigure): the tables, the SQL that remakes and reads them, written once for either dialect.
//
// Tables (both stores):
//   grid_cases — one row per collected case (GridCase): its office, community, grid and the days
//                it was collected and closed; remade with the case's row, in its transaction.
//   grid_days  — per (day, office, community, grid): the cases collected and closed that day;
//                remade from grid_cases for every (day, office) a transaction touched, so a
//                month's table reads a few rows a day and never the cases.
// The overdue counts are of the case rows now (case_rows by stage and next_due_ms, grouped by
// grid), like DistrictFigures::overdue_cases.
// Thread-safety: pure functions and value types.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "projection_store.hpp"
#include "weimin/server/figures.hpp"

namespace weimin::server::grid_tables {

using projection::Dialect;
using projection::SqlParam;
using projection::SqlQuery;

// Version 14 of the embedded store, 12 of PostgreSQL: the two tables and their indexes (IF NOT
// EXISTS: a store whose migration records were cut back, as the upgrade tests do, keeps them).
inline constexpr const char* kSqliteSchema = R"SQL(
CREATE TABLE IF NOT EXISTS grid_cases (case_id TEXT PRIMARY KEY, office TEXT NOT NULL, community TEXT NOT NULL,
  grid TEXT NOT NULL, collected_day TEXT NOT NULL, closed_day TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS grid_cases_collected ON grid_cases (office, collected_day);
CREATE INDEX IF NOT EXISTS grid_cases_closed ON grid_cases (office, closed_day) WHERE closed_day <> '';
CREATE TABLE IF NOT EXISTS grid_days (day TEXT NOT NULL, office TEXT NOT NULL, community TEXT NOT NULL,
  grid TEXT NOT NULL, collected INTEGER NOT NULL, closed INTEGER NOT NULL,
  PRIMARY KEY (day, office, community, grid)) WITHOUT ROWID;
)SQL";
inline constexpr const char* kPostgresSchema = R"SQL(
CREATE TABLE IF NOT EXISTS grid_cases (case_id TEXT COLLATE "C" PRIMARY KEY, office TEXT COLLATE "C" NOT NULL,
  community TEXT COLLATE "C" NOT NULL, grid TEXT COLLATE "C" NOT NULL,
  collected_day TEXT COLLATE "C" NOT NULL, closed_day TEXT COLLATE "C" NOT NULL);
CREATE INDEX IF NOT EXISTS grid_cases_collected ON grid_cases (office, collected_day);
CREATE INDEX IF NOT EXISTS grid_cases_closed ON grid_cases (office, closed_day) WHERE closed_day <> '';
CREATE TABLE IF NOT EXISTS grid_days (day TEXT COLLATE "C" NOT NULL, office TEXT COLLATE "C" NOT NULL,
  community TEXT COLLATE "C" NOT NULL, grid TEXT COLLATE "C" NOT NULL, collected BIGINT NOT NULL,
  closed BIGINT NOT NULL, PRIMARY KEY (day, office, community, grid));
)SQL";

// [SECTION] Writing

// The (day, office) pairs of a grid case: its collected day and its closed day, if any.
void touch(std::set<std::pair<std::string, std::string>>& days, const GridCase& g);

// The INSERT of one grid case: parameters grid_case_values'.
std::string insert_case_sql(Dialect dialect);
std::vector<SqlParam> grid_case_values(const GridCase& g);

// grid_days of some (day, office) pairs made again from grid_cases: a DELETE and an INSERT …
// SELECT. SQLite: one pair, parameters ?1 day and ?2 office. PostgreSQL: all pairs at once,
// parameters $1 the days and $2 the offices (text arrays, pairwise). `all`: every day (a
// rebuild; no parameters).
std::vector<std::string> remake_days_sql(Dialect dialect, bool all = false);

// [SECTION] Reading

// The period's grid_days in scope, per grid: columns grid, collected, closed. None for a
// department's query.
SqlQuery select_grid_days(const FigureQuery& query, Dialect dialect);
// The open cases in scope past a deadline now, per grid: columns grid, overdue.
SqlQuery select_overdue_by_grid(const FigureQuery& query, Dialect dialect);

// Whether a query has grid figures: not a department's, not the rankings.
bool has_grids(const FigureQuery& query);

// Adds one row of either select to `out`: to the grid's row, made when it has none yet
// (finish_figures sorts them).
void add_grid_counts(DistrictFigures& out, const std::string& grid, std::int64_t collected,
                     std::int64_t closed, std::int64_t overdue);

}  // namespace weimin::server::grid_tables
