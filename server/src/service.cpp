// DistrictService: its construction, the entry handle(HttpRequest) with the request log and
// the answers to failures (a 5xx's detail goes to the log only), and the routing of each path
// to its handler: the station API (service_station.cpp), the street office's and departments'
// API (service_cases.cpp); administration is in service_admin.cpp.
// Thread-safety: see service.hpp; requests run in parallel up to the store (a push's body is
// parsed in a push slot, and only its case-scope check and write hold write_mutex_).
#include "weimin/server/service.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "service_handlers.hpp"
#include "weimin/sync/protocol_auth.hpp"

namespace weimin::server {

using nlohmann::json;
using sync::HttpRequest;
using sync::HttpResponse;

HttpResponse json_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse error_response(int status, std::string code, std::string message) {
  sync::ErrorBody e{std::move(code), std::move(message)};
  return json_response(status, sync::to_json(e));
}

// A failure of an operation as an HTTP answer, by its category.
HttpResponse status_response(const Status& s) {
  switch (s.code()) {
    case ErrorCode::Invalid:
      return error_response(400, "bad_request", s.message());
    case ErrorCode::NotFound:
      return error_response(404, "not_found", s.message());
    case ErrorCode::PermissionDenied:
      return error_response(403, "forbidden", s.message());
    case ErrorCode::Conflict:
      return error_response(409, "conflict", s.message());
    case ErrorCode::AlreadyExists:
      return error_response(409, "already_exists", s.message());
    case ErrorCode::Unauthenticated:
      return error_response(401, "unauthenticated", s.message());
    case ErrorCode::Unavailable:
    case ErrorCode::Locked:
      return error_response(503, "unavailable", s.message() + "; retry later");
    default:
      return error_response(500, "internal", s.to_string());
  }
}

// "application/json", in any case, with parameters (e.g. "; charset=utf-8") after it.
bool is_json_media_type(std::string_view type) {
  std::string_view media = type.substr(0, type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  if (media.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < kJson.size(); ++i) {
    char c = media[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kJson[i]) return false;
  }
  return true;
}

namespace {

// 16 random hex digits naming one request in answers and the log.
std::string request_id() {
  unsigned char r[8];
  randombytes_buf(r, sizeof r);
  static const char* digits = "0123456789abcdef";
  std::string id;
  for (unsigned char c : r) {
    id.push_back(digits[c >> 4]);
    id.push_back(digits[c & 15]);
  }
  return id;
}

// Splits "/v1/cases/<id>/<action>" into its parts after "/v1/cases".
// "/", "/console" and everything under "/console/".
bool is_console_path(std::string_view path) {
  return path == "/" || path == "/console" || path.rfind("/console/", 0) == 0;
}

std::vector<std::string> path_parts(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t next = path.find('/', pos + 1);
    std::string_view part =
        path.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1);
    parts.emplace_back(part);
    if (next == std::string_view::npos) break;
    pos = next;
  }
  return parts;
}

}  // namespace

std::string RequestLog::to_line() const {
  json j{{"who", who},   {"method", method},  {"path", path},    {"status", status},
         {"code", code}, {"us", duration_us}, {"id", request_id}};
  if (!detail.empty()) j["detail"] = detail;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

DistrictService::DistrictService(DistrictStore& store, const platform::Clock& clock,
                                 ServiceOptions options, RequestLogger logger)
    : store_(store),
      clock_(clock),
      options_(options),
      logger_(std::move(logger)),
      ids_([](std::span<std::uint8_t> out) { randombytes_buf(out.data(), out.size()); }) {
  if (sodium_init() < 0) std::abort();
}

HttpResponse DistrictService::handle(const HttpRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  RequestLog log;
  log.who = "-";
  log.method = request.method;
  log.path = request.path;
  log.request_id = request_id();
  HttpResponse r;
  if (console_ && is_console_path(request.path)) {
    // The console answers in HTML and handles its own failures (an error page with the
    // request id); only the common headers are added here.
    try {
      r = console_(request, log);
    } catch (const std::exception& e) {
      log.detail = e.what();
      r = HttpResponse{500, {}, "internal error (request " + log.request_id + ")"};
      r.headers["Content-Type"] = "text/plain; charset=utf-8";
    }
    r.headers["X-Request-Id"] = log.request_id;
    if (r.headers.find("Content-Type") == r.headers.end()) {
      r.headers["Content-Type"] = "text/html; charset=utf-8";
    }
    log.status = r.status;
    log.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
    if (logger_) logger_(log);
    return r;
  }
  try {
    r = route(request, log);
  } catch (const std::exception& e) {
    r = error_response(500, "internal", e.what());
  }
  if (r.status == 503) {
    // The store is busy or unreachable: the answer says to retry; what the store said (its
    // paths, its engine's words) is for the log only.
    auto e = sync::parse_error_body(r.body);
    log.detail = e.is_ok() ? e->message : r.body;
    r = error_response(503, "unavailable",
                       "the district cannot serve this request now (request " + log.request_id +
                           "); retry later. If this goes on, give the request id to the "
                           "district's administrator");
  } else if (r.status >= 500) {
    // The detail (an exception's text, a store's message with its paths) is for the log only.
    auto e = sync::parse_error_body(r.body);
    log.detail = e.is_ok() ? e->message : r.body;
    r = error_response(r.status, "internal",
                       "internal error (request " + log.request_id +
                           "); the district's log has the detail. Try again later, or give the "
                           "request id to the district's administrator");
  }
  r.headers["X-Weimin-Server-Time"] = std::to_string(clock_.now_ms());
  r.headers["X-Request-Id"] = log.request_id;
  r.headers["Content-Type"] = "application/json";
  log.status = r.status;
  if (r.status >= 400) {
    auto e = sync::parse_error_body(r.body);
    log.code = e.is_ok() ? e->code : "";
  }
  log.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  if (logger_) logger_(log);
  return r;
}

HttpResponse DistrictService::route(const HttpRequest& request, RequestLog& log) {
  if (request.method == "POST" && !request.body.empty()) {
    auto type = sync::header_value(request.headers, "Content-Type");
    if (!is_json_media_type(type ? *type : std::string_view())) {
      return error_response(415, "unsupported_media_type",
                            "the body must be sent as Content-Type: application/json, not '" +
                                std::string(type ? type->substr(0, 64) : "(none)") + "'");
    }
  }
  const bool is_push = request.path == "/v1/push" && request.method == "POST" &&
                       request.body.size() <= options_.max_body_bytes;
  if (!is_push) return dispatch(request, log, nullptr);
  // A push: its signature and content digest are checked (and its station found) before its
  // body is parsed, so an unsigned or forged body costs a hash, never a parse.
  auto parts = sync::read_signed_parts(request);
  std::optional<ServiceHandlers::Signed> who;
  {
    ServiceHandlers h(*this, log, nullptr);
    HttpResponse fail;
    who = h.authenticate(request, fail, &parts);
    if (!who) return fail;
  }
  // Then it waits for one of options_.push_parallelism slots, so a fleet arriving at once
  // holds only that many parsed bodies in memory; the slot is released when the answer is
  // made. Concurrent stations' bodies are parsed in parallel.
  {
    std::unique_lock slots(push_slots_mutex_);
    push_slot_free_.wait(
        slots, [&] { return pushes_in_progress_ < std::max(1, options_.push_parallelism); });
    ++pushes_in_progress_;
  }
  struct SlotRelease {
    DistrictService* s;
    ~SlotRelease() {
      {
        std::lock_guard slots(s->push_slots_mutex_);
        --s->pushes_in_progress_;
      }
      s->push_slot_free_.notify_one();
    }
  } release{this};
  if (options_.on_push_parse) options_.on_push_parse();
  Result<sync::PushFactsRequest> parsed = sync::read_push_facts(request.body);
  ServiceHandlers h(*this, log, &parsed);
  HttpResponse r = h.push(request, *who);
  h.record_contact(request, *who, r);
  return r;
}

HttpResponse DistrictService::dispatch(const HttpRequest& req, RequestLog& log,
                                       Result<sync::PushFactsRequest>* parsed_push) {
  ServiceHandlers h(*this, log, parsed_push);
  if (req.body.size() > options_.max_body_bytes) {
    return error_response(413, "too_large",
                          "the body has " + std::to_string(req.body.size()) +
                              " bytes; the district reads at most " +
                              std::to_string(options_.max_body_bytes) + ". Send smaller batches");
  }
  auto only = [&](const char* method) -> std::optional<HttpResponse> {
    if (req.method == method) return std::nullopt;
    return error_response(405, "method_not_allowed",
                          req.path + " takes " + method + ", not " + req.method.substr(0, 16));
  };
  if (req.path == "/v1/health") {
    if (auto bad = only("GET")) return *bad;
    return h.health();
  }
  if (req.path == "/v1/enroll") {
    if (auto bad = only("POST")) return *bad;
    return h.enroll(req);
  }
  if (req.path == "/v1/push" || req.path == "/v1/pull" || req.path == "/v1/status" ||
      req.path == "/v1/digest") {
    if (auto bad = only(req.path == "/v1/push" ? "POST" : "GET")) return *bad;
    HttpResponse fail;
    auto who = h.authenticate(req, fail);
    if (!who) return fail;
    HttpResponse r = req.path == "/v1/push"     ? h.push(req, *who)
                     : req.path == "/v1/pull"   ? h.pull(req, *who)
                     : req.path == "/v1/status" ? h.status(req, *who)
                                                : h.digest(req, *who);
    h.record_contact(req, *who, r);
    return r;
  }
  if (req.path == "/v1/cases" || req.path.rfind("/v1/cases/", 0) == 0) {
    HttpResponse fail;
    auto actor = h.bearer(req, fail);
    if (!actor) return fail;
    auto parts = path_parts(req.path);  // v1, cases, [id, [action]]
    if (parts.size() == 2) {
      if (auto bad = only("GET")) return *bad;
      return h.cases(req, *actor);
    }
    if (parts.size() == 3) {
      if (auto bad = only("GET")) return *bad;
      auto v = view_of(parts[2]);
      if (!v.is_ok()) return status_response(v.status());
      auto catalog = catalog_scope_now();
      if (!catalog.is_ok()) return status_response(catalog.status());
      const core::Role role =
          actor->role == "department" ? core::Role::Department : core::Role::StreetOffice;
      if (auto why =
              case_scope_refusal(actor->actor, role, v->community, v->state, catalog->get())) {
        return error_response(403, "out_of_scope", *why);
      }
      return json_response(200, to_json(*v).dump());
    }
    if (parts.size() == 4) {
      if (auto bad = only("POST")) return *bad;
      return h.case_action(req, *actor, parts[2], parts[3]);
    }
  }
  return error_response(404, "not_found",
                        "no endpoint " + req.path.substr(0, 64) + "; see docs/PROTOCOL.md");
}

}  // namespace weimin::server
