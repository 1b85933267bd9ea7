// A district in process for the server tests: a store (embedded, or the PostgreSQL store named
// by WEIMIN_TEST_STORE when the build has it), a manual clock, the DistrictService, and
// stations that enrol and sign their requests.
#pragma once

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "temp_dir.hpp"
#include "weimin/core/case.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/server/embedded_store.hpp"
#include "weimin/server/service.hpp"
#include "weimin/sync/protocol.hpp"
#include "weimin/sync/protocol_auth.hpp"
#ifdef WEIMIN_SERVER_PG
#include "weimin/server/pg_store.hpp"
#endif

namespace weimin::test {

inline constexpr std::int64_t kStart = 1'795'336'200'000;  // 2026-11-22T08:30:00Z

inline bool using_pg_store() {
  return std::getenv("WEIMIN_TEST_STORE") != nullptr;
}

struct TestStation {
  std::string community;
  std::string station_id;
  sync::StationKeyPair key;
  std::string stream = "018f0000-0000-7000-8000-00000000aaaa";
  std::int64_t seq = 0;  // last seq pushed
};

class District {
 public:
  explicit District(server::ServiceOptions options = {})
      : keys_(dir_.path() / "kek", dir_.path() / "data"), clock_(kStart) {
    open();
    service_ = std::make_unique<server::DistrictService>(*store_, clock_, options);
  }

  void open() {
    if (const char* url = std::getenv("WEIMIN_TEST_STORE")) {
#ifdef WEIMIN_SERVER_PG
      if (pg_url_.empty()) pg_url_ = server::pg_url_with_fresh_schema(url);
      auto s = server::open_pg_store(pg_url_, server::PgStoreOptions{"530102", clock_.now_ms()});
      if (!s.is_ok()) {
        std::fprintf(stderr, "cannot open the PostgreSQL store %s: %s\n", url,
                     s.status().to_string().c_str());
        std::abort();
      }
      store_ = std::move(*s);
      return;
#else
      std::fprintf(stderr, "WEIMIN_TEST_STORE=%s but this build has no PostgreSQL store\n", url);
      std::abort();
#endif
    }
    auto s = server::open_embedded_store(dir_.path() / "data", keys_,
                                         server::EmbeddedStoreOptions{"530102", clock_.now_ms()});
    if (!s.is_ok()) {
      std::fprintf(stderr, "cannot open the embedded store: %s\n", s.status().to_string().c_str());
      std::abort();
    }
    store_ = std::move(*s);
  }

  void close() {
    service_.reset();
    store_.reset();
  }

  // Closes and reopens the store (and the service over it).
  void reopen(server::ServiceOptions options = {}) {
    service_.reset();
    store_.reset();
    open();
    service_ = std::make_unique<server::DistrictService>(*store_, clock_, options);
  }

  // As a station's or department's client sends it: a body goes as application/json unless
  // the request names its own Content-Type (service().handle() sends a request as it is).
  sync::HttpResponse call(sync::HttpRequest r) {
    if (!r.body.empty() && !sync::header_value(r.headers, "Content-Type")) {
      r.headers["Content-Type"] = "application/json";
    }
    return service_->handle(r);
  }

  // Publishes the default catalog (assets/catalog/wuhua.json): its street offices and
  // departments are the ones tokens and whistles may name.
  void publish_catalog() {
    std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json");
    std::stringstream text;
    text << in.rdbuf();
    auto g = service_->publish_catalog(text.str());
    if (!g.is_ok()) {
      std::fprintf(stderr, "cannot publish the catalog: %s\n", g.status().to_string().c_str());
      std::abort();
    }
  }

  TestStation enroll(const std::string& community) {
    TestStation st;
    st.community = community;
    st.key = sync::generate_station_key();
    auto token = service_->issue_enroll_token(community);
    if (!token.is_ok()) std::abort();
    sync::EnrollRequest req{sync::kSchema, *token, community,
                            sync::base64_encode(st.key.public_key)};
    auto r = call({"POST", "/v1/enroll", "", {}, sync::to_json(req)});
    auto resp = sync::parse_enroll_response(r.body);
    if (r.status != 200 || !resp.is_ok()) {
      std::fprintf(stderr, "enrol failed: %d %s\n", r.status, r.body.c_str());
      std::abort();
    }
    st.station_id = resp->station_id;
    return st;
  }

  sync::HttpRequest signed_request(const TestStation& st, std::string method, std::string path,
                                   std::string query, std::string body,
                                   std::int64_t clock_offset_ms = 0) {
    sync::HttpRequest r{std::move(method), std::move(path), std::move(query), {}, std::move(body)};
    sync::sign_request(r, st.station_id, st.key.secret_key, clock_.now_ms() + clock_offset_ms);
    return r;
  }
  sync::HttpResponse signed_call(const TestStation& st, std::string method, std::string path,
                                 std::string query = "", std::string body = "") {
    return call(
        signed_request(st, std::move(method), std::move(path), std::move(query), std::move(body)));
  }

  server::DistrictService& service() {
    return *service_;
  }
  server::DistrictStore& store() {
    return *store_;
  }
  platform::ManualClock& clock() {
    return clock_;
  }
  const std::filesystem::path& dir() const {
    return dir_.path();
  }
  // The PostgreSQL store's URL (with its schema=…); empty on the embedded store.
  const std::string& pg_url() const {
    return pg_url_;
  }
  platform::FileKeyStore& keys() {
    return keys_;
  }

 private:
  TempDir dir_;
  platform::FileKeyStore keys_;
  platform::ManualClock clock_;
  std::string pg_url_;
  std::unique_ptr<server::DistrictStore> store_;
  std::unique_ptr<server::DistrictService> service_;
};

}  // namespace weimin::test
