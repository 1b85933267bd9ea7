// The App's insides, shared by the files that draw its screens. Private to kiosk/.
// Thread-safety: as App.
#pragma once

#include <imgui.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "board.hpp"
#include "keyboard.hpp"
#include "weimin/core/queue.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/station/sync_status.hpp"

namespace weimin::kiosk {

enum class ButtonKind { Normal, Primary, Tile, Key, Selected, Danger };

struct App::Impl {
  Impl(station::Station& s, const platform::Clock& c, Devices d, station::SyncControl* sc,
       AppOptions o)
      : station(s), clock(c), devices(d), sync(sc), options(std::move(o)) {}
  ~Impl();

  station::Station& station;
  const platform::Clock& clock;
  Devices devices;
  station::SyncControl* sync;
  AppOptions options;

  SDL_Window* window = nullptr;
  SDL_Renderer* renderer = nullptr;
  ImGuiContext* imgui = nullptr;
  bool sdl_started = false;
  bool backend_started = false;
  bool quit = false;
  bool headless = false;  // offscreen or dummy video driver

  ResidentState resident;
  StaffState staff;
  bool countdown_showing = false;
  std::int64_t frames_drawn = 0;

  // Input as the next frame sees it.
  ImVec2 mouse{-FLT_MAX, -FLT_MAX};
  bool held = false;
  bool pressed_latch = false;  // a press came since the last frame (it may be released already)
  float wheel = 0;
  int frames_pending = 2;
  std::int64_t last_input_ms = 0;
  std::int64_t last_frame_ms = 0;
  std::int64_t redraw_at_ms = 0;  // the next frame due without input
  std::int64_t next_redraw_at(std::int64_t now) const;

  // Fonts: the face bytes kept once; one body size per theme (elder baked when first chosen)
  // and one large Latin size for numbers.
  std::vector<unsigned char> font_data;
  ImVector<ImWchar> ranges;
  ImFont* body_standard = nullptr;
  ImFont* body_elder = nullptr;
  ImFont* big = nullptr;
  std::optional<Prefs> styled;  // the prefs the style was made for

  // What the last frame drew, by name, and each button's label (tests read what is shown).
  std::map<std::string, Rect, std::less<>> hits;
  std::map<std::string, std::string, std::less<>> labels;

  // The card reader is polled only while a screen asks for an identity number, every
  // kCardPollMs (a poll that reads nothing draws nothing).
  static constexpr std::int64_t kCardPollMs = 300;
  std::int64_t card_polled_ms = -1;
  bool wants_card() const;
  // Polls the reader when due; true when the screen changed (a number filled, an error shown).
  bool poll_card(bool force = false);

  // The status bar's data and when it was read.
  station::SyncStatus status;
  std::int64_t status_read_ms = -1;
  std::string shown_minute;

  // The board's data.
  BoardState board;
  // The on-screen keyboard (open over the screen while a text field is edited).
  KeyboardState keyboard;

  // [SECTION] app.cpp
  Status start();
  Status load_fonts();
  Status bake(bool with_elder);
  void apply_style();
  void draw();
  void draw_status_bar();
  void draw_idle_overlay(int seconds_left, bool staff_mode);
  bool refresh_status(bool force);
  // The status bar's flag for a clock offset_ms off the district's, in the current language.
  std::string clock_flag(std::int64_t offset_ms) const;
  bool refresh_board(bool force);
  bool busy() const;  // a resident is part-way through something
  void dirty(int frames = 2) { frames_pending = std::max(frames_pending, frames); }

  Lang lang() const { return resident.prefs.lang; }
  const char* t(std::string_view key) const { return tr(lang(), key); }
  std::string tf(std::string_view key, std::initializer_list<std::string> args) const {
    return trf(lang(), key, args);
  }
  bool elder() const { return resident.prefs.elder; }
  bool contrast() const { return resident.prefs.high_contrast; }
  float target_height() const { return elder() ? 96.f : 72.f; }
  float font_px() const { return elder() ? 36.f : 26.f; }

  // A button named `id` (tests tap it by that name). True when tapped, not when a drag ended
  // on it.
  bool button(const std::string& id, const std::string& label, ImVec2 size,
              ButtonKind kind = ButtonKind::Normal);
  // A big number or code, centred in the current line.
  void big_text(const std::string& text, ImU32 colour = 0);
  // A keypad on `field` with the keys given ('<' delete, '*' clear) in rows of `columns`.
  void keypad(const std::string& id, std::string& field, std::string_view keys, std::size_t max_len,
              int columns, float key_width);
  // A scrolling region that drags with the finger; end_scroll() closes it.
  void begin_scroll(const char* id, ImVec2 size);
  void end_scroll();
  ImU32 colour_text() const;
  ImU32 colour_muted() const;
  ImU32 colour_error() const;
  void error_line(const std::string& message);
  // Back and home buttons along the bottom.
  void footer(const std::function<void()>& back);

  // [SECTION] resident.cpp
  void draw_resident();
  void draw_home();
  void draw_take();
  void draw_ticket();
  void draw_guide();
  void draw_report();
  void draw_report_done();
  void draw_progress();
  // Who has case `v`, what each department did and by when (department_lines), and what the
  // street office did (office_lines): on the case desk and the resident's progress screen.
  void draw_departments(const station::CaseView& v);
  void draw_rate();
  void draw_book();

  // [SECTION] keyboard.cpp
  // A text field named `id` showing `value` (or the hint, muted, when empty); a tap opens the
  // on-screen keyboard on it (true on that frame). Physical keys type into it too.
  bool text_field(const std::string& id, std::string& value, std::size_t max_len,
                  const std::string& hint, float height);
  // The keyboard over the whole window while keyboard.open; draw() calls it instead of the
  // screen.
  void draw_keyboard();

  // [SECTION] staff.cpp
  void draw_staff_sign_in();
  void draw_staff();
  void draw_console();
  void draw_case_desk();
  void draw_figures();
  void draw_sync_panel();
  void draw_work_access();

  // [SECTION] board.cpp
  void draw_board();

  // [SECTION] printing.cpp
  // After a ticket was taken (take a number, or checking in a booking): prints its slip.
  void on_ticket_taken();
  // After a report is recorded: prints resident.report's receipt (tracking number, check code,
  // what and where, how to follow it, the QR code); sets report.printer_failed when it did not.
  void on_report_done();

  // [SECTION] voice.cpp
  // After staff called `label` at their window: the board's voice announces it.
  void on_called(const std::string& label);
};

}  // namespace weimin::kiosk
