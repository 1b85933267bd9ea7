// The App's insides, shared by the files that draw its screens. Private to kiosk/.
// Thread-safety: as App.
#pragma once

#include <imgui.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "board.hpp"
#include "keyboard.hpp"
#include "weimin/core/queue.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/kiosk/handheld.hpp"
#include "weimin/station/figures.hpp"
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
  HandheldState handheld;  // with options.handheld
  bool countdown_showing = false;
  std::int64_t frames_drawn = 0;

  // Input as the next frame sees it.
  ImVec2 mouse{-FLT_MAX, -FLT_MAX};
  bool held = false;
  bool pressed_latch = false;  // a press came since the last frame (it may be released already)
  bool swallow_touch = false;  // the finger down dismissed the countdown: not a tap
  // Physical keys (scan codes) pressed since the last frame, and those of them already released:
  // ImGui reads key states, so a press and release between two frames would be lost.
  std::set<int> keys_pressed;
  std::set<int> keys_released;
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
  // Every control of the last frame, in drawing order, and the scrolling regions they sit in
  // (the layout test reads them).
  std::vector<ControlInfo> controls;
  struct ScrollRegion {
    Rect rect;
    bool scrolls = false;  // its content is taller than it: the scrollbar and arrow show
  };
  std::vector<ScrollRegion> regions;
  std::vector<int> region_stack;  // the regions open while drawing
  // The primary actions of the screen being drawn: kept in a bar below the scrolling content,
  // so they are always in sight.
  struct Action {
    std::string id;
    std::string label;
    ButtonKind kind = ButtonKind::Primary;
    std::function<void()> tap;
    bool enabled = true;
  };
  std::vector<Action> actions;
  float action_bar_h = 0;  // the room the last frame's bar took
  struct FooterItem {
    std::string id;
    std::string label;
    bool is_switch = false;
  };

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
  // The figures screen's data (figures.cpp) and when it was read.
  struct FiguresShown {
    std::optional<station::DayFigures> day;
    std::optional<station::PeriodFigures> month;
    std::string error;
    FiguresView view = FiguresView::Today;
    std::string today;          // the day they were read on
    std::int64_t read_ms = -1;  // when
    std::int64_t frame = -1;    // frames_drawn when the screen was last drawn
  };
  FiguresShown figures;
  static constexpr std::int64_t kFiguresRefreshMs = 30'000;
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
  // How long without a touch before the countdown shows, and how long it counts down.
  std::pair<std::int64_t, std::int64_t> idle_limits(bool staff_mode) const;
  static constexpr std::int64_t kStaffWarningMs = 60'000;
  void dirty(int frames = 2) { frames_pending = std::max(frames_pending, frames); }

  Lang lang() const { return resident.prefs.lang; }
  const char* t(std::string_view key) const { return tr(lang(), key); }
  std::string tf(std::string_view key, std::initializer_list<std::string> args) const {
    return trf(lang(), key, args);
  }
  // A priority in the screen's language: the catalog's words, else the kiosk's own.
  std::string priority_words(core::Priority priority) const;
  bool elder() const { return resident.prefs.elder; }
  bool contrast() const { return resident.prefs.high_contrast; }
  bool voice_on() const { return resident.prefs.voice; }
  float target_height() const { return elder() ? 96.f : 72.f; }
  // The smallest a control may be in each direction: 60 px in elder mode, 44 px otherwise.
  float min_target() const { return elder() ? 60.f : 44.f; }
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
  // Notes a control drawn by the last item call (for target() and the layout test).
  void record(const std::string& id, const std::string& label, const std::string& shown, Rect rect,
              ButtonKind kind);
  // The label broken onto two lines where it fits `width` best, when it does not fit on one.
  std::string fit_label(const std::string& label, float width) const;
  // A scrolling region that drags with the finger, shows a scrollbar and an arrow when it has
  // more than it shows; end_scroll() closes it.
  void begin_scroll(const char* id, ImVec2 size, bool border = true);
  void end_scroll();
  // Queues a primary action of the screen for the action bar (drawn by draw_action_bar after
  // the content, always in sight); `tap` runs when it is tapped.
  void action(std::string id, std::string label, std::function<void()> tap,
              ButtonKind kind = ButtonKind::Primary, bool enabled = true);
  void draw_action_bar();
  std::string action_error;  // shown above the action bar (what stopped the last action)
  // Lays out n controls in rows of as many columns as fit (at most `columns`, each at least
  // `min_w` wide), filling the width; draw(i, size) draws the i-th.
  void grid(int n, int columns, float min_w, float h, const std::function<void(int, ImVec2)>& draw);
  // A check box: a box (ticked when on) and its words, the whole row one target; a tap flips it.
  bool checkbox(const std::string& id, const std::string& label, bool& value);
  std::vector<FooterItem> footer_items(bool with_back) const;
  // The width a button needs for its label (and the check mark if it can be chosen).
  float item_width(const std::string& label, bool can_be_chosen = true) const;
  int footer_rows(bool with_back) const;
  float footer_height(bool with_back) const;
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
  // on-screen keyboard on it (true on that frame). Physical keys type into it too. It fills
  // the line, or is `width` wide when that is given (> 0).
  bool text_field(const std::string& id, std::string& value, std::size_t max_len,
                  const std::string& hint, float height, float width = 0);
  // The keyboard over the whole window while keyboard.open; draw() calls it instead of the
  // screen.
  void draw_keyboard();

  // [SECTION] staff.cpp
  void draw_staff_sign_in();
  void draw_staff();
  void draw_console();
  void draw_case_desk();
  void draw_sync_panel();
  void draw_work_access();
  void draw_staff_more();  // the tiles behind the More tab

  // [SECTION] govern.cpp
  void draw_govern();
  void draw_consult_raise();  // a resident's screen
  void draw_govern_consult();
  void draw_govern_access();
  void draw_govern_certificates();

  // [SECTION] figures.cpp
  void draw_figures();
  // Reads the figures of staff.figures' view again when the view or the day changed, the
  // screen was not drawn the frame before, or kFiguresRefreshMs passed; true when it read.
  bool refresh_figures();
  void draw_day_figures(const station::DayFigures& f);
  void draw_month_figures(const station::PeriodFigures& f);
  void draw_staff_sheet(const station::PeriodFigures& f);
  void draw_stages(const std::map<std::string, int>& by_stage);
  // Every case by grid, and the warning when overdue is counted Monday–Friday for want of a
  // calendar year.
  void draw_grids(const std::vector<station::GridCaseCount>& grids,
                  const std::vector<int>& fallback_years);
  void draw_day_bars(const std::vector<station::DaySeries>& days);
  // A table with a header row and no scrolling of its own: the first `text_columns` columns
  // left-aligned, the numbers after them right-aligned.
  void figures_table(const char* id, const std::vector<std::string>& head,
                     const std::vector<std::vector<std::string>>& rows, int text_columns = 1);
  void figures_text(const std::string& id, const std::string& text);

  // [SECTION] handheld_draw.cpp
  void draw_handheld();
  void draw_handheld_sign_in(float below);
  void draw_handheld_cases(float below);
  void draw_handheld_record(float below);
  void draw_handheld_detail(float below);
  void draw_handheld_sync(float below);
  // The handheld's own bottom bar: back (with_back), language, elder, contrast.
  void handheld_bar(bool with_back);
  float handheld_bar_height() const;
  // [SECTION] wishes.cpp
  void draw_wishes();     // the resident's board of wishes, and posting one
  void draw_wish_desk();  // staff: wishes and the care list

  // [SECTION] board.cpp
  // The board into `area` (window pixels): the whole window in board mode.
  void draw_board(Rect area);

  // [SECTION] split.cpp
  // With options.board_on_second_display: this frame's split of the window (nullopt: the kiosk
  // has all of it), and the board's own settings (the resident's language and theme stay on
  // the kiosk's part).
  std::optional<SplitLayout> split;
  Prefs board_prefs;
  // Reads the displays and splits a window of w × h pixels (each frame, before drawing).
  void update_split(int w, int h);
  // Where the kiosk draws: the whole window, or its display's part.
  Rect kiosk_area() const;
  // A touch, click or wheel on the board's part (or its release): not the kiosk's input.
  bool split_ignores(const SDL_Event& event) const;
  // The board's look at the queue and its drawing, under board_prefs; true when it changed.
  bool refresh_split_board(bool force);
  void draw_split_board();

  // [SECTION] printing.cpp
  // After a ticket was taken (take a number, or checking in a booking): prints its slip.
  void on_ticket_taken();
  // After a report is recorded: prints resident.report's receipt (tracking number, check code,
  // what and where, how to follow it, the QR code); sets report.printer_failed when it did not.
  void on_report_done();

  // [SECTION] voice.cpp
  // After staff called `label` at their window. Says nothing: the board announces every call
  // (board.cpp), so a call is heard once however many consoles have a voice.
  void on_called(const std::string& label);
  // After a ticket was taken: says its number, the people ahead and the wait (voice on).
  void say_ticket();
  // Once per drawn frame: when voice is on and the screen, its step, the language or its
  // refusal changed, says the prompt (Devices.announcer null: nothing).
  void voice_frame();
  std::string voice_said;  // what the last prompt said was about (its key)
};

}  // namespace weimin::kiosk
