// Outbox: what this node has written and not yet handed on. A writer appends entries inside
// its own transaction, so an entry exists exactly when the write it describes does; sequence
// numbers start at 1 and have no gaps. A reader (the sync client) reads pages in order and
// acknowledges up to a sequence once the other side has applied them. Storage does not know
// what the entries mean.
// Thread-safety: as Database.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/storage/database.hpp"

namespace weimin::storage {

struct OutboxEntry {
  std::int64_t seq = 0;
  std::string topic;    // what kind of record, e.g. "fact"
  std::string payload;  // the record, opaque to storage
  std::int64_t created_ms = 0;
};

struct OutboxStats {
  std::int64_t last_seq = 0;   // highest sequence ever appended
  std::int64_t acked_seq = 0;  // highest sequence acknowledged
  std::int64_t pending() const { return last_seq - acked_seq; }
};

class Outbox {
 public:
  // The schema the outbox needs; part of the owning store's migration 1.
  static constexpr std::string_view kSchema =
      "CREATE TABLE outbox (seq INTEGER PRIMARY KEY, topic TEXT NOT NULL, payload BLOB NOT "
      "NULL, created_ms INTEGER NOT NULL);"
      "CREATE TABLE outbox_state (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT "
      "NULL, acked_seq INTEGER NOT NULL);"
      "INSERT INTO outbox_state (id, last_seq, acked_seq) VALUES (1, 0, 0);";

  // Appends inside the caller's open write transaction and returns the entry's sequence.
  // Fails with Internal when called outside a transaction.
  static Result<std::int64_t> append(Database& db, std::string_view topic, std::string_view payload,
                                     std::int64_t created_ms);

  // Entries with seq > after_seq in order: at most max_count entries and, past the first, at
  // most max_bytes of payload.
  static Result<std::vector<OutboxEntry>> read(Database& db, std::int64_t after_seq,
                                               std::size_t max_count, std::size_t max_bytes);

  // Forgets entries up to and including seq. Acknowledging an old sequence again is a no-op;
  // a sequence never appended is refused with Invalid.
  static Status acknowledge(Database& db, std::int64_t seq);
  // The same inside the caller's open write transaction (with what else it commits).
  static Status acknowledge_in_transaction(Database& db, std::int64_t seq);

  static Result<OutboxStats> stats(Database& db);
};

}  // namespace weimin::storage
