// Ids: time-ordered 128-bit UUIDv7 (RFC 9562) for every fact, made where the fact happens.
// Uuid is a value type. A UuidV7Generator is not thread-safe: one per thread, or guard it.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace weimin::core {

struct Uuid {
  std::array<std::uint8_t, 16> bytes{};

  // Canonical lower-case 8-4-4-4-12 form.
  std::string to_string() const;
  // Accepts the canonical form in either case; nullopt for anything else.
  static std::optional<Uuid> parse(std::string_view text);
  bool is_nil() const;
  // For a UUIDv7: the Unix time in milliseconds it carries.
  std::int64_t unix_ms() const;

  auto operator<=>(const Uuid&) const = default;
};

// Makes UUIDv7s that sort in creation order, strictly increasing even within one millisecond
// and when the clock steps back (the 12-bit rand_a field is used as a counter, RFC 9562 §6.2).
class UuidV7Generator {
 public:
  // Fills the span with unpredictable bytes (libsodium's randombytes_buf in production).
  using RandomFn = std::function<void(std::span<std::uint8_t>)>;
  explicit UuidV7Generator(RandomFn random);

  // The next id at Unix time unix_ms (clamped to 0 … 2^48-1). Always greater than every id this
  // generator made before: within one millisecond, or when unix_ms is behind the last id's time,
  // it keeps the last time and counts on; when the counter runs out (after at least 2048 ids in
  // one millisecond) the id's time moves one millisecond ahead. Never fails.
  Uuid next(std::int64_t unix_ms);

 private:
  RandomFn random_;
  std::int64_t last_ms_ = -1;
  std::uint16_t counter_ = 0;
};

}  // namespace weimin::core
