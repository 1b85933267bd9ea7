#include "weimin/core/id.hpp"

#include <cassert>
#include <utility>

namespace weimin::core {
namespace {

constexpr std::int64_t kMaxUnixMs = (std::int64_t{1} << 48) - 1;  // the 48-bit unix_ts_ms field
constexpr std::uint16_t kMaxCounter = 0x0FFF;                     // the 12-bit rand_a field
// A new millisecond starts its counter below 2^11 (RFC 9562 §6.2, method 1: leftmost counter
// bit zero), so at least 2048 ids fit into each millisecond before the timestamp must advance.
constexpr std::uint16_t kCounterSeedMask = 0x07FF;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_hyphen_position(std::size_t i) {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

}  // namespace

std::string Uuid::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0F]);
  }
  return out;
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Uuid uuid;
  std::size_t nibble = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_hyphen_position(i)) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    const int v = hex_value(text[i]);
    if (v < 0) return std::nullopt;
    std::uint8_t& byte = uuid.bytes[nibble / 2];
    byte = static_cast<std::uint8_t>(nibble % 2 == 0 ? v << 4 : byte | v);
    ++nibble;
  }
  return uuid;
}

bool Uuid::is_nil() const {
  for (const std::uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

std::int64_t Uuid::unix_ms() const {
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < 6; ++i) ms = (ms << 8) | bytes[i];
  return ms;
}

UuidV7Generator::UuidV7Generator(RandomFn random) : random_(std::move(random)) {
  assert(random_ && "UuidV7Generator needs a source of random bytes");
}

Uuid UuidV7Generator::next(std::int64_t unix_ms) {
  // Bytes 0-1 seed the counter of a new millisecond; bytes 2-9 fill rand_b (62 bits used).
  std::array<std::uint8_t, 10> random{};
  random_(random);

  if (unix_ms < 0) unix_ms = 0;
  if (unix_ms > kMaxUnixMs) unix_ms = kMaxUnixMs;
  const auto fresh_counter = [&] {
    return static_cast<std::uint16_t>(((random[0] << 8) | random[1]) & kCounterSeedMask);
  };

  if (unix_ms > last_ms_) {
    last_ms_ = unix_ms;
    counter_ = fresh_counter();
  } else if (counter_ < kMaxCounter) {
    // Same millisecond, or the clock stepped back: stay on last_ms_ and count on.
    ++counter_;
  } else {
    // 4096 ids in one millisecond: borrow the next one so ids keep increasing.
    ++last_ms_;
    counter_ = fresh_counter();
  }

  Uuid uuid;
  auto& b = uuid.bytes;
  const auto ms = static_cast<std::uint64_t>(last_ms_);
  for (std::size_t i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  b[6] = static_cast<std::uint8_t>(0x70 | (counter_ >> 8));  // version 7, rand_a high nibble
  b[7] = static_cast<std::uint8_t>(counter_ & 0xFF);
  b[8] = static_cast<std::uint8_t>(0x80 | (random[2] & 0x3F));  // variant 10
  for (std::size_t i = 9; i < 16; ++i) b[i] = random[i - 6];
  return uuid;
}

}  // namespace weimin::core
