#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

#include "seed.hpp"
#include "weimin/core/hlc.hpp"

using namespace weimin;
using namespace weimin::core;

namespace {

constexpr std::int64_t kSkew = 5 * 60 * 1000;
constexpr std::int64_t kDay = 24LL * 60 * 60 * 1000;
constexpr std::int64_t kT = 1'795'336'200'123;  // 2026-11-22T08:30:00.123Z

}  // namespace

TEST_CASE("local events in one millisecond count up, a new millisecond starts at zero") {
  HlcClock clock(kSkew);
  CHECK(clock.now(kT) == HlcTimestamp{kT, 0});
  CHECK(clock.now(kT) == HlcTimestamp{kT, 1});
  CHECK(clock.now(kT) == HlcTimestamp{kT, 2});
  CHECK(clock.now(kT + 5) == HlcTimestamp{kT + 5, 0});
  // The physical clock steps back an hour: keep the last wall time and count on.
  CHECK(clock.now(kT - 3'600'000) == HlcTimestamp{kT + 5, 1});
  CHECK(clock.now(kT + 4) == HlcTimestamp{kT + 5, 2});
  CHECK(clock.now(kT + 6) == HlcTimestamp{kT + 6, 0});
  CHECK(clock.last() == HlcTimestamp{kT + 6, 0});
}

TEST_CASE("observing a remote timestamp follows the HLC receive rule") {
  HlcClock clock(kSkew);
  clock.restore({kT, 7});

  SUBCASE("remote ahead within the allowed skew: take its wall time, count past it") {
    const auto r = clock.observe({kT + 1000, 3}, kT);
    REQUIRE(r.is_ok());
    CHECK(*r == HlcTimestamp{kT + 1000, 4});
  }
  SUBCASE("remote behind: keep ours and count on") {
    CHECK(clock.observe({kT - 1000, 99}, kT).value() == HlcTimestamp{kT, 8});
  }
  SUBCASE("same wall time: count past the larger counter") {
    CHECK(clock.observe({kT, 20}, kT).value() == HlcTimestamp{kT, 21});
    CHECK(clock.observe({kT, 2}, kT).value() == HlcTimestamp{kT, 22});
  }
  SUBCASE("physical time ahead of both: take it with counter zero") {
    CHECK(clock.observe({kT + 10, 50}, kT + 20).value() == HlcTimestamp{kT + 20, 0});
  }
  SUBCASE("remote exactly max_skew_ms ahead is still accepted") {
    CHECK(clock.observe({kT + kSkew, 0}, kT).value() == HlcTimestamp{kT + kSkew, 1});
  }
}

TEST_CASE("a remote too far ahead is refused with both times and leaves the clock unchanged") {
  HlcClock clock(kSkew);
  clock.restore({kT, 7});
  const auto r = clock.observe({kT + kSkew + 1, 0}, kT);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == ErrorCode::Invalid);
  const std::string message = r.status().message();
  CAPTURE(message);
  CHECK(message.find("2026-11-22T08:35:00.124Z") != std::string::npos);  // the remote's time
  CHECK(message.find("2026-11-22T08:30:00.123Z") != std::string::npos);  // ours
  CHECK(message.find("300001 ms ahead") != std::string::npos);
  CHECK(clock.last() == HlcTimestamp{kT, 7});

  // A whole day ahead: someone set the sending station's date wrong.
  CHECK_FALSE(clock.observe({kT + kDay, 0}, kT).is_ok());
  CHECK(clock.last() == HlcTimestamp{kT, 7});
  CHECK(clock.now(kT) == HlcTimestamp{kT, 8});
}

TEST_CASE("a malformed remote timestamp is refused and leaves the clock unchanged") {
  HlcClock clock(kSkew);
  clock.restore({kT, 7});
  CHECK(clock.observe({kT, 0x10000}, kT).status().code() == ErrorCode::Invalid);
  CHECK(clock.observe({-1, 0}, kT).status().code() == ErrorCode::Invalid);
  CHECK(clock.last() == HlcTimestamp{kT, 7});
}

TEST_CASE(
    "a logical counter past 16 bits moves wall_ms one millisecond ahead instead of "
    "wrapping") {
  HlcClock clock(kSkew);
  clock.restore({kT, HlcTimestamp::kMaxLogical - 1});
  CHECK(clock.now(kT) == HlcTimestamp{kT, HlcTimestamp::kMaxLogical});
  CHECK(clock.now(kT) == HlcTimestamp{kT + 1, 0});
  CHECK(clock.now(kT) == HlcTimestamp{kT + 1, 1});

  HlcClock receiver(kSkew);
  receiver.restore({kT, 3});
  CHECK(receiver.observe({kT, HlcTimestamp::kMaxLogical}, kT).value() == HlcTimestamp{kT + 1, 0});

  // 70,000 events in one physical millisecond stay strictly increasing and packable.
  HlcClock busy(kSkew);
  HlcTimestamp previous = busy.now(kT);
  for (int i = 0; i < 70'000; ++i) {
    const HlcTimestamp t = busy.now(kT);
    REQUIRE(previous < t);
    REQUIRE(t.logical <= HlcTimestamp::kMaxLogical);
    REQUIRE(previous.pack() < t.pack());
    previous = t;
  }
  CHECK(previous.wall_ms == kT + 1);
}

TEST_CASE("restore resumes from a saved timestamp and never moves the clock back") {
  HlcClock clock(kSkew);
  clock.restore({kT, 3});
  CHECK(clock.now(kT - 10) == HlcTimestamp{kT, 4});
  clock.restore({kT - 5000, 9});
  CHECK(clock.last() == HlcTimestamp{kT, 4});
  clock.restore(HlcTimestamp::unpack(HlcTimestamp{kT + 2, 1}.pack()));
  CHECK(clock.now(kT) == HlcTimestamp{kT + 2, 2});
}

TEST_CASE("pack and unpack round-trip and packed order equals timestamp order") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  MESSAGE("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const auto random_timestamp = [&] {
    // Mostly near one another so equal wall times with different counters come up often.
    const std::int64_t wall =
        rng() % 4 == 0 ? static_cast<std::int64_t>(rng() % (HlcTimestamp::kMaxWallMs + 1))
                       : kT + static_cast<std::int64_t>(rng() % 3);
    const auto logical = static_cast<std::uint32_t>(rng() % 3 == 0 ? rng() % 3 : rng() % 0x10000);
    return HlcTimestamp{wall, logical};
  };
  int mismatches = 0;
  for (int i = 0; i < 20'000; ++i) {
    const HlcTimestamp a = random_timestamp();
    const HlcTimestamp b = random_timestamp();
    if (HlcTimestamp::unpack(a.pack()) != a) ++mismatches;
    if ((a <=> b) != (a.pack() <=> b.pack())) ++mismatches;
    if (a.pack() >= (std::uint64_t{1} << 63)) ++mismatches;  // fits a signed 64-bit column
  }
  CHECK(mismatches == 0);
  const HlcTimestamp top{HlcTimestamp::kMaxWallMs, HlcTimestamp::kMaxLogical};
  CHECK(HlcTimestamp::unpack(top.pack()) == top);
  CHECK(HlcTimestamp{kT, 0}.pack() < HlcTimestamp{kT, 1}.pack());
  CHECK(HlcTimestamp{kT, 0xFFFF}.pack() < HlcTimestamp{kT + 1, 0}.pack());
}

TEST_CASE("timestamps print as UTC time and counter for people") {
  CHECK(HlcTimestamp{kT, 4}.to_string() == "2026-11-22T08:30:00.123Z+4");
  CHECK(HlcTimestamp{0, 0}.to_string() == "1970-01-01T00:00:00.000Z+0");
}

// Random local events and remote observations while the physical clock runs, stalls and jumps
// by up to a day either way. Checks on every step:
//  (a) issued timestamps strictly increase (and exceed an accepted remote);
//  (b) last().wall_ms stays within max_skew_ms of the largest physical time seen, plus one
//      millisecond for each counter overflow (which the test provokes on purpose);
//  (c) a local timestamp is never behind physical time;
// and a remote is refused exactly when it is more than max_skew_ms ahead, changing nothing.
TEST_CASE("property: hlc timestamps increase, stay near physical time and are never behind it") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  MESSAGE("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const auto uniform = [&](std::int64_t lo, std::int64_t hi) {  // inclusive
    return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  };

  int failures = 0;
  int refusals = 0;
  int overflows = 0;
  int big_jumps_back = 0;
  for (int run = 0; run < 30; ++run) {
    const std::int64_t skew = run % 3 == 0 ? kSkew : uniform(0, 10'000);
    HlcClock clock(skew);
    std::int64_t physical = uniform(kT - 365 * kDay, kT + 365 * kDay);
    std::int64_t max_physical = physical;
    int run_overflows = 0;
    HlcTimestamp previous = clock.last();

    for (int step = 0; step < 3000; ++step) {
      const auto dice = uniform(0, 99);
      if (dice < 3) {
        const std::int64_t jump = uniform(-kDay, kDay);
        if (jump < -3'600'000) ++big_jumps_back;
        physical += jump;
      } else if (dice < 50) {
        physical += uniform(0, 20);
      }  // else the physical clock stands still
      max_physical = std::max(max_physical, physical);

      HlcTimestamp issued;
      std::int64_t expected_wall = std::max(previous.wall_ms, physical);
      if (uniform(0, 99) < 55) {
        issued = clock.now(physical);
        if (issued.wall_ms < physical) ++failures;  // (c)
      } else {
        HlcTimestamp remote;
        const auto kind = uniform(0, 9);
        if (kind < 2) {
          remote.wall_ms = previous.wall_ms;  // same wall time as ours
        } else if (kind < 4) {
          remote.wall_ms = physical + skew + uniform(0, 1);  // right at the edge
        } else {
          remote.wall_ms = physical + uniform(-2 * skew - 1000, 2 * skew + 1000);
        }
        remote.wall_ms = std::max<std::int64_t>(remote.wall_ms, 0);
        remote.logical = static_cast<std::uint32_t>(uniform(0, 9) == 0 ? HlcTimestamp::kMaxLogical
                                                                       : uniform(0, 1000));

        const auto result = clock.observe(remote, physical);
        const bool too_far = remote.wall_ms - physical > skew;
        if (result.is_ok() == too_far) ++failures;
        if (!result.is_ok()) {
          ++refusals;
          if (result.status().code() != ErrorCode::Invalid) ++failures;
          if (clock.last() != previous) ++failures;  // unchanged
          continue;
        }
        issued = *result;
        if (!(remote < issued)) ++failures;
        if (issued.wall_ms < physical) ++failures;
        expected_wall = std::max(expected_wall, remote.wall_ms);
      }

      if (!(previous < issued)) ++failures;  // (a)
      if (clock.last() != issued) ++failures;
      if (issued.logical > HlcTimestamp::kMaxLogical) ++failures;
      if (issued.wall_ms == expected_wall + 1 && issued.logical == 0) {
        ++run_overflows;  // counter overflow
      } else if (issued.wall_ms != expected_wall) {
        ++failures;
      }
      if (clock.last().wall_ms - max_physical > skew + run_overflows) ++failures;  // (b)
      previous = issued;
    }
    overflows += run_overflows;
  }
  CHECK(failures == 0);
  // The run really exercised what it claims to.
  CHECK(refusals > 1000);
  CHECK(overflows > 10);
  CHECK(big_jumps_back > 100);
}

TEST_CASE("a step on a subject stamped far ahead orders after it without dragging the clock") {
  HlcClock clock(kSkew);
  CHECK(clock.now(kT) == HlcTimestamp{kT, 0});
  // The subject's latest event came from a clock a week ahead: the step orders after it...
  const HlcTimestamp ahead{kT + 7 * kDay, 3};
  CHECK(clock.now_after(ahead, kT + 10) == HlcTimestamp{kT + 7 * kDay, 4});
  // ...and the node's next stamp for anything else stays at physical time.
  CHECK(clock.now(kT + 20) == HlcTimestamp{kT + 20, 0});
  CHECK(clock.last() == HlcTimestamp{kT + 20, 0});
  // A floor within the tolerance is followed as observe would.
  CHECK(clock.now_after(HlcTimestamp{kT + 60'000, 0}, kT + 30) == HlcTimestamp{kT + 60'000, 1});
  CHECK(clock.now(kT + 40) == HlcTimestamp{kT + 60'000, 2});
  // A floor behind the clock changes nothing; a full counter moves one millisecond on.
  CHECK(clock.now_after(HlcTimestamp{kT, 0}, kT + 50) == HlcTimestamp{kT + 60'000, 3});
  CHECK(clock.now_after(HlcTimestamp{kT + kDay, HlcTimestamp::kMaxLogical}, kT + 60) ==
        HlcTimestamp{kT + kDay + 1, 0});
}

TEST_CASE("reset sets the clock back to the given timestamp") {
  HlcClock clock(kSkew);
  clock.restore(HlcTimestamp{kT + 7 * kDay, 9});
  clock.reset(HlcTimestamp{kT, 0});
  CHECK(clock.last() == HlcTimestamp{kT, 0});
  CHECK(clock.now(kT + 1) == HlcTimestamp{kT + 1, 0});
}
