// Export: every fact of the station as JSON lines, for audits and hand-overs, with every
// identity and mobile number masked (DOMAIN.md: personal information never leaves in clear).
// Thread-safety: as Station.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station {

// Writes one JSON object per line in (HLC, origin, id) order, records an audit fact of the
// export and returns how many facts were written. PermissionDenied (nothing written) unless
// `by` may export records (a director).
Result<std::int64_t> export_masked(Station& station, const Session& by, std::ostream& out);

}  // namespace weimin::station
