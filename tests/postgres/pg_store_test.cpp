// PgStore against a real PostgreSQL (the weimin_pg CTest fixture sets WEIMIN_TEST_STORE):
// exactly-once apply and a gapless, commit-ordered change log when many connections race, the
// epoch rule, scope and pages of pulls, digests. Each test uses a fresh schema.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "govern_tables.hpp"
#include "neighbour_tables.hpp"
#include "weimin/server/cli.hpp"
#include "weimin/server/pg_store.hpp"
#include "weimin/sync/protocol_digest.hpp"

namespace ws = weimin::server;
namespace wsync = weimin::sync;

namespace {

constexpr std::int64_t kNow = 1'763'856'000'000;  // 2025-11-23

std::string base_url() {
  const char* url = std::getenv("WEIMIN_TEST_STORE");
  REQUIRE_MESSAGE(url != nullptr,
                  "WEIMIN_TEST_STORE is not set: run through ctest (fixture weimin_pg) or "
                  "tests/postgres/cluster.sh run WEIMIN_TEST_STORE <this test>");
  REQUIRE_MESSAGE(ws::is_postgres_url(url), "WEIMIN_TEST_STORE is not a postgresql:// URL");
  return url;
}

std::unique_ptr<ws::DistrictStore> open(const std::string& url, std::string district = "530102") {
  ws::PgStoreOptions o;
  o.district = std::move(district);
  o.now_ms = kNow;
  auto s = ws::open_pg_store(url, o);
  REQUIRE_MESSAGE(s.is_ok(), s.status().to_string());
  return std::move(s).value();
}

std::string fact_id(int station, int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "019ab000-0000-7000-8000-%06d%06d", station, n);
  return buf;
}

std::string community_of(int station) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "530102%06d", station + 1);
  return buf;
}

ws::FactRecord fact(int station, int n, std::string day = "2025-11-23") {
  ws::FactRecord f;
  f.community = community_of(station);
  f.fact.id = fact_id(station, n);
  f.fact.kind = "ticket.taken";
  f.fact.subject = "ticket:" + std::to_string(station) + "-" + std::to_string(n);
  f.fact.origin = wsync::station_id_for(f.community);
  f.fact.hlc = 1000 + n;
  f.fact.wall_ms = kNow + n;
  f.fact.day = std::move(day);
  f.fact.body = {{"line", "A"}, {"n", n}};
  f.received_ms = kNow;
  return f;
}

// With reject_every, every entry whose seq is a multiple of it is one that can never apply.
ws::PushBatch batch(int station, const std::string& stream, std::int64_t base, int from, int to,
                    int reject_every = 0) {
  ws::PushBatch b;
  b.station_id = wsync::station_id_for(community_of(station));
  b.stream = stream;
  b.base_seq = base;
  b.now_ms = kNow;
  for (int seq = from; seq <= to; ++seq) {
    ws::PreparedEntry e;
    e.seq = seq;
    if (reject_every > 0 && seq % reject_every == 0) {
      e.reject_reason = "entry " + std::to_string(seq) + " can never apply";
    } else {
      e.fact = fact(station, seq);
    }
    b.entries.push_back(std::move(e));
  }
  return b;
}

// Every gseq of the store's change log, from a plain SQL look at the schema.
std::vector<std::int64_t> all_gseqs(const std::string& url) {
  const auto schema = url.substr(url.find("schema=") + 7);
  pqxx::connection c(url.substr(0, url.find("schema=") - 1));
  pqxx::work w(c);
  std::vector<std::int64_t> out;
  for (const auto& row : w.exec("SELECT gseq FROM " + schema + ".fact UNION ALL SELECT gseq FROM " +
                                schema + ".reference_change ORDER BY 1")) {
    out.push_back(row[0].as<std::int64_t>());
  }
  return out;
}

}  // namespace

TEST_CASE("a new PostgreSQL store has an epoch and a district; reopening keeps both") {
  const auto url = ws::pg_url_with_fresh_schema(base_url());
  std::string epoch;
  {
    auto s = open(url);
    auto e = s->epoch();
    REQUIRE(e.is_ok());
    epoch = *e;
    CHECK(epoch.size() == 36);
    CHECK(*s->district() == "530102");
  }
  auto again = open(url, "");
  CHECK(*again->epoch() == epoch);
  CHECK(*again->district() == "530102");

  ws::PgStoreOptions other;
  other.district = "530111";
  auto refused = ws::open_pg_store(url, other);
  REQUIRE_FALSE(refused.is_ok());
  CHECK(refused.status().code() == weimin::ErrorCode::Invalid);
  CHECK(refused.status().message().find("530102") != std::string::npos);
}

TEST_CASE("a bad URL or an unreachable server is refused with a message saying what to do") {
  auto bad = ws::open_pg_store("postgresql://postgres@127.0.0.1:1/nothing", {"530102", kNow, 1});
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().code() == weimin::ErrorCode::Unavailable);
  auto bad_schema = ws::open_pg_store(base_url() + "?schema=x;drop", {"530102", kNow, 1});
  REQUIRE_FALSE(bad_schema.is_ok());
  CHECK(bad_schema.status().code() == weimin::ErrorCode::Invalid);
}

TEST_CASE("the epoch changes after a restore the store detects, and on demand") {
  const auto url = ws::pg_url_with_fresh_schema(base_url());
  std::string first;
  {
    auto s = open(url);
    first = *s->epoch();
  }
  // A restored copy carries the identity of the cluster it was dumped from.
  {
    const auto schema = url.substr(url.find("schema=") + 7);
    pqxx::connection c(base_url());
    pqxx::work w(c);
    w.exec("UPDATE " + schema + ".meta SET value = '123/1/456' WHERE key = 'identity'");
    w.commit();
  }
  auto restored = open(url);
  const std::string second = *restored->epoch();
  CHECK(second != first);
  auto reopened = open(url);
  CHECK(*reopened->epoch() == second);  // no restore in between: the same epoch

  auto forced = ws::new_pg_epoch(url, kNow);
  REQUIRE(forced.is_ok());
  CHECK(*forced != second);
  CHECK(*reopened->epoch() == *forced);  // a running store sees it at once

  // The same from the command line, and the embedded store is sent to `restore`.
  std::istringstream in;
  std::ostringstream out, err;
  CHECK(ws::run_district_cli({"--store", url, "new-epoch"}, {in, out, err}) == 0);
  CHECK(out.str().find("new epoch ") == 0);
  CHECK(out.str().find(*forced) == std::string::npos);
  CHECK(*reopened->epoch() != *forced);
  std::ostringstream out2, err2;
  CHECK(ws::run_district_cli({"--data", "/nonexistent", "new-epoch"}, {in, out2, err2}) == 1);
  CHECK(err2.str().find("restore FILE") != std::string::npos);
}

TEST_CASE("a push is applied once; a repeat is skipped, a gap refused, a bad entry rejected") {
  const auto url = ws::pg_url_with_fresh_schema(base_url());
  auto s = open(url);
  const std::string stream = "0190aaaa-0000-7000-8000-000000000001";

  auto first = s->apply_push(batch(0, stream, 0, 1, 5));
  REQUIRE(first.is_ok());
  CHECK(first->applied_through == 5);
  CHECK(first->applied == 5);
  CHECK(first->duplicates == 0);
  CHECK_FALSE(first->gap_expected.has_value());

  auto repeat = s->apply_push(batch(0, stream, 0, 1, 5));
  REQUIRE(repeat.is_ok());
  CHECK(repeat->applied_through == 5);
  CHECK(repeat->applied == 0);
  CHECK(*s->fact_count() == 5);

  auto gap = s->apply_push(batch(0, stream, 0, 8, 9));
  REQUIRE(gap.is_ok());
  REQUIRE(gap->gap_expected.has_value());
  CHECK(*gap->gap_expected == 6);
  CHECK(*s->fact_count() == 5);

  auto mixed = batch(0, stream, 0, 4, 8);  // 4, 5 old; 6 bad; 7 a fact held already; 8 new
  mixed.entries[2].fact.reset();
  mixed.entries[2].reject_reason = "topic 'audit' is not known";
  mixed.entries[3].fact = fact(0, 2);
  auto applied = s->apply_push(mixed);
  REQUIRE(applied.is_ok());
  CHECK(applied->applied_through == 8);
  CHECK(applied->applied == 1);
  CHECK(applied->duplicates == 1);
  REQUIRE(applied->rejected.size() == 1);
  CHECK(applied->rejected[0].seq == 6);
  auto rejects = s->rejects("");
  REQUIRE(rejects.is_ok());
  REQUIRE(rejects->size() == 1);
  CHECK((*rejects)[0].reason == "topic 'audit' is not known");
  CHECK((*rejects)[0].stream == stream);

  // A new stream (after an epoch change) starts at its base and re-sends old facts harmlessly.
  const std::string stream2 = "0190aaaa-0000-7000-8000-000000000002";
  auto resent = s->apply_push(batch(0, stream2, 8, 9, 12));
  REQUIRE(resent.is_ok());
  CHECK(resent->applied_through == 12);
  auto streams = s->streams(wsync::station_id_for(community_of(0)));
  REQUIRE(streams.is_ok());
  REQUIRE(streams->size() == 2);
  CHECK(all_gseqs(url) == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
}

TEST_CASE("pulls see their community's facts and all reference data, in pages") {
  const auto url = ws::pg_url_with_fresh_schema(base_url());
  auto s = open(url);
  REQUIRE(s->apply_push(batch(0, "0190aaaa-0000-7000-8000-00000000000a", 0, 1, 3)).is_ok());
  auto cat = s->publish_reference("catalog", R"({"version":1})", kNow);
  REQUIRE(cat.is_ok());
  CHECK(*cat == 4);
  REQUIRE(s->apply_push(batch(1, "0190aaaa-0000-7000-8000-00000000000b", 0, 1, 3)).is_ok());
  REQUIRE(s->apply_push(batch(0, "0190aaaa-0000-7000-8000-00000000000a", 0, 4, 5)).is_ok());

  auto all = s->read_changes(community_of(0), 0, 100, 1 << 20, "", {});
  REQUIRE(all.is_ok());
  std::vector<std::int64_t> seen;
  for (const auto& c : all->changes) seen.push_back(c.gseq);
  CHECK(seen == std::vector<std::int64_t>{1, 2, 3, 4, 8, 9});
  CHECK(all->changes[3].type == "catalog");
  CHECK(all->changes[3].record["version"] == 1);
  CHECK(all->changes[0].type == "fact");
  CHECK(all->changes[0].record == wsync::to_json_value(fact(0, 1).fact));
  CHECK_FALSE(all->more);
  CHECK(all->next_after == 9);

  auto other = s->read_changes(community_of(1), 4, 100, 1 << 20, "", {});
  REQUIRE(other.is_ok());
  REQUIRE(other->changes.size() == 3);
  CHECK(other->changes[0].gseq == 5);
  CHECK(other->next_after == 9);  // past community 0's changes it cannot see

  // The asking station's own facts left out: the catalog and a district fact of its
  // community remain, and the cursor still reaches the head.
  ws::FactRecord made_here = fact(0, 40);
  made_here.fact.origin = "district:530102";
  REQUIRE(s->append_facts({made_here}).is_ok());  // gseq 10
  auto without_own =
      s->read_changes(community_of(0), 0, 100, 1 << 20, wsync::station_id_for(community_of(0)), {});
  REQUIRE(without_own.is_ok());
  std::vector<std::int64_t> kept;
  for (const auto& c : without_own->changes) kept.push_back(c.gseq);
  CHECK(kept == std::vector<std::int64_t>{4, 10});
  CHECK_FALSE(without_own->more);
  CHECK(without_own->next_after == 10);
  auto after_head = s->read_changes(community_of(0), 10, 100, 1 << 20,
                                    wsync::station_id_for(community_of(0)), {});
  REQUIRE(after_head.is_ok());
  CHECK(after_head->changes.empty());
  CHECK(after_head->next_after == 10);

  auto page = s->read_changes(community_of(0), 0, 2, 1 << 20, "", {});
  REQUIRE(page.is_ok());
  CHECK(page->changes.size() == 2);
  CHECK(page->more);
  CHECK(page->next_after == 2);
  auto small = s->read_changes(community_of(0), 0, 100, 10, "", {});  // bytes: always at least one
  REQUIRE(small.is_ok());
  CHECK(small->changes.size() == 1);
  CHECK(small->more);
  CHECK(small->next_after == 1);

  auto latest = s->latest_reference("catalog");
  REQUIRE(latest.is_ok());
  REQUIRE(latest->has_value());
  CHECK((*latest)->gseq == 4);
}

TEST_CASE("digests equal the protocol's day_digests over the same facts") {
  const auto url = ws::pg_url_with_fresh_schema(base_url());
  auto s = open(url);
  std::vector<ws::FactRecord> facts;
  std::vector<wsync::DigestItem> items;
  for (int i = 0; i < 30; ++i) {
    auto f = fact(3, 30 - i, i % 3 == 0 ? "2025-11-22" : "2025-11-23");
    items.push_back({"fact", f.fact.day, f.fact.id});
    facts.push_back(std::move(f));
  }
  facts[0].fact.kind = "case.collected";  // looked up as a case below
  facts.push_back(fact(4, 1));            // another community's
  auto n = s->append_facts(facts);
  REQUIRE(n.is_ok());
  CHECK(*n == 31);
  CHECK(*s->append_facts(facts) == 0);
  auto d = s->digests(community_of(3), "2025-11-01", "2025-11-30", wsync::kSchema);
  REQUIRE(d.is_ok());
  CHECK(*d == wsync::day_digests(items));
  auto by_subject = s->case_facts(facts[0].fact.subject);
  REQUIRE(by_subject.is_ok());
  REQUIRE(by_subject->size() == 1);
  CHECK((*by_subject)[0].fact == facts[0].fact);
  CHECK(by_subject->front().community == community_of(3));
  CHECK(s->case_facts(facts[1].fact.subject)->empty());  // a ticket is not a case
}

// Schema 13: tickets and ratings are not indexed by subject; a case's facts are, and the
// queries that read a loop's facts by subject are planned on that loop's partial index
// (fact_case_subject; fact_neighbour and fact_govern since schemas 11 and 8).
TEST_CASE("only the loops read by subject index their facts by it, and their reads use it") {
  const auto url = ws::pg_url_with_fresh_schema(base_url());
  auto s = open(url);
  const auto schema = url.substr(url.find("schema=") + 7);
  pqxx::connection c(url.substr(0, url.find("schema=") - 1));
  auto index_pages = [&](const std::string& index) {
    pqxx::work w(c);
    return w.exec("SELECT pg_relation_size('" + schema + "." + index + "') / 8192")[0][0]
        .as<std::int64_t>();
  };
  std::vector<ws::FactRecord> tickets;
  for (int i = 1; i <= 2000; ++i) tickets.push_back(fact(5, i));
  REQUIRE(*s->append_facts(tickets) == 2000);
  // A b-tree with no entries is its meta page alone.
  CHECK(index_pages("fact_case_subject") == 1);
  CHECK(index_pages("fact_neighbour") == 1);
  CHECK(index_pages("fact_govern") == 1);
  // Cases, many of them collected: a case's subject, not its kind, is what picks its facts.
  std::vector<ws::FactRecord> cases;
  for (int i = 0; i < 300; ++i) {
    auto f = fact(5, 2001 + i);
    f.fact.kind = i % 2 ? "case.whistled" : "case.collected";
    f.fact.subject = "case-" + std::to_string(i / 2);
    cases.push_back(std::move(f));
  }
  REQUIRE(*s->append_facts(cases) == 300);
  const ws::FactRecord& collected = cases[0];
  CHECK(index_pages("fact_case_subject") > 1);
  CHECK(s->case_facts(collected.fact.subject)->size() == 2);
  CHECK(s->case_communities({collected.fact.subject})->at(collected.fact.subject) ==
        community_of(5));

  // The reads' clauses: the cases' as pg_store.cpp writes them, the loops' their own constants.
  const std::vector<std::pair<std::string, std::string>> reads{
      {"kind LIKE 'case.%' AND subject = 'x'", "fact_case_subject"},
      {"subject = ANY('{x,y}'::text[]) AND kind LIKE 'case.%' AND kind = 'case.collected'",
       "fact_case_subject"},
      {std::string("subject = ANY('{x}'::text[]) AND ") + ws::neighbour_tables::kNeighbourKinds,
       "fact_neighbour"},
      {std::string("subject = ANY('{x}'::text[]) AND ") + ws::govern_tables::kGovernKinds,
       "fact_govern"},
  };
  pqxx::work w(c);
  w.exec("SET LOCAL search_path = " + schema);
  w.exec("ANALYZE fact");
  w.exec("SET LOCAL enable_seqscan = off");  // 2,300 rows: a scan would be cheaper
  for (const auto& [where, index] : reads) {
    std::string plan;
    for (const auto& row : w.exec("EXPLAIN SELECT payload FROM fact WHERE " + where)) {
      plan += row[0].as<std::string>() + "\n";
    }
    CAPTURE(plan);
    CHECK(plan.find(index) != std::string::npos);
  }
}

TEST_CASE("enrolment tokens are used once; nonces are remembered") {
  const auto url = ws::pg_url_with_fresh_schema(base_url());
  auto s = open(url);
  REQUIRE(s->add_enroll_token("h1", "530102001001", kNow + 1000, kNow).is_ok());
  auto wrong = s->enroll("h1", "530102001002", std::string(32, 'k'), kNow);
  REQUIRE_FALSE(wrong.is_ok());
  CHECK(wrong.status().code() == weimin::ErrorCode::Unauthenticated);
  auto ok = s->enroll("h1", "530102001001", std::string(32, '\0') + "", kNow);
  REQUIRE(ok.is_ok());
  CHECK(ok->station_id == "station:530102001001");
  auto found = s->find_station("station:530102001001");
  REQUIRE(found.is_ok());
  REQUIRE(found->has_value());
  CHECK((*found)->public_key == std::string(32, '\0'));
  auto again = s->enroll("h1", "530102001001", std::string(32, 'k'), kNow);
  REQUIRE_FALSE(again.is_ok());
  CHECK(again.status().message().find("used") != std::string::npos);

  CHECK(*s->remember_nonce("station:530102001001", "n1", kNow, kNow - 600'000));
  CHECK_FALSE(*s->remember_nonce("station:530102001001", "n1", kNow, kNow - 600'000));
  CHECK(*s->remember_nonce("station:530102001002", "n1", kNow, kNow - 600'000));
}

TEST_CASE("racing connections apply each entry once and the change log stays gapless") {
  // 6 store instances (6 connections, as 6 server processes) push 8 stations' streams; every
  // stream is pushed by two instances at once in overlapping batches, while a reader pulls.
  const auto url = ws::pg_url_with_fresh_schema(base_url());
  constexpr int kStations = 8, kPerStation = 300, kBatch = 40, kWriters = 6, kRejectEvery = 25;
  constexpr int kFactsPerStation = kPerStation - kPerStation / kRejectEvery;
  { auto init = open(url); }
  // Per station: facts counted as applied by all pushes together, and the highest position any
  // push answered (a later push must never answer less).
  std::array<std::atomic<std::int64_t>, kStations> applied_sum{};
  std::array<std::atomic<std::int64_t>, kStations> highest{};
  std::atomic<bool> failed{false};
  std::string failure;
  std::mutex failure_mu;
  auto fail = [&](const std::string& what) {
    std::lock_guard l(failure_mu);
    failed = true;
    failure = what;
  };
  std::atomic<bool> writers_done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      auto s = open(url);
      for (int station = t % 4; station < kStations; station += 2) {  // each station: 3 writers
        const std::string stream = "0190bbbb-0000-7000-8000-00000000000" + std::to_string(station);
        int seq = 1;
        while (seq <= kPerStation && !failed) {
          const int to = std::min(kPerStation, seq + kBatch - 1 + (t % 3) * 7);
          const std::int64_t before = highest[station].load();
          auto r = s->apply_push(batch(station, stream, 0, seq, to, kRejectEvery));
          if (!r.is_ok()) return fail(r.status().to_string());
          if (r->applied_through < before) {
            return fail("station " + std::to_string(station) + ": position went back from " +
                        std::to_string(before) + " to " + std::to_string(r->applied_through));
          }
          applied_sum[station] += r->applied;
          for (auto h = highest[station].load();
               h < r->applied_through &&
               !highest[station].compare_exchange_weak(h, r->applied_through);) {
          }
          if (r->gap_expected) {
            seq = static_cast<int>(*r->gap_expected);
            continue;
          }
          seq = static_cast<int>(r->applied_through) + 1;
          // Back up a little now and then: a repeated, overlapping batch.
          if (seq % 3 == 0) seq = std::max(1, seq - 10);
        }
      }
    });
  }
  // A reader following the log of station 0's community must see each of its facts exactly
  // once, in gseq order, although writers commit while it reads.
  std::vector<std::int64_t> pulled;
  std::thread reader([&] {
    auto s = open(url);
    std::int64_t after = 0;
    for (int rounds = 0; rounds < 100000 && !failed; ++rounds) {
      const bool last_round = writers_done.load();
      auto page = s->read_changes(community_of(0), after, 50, 1 << 20, "", {});
      if (!page.is_ok()) return fail(page.status().to_string());
      for (const auto& c : page->changes) {
        if (c.gseq <= after) return fail("gseq went back");
        pulled.push_back(c.gseq);
        after = c.gseq;
      }
      after = std::max(after, page->next_after);
      if (last_round && !page->more) break;
    }
  });
  for (auto& th : threads) th.join();
  writers_done = true;
  reader.join();
  REQUIRE_MESSAGE(!failed, failure);

  auto s = open(url);
  CHECK(*s->fact_count() == kStations * kFactsPerStation);
  auto rejects = s->rejects("");
  REQUIRE(rejects.is_ok());
  CHECK(rejects->size() == static_cast<std::size_t>(kStations * (kPerStation / kRejectEvery)));
  for (int station = 0; station < kStations; ++station) {
    CHECK(applied_sum[station].load() == kFactsPerStation);
    auto streams = s->streams(wsync::station_id_for(community_of(station)));
    REQUIRE(streams.is_ok());
    REQUIRE(streams->size() == 1);
    CHECK((*streams)[0].applied_through == kPerStation);
  }
  const auto gseqs = all_gseqs(url);
  REQUIRE(gseqs.size() == static_cast<std::size_t>(kStations * kFactsPerStation));
  for (std::size_t i = 0; i < gseqs.size(); ++i) {
    if (gseqs[i] != static_cast<std::int64_t>(i + 1)) {
      FAIL("the change log has a gap or a repeat at " << i + 1 << ": " << gseqs[i]);
    }
  }
  // The reader saw community 0's facts exactly once each.
  std::set<std::int64_t> unique(pulled.begin(), pulled.end());
  CHECK(unique.size() == pulled.size());
  CHECK(pulled.size() == static_cast<std::size_t>(kFactsPerStation));
}

TEST_CASE("a fact committed between a push's held-id check and the counter's lock is skipped") {
  // A push reads which of its ids the store holds before it takes the change counter's lock
  // (HeldCheck::BeforeLock). Here another inserter holds that lock with one of the push's facts
  // written but not committed: the push does not see it, waits for the lock, and then finds it
  // committed. The push must count it as held (run again with the check under the lock), not
  // fail on the primary key.
  const auto url = ws::pg_url_with_fresh_schema(base_url());
  auto s = open(url);
  const auto schema = url.substr(url.find("schema=") + 7);
  const std::string conninfo = url.substr(0, url.find("schema=") - 1);
  pqxx::connection other_conn(conninfo);
  pqxx::work other(other_conn);
  other.exec("SET search_path TO " + other_conn.quote_name(schema));
  const auto head = other.exec("SELECT n FROM change_counter FOR UPDATE")[0][0].as<std::int64_t>();
  const ws::FactRecord taken = fact(0, 2);
  other.exec_params(
      "INSERT INTO fact (id, gseq, community, day, kind, subject, origin, hlc, received_ms, "
      "payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      taken.fact.id, head + 1, taken.community, taken.fact.day, taken.fact.kind, taken.fact.subject,
      taken.fact.origin, taken.fact.hlc, taken.received_ms, ws::record_text(taken));
  other.exec_params("UPDATE change_counter SET n = $1", head + 1);

  const std::string stream = "0190cccc-0000-7000-8000-000000000001";
  std::optional<weimin::Result<ws::PushOutcome>> pushed;
  std::thread pusher([&] { pushed = s->apply_push(batch(0, stream, 0, 1, 3)); });
  // Until the push waits for the counter's lock (it has read the held ids by then).
  pqxx::connection watch_conn(conninfo);
  bool waiting = false;
  // Bounded (some seconds of polling), not timed: a push that never waits fails REQUIRE below.
  for (int i = 0; i < 50'000 && !waiting; ++i) {
    pqxx::nontransaction watch(watch_conn);
    waiting = watch
                  .exec(
                      "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                      "AND query = 'SELECT n FROM change_counter FOR UPDATE'")[0][0]
                  .as<int>() > 0;
  }
  other.commit();
  pusher.join();
  REQUIRE(waiting);
  REQUIRE(pushed.has_value());
  REQUIRE_MESSAGE(pushed->is_ok(), pushed->status().to_string());
  CHECK((*pushed)->applied_through == 3);
  CHECK((*pushed)->applied == 2);
  CHECK((*pushed)->duplicates == 1);
  CHECK(*s->fact_count() == 3);
  CHECK(all_gseqs(url) == std::vector<std::int64_t>{1, 2, 3});
}
