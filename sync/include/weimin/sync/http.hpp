// HttpRequest / HttpResponse: plain HTTP messages, the seam between the district's logic
// (server::DistrictService::handle) and whatever carries the bytes — the Beast HTTPS front,
// libcurl on the station, or an in-process call in tests and the simulation. Header names are
// compared without regard to case. Bodies are the bytes after any Content-Encoding was undone.
// Thread-safety: value types; safe to use from any thread, one instance per thread.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace weimin::sync {

struct HeaderNameLess {
  bool operator()(std::string_view a, std::string_view b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
      return lower(x) < lower(y);
    });
  }
  using is_transparent = void;
};

using Headers = std::map<std::string, std::string, HeaderNameLess>;

// The value of header `name`, or nothing.
inline std::optional<std::string> header_value(const Headers& headers, std::string_view name) {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

struct HttpRequest {
  std::string method;  // "GET", "POST"
  std::string path;    // "/v1/push", no query
  std::string query;   // the raw query without '?', e.g. "after=0&epoch=e1"; empty when none
  Headers headers;
  std::string body;
  // The client's IP address as the HTTPS front saw it ("203.0.113.7", "::1"); empty in
  // process. For the console's audit and sign-in throttling only, never for authentication.
  std::string remote_address;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
};

}  // namespace weimin::sync
