// Civil time: dates and times of day at a station, from Unix milliseconds and the station's
// UTC offset (China: +08:00 all year, no daylight saving). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "weimin/core/result.hpp"

namespace weimin::core {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
  auto operator<=>(const CivilDate&) const = default;
  // "2026-11-22"
  std::string to_string() const;
  // ISO weekday: 1 = Monday … 7 = Sunday.
  int weekday() const;
  // Days since 1970-01-01.
  std::int64_t days_since_epoch() const;
  static CivilDate from_days(std::int64_t days_since_epoch);
  // Accepts exactly YYYY-MM-DD naming a real date.
  static Result<CivilDate> parse(std::string_view text);
};

inline constexpr int kChinaUtcOffsetMinutes = 8 * 60;

// The local date at a Unix time.
CivilDate local_date(std::int64_t unix_ms, int utc_offset_minutes = kChinaUtcOffsetMinutes);
// Minutes since local midnight.
int local_minute_of_day(std::int64_t unix_ms, int utc_offset_minutes = kChinaUtcOffsetMinutes);
// Unix ms of local midnight starting `date` plus `minute` minutes.
std::int64_t unix_ms_at(CivilDate date, int minute,
                        int utc_offset_minutes = kChinaUtcOffsetMinutes);
// "2026-11-22 09:05" local.
std::string local_date_time(std::int64_t unix_ms, int utc_offset_minutes = kChinaUtcOffsetMinutes);

}  // namespace weimin::core
