#include "weimin/sync/scheduler.hpp"

#include <algorithm>

namespace weimin::sync {
namespace {

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// splitmix64's finaliser: ids that differ in one digit land far apart.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Backoff::Backoff(std::int64_t base_ms, std::int64_t max_ms, std::uint64_t seed)
    : base_ms_(std::max<std::int64_t>(1, base_ms)), max_ms_(std::max(base_ms, max_ms)), rng_(seed) {}

std::int64_t Backoff::next_delay_ms() {
  std::int64_t ceiling = base_ms_;
  for (int i = 0; i < failures_ && ceiling < max_ms_; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max_ms_);
  ++failures_;
  std::uniform_int_distribution<std::int64_t> pick(ceiling / 2, ceiling);
  return pick(rng_);
}


std::int64_t nightly_offset_ms(std::string_view station_id, const ScheduleOptions& options) {
  const std::int64_t window = std::max(1, options.window_length_minutes) * 60'000LL;
  return static_cast<std::int64_t>(mix(fnv1a(station_id)) % static_cast<std::uint64_t>(window));
}

Scheduler::Scheduler(std::string station_id, ScheduleOptions options, std::int64_t now_ms)
    : station_id_(std::move(station_id)),
      options_(options),
      backoff_(options.retry_base_ms, options.retry_max_ms, fnv1a(station_id_) ^ 0x5eed),
      rng_(fnv1a(station_id_)),
      due_ms_(0) {
  due_ms_ = next_nightly_ms(now_ms);
}

std::int64_t Scheduler::next_nightly_ms(std::int64_t now_ms) const {
  const std::int64_t offset_ms = options_.utc_offset_minutes * 60'000LL;
  const std::int64_t local = now_ms + offset_ms;
  const std::int64_t midnight_local = floor_div(local, kDayMs) * kDayMs;
  const std::int64_t at_in_day =
      options_.window_start_minute * 60'000LL + nightly_offset_ms(station_id_, options_);
  std::int64_t candidate = midnight_local + at_in_day - offset_ms;
  while (candidate <= now_ms) candidate += kDayMs;
  return candidate;
}

void Scheduler::sync_now(std::int64_t now_ms) { bring_forward(now_ms); }

void Scheduler::link_returned(std::int64_t now_ms) {
  std::uniform_int_distribution<std::int64_t> jitter(0, options_.link_return_delay_ms);
  backoff_.reset();
  // A link that returns replaces a long backoff: the retry is soon, whatever was planned.
  due_ms_ = std::min(due_ms_, now_ms + options_.link_return_delay_ms / 2 + jitter(rng_) / 2);
}

void Scheduler::work_waiting(std::int64_t now_ms) {
  if (backoff_.failures() > 0) return;  // a retry is already planned
  bring_forward(now_ms + options_.link_return_delay_ms);
}

void Scheduler::finished(bool ok, std::int64_t now_ms) {
  const std::int64_t nightly = next_nightly_ms(now_ms);
  if (ok) {
    backoff_.reset();
    due_ms_ = nightly;
    return;
  }
  due_ms_ = std::min(nightly, now_ms + backoff_.next_delay_ms());
}

}  // namespace weimin::sync
