// The tables of the neighbour-services projection (neighbour.hpp): embedded store migration 13
// and PostgreSQL migration 11, and the embedded store's part (EmbeddedNeighbour), which keeps
// them in the store's own transactions. Wishes and care-list rows are one per subject, visits
// and calls and conflicts one per fact, each with its record as JSON (neighbour::to_record);
// community, stage, help and time are columns for filtering and ordering.
// Thread-safety: as EmbeddedStore (one thread at a time).
#pragma once

#include <set>
#include <string>
#include <unordered_map>

#include "weimin/server/neighbour.hpp"
#include "weimin/server/store.hpp"
#include "weimin/storage/database.hpp"

namespace weimin::server::neighbour_tables {

// The kinds' SQL condition, the same text as the partial index so the planner uses it.
inline constexpr const char* kNeighbourKinds = "(kind LIKE 'wish.%' OR kind LIKE 'care.%')";

// Embedded store migration 13.
inline constexpr const char* kSqliteSchema = R"SQL(
CREATE TABLE IF NOT EXISTS neighbour_wishes (
  subject   TEXT PRIMARY KEY,
  community TEXT NOT NULL,
  help      TEXT NOT NULL,
  stage     TEXT NOT NULL,
  posted_ms INTEGER NOT NULL,
  record    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS neighbour_wishes_community ON neighbour_wishes (community, stage);
CREATE TABLE IF NOT EXISTS neighbour_care (
  subject   TEXT PRIMARY KEY,
  community TEXT NOT NULL,
  listed    INTEGER NOT NULL,
  record    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS neighbour_care_log (
  fact_id   TEXT PRIMARY KEY,
  subject   TEXT NOT NULL,
  community TEXT NOT NULL,
  kind      TEXT NOT NULL,
  at_ms     INTEGER NOT NULL,
  record    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS neighbour_care_log_subject ON neighbour_care_log (subject);
CREATE TABLE IF NOT EXISTS neighbour_conflicts (
  fact_id   TEXT PRIMARY KEY,
  subject   TEXT NOT NULL,
  community TEXT NOT NULL,
  record    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS neighbour_conflicts_subject ON neighbour_conflicts (subject);
CREATE INDEX IF NOT EXISTS facts_neighbour ON facts (subject)
  WHERE (kind LIKE 'wish.%' OR kind LIKE 'care.%');
)SQL";

// PostgreSQL migration 11. IF NOT EXISTS: replaying it over a store that has the tables (as
// projection_test's upgrade from schema 9 does, deleting the later migrations' rows) is harmless.
inline constexpr const char* kPgSchema = R"SQL(
CREATE TABLE IF NOT EXISTS neighbour_wishes (
  subject   text COLLATE "C" PRIMARY KEY,
  community text COLLATE "C" NOT NULL,
  help      text COLLATE "C" NOT NULL,
  stage     text COLLATE "C" NOT NULL,
  posted_ms bigint NOT NULL,
  record    text NOT NULL
);
CREATE INDEX IF NOT EXISTS neighbour_wishes_community ON neighbour_wishes (community, stage);
CREATE TABLE IF NOT EXISTS neighbour_care (
  subject   text COLLATE "C" PRIMARY KEY,
  community text COLLATE "C" NOT NULL,
  listed    boolean NOT NULL,
  record    text NOT NULL
);
CREATE TABLE IF NOT EXISTS neighbour_care_log (
  fact_id   text COLLATE "C" PRIMARY KEY,
  subject   text COLLATE "C" NOT NULL,
  community text COLLATE "C" NOT NULL,
  kind      text COLLATE "C" NOT NULL,
  at_ms     bigint NOT NULL,
  record    text NOT NULL
);
CREATE INDEX IF NOT EXISTS neighbour_care_log_subject ON neighbour_care_log (subject);
CREATE TABLE IF NOT EXISTS neighbour_conflicts (
  fact_id   text COLLATE "C" PRIMARY KEY,
  subject   text COLLATE "C" NOT NULL,
  community text COLLATE "C" NOT NULL,
  record    text NOT NULL
);
CREATE INDEX IF NOT EXISTS neighbour_conflicts_subject ON neighbour_conflicts (subject);
CREATE INDEX IF NOT EXISTS fact_neighbour ON fact (subject) WHERE (kind LIKE 'wish.%' OR kind LIKE 'care.%');
)SQL";

// The tables, in the order they are emptied.
inline constexpr const char* kTables[] = {"neighbour_wishes", "neighbour_care",
                                          "neighbour_care_log", "neighbour_conflicts"};

}  // namespace weimin::server::neighbour_tables

namespace weimin::server {

class EmbeddedNeighbour {
 public:
  explicit EmbeddedNeighbour(storage::Database& db) : db_(db) {}

  // Notes a newly stored fact; its subject is projected again at flush when it is a wish.* or
  // care.* fact.
  void note_fact(const FactRecord& fact);
  // Remakes the rows of the subjects noted since the last flush, inside the caller's
  // transaction.
  Status flush();
  // Empties the tables and remakes every subject's rows (inside the caller's transaction).
  Status rebuild();
  // Every row.
  Result<NeighbourRecords> records();
  // One page of each list (DistrictStore::neighbour_page; the caller checked the query and
  // holds the snapshot).
  Result<NeighbourPage> page(const NeighbourQuery& query);

 private:
  Result<storage::Statement*> stmt(const std::string& sql);
  Status write(const std::string& subject, const NeighbourSubjectRows& rows, bool fresh);

  storage::Database& db_;
  std::unordered_map<std::string, storage::Statement> cache_;
  std::set<std::string> touched_;
};

}  // namespace weimin::server
