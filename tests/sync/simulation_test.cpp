// Seeded simulation: 20 stations and the district in one process. Random writes, syncs over a
// link that drops requests, loses answers, delivers requests twice and hands back stale
// (reordered) answers; station crashes (a child process writing to the station's database,
// killed with SIGKILL mid-way; the station then opens, passes integrity_check and holds every
// write the child reported committed), clock jumps of ±24 h, district restarts, and a restore
// from an older backup (a new epoch: every station rebuilds). At the end every station's
// digest equals the district's for its scope and every fact written exists exactly once.
// WEIMIN_SEED replays a run (the kill points too, as counts of committed writes);
// WEIMIN_SIM_ROUNDS and WEIMIN_SIM_STATIONS make it longer.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
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

// [SECTION] A crash: a child process writes to the station's database and is killed

// The child's settings, passed in its environment.
// The station's folder (TestStation::dir).
constexpr const char* kChildDir = "WEIMIN_SIM_CHILD_DIR";
constexpr const char* kChildNow = "WEIMIN_SIM_CHILD_NOW";  // its clock, Unix ms
constexpr const char* kChildSeed = "WEIMIN_SIM_CHILD_SEED";
constexpr int kChildReportFd = 3;  // one fact id a line, written after its transaction commits

std::vector<std::string> read_lines(int fd, std::string& buffer, std::size_t want, bool to_end) {
  std::vector<std::string> lines;
  char chunk[4096];
  while (true) {
    std::size_t at;
    while ((at = buffer.find('\n')) != std::string::npos) {
      lines.push_back(buffer.substr(0, at));
      buffer.erase(0, at + 1);
    }
    if (!to_end && lines.size() >= want) return lines;
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return lines;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

struct CrashOutcome {
  std::vector<std::string> acknowledged;  // ids the child reported committed
  bool killed_by_us = false;
};

// Starts this test binary again as the child (a clean process: this one runs the district's
// threads), lets it commit `commits` write transactions, kills it with SIGKILL and returns what
// it reported. The station must be closed in this process meanwhile.
CrashOutcome crash_a_writer(TestStation& s, int commits, std::uint64_t seed) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], kChildReportFd);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) env_text.emplace_back(*e);
  env_text.push_back(std::string(kChildDir) + "=" + s.dir.path().string());
  env_text.push_back(std::string(kChildNow) + "=" + std::to_string(s.clock.now_ms()));
  env_text.push_back(std::string(kChildSeed) + "=" + std::to_string(seed));
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string exe = "/proc/self/exe", filter = "--test-case=simulation child*";
  char* argv[] = {exe.data(), filter.data(), nullptr};
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  REQUIRE_MESSAGE(spawned == 0, "cannot start the writer child: " << std::strerror(spawned));
  std::string buffer;
  CrashOutcome out;
  out.acknowledged = read_lines(fds[0], buffer, static_cast<std::size_t>(commits), false);
  out.killed_by_us = ::kill(pid, SIGKILL) == 0;
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  for (auto& id : read_lines(fds[0], buffer, 0, true)) out.acknowledged.push_back(std::move(id));
  ::close(fds[0]);
  CHECK_MESSAGE((WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL),
                "the writer child ended on its own (status " << wstatus << ") before the kill");
  return out;
}

}  // namespace

TEST_CASE("simulation child: a station writes until it is killed") {
  // Run only as the child of crash_a_writer; a no-op otherwise.
  const char* dir = std::getenv(kChildDir);
  if (!dir) return;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlives the simulation
  std::mt19937_64 rng(std::strtoull(std::getenv(kChildSeed), nullptr, 10));
  const std::filesystem::path data = std::filesystem::path(dir) / "data";
  platform::ManualClock clock(std::strtoll(std::getenv(kChildNow), nullptr, 10));
  platform::FileKeyStore keys(std::filesystem::path(dir) / "station.kek", data);
  auto station = station::Station::open(data, keys, clock);
  if (!station.is_ok()) {
    std::fprintf(stderr, "writer child: %s\n", station.status().to_string().c_str());
    std::_Exit(20);
  }
  for (int txn = 0; txn < 1'000'000; ++txn) {
    const int n = std::uniform_int_distribution<int>(1, 25)(rng);
    std::vector<std::string> ids;
    Status st = (*station)->transact([&]() -> Status {
      std::vector<station::NewFact> facts;
      for (int i = 0; i < n; ++i) {
        facts.push_back(
            {"test.note", "subject-" + std::to_string(i % 7), nlohmann::json{{"n", i}}, {}});
      }
      WEIMIN_ASSIGN_OR_RETURN(auto rows, (*station)->append(facts));
      for (auto& r : rows) ids.push_back(r.id);
      return Status::ok();
    });
    if (!st.is_ok()) {
      std::fprintf(stderr, "writer child: %s\n", st.to_string().c_str());
      std::_Exit(21);
    }
    std::string lines;
    for (const auto& id : ids) lines += id + "\n";
    if (::write(kChildReportFd, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
      std::_Exit(22);
    }
    clock.advance(1);
  }
  std::_Exit(23);  // the parent should have killed it long before
}

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
  int rebuilds = 0;  // syncs that found a new epoch and rebuilt the station
  // A backup early and its restore half way, in every run; the rest is up to the seed.
  const long backup_round = rounds / 4, restore_round = rounds / 2;
  auto count = [&](const Result<station::SyncReport>& r) {
    r.is_ok() ? ++syncs_ok : ++syncs_failed;
    if (r.is_ok() && r->epoch_changed) ++rebuilds;
  };

  for (long round = 0; round < rounds; ++round) {
    if (round == backup_round) {
      district.close();
      REQUIRE(server::backup_embedded_store(district.dir / "data", district.dir / "backup.db",
                                            district.keys)
                  .is_ok());
      district.open();
    }
    if (round == restore_round) {
      district.close();
      REQUIRE(server::restore_embedded_store(district.dir / "data", district.dir / "backup.db",
                                             district.keys, district.clock.now_ms())
                  .is_ok());
      district.open();
      ++restores;
    }
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
      count(r);
      if (!r.is_ok()) {
        const auto code = r.status().code();
        // Only link trouble (and refusals of a repeated/stale request) may fail a sync here.
        CHECK_MESSAGE((code == ErrorCode::Unavailable || code == ErrorCode::Unauthenticated ||
                       code == ErrorCode::Rejected),
                      r.status().to_string());
      }
    } else if (action < 86) {
      // A crash: a writer process is killed after a seeded number of commits, mid-transaction
      // as often as not. The station opens again, whole, with every reported write.
      const int commits = static_cast<int>(pick(1, 6));
      s.station.reset();
      const CrashOutcome crash = crash_a_writer(s, commits, rng());
      CHECK(crash.killed_by_us);
      CHECK(crash.acknowledged.size() >= static_cast<std::size_t>(commits));
      s.reopen();
      auto check = s.station->db().prepare("PRAGMA integrity_check");
      REQUIRE(check.is_ok());
      REQUIRE(check->step().value());
      CHECK(check->column_text(0) == "ok");
      for (const auto& id : crash.acknowledged) {
        CHECK_MESSAGE(s.has_fact(id),
                      "a write the killed child reported committed is missing: " << id);
        written[s.community].insert(id);
      }
      ++crashes;
    } else if (action < 92) {
      const std::int64_t jump = (pick(0, 1) ? 1 : -1) * 24 * 3600'000LL;
      s.clock.set(district.clock.now_ms() + (pick(0, 2) == 0 ? 0 : jump));
      ++jumps;
    } else if (action < 97) {
      const std::int64_t step = pick(1, 180) * 60'000LL;
      district.clock.advance(step);
      for (auto& st : stations) st->clock.advance(step);
    } else {
      district.close();
      district.open();
      ++restarts;
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
      count(r);
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
  MESSAGE("syncs ok " << syncs_ok << ", failed " << syncs_failed << ", crashes (killed writers) "
                      << crashes << ", clock jumps " << jumps << ", district restarts " << restarts
                      << ", restores " << restores << ", station rebuilds after a "
                      << "restore " << rebuilds << ", lost requests " << faults["drop_request"]
                      << ", lost answers " << faults["drop_response"] << ", repeats "
                      << faults["repeat"] << ", stale answers " << faults["stale"]);
  // What the simulation is for happened: a restore that every station rebuilt after, and
  // (with the default 240 rounds) writers killed mid-way.
  CHECK(restores >= 1);
  CHECK(rebuilds >= 1);
  if (rounds >= 100) CHECK(crashes >= 1);
}
