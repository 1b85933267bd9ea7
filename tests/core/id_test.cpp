#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "seed.hpp"
#include "weimin/core/id.hpp"

using namespace weimin::core;

namespace {

// Random bytes from a seeded engine, so a failing run can be replayed.
UuidV7Generator::RandomFn seeded_random(std::uint64_t seed) {
  auto engine = std::make_shared<std::mt19937_64>(seed);
  return [engine](std::span<std::uint8_t> out) {
    for (auto& b : out) b = static_cast<std::uint8_t>((*engine)());
  };
}

// Every byte 0xFF: the counter seeds at its highest allowed start and rand_b is all ones.
void all_ones(std::span<std::uint8_t> out) {
  for (auto& b : out) b = 0xFF;
}

int version_of(const Uuid& u) {
  return u.bytes[6] >> 4;
}
int variant_bits_of(const Uuid& u) {
  return u.bytes[8] >> 6;
}
int counter_of(const Uuid& u) {
  return ((u.bytes[6] & 0x0F) << 8) | u.bytes[7];
}

constexpr std::int64_t kSomeMs = 1'764'000'000'123;  // 2025-11-24

}  // namespace

TEST_CASE("a uuid prints in canonical lower-case form and parses back") {
  const auto parsed = Uuid::parse("017F22E2-79B0-7CC3-98C4-DC0C0C07398F");
  REQUIRE(parsed.has_value());
  CHECK(parsed->to_string() == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f");
  CHECK(parsed->bytes[0] == 0x01);
  CHECK(parsed->bytes[15] == 0x8f);
  CHECK(Uuid::parse(parsed->to_string()) == parsed);
  // The RFC 9562 appendix example carries 2022-02-22 19:22:22 UTC.
  CHECK(parsed->unix_ms() == 0x017F22E279B0);

  UuidV7Generator gen(seeded_random(7));
  for (int i = 0; i < 1000; ++i) {
    const Uuid u = gen.next(kSomeMs + i / 3);
    const std::string s = u.to_string();
    CHECK(s.size() == 36);
    CHECK(Uuid::parse(s) == u);
  }
}

TEST_CASE("parsing refuses anything but the canonical 8-4-4-4-12 form") {
  const std::vector<std::string> bad = {
      "",
      "017f22e2-79b0-7cc3-98c4-dc0c0c07398",     // one digit short
      "017f22e2-79b0-7cc3-98c4-dc0c0c07398f0",   // one digit long
      "017f22e279b07cc398c4dc0c0c07398f",        // no hyphens
      "{017f22e2-79b0-7cc3-98c4-dc0c0c07398f}",  // braces
      "017f22e2-79b0-7cc3-98c4_dc0c0c07398f",    // wrong separator
      "017f22e2-79b07-cc3-98c4-dc0c0c07398f",    // hyphen in the wrong place
      "017f22g2-79b0-7cc3-98c4-dc0c0c07398f",    // not hex
      "017f22e2-79b0-7cc3-98c4-dc0c0c07398 ",    // trailing space
      " 17f22e2-79b0-7cc3-98c4-dc0c0c07398f",    // leading space
  };
  for (const auto& text : bad) {
    CAPTURE(text);
    CHECK_FALSE(Uuid::parse(text).has_value());
  }
}

TEST_CASE("the nil uuid is recognised and generated ids are never nil") {
  CHECK(Uuid{}.is_nil());
  CHECK(Uuid::parse("00000000-0000-0000-0000-000000000000")->is_nil());
  UuidV7Generator gen([](std::span<std::uint8_t> out) {
    for (auto& b : out) b = 0;
  });
  const Uuid u = gen.next(0);
  CHECK_FALSE(u.is_nil());  // the version and variant bits are set even at time 0
  CHECK(u.to_string() == "00000000-0000-7000-8000-000000000000");
}

TEST_CASE("generated ids carry version 7, variant 10 and their millisecond") {
  UuidV7Generator gen(seeded_random(11));
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1}, kSomeMs, (std::int64_t{1} << 48) - 1}) {
    const Uuid u = gen.next(ms);
    CAPTURE(ms);
    CHECK(version_of(u) == 7);
    CHECK(variant_bits_of(u) == 0b10);
    CHECK(u.unix_ms() == ms);
    CHECK(u.to_string()[14] == '7');
  }
  // Times outside the 48-bit field are clamped, never wrapped.
  UuidV7Generator clamped(seeded_random(12));
  CHECK(clamped.next(-5).unix_ms() == 0);
  CHECK(clamped.next(std::int64_t{1} << 50).unix_ms() == (std::int64_t{1} << 48) - 1);
}

TEST_CASE("unix_ms round-trips for every new millisecond") {
  UuidV7Generator gen(seeded_random(13));
  std::mt19937_64 rng(13);
  std::int64_t ms = 0;
  for (int i = 0; i < 2000; ++i) {
    ms += 1 + static_cast<std::int64_t>(rng() % 100'000'000);
    CHECK(gen.next(ms).unix_ms() == ms);
  }
}

TEST_CASE("a new millisecond seeds the counter randomly below 2048 and rand_b is random") {
  UuidV7Generator gen(all_ones);
  const Uuid first = gen.next(kSomeMs);
  CHECK(counter_of(first) == 0x07FF);  // highest seed: leftmost counter bit stays zero
  CHECK(first.to_string() == "019ab697-e87b-77ff-bfff-ffffffffffff");

  UuidV7Generator seeded(seeded_random(17));
  std::set<std::string> tails;
  for (int i = 0; i < 200; ++i) {
    const Uuid u = seeded.next(kSomeMs + i);
    CHECK(counter_of(u) < 0x0800);
    tails.insert(u.to_string().substr(19));
  }
  CHECK(tails.size() == 200);  // 62 random bits: no repeats to speak of
}

TEST_CASE(
    "ids strictly increase over 100k ids with same-millisecond bursts and a clock that "
    "steps back") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  MESSAGE("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  UuidV7Generator gen(seeded_random(seed ^ 0x9E3779B97F4A7C15ULL));

  std::int64_t clock = kSomeMs;
  Uuid previous = gen.next(clock);
  std::string previous_text = previous.to_string();
  std::int64_t max_clock = clock;
  int failures = 0;
  int backward_steps = 0;
  for (int i = 0; i < 100'000; ++i) {
    const auto dice = rng() % 100;
    if (dice < 2) {
      clock -= 1 + static_cast<std::int64_t>(rng() % 500);  // NTP or a person sets it back
      ++backward_steps;
    } else if (dice < 30) {
      clock += static_cast<std::int64_t>(rng() % 50);
    } else if (dice < 50) {
      clock += 1;
    }  // else: the same millisecond again
    max_clock = std::max(max_clock, clock);
    const Uuid u = gen.next(clock);
    const std::string text = u.to_string();
    // Bytes and text sort the same way, so databases ordering by either agree.
    if (!(previous < u) || !(previous_text < text) || u.unix_ms() < clock || version_of(u) != 7 ||
        variant_bits_of(u) != 0b10) {
      ++failures;
    }
    previous = u;
    previous_text = text;
  }
  CHECK(backward_steps > 1000);
  CHECK(failures == 0);
  // The id's time runs ahead of the clock only by the bursts that overflowed the counter.
  CHECK(previous.unix_ms() >= max_clock);
  CHECK(previous.unix_ms() <= max_clock + 100);
}

TEST_CASE("a counter that overflows moves the id's time one millisecond ahead") {
  UuidV7Generator gen(all_ones);  // counter starts at 2047: 2048 more ids fit in the millisecond
  Uuid previous = gen.next(kSomeMs);
  for (int i = 0; i < 2048; ++i) {
    const Uuid u = gen.next(kSomeMs);
    REQUIRE(previous < u);
    REQUIRE(u.unix_ms() == kSomeMs);
    previous = u;
  }
  CHECK(counter_of(previous) == 0x0FFF);
  const Uuid overflowed = gen.next(kSomeMs);
  CHECK(previous < overflowed);
  CHECK(overflowed.unix_ms() == kSomeMs + 1);
  CHECK(counter_of(overflowed) == 0x07FF);
  // The clock reaching that millisecond later continues the count instead of going back.
  const Uuid caught_up = gen.next(kSomeMs + 1);
  CHECK(overflowed < caught_up);
  CHECK(caught_up.unix_ms() == kSomeMs + 1);
  CHECK(counter_of(caught_up) == 0x0800);
}

TEST_CASE("ids from a stepped-back clock keep the last time and keep counting") {
  UuidV7Generator gen(seeded_random(23));
  const Uuid a = gen.next(kSomeMs);
  const Uuid b = gen.next(kSomeMs - 60'000);  // the clock was set back a minute
  const Uuid c = gen.next(kSomeMs - 59'999);
  CHECK(a < b);
  CHECK(b < c);
  CHECK(b.unix_ms() == kSomeMs);
  CHECK(c.unix_ms() == kSomeMs);
  CHECK(counter_of(b) == counter_of(a) + 1);
  CHECK(counter_of(c) == counter_of(a) + 2);
  const Uuid d = gen.next(kSomeMs + 1);  // the clock passes the last time again
  CHECK(c < d);
  CHECK(d.unix_ms() == kSomeMs + 1);
}
