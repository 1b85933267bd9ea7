// DistrictService::precheck (service.hpp): a signed station request refused from its headers
// alone, before the front reads its body. The same codes and messages as the full check
// (authenticate in service.cpp), which still runs once the body is there.
#include <sodium.h>
#include <chrono>

#include "service_handlers.hpp"
#include "weimin/server/service.hpp"
#include "weimin/sync/protocol_auth.hpp"

namespace weimin::server {

namespace {

// Whether a Content-Digest value has the form a body's digest has (sha-256=:<44 base64>:);
// any other value can match no body.
bool digest_form(std::string_view v) {
  constexpr std::string_view kPrefix = "sha-256=:";
  if (v.size() != kPrefix.size() + 44 + 1 || v.substr(0, kPrefix.size()) != kPrefix ||
      v.back() != ':') {
    return false;
  }
  auto decoded = sync::base64_decode(v.substr(kPrefix.size(), 44));
  return decoded.is_ok() && decoded->size() == 32;
}

sync::HttpResponse refusal(std::string code, std::string message, std::int64_t now_ms) {
  sync::HttpResponse r;
  r.status = 401;
  r.body = sync::to_json(sync::ErrorBody{std::move(code), std::move(message)});
  r.headers["Content-Type"] = "application/json";
  r.headers["X-Weimin-Server-Time"] = std::to_string(now_ms);
  return r;
}

}  // namespace

std::optional<sync::HttpResponse> DistrictService::precheck(const std::string& method,
                                                            const std::string& path,
                                                            const sync::Headers& headers) {
  const bool push = path == "/v1/push" && method == "POST";
  const bool get =
      (path == "/v1/pull" || path == "/v1/status" || path == "/v1/digest") && method == "GET";
  if (!push && !get) return std::nullopt;  // not a signed station request, or a 405
  if (push) {
    // handle() answers a POST body that is not JSON 415 before its signature: left to it.
    auto type = sync::header_value(headers, "Content-Type");
    if (!is_json_media_type(type ? *type : std::string_view())) return std::nullopt;
  }
  const auto started = std::chrono::steady_clock::now();
  // The headers as the full check reads them, with a body whose digest the request names (the
  // digest itself is checked when the body is there).
  sync::HttpRequest head;
  head.method = method;
  head.path = path;
  head.headers = headers;
  std::optional<std::pair<std::string, std::string>> answer;  // code, message
  auto digest = sync::header_value(headers, "Content-Digest");
  if (digest && !digest_form(*digest) && sync::header_value(headers, "Signature-Input") &&
      sync::header_value(headers, "Signature")) {
    answer.emplace("bad_digest",
                   "the Content-Digest header does not match the body (changed on the way?); "
                   "compute sha-256 of the exact body sent");
  } else if (digest) {
    head.headers.find("Content-Digest")->second = sync::content_digest("");
  }
  std::string keyid;
  if (!answer) {
    auto parts = sync::read_signed_parts(head);
    if (!parts.ok) {
      answer.emplace(std::string(sync::to_code(parts.error.failure)), parts.error.message);
    } else {
      keyid = parts.parts.params.keyid;
    }
  }
  if (!answer) {
    // One read of the store, beside any writer (it waits only for a free read connection).
    auto station = store_.find_station(keyid);
    if (!station.is_ok()) return std::nullopt;  // the full check answers
    if (!*station) {
      answer.emplace("unknown_key",
                     "no station '" + keyid.substr(0, 64) +
                         "' is enrolled here; enrol it with a token (weimin enroll)");
    } else if ((*station)->revoked_ms) {
      answer.emplace("station_revoked", station_revoked_message(keyid, *(*station)->revoked_ms));
    } else {
      return std::nullopt;
    }
  }
  const std::int64_t now = clock_.now_ms();
  sync::HttpResponse r = refusal(answer->first, answer->second, now);
  RequestLog log;
  log.who = "-";
  log.method = method;
  log.path = path;
  log.status = r.status;
  log.code = answer->first;
  unsigned char id[8];
  randombytes_buf(id, sizeof id);
  static const char* digits = "0123456789abcdef";
  for (unsigned char c : id) {
    log.request_id.push_back(digits[c >> 4]);
    log.request_id.push_back(digits[c & 15]);
  }
  r.headers["X-Request-Id"] = log.request_id;
  if (logger_) {
    log.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
    logger_(log);
  }
  return r;
}

}  // namespace weimin::server
