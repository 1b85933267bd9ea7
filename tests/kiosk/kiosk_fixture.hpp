// A station with a kiosk App over it, hidden, under SDL's dummy video driver: what the kiosk's
// flow tests share. A fixture that owns devices opens the App in its own constructor (open()),
// once its devices exist.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "station_fixture.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/platform/announcer.hpp"

namespace weimin::test {

struct KioskFixture : StationFixture {
  std::unique_ptr<kiosk::App> app;

  // Opens the App at once with `options` (hidden) and no devices.
  explicit KioskFixture(kiosk::AppOptions options) { open(options, {}); }
  // Leaves the App to the derived fixture's open().
  KioskFixture() = default;

  void open(kiosk::AppOptions options, kiosk::Devices devices) {
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    options.hidden = true;
    auto made = kiosk::App::create(*station, clock, devices, nullptr, options);
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    app = std::move(made).value();
    app->pump();
  }
  void tap(std::string_view id) {
    REQUIRE_MESSAGE(app->tap(id), "no button " << id << " on screen");
  }
  // Lets the clock run without touching the screen, drawing what comes due.
  void wait_ms(std::int64_t ms) {
    const std::int64_t end = clock.now_ms() + ms;
    while (clock.now_ms() < end) {
      clock.advance(std::min<std::int64_t>(1000, end - clock.now_ms()));
      app->frame();
      app->pump();
    }
  }
};

// An announcer that keeps what it was asked to say, in order (nothing is spoken).
struct RecordingAnnouncer final : platform::Announcer {
  std::vector<platform::Call> calls;
  std::vector<platform::Prompt> prompts;
  void announce(platform::Call call) override { calls.push_back(std::move(call)); }
  void say(platform::Prompt prompt) override { prompts.push_back(std::move(prompt)); }
  void set_settings(platform::VoiceSettings) override {}
  platform::VoiceSettings settings() const override { return {}; }
  Status last_error() const override { return Status::ok(); }
  bool wait_idle(int) override { return true; }
  // The labels of the calls, in order.
  std::vector<std::string> labels() const {
    std::vector<std::string> out;
    for (const auto& c : calls) out.push_back(c.ticket_label);
    return out;
  }
  // The last prompt's text ("<nothing>" before any).
  std::string last() const { return prompts.empty() ? "<nothing>" : prompts.back().text; }
};

// The App at a size.
inline kiosk::AppOptions sized(int width, int height) {
  kiosk::AppOptions options;
  options.width = width;
  options.height = height;
  return options;
}

}  // namespace weimin::test
