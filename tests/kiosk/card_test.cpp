// The identity card reader on the staff case desk's walk-in form, driven by synthetic SDL events
// on the real screens (dummy video driver) with the card reader simulator reading a file:
// a card read fills the number (masked on screen) and the recorded case keeps it as the station
// keeps it; a garbage record or a missing reader shows a plain line and loses nothing typed.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "kiosk_fixture.hpp"
#include "station_fixture.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/core/validation.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/platform/card_reader.hpp"
#include "weimin/station/cases.hpp"

using namespace weimin;

namespace {

// A valid number: 1990-01-01, region 530102, check digit computed.
std::string valid_id() {
  const std::string first17 = "53010219900101123";
  return first17 + *core::compute_identity_check_digit(first17);
}

struct CardFixture : test::KioskFixture {
  std::filesystem::path records = dir / "cards.jsonl";
  std::unique_ptr<platform::CardReaderSimulator> reader;
  explicit CardFixture(const std::filesystem::path* source = nullptr) {
    std::ofstream(records).flush();  // the reader's file exists, empty
    reader = std::make_unique<platform::CardReaderSimulator>(
        source ? *source : records, platform::CardReaderSimulator::StartAt::Beginning);
    kiosk::Devices devices;
    devices.card_reader = reader.get();
    open({}, devices);
  }
  void lay_card(const std::string& line) { std::ofstream(records, std::ios::app) << line << "\n"; }
  // Lets the reader's poll come due and draws what changed.
  void let_reader_poll() {
    clock.advance(400);
    app->frame();
    app->pump();
  }
  // Staff at the case desk with the walk-in form open, a source chosen and a note.
  std::string open_walk_in_form() {
    app->staff().session = staff;
    app->show(kiosk::Screen::CaseDesk);
    tap("cases.new");
    REQUIRE(app->staff().cases.recording);
    const std::string source = station->catalog().whistle_sources.front().id;
    tap("cases.source." + source);
    app->staff().cases.description = "楼道灯坏了";
    app->pump();
    return source;
  }
};

}  // namespace

TEST_CASE("a card read fills the identity number on the walk-in form; the case keeps it masked") {
  CardFixture f;
  // Away from the form nobody polls the reader: an idle kiosk stays asleep.
  CHECK(f.app->next_tick_ms() > 1000);
  f.lay_card(R"({"id_number": ")" + valid_id() + R"(", "name": "张三"})");
  CHECK(f.app->staff().cases.id_number.empty());

  const std::string source = f.open_walk_in_form();
  f.let_reader_poll();
  const auto& desk = f.app->staff().cases;
  CHECK(desk.id_number == valid_id());
  CHECK(desk.card_name == "张三");
  CHECK(desk.card_error.empty());
  // On screen only masked.
  const auto shown = f.app->label("cases.field.id");
  REQUIRE(shown.has_value());
  CHECK(shown->find(core::mask_identity_number(valid_id())) != std::string::npos);
  CHECK(shown->find(valid_id()) == std::string::npos);
  CHECK(shown->find(valid_id().substr(6, 8)) == std::string::npos);  // no birth date shown

  // The number needs the resident's consent before it is kept.
  f.tap("cases.record");
  CHECK_FALSE(f.app->staff().cases.error.empty());
  CHECK(f.app->staff().cases.recording);
  f.tap("cases.consent");
  f.tap("cases.record");
  REQUIRE_MESSAGE(!f.app->staff().cases.recording, f.app->staff().cases.error);
  REQUIRE(f.app->staff().cases.selected.has_value());
  CHECK(f.app->staff().cases.id_number.empty());  // the form forgets the number

  station::Cases cases(*f.station);
  auto view = cases.view(*f.app->staff().cases.selected);
  REQUIRE(view.is_ok());
  CHECK(view->id_number_masked == core::mask_identity_number(valid_id()));
  CHECK(view->state.source == source);
  CHECK(view->state.description == "楼道灯坏了");
  CHECK(view->state.channel == core::CaseChannel::Window);
  // The case itself carries only the station's opaque reference to the resident.
  CHECK(view->state.resident_ref.rfind("contact:", 0) == 0);
  CHECK(view->state.resident_ref.find(valid_id()) == std::string::npos);
  CHECK(view->tracking_code == f.app->staff().cases.message);
  f.app->pump();
  // The case detail shown after recording: no button label holds the number in clear.
  CHECK_FALSE(f.app->label("cases.field.id").has_value());
}

TEST_CASE("a garbage card record shows a plain line and leaves the walk-in form intact") {
  CardFixture f;
  f.open_walk_in_form();
  // Polls that read nothing draw nothing: the form waiting for a card stays event-driven.
  f.app->pump();
  CHECK(f.app->next_tick_ms() <= 400);
  const auto frames = f.app->frames_drawn();
  f.let_reader_poll();
  f.let_reader_poll();
  CHECK(f.app->frames_drawn() == frames);
  f.tap("cases.field.id");
  REQUIRE(f.app->staff().cases.id_keypad);
  REQUIRE(f.app->type_on_keypad("cases.idpad", "530102"));
  f.lay_card("this is not a card record");
  f.let_reader_poll();
  const auto& desk = f.app->staff().cases;
  CHECK(desk.card_error.find(kiosk::tr(kiosk::Lang::Zh, "card.garbage")) != std::string::npos);
  CHECK(desk.id_number == "530102");
  CHECK(desk.description == "楼道灯坏了");
  CHECK(desk.source == f.station->catalog().whistle_sources.front().id);
  CHECK(desk.recording);
  CHECK(desk.id_keypad);
  // A record whose check digit is wrong is refused the same way, without the number.
  std::string wrong = valid_id();
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  f.lay_card(R"({"id_number": ")" + wrong + R"("})");
  f.let_reader_poll();
  CHECK(desk.card_error.find(wrong) == std::string::npos);
  CHECK_FALSE(desk.card_error.empty());
  CHECK(desk.id_number == "530102");
  // The next good card fills the number.
  f.lay_card(R"({"id_number": ")" + valid_id() + R"("})");
  f.let_reader_poll();
  CHECK(desk.id_number == valid_id());
  CHECK(desk.card_error.empty());
  CHECK(desk.description == "楼道灯坏了");
}

TEST_CASE("a typed identity number with a wrong check digit is refused on screen") {
  CardFixture f;
  f.open_walk_in_form();
  f.tap("cases.field.id");
  std::string wrong = valid_id();
  wrong.back() = wrong.back() == 'X' ? '0' : 'X';
  REQUIRE(f.app->type_on_keypad("cases.idpad", wrong));
  const auto& desk = f.app->staff().cases;
  CHECK(desk.id_number == wrong);
  CHECK(desk.id_keypad);  // stays open to correct it
  f.tap("cases.consent");
  f.tap("cases.record");
  CHECK(desk.recording);
  CHECK(desk.error.find("check digit") != std::string::npos);
  station::Cases cases(*f.station);
  CHECK(cases.list(std::nullopt, false)->empty());
  // Delete the last character and type the right one: the keypad closes, the number is masked.
  REQUIRE(f.app->type_on_keypad("cases.idpad", std::string("<") + valid_id().back()));
  CHECK_FALSE(desk.id_keypad);
  CHECK(f.app->label("cases.field.id").value_or("") == core::mask_identity_number(valid_id()));
}

TEST_CASE("a card reader that is not there says so on the form and the form still works") {
  test::TempDir elsewhere;
  const std::filesystem::path missing = elsewhere / "no-such-reader";
  CardFixture f(&missing);
  f.open_walk_in_form();
  f.let_reader_poll();
  CHECK(f.app->staff().cases.card_error.find(kiosk::tr(kiosk::Lang::Zh, "card.gone")) !=
        std::string::npos);
  CHECK(f.app->staff().cases.description == "楼道灯坏了");
  f.tap("cases.record");  // without a number the request is recorded
  CHECK_FALSE(f.app->staff().cases.recording);
  CHECK(f.app->staff().cases.selected.has_value());
}
