// DistrictService's reads of the governance projection (govern.hpp).
#include "weimin/server/service.hpp"

namespace weimin::server {

Result<GovernRecords> DistrictService::govern_records() {
  return store_.govern_records();
}

}  // namespace weimin::server
