// A district (embedded store, DistrictService, manual clock) and stations in temporary folders,
// joined in one process through HandlerTransport, for the sync tests and the simulation.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "temp_dir.hpp"
#include "weimin/core/catalog.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/server/embedded_store.hpp"
#include "weimin/server/service.hpp"
#include "weimin/station/station.hpp"
#include "weimin/station/sync_engine.hpp"
#include "weimin/storage/facts.hpp"
#include "weimin/storage/outbox.hpp"
#include "weimin/sync/protocol_digest.hpp"
#include "weimin/sync/transport.hpp"

namespace weimin::test {

// 2026-11-25 09:00 in China.
inline constexpr std::int64_t kSyncStartMs = 1795568400000;

inline std::string wuhua_catalog_text() {
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> wuhua_communities(std::size_t n) {
  auto catalog = core::parse_catalog(wuhua_catalog_text(), "wuhua.json");
  REQUIRE(catalog.is_ok());
  std::vector<std::string> out;
  for (const auto& c : catalog->communities) {
    if (out.size() == n) break;
    out.push_back(c.code);
  }
  REQUIRE(out.size() == n);
  return out;
}

struct District {
  TempDir dir;
  platform::ManualClock clock{kSyncStartMs};
  platform::FileKeyStore keys{dir / "district.kek", dir / "data"};
  std::unique_ptr<server::DistrictStore> store;
  std::unique_ptr<server::DistrictService> service;

  District() { open(); }

  void open() {
    service.reset();
    store.reset();
    auto made = server::open_embedded_store(dir / "data", keys, {"530102", clock.now_ms()});
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    store = std::move(made).value();
    service = std::make_unique<server::DistrictService>(*store, clock);
  }
  void close() {
    service.reset();
    store.reset();
  }

  sync::HttpResponse handle(const sync::HttpRequest& r) { return service->handle(r); }
  std::unique_ptr<sync::Transport> transport() {
    return std::make_unique<sync::HandlerTransport>(
        [this](const sync::HttpRequest& r) -> Result<sync::HttpResponse> { return handle(r); });
  }
  std::string token(const std::string& community) {
    auto t = service->issue_enroll_token(community);
    REQUIRE_MESSAGE(t.is_ok(), t.status().to_string());
    return *t;
  }
  // Publishes the default catalog (assets/catalog/wuhua.json), the one the stations carry:
  // whistles name its departments, and the district refuses every whistle until a catalog is
  // published.
  void publish_catalog() {
    auto g = service->publish_catalog(wuhua_catalog_text());
    REQUIRE_MESSAGE(g.is_ok(), g.status().to_string());
  }
  std::string epoch() { return store->epoch().value(); }
  std::int64_t fact_count() { return store->fact_count().value(); }
  std::vector<sync::DayDigest> digests(const std::string& community) {
    auto d = store->digests(community, "2000-01-01", "2099-12-31", sync::kSchema);
    REQUIRE_MESSAGE(d.is_ok(), d.status().to_string());
    return *d;
  }
};

struct TestStation {
  TempDir dir;
  platform::ManualClock clock{kSyncStartMs};
  platform::FileKeyStore keys{dir / "station.kek", dir / "data"};
  std::string community;
  std::unique_ptr<station::Station> station;

  explicit TestStation(std::string code) : community(std::move(code)) {
    auto made = station::Station::init(
        dir / "data", keys, clock,
        {community, wuhua_catalog_text(), "wuhua.json", "D001", "李主任", "583920"});
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    station = std::move(made).value();
  }
  // Closes and opens the station again, as after a crash or a restart.
  void reopen() {
    station.reset();
    auto made = station::Station::open(dir / "data", keys, clock);
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    station = std::move(made).value();
  }
  void enroll(District& district, sync::Transport& transport) {
    auto r = station::enroll_station(*station, transport,
                                     {"inproc://district", district.token(community), ""});
    REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  }
  // Writes n facts in one transaction; returns their ids.
  std::vector<std::string> write(int n, const std::string& kind = "test.note") {
    std::vector<std::string> ids;
    auto st = station->transact([&]() -> Status {
      std::vector<station::NewFact> facts;
      for (int i = 0; i < n; ++i) {
        facts.push_back({kind, "subject-" + std::to_string(i % 7), nlohmann::json{{"n", i}}, {}});
      }
      WEIMIN_ASSIGN_OR_RETURN(auto rows, station->append(facts));
      for (auto& r : rows) ids.push_back(r.id);
      return Status::ok();
    });
    REQUIRE_MESSAGE(st.is_ok(), st.to_string());
    return ids;
  }
  Result<station::SyncReport> sync(sync::Transport& transport, station::SyncOptions options = {}) {
    station::SyncEngine engine(*station, transport);
    return engine.run(options);
  }
  std::int64_t pending() { return storage::Outbox::stats(station->db()).value().pending(); }
  std::int64_t fact_count() { return storage::Facts::count(station->db()).value(); }
  bool has_fact(const std::string& id) {
    return storage::Facts::find(station->db(), id).value().has_value();
  }
  std::vector<sync::DayDigest> digests() {
    auto stmt = station->db().prepare("SELECT day, id FROM facts");
    REQUIRE(stmt.is_ok());
    std::vector<sync::DigestItem> items;
    while (stmt->step().value())
      items.push_back({"fact", stmt->column_text(0), stmt->column_text(1)});
    return sync::day_digests(std::move(items));
  }
};

}  // namespace weimin::test
