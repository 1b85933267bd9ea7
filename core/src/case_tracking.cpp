// Tracking codes (查询码) of cases: 8 characters from 40 bits of a mix of the case id and a
// Luhn mod 32 check character.
#include <cctype>

#include "weimin/core/case.hpp"

namespace weimin::core {
namespace {

constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
static_assert(kAlphabet.size() == 32);
constexpr int kBase = 32;
constexpr std::size_t kDataChars = kTrackingCodeLength - 1;
static_assert(kDataChars * 5 == kTrackingCodeBits);

// splitmix64's finaliser: every input bit affects every output bit.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

int value_of(char c) {
  const auto at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// Luhn mod N over code points, rightmost first; `with_check` says whether the last character
// is a check character already (validation) or is still to be added (generation).
int luhn_sum(std::string_view chars, bool with_check) {
  int factor = with_check ? 1 : 2;
  int sum = 0;
  for (auto it = chars.rbegin(); it != chars.rend(); ++it) {
    int addend = factor * value_of(*it);
    factor = factor == 2 ? 1 : 2;
    addend = addend / kBase + addend % kBase;
    sum += addend;
  }
  return sum % kBase;
}

char check_char(std::string_view data) {
  return kAlphabet[static_cast<std::size_t>((kBase - luhn_sum(data, false)) % kBase)];
}

}  // namespace

std::string tracking_code(const Uuid& case_id) {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    hi = hi << 8 | case_id.bytes[i];
    lo = lo << 8 | case_id.bytes[i + 8];
  }
  const std::uint64_t bits = mix(hi ^ mix(lo)) >> (64 - kTrackingCodeBits);
  std::string code(kDataChars, '2');
  for (std::size_t i = 0; i < kDataChars; ++i) {
    code[i] = kAlphabet[(bits >> (5 * (kDataChars - 1 - i))) & 31];
  }
  code += check_char(code);
  return code;
}

bool is_valid_tracking_code(std::string_view code) {
  if (code.size() != kTrackingCodeLength) return false;
  for (char c : code) {
    if (value_of(c) < 0) return false;
  }
  return luhn_sum(code, true) == 0;
}

Result<std::string> parse_tracking_code(std::string_view typed) {
  std::string code;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    const char up = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (value_of(up) < 0) {
      const bool look_alike = up == '0' || up == '1' || up == 'O' || up == 'I';
      const std::string shown = static_cast<unsigned char>(c) < 0x80
                                    ? std::string("\"") + c + "\""
                                    : std::string("such character");
      return Status(ErrorCode::Invalid,
                    "a tracking code has no " + shown +
                        (look_alike ? " (codes use no 0, 1, I or O); check the receipt"
                                    : "; it uses the digits 2-9 and the letters A-Z but I and O"));
    }
    code += up;
  }
  if (code.size() != kTrackingCodeLength) {
    return Status(ErrorCode::Invalid, "a tracking code has " + std::to_string(kTrackingCodeLength) +
                                          " characters; this one has " +
                                          std::to_string(code.size()));
  }
  if (!is_valid_tracking_code(code)) {
    return Status(ErrorCode::Invalid, "tracking code " + code +
                                          " is mistyped (its check character does not match); "
                                          "check it against the receipt");
  }
  return code;
}

}  // namespace weimin::core
