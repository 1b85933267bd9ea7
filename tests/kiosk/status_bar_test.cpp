// The status bar: a station whose clock is more than 5 minutes off the district's (as last
// measured by a sync or the link probe) is flagged in words, in both languages and every theme,
// and the flag goes once the clock is right again. Facts the district left out until the kiosk
// is upgraded (Meta sync.left_out) are flagged beside it.
#include <doctest/doctest.h>

#include <cstdlib>

#include "station_fixture.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/station/sync_state.hpp"
#include "weimin/storage/facts.hpp"

using namespace weimin;

namespace {

constexpr std::int64_t kWeek = 7 * 24 * 3600'000LL;

struct StatusBarFixture : test::StationFixture {
  std::unique_ptr<kiosk::App> app;
  StatusBarFixture() {
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    kiosk::AppOptions options;
    options.hidden = true;
    auto made = kiosk::App::create(*station, clock, {}, nullptr, options);
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    app = std::move(made).value();
    app->pump();
  }
  // What a sync records: the district's clock minus the station's.
  void measured(std::int64_t offset_ms) {
    REQUIRE(station
                ->transact([&]() {
                  return station::save_clock_offset(station->db(), {offset_ms, clock.now_ms()});
                })
                .is_ok());
  }
};

}  // namespace

TEST_CASE("status bar: a clock a week fast is flagged in both languages and every theme") {
  StatusBarFixture f;
  f.app->frame(true);
  CHECK_FALSE(f.app->label("status.clock").has_value());

  // The next look at the status (every 10 s) finds the measurement.
  f.measured(-kWeek - 90'000);
  f.clock.advance(11'000);
  f.app->frame(true);
  REQUIRE(f.app->label("status.clock").has_value());
  CHECK(*f.app->label("status.clock") == "本机时钟快 7 天，请校准");

  for (bool elder : {false, true}) {
    for (bool contrast : {false, true}) {
      CAPTURE(elder);
      CAPTURE(contrast);
      f.app->resident().prefs = kiosk::Prefs{kiosk::Lang::En, elder, contrast};
      f.app->frame(true);
      f.app->frame(true);
      CHECK(f.app->label("status.clock") ==
            std::optional<std::string>("Clock 7 days fast: set it"));
      f.app->resident().prefs = kiosk::Prefs{kiosk::Lang::Zh, elder, contrast};
      f.app->frame(true);
      f.app->frame(true);
      CHECK(f.app->label("status.clock") == std::optional<std::string>("本机时钟快 7 天，请校准"));
    }
  }
}

TEST_CASE("status bar: facts the district left out ask for an upgrade, beside a clock flag") {
  StatusBarFixture f;
  auto left_out = [&](const std::string& count) {
    REQUIRE(f.station
                ->transact([&]() {
                  return storage::Meta::set(f.station->db(), station::kMetaLeftOut, count);
                })
                .is_ok());
    f.app->refresh_status_now();
    f.app->frame(true);
  };
  f.app->frame(true);
  CHECK_FALSE(f.app->label("status.upgrade").has_value());
  left_out("12");
  CHECK(f.app->label("status.upgrade") == std::optional<std::string>("12 条记录待升级"));
  // With the clock flag too, both fit beside the status, in every theme and both languages.
  f.measured(-kWeek - 90'000);
  for (bool elder : {false, true}) {
    for (bool contrast : {false, true}) {
      CAPTURE(elder);
      CAPTURE(contrast);
      f.app->resident().prefs = kiosk::Prefs{kiosk::Lang::En, elder, contrast};
      f.app->refresh_status_now();
      f.app->frame(true);
      f.app->frame(true);
      CHECK(f.app->label("status.upgrade") == std::optional<std::string>("Update: 12 new records"));
      CHECK(f.app->label("status.clock") ==
            std::optional<std::string>("Clock 7 days fast: set it"));
      f.app->resident().prefs = kiosk::Prefs{kiosk::Lang::Zh, elder, contrast};
      f.app->frame(true);
      f.app->frame(true);
      CHECK(f.app->label("status.upgrade") == std::optional<std::string>("12 条记录待升级"));
    }
  }
  // The upgraded kiosk's next sync fetched them: the flag goes.
  left_out("");
  CHECK_FALSE(f.app->label("status.upgrade").has_value());
  CHECK(f.app->label("status.clock").has_value());
}

TEST_CASE("status bar: a slow clock says so; within 5 minutes there is no flag") {
  StatusBarFixture f;
  f.app->resident().prefs = kiosk::Prefs{kiosk::Lang::En, false, false};
  f.measured(20 * 60'000);  // the district is 20 minutes ahead: our clock is slow
  f.app->refresh_status_now();
  f.app->frame(true);
  CHECK(f.app->label("status.clock") == std::optional<std::string>("Clock 20 min slow: set it"));
  f.measured(3 * 3600'000 + 5);
  f.app->refresh_status_now();
  f.app->frame(true);
  CHECK(f.app->label("status.clock") == std::optional<std::string>("Clock 3 h slow: set it"));
  f.measured(-4 * 60'000);  // set right (within the tolerance)
  f.app->refresh_status_now();
  f.app->frame(true);
  CHECK_FALSE(f.app->label("status.clock").has_value());
}

TEST_CASE("status bar: a long sync shows how far its push is, in both languages") {
  test::StationFixture station_fixture;
  // A sync service that is sending a month's facts (the state a SyncService reports).
  struct Sending final : station::SyncControl {
    station::SyncStatus now;
    station::SyncStatus status() const override { return now; }
    void sync_now() override {}
  } sync;
  sync.now.enrolled = true;
  sync.now.link = station::LinkState::Up;
  sync.now.syncing = true;
  sync.now.pending = 180000;
  sync.now.progress = station::SyncProgress{120000, 300000, station_fixture.clock.now_ms()};
  setenv("SDL_VIDEODRIVER", "dummy", 0);
  kiosk::AppOptions options;
  options.hidden = true;
  auto made =
      kiosk::App::create(*station_fixture.station, station_fixture.clock, {}, &sync, options);
  REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
  auto& app = **made;
  app.pump();
  app.frame(true);
  CHECK(app.label("status.sync") == std::optional<std::string>("正在同步 40%"));
  // While a sync runs the bar is read every second: the next page's figure shows a second later.
  sync.now.progress->sent = 240000;
  station_fixture.clock.advance(1'000);
  CHECK(app.frame(false));
  CHECK(app.label("status.sync") == std::optional<std::string>("正在同步 80%"));
  app.resident().prefs = kiosk::Prefs{kiosk::Lang::En, false, false};
  app.frame(true);
  CHECK(app.label("status.sync") == std::optional<std::string>("Syncing 80%"));
  // The run ends: the link's state again.
  sync.now.syncing = false;
  sync.now.progress.reset();
  sync.now.pending = 0;
  station_fixture.clock.advance(1'000);
  CHECK(app.frame(false));
  CHECK(app.label("status.sync") == std::optional<std::string>("Online"));
}
