#include "pg_neighbour.hpp"

#include <set>

#include "neighbour_tables.hpp"
#include "pg_connection.hpp"
#include "projection_pages.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::server::pg_neighbour {
namespace {

using neighbour_tables::kNeighbourKinds;

Result<FactRecord> fact_from_row(const pqxx::row& row) {
  WEIMIN_ASSIGN_OR_RETURN(auto json, sync::parse_json(row[0].as<std::string>(), "a stored fact"));
  WEIMIN_ASSIGN_OR_RETURN(auto fact, sync::parse_fact_payload(json));
  return FactRecord{std::move(fact), row[1].as<std::string>(), row[2].as<std::int64_t>(), {}};
}

void write(pqxx::work& w, const std::string& subject, const NeighbourSubjectRows& rows) {
  if (rows.wish) {
    const core::Wish& wish = rows.wish->wish;
    w.exec_params(
        "INSERT INTO neighbour_wishes (subject, community, help, stage, posted_ms, record) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        subject, rows.wish->community, std::string(core::to_string(wish.help)),
        std::string(core::to_string(wish.stage)), wish.posted_ms, neighbour::to_record(*rows.wish));
  }
  if (rows.care) {
    w.exec_params(
        "INSERT INTO neighbour_care (subject, community, listed, record) VALUES ($1, $2, $3, $4)",
        subject, rows.care->community, rows.care->record.listed, neighbour::to_record(*rows.care));
  }
  for (const auto& l : rows.logs) {
    w.exec_params(
        "INSERT INTO neighbour_care_log (fact_id, subject, community, kind, at_ms, record) VALUES "
        "($1, $2, $3, $4, $5, $6) ON CONFLICT (fact_id) DO UPDATE SET record = EXCLUDED.record",
        l.event.id.to_string(), subject, l.community, std::string(core::to_string(l.event.kind)),
        l.event.wall_ms, neighbour::to_record(l));
  }
  for (const auto& c : rows.conflicts) {
    w.exec_params(
        "INSERT INTO neighbour_conflicts (fact_id, subject, community, record) VALUES ($1, $2, "
        "$3, $4) ON CONFLICT (fact_id) DO UPDATE SET record = EXCLUDED.record",
        c.fact_id, subject, c.community, neighbour::to_record(c));
  }
}

// Projects the facts of `r` (ordered by subject) subject by subject.
Status project_rows(pqxx::work& w, const pqxx::result& r) {
  std::string subject;
  std::vector<FactRecord> facts;
  auto flush = [&] {
    if (!facts.empty()) write(w, subject, neighbour::project_subject(facts));
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
    if (neighbour::is_neighbour_kind(f->fact.kind)) subjects.insert(f->fact.subject);
  }
  if (subjects.empty()) return Status::ok();
  const std::vector<std::string> list(subjects.begin(), subjects.end());
  for (const char* table : neighbour_tables::kTables) {
    w.exec_params(std::string("DELETE FROM ") + table + " WHERE subject = ANY($1::text[])",
                  pg::text_array(list));
  }
  auto r = w.exec_params(std::string("SELECT payload, community, received_ms, subject FROM fact "
                                     "WHERE subject = ANY($1::text[]) AND ") +
                             kNeighbourKinds + " ORDER BY subject, hlc, origin, id",
                         pg::text_array(list));
  return project_rows(w, r);
}

Status rebuild(pqxx::work& w) {
  w.exec("TRUNCATE neighbour_wishes, neighbour_care, neighbour_care_log, neighbour_conflicts");
  auto r = w.exec(std::string("SELECT payload, community, received_ms, subject FROM fact WHERE ") +
                  kNeighbourKinds + " ORDER BY subject, hlc, origin, id");
  return project_rows(w, r);
}

bool missing(pqxx::work& w) {
  return w
      .exec(std::string("SELECT EXISTS (SELECT 1 FROM fact WHERE ") + kNeighbourKinds +
            ") AND NOT EXISTS (SELECT 1 FROM neighbour_wishes) AND NOT EXISTS (SELECT 1 FROM "
            "neighbour_care) AND NOT EXISTS (SELECT 1 FROM neighbour_care_log) AND NOT EXISTS "
            "(SELECT 1 FROM neighbour_conflicts)")[0][0]
      .as<bool>();
}

Result<NeighbourRecords> records(pqxx::transaction_base& w) {
  NeighbourRecords out;
  for (const auto& row : w.exec("SELECT record FROM neighbour_wishes ORDER BY subject")) {
    WEIMIN_ASSIGN_OR_RETURN(auto x, neighbour::wish_from_record(row[0].as<std::string>()));
    out.wishes.push_back(std::move(x));
  }
  for (const auto& row : w.exec("SELECT record FROM neighbour_care ORDER BY subject")) {
    WEIMIN_ASSIGN_OR_RETURN(auto x, neighbour::care_from_record(row[0].as<std::string>()));
    out.care.push_back(std::move(x));
  }
  for (const auto& row : w.exec("SELECT record FROM neighbour_care_log ORDER BY fact_id")) {
    WEIMIN_ASSIGN_OR_RETURN(auto x, neighbour::log_from_record(row[0].as<std::string>()));
    out.logs.push_back(std::move(x));
  }
  for (const auto& row : w.exec("SELECT record FROM neighbour_conflicts ORDER BY fact_id")) {
    WEIMIN_ASSIGN_OR_RETURN(auto x, neighbour::conflict_from_record(row[0].as<std::string>()));
    out.conflicts.push_back(std::move(x));
  }
  return out;
}

Result<NeighbourPage> page(pqxx::transaction_base& w, const NeighbourQuery& query) {
  using projection_pages::Dialect;
  using projection_pages::neighbour_list;
  using projection_pages::NeighbourList;
  NeighbourPage out;
  WEIMIN_TRY(read_list(w, neighbour_list(NeighbourList::Wishes, query, Dialect::Postgres),
                       out.rows.wishes, out.more_wishes, neighbour::wish_from_record));
  WEIMIN_TRY(read_list(w, neighbour_list(NeighbourList::Care, query, Dialect::Postgres),
                       out.rows.care, out.more_care, neighbour::care_from_record));
  WEIMIN_TRY(read_list(w, neighbour_list(NeighbourList::Logs, query, Dialect::Postgres),
                       out.rows.logs, out.more_logs, neighbour::log_from_record));
  WEIMIN_TRY(read_list(w, neighbour_list(NeighbourList::Conflicts, query, Dialect::Postgres),
                       out.rows.conflicts, out.more_conflicts, neighbour::conflict_from_record));
  return out;
}

}  // namespace weimin::server::pg_neighbour
