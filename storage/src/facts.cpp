#include "weimin/storage/facts.hpp"

namespace weimin::storage {
namespace {

constexpr std::string_view kColumns =
    "SELECT id, kind, subject, origin, hlc, wall_ms, day, body, received_ms FROM facts ";

FactRow row_of(const Statement& s) {
  FactRow f;
  f.id = s.column_text(0);
  f.kind = s.column_text(1);
  f.subject = s.column_text(2);
  f.origin = s.column_text(3);
  f.hlc = s.column_int64(4);
  f.wall_ms = s.column_int64(5);
  f.day = s.column_text(6);
  f.body = s.column_text(7);
  if (!s.is_null(8)) f.received_ms = s.column_int64(8);
  return f;
}

Result<std::vector<FactRow>> collect(Statement& s) {
  std::vector<FactRow> out;
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    out.push_back(row_of(s));
  }
  return out;
}

// The upper bound of a prefix range: "ticket." -> "ticket/"; "" -> past every kind.
std::string prefix_end(std::string_view prefix) {
  if (prefix.empty()) return "\x7f\x7f\x7f\x7f";
  std::string end(prefix);
  end.back() = static_cast<char>(end.back() + 1);
  return end;
}

}  // namespace

Result<bool> Facts::insert(Database& db, const FactRow& f) {
  WEIMIN_ASSIGN_OR_RETURN(
      Statement s, db.prepare("INSERT OR IGNORE INTO facts (id, kind, subject, origin, hlc, "
                              "wall_ms, day, body, received_ms) VALUES (?,?,?,?,?,?,?,?,?)"));
  s.bind(1, f.id).bind(2, f.kind).bind(3, f.subject).bind(4, f.origin).bind(5, f.hlc);
  s.bind(6, f.wall_ms).bind(7, f.day).bind(8, f.body).bind(9, f.received_ms);
  WEIMIN_TRY(s.run());
  return db.changes() == 1;
}

Result<bool> Facts::complete_body(Database& db, std::string_view id, std::string_view origin,
                                  std::string_view body) {
  WEIMIN_ASSIGN_OR_RETURN(
      Statement s,
      db.prepare("UPDATE facts SET body = ?1 WHERE id = ?2 AND origin = ?3 AND body <> ?1"));
  s.bind(1, body).bind(2, id).bind(3, origin);
  WEIMIN_TRY(s.run());
  return db.changes() == 1;
}

Result<std::optional<FactRow>> Facts::find(Database& db, std::string_view id) {
  WEIMIN_ASSIGN_OR_RETURN(Statement s, db.prepare(std::string(kColumns) + "WHERE id = ?"));
  s.bind(1, id);
  WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return std::optional<FactRow>();
  return std::optional<FactRow>(row_of(s));
}

Result<std::vector<FactRow>> Facts::by_subject(Database& db, std::string_view subject) {
  WEIMIN_ASSIGN_OR_RETURN(Statement s, db.prepare(std::string(kColumns) +
                                                  "WHERE subject = ? ORDER BY hlc, origin, id"));
  s.bind(1, subject);
  return collect(s);
}

Result<std::vector<FactRow>> Facts::by_kind_on_day(Database& db, std::string_view kind_prefix,
                                                   std::string_view day) {
  WEIMIN_ASSIGN_OR_RETURN(
      Statement s, db.prepare(std::string(kColumns) + "WHERE kind >= ? AND kind < ? AND day = ? "
                                                      "ORDER BY hlc, origin, id"));
  s.bind(1, kind_prefix).bind(2, prefix_end(kind_prefix)).bind(3, day);
  return collect(s);
}

Result<std::vector<FactRow>> Facts::by_kind(Database& db, std::string_view kind_prefix) {
  WEIMIN_ASSIGN_OR_RETURN(
      Statement s,
      db.prepare(std::string(kColumns) + "WHERE kind >= ? AND kind < ? ORDER BY hlc, origin, id"));
  s.bind(1, kind_prefix).bind(2, prefix_end(kind_prefix));
  return collect(s);
}

Result<std::int64_t> Facts::count(Database& db) {
  WEIMIN_ASSIGN_OR_RETURN(Statement s, db.prepare("SELECT count(*) FROM facts"));
  WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
  return row ? s.column_int64(0) : 0;
}

Result<std::optional<std::string>> Meta::get(Database& db, std::string_view key) {
  WEIMIN_ASSIGN_OR_RETURN(Statement s, db.prepare("SELECT value FROM meta WHERE key = ?"));
  s.bind(1, key);
  WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.column_text(0));
}

Status Meta::set(Database& db, std::string_view key, std::string_view value) {
  WEIMIN_ASSIGN_OR_RETURN(Statement s,
                          db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"));
  s.bind(1, key).bind(2, value);
  return s.run();
}

}  // namespace weimin::storage
