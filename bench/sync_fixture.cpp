#include "sync_fixture.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "bench_support.hpp"
#include "weimin/station/sync_engine.hpp"

namespace weimin::bench {

namespace fs = std::filesystem;

// [SECTION] The server process

ServerProcess::ServerProcess(fs::path folder, std::string store)
    : dir(std::move(folder)), store_url(std::move(store)) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) std::exit(1);
  const std::string data = (dir / "data").string(), key = (dir / "district.kek").string();
  pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // the bench may end through die(), skipping the destructor
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

ServerProcess::~ServerProcess() {
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (out) std::fclose(out);
}

std::string ServerProcess::token(const std::string& community) const {
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

namespace {

// The fields after the command name of /proc/PID/stat (state first).
std::vector<std::string> stat_fields(const fs::path& stat, std::string* comm = nullptr) {
  std::ifstream in(stat);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  const auto open = all.find('('), close = all.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return {};
  if (comm) *comm = all.substr(open + 1, close - open - 1);
  std::istringstream rest(all.substr(close + 2));
  std::vector<std::string> f;
  for (std::string field; rest >> field;) f.push_back(field);
  return f;
}
// utime + stime (fields 14 and 15 of stat, 11 and 12 after the name) in clock ticks.
double cpu_ticks(const std::vector<std::string>& f) {
  return f.size() > 12 ? std::stod(f[11]) + std::stod(f[12]) : 0;
}

}  // namespace

double ServerProcess::cpu_s() const {
  return cpu_ticks(stat_fields("/proc/" + std::to_string(pid) + "/stat")) /
         static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double ServerProcess::peak_mib() const {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

double cpu_of_processes(const std::string& comm) {
  double ticks = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string c;
    const auto f = stat_fields(entry.path() / "stat", &c);
    if (c == comm) ticks += cpu_ticks(f);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// [SECTION] Communities and stations

std::vector<std::string> add_bench_communities(nlohmann::json& catalog, int count) {
  auto& communities = catalog["communities"];
  const nlohmann::json model = communities.front();
  std::vector<std::string> codes;
  for (int i = 0; i < count; ++i) {
    char code[32];
    std::snprintf(code, sizeof code, "530102%03d%03d", 1 + i % 10, 100 + i / 10);
    nlohmann::json c = model;
    c["code"] = code;
    c["street_office"] = std::string(code).substr(0, 9);
    c["name"]["zh"] = std::string("测试社区") + std::to_string(i);
    c["name"]["en"] = "Bench community " + std::to_string(i);
    communities.push_back(c);
    codes.push_back(code);
  }
  return codes;
}

BenchStation::BenchStation(const fs::path& root, const std::string& code,
                           const std::string& catalog)
    : dir(root / ("station-" + code)),
      keys(root / ("station-" + code + ".kek"), dir),
      community(code) {
  station = must("station init " + code,
                 station::Station::init(dir, keys, clock,
                                        {code, catalog, "bench.json", "D001", "主任", "583920"}));
}

void BenchStation::write(int n) {
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

void BenchStation::enroll(const ServerProcess& server, sync::Transport& transport) {
  must("enrol " + community,
       station::enroll_station(*station, transport,
                               {server.url(), server.token(community), server.ca_pem}));
}

std::unique_ptr<sync::CurlTransport> curl(const ServerProcess& server) {
  sync::CurlOptions o;
  o.base_url = server.url();
  o.ca_pem = server.ca_pem;
  return must("curl", sync::CurlTransport::make(o));
}

// [SECTION] Push, fresh pull, fleet

namespace {

// Notes when the first pull starts, so a run's push phase can be timed on its own.
struct PushTimer final : sync::Transport {
  sync::Transport& inner;
  double first_pull_ms = 0;
  std::vector<double> push_ms;  // each push request, send to answer
  explicit PushTimer(sync::Transport& t) : inner(t) {}
  Result<sync::HttpResponse> send(const sync::HttpRequest& r) override {
    if (r.path == "/v1/pull" && first_pull_ms == 0) first_pull_ms = now_ms();
    const double t0 = now_ms();
    auto response = inner.send(r);
    if (r.path == "/v1/push") push_ms.push_back(now_ms() - t0);
    return response;
  }
};

}  // namespace

PushRun measure_push(const ServerProcess& server, const fs::path& root,
                     const std::string& community, const std::string& catalog, int facts, int run,
                     std::size_t page) {
  BenchStation s(root, community, catalog);
  auto t = curl(server);
  s.enroll(server, *t);
  s.write(facts);
  const auto sent0 = t->bytes_sent(), recv0 = t->bytes_received();
  PushTimer timer(*t);
  const double t0 = now_ms();
  station::SyncEngine engine(*s.station, timer);
  station::SyncOptions options;
  if (page) options.push_page_count = page;
  auto r = must("push", engine.run(options));
  const double whole_ms = now_ms() - t0;
  const double ms = timer.first_pull_ms - t0;  // push and apply, before the pull back
  std::printf(
      "push run %d (pages of %zu): %d facts in %.0f ms (%lld pushed; %zu requests, median %.1f ms "
      "from send to answer)\n",
      run, options.push_page_count, facts, ms, static_cast<long long>(r.pushed),
      timer.push_ms.size(), median(timer.push_ms));
  return {facts / (ms / 1000.0), facts / (whole_ms / 1000.0),
          static_cast<double>(t->bytes_sent() - sent0 + t->bytes_received() - recv0) / facts};
}

double measure_fresh_pull_ms(const ServerProcess& server, const fs::path& root,
                             const std::string& community, const std::string& catalog) {
  BenchStation s(root, community, catalog);
  auto t = curl(server);
  s.enroll(server, *t);
  const double t0 = now_ms();
  station::SyncEngine engine(*s.station, *t);
  auto r = must("fresh pull", engine.run());
  const double ms = now_ms() - t0;
  std::printf("fresh pull of %s: %lld changes in %lld pages, %.1f ms\n", community.c_str(),
              static_cast<long long>(r.pulled), static_cast<long long>(r.pull_pages), ms);
  return ms;
}

FleetRun run_fleet(const ServerProcess& server, const fs::path& root,
                   const std::vector<std::string>& communities, const std::string& catalog,
                   int facts, bool postgres) {
  const auto n = static_cast<int>(communities.size());
  std::vector<std::unique_ptr<BenchStation>> fleet(communities.size());
  std::atomic<int> next{0};
  auto setup = [&] {
    for (int i; (i = next++) < n;) {
      const auto k = static_cast<std::size_t>(i);
      auto s = std::make_unique<BenchStation>(root, communities[k], catalog);
      auto t = curl(server);
      s->enroll(server, *t);
      s->write(facts);
      fleet[k] = std::move(s);
    }
  };
  FleetRun out;
  const double s0 = now_ms();
  std::thread a(setup), b(setup);
  a.join();
  b.join();
  out.setup_s = (now_ms() - s0) / 1000.0;
  std::printf("fleet set up in %.1f s\n", out.setup_s);
  const double cpu0 = server.cpu_s();
  const double db_cpu0 = postgres ? cpu_of_processes("postgres") : 0;
  const double t0 = now_ms();
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (auto& s : fleet) {
    threads.emplace_back([&, st = s.get()] {
      auto t = curl(server);
      station::SyncEngine engine(*st->station, *t);
      Status last;
      for (int attempt = 0; attempt < 30; ++attempt) {
        auto r = engine.run();
        if (r.is_ok()) return;
        last = r.status();
      }
      if (failed++ == 0) std::printf("first failed station: %s\n", last.to_string().c_str());
    });
  }
  for (auto& t : threads) t.join();
  out.seconds = (now_ms() - t0) / 1000.0;
  out.failed = failed;
  out.server_cpu_s = server.cpu_s() - cpu0;
  if (postgres) out.postgres_cpu_s = cpu_of_processes("postgres") - db_cpu0;
  out.server_peak_mib = server.peak_mib();
  return out;
}

std::vector<server::FactRecord> ticket_fact_records(int batch, int n,
                                                    const std::string& community) {
  std::vector<server::FactRecord> facts;
  for (int i = 0; i < n; ++i) {
    sync::FactPayload f;
    char id[64];
    std::snprintf(id, sizeof id, "0190c0de-%04x-7000-8000-%012d", batch & 0xffff, i);
    f.id = id;
    f.kind = "ticket.issued";
    f.subject = "ticket-" + std::to_string(i);
    f.origin = "station:" + community;
    f.hlc = (1795568400000LL << 16) + i;
    f.wall_ms = 1795568400000LL + i;
    f.day = "2026-11-25";
    f.body = nlohmann::json{{"line", 1 + i % 10},
                            {"number", "A" + std::to_string(i % 1000)},
                            {"window", 1 + i % 3},
                            {"priority", i % 17 == 0}};
    facts.push_back({f, community, 1795568400000LL});
  }
  return facts;
}

}  // namespace weimin::bench
