// The client's small pieces: backoff with jitter, the scheduler's nightly window and offsets,
// "soon after the link returns", and the link probe over a transport that fails.
#include <doctest/doctest.h>

#include <set>

#include "weimin/core/civil_time.hpp"
#include "weimin/sync/client.hpp"
#include "weimin/sync/link.hpp"
#include "weimin/sync/scheduler.hpp"
#include "weimin/sync/transport_curl.hpp"

using namespace weimin;
using namespace weimin::sync;

namespace {
constexpr std::int64_t kNoon = 1795579200000;  // 2026-11-25 12:00 China
}

TEST_CASE("backoff doubles with jitter up to its cap and resets") {
  Backoff b(1000, 60'000, 7);
  std::int64_t ceiling = 1000;
  for (int i = 0; i < 10; ++i) {
    const auto d = b.next_delay_ms();
    CHECK(d >= ceiling / 2);
    CHECK(d <= ceiling);
    ceiling = std::min<std::int64_t>(ceiling * 2, 60'000);
  }
  CHECK(b.failures() == 10);
  b.reset();
  CHECK(b.next_delay_ms() <= 1000);
  // Jitter: two stations failing together do not retry together.
  Backoff x(1000, 60'000, 1), y(1000, 60'000, 2);
  std::set<std::int64_t> seen;
  for (int i = 0; i < 5; ++i) {
    seen.insert(x.next_delay_ms());
    seen.insert(y.next_delay_ms());
  }
  CHECK(seen.size() > 5);
}

TEST_CASE("the nightly time is inside the window, stable per station and spread over stations") {
  ScheduleOptions options;
  std::set<std::int64_t> offsets;
  for (int i = 0; i < 100; ++i) {
    const std::string id = "station:5301020010" + std::to_string(10 + i);
    const auto offset = nightly_offset_ms(id, options);
    CHECK(offset >= 0);
    CHECK(offset < options.window_length_minutes * 60'000LL);
    CHECK(offset == nightly_offset_ms(id, options));
    offsets.insert(offset / 60'000);
  }
  CHECK(offsets.size() > 60);  // a hundred stations spread over 180 minutes (~76 expected)

  Scheduler s("station:530102001001", options, kNoon);
  const auto night = s.next_nightly_ms(kNoon);
  CHECK(night > kNoon);
  CHECK(night - kNoon < 24 * 3600'000LL);
  const int minute = core::local_minute_of_day(night);
  CHECK(minute >= options.window_start_minute);
  CHECK(minute < options.window_start_minute + options.window_length_minutes);
  CHECK(s.due_ms() == night);
  CHECK(s.next_nightly_ms(night) == night + 24 * 3600'000LL);
}

TEST_CASE("sync now is due at once; a returned link soon; failures back off but not past night") {
  ScheduleOptions options;
  Scheduler s("station:530102001001", options, kNoon);
  CHECK_FALSE(s.is_due(kNoon));
  s.sync_now(kNoon);
  CHECK(s.is_due(kNoon));
  s.finished(false, kNoon);
  const auto retry = s.due_ms();
  CHECK(retry > kNoon);
  CHECK(retry <= kNoon + options.retry_base_ms);
  for (int i = 0; i < 30; ++i) s.finished(false, kNoon);
  CHECK(s.due_ms() <= kNoon + options.retry_max_ms);
  s.link_returned(kNoon);
  CHECK(s.due_ms() <= kNoon + options.link_return_delay_ms);
  CHECK(s.due_ms() >= kNoon + options.link_return_delay_ms / 2);
  s.finished(true, kNoon + 1000);
  CHECK(s.due_ms() == s.next_nightly_ms(kNoon + 1000));
  s.work_waiting(kNoon + 2000);
  CHECK(s.due_ms() == kNoon + 2000 + options.link_return_delay_ms);
}

TEST_CASE("the link probe backs off while the district cannot be reached and reports its return") {
  bool up = false;
  int calls = 0;
  HandlerTransport transport([&](const HttpRequest& r) -> Result<HttpResponse> {
    ++calls;
    CHECK(r.path == "/v1/health");
    if (!up) return Status(ErrorCode::Unavailable, "cannot reach the district (test)");
    HttpResponse ok;
    ok.headers["X-Weimin-Server-Time"] = std::to_string(kNoon + 90'000);
    ok.body = R"({"status":"ok","epoch":"e1","server_ms":)" + std::to_string(kNoon + 90'000) + "}";
    return ok;
  });
  std::int64_t now = kNoon;
  SyncClient client(transport, [&] { return now; });
  LinkProbe probe({60'000, 2'000, 60'000}, 3);
  auto r1 = probe.probe(client, now);
  CHECK_FALSE(r1.up);
  CHECK(r1.error.find("cannot reach") != std::string::npos);
  std::int64_t last_gap = 0;
  for (int i = 0; i < 6; ++i) {
    now = probe.next_probe_ms();
    auto r = probe.probe(client, now);
    CHECK_FALSE(r.up);
    last_gap = r.next_probe_ms - now;
  }
  CHECK(last_gap > 2'000);
  CHECK(last_gap <= 60'000);
  up = true;
  now = probe.next_probe_ms();
  auto back = probe.probe(client, now);
  CHECK(back.up);
  CHECK(back.returned);
  CHECK(back.epoch == "e1");
  CHECK(back.next_probe_ms == now + 60'000);
  CHECK(client.clock_offset_ms() == kNoon + 90'000 - now);
  auto still = probe.probe(client, back.next_probe_ms);
  CHECK(still.up);
  CHECK_FALSE(still.returned);
  CHECK(calls == 9);
}

TEST_CASE("refusals are said in plain words with the right category") {
  HttpResponse r;
  r.status = 403;
  r.body = R"({"error":{"code":"out_of_scope","message":"another community"}})";
  auto s = refusal(r, "pushing 3 facts");
  CHECK(s.code() == ErrorCode::PermissionDenied);
  CHECK(s.message().find("own community") != std::string::npos);
  r.status = 503;
  r.body = "busy";
  CHECK(refusal(r, "pulling").code() == ErrorCode::Unavailable);
  r.status = 401;
  r.body = R"({"error":{"code":"stale_time","message":"created is 10 min off"}})";
  CHECK(refusal(r, "pulling").message().find("clock") != std::string::npos);
}

TEST_CASE("the curl transport refuses a URL it cannot use and says why there is no network") {
  const std::string some_ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  auto bad = CurlTransport::make({"ftp://x", some_ca});
  CHECK(bad.status().code() == ErrorCode::Invalid);
  auto no_ca = CurlTransport::make({"https://127.0.0.1:1", ""});
  CHECK(no_ca.status().code() == ErrorCode::Invalid);
  CHECK(no_ca.status().message().find("--ca") != std::string::npos);
  auto unreachable = CurlTransport::make({"https://127.0.0.1:1", some_ca});
  REQUIRE(unreachable.is_ok());
  HttpRequest r;
  r.method = "GET";
  r.path = "/v1/health";
  auto sent = (*unreachable)->send(r);
  REQUIRE_FALSE(sent.is_ok());
  CHECK(sent.status().code() == ErrorCode::Unavailable);
  CHECK(sent.status().message().find("cannot reach the district") != std::string::npos);
}

TEST_CASE("the curl transport refuses plain http:// in words: no clear text to the district") {
  const std::string some_ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  for (const char* url : {"http://127.0.0.1:1", "HTTP://district.example:8080", "http://"}) {
    auto plain = CurlTransport::make({url, some_ca});
    REQUIRE_FALSE(plain.is_ok());
    CHECK(plain.status().code() == ErrorCode::Invalid);
    CHECK_MESSAGE(plain.status().message().find("in clear") != std::string::npos,
                  plain.status().message());
    CHECK(check_district_url(url).code() == ErrorCode::Invalid);
  }
  CHECK(check_district_url("https://district.example:8443").is_ok());
  CHECK(check_district_url("https://").code() == ErrorCode::Invalid);
}
