// Reading forms, queries and cookies (forms.hpp).
#include "console/forms.hpp"

#include <sodium.h>

#include "weimin/core/civil_time.hpp"

namespace weimin::server::console {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= s.size()) {
        return Result<std::string>(ErrorCode::Invalid, "a form field has a cut '%' escape");
      }
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) {
        return Result<std::string>(ErrorCode::Invalid, "a form field has a bad '%' escape");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + static_cast<std::size_t>(n) >= s.size()) return false;
    for (int k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += static_cast<std::size_t>(n) + 1;
  }
  return true;
}

}  // namespace

std::string Form::get(std::string_view name) const {
  for (const auto& [k, v] : fields) {
    if (k == name) return v;
  }
  return "";
}

bool Form::has(std::string_view name) const {
  for (const auto& [k, v] : fields) {
    if (k == name) return true;
  }
  return false;
}

std::vector<std::string> Form::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : fields) {
    if (k == name) out.push_back(v);
  }
  return out;
}

Result<Form> parse_urlencoded(std::string_view text) {
  Form form;
  std::size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    std::size_t amp = text.find('&', pos);
    std::string_view part =
        text.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!part.empty()) {
      if (form.fields.size() >= 256) {
        return Result<Form>(ErrorCode::Invalid, "a form has at most 256 fields");
      }
      std::size_t eq = part.find('=');
      WEIMIN_ASSIGN_OR_RETURN(std::string name, decode(part.substr(0, eq)));
      std::string value;
      if (eq != std::string_view::npos) {
        WEIMIN_ASSIGN_OR_RETURN(value, decode(part.substr(eq + 1)));
      }
      if (!valid_utf8(name) || !valid_utf8(value)) {
        return Result<Form>(ErrorCode::Invalid, "a form field is not UTF-8 text");
      }
      form.fields.emplace_back(std::move(name), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return form;
}

std::optional<std::string> too_long_field(const Form& form, std::size_t max_bytes) {
  for (const auto& [k, v] : form.fields) {
    if (v.size() > max_bytes) return k;
  }
  return std::nullopt;
}

std::string cookie(const sync::HttpRequest& request, std::string_view name) {
  auto h = sync::header_value(request.headers, "Cookie");
  if (!h) return "";
  std::string_view s = *h;
  while (!s.empty()) {
    std::size_t semi = s.find(';');
    std::string_view part = s.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    std::size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
    if (semi == std::string_view::npos) break;
    s.remove_prefix(semi + 1);
  }
  return "";
}

std::string url_escape(std::string_view text) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

std::string fill(std::string pattern, const std::vector<std::string>& args) {
  std::string out;
  std::size_t arg = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 1 < pattern.size() && pattern[i + 1] == '}' && arg < args.size()) {
      out += args[arg++];
      ++i;
    } else {
      out.push_back(pattern[i]);
    }
  }
  return out;
}

std::string local_time(std::int64_t unix_ms) {
  if (unix_ms <= 0) return "";
  std::string t = core::local_date_time(unix_ms);
  // "YYYY-MM-DD HH:MM…": keep to the minute.
  return t.size() > 16 ? t.substr(0, 16) : t;
}

Result<std::int64_t> parse_local_date(std::string_view text) {
  WEIMIN_ASSIGN_OR_RETURN(core::CivilDate d, core::CivilDate::parse(text));
  return core::unix_ms_at(d, 0);
}

std::string random_hex() {
  unsigned char r[16];
  randombytes_buf(r, sizeof r);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : r) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace weimin::server::console
