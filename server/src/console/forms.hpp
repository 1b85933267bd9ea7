// Reading what a browser sends the console: application/x-www-form-urlencoded bodies and
// queries (bounded), cookies, and the small formatting helpers the pages share.
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weimin/core/result.hpp"
#include "weimin/sync/http.hpp"

namespace weimin::server::console {

// The fields of a form or query in the order sent; a name may repeat (checkboxes).
struct Form {
  std::vector<std::pair<std::string, std::string>> fields;
  // The first value of `name`, or "" when absent.
  std::string get(std::string_view name) const;
  bool has(std::string_view name) const;
  std::vector<std::string> all(std::string_view name) const;
};

// Decodes application/x-www-form-urlencoded text ('+' is a space, %XX a byte). Invalid for a
// malformed escape, more than 256 fields, or a value that is not UTF-8. Fields longer than
// max_field_bytes are kept (so the page can show them) and reported by too_long_field.
Result<Form> parse_urlencoded(std::string_view text);
// The first field longer than max_bytes, or nothing.
std::optional<std::string> too_long_field(const Form& form, std::size_t max_bytes);

// The value of cookie `name` in the request's Cookie header, or "".
std::string cookie(const sync::HttpRequest& request, std::string_view name);

// "%-escaped" text for a query value or a path segment.
std::string url_escape(std::string_view text);

// `pattern` with each "{}" replaced by the next argument.
std::string fill(std::string pattern, const std::vector<std::string>& args);

// "2026-11-22 16:30" in China's time; "" for 0.
std::string local_time(std::int64_t unix_ms);
// Unix ms of 00:00 China time on a "YYYY-MM-DD" date; Invalid otherwise.
Result<std::int64_t> parse_local_date(std::string_view text);

// 32 random hex digits.
std::string random_hex();

}  // namespace weimin::server::console
