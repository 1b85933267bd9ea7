// The change sequences each station's recent pushes were given (PushOutcome::added), so that
// the station's next pull steps over its own facts instead of reading them back row by row
// (DistrictStore::read_changes, skip_ranges). Only a saving: a range forgotten (a restart, the
// bound below) is read and filtered as before, never a change left out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "weimin/server/store.hpp"

namespace weimin::server {

class OwnRanges {
 public:
  // At most `per_station` ranges are kept for a station (its oldest go first); a station's
  // ranges that follow each other are kept as one.
  explicit OwnRanges(std::size_t per_station = 64) : per_station_(per_station) {}

  // A push of `station_id` added `added` in the store's epoch `epoch`.
  void note(const std::string& station_id, const std::string& epoch, const GseqRange& added);
  // The station's ranges past `after`, ascending, for a pull in epoch `epoch`. The ranges of
  // another epoch (the store was restored: their sequences may be others' changes now) are
  // dropped, and so are those the station has pulled past.
  std::vector<GseqRange> past(const std::string& station_id, const std::string& epoch,
                              std::int64_t after);

 private:
  struct Station {
    std::string epoch;
    std::deque<GseqRange> ranges;  // ascending, disjoint
  };
  const std::size_t per_station_;
  std::mutex mutex_;
  std::unordered_map<std::string, Station> stations_;
};

}  // namespace weimin::server
