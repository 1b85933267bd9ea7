#include "projection_pages.hpp"

#include <initializer_list>

#include "weimin/server/accounts.hpp"
#include "weimin/server/scope.hpp"

namespace weimin::server {

namespace {

constexpr int kMaxLimit = 200;

std::optional<std::string> limit_refusal(int limit, std::initializer_list<std::int64_t> offsets) {
  if (limit < 1 || limit > kMaxLimit) {
    return "a page holds 1 to " + std::to_string(kMaxLimit) + " rows, not " + std::to_string(limit);
  }
  for (std::int64_t o : offsets) {
    if (o < 0) return "a page cannot start at row " + std::to_string(o) + ": use 0 or more";
  }
  return std::nullopt;
}

}  // namespace

namespace govern {

std::optional<GovernQuery> scoped_query(const Principal& who, const core::Catalog* catalog) {
  if (principal_refusal(who, catalog)) return std::nullopt;
  GovernQuery q;
  switch (who.role) {
    case ConsoleRole::Admin:
      return q;
    case ConsoleRole::Office:
      q.office = who.scope;
      return q;
    case ConsoleRole::Department:
      q.department = who.scope;
      return q;
  }
  return std::nullopt;
}

std::optional<std::string> query_refusal(const GovernQuery& q) {
  return limit_refusal(q.limit,
                       {q.topics_from, q.applications_from, q.certificates_from, q.conflicts_from});
}

}  // namespace govern

namespace neighbour {

std::optional<NeighbourQuery> scoped_query(const Principal& who, const core::Catalog* catalog) {
  if (principal_refusal(who, catalog)) return std::nullopt;
  NeighbourQuery q;
  switch (who.role) {
    case ConsoleRole::Admin:
      return q;
    case ConsoleRole::Office:
      q.office = who.scope;
      return q;
    case ConsoleRole::Department:
      return std::nullopt;  // a department keeps no neighbour services
  }
  return std::nullopt;
}

std::optional<std::string> query_refusal(const NeighbourQuery& q) {
  return limit_refusal(q.limit, {q.wishes_from, q.care_from, q.logs_from, q.conflicts_from});
}

}  // namespace neighbour

namespace projection_pages {
namespace {

// Builds "SELECT record FROM table WHERE … ORDER BY … LIMIT … OFFSET …".
class Builder {
 public:
  Builder(std::string table, Dialect dialect) : table_(std::move(table)), dialect_(dialect) {}

  // "column op ?n" with `value` bound.
  void where(const std::string& column, const char* op, const std::string& value) {
    out_.texts.push_back(value);
    conditions_.push_back(column + " " + op + " " + placeholder(out_.texts.size()));
  }
  void where_raw(std::string condition) { conditions_.push_back(std::move(condition)); }
  // The street office's communities: its 12-digit codes start with its 9 digits (":" sorts
  // right after "9"), a range on the column's index.
  void office(const std::string& office) {
    if (office.empty()) return;
    where("community", ">=", office);
    where("community", "<", office + ":");
  }
  void community(const std::string& community) {
    if (!community.empty()) where("community", "=", community);
  }

  ListSql done(const std::string& order, int limit, std::int64_t offset) {
    std::string sql = "SELECT record FROM " + table_;
    for (std::size_t i = 0; i < conditions_.size(); ++i) {
      sql += (i == 0 ? " WHERE " : " AND ") + conditions_[i];
    }
    sql += " ORDER BY " + order + " LIMIT " + placeholder(out_.texts.size() + 1) + " OFFSET " +
           placeholder(out_.texts.size() + 2);
    out_.sql = std::move(sql);
    out_.limit_plus_one = static_cast<std::int64_t>(limit) + 1;
    out_.offset = offset;
    return std::move(out_);
  }

 private:
  std::string placeholder(std::size_t n) const {
    return (dialect_ == Dialect::Sqlite ? "?" : "$") + std::to_string(n);
  }

  std::string table_;
  Dialect dialect_;
  std::vector<std::string> conditions_;
  ListSql out_;
};

}  // namespace

std::optional<ListSql> govern_list(GovernList list, const GovernQuery& q, Dialect dialect) {
  const bool department = !q.department.empty();
  auto scoped = [&](const char* table) {
    Builder b(table, dialect);
    b.office(q.office);
    b.community(q.community);
    return b;
  };
  switch (list) {
    case GovernList::Topics:
      if (department) return std::nullopt;
      return scoped("govern_topics").done("subject DESC", q.limit, q.topics_from);
    case GovernList::Applications: {
      Builder b = scoped("govern_applications");
      if (department) b.where("department", "=", q.department);
      return b.done("subject DESC", q.limit, q.applications_from);
    }
    case GovernList::Certificates:
      if (department) return std::nullopt;
      return scoped("govern_certificates").done("subject DESC", q.limit, q.certificates_from);
    case GovernList::Conflicts:
      if (department) return std::nullopt;
      return scoped("govern_conflicts").done("fact_id DESC", q.limit, q.conflicts_from);
  }
  return std::nullopt;
}

std::optional<ListSql> neighbour_list(NeighbourList list, const NeighbourQuery& q,
                                      Dialect dialect) {
  auto scoped = [&](const char* table) {
    Builder b(table, dialect);
    b.office(q.office);
    b.community(q.community);
    return b;
  };
  switch (list) {
    case NeighbourList::Wishes:
      // What needs someone first, as the station's board: open, claimed, fulfilled, confirmed,
      // then withdrawn.
      return scoped("neighbour_wishes")
          .done(
              "community, CASE stage WHEN 'open' THEN 0 WHEN 'claimed' THEN 1 WHEN 'fulfilled' "
              "THEN 2 WHEN 'confirmed' THEN 3 ELSE 4 END, posted_ms DESC, subject",
              q.limit, q.wishes_from);
    case NeighbourList::Care: {
      Builder b = scoped("neighbour_care");
      b.where_raw(dialect == Dialect::Sqlite ? "listed = 1" : "listed");
      return b.done("community, subject", q.limit, q.care_from);
    }
    case NeighbourList::Logs:
      return scoped("neighbour_care_log").done("at_ms DESC, fact_id", q.limit, q.logs_from);
    case NeighbourList::Conflicts:
      return scoped("neighbour_conflicts").done("fact_id DESC", q.limit, q.conflicts_from);
  }
  return std::nullopt;
}

}  // namespace projection_pages
}  // namespace weimin::server
