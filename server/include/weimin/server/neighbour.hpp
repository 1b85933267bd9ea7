// The district's projection of neighbour services (近邻服务, core/neighbour.hpp) synced from the
// stations: residents' wishes (微心愿 and the five helps 五助) and the care lists of home elderly
// care (居家养老) with their visits and phone call-backs. Rows are made per subject (a wish, a
// listed resident) by folding all the subject's wish.* or care.* facts with core's folds — the
// same state as at the station, whatever order the facts arrived in — in the same transaction
// that stores them, and can be rebuilt from the facts (DistrictStore::rebuild_projection). Steps
// the wish's state did not allow (a claim on a fulfilled wish) and facts that do not read back
// are kept as conflict rows and shown, never dropped.
// Scopes: an office sees its communities' rows, an admin every row, a department none (neighbour
// services are the communities' own work).
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/core/catalog.hpp"
#include "weimin/core/neighbour.hpp"

namespace weimin::sync {
struct FactPayload;
}

namespace weimin::server {

struct FactRecord;
struct Principal;

// A wish as folded, with the community of the station that posted it.
struct NeighbourWishRow {
  std::string community;
  core::Wish wish;
  bool operator==(const NeighbourWishRow&) const = default;
};
// A resident on (or once on) a care list. record.logs and record.events are left empty: the
// visits and calls are rows of their own (NeighbourLogRow).
struct NeighbourCareRow {
  std::string community;
  core::CareRecord record;
  bool operator==(const NeighbourCareRow&) const = default;
};
// One home visit or phone call-back (care.visit_logged, care.call_logged), with the name the
// resident is listed under.
struct NeighbourLogRow {
  std::string community;
  std::string name;
  core::CareEvent event;
  bool operator==(const NeighbourLogRow&) const = default;
};
struct NeighbourConflictRow {
  std::string fact_id;
  std::string subject;
  std::string community;
  std::string kind;
  std::string reason;
  bool operator==(const NeighbourConflictRow&) const = default;
};

// What one subject's facts project to.
struct NeighbourSubjectRows {
  std::optional<NeighbourWishRow> wish;
  std::optional<NeighbourCareRow> care;
  std::vector<NeighbourLogRow> logs;
  std::vector<NeighbourConflictRow> conflicts;
  bool operator==(const NeighbourSubjectRows&) const = default;
};

struct NeighbourFigures {
  std::map<core::HelpKind, core::WishCounts> by_help;
  core::WishCounts wishes;  // all kinds of help
  int listed = 0;           // on a care list now
  int visits_due = 0;       // of them, not visited in the month asked
  core::CareCounts care;    // visits and calls by outcome
  int conflicts = 0;
  bool operator==(const NeighbourFigures&) const = default;
};

// Every row: wishes and care rows by subject, logs and conflicts by fact id (UUIDv7: time order).
struct NeighbourRecords {
  std::vector<NeighbourWishRow> wishes;
  std::vector<NeighbourCareRow> care;
  std::vector<NeighbourLogRow> logs;
  std::vector<NeighbourConflictRow> conflicts;

  // `month` ("YYYY-MM", China time) decides visits_due.
  NeighbourFigures figures(std::string_view month) const;
  bool operator==(const NeighbourRecords&) const = default;
};

// Which rows the console's page reads (DistrictStore::neighbour_page): those of one scope, a
// bounded page of each list. Wishes by community, then what needs someone first (open, claimed,
// fulfilled, confirmed, withdrawn), the newest first, then id; the care lists' listed residents
// by community and id; visits and calls the newest first (then id); conflicts newest first.
struct NeighbourQuery {
  std::string office;     // only rows of this street office's communities (9 digits)
  std::string community;  // only rows of this community (12 digits)
  int limit = 50;         // rows of each list, 1…200
  // The rows of each list skipped (its offset).
  std::int64_t wishes_from = 0;
  std::int64_t care_from = 0;
  std::int64_t logs_from = 0;
  std::int64_t conflicts_from = 0;
};
// One page of each list (care: the residents listed now only), and whether rows follow it.
struct NeighbourPage {
  NeighbourRecords rows;
  bool more_wishes = false;
  bool more_care = false;
  bool more_logs = false;
  bool more_conflicts = false;
  bool operator==(const NeighbourPage&) const = default;
};

namespace neighbour {

// The query of the rows `who` may see (as scoped says), one page of each list at the offsets
// 0; nothing when `who` sees no row at all (a department, a refused principal).
std::optional<NeighbourQuery> scoped_query(const Principal& who, const core::Catalog* catalog);

// Why a store cannot read `query` (a limit outside 1…200, a negative offset), or nothing.
std::optional<std::string> query_refusal(const NeighbourQuery& query);

// True for the kinds projected here: wish.*, care.*.
bool is_neighbour_kind(std::string_view kind);

// Why a station's pushed fact of a neighbour kind can never be applied (its id or subject is not
// a UUID, or its body does not read strictly: an unknown field, a phone not masked, a posted
// wish not named by its own id), or nothing. Facts of other kinds: nothing. A step the wish's
// state does not allow is NOT refused here: it is kept and shown as a conflict.
std::optional<std::string> entry_refusal(const sync::FactPayload& fact);

// The rows of one subject from all its facts (any order, repeats allowed).
NeighbourSubjectRows project_subject(const std::vector<FactRecord>& facts);

// Rows as stored (JSON text in the tables' `record` columns) and back. Corrupt on a record that
// does not read back.
std::string to_record(const NeighbourWishRow& row);
std::string to_record(const NeighbourCareRow& row);
std::string to_record(const NeighbourLogRow& row);
std::string to_record(const NeighbourConflictRow& row);
Result<NeighbourWishRow> wish_from_record(std::string_view text);
Result<NeighbourCareRow> care_from_record(std::string_view text);
Result<NeighbourLogRow> log_from_record(std::string_view text);
Result<NeighbourConflictRow> conflict_from_record(std::string_view text);

// The rows `who` may see: an office its communities', an admin all, a department none. Refused
// principals (principal_refusal) see nothing.
NeighbourRecords scoped(const NeighbourRecords& all, const Principal& who,
                        const core::Catalog* catalog);

}  // namespace neighbour
}  // namespace weimin::server
