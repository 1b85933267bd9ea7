// Hybrid logical clock (HLC, Kulkarni et al. 2014): orders the facts of all nodes without
// trusting their wall clocks, while staying close to physical time. Facts are ordered by
// (HLC, origin, id). An HlcClock is not thread-safe: one per node, guarded by its owner.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "weimin/core/result.hpp"

namespace weimin::core {

struct HlcTimestamp {
  std::int64_t wall_ms = 0;    // the largest physical time seen, Unix milliseconds (< 2^47)
  std::uint32_t logical = 0;   // counter for events within the same wall_ms (< 2^16)

  // One sortable 64-bit integer: wall_ms << 16 | logical. pack/unpack round-trip.
  std::uint64_t pack() const;
  static HlcTimestamp unpack(std::uint64_t packed);
  // "2026-11-22T08:30:00.123Z+4" style, for people.
  std::string to_string() const;

  auto operator<=>(const HlcTimestamp&) const = default;
};

class HlcClock {
 public:
  // max_skew_ms: how far ahead of our physical clock a remote timestamp may be before it is
  // refused (DESIGN.md flags clocks off by more than 5 minutes).
  explicit HlcClock(std::int64_t max_skew_ms = 5 * 60 * 1000);

  // Resumes after a restart from the largest timestamp this node ever issued or saw.
  void restore(HlcTimestamp last);

  // A timestamp for a local event at physical time physical_ms: strictly greater than every
  // timestamp issued or observed before, and never behind physical_ms.
  HlcTimestamp now(std::int64_t physical_ms);

  // Merges a timestamp received from another node. Returns the new local timestamp, or
  // Invalid (and leaves the clock unchanged) when remote is more than max_skew_ms ahead of
  // physical_ms, so one bad clock cannot drag every node into the future.
  Result<HlcTimestamp> observe(HlcTimestamp remote, std::int64_t physical_ms);

  HlcTimestamp last() const { return last_; }

 private:
  std::int64_t max_skew_ms_;
  HlcTimestamp last_{};
};

}  // namespace weimin::core
