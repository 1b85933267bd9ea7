// What the sync and scale benchmarks share: the real `weimin-district serve --dev` process over
// HTTPS on loopback (on an embedded store in a folder or a PostgreSQL store at a URL), real
// encrypted stations that write a day's tickets and sync through SyncEngine over CurlTransport,
// one station's timed push, the fleet of stations syncing at once, and the ticket facts that
// the store's own bulk insert is measured with (docs/PERFORMANCE.md, "Sync" and "Scale").
// Thread-safety: a ServerProcess is used from one thread to start and stop it, its url(),
// ca_pem and token() from any; a BenchStation from one thread at a time.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/server/store.hpp"
#include "weimin/station/station.hpp"
#include "weimin/sync/transport_curl.hpp"

namespace weimin::bench {

// The district server process, started on construction and stopped (SIGTERM) on destruction.
// `store_url` empty: the embedded store in `folder`/data with the key file `folder`/district.kek
// (made when new); otherwise the PostgreSQL store at that URL (its schema as given).
struct ServerProcess {
  std::filesystem::path dir;
  std::string store_url;
  pid_t pid = -1;
  int port = 0;
  std::string ca_pem;
  FILE* out = nullptr;

  ServerProcess(std::filesystem::path folder, std::string store);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port); }
  // A one-time enrol token for `community`, from `weimin-district enroll-token` on the same store.
  std::string token(const std::string& community) const;
  // CPU seconds (user + system) the server has used so far, and its peak resident memory.
  double cpu_s() const;
  double peak_mib() const;
};

// CPU seconds (user + system) used so far by every process named `comm` (e.g. the PostgreSQL
// server's backends, "postgres"); processes that ended in between are not counted.
double cpu_of_processes(const std::string& comm);

// Adds `count` synthetic communities to `catalog` (parsed catalog JSON), ten street offices
// taking turns, numbered from 100 on within an office so they never meet a real one
// (530102001100, 530102002100, …); returns their codes in order.
std::vector<std::string> add_bench_communities(nlohmann::json& catalog, int count);

// A real encrypted station of `community` in root/station-<code>.
struct BenchStation {
  std::filesystem::path dir;
  platform::SystemClock clock;
  platform::FileKeyStore keys;
  std::unique_ptr<station::Station> station;
  std::string community;

  BenchStation(const std::filesystem::path& root, const std::string& code,
               const std::string& catalog);
  // Writes n ticket.issued facts in transactions of 1,000 (a day's work at the window).
  void write(int n);
  void enroll(const ServerProcess& server, sync::Transport& transport);
};

std::unique_ptr<sync::CurlTransport> curl(const ServerProcess& server);

// One station's push: a fresh station of `community` enrols, writes `facts` facts and syncs.
struct PushRun {
  double push_facts_per_s = 0;     // the push phase, until the first pull request
  double whole_facts_per_s = 0;    // the whole sync, pull back included
  double wire_bytes_per_fact = 0;  // both ways, after gzip
};
// `page`: entries per push request (0: the station's default, SyncOptions::push_page_count).
PushRun measure_push(const ServerProcess& server, const std::filesystem::path& root,
                     const std::string& community, const std::string& catalog, int facts, int run,
                     std::size_t page = 0);

// A fresh station of `community` (no facts of its own at the district) enrols and syncs once:
// it pulls the reference data through the change log. Milliseconds from the sync's start.
double measure_fresh_pull_ms(const ServerProcess& server, const std::filesystem::path& root,
                             const std::string& community, const std::string& catalog);

// Every station of `communities` enrols and writes `facts` facts (on two threads, not timed),
// then all sync at once, each retrying (as its scheduler would, without the wait) until through.
struct FleetRun {
  double seconds = 0;
  double setup_s = 0;
  int failed = 0;  // stations still failing after 30 tries
  double server_cpu_s = 0;
  double postgres_cpu_s = 0;  // the "postgres" processes' CPU seconds when `postgres`
  double server_peak_mib = 0;
};
FleetRun run_fleet(const ServerProcess& server, const std::filesystem::path& root,
                   const std::vector<std::string>& communities, const std::string& catalog,
                   int facts, bool postgres);

// n ticket.issued facts of `community`'s station as the district keeps them, with ids unique per
// `batch` (0..65535): the facts the store's own bulk insert is timed with.
std::vector<server::FactRecord> ticket_fact_records(int batch, int n, const std::string& community);

}  // namespace weimin::bench
