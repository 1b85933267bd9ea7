// Turns SQLite result codes into Weimin Status values whose messages speak to the person who
// has to act: which file, what happened, what to do. Private to storage/.
#pragma once

#include <string_view>

#include "weimin/core/result.hpp"

struct sqlite3;

namespace weimin::storage::detail {

// Precondition: rc is an error code (not SQLITE_OK/ROW/DONE).
Status sqlite_status(sqlite3* db, int rc, std::string_view file, std::string_view doing);

}  // namespace weimin::storage::detail
