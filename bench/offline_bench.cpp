// A month offline (issue 17, item 4): a station whose link was down for 30 days has 300,000
// facts waiting. This writes them (not timed), then syncs them in a process of its own against
// the real district server process over HTTPS on loopback, and measures:
//   offline_sync_s            the whole sync (push in pages, pull back, digests)
//   offline_peak_rss_mib      the station process's peak resident memory (getrusage of the
//                             child: opening the store, the engine, the pages in flight)
//   offline_progress_reports  how often the engine reported progress (`weimin sync status` and
//                             the kiosk's bar read the same record)
//   small_peak_rss_mib        the same sync of 10,000 facts, for the ratio: memory must not grow
//                             with what waits
// Usage: weimin_offline_bench [--json FILE] [--facts N (300000)] [--small N (10000)]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "bench_support.hpp"
#include "sync_fixture.hpp"
#include "weimin/station/sync_engine.hpp"

using namespace weimin;
namespace fs = std::filesystem;

namespace {

struct Args {
  std::string json;
  int facts = 300'000;
  int small = 10'000;
};

struct Outcome {
  double seconds = 0;
  double peak_rss_mib = 0;
  long long pushed = 0;
  long long progress_reports = 0;
};

// A station of `code` enrols, writes `facts` facts offline, closes; then a child process opens it
// and syncs once. The child's peak memory comes from wait4's rusage.
Outcome sync_in_child(const bench::ServerProcess& server, const fs::path& root,
                      const std::string& code, const std::string& catalog, int facts) {
  bench::BenchStation s(root, code, catalog);
  {
    auto t = bench::curl(server);
    s.enroll(server, *t);
  }
  const double w0 = bench::now_ms();
  s.write(facts);
  std::fprintf(stderr, "bench: %d facts written offline in %.1f s\n", facts,
               (bench::now_ms() - w0) / 1000);
  s.station.reset();  // the child opens the store itself
  int fds[2];
  if (::pipe(fds) != 0) bench::die("pipe", Status(ErrorCode::Internal, "pipe failed"));
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    platform::SystemClock clock;
    auto station = station::Station::open(s.dir, s.keys, clock);
    if (!station.is_ok()) ::_exit(3);
    auto transport = bench::curl(server);
    long long reports = 0;
    station::SyncOptions options;
    options.on_progress = [&](const station::SyncProgress&) { ++reports; };
    station::SyncEngine engine(**station, *transport);
    const double t0 = bench::now_ms();
    auto r = engine.run(options);
    if (!r.is_ok()) {
      std::fprintf(stderr, "bench: offline sync failed: %s\n", r.status().to_string().c_str());
      ::_exit(4);
    }
    const double seconds = (bench::now_ms() - t0) / 1000;
    char line[128];
    const int n = std::snprintf(line, sizeof line, "%.3f %lld %lld\n", seconds,
                                static_cast<long long>(r->pushed), reports);
    if (::write(fds[1], line, static_cast<std::size_t>(n)) != n) ::_exit(5);
    ::_exit(0);
  }
  ::close(fds[1]);
  char buf[128] = {};
  std::size_t got = 0;
  while (got + 1 < sizeof buf) {
    const ssize_t n = ::read(fds[0], buf + got, sizeof buf - 1 - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fds[0]);
  int status = 0;
  struct rusage ru {};
  if (::wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    bench::die("the syncing station process",
               Status(ErrorCode::Internal, "exited with status " + std::to_string(status)));
  }
  Outcome out;
  if (std::sscanf(buf, "%lf %lld %lld", &out.seconds, &out.pushed, &out.progress_reports) != 3) {
    bench::die("the syncing station's answer", Status(ErrorCode::Internal, buf));
  }
  out.peak_rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;  // KiB on Linux
  if (out.pushed != facts) {
    bench::die("the offline sync",
               Status(ErrorCode::Internal, "pushed " + std::to_string(out.pushed) + " of " +
                                               std::to_string(facts) + " facts"));
  }
  return out;
}

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
    else if (a == "--small")
      args.small = std::stoi(next());
    else if (a == "--help" || a == "-h") {
      std::printf(
          "usage: weimin_offline_bench [--json FILE] [--facts N (300000)] [--small N (10000)]\n");
      return 0;
    } else {
      std::fprintf(stderr, "bench: unknown argument %s (see --help)\n", a.c_str());
      return 2;
    }
  }
  char tmpl[] = "/tmp/weimin-offline-bench-XXXXXX";
  const fs::path root = ::mkdtemp(tmpl);
  const std::string catalog =
      bench::read_file(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json");
  const auto server = std::make_unique<bench::ServerProcess>(root / "district", "");
  const auto codes = std::vector<std::string>{"530102001001", "530102001002"};
  const Outcome small = sync_in_child(*server, root / "small", codes[0], catalog, args.small);
  const Outcome month = sync_in_child(*server, root / "month", codes[1], catalog, args.facts);
  bench::Report report;
  report.add("offline_facts", args.facts);
  report.add("offline_sync_s", month.seconds);
  report.add("offline_facts_per_s", args.facts / month.seconds);
  report.add("offline_peak_rss_mib", month.peak_rss_mib);
  report.add("offline_progress_reports", static_cast<double>(month.progress_reports));
  report.add("small_facts", args.small);
  report.add("small_sync_s", small.seconds);
  report.add("small_peak_rss_mib", small.peak_rss_mib);
  report.add("peak_rss_ratio", month.peak_rss_mib / small.peak_rss_mib);
  std::error_code ec;
  fs::remove_all(root, ec);
  return report.finish(args.json);
}
