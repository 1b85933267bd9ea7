// DistrictService: all of the district server's logic behind one call, handle(HttpRequest) →
// HttpResponse (docs/PROTOCOL.md): health, enrolment, signed push/pull/status/digest for
// stations, and the street office's and departments' API (bearer tokens). The HTTPS front
// (server/src/https.cpp, Boost.Beast) only reads requests and hands them to it; tests and the
// simulation call it in process. Also the operations of the `weimin-district` command (tokens,
// publishing reference data, department actions) so they share one code path with the HTTP API.
// Every response carries X-Weimin-Server-Time. Errors are JSON bodies with a code; a request that
// fails validation changes nothing.
// Thread-safety: handle() and the other members may be called from any thread, and run in
// parallel up to the store, which is thread-safe (store.hpp). What is serialised inside, and
// why, is in docs/SERVER.md ("Threads"): a push's case-scope check with its write, and a
// district action's check of a case's state with its write (write_mutex_); the catalog's
// cache (catalog_mutex_); the console's read-modify-writes of accounts (with_accounts).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "weimin/core/case.hpp"
#include "weimin/core/hlc.hpp"
#include "weimin/core/id.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/server/fact_rules.hpp"
#include "weimin/server/own_ranges.hpp"
#include "weimin/server/store.hpp"
#include "weimin/sync/http.hpp"
#include "weimin/sync/protocol.hpp"
#include "weimin/sync/push_reader.hpp"

namespace weimin::server {

struct ServiceOptions {
  std::size_t max_body_bytes = sync::kMaxRequestBytes;  // 413 above
  std::size_t page_bytes = sync::kDefaultPageBytes;     // pull page byte bound
  std::int64_t max_skew_ms = sync::kMaxClockSkewMs;     // 401 stale_time beyond
  std::int64_t token_ttl_ms = 24 * 3600 * 1000;         // enrol tokens expire after
  // Pushes parsed and applied at once; more wait their turn before their body is parsed, so a
  // fleet arriving together holds at most this many parsed bodies in memory. Four left a core
  // idle while the writer applied a group and every slot waited for it; eight keep parsing
  // beside the writer at the same peak memory (docs/PERFORMANCE.md, issue 17).
  int push_parallelism = 8;
  // Department and street office tokens expire after (`--ttl-days` of the token commands).
  std::int64_t actor_token_ttl_ms = 90LL * 24 * 3600 * 1000;
  // Test seam: called each time a push body is parsed (after its signature passed).
  std::function<void()> on_push_parse;
};

// One line per request: who (station id, actor, or "-"), what, the answer and how long it took.
struct RequestLog {
  std::string who;
  std::string method;
  std::string path;
  int status = 0;
  std::string code;  // the error code, empty on success
  std::int64_t duration_us = 0;
  std::string request_id;  // 16 hex digits, also the answer's X-Request-Id
  // What went wrong inside, for a 5xx answer only (the answer itself says "internal error",
  // or for a 503 to retry later, with the request id, and nothing of the store's words).
  std::string detail;
  // {"who":…,"method":…,"path":…,"status":…,"code":…,"us":…,"id":…} (+ "detail" when set)
  std::string to_line() const;
};
using RequestLogger = std::function<void(const RequestLog&)>;

// A case as a department or the street office sees it.
struct CaseView {
  std::string case_id;
  std::string community;
  core::CaseState state;
};
// {"case", "community", "stage", "description", "source", "level", "kind", "departments":[…],
//  "resolution", "outcome", "evaluation", "conflicts", "steps", "sent_back"} (docs/PROTOCOL.md)
nlohmann::json to_json(const CaseView& view);

class DistrictService {
 public:
  // `store` and `clock` must outlive the service.
  DistrictService(DistrictStore& store, const platform::Clock& clock, ServiceOptions options = {},
                  RequestLogger logger = {});

  sync::HttpResponse handle(const sync::HttpRequest& request);
  // Before a request's body is read (the front calls it once the headers are in): the 401
  // answer handle() would give a signed station request (POST /v1/push, GET /v1/pull, /status,
  // /digest) that lacks its Signature-Input/Signature/Content-Digest headers, has malformed
  // ones, or names a station not enrolled here; nothing when the request may go on (the full
  // check still runs in handle()). One read of the store, which runs beside its writer.
  // Implemented in service_precheck.cpp.
  std::optional<sync::HttpResponse> precheck(const std::string& method, const std::string& path,
                                             const sync::Headers& headers);

  // [SECTION] Administration (the weimin-district command)
  // A new one-time enrol token for `community` (12 digits of this district); the clear token
  // is returned once and only its hash kept. Invalid for a community of another district.
  Result<std::string> issue_enroll_token(const std::string& community);
  // A bearer token for a department (role "department", a department id the published
  // catalog lists) or a street office (role "street_office", a 9-digit office code of this
  // district the catalog lists), valid for ttl_ms (options().actor_token_ttl_ms when 0).
  // Invalid for anything else, and when no catalog is published.
  Result<std::string> issue_actor_token(const std::string& actor, core::Role role,
                                        std::int64_t ttl_ms = 0);
  // Every department and street office token (hashes only), oldest first.
  Result<std::vector<DistrictStore::ActorToken>> actor_tokens();
  // Revokes the tokens whose sha-256 hex starts with `hash_prefix` (at least 8 hex digits);
  // returns how many. Invalid for a shorter or non-hex prefix, NotFound when none matches.
  Result<std::int64_t> revoke_actor_tokens(const std::string& hash_prefix);
  // Checks and publishes a catalog (core::parse_catalog) or a roster (JSON object with a
  // "staff" array) for every station; returns the change's gseq.
  Result<std::int64_t> publish_catalog(const std::string& json_text);
  Result<std::int64_t> publish_roster(const std::string& json_text);

  // [SECTION] The district's half of the loop
  // Cases whistled to `department` (every case when empty), with their folded state.
  Result<std::vector<CaseView>> cases_for(const std::string& department);
  // One page of the whistled cases a department (`department`) or a street office (`office`:
  // its communities' cases) sees through the API, read from the case projection (no facts
  // folded), in the inbox's order (overdue at now first, then the most recently changed), each
  // as to_json(CaseView) makes it. `after`: the previous page's `next`; limit 1…200. Invalid for
  // a limit out of range or a cursor this server did not give.
  struct CaseListPage {
    std::vector<nlohmann::json> cases;
    std::string next;  // the following page's cursor; empty on the last page
  };
  Result<CaseListPage> case_list(const std::string& department, const std::string& office,
                                 const std::string& after, int limit);
  Result<CaseView> case_view(const std::string& case_id);
  // The department reports in / gives feedback: a real core case event (actor_role
  // Department) checked against the case's folded state (PermissionDenied / Conflict when not
  // allowed, NotFound for an unknown case), stored as a district fact of the case's community.
  // A report-in may say the day the department expects to be done (Unix ms; 0: none).
  Result<CaseView> report(const std::string& department, const std::string& case_id,
                          const std::string& note, std::int64_t expected_ms = 0);
  Result<CaseView> feedback(const std::string& department, const std::string& case_id,
                            const std::string& action);
  // The street office blows a district-level whistle on a collected or reopened case, naming
  // catalog departments (fact_rules.hpp: at most 20, each once); Invalid when no catalog is
  // published (publish it first: publish_catalog).
  Result<CaseView> whistle(const std::string& office, const std::string& case_id,
                           const std::vector<std::string>& departments, core::WhistleKind kind,
                           const std::string& note);
  // The steps of the console and the /v1/cases API, each a core case event made like
  // report(). Every one is checked first against the actor's scope (fact_rules.hpp,
  // case_scope_refusal: an office reaches its own communities' cases, a department the cases
  // whistled to it in the current round, and either must be in the published catalog):
  // PermissionDenied otherwise, and nothing is written.
  // A whistled department returns the whistle as not its business (退单), before its feedback,
  // with a non-empty reason; when every department has, the case is back with the office.
  Result<CaseView> return_whistle(const std::string& department, const std::string& case_id,
                                  const std::string& reason);
  // The street office raises the current community-level whistle to district level (升级为区级),
  // adding catalog departments not yet in the round (may be none; at most 20 in all).
  Result<CaseView> escalate(const std::string& office, const std::string& case_id,
                            const std::vector<std::string>& departments, const std::string& note);
  // The street office sends a case waiting for its whistle (collected, reopened, returned) back
  // to the community (退回社区) with a non-empty reason.
  Result<CaseView> send_back(const std::string& office, const std::string& case_id,
                             const std::string& reason);
  // A note on a case in scope, by a street office (role StreetOffice) or a department
  // (Department); Invalid for another role.
  Result<CaseView> note(const std::string& actor, core::Role role, const std::string& case_id,
                        const std::string& text);

  // [SECTION] Figures (figures.hpp, docs/FIGURES.md)
  // The figures of `query` (its scope already forced by scope.hpp's scoped_figure_query for a
  // console principal); now_ms set from the clock when 0. Invalid as check_figure_query says.
  Result<DistrictFigures> figures(FigureQuery query);
  // The monthly staff sheet of one station (community, 12 digits of this district; month
  // YYYY-MM), names from the published roster. Invalid for a malformed month or community.
  Result<StaffSheet> staff_sheet(const std::string& community, const std::string& month);
  // Every consultation, work-access and certificate row (govern.hpp; service_govern.cpp); the
  // console narrows them to a principal's scope with govern::scoped.
  Result<GovernRecords> govern_records();
  // Every wish, care-list, visit and call row (neighbour.hpp; service_neighbour.cpp); the
  // console narrows them to a principal's scope with neighbour::scoped.
  Result<NeighbourRecords> neighbour_records();

  const ServiceOptions& options() const { return options_; }
  const platform::Clock& clock() const { return clock_; }
  // The change sequences of each station's recent pushes that its pulls step over.
  OwnRanges& own_ranges() { return own_ranges_; }

  // [SECTION] The console's seam
  // The web console (server/src/console/): handle() gives it every request for "/" and under
  // "/console" (before any JSON rule), and logs what it answers; the answer's Content-Type is
  // the console's. Not set: those paths are 404 like any unknown one.
  using WebHandler = std::function<sync::HttpResponse(const sync::HttpRequest&, RequestLog&)>;
  void mount_console(WebHandler handler) { console_ = std::move(handler); }
  // Runs f(store): how the console reads projections and stations (the store is
  // thread-safe; nothing else is held, so console reads run beside pushes and pulls).
  template <typename F>
  auto with_store(F&& f) {
    return f(store_);
  }
  // Runs f(store) under the accounts' lock: the console's accounts, sessions and audit, whose
  // changes depend on what was read (a failure count, a lock; accounts.cpp).
  template <typename F>
  auto with_accounts(F&& f) {
    std::unique_lock lock(accounts_mutex_);
    return f(store_);
  }

 private:
  // Everything of handle() but the logging: a push is authenticated before its body is
  // parsed, and parsed in a push slot.
  sync::HttpResponse route(const sync::HttpRequest& request, RequestLog& log);
  // The JSON API's paths; parsed_push: a push body route() parsed already, or null.
  sync::HttpResponse dispatch(const sync::HttpRequest& request, RequestLog& log,
                              Result<sync::PushFactsRequest>* parsed_push);
  // The published catalog's departments and offices (cached by its gseq); null when no
  // catalog is published. Shared: a later publication replaces the cache, not this copy.
  Result<std::shared_ptr<const CatalogScope>> catalog_scope_now();
  Result<CaseView> act(const std::string& actor, core::Role role, const std::string& case_id,
                       core::CasePayload payload);
  Result<CaseView> view_of(const std::string& case_id);
  // A case's facts as the store holds them (fold order) and its view folded from them.
  struct CaseRead {
    std::vector<FactRecord> facts;
    CaseView view;
  };
  Result<CaseRead> read_case(const std::string& case_id);
  // act() on a case read already: `read` is the case as the step is checked against.
  Result<CaseView> act_on(CaseRead read, const std::string& actor, core::Role role,
                          core::CasePayload payload);
  // Whistled cases: of `department` (all when empty), and of office `office`'s communities
  // (all when empty).
  Result<std::vector<CaseView>> cases_of(const std::string& department,
                                         const std::string& office = "");
  // act() for a street office or department after its scope and the catalog were checked.
  // act(), act_in_scope() and the *_locked steps run with write_mutex_ held.
  Result<CaseView> act_in_scope(const std::string& actor, core::Role role,
                                const std::string& case_id, core::CasePayload payload);
  Result<CaseView> report_locked(const std::string& department, const std::string& case_id,
                                 const std::string& note, std::int64_t expected_ms = 0);
  Result<CaseView> feedback_locked(const std::string& department, const std::string& case_id,
                                   const std::string& action);
  Result<CaseView> whistle_locked(const std::string& office, const std::string& case_id,
                                  const std::vector<std::string>& departments,
                                  core::WhistleKind kind, const std::string& note);

  DistrictStore& store_;
  const platform::Clock& clock_;
  ServiceOptions options_;
  RequestLogger logger_;
  // Held from a case's check to its write: a push's case-scope check and apply_push, and a
  // district action's fold of the case, its transition check and its fact (with hlc_, ids_).
  std::mutex write_mutex_;
  std::mutex accounts_mutex_;  // with_accounts
  std::mutex catalog_mutex_;   // catalog_
  // Push slots (options_.push_parallelism), taken before a push body is parsed.
  std::mutex push_slots_mutex_;
  std::condition_variable push_slot_free_;
  int pushes_in_progress_ = 0;
  core::HlcClock hlc_;
  core::UuidV7Generator ids_;
  // The change sequences of each station's recent pushes, stepped over by its pulls.
  OwnRanges own_ranges_;
  std::shared_ptr<const CatalogScope> catalog_;  // catalog_scope_now()'s cache
  WebHandler console_;

  friend class ServiceHandlers;
};

}  // namespace weimin::server
