// libFuzzer target: DistrictService::handle on one endpoint (FUZZ_ENDPOINT) with arbitrary
// bodies or queries, signed correctly (so the handler itself is reached) unless the first byte
// says otherwise. Invariants: no crash, no 5xx, and a refused request (4xx) changes nothing.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/server/embedded_store.hpp"
#include "weimin/server/service.hpp"
#include "weimin/sync/protocol_auth.hpp"

using namespace weimin;

namespace {

enum Endpoint { kEnroll = 0, kPush = 1, kPull = 2, kStatus = 3, kDigest = 4, kCases = 5 };

struct World {
  std::filesystem::path dir;
  std::unique_ptr<platform::FileKeyStore> keys;
  platform::ManualClock clock{1'795'336'200'000};
  std::unique_ptr<server::DistrictStore> store;
  std::unique_ptr<server::DistrictService> service;
  sync::StationKeyPair key = sync::generate_station_key();
  std::string station = "station:530102001001";
  std::string office_token, dept_token, enroll_token;

  World() {
    char tmpl[] = "/tmp/weimin-fuzz-XXXXXX";
    dir = ::mkdtemp(tmpl);
    keys = std::make_unique<platform::FileKeyStore>(dir / "kek", dir / "data");
    auto s = server::open_embedded_store(dir / "data", *keys, {"530102", clock.now_ms()});
    if (!s.is_ok()) std::abort();
    store = std::move(*s);
    service = std::make_unique<server::DistrictService>(*store, clock);
    auto t = service->issue_enroll_token("530102001001");
    sync::EnrollRequest req{1, *t, "530102001001", sync::base64_encode(key.public_key)};
    if (service
            ->handle({"POST",
                      "/v1/enroll",
                      "",
                      {{"Content-Type", "application/json"}},
                      sync::to_json(req)})
            .status != 200) {
      std::abort();
    }
    // Tokens name the catalog's offices and departments.
    std::ifstream in(WEIMIN_CATALOG);
    std::stringstream catalog;
    catalog << in.rdbuf();
    if (!service->publish_catalog(catalog.str()).is_ok()) std::abort();
    office_token = *service->issue_actor_token("530102001", core::Role::StreetOffice);
    dept_token = *service->issue_actor_token("urban_management", core::Role::Department);
    enroll_token = *service->issue_enroll_token("530102001002");
  }
  ~World() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

World& world() {
  static World w;
  return w;
}

std::int64_t changes_now(World& w) {
  auto n = w.store->fact_count();
  auto r = w.store->rejects("");
  auto s = w.store->streams(w.station);
  if (!n.is_ok() || !r.is_ok() || !s.is_ok()) std::abort();
  std::int64_t through = 0;
  for (const auto& p : *s) through += p.applied_through;
  return *n * 1'000'000 + static_cast<std::int64_t>(r->size()) * 1000 + through;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  w.clock.advance(1000);
  const std::uint8_t flags = size > 0 ? data[0] : 0;
  std::string text = size > 0 ? std::string(reinterpret_cast<const char*>(data) + 1, size - 1) : "";
  sync::HttpRequest r;
  switch (FUZZ_ENDPOINT) {
    case kEnroll: r = {"POST", "/v1/enroll", "", {}, text}; break;
    case kPush: r = {"POST", "/v1/push", "", {}, text}; break;
    case kPull: r = {"GET", "/v1/pull", text, {}, ""}; break;
    case kStatus: r = {"GET", "/v1/status", text, {}, ""}; break;
    case kDigest: r = {"GET", "/v1/digest", text, {}, ""}; break;
    case kCases: {
      // "<case id or path tail>\n<body>"
      auto nl = text.find('\n');
      std::string tail = text.substr(0, nl);
      r = {flags & 2 ? "GET" : "POST", "/v1/cases" + tail, "", {},
           nl == std::string::npos ? "" : text.substr(nl + 1)};
      r.headers["Authorization"] = "Bearer " + (flags & 4 ? w.dept_token : w.office_token);
      break;
    }
  }
  // Bodies go as JSON, but now and then with another (or no) content type.
  if (!r.body.empty() && !(flags & 8)) r.headers["Content-Type"] = "application/json";
  if (FUZZ_ENDPOINT == kEnroll && (flags & 1)) {
    // Put the real token in, so enrolment itself is reached.
    auto at = r.body.find("TOKEN");
    if (at != std::string::npos) r.body.replace(at, 5, w.enroll_token);
  }
  if (FUZZ_ENDPOINT >= kPush && FUZZ_ENDPOINT <= kDigest && !(flags & 1)) {
    sync::sign_request(r, w.station, w.key.secret_key, w.clock.now_ms());
  }
  const std::int64_t before = changes_now(w);
  sync::HttpResponse out = w.service->handle(r);
  if (out.status >= 500) {
    std::fprintf(stderr, "5xx: %d %s\n", out.status, out.body.c_str());
    std::abort();
  }
  if (out.status >= 400 && changes_now(w) != before) {
    std::fprintf(stderr, "a refused request (%d) changed the store: %s\n", out.status, out.body.c_str());
    std::abort();
  }
  if (!sync::header_value(out.headers, "X-Weimin-Server-Time")) std::abort();
  return 0;
}
