#include "neighbour_tables.hpp"

#include <nlohmann/json.hpp>

#include "projection_pages.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::server {

void EmbeddedNeighbour::note_fact(const FactRecord& fact) {
  if (neighbour::is_neighbour_kind(fact.fact.kind)) touched_.insert(fact.fact.subject);
}

Result<storage::Statement*> EmbeddedNeighbour::stmt(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    WEIMIN_ASSIGN_OR_RETURN(storage::Statement s, db_.prepare(sql));
    it = cache_.emplace(sql, std::move(s)).first;
  }
  it->second.reset();
  return &it->second;
}

Status EmbeddedNeighbour::write(const std::string& subject, const NeighbourSubjectRows& rows,
                                bool fresh) {
  if (!fresh) {
    for (const char* table : neighbour_tables::kTables) {
      WEIMIN_ASSIGN_OR_RETURN(auto* d,
                              stmt(std::string("DELETE FROM ") + table + " WHERE subject = ?"));
      d->bind(1, subject);
      WEIMIN_TRY(d->run());
    }
  }
  if (rows.wish) {
    const core::Wish& w = rows.wish->wish;
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT INTO neighbour_wishes (subject, community, "
                                          "help, stage, posted_ms, record) VALUES (?, ?, ?, ?, ?, "
                                          "?)"));
    s->bind(1, subject).bind(2, rows.wish->community).bind(3, std::string(core::to_string(w.help)));
    s->bind(4, std::string(core::to_string(w.stage))).bind(5, w.posted_ms);
    s->bind(6, neighbour::to_record(*rows.wish));
    WEIMIN_TRY(s->run());
  }
  if (rows.care) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT INTO neighbour_care (subject, community, "
                                          "listed, record) VALUES (?, ?, ?, ?)"));
    s->bind(1, subject).bind(2, rows.care->community);
    s->bind(3, std::int64_t{rows.care->record.listed ? 1 : 0});
    s->bind(4, neighbour::to_record(*rows.care));
    WEIMIN_TRY(s->run());
  }
  for (const auto& l : rows.logs) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT OR REPLACE INTO neighbour_care_log (fact_id, "
                                          "subject, community, kind, at_ms, record) VALUES (?, ?, "
                                          "?, ?, ?, ?)"));
    s->bind(1, l.event.id.to_string()).bind(2, subject).bind(3, l.community);
    s->bind(4, std::string(core::to_string(l.event.kind))).bind(5, l.event.wall_ms);
    s->bind(6, neighbour::to_record(l));
    WEIMIN_TRY(s->run());
  }
  for (const auto& c : rows.conflicts) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT OR REPLACE INTO neighbour_conflicts (fact_id, "
                                          "subject, community, record) VALUES (?, ?, ?, ?)"));
    s->bind(1, c.fact_id).bind(2, subject).bind(3, c.community).bind(4, neighbour::to_record(c));
    WEIMIN_TRY(s->run());
  }
  return Status::ok();
}

namespace {

Result<FactRecord> fact_from(storage::Statement& s) {
  WEIMIN_ASSIGN_OR_RETURN(nlohmann::json j, sync::parse_json(s.column_text(0), "a stored fact"));
  WEIMIN_ASSIGN_OR_RETURN(sync::FactPayload f, sync::parse_fact_payload(std::move(j)));
  return FactRecord{std::move(f), s.column_text(1), s.column_int64(2), {}};
}

}  // namespace

Status EmbeddedNeighbour::flush() {
  if (touched_.empty()) return Status::ok();
  std::set<std::string> subjects;
  subjects.swap(touched_);
  for (const std::string& subject : subjects) {
    WEIMIN_ASSIGN_OR_RETURN(
        auto* s, stmt("SELECT c.record, f.community, f.received_ms FROM facts f JOIN changes c ON "
                      "c.gseq = f.gseq WHERE f.subject = ? AND (f.kind LIKE 'wish.%' OR f.kind "
                      "LIKE 'care.%') ORDER BY f.hlc, f.origin, f.id"));
    s->bind(1, subject);
    std::vector<FactRecord> facts;
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      WEIMIN_ASSIGN_OR_RETURN(FactRecord f, fact_from(*s));
      facts.push_back(std::move(f));
    }
    WEIMIN_TRY(write(subject, neighbour::project_subject(facts), false));
  }
  return Status::ok();
}

Status EmbeddedNeighbour::rebuild() {
  touched_.clear();
  for (const char* table : neighbour_tables::kTables) {
    WEIMIN_TRY(db_.exec(std::string("DELETE FROM ") + table));
  }
  WEIMIN_ASSIGN_OR_RETURN(
      storage::Statement s,
      db_.prepare("SELECT c.record, f.community, f.received_ms, f.subject FROM facts f JOIN "
                  "changes c ON c.gseq = f.gseq WHERE (f.kind LIKE 'wish.%' OR f.kind LIKE "
                  "'care.%') ORDER BY f.subject, f.hlc, f.origin, f.id"));
  std::string subject;
  std::vector<FactRecord> facts;
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
    std::string next = row ? s.column_text(3) : std::string();
    if (!row || next != subject) {
      if (!facts.empty()) WEIMIN_TRY(write(subject, neighbour::project_subject(facts), true));
      facts.clear();
      subject = std::move(next);
    }
    if (!row) break;
    WEIMIN_ASSIGN_OR_RETURN(FactRecord f, fact_from(s));
    facts.push_back(std::move(f));
  }
  return Status::ok();
}

Result<NeighbourRecords> EmbeddedNeighbour::records() {
  NeighbourRecords out;
  auto each = [&](const char* sql, auto&& take) -> Status {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt(sql));
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      WEIMIN_TRY(take(s->column_text(0)));
    }
    return Status::ok();
  };
  auto into = [](auto& list, auto read) {
    return [&list, read](const std::string& r) -> Status {
      WEIMIN_ASSIGN_OR_RETURN(auto row, read(r));
      list.push_back(std::move(row));
      return Status::ok();
    };
  };
  WEIMIN_TRY(each("SELECT record FROM neighbour_wishes ORDER BY subject",
                  into(out.wishes, neighbour::wish_from_record)));
  WEIMIN_TRY(each("SELECT record FROM neighbour_care ORDER BY subject",
                  into(out.care, neighbour::care_from_record)));
  WEIMIN_TRY(each("SELECT record FROM neighbour_care_log ORDER BY fact_id",
                  into(out.logs, neighbour::log_from_record)));
  WEIMIN_TRY(each("SELECT record FROM neighbour_conflicts ORDER BY fact_id",
                  into(out.conflicts, neighbour::conflict_from_record)));
  return out;
}

Result<NeighbourPage> EmbeddedNeighbour::page(const NeighbourQuery& query) {
  using projection_pages::Dialect;
  using projection_pages::NeighbourList;
  NeighbourPage out;
  auto read = [&](NeighbourList list, auto& rows, bool& more, auto from_record) -> Status {
    auto sql = projection_pages::neighbour_list(list, query, Dialect::Sqlite);
    if (!sql) return Status::ok();
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt(sql->sql));
    return projection_pages::read_sqlite_page(*s, *sql, rows, more, from_record);
  };
  WEIMIN_TRY(
      read(NeighbourList::Wishes, out.rows.wishes, out.more_wishes, neighbour::wish_from_record));
  WEIMIN_TRY(read(NeighbourList::Care, out.rows.care, out.more_care, neighbour::care_from_record));
  WEIMIN_TRY(read(NeighbourList::Logs, out.rows.logs, out.more_logs, neighbour::log_from_record));
  WEIMIN_TRY(read(NeighbourList::Conflicts, out.rows.conflicts, out.more_conflicts,
                  neighbour::conflict_from_record));
  return out;
}

}  // namespace weimin::server
