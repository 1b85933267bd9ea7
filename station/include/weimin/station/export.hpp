// Export: every fact of the station as JSON lines, for audits and hand-overs, with every
// identity and mobile number masked (DOMAIN.md: personal information never leaves in clear).
// Thread-safety: as Station.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "weimin/station/station.hpp"

namespace weimin::station {

// Writes one JSON object per line in (HLC, origin, id) order and returns how many.
Result<std::int64_t> export_masked(Station& station, std::ostream& out);

}  // namespace weimin::station
