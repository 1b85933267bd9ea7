// The calling board (`weimin-kiosk --board`) over a real station queue: what each window calls
// with its catalog name, the last calls in order, the highlight of a new call on the App's
// clock, waiting and the estimated wait per line, the announcements (once each, in call
// order), and the layouts at 1920×1080 and in portrait 1080×1920 (every number on screen).
// Set WEIMIN_BOARD_PNGS=DIR to keep the pictures.
#include <doctest/doctest.h>

#include <cstdlib>

#include "kiosk_fixture.hpp"
#include "station_fixture.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/kiosk/png.hpp"
#include "weimin/platform/announcer.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;

namespace {

using test::RecordingAnnouncer;

struct BoardFixture : test::StationFixture {
  station::Queue queue{*station};
  RecordingAnnouncer announcer;
  std::unique_ptr<kiosk::App> board;
  const std::vector<core::Window>& windows = station->catalog().windows_for(station->community());

  BoardFixture() { setenv("SDL_VIDEODRIVER", "dummy", 0); }

  void open(int width = 1920, int height = 1080, bool with_voice = true) {
    board.reset();
    kiosk::AppOptions options;
    options.hidden = true;
    options.mode = kiosk::Mode::Board;
    options.width = width;
    options.height = height;
    kiosk::Devices devices;
    if (with_voice) devices.announcer = &announcer;
    auto made = kiosk::App::create(*station, clock, devices, nullptr, options);
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    board = std::move(made).value();
    board->frame(true);
  }
  // Takes a ticket on `line`; returns its label.
  std::string take(int line) {
    auto r = queue.take({line, "", core::Priority::None, "", std::nullopt});
    REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
    return r->ticket.label;
  }
  std::string call(int window) {
    auto t = queue.call_next(staff, window);
    REQUIRE_MESSAGE(t.is_ok(), t.status().to_string());
    return t->label;
  }
  // Lets the board's clock run `ms` and draws what comes due (its 2 s look at the queue).
  void wait_ms(std::int64_t ms) {
    clock.advance(ms);
    board->frame();
  }
  std::string shown(const std::string& id) const { return board->label(id).value_or("<none>"); }
  void keep_png(const std::string& name) {
    const char* dir = std::getenv("WEIMIN_BOARD_PNGS");
    if (!dir) return;
    std::filesystem::create_directories(dir);
    const std::filesystem::path file = std::filesystem::path(dir) / (name + ".png");
    board->frame(true, &file);
  }
};

}  // namespace

TEST_CASE("board: each window shows its catalog name and the number it calls") {
  BoardFixture f;
  REQUIRE(f.windows.size() >= 3);
  const int w1 = f.windows[0].number, w2 = f.windows[1].number, w3 = f.windows[2].number;
  const std::string a = f.take(f.windows[0].lines.front());
  const std::string b = f.take(f.windows[1].lines.front());
  f.take(f.windows[1].lines.front());
  CHECK(f.call(w1) == a);
  CHECK(f.call(w2) == b);
  f.open();
  CHECK(f.shown("board.window." + std::to_string(w1)) == f.windows[0].name.zh + "  " + a);
  CHECK(f.shown("board.window." + std::to_string(w2)) == f.windows[1].name.zh + "  " + b);
  CHECK(f.shown("board.window." + std::to_string(w3)) == f.windows[2].name.zh + "  —");
  // Calls already made when the board starts are shown, not announced nor highlighted.
  CHECK(f.announcer.calls.empty());
  CHECK_FALSE(f.board->label("board.new." + a));
  // The last calls, newest first.
  CHECK(f.shown("board.call.0").rfind(b + "  ", 0) == 0);
  CHECK(f.shown("board.call.1").rfind(a + "  ", 0) == 0);
  CHECK_FALSE(f.board->label("board.call.2"));
  f.keep_png("board-1920x1080-zh");

  // English names in English.
  f.board->resident().prefs.lang = kiosk::Lang::En;
  f.board->frame(true);
  CHECK(f.shown("board.window." + std::to_string(w1)) == f.windows[0].name.en + "  " + a);
}

TEST_CASE("board: a new call stands out, and no longer once the clock has moved on") {
  BoardFixture f;
  const int w1 = f.windows[0].number;
  f.take(f.windows[0].lines.front());
  const std::string second = f.take(f.windows[0].lines.front());
  f.call(w1);
  f.open();
  REQUIRE(f.queue.finish(f.staff, w1).is_ok());
  CHECK(f.call(w1) == second);
  f.wait_ms(2'000);  // the board's next look at the queue
  CHECK(f.shown("board.new." + second) == second);
  CHECK(f.shown("board.window." + std::to_string(w1)).find(second) != std::string::npos);
  f.keep_png("board-new-call");
  f.wait_ms(4'000);
  CHECK(f.board->label("board.new." + second));  // still new after 6 s
  f.wait_ms(10'000);                             // BoardState::kHighlightMs
  CHECK_FALSE(f.board->label("board.new." + second));
  CHECK(f.shown("board.window." + std::to_string(w1)).find(second) != std::string::npos);
}

TEST_CASE("board: waiting and the estimated wait per line are the queue's") {
  BoardFixture f;
  const int line = f.windows[0].lines.front();
  const int other = f.windows[1].lines.front();
  // A finished service of 8 minutes on the line sets its median service time.
  f.take(line);
  f.call(f.windows[0].number);
  f.clock.advance(8 * 60'000);
  REQUIRE(f.queue.finish(f.staff, f.windows[0].number).is_ok());
  for (int i = 0; i < 4; ++i) f.take(line);
  f.take(other);
  f.open();
  auto today = f.queue.today();
  REQUIRE(today.is_ok());
  for (int l : {line, other}) {
    const core::WaitEstimate wait = core::estimate_wait(*today, l, f.queue.windows_serving(l));
    const core::ServiceLine* sl = f.station->catalog().line_by_number(l);
    REQUIRE(sl != nullptr);
    const int waiting = core::queue_figures(*today, l).waiting;
    CAPTURE(l);
    CHECK(f.shown("board.line." + std::to_string(l)) ==
          std::string(1, sl->prefix) + "  " + sl->name.zh + "  " + std::to_string(waiting) +
              " 人  约 " + std::to_string(wait.minutes) + " 分钟");
  }
  CHECK(f.shown("board.line." + std::to_string(line)).find("  4 人  约 ") != std::string::npos);
  // A line nobody waits on says so.
  const int idle_line = f.windows[2].lines.front();
  if (idle_line != line && idle_line != other) {
    CHECK(f.shown("board.line." + std::to_string(idle_line)).find("0 人  无需等待") !=
          std::string::npos);
  }
  // After a ticket is taken the board shows it at its next look.
  f.take(other);
  f.wait_ms(2'000);
  CHECK(f.shown("board.line." + std::to_string(other)).find("  2 人  ") != std::string::npos);
}

TEST_CASE("board: every new call is announced once, in call order, after the chime") {
  BoardFixture f;
  std::vector<std::string> taken;
  for (const auto& w : f.windows) {
    taken.push_back(f.take(w.lines.front()));
    taken.push_back(f.take(w.lines.front()));
  }
  f.open();
  // Three windows call within the same two seconds, the last two in the same millisecond.
  const std::string c1 = f.call(f.windows[1].number);
  f.clock.advance(300);
  const std::string c2 = f.call(f.windows[2].number);
  const std::string c3 = f.call(f.windows[0].number);
  f.wait_ms(2'000);
  REQUIRE(f.announcer.calls.size() == 3);
  CHECK(f.announcer.labels() == std::vector<std::string>{c1, c3, c2});  // same ms: by window
  CHECK(f.announcer.calls[0].window == std::to_string(f.windows[1].number));
  CHECK(f.announcer.calls[1].window == std::to_string(f.windows[0].number));
  for (const auto& c : f.announcer.calls) {
    CHECK(c.chime);
    CHECK(c.language == platform::SpeechLanguage::Chinese);
  }
  // The last calls list, newest first, each ticket once.
  CHECK(f.shown("board.call.0").rfind(c2 + "  ", 0) == 0);
  CHECK(f.shown("board.call.1").rfind(c3 + "  ", 0) == 0);
  CHECK(f.shown("board.call.2").rfind(c1 + "  ", 0) == 0);
  // Nothing new: nothing said again, however often the board looks.
  f.wait_ms(2'000);
  f.wait_ms(2'000);
  CHECK(f.announcer.calls.size() == 3);
  // A recall is a call to hear again.
  REQUIRE(f.queue.recall(f.staff, f.windows[1].number).is_ok());
  f.wait_ms(2'000);
  REQUIRE(f.announcer.calls.size() == 4);
  CHECK(f.announcer.calls[3].ticket_label == c1);
  // The next call at a window after finishing.
  REQUIRE(f.queue.finish(f.staff, f.windows[0].number).is_ok());
  const std::string c4 = f.call(f.windows[0].number);
  f.wait_ms(2'000);
  REQUIRE(f.announcer.calls.size() == 5);
  CHECK(f.announcer.calls[4].ticket_label == c4);
  CHECK(f.announcer.prompts.empty());  // the board says calls only
}

TEST_CASE("board: calls made fast between two looks arrive in the order they were made") {
  BoardFixture f;
  const int line = f.windows[0].lines.front();
  std::vector<std::string> made;
  for (int i = 0; i < 6; ++i) f.take(line);
  f.open();
  // Window 1 calls and finishes six times within one look of the board.
  for (int i = 0; i < 3; ++i) {
    made.push_back(f.call(f.windows[0].number));
    f.clock.advance(100);
    REQUIRE(f.queue.finish(f.staff, f.windows[0].number).is_ok());
  }
  made.push_back(f.call(f.windows[0].number));
  f.wait_ms(2'000);
  // Finished before the board looked: over, not announced; the one still called is.
  CHECK(f.announcer.labels() == std::vector<std::string>{made.back()});
  // The last calls list shows them all, newest first.
  for (std::size_t i = 0; i < made.size(); ++i) {
    CAPTURE(i);
    CHECK(f.shown("board.call." + std::to_string(i)).rfind(made[made.size() - 1 - i] + "  ", 0) ==
          0);
  }
}

TEST_CASE("board: without a voice it still shows every call") {
  BoardFixture f;
  f.take(f.windows[0].lines.front());
  f.open(1920, 1080, false);
  const std::string a = f.call(f.windows[0].number);
  f.wait_ms(2'000);
  CHECK(f.shown("board.new." + a) == a);
  CHECK(f.announcer.calls.empty());
}

namespace {

bool inside(const kiosk::Rect& r, int w, int h) {
  return r.x >= 0 && r.y >= 0 && r.x + r.w <= static_cast<float>(w) + 0.5f &&
         r.y + r.h <= static_cast<float>(h) + 0.5f && r.w > 0 && r.h > 0;
}

}  // namespace

TEST_CASE("board: at 1920x1080 and in portrait every window, call and line is on screen") {
  struct Size {
    int w, h;
    const char* name;
  };
  for (const Size size : {Size{1920, 1080, "1920x1080"}, Size{1080, 1920, "1080x1920"},
                          Size{1280, 800, "1280x800"}}) {
    CAPTURE(size.name);
    BoardFixture f;
    for (int i = 0; i < 14; ++i) f.take(f.windows[static_cast<std::size_t>(i) % 3].lines.front());
    for (int i = 0; i < 3; ++i) {
      for (const auto& w : f.windows) {
        f.call(w.number);
        f.clock.advance(1'000);
        if (i < 2) REQUIRE(f.queue.finish(f.staff, w.number).is_ok());
      }
    }
    f.open(size.w, size.h);
    REQUIRE(f.queue.finish(f.staff, f.windows[0].number).is_ok());
    const std::string fresh = f.call(f.windows[0].number);
    f.wait_ms(2'000);
    REQUIRE(f.board->label("board.new." + fresh));
    auto current = f.queue.today();
    REQUIRE(current.is_ok());
    for (const auto& w : f.windows) {
      const std::string id = "board.window." + std::to_string(w.number);
      CAPTURE(id);
      auto at = f.board->target(id);
      REQUIRE(at);
      CHECK(inside(*at, size.w, size.h));
      CHECK(at->h >= 60);
      auto ticket = f.queue.at_window(w.number);
      REQUIRE(ticket.is_ok());
      REQUIRE(ticket->has_value());
      CHECK(f.shown(id).find((*ticket)->label) != std::string::npos);
    }
    // At least the six last calls, and every line a window here serves.
    for (int i = 0; i < 6; ++i) {
      const std::string id = "board.call." + std::to_string(i);
      CAPTURE(id);
      auto at = f.board->target(id);
      REQUIRE(at);
      CHECK(inside(*at, size.w, size.h));
    }
    int lines = 0;
    for (const auto& line : f.station->catalog().lines) {
      if (f.queue.windows_serving(line.number) == 0) continue;
      ++lines;
      const std::string id = "board.line." + std::to_string(line.number);
      CAPTURE(id);
      auto at = f.board->target(id);
      REQUIRE(at);
      CHECK(inside(*at, size.w, size.h));
      CHECK(at->h >= 40);
    }
    CHECK(lines >= 3);
    f.keep_png(std::string("board-") + size.name + "-zh");
    f.board->resident().prefs = {kiosk::Lang::En, false, false};
    f.board->frame(true);
    f.keep_png(std::string("board-") + size.name + "-en");
    f.board->resident().prefs = {kiosk::Lang::Zh, false, true};
    f.board->frame(true);
    f.keep_png(std::string("board-") + size.name + "-contrast");
    f.board->resident().prefs = {kiosk::Lang::Zh, true, false};
    f.board->frame(true);
    f.board->frame(true);
    f.keep_png(std::string("board-") + size.name + "-elder");
  }
}
