// Masking of personal numbers (resident identity numbers and mobile numbers) wherever they are
// shown or written: screens, receipts, logs, exports (DOMAIN.md: never shown to the next person
// at a public kiosk). Masks never reveal more of a malformed value than of a valid one.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace weimin::core {

// "530102199001011234" -> "530102********1234": the first 6 and last 4 of an 18-character
// value. Any other length of 11 characters or more keeps only the first 3 and last 2
// ("530102199001" -> "530*******01"); anything shorter is masked whole. Lengths count
// characters, not bytes, so UTF-8 text is never cut inside a character.
std::string mask_identity_number(std::string_view text);

// "13912345678" -> "139****5678". A value that is a valid mobile number in another spelling
// ("+86 139-1234-5678") is masked in its normalised 11-digit form; anything else follows the
// rule for unexpected lengths above (first 3 and last 2 of 11 or more characters, else all).
std::string mask_phone(std::string_view text);

// A resident's name as a register keeps it: the first character, then one '*' for each other
// ("张三" -> "张*", "欧阳小明" -> "欧***"); a name of one character is kept. Counts characters,
// not bytes; masking a masked name changes nothing.
std::string mask_name(std::string_view name);

// Masks every personal number found in free text (a resident's description, a log line, a
// serialised record): 18-character identity numbers (17 digits and a digit or X, a first digit
// 1-8 and a plausible birth date in the middle, also written 6-8-4 with spaces or hyphens) and
// mobile numbers (1[3-9] and 9 more digits, bare, as 3-4-4 groups, or after 86 / 0086).
// Full-width digits count as digits. A number must stand alone: a run of digits longer than the
// pattern is left as it is, and so are canonical UUIDs. Everything else is copied unchanged.
std::string mask_personal_numbers_in_text(std::string_view text);

// Masks personal numbers in every string of a JSON value, recursively (object keys are left
// alone), and replaces any integer that is an 11-digit mobile number by its masked string.
// Other numbers are kept, so clock values and counts in a record stay exact.
void mask_personal_numbers_in_json(nlohmann::json& value);

}  // namespace weimin::core
