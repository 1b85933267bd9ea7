// The grid worker's handheld (`weimin-kiosk --handheld`), driven by synthetic SDL events at
// both portrait sizes: sign in (only staff with grids), record a problem found on the round
// with the on-screen keyboard, follow up a case of the grid (a visit done, a note), sync; and
// its screens laid out so every control is seen and big enough.
#include <doctest/doctest.h>

#include "kiosk_fixture.hpp"
#include "weimin/kiosk/handheld.hpp"
#include "weimin/kiosk/layout.hpp"
#include "weimin/station/cases.hpp"

using namespace weimin;

namespace {

constexpr const char* kGrid1 = "530102001001001";

struct HandheldFixture : test::KioskFixture {
  explicit HandheldFixture(int width = 720, int height = 1280) {
    station::StaffDesk desk(*station);
    REQUIRE(desk.put_staff(director, {"G010", "赵网格", core::Role::GridWorker, true, {kGrid1}},
                           "720461")
                .is_ok());
    kiosk::AppOptions options = test::sized(width, height);
    options.handheld = true;
    open(options, {});
  }
  kiosk::HandheldState& h() { return app->handheld(); }
  bool shown(std::string_view id) const { return app->target(id).has_value(); }
  void keys(std::string_view pad, std::string_view text) {
    for (char c : text) tap(std::string(pad) + "." + c);
  }
  void sign_in(std::string_view no, std::string_view pin) {
    tap("hh.field.no");
    keys("hh.pad", no);
    tap("hh.field.pin");
    keys("hh.pad", pin);
    tap("hh.sign_in");
  }
  // Types ASCII letters and digits into the open keyboard and closes it.
  void type(std::string_view text) {
    tap("kb.mode.letters");
    for (char c : text) {
      if (c == ' ') {
        tap("kb.space");
      } else if (c >= '0' && c <= '9') {
        tap("kb.mode.symbols");
        tap(std::string("kb.key.") + c);
        tap("kb.mode.letters");
      } else {
        tap(std::string("kb.key.") + c);
      }
    }
    tap("kb.done");
  }
  void no_layout_problems(int width, int height) {
    app->frame(true);
    app->frame(true);
    const auto problems = kiosk::layout_problems(*app, width, height);
    for (const auto& p : problems) FAIL_CHECK(p);
  }
};

}  // namespace

TEST_CASE("handheld: staff without a grid are turned away; a grid worker sees their grid") {
  HandheldFixture f;
  CHECK(f.shown("hh.field.no"));
  f.sign_in("S002", "649271");
  CHECK_FALSE(f.h().staff.session.has_value());
  CHECK(f.h().screen == kiosk::HandheldScreen::SignIn);
  CHECK(f.h().error.find("网格") != std::string::npos);
  f.sign_in("G010", "720461");
  REQUIRE(f.h().staff.session.has_value());
  CHECK(f.h().screen == kiosk::HandheldScreen::Cases);
  CHECK(f.h().grid == kGrid1);
  CHECK(f.shown("hh.grid." + std::string(kGrid1)));
  CHECK(f.shown("hh.record"));
}

TEST_CASE("handheld: a problem found on the round is recorded at a place of the grid") {
  HandheldFixture f;
  f.sign_in("G010", "720461");
  f.tap("hh.record");
  // Only the places of the worker's grid are offered.
  CHECK(f.shown("hh.place.cuihu.bldg1"));
  CHECK_FALSE(f.shown("hh.place.cuihu.square"));  // grid 2
  const std::string source = f.station->catalog().whistle_sources.front().id;
  f.tap("hh.source." + source);
  f.tap("hh.place.cuihu.bldg1");
  f.tap("hh.description");
  f.type("lamp out");
  CHECK(f.h().record.description == "lamp out");
  // A phone without consent is refused before anything is written.
  f.tap("hh.phone");
  f.type("13912345678");
  const auto before = f.fact_count();
  f.tap("hh.save");
  CHECK(f.h().error == kiosk::tr(kiosk::Lang::Zh, "hh.need_consent"));
  CHECK(f.fact_count() == before);
  f.tap("hh.consent");
  f.tap("hh.save");
  CHECK(f.h().error.empty());
  CHECK(f.h().screen == kiosk::HandheldScreen::Cases);
  REQUIRE(f.h().cases.size() == 1);
  const auto& v = f.h().cases.front();
  CHECK(v.state.where.grid == kGrid1);
  CHECK(v.state.where.place == "cuihu.bldg1");
  CHECK(v.state.channel == core::CaseChannel::GridRound);
  CHECK(v.state.description == "lamp out");
  CHECK(v.phone_masked == "139****5678");
  CHECK(f.h().message.find(v.tracking_code) != std::string::npos);
  CHECK(f.shown("hh.case." + v.tracking_code));
}

TEST_CASE("handheld: the grid's cases only; a visit done and a note on one of them") {
  HandheldFixture f;
  station::Cases cases(*f.station);
  station::NewCase mine{"env_sanitation", core::CaseChannel::Window, "楼道堆放杂物"};
  mine.where = core::CaseWhere{"", "cuihu.bldg2", "", std::nullopt};
  const auto in_grid = cases.record(f.staff, mine).value();
  station::NewCase other = mine;
  other.where = core::CaseWhere{"", "cuihu.square", "", std::nullopt};
  const auto elsewhere = cases.record(f.staff, other).value();
  f.sign_in("G010", "720461");
  CHECK(f.shown("hh.case." + in_grid.tracking_code));
  CHECK_FALSE(f.shown("hh.case." + elsewhere.tracking_code));
  f.tap("hh.case." + in_grid.tracking_code);
  CHECK(f.h().screen == kiosk::HandheldScreen::Detail);
  // Nothing typed: the actions wait.
  f.tap("hh.visit");
  CHECK(cases.view(in_grid.case_id)->state.visits.empty());
  f.tap("hh.follow_up");
  f.type("cleared");
  f.tap("hh.visit");
  auto v = cases.view(in_grid.case_id).value();
  REQUIRE(v.state.visits.size() == 1);
  CHECK(v.state.visits[0].text == "cleared");
  CHECK(v.state.visits[0].actor == "G010");
  CHECK(f.h().message == kiosk::tr(kiosk::Lang::Zh, "hh.visit_saved"));
  f.tap("hh.follow_up");
  f.type("call back 5pm");
  f.tap("hh.note");
  v = cases.view(in_grid.case_id).value();
  REQUIRE(v.state.notes.size() == 1);
  CHECK(v.state.notes[0].text == "call back 5pm");
  f.tap("hh.nav.back");
  CHECK(f.h().screen == kiosk::HandheldScreen::Cases);
  f.tap("hh.sync");
  CHECK(f.h().screen == kiosk::HandheldScreen::Sync);
  CHECK(f.shown("hh.sync_now"));
  f.tap("hh.nav.back");
  f.tap("hh.sign_out");
  CHECK_FALSE(f.h().staff.session.has_value());
  CHECK(f.h().screen == kiosk::HandheldScreen::SignIn);
}

TEST_CASE("handheld: every screen fits both portrait sizes, in elder mode and high contrast") {
  for (const auto& [w, hgt] : {std::pair{720, 1280}, std::pair{1080, 1920}}) {
    for (int theme = 0; theme < 3; ++theme) {
      const int width = w;  // CAPTURE's lambda may not name a binding (clang 14)
      CAPTURE(width);
      CAPTURE(theme);
      HandheldFixture f(w, hgt);
      station::Cases cases(*f.station);
      station::NewCase mine{"env_sanitation", core::CaseChannel::Window, "楼道堆放杂物"};
      mine.where = core::CaseWhere{"", "cuihu.bldg2", "2单元", std::nullopt};
      const auto made = cases.record(f.staff, mine).value();
      f.app->resident().prefs.elder = theme == 1;
      f.app->resident().prefs.high_contrast = theme == 2;
      f.no_layout_problems(w, hgt);  // sign-in
      f.sign_in("G010", "720461");
      f.app->resident().prefs.elder = theme == 1;
      f.no_layout_problems(w, hgt);  // cases
      f.tap("hh.record");
      f.h().record.phone = "13912345678";
      f.no_layout_problems(w, hgt);
      // The description being typed: the on-screen keyboard with its text, Done and Cancel.
      f.tap("hh.description");
      for (char k : std::string("ludeng")) f.tap(std::string("kb.key.") + k);
      CHECK(f.shown("kb.done"));
      CHECK(f.shown("kb.cancel"));
      f.no_layout_problems(w, hgt);
      f.tap("kb.cancel");
      CHECK(f.shown("hh.save"));
      f.tap("hh.nav.back");
      f.tap("hh.case." + made.tracking_code);
      f.no_layout_problems(w, hgt);
      f.tap("hh.nav.back");
      f.tap("hh.sync");
      f.no_layout_problems(w, hgt);
    }
  }
}
