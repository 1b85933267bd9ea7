#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "seed.hpp"
#include "weimin/core/staff.hpp"

using weimin::ErrorCode;
using weimin::Status;
using namespace weimin::core;

namespace {

constexpr std::int64_t kT = 1'795'336'200'000;  // 2026-11-22T08:30:00Z
constexpr std::int64_t kMin = 60 * 1000;

const std::vector<Role> kAllRoles = {Role::Director,   Role::DeputyHead,   Role::Staff,
                                     Role::GridWorker, Role::SocialWorker, Role::StreetOffice,
                                     Role::Department, Role::Resident,     Role::System};

std::vector<Role> roles_that_can(Permission p) {
  std::vector<Role> out;
  for (Role r : kAllRoles) {
    if (can(r, p)) out.push_back(r);
  }
  return out;
}

}  // namespace

TEST_CASE("role names round-trip and an unknown role is refused with the list") {
  for (Role r : kAllRoles) {
    const auto parsed = parse_role(to_string(r));
    REQUIRE(parsed.is_ok());
    CHECK(*parsed == r);
  }
  CHECK(to_string(Role::DeputyHead) == "deputy_head");
  CHECK(to_string(Role::StreetOffice) == "street_office");
  const auto bad = parse_role("Director");
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().code() == ErrorCode::Invalid);
  CHECK(bad.status().message().find("grid_worker") != std::string::npos);
  CHECK_FALSE(parse_role("").is_ok());
}

TEST_CASE("only the five community-worker roles are station roles") {
  for (Role r : kAllRoles) {
    const bool expected = r == Role::Director || r == Role::DeputyHead || r == Role::Staff ||
                          r == Role::GridWorker || r == Role::SocialWorker;
    CHECK(is_station_role(r) == expected);
  }
}

TEST_CASE("permission table: who may do what") {
  CHECK(roles_that_can(Permission::TakeTicket) == kAllRoles);
  CHECK(roles_that_can(Permission::AddNote) == kAllRoles);
  CHECK(roles_that_can(Permission::WhistleCommunity) ==
        std::vector<Role>{Role::Director, Role::DeputyHead});
  CHECK(roles_that_can(Permission::WhistleDistrict) == std::vector<Role>{Role::StreetOffice});
  CHECK(roles_that_can(Permission::ReportIn) == std::vector<Role>{Role::Department});
  CHECK(roles_that_can(Permission::GiveFeedback) == std::vector<Role>{Role::Department});
  CHECK(roles_that_can(Permission::ReturnWhistle) == std::vector<Role>{Role::Department});
  CHECK(roles_that_can(Permission::EscalateWhistle) == std::vector<Role>{Role::StreetOffice});
  CHECK(roles_that_can(Permission::SendBackCase) == std::vector<Role>{Role::StreetOffice});
  CHECK(roles_that_can(Permission::EvaluateCase) == std::vector<Role>{Role::Resident});
  CHECK(roles_that_can(Permission::SubmitCase) == std::vector<Role>{Role::Resident});
  CHECK(roles_that_can(Permission::ManageStaff) == std::vector<Role>{Role::Director});
  CHECK(roles_that_can(Permission::ReopenCase) ==
        std::vector<Role>{Role::Director, Role::DeputyHead});
  CHECK(roles_that_can(Permission::SettleConflict) ==
        std::vector<Role>{Role::Director, Role::DeputyHead});
  CHECK(roles_that_can(Permission::RecordDepartmentResponseByPhone) ==
        std::vector<Role>{Role::Director, Role::DeputyHead, Role::Staff});
  CHECK(roles_that_can(Permission::ViewPersonalInfo) ==
        std::vector<Role>{Role::Director, Role::DeputyHead, Role::Staff});

  // Every station role records, resolves and verifies cases; nobody outside the station does.
  for (Permission p : {Permission::RecordCase, Permission::ResolveCase, Permission::VerifyCase}) {
    for (Role r : kAllRoles) CHECK(can(r, p) == is_station_role(r));
  }
  CHECK_FALSE(can(Role::GridWorker, Permission::CallQueue));
  CHECK(can(Role::Staff, Permission::CloseCase));
  CHECK_FALSE(can(Role::Staff, Permission::ReopenCase));
  CHECK_FALSE(can(Role::Resident, Permission::ViewFigures));
  CHECK(can(Role::System, Permission::SyncNow));
  CHECK_FALSE(can(Role::Department, Permission::WhistleDistrict));
  CHECK(roles_with(Permission::ManageStaff) == std::vector<Role>{Role::Director});
  CHECK(describe_roles_with(Permission::WhistleCommunity) == "director or deputy_head");
  CHECK(describe_roles_with(Permission::CloseCase) == "director, deputy_head or staff");
}

TEST_CASE("permission names round-trip and each has a description") {
  for (int i = 0; i <= static_cast<int>(Permission::ViewRecords); ++i) {
    const auto p = static_cast<Permission>(i);
    const auto parsed = parse_permission(to_string(p));
    REQUIRE(parsed.is_ok());
    CHECK(*parsed == p);
    CHECK_FALSE(describe(p).empty());
  }
  CHECK(to_string(Permission::RecordDepartmentResponseByPhone) ==
        "record_department_response_by_phone");
  CHECK(describe(Permission::ManageStaff) == "manage the staff roster");
  CHECK(to_string(Permission::ReturnWhistle) == "return_whistle");
  CHECK(to_string(Permission::EscalateWhistle) == "escalate_whistle");
  CHECK(to_string(Permission::SendBackCase) == "send_back_case");
  CHECK(parse_permission("fly").status().code() == ErrorCode::Invalid);
}

TEST_CASE("a roster entry needs a plain staff number, a name and a station role") {
  CHECK(validate_staff_member({"S-001", "李梅", Role::GridWorker, true}).is_ok());
  CHECK(validate_staff_member({"", "李梅", Role::Staff, true}).code() == ErrorCode::Invalid);
  CHECK(validate_staff_member({"S 001", "李梅", Role::Staff, true}).code() == ErrorCode::Invalid);
  CHECK(validate_staff_member({std::string(33, 'a'), "x", Role::Staff, true}).code() ==
        ErrorCode::Invalid);
  CHECK(validate_staff_member({"S1", "", Role::Staff, true}).code() == ErrorCode::Invalid);
  const Status dept = validate_staff_member({"S1", "城管", Role::Department, true});
  REQUIRE_FALSE(dept.is_ok());
  CHECK(dept.message().find("department") != std::string::npos);
}

TEST_CASE("four wrong PINs do not lock; the fifth locks for 15 minutes from itself") {
  std::vector<SignInAttempt> a;
  for (int i = 0; i < 4; ++i) a.push_back({kT + i * kMin, false});
  SignInState s = fold_sign_in(a, kT + 4 * kMin);
  CHECK(s.failures == 4);
  CHECK_FALSE(s.locked(kT + 4 * kMin));

  a.push_back({kT + 4 * kMin, false});
  s = fold_sign_in(a, kT + 5 * kMin);
  CHECK(s.failures == kMaxSignInFailures);
  CHECK(s.locked_until_ms == kT + 4 * kMin + kSignInLockMs);
  CHECK(s.locked(kT + 18 * kMin));
  CHECK(s.locked(s.locked_until_ms - 1));
  // At the end of the lock the count starts again.
  const SignInState later = fold_sign_in(a, s.locked_until_ms);
  CHECK_FALSE(later.locked(s.locked_until_ms));
  CHECK(later.failures == 0);
}

TEST_CASE("a success resets the count of failures") {
  std::vector<SignInAttempt> a = {{kT, false},    {kT + 1, false}, {kT + 2, false}, {kT + 3, false},
                                  {kT + 4, true}, {kT + 5, false}, {kT + 6, false}};
  const SignInState s = fold_sign_in(a, kT + 10);
  CHECK(s.failures == 2);
  CHECK_FALSE(s.locked(kT + 10));
}

TEST_CASE("attempts while locked neither count nor extend the lock") {
  std::vector<SignInAttempt> a;
  for (int i = 0; i < 5; ++i) a.push_back({kT + i, false});
  const std::int64_t until = kT + 4 + kSignInLockMs;
  a.push_back({kT + 10 * kMin, false});
  a.push_back({kT + 12 * kMin, true});  // refused by the station; ignored here
  SignInState s = fold_sign_in(a, kT + 13 * kMin);
  CHECK(s.locked_until_ms == until);
  CHECK(s.failures == kMaxSignInFailures);

  // After the lock: one new failure counts from zero; five more lock again from the last.
  a.push_back({until + kMin, false});
  s = fold_sign_in(a, until + 2 * kMin);
  CHECK_FALSE(s.locked(until + 2 * kMin));
  CHECK(s.failures == 1);
  for (int i = 2; i <= 5; ++i) a.push_back({until + i * kMin, false});
  s = fold_sign_in(a, until + 6 * kMin);
  CHECK(s.locked_until_ms == until + 5 * kMin + kSignInLockMs);
}

TEST_CASE("the sign-in fold does not depend on the order attempts are given in") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  MESSAGE("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 200; ++round) {
    std::vector<SignInAttempt> a;
    std::int64_t t = kT;
    const int n = static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) {
      t += static_cast<std::int64_t>(rng() % (6 * kMin)) + 1;  // distinct times
      a.push_back({t, rng() % 4 == 0});
    }
    const std::int64_t now = t + static_cast<std::int64_t>(rng() % (20 * kMin));
    const SignInState expected = fold_sign_in(a, now);
    std::shuffle(a.begin(), a.end(), rng);
    CHECK(fold_sign_in(a, now) == expected);
    CHECK((expected.failures >= 0 && expected.failures <= kMaxSignInFailures));
    // Locked exactly when some run of five failures ended less than 15 minutes ago.
    if (expected.locked(now)) CHECK(expected.locked_until_ms - kSignInLockMs <= now);
  }
}

TEST_CASE("a PIN is six to twelve digits and not a trivial run") {
  for (const char* weak : {"", "1", "58392", "5839a0", "583920 ", "1234567890123", "123456",
                           "000000", "987654", "1111111"}) {
    CHECK_MESSAGE(check_pin(weak).code() == ErrorCode::Invalid, "'" << weak << "'");
  }
  CHECK(check_pin("58392").message().find("6 to 12 digits") != std::string::npos);
  for (const char* fine : {"583920", "649271", "102938475610"}) CHECK(check_pin(fine).is_ok());
}

TEST_CASE("a clock set back before the last failure keeps a locked account locked") {
  std::vector<SignInAttempt> a;
  for (int i = 0; i < kMaxSignInFailures; ++i) a.push_back({kT + i * kMin, false});
  const std::int64_t last = kT + (kMaxSignInFailures - 1) * kMin;
  for (std::int64_t now : {last - 1, kT - 1, kT - 24 * 60 * kMin, std::int64_t{0}}) {
    CHECK_MESSAGE(fold_sign_in(a, now).locked(now), "now = " << now);
  }
  CHECK(fold_sign_in(a, last + kSignInLockMs - 1).locked(last + kSignInLockMs - 1));
  CHECK_FALSE(fold_sign_in(a, last + kSignInLockMs).locked(last + kSignInLockMs));
}

TEST_CASE("reading residents' records is for the station's own staff") {
  for (Role r : kAllRoles) CHECK(can(r, Permission::ViewRecords) == is_station_role(r));
  CHECK(roles_with(Permission::ExportRecords) == std::vector<Role>{Role::Director});
  CHECK(to_string(Permission::ViewRecords) == "view_records");
}
