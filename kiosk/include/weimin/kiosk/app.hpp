// App: the kiosk — one SDL window drawn with Dear ImGui through SDL's renderer — in resident
// mode (default), staff mode after sign-in, or as the calling board, or the kiosk and the board
// side by side on two displays (split.hpp). It is event-driven: the
// run loop sleeps in SDL_WaitEventTimeout and draws only when input came or something shown
// changed (the idle countdown, the status bar, the board's calls). Tests and the tour drive it
// through handle() and frame() with synthetic SDL events under the dummy or offscreen video
// driver and the software renderer; target() tells where a named button was last drawn.
// The devices and the sync service are passed in, each may be null; the App owns none of them.
// Thread-safety: one thread (the one that created it) for everything; one App per process at a
// time (ImGui's context and SDL's video subsystem are per process).
#pragma once

#include <SDL.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "weimin/core/result.hpp"
#include "weimin/kiosk/screens.hpp"
#include "weimin/kiosk/split.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/station/station.hpp"
#include "weimin/station/sync_status.hpp"

namespace weimin::platform {
class Announcer;
class TicketPrinter;
class CardReader;
}  // namespace weimin::platform

namespace weimin::kiosk {

enum class Mode { Kiosk, Board };
struct HandheldState;  // handheld.hpp

struct AppOptions {
  Mode mode = Mode::Kiosk;
  int width = 1280;
  int height = 800;
  bool fullscreen = false;
  bool hidden = false;    // no window shown (tests, tour, benchmark)
  std::string font_path;  // empty: look for the system CJK font
  int staff_window = 1;   // the window this console serves
  // No touch for this long starts the countdown (elder mode: twice as long); the countdown
  // lasts idle_countdown_s (at least 20 s).
  int idle_timeout_s = 60;
  int idle_countdown_s = 30;
  // Staff are signed out this long after their last touch; the last minute counts down.
  int staff_idle_timeout_s = 900;
  // The grid worker's handheld (handheld.hpp): a portrait layout for one signed-in grid worker
  // instead of the kiosk's screens.
  bool handheld = false;
  // The calling board on the second display (split.hpp): the kiosk in display kiosk_display's
  // part of the window, the board in the first other display's; with one display, the kiosk
  // alone. `displays` reads the bounds (empty: SDL's); tests give their own.
  bool board_on_second_display = false;
  int kiosk_display = 0;
  DisplaySource displays;
};

// What the kiosk may use when present. All nullable.
struct Devices {
  platform::Announcer* announcer = nullptr;
  platform::TicketPrinter* printer = nullptr;
  platform::CardReader* card_reader = nullptr;
};

// A rectangle in window pixels.
struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  float cx() const { return x + w / 2; }
  float cy() const { return y + h / 2; }
};

// A control as the last frame drew it: for the layout test (every control seen whole, or in a
// region that shows it scrolls; big enough to touch; its label fitting).
struct ControlInfo {
  std::string id;
  Rect rect;          // where it was laid out
  Rect visible;       // the part of it not clipped away (w or h 0: none)
  int region = -1;    // index of the scrolling region it sits in; -1: none
  std::string label;  // as shown (with the line break fit_label chose)
  bool label_fits = true;
  bool primary = false;
};
struct RegionInfo {
  Rect rect;
  bool scrolls = false;  // has more than it shows, and shows it (scrollbar, arrow)
};

class App {
 public:
  // Opens the window and renderer, finds the CJK font (Unavailable naming the Debian package
  // fonts-wqy-microhei when it is missing) and bakes the standard theme's glyphs.
  static Result<std::unique_ptr<App>> create(station::Station& station,
                                             const platform::Clock& clock, Devices devices,
                                             station::SyncControl* sync, AppOptions options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Runs until the window is closed, or for `for_ms` milliseconds of the system clock when
  // it is not negative (the benchmark's idle run).
  void run(int for_ms = -1);

  // Takes one event (input marks the kiosk busy and asks for frames).
  void handle(const SDL_Event& event);
  // Draws one frame when one is due (input, a change, a tick), or always with force. Writes the
  // frame to `png` when given. Returns whether a frame was drawn.
  bool frame(bool force = false, const std::filesystem::path* png = nullptr);
  // Handles every queued SDL event, then draws the frames that are due (at most `max`).
  int pump(int max = 8);
  // Milliseconds until the next frame is due on its own (no input); -1: none is due.
  int next_tick_ms() const;

  // Where the button named `id` was drawn in the last frame.
  std::optional<Rect> target(std::string_view id) const;
  // The label the button named `id` showed in the last frame (tests check what is on screen);
  // also "status.clock" and "status.upgrade", the status bar's flags for a clock off the
  // district's and for facts the district left out until this kiosk is upgraded, when shown.
  std::optional<std::string> label(std::string_view id) const;
  // Reads the sync status for the status bar again now, not at its next 10 s look (tests and
  // the tour, after changing it underneath).
  void refresh_status_now();
  // Polls the card reader now if a screen wants an identity number (tests, the tour); true when
  // the screen changed.
  bool poll_card_now();
  // Every control and scrolling region of the last frame, and the smallest a control may be
  // (60 px in elder mode, 44 px otherwise).
  const std::vector<ControlInfo>& controls() const;
  std::vector<RegionInfo> regions() const;
  float min_target() const;
  // With board_on_second_display: where the last frame drew the kiosk and the board (nullopt:
  // the kiosk had the whole window).
  std::optional<SplitLayout> split() const;
  // Pushes a tap (motion, press, release) on the button `id` and pumps frames, after dragging
  // its scrolling region until it is in sight when it is not. False when no such button was
  // drawn.
  bool tap(std::string_view id);
  // Drags a finger from (x, y) by dy pixels down (negative: up), a few frames long.
  void drag(float x, float y, float dy);
  // Taps each character's keypad key of the keypad `pad` ("pad.<char>").
  bool type_on_keypad(std::string_view pad, std::string_view keys);

  ResidentState& resident();
  StaffState& staff();
  HandheldState& handheld();
  bool countdown_showing() const;
  // Clears every resident field and shows home (what the idle countdown does at zero).
  void reset_resident();
  // The screen drawn; switches mode to staff screens when a session is open.
  void show(Screen screen);
  // Marks the time of the last touch as now (the tour uses it between screens).
  void touch();
  std::int64_t frames_drawn() const;

  struct Impl;

 private:
  explicit App(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// How the tour runs: at which window sizes (the first one's files are named
// "<theme>-<lang>-<screen>.png", the others' "<W>x<H>-<theme>-<lang>-<screen>.png"), whether it
// writes PNGs, and a hook called on every screen once it is laid out (the layout test).
struct TourOptions {
  std::vector<std::pair<int, int>> sizes;  // empty: AppOptions' width × height only
  bool write_png = true;
  std::function<void(const std::string& file_stem, App& app)> on_screen;
};

// Renders every screen in every theme and both languages to PNG files in out_dir with the
// software renderer (the caller sets SDL's video driver), over a fresh demo station made in a
// temporary folder from `catalog_json`. Returns the files written (or, without PNGs, the files
// it would have written).
Result<std::vector<std::filesystem::path>> run_tour(const std::filesystem::path& out_dir,
                                                    const std::string& catalog_json,
                                                    AppOptions options, TourOptions tour = {});

}  // namespace weimin::kiosk
