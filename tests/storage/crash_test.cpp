// Crash safety: a child process writes and reports each committed record on a pipe; the parent
// kills it with SIGKILL at a random moment. After every kill the store must open, pass
// integrity_check and hold every record the child reported. Rounds: WEIMIN_CRASH_ROUNDS
// (default 200); seed: WEIMIN_SEED.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <thread>

#include "seed.hpp"
#include "storage_support.hpp"
#include "temp_dir.hpp"
#include "weimin/storage/keyed_store.hpp"

using namespace weimin;
using namespace weimin::storage;
using weimin::test::TempDir;
namespace fs = std::filesystem;

namespace {

enum class ChildWork { Write, WriteAndRekey };

// Child: opens the store, then writes records forever, reporting each id after its commit.
[[noreturn]] void child_main(const fs::path& dir, const SecretKey& kek, int report_fd,
                             int first_id, ChildWork work) {
  int id = first_id;
  while (true) {
    {
      auto store = KeyedStore::open(dir, "station.db", kek);
      if (!store.is_ok()) ::_exit(20);
      if (!migrate(store->db(), station_migrations(), 0).is_ok()) ::_exit(21);
      for (int i = 0; i < (work == ChildWork::Write ? 1 << 30 : 3); ++i) {
        const std::string name = std::to_string(id);
        Status st = test::insert_fact(store->db(), name, "record " + name);
        if (!st.is_ok()) {
          std::fprintf(stderr, "child: %s\n", st.to_string().c_str());
          ::_exit(22);
        }
        const std::string line = name + "\n";
        if (::write(report_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
          ::_exit(23);
        }
        ++id;
      }
    }
    Status st = KeyedStore::rekey(dir, "station.db", kek);
    if (!st.is_ok()) {
      std::fprintf(stderr, "child: %s\n", st.to_string().c_str());
      ::_exit(24);
    }
  }
}

// Reads every complete line the child wrote before it died.
std::vector<int> read_reports(int fd) {
  std::string all;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) all.append(buf, static_cast<std::size_t>(n));
  std::vector<int> ids;
  std::size_t start = 0, end;
  while ((end = all.find('\n', start)) != std::string::npos) {
    ids.push_back(std::stoi(all.substr(start, end - start)));
    start = end + 1;
  }
  return ids;
}

void run_crash_rounds(ChildWork work, long rounds, int max_delay_us) {
  const std::uint64_t seed = test::seed_from_env();
  MESSAGE("crash test seed " << seed << " (WEIMIN_SEED), rounds " << rounds);
  std::mt19937_64 rng(seed);
  TempDir dir;
  const SecretKey kek = test::test_key(77);
  std::set<int> acknowledged;
  int next_id = 1;
  int kills_while_writing = 0;
  int kills_mid_rekey = 0;
  for (long round = 0; round < rounds; ++round) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      child_main(dir.path(), kek, fds[1], next_id, work);
    }
    ::close(fds[1]);
    std::uniform_int_distribution<int> delay(0, max_delay_us);
    std::this_thread::sleep_for(std::chrono::microseconds(delay(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const std::vector<int> reported = read_reports(fds[0]);
    ::close(fds[0]);
    if (!WIFSIGNALED(status)) {
      FAIL("child exited by itself with code " << WEXITSTATUS(status) << " in round " << round);
    }
    if (!reported.empty()) ++kills_while_writing;
    acknowledged.insert(reported.begin(), reported.end());
    next_id += 1000000;  // ids are never reused, even those committed but not yet reported

    if (fs::exists(dir / "station.db.key.next")) ++kills_mid_rekey;
    auto store = KeyedStore::open(dir.path(), "station.db", kek);
    REQUIRE_MESSAGE(store.is_ok(), "round " << round << ": " << store.status().to_string());
    auto check = store->db().integrity_check();
    REQUIRE(check.is_ok());
    REQUIRE_MESSAGE(*check == "ok", "round " << round);
    if (schema_version(store->db()).value() == 0) continue;  // killed before the first commit
    auto stmt = store->db().prepare("SELECT id FROM facts");
    REQUIRE(stmt.is_ok());
    std::set<int> present;
    while (stmt->step().value()) present.insert(std::stoi(stmt->column_text(0)));
    for (int id : acknowledged) {
      REQUIRE_MESSAGE(present.count(id) == 1, "round " << round << ": record " << id
                                                       << " was reported committed but is lost");
    }
  }
  MESSAGE(acknowledged.size() << " records acknowledged; " << kills_while_writing
                              << " kills landed while writing, " << kills_mid_rekey
                              << " in the middle of a rekey");
  CHECK(kills_while_writing > rounds / 4);
  if (work == ChildWork::WriteAndRekey) CHECK(kills_mid_rekey > rounds / 10);
}

}  // namespace

TEST_CASE("SIGKILL at random moments never loses a committed record") {
  run_crash_rounds(ChildWork::Write, test::env_int("WEIMIN_CRASH_ROUNDS", 200), 60000);
}

TEST_CASE("SIGKILL in the middle of rekey leaves a store that opens with one of the keys") {
  run_crash_rounds(ChildWork::WriteAndRekey, test::env_int("WEIMIN_CRASH_ROUNDS", 200) / 2,
                   150000);
}
