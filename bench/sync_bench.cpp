// Sync benchmark against the real district server process over HTTPS on loopback:
//   push_facts_per_s     one station pushing N facts (default 10,000), applied at the district
//   wire_bytes_per_fact  bytes on the wire (both ways, after gzip) per fact of that push
//   pull_50k_s           a fresh station pulling 50,000 facts of its community
//   fleet_100x10k_s      100 stations pushing 10,000 facts each at once; with server CPU
//                        seconds (fleet_server_cpu_s) and peak memory (fleet_server_peak_mib);
//                        on PostgreSQL also its processes' CPU seconds (fleet_postgres_cpu_s)
//   bulk_facts_per_s     the same facts bulk-inserted straight into the district store
//   push_vs_bulk_ratio   push_facts_per_s / bulk_facts_per_s
//   resent_pages_after_cut  pages re-sent by the sync after a push answer was lost
// Usage: weimin_sync_bench [--json FILE] [--facts N] [--stations N] [--pull N] [--runs N]
//        [--fleet-only] [--store embedded|postgres] [--store-url URL] (postgres: URL or
//        WEIMIN_BENCH_PG_URL, passed to the server as --store URL)
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "bench_support.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/server/embedded_store.hpp"
#include "weimin/server/pg_store.hpp"
#include "weimin/station/station.hpp"
#include "weimin/station/sync_engine.hpp"
#include "weimin/storage/facts.hpp"
#include "weimin/sync/transport_curl.hpp"

using namespace weimin;
namespace fs = std::filesystem;

namespace {

using bench::die;
using bench::must;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Args {
  std::string json;
  int facts = 10'000;
  int stations = 100;
  int pull = 50'000;
  int runs = 3;
  std::string store = "embedded";
  std::string store_url;
  bool fleet_only = false;
};

// The Wuhua catalog with enough communities for the fleet (synthetic ones after the real ones).
std::string fleet_catalog(int needed, std::vector<std::string>& codes) {
  auto j = nlohmann::json::parse(
      read_file(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json"));
  auto& communities = j["communities"];
  for (const auto& c : communities) codes.push_back(c["code"].get<std::string>());
  const nlohmann::json model = communities.front();
  for (int i = 0; static_cast<int>(codes.size()) < needed; ++i) {
    nlohmann::json c = model;
    char code[32];
    std::snprintf(code, sizeof code, "530102001%03d", 900 + i);  // street office 530102001
    c["code"] = code;
    c["name"]["zh"] = std::string("测试社区") + std::to_string(i);
    c["name"]["en"] = "Bench community " + std::to_string(i);
    communities.push_back(c);
    codes.push_back(code);
  }
  return j.dump();
}

struct ServerProcess {
  fs::path dir;
  pid_t pid = -1;
  int port = 0;
  std::string ca_pem;
  FILE* out = nullptr;

  std::string store_url;  // postgresql://… when the server runs on PostgreSQL

  ServerProcess(fs::path folder, const Args& args)
      : dir(std::move(folder)),
        // A fresh schema for every server: each starts from an empty store, as the embedded one.
        store_url(args.store == "postgres"
                      ? server::pg_url_with_fresh_schema(args.store_url, "bench")
                      : "") {
    int pipefd[2];
    if (::pipe(pipefd) != 0) std::exit(1);
    const std::string data = (dir / "data").string(), key = (dir / "district.kek").string();
    pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG,
              SIGTERM);  // the bench may end through die(), skipping ~ServerProcess
      ::dup2(pipefd[1], 1);
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 2);
      std::vector<std::string> argv = {"weimin-district", "--data", data, "--key-file", key,
                                       "--district",      "530102"};
      if (!store_url.empty()) {
        argv.push_back("--store");
        argv.push_back(store_url);
      }
      for (const char* a : {"serve", "--dev", "--listen", "127.0.0.1:0"}) argv.push_back(a);
      std::vector<char*> raw;
      for (auto& a : argv) raw.push_back(a.data());
      raw.push_back(nullptr);
      ::execv(WEIMIN_DISTRICT_BIN, raw.data());
      ::_exit(127);
    }
    ::close(pipefd[1]);
    out = ::fdopen(pipefd[0], "r");
    char line[512];
    std::string ca_path;
    while (std::fgets(line, sizeof line, out)) {
      std::string l(line);
      if (l.rfind("ca: ", 0) == 0) ca_path = l.substr(4, l.size() - 5);
      if (l.rfind("listening: https://127.0.0.1:", 0) == 0) {
        port = std::stoi(l.substr(29));
        break;
      }
    }
    if (port == 0) {
      std::fprintf(stderr, "bench: weimin-district did not start (%s)\n", WEIMIN_DISTRICT_BIN);
      std::exit(1);
    }
    ca_pem = read_file(ca_path);
  }
  ~ServerProcess() {
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (out) std::fclose(out);
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port); }
  std::string token(const std::string& community) const {
    std::string cmd = std::string(WEIMIN_DISTRICT_BIN) + " --data " + (dir / "data").string() +
                      " --key-file " + (dir / "district.kek").string();
    if (!store_url.empty()) cmd += " --store '" + store_url + "'";  // the server's own store
    cmd += " enroll-token --community " + community + " 2>/dev/null";
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[256] = {0};
    if (!p || !std::fgets(buf, sizeof buf, p)) {
      std::fprintf(stderr, "bench: no enrol token for %s\n", community.c_str());
      std::exit(1);
    }
    ::pclose(p);
    std::string t(buf);
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    return t;
  }
  // CPU seconds (user + system) the server has used so far.
  double cpu_s() const {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(in)), {});
    const auto close = all.rfind(')');
    std::istringstream rest(all.substr(close + 2));
    std::string field;
    std::vector<std::string> f;
    while (rest >> field) f.push_back(field);
    // after ')' : state(0) ... utime is field 14 overall → index 11 here, stime 12
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    return (std::stod(f.at(11)) + std::stod(f.at(12))) / ticks;
  }
  double peak_mib() const {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    }
    return 0;
  }
};

// CPU seconds (user + system) used so far by every process named `comm` (e.g. the PostgreSQL
// server's backends, "postgres"); processes that ended in between are not counted.
double cpu_of_processes(const std::string& comm) {
  double ticks = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string all((std::istreambuf_iterator<char>(in)), {});
    const auto open = all.find('('), close = all.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    if (all.substr(open + 1, close - open - 1) != comm) continue;
    std::istringstream rest(all.substr(close + 2));
    std::vector<std::string> f;
    for (std::string field; rest >> field;) f.push_back(field);
    if (f.size() > 12) ticks += std::stod(f[11]) + std::stod(f[12]);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct BenchStation {
  fs::path dir;
  platform::SystemClock clock;
  platform::FileKeyStore keys;
  std::unique_ptr<station::Station> station;
  std::string community;

  BenchStation(const fs::path& root, const std::string& code, const std::string& catalog)
      : dir(root / ("station-" + code)),
        keys(root / ("station-" + code + ".kek"), dir),
        community(code) {
    station = must("station init " + code,
                   station::Station::init(dir, keys, clock,
                                          {code, catalog, "bench.json", "D001", "主任", "583920"}));
  }
  void write(int n) {
    const int batch = 1000;
    for (int done = 0; done < n; done += batch) {
      auto st = station->transact([&]() -> Status {
        std::vector<station::NewFact> facts;
        for (int i = done; i < std::min(n, done + batch); ++i) {
          facts.push_back({"ticket.issued",
                           "ticket-" + std::to_string(i),
                           nlohmann::json{{"line", 1 + i % 10},
                                          {"number", "A" + std::to_string(i % 1000)},
                                          {"window", 1 + i % 3},
                                          {"priority", i % 17 == 0}},
                           {}});
        }
        return station->append(facts).status();
      });
      if (!st.is_ok()) die("writing facts", st);
    }
  }
  void enroll(const ServerProcess& server, sync::Transport& t) {
    must("enrol " + community,
         station::enroll_station(*station, t,
                                 {server.url(), server.token(community), server.ca_pem}));
  }
};

std::unique_ptr<sync::CurlTransport> curl(const ServerProcess& s) {
  sync::CurlOptions o;
  o.base_url = s.url();
  o.ca_pem = s.ca_pem;
  return must("curl", sync::CurlTransport::make(o));
}

// Loses the answer of the n-th push (after the district applied it).
struct LosingTransport final : sync::Transport {
  sync::Transport& inner;
  int lose_at;
  int pushes = 0;
  LosingTransport(sync::Transport& t, int n) : inner(t), lose_at(n) {}
  Result<sync::HttpResponse> send(const sync::HttpRequest& r) override {
    auto response = inner.send(r);
    if (r.path == "/v1/push" && pushes++ == lose_at) {
      return Status(ErrorCode::Unavailable, "answer lost (bench)");
    }
    return response;
  }
};

// Notes when the first pull starts, so a run's push phase can be timed on its own.
struct PushTimer final : sync::Transport {
  sync::Transport& inner;
  double first_pull_ms = 0;
  std::vector<double> push_ms;  // each push request, send to answer
  explicit PushTimer(sync::Transport& t) : inner(t) {}
  Result<sync::HttpResponse> send(const sync::HttpRequest& r) override {
    if (r.path == "/v1/pull" && first_pull_ms == 0) first_pull_ms = bench::now_ms();
    const double t0 = bench::now_ms();
    auto response = inner.send(r);
    if (r.path == "/v1/push") push_ms.push_back(bench::now_ms() - t0);
    return response;
  }
};

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--json")
      args.json = next();
    else if (a == "--facts")
      args.facts = std::stoi(next());
    else if (a == "--stations")
      args.stations = std::stoi(next());
    else if (a == "--pull")
      args.pull = std::stoi(next());
    else if (a == "--runs")
      args.runs = std::stoi(next());
    else if (a == "--store")
      args.store = next();
    else if (a == "--store-url")
      args.store_url = next();
    else if (a == "--fleet-only")
      args.fleet_only = true;
    else if (a == "--help" || a == "-h") {
      std::printf(
          "usage: weimin_sync_bench [--json FILE] [--facts N] [--stations N] [--pull N] "
          "[--runs N] [--store embedded|postgres] [--store-url URL]\n");
      return 0;
    } else {
      std::fprintf(stderr, "bench: unknown argument %s (see --help)\n", a.c_str());
      return 2;
    }
  }
  if (args.store == "postgres") {
    if (args.store_url.empty()) {
      if (const char* env = std::getenv("WEIMIN_BENCH_PG_URL")) args.store_url = env;
    }
    if (args.store_url.empty()) {
      std::fprintf(stderr,
                   "bench: --store postgres needs --store-url postgresql://… or "
                   "WEIMIN_BENCH_PG_URL (tests/postgres/cluster.sh url)\n");
      return 2;
    }
  } else if (args.store != "embedded") {
    std::fprintf(stderr, "bench: --store is embedded or postgres\n");
    return 2;
  }

  char tmpl[] = "/tmp/weimin-sync-bench-XXXXXX";
  const fs::path root = ::mkdtemp(tmpl);
  std::vector<std::string> codes;
  const std::string catalog = fleet_catalog(args.stations + args.runs + 3, codes);
  bench::Report report;
  report.add_text("store", args.store);
  std::size_t next_code = 0;
  double push_rate = 0;
  if (!args.fleet_only) {
    ServerProcess server(root / "district", args);

    // 1. One station's push, median of runs; bytes on the wire per fact.
    std::vector<double> rates, wire, whole;
    for (int run = 0; run < args.runs; ++run) {
      BenchStation s(root, codes[next_code++], catalog);
      auto t = curl(server);
      s.enroll(server, *t);
      s.write(args.facts);
      const auto sent0 = t->bytes_sent(), recv0 = t->bytes_received();
      PushTimer timer(*t);
      const double t0 = bench::now_ms();
      station::SyncEngine engine(*s.station, timer);
      auto r = must("push", engine.run());
      const double whole_ms = bench::now_ms() - t0;
      const double ms = timer.first_pull_ms - t0;  // push and apply, before the pull back
      rates.push_back(args.facts / (ms / 1000.0));
      whole.push_back(args.facts / (whole_ms / 1000.0));
      wire.push_back(static_cast<double>(t->bytes_sent() - sent0 + t->bytes_received() - recv0) /
                     args.facts);
      std::printf(
          "push run %d: %d facts in %.0f ms (%lld pushed; %zu requests, median %.1f ms "
          "from send to answer)\n",
          run, args.facts, ms, static_cast<long long>(r.pushed), timer.push_ms.size(),
          bench::median(timer.push_ms));
    }
    push_rate = bench::median(rates);
    report.add("push_and_pull_back_facts_per_s", bench::median(whole));
    report.add("push_facts_per_s", push_rate);
    report.add("wire_bytes_per_fact", bench::median(wire));

    // 2. A resumed sync after a lost answer: how many pages go again.
    {
      BenchStation s(root, codes[next_code++], catalog);
      auto t = curl(server);
      s.enroll(server, *t);
      s.write(5000);
      LosingTransport losing(*t, 2);
      station::SyncEngine cut(*s.station, losing);
      (void)cut.run();
      station::SyncEngine resumed(*s.station, *t);
      auto r = must("resumed sync", resumed.run());
      report.add("resent_pages_after_cut", static_cast<double>(r.resent_pages));
    }

    // 3. Pull of 50,000 facts by a fresh station of the community.
    {
      const std::string code = codes[next_code++];
      {
        BenchStation writer(root, code, catalog);
        auto t = curl(server);
        writer.enroll(server, *t);
        writer.write(args.pull);
        station::SyncEngine engine(*writer.station, *t);
        must("push before pull", engine.run());
      }
      BenchStation reader(root / "reader", code, catalog);
      auto t = curl(server);
      reader.enroll(server, *t);
      const double t0 = bench::now_ms();
      station::SyncEngine engine(*reader.station, *t);
      auto r = must("pull", engine.run());
      const double ms = bench::now_ms() - t0;
      report.add("pull_50k_s", ms / 1000.0);
      std::printf("pull: %lld new facts in %lld pages, %.0f ms\n",
                  static_cast<long long>(r.pulled_new), static_cast<long long>(r.pull_pages), ms);
    }
  }

  // 4. The fleet, against a fresh server: every station writes first, then all sync at once.
  {
    ServerProcess server(root / "fleet-district", args);
    std::vector<std::unique_ptr<BenchStation>> fleet(static_cast<std::size_t>(args.stations));
    std::atomic<int> next{0};
    auto setup = [&] {
      for (int i; (i = next++) < args.stations;) {
        auto s = std::make_unique<BenchStation>(
            root / "fleet", codes[next_code + static_cast<std::size_t>(i)], catalog);
        auto t = curl(server);
        s->enroll(server, *t);
        s->write(args.facts);
        fleet[static_cast<std::size_t>(i)] = std::move(s);
      }
    };
    const double s0 = bench::now_ms();
    std::thread a(setup), b(setup);
    a.join();
    b.join();
    std::printf("fleet set up in %.1f s\n", (bench::now_ms() - s0) / 1000.0);
    const double cpu0 = server.cpu_s();
    const double db_cpu0 = args.store == "postgres" ? cpu_of_processes("postgres") : 0;
    const double t0 = bench::now_ms();
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    for (auto& s : fleet) {
      threads.emplace_back([&, st = s.get()] {
        auto t = curl(server);
        station::SyncEngine engine(*st->station, *t);
        Status last;
        // A station retries (as its scheduler would, without the wait) until it is through.
        for (int attempt = 0; attempt < 30; ++attempt) {
          auto r = engine.run();
          if (r.is_ok()) return;
          last = r.status();
        }
        if (failed++ == 0) std::printf("first failed station: %s\n", last.to_string().c_str());
      });
    }
    for (auto& t : threads) t.join();
    const double secs = (bench::now_ms() - t0) / 1000.0;
    report.add("fleet_100x10k_s", secs);
    report.add("fleet_stations", args.stations);
    report.add("fleet_facts_per_station", args.facts);
    report.add("fleet_failed_stations", failed);
    report.add("fleet_server_cpu_s", server.cpu_s() - cpu0);
    if (args.store == "postgres") {
      report.add("fleet_postgres_cpu_s", cpu_of_processes("postgres") - db_cpu0);
    }
    report.add("fleet_server_peak_mib", server.peak_mib());
  }

  // 5. The bound: the same facts bulk-inserted straight into the district store.
  {
    platform::FileKeyStore keys(root / "bulk.kek", root / "bulk");
    std::vector<double> bulk_rates;
    for (int run = 0; run < args.runs; ++run) {
      const fs::path folder = root / ("bulk" + std::to_string(run));
      auto store =
          args.store == "postgres"
              ? must("bulk store",
                     server::open_pg_store(server::pg_url_with_fresh_schema(args.store_url, "bulk"),
                                           server::PgStoreOptions{"530102", 1}))
              : must("bulk store", server::open_embedded_store(folder, keys, {"530102", 1}));
      std::vector<server::FactRecord> facts;
      for (int i = 0; i < args.facts; ++i) {
        sync::FactPayload f;
        char id[64];
        std::snprintf(id, sizeof id, "0190c0de-%04x-7000-8000-%012d", run, i);
        f.id = id;
        f.kind = "ticket.issued";
        f.subject = "ticket-" + std::to_string(i);
        f.origin = "station:530102001001";
        f.hlc = (1795568400000LL << 16) + i;
        f.wall_ms = 1795568400000LL + i;
        f.day = "2026-11-25";
        f.body = nlohmann::json{{"line", 1 + i % 10},
                                {"number", "A" + std::to_string(i % 1000)},
                                {"window", 1 + i % 3},
                                {"priority", i % 17 == 0}};
        facts.push_back({f, "530102001001", 1795568400000LL});
      }
      const double t0 = bench::now_ms();
      must("bulk insert", store->append_facts(facts));
      bulk_rates.push_back(args.facts / ((bench::now_ms() - t0) / 1000.0));
    }
    const double bulk = bench::median(bulk_rates);
    report.add("bulk_facts_per_s", bulk);
    if (!args.fleet_only) report.add("push_vs_bulk_ratio", push_rate / bulk);
  }
  std::error_code ec;
  fs::remove_all(root, ec);
  return report.finish(args.json);
}
