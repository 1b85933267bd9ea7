// The district's new steps of the loop (issue 13): a department returns a whistle (退单) or
// reports in with an expected date (预计完成), the street office raises a community whistle to
// district level (升级为区级) or sends a case back to its community (退回社区), and either adds a
// note — each through the /v1/cases API and DistrictService, each refused out of scope or in
// the wrong stage with nothing written, and each reaching the case's station on pull.
#include <doctest/doctest.h>

#include "server_fixture.hpp"
#include "weimin/core/civil_time.hpp"

using namespace weimin;
using namespace weimin::test;
using nlohmann::json;

namespace {

const std::string kA = "530102001001";  // of street office 530102001
const std::string kOffice = "530102001";
const std::string kOtherOffice = "530102002";

std::string uuid_n(std::uint64_t n, std::uint64_t space) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "018f%04llx-0000-7000-8000-%012llx",
                static_cast<unsigned long long>(space & 0xffff),
                static_cast<unsigned long long>(n));
  return buf;
}

std::string code_of(const sync::HttpResponse& r) {
  auto e = sync::parse_error_body(r.body);
  return e.is_ok() ? e->code : "(no error body: " + r.body + ")";
}

sync::HttpRequest bearer(std::string method, std::string path, std::string token,
                         std::string body = "") {
  sync::HttpRequest r{std::move(method), std::move(path), "", {}, std::move(body)};
  r.headers["Authorization"] = "Bearer " + token;
  return r;
}

// A case of station `st`, its station-side facts and the district's tokens for it.
struct Loop {
  District& d;
  TestStation st;
  core::Uuid case_id;
  std::uint64_t n = 0;
  std::int64_t t = kStart - 3'600'000;
  std::string office, other_office, urban, housing, police;

  Loop(District& district, std::uint64_t case_n)
      : d(district), st(district.enroll(kA)), case_id(*core::Uuid::parse(uuid_n(case_n, 0x0c))) {
    office = d.service().issue_actor_token(kOffice, core::Role::StreetOffice).value();
    other_office = d.service().issue_actor_token(kOtherOffice, core::Role::StreetOffice).value();
    urban = d.service().issue_actor_token("urban_management", core::Role::Department).value();
    housing = d.service().issue_actor_token("housing", core::Role::Department).value();
    police = d.service().issue_actor_token("police", core::Role::Department).value();
  }

  std::string path(const std::string& action = "") const {
    return "/v1/cases/" + case_id.to_string() + (action.empty() ? "" : "/" + action);
  }

  // Pushes one station step (a station role, or a resident).
  void push(core::Role role, std::string actor, core::CasePayload p) {
    t += 60'000;
    core::CaseEvent e;
    e.id = *core::Uuid::parse(uuid_n(++n, 0x0d00 + (case_id.bytes[15] & 0xff)));
    e.case_id = case_id;
    e.hlc = {t, 0};
    e.origin = st.station_id;
    e.wall_ms = t;
    e.actor = std::move(actor);
    e.actor_role = role;
    e.payload = std::move(p);
    sync::FactPayload f{e.id.to_string(),
                        std::string(core::to_string(e.kind())),
                        case_id.to_string(),
                        e.origin,
                        static_cast<std::int64_t>(e.hlc.pack()),
                        t,
                        core::local_date(t).to_string(),
                        core::case_event_body(e)};
    sync::PushRequest req;
    req.station_id = st.station_id;
    req.stream = st.stream;
    req.base_seq = st.seq;
    req.entries.push_back({++st.seq, "fact", sync::to_json_value(f)});
    auto r = d.signed_call(st, "POST", "/v1/push", "", sync::to_json(req));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto resp = sync::parse_push_response(r.body).value();
    REQUIRE_MESSAGE(resp.rejected.empty(), resp.rejected[0].reason);
  }
  void collect() {
    push(core::Role::Staff, "S01",
         core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "井盖松动", ""});
  }
  void community_whistle(std::vector<std::string> departments) {
    push(core::Role::Director, "D001",
         core::CaseWhistled{core::WhistleLevel::Community, core::WhistleKind::Routine,
                            std::move(departments), "社区吹哨"});
  }

  sync::HttpResponse act(const std::string& token, const std::string& action, json body) {
    body["schema"] = 1;
    return d.call(bearer("POST", path(action), token, body.dump()));
  }
  core::CaseState district_state() {
    return d.service().case_view(case_id.to_string()).value().state;
  }
  std::int64_t facts() { return d.store().fact_count().value(); }

  // What the station holds after pulling everything: the case folded from the pulled facts.
  core::CaseState station_state() {
    std::vector<core::CaseEvent> events;
    std::int64_t after = 0;
    for (int guard = 0; guard < 100; ++guard) {
      auto r = d.signed_call(st, "GET", "/v1/pull", "after=" + std::to_string(after) + "&schema=2");
      REQUIRE_MESSAGE(r.status == 200, r.body);
      auto page = sync::parse_pull_response(r.body).value();
      for (const auto& ch : page.changes) {
        if (ch.type != "fact") continue;
        auto f = sync::parse_fact_payload(ch.record).value();
        if (f.subject != case_id.to_string()) continue;
        core::CaseEventEnvelope env{*core::Uuid::parse(f.id), *core::Uuid::parse(f.subject),
                                    core::HlcTimestamp::unpack(static_cast<std::uint64_t>(f.hlc)),
                                    f.origin, f.wall_ms};
        auto e = core::case_event_from_body(env, f.kind, f.body);
        REQUIRE_MESSAGE(e.is_ok(), e.status().to_string());
        events.push_back(*e);
      }
      after = page.next_after;
      if (!page.more) break;
    }
    return core::fold_case(case_id, events);
  }
};

}  // namespace

TEST_CASE(
    "a department reports in with an expected date or returns the whistle; the station "
    "sees both") {
  District d;
  d.publish_catalog();
  Loop c(d, 1);
  c.collect();
  auto w = c.act(c.office, "whistle", {{"departments", {"urban_management", "housing"}}});
  REQUIRE_MESSAGE(w.status == 200, w.body);
  const std::int64_t expected = kStart + 3 * 24 * 3'600'000LL;

  // The report-in with its expected date.
  CHECK(c.act(c.housing, "report", {{"expected_ms", -5}}).status == 400);
  CHECK(c.act(c.housing, "report", {{"expected_ms", "明天"}}).status == 400);
  auto rep = c.act(c.housing, "report", {{"note", "已派人查看"}, {"expected_ms", expected}});
  REQUIRE_MESSAGE(rep.status == 200, rep.body);
  auto view = json::parse(rep.body);
  CHECK(view["departments"][1]["expected_ms"] == expected);
  CHECK(view["departments"][1]["report_note"] == "已派人查看");

  // Refusals write nothing: a department not whistled, a return without a reason, an office.
  const std::int64_t before = c.facts();
  auto stranger = c.act(c.police, "return", {{"reason", "不归我们"}});
  CHECK(stranger.status == 403);
  CHECK(code_of(stranger) == "out_of_scope");
  CHECK(c.act(c.urban, "return", json::object()).status == 400);
  CHECK(c.act(c.urban, "return", {{"reason", ""}}).status == 400);
  auto by_office = c.act(c.office, "return", {{"reason", "x"}});
  CHECK(by_office.status == 403);
  CHECK(code_of(by_office) == "forbidden");
  CHECK(c.act(c.urban, "return", {{"reason", "x"}, {"note", "y"}}).status == 400);
  CHECK(c.facts() == before);

  // The return (退单) with its reason.
  auto back = c.act(c.urban, "return", {{"reason", "井盖属水务，非城管职责"}});
  REQUIRE_MESSAGE(back.status == 200, back.body);
  view = json::parse(back.body);
  CHECK(view["stage"] == "reported");  // housing reported in and goes on
  CHECK(view["departments"][0]["returned"] == true);
  CHECK(view["departments"][0]["return_reason"] == "井盖属水务，非城管职责");
  // It takes no further step in this round; it still sees the case it returned.
  auto again = c.act(c.urban, "feedback", {{"action", "已处理"}});
  CHECK(again.status == 409);
  CHECK(d.call(bearer("GET", c.path(), c.urban)).status == 200);
  // After its feedback, housing cannot return any more.
  REQUIRE(d.service().feedback("housing", c.case_id.to_string(), "已加固井盖").is_ok());
  auto late = d.service().return_whistle("housing", c.case_id.to_string(), "其实不归我们");
  REQUIRE_FALSE(late.is_ok());
  CHECK(late.status().code() == ErrorCode::Conflict);

  // The station pulls the district's steps and shows who did what, and by when.
  const core::CaseState s = c.station_state();
  CHECK(s.conflicts.empty());
  CHECK(s == c.district_state());
  CHECK(s.stage == core::CaseStage::Feedback);
  REQUIRE(s.departments.size() == 2);
  CHECK(s.departments[0].return_reason == "井盖属水务，非城管职责");
  CHECK(s.departments[1].expected_ms == expected);
  CHECK(s.departments[1].report_note == "已派人查看");
  CHECK(s.departments[1].feedback_action == "已加固井盖");
}

TEST_CASE("when every department returns, the case waits for the office, which whistles anew") {
  District d;
  d.publish_catalog();
  Loop c(d, 2);
  c.collect();
  REQUIRE(c.act(c.office, "whistle", {{"departments", {"urban_management"}}}).status == 200);
  auto out = d.service().return_whistle("police", c.case_id.to_string(), "x");
  CHECK(out.status().code() == ErrorCode::PermissionDenied);
  auto back = d.service().return_whistle("urban_management", c.case_id.to_string(), "非本部门");
  REQUIRE_MESSAGE(back.is_ok(), back.status().to_string());
  CHECK(back->state.stage == core::CaseStage::Returned);
  CHECK(c.station_state().stage == core::CaseStage::Returned);
  // Back in the office's hands: sent back to the community, or whistled again.
  auto again = c.act(c.office, "whistle", {{"departments", {"housing"}}, {"kind", "key"}});
  REQUIRE_MESSAGE(again.status == 200, again.body);
  CHECK(json::parse(again.body)["stage"] == "whistled");
  // The department of the old round reaches the case no more.
  CHECK(d.call(bearer("GET", c.path(), c.urban)).status == 403);
  CHECK(c.act(c.housing, "report", json::object()).status == 200);
}

TEST_CASE("the street office raises a community whistle to district level, adding departments") {
  District d;
  d.publish_catalog();
  Loop c(d, 3);
  c.collect();
  c.community_whistle({"urban_management"});
  const std::int64_t before = c.facts();
  // Out of scope, the wrong role, departments not in the catalog or already whistled: refused.
  auto other = c.act(c.other_office, "escalate", {{"departments", {"housing"}}});
  CHECK(other.status == 403);
  CHECK(code_of(other) == "out_of_scope");
  CHECK(c.act(c.urban, "escalate", json::object()).status == 403);
  CHECK(c.act(c.office, "escalate", {{"departments", {"made_up"}}}).status == 400);
  CHECK(c.act(c.office, "escalate", {{"departments", {"housing", "housing"}}}).status == 400);
  CHECK(c.act(c.office, "escalate", {{"departments", "housing"}}).status == 400);
  auto named = c.act(c.office, "escalate", {{"departments", {"urban_management"}}});
  CHECK(named.status == 409);
  CHECK(c.facts() == before);
  // The housing department cannot see it before it is named.
  CHECK(d.call(bearer("GET", c.path(), c.housing)).status == 403);

  auto up = c.act(c.office, "escalate", {{"departments", {"housing"}}, {"note", "涉及住建"}});
  REQUIRE_MESSAGE(up.status == 200, up.body);
  auto view = json::parse(up.body);
  CHECK(view["level"] == "district");
  CHECK(view["stage"] == "whistled");
  CHECK(view["departments"].size() == 2);
  CHECK(c.act(c.office, "escalate", json::object()).status == 409);  // once
  // The added department sees it and answers.
  CHECK(d.call(bearer("GET", c.path(), c.housing)).status == 200);
  CHECK(c.act(c.housing, "report", {{"note", "已受理"}}).status == 200);

  const core::CaseState s = c.station_state();
  CHECK(s.conflicts.empty());
  CHECK(s.level == core::WhistleLevel::District);
  CHECK(s.escalated_at.has_value());
  CHECK(s.timeline[2].kind == core::CaseEventKind::Escalated);
  CHECK(s.timeline[2].text == "涉及住建");

  // A district-level whistle or a case not whistled is not raised.
  c.case_id = *core::Uuid::parse(uuid_n(4, 0x0c));  // another case of the same station
  c.collect();
  auto early = d.service().escalate(kOffice, c.case_id.to_string(), {}, "");
  CHECK(early.status().code() == ErrorCode::Conflict);
}

TEST_CASE("the street office sends a waiting case back to its community with a reason") {
  District d;
  d.publish_catalog();
  Loop c(d, 5);
  c.collect();
  const std::int64_t before = c.facts();
  auto other = c.act(c.other_office, "send_back", {{"reason", "请社区处理"}});
  CHECK(other.status == 403);
  CHECK(code_of(other) == "out_of_scope");
  CHECK(c.act(c.office, "send_back", json::object()).status == 400);
  CHECK(c.act(c.office, "send_back", {{"reason", ""}}).status == 400);
  CHECK(c.act(c.urban, "send_back", {{"reason", "x"}}).status == 403);
  CHECK(d.service().send_back(kOtherOffice, c.case_id.to_string(), "x").status().code() ==
        ErrorCode::PermissionDenied);
  CHECK(c.facts() == before);

  auto back = c.act(c.office, "send_back", {{"reason", "属社区自治事项，请社区协调"}});
  REQUIRE_MESSAGE(back.status == 200, back.body);
  auto view = json::parse(back.body);
  CHECK(view["stage"] == "collected");  // the stage stays
  CHECK(view["sent_back"]["reason"] == "属社区自治事项，请社区协调");
  CHECK(view["sent_back"]["by"] == kOffice);
  CHECK(c.act(c.office, "send_back", {{"reason", "再退"}}).status == 409);

  core::CaseState s = c.station_state();
  REQUIRE(s.sent_back.has_value());
  CHECK(s.sent_back->reason == "属社区自治事项，请社区协调");
  // The community's own whistle clears it; a whistle being worked on is not sent back.
  c.community_whistle({"urban_management"});
  CHECK_FALSE(c.district_state().sent_back.has_value());
  CHECK(c.act(c.office, "send_back", {{"reason", "x"}}).status == 409);
}

TEST_CASE("an office or a whistled department adds a note; nobody else") {
  District d;
  d.publish_catalog();
  Loop c(d, 6);
  c.collect();
  c.community_whistle({"urban_management"});
  const std::int64_t before = c.facts();
  CHECK(code_of(c.act(c.other_office, "note", {{"text", "x"}})) == "out_of_scope");
  CHECK(code_of(c.act(c.housing, "note", {{"text", "x"}})) == "out_of_scope");
  CHECK(c.act(c.office, "note", {{"text", ""}}).status == 400);
  CHECK(c.act(c.office, "note", {{"note", "x"}}).status == 400);
  auto staff = d.service().note("S01", core::Role::Staff, c.case_id.to_string(), "x");
  CHECK(staff.status().code() == ErrorCode::Invalid);
  CHECK(c.facts() == before);
  CHECK(c.act(c.office, "note", {{"text", "已督办"}}).status == 200);
  auto dept = d.service().note("urban_management", core::Role::Department, c.case_id.to_string(),
                               "明日到场");
  REQUIRE_MESSAGE(dept.is_ok(), dept.status().to_string());
  const core::CaseState s = c.station_state();
  REQUIRE(s.notes.size() == 2);
  CHECK(s.notes[0].text == "已督办");
  CHECK(s.notes[0].actor_role == core::Role::StreetOffice);
  CHECK(s.notes[1].actor == "urban_management");
  CHECK(d.call(bearer("POST", c.path("delete"), c.office, R"({"schema":1})")).status == 404);
}
