// The tables of the governance projection (govern.hpp): embedded store migration 10 and
// PostgreSQL migration 8, and the embedded store's part (EmbeddedGovern), which keeps them in
// the store's own transactions. Each table holds one row per subject with its record as JSON
// (govern::to_record); community, department and status are columns for filtering.
// Thread-safety: as EmbeddedStore (one thread at a time).
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "weimin/server/govern.hpp"
#include "weimin/server/store.hpp"
#include "weimin/storage/database.hpp"

namespace weimin::server::govern_tables {

// The kinds' SQL condition, the same text as the partial index so the planner uses it.
inline constexpr const char* kGovernKinds =
    "(kind LIKE 'consult.%' OR kind LIKE 'access.%' OR kind LIKE 'certificate.%')";

// Embedded store migration 10.
inline constexpr const char* kSqliteSchema = R"SQL(
CREATE TABLE IF NOT EXISTS govern_topics (
  subject   TEXT PRIMARY KEY,
  community TEXT NOT NULL,
  record    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS govern_applications (
  subject    TEXT PRIMARY KEY,
  community  TEXT NOT NULL,
  department TEXT NOT NULL,
  status     TEXT NOT NULL,
  record     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS govern_certificates (
  subject   TEXT PRIMARY KEY,
  community TEXT NOT NULL,
  record    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS govern_conflicts (
  fact_id   TEXT PRIMARY KEY,
  subject   TEXT NOT NULL,
  community TEXT NOT NULL,
  record    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS govern_conflicts_subject ON govern_conflicts (subject);
CREATE INDEX IF NOT EXISTS facts_govern ON facts (subject)
  WHERE (kind LIKE 'consult.%' OR kind LIKE 'access.%' OR kind LIKE 'certificate.%');
)SQL";

// PostgreSQL migration 8.
inline constexpr const char* kPgSchema = R"SQL(
CREATE TABLE govern_topics (
  subject   text COLLATE "C" PRIMARY KEY,
  community text COLLATE "C" NOT NULL,
  record    text NOT NULL
);
CREATE TABLE govern_applications (
  subject    text COLLATE "C" PRIMARY KEY,
  community  text COLLATE "C" NOT NULL,
  department text COLLATE "C" NOT NULL,
  status     text COLLATE "C" NOT NULL,
  record     text NOT NULL
);
CREATE TABLE govern_certificates (
  subject   text COLLATE "C" PRIMARY KEY,
  community text COLLATE "C" NOT NULL,
  record    text NOT NULL
);
CREATE TABLE govern_conflicts (
  fact_id   text COLLATE "C" PRIMARY KEY,
  subject   text COLLATE "C" NOT NULL,
  community text COLLATE "C" NOT NULL,
  record    text NOT NULL
);
CREATE INDEX govern_conflicts_subject ON govern_conflicts (subject);
CREATE INDEX fact_govern ON fact (subject)
  WHERE (kind LIKE 'consult.%' OR kind LIKE 'access.%' OR kind LIKE 'certificate.%');
)SQL";

}  // namespace weimin::server::govern_tables

namespace weimin::server {

class EmbeddedGovern {
 public:
  using CatalogSource = std::function<Result<std::optional<ReferenceRecord>>()>;
  explicit EmbeddedGovern(storage::Database& db) : db_(db) {}

  // Notes a newly stored fact; its subject is projected again at flush when it is a govern kind.
  void note_fact(const FactRecord& fact);
  // Remakes the rows of the subjects noted since the last flush, inside the caller's
  // transaction.
  Status flush(const CatalogSource& catalog);
  // Empties the tables and remakes every subject's rows (inside the caller's transaction).
  Status rebuild(const CatalogSource& catalog);
  // Every row.
  Result<GovernRecords> records();
  // One page of each list (DistrictStore::govern_page; the caller checked the query and holds
  // the snapshot).
  Result<GovernPage> page(const GovernQuery& query);

 private:
  Result<storage::Statement*> stmt(const std::string& sql);
  Result<const core::Catalog*> catalog(const CatalogSource& source);
  Status write(const std::string& subject, const GovernSubjectRows& rows, bool fresh);

  storage::Database& db_;
  std::unordered_map<std::string, storage::Statement> cache_;
  std::set<std::string> touched_;
  govern::CatalogCache catalogs_;
};

}  // namespace weimin::server
