// The handheld's "sync now" against a district in the same process: a grid worker records a
// problem on the round, opens the sync screen and taps sync now; the station's real
// SyncService (its own connection, its own thread) pushes the case, and the district's
// projection holds it with its grid and channel.
#include <doctest/doctest.h>

#include "kiosk_fixture.hpp"
#include "sync_fixture.hpp"
#include "weimin/kiosk/handheld.hpp"
#include "weimin/station/sync_service.hpp"

using namespace weimin;

namespace {

constexpr const char* kGrid1 = "530102001001001";
// The longest the test waits for the service's thread before it fails (a bound, not a pause).
constexpr std::chrono::seconds kPatience{15};

struct HandheldSyncFixture : test::KioskFixture {
  test::District district;
  std::unique_ptr<station::SyncService> service;

  HandheldSyncFixture() {
    district.clock.set(clock.now_ms());  // the same time on both sides: no clock flag
    district.publish_catalog();
    station::StaffDesk desk(*station);
    REQUIRE(desk.put_staff(director, {"G010", "赵网格", core::Role::GridWorker, true, {kGrid1}},
                           "720461")
                .is_ok());
    {
      auto t = district.transport();
      auto enrolled = station::enroll_station(
          *station, *t, {"inproc://district", district.token("530102001001"), ""});
      REQUIRE_MESSAGE(enrolled.is_ok(), enrolled.status().to_string());
    }
    station::SyncServiceOptions options;
    options.tick = std::chrono::milliseconds(10);
    options.transport = [this](station::Station&) -> Result<std::unique_ptr<sync::Transport>> {
      return district.transport();
    };
    auto started = station::SyncService::start(dir / "data", keys, clock, options);
    REQUIRE_MESSAGE(started.is_ok(), started.status().to_string());
    service = std::move(started).value();

    setenv("SDL_VIDEODRIVER", "dummy", 0);
    kiosk::AppOptions o = test::sized(720, 1280);
    o.handheld = true;
    o.hidden = true;
    auto made = kiosk::App::create(*station, clock, {}, service.get(), o);
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    app = std::move(made).value();
    app->pump();
  }
  ~HandheldSyncFixture() {
    app.reset();
    service.reset();  // joins its thread before the station's folder goes
  }
  kiosk::HandheldState& h() { return app->handheld(); }
  void keys_on(std::string_view pad, std::string_view text) {
    for (char c : text) tap(std::string(pad) + "." + c);
  }
};

}  // namespace

TEST_CASE("handheld: a problem recorded on the round reaches the district with sync now") {
  HandheldSyncFixture f;
  f.tap("hh.field.no");
  f.keys_on("hh.pad", "G010");
  f.tap("hh.field.pin");
  f.keys_on("hh.pad", "720461");
  f.tap("hh.sign_in");
  REQUIRE(f.h().staff.session.has_value());
  f.tap("hh.record");
  f.tap("hh.source." + f.station->catalog().whistle_sources.front().id);
  f.tap("hh.place.cuihu.bldg1");
  f.h().record.description = "楼道灯不亮";
  f.app->pump();
  f.tap("hh.save");
  REQUIRE_MESSAGE(f.h().error.empty(), f.h().error);
  REQUIRE(f.h().cases.size() == 1);
  const std::string case_id = f.h().cases.front().state.case_id.to_string();
  CHECK_FALSE(f.district.store->case_row(case_id).value().has_value());  // not there yet

  f.tap("hh.sync");
  CHECK(f.h().screen == kiosk::HandheldScreen::Sync);
  f.tap("hh.sync_now");
  CHECK(f.h().sync_requested);
  REQUIRE(f.service->wait_for_status(
      [](const station::SyncStatus& st) { return st.pending == 0 && st.last_ok_ms.has_value(); },
      kPatience));
  CHECK(f.service->status().last_error.empty());

  auto row = f.district.store->case_row(case_id).value();
  REQUIRE(row.has_value());
  CHECK(row->channel == "grid_round");
  CHECK(row->grid == kGrid1);
  CHECK(row->description == "楼道灯不亮");
  CHECK(row->community == "530102001001");
  // The screen shows the sync done: nothing waiting.
  f.app->refresh_status_now();
  f.app->frame(true);
  CHECK(f.app->label("hh.sync_now").has_value());
}
