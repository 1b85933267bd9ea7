#include "weimin/storage/station_schema.hpp"

#include <array>

#include "weimin/storage/outbox.hpp"

namespace weimin::storage {
namespace {

constexpr std::string_view kV1 =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    // One row per fact: created once where it happened, never updated (DESIGN.md).
    "CREATE TABLE facts ("
    "  id TEXT PRIMARY KEY,"          // UUIDv7
    "  kind TEXT NOT NULL,"           // e.g. 'case.collected'
    "  subject TEXT NOT NULL,"        // the ticket, case or appointment it is about
    "  origin TEXT NOT NULL,"         // the node that wrote it
    "  hlc INTEGER NOT NULL,"         // packed hybrid logical clock
    "  wall_ms INTEGER NOT NULL,"     // the origin's wall clock
    "  day TEXT NOT NULL,"            // the origin's local date, YYYY-MM-DD
    "  body TEXT NOT NULL,"           // JSON
    "  received_ms INTEGER"           // when the district received it, once known
    ");"
    "CREATE INDEX facts_subject ON facts (subject, hlc);"
    "CREATE INDEX facts_kind_day ON facts (kind, day);";

// Both statements of version 1 must be one string; build it once.
const std::string& v1_sql() {
  static const std::string sql = std::string(kV1) + std::string(Outbox::kSchema);
  return sql;
}

}  // namespace

std::span<const Migration> station_migrations() {
  static const std::array<Migration, 1> migrations = {
      Migration{1, "facts and outbox", v1_sql()},
  };
  return migrations;
}

}  // namespace weimin::storage
