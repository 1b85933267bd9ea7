// The street office's and departments' side of DistrictService (docs/PROTOCOL.md, "Street
// office and departments"): their bearer-token API (/v1/cases), the cases as they see them
// (listed from the case projection, each case folded from its facts when acted on), and the
// case actions made at the district — a department reports in, gives feedback or returns a
// whistle; the street office blows a district whistle, raises a community one or sends a case
// back; either adds a note. Each is checked against the actor's scope first (fact_rules.hpp,
// case_scope_refusal).
// Thread-safety: reads run in parallel; a case action holds the service's write_mutex_ from its
// fold of the case to its write (the *_locked members need it held; the public members and
// case_action take it).
#include <algorithm>
#include <charconv>
#include <set>

#include "projection_store.hpp"
#include "service_handlers.hpp"
#include "weimin/core/civil_time.hpp"

namespace weimin::server {

using nlohmann::json;
using sync::HttpRequest;
using sync::HttpResponse;

json to_json(const CaseView& v) {
  return projection::case_view_json(v.case_id, v.community, v.state);
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

HttpResponse ServiceHandlers::cases(const HttpRequest& req, const DistrictStore::Actor& a) {
  // limit=N (1…200, default 200) and after=CURSOR, nothing else.
  int limit = projection::kMaxPageRows;
  std::string after;
  std::string_view rest = req.query;
  while (!rest.empty()) {
    const std::string_view pair = rest.substr(0, rest.find('&'));
    rest.remove_prefix(std::min(rest.size(), pair.size() + 1));
    const std::size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (key == "limit") {
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size()) {
        return error_response(400, "bad_request",
                              "limit: expected a number of cases from 1 to " +
                                  std::to_string(projection::kMaxPageRows));
      }
    } else if (key == "after") {
      after = std::string(value);
    } else {
      return error_response(400, "bad_request",
                            "/v1/cases takes limit and after (the previous page's next), not '" +
                                std::string(key.substr(0, 32)) + "'");
    }
  }
  auto page = a.role == "department"
                  ? s_.case_list(a.actor, "", after, limit)
                  : s_.case_list("", a.role == "street_office" ? a.actor : "", after, limit);
  if (!page.is_ok()) return status_response(page.status());
  json arr = json::array();
  for (json& v : page->cases) arr.push_back(std::move(v));
  json out = {{"cases", std::move(arr)}, {"server_ms", now()}};
  if (!page->next.empty()) out["next"] = page->next;
  return json_response(200, out.dump());
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
  // Which role takes each step, and the fields of its body besides "schema".
  struct Step {
    const char* name;
    const char* role;  // "department", "street_office", or nullptr for either
    std::vector<std::string> fields;
  };
  static const std::vector<Step> kSteps = {
      {"report", "department", {"note", "expected_ms"}},
      {"feedback", "department", {"action"}},
      {"return", "department", {"reason"}},
      {"whistle", "street_office", {"departments", "kind", "note"}},
      {"escalate", "street_office", {"departments", "note"}},
      {"send_back", "street_office", {"reason"}},
      {"note", nullptr, {"text"}},
  };
  const auto step =
      std::find_if(kSteps.begin(), kSteps.end(), [&](const Step& s) { return action == s.name; });
  if (step == kSteps.end()) {
    return error_response(404, "not_found",
                          "no case action '" + action.substr(0, 32) +
                              "'; use report, feedback, return, whistle, escalate, send_back or "
                              "note");
  }
  if (step->role != nullptr && a.role != step->role) {
    return error_response(
        403, "forbidden",
        std::string("only a ") +
            (std::string(step->role) == "department" ? "department" : "street office") + " may " +
            step->name + " a case");
  }
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (it.key() != "schema" &&
        std::find(step->fields.begin(), step->fields.end(), it.key()) == step->fields.end()) {
      return error_response(400, "bad_request",
                            "$." + it.key() + ": is not a field of this message");
    }
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
  auto departments_field = [&](bool required,
                               std::vector<std::string>& out) -> std::optional<HttpResponse> {
    auto deps = body->find("departments");
    if (deps == body->end() && !required) return std::nullopt;
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
    for (const json& d : *deps) {
      if (!d.is_string())
        return error_response(400, "bad_request", "$.departments: expected strings");
      out.push_back(d.get<std::string>());
    }
    return std::nullopt;
  };
  const core::Role role =
      a.role == "department" ? core::Role::Department : core::Role::StreetOffice;

  // Read the whole body before anything is looked up.
  std::string text, kind_text = "routine";
  std::int64_t expected_ms = 0;
  std::vector<std::string> departments;
  const std::string_view name = step->name;
  if (name == "report") {
    if (auto bad = text_field("note", false, text)) return *bad;
    if (auto it = body->find("expected_ms"); it != body->end()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
        return error_response(400, "bad_request",
                              "$.expected_ms: expected Unix milliseconds of the expected day "
                              "(a non-negative integer; 0 or left out for none)");
      }
      expected_ms = it->get<std::int64_t>();
    }
  } else if (name == "feedback") {
    if (auto bad = text_field("action", true, text)) return *bad;
  } else if (name == "return" || name == "send_back") {
    if (auto bad = text_field("reason", true, text)) return *bad;
  } else if (name == "whistle" || name == "escalate") {
    if (auto bad = text_field("note", false, text)) return *bad;
    if (name == "whistle") {
      if (auto bad = text_field("kind", false, kind_text)) return *bad;
    }
    if (auto bad = departments_field(name == "whistle", departments)) return *bad;
  } else {
    if (auto bad = text_field("text", true, text)) return *bad;
  }
  auto kind = core::parse_whistle_kind(kind_text);
  if (!kind.is_ok())
    return error_response(400, "bad_request", "$.kind: " + kind.status().message());

  // The actor's scope, before any step is tried: 403 out_of_scope and nothing written. From
  // here to the step's write the case holds still (write_mutex_).
  std::lock_guard lock(s_.write_mutex_);
  auto v = s_.view_of(case_id);
  if (!v.is_ok()) return status_response(v.status());
  auto catalog = s_.catalog_scope_now();
  if (!catalog.is_ok()) return status_response(catalog.status());
  if (auto why = case_scope_refusal(a.actor, role, v->community, v->state, catalog->get())) {
    return error_response(403, "out_of_scope", *why);
  }

  Result<CaseView> done = Status(ErrorCode::Internal, "no action");
  if (name == "report") {
    done = s_.report_locked(a.actor, case_id, text, expected_ms);
  } else if (name == "feedback") {
    done = s_.feedback_locked(a.actor, case_id, text);
  } else if (name == "return") {
    done = s_.act_in_scope(a.actor, role, case_id, core::CaseReturned{text});
  } else if (name == "whistle") {
    done = s_.whistle_locked(a.actor, case_id, departments, *kind, text);
  } else if (name == "escalate") {
    done = s_.act_in_scope(a.actor, role, case_id, core::CaseEscalated{departments, text});
  } else if (name == "send_back") {
    done = s_.act_in_scope(a.actor, role, case_id, core::CaseSentBack{text});
  } else {
    done = s_.act_in_scope(a.actor, role, case_id, core::CaseNote{text});
  }
  if (!done.is_ok()) return status_response(done.status());
  return json_response(200, to_json(*done).dump());
}

// [SECTION] The district's half of the loop

Result<std::vector<CaseView>> DistrictService::cases_for(const std::string& department) {
  return cases_of(department);
}

Result<std::vector<CaseView>> DistrictService::cases_of(const std::string& department,
                                                        const std::string& office) {
  WEIMIN_ASSIGN_OR_RETURN(auto whistles, store_.facts_by_kind("case.whistled"));
  std::set<std::string> seen;
  std::vector<CaseView> out;
  for (const FactRecord& w : whistles) {
    if (!seen.insert(w.fact.subject).second) continue;
    if (!office.empty() && !office_serves(office, w.community)) continue;
    WEIMIN_ASSIGN_OR_RETURN(CaseView v, view_of(w.fact.subject));
    if (!office.empty() && !office_serves(office, v.community)) continue;
    bool include = department.empty();
    for (const auto& d : v.state.departments) include = include || d.department == department;
    if (include) out.push_back(std::move(v));
  }
  return out;
}

Result<DistrictService::CaseListPage> DistrictService::case_list(const std::string& department,
                                                                 const std::string& office,
                                                                 const std::string& after,
                                                                 int limit) {
  CaseQuery q;
  q.department = department;
  q.office = office;
  // A department's rows are its whistled cases already; others need a whistle that took effect.
  q.whistled_only = department.empty();
  q.with_detail = true;
  q.now_ms = clock_.now_ms();
  q.after = after;
  q.limit = limit;
  WEIMIN_ASSIGN_OR_RETURN(CasePage page, store_.query_cases(q));
  CaseListPage out;
  out.next = std::move(page.next);
  for (const CaseRow& row : page.rows) {
    json detail = json::parse(row.detail_json, nullptr, false);
    if (detail.is_object()) {
      if (auto view = detail.find(std::string(projection::kViewKey)); view != detail.end()) {
        out.cases.push_back(std::move(*view));
        continue;
      }
    }
    // A row made before rows carried the view (until `projection rebuild`): fold the case.
    WEIMIN_ASSIGN_OR_RETURN(CaseView v, view_of(row.case_id));
    out.cases.push_back(to_json(v));
  }
  return out;
}

Result<CaseView> DistrictService::case_view(const std::string& case_id) {
  return view_of(case_id);
}

Result<CaseView> DistrictService::view_of(const std::string& case_id) {
  WEIMIN_ASSIGN_OR_RETURN(CaseRead read, read_case(case_id));
  return std::move(read.view);
}

Result<DistrictService::CaseRead> DistrictService::read_case(const std::string& case_id) {
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
  std::vector<core::CaseEvent> events = projection::case_events(facts);
  CaseView view{case_id, community, core::fold_case(*id, events)};
  return CaseRead{std::move(facts), std::move(view)};
}

Result<CaseView> DistrictService::act(const std::string& actor, core::Role role,
                                      const std::string& case_id, core::CasePayload payload) {
  WEIMIN_ASSIGN_OR_RETURN(CaseRead read, read_case(case_id));
  return act_on(std::move(read), actor, role, std::move(payload));
}

Result<CaseView> DistrictService::act_on(CaseRead read, const std::string& actor, core::Role role,
                                         core::CasePayload payload) {
  const std::string& case_id = read.view.case_id;
  WEIMIN_ASSIGN_OR_RETURN(std::string district, store_.district());
  const std::int64_t now = clock_.now_ms();
  // Order after every event of the case, also one a station stamped with a clock far ahead;
  // such a clock is not followed by the district's later stamps (docs/SYNC.md, "Clocks").
  core::HlcTimestamp latest{};
  for (const FactRecord& f : read.facts) {
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
  WEIMIN_TRY(core::check_transition(read.view.state, e));
  sync::FactPayload f{e.id.to_string(),
                      std::string(core::to_string(e.kind())),
                      case_id,
                      e.origin,
                      static_cast<std::int64_t>(e.hlc.pack()),
                      now,
                      core::local_date(now).to_string(),
                      core::case_event_body(e)};
  FactRecord record{std::move(f), read.view.community, now};
  WEIMIN_TRY(store_.append_facts({record}));
  // The case after the step: the facts read and the new one, folded again (not read again).
  read.facts.push_back(std::move(record));
  std::vector<core::CaseEvent> events = projection::case_events(read.facts);
  return CaseView{case_id, read.view.community, core::fold_case(e.case_id, events)};
}

Result<CaseView> DistrictService::act_in_scope(const std::string& actor, core::Role role,
                                               const std::string& case_id,
                                               core::CasePayload payload) {
  WEIMIN_ASSIGN_OR_RETURN(CaseRead read, read_case(case_id));
  const CaseView& v = read.view;
  WEIMIN_ASSIGN_OR_RETURN(auto catalog, catalog_scope_now());
  if (auto why = case_scope_refusal(actor, role, v.community, v.state, catalog.get())) {
    return Status(ErrorCode::PermissionDenied, *why);
  }
  if (const auto* up = std::get_if<core::CaseEscalated>(&payload)) {
    if (auto why = escalation_departments_refusal(up->departments, v.state.departments.size(),
                                                  catalog.get())) {
      return Status(ErrorCode::Invalid, "departments: " + *why);
    }
  }
  return act_on(std::move(read), actor, role, std::move(payload));
}

Result<CaseView> DistrictService::report(const std::string& department, const std::string& case_id,
                                         const std::string& note, std::int64_t expected_ms) {
  std::lock_guard lock(write_mutex_);
  return report_locked(department, case_id, note, expected_ms);
}
Result<CaseView> DistrictService::report_locked(const std::string& department,
                                                const std::string& case_id, const std::string& note,
                                                std::int64_t expected_ms) {
  return act_in_scope(department, core::Role::Department, case_id,
                      core::CaseReported{note, expected_ms});
}

Result<CaseView> DistrictService::feedback(const std::string& department,
                                           const std::string& case_id, const std::string& action) {
  std::lock_guard lock(write_mutex_);
  return feedback_locked(department, case_id, action);
}
Result<CaseView> DistrictService::feedback_locked(const std::string& department,
                                                  const std::string& case_id,
                                                  const std::string& action) {
  return act_in_scope(department, core::Role::Department, case_id, core::CaseFeedback{action});
}

Result<CaseView> DistrictService::whistle(const std::string& office, const std::string& case_id,
                                          const std::vector<std::string>& departments,
                                          core::WhistleKind kind, const std::string& note) {
  std::lock_guard lock(write_mutex_);
  return whistle_locked(office, case_id, departments, kind, note);
}
Result<CaseView> DistrictService::whistle_locked(const std::string& office,
                                                 const std::string& case_id,
                                                 const std::vector<std::string>& departments,
                                                 core::WhistleKind kind, const std::string& note) {
  WEIMIN_ASSIGN_OR_RETURN(auto catalog, catalog_scope_now());
  if (auto why = whistle_departments_refusal(departments, catalog.get())) {
    return Status(ErrorCode::Invalid, "departments: " + *why);
  }
  return act_in_scope(office, core::Role::StreetOffice, case_id,
                      core::CaseWhistled{core::WhistleLevel::District, kind, departments, note});
}

Result<CaseView> DistrictService::return_whistle(const std::string& department,
                                                 const std::string& case_id,
                                                 const std::string& reason) {
  std::lock_guard lock(write_mutex_);
  return act_in_scope(department, core::Role::Department, case_id, core::CaseReturned{reason});
}

Result<CaseView> DistrictService::escalate(const std::string& office, const std::string& case_id,
                                           const std::vector<std::string>& departments,
                                           const std::string& note) {
  std::lock_guard lock(write_mutex_);
  return act_in_scope(office, core::Role::StreetOffice, case_id,
                      core::CaseEscalated{departments, note});
}

Result<CaseView> DistrictService::send_back(const std::string& office, const std::string& case_id,
                                            const std::string& reason) {
  std::lock_guard lock(write_mutex_);
  return act_in_scope(office, core::Role::StreetOffice, case_id, core::CaseSentBack{reason});
}

Result<CaseView> DistrictService::note(const std::string& actor, core::Role role,
                                       const std::string& case_id, const std::string& text) {
  if (role != core::Role::StreetOffice && role != core::Role::Department) {
    return Status(ErrorCode::Invalid,
                  "a note at the district is written by a street office or a "
                  "department, not by a " +
                      std::string(core::to_string(role)));
  }
  std::lock_guard lock(write_mutex_);
  return act_in_scope(actor, role, case_id, core::CaseNote{text});
}

}  // namespace weimin::server
