// Whole kiosk flows driven through the real screens by synthetic SDL events (dummy video
// driver, software renderer), asserting on the station's state afterwards.
#include <doctest/doctest.h>

#include <algorithm>

#include <cstdlib>

#include "kiosk_fixture.hpp"
#include "station_fixture.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/kiosk/png.hpp"
#include "weimin/platform/announcer.hpp"
#include "weimin/platform/ticket_printer.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;

namespace {

struct KioskFixture : test::KioskFixture {
  KioskFixture() : test::KioskFixture(kiosk::AppOptions{}) {}
};

}  // namespace

TEST_CASE("a resident takes a number by line and sees it with the people ahead") {
  KioskFixture f;
  station::Queue queue(*f.station);
  REQUIRE(queue.take({1, "", core::Priority::None, "", std::nullopt}).is_ok());  // one ahead
  f.tap("home.take");
  CHECK(f.app->resident().screen == kiosk::Screen::TakeNumber);
  f.tap("take.line.1");
  f.tap("take.prio_elderly");
  f.tap("take.confirm");
  REQUIRE(f.app->resident().screen == kiosk::Screen::TicketShown);
  const auto& receipt = f.app->resident().take.receipt;
  REQUIRE(receipt.has_value());
  auto today = queue.today();
  REQUIRE(today.is_ok());
  CHECK(today->tickets.size() == 2);
  const core::Ticket* mine = today->find(receipt->ticket.id);
  REQUIRE(mine != nullptr);
  CHECK(mine->label == receipt->ticket.label);
  CHECK(mine->priority == core::Priority::Elderly);
  CHECK(mine->reason == "70岁以上老人");
  CHECK(mine->line == 1);
  // Done forgets the number shown.
  f.tap("ticket.done");
  CHECK(f.app->resident().screen == kiosk::Screen::Home);
  CHECK_FALSE(f.app->resident().take.receipt.has_value());
}

TEST_CASE("a resident reports a problem with a phone number and gets a tracking number") {
  KioskFixture f;
  const core::Catalog& cat = f.station->catalog();
  const std::string source = "municipal_facilities";
  const auto phrases = cat.phrases_for(source);
  REQUIRE(phrases.size() >= 2);
  const auto places = cat.places_for(f.station->community());
  REQUIRE(!places.empty());
  f.tap("home.report");
  f.tap("report.source." + source);
  // Where: a place of the community.
  REQUIRE(f.app->resident().report.step == 1);
  f.tap("report.place." + places.front()->id);
  CHECK(f.app->resident().report.place == places.front()->id);
  f.tap("report.next");
  // What: the phrases of this category only.
  REQUIRE(f.app->resident().report.step == 2);
  for (const auto& other : cat.phrases) {
    const bool offered = f.app->target("report.phrase." + other.id).has_value();
    CHECK_MESSAGE(offered == (std::find(other.sources.begin(), other.sources.end(), source) !=
                              other.sources.end()),
                  other.id);
  }
  f.tap("report.phrase." + phrases[0]->id);
  f.tap("report.phrase." + phrases[1]->id);
  f.tap("report.next");
  REQUIRE(f.app->resident().report.step == 3);
  REQUIRE(f.app->type_on_keypad("pad", "13912345678"));
  CHECK(f.app->resident().report.phone == "13912345678");
  // Without the consent the phone is refused and nothing is written.
  const auto facts_before = f.fact_count();
  f.tap("report.next");
  CHECK(f.app->resident().report.step == 3);
  CHECK_FALSE(f.app->resident().report.error.empty());
  CHECK(f.fact_count() == facts_before);
  f.tap("report.consent");
  CHECK(f.app->resident().report.consent);
  f.tap("report.next");
  // What will be sent, before it is.
  REQUIRE(f.app->resident().report.step == 4);
  CHECK(f.fact_count() == facts_before);
  f.tap("report.submit");
  REQUIRE(f.app->resident().screen == kiosk::Screen::ReportDone);
  const auto receipt = f.app->resident().report.receipt;
  REQUIRE(receipt.has_value());
  CHECK(f.app->resident().report.phone.empty());
  CHECK(f.app->target("report.done").has_value());

  station::Cases cases(*f.station);
  auto view = cases.progress_for_resident(receipt->tracking_code, "5678");
  REQUIRE_MESSAGE(view.is_ok(), view.status().to_string());
  CHECK(view->state.stage == core::CaseStage::Collected);
  CHECK(view->state.source == source);
  CHECK(view->state.channel == core::CaseChannel::Kiosk);
  CHECK(view->state.description == "地点：" + places.front()->name.zh + "。" + phrases[0]->text.zh +
                                       "；" + phrases[1]->text.zh);
  CHECK(view->phone_masked == "139****5678");

  // And the resident can follow it on the progress screen.
  f.tap("report.done");
  f.tap("home.progress");
  REQUIRE(f.app->type_on_keypad("pad", receipt->tracking_code));
  f.tap("progress.field.last4");
  REQUIRE(f.app->type_on_keypad("pad", "5678"));
  f.tap("progress.check");
  REQUIRE(f.app->resident().progress.view.has_value());
  CHECK(f.app->resident().progress.view->tracking_code == receipt->tracking_code);
}

TEST_CASE("staff sign in on the keypad and call the next ticket to their window") {
  KioskFixture f;
  station::Queue queue(*f.station);
  const core::Window& window = f.station->catalog().windows_for(f.station->community()).front();
  auto taken = queue.take({window.lines.front(), "", core::Priority::None, "", std::nullopt});
  REQUIRE(taken.is_ok());
  f.tap("home.staff");
  REQUIRE(f.app->resident().screen == kiosk::Screen::StaffSignIn);
  REQUIRE(f.app->type_on_keypad("pad", "S002"));
  f.tap("staff.field.pin");
  REQUIRE(f.app->type_on_keypad("pad", "649271"));
  f.tap("staff.sign_in");
  REQUIRE_MESSAGE(f.app->staff().session.has_value(), f.app->staff().error);
  CHECK(f.app->staff().session->staff_no == "S002");
  CHECK(f.app->staff().pin.empty());
  f.tap("console.window." + std::to_string(window.number));
  f.tap("console.call_next");
  auto at = queue.at_window(window.number);
  REQUIRE(at.is_ok());
  REQUIRE(at->has_value());
  CHECK((*at)->label == taken->ticket.label);
  CHECK((*at)->state == core::TicketState::Called);
  CHECK((*at)->staff == "S002");
  // Nobody else waits: calling again says so and changes nothing.
  f.tap("console.finish");
  f.tap("console.call_next");
  CHECK_FALSE(f.app->staff().error.empty());
  f.tap("staff.sign_out");
  CHECK_FALSE(f.app->staff().session.has_value());
  CHECK(f.app->resident().screen == kiosk::Screen::Home);
}

TEST_CASE("a wrong PIN is refused on screen and signs nobody in") {
  KioskFixture f;
  f.tap("home.staff");
  REQUIRE(f.app->type_on_keypad("pad", "S002"));
  f.tap("staff.field.pin");
  REQUIRE(f.app->type_on_keypad("pad", "111111"));
  f.tap("staff.sign_in");
  CHECK_FALSE(f.app->staff().session.has_value());
  CHECK_FALSE(f.app->staff().error.empty());
  CHECK(f.app->staff().pin.empty());
}

TEST_CASE("the idle countdown wipes a half-typed phone number and shows home") {
  KioskFixture f;
  const std::string source = "municipal_facilities";
  f.tap("home.report");
  f.tap("report.source." + source);
  f.tap("report.next");
  f.tap("report.phrase." + f.station->catalog().phrases_for(source).front()->id);
  f.tap("report.next");
  REQUIRE(f.app->type_on_keypad("pad", "13912"));
  REQUIRE(f.app->resident().report.phone == "13912");

  // Before the timeout nothing happens.
  f.wait_ms(59'000);
  CHECK_FALSE(f.app->countdown_showing());
  // Then the countdown, with its continue button; continuing keeps what was typed.
  f.wait_ms(2'000);
  REQUIRE(f.app->countdown_showing());
  REQUIRE(f.app->target("idle.continue").has_value());
  f.tap("idle.continue");
  CHECK_FALSE(f.app->countdown_showing());
  CHECK(f.app->resident().report.phone == "13912");

  // Left alone: at least 20 s of countdown, then every field is cleared and home is shown.
  f.wait_ms(61'000);
  REQUIRE(f.app->countdown_showing());
  f.wait_ms(19'000);
  CHECK(f.app->countdown_showing());
  CHECK(f.app->resident().report.phone == "13912");
  f.wait_ms(12'000);
  CHECK_FALSE(f.app->countdown_showing());
  CHECK(f.app->resident().screen == kiosk::Screen::Home);
  CHECK(f.app->resident().report.phone.empty());
  CHECK(f.app->resident().report.source.empty());
  CHECK(f.app->resident().report.phrases.empty());
  CHECK(f.fact_count() > 0);  // the fixture's staff, but no case:
  station::Cases cases(*f.station);
  CHECK(cases.list(std::nullopt, false)->empty());
}

TEST_CASE("the kiosk sleeps: no frame is drawn while nothing changes") {
  KioskFixture f;
  f.app->pump();
  const auto drawn = f.app->frames_drawn();
  for (int i = 0; i < 50; ++i) f.app->frame();
  CHECK(f.app->frames_drawn() == drawn);
  CHECK(f.app->next_tick_ms() > 0);
  f.tap("home.guide");
  CHECK(f.app->frames_drawn() > drawn);
}

TEST_CASE("every button is a touch target of at least 44 px, 60 px in elder mode") {
  KioskFixture f;
  for (bool elder : {false, true}) {
    f.app->resident().prefs.elder = elder;
    for (auto screen : {kiosk::Screen::Home, kiosk::Screen::TakeNumber, kiosk::Screen::Report}) {
      f.app->show(screen);
      f.app->pump();
      for (const char* id : {"toggle.lang", "toggle.elder", "toggle.contrast"}) {
        auto r = f.app->target(id);
        REQUIRE(r.has_value());
        CHECK(r->h >= (elder ? 60 : 44));
        CHECK(r->w >= (elder ? 60 : 44));
      }
    }
  }
  f.app->show(kiosk::Screen::TakeNumber);
  f.app->pump();
  auto line = f.app->target("take.line.1");
  REQUIRE(line.has_value());
  CHECK(line->h >= 60);
}

namespace {

struct FailingPrinter final : platform::TicketPrinter {
  int jobs = 0;
  Status print_ticket(const platform::TicketSlip&) override {
    ++jobs;
    return Status(ErrorCode::Unavailable, "paper out");
  }
  Status print_receipt(const platform::CaseReceiptSlip&) override { return Status::ok(); }
  std::string describe() const override { return "failing printer"; }
};

struct RecordingAnnouncer final : platform::Announcer {
  std::vector<platform::Call> calls;
  void announce(platform::Call call) override { calls.push_back(std::move(call)); }
  void set_settings(platform::VoiceSettings) override {}
  platform::VoiceSettings settings() const override { return {}; }
  Status last_error() const override { return Status::ok(); }
  bool wait_idle(int) override { return true; }
};

}  // namespace

TEST_CASE(
    "a printer failure keeps the number on screen with a line saying so; the board announces") {
  test::StationFixture f;
  setenv("SDL_VIDEODRIVER", "dummy", 0);
  FailingPrinter printer;
  RecordingAnnouncer announcer;
  kiosk::AppOptions options;
  options.hidden = true;
  kiosk::Devices devices;
  devices.printer = &printer;
  devices.announcer = &announcer;
  auto app = kiosk::App::create(*f.station, f.clock, devices, nullptr, options);
  REQUIRE(app.is_ok());
  auto& a = *app.value();
  const core::Window& window = f.station->catalog().windows_for(f.station->community()).front();
  REQUIRE(a.tap("home.take"));
  REQUIRE(a.tap("take.line." + std::to_string(window.lines.front())));
  REQUIRE(a.tap("take.confirm"));
  CHECK(printer.jobs == 1);
  CHECK(a.resident().screen == kiosk::Screen::TicketShown);
  CHECK(a.resident().take.printer_failed);
  const std::string label = a.resident().take.receipt->ticket.label;
  // The ticket was still issued.
  station::Queue queue(*f.station);
  CHECK(queue.today()->tickets.size() == 1);

  a.staff().session = f.staff;
  a.staff().window = window.number;
  a.show(kiosk::Screen::StaffConsole);
  REQUIRE(a.tap("console.call_next"));
  CHECK(a.staff().message == label);
  // The console leaves the call to the board, which announces it once (board_test.cpp).
  CHECK(announcer.calls.empty());
}

TEST_CASE("a walk-in at the case desk carries its grid and building; the desk shows where") {
  KioskFixture f;
  f.tap("home.staff");
  REQUIRE(f.app->type_on_keypad("pad", "D001"));
  f.tap("staff.field.pin");
  REQUIRE(f.app->type_on_keypad("pad", "583920"));
  f.tap("staff.sign_in");
  REQUIRE_MESSAGE(f.app->staff().session.has_value(), f.app->staff().error);
  f.tap("nav.cases");
  f.tap("cases.new");
  f.tap("cases.source.env_sanitation");
  f.tap("cases.grid.530102001001002");
  CHECK(f.app->staff().cases.grid == "530102001001002");
  f.app->staff().cases.description = "路灯不亮";
  f.app->staff().cases.address = "青云街12号";
  f.app->pump();
  f.tap("cases.record");
  REQUIRE_MESSAGE(!f.app->staff().cases.recording, f.app->staff().cases.error);
  REQUIRE(f.app->staff().cases.selected.has_value());
  CHECK(f.app->staff().cases.grid.empty());  // the form forgets it for the next
  CHECK(f.app->staff().cases.address.empty());
  station::Cases cases(*f.station);
  const core::Uuid id = *f.app->staff().cases.selected;
  auto v = cases.view(id).value();
  CHECK(v.state.where.grid == "530102001001002");
  CHECK(v.state.where.address == "青云街12号");
  f.app->pump();
  CHECK(f.app->label("cases.where.0") == "网格：翠湖社区第二网格");
  CHECK(f.app->label("cases.where.1") == "楼栋门牌：青云街12号");

  // A grid worker's case with a place and a position, and a visit: all on the desk.
  station::NewCase round{"env_sanitation", core::CaseChannel::GridRound, "楼道堆物"};
  round.where =
      core::CaseWhere{"", "cuihu.bldg1", "3单元", core::GeoPoint{25'046'512, 102'702'139}};
  auto made = cases.record(f.director, round).value();
  REQUIRE(cases.visit(f.director, made.case_id, "已上门查看").is_ok());
  f.tap("cases.all");
  f.tap("cases.item." + made.tracking_code);
  CHECK(f.app->label("cases.where.0") == "网格：翠湖社区第一网格");
  CHECK(f.app->label("cases.where.1") == "地点：翠湖南路小区1栋");
  CHECK(f.app->label("cases.where.2") == "楼栋门牌：3单元");
  CHECK(f.app->label("cases.where.3") == "坐标：25.046512, 102.702139");
  const auto visit = f.app->label("cases.visit.0");
  REQUIRE(visit.has_value());
  CHECK(visit->find("D001  已上门查看") != std::string::npos);
}

TEST_CASE("on the case desk staff record a department's return taken by phone (退单)") {
  KioskFixture f;
  station::Cases cases(*f.station);
  auto made = cases.record(f.director, {"env_sanitation", core::CaseChannel::Window, "路灯不亮",
                                        std::nullopt, std::nullopt, false});
  REQUIRE(made.is_ok());
  REQUIRE(cases
              .whistle(f.director, made->case_id, core::WhistleLevel::Community,
                       core::WhistleKind::Routine, {"housing"}, "")
              .is_ok());
  f.tap("home.staff");
  REQUIRE(f.app->type_on_keypad("pad", "D001"));
  f.tap("staff.field.pin");
  REQUIRE(f.app->type_on_keypad("pad", "583920"));
  f.tap("staff.sign_in");
  REQUIRE_MESSAGE(f.app->staff().session.has_value(), f.app->staff().error);
  f.tap("nav.cases");
  f.tap("cases.item." + made->tracking_code);
  f.tap("cases.return.housing");
  const station::CaseView v = cases.view(made->case_id).value();
  REQUIRE(v.state.departments.size() == 1);
  CHECK(v.state.departments[0].returned.has_value());
  CHECK(v.state.departments[0].return_reason == "电话告知：不属本部门职责");
  CHECK(v.state.timeline.back().on_behalf_of == "housing");
  // Every department returned: the case is back with the office, and the desk offers to
  // whistle it again or resolve it, no longer the department's buttons.
  CHECK(v.state.stage == core::CaseStage::Returned);
  f.app->frame(true);
  CHECK_FALSE(f.app->tap("cases.return.housing"));
  CHECK(f.app->tap("cases.resolve"));
}
