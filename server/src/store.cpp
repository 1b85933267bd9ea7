#include "weimin/server/store.hpp"

namespace weimin::server {

std::string record_text(const FactRecord& r) {
  return r.record.empty() ? sync::to_json_value(r.fact).dump() : r.record;
}

}  // namespace weimin::server
