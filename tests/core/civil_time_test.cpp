#include <doctest/doctest.h>

#include "weimin/core/civil_time.hpp"

using namespace weimin::core;

TEST_CASE("local dates and minutes follow the station's UTC offset") {
  // 2026-11-22T16:30:00Z is 2026-11-23 00:30 in China.
  const std::int64_t t = unix_ms_at(CivilDate{2026, 11, 22}, 16 * 60 + 30, 0);
  CHECK(local_date(t, 0).to_string() == "2026-11-22");
  CHECK(local_date(t).to_string() == "2026-11-23");
  CHECK(local_minute_of_day(t) == 30);
  CHECK(local_date_time(t) == "2026-11-23 00:30");
  CHECK(unix_ms_at(CivilDate{2026, 11, 23}, 30) == t);
  CHECK(local_date(-1, 0).to_string() == "1969-12-31");
}

TEST_CASE("weekdays, day counts and parsing of dates") {
  CHECK(CivilDate{2026, 11, 25}.weekday() == 3);  // a Wednesday
  CHECK(CivilDate{1970, 1, 1}.weekday() == 4);
  for (std::int64_t d = -1000; d < 30000; d += 37) {
    CHECK(CivilDate::from_days(d).days_since_epoch() == d);
  }
  CHECK(CivilDate::parse("2024-02-29").value() == CivilDate{2024, 2, 29});
  CHECK_FALSE(CivilDate::parse("2023-02-29").is_ok());
  CHECK_FALSE(CivilDate::parse("2023-2-28").is_ok());
  CHECK_FALSE(CivilDate::parse("2023-13-01").is_ok());
}
