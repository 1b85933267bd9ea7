#include "weimin/core/civil_time.hpp"

#include <cstdio>

namespace weimin::core {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * static_cast<unsigned>(m > 2 ? m - 3 : m + 9) + 2) / 5 +
                       static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::string CivilDate::to_string() const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::int64_t CivilDate::days_since_epoch() const { return days_from_civil(year, month, day); }

int CivilDate::weekday() const {
  const std::int64_t z = days_since_epoch();  // 1970-01-01 was a Thursday (4)
  return static_cast<int>(((z % 7) + 7 + 3) % 7) + 1;
}

CivilDate CivilDate::from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

Result<CivilDate> CivilDate::parse(std::string_view text) {
  auto bad = [&] {
    return Status(ErrorCode::Invalid,
                  "'" + std::string(text) + "' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-25");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < lens[p]; ++i) {
      const char c = text[starts[p] + i];
      if (c < '0' || c > '9') return bad();
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  if (parts[1] < 1 || parts[1] > 12 || parts[2] < 1 || parts[2] > days_in_month(parts[0], parts[1])) {
    return Status(ErrorCode::Invalid, "'" + std::string(text) + "' is not a real date");
  }
  return CivilDate{parts[0], parts[1], parts[2]};
}

CivilDate local_date(std::int64_t unix_ms, int utc_offset_minutes) {
  const std::int64_t local_ms = unix_ms + static_cast<std::int64_t>(utc_offset_minutes) * 60000;
  return CivilDate::from_days(floor_div(local_ms, 86400000));
}

int local_minute_of_day(std::int64_t unix_ms, int utc_offset_minutes) {
  const std::int64_t local_ms = unix_ms + static_cast<std::int64_t>(utc_offset_minutes) * 60000;
  return static_cast<int>((local_ms - floor_div(local_ms, 86400000) * 86400000) / 60000);
}

std::int64_t unix_ms_at(CivilDate date, int minute, int utc_offset_minutes) {
  return date.days_since_epoch() * 86400000 +
         static_cast<std::int64_t>(minute - utc_offset_minutes) * 60000;
}

std::string local_date_time(std::int64_t unix_ms, int utc_offset_minutes) {
  const int m = local_minute_of_day(unix_ms, utc_offset_minutes);
  char buf[24];
  std::snprintf(buf, sizeof buf, " %02d:%02d", m / 60, m % 60);
  return local_date(unix_ms, utc_offset_minutes).to_string() + buf;
}

}  // namespace weimin::core
