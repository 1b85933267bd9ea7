// DistrictService's reads of the neighbour-services projection (neighbour.hpp).
#include "weimin/server/service.hpp"

namespace weimin::server {

Result<NeighbourRecords> DistrictService::neighbour_records() {
  return store_.neighbour_records();
}

}  // namespace weimin::server
