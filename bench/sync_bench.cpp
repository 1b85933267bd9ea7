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
//        [--fleet-only] [--push-pages N,M,…] [--store embedded|postgres] [--store-url URL]
//        (--push-pages: the push measured with pages of N, M, … entries in turn; postgres: URL or
//        WEIMIN_BENCH_PG_URL, passed to the server as --store URL)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include "bench_support.hpp"
#include "sync_fixture.hpp"
#include "weimin/server/embedded_store.hpp"
#include "weimin/server/pg_store.hpp"
#include "weimin/station/sync_engine.hpp"

using namespace weimin;
namespace fs = std::filesystem;

namespace {

using bench::BenchStation;
using bench::die;
using bench::must;
using bench::ServerProcess;

struct Args {
  std::string json;
  int facts = 10'000;
  int stations = 100;
  int pull = 50'000;
  int runs = 3;
  std::string store = "embedded";
  std::string store_url;
  bool fleet_only = false;
  std::vector<std::size_t> pages;  // --push-pages: push page sizes compared run by run
};

// The Wuhua catalog with enough communities for the fleet (synthetic ones after the real ones).
std::string fleet_catalog(int needed, std::vector<std::string>& codes) {
  auto j = nlohmann::json::parse(
      bench::read_file(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json"));
  for (const auto& c : j["communities"]) codes.push_back(c["code"].get<std::string>());
  const int more = std::max(0, needed - static_cast<int>(codes.size()));
  for (auto& code : bench::add_bench_communities(j, more)) codes.push_back(std::move(code));
  return j.dump();
}

// A server on a fresh store: a new folder, or on PostgreSQL a fresh schema of the database (each
// starts from an empty store, as the embedded one).
std::unique_ptr<ServerProcess> start_server(const fs::path& folder, const Args& args) {
  return std::make_unique<ServerProcess>(
      folder,
      args.store == "postgres" ? server::pg_url_with_fresh_schema(args.store_url, "bench") : "");
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
    else if (a == "--push-pages") {
      std::stringstream list(next());
      for (std::string n; std::getline(list, n, ',');) {
        if (!n.empty()) args.pages.push_back(std::stoul(n));
      }
    } else if (a == "--help" || a == "-h") {
      std::printf(
          "usage: weimin_sync_bench [--json FILE] [--facts N] [--stations N] [--pull N] "
          "[--runs N] [--store embedded|postgres] [--store-url URL] [--fleet-only]\n"
          "       [--push-pages N,M,…]  (push pages of N, M, … entries in turn in every run;\n"
          "                              push_facts_per_s_page_N for each, the first as\n"
          "                              push_facts_per_s)\n");
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
  const std::string catalog = fleet_catalog(
      args.stations + args.runs * static_cast<int>(std::max<std::size_t>(1, args.pages.size())) + 3,
      codes);
  bench::Report report;
  report.add_text("store", args.store);
  std::size_t next_code = 0;
  double push_rate = 0;
  if (!args.fleet_only) {
    const auto server_ptr = start_server(root / "district", args);
    const ServerProcess& server = *server_ptr;

    // 1. One station's push, median of runs; bytes on the wire per fact.
    std::vector<double> rates, wire, whole;
    const std::vector<std::size_t> pages =
        args.pages.empty() ? std::vector<std::size_t>{0} : args.pages;
    std::map<std::size_t, std::vector<double>> by_page;
    for (int run = 0; run < args.runs; ++run) {
      for (std::size_t k = 0; k < pages.size(); ++k) {
        // Each run starts with another page size, so none always goes first.
        const std::size_t page = pages[(k + static_cast<std::size_t>(run)) % pages.size()];
        const bench::PushRun r =
            bench::measure_push(server, root, codes[next_code++], catalog, args.facts, run, page);
        by_page[page].push_back(r.push_facts_per_s);
        if (page != pages.front()) continue;
        rates.push_back(r.push_facts_per_s);
        whole.push_back(r.whole_facts_per_s);
        wire.push_back(r.wire_bytes_per_fact);
      }
    }
    if (!args.pages.empty()) {
      for (const auto& [page, r] : by_page) {
        report.add("push_facts_per_s_page_" + std::to_string(page), bench::median(r));
      }
    }
    push_rate = bench::median(rates);
    report.add("push_and_pull_back_facts_per_s", bench::median(whole));
    report.add("push_facts_per_s", push_rate);
    report.add("wire_bytes_per_fact", bench::median(wire));

    // 2. A resumed sync after a lost answer: how many pages go again.
    {
      BenchStation s(root, codes[next_code++], catalog);
      auto t = bench::curl(server);
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
        auto t = bench::curl(server);
        writer.enroll(server, *t);
        writer.write(args.pull);
        station::SyncEngine engine(*writer.station, *t);
        must("push before pull", engine.run());
      }
      BenchStation reader(root / "reader", code, catalog);
      auto t = bench::curl(server);
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
    const auto server = start_server(root / "fleet-district", args);
    const std::vector<std::string> fleet_codes(
        codes.begin() + static_cast<std::ptrdiff_t>(next_code),
        codes.begin() + static_cast<std::ptrdiff_t>(next_code) + args.stations);
    const bench::FleetRun fleet = bench::run_fleet(*server, root / "fleet", fleet_codes, catalog,
                                                   args.facts, args.store == "postgres");
    report.add("fleet_100x10k_s", fleet.seconds);
    report.add("fleet_stations", args.stations);
    report.add("fleet_facts_per_station", args.facts);
    report.add("fleet_failed_stations", fleet.failed);
    report.add("fleet_server_cpu_s", fleet.server_cpu_s);
    if (args.store == "postgres") report.add("fleet_postgres_cpu_s", fleet.postgres_cpu_s);
    report.add("fleet_server_peak_mib", fleet.server_peak_mib);
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
      const auto facts = bench::ticket_fact_records(run, args.facts, "530102001001");
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
