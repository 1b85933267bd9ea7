// Facts: the append-only records of the station schema (DESIGN.md, "Facts"). A fact is
// inserted once and never updated; inserting a fact that is already there is a no-op, which
// makes merging replicas a set union. Reads come back in (HLC, origin, id) order.
// Also Meta, the station's small key-value settings. Thread-safety: as Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/storage/database.hpp"

namespace weimin::storage {

struct FactRow {
  std::string id;        // UUIDv7, canonical text
  std::string kind;      // e.g. "case.collected"
  std::string subject;   // the ticket, case or appointment it is about
  std::string origin;    // node that wrote it
  std::int64_t hlc = 0;  // packed HLC
  std::int64_t wall_ms = 0;
  std::string day;   // origin's local date YYYY-MM-DD
  std::string body;  // JSON
  std::optional<std::int64_t> received_ms;

  bool operator==(const FactRow&) const = default;
};

class Facts {
 public:
  // true when the fact is new, false when a fact with this id was already there.
  static Result<bool> insert(Database& db, const FactRow& fact);
  static Result<std::optional<FactRow>> find(Database& db, std::string_view id);
  // The one exception to "never updated": a fact held as a copy cut down for an older protocol
  // schema (fields it did not know left out) is given its whole body when the full fact
  // arrives. Replaces the body of the fact `id` of origin `origin` when it differs from `body`;
  // true when it did, false when the fact is absent, of another origin or already so. The
  // caller vouches that `body` is the whole fact (a page of the station's own schema).
  static Result<bool> complete_body(Database& db, std::string_view id, std::string_view origin,
                                    std::string_view body);
  static Result<std::vector<FactRow>> by_subject(Database& db, std::string_view subject);
  // Facts whose kind starts with kind_prefix (e.g. "ticket.") on one day.
  static Result<std::vector<FactRow>> by_kind_on_day(Database& db, std::string_view kind_prefix,
                                                     std::string_view day);
  // Facts whose kind starts with kind_prefix, every day.
  static Result<std::vector<FactRow>> by_kind(Database& db, std::string_view kind_prefix);
  static Result<std::int64_t> count(Database& db);
};

class Meta {
 public:
  static Result<std::optional<std::string>> get(Database& db, std::string_view key);
  static Status set(Database& db, std::string_view key, std::string_view value);
};

}  // namespace weimin::storage
