// The street office's and departments' side of DistrictService (docs/PROTOCOL.md, "Street
// office and departments"): their bearer-token API (/v1/cases), the cases as they see them
// (folded from the district's facts), and the case actions made at the district — a
// department reports in or gives feedback, the street office blows a district whistle.
// Thread-safety: the *_locked members and ServiceHandlers run with the service's mutex held;
// the public members take it.
#include <algorithm>
#include <set>

#include "service_handlers.hpp"
#include "weimin/core/civil_time.hpp"

namespace weimin::server {

using nlohmann::json;
using sync::HttpRequest;
using sync::HttpResponse;

namespace {

// Events of a case from the district's facts; facts that are not case events are skipped.
std::vector<core::CaseEvent> case_events(const std::vector<FactRecord>& facts) {
  std::vector<core::CaseEvent> out;
  for (const FactRecord& r : facts) {
    const sync::FactPayload& f = r.fact;
    if (f.kind.rfind("case.", 0) != 0) continue;
    auto id = core::Uuid::parse(f.id);
    auto case_id = core::Uuid::parse(f.subject);
    if (!id || !case_id) continue;
    core::CaseEventEnvelope env{*id, *case_id,
                                core::HlcTimestamp::unpack(static_cast<std::uint64_t>(f.hlc)),
                                f.origin, f.wall_ms};
    auto e = core::case_event_from_body(env, f.kind, f.body);
    if (e.is_ok()) out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace

json to_json(const CaseView& v) {
  const core::CaseState& s = v.state;
  json deps = json::array();
  for (const auto& d : s.departments) {
    deps.push_back({{"department", d.department},
                    {"reported", d.reported.has_value()},
                    {"feedback", d.feedback.has_value()}});
  }
  json j = {{"case", v.case_id},
            {"community", v.community},
            {"stage", core::to_string(s.stage)},
            {"description", s.description},
            {"source", s.source},
            {"departments", std::move(deps)},
            {"resolution", s.resolution},
            {"outcome", s.outcome},
            {"conflicts", s.conflicts.size()},
            {"steps", s.timeline.size()}};
  j["level"] = s.level ? json(core::to_string(*s.level)) : json(nullptr);
  j["kind"] = s.kind ? json(core::to_string(*s.kind)) : json(nullptr);
  j["evaluation"] = s.evaluation ? json(core::to_string(*s.evaluation)) : json(nullptr);
  return j;
}

// [SECTION] The /v1/cases API

std::optional<DistrictStore::Actor> ServiceHandlers::bearer(const HttpRequest& req,
                                                            HttpResponse& fail) {
  auto h = sync::header_value(req.headers, "Authorization");
  if (!h || h->rfind("Bearer ", 0) != 0 || h->size() <= 7) {
    fail = error_response(401, "unsigned",
                          "this API needs 'Authorization: Bearer <token>' with a department or "
                          "street office token (weimin-district dept token)");
    return std::nullopt;
  }
  auto actor = s_.store_.actor_for_token(sync::sha256_hex(h->substr(7)), now());
  if (!actor.is_ok()) {
    fail = status_response(actor.status());
    return std::nullopt;
  }
  if (!*actor) {
    fail = error_response(401, "bad_token",
                          "this bearer token is not known here, has expired or was revoked; ask "
                          "the district for a new token (weimin-district dept token / office "
                          "token)");
    return std::nullopt;
  }
  log_.who = (*actor)->role + ":" + (*actor)->actor;
  return **actor;
}

HttpResponse ServiceHandlers::cases(const DistrictStore::Actor& a) {
  auto views = a.role == "department"
                   ? s_.cases_locked(a.actor)
                   : s_.cases_locked("", a.role == "street_office" ? a.actor : "");
  if (!views.is_ok()) return status_response(views.status());
  json arr = json::array();
  for (const CaseView& v : *views) arr.push_back(to_json(v));
  return json_response(200, json{{"cases", std::move(arr)}, {"server_ms", now()}}.dump());
}

HttpResponse ServiceHandlers::case_action(const HttpRequest& req, const DistrictStore::Actor& a,
                                          const std::string& case_id, const std::string& action) {
  auto body = sync::parse_json(req.body, "the request body");
  if (!body.is_ok()) return error_response(400, "bad_request", body.status().message());
  if (!body->is_object()) return error_response(400, "bad_request", "$: expected a JSON object");
  auto schema = body->find("schema");
  if (schema == body->end() || !schema->is_number_integer() ||
      schema->get<std::int64_t>() < sync::kOldestSchema ||
      schema->get<std::int64_t>() > sync::kSchema) {
    return error_response(400, "bad_request", "$.schema: expected 1");
  }
  auto text_field = [&](const char* name, bool required,
                        std::string& out) -> std::optional<HttpResponse> {
    auto it = body->find(name);
    if (it == body->end()) {
      if (required)
        return error_response(400, "bad_request", std::string("$.") + name + ": is missing");
      return std::nullopt;
    }
    if (!it->is_string()) {
      return error_response(400, "bad_request", std::string("$.") + name + ": expected a string");
    }
    out = it->get<std::string>();
    return std::nullopt;
  };
  std::set<std::string> allowed = {"schema"};
  Result<CaseView> done = Status(ErrorCode::Internal, "no action");
  if (action == "report" || action == "feedback") {
    if (a.role != "department") {
      return error_response(403, "forbidden", "only a department reports in or gives feedback");
    }
    std::string text;
    const char* field = action == "report" ? "note" : "action";
    allowed.insert(field);
    for (auto it = body->begin(); it != body->end(); ++it) {
      if (!allowed.count(it.key())) {
        return error_response(400, "bad_request",
                              "$." + it.key() + ": is not a field of this message");
      }
    }
    if (auto bad = text_field(field, action == "feedback", text)) return *bad;
    done = action == "report" ? s_.report_locked(a.actor, case_id, text)
                              : s_.feedback_locked(a.actor, case_id, text);
  } else if (action == "whistle") {
    if (a.role != "street_office") {
      return error_response(403, "forbidden", "only the street office blows a district whistle");
    }
    allowed.insert({"departments", "kind", "note"});
    for (auto it = body->begin(); it != body->end(); ++it) {
      if (!allowed.count(it.key())) {
        return error_response(400, "bad_request",
                              "$." + it.key() + ": is not a field of this message");
      }
    }
    std::string note, kind_text = "routine";
    if (auto bad = text_field("note", false, note)) return *bad;
    if (auto bad = text_field("kind", false, kind_text)) return *bad;
    auto kind = core::parse_whistle_kind(kind_text);
    if (!kind.is_ok())
      return error_response(400, "bad_request", "$.kind: " + kind.status().message());
    auto deps = body->find("departments");
    if (deps == body->end() || !deps->is_array()) {
      return error_response(400, "bad_request",
                            "$.departments: expected an array of department ids");
    }
    if (deps->size() > kMaxWhistleDepartments) {
      return error_response(400, "bad_request",
                            "$.departments: a whistle names at most " +
                                std::to_string(kMaxWhistleDepartments) + " departments, not " +
                                std::to_string(deps->size()));
    }
    auto v = s_.view_locked(case_id);
    if (!v.is_ok()) return status_response(v.status());
    if (!office_serves(a.actor, v->community)) {
      return error_response(403, "out_of_scope",
                            "case " + case_id + " is of community " + v->community +
                                ", not of street office " + a.actor + "'s communities");
    }
    std::vector<std::string> departments;
    for (const json& d : *deps) {
      if (!d.is_string())
        return error_response(400, "bad_request", "$.departments: expected strings");
      departments.push_back(d.get<std::string>());
    }
    done = s_.whistle_locked(a.actor, case_id, departments, *kind, note);
  } else {
    return error_response(
        404, "not_found",
        "no case action '" + action.substr(0, 32) + "'; use report, feedback or whistle");
  }
  if (!done.is_ok()) return status_response(done.status());
  return json_response(200, to_json(*done).dump());
}

// [SECTION] The district's half of the loop

Result<std::vector<CaseView>> DistrictService::cases_for(const std::string& department) {
  std::lock_guard lock(mutex_);
  return cases_locked(department);
}

Result<std::vector<CaseView>> DistrictService::cases_locked(const std::string& department,
                                                            const std::string& office) {
  WEIMIN_ASSIGN_OR_RETURN(auto whistles, store_.facts_by_kind("case.whistled"));
  std::set<std::string> seen;
  std::vector<CaseView> out;
  for (const FactRecord& w : whistles) {
    if (!seen.insert(w.fact.subject).second) continue;
    if (!office.empty() && !office_serves(office, w.community)) continue;
    WEIMIN_ASSIGN_OR_RETURN(CaseView v, view_locked(w.fact.subject));
    if (!office.empty() && !office_serves(office, v.community)) continue;
    bool include = department.empty();
    for (const auto& d : v.state.departments) include = include || d.department == department;
    if (include) out.push_back(std::move(v));
  }
  return out;
}

Result<CaseView> DistrictService::case_view(const std::string& case_id) {
  std::lock_guard lock(mutex_);
  return view_locked(case_id);
}

Result<CaseView> DistrictService::view_locked(const std::string& case_id) {
  auto id = core::Uuid::parse(case_id);
  if (!id)
    return Status(ErrorCode::Invalid, "'" + case_id.substr(0, 64) + "' is not a case id (UUID)");
  WEIMIN_ASSIGN_OR_RETURN(auto facts, store_.case_facts(case_id));
  std::string community;
  for (const FactRecord& f : facts) {
    // The case is of the community of its first collected fact (later ones of another
    // community are refused at push; this holds for stores of before that rule too).
    if (f.fact.kind == "case.collected" && community.empty()) community = f.community;
  }
  if (community.empty()) {
    return Status(ErrorCode::NotFound, "no case " + case_id + " has reached the district");
  }
  std::vector<core::CaseEvent> events = case_events(facts);
  return CaseView{case_id, community, core::fold_case(*id, events)};
}

Result<CaseView> DistrictService::act(const std::string& actor, core::Role role,
                                      const std::string& case_id, core::CasePayload payload) {
  WEIMIN_ASSIGN_OR_RETURN(CaseView v, view_locked(case_id));
  WEIMIN_ASSIGN_OR_RETURN(auto facts, store_.case_facts(case_id));
  WEIMIN_ASSIGN_OR_RETURN(std::string district, store_.district());
  const std::int64_t now = clock_.now_ms();
  // Order after every event of the case, also one a station stamped with a clock far ahead;
  // such a clock is not followed by the district's later stamps (docs/SYNC.md, "Clocks").
  core::HlcTimestamp latest{};
  for (const FactRecord& f : facts) {
    latest = std::max(latest, core::HlcTimestamp::unpack(static_cast<std::uint64_t>(f.fact.hlc)));
  }
  core::CaseEvent e;
  e.id = ids_.next(now);
  e.case_id = *core::Uuid::parse(case_id);
  e.hlc = hlc_.now_after(latest, now);
  e.origin = "district:" + district;
  e.wall_ms = now;
  e.actor = actor;
  e.actor_role = role;
  e.payload = std::move(payload);
  WEIMIN_TRY(core::check_transition(v.state, e));
  sync::FactPayload f{e.id.to_string(),
                      std::string(core::to_string(e.kind())),
                      case_id,
                      e.origin,
                      static_cast<std::int64_t>(e.hlc.pack()),
                      now,
                      core::local_date(now).to_string(),
                      core::case_event_body(e)};
  WEIMIN_TRY(store_.append_facts({FactRecord{std::move(f), v.community, now}}));
  return view_locked(case_id);
}

Result<CaseView> DistrictService::report(const std::string& department, const std::string& case_id,
                                         const std::string& note) {
  std::lock_guard lock(mutex_);
  return report_locked(department, case_id, note);
}
Result<CaseView> DistrictService::report_locked(const std::string& department,
                                                const std::string& case_id,
                                                const std::string& note) {
  return act(department, core::Role::Department, case_id, core::CaseReported{note});
}

Result<CaseView> DistrictService::feedback(const std::string& department,
                                           const std::string& case_id, const std::string& action) {
  std::lock_guard lock(mutex_);
  return feedback_locked(department, case_id, action);
}
Result<CaseView> DistrictService::feedback_locked(const std::string& department,
                                                  const std::string& case_id,
                                                  const std::string& action) {
  return act(department, core::Role::Department, case_id, core::CaseFeedback{action});
}

Result<CaseView> DistrictService::whistle(const std::string& office, const std::string& case_id,
                                          const std::vector<std::string>& departments,
                                          core::WhistleKind kind, const std::string& note) {
  std::lock_guard lock(mutex_);
  return whistle_locked(office, case_id, departments, kind, note);
}
Result<CaseView> DistrictService::whistle_locked(const std::string& office,
                                                 const std::string& case_id,
                                                 const std::vector<std::string>& departments,
                                                 core::WhistleKind kind, const std::string& note) {
  WEIMIN_ASSIGN_OR_RETURN(const CatalogScope* catalog, catalog_locked());
  if (auto why = whistle_departments_refusal(departments, catalog)) {
    return Status(ErrorCode::Invalid, "departments: " + *why);
  }
  return act(office, core::Role::StreetOffice, case_id,
             core::CaseWhistled{core::WhistleLevel::District, kind, departments, note});
}

}  // namespace weimin::server
