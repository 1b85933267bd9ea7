// The district's case projection (DESIGN.md, "The district: people, scopes and projections"):
// the current state of every case — stage, community, street office, the whistled departments
// and their step, deadlines, overdue, last change, and the timeline a case page shows — kept in
// the store's tables and updated in the same transaction as the facts that change it, so the
// console's pages and filters read rows and never fold facts per request. Facts stay the
// truth: the projection is rebuilt from them (`weimin-district projection rebuild`) and a
// property test checks it against a full fold.
// project_case is the one place that turns a case's facts into its row; both stores call it.
// Thread-safety: value types and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "weimin/core/case.hpp"

namespace weimin::server {

// One whistled department of a case's current round.
struct CaseDepartmentRow {
  std::string department;  // catalog department id
  // Where the department stands: "whistled" (waiting for its report-in), "reported", "feedback"
  // (gave feedback at least once), "returned" (sent the whistle back, 退单).
  std::string step;
  std::int64_t report_due_ms = 0;    // whistle + report-in hours; 0: no deadline
  std::int64_t reported_ms = 0;      // effective wall time of its report-in; 0: not yet
  std::int64_t feedback_due_ms = 0;  // report-in + feedback hours; 0: none (or not reported)
  std::int64_t feedback_ms = 0;      // its latest feedback; 0: none
  std::int64_t expected_ms = 0;      // the date it expects to be done (given at report-in); 0: none
  bool operator==(const CaseDepartmentRow&) const = default;
};

// A case as the console lists it. Times are Unix ms of the steps' effective HLC wall times.
struct CaseRow {
  std::string case_id;        // UUID text
  std::string tracking_code;  // core::tracking_code
  std::string community;      // 12 digits: that of its first case.collected
  std::string office;         // 9 digits: the community's street office
  std::string stage;          // core::to_string(CaseStage)
  std::string source;         // whistle source id
  std::string channel;        // "kiosk", "window", "grid_round"
  std::string level;          // current round's whistle level; empty when not whistled
  std::string kind;           // current round's whistle kind; empty when not whistled
  std::string description;    // the resident's words
  std::int64_t collected_ms = 0;
  std::int64_t stage_since_ms = 0;
  std::int64_t last_change_ms = 0;  // the newest applied step or note
  // The earliest deadline of the current round not yet met (report-in, feedback or
  // verification; core::overdue's rules); 0 when none. Overdue at t ⇔ 0 < next_due_ms < t.
  std::int64_t next_due_ms = 0;
  int open_conflicts = 0;
  int reopen_count = 0;
  std::string evaluation;  // current round's rating; empty when none
  // The street office sent the case back to its community (case.sent_back) and nobody
  // whistled or resolved it since.
  bool sent_back = false;
  std::vector<CaseDepartmentRow> departments;  // in the whistle's order
  // The grid (网格) its collected event names (core::CaseWhere::grid); empty when none.
  std::string grid;
  // The case page's content as JSON text: every step of the timeline with who, when, what and
  // its text (note, action, outcome, reason…), each step's deadline and whether it was met,
  // the notes and the open and settled conflicts. Read by the case page only; not filtered on.
  std::string detail_json;
  bool operator==(const CaseRow&) const = default;
};

// The row of case `case_id` after `events` (any order, repeats allowed: core::fold_case),
// for a case of `community`, with deadlines from the catalog. Never fails.
CaseRow project_case(const core::Uuid& case_id, std::span<const core::CaseEvent> events,
                     const std::string& community, const core::CaseDeadlines& deadlines);

// What a console inbox asks for. Empty strings and zeros mean "any".
struct CaseQuery {
  std::string office;      // only cases of this street office's communities
  std::string community;   // only cases of this community
  std::string department;  // only cases whose current round whistled this department
  // With `department`: only cases where that department's step is this one.
  std::string department_step;
  std::vector<std::string> stages;  // only cases at one of these stages
  std::string source;
  std::string level;
  std::string kind;
  std::string channel;
  std::string grid;           // only cases of this grid (网格) code
  std::string tracking_code;  // exact match
  bool overdue_only = false;  // next_due_ms in (0, now_ms)
  // Only cases whistled at least once (a whistle that took effect, in any round: they have
  // figure units), as the street office's and departments' API lists them.
  bool whistled_only = false;
  // The rows keep their detail_json (the case page and the API's view of the case).
  bool with_detail = false;
  std::int64_t now_ms = 0;
  std::int64_t collected_from_ms = 0;  // collected_ms ≥ this
  std::int64_t collected_to_ms = 0;    // collected_ms < this (0: no bound)
  // Order: overdue first (earliest due first), then the most recently changed; ties by id.
  // Paging: `after` is the cursor of the last row of the previous page (CasePage::next).
  std::string after;
  int limit = 50;  // 1…200
};

struct CasePage {
  std::vector<CaseRow> rows;  // detail_json left empty unless the query asked for it
  std::string next;           // cursor for the following page; empty when this is the last
};

}  // namespace weimin::server
