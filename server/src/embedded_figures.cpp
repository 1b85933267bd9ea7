// The embedded store's figure tables (embedded_figures.hpp).
#include "embedded_figures.hpp"

#include <nlohmann/json.hpp>

#include "grid_tables.hpp"
#include "weimin/core/queue.hpp"
#include "weimin/server/store.hpp"

namespace weimin::server {

using figure_tables::Dialect;

Result<storage::Statement*> EmbeddedFigures::stmt(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    WEIMIN_ASSIGN_OR_RETURN(storage::Statement s, db_.prepare(sql));
    it = cache_.emplace(sql, std::move(s)).first;
  }
  it->second.reset();
  return &it->second;
}

Result<storage::Statement*> EmbeddedFigures::bound(const projection::SqlQuery& q) {
  WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt(q.sql));
  for (std::size_t i = 0; i < q.params.size(); ++i) {
    const int at = static_cast<int>(i) + 1;
    if (const auto* text = std::get_if<std::string>(&q.params[i])) {
      s->bind(at, *text);
    } else {
      s->bind(at, std::get<std::int64_t>(q.params[i]));
    }
  }
  return s;
}

Status EmbeddedFigures::replace_units(const std::string& case_id,
                                      const std::vector<WhistleUnit>& units, bool fresh) {
  if (!fresh) {
    WEIMIN_ASSIGN_OR_RETURN(auto* old,
                            stmt("SELECT day, office FROM figure_units WHERE case_id = ?"));
    old->bind(1, case_id);
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, old->step());
      if (!row) break;
      touched_.unit_days.emplace(old->column_text(0), old->column_text(1));
    }
    old->reset();
    WEIMIN_ASSIGN_OR_RETURN(auto* d, stmt("DELETE FROM figure_units WHERE case_id = ?"));
    d->bind(1, case_id);
    WEIMIN_TRY(d->run());
  }
  static const std::string insert = figure_tables::insert_unit_sql(Dialect::Sqlite);
  for (const WhistleUnit& u : units) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, bound({insert, figure_tables::unit_values(u)}));
    WEIMIN_TRY(s->run());
  }
  touched_.units(units);
  return Status::ok();
}

Status EmbeddedFigures::replace_grid_case(const std::string& case_id,
                                          const std::optional<GridCase>& grid, bool fresh) {
  if (!fresh) {
    WEIMIN_ASSIGN_OR_RETURN(auto* old, stmt("SELECT collected_day, office, closed_day FROM "
                                            "grid_cases WHERE case_id = ?"));
    old->bind(1, case_id);
    WEIMIN_ASSIGN_OR_RETURN(bool row, old->step());
    if (row) {
      GridCase was;
      was.collected_day = old->column_text(0);
      was.office = old->column_text(1);
      was.closed_day = old->column_text(2);
      grid_tables::touch(touched_.grid_days, was);
    }
    old->reset();
    if (row) {
      WEIMIN_ASSIGN_OR_RETURN(auto* d, stmt("DELETE FROM grid_cases WHERE case_id = ?"));
      d->bind(1, case_id);
      WEIMIN_TRY(d->run());
    }
  }
  if (!grid) return Status::ok();
  static const std::string insert = grid_tables::insert_case_sql(Dialect::Sqlite);
  WEIMIN_ASSIGN_OR_RETURN(auto* s, bound({insert, grid_tables::grid_case_values(*grid)}));
  WEIMIN_TRY(s->run());
  grid_tables::touch(touched_.grid_days, *grid);
  return Status::ok();
}

// Every (community, day) that has facts, found by seeking facts_day (community, day, id) from one
// pair to the next: a few pages a pair, where reading the kind of every fact scanned the whole
// table (at 30 million facts, 20 of the rebuild's 60 minutes). Days without a ticket are
// included; their refresh finds no ticket facts and writes no queue rows.
Status EmbeddedFigures::note_all_queue_days() {
  WEIMIN_ASSIGN_OR_RETURN(auto* next_community, stmt(kNextCommunitySql));
  WEIMIN_ASSIGN_OR_RETURN(auto* next_day, stmt(kNextDaySql));
  std::string community;  // '' sorts before every community
  while (true) {
    next_community->bind(1, community);
    WEIMIN_ASSIGN_OR_RETURN(bool row, next_community->step());
    if (!row) break;
    community = next_community->column_text(0);
    std::string day = next_community->column_text(1);
    next_community->reset();
    while (true) {
      touched_.queue_days.emplace(community, day);
      next_day->bind(1, community).bind(2, day);
      WEIMIN_ASSIGN_OR_RETURN(bool more, next_day->step());
      if (!more) break;
      day = next_day->column_text(0);
      next_day->reset();
    }
    next_day->reset();
  }
  next_community->reset();
  return Status::ok();
}

Status EmbeddedFigures::flush() {
  figure_tables::Touched touched = std::move(touched_);
  touched_ = {};
  const figure_tables::DaySumsSql& sums = figure_tables::day_sums_sql(Dialect::Sqlite);
  for (const auto& [day, office] : touched.unit_days) {
    for (const auto* list : {&sums.deletes, &sums.inserts}) {
      for (const std::string& sql : *list) {
        WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt(sql));
        s->bind(1, day).bind(2, office);
        WEIMIN_TRY(s->run());
      }
    }
  }
  static const std::vector<std::string> grid_days = grid_tables::remake_days_sql(Dialect::Sqlite);
  for (const auto& [day, office] : touched.grid_days) {
    for (const std::string& sql : grid_days) {
      WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt(sql));
      s->bind(1, day).bind(2, office);
      WEIMIN_TRY(s->run());
    }
  }
  static const std::string mark = figure_tables::mark_queue_day_stale_sql(Dialect::Sqlite);
  for (const auto& [community, day] : touched.queue_days) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt(mark));
    s->bind(1, community).bind(2, day);
    WEIMIN_TRY(s->run());
  }
  return Status::ok();
}

Status EmbeddedFigures::refresh_stale_queue_days() {
  WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db_.begin());
  std::vector<std::pair<std::string, std::string>> stale;
  {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT community, day FROM queue_days_stale"));
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      stale.emplace_back(s->column_text(0), s->column_text(1));
    }
    s->reset();
  }
  if (stale.empty()) return Status::ok();
  static const std::string del_queue = figure_tables::delete_queue_days_sql(Dialect::Sqlite);
  static const std::string insert_queue = figure_tables::insert_queue_day_sql(Dialect::Sqlite);
  static const std::string day_facts = figure_tables::station_day_facts_sql(
      Dialect::Sqlite, "c.record", "facts f JOIN changes c ON c.gseq = f.gseq");
  for (const auto& [community, day] : stale) {
    std::vector<core::TicketEvent> events;
    {
      WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt(day_facts));
      s->bind(1, community).bind(2, day);
      while (true) {
        WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
        if (!row) break;
        auto j = nlohmann::json::parse(s->column_text(0), nullptr, false);
        if (!j.is_object() || !j.contains("body")) continue;
        auto e = core::ticket_event_from_json(j["body"], "a stored ticket fact");
        if (e.is_ok()) events.push_back(std::move(*e));
      }
      s->reset();
    }
    WEIMIN_ASSIGN_OR_RETURN(auto* d, stmt(del_queue));
    d->bind(1, community).bind(2, day);
    WEIMIN_TRY(d->run());
    const core::QueueState state = core::fold_queue(std::move(events));
    for (const QueueFigureRow& r : projection::queue_day_rows(state, community)) {
      WEIMIN_ASSIGN_OR_RETURN(auto* s,
                              bound({insert_queue, figure_tables::queue_row_values(day, r)}));
      WEIMIN_TRY(s->run());
    }
  }
  WEIMIN_TRY(db_.exec("DELETE FROM queue_days_stale"));
  return tx.commit();
}

Status EmbeddedFigures::rebuild_sums() {
  const figure_tables::DaySumsSql& sums = figure_tables::day_sums_sql(Dialect::Sqlite);
  for (const auto* list : {&sums.deletes, &sums.inserts}) {
    for (const std::string& sql : *list) {
      WEIMIN_TRY(db_.exec(figure_tables::replace_day_office_term(sql, Dialect::Sqlite, "1 = 1")));
    }
  }
  for (const std::string& sql : grid_tables::remake_days_sql(Dialect::Sqlite, true)) {
    WEIMIN_TRY(db_.exec(sql));
  }
  return Status::ok();
}

Status EmbeddedFigures::clear() {
  touched_ = {};
  return db_.exec(
      "DELETE FROM figure_units; DELETE FROM unit_days; DELETE FROM unit_sums; DELETE FROM "
      "return_days; DELETE FROM queue_days; DELETE FROM queue_days_stale; DELETE FROM grid_cases; "
      "DELETE FROM grid_days;");
}

Status EmbeddedFigures::add_sums(const FigureQuery& query, DistrictFigures& out) {
  auto text = [](storage::Statement* s) { return [s](int i) { return s->column_text(i); }; };
  auto int64 = [](storage::Statement* s) { return [s](int i) { return s->column_int64(i); }; };
  // Each row of `query` through `read`.
  auto each = [&](const projection::SqlQuery& q, const auto& read) -> Status {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, bound(q));
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      read(s);
    }
    s->reset();
    return Status::ok();
  };
  std::string first;  // the first unsettled day; empty: none
  WEIMIN_TRY(each(figure_tables::select_first_unsettled(query, Dialect::Sqlite),
                  [&](auto* s) { first = s->column_text(0); }));
  std::vector<figure_tables::UnitDay> days;
  WEIMIN_TRY(each(figure_tables::select_unit_days(query, first, Dialect::Sqlite), [&](auto* s) {
    days.push_back(figure_tables::unit_day_from(text(s), int64(s)));
  }));
  std::vector<figure_tables::UnitSum> sums;
  std::vector<figure_tables::ReturnDay> returns;
  if (!query.rankings_only) {
    WEIMIN_TRY(each(figure_tables::select_unit_sums(query, first, Dialect::Sqlite), [&](auto* s) {
      sums.push_back(figure_tables::unit_sum_from(text(s), int64(s)));
    }));
    WEIMIN_TRY(each(figure_tables::select_return_days(query, Dialect::Sqlite), [&](auto* s) {
      returns.push_back({s->column_text(0), s->column_text(1), s->column_int64(2)});
    }));
  }
  std::vector<figure_tables::LateUnits> late;
  if (!first.empty()) {
    WEIMIN_TRY(each(figure_tables::select_late_units(query, first, Dialect::Sqlite), [&](auto* s) {
      late.push_back(figure_tables::late_units_from(text(s), int64(s)));
    }));
  }
  figure_tables::add_sums(out, days, sums, returns, late, query);
  return Status::ok();
}

Result<DistrictFigures> EmbeddedFigures::figures(const FigureQuery& query,
                                                 const RowReader& row_from) {
  WEIMIN_TRY(check_figure_query(query));
  if (!query.rankings_only && query.department.empty()) WEIMIN_TRY(refresh_stale_queue_days());
  WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db_.begin(storage::Database::TxMode::Deferred));
  DistrictFigures out;
  auto text = [](storage::Statement* s) { return [s](int i) { return s->column_text(i); }; };
  auto int64 = [](storage::Statement* s) { return [s](int i) { return s->column_int64(i); }; };
  if (figure_tables::reads_sums(query)) {
    WEIMIN_TRY(add_sums(query, out));
  } else {
    std::vector<WhistleUnit> units;
    WEIMIN_ASSIGN_OR_RETURN(auto* s, bound(figure_tables::select_units(query, Dialect::Sqlite)));
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      units.push_back(figure_tables::unit_from(text(s), int64(s)));
    }
    s->reset();
    add_units(out, units, query);
  }
  if (!query.rankings_only) {
    {
      for (auto [count, into] : {std::pair{&figure_tables::count_open, &out.open_cases},
                                 std::pair{&figure_tables::count_overdue, &out.overdue_cases}}) {
        WEIMIN_ASSIGN_OR_RETURN(auto* s, bound(count(query, Dialect::Sqlite)));
        WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
        *into = row ? s->column_int64(0) : 0;
        s->reset();
      }
    }
    {
      WEIMIN_ASSIGN_OR_RETURN(auto* s,
                              bound(figure_tables::select_overdue(query, Dialect::Sqlite)));
      while (true) {
        WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
        if (!row) break;
        out.overdue.push_back(row_from(*s));
      }
      s->reset();
    }
    if (grid_tables::has_grids(query)) {
      WEIMIN_ASSIGN_OR_RETURN(auto* s,
                              bound(grid_tables::select_grid_days(query, Dialect::Sqlite)));
      while (true) {
        WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
        if (!row) break;
        grid_tables::add_grid_counts(out, s->column_text(0), s->column_int64(1), s->column_int64(2),
                                     0);
      }
      s->reset();
      WEIMIN_ASSIGN_OR_RETURN(s,
                              bound(grid_tables::select_overdue_by_grid(query, Dialect::Sqlite)));
      while (true) {
        WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
        if (!row) break;
        grid_tables::add_grid_counts(out, s->column_text(0), 0, 0, s->column_int64(1));
      }
      s->reset();
    }
    if (query.department.empty()) {
      std::vector<QueueFigureRow> rows;
      WEIMIN_ASSIGN_OR_RETURN(auto* s,
                              bound(figure_tables::select_queue_days(query, Dialect::Sqlite)));
      while (true) {
        WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
        if (!row) break;
        QueueFigureRow r;
        r.community = s->column_text(0);
        r.line = static_cast<int>(s->column_int64(1));
        r.window = static_cast<int>(s->column_int64(2));
        r.taken = s->column_int64(3);
        r.served = s->column_int64(4);
        r.no_shows = s->column_int64(5);
        r.called = s->column_int64(6);
        r.wait_total_ms = s->column_int64(7);
        r.longest_wait_ms = s->column_int64(8);
        rows.push_back(std::move(r));
      }
      s->reset();
      projection::add_queue_rows(out, rows);
    }
  }
  finish_figures(out);
  return out;
}

}  // namespace weimin::server
