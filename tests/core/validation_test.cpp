#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "seed.hpp"
#include "weimin/core/validation.hpp"

using namespace weimin;
using namespace weimin::core;

namespace {

constexpr CivilDate kToday{2026, 11, 22};

// A complete identity number from its first 17 digits.
std::string with_check_digit(const std::string& first17) {
  return first17 + *compute_identity_check_digit(first17);
}

// v in decimal with leading zeros to `width` digits.
std::string padded(int v, std::size_t width) {
  std::string s = std::to_string(v);
  return std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

// The error message of a refused identity number (fails the test if it was accepted).
std::string identity_error(std::string_view text, CivilDate today = kToday) {
  const auto r = parse_identity_number(text, today);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == ErrorCode::Invalid);
  return r.status().message();
}

std::string mobile_error(std::string_view text) {
  const auto r = parse_mobile_number(text);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == ErrorCode::Invalid);
  return r.status().message();
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("check digits follow GB 11643 (ISO 7064 MOD 11-2)") {
  CHECK(compute_identity_check_digit("11010519491231002") == 'X');  // the standard's sample
  CHECK(compute_identity_check_digit("44052418800101001") == '4');  // the other sample
  CHECK(compute_identity_check_digit("53010219900101123") == '1');
  CHECK(compute_identity_check_digit("00000000000000000") == '1');              // sum 0 -> index 0
  CHECK_FALSE(compute_identity_check_digit("1101051949123100").has_value());    // 16 digits
  CHECK_FALSE(compute_identity_check_digit("110105194912310021").has_value());  // 18 digits
  CHECK_FALSE(compute_identity_check_digit("1101051949123100A").has_value());
  CHECK_FALSE(compute_identity_check_digit("").has_value());
}

TEST_CASE("a valid identity number gives its region, birth date and sex") {
  const auto sample = parse_identity_number("11010519491231002X", kToday);
  REQUIRE(sample.is_ok());
  CHECK(sample->number == "11010519491231002X");
  CHECK(sample->region_code == "110105");
  CHECK(sample->birth_date == CivilDate{1949, 12, 31});
  CHECK(sample->sex == Sex::Female);  // 17th digit 2 is even

  const auto man = parse_identity_number("530102199001011231", kToday);
  REQUIRE(man.is_ok());
  CHECK(man->region_code == "530102");  // Wuhua district, Kunming
  CHECK(man->birth_date == CivilDate{1990, 1, 1});
  CHECK(man->sex == Sex::Male);  // 17th digit 3 is odd

  // Surrounding spaces from a paste are ignored.
  CHECK(parse_identity_number("  530102199001011231 ", kToday).value().number ==
        "530102199001011231");
}

TEST_CASE("a lower-case x is accepted and normalised to X") {
  const auto r = parse_identity_number("11010519491231002x", kToday);
  REQUIRE(r.is_ok());
  CHECK(r->number == "11010519491231002X");
  CHECK(r->region_code == "110105");
}

TEST_CASE(
    "identity numbers made with the check-digit function validate, one changed digit "
    "does not") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  MESSAGE("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const std::vector<std::string> regions = {"530102", "530111", "530115", "350902",
                                            "110105", "440305", "650102", "810000"};
  int failures = 0;
  for (int i = 0; i < 2000; ++i) {
    const CivilDate birth = CivilDate::from_days(
        CivilDate{1900, 1, 1}.days_since_epoch() +
        static_cast<std::int64_t>(
            rng() % static_cast<std::uint64_t>(kToday.days_since_epoch() -
                                               CivilDate{1900, 1, 1}.days_since_epoch() + 1)));
    const std::string first17 = regions[rng() % regions.size()] + padded(birth.year, 4) +
                                padded(birth.month, 2) + padded(birth.day, 2) +
                                padded(static_cast<int>(rng() % 1000), 3);
    const std::string number = with_check_digit(first17);
    const auto r = parse_identity_number(number, kToday);
    if (!r.is_ok() || r->number != number || r->birth_date != birth ||
        r->sex != ((first17[16] - '0') % 2 ? Sex::Male : Sex::Female)) {
      ++failures;
      MESSAGE("refused or misread: " << number << " " << r.status().to_string());
    }
    // MOD 11-2 catches every single changed digit; the change is caught by the check digit
    // unless it broke the region or date first.
    std::string typo = number;
    const std::size_t at = rng() % 17;
    typo[at] = static_cast<char>('0' + (typo[at] - '0' + 1 + rng() % 9) % 10);
    if (parse_identity_number(typo, kToday).is_ok()) {
      ++failures;
      MESSAGE("accepted a mistyped number: " << typo);
    }
  }
  CHECK(failures == 0);
}

TEST_CASE("a wrong check digit is refused saying which one it should be") {
  CHECK(contains(identity_error("110105194912310023"), "check digit should be X, not 3"));
  CHECK(contains(identity_error("530102199001011234"), "check digit should be 1, not 4"));
  CHECK(contains(identity_error("53010219900101123X"), "check digit should be 1, not X"));
  CHECK(contains(identity_error("53010219900101123x"), "check digit should be 1, not X"));
}

TEST_CASE("identity numbers of the wrong length are refused with the length found") {
  CHECK(contains(identity_error("11010519491231002"), "must be 18 characters, got 17"));
  CHECK(contains(identity_error("11010519491231002X1"), "must be 18 characters, got 19"));
  CHECK(contains(identity_error(""), "must be 18 characters, got 0"));
  // A first-generation 15-digit number is no longer valid.
  CHECK(contains(identity_error("110105491231002"), "must be 18 characters, got 15"));
  // Characters, not bytes: 17 full-width digits and an X are 18 characters.
  CHECK(contains(identity_error("１１０１０５１９４９１２３１００２X"),
                 "character 1 must be a digit"));
}

TEST_CASE("letters and other characters in an identity number are refused where they are") {
  CHECK(contains(identity_error("1101051949123100AX"), "character 17 must be a digit, not 'A'"));
  CHECK(contains(identity_error("X10105194912310021"), "character 1 must be a digit, not 'X'"));
  CHECK(contains(identity_error("110105 94912310021"), "character 7 must be a digit, not a space"));
  CHECK(contains(identity_error("11010519491231002Y"), "must end with a digit or X, not 'Y'"));
  CHECK(contains(identity_error("11010519491231002-"), "must end with a digit or X, not '-'"));
}

TEST_CASE("birth dates must be real calendar dates, Feb 29 only in leap years") {
  // 2000 and 2024 are leap years; 1900 and 2023 are not.
  CHECK(parse_identity_number(with_check_digit("53010220000229002"), kToday).is_ok());
  CHECK(parse_identity_number(with_check_digit("53010220240229002"), kToday).is_ok());
  CHECK(contains(identity_error(with_check_digit("53010219000229001")),
                 "birth date 19000229 is not a real date"));
  CHECK(contains(identity_error(with_check_digit("53010220230229001")),
                 "birth date 20230229 is not a real date"));
  CHECK(contains(identity_error(with_check_digit("53010219990231001")),
                 "birth date 19990231 is not a real date"));
  CHECK(contains(identity_error(with_check_digit("53010219991301001")),
                 "birth date 19991301 is not a real date"));
  CHECK(contains(identity_error(with_check_digit("53010219990000001")),
                 "birth date 19990000 is not a real date"));
  CHECK(contains(identity_error(with_check_digit("53010219990431001")),
                 "birth date 19990431 is not a real date"));
  CHECK(parse_identity_number(with_check_digit("53010219990430001"), kToday).is_ok());
}

TEST_CASE("birth dates before 1900 or after today are refused") {
  // The standard's own sample was born in 1880.
  CHECK(contains(identity_error("440524188001010014"), "birth date 18800101 is before 1900"));
  CHECK(contains(identity_error(with_check_digit("53010218991231001")),
                 "birth date 18991231 is before 1900"));
  CHECK(parse_identity_number(with_check_digit("53010219000101001"), kToday).is_ok());

  // Born today is fine (a newborn's registration); tomorrow is not.
  CHECK(parse_identity_number(with_check_digit("53010220261122001"), kToday).is_ok());
  CHECK(contains(identity_error(with_check_digit("53010220261123001")),
                 "birth date 20261123 is after today (2026-11-22)"));
  CHECK(contains(identity_error(with_check_digit("53010230000101001")), "after today"));
  // Today is a parameter, not the machine's clock.
  CHECK(parse_identity_number(with_check_digit("53010220261123001"), CivilDate{2026, 11, 23})
            .is_ok());
}

TEST_CASE("region codes must name a province") {
  CHECK(contains(identity_error(with_check_digit("01010219900101123")),
                 "region code 010102 is not a real region"));
  CHECK(contains(identity_error(with_check_digit("91010219900101123")), "91 is not a province"));
  CHECK(contains(identity_error(with_check_digit("99010219900101123")), "region code 990102"));
  CHECK(contains(identity_error(with_check_digit("20010219900101123")), "20 is not a province"));
}

TEST_CASE("identity error messages never repeat the whole number") {
  const std::vector<std::string> refused = {"110105194912310023", "53010219990231001X",
                                            "1101051949123100AX", "11010519491231002"};
  for (const auto& bad : refused) {
    CHECK_FALSE(contains(identity_error(bad), bad));
  }
}

TEST_CASE("mobile numbers are normalised to their 11 digits") {
  CHECK(parse_mobile_number("13912345678").value() == "13912345678");
  CHECK(parse_mobile_number("139 1234 5678").value() == "13912345678");
  CHECK(parse_mobile_number("139-1234-5678").value() == "13912345678");
  CHECK(parse_mobile_number("+8613912345678").value() == "13912345678");
  CHECK(parse_mobile_number("+86 139 1234 5678").value() == "13912345678");
  CHECK(parse_mobile_number("8613912345678").value() == "13912345678");
  CHECK(parse_mobile_number("86 139-1234-5678").value() == "13912345678");
  CHECK(parse_mobile_number("0086 13912345678").value() == "13912345678");
  CHECK(parse_mobile_number(" 19912345678 ").value() == "19912345678");
  for (char second = '3'; second <= '9'; ++second) {
    const std::string number = std::string("1") + second + "012345678";
    CHECK(parse_mobile_number(number).value() == number);
  }
}

TEST_CASE("mobile numbers with a wrong prefix, length or character are refused") {
  CHECK(contains(mobile_error("12912345678"), "must start with 13-19, not 12"));
  CHECK(contains(mobile_error("10912345678"), "must start with 13-19, not 10"));
  CHECK(contains(mobile_error("23912345678"), "must start with 13-19, not 23"));
  CHECK(contains(mobile_error("1391234567"), "must have 11 digits, got 10"));
  CHECK(contains(mobile_error("139123456789"), "must have 11 digits, got 12"));
  CHECK(contains(mobile_error("+86 1391234567"), "must have 11 digits, got 10"));
  CHECK(contains(mobile_error(""), "is empty"));
  CHECK(contains(mobile_error(" - "), "is empty"));
  CHECK(contains(mobile_error("+1 415 555 0100"), "mainland China number (+86)"));
  CHECK(contains(mobile_error("139.1234.5678"), "only digits, spaces and hyphens, not '.'"));
  CHECK(contains(mobile_error("139a1234567"), "not 'a'"));
  CHECK(contains(mobile_error("139+12345678"), "not '+'"));
  CHECK(contains(mobile_error("１３９１２３４５６７８"), "not '１'"));
  // A landline with its area code is not a mobile number.
  CHECK_FALSE(parse_mobile_number("0871-63131234").is_ok());
}
