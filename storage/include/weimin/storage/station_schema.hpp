// The station's database schema as a list of migrations. Version 1: meta settings, the
// append-only facts every use case writes, and the outbox. Version 2: staff roster and case
// tracking codes. Later versions append; a shipped
// migration never changes (tests/storage/fixtures holds a database of every older version).
// Thread-safety: constant data.
#pragma once

#include <span>

#include "weimin/storage/migrations.hpp"

namespace weimin::storage {

std::span<const Migration> station_migrations();

}  // namespace weimin::storage
