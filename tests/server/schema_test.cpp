// Protocol schemas at the district (docs/PROTOCOL.md, "Schemas"): it serves schema 2 and 1. A
// station of schema 1 (the release before issue 16, which sends no schema on a pull) is sent
// only the kinds and fields schema 1 knows, in a page of schema 1's shape, and told in headers
// how many facts were left out or cut down; its digests cover the same facts. A push of schema 1
// is applied; schemas 0 and 3 are refused everywhere. Runs on the embedded store, and on
// PostgreSQL with WEIMIN_TEST_STORE (tests/postgres).
#include <doctest/doctest.h>

#include <set>

#include "case_history.hpp"
#include "server_fixture.hpp"
#include "weimin/core/neighbour.hpp"
#include "weimin/sync/protocol_digest.hpp"
#include "weimin/sync/protocol_schema.hpp"

using namespace weimin;
using namespace weimin::test;
using nlohmann::json;

namespace {

const std::string kA = "530102001001";
constexpr const char* kGrid = "530102001001001";

core::CaseEvent case_event(const core::Uuid& case_id, std::uint64_t n, std::int64_t at,
                           const TestStation& st, core::CasePayload p) {
  core::CaseEvent e;
  e.id = uuid_of(0x7500, n);
  e.case_id = case_id;
  e.hlc = {at, 0};
  e.origin = st.station_id;
  e.wall_ms = at;
  e.actor = "G010";
  e.actor_role = core::Role::GridWorker;
  e.payload = std::move(p);
  return e;
}

sync::FactPayload wish_posted(const TestStation& st, const core::Uuid& id, std::int64_t at) {
  core::WishEvent e;
  e.id = id;
  e.wish = id;
  e.kind = core::WishEventKind::Posted;
  e.actor = "S002";
  e.help = core::HelpKind::Elderly;
  e.text = "想请人陪我去医院复查";
  e.phone_masked = "139****5678";
  return sync::FactPayload{id.to_string(),
                           std::string(core::to_string(e.kind)),
                           id.to_string(),
                           st.station_id,
                           static_cast<std::int64_t>(core::HlcTimestamp{at, 0}.pack()),
                           at,
                           core::local_date(at).to_string(),
                           core::wish_event_body(e)};
}

sync::FactPayload ticket(const TestStation& st, std::uint64_t n, std::int64_t at) {
  return sync::FactPayload{uuid_of(0x7600, n).to_string(),
                           "ticket.taken",
                           uuid_of(0x7601, n).to_string(),
                           st.station_id,
                           static_cast<std::int64_t>(core::HlcTimestamp{at, 0}.pack()),
                           at,
                           core::local_date(at).to_string(),
                           json{{"line", "A"}, {"n", n}}};
}

// A community whose station (schema 2) pushed one fact of each sort: a case collected with
// where it is (schema 2's field), a visit (schema 2's kind), a wish (schema 2) and a ticket.
struct Community {
  District d;
  TestStation st;
  core::Uuid case_id = uuid_of(0x7400, 1);
  core::Uuid wish = uuid_of(0x7401, 1);
  sync::FactPayload collected, visited, wished, taken;

  Community() : st(enrolled()) {
    const std::int64_t t = kStart - 3 * kHistoryHour;
    core::CaseCollected c{"env_sanitation", core::CaseChannel::GridRound, "楼道堆物", ""};
    c.where = core::CaseWhere{kGrid, "", "2单元", core::GeoPoint{25'046'512, 102'702'139}};
    collected = to_fact(case_event(case_id, 1, t, st, c));
    visited = to_fact(case_event(case_id, 2, t + kHistoryHour, st, core::CaseVisited{"已上门"}));
    wished = wish_posted(st, wish, t + 2 * kHistoryHour);
    taken = ticket(st, 1, t + 2 * kHistoryHour + 60'000);
    push_facts(d, st, {collected, visited, wished, taken});
  }
  TestStation enrolled() {
    d.publish_catalog();
    return d.enroll(kA);
  }
};

std::set<std::string> fact_ids(const std::vector<sync::Change>& changes) {
  std::set<std::string> out;
  for (const auto& c : changes) {
    if (c.type == "fact") out.insert(c.record.at("id").get<std::string>());
  }
  return out;
}

const json* record_of(const std::vector<sync::Change>& changes, const std::string& id) {
  for (const auto& c : changes) {
    if (c.type == "fact" && c.record.at("id") == id) return &c.record;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("fact kinds: the first release's are schema 1, issue 16's schema 2, unknown ones new") {
  for (const char* k :
       {"case.collected", "case.sent_back", "ticket.taken", "window.paused", "appointment.booked",
        "evaluation.given", "resident.contact", "staff.sign_in", "audit.case_collected"}) {
    CHECK_MESSAGE(sync::fact_kind_schema(k) == 1, k);
  }
  for (const char* k : {"case.visited", "wish.posted", "care.visit_logged", "consult.topic_raised",
                        "access.decided", "certificate.issued"}) {
    CHECK_MESSAGE(sync::fact_kind_schema(k) == 2, k);
  }
  CHECK(sync::fact_kind_schema("case.something_new") == sync::kSchema);
  CHECK(sync::fact_kind_schema("ticket.") == sync::kSchema);  // a prefix alone is no kind
  CHECK(sync::fact_kind_schema("") == sync::kSchema);
}

TEST_CASE("a station of schema 1 pulls a page without the kinds and fields schema 1 lacks") {
  Community c;
  // The community's other station still runs the release before (schema 1): it sends no schema.
  TestStation old = c.d.enroll(kA);
  for (const std::string query : {"after=0", "after=0&schema=1"}) {
    CAPTURE(query);
    auto r = c.d.signed_call(old, "GET", "/v1/pull", query);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    // The body has schema 1's keys only: that release refuses an unknown key.
    const json body = json::parse(r.body);
    std::set<std::string> keys;
    for (const auto& [k, v] : body.items()) keys.insert(k);
    CHECK(keys == std::set<std::string>{"epoch", "changes", "count", "checksum", "next_after",
                                        "more", "server_ms"});
    auto page = sync::parse_pull_response(r.body);
    REQUIRE_MESSAGE(page.is_ok(), page.status().to_string());
    CHECK(fact_ids(page->changes) == std::set<std::string>{c.collected.id, c.taken.id});
    const json* collected = record_of(page->changes, c.collected.id);
    REQUIRE(collected != nullptr);
    CHECK_FALSE(collected->at("body").contains("where"));
    CHECK(collected->at("body").at("description") == "楼道堆物");
    // What was left out, in headers the old release ignores.
    CHECK(sync::header_value(r.headers, sync::kLeftOutHeader) == "2");
    CHECK(sync::header_value(r.headers, sync::kTrimmedHeader) == "1");
    CHECK_FALSE(page->more);
  }
  // The same pull in schema 2 holds every fact, whole, and says nothing was left out.
  auto r = c.d.signed_call(old, "GET", "/v1/pull", "after=0&schema=2");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto page = sync::parse_pull_response(r.body);
  REQUIRE(page.is_ok());
  CHECK(fact_ids(page->changes) ==
        std::set<std::string>{c.collected.id, c.visited.id, c.wished.id, c.taken.id});
  CHECK(record_of(page->changes, c.collected.id)->at("body").at("where").at("grid") == kGrid);
  CHECK(page->left_out == 0);
  CHECK(page->trimmed == 0);
  CHECK_FALSE(sync::header_value(r.headers, sync::kLeftOutHeader).has_value());
}

TEST_CASE("a schema-1 page left out whole is still a page: the cursor moves past it") {
  Community c;
  TestStation old = c.d.enroll(kA);
  // One change a page: the second and third changes (the visit and the wish) are left out.
  std::int64_t after = 0;
  std::vector<std::int64_t> counts, left;
  for (int guard = 0; guard < 20; ++guard) {
    auto r = c.d.signed_call(old, "GET", "/v1/pull",
                             "after=" + std::to_string(after) + "&limit=1&schema=1");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto page = sync::parse_pull_response(r.body).value();
    CHECK(page.next_after > after);
    after = page.next_after;
    std::int64_t facts = 0;
    for (const auto& ch : page.changes) facts += ch.type == "fact";
    counts.push_back(facts);
    left.push_back(std::stoll(sync::header_value(r.headers, sync::kLeftOutHeader).value_or("0")));
    if (!page.more) break;
  }
  // The catalog first, then the four facts in push order.
  REQUIRE(counts.size() == 5);
  CHECK(counts == std::vector<std::int64_t>{0, 1, 0, 0, 1});
  CHECK(left == std::vector<std::int64_t>{0, 0, 1, 1, 0});
}

TEST_CASE("pulls and digests in a schema the district does not serve are refused") {
  Community c;
  for (const char* q :
       {"after=0&schema=0", "after=0&schema=3", "after=0&schema=", "after=0&schema=x"}) {
    auto r = c.d.signed_call(c.st, "GET", "/v1/pull", q);
    CHECK_MESSAGE(r.status == 400, q);
    CHECK(r.body.find("schema") != std::string::npos);
  }
  for (const char* q :
       {"from=2026-01-01&to=2026-12-31&schema=0", "from=2026-01-01&to=2026-12-31&schema=3"}) {
    CHECK_MESSAGE(c.d.signed_call(c.st, "GET", "/v1/digest", q).status == 400, q);
  }
}

TEST_CASE("a station of schema 1 compares digests over the facts schema 1 knows") {
  Community c;
  const std::string day = c.collected.day;
  REQUIRE(c.visited.day == day);
  REQUIRE(c.wished.day == day);
  REQUIRE(c.taken.day == day);
  const std::string range = "from=" + day + "&to=" + day;
  auto digest = [&](const std::string& query) {
    auto r = c.d.signed_call(c.st, "GET", "/v1/digest", query);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto d = sync::parse_digest_response(r.body).value();
    REQUIRE(d.digests.size() == 1);
    return d.digests[0];
  };
  const sync::DayDigest old = digest(range);
  CHECK(old == digest(range + "&schema=1"));
  CHECK(old.count == 2);
  CHECK(old == sync::day_digests({{"fact", day, c.collected.id}, {"fact", day, c.taken.id}})[0]);
  CHECK(digest(range + "&schema=2").count == 4);
}

TEST_CASE("a push of schema 1 is applied; of schema 0 or 3 refused and nothing stored") {
  District d;
  d.publish_catalog();
  TestStation st = d.enroll(kA);
  const std::int64_t before = d.store().fact_count().value();
  auto body = [&](int schema, std::uint64_t n) {
    sync::PushRequest p;
    p.schema = schema;
    p.station_id = st.station_id;
    p.stream = st.stream;
    p.base_seq = st.seq;
    p.entries.push_back({st.seq + 1, "fact", sync::to_json_value(ticket(st, n, kStart - 60'000))});
    return sync::to_json(p);
  };
  for (int schema : {0, 3}) {
    const std::string text = body(schema, 10 + schema);
    REQUIRE(text.find("\"schema\":" + std::to_string(schema)) != std::string::npos);
    auto r = d.signed_call(st, "POST", "/v1/push", "", text);
    CHECK(r.status == 400);
    CHECK(r.body.find("schema " + std::to_string(schema) + " is not spoken here") !=
          std::string::npos);
    CHECK(d.store().fact_count().value() == before);
  }
  const std::string text = body(1, 1);
  REQUIRE(text.find("\"schema\":1") != std::string::npos);
  auto r = d.signed_call(st, "POST", "/v1/push", "", text);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto out = sync::parse_push_response(r.body).value();
  CHECK(out.applied == 1);
  CHECK(out.rejected.empty());
  CHECK(d.store().fact_count().value() == before + 1);
}
