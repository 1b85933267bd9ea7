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

}  // namespace weimin::server::projection_pages
