// What both stores share to keep the case projection (projection.hpp): a case's row from its
// stored facts, the catalog's deadlines (cached by the catalog's gseq), the departments' column,
// the inbox query's checks, order and cursor, and the SQL of one inbox query built for either
// dialect (SQLite's `?` with INDEXED BY, PostgreSQL's `$n`).
// Thread-safety: pure functions and value types, except DeadlineCache (one store's, used under
// the store's own serialisation).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "weimin/core/case.hpp"
#include "weimin/core/queue.hpp"
#include "weimin/server/figures.hpp"
#include "weimin/server/projection.hpp"
#include "weimin/server/store.hpp"

namespace weimin::server::projection {

// [SECTION] Rows from facts

// Case events from stored facts; facts that are not case events or do not read back are skipped.
std::vector<core::CaseEvent> case_events(const std::vector<FactRecord>& facts);

// Fold order, (hlc, origin, id), as case_facts returns a case's facts.
bool before_in_fold_order(const FactRecord& a, const FactRecord& b);

// Copies of a case's facts (none sharing an id) in fold order: what a store folds when it has
// all of a case's facts in hand.
std::vector<FactRecord> in_fold_order(const std::vector<const FactRecord*>& facts);

// The community a case's row names: that of its first case.collected fact, else (a case whose
// collection has not reached the district) that of its first fact. `facts` in fold order.
std::string case_community(const std::vector<FactRecord>& facts);

// project_case over a case's stored facts (fold order, as case_facts returns them).
CaseRow project_facts(const std::string& case_id, const std::vector<FactRecord>& facts,
                      const core::CaseDeadlines& deadlines);

// The hours of each whistle kind in a catalog.
core::CaseDeadlines deadlines_of(const core::Catalog& catalog);

// The deadlines of the latest published catalog, parsed again only when its gseq changes. No
// catalog (or one that does not parse): zero deadlines. Thread-safe (a copy is returned:
// another thread may replace the cached one).
class DeadlineCache {
 public:
  core::CaseDeadlines get(const std::optional<ReferenceRecord>& latest_catalog);

 private:
  std::mutex mutex_;
  std::int64_t gseq_ = -1;
  core::CaseDeadlines deadlines_;
};

// The deadlines of a catalog document, as DeadlineCache makes them (zero when it does not parse).
core::CaseDeadlines deadlines_of_text(const std::string& catalog_json);

// [SECTION] A new catalog's deadlines (projection_deadlines.cpp)

// Which cases' rows and figure units a newly published catalog changes, going from the
// deadlines `before` to `after` (every row is made with the latest catalog's, so the projection
// equals a rebuild only when these are made again in the publish's own transaction):
// - none: the limits and the working days are the same (a new item, a renamed notice…);
// - the cases last changed at or after `since_ms`: only the calendar changed, and a deadline
//   counted from a step on an earlier day ends before the first date the calendars disagree on
//   (every deadline starts at a step, and a row's last_change_ms is its latest step);
// - every case (since_ms 0): a limit or a unit changed.
struct CatalogChange {
  bool rederive = false;
  std::int64_t since_ms = 0;
};
CatalogChange catalog_change(const core::CaseDeadlines& before, const core::CaseDeadlines& after);

// A case as a department or the street office sees it through the API (docs/PROTOCOL.md,
// CaseView): {"case", "community", "stage", "description", "source", "level", "kind",
// "departments":[…], "resolution", "outcome", "evaluation", "conflicts", "steps", "sent_back"}.
// Each row's detail_json holds it under kViewKey, so a list of cases reads rows, not facts.
nlohmann::json case_view_json(const std::string& case_id, const std::string& community,
                              const core::CaseState& state);
inline constexpr std::string_view kViewKey = "view";

// The departments as stored in the rows' `departments` column (compact JSON) and back.
std::string departments_to_json(const std::vector<CaseDepartmentRow>& departments);
std::vector<CaseDepartmentRow> departments_from_json(std::string_view text);

// The next deadline of one department (report-in or feedback); 0 when none.
std::int64_t department_due_ms(const CaseDepartmentRow& d);

// The event fold_case kept for each id (of two sharing an id, the first in its total order).
std::map<core::Uuid, const core::CaseEvent*> events_by_id(std::span<const core::CaseEvent> events);

// [SECTION] Figures (figures.hpp): units and queue days

// A case's figure units from its folded state (whistle_units without the fold).
std::vector<WhistleUnit> units_of_state(const core::CaseState& state,
                                        const std::map<core::Uuid, const core::CaseEvent*>& by_id,
                                        const std::string& community,
                                        const core::CaseDeadlines& deadlines);
// What the grid figures keep of a case (figures.hpp, GridCase) from its folded state and row;
// none for a case not collected yet.
std::optional<GridCase> grid_case_of(const core::CaseState& state, const CaseRow& row);
// A case's row, its figure units and its grid case from its stored facts, folded once.
struct Projected {
  CaseRow row;
  std::vector<WhistleUnit> units;
  std::optional<GridCase> grid;
};
Projected project_facts_with_units(const std::string& case_id, const std::vector<FactRecord>& facts,
                                   const core::CaseDeadlines& deadlines);

// One station's day of tickets as rows by (line, window): each ticket on its line at the day's
// end and at the window that last called it (0: never called).
std::vector<QueueFigureRow> queue_day_rows(const core::QueueState& state,
                                           const std::string& community);
// Rolls `rows` into out's queue tables (by station, line, window), adding to what they hold.
void add_queue_rows(DistrictFigures& out, std::span<const QueueFigureRow> rows);
// Ticket events from stored facts; facts that are not ticket events or do not read back are
// skipped.
std::vector<core::TicketEvent> ticket_events(const std::vector<FactRecord>& facts);
// True when `community` is within the query's office and community.
bool in_scope(const FigureQuery& query, const std::string& community);
// True for a stage that is still open (not closed, evaluated, verified, or none).
bool open_stage(const std::string& stage);

// [SECTION] Inbox queries

inline constexpr int kMaxPageRows = 200;

// Invalid, saying what to change, for a limit outside 1…200, a department_step without a
// department, or a cursor this server did not give.
Status check_query(const CaseQuery& query);

// Overdue at now_ms: 0 < next_due_ms < now_ms.
bool overdue_at(std::int64_t next_due_ms, std::int64_t now_ms);

// Where a row stands in an inbox's order, and the cursor after it. The cursor carries the
// first page's now_ms, so a whole paging sees one split between overdue and the rest.
struct Position {
  std::int64_t now_ms = 0;
  bool overdue = false;
  std::int64_t due_ms = 0;
  std::int64_t change_ms = 0;
  std::string case_id;
};
Position position_of(const CaseRow& row, std::int64_t now_ms);
// True when a comes before b in an inbox's order.
bool before(const Position& a, const Position& b);
std::string encode_cursor(const Position& p);
std::optional<Position> decode_cursor(std::string_view cursor);

enum class Dialect { Sqlite, Postgres };
using SqlParam = std::variant<std::string, std::int64_t>;
struct SqlQuery {
  std::string sql;
  std::vector<SqlParam> params;
};

// The columns every inbox query and case_row select, in this order (r: case_rows).
std::string_view row_columns();

// The statements of one page: a query per "arm" (one per stage when several stages drive the
// query), each for the overdue part or the rest, to run in turn until `limit + 1` rows are
// had; CasePage is then the rows merged in order. Built for `dialect`. Indexes used: see the
// stores' schemas.
struct PagePlan {
  std::vector<SqlQuery> overdue;  // empty when the cursor is past the overdue part
  std::vector<SqlQuery> rest;     // empty when overdue_only
};
PagePlan plan_page(const CaseQuery& query, Dialect dialect);

// Runs a plan with `run` (a store's statement runner returning rows with their detail_json
// empty) and makes the page.
template <typename Run>
Result<CasePage> run_plan(const CaseQuery& query, const PagePlan& plan, Run&& run);

// [SECTION] Implementation of run_plan

std::int64_t effective_now(const CaseQuery& query);
CasePage finish_page(std::vector<CaseRow> rows, const CaseQuery& query);

template <typename Run>
Result<CasePage> run_plan(const CaseQuery& query, const PagePlan& plan, Run&& run) {
  const std::size_t want = static_cast<std::size_t>(query.limit) + 1;
  std::vector<CaseRow> rows;
  for (const std::vector<SqlQuery>* part : {&plan.overdue, &plan.rest}) {
    if (rows.size() >= want) break;
    std::vector<CaseRow> got;
    for (const SqlQuery& q : *part) {
      WEIMIN_ASSIGN_OR_RETURN(std::vector<CaseRow> arm, run(q));
      for (CaseRow& r : arm) got.push_back(std::move(r));
    }
    const std::int64_t now = effective_now(query);
    std::sort(got.begin(), got.end(), [&](const CaseRow& a, const CaseRow& b) {
      return before(position_of(a, now), position_of(b, now));
    });
    for (CaseRow& r : got) {
      if (rows.size() >= want) break;
      rows.push_back(std::move(r));
    }
  }
  return finish_page(std::move(rows), query);
}

}  // namespace weimin::server::projection
