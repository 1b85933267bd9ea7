#include "pg_govern.hpp"

#include <mutex>
#include <set>

#include "govern_tables.hpp"
#include "pg_connection.hpp"
#include "projection_pages.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::server::pg_govern {
namespace {

// The kinds' condition, the very text of the partial index fact_govern.
constexpr const char* kKinds = govern_tables::kGovernKinds;

// The latest published catalog, parsed once per change; null when none.
const core::Catalog* catalog(pqxx::work& w, std::optional<core::Catalog>& copy) {
  static std::mutex mutex;
  static govern::CatalogCache cache;
  auto r = w.exec(
      "SELECT record, gseq FROM reference_change WHERE type = 'catalog' ORDER BY gseq DESC "
      "LIMIT 1");
  std::optional<std::string> json;
  std::int64_t gseq = 0;
  if (!r.empty()) {
    json = r[0][0].as<std::string>();
    gseq = r[0][1].as<std::int64_t>();
  }
  std::lock_guard<std::mutex> lock(mutex);
  const core::Catalog* c = cache.get(json, gseq);
  if (!c) return nullptr;
  copy = *c;  // the cache may move on in another thread once the lock is released
  return &*copy;
}

Result<FactRecord> fact_from_row(const pqxx::row& row) {
  WEIMIN_ASSIGN_OR_RETURN(auto json, sync::parse_json(row[0].as<std::string>(), "a stored fact"));
  WEIMIN_ASSIGN_OR_RETURN(auto fact, sync::parse_fact_payload(json));
  return FactRecord{std::move(fact), row[1].as<std::string>(), row[2].as<std::int64_t>(), {}};
}

void write(pqxx::work& w, const std::string& subject, const GovernSubjectRows& rows) {
  if (rows.topic) {
    w.exec_params("INSERT INTO govern_topics (subject, community, record) VALUES ($1, $2, $3)",
                  subject, rows.topic->community, govern::to_record(*rows.topic));
  }
  if (rows.application) {
    const auto& a = rows.application->application;
    w.exec_params(
        "INSERT INTO govern_applications (subject, community, department, status, record) "
        "VALUES ($1, $2, $3, $4, $5)",
        subject, rows.application->community, a.applied.department,
        std::string(core::to_string(a.status())), govern::to_record(*rows.application));
  }
  if (rows.certificate) {
    w.exec_params(
        "INSERT INTO govern_certificates (subject, community, record) VALUES ($1, $2, $3)", subject,
        rows.certificate->community, govern::to_record(*rows.certificate));
  }
  for (const auto& c : rows.conflicts) {
    w.exec_params(
        "INSERT INTO govern_conflicts (fact_id, subject, community, record) VALUES ($1, $2, $3, "
        "$4) ON CONFLICT (fact_id) DO UPDATE SET record = EXCLUDED.record",
        c.fact_id, subject, c.community, govern::to_record(c));
  }
}

// Projects the facts of `r` (ordered by subject) subject by subject.
Status project_rows(pqxx::work& w, const pqxx::result& r, const core::Catalog* cat) {
  std::string subject;
  std::vector<FactRecord> facts;
  auto flush = [&] {
    if (!facts.empty()) write(w, subject, govern::project_subject(facts, cat));
    facts.clear();
  };
  for (const auto& row : r) {
    std::string next = row[3].as<std::string>();
    if (next != subject) {
      flush();
      subject = std::move(next);
    }
    WEIMIN_ASSIGN_OR_RETURN(FactRecord f, fact_from_row(row));
    facts.push_back(std::move(f));
  }
  flush();
  return Status::ok();
}

// Reads one list's page (projection_pages.hpp) into `rows`; `more` when a row follows it.
template <class Rows, class FromRecord>
Status read_list(pqxx::transaction_base& w, const std::optional<projection_pages::ListSql>& sql,
                 Rows& rows, bool& more, FromRecord from_record) {
  if (!sql) return Status::ok();
  std::vector<std::string> params = sql->texts;
  params.push_back(std::to_string(sql->limit_plus_one));
  params.push_back(std::to_string(sql->offset));
  const pqxx::result r = w.exec_params(sql->sql, pqxx::prepare::make_dynamic_params(params));
  for (const auto& row : r) {
    if (static_cast<std::int64_t>(rows.size()) + 1 == sql->limit_plus_one) {
      more = true;
      break;
    }
    WEIMIN_ASSIGN_OR_RETURN(auto x, from_record(row[0].as<std::string>()));
    rows.push_back(std::move(x));
  }
  return Status::ok();
}

}  // namespace

Status project(pqxx::work& w, const std::vector<const FactRecord*>& facts) {
  std::set<std::string> subjects;
  for (const FactRecord* f : facts) {
    if (govern::is_govern_kind(f->fact.kind)) subjects.insert(f->fact.subject);
  }
  if (subjects.empty()) return Status::ok();
  const std::vector<std::string> list(subjects.begin(), subjects.end());
  for (const char* table :
       {"govern_topics", "govern_applications", "govern_certificates", "govern_conflicts"}) {
    w.exec_params(std::string("DELETE FROM ") + table + " WHERE subject = ANY($1::text[])",
                  pg::text_array(list));
  }
  std::optional<core::Catalog> copy;
  const core::Catalog* cat = catalog(w, copy);
  auto r = w.exec_params(std::string("SELECT payload, community, received_ms, subject FROM fact "
                                     "WHERE subject = ANY($1::text[]) AND ") +
                             kKinds + " ORDER BY subject, hlc, origin, id",
                         pg::text_array(list));
  return project_rows(w, r, cat);
}

Status rebuild(pqxx::work& w) {
  w.exec("TRUNCATE govern_topics, govern_applications, govern_certificates, govern_conflicts");
  std::optional<core::Catalog> copy;
  const core::Catalog* cat = catalog(w, copy);
  auto r = w.exec(std::string("SELECT payload, community, received_ms, subject FROM fact WHERE ") +
                  kKinds + " ORDER BY subject, hlc, origin, id");
  return project_rows(w, r, cat);
}

bool missing(pqxx::work& w) {
  return w
      .exec(std::string("SELECT EXISTS (SELECT 1 FROM fact WHERE ") + kKinds +
            ") AND NOT EXISTS (SELECT 1 FROM govern_topics) AND NOT EXISTS (SELECT 1 FROM "
            "govern_applications) AND NOT EXISTS (SELECT 1 FROM govern_certificates) AND "
            "NOT EXISTS (SELECT 1 FROM govern_conflicts)")[0][0]
      .as<bool>();
}

Result<GovernRecords> records(pqxx::transaction_base& w) {
  GovernRecords out;
  for (const auto& row : w.exec("SELECT record FROM govern_topics ORDER BY subject")) {
    WEIMIN_ASSIGN_OR_RETURN(auto t, govern::topic_from_record(row[0].as<std::string>()));
    out.topics.push_back(std::move(t));
  }
  for (const auto& row : w.exec("SELECT record FROM govern_applications ORDER BY subject")) {
    WEIMIN_ASSIGN_OR_RETURN(auto a, govern::application_from_record(row[0].as<std::string>()));
    out.applications.push_back(std::move(a));
  }
  for (const auto& row : w.exec("SELECT record FROM govern_certificates ORDER BY subject")) {
    WEIMIN_ASSIGN_OR_RETURN(auto c, govern::certificate_from_record(row[0].as<std::string>()));
    out.certificates.push_back(std::move(c));
  }
  for (const auto& row : w.exec("SELECT record FROM govern_conflicts ORDER BY fact_id")) {
    WEIMIN_ASSIGN_OR_RETURN(auto c, govern::conflict_from_record(row[0].as<std::string>()));
    out.conflicts.push_back(std::move(c));
  }
  return out;
}

Result<GovernPage> page(pqxx::transaction_base& w, const GovernQuery& query) {
  using projection_pages::Dialect;
  using projection_pages::govern_list;
  using projection_pages::GovernList;
  GovernPage out;
  WEIMIN_TRY(read_list(w, govern_list(GovernList::Topics, query, Dialect::Postgres),
                       out.rows.topics, out.more_topics, govern::topic_from_record));
  WEIMIN_TRY(read_list(w, govern_list(GovernList::Applications, query, Dialect::Postgres),
                       out.rows.applications, out.more_applications,
                       govern::application_from_record));
  WEIMIN_TRY(read_list(w, govern_list(GovernList::Certificates, query, Dialect::Postgres),
                       out.rows.certificates, out.more_certificates,
                       govern::certificate_from_record));
  WEIMIN_TRY(read_list(w, govern_list(GovernList::Conflicts, query, Dialect::Postgres),
                       out.rows.conflicts, out.more_conflicts, govern::conflict_from_record));
  return out;
}

}  // namespace weimin::server::pg_govern
