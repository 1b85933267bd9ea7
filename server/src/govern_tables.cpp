#include "govern_tables.hpp"

#include <nlohmann/json.hpp>

#include "projection_pages.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::server {

void EmbeddedGovern::note_fact(const FactRecord& fact) {
  if (govern::is_govern_kind(fact.fact.kind)) touched_.insert(fact.fact.subject);
}

Result<storage::Statement*> EmbeddedGovern::stmt(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    WEIMIN_ASSIGN_OR_RETURN(storage::Statement s, db_.prepare(sql));
    it = cache_.emplace(sql, std::move(s)).first;
  }
  it->second.reset();
  return &it->second;
}

Result<const core::Catalog*> EmbeddedGovern::catalog(const CatalogSource& source) {
  WEIMIN_ASSIGN_OR_RETURN(std::optional<ReferenceRecord> ref, source());
  if (!ref) return static_cast<const core::Catalog*>(nullptr);
  return catalogs_.get(ref->json, ref->gseq);
}

Status EmbeddedGovern::write(const std::string& subject, const GovernSubjectRows& rows,
                             bool fresh) {
  if (!fresh) {
    for (const char* table :
         {"govern_topics", "govern_applications", "govern_certificates", "govern_conflicts"}) {
      WEIMIN_ASSIGN_OR_RETURN(auto* d,
                              stmt(std::string("DELETE FROM ") + table + " WHERE subject = ?"));
      d->bind(1, subject);
      WEIMIN_TRY(d->run());
    }
  }
  if (rows.topic) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT INTO govern_topics (subject, community, record) "
                                          "VALUES (?, ?, ?)"));
    s->bind(1, subject).bind(2, rows.topic->community).bind(3, govern::to_record(*rows.topic));
    WEIMIN_TRY(s->run());
  }
  if (rows.application) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT INTO govern_applications (subject, community, "
                                          "department, status, record) VALUES (?, ?, ?, ?, ?)"));
    const auto& a = rows.application->application;
    s->bind(1, subject).bind(2, rows.application->community).bind(3, a.applied.department);
    s->bind(4, core::to_string(a.status())).bind(5, govern::to_record(*rows.application));
    WEIMIN_TRY(s->run());
  }
  if (rows.certificate) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT INTO govern_certificates (subject, community, "
                                          "record) VALUES (?, ?, ?)"));
    s->bind(1, subject).bind(2, rows.certificate->community);
    s->bind(3, govern::to_record(*rows.certificate));
    WEIMIN_TRY(s->run());
  }
  for (const auto& c : rows.conflicts) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT OR REPLACE INTO govern_conflicts (fact_id, "
                                          "subject, community, record) VALUES (?, ?, ?, ?)"));
    s->bind(1, c.fact_id).bind(2, subject).bind(3, c.community).bind(4, govern::to_record(c));
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

Status EmbeddedGovern::flush(const CatalogSource& source) {
  if (touched_.empty()) return Status::ok();
  std::set<std::string> subjects;
  subjects.swap(touched_);
  WEIMIN_ASSIGN_OR_RETURN(const core::Catalog* cat, catalog(source));
  for (const std::string& subject : subjects) {
    WEIMIN_ASSIGN_OR_RETURN(
        auto* s, stmt(std::string("SELECT c.record, f.community, f.received_ms FROM facts f JOIN "
                                  "changes c ON c.gseq = f.gseq WHERE f.subject = ? AND ") +
                      "(f.kind LIKE 'consult.%' OR f.kind LIKE 'access.%' OR f.kind LIKE "
                      "'certificate.%') ORDER BY f.hlc, f.origin, f.id"));
    s->bind(1, subject);
    std::vector<FactRecord> facts;
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      WEIMIN_ASSIGN_OR_RETURN(FactRecord f, fact_from(*s));
      facts.push_back(std::move(f));
    }
    WEIMIN_TRY(write(subject, govern::project_subject(facts, cat), false));
  }
  return Status::ok();
}

Status EmbeddedGovern::rebuild(const CatalogSource& source) {
  touched_.clear();
  WEIMIN_TRY(
      db_.exec("DELETE FROM govern_topics; DELETE FROM govern_applications; "
               "DELETE FROM govern_certificates; DELETE FROM govern_conflicts;"));
  WEIMIN_ASSIGN_OR_RETURN(const core::Catalog* cat, catalog(source));
  WEIMIN_ASSIGN_OR_RETURN(
      storage::Statement s,
      db_.prepare("SELECT c.record, f.community, f.received_ms, f.subject FROM facts f JOIN "
                  "changes c ON c.gseq = f.gseq WHERE (f.kind LIKE 'consult.%' OR f.kind LIKE "
                  "'access.%' OR f.kind LIKE 'certificate.%') ORDER BY f.subject, f.hlc, "
                  "f.origin, f.id"));
  std::string subject;
  std::vector<FactRecord> facts;
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
    std::string next = row ? s.column_text(3) : std::string();
    if (!row || next != subject) {
      if (!facts.empty()) WEIMIN_TRY(write(subject, govern::project_subject(facts, cat), true));
      facts.clear();
      subject = std::move(next);
    }
    if (!row) break;
    WEIMIN_ASSIGN_OR_RETURN(FactRecord f, fact_from(s));
    facts.push_back(std::move(f));
  }
  return Status::ok();
}

Result<GovernRecords> EmbeddedGovern::records() {
  GovernRecords out;
  auto each = [&](const char* sql, auto&& take) -> Status {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt(sql));
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      WEIMIN_TRY(take(s->column_text(0)));
    }
    return Status::ok();
  };
  WEIMIN_TRY(each("SELECT record FROM govern_topics ORDER BY subject", [&](const std::string& r) {
    WEIMIN_ASSIGN_OR_RETURN(auto row, govern::topic_from_record(r));
    out.topics.push_back(std::move(row));
    return Status::ok();
  }));
  WEIMIN_TRY(
      each("SELECT record FROM govern_applications ORDER BY subject", [&](const std::string& r) {
        WEIMIN_ASSIGN_OR_RETURN(auto row, govern::application_from_record(r));
        out.applications.push_back(std::move(row));
        return Status::ok();
      }));
  WEIMIN_TRY(
      each("SELECT record FROM govern_certificates ORDER BY subject", [&](const std::string& r) {
        WEIMIN_ASSIGN_OR_RETURN(auto row, govern::certificate_from_record(r));
        out.certificates.push_back(std::move(row));
        return Status::ok();
      }));
  WEIMIN_TRY(
      each("SELECT record FROM govern_conflicts ORDER BY fact_id", [&](const std::string& r) {
        WEIMIN_ASSIGN_OR_RETURN(auto row, govern::conflict_from_record(r));
        out.conflicts.push_back(std::move(row));
        return Status::ok();
      }));
  return out;
}

Result<GovernPage> EmbeddedGovern::page(const GovernQuery& query) {
  using projection_pages::Dialect;
  using projection_pages::GovernList;
  GovernPage out;
  auto read = [&](GovernList list, auto& rows, bool& more, auto from_record) -> Status {
    auto sql = projection_pages::govern_list(list, query, Dialect::Sqlite);
    if (!sql) return Status::ok();
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt(sql->sql));
    return projection_pages::read_sqlite_page(*s, *sql, rows, more, from_record);
  };
  WEIMIN_TRY(read(GovernList::Topics, out.rows.topics, out.more_topics, govern::topic_from_record));
  WEIMIN_TRY(read(GovernList::Applications, out.rows.applications, out.more_applications,
                  govern::application_from_record));
  WEIMIN_TRY(read(GovernList::Certificates, out.rows.certificates, out.more_certificates,
                  govern::certificate_from_record));
  WEIMIN_TRY(read(GovernList::Conflicts, out.rows.conflicts, out.more_conflicts,
                  govern::conflict_from_record));
  return out;
}

}  // namespace weimin::server
