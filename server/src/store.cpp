#include "weimin/server/store.hpp"

namespace weimin::server {

std::string record_text(const FactRecord& r) {
  return r.record.empty() ? sync::canonical_text(r.fact) : r.record;
}

std::vector<GseqGap> gaps_outside(std::int64_t after, const std::vector<GseqRange>& skip) {
  std::vector<GseqGap> out;
  std::int64_t from = after;
  for (const GseqRange& r : skip) {
    if (r.last <= from) continue;
    if (r.first > from + 1) out.push_back({from, r.first});
    from = r.last;
  }
  out.push_back({from, std::nullopt});
  return out;
}

}  // namespace weimin::server
