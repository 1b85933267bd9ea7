// Validation of the personal numbers residents give at the kiosk and the window: resident
// identity numbers (GB 11643-1999) and mainland mobile numbers. Messages say what is wrong
// without repeating the whole number, so they are safe to show and to log.
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "weimin/core/civil_time.hpp"
#include "weimin/core/result.hpp"

namespace weimin::core {

enum class Sex { Female, Male };

// A resident identity number (公民身份号码, GB 11643-1999) that passed every check.
struct IdentityNumber {
  std::string number;       // 18 characters, a final check character x upper-cased to X
  std::string region_code;  // the first 6 digits: the administrative division of first issue
  CivilDate birth_date;
  Sex sex = Sex::Female;  // from the 17th digit: odd is male, even is female

  bool operator==(const IdentityNumber&) const = default;
};

// The check character for the first 17 digits of an identity number: '0'-'9' or 'X'
// (ISO 7064 MOD 11-2). nullopt unless first17 is exactly 17 ASCII digits. Keypads use it to
// tell a resident that the last character is wrong as soon as it is typed.
std::optional<char> compute_identity_check_digit(std::string_view first17);

// Checks a resident identity number typed or scanned at the station; leading and trailing
// spaces are ignored and a final lower-case x is accepted. `today` is the station's local date
// (the birth date may not lie after it). On success: the normalised number with its region,
// birth date and sex. On failure: Invalid with a message saying exactly what is wrong, e.g.
// "must be 18 characters, got 17", "birth date 19990231 is not a real date",
// "check digit should be X, not 3".
Result<IdentityNumber> parse_identity_number(std::string_view text, CivilDate today);

// Checks a mainland mobile number (手机号码): 1, then 3-9, then 9 more digits. Spaces and hyphens
// anywhere are ignored, as is a leading +86, 86 or 0086. On success: the 11 digits alone, e.g.
// "+86 139-1234-5678" gives "13912345678". On failure: Invalid saying what is wrong.
Result<std::string> parse_mobile_number(std::string_view text);

}  // namespace weimin::core
