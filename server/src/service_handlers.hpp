// What the files of DistrictService share (service.cpp routes and logs; service_station.cpp,
// service_cases.cpp and service_admin.cpp hold the station API, the street office's and
// departments' API with the case actions, and administration): the answers made from errors,
// and ServiceHandlers, the request handlers with access to the service's state.
// Thread-safety: a ServiceHandlers lives for one request on one thread; handlers of
// different requests run in parallel (service.hpp says what they serialise); the free
// functions are pure.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/server/service.hpp"
#include "weimin/sync/protocol_auth.hpp"

namespace weimin::server {

// An answer with `status` and the JSON `body`.
sync::HttpResponse json_response(int status, std::string body);
// An error answer: {"code": code, "message": message}.
sync::HttpResponse error_response(int status, std::string code, std::string message);
// A failure of an operation as an HTTP answer, by its category. The text of a 5xx answer
// (503 for Unavailable and Locked, 500 for the rest) is replaced by DistrictService::handle(),
// which logs it: what the store says stays in the log.
sync::HttpResponse status_response(const Status& s);

// Whether a Content-Type names JSON: "application/json" in any case, with parameters (e.g.
// "; charset=utf-8") after it.
bool is_json_media_type(std::string_view type);

// What a revoked station is told (code "station_revoked"), by authenticate and precheck.
std::string station_revoked_message(const std::string& station_id, std::int64_t revoked_ms);

// The 6-digit district code of a 12-digit community code.
inline std::string district_of(const std::string& community) {
  return community.substr(0, 6);
}

// The handlers of one request, with access to the service's state.
class ServiceHandlers {
 public:
  // parsed_push: the push body parsed already, or null (then push() parses).
  ServiceHandlers(DistrictService& s, RequestLog& log, Result<sync::PushFactsRequest>* parsed_push)
      : s_(s), log_(log), parsed_push_(parsed_push) {}

  struct Signed {
    StationRecord station;
    std::int64_t skew_ms = 0;
  };

  std::int64_t now() const { return s_.clock_.now_ms(); }

  // [SECTION] Stations (service_station.cpp)
  // Checks a station's signature; on failure `fail` holds the 401 answer.
  // `pre`: the request's signed parts read beforehand, or null.
  std::optional<Signed> authenticate(const sync::HttpRequest& req, sync::HttpResponse& fail,
                                     sync::SignedPartsOrError* pre = nullptr);
  sync::HttpResponse health();
  sync::HttpResponse enroll(const sync::HttpRequest& req);
  sync::HttpResponse push(const sync::HttpRequest& req, const Signed& who);
  sync::HttpResponse pull(const sync::HttpRequest& req, const Signed& who);
  sync::HttpResponse status(const sync::HttpRequest& req, const Signed& who);
  sync::HttpResponse digest(const sync::HttpRequest& req, const Signed& who);
  // After a signed request of `who` was answered with `response`: records the contact (one
  // store write: what the station reported in its headers, when it was seen, and for a push or
  // pull answered 200 when it last synced). A store failure goes to the log, never the answer.
  void record_contact(const sync::HttpRequest& req, const Signed& who,
                      const sync::HttpResponse& response);

  // [SECTION] Street office and departments (service_cases.cpp)
  // Checks a department's or street office's bearer token; on failure `fail` holds the 401.
  std::optional<DistrictStore::Actor> bearer(const sync::HttpRequest& req,
                                             sync::HttpResponse& fail);
  // GET /v1/cases[?limit=N&after=CURSOR]: a page of the actor's cases (case_list).
  sync::HttpResponse cases(const sync::HttpRequest& req, const DistrictStore::Actor& a);
  sync::HttpResponse case_action(const sync::HttpRequest& req, const DistrictStore::Actor& a,
                                 const std::string& case_id, const std::string& action);

 private:
  // Rejects the case events of `batch` that touch another community's case (by the community
  // of the case's first case.collected at the district, or earlier in this batch) and the
  // whistles naming departments the published catalog does not list. One store query for the
  // communities of all the batch's cases. An answer only when the store fails.
  std::optional<sync::HttpResponse> check_case_scope(
      PushBatch& batch, const std::vector<std::optional<core::CaseEvent>>& events,
      const StationRecord& station);

  DistrictService& s_;
  RequestLog& log_;
  Result<sync::PushFactsRequest>* parsed_push_;
};

}  // namespace weimin::server
