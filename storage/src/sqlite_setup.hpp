// The process-wide SQLite settings, made once before SQLite initialises. Private to storage/.
#pragma once

namespace weimin::storage::detail {

// Called before the first thing that initialises SQLite (opening a database, finding a VFS).
void configure_sqlite_once();

}  // namespace weimin::storage::detail
