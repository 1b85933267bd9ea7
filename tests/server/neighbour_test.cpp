// The district's projection of neighbour services (neighbour.hpp): wish and care facts pushed
// by stations become rows kept with every push, equal to a rebuild and the same in any order of
// arrival; malformed bodies refused at the push; a store of before the tables gets its rows when
// opened; the console page /console/wishes under each scope, another office's community refused;
// a station's pull carries no other community's wishes. Runs against both stores
// (WEIMIN_TEST_STORE).
#include <doctest/doctest.h>
#include <sodium.h>

#include <algorithm>
#include <map>
#include <random>
#include <regex>
#include <tuple>

#include "seed.hpp"
#include "server_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/neighbour.hpp"
#include "weimin/server/accounts.hpp"
#include "weimin/server/console.hpp"
#include "weimin/server/neighbour.hpp"
#ifdef WEIMIN_SERVER_PG
#include <pqxx/pqxx>
#endif
#include "weimin/storage/keyed_store.hpp"

using namespace weimin;
using namespace weimin::test;

namespace {

const std::string kA = "530102001001";      // of street office 530102001
const std::string kOther = "530102002001";  // of street office 530102002
const std::string kPassword = "correct horse battery";

core::Uuid nth(std::uint64_t n, std::uint64_t space) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "018f%04llx-0000-7000-8000-%012llx",
                static_cast<unsigned long long>(space & 0xffff),
                static_cast<unsigned long long>(n));
  return *core::Uuid::parse(buf);
}

// Wish and care facts as a station writes them.
struct Writer {
  TestStation& st;
  std::uint64_t space;
  std::uint64_t n = 0;
  std::int64_t t = kStart - 3'600'000;

  sync::FactPayload payload(const core::Uuid& id, const core::Uuid& subject, std::string_view kind,
                            nlohmann::json body, std::int64_t at) {
    return sync::FactPayload{id.to_string(),
                             std::string(kind),
                             subject.to_string(),
                             st.station_id,
                             static_cast<std::int64_t>(core::HlcTimestamp{at, 0}.pack()),
                             at,
                             core::local_date(at).to_string(),
                             std::move(body)};
  }
  sync::FactPayload wish(const core::Uuid& wish, core::WishEventKind kind,
                         core::HelpKind help = core::HelpKind::Elderly,
                         std::string text = "想请人陪我去医院复查") {
    t += 60'000;
    core::WishEvent e;
    e.id = kind == core::WishEventKind::Posted ? wish : nth(++n, space);
    e.wish = wish;
    e.kind = kind;
    e.actor = "S002";
    e.help = help;
    if (kind == core::WishEventKind::Posted) {
      e.text = std::move(text);
      e.phone_masked = "139****5678";
    }
    if (kind == core::WishEventKind::Claimed) e.name = "王志愿" + std::to_string(n);
    return payload(e.id, wish, core::to_string(kind), core::wish_event_body(e), t);
  }
  sync::FactPayload care(const core::Uuid& person, core::CareEventKind kind,
                         core::CareOutcome outcome = core::CareOutcome::Well) {
    t += 60'000;
    core::CareEvent e;
    e.id = kind == core::CareEventKind::Listed ? person : nth(++n, space);
    e.person = person;
    e.kind = kind;
    e.actor = "S002";
    e.outcome = outcome;
    if (kind == core::CareEventKind::Listed) {
      e.name = "张奶奶";
      e.address = "3栋2单元401";
      e.phone_masked = "138****1234";
    }
    if (kind == core::CareEventKind::Visit || kind == core::CareEventKind::Call) e.by = "李助老";
    return payload(e.id, person, core::to_string(kind), core::care_event_body(e), t);
  }
};

sync::PushResponse push_some(District& d, TestStation& st,
                             const std::vector<sync::FactPayload>& facts) {
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

void push(District& d, TestStation& st, const std::vector<sync::FactPayload>& facts) {
  auto resp = push_some(d, st, facts);
  REQUIRE_MESSAGE(resp.rejected.empty(), resp.rejected.front().reason);
}

int next_address = 0;

// A browser that keeps the session cookie (the console's own test has the full one).
struct Browser {
  District& d;
  std::string address = "198.51.100." + std::to_string(++next_address % 250);
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

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A station's neighbour services: a wish carried through to confirmation with a second claim
// made offline at the same time (a conflict), a claimed wish, an open micro-wish, a withdrawn
// wish, a claim on a fulfilled wish (a conflict); a resident listed, visited (needing help) and
// called back (not reached); another listed, called and taken off the list.
std::vector<sync::FactPayload> history(TestStation& st, std::uint64_t space) {
  Writer w{st, space};
  using K = core::WishEventKind;
  using C = core::CareEventKind;
  const core::Uuid done = nth(0x901, space), claimed = nth(0x902, space), open = nth(0x903, space),
                   withdrawn = nth(0x904, space), fulfilled = nth(0x905, space),
                   grandma = nth(0x906, space), grandpa = nth(0x907, space);
  return {w.wish(done, K::Posted),
          w.wish(done, K::Claimed),
          w.wish(done, K::Claimed),
          w.wish(done, K::Fulfilled),
          w.wish(done, K::Confirmed),
          w.wish(claimed, K::Posted, core::HelpKind::Childcare, "周末需要人帮忙接孩子放学"),
          w.wish(claimed, K::Claimed),
          w.wish(open, K::Posted, core::HelpKind::MicroWish, "想要一本大字版的新华字典"),
          w.wish(withdrawn, K::Posted, core::HelpKind::Hardship, "冬天缺棉被"),
          w.wish(withdrawn, K::Withdrawn),
          w.wish(fulfilled, K::Posted, core::HelpKind::Health, "请人帮忙取药"),
          w.wish(fulfilled, K::Claimed),
          w.wish(fulfilled, K::Fulfilled),
          w.wish(fulfilled, K::Claimed),
          w.care(grandma, C::Listed),
          w.care(grandma, C::Visit, core::CareOutcome::NeedsHelp),
          w.care(grandma, C::Call, core::CareOutcome::NotReached),
          w.care(grandpa, C::Listed),
          w.care(grandpa, C::Call, core::CareOutcome::Well),
          w.care(grandpa, C::Unlisted)};
}

void check_history_rows(const server::NeighbourRecords& r, const std::string& community) {
  CHECK(r.wishes.size() == 5);
  CHECK(r.care.size() == 2);
  CHECK(r.logs.size() == 3);
  REQUIRE(r.conflicts.size() == 2);
  for (const auto& row : r.wishes) CHECK(row.community == community);
  const server::NeighbourFigures f = r.figures("2026-11");
  CHECK(f.wishes == core::WishCounts{5, 3, 2, 1, 1, 1});
  CHECK(f.by_help.at(core::HelpKind::Elderly) == core::WishCounts{1, 1, 1, 1, 0, 0});
  CHECK(f.listed == 1);
  CHECK(f.visits_due == 0);
  CHECK(r.figures("2026-12").visits_due == 1);
  CHECK(f.care.visits.at(core::CareOutcome::NeedsHelp) == 1);
  CHECK(f.care.calls.at(core::CareOutcome::NotReached) == 1);
  CHECK(f.care.calls.at(core::CareOutcome::Well) == 1);
  bool fulfilled_claim = false;
  for (const auto& c : r.conflicts) {
    fulfilled_claim = fulfilled_claim || c.reason.find("fulfilled already") != std::string::npos;
  }
  CHECK(fulfilled_claim);
}

// Every row as stored, the station's id (made at enrolment, so another in each district)
// written as "<station>".
std::string rows_text(const server::NeighbourRecords& r, const std::string& station_id) {
  std::string text;
  auto add = [&](const auto& rows) {
    for (const auto& row : rows) text += server::neighbour::to_record(row) + "\n";
  };
  add(r.wishes);
  add(r.care);
  add(r.logs);
  add(r.conflicts);
  for (auto at = text.find(station_id); at != std::string::npos; at = text.find(station_id, at)) {
    text.replace(at, station_id.size(), "<station>");
  }
  return text;
}

// Runs `sql` on the test's store as it is on disk: the embedded file, or the PostgreSQL schema.
void run_raw_sql(District& d, const std::string& sql) {
  if (using_pg_store()) {
#ifdef WEIMIN_SERVER_PG
    const std::string& url = d.pg_url();
    const std::string schema = url.substr(url.find("schema=") + 7);
    pqxx::connection c(url.substr(0, url.find("schema=") - 1));
    pqxx::work w(c);
    w.exec("SET LOCAL search_path TO " + schema);
    w.exec(sql);
    w.commit();
#endif
    return;
  }
  auto kek = d.keys().load_or_create();
  REQUIRE(kek.is_ok());
  auto raw = storage::KeyedStore::open(d.dir() / "data", "district.db", *kek);
  REQUIRE(raw.is_ok());
  REQUIRE(raw->db().exec(sql).is_ok());
}

}  // namespace

TEST_CASE("neighbour rows kept with every push equal a rebuild and the same in any push order") {
  const std::uint64_t seed = seed_from_env();
  INFO("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  // In the station's order, one push.
  District ordered;
  ordered.publish_catalog();
  TestStation s0 = ordered.enroll(kA);
  push(ordered, s0, history(s0, 1));
  auto expected = ordered.store().neighbour_records();
  REQUIRE_MESSAGE(expected.is_ok(), expected.status().to_string());
  check_history_rows(*expected, kA);
  REQUIRE(ordered.store().rebuild_projection().is_ok());
  CHECK(ordered.store().neighbour_records().value() == *expected);
  const std::string want = rows_text(*expected, s0.station_id);

  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    District d;
    d.publish_catalog();
    TestStation a = d.enroll(kA);
    auto facts = history(a, 1);
    // In random batches: a claim may come before its wish, a visit before the listing.
    std::shuffle(facts.begin(), facts.end(), rng);
    for (std::size_t i = 0; i < facts.size();) {
      const std::size_t n = std::min<std::size_t>(1 + rng() % 4, facts.size() - i);
      push(d, a, {facts.begin() + static_cast<long>(i), facts.begin() + static_cast<long>(i + n)});
      i += n;
    }
    auto got = d.store().neighbour_records();
    REQUIRE_MESSAGE(got.is_ok(), got.status().to_string());
    CHECK(rows_text(*got, a.station_id) == want);
    d.reopen();
    CHECK(rows_text(d.store().neighbour_records().value(), a.station_id) == want);
  }
}

TEST_CASE("neighbour rows: the same facts in any order project to the same rows (the fold)") {
  const std::uint64_t seed = seed_from_env();
  INFO("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  TestStation st;
  st.community = kA;
  st.station_id = "st-a";
  std::map<std::string, std::vector<server::FactRecord>> by_subject;
  for (auto& f : history(st, 2)) by_subject[f.subject].push_back({f, kA, 0, {}});
  for (auto& [subject, facts] : by_subject) {
    const server::NeighbourSubjectRows want = server::neighbour::project_subject(facts);
    for (int round = 0; round < 20; ++round) {
      std::shuffle(facts.begin(), facts.end(), rng);
      std::vector<server::FactRecord> twice = facts;
      twice.insert(twice.end(), facts.begin(), facts.begin() + 1);  // a repeat changes nothing
      REQUIRE(server::neighbour::project_subject(twice) == want);
    }
  }
}

TEST_CASE("a pushed wish or care fact whose body does not read strictly is rejected; others kept") {
  District d;
  d.publish_catalog();
  TestStation a = d.enroll(kA);
  Writer w{a, 3};
  auto good = w.wish(nth(1, 0x30), core::WishEventKind::Posted);
  auto unknown_field = w.wish(nth(2, 0x30), core::WishEventKind::Posted);
  unknown_field.body["mood"] = "urgent";
  auto clear_phone = w.care(nth(3, 0x30), core::CareEventKind::Listed);
  clear_phone.body["phone_masked"] = "13812341234";
  auto not_its_own = w.wish(nth(4, 0x30), core::WishEventKind::Posted);
  not_its_own.subject = good.subject;  // a posted wish is named by its own id
  auto bad_subject = w.care(nth(5, 0x30), core::CareEventKind::Listed);
  bad_subject.subject = "grandma";
  auto resp = push_some(d, a, {good, unknown_field, clear_phone, not_its_own, bad_subject});
  REQUIRE(resp.rejected.size() == 4);
  CHECK(resp.rejected[0].reason.find("mood") != std::string::npos);
  CHECK(resp.rejected[1].reason.find("masked") != std::string::npos);
  CHECK(resp.rejected[2].reason.find("wish.posted") != std::string::npos);
  CHECK(resp.rejected[3].reason.find("subject") != std::string::npos);
  auto rows = d.store().neighbour_records();
  REQUIRE(rows.is_ok());
  CHECK(rows->wishes.size() == 1);
  CHECK(rows->care.empty());
  CHECK(rows->conflicts.empty());
}

TEST_CASE("a store of before the neighbour tables gets their rows when opened") {
  // Embedded schema 12, PostgreSQL 10: wish and care facts stored, no neighbour tables.
  District d;
  d.publish_catalog();
  TestStation a = d.enroll(kA);
  push(d, a, history(a, 4));
  const server::NeighbourRecords before = d.store().neighbour_records().value();
  REQUIRE(before.wishes.size() == 5);
  d.close();
  const std::string drop =
      "DROP TABLE neighbour_wishes; DROP TABLE neighbour_care; DROP TABLE neighbour_care_log; "
      "DROP TABLE neighbour_conflicts; ";
  run_raw_sql(d, using_pg_store()
                     ? drop +
                           "DROP INDEX fact_neighbour; DELETE FROM schema_migration WHERE "
                           "version >= 11;"
                     : drop +
                           "DROP INDEX facts_neighbour; DELETE FROM schema_migrations WHERE "
                           "version >= 13;");
  d.reopen();
  auto after = d.store().neighbour_records();
  REQUIRE_MESSAGE(after.is_ok(), after.status().to_string());
  CHECK(*after == before);
  check_history_rows(*after, kA);
}

TEST_CASE("console: the wishes page under each scope; another office's community is refused") {
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
  push(d, a, history(a, 5));
  Writer x{other, 6};
  push(d, other,
       {x.wish(nth(1, 0x60), core::WishEventKind::Posted, core::HelpKind::Education,
               "孩子暑假想找大学生辅导数学")});

  Browser office{d};
  office.sign_in("office1");
  auto page = office.get("/console/wishes");
  REQUIRE_MESSAGE(page.status == 200, page.body);
  CHECK(page.body.find("id=\"nav-wishes\"") != std::string::npos);
  CHECK(page.body.find("想要一本大字版的新华字典") != std::string::npos);    // pushed by A
  CHECK(page.body.find("孩子暑假想找大学生辅导数学") == std::string::npos);  // another office's
  CHECK(count_of(page.body, "class=\"stage-open\"") == 1);
  CHECK(count_of(page.body, "class=\"stage-claimed\"") == 1);
  CHECK(count_of(page.body, "class=\"stage-fulfilled\"") == 1);
  CHECK(count_of(page.body, "class=\"stage-confirmed\"") == 1);
  CHECK(page.body.find("id=\"fig-posted\">5<") != std::string::npos);
  CHECK(page.body.find("id=\"fig-listed\">1<") != std::string::npos);
  CHECK(page.body.find("id=\"fig-visits\">1<") != std::string::npos);
  CHECK(page.body.find("id=\"fig-calls\">2<") != std::string::npos);
  CHECK(page.body.find("id=\"fig-conflicts\">2<") != std::string::npos);
  CHECK(page.body.find("data-community=\"" + kA + "\"") != std::string::npos);
  CHECK(page.body.find("id=\"care-log\"") != std::string::npos);
  CHECK(count_of(page.body, "class=\"outcome-needs_help\"") == 1);
  // Names masked to their first character, phones as the station masked them, no address.
  CHECK(page.body.find("张**") != std::string::npos);
  CHECK(page.body.find("张奶奶") == std::string::npos);
  CHECK(page.body.find("李助老") == std::string::npos);
  CHECK(page.body.find("王志愿") == std::string::npos);
  CHECK(page.body.find("138****1234") != std::string::npos);
  CHECK(page.body.find("3栋2单元401") == std::string::npos);
  auto foreign = office.get("/console/wishes", "community=" + kOther);
  CHECK(foreign.status == 403);
  CHECK(foreign.body.find("孩子暑假想找大学生辅导数学") == std::string::npos);
  CHECK(office.get("/console/wishes", "community=" + kA).status == 200);

  Browser office2{d};
  office2.sign_in("office2");
  office2.cookies["lang"] = "en";
  auto theirs = office2.get("/console/wishes");
  REQUIRE(theirs.status == 200);
  CHECK(theirs.body.find("孩子暑假想找大学生辅导数学") != std::string::npos);
  CHECK(theirs.body.find("想要一本大字版的新华字典") == std::string::npos);
  CHECK(theirs.body.find("Neighbour services") != std::string::npos);
  CHECK(office2.get("/console/wishes", "community=" + kA).status == 403);

  Browser urban{d};
  urban.sign_in("urban");
  auto dept = urban.get("/console/wishes");
  REQUIRE(dept.status == 200);
  CHECK(dept.body.find("data-wish=") == std::string::npos);
  CHECK(dept.body.find("data-person=") == std::string::npos);
  CHECK(dept.body.find("id=\"fig-posted\">0<") != std::string::npos);

  Browser admin{d};
  admin.sign_in("admin");
  auto all = admin.get("/console/wishes");
  REQUIRE(all.status == 200);
  CHECK(count_of(all.body, "data-wish=") == 6);
  CHECK(all.body.find("id=\"fig-posted\">6<") != std::string::npos);
  CHECK(all.body.find("fulfilled already") != std::string::npos);  // the late claim, shown
  CHECK(admin.get("/console/wishes", "community=12x").status == 403);
}

TEST_CASE("a station's pull carries its own community's wishes and no other community's") {
  District d;
  d.publish_catalog();
  TestStation a = d.enroll(kA);
  TestStation other = d.enroll(kOther);
  Writer w{a, 7};
  const core::Uuid wish = nth(1, 0x70);
  push(d, a, {w.wish(wish, core::WishEventKind::Posted)});
  auto theirs = d.signed_call(other, "GET", "/v1/pull", "after=0");
  REQUIRE_MESSAGE(theirs.status == 200, theirs.body);
  CHECK(theirs.body.find(wish.to_string()) == std::string::npos);
  // A second station of the same community (a handheld, a replacement) gets it (schema 2: one
  // of schema 1 would not, docs/PROTOCOL.md "Schemas").
  TestStation second = d.enroll(kA);
  auto ours = d.signed_call(second, "GET", "/v1/pull", "after=0&schema=2");
  REQUIRE_MESSAGE(ours.status == 200, ours.body);
  CHECK(ours.body.find(wish.to_string()) != std::string::npos);
}

namespace {

// Where a wish's stage sorts on the page: what needs someone first.
int stage_rank(core::WishStage s) {
  switch (s) {
    case core::WishStage::Open:
      return 0;
    case core::WishStage::Claimed:
      return 1;
    case core::WishStage::Fulfilled:
      return 2;
    case core::WishStage::Confirmed:
      return 3;
    default:
      return 4;
  }
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

// The query of the link with `id` in `body` ("&amp;" read back, the "#anchor" dropped); empty
// when there is no such link.
std::string link_query(const std::string& body, const std::string& id) {
  const std::regex re("id=\"" + id + "\" href=\"/console/wishes\\?([^\"#]*)");
  std::smatch m;
  if (!std::regex_search(body, m, re)) return "";
  std::string q = m[1];
  for (auto at = q.find("&amp;"); at != std::string::npos; at = q.find("&amp;", at + 1)) {
    q.replace(at, 5, "&");
  }
  return q;
}

}  // namespace

TEST_CASE("neighbour pages: bounded, in a stable order, in scope; the console pages them") {
  District d;
  d.publish_catalog();
  TestStation a = d.enroll(kA);
  TestStation other = d.enroll(kOther);
  other.stream = "018f0000-0000-7000-8000-00000000bbbb";
  using K = core::WishEventKind;
  using C = core::CareEventKind;
  Writer w{a, 0x11};
  std::vector<sync::FactPayload> facts;
  // Seven wishes at every stage; four residents listed (one taken off), each visited or called.
  for (std::uint64_t i = 0; i < 7; ++i) {
    const core::Uuid id = nth(0x100 + i, 0x11);
    facts.push_back(w.wish(id, K::Posted, core::HelpKind::Elderly, "心愿" + std::to_string(i)));
    if (i % 3 >= 1) facts.push_back(w.wish(id, K::Claimed));
    if (i % 3 == 2) facts.push_back(w.wish(id, K::Fulfilled));
  }
  facts.push_back(w.wish(nth(0x100, 0x11), K::Withdrawn));
  for (std::uint64_t i = 0; i < 5; ++i) {
    const core::Uuid person = nth(0x200 + i, 0x11);
    facts.push_back(w.care(person, C::Listed));
    facts.push_back(w.care(person, i % 2 ? C::Call : C::Visit));
    if (i == 4) facts.push_back(w.care(person, C::Unlisted));
  }
  push(d, a, facts);
  Writer x{other, 0x12};
  push(d, other, {x.wish(nth(0x300, 0x12), K::Posted, core::HelpKind::Education, "别处的心愿")});
  auto all = d.store().neighbour_records();
  REQUIRE(all.is_ok());

  auto read = [&](const server::NeighbourQuery& q) {
    auto got = d.store().neighbour_page(q);
    REQUIRE_MESSAGE(got.is_ok(), got.status().to_string());
    return *got;
  };
  server::NeighbourQuery q;
  q.office = "530102001";
  q.limit = 3;
  std::vector<std::string> wishes, logs;
  std::vector<bool> more;
  for (std::int64_t from = 0; from < 9; from += 3) {
    q.wishes_from = from;
    q.logs_from = from;
    auto page = read(q);
    for (const auto& r : page.rows.wishes) {
      CHECK(r.community == kA);
      wishes.push_back(r.wish.id.to_string());
    }
    for (const auto& r : page.rows.logs) logs.push_back(r.event.id.to_string());
    more.push_back(page.more_wishes);
  }
  CHECK(more == std::vector<bool>{true, true, false});
  // The order the page promises: community, what needs someone first, newest first, id.
  std::vector<server::NeighbourWishRow> mine;
  for (const auto& r : all->wishes) {
    if (r.community == kA) mine.push_back(r);
  }
  std::sort(mine.begin(), mine.end(), [](const auto& l, const auto& r) {
    return std::make_tuple(l.community, stage_rank(l.wish.stage), -l.wish.posted_ms,
                           l.wish.id.to_string()) <
           std::make_tuple(r.community, stage_rank(r.wish.stage), -r.wish.posted_ms,
                           r.wish.id.to_string());
  });
  std::vector<std::string> expected;
  for (const auto& r : mine) expected.push_back(r.wish.id.to_string());
  CHECK(wishes == expected);
  // Visits and calls newest first.
  std::vector<server::NeighbourLogRow> log_rows = all->logs;
  std::sort(log_rows.begin(), log_rows.end(), [](const auto& l, const auto& r) {
    return std::make_tuple(-l.event.wall_ms, l.event.id.to_string()) <
           std::make_tuple(-r.event.wall_ms, r.event.id.to_string());
  });
  std::vector<std::string> expected_logs;
  for (const auto& r : log_rows) expected_logs.push_back(r.event.id.to_string());
  CHECK(logs == expected_logs);
  // The care list: the four listed now, not the one taken off.
  q.care_from = 3;
  auto care = read(q);
  CHECK(care.rows.care.size() == 1);
  CHECK_FALSE(care.more_care);
  for (const auto& r : care.rows.care) CHECK(r.record.listed);
  CHECK(read(server::NeighbourQuery{}).rows.wishes.size() == 8);  // the whole district
  server::NeighbourQuery one;
  one.community = kOther;
  CHECK(read(one).rows.wishes.size() == 1);
  server::NeighbourQuery bad;
  bad.limit = 201;
  CHECK(d.store().neighbour_page(bad).status().code() == ErrorCode::Invalid);
  bad.limit = 5;
  bad.care_from = -3;
  CHECK(d.store().neighbour_page(bad).status().code() == ErrorCode::Invalid);

  // The console at three rows a page.
  server::Accounts accounts{d.service(), fast_accounts()};
  server::ConsoleOptions options;
  options.page_size = 3;
  server::Console console{d.service(), accounts, options};
  server::Console::mount(d.service(), console);
  REQUIRE(
      accounts.add("office1", server::ConsoleRole::Office, "530102001", kPassword, "t").is_ok());
  Browser office{d};
  office.sign_in("office1");
  std::vector<std::string> seen;
  std::string query = "log_from=3";
  for (int n = 0; n < 3; ++n) {
    INFO("page " << n << ": " << query);
    auto p = office.get("/console/wishes", query);
    REQUIRE_MESSAGE(p.status == 200, p.body);
    CHECK(p.body.find("id=\"fig-posted\">7<") != std::string::npos);  // figures count all
    const auto rows = attribute_values(p.body, "data-wish");
    CHECK(rows.size() == (n < 2 ? 3u : 1u));
    seen.insert(seen.end(), rows.begin(), rows.end());
    CHECK((p.body.find("id=\"wish-paging-prev\"") != std::string::npos) == (n > 0));
    CHECK(p.body.find("id=\"log-paging-prev\"") != std::string::npos);  // the log's page kept
    const std::string next = link_query(p.body, "wish-paging-next");
    if (n == 2) {
      CHECK(next.empty());
      CHECK(link_query(p.body, "wish-paging-prev").find("wishes_from=3") != std::string::npos);
      break;
    }
    CHECK(next.find("log_from=3") != std::string::npos);
    query = next;
  }
  CHECK(seen == expected);
}
