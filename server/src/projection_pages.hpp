// The SQL of the console's bounded pages over the governance and neighbour-services projections
// (DistrictStore::govern_page, neighbour_page), the same for both stores but for placeholders:
// one query per list, its scope as conditions on the indexed columns, its stable order, LIMIT
// and OFFSET. The stores run them in one snapshot and read the `record` column back.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "weimin/core/result.hpp"
#include "weimin/server/govern.hpp"
#include "weimin/server/neighbour.hpp"

namespace weimin::server::projection_pages {

enum class Dialect { Sqlite, Postgres };

// One list's page: SQL selecting the `record` column of at most limit + 1 rows (one more than
// the page, to tell whether more follow), the text parameters it binds first (1…n), and the
// two numbers it binds after them: limit + 1 at n + 1 and the offset at n + 2.
struct ListSql {
  std::string sql;
  std::vector<std::string> texts;
  std::int64_t limit_plus_one = 0;
  std::int64_t offset = 0;
};

enum class GovernList { Topics, Applications, Certificates, Conflicts };
enum class NeighbourList { Wishes, Care, Logs, Conflicts };

// The page query of one list; nothing when the query's scope holds no row of that list (a
// department's query reads applications only).
std::optional<ListSql> govern_list(GovernList list, const GovernQuery& query, Dialect dialect);
std::optional<ListSql> neighbour_list(NeighbourList list, const NeighbourQuery& query,
                                      Dialect dialect);

// Reads one page of `sql` from `s` (an embedded store's cached statement for sql.sql) into
// `rows` with `from_record` on each row's record; `more` when a row past the page exists. Resets
// the statement: left part-way through its rows (the one past the page), it would hold its read
// snapshot open on the connection, and later reads on it would not see newer writes.
template <class Statement, class Rows, class FromRecord>
Status read_sqlite_page(Statement& s, const ListSql& sql, Rows& rows, bool& more,
                        FromRecord from_record) {
  int n = 0;
  for (const std::string& t : sql.texts) s.bind(++n, t);
  s.bind(n + 1, sql.limit_plus_one).bind(n + 2, sql.offset);
  Status out = Status::ok();
  while (out.is_ok()) {
    auto row = s.step();
    if (!row.is_ok()) {
      out = row.status();
      break;
    }
    if (!*row) break;
    if (static_cast<std::int64_t>(rows.size()) + 1 == sql.limit_plus_one) {
      more = true;
      break;
    }
    auto r = from_record(s.column_text(0));
    if (!r.is_ok()) {
      out = r.status();
      break;
    }
    rows.push_back(std::move(r).value());
  }
  s.reset();
  return out;
}

}  // namespace weimin::server::projection_pages
