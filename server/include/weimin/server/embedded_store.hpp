// EmbeddedStore: the DistrictStore in one SQLCipher file (storage::KeyedStore, encrypted at
// rest with a data key sealed under a KeyStore's key-encryption key), for a district that runs
// one server process. Files in the data folder: district.db, district.db.key, and `epoch`, the
// marker of the epoch and of the highest change sequence committed, written after each commit.
// Epoch rule: a new store gets a new epoch; an existing store whose epoch differs from the
// marker's, or whose highest sequence is below the marker's (an older copy was put back), gets a
// new epoch when opened, so stations re-bootstrap.
// Thread-safety: as DistrictStore (one thread at a time). Processes: one server plus short
// commands; writers wait for each other up to the busy timeout.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "weimin/platform/key_store.hpp"
#include "weimin/server/store.hpp"

namespace weimin::server {

struct EmbeddedStoreOptions {
  // The district this store serves, e.g. "530102". Recorded when the store is new; an existing
  // store of another district is refused (Invalid). Empty: take the recorded one (a new store
  // then fails with Invalid).
  std::string district;
  std::int64_t now_ms = 0;
  // For a long-running server: a thread with its own connection copies the write-ahead log into
  // the database every second, so a push's commit does not also pay for the checkpoint (with
  // SQLite's automatic checkpoint as a backstop at 64 MiB of log).
  bool background_checkpoint = false;
  // Reads run on connections of their own beside the one writer (WAL), at most this many at
  // once; made when first needed.
  int read_connections = 8;
};

// Opens or creates the store in `folder`, running its migrations and the epoch rule.
// Thread-safe: writes are taken one at a time on one connection, reads on connections of their
// own beside it (read_connections).
Result<std::unique_ptr<DistrictStore>> open_embedded_store(const std::filesystem::path& folder,
                                                           platform::KeyStore& keys,
                                                           const EmbeddedStoreOptions& options);

// Runs a checkpoint on the background checkpointer's thread of `store` now and waits for it (for
// tests, which must not wait for the one-second tick). Invalid when `store` is not an embedded
// store opened with background_checkpoint; otherwise the checkpoint's own outcome.
Status checkpoint_embedded_store_now(DistrictStore& store);

// The writer connection's `PRAGMA synchronous` of `store` (an embedded store; Invalid for another
// store): 2 (FULL) between calls, whatever bookkeeping ran with 1 (NORMAL). For tests.
Result<int> embedded_writer_synchronous(DistrictStore& store);

// SQLite's plan for `sql` on the writer connection of `store` (an embedded store; Invalid for
// another store), the detail column of EXPLAIN QUERY PLAN, a line a step. For tests that check a
// statement seeks an index rather than scanning a table.
Result<std::string> embedded_query_plan(DistrictStore& store, const std::string& sql);

// How many read connections `store` (an embedded store) has made so far; 0 for another store.
// For tests that check reads ran on connections of their own.
int embedded_read_connections(DistrictStore& store);

// Puts the backup `backup_db` (a copy of district.db, with its sealed key at backup_db + ".key")
// in place of the store in `folder` (which must not be open) and makes a new epoch. Returns it.
Result<std::string> restore_embedded_store(const std::filesystem::path& folder,
                                           const std::filesystem::path& backup_db,
                                           platform::KeyStore& keys, std::int64_t now_ms);

// Writes a consistent copy of the store to `target` (and its sealed key to target + ".key").
Status backup_embedded_store(const std::filesystem::path& folder,
                             const std::filesystem::path& target, platform::KeyStore& keys);

}  // namespace weimin::server
