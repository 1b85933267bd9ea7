#include "weimin/core/validation.hpp"

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace weimin::core {
namespace {

constexpr std::array<int, 17> kCheckWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kCheckChars = "10X98765432";

// Two-digit province-level codes of GB/T 2260, plus 81-83 used by the residence permits of
// Hong Kong, Macao and Taiwan residents, which follow GB 11643 too.
constexpr std::array<int, 35> kProvinceCodes = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                                35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                                53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits UTF-8 text into characters (code points), so lengths and positions in messages match
// what the person sees.
std::vector<std::string_view> characters(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i + 1;
    while (j < s.size() && is_utf8_continuation(s[j])) ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// How a character is named in a message: 'a', or "a space".
std::string describe(std::string_view ch) {
  if (ch == " ") return "a space";
  if (ch.size() == 1 && (static_cast<unsigned char>(ch[0]) < 0x20 || ch[0] == 0x7F)) {
    return "a control character";
  }
  return "'" + std::string(ch) + "'";
}

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool is_real_date(int y, int m, int d) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const int days = (m == 2 && is_leap(y)) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
  return d <= days;
}

int to_int(std::string_view digits) {
  int v = 0;
  for (const char c : digits) v = v * 10 + (c - '0');
  return v;
}

Status invalid_identity(const std::string& what) {
  return Status(ErrorCode::Invalid, "identity number: " + what +
                                        "; compare it with the identity card and enter it again");
}

Status invalid_mobile(const std::string& what) {
  return Status(ErrorCode::Invalid, "mobile number: " + what + "; check it and enter it again");
}

}  // namespace

std::optional<char> compute_identity_check_digit(std::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    if (!is_digit(first17[i])) return std::nullopt;
    sum += (first17[i] - '0') * kCheckWeights[i];
  }
  return kCheckChars[static_cast<std::size_t>(sum % 11)];
}

Result<IdentityNumber> parse_identity_number(std::string_view text, CivilDate today) {
  text = trim_spaces(text);
  const auto chars = characters(text);
  if (chars.size() != 18) {
    return invalid_identity("must be 18 characters, got " + std::to_string(chars.size()));
  }
  for (std::size_t i = 0; i < 17; ++i) {
    if (chars[i].size() != 1 || !is_digit(chars[i][0])) {
      return invalid_identity("character " + std::to_string(i + 1) + " must be a digit, not " +
                              describe(chars[i]));
    }
  }
  const std::string_view last = chars[17];
  if (last.size() != 1 || !(is_digit(last[0]) || last[0] == 'X' || last[0] == 'x')) {
    return invalid_identity("must end with a digit or X, not " + describe(last));
  }
  // From here on every character is one ASCII byte.
  std::string number(text);
  if (number[17] == 'x') number[17] = 'X';

  const int province = to_int(std::string_view(number).substr(0, 2));
  bool known_province = false;
  for (const int p : kProvinceCodes) known_province = known_province || p == province;
  if (!known_province) {
    return invalid_identity("region code " + number.substr(0, 6) + " is not a real region: " +
                            number.substr(0, 2) + " is not a province code");
  }

  const std::string birth = number.substr(6, 8);
  const int year = to_int(std::string_view(birth).substr(0, 4));
  const int month = to_int(std::string_view(birth).substr(4, 2));
  const int day = to_int(std::string_view(birth).substr(6, 2));
  if (!is_real_date(year, month, day)) {
    return invalid_identity("birth date " + birth + " is not a real date");
  }
  const CivilDate birth_date{year, month, day};
  if (year < 1900) return invalid_identity("birth date " + birth + " is before 1900");
  if (birth_date > today) {
    return invalid_identity("birth date " + birth + " is after today (" + today.to_string() + ")");
  }

  const char expected = *compute_identity_check_digit(std::string_view(number).substr(0, 17));
  if (number[17] != expected) {
    return invalid_identity(std::string("check digit should be ") + expected + ", not " +
                            number[17]);
  }

  IdentityNumber id;
  id.region_code = number.substr(0, 6);
  id.birth_date = birth_date;
  id.sex = (number[16] - '0') % 2 == 1 ? Sex::Male : Sex::Female;
  id.number = std::move(number);
  return id;
}

Result<std::string> parse_mobile_number(std::string_view text) {
  std::string compact;
  bool plus = false;
  for (const auto ch : characters(text)) {
    if (ch == " " || ch == "-" || ch == "\t") continue;
    if (ch == "+" && compact.empty() && !plus) {
      plus = true;
      continue;
    }
    if (ch.size() != 1 || !is_digit(ch[0])) {
      return invalid_mobile("may contain only digits, spaces and hyphens, not " + describe(ch));
    }
    compact += ch;
  }
  if (compact.empty()) return invalid_mobile("is empty");
  if (plus) {
    if (compact.rfind("86", 0) != 0) {
      return invalid_mobile("must be a mainland China number (+86)");
    }
    compact.erase(0, 2);
  } else if (compact.size() == 13 && compact.rfind("86", 0) == 0) {
    compact.erase(0, 2);
  } else if (compact.size() == 15 && compact.rfind("0086", 0) == 0) {
    compact.erase(0, 4);
  }
  if (compact.size() != 11) {
    return invalid_mobile("must have 11 digits, got " + std::to_string(compact.size()));
  }
  if (compact[0] != '1' || compact[1] < '3') {
    return invalid_mobile("must start with 13-19, not " + compact.substr(0, 2));
  }
  return compact;
}

}  // namespace weimin::core
