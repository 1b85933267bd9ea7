#include "weimin/storage/migrations.hpp"

#include <string>

namespace weimin::storage {

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
      return {ErrorCode::Internal, "migration list is not numbered 1, 2, 3 … at position " +
                                       std::to_string(i + 1)};
    }
  }
  const int latest = static_cast<int>(migrations.size());
  const int goal = target.value_or(latest);
  WEIMIN_TRY(db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
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
                "'" + db.path().string() + "' records schema migration " +
                    std::to_string(version) + " as '" + name +
                    "', which this Weimin does not know. Nothing was changed; the database may "
                    "come from a different build."};
      }
    }
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
