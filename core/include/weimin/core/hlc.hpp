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
  std::int64_t wall_ms = 0;   // the largest physical time seen, Unix milliseconds (< 2^47)
  std::uint32_t logical = 0;  // counter for events within the same wall_ms (< 2^16)

  static constexpr std::int64_t kMaxWallMs = (std::int64_t{1} << 47) - 1;
  static constexpr std::uint32_t kMaxLogical = 0xFFFF;

  // One sortable 64-bit integer: wall_ms << 16 | logical. pack/unpack round-trip, and packed
  // values order exactly as the timestamps do. The packed value stays below 2^63, so it fits a
  // signed 64-bit database column. Precondition of pack: both fields within their bounds.
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

  // Resumes after a restart from the largest timestamp this node ever issued or saw. Never moves
  // the clock backwards: a smaller `last` than the current one is ignored.
  void restore(HlcTimestamp last);
  // Sets the clock to `last` exactly, also backwards: for a node whose clock ran ahead of the
  // district's and is set back after a sync (docs/SYNC.md, "Clocks"). Stamps issued later may
  // then be smaller than earlier ones; a step on a subject stays ordered after that subject's
  // events through now_after.
  void reset(HlcTimestamp last) { last_ = last; }

  // A timestamp for a local event at physical time physical_ms: strictly greater than every
  // timestamp issued or observed before, and never behind physical_ms. When the logical counter
  // would pass 2^16-1 the timestamp moves one millisecond ahead instead of wrapping. Never fails.
  HlcTimestamp now(std::int64_t physical_ms);

  // A timestamp for a local event that must order after `floor`, the latest event of the
  // subject it acts on (a case, a ticket, a booking): now(physical_ms), or the successor of
  // floor when that is not greater. The clock itself follows floor only when floor is within
  // max_skew_ms of physical_ms: a subject stamped by a clock far ahead is answered in its own
  // order without dragging every later stamp of this node into the future. Never fails.
  HlcTimestamp now_after(HlcTimestamp floor, std::int64_t physical_ms);

  // Merges a timestamp received from another node. Returns the new local timestamp, or
  // Invalid (and leaves the clock unchanged) when remote is more than max_skew_ms ahead of
  // physical_ms, so one bad clock cannot drag every node into the future. The message names
  // both times. A remote with fields out of their bounds is refused the same way. On success the
  // result is strictly greater than both remote and every timestamp issued before.
  Result<HlcTimestamp> observe(HlcTimestamp remote, std::int64_t physical_ms);

  HlcTimestamp last() const { return last_; }

 private:
  std::int64_t max_skew_ms_;
  HlcTimestamp last_{};
};

}  // namespace weimin::core
