// The store's bulk path (DistrictStore::bulk_append_facts, store.hpp): loading random histories
// (cases, station days of tickets, ratings; repeats within a call and of facts held already;
// cases spread over several calls) through it leaves the store exactly as append_facts and as
// pushing the same facts do — the same facts and changes with the same gseqs, the same digests,
// every case row and every figure. Runs on the embedded store, and on PostgreSQL with
// WEIMIN_TEST_STORE (tests/postgres).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "case_history.hpp"
#include "seed.hpp"
#include "server_fixture.hpp"
#include "ticket_history.hpp"
#include "weimin/server/figures.hpp"

using namespace weimin;
using namespace weimin::test;

namespace {

constexpr std::int64_t kHour = kHistoryHour;

// Random histories of `cases_per_community` cases in each community, a few station days of
// tickets and ratings of some finished services, as the facts the district would hold.
std::vector<server::FactRecord> random_facts(std::mt19937_64& rng, int cases_per_community,
                                             std::vector<std::string>& case_ids) {
  std::vector<server::FactRecord> out;
  for (std::size_t s = 0; s < kCommunities.size(); ++s) {
    const std::string& community = kCommunities[s];
    const std::string origin = sync::station_id_for(community);
    auto add = [&](sync::FactPayload f) {
      const std::int64_t received = f.wall_ms + static_cast<std::int64_t>(rng() % 5) * kHour;
      out.push_back({std::move(f), community, received, {}});
    };
    for (int k = 0; k < cases_per_community; ++k) {
      const std::uint64_t space = 0x100 + s * 0x40 + static_cast<std::uint64_t>(k);
      const core::Uuid id = uuid_of(space, 0xcafe);
      case_ids.push_back(id.to_string());
      for (const auto& e : random_history(rng, id, origin, space)) add(to_fact(e));
    }
    for (int day = 0; day < 5; ++day) {
      const std::int64_t start = kStart - static_cast<std::int64_t>(rng() % 25) * 24 * kHour;
      std::vector<core::TicketEvent> finished;
      const std::uint64_t space = 0x4000 + s * 0x100 + static_cast<std::uint64_t>(day) * 0x10;
      for (auto& f : ticket_day(rng, origin, start, space, &finished)) add(std::move(f));
      for (std::size_t k = 0; k < finished.size(); ++k) {
        if (rng() % 2) continue;
        add(evaluation_fact(finished[k], static_cast<core::Rating>(rng() % 3), space + 0x8000 + k));
      }
    }
  }
  return out;
}

// `facts` shuffled and cut into lists of 1…max_size, now and then with a fact of the same list
// or of an earlier one repeated.
std::vector<std::vector<server::FactRecord>> random_lists(std::mt19937_64& rng,
                                                          std::vector<server::FactRecord> facts,
                                                          std::size_t max_size) {
  std::shuffle(facts.begin(), facts.end(), rng);
  std::vector<std::vector<server::FactRecord>> lists;
  std::size_t at = 0;
  while (at < facts.size()) {
    const std::size_t n = std::min<std::size_t>(facts.size() - at, 1 + rng() % max_size);
    std::vector<server::FactRecord> list(facts.begin() + static_cast<std::ptrdiff_t>(at),
                                         facts.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    if (rng() % 2) list.push_back(list[rng() % list.size()]);     // within the list
    if (rng() % 2) list.insert(list.begin(), facts[rng() % at]);  // held already
    lists.push_back(std::move(list));
  }
  return lists;
}

server::FigureQuery random_query(std::mt19937_64& rng) {
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  server::FigureQuery q;
  const std::int64_t from = kStart - static_cast<std::int64_t>(rng() % 30) * 24 * kHour;
  q.from = core::local_date(from).to_string();
  q.to = core::local_date(from + static_cast<std::int64_t>(rng() % 40) * 24 * kHour).to_string();
  q.by = pick({"", "day", "week", "month"});
  if (rng() % 4 == 0) q.office = pick({"530102001", "530102002"});
  if (rng() % 5 == 0) q.community = pick(kCommunities);
  if (rng() % 4 == 0) q.department = pick(kDepartments);
  q.now_ms = kStart + static_cast<std::int64_t>(rng() % (20 * 24)) * kHour -
             static_cast<std::int64_t>(rng() % (20 * 24)) * kHour;
  q.rankings_only = rng() % 3 == 0;
  return q;
}

std::vector<server::FactRecord> all_facts(server::DistrictStore& store) {
  std::vector<server::FactRecord> out;
  for (const auto& c : kCommunities) {
    auto facts = store.community_facts(c, "2000-01-01", "2999-12-31");
    REQUIRE_MESSAGE(facts.is_ok(), facts.status().to_string());
    for (auto& f : *facts) out.push_back(std::move(f));
  }
  return out;
}

// Every change of `community` (its facts and the reference data) as (gseq, type, record).
std::vector<std::string> changes_of(server::DistrictStore& store, const std::string& community) {
  std::vector<std::string> out;
  std::int64_t after = 0;
  while (true) {
    auto page = store.read_changes(community, after, 1000, 1 << 24, "", {});
    REQUIRE_MESSAGE(page.is_ok(), page.status().to_string());
    for (const auto& c : page->changes) {
      out.push_back(std::to_string(c.gseq) + " " + c.type + " " + c.record.dump());
    }
    after = page->next_after;
    if (!page->more) break;
  }
  return out;
}

// Every case row and every figure of `queries` random queries of `a` and `b` are equal, and
// equal to the brute force over a's facts.
void check_same_rows_and_figures(server::DistrictStore& a, server::DistrictStore& b,
                                 const std::vector<std::string>& case_ids, std::mt19937_64& rng,
                                 int queries) {
  for (const std::string& id : case_ids) {
    auto ra = a.case_row(id);
    auto rb = b.case_row(id);
    REQUIRE(ra.is_ok());
    REQUIRE(rb.is_ok());
    CHECK_MESSAGE(ra->has_value() == rb->has_value(), "case " << id);
    if (ra->has_value() && rb->has_value()) CHECK_MESSAGE(**ra == **rb, "case " << id);
  }
  const std::vector<server::FactRecord> facts = all_facts(a);
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json");
  std::stringstream text;
  text << in.rdbuf();
  const core::Catalog catalog = core::parse_catalog(text.str(), "wuhua.json").value();
  for (int i = 0; i < queries; ++i) {
    const server::FigureQuery q = random_query(rng);
    auto fa = a.figures(q);
    auto fb = b.figures(q);
    REQUIRE_MESSAGE(fa.is_ok(), fa.status().to_string());
    REQUIRE_MESSAGE(fb.is_ok(), fb.status().to_string());
    CHECK_MESSAGE(*fa == *fb, "query " << q.from << ".." << q.to << " " << q.office << " "
                                       << q.community << " " << q.department);
    CHECK(*fa == server::figures_from_facts(facts, &catalog, q));
  }
}

}  // namespace

TEST_CASE("the bulk path leaves the store as append_facts does: facts, changes, rows, figures") {
  const std::uint64_t seed = test::seed_from_env();
  MESSAGE("seed " << seed << " (WEIMIN_SEED to repeat)");
  std::mt19937_64 rng(seed);
  District normal, bulk;
  normal.publish_catalog();
  bulk.publish_catalog();
  std::vector<std::string> case_ids;
  const auto facts = random_facts(rng, using_pg_store() ? 8 : 20, case_ids);
  // Lists of up to a third of the facts: most cases span several calls, so the bulk path folds
  // some from the facts in hand and reads others back.
  const auto lists = random_lists(rng, facts, facts.size() / 3);
  MESSAGE(facts.size() << " facts in " << lists.size() << " lists");
  for (const auto& list : lists) {
    auto n = normal.store().append_facts(list);
    auto b = bulk.store().bulk_append_facts(list);
    REQUIRE_MESSAGE(n.is_ok(), n.status().to_string());
    REQUIRE_MESSAGE(b.is_ok(), b.status().to_string());
    CHECK(*n == *b);
  }
  // Everything again: nothing new.
  auto again = bulk.store().bulk_append_facts(facts);
  REQUIRE(again.is_ok());
  CHECK(*again == 0);

  CHECK(normal.store().fact_count().value() == bulk.store().fact_count().value());
  for (const auto& c : kCommunities) {
    CHECK(changes_of(normal.store(), c) == changes_of(bulk.store(), c));
    CHECK(normal.store().digests(c, "2000-01-01", "2999-12-31", sync::kSchema).value() ==
          bulk.store().digests(c, "2000-01-01", "2999-12-31", sync::kSchema).value());
  }
  check_same_rows_and_figures(normal.store(), bulk.store(), case_ids, rng,
                              using_pg_store() ? 25 : 80);
  // And a rebuild from the facts changes nothing.
  REQUIRE(bulk.store().rebuild_projection().is_ok());
  check_same_rows_and_figures(normal.store(), bulk.store(), case_ids, rng, 10);
}

TEST_CASE("a bulk load of what a district holds equals pushing it in small batches") {
  const std::uint64_t seed = test::seed_from_env() + 1;
  MESSAGE("seed " << seed - 1 << " (WEIMIN_SEED to repeat)");
  std::mt19937_64 rng(seed);
  District pushed, bulk;
  pushed.publish_catalog();
  bulk.publish_catalog();
  std::vector<TestStation> stations;
  for (const auto& c : kCommunities) stations.push_back(pushed.enroll(c));
  std::vector<std::string> case_ids;
  std::vector<std::vector<sync::FactPayload>> pending(stations.size());
  for (const auto& r : random_facts(rng, using_pg_store() ? 6 : 16, case_ids)) {
    for (std::size_t s = 0; s < stations.size(); ++s) {
      if (stations[s].station_id == r.fact.origin) pending[s].push_back(r.fact);
    }
  }
  for (auto& p : pending) std::shuffle(p.begin(), p.end(), rng);
  push_in_random_batches(pushed, stations, pending, rng, 12, [] {});

  // What the pushed district holds, in two calls, some facts in both.
  std::vector<server::FactRecord> held = all_facts(pushed.store());
  REQUIRE(!held.empty());
  std::shuffle(held.begin(), held.end(), rng);
  const auto half = static_cast<std::ptrdiff_t>(held.size() / 2);
  std::vector<server::FactRecord> first(held.begin(), held.begin() + half + 5);
  std::vector<server::FactRecord> second(held.begin() + half, held.end());
  auto a = bulk.store().bulk_append_facts(first);
  auto b = bulk.store().bulk_append_facts(second);
  REQUIRE_MESSAGE(a.is_ok(), a.status().to_string());
  REQUIRE_MESSAGE(b.is_ok(), b.status().to_string());
  CHECK(*a + *b == static_cast<std::int64_t>(held.size()));
  CHECK(bulk.store().fact_count().value() == pushed.store().fact_count().value());
  check_same_rows_and_figures(pushed.store(), bulk.store(), case_ids, rng,
                              using_pg_store() ? 20 : 60);
}
