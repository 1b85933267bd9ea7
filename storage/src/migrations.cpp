#include "weimin/storage/migrations.hpp"

#include <filesystem>
#include <string>
#include <system_error>

namespace weimin::storage {

namespace fs = std::filesystem;

fs::path backup_before_migration(const fs::path& store, int version) {
  fs::path b = store;
  b += ".schema-" + std::to_string(version) + ".bak";
  return b;
}

namespace {

// Copies `db`'s file, and its write-ahead log when it has one, to `target` (and target-wal): one
// consistent state under the same key. A write transaction keeps other writers out and its
// read snapshot keeps the log from being restarted, so every page a checkpoint may copy into
// the file meanwhile is also in the log copied after it.
Status copy_store(Database& db, const fs::path& target) {
  std::error_code ec;
  const fs::path wal = fs::path(db.path()).concat("-wal");
  fs::path target_wal = target;
  target_wal += "-wal";
  const auto size = fs::file_size(db.path(), ec);
  if (ec)
    return {ErrorCode::Io, "cannot read the size of '" + db.path().string() + "': " + ec.message()};
  const auto room = fs::space(fs::absolute(target).parent_path(), ec);
  const auto wal_size = fs::exists(wal) ? fs::file_size(wal, ec) : 0;
  if (!ec && room.available < size + wal_size + (size + wal_size) / 10) {
    return {ErrorCode::DiskFull,
            "'" + db.path().string() +
                "' needs migrating to this version of Weimin, which first "
                "makes a backup of it (" +
                std::to_string((size + wal_size) >> 20) + " MiB), and the disk has only " +
                std::to_string(room.available >> 20) +
                " MiB free. Nothing was changed. Free some space and start again."};
  }
  WEIMIN_ASSIGN_OR_RETURN(Transaction tx, db.begin());
  WEIMIN_ASSIGN_OR_RETURN(Statement read, db.prepare("SELECT count(*) FROM sqlite_master"));
  WEIMIN_TRY(read.step().status());
  fs::remove(target_wal, ec);
  const auto copy = fs::copy_options::overwrite_existing;
  if (!fs::copy_file(db.path(), target, copy, ec) ||
      (fs::exists(wal) && fs::file_size(wal) > 0 && !fs::copy_file(wal, target_wal, copy, ec))) {
    fs::remove(target, ec);
    return {ErrorCode::Io, "cannot back '" + db.path().string() + "' up to '" + target.string() +
                               "' before migrating it. Nothing was changed."};
  }
  fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write, ec);
  if (fs::exists(target_wal)) {
    fs::permissions(target_wal, fs::perms::owner_read | fs::perms::owner_write, ec);
  }
  return tx.rollback();
}

}  // namespace

Result<int> schema_version(Database& db) {
  WEIMIN_ASSIGN_OR_RETURN(Statement exists,
                          db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                     "AND name = 'schema_migrations'"));
  WEIMIN_ASSIGN_OR_RETURN(bool row, exists.step());
  if (!row || exists.column_int64(0) == 0) return 0;
  WEIMIN_ASSIGN_OR_RETURN(Statement max,
                          db.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  WEIMIN_ASSIGN_OR_RETURN(row, max.step());
  return row ? static_cast<int>(max.column_int64(0)) : 0;
}

Status migrate(Database& db, std::span<const Migration> migrations, std::int64_t now_ms,
               std::optional<int> target) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return {ErrorCode::Internal,
              "migration list is not numbered 1, 2, 3 … at position " + std::to_string(i + 1)};
    }
  }
  const int latest = static_cast<int>(migrations.size());
  const int goal = target.value_or(latest);
  WEIMIN_TRY(
      db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
              "name TEXT NOT NULL, applied_ms INTEGER NOT NULL)"));
  WEIMIN_ASSIGN_OR_RETURN(int current, schema_version(db));
  if (current > latest) {
    return {ErrorCode::TooNew,
            "'" + db.path().string() + "' was written by a newer version of Weimin (schema " +
                std::to_string(current) + "; this program knows up to " + std::to_string(latest) +
                "). Nothing was changed. Install the newer Weimin on this machine."};
  }
  {
    WEIMIN_ASSIGN_OR_RETURN(Statement names,
                            db.prepare("SELECT version, name FROM schema_migrations"));
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, names.step());
      if (!row) break;
      const auto version = names.column_int64(0);
      const std::string name = names.column_text(1);
      if (version < 1 || version > latest || migrations[version - 1].name != name) {
        return {ErrorCode::Corrupt,
                "'" + db.path().string() + "' records schema migration " + std::to_string(version) +
                    " as '" + name +
                    "', which this Weimin does not know. Nothing was changed; the database may "
                    "come from a different build."};
      }
    }
  }
  // A store that holds data is copied before the first migration changes it (an upgrade): if
  // the new version misbehaves, the old program and the copy are the way back.
  if (current > 0 && current < goal && !db.path().empty() && db.path() != ":memory:") {
    WEIMIN_TRY(copy_store(db, backup_before_migration(db.path(), current)));
  }
  for (int v = current + 1; v <= goal; ++v) {
    const Migration& m = migrations[v - 1];
    WEIMIN_ASSIGN_OR_RETURN(Transaction tx, db.begin());
    WEIMIN_TRY(db.exec(m.sql));
    WEIMIN_ASSIGN_OR_RETURN(
        Statement record,
        db.prepare("INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)"));
    record.bind(1, v).bind(2, m.name).bind(3, now_ms);
    WEIMIN_TRY(record.run());
    WEIMIN_TRY(tx.commit());
  }
  return Status::ok();
}

}  // namespace weimin::storage
