// The figures' tables and their SQL for either store (figure_tables.hpp).
#include "figure_tables.hpp"

#include <algorithm>
#include <map>

namespace weimin::server::figure_tables {

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

// A SUM that reads back as a 64-bit integer in both dialects (PostgreSQL sums bigints as
// numeric).
std::string sum(const std::string& condition) {
  return "CAST(SUM(CASE WHEN " + condition + " THEN 1 ELSE 0 END) AS BIGINT)";
}

// The conditions of the unit counts (figures.cpp's count() says the same in C++).
constexpr const char* kKept = "returned_ms = 0";
const std::string kReportSettled =
    std::string(kKept) + " AND report_due_ms > 0 AND reported_ms > 0";
const std::string kReportMet = kReportSettled + " AND reported_ms <= report_due_ms";
const std::string kReportPending =
    std::string(kKept) + " AND report_due_ms > 0 AND reported_ms = 0";
const std::string kResolveSettled =
    std::string(kKept) + " AND resolve_due_ms > 0 AND resolved_ms > 0";
const std::string kResolveMet = kResolveSettled + " AND resolved_ms <= resolve_due_ms";
const std::string kResolvePending =
    std::string(kKept) + " AND resolve_due_ms > 0 AND resolved_ms = 0";
constexpr const char* kSatisfied = "rating IN ('satisfied', 'basically_satisfied')";

// "AND office = ? …" for the query's scope, its parameters appended to `params`.
std::string scope_terms(const FigureQuery& q, std::vector<SqlParam>& params, bool with_department,
                        const std::string& prefix = "") {
  std::string sql;
  if (!q.office.empty()) {
    sql += " AND " + prefix + "office = ?";
    params.emplace_back(q.office);
  }
  if (!q.community.empty()) {
    sql += " AND " + prefix + "community = ?";
    params.emplace_back(q.community);
  }
  if (with_department && !q.department.empty()) {
    sql += " AND " + prefix + "department = ?";
    params.emplace_back(q.department);
  }
  return sql;
}

std::string open_stages() {
  return "('collected', 'whistled', 'reported', 'feedback', 'resolved', 'reopened', "
         "'returned')";
}

// FROM and WHERE of the open cases in scope (r: case_rows). Led by the stage (and the office or
// community), whose indexes cover the counts; a department's scope is an EXISTS on its rows.
std::string open_cases_from(const FigureQuery& q, std::vector<SqlParam>& params) {
  std::string sql = " FROM case_rows r WHERE r.stage IN " + open_stages();
  if (!q.office.empty()) {
    sql += " AND r.office = ?";
    params.emplace_back(q.office);
  }
  if (!q.community.empty()) {
    sql += " AND r.community = ?";
    params.emplace_back(q.community);
  }
  if (!q.department.empty()) {
    sql +=
        " AND EXISTS (SELECT 1 FROM case_departments d WHERE d.case_id = r.case_id AND "
        "d.department = ?)";
    params.emplace_back(q.department);
  }
  return sql;
}

}  // namespace

// [SECTION] Writing

const std::vector<std::string>& unit_columns() {
  static const std::vector<std::string> columns = {
      "day",           "case_id",        "round",       "department",  "first",       "community",
      "office",        "source",         "level",       "kind",        "whistled_ms", "named_ms",
      "report_due_ms", "resolve_due_ms", "reported_ms", "feedback_ms", "verified_ms", "resolved_ms",
      "returned_ms",   "return_reason",  "rating"};
  return columns;
}

std::string insert_unit_sql(Dialect dialect) {
  std::string sql = "INSERT INTO figure_units (";
  std::string values;
  for (const std::string& c : unit_columns()) {
    if (!values.empty()) {
      sql += ", ";
      values += ", ";
    }
    sql += c;
    values += "?";
  }
  return numbered(sql + ") VALUES (" + values + ")", dialect);
}

std::vector<SqlParam> unit_values(const WhistleUnit& u) {
  return {u.day,
          u.case_id,
          std::int64_t{u.round},
          u.department,
          std::int64_t{u.first ? 1 : 0},
          u.community,
          u.office,
          u.source,
          u.level,
          u.kind,
          u.whistled_ms,
          u.named_ms,
          u.report_due_ms,
          u.resolve_due_ms,
          u.reported_ms,
          u.feedback_ms,
          u.verified_ms,
          u.resolved_ms,
          u.returned_ms,
          u.return_reason,
          u.rating};
}

void Touched::units(const std::vector<WhistleUnit>& list) {
  for (const WhistleUnit& u : list) unit_days.emplace(u.day, u.office);
}

void Touched::fact(const FactRecord& f) {
  if (f.fact.kind.starts_with("ticket.")) queue_days.emplace(f.community, f.fact.day);
}

namespace {

// The columns of UnitCounts, in counts_from's order, and their sums over figure_units.
constexpr const char* kCountColumns[] = {
    "units",          "returned",        "rounds",         "report_settled",  "report_met",
    "report_pending", "resolve_settled", "resolve_met",    "resolve_pending", "rated",
    "satisfied",      "round_rated",     "round_satisfied"};
std::string count_columns() {
  std::string out;
  for (const char* c : kCountColumns) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}
std::string count_sums() {
  return "COUNT(*), " + sum("returned_ms > 0") + ", " + sum("first = 1") + ", " +
         sum(kReportSettled) + ", " + sum(kReportMet) + ", " + sum(kReportPending) + ", " +
         sum(kResolveSettled) + ", " + sum(kResolveMet) + ", " + sum(kResolvePending) + ", " +
         sum(std::string(kKept) + " AND rating <> ''") + ", " +
         sum(std::string(kKept) + " AND " + kSatisfied) + ", " + sum("first = 1 AND rating <> ''") +
         ", " + sum(std::string("first = 1 AND ") + kSatisfied);
}

constexpr const char* kDayOfficeTerm = "day = ? AND office = ?";

DaySumsSql make_day_sums_sql(Dialect dialect) {
  const std::string where = std::string(" WHERE ") + kDayOfficeTerm;
  DaySumsSql out;
  for (const char* table : {"unit_days", "unit_sums", "return_days"}) {
    out.deletes.push_back(numbered("DELETE FROM " + std::string(table) + where, dialect));
  }
  out.inserts.push_back(numbered(
      "INSERT INTO unit_days (day, office, department, " + count_columns() +
          ", report_pending_max_due, resolve_pending_max_due) SELECT day, office, department, " +
          count_sums() + ", MAX(CASE WHEN " + kReportPending +
          " THEN report_due_ms ELSE 0 END), MAX(CASE WHEN " + kResolvePending +
          " THEN resolve_due_ms ELSE 0 END) FROM figure_units" + where +
          " GROUP BY day, office, department",
      dialect));
  for (const char* dimension : kSumDimensions) {
    const std::string column(dimension);
    out.inserts.push_back(numbered("INSERT INTO unit_sums (day, office, dimension, member, " +
                                       count_columns() + ") SELECT day, office, '" + column +
                                       "', " + column + ", " + count_sums() + " FROM figure_units" +
                                       where + " GROUP BY day, office, " + column,
                                   dialect));
  }
  out.inserts.push_back(
      numbered("INSERT INTO return_days (day, office, department, reason, returned) SELECT day, "
               "office, department, return_reason, COUNT(*) FROM figure_units" +
                   where + " AND returned_ms > 0 GROUP BY day, office, department, return_reason",
               dialect));
  return out;
}

}  // namespace

std::string replace_day_office_term(std::string sql, Dialect dialect,
                                    const std::string& condition) {
  static const std::string sqlite = kDayOfficeTerm;
  static const std::string postgres = numbered(kDayOfficeTerm, Dialect::Postgres);
  const std::string& term = dialect == Dialect::Sqlite ? sqlite : postgres;
  return sql.replace(sql.find(term), term.size(), condition);
}

const DaySumsSql& day_sums_sql(Dialect dialect) {
  static const DaySumsSql sqlite = make_day_sums_sql(Dialect::Sqlite);
  static const DaySumsSql postgres = make_day_sums_sql(Dialect::Postgres);
  return dialect == Dialect::Sqlite ? sqlite : postgres;
}

std::string mark_queue_day_stale_sql(Dialect dialect) {
  return dialect == Dialect::Sqlite
             ? "INSERT OR IGNORE INTO queue_days_stale (community, day) VALUES (?, ?)"
             : "INSERT INTO queue_days_stale (community, day) VALUES ($1, $2) ON CONFLICT DO "
               "NOTHING";
}

std::string delete_queue_days_sql(Dialect dialect) {
  return numbered("DELETE FROM queue_days WHERE community = ? AND day = ?", dialect);
}

std::string insert_queue_day_sql(Dialect dialect) {
  const std::string window = "\"window\"";
  return numbered("INSERT INTO queue_days (day, community, line, " + window +
                      ", taken, served, no_shows, called, wait_total_ms, longest_wait_ms) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  dialect);
}

std::vector<SqlParam> queue_row_values(const std::string& day, const QueueFigureRow& r) {
  return {day,        r.community, std::int64_t{r.line}, std::int64_t{r.window}, r.taken, r.served,
          r.no_shows, r.called,    r.wait_total_ms,      r.longest_wait_ms};
}

std::string station_day_facts_sql(Dialect dialect, const std::string& columns,
                                  const std::string& table) {
  return numbered("SELECT " + columns + " FROM " + table +
                      " WHERE f.community = ? AND f.day = ? AND f.kind LIKE 'ticket.%'",
                  dialect);
}

// [SECTION] Reading

SqlQuery select_units(const FigureQuery& q, Dialect dialect) {
  SqlQuery out;
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < unit_columns().size(); ++i) {
    sql += (i ? ", " : "") + unit_columns()[i];
  }
  sql += " FROM figure_units WHERE day >= ? AND day <= ?";
  out.params = {q.from, q.to};
  sql += scope_terms(q, out.params, true);
  out.sql = numbered(sql, dialect);
  return out;
}

bool reads_sums(const FigureQuery& q) {
  return q.community.empty() && (q.department.empty() || q.rankings_only);
}

namespace {

// The sums of kCountColumns over a group of day sums, the pending ones only on days before the
// first unsettled one (one parameter each, appended to `params`).
std::string summed_counts(const std::string& first_unsettled, std::vector<SqlParam>& params) {
  // A day after any date: every day's pending units are past due.
  const std::string before = first_unsettled.empty() ? "9999-12-31" : first_unsettled;
  std::string sql;
  for (const std::string c : kCountColumns) {
    if (!sql.empty()) sql += ", ";
    if (c.ends_with("_pending")) {
      sql += "CAST(SUM(CASE WHEN day < ? THEN " + c + " ELSE 0 END) AS BIGINT)";
      params.emplace_back(before);
    } else {
      sql += "CAST(SUM(" + c + ") AS BIGINT)";
    }
  }
  return sql;
}

}  // namespace

SqlQuery select_first_unsettled(const FigureQuery& q, Dialect dialect) {
  SqlQuery out;
  const std::string now = std::to_string(q.now_ms);
  std::string sql = "SELECT MIN(day) FROM unit_days WHERE day >= ? AND day <= ?";
  out.params = {q.from, q.to};
  sql += scope_terms(q, out.params, true);
  sql += " AND ((report_pending > 0 AND report_pending_max_due >= " + now +
         ") OR (resolve_pending > 0 AND resolve_pending_max_due >= " + now + "))";
  out.sql = numbered(sql, dialect);
  return out;
}

SqlQuery select_unit_days(const FigureQuery& q, const std::string& first_unsettled,
                          Dialect dialect) {
  SqlQuery out;
  std::string sql = "SELECT office, department, " + summed_counts(first_unsettled, out.params) +
                    " FROM unit_days WHERE day >= ? AND day <= ?";
  out.params.emplace_back(q.from);
  out.params.emplace_back(q.to);
  sql += scope_terms(q, out.params, true);
  out.sql = numbered(sql + " GROUP BY office, department", dialect);
  return out;
}

SqlQuery select_unit_sums(const FigureQuery& q, const std::string& first_unsettled,
                          Dialect dialect) {
  SqlQuery out;
  const std::string day =
      std::string("CASE WHEN dimension = '") + kSumDimensions[0] + "' THEN day ELSE '' END";
  std::string sql = "SELECT " + day + ", dimension, member, " +
                    summed_counts(first_unsettled, out.params) +
                    " FROM unit_sums WHERE day >= ? AND day <= ?";
  out.params.emplace_back(q.from);
  out.params.emplace_back(q.to);
  sql += scope_terms(q, out.params, false);
  out.sql = numbered(sql + " GROUP BY " + day + ", dimension, member", dialect);
  return out;
}

SqlQuery select_return_days(const FigureQuery& q, Dialect dialect) {
  SqlQuery out;
  std::string sql =
      "SELECT department, reason, CAST(SUM(returned) AS BIGINT) FROM return_days WHERE day >= ? "
      "AND day <= ?";
  out.params = {q.from, q.to};
  sql += scope_terms(q, out.params, false);
  out.sql = numbered(sql + " GROUP BY department, reason", dialect);
  return out;
}

SqlQuery select_late_units(const FigureQuery& q, const std::string& first_day, Dialect dialect) {
  SqlQuery out;
  const std::string now = std::to_string(q.now_ms);
  const std::string report_late = kReportPending + " AND report_due_ms < " + now;
  const std::string resolve_late = kResolvePending + " AND resolve_due_ms < " + now;
  std::string sql = "SELECT day, office, department, level, kind, source, community, " +
                    sum(report_late) + ", " + sum(resolve_late) +
                    " FROM figure_units WHERE day >= ? AND day <= ?";
  out.params = {std::max(first_day, q.from), q.to};
  sql += scope_terms(q, out.params, true);
  sql += " AND ((" + report_late + ") OR (" + resolve_late + "))";
  sql += " GROUP BY day, office, department, level, kind, source, community";
  out.sql = numbered(sql, dialect);
  return out;
}

namespace {

// A group of add_sums' output, by key (kept in `out` at the end).
struct Groups {
  std::map<std::string, FigureGroup> by_key;
  FigureGroup& operator[](const std::string& key) {
    FigureGroup& g = by_key[key];
    g.key = key;
    return g;
  }
  void move_to(std::vector<FigureGroup>& out) {
    for (auto& [k, g] : by_key) out.push_back(std::move(g));
  }
};

// Adds a sum row's counts to `g` (its pending units are those past due). `units_as_rounds`: the
// row counts its units as whistles and its units' ratings (a department's row, or any row of a
// department's scope).
void add_counts(FigureGroup& g, const UnitCounts& c, bool units_as_rounds) {
  g.whistles += units_as_rounds ? c.units : c.rounds;
  g.units += c.units;
  g.returned += c.returned;
  g.rates.responded.due += c.report_settled + c.report_pending;
  g.rates.responded.met += c.report_met;
  g.rates.resolved.due += c.resolve_settled + c.resolve_pending;
  g.rates.resolved.met += c.resolve_met;
  g.rates.satisfied.due += units_as_rounds ? c.rated : c.round_rated;
  g.rates.satisfied.met += units_as_rounds ? c.satisfied : c.round_satisfied;
}

void add_late(FigureGroup& g, const LateUnits& l) {
  g.rates.responded.due += l.report;
  g.rates.resolved.due += l.resolve;
}

}  // namespace

void add_sums(DistrictFigures& out, const std::vector<UnitDay>& days,
              const std::vector<UnitSum>& sums, const std::vector<ReturnDay>& returns,
              const std::vector<LateUnits>& late, const FigureQuery& query) {
  const bool per_unit = !query.department.empty();
  Groups departments, offices;
  for (const UnitDay& d : days) {
    add_counts(departments[d.department], d.counts, true);
    add_counts(offices[d.office], d.counts, per_unit);
  }
  for (const LateUnits& l : late) {
    add_late(departments[l.department], l);
    add_late(offices[l.office], l);
  }
  departments.move_to(out.by_department);
  offices.move_to(out.by_office);
  if (query.rankings_only) return;

  std::map<std::string, Groups> breakdowns;  // by dimension
  Groups series;
  for (const UnitSum& s : sums) {
    add_counts(breakdowns[s.dimension][s.member], s.counts, per_unit);
    // Every unit has one level: the level rows (one per day) make the total and the series.
    if (s.dimension != kSumDimensions[0]) continue;
    add_counts(out.total, s.counts, per_unit);
    if (!query.by.empty()) {
      add_counts(series[bucket_of(s.day, query.by, query.from)], s.counts, per_unit);
    }
  }
  for (const LateUnits& l : late) {
    add_late(breakdowns["level"][l.level], l);
    add_late(breakdowns["kind"][l.kind], l);
    add_late(breakdowns["source"][l.source], l);
    add_late(breakdowns["community"][l.community], l);
    add_late(out.total, l);
    if (!query.by.empty()) add_late(series[bucket_of(l.day, query.by, query.from)], l);
  }
  breakdowns["level"].move_to(out.by_level);
  breakdowns["kind"].move_to(out.by_kind);
  breakdowns["source"].move_to(out.by_source);
  breakdowns["community"].move_to(out.by_community);
  series.move_to(out.series);
  for (const ReturnDay& r : returns) out.returns.push_back({r.department, r.reason, r.returned});
}

SqlQuery select_queue_days(const FigureQuery& q, Dialect dialect) {
  SqlQuery out;
  const std::string window = "\"window\"";
  std::string sql = "SELECT community, line, " + window +
                    ", taken, served, no_shows, called, wait_total_ms, longest_wait_ms FROM "
                    "queue_days WHERE day >= ? AND day <= ?";
  out.params = {q.from, q.to};
  if (!q.office.empty()) {
    sql += " AND community LIKE ?";
    out.params.emplace_back(q.office + "%");
  }
  if (!q.community.empty()) {
    sql += " AND community = ?";
    out.params.emplace_back(q.community);
  }
  out.sql = numbered(sql, dialect);
  return out;
}

SqlQuery count_open(const FigureQuery& q, Dialect dialect) {
  SqlQuery out;
  out.sql = numbered("SELECT COUNT(*)" + open_cases_from(q, out.params), dialect);
  return out;
}

SqlQuery count_overdue(const FigureQuery& q, Dialect dialect) {
  SqlQuery out;
  std::string sql = "SELECT COUNT(*)" + open_cases_from(q, out.params) +
                    " AND r.next_due_ms > 0 AND r.next_due_ms < ?";
  out.params.emplace_back(q.now_ms);
  out.sql = numbered(sql, dialect);
  return out;
}

SqlQuery select_overdue(const FigureQuery& q, Dialect dialect) {
  SqlQuery out;
  // The ids first, from the stage's due index alone, then the few rows: sorting every overdue
  // case's whole row would read (and, embedded, decrypt) all of them.
  const std::string order = " ORDER BY r.next_due_ms, r.case_id";
  std::string ids = "SELECT r.case_id" + open_cases_from(q, out.params) +
                    " AND r.next_due_ms > 0 AND r.next_due_ms < ?" + order + " LIMIT " +
                    std::to_string(kMaxOverdueListed);
  out.params.emplace_back(q.now_ms);
  out.sql = numbered("SELECT " + std::string(projection::row_columns()) +
                         " FROM case_rows r WHERE r.case_id IN (" + ids + ")" + order,
                     dialect);
  return out;
}

}  // namespace weimin::server::figure_tables
