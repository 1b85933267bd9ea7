#include "weimin/sync/client.hpp"

#include <cstdlib>

#include "weimin/sync/protocol_auth.hpp"
#include "weimin/sync/version.hpp"

namespace weimin::sync {
namespace {

HttpRequest make(std::string method, std::string path, std::string query, std::string body) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.body = std::move(body);
  if (!r.body.empty()) r.headers["Content-Type"] = "application/json";
  return r;
}

ErrorBody error_of(const HttpResponse& response) {
  auto parsed = parse_error_body(response.body);
  if (parsed.is_ok()) return *parsed;
  return ErrorBody{"http_" + std::to_string(response.status), response.body.substr(0, 200)};
}

template <class T>
Result<T> parse_ok(const HttpResponse& response, std::string_view doing,
                   Result<T> (*parse)(std::string_view)) {
  if (response.status != 200) return refusal(response, doing);
  auto parsed = parse(response.body);
  if (!parsed.is_ok()) {
    return Status(
        parsed.status().code() == ErrorCode::Corrupt ? ErrorCode::Unavailable : ErrorCode::Rejected,
        "the district's answer to " + std::string(doing) +
            " could not be read: " + parsed.status().message());
  }
  return parsed;
}

}  // namespace

Status refusal(const HttpResponse& response, std::string_view doing) {
  const ErrorBody e = error_of(response);
  const std::string what = std::string(doing);
  const std::string said = " (" + e.code + ": " + e.message + ")";
  switch (response.status) {
    case 401:
      if (e.code == "bad_token") {
        return Status(ErrorCode::Rejected, "the district refused the enrolment token" + said +
                                               ". Ask the district for a new one-time token.");
      }
      if (e.code == "stale_time") {
        return Status(ErrorCode::Unauthenticated,
                      "the station's clock is off by more than 5 minutes from the district's "
                      "while " +
                          what + said + ". Set the station's clock.");
      }
      return Status(ErrorCode::Unauthenticated,
                    "the district did not accept this station's signature while " + what + said +
                        ". If the station was re-installed, enrol it again.");
    case 403:
      return Status(ErrorCode::PermissionDenied, "the district refused " + what + said +
                                                     ": a station may only read and "
                                                     "write its own community's records.");
    case 408:
    case 429:
    case 502:
    case 503:
    case 504:
      return Status(ErrorCode::Unavailable, "the district is busy or restarting while " + what +
                                                said + "; retrying later.");
    default:
      if (response.status >= 500) {
        return Status(ErrorCode::Unavailable,
                      "the district failed while " + what + said + "; retrying later.");
      }
      return Status(ErrorCode::Rejected, "the district refused " + what + said);
  }
}

SyncClient::SyncClient(Transport& transport, NowMs now_ms)
    : transport_(transport), now_ms_(std::move(now_ms)) {}

void SyncClient::learn_clock(const HttpResponse& response) {
  auto value = header_value(response.headers, kServerTimeHeader);
  if (!value) return;
  char* end = nullptr;
  const long long server_ms = std::strtoll(value->c_str(), &end, 10);
  if (end == value->c_str() || server_ms <= 0) return;
  offset_ms_ = server_ms - now_ms_();
  clock_known_ = true;
}

Result<HttpResponse> SyncClient::call(HttpRequest request, bool sign) {
  for (int attempt = 0;; ++attempt) {
    HttpRequest sent = request;
    if (sign) {
      // What the station reports (outside the signature; the district only shows it).
      sent.headers[std::string(kVersionHeader)] = std::string(kSoftwareVersion);
      if (waiting_count_) {
        if (std::optional<std::int64_t> waiting = waiting_count_(); waiting && *waiting >= 0) {
          sent.headers[std::string(kWaitingHeader)] = std::to_string(*waiting);
        }
      }
      sign_request(sent, identity_.station_id, identity_.secret_key.view(), now_ms_() + offset_ms_);
    }
    ++requests_;
    WEIMIN_ASSIGN_OR_RETURN(HttpResponse response, transport_.send(sent));
    learn_clock(response);
    if (sign && attempt == 0 && response.status == 401 && error_of(response).code == "stale_time" &&
        clock_known_) {
      continue;  // signed again with the district's time
    }
    return response;
  }
}

Result<HealthResponse> SyncClient::health() {
  WEIMIN_ASSIGN_OR_RETURN(HttpResponse r, call(make("GET", "/v1/health", "", ""), false));
  return parse_ok<HealthResponse>(r, "checking the district's health", parse_health_response);
}

Result<EnrollResponse> SyncClient::enroll(const EnrollRequest& request) {
  WEIMIN_ASSIGN_OR_RETURN(HttpResponse r,
                          call(make("POST", "/v1/enroll", "", to_json(request)), false));
  return parse_ok<EnrollResponse>(r, "enrolling community " + request.community,
                                  parse_enroll_response);
}

namespace {

bool looks_like_object_text(std::string_view t) {
  while (!t.empty() &&
         (t.front() == ' ' || t.front() == '\n' || t.front() == '\t' || t.front() == '\r')) {
    t.remove_prefix(1);
  }
  while (!t.empty() &&
         (t.back() == ' ' || t.back() == '\n' || t.back() == '\t' || t.back() == '\r')) {
    t.remove_suffix(1);
  }
  return t.size() >= 2 && t.front() == '{' && t.back() == '}';
}

}  // namespace

std::string push_body(const RawPushRequest& request) {
  std::size_t size = 160 + request.station_id.size() + request.stream.size();
  for (const auto& e : request.entries) size += e.payload_json.size() + e.topic.size() + 48;
  std::string out;
  out.reserve(size);
  out += "{\"schema\":";
  out += std::to_string(kSchema);
  out += ",\"station_id\":";
  out += nlohmann::json(request.station_id).dump();
  out += ",\"stream\":";
  out += nlohmann::json(request.stream).dump();
  out += ",\"base_seq\":";
  out += std::to_string(request.base_seq);
  out += ",\"entries\":[";
  bool first = true;
  for (const auto& e : request.entries) {
    if (!first) out += ',';
    first = false;
    out += "{\"seq\":";
    out += std::to_string(e.seq);
    out += ",\"topic\":";
    out += nlohmann::json(e.topic).dump();
    out += ",\"payload\":";
    if (looks_like_object_text(e.payload_json)) {
      out += e.payload_json;
    } else {
      out += "null";
    }
    out += '}';
  }
  out += "]}";
  return out;
}

Result<PushOutcome> SyncClient::push(const PushRequest& request) {
  return push_body_text(to_json(request), request.entries.size());
}

Result<PushOutcome> SyncClient::push(const RawPushRequest& request) {
  return push_body_text(push_body(request), request.entries.size());
}

Result<PushOutcome> SyncClient::push_body_text(std::string body, std::size_t count) {
  WEIMIN_ASSIGN_OR_RETURN(HttpResponse r,
                          call(make("POST", "/v1/push", "", std::move(body)), true));
  PushOutcome out;
  if (r.status == 409) {
    auto j = parse_json(r.body, "the district's 409 answer to a push");
    if (j.is_ok() && j->contains("error") && (*j)["error"].value("code", "") == "gap") {
      out.gap = true;
      const auto& err = (*j)["error"];
      if (err.contains("expected_seq") && err["expected_seq"].is_number_integer()) {
        out.expected_seq = err["expected_seq"].get<std::int64_t>();
      } else if (j->contains("expected_seq") && (*j)["expected_seq"].is_number_integer()) {
        out.expected_seq = (*j)["expected_seq"].get<std::int64_t>();
      }
      return out;
    }
  }
  const std::string doing = "pushing " + std::to_string(count) + " facts";
  WEIMIN_ASSIGN_OR_RETURN(out.response, parse_ok<PushResponse>(r, doing, parse_push_response));
  return out;
}

Result<PullOutcome> SyncClient::pull(const PullRequest& request) {
  WEIMIN_ASSIGN_OR_RETURN(HttpResponse r,
                          call(make("GET", "/v1/pull", to_query(request), ""), true));
  PullOutcome out;
  if (r.status == 409) {
    auto j = parse_json(r.body, "the district's 409 answer to a pull");
    if (j.is_ok() && j->contains("error") && (*j)["error"].value("code", "") == "epoch_changed") {
      out.epoch_changed = true;
      const auto& err = (*j)["error"];
      if (err.contains("epoch") && err["epoch"].is_string()) {
        out.new_epoch = err["epoch"].get<std::string>();
      } else if (j->contains("epoch") && (*j)["epoch"].is_string()) {
        out.new_epoch = (*j)["epoch"].get<std::string>();
      }
      return out;
    }
  }
  const std::string doing = "pulling changes after " + std::to_string(request.after);
  WEIMIN_ASSIGN_OR_RETURN(out.page, parse_ok<PullResponse>(r, doing, parse_pull_response));
  return out;
}

Result<StatusResponse> SyncClient::status() {
  WEIMIN_ASSIGN_OR_RETURN(HttpResponse r, call(make("GET", "/v1/status", "", ""), true));
  return parse_ok<StatusResponse>(r, "asking the district for this station's status",
                                  parse_status_response);
}

Result<DigestResponse> SyncClient::digest(const DigestRequest& request) {
  WEIMIN_ASSIGN_OR_RETURN(HttpResponse r,
                          call(make("GET", "/v1/digest", to_query(request), ""), true));
  return parse_ok<DigestResponse>(r, "comparing digests " + request.from + ".." + request.to,
                                  parse_digest_response);
}

}  // namespace weimin::sync
