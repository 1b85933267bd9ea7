// Seeded simulation: 20 stations and the district in one process. Random writes, syncs over a
// link that drops requests, loses answers, delivers requests twice and hands back stale
// (reordered) answers; station crashes (closed and opened again mid-way), clock jumps of ±24 h,
// district restarts and one restore from an older backup. At the end every station's digest
// equals the district's for its scope and every fact written exists exactly once.
// WEIMIN_SEED replays a run; WEIMIN_SIM_ROUNDS and WEIMIN_SIM_STATIONS make it longer.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>

#include "seed.hpp"
#include "sync_fixture.hpp"

using namespace weimin;
using weimin::test::District;
using weimin::test::TestStation;

namespace {

struct FaultRates {
  double drop_request = 0.05;   // never reaches the district
  double drop_response = 0.06;  // handled, answer lost
  double repeat = 0.05;         // delivered twice (the first answer returns)
  double stale = 0.3;           // an older answer for the same path comes back instead
};

class FaultyLink final : public sync::Transport {
 public:
  FaultyLink(District& district, std::uint64_t seed) : district_(district), rng_(seed) {}
  bool faults = true;
  FaultRates rates;
  std::map<std::string, int> counts;

  Result<sync::HttpResponse> send(const sync::HttpRequest& r) override {
    if (faults && chance(rates.drop_request)) {
      counts["drop_request"]++;
      return Status(ErrorCode::Unavailable, "simulated: request lost");
    }
    sync::HttpResponse response = district_.handle(r);
    if (faults && chance(rates.repeat)) {
      counts["repeat"]++;
      (void)district_.handle(r);
    }
    // An older answer to the same request (a retry's late twin) may overtake the new one.
    auto& history = old_[r.path + "?" + r.query + "#" + std::to_string(std::hash<std::string>{}(r.body))];
    if (faults && !history.empty() && chance(rates.stale)) {
      counts["stale"]++;
      std::uniform_int_distribution<std::size_t> pick(0, history.size() - 1);
      const sync::HttpResponse stale = history[pick(rng_)];
      history.push_back(response);
      return stale;
    }
    if (response.status == 200) {
      history.push_back(response);
      if (history.size() > 8) history.erase(history.begin());
    }
    if (faults && chance(rates.drop_response)) {
      counts["drop_response"]++;
      return Status(ErrorCode::Unavailable, "simulated: answer lost");
    }
    return response;
  }

 private:
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  District& district_;
  std::mt19937_64 rng_;
  std::map<std::string, std::vector<sync::HttpResponse>> old_;
};

}  // namespace

TEST_CASE("simulation: stations and the district converge through faults, crashes and clock jumps") {
  const std::uint64_t seed = test::seed_from_env();
  const long rounds = test::env_int("WEIMIN_SIM_ROUNDS", 240);
  const long station_count = test::env_int("WEIMIN_SIM_STATIONS", 20);
  MESSAGE("simulation seed " << seed << " (replay with WEIMIN_SEED=" << seed << "), " << rounds
                             << " rounds, " << station_count << " stations");
  std::mt19937_64 rng(seed);
  auto pick = [&](long lo, long hi) { return std::uniform_int_distribution<long>(lo, hi)(rng); };

  District district;
  std::vector<std::unique_ptr<TestStation>> stations;
  std::vector<std::unique_ptr<FaultyLink>> links;
  const auto communities = test::wuhua_communities(static_cast<std::size_t>(station_count));
  for (long i = 0; i < station_count; ++i) {
    stations.push_back(std::make_unique<TestStation>(communities[static_cast<std::size_t>(i)]));
    links.push_back(std::make_unique<FaultyLink>(district, seed * 31 + static_cast<std::uint64_t>(i)));
    links.back()->faults = false;
    stations.back()->enroll(district, *links.back());
    links.back()->faults = true;
  }
  std::map<std::string, std::set<std::string>> written;  // community → ids
  int syncs_ok = 0, syncs_failed = 0, crashes = 0, jumps = 0, restarts = 0, restores = 0;
  bool backed_up = false;

  for (long round = 0; round < rounds; ++round) {
    const auto who = static_cast<std::size_t>(pick(0, station_count - 1));
    TestStation& s = *stations[who];
    const long action = pick(0, 99);
    if (action < 40) {
      for (const auto& id : s.write(static_cast<int>(pick(1, 25)))) written[s.community].insert(id);
    } else if (action < 80) {
      station::SyncOptions options;
      options.push_page_count = static_cast<std::size_t>(pick(5, 60));
      options.pull_limit = pick(5, 80);
      options.anti_entropy = pick(0, 9) == 0;
      auto r = s.sync(*links[who], options);
      r.is_ok() ? ++syncs_ok : ++syncs_failed;
      if (!r.is_ok()) {
        const auto code = r.status().code();
        // Only link trouble (and refusals of a repeated/stale request) may fail a sync here.
        CHECK_MESSAGE((code == ErrorCode::Unavailable || code == ErrorCode::Unauthenticated ||
                       code == ErrorCode::Rejected),
                      r.status().to_string());
      }
    } else if (action < 86) {
      s.reopen();
      ++crashes;
    } else if (action < 92) {
      const std::int64_t jump = (pick(0, 1) ? 1 : -1) * 24 * 3600'000LL;
      s.clock.set(district.clock.now_ms() + (pick(0, 2) == 0 ? 0 : jump));
      ++jumps;
    } else if (action < 97) {
      const std::int64_t step = pick(1, 180) * 60'000LL;
      district.clock.advance(step);
      for (auto& st : stations) st->clock.advance(step);
    } else if (action < 99) {
      district.close();
      district.open();
      ++restarts;
    } else if (!backed_up) {
      district.close();
      REQUIRE(server::backup_embedded_store(district.dir / "data", district.dir / "backup.db",
                                            district.keys).is_ok());
      district.open();
      backed_up = true;
    } else if (restores == 0) {
      district.close();
      REQUIRE(server::restore_embedded_store(district.dir / "data", district.dir / "backup.db",
                                             district.keys, district.clock.now_ms()).is_ok());
      district.open();
      ++restores;
    }
  }

  // Heal the link and the clocks, then let everyone sync until quiet.
  for (std::size_t i = 0; i < stations.size(); ++i) {
    links[i]->faults = false;
    stations[i]->clock.set(district.clock.now_ms());
  }
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < stations.size(); ++i) {
      auto r = stations[i]->sync(*links[i]);
      REQUIRE_MESSAGE(r.is_ok(), "station " << i << ": " << r.status().to_string());
    }
  }
  std::int64_t own_total = 0;
  for (std::size_t i = 0; i < stations.size(); ++i) {
    TestStation& s = *stations[i];
    CAPTURE(s.community);
    CHECK(s.pending() == 0);
    CHECK(s.digests() == district.digests(s.community));
    for (const auto& id : written[s.community]) CHECK(s.has_fact(id));
    auto own = s.station->db().prepare("SELECT COUNT(*) FROM facts WHERE origin = ?1");
    REQUIRE(own.is_ok());
    own->bind(1, s.station->origin());
    REQUIRE(own->step().value());
    own_total += own->column_int64(0);
  }
  // Exactly once: the district holds each station's facts (and its own) and nothing twice.
  std::int64_t district_facts_in_scope = 0;
  for (const auto& c : communities) {
    for (const auto& d : district.digests(c)) district_facts_in_scope += d.count;
  }
  CHECK(district_facts_in_scope == own_total);
  CHECK(district.fact_count() == own_total);
  std::map<std::string, int> faults;
  for (auto& l : links) {
    for (auto& [k, v] : l->counts) faults[k] += v;
  }
  MESSAGE("syncs ok " << syncs_ok << ", failed " << syncs_failed << ", crashes " << crashes
                      << ", clock jumps " << jumps << ", district restarts " << restarts
                      << ", restores " << restores << ", lost requests " << faults["drop_request"]
                      << ", lost answers " << faults["drop_response"] << ", repeats "
                      << faults["repeat"] << ", stale answers " << faults["stale"]);
}
