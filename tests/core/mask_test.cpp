#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "seed.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/core/validation.hpp"

using namespace weimin::core;

namespace {

// Characters (UTF-8 code points) in s.
std::size_t char_count(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Characters of the mask that are not stars: what it reveals.
std::size_t revealed(std::string_view masked) {
  return char_count(masked) -
         static_cast<std::size_t>(std::count(masked.begin(), masked.end(), '*'));
}

}  // namespace

TEST_CASE("identity numbers keep the first 6 and last 4 characters") {
  CHECK(mask_identity_number("530102199001011234") == "530102********1234");
  CHECK(mask_identity_number("11010519491231002X") == "110105********002X");
  CHECK(mask_identity_number("11010519491231002x") == "110105********002x");
}

TEST_CASE("phone numbers keep the first 3 and last 4 digits") {
  CHECK(mask_phone("13912345678") == "139****5678");
  CHECK(mask_phone("+86 139-1234-5678") == "139****5678");
  CHECK(mask_phone("8613912345678") == "139****5678");
}

TEST_CASE("masks of malformed values reveal at most the first 3 and last 2 characters") {
  CHECK(mask_identity_number("") == "");
  CHECK(mask_identity_number("12345") == "*****");
  CHECK(mask_identity_number("1234567890") == "**********");
  CHECK(mask_identity_number("53010219900") == "530******00");
  CHECK(mask_identity_number("530102199001") == "530*******01");
  CHECK(mask_identity_number("5301021990010112345") == "530**************45");
  CHECK(mask_identity_number("110105491231002") == "110**********02");  // old 15-digit form

  CHECK(mask_phone("") == "");
  CHECK(mask_phone("1391234567") == "**********");        // 10 digits
  CHECK(mask_phone("12912345678") == "129******78");      // not a mobile prefix
  CHECK(mask_phone("139123456789") == "139*******89");    // 12 digits
  CHECK(mask_phone("0871-63131234") == "087********34");  // a landline
  CHECK(mask_phone("n/a") == "***");

  // UTF-8 text is never cut inside a character.
  CHECK(mask_identity_number("张三的身份证号码还没有填写好的") == "张三的**********好的");
  CHECK(mask_phone("未知") == "**");
}

TEST_CASE("property: masks never reveal more than a valid number's mask, whatever the input") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  MESSAGE("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const std::vector<std::string> alphabet = {"1", "3", "8", "X",  "x",  " ",
                                             "-", "+", "a", "张", "１", "\xF0\x9F\x98\x80"};
  int failures = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    const std::size_t length = rng() % 30;
    for (std::size_t j = 0; j < length; ++j) text += alphabet[rng() % alphabet.size()];
    const std::string id = mask_identity_number(text);
    const std::string phone = mask_phone(text);
    const bool valid_phone = parse_mobile_number(text).is_ok();
    // Same number of characters, except a valid phone in another spelling, which is normalised.
    if (char_count(id) != length) ++failures;
    if (!valid_phone && char_count(phone) != length) ++failures;
    if (revealed(id) > (length == 18 ? 10u : 5u)) ++failures;
    if (revealed(phone) > (valid_phone ? 7u : 5u)) ++failures;
    if (length < 11 && length != 0 && !valid_phone && revealed(phone) != 0) ++failures;
  }
  CHECK(failures == 0);
}

TEST_CASE("numbers in free text are masked where they stand") {
  CHECK(mask_personal_numbers_in_text("请联系13912345678，身份证530102199001011231。") ==
        "请联系139****5678，身份证530102********1231。");
  CHECK(mask_personal_numbers_in_text("id 11010519491231002x, thanks") ==
        "id 110105********002x, thanks");
  CHECK(mask_personal_numbers_in_text("13912345678") == "139****5678");
  CHECK(mask_personal_numbers_in_text("a13912345678b") == "a139****5678b");
  CHECK(mask_personal_numbers_in_text("13912345678 and 15800001111") ==
        "139****5678 and 158****1111");
  // Mistyped numbers are masked too: the pattern matters, not the check digit.
  CHECK(mask_personal_numbers_in_text("530102199001011234") == "530102********1234");
}

TEST_CASE("numbers written in groups, with a country prefix or in full-width digits are masked") {
  CHECK(mask_personal_numbers_in_text("call 139 1234 5678 or 139-1234-5678") ==
        "call 139 **** 5678 or 139-****-5678");
  CHECK(mask_personal_numbers_in_text("+8613912345678") == "+86139****5678");
  CHECK(mask_personal_numbers_in_text("008613912345678") == "0086139****5678");
  CHECK(mask_personal_numbers_in_text("+86 139 1234 5678") == "+86 139 **** 5678");
  CHECK(mask_personal_numbers_in_text("身份证 110105 19491231 002X") ==
        "身份证 110105 ******** 002X");
  CHECK(mask_personal_numbers_in_text("110105-19491231-0021") == "110105-********-0021");
  CHECK(mask_personal_numbers_in_text("电话１３９１２３４５６７８") == "电话１３９****５６７８");
  CHECK(mask_personal_numbers_in_text("１１０１０５１９４９１２３１００２Ｘ") ==
        "１１０１０５********００２Ｘ");
}

TEST_CASE("other numbers in text are left alone") {
  const std::vector<std::string> unchanged = {
      "",
      "no numbers here",
      "1391234567",          // 10 digits
      "139123456789",        // 12 digits: part of something longer
      "12912345678",         // not a mobile prefix
      "1764000000123",       // a Unix time in milliseconds
      "115605504000000000",  // a packed HLC: its "birth date" 50400000 is no date
      "930102199001011231",  // first digit 9 is no region
      "530102189901011231",  // born 1899: not read as an identity number
      "2026-11-22 09:05",
      "ticket A012, window 3",
      "019ab697-e87b-77ff-8123-a13912345678",  // a UUID whose digits look like a phone
      "tel 139 12345 678",                     // groups of the wrong sizes
  };
  for (const auto& text : unchanged) {
    CAPTURE(text);
    CHECK(mask_personal_numbers_in_text(text) == text);
  }
}

TEST_CASE("a serialised record keeps its clock values while its personal numbers are masked") {
  const std::string line =
      R"({"body":{"phone":"13912345678","note":"身份证530102199001011231"},)"
      R"("hlc":115605504000000000,"id":"019ab697-e87b-77ff-8123-a13912345678",)"
      R"("wall_ms":1764000000123})";
  CHECK(mask_personal_numbers_in_text(line) ==
        R"({"body":{"phone":"139****5678","note":"身份证530102********1231"},)"
        R"("hlc":115605504000000000,"id":"019ab697-e87b-77ff-8123-a13912345678",)"
        R"("wall_ms":1764000000123})");
}

TEST_CASE("masking JSON touches strings and phone-like integers, never other numbers") {
  nlohmann::json record = {
      {"phone", "+86 139-1234-5678"},
      {"phone_as_number", 13912345678LL},
      {"hlc", 115605504000000000ULL},
      {"wall_ms", 1764000000123LL},
      {"count", 3},
      {"ids", {"11010519491231002X", "no number"}},
      {"nested", {{"note", "call 15800001111"}, {"ok", true}, {"none", nullptr}}},
  };
  mask_personal_numbers_in_json(record);
  CHECK(record["phone"] == "+86 139-****-5678");
  CHECK(record["phone_as_number"] == "139****5678");
  CHECK(record["hlc"] == 115605504000000000ULL);
  CHECK(record["wall_ms"] == 1764000000123LL);
  CHECK(record["count"] == 3);
  CHECK(record["ids"][0] == "110105********002X");
  CHECK(record["ids"][1] == "no number");
  CHECK(record["nested"]["note"] == "call 158****1111");
  CHECK(record["nested"]["ok"] == true);
}

TEST_CASE("property: personal numbers planted in random text never survive masking") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  MESSAGE("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const std::vector<std::string> filler = {"居民", "反映", " ", "，", "。", "a",    "Z",
                                           ":",    "(",    ")", "\n", "/",  "电话", "身份证"};
  const auto digits = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  int failures = 0;
  for (int i = 0; i < 3000; ++i) {
    std::vector<std::string> planted;
    std::string text;
    for (int part = 0; part < 8; ++part) {
      switch (rng() % 4) {
        case 0: {
          const std::string phone = "1" + std::to_string(3 + rng() % 7) + digits(9);
          planted.push_back(phone);
          text += phone;
          break;
        }
        case 1: {
          const std::string first17 =
              std::to_string(1 + rng() % 8) + digits(5) + std::to_string(1900 + rng() % 127) + "0" +
              std::to_string(1 + rng() % 9) + "1" + std::to_string(rng() % 10) + digits(3);
          const std::string id = first17 + *compute_identity_check_digit(first17);
          planted.push_back(id);
          text += id;
          break;
        }
        case 2:
          text += digits(rng() % 6);
          break;
        default:
          break;
      }
      text += filler[rng() % filler.size()];  // numbers never touch one another
    }
    const std::string masked = mask_personal_numbers_in_text(text);
    for (const auto& number : planted) {
      const std::string shown = number.size() == 11
                                    ? number.substr(0, 3) + "****" + number.substr(7)
                                    : number.substr(0, 6) + "********" + number.substr(14);
      if (masked.find(number) != std::string::npos || masked.find(shown) == std::string::npos) {
        ++failures;
        MESSAGE("not masked: " << number << " in " << text << " -> " << masked);
      }
    }
    if (char_count(masked) != char_count(text)) ++failures;
    if (mask_personal_numbers_in_text(masked) != masked) ++failures;  // idempotent
  }
  CHECK(failures == 0);
}

TEST_CASE(
    "a name is masked to its first character, by characters, and masking twice changes nothing") {
  CHECK(mask_name("张三") == "张*");
  CHECK(mask_name("欧阳小明") == "欧***");
  CHECK(mask_name("李") == "李");
  CHECK(mask_name("") == "");
  CHECK(mask_name("Wang Fang") == "W********");
  CHECK(mask_name(mask_name("张三丰")) == "张**");
}
