// A station's recent own change sequences (own_ranges.hpp).
#include "weimin/server/own_ranges.hpp"

namespace weimin::server {

void OwnRanges::note(const std::string& station_id, const std::string& epoch,
                     const GseqRange& added) {
  if (added.first <= 0 || added.last < added.first || epoch.empty()) return;
  std::lock_guard lock(mutex_);
  Station& s = stations_[station_id];
  if (s.epoch != epoch) {
    s.epoch = epoch;
    s.ranges.clear();
  }
  if (!s.ranges.empty() && added.first <= s.ranges.back().last) {
    // Out of order (two servers on one store, or a store whose sequences went back): keep the
    // order the pull needs by starting again from this range.
    s.ranges.clear();
  }
  if (!s.ranges.empty() && added.first == s.ranges.back().last + 1) {
    s.ranges.back().last = added.last;
    return;
  }
  s.ranges.push_back(added);
  while (s.ranges.size() > per_station_) s.ranges.pop_front();
}

std::vector<GseqRange> OwnRanges::past(const std::string& station_id, const std::string& epoch,
                                       std::int64_t after) {
  std::lock_guard lock(mutex_);
  auto it = stations_.find(station_id);
  if (it == stations_.end()) return {};
  Station& s = it->second;
  if (s.epoch != epoch) {
    stations_.erase(it);
    return {};
  }
  while (!s.ranges.empty() && s.ranges.front().last <= after) s.ranges.pop_front();
  return {s.ranges.begin(), s.ranges.end()};
}

}  // namespace weimin::server
