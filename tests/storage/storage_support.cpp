#include "storage_support.hpp"

#include "weimin/storage/outbox.hpp"

namespace weimin::test {

Status insert_fact(storage::Database& db, const std::string& id, const std::string& body) {
  WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db.begin());
  WEIMIN_ASSIGN_OR_RETURN(
      storage::Statement stmt,
      db.prepare("INSERT INTO facts (id, kind, subject, origin, hlc, wall_ms, day, body) "
                 "VALUES (?, 'test.record', ?, 'test', 1, 2, '2026-11-22', ?)"));
  stmt.bind(1, id).bind(2, id).bind(3, body);
  WEIMIN_TRY(stmt.run());
  WEIMIN_TRY(storage::Outbox::append(db, "fact", body, 2));
  return tx.commit();
}

}  // namespace weimin::test
