// CurlTransport: the station's HTTPS transport over libcurl. HTTPS only (an http:// district
// URL is refused; libcurl may speak no other protocol, follows no redirect, and negotiates
// TLS 1.2 or later). The district's CA is pinned: the peer is verified against that one CA
// certificate and nothing from the system store; host names are checked. Responses may come
// gzip-compressed (Accept-Encoding), and request bodies above a small size are sent gzip-compressed
// (Content-Encoding: gzip; a signed request's Content-Digest covers the uncompressed body). Connect
// and idle timeouts turn a dead link into a prompt Unavailable; the sync client resumes from what
// the station has recorded. Thread-safety: one thread at a time per CurlTransport; separate
// instances are independent.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "weimin/sync/transport.hpp"

namespace weimin::sync {

struct CurlOptions {
  std::string base_url;  // "https://district.example:8443" (no trailing path)
  std::string ca_pem;    // the district CA certificate(s), PEM; required
  std::int64_t connect_timeout_ms = 10'000;
  std::int64_t total_timeout_ms = 120'000;
  std::int64_t low_speed_seconds = 30;    // abort when under 1 byte/s for this long
  std::size_t gzip_request_above = 4096;  // compress request bodies larger than this; 0 = never
};

class CurlTransport final : public Transport {
 public:
  // Invalid when the URL is not https://host[:port] (http:// is refused: see
  // check_district_url) or there is no CA to pin.
  static Result<std::unique_ptr<CurlTransport>> make(CurlOptions options);
  ~CurlTransport() override;

  Result<HttpResponse> send(const HttpRequest& request) override;
  // Bytes sent and received on the wire (after compression), for the benchmark.
  std::int64_t bytes_sent() const { return bytes_sent_; }
  std::int64_t bytes_received() const { return bytes_received_; }

 private:
  explicit CurlTransport(CurlOptions options);
  CurlOptions options_;
  void* curl_ = nullptr;  // CURL*, reused so connections stay alive
  std::int64_t bytes_sent_ = 0;
  std::int64_t bytes_received_ = 0;
};

// Ok for an https:// URL; Invalid, saying why and what to give instead, for http:// (clear
// text) and anything else. The CLI checks --server with it before anything is sent.
Status check_district_url(std::string_view url);

// gzip of `bytes` (for request bodies and tests).
std::string gzip_compress(std::string_view bytes);

}  // namespace weimin::sync
