// The district's PostgreSQL schema and its migrations, and the epoch rule's restore detection
// (docs/DEPLOY.md, "Restoring"). Migrations run at open under an advisory lock, each in one
// transaction with the row that records it, so several server processes starting at once over
// one database are safe.
// Thread-safety: free functions over a connection the caller holds.
#pragma once

#include <cstdint>
#include <string>

#include <pqxx/pqxx>

#include "pg_connection.hpp"
#include "weimin/core/result.hpp"

namespace weimin::server::pg {

// The last migration's version.
int latest_schema_version();

// The schema a store in `schema` is copied to before it is migrated forward from `version`:
// "<schema>_schema_<version>_bak", in the same database.
std::string backup_schema_name(const std::string& schema, int version);

// Creates the schema when missing and brings it to the latest version (known_version: the
// last migration this program knows; tests pass a lower one to be an older program). A store
// that already has a schema older than that is first copied whole into
// backup_schema_name(schema, its version), in the migration's transaction; when the copy cannot
// be made (the schema exists already, no CREATE on the database, a full disk) nothing is
// migrated and the Status says what to do. TooNew, changing nothing, when the database was
// written by a newer Weimin; Corrupt when a recorded migration's name differs from ours.
Status migrate(pqxx::connection& c, const StoreUrl& url, std::int64_t now_ms,
               int known_version = latest_schema_version());

struct EpochCheck {
  std::string epoch;      // the epoch in force after the check
  bool made_new = false;  // a restore was detected (or the store is new) and a new epoch made
  std::string warning;    // non-empty when the identity could not be read (no pg_monitor)
};

// Reads the cluster's identity (system identifier, WAL timeline, database OID) and compares it
// with the one recorded; when they differ (the data came back through a restore, a dump or a
// failover) or no epoch exists yet, records `fresh_epoch` as the epoch. One transaction, under
// an advisory lock, so racing processes agree on one epoch.
Result<EpochCheck> check_epoch(pqxx::connection& c, const StoreUrl& url,
                               const std::string& fresh_epoch);

// Makes `fresh_epoch` the epoch unconditionally (`weimin-district new-epoch`).
Status force_epoch(pqxx::connection& c, const StoreUrl& url, const std::string& fresh_epoch);

}  // namespace weimin::server::pg
