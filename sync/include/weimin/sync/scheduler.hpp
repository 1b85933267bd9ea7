// When a station syncs (DESIGN.md, "When"): a nightly window with a per-station offset derived
// from its id, so a hundred stations do not arrive at once; a sync soon after the link returns;
// "sync now" from staff; and failures that back off exponentially with jitter. Pure decisions
// over times the caller passes in, so tests and the simulation drive them with any clock.
// Thread-safety: Backoff and Scheduler are plain values; guard them when shared.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace weimin::sync {

// Exponential backoff with "full jitter": the n-th wait is uniform in [base·2ⁿ/2, base·2ⁿ],
// capped at max_ms. reset() after a success.
class Backoff {
 public:
  Backoff(std::int64_t base_ms, std::int64_t max_ms, std::uint64_t seed);
  // The next wait, and counts one more failure.
  std::int64_t next_delay_ms();
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  std::int64_t base_ms_;
  std::int64_t max_ms_;
  int failures_ = 0;
  std::mt19937_64 rng_;
};

struct ScheduleOptions {
  int window_start_minute = 2 * 60;        // local time the nightly window opens (02:00)
  int window_length_minutes = 3 * 60;      // stations spread over 02:00-05:00
  std::int64_t link_return_delay_ms = 20'000;  // "soon" after the link returns, plus jitter
  std::int64_t retry_base_ms = 5'000;      // first retry after a failed sync
  std::int64_t retry_max_ms = 30 * 60'000; // retries never wait longer than this
  int utc_offset_minutes = 8 * 60;         // China
};

// A stable offset in [0, window) from a station id (FNV-1a), the same on every start.
std::int64_t nightly_offset_ms(std::string_view station_id, const ScheduleOptions& options);

class Scheduler {
 public:
  Scheduler(std::string station_id, ScheduleOptions options, std::int64_t now_ms);

  // The first nightly sync time strictly after now_ms.
  std::int64_t next_nightly_ms(std::int64_t now_ms) const;
  // When the next sync should start (Unix ms).
  std::int64_t due_ms() const { return due_ms_; }
  bool is_due(std::int64_t now_ms) const { return now_ms >= due_ms_; }

  // Staff asked for a sync: due now.
  void sync_now(std::int64_t now_ms);
  // The link went down→up: due within link_return_delay (jittered).
  void link_returned(std::int64_t now_ms);
  // Local writes waiting while the link is up; due within the link-return delay unless sooner.
  void work_waiting(std::int64_t now_ms);
  // A sync finished. On success the next is the nightly one; on failure, a backed-off retry
  // (never later than the next nightly time).
  void finished(bool ok, std::int64_t now_ms);

 private:
  void bring_forward(std::int64_t when_ms) {
    if (when_ms < due_ms_) due_ms_ = when_ms;
  }

  std::string station_id_;
  ScheduleOptions options_;
  Backoff backoff_;
  std::mt19937_64 rng_;
  std::int64_t due_ms_;
};

}  // namespace weimin::sync
