// The district's projection of consultation, work-access and certificate facts (govern.hpp):
// rows kept with every push equal to a fold of all the facts in any order and to a rebuild;
// malformed bodies refused at the push; a forbidden certificate kept and shown as a conflict;
// the console page under each scope, and an out-of-scope read refused. Runs against both
// stores (WEIMIN_TEST_STORE).
#include <doctest/doctest.h>
#include <sodium.h>

#include <algorithm>
#include <map>
#include <random>
#include <regex>
#include <set>

#include "seed.hpp"
#include "server_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/server/accounts.hpp"
#include "weimin/server/console.hpp"
#include "weimin/server/govern.hpp"

using namespace weimin;
using namespace weimin::test;

namespace {

const std::string kA = "530102001001";      // of street office 530102001
const std::string kOther = "530102002001";  // of street office 530102002
const std::string kPassword = "correct horse battery";

core::CivilDate day(const char* text) {
  return *core::CivilDate::parse(text);
}

// Governance facts written at a station, in the station's order.
struct Writer {
  TestStation& st;
  std::uint64_t space;
  std::uint64_t n = 0;
  std::int64_t t = kStart - 3'600'000;

  core::Uuid next_id() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "018f%04llx-0000-7000-8000-%012llx",
                  static_cast<unsigned long long>(space & 0xffff),
                  static_cast<unsigned long long>(++n));
    t += 60'000;
    return *core::Uuid::parse(buf);
  }
  sync::FactPayload wrap(std::string kind, const core::Uuid& id, const core::Uuid& subject,
                         nlohmann::json body) {
    return {id.to_string(),
            std::move(kind),
            subject.to_string(),
            st.station_id,
            static_cast<std::int64_t>(core::HlcTimestamp{t, 0}.pack()),
            t,
            core::local_date(t).to_string(),
            std::move(body)};
  }
  sync::FactPayload consult(std::optional<core::Uuid> topic,
                            decltype(core::ConsultEvent::body) body, core::Uuid* id_out = nullptr) {
    const core::Uuid id = next_id();
    core::ConsultEvent e{id, topic ? *topic : id, {t, 0}, t, st.station_id, "S01", std::move(body)};
    if (id_out) *id_out = id;
    return wrap(std::string(core::to_string(e.kind())), id, e.topic, core::to_json(e));
  }
  sync::FactPayload reg(std::optional<core::Uuid> subject, decltype(core::RegisterEvent::body) body,
                        core::Uuid* id_out = nullptr) {
    const core::Uuid id = next_id();
    core::RegisterEvent e{id,    subject ? *subject : id, {t, 0}, t, st.station_id,
                          "S01", std::move(body)};
    if (id_out) *id_out = id;
    return wrap(std::string(core::to_string(e.kind())), id, e.subject, core::to_json(e));
  }
};

sync::PushResponse push(District& d, TestStation& st, const std::vector<sync::FactPayload>& facts) {
  sync::PushRequest p;
  p.station_id = st.station_id;
  p.stream = st.stream;
  p.base_seq = st.seq;
  for (const auto& f : facts) p.entries.push_back({++st.seq, "fact", sync::to_json_value(f)});
  auto r = d.signed_call(st, "POST", "/v1/push", "", sync::to_json(p));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto resp = sync::parse_push_response(r.body);
  REQUIRE(resp.is_ok());
  return *resp;
}

// A station's history: a topic to a decision carried out, a refused and an approved
// application (with a second decision on the refused one: a conflict), a hardship certificate
// and a forbidden one (a conflict).
std::vector<sync::FactPayload> history(TestStation& st, std::uint64_t space) {
  Writer w{st, space};
  std::vector<sync::FactPayload> out;
  core::Uuid topic, meeting, decision, refused, approved;
  out.push_back(w.consult(std::nullopt,
                          core::ConsultTopicRaised{"小区停车难", "晚上车位不够", true}, &topic));
  out.push_back(w.consult(
      topic, core::ConsultMeetingHeld{day("2026-11-20"), 23, "居民与物业协商", "物业"}, &meeting));
  out.push_back(
      w.consult(topic, core::ConsultDecisionMade{"划定夜间临时车位", meeting}, &decision));
  out.push_back(w.consult(topic, core::ConsultDecisionDone{decision, day("2026-11-21"), "已划线"}));
  out.push_back(
      w.reg(std::nullopt,
            core::AccessApplied{"urban_management", "要求社区负责占道经营执法",
                                "五城管〔2026〕12号", core::WorkAccessVerdict::NeedsApproval,
                                core::WorkAccessReason::AbolishedWork},
            &refused));
  out.push_back(w.reg(refused, core::AccessDecided{false, "五华区社区建设工作领导小组",
                                                   day("2026-11-20"), "属执法事项"}));
  out.push_back(w.reg(refused, core::AccessDecided{true, "某街道", day("2026-11-21"), ""}));
  out.push_back(w.reg(std::nullopt,
                      core::AccessApplied{"police", "协助开展反诈宣传入户", "",
                                          core::WorkAccessVerdict::NeedsApproval,
                                          core::WorkAccessReason::NoCloseMatch},
                      &approved));
  out.push_back(w.reg(
      approved, core::AccessDecided{true, "五华区社区建设工作领导小组", day("2026-11-21"), ""}));
  out.push_back(
      w.reg(std::nullopt, core::CertificateIssued{"economic_hardship", "张*", "530102********1234",
                                                  "失业，家庭困难", day("2026-11-21")}));
  out.push_back(
      w.reg(std::nullopt, core::CertificateIssued{"residence", "李*", "530102********5678",
                                                  "居住证明", day("2026-11-21")}));
  return out;
}

int next_address = 0;

// A browser that keeps the session cookie (the console's own test has the full one).
struct Browser {
  District& d;
  std::string address = "203.0.113." + std::to_string(++next_address % 250);
  std::map<std::string, std::string> cookies;
  std::string csrf;

  sync::HttpResponse send(sync::HttpRequest r) {
    std::string c;
    for (const auto& [k, v] : cookies) c += (c.empty() ? "" : "; ") + k + "=" + v;
    if (!c.empty()) r.headers["Cookie"] = c;
    r.remote_address = address;
    sync::HttpResponse out = d.service().handle(r);
    if (auto set = sync::header_value(out.headers, "Set-Cookie")) {
      std::string first = set->substr(0, set->find(';'));
      cookies[first.substr(0, first.find('='))] = first.substr(first.find('=') + 1);
    }
    static const std::regex token(R"re(name="csrf" value="([0-9a-f]+)")re");
    std::smatch m;
    if (std::regex_search(out.body, m, token)) csrf = m[1];
    return out;
  }
  sync::HttpResponse get(std::string path, std::string query = "") {
    return send({"GET", std::move(path), std::move(query), {}, ""});
  }
  void sign_in(const std::string& user) {
    REQUIRE(get("/console/signin").status == 200);
    std::string body = "user=" + user + "&password=correct%20horse%20battery&csrf=" + csrf;
    sync::HttpRequest r{"POST", "/console/signin", "", {}, body};
    r.headers["Content-Type"] = "application/x-www-form-urlencoded";
    auto out = send(std::move(r));
    REQUIRE_MESSAGE(out.status == 303, out.body);
  }
};

server::AccountOptions fast_accounts() {
  server::AccountOptions o;
  o.opslimit = crypto_pwhash_OPSLIMIT_MIN;
  o.memlimit = crypto_pwhash_MEMLIMIT_MIN;
  return o;
}

}  // namespace

TEST_CASE("govern rows kept with every push equal a rebuild, whatever the push order") {
  const std::uint64_t seed = seed_from_env();
  INFO("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  District d;
  d.publish_catalog();
  TestStation a = d.enroll(kA);
  auto facts = history(a, 1);
  // Pushed in random batches: a decision may arrive before its application.
  std::shuffle(facts.begin(), facts.end(), rng);
  for (std::size_t i = 0; i < facts.size();) {
    const std::size_t n = std::min<std::size_t>(1 + rng() % 4, facts.size() - i);
    auto resp = push(
        d, a, {facts.begin() + static_cast<long>(i), facts.begin() + static_cast<long>(i + n)});
    REQUIRE_MESSAGE(resp.rejected.empty(), resp.rejected.front().reason);
    i += n;
  }
  auto kept = d.store().govern_records();
  REQUIRE_MESSAGE(kept.is_ok(), kept.status().to_string());
  const server::GovernFigures f = kept->figures();
  CHECK(f.topics == 1);
  CHECK(f.activities == 1);
  CHECK(f.items == 1);
  CHECK(f.carried_out == 1);
  CHECK(f.applications == 2);
  CHECK(f.approved == 1);
  CHECK(f.refused == 1);
  CHECK(f.certificates == 1);
  REQUIRE(f.conflicts == 2);
  CHECK(kept->topics[0].community == kA);
  bool forbidden_shown = false;
  for (const auto& c : kept->conflicts) {
    forbidden_shown = forbidden_shown || c.reason.find("may not issue") != std::string::npos;
  }
  CHECK(forbidden_shown);

  REQUIRE(d.store().rebuild_projection().is_ok());
  auto rebuilt = d.store().govern_records();
  REQUIRE(rebuilt.is_ok());
  CHECK(*rebuilt == *kept);
  d.reopen();
  CHECK(d.store().govern_records().value() == *kept);
}

TEST_CASE("a pushed govern fact whose body does not read strictly is rejected; others kept") {
  District d;
  d.publish_catalog();
  TestStation a = d.enroll(kA);
  Writer w{a, 2};
  auto good = w.consult(std::nullopt, core::ConsultTopicRaised{"加装电梯", "", false});
  auto unknown_field = w.consult(std::nullopt, core::ConsultTopicRaised{"噪音", "", true});
  unknown_field.body["mood"] = "angry";
  auto clear_id = w.reg(std::nullopt, core::CertificateIssued{"economic_hardship", "张*", "****",
                                                              "失业", day("2026-11-21")});
  clear_id.body["resident_id_masked"] = "11010519491231002X";
  auto wrong_subject = w.consult(std::nullopt, core::ConsultTopicRaised{"路灯", "", true});
  wrong_subject.subject = good.subject;
  auto resp = push(d, a, {good, unknown_field, clear_id, wrong_subject});
  REQUIRE(resp.rejected.size() == 3);
  CHECK(resp.rejected[0].reason.find("unknown field \"mood\"") != std::string::npos);
  CHECK(resp.rejected[1].reason.find("masked") != std::string::npos);
  CHECK(resp.rejected[2].reason.find("subject") != std::string::npos);
  CHECK(d.store().govern_records().value().topics.size() == 1);
}

TEST_CASE("console: the govern page under each scope; another office's community is refused") {
  District d;
  d.publish_catalog();
  server::Accounts accounts{d.service(), fast_accounts()};
  server::Console console{d.service(), accounts};
  server::Console::mount(d.service(), console);
  for (auto [user, role, scope] :
       std::vector<std::tuple<std::string, server::ConsoleRole, std::string>>{
           {"office1", server::ConsoleRole::Office, "530102001"},
           {"office2", server::ConsoleRole::Office, "530102002"},
           {"urban", server::ConsoleRole::Department, "urban_management"},
           {"admin", server::ConsoleRole::Admin, "530102"}}) {
    REQUIRE(accounts.add(user, role, scope, kPassword, "test").is_ok());
  }
  TestStation a = d.enroll(kA);
  TestStation other = d.enroll(kOther);
  other.stream = "018f0000-0000-7000-8000-00000000bbbb";
  REQUIRE(push(d, a, history(a, 3)).rejected.empty());
  Writer w{other, 4};
  REQUIRE(push(d, other,
               {w.consult(std::nullopt, core::ConsultTopicRaised{"垃圾清运不及时", "", true})})
              .rejected.empty());

  Browser office{d};
  office.sign_in("office1");
  auto page = office.get("/console/govern");
  REQUIRE_MESSAGE(page.status == 200, page.body);
  CHECK(page.body.find("小区停车难") != std::string::npos);
  CHECK(page.body.find("垃圾清运不及时") == std::string::npos);  // another office's community
  CHECK(page.body.find("id=\"fig-activities\">1<") != std::string::npos);
  CHECK(page.body.find("id=\"fig-carried_out\">1<") != std::string::npos);
  CHECK(page.body.find("id=\"fig-certificates\">1<") != std::string::npos);
  CHECK(page.body.find("530102********1234") != std::string::npos);
  CHECK(page.body.find("id=\"nav-govern\"") != std::string::npos);
  auto foreign = office.get("/console/govern", "community=" + kOther);
  CHECK(foreign.status == 403);
  CHECK(foreign.body.find("垃圾清运不及时") == std::string::npos);

  Browser urban{d};
  urban.sign_in("urban");
  auto dept = urban.get("/console/govern", "lang=en");
  REQUIRE(dept.status == 200);
  CHECK(dept.body.find("要求社区负责占道经营执法") != std::string::npos);
  CHECK(dept.body.find("协助开展反诈宣传入户") == std::string::npos);  // names the police
  CHECK(dept.body.find("小区停车难") == std::string::npos);
  CHECK(dept.body.find("530102********1234") == std::string::npos);

  Browser admin{d};
  admin.sign_in("admin");
  auto all = admin.get("/console/govern");
  REQUIRE(all.status == 200);
  CHECK(all.body.find("小区停车难") != std::string::npos);
  CHECK(all.body.find("垃圾清运不及时") != std::string::npos);
  CHECK(all.body.find("id=\"fig-topics\">2<") != std::string::npos);
  CHECK(all.body.find("may not issue") != std::string::npos);  // the forbidden certificate, shown
}

namespace {

// The href of the link with `id` in `body` (HTML-escaped "&amp;" read back), split into path
// and query (the "#anchor" dropped); empty when there is no such link.
std::pair<std::string, std::string> link_of(const std::string& body, const std::string& id) {
  const std::regex re("id=\"" + id + "\" href=\"([^\"#]*)");
  std::smatch m;
  if (!std::regex_search(body, m, re)) return {};
  std::string href = m[1];
  for (auto at = href.find("&amp;"); at != std::string::npos; at = href.find("&amp;", at + 1)) {
    href.replace(at, 5, "&");
  }
  const auto q = href.find('?');
  if (q == std::string::npos) return {href, ""};
  return {href.substr(0, q), href.substr(q + 1)};
}

std::vector<std::string> attribute_values(const std::string& body, const std::string& attr) {
  std::vector<std::string> out;
  const std::regex re(attr + "=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), re); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

}  // namespace

TEST_CASE("govern pages: bounded, newest first, in scope; the console pages with plain links") {
  District d;
  d.publish_catalog();
  TestStation a = d.enroll(kA);
  TestStation other = d.enroll(kOther);
  other.stream = "018f0000-0000-7000-8000-00000000bbbb";
  Writer w{a, 8};
  std::vector<sync::FactPayload> facts;
  for (int i = 0; i < 7; ++i) {
    facts.push_back(w.consult(
        std::nullopt, core::ConsultTopicRaised{"议题" + std::to_string(i), "", i % 2 == 0}));
  }
  for (int i = 0; i < 5; ++i) {
    facts.push_back(w.reg(std::nullopt, core::AccessApplied{i < 3 ? "urban_management" : "police",
                                                            "事项" + std::to_string(i), "",
                                                            core::WorkAccessVerdict::NeedsApproval,
                                                            core::WorkAccessReason::NoCloseMatch}));
  }
  for (int i = 0; i < 4; ++i) {
    facts.push_back(w.reg(std::nullopt,
                          core::CertificateIssued{"economic_hardship", "张*", "530102********1234",
                                                  "困难" + std::to_string(i), day("2026-11-21")}));
  }
  REQUIRE(push(d, a, facts).rejected.empty());
  Writer x{other, 9};
  REQUIRE(push(d, other,
               {x.consult(std::nullopt, core::ConsultTopicRaised{"别处的议题", "", true}),
                x.reg(std::nullopt, core::AccessApplied{"urban_management", "别处的事项", "",
                                                        core::WorkAccessVerdict::NeedsApproval,
                                                        core::WorkAccessReason::NoCloseMatch})})
              .rejected.empty());
  auto all = d.store().govern_records();
  REQUIRE(all.is_ok());

  auto read = [&](server::GovernQuery q) {
    auto got = d.store().govern_page(q);
    REQUIRE_MESSAGE(got.is_ok(), got.status().to_string());
    return *got;
  };
  // The office's topics, three at a time: every one once, newest first, none of the other
  // office's.
  server::GovernQuery q;
  q.office = "530102001";
  q.limit = 3;
  std::vector<std::string> ids;
  std::vector<bool> more;
  for (std::int64_t from = 0; from < 9; from += 3) {
    q.topics_from = from;
    auto page = read(q);
    CHECK(page.rows.topics.size() <= 3);
    for (const auto& t : page.rows.topics) {
      CHECK(t.community == kA);
      ids.push_back(t.topic.id.to_string());
    }
    more.push_back(page.more_topics);
  }
  CHECK(more == std::vector<bool>{true, true, false});
  std::vector<std::string> expected;
  for (const auto& t : all->topics) {
    if (t.community == kA) expected.push_back(t.topic.id.to_string());
  }
  std::sort(expected.rbegin(), expected.rend());
  CHECK(ids == expected);
  q.topics_from = 0;
  auto first = read(q);
  CHECK(first.rows.applications.size() == 3);
  CHECK(first.more_applications);
  CHECK(first.rows.certificates.size() == 3);
  CHECK(first.more_certificates);
  q.certificates_from = 3;
  CHECK(read(q).rows.certificates.size() == 1);
  CHECK_FALSE(read(q).more_certificates);

  // A department: the applications naming it, of every community, nothing else.
  server::GovernQuery dept;
  dept.department = "urban_management";
  dept.limit = 200;
  auto urban = read(dept);
  CHECK(urban.rows.applications.size() == 4);
  CHECK(urban.rows.topics.empty());
  CHECK(urban.rows.certificates.empty());
  for (const auto& r : urban.rows.applications) {
    CHECK(r.application.applied.department == "urban_management");
  }
  // One community; the whole district.
  server::GovernQuery one;
  one.community = kOther;
  CHECK(read(one).rows.topics.size() == 1);
  CHECK(read(server::GovernQuery{}).rows.topics.size() == 8);
  // Bounds refused, saying which.
  server::GovernQuery bad;
  bad.limit = 0;
  CHECK(d.store().govern_page(bad).status().code() == ErrorCode::Invalid);
  bad.limit = 201;
  CHECK(d.store().govern_page(bad).status().code() == ErrorCode::Invalid);
  bad.limit = 10;
  bad.applications_from = -1;
  CHECK(d.store().govern_page(bad).status().code() == ErrorCode::Invalid);

  // The console at three rows a page: next and previous links that need no script, the other
  // lists' places kept.
  server::Accounts accounts{d.service(), fast_accounts()};
  server::ConsoleOptions options;
  options.page_size = 3;
  server::Console console{d.service(), accounts, options};
  server::Console::mount(d.service(), console);
  REQUIRE(
      accounts.add("office1", server::ConsoleRole::Office, "530102001", kPassword, "t").is_ok());
  Browser office{d};
  office.sign_in("office1");
  auto page = office.get("/console/govern", "community=" + kA + "&applications_from=3");
  REQUIRE_MESSAGE(page.status == 200, page.body);
  CHECK(page.body.find("id=\"fig-topics\">7<") != std::string::npos);  // figures count all
  CHECK(attribute_values(page.body, "data-application").size() == 2);  // rows 4 and 5
  CHECK(page.body.find("id=\"application-paging-prev\"") != std::string::npos);
  CHECK(page.body.find("id=\"application-paging-next\"") == std::string::npos);
  std::set<std::string> seen;
  std::string query = "community=" + kA + "&applications_from=3";
  for (int n = 0; n < 3; ++n) {
    INFO("page " << n << ": " << query);
    auto p = office.get("/console/govern", query);
    REQUIRE(p.status == 200);
    const auto topics = attribute_values(p.body, "data-topic");
    CHECK(topics.size() == (n < 2 ? 3u : 1u));
    seen.insert(topics.begin(), topics.end());
    CHECK((p.body.find("id=\"topic-paging-prev\"") != std::string::npos) == (n > 0));
    // Every step keeps the community and the applications' page.
    CHECK(p.body.find("applications_from=3") != std::string::npos);
    const auto [path, next] = link_of(p.body, "topic-paging-next");
    if (n == 2) {
      CHECK(path.empty());
      const auto [back_path, back] = link_of(p.body, "topic-paging-prev");
      CHECK(back_path == "/console/govern");
      CHECK(back.find("topics_from=3") != std::string::npos);
      break;
    }
    REQUIRE(path == "/console/govern");
    CHECK(next.find("community=" + kA) != std::string::npos);
    query = next;
  }
  CHECK(seen.size() == 7);
  // A hand-edited offset that is no number shows the first page.
  CHECK(
      attribute_values(office.get("/console/govern", "topics_from=x").body, "data-topic").size() ==
      3);
}
