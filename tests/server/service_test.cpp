// DistrictService through handle(): enrolment, signatures, push/pull/status/digest, bad input,
// epochs, and the district's half of the case loop.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "server_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/storage/keyed_store.hpp"
#include "weimin/sync/protocol_digest.hpp"

using namespace weimin;
using namespace weimin::test;
using nlohmann::json;

namespace {

std::string uuid_n(std::uint64_t n, std::uint64_t space = 1) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "018f%04llx-0000-7000-8000-%012llx",
                static_cast<unsigned long long>(space & 0xffff),
                static_cast<unsigned long long>(n));
  return buf;
}

sync::FactPayload ticket_fact(const TestStation& st, std::uint64_t n,
                              std::string day = "2026-11-22") {
  return sync::FactPayload{uuid_n(n, std::stoull(st.community.substr(9))),
                           "ticket.taken",
                           uuid_n(n, 0xffff),
                           st.station_id,
                           static_cast<std::int64_t>(n) << 16,
                           kStart + static_cast<std::int64_t>(n),
                           std::move(day),
                           json{{"line", "A"}, {"n", n}}};
}

sync::PushRequest batch(TestStation& st, const std::vector<sync::FactPayload>& facts) {
  sync::PushRequest p;
  p.station_id = st.station_id;
  p.stream = st.stream;
  p.base_seq = 0;
  for (const auto& f : facts) p.entries.push_back({++st.seq, "fact", sync::to_json_value(f)});
  return p;
}

std::string code_of(const sync::HttpResponse& r) {
  auto e = sync::parse_error_body(r.body);
  return e.is_ok() ? e->code : "(no error body: " + r.body + ")";
}

std::int64_t facts_held(District& d) {
  return d.store().fact_count().value();
}

// One /v1/pull page for `st`; the parser checks its count and checksum.
sync::PullResponse pull_page(District& d, const TestStation& st, std::int64_t after, int limit,
                             bool own = true, const std::string& epoch = "") {
  sync::PullRequest q{after, epoch, limit};
  q.own = own;
  auto r = d.signed_call(st, "GET", "/v1/pull", sync::to_query(q));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto page = sync::parse_pull_response(r.body);
  REQUIRE_MESSAGE(page.is_ok(), page.status().to_string());
  return *page;
}

// Every page from cursor 0 until one says more: false.
struct Pulled {
  std::vector<sync::Change> changes;
  std::vector<int> page_sizes;
  std::int64_t cursor = 0;  // the last page's next_after
};
Pulled pull_everything(District& d, const TestStation& st, int limit, bool own = true) {
  Pulled out;
  std::string epoch;
  for (int guard = 0; guard < 100; ++guard) {
    auto page = pull_page(d, st, out.cursor, limit, own, epoch);
    epoch = page.epoch;
    out.page_sizes.push_back(static_cast<int>(page.changes.size()));
    for (auto& c : page.changes) out.changes.push_back(std::move(c));
    out.cursor = page.next_after;
    if (!page.more) break;
  }
  return out;
}

}  // namespace

TEST_CASE("health answers with the epoch and the server time") {
  District d;
  auto r = d.call({"GET", "/v1/health", "", {}, ""});
  CHECK(r.status == 200);
  auto h = sync::parse_health_response(r.body);
  REQUIRE(h.is_ok());
  CHECK(h->status == "ok");
  CHECK(h->epoch == d.store().epoch().value());
  CHECK(sync::header_value(r.headers, "x-weimin-server-time") == std::to_string(kStart));
  CHECK(d.call({"POST", "/v1/health", "", {}, ""}).status == 405);
  CHECK(d.call({"GET", "/v1/nothing", "", {}, ""}).status == 404);
}

TEST_CASE("enrolment takes a one-time, unexpired token of the right community") {
  District d;
  auto key = sync::generate_station_key();
  auto token = d.service().issue_enroll_token("530102001001").value();
  auto body = [&](std::string t, std::string community) {
    return sync::to_json(sync::EnrollRequest{1, std::move(t), std::move(community),
                                             sync::base64_encode(key.public_key)});
  };
  auto wrong_community = d.call({"POST", "/v1/enroll", "", {}, body(token, "530102001002")});
  CHECK(wrong_community.status == 401);
  CHECK(code_of(wrong_community) == "bad_token");
  auto ok = d.call({"POST", "/v1/enroll", "", {}, body(token, "530102001001")});
  REQUIRE(ok.status == 200);
  auto e = sync::parse_enroll_response(ok.body);
  REQUIRE(e.is_ok());
  CHECK(e->station_id == "station:530102001001");
  CHECK(e->district == "530102");
  auto again = d.call({"POST", "/v1/enroll", "", {}, body(token, "530102001001")});
  CHECK(again.status == 401);
  CHECK(code_of(again) == "bad_token");
  CHECK(code_of(d.call({"POST", "/v1/enroll", "", {}, body("made-up", "530102001001")})) ==
        "bad_token");

  auto late = d.service().issue_enroll_token("530102001003").value();
  d.clock().advance(25 * 3600 * 1000LL);
  auto expired = d.call({"POST", "/v1/enroll", "", {}, body(late, "530102001003")});
  CHECK(expired.status == 401);
  CHECK(sync::parse_error_body(expired.body)->message.find("expired") != std::string::npos);

  auto other = d.call({"POST", "/v1/enroll", "", {}, body(token, "110101001001")});
  CHECK(other.status == 403);
  CHECK(code_of(other) == "out_of_scope");
  CHECK_FALSE(d.service().issue_enroll_token("110101001001").is_ok());
  auto bad_key = d.call({"POST",
                         "/v1/enroll",
                         "",
                         {},
                         sync::to_json(sync::EnrollRequest{1, late, "530102001003", "AAAA"})});
  CHECK(bad_key.status == 400);
}

TEST_CASE("every signature fault has its own 401 code, and a good request passes") {
  District d;
  TestStation st = d.enroll("530102001001");
  auto ok = d.signed_call(st, "GET", "/v1/status");
  CHECK(ok.status == 200);

  CHECK(code_of(d.call({"GET", "/v1/status", "", {}, ""})) == "unsigned");

  auto tampered = d.signed_request(st, "POST", "/v1/push", "", "{}");
  tampered.body = "{ }";
  CHECK(code_of(d.call(tampered)) == "bad_digest");

  TestStation stranger = st;
  stranger.station_id = "station:530102009999";
  CHECK(code_of(d.signed_call(stranger, "GET", "/v1/status")) == "unknown_key");

  TestStation forger = st;
  forger.key = sync::generate_station_key();
  CHECK(code_of(d.signed_call(forger, "GET", "/v1/status")) == "bad_signature");

  auto moved = d.signed_request(st, "GET", "/v1/status", "", "");
  moved.path = "/v1/digest";
  moved.query = "from=2026-11-01&to=2026-11-02";
  CHECK(code_of(d.call(moved)) == "bad_signature");

  auto stale = d.call(d.signed_request(st, "GET", "/v1/status", "", "", -6 * 60 * 1000));
  CHECK(stale.status == 401);
  CHECK(code_of(stale) == "stale_time");
  CHECK(sync::header_value(stale.headers, "X-Weimin-Server-Time") == std::to_string(kStart));
  CHECK(d.call(d.signed_request(st, "GET", "/v1/status", "", "", 4 * 60 * 1000)).status == 200);

  auto once = d.signed_request(st, "GET", "/v1/status", "", "");
  CHECK(d.call(once).status == 200);
  auto replay = d.call(once);
  CHECK(replay.status == 401);
  CHECK(code_of(replay) == "replayed_nonce");
}

TEST_CASE("push applies each entry exactly once, refuses gaps and records rejects") {
  District d;
  TestStation st = d.enroll("530102001001");
  std::vector<sync::FactPayload> facts;
  for (int i = 1; i <= 5; ++i) facts.push_back(ticket_fact(st, i));

  auto first = batch(st, {facts[0], facts[1], facts[2]});
  auto r1 = d.signed_call(st, "POST", "/v1/push", "", sync::to_json(first));
  REQUIRE_MESSAGE(r1.status == 200, r1.body);
  auto p1 = sync::parse_push_response(r1.body).value();
  CHECK(p1.applied == 3);
  CHECK(p1.applied_through == 3);

  // The same batch again: skipped, nothing doubled.
  auto p2 = sync::parse_push_response(
                d.signed_call(st, "POST", "/v1/push", "", sync::to_json(first)).body)
                .value();
  CHECK(p2.applied == 0);
  CHECK(p2.duplicates == 0);
  CHECK(p2.applied_through == 3);
  CHECK(facts_held(d) == 3);

  // A gap: seq 5 when 4 is expected.
  st.seq = 4;
  auto gap = d.signed_call(st, "POST", "/v1/push", "", sync::to_json(batch(st, {facts[4]})));
  CHECK(gap.status == 409);
  auto ge = sync::parse_error_body(gap.body).value();
  CHECK(ge.code == "gap");
  CHECK(ge.expected_seq == 4);
  CHECK(facts_held(d) == 3);

  // Overlapping batch 3..5 plus rejects: a bad body, an unknown topic, another origin.
  st.seq = 2;
  auto mixed = batch(st, {facts[2], facts[3], facts[4]});
  sync::FactPayload alien = ticket_fact(st, 9);
  alien.origin = "station:530102001002";
  sync::FactPayload bad_case = ticket_fact(st, 10);
  bad_case.kind = "case.collected";
  bad_case.body = json{{"nonsense", true}};
  mixed.entries.push_back({++st.seq, "fact", sync::to_json_value(alien)});
  mixed.entries.push_back({++st.seq, "picture", json::object()});
  mixed.entries.push_back({++st.seq, "fact", sync::to_json_value(bad_case)});
  mixed.entries.push_back({++st.seq, "fact", json{{"id", 1}}});
  auto r3 = d.signed_call(st, "POST", "/v1/push", "", sync::to_json(mixed));
  REQUIRE_MESSAGE(r3.status == 200, r3.body);
  auto p3 = sync::parse_push_response(r3.body).value();
  CHECK(p3.applied == 2);
  CHECK(p3.applied_through == 9);
  REQUIRE(p3.rejected.size() == 4);
  CHECK(p3.rejected[0].seq == 6);
  CHECK(p3.rejected[0].reason.find("origin") != std::string::npos);
  CHECK(p3.rejected[1].reason.find("topic") != std::string::npos);
  CHECK(p3.rejected[2].reason.find("body") != std::string::npos);
  CHECK(p3.rejected[3].reason.find("$.entries[6].payload.id") != std::string::npos);
  CHECK(facts_held(d) == 5);

  // The rejects are visible in /v1/status with the stream's position.
  auto status = sync::parse_status_response(d.signed_call(st, "GET", "/v1/status").body).value();
  CHECK(status.station_id == st.station_id);
  REQUIRE(status.streams.size() == 1);
  CHECK(status.streams[0].applied_through == 9);
  CHECK(status.rejected.size() == 4);

  // A new stream (after an epoch change) repeating old facts: duplicates, counted as such.
  TestStation again = st;
  again.stream = "018f0000-0000-7000-8000-00000000bbbb";
  again.seq = 9;
  auto replay = batch(again, {facts[0], facts[1]});
  replay.base_seq = 9;
  auto p4 = sync::parse_push_response(
                d.signed_call(again, "POST", "/v1/push", "", sync::to_json(replay)).body)
                .value();
  CHECK(p4.duplicates == 2);
  CHECK(p4.applied == 0);
  CHECK(p4.applied_through == 11);
  CHECK(facts_held(d) == 5);
}

TEST_CASE("a station may push only as itself") {
  District d;
  TestStation a = d.enroll("530102001001");
  TestStation b = d.enroll("530102001002");
  auto p = batch(b, {ticket_fact(b, 1)});
  auto r = d.signed_call(a, "POST", "/v1/push", "", sync::to_json(p));
  CHECK(r.status == 403);
  CHECK(code_of(r) == "out_of_scope");
  CHECK(facts_held(d) == 0);
}

TEST_CASE("malformed, mistyped, unknown-field, non-UTF-8 and oversized bodies change nothing") {
  server::ServiceOptions o;
  o.max_body_bytes = 4096;
  District d(o);
  TestStation st = d.enroll("530102001001");
  std::string good = sync::to_json(batch(st, {ticket_fact(st, 1)}));
  std::vector<std::string> bad = {
      "{",
      "[]",
      R"({"schema":1})",
  };
  json mistyped = json::parse(good);
  mistyped["base_seq"] = "0";
  bad.push_back(mistyped.dump());
  json unknown = json::parse(good);
  unknown["extra"] = 1;
  bad.push_back(unknown.dump());
  std::string not_utf8 = good;
  not_utf8.replace(not_utf8.find("\"A\""), 3, "\"\xc3\x28\"");
  bad.push_back(not_utf8);
  for (const std::string& body : bad) {
    auto r = d.signed_call(st, "POST", "/v1/push", "", body);
    CHECK_MESSAGE(r.status == 400, body);
    CHECK(code_of(r) == "bad_request");
    CHECK_FALSE(sync::parse_error_body(r.body)->message.empty());
  }
  auto big = d.signed_call(st, "POST", "/v1/push", "", std::string(5000, ' ') + good);
  CHECK(big.status == 413);
  CHECK(code_of(big) == "too_large");
  CHECK(facts_held(d) == 0);
  CHECK(d.store().streams(st.station_id).value().empty());
  CHECK(d.signed_call(st, "POST", "/v1/push", "", good).status == 200);
  CHECK(facts_held(d) == 1);
  CHECK(d.signed_call(st, "GET", "/v1/pull", "after=x").status == 400);
  CHECK(d.signed_call(st, "GET", "/v1/digest", "from=2026-11-22").status == 400);
  CHECK(d.call({"POST", "/v1/enroll", "", {}, R"({"schema":1,"token":5})"}).status == 400);
}

TEST_CASE("pull pages are bounded in count and bytes, checksummed, and filtered to the scope") {
  server::ServiceOptions o;
  o.page_bytes = 2000;
  District d(o);
  TestStation a = d.enroll("530102001001");
  TestStation b = d.enroll("530102001002");
  std::vector<sync::FactPayload> fa, fb;
  for (int i = 1; i <= 25; ++i) fa.push_back(ticket_fact(a, i));
  for (int i = 1; i <= 7; ++i) fb.push_back(ticket_fact(b, i));
  REQUIRE(d.signed_call(a, "POST", "/v1/push", "", sync::to_json(batch(a, fa))).status == 200);
  REQUIRE(d.signed_call(b, "POST", "/v1/push", "", sync::to_json(batch(b, fb))).status == 200);
  std::string catalog_text = R"({"version":1})";
  REQUIRE(d.store().publish_reference("catalog", catalog_text, kStart).is_ok());

  const Pulled pulled_a = pull_everything(d, a, 10);
  const auto& seen_a = pulled_a.changes;
  const auto& sizes = pulled_a.page_sizes;
  CHECK(seen_a.size() == 26);  // 25 own facts + the catalog
  for (int s : sizes) CHECK(s <= 10);
  std::set<std::int64_t> gseqs;
  for (const auto& c : seen_a) {
    CHECK(gseqs.insert(c.gseq).second);
    if (c.type == "fact") CHECK(c.record["origin"] == a.station_id);
  }
  CHECK(seen_a.back().type == "catalog");
  CHECK(seen_a.back().record == json::parse(catalog_text));
  // Byte bound: each fact record is ~300 bytes, so 2000 bytes hold fewer than 10.
  CHECK(sizes.front() < 10);
  CHECK(sizes.front() >= 1);

  auto seen_b = pull_everything(d, b, 1000).changes;
  CHECK(seen_b.size() == 8);
  for (const auto& c : seen_b) {
    if (c.type == "fact") CHECK(c.record["origin"] == b.station_id);
  }
  // The records are exactly what was pushed.
  CHECK(sync::parse_fact_payload(seen_b.front().record).value() == fb.front());
}

TEST_CASE("a pull with own=0 leaves out the asker's own facts, and its cursor passes them") {
  server::ServiceOptions o;
  o.page_bytes = 2000;
  District d(o);
  TestStation a = d.enroll("530102001001");
  TestStation b = d.enroll("530102001002");
  std::vector<sync::FactPayload> fa, fb;
  for (int i = 1; i <= 25; ++i) fa.push_back(ticket_fact(a, i));
  for (int i = 1; i <= 3; ++i) fb.push_back(ticket_fact(b, i));
  REQUIRE(d.signed_call(a, "POST", "/v1/push", "",
                        sync::to_json(batch(a, {fa.begin(), fa.begin() + 20})))
              .status == 200);
  // A fact the district made about a's community sits between a's own facts.
  sync::FactPayload district_fact = ticket_fact(a, 99);
  district_fact.origin = "district:530102";
  REQUIRE(d.store().append_facts({{district_fact, "530102001001", kStart}}).is_ok());
  REQUIRE(
      d.signed_call(a, "POST", "/v1/push", "", sync::to_json(batch(a, {fa.begin() + 20, fa.end()})))
          .status == 200);
  REQUIRE(d.signed_call(b, "POST", "/v1/push", "", sync::to_json(batch(b, fb))).status == 200);
  REQUIRE(d.store().publish_reference("catalog", R"({"version":2})", kStart).is_ok());
  const std::int64_t head = 25 + 1 + 3 + 1;

  auto pull = [&](std::int64_t after, bool own, int limit) {
    return pull_page(d, a, after, limit, own);
  };
  auto without = pull(0, false, 1000);
  REQUIRE(without.changes.size() == 2);
  CHECK(without.changes[0].record["origin"] == "district:530102");
  CHECK(without.changes[1].type == "catalog");
  CHECK_FALSE(without.more);
  CHECK(without.next_after == head);  // past a's own facts and b's, scanned once
  auto again = pull(head, false, 1000);
  CHECK(again.changes.empty());
  CHECK(again.next_after == head);

  // In small pages: nothing is lost and the pages still end at the head.
  const Pulled small = pull_everything(d, a, 1, /*own=*/false);
  CHECK(small.changes.size() == 2);
  CHECK(small.cursor == head);

  // own=1 (the default, what a rebuilding station asks) brings them all.
  const Pulled all = pull_everything(d, a, 1000);
  CHECK(all.changes.size() == 25 + 1 + 1);
  CHECK(all.cursor == head);
  CHECK(d.signed_call(a, "GET", "/v1/pull", "after=0&own=2").status == 400);
  CHECK(d.signed_call(a, "GET", "/v1/pull", "after=0&own=").status == 400);
}

TEST_CASE("own ranges: a station's pushes kept as ranges, merged, bounded, dropped by epoch") {
  server::OwnRanges r(3);
  using R = server::GseqRange;
  auto same = [](const std::vector<R>& got, const std::vector<R>& want) { return got == want; };
  r.note("a", "e1", {1, 10});
  r.note("a", "e1", {11, 20});  // follows on: one range
  r.note("b", "e1", {21, 25});
  r.note("a", "e1", {26, 30});
  CHECK(same(r.past("a", "e1", 0), {{1, 20}, {26, 30}}));
  CHECK(same(r.past("b", "e1", 0), {{21, 25}}));
  CHECK(r.past("c", "e1", 0).empty());
  // Pulled past: forgotten.
  CHECK(same(r.past("a", "e1", 20), {{26, 30}}));
  CHECK(same(r.past("a", "e1", 0), {{26, 30}}));
  // At most three a station; the oldest go.
  r.note("a", "e1", {40, 41});
  r.note("a", "e1", {50, 51});
  r.note("a", "e1", {60, 61});
  CHECK(same(r.past("a", "e1", 0), {{40, 41}, {50, 51}, {60, 61}}));
  // Out of order (another server on the store): only the new range is kept.
  r.note("a", "e1", {55, 56});
  CHECK(same(r.past("a", "e1", 0), {{55, 56}}));
  // Nothing made up: empty or reversed ranges and an unknown epoch are not noted.
  r.note("a", "e1", {0, 0});
  r.note("a", "e1", {80, 79});
  r.note("a", "", {90, 91});
  CHECK(same(r.past("a", "e1", 0), {{55, 56}}));
  // A pull in another epoch (the store restored): the sequences may be others' changes now.
  CHECK(r.past("a", "e2", 0).empty());
  CHECK(r.past("a", "e1", 0).empty());
  r.note("b", "e2", {5, 6});
  CHECK(same(r.past("b", "e2", 0), {{5, 6}}));

  // What a pull scans between them: the gaps after the cursor, the last one open.
  auto gaps = [](std::int64_t after, const std::vector<R>& skip) {
    std::string out;
    for (const auto& g : server::gaps_outside(after, skip)) {
      out += "(" + std::to_string(g.after) + "," +
             (g.before ? std::to_string(*g.before) : std::string("-")) + ")";
    }
    return out;
  };
  CHECK(gaps(0, {}) == "(0,-)");
  CHECK(gaps(0, {{1, 20}, {26, 30}}) == "(20,26)(30,-)");
  CHECK(gaps(5, {{1, 20}, {26, 30}}) == "(20,26)(30,-)");
  CHECK(gaps(25, {{1, 20}, {26, 30}}) == "(30,-)");
  CHECK(gaps(30, {{1, 20}, {26, 30}}) == "(30,-)");
  CHECK(gaps(3, {{10, 20}}) == "(3,10)(20,-)");
}

TEST_CASE("a pull steps over the ranges of the asker's own pushes and misses no other change") {
  server::ServiceOptions o;
  o.page_bytes = 3000;
  District d(o);
  // a's pulls bring the district's facts of its community and the reference data; b's pushes
  // (another community) take the sequences between a's.
  TestStation a = d.enroll("530102001001");
  TestStation b = d.enroll("530102001002");
  std::mt19937_64 rng(17);
  std::uint64_t na = 0, nb = 1000, nd = 5000;
  for (int round = 0; round < 14; ++round) {
    std::vector<sync::FactPayload> fa, fb;
    for (int i = 1 + static_cast<int>(rng() % 8); i > 0; --i) fa.push_back(ticket_fact(a, ++na));
    for (int i = static_cast<int>(rng() % 4); i > 0; --i) fb.push_back(ticket_fact(b, ++nb));
    auto pushed = d.signed_call(a, "POST", "/v1/push", "", sync::to_json(batch(a, fa)));
    REQUIRE_MESSAGE(pushed.status == 200, pushed.body);
    if (rng() % 3 == 0) {
      REQUIRE(
          d.signed_call(a, "POST", "/v1/push", "", sync::to_json(batch(a, {ticket_fact(a, ++na)})))
              .status == 200);
    }
    if (!fb.empty()) {
      REQUIRE(d.signed_call(b, "POST", "/v1/push", "", sync::to_json(batch(b, fb))).status == 200);
    }
    if (rng() % 3 == 0) {
      sync::FactPayload f = ticket_fact(a, ++nd);
      f.origin = "district:530102";
      REQUIRE(d.store().append_facts({{f, a.community, kStart}}).is_ok());
    }
    if (rng() % 4 == 0) {
      REQUIRE(
          d.store()
              .publish_reference("catalog", R"({"version":)" + std::to_string(round) + "}", kStart)
              .is_ok());
    }
  }
  // Every change of the community, and whose each fact is.
  auto everything = d.store().read_changes(a.community, 0, 100000, 1 << 30, "", {});
  REQUIRE(everything.is_ok());
  REQUIRE_FALSE(everything->more);
  std::map<std::int64_t, std::string> origin;  // gseq → origin ("" for reference data)
  std::vector<std::int64_t> others;            // what a pull of a's must bring
  for (const auto& c : everything->changes) {
    origin[c.gseq] = c.type == "fact" ? c.record["origin"].get<std::string>() : "";
    if (origin[c.gseq] != a.station_id) others.push_back(c.gseq);
  }
  const std::string epoch = d.store().epoch().value();
  const std::vector<server::GseqRange> ranges =
      d.service().own_ranges().past(a.station_id, epoch, 0);
  REQUIRE(ranges.size() >= 2);
  std::int64_t covered = 0;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (i > 0) CHECK(ranges[i].first > ranges[i - 1].last + 1);  // disjoint, apart, ascending
    for (std::int64_t g = ranges[i].first; g <= ranges[i].last; ++g) {
      CHECK_MESSAGE(origin[g] == a.station_id, "gseq " << g << " is not a's own fact");
      ++covered;
    }
  }
  CHECK(covered == static_cast<std::int64_t>(na));

  // The store: with the ranges, every page is the page without them.
  auto gseqs = [](const server::ChangePage& p) {
    std::vector<std::int64_t> out;
    for (const auto& c : p.changes) out.push_back(c.gseq);
    return out;
  };
  for (int i = 0; i < 200; ++i) {
    const std::int64_t after = static_cast<std::int64_t>(rng() % (everything->next_after + 2));
    const std::int64_t limit = 1 + static_cast<std::int64_t>(rng() % 12);
    const std::size_t bytes = 1 + rng() % 2000;
    auto with = d.store().read_changes(a.community, after, limit, bytes, a.station_id, ranges);
    auto without = d.store().read_changes(a.community, after, limit, bytes, a.station_id, {});
    REQUIRE(with.is_ok());
    REQUIRE(without.is_ok());
    CHECK(gseqs(*with) == gseqs(*without));
    CHECK(with->next_after == without->next_after);
    CHECK(with->more == without->more);
  }
  // The ranges are used, not read and filtered anyway: one claimed (wrongly) over a fact the
  // district made leaves that fact out.
  std::int64_t district_fact = 0;
  for (const auto& [g, o] : origin) {
    if (o == "district:530102") {
      district_fact = g;
      break;
    }
  }
  REQUIRE(district_fact > 0);
  auto wrong = d.store().read_changes(a.community, 0, 100000, 1 << 30, a.station_id,
                                      {{district_fact, district_fact}});
  REQUIRE(wrong.is_ok());
  const std::vector<std::int64_t> wrong_gseqs = gseqs(*wrong);
  CHECK(std::find(wrong_gseqs.begin(), wrong_gseqs.end(), district_fact) == wrong_gseqs.end());
  CHECK(wrong_gseqs.size() == others.size() - 1);
  // The same without skip_origin (own=1): ranges or not, every change comes.
  auto own =
      d.store().read_changes(a.community, 0, 100000, 1 << 30, "", {{district_fact, district_fact}});
  REQUIRE(own.is_ok());
  CHECK(own->changes.size() == everything->changes.size());

  // Through /v1/pull in small pages: exactly the others' changes, and the cursor at the head;
  // a's pulled-past ranges are then forgotten.
  const Pulled pulled = pull_everything(d, a, 3, /*own=*/false);
  std::vector<std::int64_t> got;
  for (const auto& c : pulled.changes) got.push_back(c.gseq);
  CHECK(got == others);
  CHECK(pulled.cursor == everything->next_after);
  CHECK(d.service().own_ranges().past(a.station_id, epoch, pulled.cursor).empty());
}

TEST_CASE("an embedded store of schema 1 is migrated: changes learn their origins, case indexes") {
  if (using_pg_store()) return;  // the PostgreSQL store keeps the origin with each fact from v1
  District d;
  TestStation a = d.enroll("530102001001");
  std::vector<sync::FactPayload> fa;
  for (int i = 1; i <= 4; ++i) fa.push_back(ticket_fact(a, i));
  REQUIRE(d.signed_call(a, "POST", "/v1/push", "", sync::to_json(batch(a, fa))).status == 200);
  d.close();
  {
    // Back to the shape of schema 1: changes without an origin, version 2 not recorded.
    auto kek = d.keys().load_or_create();
    REQUIRE(kek.is_ok());
    auto raw = storage::KeyedStore::open(d.dir() / "data", "district.db", *kek);
    REQUIRE_MESSAGE(raw.is_ok(), raw.status().to_string());
    // A case's facts and the whistled cases are found through the partial case indexes.
    auto plan = [&](const std::string& sql) {
      auto q = raw->db().prepare("EXPLAIN QUERY PLAN " + sql);
      REQUIRE(q.is_ok());
      std::string all;
      while (q->step().value()) all += q->column_text(3) + "\n";
      return all;
    };
    CHECK(plan("SELECT id FROM facts f WHERE f.subject = 'x' AND f.kind LIKE 'case.%' ORDER BY "
               "f.hlc")
              .find("facts_case (subject=?)") != std::string::npos);
    CHECK(plan("SELECT id FROM facts f WHERE f.kind = 'case.whistled' AND f.kind LIKE 'case.%' "
               "ORDER BY f.hlc")
              .find("facts_case_kind") != std::string::npos);
    REQUIRE(raw->db()
                .exec(R"SQL(
      DELETE FROM schema_migrations WHERE version >= 5;
      DROP TABLE case_rows;
      DROP TABLE case_departments;
      DROP TABLE figure_units;
      DROP TABLE unit_days;
      DROP TABLE unit_sums;
      DROP TABLE return_days;
      DROP TABLE queue_days;
      DROP TABLE queue_days_stale;
      DROP TABLE accounts;
      DROP TABLE sessions;
      DROP TABLE audit;
      DELETE FROM schema_migrations WHERE version = 3;
      DROP INDEX facts_case;
      DROP INDEX facts_case_kind;
      CREATE INDEX facts_subject ON facts (subject, hlc);
      CREATE INDEX facts_kind ON facts (kind, hlc);
      CREATE TABLE changes_v1 (gseq INTEGER PRIMARY KEY, type TEXT NOT NULL,
        community TEXT NOT NULL, record TEXT NOT NULL);
      INSERT INTO changes_v1 SELECT gseq, type, community, record FROM changes;
      DROP TABLE changes;
      ALTER TABLE changes_v1 RENAME TO changes;
      CREATE INDEX changes_scope ON changes (community, gseq);
      DELETE FROM schema_migrations WHERE version = 2;
      DELETE FROM schema_migrations WHERE version = 4;
      CREATE TABLE stations_v1 (station_id TEXT PRIMARY KEY, community TEXT NOT NULL,
        public_key BLOB NOT NULL, enrolled_ms INTEGER NOT NULL);
      INSERT INTO stations_v1 SELECT station_id, community, public_key, enrolled_ms FROM stations;
      DROP TABLE stations;
      ALTER TABLE stations_v1 RENAME TO stations;
      CREATE TABLE actor_tokens_v1 (token_hash TEXT PRIMARY KEY, actor TEXT NOT NULL,
        role TEXT NOT NULL, created_ms INTEGER NOT NULL);
      INSERT INTO actor_tokens_v1 SELECT token_hash, actor, role, created_ms FROM actor_tokens;
      DROP TABLE actor_tokens;
      ALTER TABLE actor_tokens_v1 RENAME TO actor_tokens;
    )SQL")
                .is_ok());
  }
  d.reopen();
  auto r = d.signed_call(a, "GET", "/v1/pull", "after=0&own=0");
  REQUIRE(r.status == 200);
  auto page = sync::parse_pull_response(r.body);
  REQUIRE(page.is_ok());
  CHECK(page->changes.empty());  // every change was given a's origin
  CHECK(page->next_after == 4);
  r = d.signed_call(a, "GET", "/v1/pull", "after=0");
  CHECK(sync::parse_pull_response(r.body)->changes.size() == 4);
}

TEST_CASE("a serving embedded store checkpoints its log in the background") {
  if (using_pg_store()) return;
  TempDir dir;
  platform::FileKeyStore keys(dir.path() / "kek", dir.path() / "data");
  server::EmbeddedStoreOptions o{"530102", kStart, /*background_checkpoint=*/true};
  auto store = server::open_embedded_store(dir.path() / "data", keys, o);
  REQUIRE_MESSAGE(store.is_ok(), store.status().to_string());
  // 12 batches of 1,000 facts with 2 KB bodies (~35 MB of log). The writer's own automatic
  // checkpoint waits for 64 MiB; only the background thread keeps the log this small.
  const std::string filler(2000, 'x');
  for (int b = 0; b < 12; ++b) {
    std::vector<server::FactRecord> facts;
    for (int i = 0; i < 1000; ++i) {
      sync::FactPayload f;
      char id[40];
      std::snprintf(id, sizeof id, "0190c0de-%04x-7000-8000-%012d", b, i);
      f.id = id;
      f.kind = "ticket.issued";
      f.subject = "ticket-" + std::to_string(i);
      f.origin = "station:530102001001";
      f.hlc = b * 1000 + i;
      f.wall_ms = kStart;
      f.day = "2026-11-22";
      f.body = {{"note", filler}};
      facts.push_back({f, "530102001001", kStart, {}});
    }
    REQUIRE((*store)->append_facts(facts).is_ok());
    // The checkpointer's thread, asked now instead of waited for (its tick is a second).
    REQUIRE(server::checkpoint_embedded_store_now(**store).is_ok());
  }
  const auto wal = std::filesystem::file_size(dir.path() / "data" / "district.db-wal");
  MESSAGE("log after 12 batches: " << wal / 1024 << " KiB");
  CHECK(wal < 16u * 1024 * 1024);
  CHECK((*store)->fact_count().value() == 12000);
  store->reset();  // the thread stops before the connection closes
}

TEST_CASE("a district restored from a backup has a new epoch and says so to pulls") {
  if (using_pg_store()) return;  // the embedded store's backup and restore only
  District d;
  TestStation st = d.enroll("530102001001");
  REQUIRE(d.signed_call(st, "POST", "/v1/push", "", sync::to_json(batch(st, {ticket_fact(st, 1)})))
              .status == 200);
  std::string old_epoch = d.store().epoch().value();
  auto backup = d.dir() / "backup.db";
  REQUIRE(server::backup_embedded_store(d.dir() / "data", backup, d.keys()).is_ok());
  REQUIRE(d.signed_call(st, "POST", "/v1/push", "", sync::to_json(batch(st, {ticket_fact(st, 2)})))
              .status == 200);
  CHECK(facts_held(d) == 2);

  // An older copy put back by hand is noticed by the marker when the store opens.
  d.reopen();
  CHECK(d.store().epoch().value() == old_epoch);
  auto restored = server::restore_embedded_store(d.dir() / "data", backup, d.keys(), kStart + 1);
  REQUIRE_MESSAGE(restored.is_ok(), restored.status().to_string());
  d.reopen();
  std::string new_epoch = d.store().epoch().value();
  CHECK(new_epoch != old_epoch);
  CHECK(new_epoch == *restored);
  CHECK(facts_held(d) == 1);
  auto r =
      d.signed_call(st, "GET", "/v1/pull", sync::to_query(sync::PullRequest{1, old_epoch, 100}));
  CHECK(r.status == 409);
  auto e = sync::parse_error_body(r.body).value();
  CHECK(e.code == "epoch_changed");
  CHECK(e.epoch == new_epoch);
  CHECK(d.signed_call(st, "GET", "/v1/pull", sync::to_query(sync::PullRequest{0, new_epoch, 100}))
            .status == 200);
}

TEST_CASE("the epoch marker notices a store file put back by hand") {
  if (using_pg_store()) return;
  District d;
  std::string first = d.store().epoch().value();
  auto backup = d.dir() / "copy.db";
  REQUIRE(server::backup_embedded_store(d.dir() / "data", backup, d.keys()).is_ok());
  TestStation st = d.enroll("530102001001");
  REQUIRE(d.signed_call(st, "POST", "/v1/push", "", sync::to_json(batch(st, {ticket_fact(st, 1)})))
              .status == 200);
  d.close();
  std::filesystem::copy_file(backup, d.dir() / "data" / "district.db",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::remove(d.dir() / "data" / "district.db-wal");
  std::filesystem::remove(d.dir() / "data" / "district.db-shm");
  d.reopen();
  CHECK(d.store().epoch().value() != first);
}

TEST_CASE("the epoch marker is rewritten in place and read up to its newline") {
  if (using_pg_store()) return;
  District d;
  TestStation st = d.enroll("530102001001");
  REQUIRE(d.signed_call(st, "POST", "/v1/push", "", sync::to_json(batch(st, {ticket_fact(st, 1)})))
              .status == 200);
  const std::string epoch = d.store().epoch().value();
  const auto marker = d.dir() / "data" / "epoch";
  auto text = [&] {
    std::ifstream in(marker);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  };
  const std::string after_push = text();
  REQUIRE(after_push.rfind(epoch + " ", 0) == 0);
  REQUIRE(after_push.back() == '\n');
  const std::int64_t gseq = std::stoll(after_push.substr(epoch.size() + 1));
  CHECK(gseq >= 1);
  // As a write whose truncate did not happen leaves it: the rest of a longer line after the
  // newline. The store opens in the same epoch, and the next push leaves exactly one line.
  d.close();
  {
    std::ofstream out(marker, std::ios::trunc);
    out << epoch << " " << gseq << "\n"
        << "99999999999\n";
  }
  d.reopen();
  CHECK(d.store().epoch().value() == epoch);
  REQUIRE(d.signed_call(st, "POST", "/v1/push", "", sync::to_json(batch(st, {ticket_fact(st, 2)})))
              .status == 200);
  CHECK(text() == epoch + " " + std::to_string(gseq + 1) + "\n");
}

TEST_CASE("a push's commit waits for the disk after a request's bookkeeping that did not") {
  if (using_pg_store()) return;
  District d;
  TestStation st = d.enroll("530102001001");
  REQUIRE(d.signed_call(st, "POST", "/v1/push", "", sync::to_json(batch(st, {ticket_fact(st, 1)})))
              .status == 200);
  REQUIRE(
      d.signed_call(st, "GET", "/v1/pull", sync::to_query(sync::PullRequest{0, "", 100})).status ==
      200);
  // The nonce, the clock and the contact of both requests were written with NORMAL; the
  // connection is back in FULL for the next push's commit.
  CHECK(server::embedded_writer_synchronous(d.store()).value() == 2);
}

TEST_CASE("day digests of the station's scope match the facts it pushed") {
  District d;
  TestStation a = d.enroll("530102001001");
  TestStation b = d.enroll("530102001002");
  std::vector<sync::FactPayload> fa = {ticket_fact(a, 1, "2026-11-20"),
                                       ticket_fact(a, 2, "2026-11-22"),
                                       ticket_fact(a, 3, "2026-11-22")};
  REQUIRE(d.signed_call(a, "POST", "/v1/push", "", sync::to_json(batch(a, fa))).status == 200);
  REQUIRE(d.signed_call(b, "POST", "/v1/push", "",
                        sync::to_json(batch(b, {ticket_fact(b, 1, "2026-11-22")})))
              .status == 200);
  auto r = d.signed_call(a, "GET", "/v1/digest", "from=2026-11-01&to=2026-11-30");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto got = sync::parse_digest_response(r.body).value().digests;
  std::vector<sync::DigestItem> items;
  for (const auto& f : fa) items.push_back({"fact", f.day, f.id});
  CHECK(got == sync::day_digests(items));
  auto narrow = sync::parse_digest_response(
                    d.signed_call(a, "GET", "/v1/digest", "from=2026-11-21&to=2026-11-22").body)
                    .value()
                    .digests;
  REQUIRE(narrow.size() == 1);
  CHECK(narrow[0].count == 2);
  CHECK(d.signed_call(a, "GET", "/v1/digest", "from=2025-01-01&to=2026-11-30").status == 400);
}

namespace {

// The station side of a case, enough to drive the loop: events made as the station would.
struct StationCase {
  TestStation& st;
  core::Uuid case_id;
  std::uint64_t n = 100;
  std::int64_t t = kStart;

  sync::FactPayload fact(core::Role role, std::string actor, core::CasePayload p) {
    t += 60'000;
    core::CaseEvent e;
    e.id = *core::Uuid::parse(uuid_n(++n, 7));
    e.case_id = case_id;
    e.hlc = {t, 0};
    e.origin = st.station_id;
    e.wall_ms = t;
    e.actor = std::move(actor);
    e.actor_role = role;
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
};

sync::HttpRequest bearer(std::string method, std::string path, std::string token,
                         std::string body = "") {
  sync::HttpRequest r{std::move(method), std::move(path), "", {}, std::move(body)};
  r.headers["Authorization"] = "Bearer " + token;
  return r;
}

}  // namespace

TEST_CASE("the district's half of the loop: whistle, report, feedback reach the station") {
  District d;
  TestStation st = d.enroll("530102001001");
  TestStation other = d.enroll("530102001002");
  d.publish_catalog();
  StationCase c{st, *core::Uuid::parse(uuid_n(1, 9))};
  const std::string urban = "urban_management";
  auto collected =
      c.fact(core::Role::Staff, "S01",
             core::CaseCollected{"env.garbage", core::CaseChannel::Window, "楼道堆放垃圾", ""});
  REQUIRE(d.signed_call(st, "POST", "/v1/push", "", sync::to_json(batch(st, {collected}))).status ==
          200);

  std::string office = d.service().issue_actor_token("530102001", core::Role::StreetOffice).value();
  std::string dept = d.service().issue_actor_token(urban, core::Role::Department).value();
  std::string water = d.service().issue_actor_token("housing", core::Role::Department).value();
  const std::string path = "/v1/cases/" + c.case_id.to_string();

  // Not yet whistled: the case is not the department's, so it may not report in.
  auto early = d.call(bearer("POST", path + "/report", dept, R"({"schema":1,"note":"x"})"));
  CHECK(early.status == 403);
  CHECK(code_of(early) == "out_of_scope");
  CHECK(d.call(bearer("GET", "/v1/cases", "nope")).status == 401);
  CHECK(d.call({"GET", "/v1/cases", "", {}, ""}).status == 401);
  CHECK(d.call(bearer("POST", path + "/whistle", dept, R"({"schema":1,"departments":["x"]})"))
            .status == 403);

  auto w = d.call(
      bearer("POST", path + "/whistle", office,
             R"({"schema":1,"departments":["urban_management"],"kind":"key","note":"尽快"})"));
  REQUIRE_MESSAGE(w.status == 200, w.body);
  CHECK(json::parse(w.body)["stage"] == "whistled");
  CHECK(json::parse(w.body)["level"] == "district");

  auto mine = json::parse(d.call(bearer("GET", "/v1/cases", dept)).body);
  REQUIRE(mine["cases"].size() == 1);
  CHECK(mine["cases"][0]["case"] == c.case_id.to_string());
  CHECK(json::parse(d.call(bearer("GET", "/v1/cases", water)).body)["cases"].empty());
  CHECK(d.call(bearer("GET", path, water)).status == 403);
  CHECK(d.call(bearer("POST", path + "/report", water, R"({"schema":1})")).status == 403);
  CHECK(d.call(bearer("POST", path + "/report", dept, R"({"schema":1,"bogus":1})")).status == 400);

  auto rep = d.call(bearer("POST", path + "/report", dept, R"({"schema":1,"note":"已受理"})"));
  REQUIRE_MESSAGE(rep.status == 200, rep.body);
  CHECK(d.call(bearer("POST", path + "/report", dept, R"({"schema":1})")).status == 409);
  auto fb = d.service().feedback(urban, c.case_id.to_string(), "已清理楼道");
  REQUIRE_MESSAGE(fb.is_ok(), fb.status().to_string());
  CHECK(fb->state.stage == core::CaseStage::Feedback);

  // The station pulls the district's events, folds them with its own, and goes on.
  auto page =
      sync::parse_pull_response(d.signed_call(st, "GET", "/v1/pull", "after=0").body).value();
  std::vector<core::CaseEvent> events;
  for (const auto& ch : page.changes) {
    if (ch.type != "fact") continue;  // the catalog
    auto f = sync::parse_fact_payload(ch.record).value();
    core::CaseEventEnvelope env{*core::Uuid::parse(f.id), *core::Uuid::parse(f.subject),
                                core::HlcTimestamp::unpack(static_cast<std::uint64_t>(f.hlc)),
                                f.origin, f.wall_ms};
    auto e = core::case_event_from_body(env, f.kind, f.body);
    REQUIRE_MESSAGE(e.is_ok(), e.status().to_string());
    events.push_back(*e);
  }
  CHECK(events.size() == 4);
  auto state = core::fold_case(c.case_id, events);
  CHECK(state.stage == core::CaseStage::Feedback);
  CHECK(state.conflicts.empty());
  // Another community's station sees none of it.
  auto other_page =
      sync::parse_pull_response(d.signed_call(other, "GET", "/v1/pull", "after=0").body).value();
  for (const auto& ch : other_page.changes) CHECK(ch.type == "catalog");

  c.t = std::max(c.t, d.clock().now_ms()) + 1000;
  auto verified = c.fact(core::Role::Staff, "S01", core::CaseVerified{"居民确认已清理"});
  auto closed = c.fact(core::Role::Staff, "S01", core::CaseClosed{""});
  auto evaluated =
      c.fact(core::Role::Resident, "resident", core::CaseEvaluated{core::Rating::Satisfied, ""});
  REQUIRE(d.signed_call(st, "POST", "/v1/push", "",
                        sync::to_json(batch(st, {verified, closed, evaluated})))
              .status == 200);
  auto view = d.service().case_view(c.case_id.to_string()).value();
  CHECK(view.state.stage == core::CaseStage::Evaluated);
  CHECK(view.community == "530102001001");
  CHECK(view.state.conflicts.empty());
  CHECK(view.state.evaluation == core::Rating::Satisfied);
}

TEST_CASE("reference data is checked before it is published") {
  District d;
  CHECK(d.service().publish_roster(R"({"staff":[]})").is_ok());
  CHECK_FALSE(d.service().publish_roster(R"({"people":[]})").is_ok());
  CHECK_FALSE(d.service().publish_catalog(R"({"lines":5})").is_ok());
  auto latest = d.store().latest_reference("roster").value();
  REQUIRE(latest.has_value());
  CHECK(json::parse(latest->json) == json::parse(R"({"staff":[]})"));
}

TEST_CASE("every request is logged once with who, path, status and code") {
  District d;
  std::vector<server::RequestLog> lines;
  server::DistrictService logged(d.store(), d.clock(), {},
                                 [&](const server::RequestLog& l) { lines.push_back(l); });
  logged.handle({"GET", "/v1/health", "", {}, ""});
  logged.handle({"GET", "/v1/status", "", {}, ""});
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].status == 200);
  CHECK(lines[1].status == 401);
  CHECK(lines[1].code == "unsigned");
  auto j = json::parse(lines[1].to_line());
  CHECK(j["path"] == "/v1/status");
  CHECK(j["who"] == "-");
}

TEST_CASE("stations pushing at once past the push slots all get through, each fact once") {
  server::ServiceOptions o;
  o.push_parallelism = 2;  // 6 stations at once: most wait for a slot
  District d(o);
  std::vector<TestStation> stations;
  std::vector<std::vector<std::string>> bodies;
  for (int s = 0; s < 6; ++s) {
    stations.push_back(d.enroll("53010200100" + std::to_string(s + 1)));
    bodies.emplace_back();
    for (int b = 0; b < 5; ++b) {
      std::vector<sync::FactPayload> facts;
      for (int i = 1; i <= 200; ++i) facts.push_back(ticket_fact(stations.back(), b * 200 + i));
      bodies.back().push_back(sync::to_json(batch(stations.back(), facts)));
    }
  }
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int s = 0; s < 6; ++s) {
    threads.emplace_back([&, s] {
      for (const auto& body : bodies[static_cast<std::size_t>(s)]) {
        auto r = d.signed_call(stations[static_cast<std::size_t>(s)], "POST", "/v1/push", "", body);
        if (r.status != 200) ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(refused == 0);
  CHECK(facts_held(d) == 6 * 1000);
}

TEST_CASE(
    "pushes committed together: a batch with a gap leaves nothing, a repeat adds nothing, "
    "every other batch is applied as if alone") {
  District d;
  constexpr int kStations = 8;
  std::vector<TestStation> stations;
  // Per station: its bodies in order and the status each must get.
  std::vector<std::vector<std::pair<std::string, int>>> calls(kStations);
  int expected_facts = 0;
  for (int s = 0; s < kStations; ++s) {
    stations.push_back(d.enroll("53010200100" + std::to_string(s + 1)));
    TestStation& st = stations.back();
    auto facts = [&](int from) {
      std::vector<sync::FactPayload> f;
      for (int i = 0; i < 100; ++i) f.push_back(ticket_fact(st, from + i));
      return f;
    };
    if (s % 3 == 1) {  // first a batch that starts past the stream's next seq
      st.seq = 4;
      calls[s].emplace_back(sync::to_json(batch(st, facts(1000))), 409);
      st.seq = 0;
    }
    for (int b = 0; b < 3; ++b) {
      calls[s].emplace_back(sync::to_json(batch(st, facts(1 + b * 100))), 200);
      expected_facts += 100;
    }
    if (s % 3 == 2) calls[s].push_back(calls[s].back());  // the last batch again: skipped
  }
  std::atomic<int> wrong{0};
  std::vector<std::string> why(kStations);
  std::vector<std::thread> threads;
  for (int s = 0; s < kStations; ++s) {
    threads.emplace_back([&, s] {
      for (const auto& [body, status] : calls[s]) {
        auto r = d.signed_call(stations[static_cast<std::size_t>(s)], "POST", "/v1/push", "", body);
        if (r.status != status) {
          ++wrong;
          why[static_cast<std::size_t>(s)] = std::to_string(r.status) + " " + r.body;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& w : why) CHECK_MESSAGE(w.empty(), w);
  CHECK(wrong == 0);
  CHECK(facts_held(d) == expected_facts);
  // Each stream is applied through its last seq; the change log has one change per fact.
  for (auto& st : stations) {
    auto streams = d.store().streams(st.station_id).value();
    REQUIRE(streams.size() == 1);
    CHECK(streams[0].applied_through == 300);
  }
  std::set<std::int64_t> gseqs;
  for (auto& st : stations) {
    auto page = d.store().read_changes(st.community, 0, 100000, 1 << 30, "", {});
    REQUIRE(page.is_ok());
    for (const auto& c : page->changes) {
      if (c.type == "fact") gseqs.insert(c.gseq);
    }
  }
  REQUIRE(gseqs.size() == static_cast<std::size_t>(expected_facts));
  CHECK(*gseqs.rbegin() - *gseqs.begin() + 1 == expected_facts);  // no gap left by a rollback
}

TEST_CASE(
    "pushes, pulls, district actions and console reads at once: every fact reaches "
    "every station once, in order") {
  District d;
  d.publish_catalog();
  // Four stations (one per community); the first and the third pull while all four push.
  std::vector<TestStation> st{d.enroll("530102001001"), d.enroll("530102001002"),
                              d.enroll("530102001003"), d.enroll("530102001004")};
  StationCase kase{st[0], *core::Uuid::parse(uuid_n(1, 9))};
  auto collected =
      kase.fact(core::Role::Staff, "S01",
                core::CaseCollected{"env.garbage", core::CaseChannel::Window, "楼道堆放垃圾", ""});
  auto first =
      d.signed_call(st[0], "POST", "/v1/push", "", sync::to_json(batch(st[0], {collected})));
  REQUIRE_MESSAGE(first.status == 200, first.body);
  // Each station's tickets: 5 batches of 200.
  std::vector<std::vector<std::string>> bodies(st.size());
  std::vector<std::set<std::string>> pushed(st.size());
  for (std::size_t s = 0; s < st.size(); ++s) {
    for (int b = 0; b < 5; ++b) {
      std::vector<sync::FactPayload> facts;
      for (int i = 1; i <= 200; ++i) {
        facts.push_back(ticket_fact(st[s], static_cast<std::uint64_t>(b * 200 + i)));
        pushed[s].insert(facts.back().id);
      }
      bodies[s].push_back(sync::to_json(batch(st[s], facts)));
    }
  }
  std::atomic<int> writers_left{static_cast<int>(st.size()) + 1};  // and the office
  std::atomic<int> failures{0};
  std::vector<std::string> why(16);
  auto fail = [&](std::size_t slot, std::string text) {
    if (failures++ == 0 || why[slot].empty()) why[slot] = std::move(text);
  };
  // A puller: pages until every writer is done and a page says no more; every change's gseq
  // above the last one seen (gapless pages never repeat or go back).
  struct Seen {
    std::int64_t cursor = 0;
    std::int64_t last_gseq = 0;
    std::vector<std::string> fact_ids;
  };
  std::vector<Seen> seen(2);
  auto pull_until_done = [&](std::size_t slot, const TestStation& who, Seen& out) {
    while (true) {
      const bool done = writers_left.load() == 0;
      auto r = d.signed_call(who, "GET", "/v1/pull", "after=" + std::to_string(out.cursor));
      auto page = sync::parse_pull_response(r.body);
      if (r.status != 200 || !page.is_ok()) return fail(slot, "pull: " + r.body);
      for (const auto& ch : page->changes) {
        if (ch.gseq <= out.last_gseq) return fail(slot, "a change came twice or out of order");
        out.last_gseq = ch.gseq;
        if (ch.type == "fact") out.fact_ids.push_back(sync::parse_fact_payload(ch.record)->id);
      }
      out.cursor = page->next_after;
      if (done && !page->more) return;
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t s = 0; s < st.size(); ++s) {
    threads.emplace_back([&, s] {
      for (const auto& body : bodies[s]) {
        auto r = d.signed_call(st[s], "POST", "/v1/push", "", body);
        if (r.status != 200) fail(s, "push: " + r.body);
      }
      --writers_left;
    });
  }
  threads.emplace_back([&] { pull_until_done(4, st[0], seen[0]); });
  threads.emplace_back([&] { pull_until_done(5, st[2], seen[1]); });
  std::vector<std::string> notes;
  threads.emplace_back([&] {  // the street office notes the case while stations push
    for (int i = 0; i < 20; ++i) {
      auto v = d.service().note("530102001", core::Role::StreetOffice, kase.case_id.to_string(),
                                "督办 " + std::to_string(i));
      if (!v.is_ok()) fail(6, "note: " + v.status().to_string());
    }
    --writers_left;
  });
  threads.emplace_back([&] {  // the console reads while it all happens
    while (writers_left.load() > 0) {
      server::FigureQuery q;
      q.from = "2026-11-01";
      q.to = "2026-11-30";
      if (!d.service().figures(q).is_ok()) fail(7, "figures");
      if (!d.store().query_cases(server::CaseQuery{}).is_ok()) fail(7, "query_cases");
      if (!d.service().cases_for("").is_ok()) fail(7, "cases_for");
      if (!d.service().govern_records().is_ok()) fail(7, "govern_records");
    }
  });
  for (auto& t : threads) t.join();
  for (const auto& w : why) CHECK_MESSAGE(w.empty(), w);
  REQUIRE(failures == 0);

  // Every fact of the station's community, once: the first station's tickets, its case and
  // the office's notes on it; the third station's tickets (no other community's facts).
  std::set<std::string> expect_a = pushed[0];
  const auto case_facts = d.store().case_facts(kase.case_id.to_string()).value();
  for (const auto& f : case_facts) expect_a.insert(f.fact.id);
  CHECK(expect_a.size() == 1000 + 1 + 20);
  std::multiset<std::string> got_a(seen[0].fact_ids.begin(), seen[0].fact_ids.end());
  std::multiset<std::string> got_c(seen[1].fact_ids.begin(), seen[1].fact_ids.end());
  CHECK(got_a.size() == expect_a.size());  // nothing twice
  CHECK(std::set<std::string>(got_a.begin(), got_a.end()) == expect_a);
  CHECK(got_c.size() == pushed[2].size());
  CHECK(std::set<std::string>(got_c.begin(), got_c.end()) == pushed[2]);
  CHECK(facts_held(d) == 4 * 1000 + 1 + 20);
  // The reads ran on connections of their own beside the writer (the embedded store).
  if (!using_pg_store()) CHECK(server::embedded_read_connections(d.store()) >= 2);
}

TEST_CASE("a day's push of 10,000 facts in batches of 1,000 is applied once, in order") {
  District d;
  TestStation st = d.enroll("530102001001");
  std::vector<std::string> bodies;
  for (int b = 0; b < 10; ++b) {
    std::vector<sync::FactPayload> facts;
    for (int i = 1; i <= 1000; ++i) facts.push_back(ticket_fact(st, b * 1000 + i));
    bodies.push_back(sync::to_json(batch(st, facts)));
  }
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  for (const auto& body : bodies) {
    auto r = d.signed_call(st, "POST", "/v1/push", "", body);
    REQUIRE(r.status == 200);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  MESSAGE("push + apply: " << static_cast<long>(10000 / s) << " facts/s wall, "
                           << static_cast<long>(10000 / cpu)
                           << " facts/s of CPU (budget >= 20,000)");
  CHECK(facts_held(d) == 10000);
  auto status = sync::parse_status_response(d.signed_call(st, "GET", "/v1/status").body).value();
  CHECK(status.streams.at(0).applied_through == 10000);
}

TEST_CASE(
    "what a station reports reaches the store through signed requests; a bad header is ignored") {
  District d;
  TestStation st = d.enroll("530102001001");
  auto station = [&] { return d.store().find_station(st.station_id).value().value(); };
  auto reported = [&](std::string method, std::string path, std::string query, std::string body,
                      std::string version, std::string waiting) {
    // The report headers are added after signing: they are outside the signature.
    sync::HttpRequest r =
        d.signed_request(st, std::move(method), std::move(path), std::move(query), std::move(body));
    r.headers[std::string(sync::kVersionHeader)] = std::move(version);
    r.headers[std::string(sync::kWaitingHeader)] = std::move(waiting);
    return d.call(std::move(r));
  };
  {
    auto fresh = station();
    CHECK_FALSE(fresh.version);
    CHECK_FALSE(fresh.waiting);
    CHECK(fresh.last_sync_ms == 0);
    CHECK(fresh.last_seen_ms == 0);
  }
  // A push that succeeds: reported, seen and synced at the district's time.
  d.clock().advance(60'000);
  const std::int64_t pushed_at = d.clock().now_ms();
  auto push = reported("POST", "/v1/push", "", sync::to_json(batch(st, {ticket_fact(st, 1)})),
                       "0.1.0", "17");
  REQUIRE_MESSAGE(push.status == 200, push.body);
  auto after_push = station();
  CHECK(after_push.version == "0.1.0");
  CHECK(after_push.waiting == 17);
  CHECK(after_push.last_sync_ms == pushed_at);
  CHECK(after_push.last_seen_ms == pushed_at);

  // Malformed headers on a status request: served as ever, the reported values kept, seen but
  // not synced (a status is no sync).
  d.clock().advance(60'000);
  const std::int64_t status_at = d.clock().now_ms();
  auto status = reported("GET", "/v1/status", "", "", std::string(65, 'x') + "\x01", "-3");
  CHECK_MESSAGE(status.status == 200, status.body);
  auto after_status = station();
  CHECK(after_status.version == "0.1.0");
  CHECK(after_status.waiting == 17);
  CHECK(after_status.last_sync_ms == pushed_at);
  CHECK(after_status.last_seen_ms == status_at);
  auto odd = reported("GET", "/v1/status", "", "", "0.1.0", "1000000000001");
  CHECK(odd.status == 200);
  CHECK(station().waiting == 17);

  // A push refused for a gap is no sync either.
  d.clock().advance(60'000);
  sync::PushRequest gap = batch(st, {ticket_fact(st, 9)});
  gap.base_seq = 5;
  gap.entries[0].seq = 6;
  auto refused = reported("POST", "/v1/push", "", sync::to_json(gap), "0.1.1", "3");
  CHECK(refused.status == 409);
  CHECK(station().last_sync_ms == pushed_at);
  CHECK(station().version == "0.1.1");

  // A pull that succeeds is a sync.
  d.clock().advance(60'000);
  const std::int64_t pulled_at = d.clock().now_ms();
  auto pull = reported("GET", "/v1/pull", "after=0", "", "0.1.1", "0");
  CHECK_MESSAGE(pull.status == 200, pull.body);
  auto after_pull = station();
  CHECK(after_pull.waiting == 0);
  CHECK(after_pull.last_sync_ms == pulled_at);
  CHECK(after_pull.last_seen_ms == pulled_at);

  // A request whose signature fails records nothing.
  d.clock().advance(60'000);
  sync::HttpRequest forged = d.signed_request(st, "GET", "/v1/status", "", "");
  forged.headers["Signature"] = "sig1=:" + sync::base64_encode(std::string(64, 'x')) + ":";
  forged.headers[std::string(sync::kVersionHeader)] = "6.6.6";
  CHECK(d.call(forged).status == 401);
  CHECK(station().version == "0.1.1");
  CHECK(station().last_seen_ms == pulled_at);

  // The list shows the same.
  auto all = d.store().stations().value();
  REQUIRE(all.size() == 1);
  CHECK(all[0].version == "0.1.1");
  CHECK(all[0].last_sync_ms == pulled_at);
}
