#include "weimin/server/store.hpp"

namespace weimin::server {

std::string record_text(const FactRecord& r) {
  return r.record.empty() ? sync::canonical_text(r.fact) : r.record;
}

}  // namespace weimin::server
