// The embedded (SQLCipher) store's part of the district's figures (figure_tables.hpp): it
// keeps figure_units, their day sums and queue_days in the store's own transactions and reads the
// figures back. EmbeddedStore owns one and calls it where it writes facts and case rows.
// Thread-safety: as EmbeddedStore (one thread at a time).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "figure_tables.hpp"
#include "weimin/storage/database.hpp"

namespace weimin::server {

class EmbeddedFigures {
 public:
  explicit EmbeddedFigures(storage::Database& db) : db_(db) {}

  // Replaces the units of `case_id` (none to remove when `fresh`), inside the caller's
  // transaction, noting the days they touch.
  Status replace_units(const std::string& case_id, const std::vector<WhistleUnit>& units,
                       bool fresh);
  // Replaces the grid case of `case_id` (grid_tables.hpp; none to remove when `fresh`; none to
  // add when `grid` is empty), inside the caller's transaction, noting the days it touches.
  Status replace_grid_case(const std::string& case_id, const std::optional<GridCase>& grid,
                           bool fresh);
  // Notes a newly stored fact (a ticket fact's station day is made again at flush).
  void note_fact(const FactRecord& fact) { touched_.fact(fact); }
  // Notes every station day that has facts, a superset of those with ticket facts (a rebuild).
  Status note_all_queue_days();
  // Its two seeks in facts_day (community, day, id): the first pair of the next community, the
  // next day of a community.
  static constexpr const char* kNextCommunitySql =
      "SELECT community, day FROM facts WHERE community > ? ORDER BY community, day LIMIT 1";
  static constexpr const char* kNextDaySql =
      "SELECT day FROM facts WHERE community = ? AND day > ? ORDER BY community, day LIMIT 1";
  // Remakes the day sums noted since the last flush and marks the station days stale; inside
  // the caller's transaction, before its commit.
  Status flush();
  // Remakes every stale station day's queue rows, in a transaction of its own (figures() does,
  // before it reads them).
  Status refresh_stale_queue_days();
  // Makes unit_days, unit_sums, return_days and grid_days again from figure_units and
  // grid_cases, all days at once (after a migration that added a sum table; inside the caller's
  // transaction).
  Status rebuild_sums();
  // Empties the figure tables (a rebuild, inside its transaction).
  Status clear();

  // A case row from a statement positioned on projection::row_columns().
  using RowReader = std::function<CaseRow(storage::Statement&)>;
  Result<DistrictFigures> figures(const FigureQuery& query, const RowReader& row_from);

 private:
  Result<storage::Statement*> stmt(const std::string& sql);
  Result<storage::Statement*> bound(const projection::SqlQuery& query);
  // The figures of a query figure_tables::reads_sums answers from the day sums.
  Status add_sums(const FigureQuery& query, DistrictFigures& out);

  storage::Database& db_;
  std::unordered_map<std::string, storage::Statement> cache_;
  figure_tables::Touched touched_;
};

}  // namespace weimin::server
