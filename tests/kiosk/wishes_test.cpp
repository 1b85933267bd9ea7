// The kiosk's neighbour services with synthetic taps: a resident posts a wish from home on the
// on-screen keyboard and sees it on the board; staff claim, fulfil and confirm it at the wish
// desk, and log a visit and a call on the care list; the refusals show on screen.
#include <doctest/doctest.h>

#include "kiosk_fixture.hpp"
#include "weimin/station/wishes.hpp"

using namespace weimin;
using namespace weimin::test;

namespace {

void sign_in_staff(KioskFixture& f) {
  f.tap("home.staff");
  REQUIRE(f.app->type_on_keypad("pad", "S002"));
  f.tap("staff.field.pin");
  REQUIRE(f.app->type_on_keypad("pad", "649271"));
  f.tap("staff.sign_in");
  REQUIRE(f.app->staff().session.has_value());
}

}  // namespace

TEST_CASE("a resident posts a wish from home and it shows on the board") {
  KioskFixture f{sized(1280, 800)};
  f.tap("home.wishes");
  CHECK(f.app->resident().screen == kiosk::Screen::Wishes);
  f.tap("wishes.post");
  f.tap("wishes.help.elderly");
  // Sending with nothing written is refused on screen and writes nothing.
  const auto before = f.fact_count();
  f.tap("wishes.send");
  CHECK(f.app->resident().wishes.error == kiosk::tr(kiosk::Lang::Zh, "wishes.need_text"));
  CHECK(f.fact_count() == before);
  f.app->resident().wishes.text = "想请人陪我去医院复查";  // what the keyboard typed
  f.tap("wishes.send");
  REQUIRE(f.app->resident().wishes.posted.has_value());
  CHECK(f.app->resident().wishes.posted->help == core::HelpKind::Elderly);
  auto open = station::Wishes(*f.station).open().value();
  REQUIRE(open.size() == 1);
  CHECK(open[0].text == "想请人陪我去医院复查");
  f.tap("wishes.done");
  CHECK(f.app->resident().screen == kiosk::Screen::Home);
  CHECK_FALSE(f.app->resident().wishes.posted.has_value());
}

TEST_CASE("the wish text is typed on the on-screen keyboard") {
  KioskFixture f{sized(1280, 800)};
  f.tap("home.wishes");
  f.tap("wishes.post");
  f.tap("wishes.text");
  f.tap("kb.mode.letters");
  for (char k : std::string("books")) f.tap(std::string("kb.key.") + k);
  f.tap("kb.done");
  CHECK(f.app->resident().wishes.text == "books");
  f.tap("wishes.send");
  REQUIRE(f.app->resident().wishes.posted.has_value());
  CHECK(f.app->resident().wishes.posted->text == "books");
}

TEST_CASE("staff claim, fulfil and confirm a wish at the wish desk; a second claim is refused") {
  KioskFixture f{sized(1280, 800)};
  station::Wishes wishes(*f.station);
  auto w = wishes.post(std::nullopt, {core::HelpKind::MicroWish, "给孩子一套课外书", {}, false});
  REQUIRE(w.is_ok());
  const std::string number = station::short_number(w->id);
  sign_in_staff(f);
  f.tap("nav.wishes");
  CHECK(f.app->resident().screen == kiosk::Screen::WishDesk);
  f.tap("wishdesk.wish." + number);
  // A volunteer's claim needs the volunteer's name.
  f.tap("wishdesk.claim_volunteer");
  CHECK(f.app->staff().error == kiosk::tr(kiosk::Lang::Zh, "wishdesk.need_volunteer"));
  f.app->staff().wishes.volunteer = "刘志愿";
  f.tap("wishdesk.claim_volunteer");
  CHECK(f.app->staff().error.empty());
  CHECK(wishes.get(number).value().claim->name == "刘志愿");
  // Claimed: no claim buttons; another node's claim would be a conflict (the station refuses).
  CHECK_FALSE(f.app->tap("wishdesk.claim_staff"));
  CHECK(kiosk::wish_desk_act(*f.station, f.app->staff(), kiosk::WishAction::ClaimStaff,
                             kiosk::Lang::Zh)
            .code() == ErrorCode::Conflict);
  CHECK_FALSE(f.app->staff().error.empty());
  f.tap("wishdesk.fulfil");
  f.tap("wishdesk.confirm");
  CHECK(wishes.get(number).value().stage == core::WishStage::Confirmed);
}

TEST_CASE("staff log a home visit and a phone call for a resident on the care list") {
  KioskFixture f{sized(1280, 800)};
  station::Care care(*f.station);
  auto zhang = care.list(f.staff, {"张奶奶", "3栋2单元401", {}, false, ""});
  REQUIRE(zhang.is_ok());
  sign_in_staff(f);
  f.tap("nav.wishes");
  f.tap("wishdesk.view.care");
  f.tap("wishdesk.person." + station::short_number(zhang->person));
  f.tap("care.outcome.well");
  f.tap("care.call");
  f.tap("care.outcome.not_reached");
  auto r = care.get(zhang->person.to_string()).value();
  REQUIRE(r.logs.size() == 2);
  CHECK(r.logs[0].kind == core::CareEventKind::Visit);
  CHECK(r.logs[0].outcome == core::CareOutcome::Well);
  CHECK(r.logs[1].kind == core::CareEventKind::Call);
  CHECK(r.logs[1].outcome == core::CareOutcome::NotReached);
  CHECK(care.visits_due().value().empty());
}

TEST_CASE("a claim on a wish fulfilled meanwhile is refused at the desk and says where it stands") {
  KioskFixture f{sized(1280, 800)};
  station::Wishes wishes(*f.station);
  auto w = wishes.post(std::nullopt, {core::HelpKind::Health, "想请人帮忙取药", {}, false});
  REQUIRE(w.is_ok());
  const std::string number = station::short_number(w->id);
  sign_in_staff(f);
  f.tap("nav.wishes");
  f.tap("wishdesk.wish." + number);
  CHECK(f.app->label("wishdesk.claim_staff").has_value());  // open: the claim is offered
  // Meanwhile at another console a volunteer claimed it and it was fulfilled.
  REQUIRE(wishes.claim(f.director, number, {core::Claimant::Volunteer, "刘志愿", std::nullopt})
              .is_ok());
  REQUIRE(wishes.fulfil(f.director, number).is_ok());
  const auto before = f.fact_count();
  // The claim from the screen drawn before: refused, nothing written, in plain words.
  CHECK(kiosk::wish_desk_act(*f.station, f.app->staff(), kiosk::WishAction::ClaimStaff,
                             kiosk::Lang::Zh)
            .code() == ErrorCode::Conflict);
  CHECK(f.fact_count() == before);
  const std::string& error = f.app->staff().error;
  CHECK(error.find("心愿 " + number + " 现在是“已完成”") != std::string::npos);
  CHECK(error.find("请按它现在的状态继续") != std::string::npos);
  CHECK(wishes.get(number).value().claim->name == "刘志愿");
  // Drawn again: no claim offered any more, confirming is.
  f.app->frame(true);
  CHECK_FALSE(f.app->label("wishdesk.claim_staff").has_value());
  CHECK_FALSE(f.app->label("wishdesk.claim_volunteer").has_value());
  f.tap("wishdesk.confirm");
  CHECK(wishes.get(number).value().stage == core::WishStage::Confirmed);
  CHECK(f.app->staff().error.empty());
}
