#include "weimin/storage/station_schema.hpp"

#include <array>

#include "weimin/storage/outbox.hpp"

namespace weimin::storage {
namespace {

constexpr std::string_view kV1 =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    // One row per fact: created once where it happened, never updated (DESIGN.md).
    "CREATE TABLE facts ("
    "  id TEXT PRIMARY KEY,"       // UUIDv7
    "  kind TEXT NOT NULL,"        // e.g. 'case.collected'
    "  subject TEXT NOT NULL,"     // the ticket, case or appointment it is about
    "  origin TEXT NOT NULL,"      // the node that wrote it
    "  hlc INTEGER NOT NULL,"      // packed hybrid logical clock
    "  wall_ms INTEGER NOT NULL,"  // the origin's wall clock
    "  day TEXT NOT NULL,"         // the origin's local date, YYYY-MM-DD
    "  body TEXT NOT NULL,"        // JSON
    "  received_ms INTEGER"        // when the district received it, once known
    ");"
    "CREATE INDEX facts_subject ON facts (subject, hlc);"
    "CREATE INDEX facts_kind_day ON facts (kind, day);";

// Version 2: the staff roster (reference data from the district; the first director is made
// at init) and the residents' tracking codes of cases.
constexpr std::string_view kV2 =
    "CREATE TABLE staff ("
    "  staff_no TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  role TEXT NOT NULL,"
    "  pin_hash TEXT NOT NULL,"  // Argon2id, libsodium's crypto_pwhash_str format
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  updated_ms INTEGER NOT NULL"
    ");"
    "CREATE TABLE tracking (code TEXT PRIMARY KEY, case_id TEXT NOT NULL UNIQUE);";

// Version 3: the station's side of sync with its district. One row of state: who the district
// knows this station as, the district's epoch and the pull cursor (the district's change
// sequence applied so far) — moved in the same transaction as the facts of each pulled page.
// Push streams: each is a run of outbox sequences the district numbers from base_seq; a new
// one starts at enrolment and after the district's epoch changes.
constexpr std::string_view kV3 =
    "CREATE TABLE sync_state ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  station_id TEXT,"              // e.g. 'station:530102001001', set at enrolment
    "  epoch TEXT,"                   // the district's epoch the cursor belongs to
    "  pull_after INTEGER NOT NULL,"  // the last change sequence applied here
    "  updated_ms INTEGER NOT NULL"
    ");"
    "INSERT INTO sync_state (id, station_id, epoch, pull_after, updated_ms) "
    "VALUES (1, NULL, NULL, 0, 0);"
    "CREATE TABLE sync_streams ("
    "  stream TEXT PRIMARY KEY,"    // UUIDv7
    "  base_seq INTEGER NOT NULL,"  // outbox sequences above this belong to the stream
    "  epoch TEXT,"                 // the district epoch it was started for
    "  started_ms INTEGER NOT NULL,"
    "  current INTEGER NOT NULL"  // 1 for the stream pushes use now
    ");";

// Version 4: the grids (网格) a member of staff works, grid codes joined by ','; empty for staff
// without a grid.
constexpr std::string_view kV4 = "ALTER TABLE staff ADD COLUMN grids TEXT NOT NULL DEFAULT '';";

// Version 5: a day's facts of a kind (the queue, the day's figures) found by day first. The
// (kind, day) index of version 1 seeks only the kind's range and then reads every day of it:
// a ticket taken at a station with three years of tickets read all of them.
constexpr std::string_view kV5 = "CREATE INDEX facts_day_kind ON facts (day, kind);";

// Version 6: each case's stage, grid and first due time (the case projection), so the case
// desk and the figures read one row per case instead of folding every case's facts: a station
// with three years of cases folded 10,000 of them for each figures screen. Facts stay the truth:
// a trigger marks the case of every case fact written (whatever writes it: a local step, a
// pulled page, a repair) as stale, and readers refold the stale cases before they read
// (station/src/case_index.cpp). Every case is stale after this migration.
constexpr std::string_view kV6 =
    "CREATE TABLE case_now ("
    "  case_id TEXT PRIMARY KEY,"
    "  collected_hlc INTEGER NOT NULL,"  // the case.collected fact's: the desk's order
    "  stage TEXT NOT NULL,"             // core::to_string(CaseStage)
    "  grid TEXT NOT NULL,"              // the grid code of its where; '' for none
    "  due_ms INTEGER"                   // core::overdue_from under the deadlines of case_now_due
    ");"
    "CREATE INDEX case_now_order ON case_now (collected_hlc);"
    "CREATE INDEX case_now_stage ON case_now (stage, collected_hlc);"
    "CREATE TABLE case_now_stale (case_id TEXT PRIMARY KEY);"
    "CREATE TRIGGER facts_case_stale AFTER INSERT ON facts "
    "WHEN substr(NEW.kind, 1, 5) = 'case.' BEGIN "
    "  INSERT OR IGNORE INTO case_now_stale (case_id) VALUES (NEW.subject); "
    "END;"
    // A fact completed in place (a cut-down fact pulled under an older schema, filled in).
    "CREATE TRIGGER facts_case_stale_update AFTER UPDATE ON facts "
    "WHEN substr(NEW.kind, 1, 5) = 'case.' BEGIN "
    "  INSERT OR IGNORE INTO case_now_stale (case_id) VALUES (NEW.subject); "
    "END;"
    "INSERT OR IGNORE INTO case_now_stale (case_id) "
    "  SELECT DISTINCT subject FROM facts WHERE kind = 'case.collected';";

// Both statements of version 1 must be one string; build it once.
const std::string& v1_sql() {
  static const std::string sql = std::string(kV1) + std::string(Outbox::kSchema);
  return sql;
}

}  // namespace

std::span<const Migration> station_migrations() {
  static const std::array<Migration, 6> migrations = {
      Migration{1, "facts and outbox", v1_sql()},
      Migration{2, "staff roster and tracking codes", kV2},
      Migration{3, "sync state and push streams", kV3},
      Migration{4, "staff grids", kV4},
      Migration{5, "facts by day and kind", kV5},
      Migration{6, "case projection", kV6},
  };
  return migrations;
}

}  // namespace weimin::storage
