#include "weimin/storage/outbox.hpp"

namespace weimin::storage {

Result<std::int64_t> Outbox::append(Database& db, std::string_view topic, std::string_view payload,
                                    std::int64_t created_ms) {
  if (!db.in_transaction()) {
    return Status(ErrorCode::Internal,
                  "Outbox::append must run inside the writer's transaction, so the entry and "
                  "the write it describes commit together");
  }
  WEIMIN_ASSIGN_OR_RETURN(
      Statement next, db.prepare("UPDATE outbox_state SET last_seq = last_seq + 1 WHERE id = 1"));
  WEIMIN_TRY(next.run());
  WEIMIN_ASSIGN_OR_RETURN(Statement read_seq,
                          db.prepare("SELECT last_seq FROM outbox_state WHERE id = 1"));
  WEIMIN_ASSIGN_OR_RETURN(bool row, read_seq.step());
  if (!row) return Status(ErrorCode::Corrupt, "the outbox state row is missing");
  const std::int64_t seq = read_seq.column_int64(0);
  WEIMIN_ASSIGN_OR_RETURN(
      Statement insert,
      db.prepare("INSERT INTO outbox (seq, topic, payload, created_ms) VALUES (?, ?, ?, ?)"));
  insert.bind(1, seq).bind(2, topic).bind(3, payload).bind(4, created_ms);
  WEIMIN_TRY(insert.run());
  return seq;
}

Result<std::vector<OutboxEntry>> Outbox::read(Database& db, std::int64_t after_seq,
                                              std::size_t max_count, std::size_t max_bytes) {
  WEIMIN_ASSIGN_OR_RETURN(Statement stmt,
                          db.prepare("SELECT seq, topic, payload, created_ms FROM outbox WHERE "
                                     "seq > ? ORDER BY seq LIMIT ?"));
  stmt.bind(1, after_seq).bind(2, static_cast<std::int64_t>(max_count));
  std::vector<OutboxEntry> out;
  std::size_t bytes = 0;
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    OutboxEntry e{stmt.column_int64(0), stmt.column_text(1), stmt.column_text(2),
                  stmt.column_int64(3)};
    if (!out.empty() && bytes + e.payload.size() > max_bytes) break;
    bytes += e.payload.size();
    out.push_back(std::move(e));
  }
  return out;
}

Status Outbox::acknowledge(Database& db, std::int64_t seq) {
  WEIMIN_ASSIGN_OR_RETURN(Transaction tx, db.begin());
  WEIMIN_TRY(acknowledge_in_transaction(db, seq));
  return tx.commit();
}

Status Outbox::acknowledge_in_transaction(Database& db, std::int64_t seq) {
  if (!db.in_transaction()) {
    return {ErrorCode::Internal,
            "Outbox::acknowledge_in_transaction must run inside the caller's transaction (or "
            "call Outbox::acknowledge)"};
  }
  WEIMIN_ASSIGN_OR_RETURN(OutboxStats s, stats(db));
  if (seq > s.last_seq) {
    return {ErrorCode::Invalid, "cannot acknowledge outbox entry " + std::to_string(seq) +
                                    ": the last entry appended is " + std::to_string(s.last_seq)};
  }
  if (seq <= s.acked_seq) return Status::ok();
  WEIMIN_ASSIGN_OR_RETURN(Statement del, db.prepare("DELETE FROM outbox WHERE seq <= ?"));
  del.bind(1, seq);
  WEIMIN_TRY(del.run());
  WEIMIN_ASSIGN_OR_RETURN(Statement upd,
                          db.prepare("UPDATE outbox_state SET acked_seq = ? WHERE id = 1"));
  upd.bind(1, seq);
  return upd.run();
}

Result<OutboxStats> Outbox::stats(Database& db) {
  WEIMIN_ASSIGN_OR_RETURN(Statement stmt,
                          db.prepare("SELECT last_seq, acked_seq FROM outbox_state WHERE id = 1"));
  WEIMIN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return Status(ErrorCode::Corrupt, "the outbox state row is missing");
  return OutboxStats{stmt.column_int64(0), stmt.column_int64(1)};
}

}  // namespace weimin::storage
