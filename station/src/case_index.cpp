#include "case_index.hpp"

#include "case_fold.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::station::case_index {
namespace {

constexpr std::string_view kDeadlinesMeta = "case_now.deadlines";

void add_limits(std::string& out, const core::CaseDeadlines::Limits& l) {
  out += std::to_string(l.report_in) + "," + std::to_string(l.feedback) + "," +
         std::to_string(l.verify) + "," + std::string(core::to_string(l.unit)) + ";";
}

// Refolds one case and writes its row; removes the row when the case has no case.collected
// fact here (a district step pulled before the case itself).
Status refold(storage::Database& db, const std::string& case_id,
              const core::CaseDeadlines& deadlines) {
  const auto id = core::Uuid::parse(case_id);
  WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_subject(db, case_id));
  const storage::FactRow* collected = nullptr;
  for (const auto& r : rows) {
    if (r.kind == "case.collected") {
      collected = &r;
      break;
    }
  }
  if (!id || !collected) {
    WEIMIN_ASSIGN_OR_RETURN(auto del, db.prepare("DELETE FROM case_now WHERE case_id = ?"));
    del.bind(1, case_id);
    return del.run();
  }
  int unknown = 0;  // steps of a newer release: left out, as the desk shows the case
  WEIMIN_ASSIGN_OR_RETURN(core::CaseState state, fold_case_rows(*id, rows, &unknown));
  WEIMIN_ASSIGN_OR_RETURN(
      auto put, db.prepare("INSERT OR REPLACE INTO case_now (case_id, collected_hlc, stage, grid, "
                           "due_ms) VALUES (?, ?, ?, ?, ?)"));
  put.bind(1, case_id)
      .bind(2, collected->hlc)
      .bind(3, core::to_string(state.stage))
      .bind(4, state.where.grid)
      .bind(5, core::overdue_from(state, deadlines));
  return put.run();
}

Result<std::vector<std::string>> column_texts(storage::Statement& s) {
  std::vector<std::string> out;
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return out;
    out.push_back(s.column_text(0));
  }
}

// Stale cases (and, when the deadlines changed, every case with a due time), in one
// transaction.
Status refold_stale(Station& station, const core::CaseDeadlines& deadlines, const std::string& key,
                    bool deadlines_changed) {
  auto& db = station.db();
  WEIMIN_ASSIGN_OR_RETURN(auto stale, db.prepare("SELECT case_id FROM case_now_stale"));
  WEIMIN_ASSIGN_OR_RETURN(std::vector<std::string> ids, column_texts(stale));
  if (deadlines_changed) {
    WEIMIN_ASSIGN_OR_RETURN(
        auto open, db.prepare("SELECT case_id FROM case_now WHERE due_ms IS NOT NULL OR stage IN "
                              "('whistled', 'reported', 'feedback', 'resolved')"));
    WEIMIN_ASSIGN_OR_RETURN(std::vector<std::string> more, column_texts(open));
    ids.insert(ids.end(), more.begin(), more.end());
  }
  for (const auto& id : ids) WEIMIN_TRY(refold(db, id, deadlines));
  WEIMIN_TRY(db.exec("DELETE FROM case_now_stale"));
  return storage::Meta::set(db, kDeadlinesMeta, key);
}

// The WHERE clause of a filter: ?1 stage, ?2 grid, ?3 overdue (0/1), ?4 now.
constexpr std::string_view kWhere =
    " WHERE (?1 IS NULL OR stage = ?1) AND (?2 IS NULL OR grid = ?2) AND (?3 = 0 OR due_ms < ?4)";

void bind_filter(storage::Statement& s, const CaseFilter& filter, std::int64_t now_ms) {
  std::optional<std::string> stage;
  if (filter.stage) stage = std::string(core::to_string(*filter.stage));
  s.bind(1, stage).bind(2, filter.grid).bind(3, filter.only_overdue ? 1 : 0).bind(4, now_ms);
}

}  // namespace

std::string deadlines_key(const core::CaseDeadlines& d) {
  std::string out;
  add_limits(out, d.emergency);
  add_limits(out, d.key);
  add_limits(out, d.routine);
  for (const core::CalendarYear& y : d.calendar.years) {
    out += "|" + std::to_string(y.year) + ":";
    for (const core::Holiday& h : y.holidays) {
      out += h.first.to_string() + "~" + h.last.to_string() + ",";
    }
    out += "w";
    for (const core::CivilDate& w : y.workdays) out += w.to_string() + ",";
  }
  return out;
}

Status refresh(Station& station, const core::CaseDeadlines& deadlines) {
  auto& db = station.db();
  const std::string key = deadlines_key(deadlines);
  WEIMIN_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                          storage::Meta::get(db, kDeadlinesMeta));
  const bool deadlines_changed = !stored || *stored != key;
  WEIMIN_ASSIGN_OR_RETURN(auto any, db.prepare("SELECT EXISTS (SELECT 1 FROM case_now_stale)"));
  WEIMIN_ASSIGN_OR_RETURN(bool row, any.step());
  const bool stale = row && any.column_int64(0) != 0;
  if (!stale && !deadlines_changed) return Status::ok();
  if (db.in_transaction()) return refold_stale(station, deadlines, key, deadlines_changed);
  // Another process may have refreshed since the look above: refold_stale finds what is left.
  return station.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(std::optional<std::string> now_stored,
                            storage::Meta::get(db, kDeadlinesMeta));
    return refold_stale(station, deadlines, key, !now_stored || *now_stored != key);
  });
}

Result<std::vector<std::string>> ids(Station& station, const CaseFilter& filter,
                                     std::int64_t now_ms) {
  WEIMIN_ASSIGN_OR_RETURN(
      auto s, station.db().prepare("SELECT case_id FROM case_now" + std::string(kWhere) +
                                   " ORDER BY collected_hlc DESC, case_id DESC LIMIT ?5 "
                                   "OFFSET ?6"));
  bind_filter(s, filter, now_ms);
  s.bind(5, filter.limit > 0 ? static_cast<std::int64_t>(filter.limit) : std::int64_t{-1})
      .bind(6, static_cast<std::int64_t>(filter.offset));
  return column_texts(s);
}

Result<int> count(Station& station, const CaseFilter& filter, std::int64_t now_ms) {
  WEIMIN_ASSIGN_OR_RETURN(
      auto s, station.db().prepare("SELECT count(*) FROM case_now" + std::string(kWhere)));
  bind_filter(s, filter, now_ms);
  WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
  return row ? static_cast<int>(s.column_int64(0)) : 0;
}

Result<StageCounts> stage_counts(Station& station, std::int64_t now_ms) {
  StageCounts out;
  WEIMIN_ASSIGN_OR_RETURN(
      auto s, station.db().prepare("SELECT stage, count(*), sum(due_ms < ?1) FROM case_now "
                                   "GROUP BY stage"));
  s.bind(1, now_ms);
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return out;
    out.by_stage[s.column_text(0)] = static_cast<int>(s.column_int64(1));
    out.overdue += static_cast<int>(s.column_int64(2));
  }
}

Result<std::vector<GridCaseCount>> grid_counts(Station& station, std::int64_t now_ms) {
  std::vector<GridCaseCount> out;
  WEIMIN_ASSIGN_OR_RETURN(
      auto s, station.db().prepare("SELECT grid, count(*), sum(stage IN ('closed', 'evaluated')), "
                                   "sum(due_ms < ?1) FROM case_now GROUP BY grid"));
  s.bind(1, now_ms);
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return out;
    out.push_back({s.column_text(0), static_cast<int>(s.column_int64(1)),
                   static_cast<int>(s.column_int64(2)), static_cast<int>(s.column_int64(3))});
  }
}

}  // namespace weimin::station::case_index
