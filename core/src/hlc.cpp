#include "weimin/core/hlc.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>

#include "weimin/core/civil_time.hpp"

namespace weimin::core {
namespace {

constexpr std::int64_t kMsPerDay = 24LL * 60 * 60 * 1000;

// Applies the HLC rule "counter past its 16 bits moves wall_ms one millisecond ahead".
HlcTimestamp settle(std::int64_t wall_ms, std::uint64_t logical) {
  if (logical > HlcTimestamp::kMaxLogical) return HlcTimestamp{wall_ms + 1, 0};
  return HlcTimestamp{wall_ms, static_cast<std::uint32_t>(logical)};
}

std::string iso_utc(std::int64_t unix_ms) {
  const std::int64_t day = unix_ms >= 0 ? unix_ms / kMsPerDay : -((-unix_ms - 1) / kMsPerDay) - 1;
  const std::int64_t ms_of_day = unix_ms - day * kMsPerDay;
  const CivilDate date = CivilDate::from_days(day);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", date.year, date.month,
                date.day, static_cast<int>(ms_of_day / 3'600'000),
                static_cast<int>(ms_of_day / 60'000 % 60), static_cast<int>(ms_of_day / 1000 % 60),
                static_cast<int>(ms_of_day % 1000));
  return buf;
}

}  // namespace

std::uint64_t HlcTimestamp::pack() const {
  assert(wall_ms >= 0 && wall_ms <= kMaxWallMs && "HLC wall_ms out of its 47 bits");
  assert(logical <= kMaxLogical && "HLC logical counter out of its 16 bits");
  return (static_cast<std::uint64_t>(wall_ms) << 16) | logical;
}

HlcTimestamp HlcTimestamp::unpack(std::uint64_t packed) {
  return HlcTimestamp{static_cast<std::int64_t>(packed >> 16),
                      static_cast<std::uint32_t>(packed & kMaxLogical)};
}

std::string HlcTimestamp::to_string() const {
  return iso_utc(wall_ms) + "+" + std::to_string(logical);
}

HlcClock::HlcClock(std::int64_t max_skew_ms) : max_skew_ms_(max_skew_ms) {
  assert(max_skew_ms >= 0);
}

void HlcClock::restore(HlcTimestamp last) {
  last_ = std::max(last_, last);
}

HlcTimestamp HlcClock::now(std::int64_t physical_ms) {
  if (physical_ms > last_.wall_ms) {
    last_ = HlcTimestamp{physical_ms, 0};
  } else {
    last_ = settle(last_.wall_ms, std::uint64_t{last_.logical} + 1);
  }
  return last_;
}

HlcTimestamp HlcClock::now_after(HlcTimestamp floor, std::int64_t physical_ms) {
  const HlcTimestamp own = now(physical_ms);
  if (own > floor || floor.wall_ms < 0 || floor.wall_ms >= HlcTimestamp::kMaxWallMs ||
      floor.logical > HlcTimestamp::kMaxLogical) {
    return own;  // already after it (or floor is no timestamp at all)
  }
  const HlcTimestamp next = settle(floor.wall_ms, std::uint64_t{floor.logical} + 1);
  if (floor.wall_ms - physical_ms <= max_skew_ms_) last_ = next;
  return next;
}

Result<HlcTimestamp> HlcClock::observe(HlcTimestamp remote, std::int64_t physical_ms) {
  if (remote.wall_ms < 0 || remote.wall_ms > HlcTimestamp::kMaxWallMs ||
      remote.logical > HlcTimestamp::kMaxLogical) {
    return Status(ErrorCode::Invalid, "remote clock value " + std::to_string(remote.wall_ms) + "+" +
                                          std::to_string(remote.logical) +
                                          " is not a valid hybrid logical clock timestamp; the "
                                          "sending node is faulty or the message is damaged");
  }
  if (remote.wall_ms - physical_ms > max_skew_ms_) {
    return Status(ErrorCode::Invalid,
                  "remote clock " + iso_utc(remote.wall_ms) + " is " +
                      std::to_string(remote.wall_ms - physical_ms) + " ms ahead of local time " +
                      iso_utc(physical_ms) + " (at most " + std::to_string(max_skew_ms_) +
                      " ms allowed); check the clock of the sending node and of this one");
  }
  const std::int64_t wall = std::max({last_.wall_ms, remote.wall_ms, physical_ms});
  std::uint64_t logical = 0;
  if (wall == last_.wall_ms && wall == remote.wall_ms) {
    logical = std::uint64_t{std::max(last_.logical, remote.logical)} + 1;
  } else if (wall == last_.wall_ms) {
    logical = std::uint64_t{last_.logical} + 1;
  } else if (wall == remote.wall_ms) {
    logical = std::uint64_t{remote.logical} + 1;
  }
  last_ = settle(wall, logical);
  return last_;
}

}  // namespace weimin::core
