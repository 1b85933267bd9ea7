// The district's projection of the stations' governance records: community consultation
// (社区协商, core/consultation.hpp), work-access applications (社区工作准入) and the certificate
// register (core/work_access_register.hpp). Rows are made per subject (a topic, an application,
// a register entry) by folding all the subject's facts, in the same transaction that stores
// them, and can be rebuilt from the facts (DistrictStore::rebuild_projection). Facts that do not
// fit (a decision on a refused application, a certificate the catalog forbids) are kept as
// conflict rows and shown, never dropped.
// Scopes (as for cases): an office sees its communities' records, a department the
// work-access applications naming it, an admin everything.
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "weimin/core/catalog.hpp"
#include "weimin/core/consultation.hpp"
#include "weimin/core/work_access_register.hpp"

namespace weimin::sync {
struct FactPayload;
}

namespace weimin::server {

struct FactRecord;
struct Principal;

struct GovernTopicRow {
  std::string community;
  core::ConsultTopic topic;
  bool operator==(const GovernTopicRow&) const = default;
};
struct GovernApplicationRow {
  std::string community;
  core::AccessApplication application;
  bool operator==(const GovernApplicationRow&) const = default;
};
struct GovernCertificateRow {
  std::string community;
  core::CertificateEntry entry;
  bool operator==(const GovernCertificateRow&) const = default;
};
struct GovernConflictRow {
  std::string fact_id;
  std::string subject;
  std::string community;
  std::string kind;
  std::string reason;
  bool operator==(const GovernConflictRow&) const = default;
};

// What one subject's facts project to: at most one row of one table, and its conflicts.
struct GovernSubjectRows {
  std::optional<GovernTopicRow> topic;
  std::optional<GovernApplicationRow> application;
  std::optional<GovernCertificateRow> certificate;
  std::vector<GovernConflictRow> conflicts;
  bool operator==(const GovernSubjectRows&) const = default;
};

// Figures as the seeds count them (Guandu 2022: 473 activities, 556 items, 522 carried out).
struct GovernFigures {
  int topics = 0;
  int activities = 0;   // consultation meetings held
  int items = 0;        // decisions made
  int carried_out = 0;  // decisions carried out
  int applications = 0;
  int approved = 0;
  int refused = 0;
  int pending = 0;
  int certificates = 0;
  int conflicts = 0;
  bool operator==(const GovernFigures&) const = default;
};

// Every row, each list ordered by its id (time order: UUIDv7).
struct GovernRecords {
  std::vector<GovernTopicRow> topics;
  std::vector<GovernApplicationRow> applications;
  std::vector<GovernCertificateRow> certificates;
  std::vector<GovernConflictRow> conflicts;

  GovernFigures figures() const;
  bool operator==(const GovernRecords&) const = default;
};

// Which rows the console's page reads (DistrictStore::govern_page): those of one scope, a
// bounded page of each list. Each list is newest first (by id, UUIDv7; conflicts by fact id).
struct GovernQuery {
  std::string office;     // only rows of this street office's communities (9 digits)
  std::string community;  // only rows of this community (12 digits)
  // Only the work-access applications naming this department, and no row of another list.
  std::string department;
  int limit = 50;  // rows of each list, 1…200
  // The rows of each list skipped (its offset).
  std::int64_t topics_from = 0;
  std::int64_t applications_from = 0;
  std::int64_t certificates_from = 0;
  std::int64_t conflicts_from = 0;
};
// One page of each list, and whether rows follow it.
struct GovernPage {
  GovernRecords rows;
  bool more_topics = false;
  bool more_applications = false;
  bool more_certificates = false;
  bool more_conflicts = false;
  bool operator==(const GovernPage&) const = default;
};

namespace govern {

// The query of the rows `who` may see (as scoped says), one page of each list at the offsets
// 0; nothing when `who` sees no row at all.
std::optional<GovernQuery> scoped_query(const Principal& who, const core::Catalog* catalog);

// Why a store cannot read `query` (a limit outside 1…200, a negative offset), or nothing.
std::optional<std::string> query_refusal(const GovernQuery& query);

// True for the kinds projected here: consult.*, access.*, certificate.*.
bool is_govern_kind(std::string_view kind);

// Why a station's pushed fact of a govern kind can never be applied (its body does not parse
// strictly, or its id, subject, origin or HLC differ from the envelope's), or nothing. Facts
// of other kinds: nothing. A certificate the catalog forbids is NOT refused here: it is kept
// and shown as a conflict.
std::optional<std::string> entry_refusal(const sync::FactPayload& fact);

// The rows of one subject from all its facts (any order). `catalog` null: no catalog is
// published, so every certificate entry is a conflict (its issuability cannot be checked).
GovernSubjectRows project_subject(const std::vector<FactRecord>& facts,
                                  const core::Catalog* catalog);

// Rows as stored (JSON text in the tables' `record` columns) and back. Corrupt on a record
// that does not read back.
std::string to_record(const GovernTopicRow& row);
std::string to_record(const GovernApplicationRow& row);
std::string to_record(const GovernCertificateRow& row);
std::string to_record(const GovernConflictRow& row);
Result<GovernTopicRow> topic_from_record(std::string_view text);
Result<GovernApplicationRow> application_from_record(std::string_view text);
Result<GovernCertificateRow> certificate_from_record(std::string_view text);
Result<GovernConflictRow> conflict_from_record(std::string_view text);

// The records `who` may see: an office its communities', a department the applications naming
// it (nothing else), an admin all. Refused principals (principal_refusal) see nothing.
GovernRecords scoped(const GovernRecords& all, const Principal& who, const core::Catalog* catalog);

// The catalog published in `json` (the store's latest "catalog" reference), parsed once per
// gseq; null when none is published or it does not parse.
class CatalogCache {
 public:
  const core::Catalog* get(const std::optional<std::string>& json, std::int64_t gseq);

 private:
  std::int64_t gseq_ = -1;
  std::optional<core::Catalog> catalog_;
};

}  // namespace govern
}  // namespace weimin::server
