// The PostgreSQL store's figure tables (pg_figures.hpp).
#include "pg_figures.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "grid_tables.hpp"
#include "pg_connection.hpp"
#include "weimin/core/queue.hpp"
#include "weimin/server/store.hpp"

namespace weimin::server::pg_figures {

using figure_tables::Dialect;

namespace {

void refresh_station_day(pqxx::work& w, const std::string& community, const std::string& day) {
  static const std::string facts =
      figure_tables::station_day_facts_sql(Dialect::Postgres, "f.payload", "fact f");
  std::vector<core::TicketEvent> events;
  for (const auto& row : w.exec_params(facts, community, day)) {
    auto j = nlohmann::json::parse(row[0].as<std::string>(), nullptr, false);
    if (!j.is_object() || !j.contains("body")) continue;
    auto e = core::ticket_event_from_json(j["body"], "a stored ticket fact");
    if (e.is_ok()) events.push_back(std::move(*e));
  }
  w.exec_params(figure_tables::delete_queue_days_sql(Dialect::Postgres), community, day);
  const core::QueueState state = core::fold_queue(std::move(events));
  static const std::string insert = figure_tables::insert_queue_day_sql(Dialect::Postgres);
  for (const QueueFigureRow& r : projection::queue_day_rows(state, community)) {
    w.exec(inline_params(w, {insert, figure_tables::queue_row_values(day, r)}));
  }
}

// The figures of a query figure_tables::reads_sums answers from the day sums.
void add_sums(pqxx::transaction_base& w, const FigureQuery& query, DistrictFigures& out) {
  auto rows = [&](const projection::SqlQuery& q) { return w.exec(inline_params(w, q)); };
  auto text = [](const pqxx::row& row) {
    return [&row](int i) { return std::string(row[i].c_str()); };
  };
  auto int64 = [](const pqxx::row& row) {
    return [&row](int i) { return row[i].as<std::int64_t>(); };
  };
  const auto first_row = rows(figure_tables::select_first_unsettled(query, Dialect::Postgres));
  // The first unsettled day; empty: none.
  const std::string first = first_row.empty() || first_row[0][0].is_null()
                                ? std::string()
                                : first_row[0][0].as<std::string>();
  std::vector<figure_tables::UnitDay> days;
  for (const auto& row : rows(figure_tables::select_unit_days(query, first, Dialect::Postgres))) {
    days.push_back(figure_tables::unit_day_from(text(row), int64(row)));
  }
  std::vector<figure_tables::UnitSum> sums;
  std::vector<figure_tables::ReturnDay> returns;
  if (!query.rankings_only) {
    for (const auto& row : rows(figure_tables::select_unit_sums(query, first, Dialect::Postgres))) {
      sums.push_back(figure_tables::unit_sum_from(text(row), int64(row)));
    }
    for (const auto& row : rows(figure_tables::select_return_days(query, Dialect::Postgres))) {
      returns.push_back(
          {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int64_t>()});
    }
  }
  std::vector<figure_tables::LateUnits> late;
  if (!first.empty()) {
    for (const auto& row :
         rows(figure_tables::select_late_units(query, first, Dialect::Postgres))) {
      late.push_back(figure_tables::late_units_from(text(row), int64(row)));
    }
  }
  figure_tables::add_sums(out, days, sums, returns, late, query);
}

}  // namespace

std::string inline_params(pqxx::transaction_base& w, const projection::SqlQuery& q) {
  std::string sql;
  for (std::size_t i = 0; i < q.sql.size(); ++i) {
    if (q.sql[i] != '$') {
      sql += q.sql[i];
      continue;
    }
    std::size_t n = 0;
    while (i + 1 < q.sql.size() && std::isdigit(static_cast<unsigned char>(q.sql[i + 1]))) {
      n = n * 10 + static_cast<std::size_t>(q.sql[++i] - '0');
    }
    const projection::SqlParam& p = q.params.at(n - 1);
    sql += std::holds_alternative<std::string>(p) ? w.quote(std::get<std::string>(p))
                                                  : std::to_string(std::get<std::int64_t>(p));
  }
  return sql;
}

void write_units(pqxx::work& w, const std::vector<std::string>& case_ids,
                 const std::vector<WhistleUnit>& units, const std::vector<GridCase>& grids,
                 bool replace, figure_tables::Touched& touched) {
  if (replace && !case_ids.empty()) {
    for (const auto& row : w.exec_params("DELETE FROM grid_cases WHERE case_id = ANY($1::text[]) "
                                         "RETURNING collected_day, office, closed_day",
                                         pg::text_array(case_ids))) {
      GridCase was;
      was.collected_day = row[0].as<std::string>();
      was.office = row[1].as<std::string>();
      was.closed_day = row[2].as<std::string>();
      grid_tables::touch(touched.grid_days, was);
    }
  }
  if (!grids.empty()) {
    pqxx::stream_to st(w, "grid_cases",
                       std::vector<std::string>{"case_id", "office", "community", "grid",
                                                "collected_day", "closed_day"});
    for (const GridCase& g : grids) {
      st << std::make_tuple(g.case_id, g.office, g.community, g.grid, g.collected_day,
                            g.closed_day);
      grid_tables::touch(touched.grid_days, g);
    }
    st.complete();
  }
  if (replace && !case_ids.empty()) {
    for (const auto& row :
         w.exec_params("DELETE FROM figure_units WHERE case_id = ANY($1::text[]) RETURNING day, "
                       "office",
                       pg::text_array(case_ids))) {
      touched.unit_days.emplace(row[0].as<std::string>(), row[1].as<std::string>());
    }
  }
  touched.units(units);
  if (units.empty()) return;
  pqxx::stream_to st(w, "figure_units", figure_tables::unit_columns());
  for (const WhistleUnit& u : units) {
    st << std::make_tuple(u.day, u.case_id, u.round, u.department, u.first ? 1 : 0, u.community,
                          u.office, u.source, u.level, u.kind, u.whistled_ms, u.named_ms,
                          u.report_due_ms, u.resolve_due_ms, u.reported_ms, u.feedback_ms,
                          u.verified_ms, u.resolved_ms, u.returned_ms, u.return_reason, u.rating);
  }
  st.complete();
}

void flush(pqxx::work& w, figure_tables::Touched& touched) {
  if (!touched.unit_days.empty()) {
    std::vector<std::string> days, offices;
    for (const auto& [day, office] : touched.unit_days) {
      days.push_back(day);
      offices.push_back(office);
    }
    // The sums of all the pairs at once.
    const std::string pairs = "(day, office) IN (SELECT * FROM unnest($1::text[], $2::text[]))";
    const figure_tables::DaySumsSql& sums = figure_tables::day_sums_sql(Dialect::Postgres);
    for (const auto* list : {&sums.deletes, &sums.inserts}) {
      for (const std::string& sql : *list) {
        w.exec_params(figure_tables::replace_day_office_term(sql, Dialect::Postgres, pairs),
                      pg::text_array(days), pg::text_array(offices));
      }
    }
  }
  if (!touched.grid_days.empty()) {
    std::vector<std::string> days, offices;
    for (const auto& [day, office] : touched.grid_days) {
      days.push_back(day);
      offices.push_back(office);
    }
    static const std::vector<std::string> remake = grid_tables::remake_days_sql(Dialect::Postgres);
    for (const std::string& sql : remake) {
      w.exec_params(sql, pg::text_array(days), pg::text_array(offices));
    }
  }
  static const std::string mark = figure_tables::mark_queue_day_stale_sql(Dialect::Postgres);
  for (const auto& [community, day] : touched.queue_days) w.exec_params(mark, community, day);
  touched = {};
}

void refresh_stale_queue_days(pqxx::work& w) {
  for (const auto& row : w.exec("DELETE FROM queue_days_stale RETURNING community, day")) {
    refresh_station_day(w, row[0].as<std::string>(), row[1].as<std::string>());
  }
}

void rebuild_unit_sums(pqxx::work& w) {
  const figure_tables::DaySumsSql& sums = figure_tables::day_sums_sql(Dialect::Postgres);
  for (const auto* list : {&sums.deletes, &sums.inserts}) {
    for (const std::string& sql : *list) {
      w.exec(figure_tables::replace_day_office_term(sql, Dialect::Postgres, "1 = 1"));
    }
  }
}

void rebuild_sums(pqxx::work& w) {
  rebuild_unit_sums(w);
  for (const std::string& sql : grid_tables::remake_days_sql(Dialect::Postgres, true)) w.exec(sql);
  for (const auto& row :
       w.exec("SELECT DISTINCT community, day FROM fact WHERE kind LIKE 'ticket.%'")) {
    refresh_station_day(w, row[0].as<std::string>(), row[1].as<std::string>());
  }
}

Result<DistrictFigures> figures(pqxx::transaction_base& w, const FigureQuery& query,
                                const RowReader& row_from) {
  WEIMIN_TRY(check_figure_query(query));
  DistrictFigures out;
  auto run = [&](const projection::SqlQuery& q) { return w.exec(inline_params(w, q)); };
  if (figure_tables::reads_sums(query)) {
    add_sums(w, query, out);
  } else {
    std::vector<WhistleUnit> units;
    const auto rows = run(figure_tables::select_units(query, Dialect::Postgres));
    units.reserve(rows.size());
    for (const auto& row : rows) {
      units.push_back(figure_tables::unit_from([&](int i) { return std::string(row[i].c_str()); },
                                               [&](int i) { return row[i].as<std::int64_t>(); }));
    }
    add_units(out, units, query);
  }
  if (!query.rankings_only) {
    out.open_cases =
        run(figure_tables::count_open(query, Dialect::Postgres))[0][0].as<std::int64_t>();
    out.overdue_cases =
        run(figure_tables::count_overdue(query, Dialect::Postgres))[0][0].as<std::int64_t>();
    for (const auto& row : run(figure_tables::select_overdue(query, Dialect::Postgres))) {
      out.overdue.push_back(row_from(row));
    }
    if (grid_tables::has_grids(query)) {
      for (const auto& row : run(grid_tables::select_grid_days(query, Dialect::Postgres))) {
        grid_tables::add_grid_counts(out, row[0].as<std::string>(), row[1].as<std::int64_t>(),
                                     row[2].as<std::int64_t>(), 0);
      }
      for (const auto& row : run(grid_tables::select_overdue_by_grid(query, Dialect::Postgres))) {
        grid_tables::add_grid_counts(out, row[0].as<std::string>(), 0, 0,
                                     row[1].as<std::int64_t>());
      }
    }
    if (query.department.empty()) {
      std::vector<QueueFigureRow> rows;
      for (const auto& row : run(figure_tables::select_queue_days(query, Dialect::Postgres))) {
        QueueFigureRow r;
        r.community = row[0].as<std::string>();
        r.line = row[1].as<int>();
        r.window = row[2].as<int>();
        r.taken = row[3].as<std::int64_t>();
        r.served = row[4].as<std::int64_t>();
        r.no_shows = row[5].as<std::int64_t>();
        r.called = row[6].as<std::int64_t>();
        r.wait_total_ms = row[7].as<std::int64_t>();
        r.longest_wait_ms = row[8].as<std::int64_t>();
        rows.push_back(std::move(r));
      }
      projection::add_queue_rows(out, rows);
    }
  }
  finish_figures(out);
  return out;
}

}  // namespace weimin::server::pg_figures
