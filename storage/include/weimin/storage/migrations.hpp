// Versioned schema migrations. Each migration runs in its own transaction together with the
// row that records it in `schema_migrations`, so a crash leaves the schema at one version or
// the next, never between. A database written by a newer Weimin is refused untouched.
// Thread-safety: as Database.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

#include "weimin/storage/database.hpp"

namespace weimin::storage {

struct Migration {
  int version;            // 1, 2, 3 … without gaps
  std::string_view name;  // recorded with the version; must never change once shipped
  std::string_view sql;   // one or more statements
};

// The highest version recorded, 0 for a new database.
Result<int> schema_version(Database& db);

// Where migrate() backs a store at schema `version` up before migrating it:
// "<store>.schema-<version>.bak" (and "…-wal" beside it), same key, mode 0600.
std::filesystem::path backup_before_migration(const std::filesystem::path& store, int version);

// Brings db up to `target` (default: the last migration). Refuses with TooNew, changing
// nothing, when the database records a version above the last one known here, and with
// Corrupt when a recorded version's name differs from the known migration's. A store that
// already has a schema is first copied to backup_before_migration(path, version) (refused with
// DiskFull, changing nothing, when the disk cannot hold the copy).
// now_ms is recorded as the time each migration was applied.
Status migrate(Database& db, std::span<const Migration> migrations, std::int64_t now_ms,
               std::optional<int> target = std::nullopt);

}  // namespace weimin::storage
