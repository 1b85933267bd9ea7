#include "weimin/core/mask.hpp"

#include <cstddef>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "weimin/core/id.hpp"
#include "weimin/core/validation.hpp"

namespace weimin::core {
namespace {

// [SECTION] Characters

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

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

// The first `head` and last `tail` characters with a star for each character between.
std::string keep_ends(const std::vector<std::string_view>& chars, std::size_t head,
                      std::size_t tail) {
  std::string out;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (i < head || i + tail >= chars.size()) {
      out += chars[i];
    } else {
      out += '*';
    }
  }
  return out;
}

// A value of unexpected shape: never more than the first 3 and last 2 characters, and nothing
// at all of a short one.
std::string mask_unexpected(const std::vector<std::string_view>& chars) {
  if (chars.size() >= 11) return keep_ends(chars, 3, 2);
  return std::string(chars.size(), '*');
}

// [SECTION] Digits in free text

// One digit in the text: ASCII '0'-'9' or full-width '０'-'９' (U+FF10-U+FF19).
struct Digit {
  std::size_t pos = 0;
  std::size_t len = 0;
  int value = 0;
};

std::optional<Digit> digit_at(std::string_view s, std::size_t pos) {
  if (pos >= s.size()) return std::nullopt;
  if (s[pos] >= '0' && s[pos] <= '9') return Digit{pos, 1, s[pos] - '0'};
  if (pos + 2 < s.size() && static_cast<unsigned char>(s[pos]) == 0xEF &&
      static_cast<unsigned char>(s[pos + 1]) == 0xBC) {
    const auto third = static_cast<unsigned char>(s[pos + 2]);
    if (third >= 0x90 && third <= 0x99) return Digit{pos, 3, third - 0x90};
  }
  return std::nullopt;
}

// Length in bytes of an X or x (ASCII or full-width) at pos, 0 when there is none.
std::size_t x_length_at(std::string_view s, std::size_t pos) {
  if (pos < s.size() && (s[pos] == 'X' || s[pos] == 'x')) return 1;
  if (s.substr(pos, 3) == "\xEF\xBC\xB8" || s.substr(pos, 3) == "\xEF\xBD\x98") return 3;
  return 0;
}

// The maximal run of digits starting at pos (empty when there is no digit at pos).
std::vector<Digit> digit_run(std::string_view s, std::size_t pos) {
  std::vector<Digit> run;
  while (auto d = digit_at(s, pos)) {
    run.push_back(*d);
    pos += d->len;
  }
  return run;
}

std::size_t end_of(const std::vector<Digit>& run) {
  return run.back().pos + run.back().len;
}

bool phone_like(const std::vector<Digit>& digits, std::size_t from) {
  return digits.size() - from == 11 && digits[from].value == 1 && digits[from + 1].value >= 3;
}

int number_at(const std::vector<Digit>& digits, std::size_t from, std::size_t count) {
  int v = 0;
  for (std::size_t i = from; i < from + count; ++i) v = v * 10 + digits[i].value;
  return v;
}

// 17 or 18 digits that read like an identity number: a first digit 1-8 and a birth date with a
// year 1900-2099, a month 1-12 and a day 1-31. Loose on purpose: a mistyped number still hides.
bool identity_like(const std::vector<Digit>& digits) {
  if (digits.size() < 17 || digits[0].value < 1 || digits[0].value > 8) return false;
  const int year = number_at(digits, 6, 4);
  const int month = number_at(digits, 10, 2);
  const int day = number_at(digits, 12, 2);
  return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// A number found in the text: the bytes [begin, end), and the digits within it to replace by
// stars.
struct Match {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::vector<Digit> hidden;
};

Match hide(const std::vector<Digit>& digits, std::size_t end, std::size_t first,
           std::size_t count) {
  Match m{digits.front().pos, end, {}};
  for (std::size_t i = first; i < first + count; ++i) m.hidden.push_back(digits[i]);
  return m;
}

// Up to three runs of digits joined by single spaces or hyphens, starting at pos.
std::vector<std::vector<Digit>> digit_groups(std::string_view s, std::size_t pos) {
  std::vector<std::vector<Digit>> groups;
  groups.push_back(digit_run(s, pos));
  while (groups.size() < 3) {
    const std::size_t sep = end_of(groups.back());
    if (sep >= s.size() || (s[sep] != ' ' && s[sep] != '-')) break;
    auto next = digit_run(s, sep + 1);
    if (next.empty()) break;
    groups.push_back(std::move(next));
  }
  return groups;
}

// The personal number whose first digit is at pos, if there is one.
std::optional<Match> personal_number_at(std::string_view s, std::size_t pos) {
  const auto groups = digit_groups(s, pos);
  const auto& run = groups.front();

  // Written in groups: 139 1234 5678, 110105 19491231 002X.
  if (groups.size() == 3) {
    std::vector<Digit> all;
    for (const auto& g : groups) all.insert(all.end(), g.begin(), g.end());
    const std::size_t sizes[3] = {groups[0].size(), groups[1].size(), groups[2].size()};
    const std::size_t end = end_of(groups[2]);
    if (sizes[0] == 3 && sizes[1] == 4 && sizes[2] == 4 && phone_like(all, 0)) {
      return hide(all, end, 3, 4);
    }
    if (sizes[0] == 6 && sizes[1] == 8 && identity_like(all)) {
      if (sizes[2] == 4) return hide(all, end, 6, 8);
      if (sizes[2] == 3 && x_length_at(s, end) > 0) {
        return hide(all, end + x_length_at(s, end), 6, 8);
      }
    }
  }

  // One run of digits.
  const std::size_t end = end_of(run);
  if (run.size() == 18 && identity_like(run)) return hide(run, end, 6, 8);
  if (run.size() == 17 && x_length_at(s, end) > 0 && identity_like(run)) {
    return hide(run, end + x_length_at(s, end), 6, 8);
  }
  if (phone_like(run, 0)) return hide(run, end, 3, 4);
  if (run.size() == 13 && run[0].value == 8 && run[1].value == 6 && phone_like(run, 2)) {
    return hide(run, end, 5, 4);
  }
  if (run.size() == 15 && number_at(run, 0, 4) == 86 && phone_like(run, 4)) {
    return hide(run, end, 7, 4);
  }
  return std::nullopt;
}

bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Length of a canonical UUID standing alone at pos, 0 when there is none.
std::size_t uuid_length_at(std::string_view s, std::size_t pos) {
  constexpr std::size_t kLength = 36;
  if (pos + kLength > s.size()) return 0;
  if (pos > 0 && is_ascii_alnum(s[pos - 1])) return 0;
  if (pos + kLength < s.size() && is_ascii_alnum(s[pos + kLength])) return 0;
  return Uuid::parse(s.substr(pos, kLength)) ? kLength : 0;
}

}  // namespace

std::string mask_identity_number(std::string_view text) {
  const auto chars = characters(text);
  if (chars.size() == 18) return keep_ends(chars, 6, 4);
  return mask_unexpected(chars);
}

std::string mask_phone(std::string_view text) {
  const auto normalised = parse_mobile_number(text);
  if (normalised.is_ok()) return normalised->substr(0, 3) + "****" + normalised->substr(7);
  return mask_unexpected(characters(text));
}

std::string mask_name(std::string_view name) {
  const auto chars = characters(name);
  if (chars.empty()) return {};
  std::string out(chars.front());
  out.append(chars.size() - 1, '*');
  return out;
}

std::string mask_personal_numbers_in_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (const std::size_t n = uuid_length_at(text, pos)) {
      out += text.substr(pos, n);
      pos += n;
      continue;
    }
    if (!digit_at(text, pos)) {
      out += text[pos++];
      continue;
    }
    if (const auto match = personal_number_at(text, pos)) {
      std::size_t cursor = match->begin;
      for (const Digit& d : match->hidden) {
        out += text.substr(cursor, d.pos - cursor);
        out += '*';
        cursor = d.pos + d.len;
      }
      out += text.substr(cursor, match->end - cursor);
      pos = match->end;
    } else {
      // Not a personal number: copy the whole run, so no digit inside it starts a match.
      const std::size_t end = end_of(digit_run(text, pos));
      out += text.substr(pos, end - pos);
      pos = end;
    }
  }
  return out;
}

void mask_personal_numbers_in_json(nlohmann::json& value) {
  if (value.is_string()) {
    value = mask_personal_numbers_in_text(value.get_ref<const std::string&>());
  } else if (value.is_structured()) {
    for (auto& element : value) mask_personal_numbers_in_json(element);
  } else if (value.is_number_integer()) {
    const std::string digits = value.dump();
    const auto run = digit_run(digits, 0);
    if (run.size() == digits.size() && phone_like(run, 0)) value = mask_phone(digits);
  }
}

}  // namespace weimin::core
