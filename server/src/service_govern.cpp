// DistrictService's reads of the governance projection (govern.hpp).
#include "weimin/server/service.hpp"

namespace weimin::server {

Result<GovernRecords> DistrictService::govern_records() {
  std::unique_lock lock(mutex_);
  return store_.govern_records();
}

}  // namespace weimin::server
