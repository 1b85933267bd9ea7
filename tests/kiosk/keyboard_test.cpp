// The on-screen keyboard, driven through the real screens by synthetic SDL events (dummy video
// driver, software renderer): pinyin through librime, letters, digits and punctuation, cancel,
// the field's length, paging, every theme and window size, a physical keyboard, the idle reset.
#include <doctest/doctest.h>

#include <cstdlib>
#include <set>

#include "kiosk_fixture.hpp"
#include "station_fixture.hpp"
#include "weimin/kiosk/app.hpp"

using namespace weimin;

namespace {

struct KeyboardFixture : test::KioskFixture {
  explicit KeyboardFixture(int width = 1280, int height = 800)
      : KioskFixture(test::sized(width, height)) {}
  bool shown(std::string_view id) const { return app->target(id).has_value(); }
  std::string label(std::string_view id) const { return app->label(id).value_or(""); }
  // Home → report a problem → the first category → past where → the editor on 补充说明.
  void open_report_detail() {
    tap("home.report");
    tap("report.source." + station->catalog().whistle_sources.front().id);
    tap("report.next");  // past where
    tap("report.detail");
    REQUIRE(shown("kb.done"));
  }
  void type(std::string_view keys) {
    for (char k : keys) tap(std::string("kb.key.") + k);
  }
  std::vector<std::string> candidates() const {
    std::vector<std::string> list;
    for (int i = 0; shown("kb.cand." + std::to_string(i)); ++i)
      list.push_back(label("kb.cand." + std::to_string(i)));
    return list;
  }
  // Taps the candidate `text`, paging forward until it shows.
  void pick(std::string_view text) {
    for (int page = 0; page < 8; ++page) {
      const auto list = candidates();
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (list[i] == text) return tap("kb.cand." + std::to_string(i));
      }
      REQUIRE_MESSAGE(shown("kb.page.next"), "no candidate " << text);
      tap("kb.page.next");
    }
    FAIL("no candidate " << text << " in 8 pages");
  }
  void text_input(const char* text) {
    SDL_Event e{};
    e.type = SDL_TEXTINPUT;
    std::snprintf(e.text.text, sizeof e.text.text, "%s", text);
    app->handle(e);
    app->pump();
  }
  void key(SDL_Scancode sc) {
    SDL_Event e{};
    e.type = SDL_KEYDOWN;
    e.key.keysym.scancode = sc;
    app->handle(e);
    app->pump();
    e.type = SDL_KEYUP;
    app->handle(e);
    app->pump();
  }
  void wait_ms(std::int64_t ms) {
    const std::int64_t end = clock.now_ms() + ms;
    while (clock.now_ms() < end) {
      clock.advance(std::min<std::int64_t>(1000, end - clock.now_ms()));
      app->frame();
      app->pump();
    }
  }
};

// Every control of the editor in the layout given.
std::vector<std::string> keyboard_ids(bool pinyin) {
  std::vector<std::string> ids = {"kb.cancel",       "kb.done",         "kb.backspace",
                                  "kb.space",        "kb.clear",        "kb.mode.pinyin",
                                  "kb.mode.letters", "kb.mode.symbols", "kb.key.apostrophe"};
  for (char c = 'a'; c <= 'z'; ++c) ids.push_back(std::string("kb.key.") + c);
  if (pinyin) {
    ids.insert(ids.end(), {"kb.page.prev", "kb.page.next", "kb.key.zh_comma", "kb.key.zh_period",
                           "kb.key.zh_question"});
  }
  return ids;
}

}  // namespace

TEST_CASE("a resident types a description with the pinyin keyboard") {
  KeyboardFixture f;
  f.open_report_detail();
  CHECK(f.shown("kb.mode.pinyin"));
  CHECK_FALSE(f.shown("kb.cand.0"));  // nothing composed yet
  f.type("ludeng");
  REQUIRE(f.shown("kb.cand.0"));
  f.pick("路灯");
  CHECK(f.app->resident().report.detail.empty());  // written back by 完成 only
  f.type("huaile");
  f.pick("坏了");
  f.tap("kb.key.zh_comma");
  f.type("ye");
  f.tap("kb.space");  // the first candidate
  f.tap("kb.done");
  CHECK_FALSE(f.shown("kb.done"));
  const std::string detail = f.app->resident().report.detail;
  CHECK(detail.rfind("路灯坏了，", 0) == 0);
  CHECK(detail.size() > std::string("路灯坏了，").size());
  // The field shows it, and the report goes on with it.
  CHECK(f.label("report.detail").rfind("路灯坏了", 0) == 0);
  f.tap("report.next");
  CHECK(f.app->resident().report.step == 3);
}

TEST_CASE("letters, digits and punctuation type as they are") {
  KeyboardFixture f;
  f.open_report_detail();
  f.tap("kb.mode.letters");
  CHECK_FALSE(f.shown("kb.cand.0"));
  f.tap("kb.shift");
  f.type("b");
  f.tap("kb.shift");
  f.type("ld");
  f.tap("kb.space");
  f.tap("kb.mode.symbols");
  f.type("3");
  f.tap("kb.key.zh_comma");
  f.tap("kb.key.hyphen");
  f.tap("kb.key.zh_question");
  f.tap("kb.backspace");
  f.tap("kb.key.at");
  f.tap("kb.done");
  CHECK(f.app->resident().report.detail == "Bld 3，-@");
}

TEST_CASE("cancel leaves the field as it was; clear empties the editor only") {
  KeyboardFixture f;
  f.app->resident().report.detail = "3栋门口";
  f.open_report_detail();
  f.tap("kb.clear");
  f.type("shu");
  f.pick("树");
  f.tap("kb.cancel");
  CHECK_FALSE(f.shown("kb.done"));
  CHECK(f.app->resident().report.detail == "3栋门口");
  // Opening it again starts from the field's text, with nothing composing.
  f.tap("report.detail");
  CHECK_FALSE(f.shown("kb.cand.0"));
  f.tap("kb.done");
  CHECK(f.app->resident().report.detail == "3栋门口");
}

TEST_CASE("the field's length is honoured without splitting a character") {
  KeyboardFixture f;
  std::string full;
  for (int i = 0; i < 166; ++i) full += "灯";  // 498 of the 500 bytes
  f.app->resident().report.detail = full;
  f.open_report_detail();
  f.type("ni");
  f.pick("你");  // 3 bytes: refused
  CHECK(f.app->resident().report.detail == full);
  f.tap("kb.mode.letters");
  f.type("abc");  // a and b fit, c does not
  f.tap("kb.done");
  CHECK(f.app->resident().report.detail == full + "ab");
  // A value already longer than the field (set elsewhere) is cut at a whole character.
  f.app->resident().report.detail = full + "灯灯";  // 504 bytes
  f.tap("report.detail");
  f.tap("kb.done");
  CHECK(f.app->resident().report.detail == full);  // 498: the 500th byte is inside a 灯
}

TEST_CASE("paging shows other candidates and comes back") {
  KeyboardFixture f;
  f.open_report_detail();
  f.type("shi");
  const auto first = f.candidates();
  REQUIRE(first.size() >= 3);
  f.tap("kb.page.next");
  const auto second = f.candidates();
  REQUIRE_FALSE(second.empty());
  for (const auto& c : second) CHECK(std::find(first.begin(), first.end(), c) == first.end());
  f.tap("kb.page.prev");
  CHECK(f.candidates() == first);
  // Backspace changes the pinyin and starts its candidates from the first page.
  f.tap("kb.page.next");
  f.tap("kb.backspace");
  f.tap("kb.key.i");
  CHECK(f.candidates() == first);
}

TEST_CASE(
    "elder mode, high contrast, English and every window size draw the same keys, big "
    "enough and inside the window") {
  struct Case {
    int w, h;
    bool elder, contrast, english;
  };
  const Case cases[] = {{1280, 800, false, false, false}, {1280, 800, true, false, false},
                        {1280, 800, true, true, true},    {1920, 1080, false, true, false},
                        {1920, 1080, true, false, true},  {1080, 1920, true, false, false},
                        {1080, 1920, false, true, true}};
  for (const Case& c : cases) {
    CAPTURE(c.w);
    CAPTURE(c.h);
    CAPTURE(c.elder);
    CAPTURE(c.contrast);
    CAPTURE(c.english);
    KeyboardFixture f(c.w, c.h);
    auto& prefs = f.app->resident().prefs;
    prefs.elder = c.elder;
    prefs.high_contrast = c.contrast;
    prefs.lang = c.english ? kiosk::Lang::En : kiosk::Lang::Zh;
    f.app->pump();
    f.open_report_detail();
    if (c.english) f.tap("kb.mode.pinyin");  // English opens on the letters
    f.type("shi");
    const float min = c.elder ? 60.f : 44.f;
    auto check = [&](const std::string& id) {
      CAPTURE(id);
      const auto r = f.app->target(id);
      REQUIRE(r.has_value());
      CHECK(r->w >= min);
      CHECK(r->h >= min);
      CHECK(r->x >= 0);
      CHECK(r->y >= 0);
      CHECK(r->x + r->w <= c.w + 0.5f);
      CHECK(r->y + r->h <= c.h + 0.5f);
    };
    for (const auto& id : keyboard_ids(true)) check(id);
    const auto cands = f.candidates();
    CHECK(cands.size() >= 3);
    for (std::size_t i = 0; i < cands.size(); ++i) check("kb.cand." + std::to_string(i));
    f.tap("kb.mode.symbols");
    for (const char* id : {"kb.key.1", "kb.key.0", "kb.key.zh_dash", "kb.key.at", "kb.backspace"})
      check(id);
    // Labels are the resident's language.
    CHECK(f.label("kb.done") == (c.english ? "Done" : "完成"));
  }
}

TEST_CASE("a scanner's Enter pressed and released between two frames still ends the editing") {
  KeyboardFixture f;
  f.open_report_detail();
  f.text_input("12345");
  REQUIRE(f.shown("kb.done"));
  // Down and up arrive before any frame is drawn, as a scanner sends them.
  SDL_Event e{};
  e.type = SDL_KEYDOWN;
  e.key.keysym.scancode = SDL_SCANCODE_RETURN;
  f.app->handle(e);
  e.type = SDL_KEYUP;
  f.app->handle(e);
  f.app->pump();
  CHECK_FALSE(f.shown("kb.done"));
  CHECK(f.app->resident().report.detail == "12345");
}

TEST_CASE("a physical keyboard or a scanner types into the field") {
  KeyboardFixture f;
  f.tap("home.report");
  f.tap("report.source." + f.station->catalog().whistle_sources.front().id);
  f.tap("report.next");  // past where
  // Typing on the screen with the field opens the editor with what was typed.
  f.text_input("Room 3");
  REQUIRE(f.shown("kb.done"));
  f.text_input("02号");
  f.key(SDL_SCANCODE_BACKSPACE);
  f.key(SDL_SCANCODE_RETURN);  // Enter is 完成
  CHECK_FALSE(f.shown("kb.done"));
  CHECK(f.app->resident().report.detail == "Room 302");
  // Escape is 取消.
  f.tap("report.detail");
  f.text_input("x");
  f.key(SDL_SCANCODE_ESCAPE);
  CHECK_FALSE(f.shown("kb.done"));
  CHECK(f.app->resident().report.detail == "Room 302");
}

TEST_CASE("the idle reset clears what was being typed") {
  KeyboardFixture f;
  f.open_report_detail();
  f.type("woj");
  f.tap("kb.mode.letters");  // the pinyin goes into the text as letters
  f.type("ia");
  REQUIRE(f.shown("kb.done"));
  f.wait_ms(10 * 60 * 1000);
  CHECK_FALSE(f.shown("kb.done"));
  CHECK(f.app->resident().screen == kiosk::Screen::Home);
  CHECK(f.app->resident().report.detail.empty());
  // The next resident finds an empty field and nothing composing.
  f.open_report_detail();
  CHECK(f.label("report.detail") == "");
  CHECK_FALSE(f.shown("kb.cand.0"));
  f.tap("kb.done");
  CHECK(f.app->resident().report.detail.empty());
}

TEST_CASE("the keyboard renders to PNG in every theme (WEIMIN_KEYBOARD_PNG keeps them)") {
  const char* keep = std::getenv("WEIMIN_KEYBOARD_PNG");
  test::TempDir tmp;
  const std::filesystem::path out = keep ? std::filesystem::path(keep) : tmp.path();
  std::filesystem::create_directories(out);
  struct Case {
    const char* name;
    int w, h;
    bool elder, contrast, english;
  };
  const Case cases[] = {{"standard", 1280, 800, false, false, false},
                        {"elder", 1280, 800, true, false, false},
                        {"contrast", 1280, 800, false, true, false},
                        {"elder_contrast_en", 1280, 800, true, true, true},
                        {"wide", 1920, 1080, false, false, false},
                        {"portrait_elder", 1080, 1920, true, false, false}};
  for (const Case& c : cases) {
    KeyboardFixture f(c.w, c.h);
    auto& prefs = f.app->resident().prefs;
    prefs.elder = c.elder;
    prefs.high_contrast = c.contrast;
    prefs.lang = c.english ? kiosk::Lang::En : kiosk::Lang::Zh;
    f.app->pump();
    f.open_report_detail();
    if (c.english) {  // English opens on the letters
      f.type("lamp");
      const std::filesystem::path letters =
          out / (std::string("keyboard_") + c.name + "_letters.png");
      REQUIRE(f.app->frame(true, &letters));
    }
    f.tap("kb.mode.pinyin");
    f.type("ludeng");
    f.pick("路灯");
    f.type("huaile");
    const std::filesystem::path png = out / (std::string("keyboard_") + c.name + ".png");
    REQUIRE(f.app->frame(true, &png));
    CHECK(std::filesystem::file_size(png) > 1000);
    if (std::string(c.name) == "standard") {
      f.tap("kb.mode.symbols");
      const std::filesystem::path sym = out / "keyboard_symbols.png";
      REQUIRE(f.app->frame(true, &sym));
      f.tap("kb.done");
      const std::filesystem::path field = out / "keyboard_field.png";
      REQUIRE(f.app->frame(true, &field));
    }
  }
}

TEST_CASE("a pinyin key's candidates show in the very frame that handled the key") {
  KeyboardFixture f;
  f.open_report_detail();
  REQUIRE_FALSE(f.shown("kb.cand.0"));
  const auto key = f.app->target("kb.key.n");
  REQUIRE(key.has_value());
  SDL_Event e{};
  e.type = SDL_MOUSEMOTION;
  e.motion.x = static_cast<Sint32>(key->cx());
  e.motion.y = static_cast<Sint32>(key->cy());
  f.app->handle(e);
  e = SDL_Event{};
  e.type = SDL_MOUSEBUTTONDOWN;
  e.button.button = SDL_BUTTON_LEFT;
  e.button.x = static_cast<Sint32>(key->cx());
  e.button.y = static_cast<Sint32>(key->cy());
  f.app->handle(e);
  f.app->frame(true);
  CHECK_FALSE(f.shown("kb.cand.0"));
  e.type = SDL_MOUSEBUTTONUP;
  f.app->handle(e);
  f.app->frame(true);  // the release: one frame, and the candidates are on it
  CHECK(f.shown("kb.cand.0"));
}

TEST_CASE("common surnames beyond ImGui's common set are offered and drawn") {
  // 冯, 卢 and 吕 are in GB2312's first level but not in ImGui's common simplified ranges: the
  // atlas has them (keyboard_glyphs) so pinyin offers them; rarer characters are left out
  // rather than shown as "?".
  KeyboardFixture f;
  f.open_report_detail();
  f.type("feng");
  f.pick("冯");
  f.type("lu");
  f.pick("卢");
  f.tap("kb.key.l");
  f.tap("kb.key.v");  // lü
  f.pick("吕");
  f.tap("kb.done");
  CHECK(f.app->resident().report.detail == "冯卢吕");
}

TEST_CASE("staff type the work-access task on the same keyboard") {
  KeyboardFixture f;
  f.tap("home.staff");
  REQUIRE(f.app->type_on_keypad("pad", "S002"));
  f.tap("staff.field.pin");
  REQUIRE(f.app->type_on_keypad("pad", "649271"));
  f.tap("staff.sign_in");
  REQUIRE(f.app->staff().session.has_value());
  f.tap("nav.more");
  f.tap("nav.access");
  f.tap("access.task");
  REQUIRE(f.shown("kb.done"));
  f.type("zhaoshang");
  f.pick("招商");
  f.type("yinzi");
  f.pick("引资");
  f.tap("kb.done");
  CHECK(f.app->staff().access_task == "招商引资");
  CHECK(f.label("access.task") == "招商引资");
}
