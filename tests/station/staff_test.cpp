#include <doctest/doctest.h>

#include "station_fixture.hpp"

using namespace weimin;
using namespace weimin::station;

TEST_CASE("five wrong PINs lock the account for 15 minutes; every attempt is on record") {
  test::StationFixture f;
  StaffDesk desk(*f.station);
  for (int i = 0; i < 4; ++i) {
    auto r = desk.sign_in("S002", "111222");
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == ErrorCode::Unauthenticated);
  }
  auto fifth = desk.sign_in("S002", "111222");
  CHECK(fifth.status().code() == ErrorCode::Locked);
  auto right_but_locked = desk.sign_in("S002", "649271");
  REQUIRE_FALSE(right_but_locked.is_ok());
  CHECK(right_but_locked.status().code() == ErrorCode::Locked);
  CHECK(right_but_locked.status().message().find("15 minutes") != std::string::npos);
  f.clock.advance(15 * 60 * 1000 + 1000);
  CHECK(desk.sign_in("S002", "649271").is_ok());
  auto attempts = storage::Facts::by_subject(f.station->db(), "staff:S002").value();
  int sign_ins = 0;
  for (const auto& a : attempts) sign_ins += a.kind == "staff.sign_in";
  CHECK(sign_ins == 1 + 4 + 1 + 1 + 1);  // fixture's sign-in, 4 wrong, 5th, locked, ok
}

TEST_CASE("unknown staff are refused and the attempt is audited") {
  test::StationFixture f;
  StaffDesk desk(*f.station);
  const auto before = f.fact_count();
  auto r = desk.sign_in("X999", "583920");
  CHECK(r.status().code() == ErrorCode::Unauthenticated);
  CHECK(f.fact_count() == before + 1);
}

TEST_CASE("weak PINs are refused; only a director manages staff") {
  test::StationFixture f;
  StaffDesk desk(*f.station);
  CHECK(check_pin_strength("123456").code() == ErrorCode::Invalid);
  CHECK(check_pin_strength("999999").code() == ErrorCode::Invalid);
  CHECK(check_pin_strength("12a456").code() == ErrorCode::Invalid);
  CHECK(check_pin_strength("583920").is_ok());
  auto by_staff = desk.put_staff(f.staff, {"S003", "张三", core::Role::GridWorker, true}, "583921");
  CHECK(by_staff.code() == ErrorCode::PermissionDenied);
  CHECK_FALSE(desk.find("S003").value().has_value());
}

TEST_CASE("the station reopens with its catalog, community and clock") {
  test::StationFixture f;
  // The largest HLC written; the manual clock does not move, so only the stored clock keeps
  // the reopened station's timestamps ahead of it.
  std::int64_t written = 0;
  const auto facts = storage::Facts::by_kind(f.station->db(), "").value();
  for (const auto& fact : facts) {
    written = std::max(written, fact.hlc);
  }
  f.station.reset();
  auto again = Station::open(f.dir / "data", f.keys, f.clock);
  REQUIRE_MESSAGE(again.is_ok(), again.status().to_string());
  CHECK((*again)->community() == "530102001001");
  CHECK((*again)->catalog().lines.size() == 10);
  CHECK(static_cast<std::int64_t>((*again)->stamp().hlc.pack()) > written);
}

TEST_CASE("init refuses an unknown community and a folder that already holds a station") {
  test::StationFixture f;
  auto twice =
      Station::init(f.dir / "data", f.keys, f.clock,
                    {"530102001001", test::wuhua_catalog(), "wuhua.json", "D9", "", "583920"});
  CHECK(twice.status().code() == ErrorCode::AlreadyExists);
  test::TempDir other;
  platform::FileKeyStore keys(other / "k", other / "d");
  auto unknown =
      Station::init(other / "d", keys, f.clock,
                    {"999999999999", test::wuhua_catalog(), "wuhua.json", "D1", "", "583920"});
  CHECK(unknown.status().code() == ErrorCode::Invalid);
}

TEST_CASE("a clock set back before the last wrong PIN does not unlock the account") {
  test::StationFixture f;
  StaffDesk desk(*f.station);
  for (int i = 0; i < core::kMaxSignInFailures; ++i) (void)desk.sign_in("S002", "111222");
  REQUIRE(desk.sign_in("S002", "649271").status().code() == ErrorCode::Locked);
  // Someone sets the station's clock back a day, or an hour, or to just before the failures.
  for (std::int64_t back : {24 * 3600'000LL, 3600'000LL, 1LL}) {
    f.clock.set(test::kWednesdayMorningMs - back);
    auto r = desk.sign_in("S002", "649271");
    CHECK_MESSAGE(r.status().code() == ErrorCode::Locked, "clock set back by " << back << " ms");
  }
  // Wrong PINs typed while the clock is back count for nothing and unlock nothing.
  f.clock.set(test::kWednesdayMorningMs - 3600'000LL);
  (void)desk.sign_in("S002", "111222");
  CHECK(desk.sign_in("S002", "649271").status().code() == ErrorCode::Locked);
  // Only the time of the recorded failures plus the lock lets the member in again.
  f.clock.set(test::kWednesdayMorningMs + core::kSignInLockMs + 1);
  CHECK(desk.sign_in("S002", "649271").is_ok());
}

TEST_CASE("a PIN shorter than six digits is never set, whoever sets it") {
  test::StationFixture f;
  StaffDesk desk(*f.station);
  for (const char* pin : {"", "5839", "58392", "5839a0", "5839201234567"}) {
    CHECK_MESSAGE(
        desk.put_staff(f.director, {"S003", "张三", core::Role::Staff, true}, pin).code() ==
            ErrorCode::Invalid,
        pin);
  }
  CHECK_FALSE(desk.find("S003").value().has_value());
  test::TempDir other;
  platform::FileKeyStore keys(other / "k", other / "d");
  auto short_pin =
      Station::init(other / "d", keys, f.clock,
                    {"530102001001", test::wuhua_catalog(), "wuhua.json", "D1", "", "58392"});
  CHECK(short_pin.status().code() == ErrorCode::Invalid);
}
