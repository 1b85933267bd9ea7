// SyncService: the background thread behind the kiosk's status bar — link state from the
// health probe, "sync now", and a sync soon after the link returns.
#include <doctest/doctest.h>

#include <atomic>

#include "sync_fixture.hpp"
#include "weimin/station/sync_service.hpp"

using namespace weimin;
using weimin::test::District;
using weimin::test::TestStation;

namespace {

// The longest a test waits for the service's thread before it fails (a bound, not a pause).
constexpr std::chrono::seconds kPatience{15};

}  // namespace

TEST_CASE("the sync service shows the link, syncs now when asked and soon after the link returns") {
  District district;
  TestStation s("530102001001");
  {
    auto t = district.transport();
    s.enroll(district, *t);
  }
  std::atomic<bool> link_up{true};
  station::SyncServiceOptions options;
  options.tick = std::chrono::milliseconds(10);
  options.probe = {60'000, 1'000, 4'000};
  options.transport = [&](station::Station&) -> Result<std::unique_ptr<sync::Transport>> {
    return std::unique_ptr<sync::Transport>(std::make_unique<sync::HandlerTransport>(
        [&](const sync::HttpRequest& r) -> Result<sync::HttpResponse> {
          if (!link_up) return Status(ErrorCode::Unavailable, "cannot reach the district (test)");
          return district.handle(r);
        }));
  };
  auto service = station::SyncService::start(s.dir / "data", s.keys, s.clock, options);
  REQUIRE_MESSAGE(service.is_ok(), service.status().to_string());
  station::SyncControl& control = **service;
  CHECK((*service)->wait_for_status(
      [](const station::SyncStatus& st) { return st.link == station::LinkState::Up; }, kPatience));
  CHECK(control.status().enrolled);

  s.write(12);
  CHECK((*service)->wait_for_status(
      [](const station::SyncStatus& st) { return st.pending >= 12 || st.last_ok_ms.has_value(); },
      kPatience));
  control.sync_now();
  REQUIRE((*service)->wait_for_syncs(1, std::chrono::seconds(10)));
  CHECK((*service)->wait_for_status([](const station::SyncStatus& st) { return st.pending == 0; },
                                    kPatience));
  CHECK(control.status().last_ok_ms.has_value());
  CHECK((*service)->last_summary().find("pushed") != std::string::npos);

  // The link goes down: the probe notices (after its interval) and backs off.
  link_up = false;
  s.clock.advance(61'000);
  CHECK((*service)->wait_for_status(
      [](const station::SyncStatus& st) { return st.link == station::LinkState::Down; },
      kPatience));
  s.write(3);
  const int before = (*service)->syncs_finished();
  // The link returns: the next probe sees it and a sync follows within the link-return delay.
  link_up = true;
  s.clock.advance(5'000);
  CHECK((*service)->wait_for_status(
      [](const station::SyncStatus& st) { return st.link == station::LinkState::Up; }, kPatience));
  s.clock.advance(options.schedule.link_return_delay_ms + 1);
  CHECK((*service)->wait_for_syncs(before + 1, kPatience));
  CHECK((*service)->wait_for_status([](const station::SyncStatus& st) { return st.pending == 0; },
                                    kPatience));
  CHECK(control.status().last_error.empty());
}

TEST_CASE("a station that is not enrolled shows it and sync now says so") {
  TestStation s("530102001001");
  station::SyncServiceOptions options;
  options.tick = std::chrono::milliseconds(10);
  auto service = station::SyncService::start(s.dir / "data", s.keys, s.clock, options);
  REQUIRE(service.is_ok());
  CHECK((*service)->wait_for_status(
      [](const station::SyncStatus& st) { return st.link == station::LinkState::NotEnrolled; },
      kPatience));
  (*service)->sync_now();
  REQUIRE((*service)->wait_for_syncs(1, std::chrono::seconds(5)));
  CHECK((*service)->last_summary().find("enrol") != std::string::npos);
}
