#include "weimin/sync/transport_curl.hpp"

#include <curl/curl.h>
#include <zlib.h>

#include <cctype>
#include <cstring>
#include <mutex>

namespace weimin::sync {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after a 100 Continue, say)
  } else if (auto colon = line.find(':'); colon != std::string::npos) {
    (*headers)[trim(line.substr(0, colon))] = trim(line.substr(colon + 1));
  }
  return size * count;
}

// The failure in words for the person at the station.
Status curl_failure(CURLcode code, const std::string& url, const char* detail,
                    const CurlOptions& options) {
  const std::string why = detail && *detail ? std::string(detail) : curl_easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Status(ErrorCode::Unavailable, "no network: the district's name in " + url +
                                                " cannot be resolved (" + why +
                                                "). Check the station's network; sync "
                                                "retries by itself.");
    case CURLE_COULDNT_CONNECT:
      return Status(ErrorCode::Unavailable,
                    "cannot reach the district at " + url + " (" + why +
                        "): no network, or the district server is down. Sync retries by itself.");
    case CURLE_OPERATION_TIMEDOUT:
      return Status(ErrorCode::Unavailable,
                    "the district at " + url + " did not answer in time (" + why +
                        "). The link is slow or down; sync resumes where it stopped.");
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      return Status(ErrorCode::Rejected,
                    "the district's certificate at " + url +
                        " does not match the pinned district CA (" + why +
                        "). This may not be your district's server; ask the district for its CA "
                        "certificate and enrol again with --ca FILE.");
    case CURLE_SSL_CONNECT_ERROR:
      return Status(ErrorCode::Unavailable,
                    "the secure connection to " + url + " failed (" + why +
                        "). Check that the URL is the district's HTTPS address.");
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_BAD_CONTENT_ENCODING:
      return Status(ErrorCode::Unavailable, "the connection to the district at " + url +
                                                " was cut mid-request (" + why +
                                                "). Sync resumes where it stopped.");
    default:
      (void)options;
      return Status(ErrorCode::Unavailable,
                    "the request to the district at " + url + " failed: " + why);
  }
}

}  // namespace

// Level 1: a push page compresses about 4 times faster than at the default level 6, for a few
// more bytes on the wire (docs/PERFORMANCE.md, wire_bytes_per_fact).
constexpr int kGzipLevel = 1;

std::string gzip_compress(std::string_view bytes) {
  z_stream zs{};
  deflateInit2(&zs, kGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  out.resize(deflateBound(&zs, bytes.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Status check_district_url(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
    }
    return true;
  };
  if (starts("http://")) {
    return Status(ErrorCode::Invalid,
                  "the district URL '" + std::string(url) +
                      "' is plain http://: the enrolment token, the station's records and the "
                      "district's answers would cross the network in clear. Use the district's "
                      "https:// address (e.g. https://district.example:8443) with its CA (--ca)");
  }
  if (!starts("https://") || url.size() == std::string_view("https://").size()) {
    return Status(ErrorCode::Invalid, "the district URL '" + std::string(url) +
                                          "' must start with https:// (e.g. "
                                          "https://district.example:8443)");
  }
  return Status::ok();
}

Result<std::unique_ptr<CurlTransport>> CurlTransport::make(CurlOptions options) {
  const std::string& url = options.base_url;
  WEIMIN_TRY(check_district_url(url));
  if (options.ca_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return Status(ErrorCode::Invalid, "no district CA certificate to pin for " + url +
                                          "; give the district's CA file (PEM) with --ca FILE");
  }
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  global_init();
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(options)));
}

CurlTransport::CurlTransport(CurlOptions options)
    : options_(std::move(options)), curl_(curl_easy_init()) {}

CurlTransport::~CurlTransport() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<HttpResponse> CurlTransport::send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(curl_);
  if (!curl) return Status(ErrorCode::Internal, "libcurl could not make a handle");
  curl_easy_reset(curl);
  std::string url = options_.base_url + request.path;
  if (!request.query.empty()) url += "?" + request.query;

  std::string body = request.body;
  curl_slist* headers = nullptr;
  bool gzipped = false;
  if (options_.gzip_request_above > 0 && body.size() > options_.gzip_request_above) {
    body = gzip_compress(body);
    gzipped = true;
    headers = curl_slist_append(headers, "Content-Encoding: gzip");
  }
  for (const auto& [name, value] : request.headers) {
    const HeaderNameLess less;
    const bool is_encoding = !less(name, "Content-Encoding") && !less("Content-Encoding", name);
    if (gzipped && is_encoding) continue;
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  if (!request.body.empty() && !header_value(request.headers, "Content-Type")) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
  }

  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_seconds));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  // HTTPS only, TLS 1.2 or later, and no redirect is followed (a 3xx is an answer like any
  // other): nothing the station sends or believes ever crosses the network in clear.
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  // Pinned: only the district's CA, never the system's store, so an answer that arrives is
  // the district's (docs/SECURITY.md).
  curl_blob blob{const_cast<char*>(options_.ca_pem.data()), options_.ca_pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
  curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(curl, CURLOPT_CAINFO, nullptr);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  curl_off_t up = 0, down = 0, header_bytes = 0;
  curl_easy_getinfo(curl, CURLINFO_SIZE_UPLOAD_T, &up);
  curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &down);
  long hb = 0, request_bytes = 0;
  curl_easy_getinfo(curl, CURLINFO_HEADER_SIZE, &hb);
  curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_bytes);
  header_bytes = hb;
  bytes_sent_ += static_cast<std::int64_t>(up) + request_bytes;
  bytes_received_ += static_cast<std::int64_t>(down + header_bytes);
  if (rc != CURLE_OK) return curl_failure(rc, options_.base_url, error, options_);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace weimin::sync
