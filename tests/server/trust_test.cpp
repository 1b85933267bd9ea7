// The district does not trust a kiosk (issue 12): who may write which case step, the street
// office's scope, tokens that expire and are revoked, authentication before parsing, bounded
// JSON, content types, internal errors, per-community rosters and the stations' clocks.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <sstream>

#include "seed.hpp"
#include "server_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/server/cli.hpp"
#include "weimin/sync/protocol_digest.hpp"

using namespace weimin;
using namespace weimin::test;
using nlohmann::json;

namespace {

const std::string kA = "530102001001";            // of street office 530102001
const std::string kB = "530102001002";            // of street office 530102001
const std::string kOtherStreet = "530102002001";  // of street office 530102002

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

// Case events of one case written at station `st`.
struct CaseWriter {
  const TestStation& st;
  core::Uuid case_id;
  std::uint64_t n = 0;
  std::int64_t t = kStart - 3'600'000;

  sync::FactPayload fact(core::Role role, std::string actor, core::CasePayload p,
                         std::string on_behalf_of = "") {
    t += 60'000;
    core::CaseEvent e;
    e.id = *core::Uuid::parse(uuid_n(++n, 0x7000 + std::stoull(st.community.substr(9)) +
                                              (case_id.to_string().back() - '0') * 16));
    e.case_id = case_id;
    e.hlc = {t, 0};
    e.origin = st.station_id;
    e.wall_ms = t;
    e.actor = std::move(actor);
    e.actor_role = role;
    e.on_behalf_of = std::move(on_behalf_of);
    e.payload = std::move(p);
    return sync::FactPayload{e.id.to_string(),
                             std::string(core::to_string(e.kind())),
                             case_id.to_string(),
                             e.origin,
                             static_cast<std::int64_t>(e.hlc.pack()),
                             t,
                             core::local_date(t).to_string(),
                             core::case_event_body(e)};
  }
  sync::FactPayload collected() {
    return fact(
        core::Role::Staff, "S01",
        core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "楼道堆放垃圾", ""});
  }
};

sync::PushRequest batch(TestStation& st, const std::vector<sync::FactPayload>& facts) {
  sync::PushRequest p;
  p.station_id = st.station_id;
  p.stream = st.stream;
  p.base_seq = st.seq;
  for (const auto& f : facts) p.entries.push_back({++st.seq, "fact", sync::to_json_value(f)});
  return p;
}

sync::PushResponse push(District& d, TestStation& st, const std::vector<sync::FactPayload>& facts) {
  auto r = d.signed_call(st, "POST", "/v1/push", "", sync::to_json(batch(st, facts)));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return sync::parse_push_response(r.body).value();
}

// The reason the district gave for the station's last reject.
std::string last_reject(District& d, const TestStation& st) {
  auto list = d.store().rejects(st.station_id).value();
  return list.empty() ? std::string("(no reject)") : list.back().reason;
}

sync::HttpRequest bearer(std::string method, std::string path, std::string token,
                         std::string body = "") {
  sync::HttpRequest r{std::move(method), std::move(path), "", {}, std::move(body)};
  r.headers["Authorization"] = "Bearer " + token;
  return r;
}

std::string case_path(const core::Uuid& id) {
  return "/v1/cases/" + id.to_string();
}

}  // namespace

// [SECTION] Who may write what

TEST_CASE("a station may not blow the street office's whistle on its own case") {
  District d;
  d.publish_catalog();
  TestStation st = d.enroll(kA);
  CaseWriter c{st, *core::Uuid::parse(uuid_n(1, 1))};
  push(d, st, {c.collected()});
  for (core::WhistleLevel level : {core::WhistleLevel::District, core::WhistleLevel::Community}) {
    auto forged =
        c.fact(core::Role::StreetOffice, "530102001",
               core::CaseWhistled{level, core::WhistleKind::Key, {"urban_management"}, ""});
    auto r = push(d, st, {forged});
    CHECK(r.applied == 0);
    CHECK(r.rejected.size() == 1);
    CHECK_MESSAGE(last_reject(d, st).find("street_office") != std::string::npos,
                  last_reject(d, st));
  }
  // Staff blowing a district-level whistle is refused too: that level is the office's.
  auto district_level =
      c.fact(core::Role::Director, "D001",
             core::CaseWhistled{
                 core::WhistleLevel::District, core::WhistleKind::Key, {"urban_management"}, ""});
  CHECK(push(d, st, {district_level}).rejected.size() == 1);
  CHECK(d.service().case_view(c.case_id.to_string())->state.stage == core::CaseStage::Collected);
}

TEST_CASE("a station may not report in or give feedback as a department") {
  District d;
  d.publish_catalog();
  TestStation st = d.enroll(kA);
  CaseWriter c{st, *core::Uuid::parse(uuid_n(2, 1))};
  push(d, st, {c.collected()});
  std::string office = d.service().issue_actor_token("530102001", core::Role::StreetOffice).value();
  std::string housing = d.service().issue_actor_token("housing", core::Role::Department).value();
  REQUIRE(d.call(bearer("POST", case_path(c.case_id) + "/whistle", office,
                        R"({"schema":1,"departments":["housing"]})"))
              .status == 200);
  c.t = d.clock().now_ms();
  auto reported = c.fact(core::Role::Department, "housing", core::CaseReported{"已受理"});
  auto feedback = c.fact(core::Role::Department, "housing", core::CaseFeedback{"已修"});
  auto r = push(d, st, {reported, feedback});
  CHECK(r.applied == 0);
  CHECK(r.rejected.size() == 2);
  // The department's own view still shows the case waiting for its report-in.
  auto view = json::parse(d.call(bearer("GET", case_path(c.case_id), housing)).body);
  CHECK(view["stage"] == "whistled");
  CHECK(
      d.call(bearer("POST", case_path(c.case_id) + "/report", housing, R"({"schema":1})")).status ==
      200);
  // A report-in without on_behalf_of by staff is not a station's step either.
  auto unnamed = c.fact(core::Role::Staff, "S01", core::CaseFeedback{"修好了"});
  CHECK(push(d, st, {unnamed}).rejected.size() == 1);
  // The system role is no station's.
  auto system = c.fact(core::Role::System, "sync", core::CaseNote{"x"});
  CHECK(push(d, st, {system}).rejected.size() == 1);
  // Staff recording the department's feedback taken by phone is the station's step.
  auto by_phone = c.fact(core::Role::Staff, "S01", core::CaseFeedback{"电话反馈：已修"}, "housing");
  auto ok = push(d, st, {by_phone});
  CHECK(ok.applied == 1);
  CHECK(ok.rejected.empty());
  CHECK(d.service().case_view(c.case_id.to_string())->state.stage == core::CaseStage::Feedback);
}

TEST_CASE("a station may not raise a whistle, send a case back, or return one as a department") {
  District d;
  d.publish_catalog();
  TestStation st = d.enroll(kA);
  CaseWriter c{st, *core::Uuid::parse(uuid_n(8, 1))};
  push(d, st, {c.collected()});
  auto community = c.fact(
      core::Role::Director, "D001",
      core::CaseWhistled{
          core::WhistleLevel::Community, core::WhistleKind::Routine, {"urban_management"}, ""});
  REQUIRE(push(d, st, {community}).applied == 1);
  const std::int64_t facts = d.store().fact_count().value();
  struct Forgery {
    const char* what;
    sync::FactPayload fact;
    const char* reason;  // part of the reject's reason
  };
  const std::vector<Forgery> forged = {
      {"an escalation by the office's role",
       c.fact(core::Role::StreetOffice, "530102001", core::CaseEscalated{{"housing"}, ""}),
       "street_office"},
      {"an escalation by the director",
       c.fact(core::Role::Director, "D001", core::CaseEscalated{{}, "升级"}),
       "street office's step"},
      {"a sending back by staff", c.fact(core::Role::Staff, "S01", core::CaseSentBack{"退回"}),
       "street office's step"},
      {"a return as the department",
       c.fact(core::Role::Department, "urban_management", core::CaseReturned{"不归我们"}),
       "department"},
      {"a return by staff for nobody", c.fact(core::Role::Staff, "S01", core::CaseReturned{"x"}),
       "on_behalf_of"},
  };
  for (const Forgery& f : forged) {
    auto r = push(d, st, {f.fact});
    INFO(f.what << ": " << last_reject(d, st));
    CHECK(r.applied == 0);
    CHECK(r.rejected.size() == 1);
    CHECK(last_reject(d, st).find(f.reason) != std::string::npos);
  }
  CHECK(d.store().fact_count().value() == facts);
  auto view = d.service().case_view(c.case_id.to_string()).value();
  CHECK(view.state.level == core::WhistleLevel::Community);
  CHECK_FALSE(view.state.departments[0].returned);
  // Staff recording a department's return taken by phone is the station's step.
  auto by_phone =
      c.fact(core::Role::Staff, "S01", core::CaseReturned{"电话：不属城管"}, "urban_management");
  auto ok = push(d, st, {by_phone});
  CHECK(ok.applied == 1);
  CHECK(ok.rejected.empty());
  view = d.service().case_view(c.case_id.to_string()).value();
  CHECK(view.state.stage == core::CaseStage::Returned);
  CHECK(view.state.departments[0].return_reason == "电话：不属城管");
}

TEST_CASE(
    "a station may not write steps of another community's case; the real department still "
    "reports in") {
  District d;
  d.publish_catalog();
  TestStation a = d.enroll(kA);
  TestStation b = d.enroll(kB);
  CaseWriter ca{a, *core::Uuid::parse(uuid_n(3, 1))};
  push(d, a, {ca.collected()});
  std::string office = d.service().issue_actor_token("530102001", core::Role::StreetOffice).value();
  std::string urban =
      d.service().issue_actor_token("urban_management", core::Role::Department).value();
  REQUIRE(d.call(bearer("POST", case_path(ca.case_id) + "/whistle", office,
                        R"({"schema":1,"departments":["urban_management"]})"))
              .status == 200);
  const std::int64_t facts_before = d.store().fact_count().value();

  CaseWriter intruder{b, ca.case_id};
  intruder.t = d.clock().now_ms();
  auto as_department =
      intruder.fact(core::Role::Department, "urban_management", core::CaseReported{""});
  auto by_phone =
      intruder.fact(core::Role::Director, "D001", core::CaseReported{""}, "urban_management");
  auto note = intruder.fact(core::Role::Staff, "S01", core::CaseNote{"我来处理"});
  auto r = push(d, b, {as_department, by_phone, note});
  CHECK(r.applied == 0);
  CHECK(r.rejected.size() == 3);
  CHECK_MESSAGE(last_reject(d, b).find("belongs to community " + kA) != std::string::npos,
                last_reject(d, b));
  CHECK(d.store().fact_count().value() == facts_before);

  auto rep = d.call(bearer("POST", case_path(ca.case_id) + "/report", urban, R"({"schema":1})"));
  CHECK_MESSAGE(rep.status == 200, rep.body);
}

TEST_CASE("a case.collected naming another community's case is refused and the case stays put") {
  District d;
  d.publish_catalog();
  TestStation a = d.enroll(kA);
  TestStation b = d.enroll(kB);
  CaseWriter ca{a, *core::Uuid::parse(uuid_n(4, 1))};
  push(d, a, {ca.collected()});
  CaseWriter cb{b, ca.case_id};
  cb.t -= 3'000'000;  // even "earlier" than the real one
  auto r = push(d, b, {cb.collected()});
  CHECK(r.applied == 0);
  CHECK(r.rejected.size() == 1);
  CHECK(last_reject(d, b).find("belongs to community " + kA) != std::string::npos);
  // Visible to the district's staff.
  auto all = d.store().rejects("").value();
  REQUIRE(all.size() == 1);
  CHECK(all[0].reason.find("belongs to community " + kA) != std::string::npos);
  auto view = d.service().case_view(ca.case_id.to_string()).value();
  CHECK(view.community == kA);
  // Within one batch: a new case collected by a station is its own, for the rest of the batch.
  CaseWriter fresh{b, *core::Uuid::parse(uuid_n(5, 1))};
  auto ok = push(
      d, b, {fresh.collected(), fresh.fact(core::Role::Staff, "S01", core::CaseNote{"已登记"})});
  CHECK(ok.applied == 2);
  CHECK(ok.rejected.empty());
}

TEST_CASE("a station's whistle names catalog departments, each once, at most twenty") {
  District d;
  d.publish_catalog();
  TestStation st = d.enroll(kA);
  CaseWriter c{st, *core::Uuid::parse(uuid_n(6, 1))};
  push(d, st, {c.collected()});
  auto whistle = [&](std::vector<std::string> deps) {
    return c.fact(core::Role::Director, "D001",
                  core::CaseWhistled{core::WhistleLevel::Community, core::WhistleKind::Routine,
                                     std::move(deps), ""});
  };
  CHECK(push(d, st, {whistle({"made_up"})}).rejected.size() == 1);
  CHECK(last_reject(d, st).find("not in the district's catalog") != std::string::npos);
  std::vector<std::string> many;
  for (int i = 0; i < 21; ++i) many.push_back("d" + std::to_string(i));
  CHECK(push(d, st, {whistle(many)}).rejected.size() == 1);
  CHECK(last_reject(d, st).find("at most 20") != std::string::npos);
  auto ok = push(d, st, {whistle({"urban_management", "housing"})});
  CHECK(ok.applied == 1);
  CHECK(d.service().case_view(c.case_id.to_string())->state.stage == core::CaseStage::Whistled);
}

TEST_CASE("without a published catalog every whistle is refused, saying to publish one") {
  District d;  // no catalog published
  TestStation st = d.enroll(kA);
  CaseWriter c{st, *core::Uuid::parse(uuid_n(7, 1))};
  push(d, st, {c.collected()});
  // A station's whistle, even naming a department of the default catalog: a reject.
  auto pushed = push(d, st,
                     {c.fact(core::Role::Director, "D001",
                             core::CaseWhistled{core::WhistleLevel::Community,
                                                core::WhistleKind::Routine,
                                                {"urban_management"},
                                                ""})});
  CHECK(pushed.applied == 0);
  CHECK(pushed.rejected.size() == 1);
  CHECK(last_reject(d, st).find("the district has no catalog") != std::string::npos);
  CHECK(last_reject(d, st).find("weimin-district catalog publish") != std::string::npos);
  // The street office's whistle (weimin-district office whistle and /v1/cases/…/whistle):
  // Invalid, with the same reason, and nothing written.
  const std::int64_t facts = d.store().fact_count().value();
  auto office = d.service().whistle("530102001", c.case_id.to_string(), {"urban_management"},
                                    core::WhistleKind::Routine, "");
  REQUIRE_FALSE(office.is_ok());
  CHECK(office.status().code() == ErrorCode::Invalid);
  CHECK(office.status().message().find("the district has no catalog") != std::string::npos);
  CHECK(d.store().fact_count().value() == facts);
  CHECK(d.service().case_view(c.case_id.to_string())->state.stage == core::CaseStage::Collected);
  // Once the catalog is published, the same whistle is taken.
  d.publish_catalog();
  auto later = d.service().whistle("530102001", c.case_id.to_string(), {"urban_management"},
                                   core::WhistleKind::Routine, "");
  REQUIRE_MESSAGE(later.is_ok(), later.status().to_string());
  CHECK(later->state.stage == core::CaseStage::Whistled);
}

TEST_CASE("the same facts pushed in any order and batches give the same district state") {
  const std::uint64_t seed = test::seed_from_env();
  MESSAGE("seed " << seed << " (WEIMIN_SEED to repeat)");
  std::mt19937_64 rng(seed);
  // One community's cases and a forger's attempts, written once.
  District first;
  TestStation a = first.enroll(kA);
  TestStation b = first.enroll(kB);
  std::vector<sync::FactPayload> own, foreign;
  std::vector<core::Uuid> cases;
  for (int k = 0; k < 4; ++k) {
    CaseWriter c{a, *core::Uuid::parse(uuid_n(10 + k, 2))};
    cases.push_back(c.case_id);
    own.push_back(c.collected());
    own.push_back(c.fact(
        core::Role::Director, "D001",
        core::CaseWhistled{
            core::WhistleLevel::Community, core::WhistleKind::Routine, {"urban_management"}, ""}));
    own.push_back(c.fact(core::Role::Staff, "S01", core::CaseReported{""}, "urban_management"));
    own.push_back(
        c.fact(core::Role::Staff, "S01", core::CaseFeedback{"已处理"}, "urban_management"));
    own.push_back(c.fact(core::Role::Staff, "S01", core::CaseVerified{"居民确认"}));
    own.push_back(c.fact(core::Role::Staff, "S01", core::CaseNote{"回访"}));
    CaseWriter f{b, c.case_id};
    foreign.push_back(f.fact(core::Role::Staff, "S09", core::CaseNote{"别人的"}));
    foreign.push_back(f.fact(core::Role::Department, "urban_management", core::CaseReported{""}));
  }
  auto state_after = [&](District& d, TestStation sa, TestStation sb,
                         std::vector<sync::FactPayload> mine, std::vector<sync::FactPayload> theirs,
                         bool shuffle) {
    d.publish_catalog();
    // The collected facts reach the district first (a station's outbox is in order); the rest
    // in any order and batches, the forger's at any point.
    std::vector<sync::FactPayload> rest;
    for (auto& f : mine) {
      if (f.kind == "case.collected") continue;
      rest.push_back(f);
    }
    std::vector<sync::FactPayload> collected;
    for (auto& f : mine) {
      if (f.kind == "case.collected") collected.push_back(f);
    }
    if (shuffle) {
      std::shuffle(collected.begin(), collected.end(), rng);
      std::shuffle(rest.begin(), rest.end(), rng);
      std::shuffle(theirs.begin(), theirs.end(), rng);
    }
    push(d, sa, collected);
    std::size_t at = 0, their_at = 0;
    while (at < rest.size() || their_at < theirs.size()) {
      const std::size_t n = 1 + rng() % 5;
      std::vector<sync::FactPayload> part(
          rest.begin() + static_cast<std::ptrdiff_t>(at),
          rest.begin() + static_cast<std::ptrdiff_t>(std::min(rest.size(), at + n)));
      at = std::min(rest.size(), at + n);
      if (!part.empty()) push(d, sa, part);
      if (their_at < theirs.size()) push(d, sb, {theirs[their_at++]});
    }
    std::vector<std::string> out;
    for (const auto& id : cases) {
      auto v = d.service().case_view(id.to_string()).value();
      out.push_back(v.community + " " + to_json(v).dump() + " " +
                    std::to_string(v.state.timeline.size()));
    }
    out.push_back(std::to_string(d.store().fact_count().value()));
    out.push_back(std::to_string(d.store().rejects("").value().size()));
    return out;
  };
  const auto expected = state_after(first, a, b, own, foreign, false);
  CHECK(expected.back() == std::to_string(foreign.size()));  // every forgery rejected
  for (int round = 0; round < 3; ++round) {
    District d;
    TestStation sa = d.enroll(kA);
    TestStation sb = d.enroll(kB);
    CHECK(state_after(d, sa, sb, own, foreign, true) == expected);
  }
}

// [SECTION] The street office's scope and tokens

TEST_CASE("a street office reaches only its own communities' cases") {
  District d;
  d.publish_catalog();
  TestStation st = d.enroll(kA);
  CaseWriter c{st, *core::Uuid::parse(uuid_n(20, 1))};
  push(d, st, {c.collected()});
  std::string mine = d.service().issue_actor_token("530102001", core::Role::StreetOffice).value();
  std::string other = d.service().issue_actor_token("530102002", core::Role::StreetOffice).value();
  const std::int64_t facts = d.store().fact_count().value();
  auto w = d.call(bearer("POST", case_path(c.case_id) + "/whistle", other,
                         R"({"schema":1,"departments":["urban_management"]})"));
  CHECK(w.status == 403);
  CHECK(code_of(w) == "out_of_scope");
  CHECK(d.store().fact_count().value() == facts);
  CHECK(d.call(bearer("GET", case_path(c.case_id), other)).status == 403);

  REQUIRE(d.call(bearer("POST", case_path(c.case_id) + "/whistle", mine,
                        R"({"schema":1,"departments":["urban_management"]})"))
              .status == 200);
  CHECK(json::parse(d.call(bearer("GET", "/v1/cases", other)).body)["cases"].empty());
  CHECK(json::parse(d.call(bearer("GET", "/v1/cases", mine)).body)["cases"].size() == 1);
}

TEST_CASE("an office's whistle names catalog departments, each once, at most twenty") {
  District d;
  d.publish_catalog();
  TestStation st = d.enroll(kA);
  CaseWriter c{st, *core::Uuid::parse(uuid_n(21, 1))};
  push(d, st, {c.collected()});
  std::string office = d.service().issue_actor_token("530102001", core::Role::StreetOffice).value();
  const std::int64_t facts = d.store().fact_count().value();
  json many = json::array();
  for (int i = 0; i < 2000; ++i) many.push_back("made_up_" + std::to_string(i));
  for (const json& deps : {many, json{"made_up"}, json{"housing", "housing"}, json::array()}) {
    auto r = d.call(bearer("POST", case_path(c.case_id) + "/whistle", office,
                           json{{"schema", 1}, {"departments", deps}}.dump()));
    CHECK_MESSAGE(r.status == 400, r.body);
  }
  CHECK(d.store().fact_count().value() == facts);
  CHECK_FALSE(
      d.service()
          .whistle("530102001", c.case_id.to_string(), {"nope"}, core::WhistleKind::Routine, "")
          .is_ok());
}

TEST_CASE("tokens name catalog offices and departments, expire and can be revoked") {
  District d;
  // Nothing to check them against before a catalog is published.
  CHECK_FALSE(d.service().issue_actor_token("urban_management", core::Role::Department).is_ok());
  d.publish_catalog();
  CHECK_FALSE(d.service().issue_actor_token("hello", core::Role::Department).is_ok());
  CHECK_FALSE(d.service().issue_actor_token("hello", core::Role::StreetOffice).is_ok());
  CHECK_FALSE(d.service().issue_actor_token("530102999", core::Role::StreetOffice).is_ok());
  CHECK_FALSE(d.service().issue_actor_token("110101001", core::Role::StreetOffice).is_ok());

  std::string short_lived =
      d.service().issue_actor_token("urban_management", core::Role::Department, 3'600'000).value();
  std::string revoked = d.service().issue_actor_token("housing", core::Role::Department).value();
  std::string kept = d.service().issue_actor_token("police", core::Role::Department).value();
  CHECK(d.call(bearer("GET", "/v1/cases", short_lived)).status == 200);
  CHECK(d.call(bearer("GET", "/v1/cases", revoked)).status == 200);

  const std::string hash = sync::sha256_hex(revoked);
  CHECK_FALSE(d.service().revoke_actor_tokens(hash.substr(0, 4)).is_ok());  // too short
  CHECK(d.service().revoke_actor_tokens(hash.substr(0, 10)).value() == 1);
  CHECK(d.service().revoke_actor_tokens(hash.substr(0, 10)).status().code() == ErrorCode::NotFound);
  auto r = d.call(bearer("GET", "/v1/cases", revoked));
  CHECK(r.status == 401);
  CHECK(code_of(r) == "bad_token");

  d.clock().advance(3'600'000);
  CHECK(d.call(bearer("GET", "/v1/cases", short_lived)).status == 401);
  CHECK(d.call(bearer("GET", "/v1/cases", kept)).status == 200);
  d.clock().advance(90LL * 24 * 3'600'000);
  CHECK(d.call(bearer("GET", "/v1/cases", kept)).status == 401);

  auto list = d.service().actor_tokens().value();
  REQUIRE(list.size() == 3);
  CHECK(std::count_if(list.begin(), list.end(),
                      [](const auto& t) { return t.revoked_ms.has_value(); }) == 1);
}

// [SECTION] Before any work

TEST_CASE("an unsigned push is refused before its body is parsed") {
  std::atomic<int> parses{0};
  server::ServiceOptions options;
  options.on_push_parse = [&] { ++parses; };
  District d(options);
  TestStation st = d.enroll(kA);
  std::string big =
      R"({"schema":1,"station_id":"station:530102001001","stream":"018f0000-0000-7000-8000-00000000aaaa","base_seq":0,"entries":[)";
  while (big.size() < 7'500'000)
    big += R"({"seq":1,"topic":"fact","payload":{"x":[1,2,3,4,5,6,7,8,9]}},)";
  big += R"({"seq":1,"topic":"fact","payload":{}}]})";
  auto unsigned_push = d.call({"POST", "/v1/push", "", {}, big});
  CHECK(unsigned_push.status == 401);
  CHECK(code_of(unsigned_push) == "unsigned");
  // A signature of another body, or by a key the district does not know: no parse either.
  auto wrong_digest = d.signed_request(st, "POST", "/v1/push", "", "{}");
  wrong_digest.body = big;
  CHECK(code_of(d.call(wrong_digest)) == "bad_digest");
  TestStation forger = st;
  forger.key = sync::generate_station_key();
  CHECK(code_of(d.call(d.signed_request(forger, "POST", "/v1/push", "", big))) == "bad_signature");
  CHECK(parses == 0);
  CHECK(d.signed_call(st, "POST", "/v1/push", "", sync::to_json(batch(st, {}))).status == 200);
  CHECK(parses == 1);
}

TEST_CASE(
    "a signed push whose fact body nests 70,000 arrays is refused with 400, and the district "
    "stays up") {
  // Before the bound this crashed the server (SIGSEGV in the recursive dump of the body).
  District d;
  TestStation st = d.enroll(kA);
  const std::string nested = R"({"x":)" + std::string(70'000, '[') + std::string(70'000, ']') + "}";
  const std::string body =
      R"({"schema":1,"station_id":"station:530102001001","stream":"018f0000-0000-7000-8000-00000000aaaa","base_seq":0,"entries":[{"seq":1,"topic":"fact","payload":{"id":"018f0000-0000-7000-8000-000000000001","kind":"ticket.taken","subject":"018f0000-0000-7000-8000-0000000000aa","origin":"station:530102001001","hlc":12345,"wall_ms":1700000000000,"day":"2026-11-23","body":)" +
      nested + "}}]}";
  auto r = d.signed_call(st, "POST", "/v1/push", "", body);
  CHECK(r.status == 400);
  CHECK(sync::parse_error_body(r.body)->message.find("deeper than") != std::string::npos);
  CHECK(d.store().fact_count().value() == 0);
  CHECK(d.call({"GET", "/v1/health", "", {}, ""}).status == 200);
  // Just within the bound, the record text is made and the fact kept.
  const auto depth =
      static_cast<std::size_t>(sync::kMaxJsonDepth - 5);  // push, entries, entry, payload, body
  const std::string shallow = R"({"x":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
  std::string ok_body = body;
  ok_body.replace(ok_body.find(nested), nested.size(), shallow);
  auto ok = d.signed_call(st, "POST", "/v1/push", "", ok_body);
  CHECK_MESSAGE(ok.status == 200, ok.body);
  CHECK_MESSAGE(d.store().fact_count().value() == 1, ok.body);
}

TEST_CASE("a POST body that is not application/json is refused with 415") {
  District d;
  TestStation st = d.enroll(kA);
  auto send = [&](std::optional<std::string> type) {
    auto r = d.signed_request(st, "POST", "/v1/push", "", sync::to_json(batch(st, {})));
    if (type) r.headers["Content-Type"] = *type;
    return d.service().handle(r);
  };
  for (std::optional<std::string> bad :
       {std::optional<std::string>("text/plain"), std::optional<std::string>("application/jsonx"),
        std::optional<std::string>("multipart/form-data; boundary=x"),
        std::optional<std::string>()}) {
    auto r = send(bad);
    CHECK(r.status == 415);
    CHECK(code_of(r) == "unsupported_media_type");
    CHECK(sync::parse_error_body(r.body)->message.find("application/json") != std::string::npos);
  }
  st.seq = 0;
  CHECK(send(std::string("Application/JSON; charset=utf-8")).status == 200);
  auto enrol =
      d.service().handle({"POST", "/v1/enroll", "", {{"Content-Type", "text/html"}}, "{}"});
  CHECK(enrol.status == 415);
}

// A store whose epoch() fails with a message naming a file, as a real store failure would.
class FailingStore final : public server::DistrictStore {
 public:
  explicit FailingStore(server::DistrictStore& inner) : in_(inner) {}
  bool fail = false;
  ErrorCode fail_code = ErrorCode::Io;
  Result<std::string> epoch() override {
    if (fail)
      return Status(fail_code, "cannot read /srv/weimin/secret/district.db: disk I/O error");
    return in_.epoch();
  }
  Result<std::string> district() override { return in_.district(); }
  Result<std::string> integrity_check() override { return in_.integrity_check(); }
  Status add_enroll_token(const std::string& a, const std::string& b, std::int64_t c,
                          std::int64_t e) override {
    return in_.add_enroll_token(a, b, c, e);
  }
  Result<server::StationRecord> enroll(const std::string& a, const std::string& b,
                                       const std::string& c, std::int64_t e) override {
    return in_.enroll(a, b, c, e);
  }
  Result<std::optional<server::StationRecord>> find_station(const std::string& a) override {
    return in_.find_station(a);
  }
  Result<std::vector<server::StationRecord>> stations() override { return in_.stations(); }
  Status record_skew(const std::string& a, std::int64_t b, std::int64_t c) override {
    return in_.record_skew(a, b, c);
  }
  Status record_station_contact(const std::string& a, const sync::StationReport& b, std::int64_t c,
                                bool d) override {
    return in_.record_station_contact(a, b, c, d);
  }
  Result<bool> remember_nonce(const std::string& a, const std::string& b, std::int64_t c,
                              std::int64_t e) override {
    return in_.remember_nonce(a, b, c, e);
  }
  Result<server::PushOutcome> apply_push(const server::PushBatch& b) override {
    return in_.apply_push(b);
  }
  Result<std::vector<sync::StreamPosition>> streams(const std::string& a) override {
    return in_.streams(a);
  }
  Result<std::vector<sync::RejectRecord>> rejects(const std::string& a) override {
    return in_.rejects(a);
  }
  Result<std::int64_t> append_facts(const std::vector<server::FactRecord>& f) override {
    return in_.append_facts(f);
  }
  Result<std::vector<server::FactRecord>> case_facts(const std::string& a) override {
    return in_.case_facts(a);
  }
  Result<std::map<std::string, std::string>> case_communities(
      const std::vector<std::string>& a) override {
    return in_.case_communities(a);
  }
  Result<std::vector<server::FactRecord>> facts_by_kind(const std::string& a) override {
    return in_.facts_by_kind(a);
  }
  Result<std::int64_t> fact_count() override { return in_.fact_count(); }
  Result<server::ChangePage> read_changes(const std::string& a, std::int64_t b, std::int64_t c,
                                          std::size_t e, const std::string& f,
                                          const std::vector<server::GseqRange>& g) override {
    return in_.read_changes(a, b, c, e, f, g);
  }
  Result<std::vector<sync::DayDigest>> digests(const std::string& a, const std::string& b,
                                               const std::string& c, int d) override {
    return in_.digests(a, b, c, d);
  }
  Result<std::int64_t> publish_reference(const std::string& a, const std::string& b,
                                         std::int64_t c) override {
    return in_.publish_reference(a, b, c);
  }
  Result<std::optional<server::ReferenceRecord>> latest_reference(const std::string& a) override {
    return in_.latest_reference(a);
  }
  Status add_actor_token(const std::string& a, const std::string& b, const std::string& c,
                         std::int64_t e, std::int64_t f) override {
    return in_.add_actor_token(a, b, c, e, f);
  }
  Result<std::optional<Actor>> actor_for_token(const std::string& a, std::int64_t b) override {
    return in_.actor_for_token(a, b);
  }
  Result<std::vector<ActorToken>> actor_tokens() override { return in_.actor_tokens(); }
  Result<std::int64_t> revoke_actor_tokens(const std::string& a, std::int64_t b) override {
    return in_.revoke_actor_tokens(a, b);
  }
  Status revoke_station(const std::string& a, std::int64_t b) override {
    return in_.revoke_station(a, b);
  }
  Result<std::optional<server::CaseRow>> case_row(const std::string& a) override {
    return in_.case_row(a);
  }
  Result<server::CasePage> query_cases(const server::CaseQuery& q) override {
    return in_.query_cases(q);
  }
  Result<std::int64_t> rebuild_projection() override { return in_.rebuild_projection(); }
  Result<server::DistrictFigures> figures(const server::FigureQuery& q) override {
    return in_.figures(q);
  }
  Result<std::vector<server::FactRecord>> community_facts(const std::string& c,
                                                          const std::string& from,
                                                          const std::string& to) override {
    return in_.community_facts(c, from, to);
  }
  Status add_account(const server::AccountRecord& a) override { return in_.add_account(a); }
  Result<std::optional<server::AccountRecord>> find_account(const std::string& a) override {
    return in_.find_account(a);
  }
  Result<std::vector<server::AccountRecord>> accounts() override { return in_.accounts(); }
  Status update_account(const server::AccountRecord& a) override { return in_.update_account(a); }
  Status add_session(const server::SessionRecord& s) override { return in_.add_session(s); }
  Result<std::optional<server::SessionRecord>> find_session(const std::string& a) override {
    return in_.find_session(a);
  }
  Status touch_session(const std::string& a, std::int64_t b) override {
    return in_.touch_session(a, b);
  }
  Status end_sessions(const std::string& a, const std::string& b) override {
    return in_.end_sessions(a, b);
  }
  Status add_audit(const server::AuditRecord& r) override { return in_.add_audit(r); }
  Result<std::vector<server::AuditRecord>> audit_log(std::int64_t a, int b) override {
    return in_.audit_log(a, b);
  }

 private:
  server::DistrictStore& in_;
};

TEST_CASE("a 500 says internal error with a request id; the detail goes only to the log") {
  District d;
  FailingStore store(d.store());
  std::vector<server::RequestLog> lines;
  server::ServiceOptions options;
  options.on_push_parse = [] { throw std::runtime_error("parser blew up in /srv/weimin/secret"); };
  server::DistrictService service(store, d.clock(), options,
                                  [&](const server::RequestLog& l) { lines.push_back(l); });
  store.fail = true;
  auto r = service.handle({"GET", "/v1/health", "", {}, ""});
  CHECK(r.status == 500);
  CHECK(code_of(r) == "internal");
  CHECK(r.body.find("secret") == std::string::npos);
  CHECK(r.body.find("disk") == std::string::npos);
  auto id = sync::header_value(r.headers, "X-Request-Id");
  REQUIRE(id.has_value());
  CHECK(id->size() == 16);
  CHECK(std::all_of(id->begin(), id->end(),
                    [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }));
  CHECK(r.body.find(*id) != std::string::npos);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].request_id == *id);
  CHECK(lines[0].detail.find("/srv/weimin/secret/district.db") != std::string::npos);
  CHECK(json::parse(lines[0].to_line())["detail"] == lines[0].detail);

  // An exception inside a handler: the same.
  store.fail = false;
  TestStation st = d.enroll(kA);
  auto req = d.signed_request(st, "POST", "/v1/push", "", "{}");
  req.headers["Content-Type"] = "application/json";
  auto thrown = service.handle(req);
  CHECK(thrown.status == 500);
  CHECK(thrown.body.find("secret") == std::string::npos);
  CHECK(lines.back().detail.find("parser blew up") != std::string::npos);
  // Two requests, two ids.
  CHECK(lines.front().request_id != lines.back().request_id);
}

TEST_CASE("a 503 says to retry later with a request id; the store's words go only to the log") {
  District d;
  FailingStore store(d.store());
  std::vector<server::RequestLog> lines;
  server::DistrictService service(store, d.clock(), {},
                                  [&](const server::RequestLog& l) { lines.push_back(l); });
  store.fail = true;
  for (ErrorCode code : {ErrorCode::Unavailable, ErrorCode::Locked}) {
    store.fail_code = code;
    auto r = service.handle({"GET", "/v1/health", "", {}, ""});
    CHECK(r.status == 503);
    CHECK(code_of(r) == "unavailable");
    auto e = sync::parse_error_body(r.body);
    REQUIRE(e.is_ok());
    CHECK(e->message.find("retry later") != std::string::npos);
    CHECK(r.body.find("secret") == std::string::npos);
    CHECK(r.body.find("disk") == std::string::npos);
    auto id = sync::header_value(r.headers, "X-Request-Id");
    REQUIRE(id.has_value());
    CHECK(r.body.find(*id) != std::string::npos);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().status == 503);
    CHECK(lines.back().code == "unavailable");
    CHECK(lines.back().detail.find("/srv/weimin/secret/district.db") != std::string::npos);
  }
}

TEST_CASE("a created parameter near 2^64 / 1000 is refused with 401 bad_signature") {
  District d;
  TestStation st = d.enroll(kA);
  sync::HttpRequest r{"GET", "/v1/status", "", {}, ""};
  sync::sign_request(
      r, sync::SignatureParams{9'223'372'036'854'775, "bm9uY2Vub25jZQ==", st.station_id},
      st.key.secret_key);
  auto out = d.call(r);
  CHECK(out.status == 401);
  CHECK(code_of(out) == "bad_signature");
}

// [SECTION] Rosters and clocks

namespace {
const std::string kHash =
    "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
    "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
json staff_entry(std::string no, std::string community, std::string hash = kHash,
                 std::string role = "staff") {
  return json{{"staff_no", std::move(no)},         {"name", "王芳"},
              {"role", std::move(role)},           {"pin_hash", std::move(hash)},
              {"community", std::move(community)}, {"active", true}};
}
}  // namespace

TEST_CASE("each station receives only its own community's roster") {
  District d;
  TestStation a = d.enroll(kA);
  TestStation b = d.enroll(kB);
  const std::string b_hash =
      "$argon2id$v=19$m=65536,t=3,p=1$YmJiYmJiYmJiYmJiYmJiYg$"
      "Ym9ib2Jib2Jib2Jib2Jib2Jib2Jib2Jib2Jib2I";
  json roster{{"staff", json{staff_entry("D001", kA), staff_entry("S002", kA),
                             staff_entry("D001", kB, b_hash, "director")}}};
  REQUIRE(d.service().publish_roster(roster.dump()).is_ok());
  auto page = sync::parse_pull_response(d.signed_call(a, "GET", "/v1/pull", "after=0").body);
  REQUIRE_MESSAGE(page.is_ok(), page.status().to_string());
  REQUIRE(page->changes.size() == 1);
  const json& got = page->changes[0].record;
  CHECK(got["staff"].size() == 2);
  CHECK(got.dump().find(b_hash) == std::string::npos);
  CHECK(got.dump().find(kB) == std::string::npos);
  auto page_b =
      sync::parse_pull_response(d.signed_call(b, "GET", "/v1/pull", "after=0").body).value();
  REQUIRE(page_b.changes.size() == 1);
  REQUIRE(page_b.changes[0].record["staff"].size() == 1);
  CHECK(page_b.changes[0].record["staff"][0]["pin_hash"] == b_hash);
}

TEST_CASE("a roster is checked entry by entry before it is published") {
  District d;
  auto publish = [&](json entry) {
    return d.service().publish_roster(json{{"staff", json::array({std::move(entry)})}}.dump());
  };
  CHECK(publish(staff_entry("D001", kA)).is_ok());
  CHECK_FALSE(publish(staff_entry("D001", "110101001001")).is_ok());  // another district
  CHECK_FALSE(publish(staff_entry("D001", "5301")).is_ok());
  CHECK_FALSE(publish(staff_entry("D001", kA, kHash, "department")).is_ok());  // not a station role
  CHECK_FALSE(publish(staff_entry("D001", kA, kHash, "boss")).is_ok());
  CHECK_FALSE(publish(staff_entry("D 1", kA)).is_ok());
  CHECK_FALSE(publish(staff_entry("D001", kA, "123456")).is_ok());  // a clear PIN
  CHECK_FALSE(
      publish(staff_entry("D001", kA, "$argon2i$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA")).is_ok());
  auto weak = publish(staff_entry("D001", kA, "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"));
  REQUIRE_FALSE(weak.is_ok());
  CHECK(weak.status().message().find("m=65536") != std::string::npos);
  json extra = staff_entry("D001", kA);
  extra["pin"] = "123456";
  CHECK_FALSE(publish(extra).is_ok());
  json twice{{"staff", json{staff_entry("D001", kA), staff_entry("D001", kA)}}};
  CHECK_FALSE(d.service().publish_roster(twice.dump()).is_ok());
}

TEST_CASE(
    "the district remembers each station's clock skew and flags one more than 5 minutes off") {
  District d;
  TestStation good = d.enroll(kA);
  TestStation fast = d.enroll(kB);
  CHECK(d.call(d.signed_request(good, "GET", "/v1/status", "", "", 2'000)).status == 200);
  auto refused = d.call(d.signed_request(fast, "GET", "/v1/status", "", "", 7 * 60'000));
  CHECK(code_of(refused) == "stale_time");
  auto g = d.store().find_station(good.station_id).value().value();
  auto f = d.store().find_station(fast.station_id).value().value();
  REQUIRE(g.skew_ms.has_value());
  REQUIRE(f.skew_ms.has_value());
  CHECK(*g.skew_ms == 2'000);
  CHECK(*f.skew_ms == 7 * 60'000);
  CHECK(f.skew_at_ms == kStart);

  std::ostringstream out, err;
  std::istringstream in;
  const std::string data = (d.dir() / "data").string();
  const std::string kek = (d.dir() / "kek").string();
  if (!using_pg_store()) {
    int rc =
        server::run_district_cli({"--data", data, "--key-file", kek, "stations"}, {in, out, err});
    CHECK_MESSAGE(rc == 0, err.str());
    std::string text = out.str();
    auto line_of = [&](const std::string& id) {
      auto at = text.find(id);
      return at == std::string::npos ? std::string() : text.substr(at, text.find('\n', at) - at);
    };
    CHECK(line_of(good.station_id).find("+2 s") != std::string::npos);
    CHECK(line_of(good.station_id).find("OFF") == std::string::npos);
    CHECK(line_of(fast.station_id).find("+420 s") != std::string::npos);
    CHECK(line_of(fast.station_id).find("CLOCK OFF BY MORE THAN 5 MIN") != std::string::npos);
  }
}

TEST_CASE(
    "case_communities gives each case the community of its first collected fact, in one "
    "call for many cases") {
  District d;
  auto record = [](std::string id, std::string kind, std::string subject, std::int64_t hlc,
                   std::string community) {
    sync::FactPayload f{std::move(id), std::move(kind), std::move(subject), "station:" + community,
                        hlc,           kStart,          "2026-11-22",       json{{"x", 1}}};
    return server::FactRecord{std::move(f), std::move(community), kStart, {}};
  };
  const std::string x = uuid_n(1, 0x900), y = uuid_n(2, 0x900), z = uuid_n(3, 0x900);
  // A store of before the rule may hold two communities' collected facts for one case.
  REQUIRE(d.store()
              .append_facts({record(uuid_n(11, 0x901), "case.collected", x, 2 << 16, kA),
                             record(uuid_n(12, 0x901), "case.collected", x, 1 << 16, kB),
                             record(uuid_n(13, 0x901), "case.collected", y, 5 << 16, kB),
                             record(uuid_n(14, 0x901), "case.note", z, 1 << 16, kA)})
              .is_ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 150; ++i) ids.push_back(uuid_n(100 + static_cast<std::uint64_t>(i), 0x902));
  ids.insert(ids.begin() + 70, x);
  ids.push_back(y);
  ids.push_back(z);
  auto m = d.store().case_communities(ids).value();
  CHECK(m.size() == 2);
  CHECK(m[x] == kB);
  CHECK(m[y] == kB);
  CHECK_FALSE(m.contains(z));
  CHECK(d.store().case_communities({}).value().empty());
  CHECK(d.service().case_view(x)->community == kB);
}

TEST_CASE(
    "weimin-district refuses tokens for what the catalog does not list, lists and revokes "
    "them") {
  if (using_pg_store()) return;  // the command opens the embedded store of the fixture
  District d;
  d.publish_catalog();
  const std::string data = (d.dir() / "data").string();
  const std::string kek = (d.dir() / "kek").string();
  auto run = [&](std::vector<std::string> args, std::string* out_text = nullptr) {
    std::ostringstream out, err;
    std::istringstream in;
    args.insert(args.begin(), {"--data", data, "--key-file", kek});
    int rc = server::run_district_cli(args, {in, out, err});
    if (out_text) *out_text = out.str() + err.str();
    return rc;
  };
  std::string text;
  CHECK(run({"dept", "token", "--department", "hello"}, &text) == 1);
  CHECK(text.find("not a department of the published catalog") != std::string::npos);
  CHECK(run({"office", "token", "--office", "hello"}) == 1);
  CHECK(run({"office", "token", "--office", "530102002", "--ttl-days", "0"}) == 2);
  std::string token;
  REQUIRE(run({"office", "token", "--office", "530102002", "--ttl-days", "7"}, &token) == 0);
  token.erase(token.find_last_not_of('\n') + 1);
  CHECK(d.call(bearer("GET", "/v1/cases", token)).status == 200);
  REQUIRE(run({"token", "list"}, &text) == 0);
  const std::string hash = sync::sha256_hex(token);
  CHECK(text.find(hash.substr(0, 12) + "  street_office 530102002  valid") != std::string::npos);
  CHECK(run({"token", "revoke", "xyz"}) == 1);
  REQUIRE(run({"token", "revoke", hash.substr(0, 8)}, &text) == 0);
  CHECK(text == "revoked 1 token\n");
  CHECK(d.call(bearer("GET", "/v1/cases", token)).status == 401);
  REQUIRE(run({"token", "list"}, &text) == 0);
  CHECK(text.find("revoked") != std::string::npos);
}
