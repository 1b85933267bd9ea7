// PostgreSQL-only fleet measurement (not a test; docs/PERFORMANCE.md, "Sync on PostgreSQL"):
// N stations × M facts pushed as signed /v1/push requests straight into DistrictService::handle
// over PgStore — the district's whole push path (JSON parsing, signature check, nonce, apply)
// without HTTPS. With --services S, S services each over its own store (as S server processes
// over one database) share the stations. Prints one JSON object.
//   weimin_pg_fleet_bench [--stations 100] [--facts 10000] [--batch 1000] [--services 2]
//                         [--threads 2] [URL]   (URL or WEIMIN_BENCH_PG_URL; a fresh schema)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "weimin/platform/clock.hpp"
#include "weimin/server/pg_store.hpp"
#include "weimin/server/service.hpp"
#include "weimin/sync/protocol.hpp"
#include "weimin/sync/protocol_auth.hpp"

using namespace weimin;

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "pg_fleet_bench: %s\n", what.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  int stations = 100, facts = 10000, batch = 1000, services = 2, threads = 2;
  std::string url;
  if (const char* env = std::getenv("WEIMIN_BENCH_PG_URL")) url = env;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::atoi(argv[++i]) : (die(a + " needs a value"), 0); };
    if (a == "--stations") stations = next();
    else if (a == "--facts") facts = next();
    else if (a == "--batch") batch = next();
    else if (a == "--services") services = next();
    else if (a == "--threads") threads = next();
    else if (a.starts_with("postgres")) url = a;
    else die("unknown argument " + a);
  }
  if (url.empty()) die("give a postgresql:// URL or WEIMIN_BENCH_PG_URL (tests/postgres/cluster.sh start)");
  url = server::pg_url_with_fresh_schema(url, "fleet");

  platform::SystemClock clock;
  std::vector<std::unique_ptr<server::DistrictStore>> stores;
  std::vector<std::unique_ptr<server::DistrictService>> svc;
  for (int s = 0; s < services; ++s) {
    auto st = server::open_pg_store(url, server::PgStoreOptions{"530102", clock.now_ms()});
    if (!st.is_ok()) die(st.status().to_string());
    stores.push_back(std::move(st).value());
    svc.push_back(std::make_unique<server::DistrictService>(*stores.back(), clock));
  }

  struct Station {
    std::string id, community;
    sync::StationKeyPair key;
  };
  std::vector<Station> fleet;
  for (int i = 0; i < stations; ++i) {
    char code[32];
    std::snprintf(code, sizeof code, "530102%06d", 1 + i);
    Station s{sync::station_id_for(code), code, sync::generate_station_key()};
    auto token = svc[0]->issue_enroll_token(code);
    if (!token.is_ok()) die(token.status().to_string());
    sync::EnrollRequest e;
    e.token = *token;
    e.community = code;
    e.public_key = sync::base64_encode(s.key.public_key);
    auto r = svc[0]->handle({"POST", "/v1/enroll", "", {}, sync::to_json(e)});
    if (r.status != 200) die("enrol: " + r.body);
    fleet.push_back(std::move(s));
  }

  std::atomic<int> next{0};
  std::atomic<long> applied{0};
  std::atomic<bool> failed{false};
  const double t0 = now_s();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i; (i = next++) < stations && !failed;) {
        const Station& s = fleet[static_cast<std::size_t>(i)];
        server::DistrictService& service = *svc[static_cast<std::size_t>(i % services)];
        const std::string stream = "0190f1ee-0000-7000-8000-" + std::to_string(100000000000L + i);
        for (int from = 1; from <= facts; from += batch) {
          sync::PushRequest p;
          p.station_id = s.id;
          p.stream = stream;
          for (int seq = from; seq < from + batch && seq <= facts; ++seq) {
            sync::FactPayload f;
            char id[64];
            std::snprintf(id, sizeof id, "0190f1ee-%04x-7000-8000-%012d", i, seq);
            f.id = id;
            f.kind = "ticket.issued";
            f.subject = "ticket-" + std::to_string(seq);
            f.origin = s.id;
            f.hlc = (1795568400000LL << 16) + seq;
            f.wall_ms = 1795568400000LL + seq;
            f.day = "2026-11-25";
            f.body = nlohmann::json{{"line", 1 + seq % 10}, {"number", "A" + std::to_string(seq % 1000)},
                                    {"window", 1 + seq % 3}, {"priority", seq % 17 == 0}};
            p.entries.push_back(sync::PushEntry{seq, "fact", sync::to_json_value(f)});
          }
          sync::HttpRequest req{"POST", "/v1/push", "", {}, sync::to_json(p)};
          sync::sign_request(req, s.id, s.key.secret_key, clock.now_ms());
          auto r = service.handle(req);
          if (r.status != 200) {
            failed = true;
            die("push: " + std::to_string(r.status) + " " + r.body.substr(0, 300));
          }
          auto parsed = sync::parse_push_response(r.body);
          if (!parsed.is_ok()) die(parsed.status().to_string());
          applied += parsed->applied;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  const double secs = now_s() - t0;
  auto count = stores[0]->fact_count();
  if (!count.is_ok() || *count != static_cast<std::int64_t>(stations) * facts ||
      applied.load() != static_cast<long>(stations) * facts) {
    die("facts at the district: " + std::to_string(count.is_ok() ? *count : -1) + ", applied " +
        std::to_string(applied.load()) + ", expected " + std::to_string(stations * facts));
  }
  std::printf(
      "{\"store\":\"postgres\",\"stations\":%d,\"facts_per_station\":%d,\"batch\":%d,"
      "\"services\":%d,\"threads\":%d,\"fleet_s\":%.2f,\"facts_per_s\":%.0f}\n",
      stations, facts, batch, services, threads, secs, stations * static_cast<double>(facts) / secs);
  return 0;
}
