// The resident screens speak when voice is on (语音播报): each screen's and step's prompt once
// as it changes, the number taken with the people ahead, a tracking code spelled one character
// at a time, English in English; nothing with voice off, on staff screens, or without an
// announcer. The console leaves calls to the board (each call heard once).
#include <doctest/doctest.h>

#include <cstdlib>

#include "kiosk_fixture.hpp"
#include "station_fixture.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/kiosk/strings.hpp"
#include "weimin/platform/announcer.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;

namespace {

using test::RecordingAnnouncer;

struct VoiceFixture : test::KioskFixture {
  RecordingAnnouncer announcer;
  explicit VoiceFixture(bool with_announcer = true) {
    kiosk::Devices devices;
    if (with_announcer) devices.announcer = &announcer;
    open({}, devices);
  }
  void voice_on(kiosk::Lang lang = kiosk::Lang::Zh) {
    app->resident().prefs.voice = true;
    app->resident().prefs.lang = lang;
    app->frame(true);
  }
};

}  // namespace

TEST_CASE("voice: with voice on, each step's prompt is said once as the screen changes") {
  VoiceFixture f;
  f.app->frame(true);
  CHECK(f.announcer.prompts.empty());  // voice is off by default
  f.voice_on();
  REQUIRE(f.announcer.prompts.size() == 1);
  CHECK(f.announcer.last() == kiosk::tr(kiosk::Lang::Zh, "voice.home"));
  CHECK(f.announcer.prompts[0].language == platform::SpeechLanguage::Chinese);
  // Redrawing the same screen says nothing again.
  f.app->frame(true);
  f.app->frame(true);
  CHECK(f.announcer.prompts.size() == 1);

  f.tap("home.take");
  CHECK(f.announcer.last() == kiosk::tr(kiosk::Lang::Zh, "voice.take_line"));
  const core::ServiceLine* line = f.station->catalog().line_by_number(1);
  REQUIRE(line != nullptr);
  f.tap("take.line.1");
  CHECK(f.announcer.last() == kiosk::trf(kiosk::Lang::Zh, "voice.take_chosen", {line->name.zh}));
  const std::size_t before = f.announcer.prompts.size();
  f.tap("take.prio_elderly");  // same step: the priority is on screen, nothing new to say
  CHECK(f.announcer.prompts.size() == before);
  CHECK(f.announcer.calls.empty());
}

TEST_CASE("voice: the number taken is said with the people ahead and the wait") {
  VoiceFixture f;
  station::Queue queue(*f.station);
  REQUIRE(queue.take({1, "", core::Priority::None, "", std::nullopt}).is_ok());
  REQUIRE(queue.take({1, "", core::Priority::None, "", std::nullopt}).is_ok());
  f.voice_on();
  f.tap("home.take");
  f.tap("take.line.1");
  f.tap("take.confirm");
  REQUIRE(f.app->resident().screen == kiosk::Screen::TicketShown);
  const auto& receipt = *f.app->resident().take.receipt;
  CHECK(receipt.wait.people_ahead == 2);
  const std::string expected =
      kiosk::trf(kiosk::Lang::Zh, "voice.ticket",
                 {platform::spelled_out(receipt.ticket.label, platform::SpeechLanguage::Chinese),
                  "2", std::to_string(receipt.wait.minutes)});
  CHECK(f.announcer.last() == expected);
  CHECK(expected.find("A，0，0，3") != std::string::npos);
  // Said once: by the ticket hook, not again when the ticket screen is drawn.
  const auto said = std::count_if(f.announcer.prompts.begin(), f.announcer.prompts.end(),
                                  [&](const platform::Prompt& p) { return p.text == expected; });
  f.app->frame(true);
  CHECK(said == 1);
  CHECK(std::count_if(f.announcer.prompts.begin(), f.announcer.prompts.end(),
                      [&](const platform::Prompt& p) { return p.text == expected; }) == 1);
  f.tap("ticket.done");
  CHECK(f.announcer.last() == kiosk::tr(kiosk::Lang::Zh, "voice.home"));
}

TEST_CASE("voice: the tracking code is spelled one character at a time, in either language") {
  VoiceFixture f;
  station::CaseReceipt receipt;
  receipt.tracking_code = "K7MQ3ZP9C";
  receipt.check_code = "4821";
  f.app->resident().report.receipt = receipt;
  f.app->show(kiosk::Screen::ReportDone);
  f.voice_on();
  CHECK(f.announcer.last() ==
        kiosk::trf(kiosk::Lang::Zh, "voice.report_done", {"K，7，M，Q，3，Z，P，9，C"}) + " " +
            kiosk::trf(kiosk::Lang::Zh, "voice.check_code", {"4，8，2，1"}));
  // Switching to English says it again, in English.
  f.app->resident().prefs.lang = kiosk::Lang::En;
  f.app->frame(true);
  CHECK(f.announcer.prompts.back().language == platform::SpeechLanguage::English);
  CHECK(f.announcer.last() ==
        "Received. Your tracking code is K, 7, M, Q, 3, Z, P, 9, C. Please "
        "keep it. Your check code is 4, 8, 2, 1.");
}

TEST_CASE("voice: a refusal on screen is said, in the resident's words") {
  VoiceFixture f;
  f.voice_on();
  f.tap("home.rate");
  CHECK(f.announcer.last() == kiosk::tr(kiosk::Lang::Zh, "voice.rate"));
  f.tap("rate.satisfied");  // no reference typed
  CHECK(f.announcer.last() == kiosk::tr(kiosk::Lang::Zh, "rate.need_ref"));
}

TEST_CASE("voice: the idle countdown asks whether the resident is still there") {
  VoiceFixture f;
  f.voice_on();
  f.tap("home.take");
  const std::string take = f.announcer.last();
  for (int i = 0; i < 62; ++i) {  // a minute without a touch
    f.clock.advance(1'000);
    f.app->frame();
  }
  REQUIRE(f.app->countdown_showing());
  CHECK(f.announcer.last() == kiosk::tr(kiosk::Lang::Zh, "voice.idle"));
  const std::size_t said = f.announcer.prompts.size();
  f.clock.advance(1'000);
  f.app->frame();  // the countdown ticks: not said again
  CHECK(f.announcer.prompts.size() == said);
  f.tap("idle.continue");
  CHECK_MESSAGE(f.announcer.last() == take, f.announcer.last());
}

TEST_CASE("voice: off, on staff screens or without an announcer the kiosk says nothing") {
  {
    VoiceFixture f;
    f.tap("home.take");
    f.tap("take.line.1");
    CHECK(f.announcer.prompts.empty());
    // Switched on part-way: the screen shown is said at once.
    f.voice_on();
    REQUIRE(f.announcer.prompts.size() == 1);
    // Staff screens are silent, and calling a number leaves the announcing to the board.
    f.app->resident().prefs.voice = true;
    station::Queue queue(*f.station);
    REQUIRE(queue.take({1, "", core::Priority::None, "", std::nullopt}).is_ok());
    const core::Window& window = f.station->catalog().windows_for(f.station->community()).front();
    f.app->staff().session = f.staff;
    f.app->staff().window = window.number;
    f.app->show(kiosk::Screen::StaffConsole);
    f.tap("console.call_next");
    CHECK(f.announcer.prompts.size() == 1);
    CHECK(f.announcer.calls.empty());
  }
  {
    VoiceFixture f(false);
    f.voice_on();
    f.tap("home.take");  // no announcer: nothing to check but that nothing breaks
    CHECK(f.app->resident().screen == kiosk::Screen::TakeNumber);
  }
}

TEST_CASE("voice: every prompt has both languages and fits the announcer") {
  for (const auto& e : kiosk::string_table()) {
    const std::string key = e.key;
    if (key.rfind("voice.", 0) != 0) continue;
    CAPTURE(key);
    CHECK_FALSE(std::string(e.zh).empty());
    CHECK_FALSE(std::string(e.en).empty());
    CHECK(platform::prompt_text({e.zh}).is_ok());
    CHECK(platform::prompt_text({e.en, platform::SpeechLanguage::English}).is_ok());
  }
}
