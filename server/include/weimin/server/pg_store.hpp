// PgStore: the DistrictStore on PostgreSQL (libpqxx), for a city or province: many stateless
// `weimin-district serve` processes over one PostgreSQL cluster (docs/DEPLOY.md). Same
// behaviour as the embedded store; every method is one transaction, and what must hold across
// processes is held by PostgreSQL:
//  - exactly-once apply per (station, stream, seq): a push locks its stream's row
//    (SELECT … FOR UPDATE) for its whole transaction;
//  - a gapless global change log in commit order: gseq comes from a one-row counter whose row
//    lock is held until commit, so a pull never skips a row committed later with a lower gseq.
// The store URL is a libpq URI; `schema=NAME` keeps the tables in that schema (created on open).
// Thread-safety: one instance serves one thread at a time (as DistrictStore); any number of
// instances and processes may share one database.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "weimin/core/result.hpp"
#include "weimin/server/store.hpp"

namespace weimin::server {

// True for postgresql://… and postgres://… store arguments.
bool is_postgres_url(std::string_view store);

struct PgStoreOptions {
  // The district this store serves, e.g. "530102". Recorded when the store is new; an existing
  // store of another district is refused (Invalid). Empty: take the recorded one (a new store
  // then fails with Invalid).
  std::string district;
  std::int64_t now_ms = 0;  // recorded with migrations and a new epoch
  std::size_t max_connections = 4;
};

// Connects, creates the schema or migrates it, and applies the epoch rule: a store that is new,
// or whose cluster identity (system identifier, WAL timeline, database OID) differs from the
// one recorded — the data came back through a restore, a dump or a failover — gets a new epoch.
// Unavailable when PostgreSQL cannot be reached; TooNew when a newer Weimin wrote the schema;
// Invalid for a bad URL or another district's store.
Result<std::unique_ptr<DistrictStore>> open_pg_store(std::string_view url,
                                                     const PgStoreOptions& options);

// Makes a new epoch unconditionally (after a restore the store could not detect by itself);
// returns it.
Result<std::string> new_pg_epoch(std::string_view url, std::int64_t now_ms);

// `url` with `schema=<prefix>_<random>` added: a fresh, empty schema for one test.
std::string pg_url_with_fresh_schema(std::string_view url, std::string_view prefix = "t");

}  // namespace weimin::server
