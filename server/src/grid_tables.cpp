// The grid figures' tables and their SQL for either store (grid_tables.hpp).
#include "grid_tables.hpp"

#include <algorithm>

namespace weimin::server::grid_tables {

namespace {

// `?` placeholders as the dialect writes them ($1, $2, … for PostgreSQL).
std::string numbered(const std::string& sql, Dialect dialect) {
  if (dialect == Dialect::Sqlite) return sql;
  std::string out;
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

// The scope's condition on a table with office and community columns.
std::string scope_terms(const FigureQuery& q, const std::string& prefix,
                        std::vector<SqlParam>& params) {
  std::string sql;
  if (!q.office.empty()) {
    sql += " AND " + prefix + "office = ?";
    params.emplace_back(q.office);
  }
  if (!q.community.empty()) {
    sql += " AND " + prefix + "community = ?";
    params.emplace_back(q.community);
  }
  return sql;
}

}  // namespace

void touch(std::set<std::pair<std::string, std::string>>& days, const GridCase& g) {
  days.emplace(g.collected_day, g.office);
  if (!g.closed_day.empty()) days.emplace(g.closed_day, g.office);
}

std::string insert_case_sql(Dialect dialect) {
  return numbered(
      "INSERT INTO grid_cases (case_id, office, community, grid, collected_day, closed_day) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      dialect);
}

std::vector<SqlParam> grid_case_values(const GridCase& g) {
  return {g.case_id, g.office, g.community, g.grid, g.collected_day, g.closed_day};
}

std::vector<std::string> remake_days_sql(Dialect dialect, bool all) {
  // The condition on (a day column, office) for the dialect's pairs.
  auto pairs = [&](const std::string& day) -> std::string {
    if (all) return day + " <> ''";
    if (dialect == Dialect::Sqlite) return day + " = ?1 AND office = ?2";
    return "(" + day + ", office) IN (SELECT * FROM unnest($1::text[], $2::text[]))";
  };
  const std::string del =
      all ? "DELETE FROM grid_days" : "DELETE FROM grid_days WHERE " + pairs("day");
  const std::string insert =
      "INSERT INTO grid_days (day, office, community, grid, collected, closed) SELECT day, "
      "office, community, grid, CAST(SUM(collected) AS BIGINT), CAST(SUM(closed) AS BIGINT) FROM "
      "(SELECT collected_day AS day, office, community, grid, 1 AS collected, 0 AS closed FROM "
      "grid_cases WHERE " +
      pairs("collected_day") +
      " UNION ALL SELECT closed_day AS day, office, community, grid, 0 AS collected, 1 AS closed "
      "FROM grid_cases WHERE " +
      pairs("closed_day") +
      // The partial index grid_cases_closed serves this branch only when the query repeats its
      // condition: neither planner infers closed_day <> '' from closed_day = ?1 (without it
      // each (day, office) read every case of the office, minutes a rebuild at 20M facts).
      (all ? "" : " AND closed_day <> ''") + ") x GROUP BY day, office, community, grid";
  return {del, insert};
}

bool has_grids(const FigureQuery& q) {
  return q.department.empty() && !q.rankings_only;
}

SqlQuery select_grid_days(const FigureQuery& q, Dialect dialect) {
  SqlQuery out;
  out.params = {q.from, q.to};
  std::string sql =
      "SELECT grid, CAST(SUM(collected) AS BIGINT), CAST(SUM(closed) AS BIGINT) FROM grid_days "
      "WHERE day >= ? AND day <= ?";
  sql += scope_terms(q, "", out.params);
  out.sql = numbered(sql + " GROUP BY grid", dialect);
  return out;
}

SqlQuery select_overdue_by_grid(const FigureQuery& q, Dialect dialect) {
  SqlQuery out;
  std::string sql =
      "SELECT r.grid, COUNT(*) FROM case_rows r WHERE r.stage IN ('collected', 'whistled', "
      "'reported', 'feedback', 'resolved', 'reopened', 'returned')";
  sql += scope_terms(q, "r.", out.params);
  sql += " AND r.next_due_ms > 0 AND r.next_due_ms < ? GROUP BY r.grid";
  out.params.emplace_back(q.now_ms);
  out.sql = numbered(sql, dialect);
  return out;
}

void add_grid_counts(DistrictFigures& out, const std::string& grid, std::int64_t collected,
                     std::int64_t closed, std::int64_t overdue) {
  auto it = std::find_if(out.by_grid.begin(), out.by_grid.end(),
                         [&](const GridFigure& g) { return g.grid == grid; });
  if (it == out.by_grid.end()) {
    out.by_grid.push_back({grid});
    it = out.by_grid.end() - 1;
  }
  it->collected += collected;
  it->closed += closed;
  it->overdue += overdue;
}

}  // namespace weimin::server::grid_tables
