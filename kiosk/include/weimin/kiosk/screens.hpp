// Screens: the state of every kiosk screen as plain structs, and the functions that decide what
// a tap does (testable without drawing). What a resident types lives in ResidentState, which
// the idle reset replaces wholesale, so nothing of one resident is left for the next. Staff
// state lives apart in StaffState and is cleared by sign-out.
// Thread-safety: plain values; the decide functions use the Station and run on its thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "weimin/core/civil_time.hpp"
#include "weimin/core/result.hpp"
#include "weimin/core/work_access.hpp"
#include "weimin/kiosk/govern.hpp"
#include "weimin/kiosk/strings.hpp"
#include "weimin/station/appointments.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/queue.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"
#include "weimin/station/wishes.hpp"

namespace weimin::kiosk {

enum class Screen {
  Home,
  TakeNumber,   // choose a line (or a service) and priority
  TicketShown,  // the number, people ahead, wait
  Guide,        // lines → items → an item
  Report,       // source → phrases → phone and consent
  ReportDone,   // the tracking number, large
  Progress,
  Rate,
  Book,
  Wishes,        // the board of neighbours' wishes (邻里互助 微心愿) and posting one
  ConsultRaise,  // a resident raises a consultation topic (社区协商议题)
  StaffSignIn,
  StaffConsole,
  CaseDesk,
  Figures,
  SyncPanel,
  WorkAccess,
  Govern,     // staff: consultation, work-access register, certificates (govern.hpp)
  WishDesk,   // staff: wishes to claim, fulfil, confirm; the care list's visits and calls
  StaffMore,  // staff: the places that are not tabs, as big tiles (更多)
};

// How the kiosk looks: one tap from home switches each.
struct Prefs {
  Lang lang = Lang::Zh;
  bool elder = false;          // 长者模式
  bool high_contrast = false;  // 高对比度
  bool voice = false;          // 语音播报: resident screens speak (on with elder mode)
  bool operator==(const Prefs&) const = default;
};

struct TakeNumberState {
  bool by_service = false;
  int line = 0;              // chosen line; 0 = none yet
  std::string service_item;  // chosen item (by service)
  core::Priority priority = core::Priority::None;
  std::optional<station::TicketReceipt> receipt;
  bool printer_failed = false;
  std::string error;
};

struct GuideState {
  int line = 0;      // 0: the list of lines
  std::string item;  // empty: the line's items
};

struct ReportState {
  // 0 source, 1 where, 2 phrases and detail, 3 phone and consent, 4 what will be sent
  int step = 0;
  std::string source;      // whistle source id
  std::string place;       // id of the catalog place chosen (core::Place); empty: none
  std::string place_text;  // optional: where, in the resident's words ("3栋2单元门口")
  std::vector<std::string> phrases;  // ids of the chosen catalog phrases, in the order chosen
  std::string detail;                // optional free text
  std::string phone;                 // digits as typed on our keypad
  bool consent = false;
  std::optional<station::CaseReceipt> receipt;
  bool printer_failed = false;  // the receipt did not print: the codes stay on screen, large
  std::string error;
};

struct ProgressState {
  std::string code;   // tracking number as typed
  std::string last4;  // last four digits of the phone, or the receipt's check code
  int field = 0;      // 0 code, 1 last4 (or check code)
  std::optional<station::CaseView> view;
  std::string error;
};

struct RateState {
  std::string reference;  // ticket label or tracking code
  bool done = false;
  std::string error;
};

struct BookState {
  std::string slot;  // chosen slot id
  std::string phone;
  bool checking_in = false;
  std::optional<core::Booking> booked;
  std::optional<station::CheckInReceipt> checked_in;
  std::string error;
};

// The wishes board (kiosk/src/wishes.cpp): the open wishes, and a resident posting one.
struct WishBoardState {
  bool posting = false;
  core::HelpKind help = core::HelpKind::MicroWish;
  std::string text;  // typed on the on-screen keyboard
  std::optional<core::Wish> posted;
  std::string error;
};

// Everything a resident has chosen or typed. Reset = assign ResidentState{}.
struct ResidentState {
  Screen screen = Screen::Home;
  Prefs prefs;
  TakeNumberState take;
  GuideState guide;
  ReportState report;
  ProgressState progress;
  RateState rate;
  BookState book;
  ConsultRaiseState consult;
  WishBoardState wishes;
};

enum class ConsoleAction {
  CallNext,
  Recall,
  NoShow,
  Finish,
  Transfer,
  CallNumber,  // call StaffState::call_label, out of turn
  Pause,       // the window stops calling (暂停服务) until Resume
  Resume,
  Requeue,  // a no-show of today (StaffState::call_label) back in line
};

struct CaseDeskState {
  bool only_overdue = false;
  // The page of the list shown, from 0; kCaseDeskPage cases a page, newest first.
  int page = 0;
  static constexpr int kCaseDeskPage = 30;
  std::optional<core::Uuid> selected;
  // Whistle choices.
  core::WhistleLevel level = core::WhistleLevel::Community;
  core::WhistleKind kind = core::WhistleKind::Routine;
  std::string department;
  // A walk-in request.
  bool recording = false;
  std::string source;
  std::string description;
  // Where the problem is, as on the handheld: one of this community's grids (网格; empty: none
  // chosen) and the building, door or address in words (may be empty).
  std::string grid;
  std::string address;
  // The resident's identity number (optional): typed on the keypad (digits and X) or filled by
  // the card reader. Shown only masked once complete (530102********1234).
  std::string id_number;
  bool id_keypad = false;             // the identity keypad is open
  bool consent = false;               // the resident agreed that the number is kept with the case
  std::string card_name;              // the name on the card last read (for staff to compare)
  std::string card_error;             // the card reader's last problem, in plain words
  bool card_error_is_device = false;  // the reader is gone (cleared when it answers again)
  std::string message;
  std::string error;
};

// What the figures screen shows: today, this month, or this month's staff assessment sheet
// (每月考核).
enum class FiguresView { Today, Month, StaffSheet };

// Staff's wish desk (kiosk/src/wishes.cpp).
struct WishDeskState {
  bool care = false;                   // the care list instead of the wishes
  std::optional<core::Uuid> selected;  // a wish
  std::string volunteer;               // the claiming volunteer's name, typed
  std::optional<core::Uuid> person;    // a resident on the care list
  bool call = false;                   // log a phone call-back instead of a visit
};

struct StaffState {
  std::string staff_no;  // sign-in fields
  std::string pin;
  int field = 0;  // 0 staff number, 1 PIN
  std::optional<station::Session> session;
  int window = 1;
  std::string call_label;  // a ticket typed to call out of turn or put back in line
  bool paused = false;     // the window is paused (read from the station)
  std::string message;     // the last action's result
  std::string error;
  CaseDeskState cases;
  std::string access_task;
  std::optional<core::WorkAccessDecision> access;
  bool sync_requested = false;
  FiguresView figures = FiguresView::Today;
  GovernState govern;
  WishDeskState wishes;
};

// [SECTION] Wishes and care (kiosk/src/wishes.cpp)

// Posts the resident's wish (board.help, board.text). Sets board.posted, or board.error in
// `lang` (an empty wish, a refusal) and returns the station's status.
Status post_wish(station::Station& station, WishBoardState& board, Lang lang);
enum class WishAction { ClaimVolunteer, ClaimStaff, Fulfil, Confirm, Withdraw };
// A step on staff.wishes.selected by the signed-in staff; staff.message or staff.error.
Status wish_desk_act(station::Station& station, StaffState& staff, WishAction action, Lang lang);
// Logs a visit (or a call, staff.wishes.call) to staff.wishes.person with `outcome`.
Status log_care(station::Station& station, StaffState& staff, core::CareOutcome outcome, Lang lang);

// [SECTION] Errors in the resident's language

// The kiosk action a station error came from: the same code means different things after
// different actions (NotFound after a progress check, a rating, a check-in, a call).
enum class KioskAction {
  TakeNumber,
  Report,
  Progress,
  Rate,
  Book,
  CheckIn,
  SignIn,
  Console,
  WalkIn,
  CaseDesk  // a step on a case at the case desk (resolve, whistle, verify, …)
};
// A refusal or failure of the station as one sentence in `lang` that says what went wrong and
// what to do (ask at a window when nothing else helps) — never the station's own internal
// English message, an error code's name or a catalog id. Every decide function below puts it
// in its screen's error; the staff functions (console_act, record_walk_in) add the station's
// masked message after it for staff ("详情：…").
std::string error_sentence(const Status& status, KioskAction action, Lang lang);
// For staff screens only: the sentence, then "详情：" / "Detail:" and the station's own message
// with personal numbers masked.
std::string staff_error_sentence(const Status& status, KioskAction action, Lang lang);

// [SECTION] Decisions. Each one changes only the state it is given and the station.

// A keypad key on a field: a digit or letter appends (up to max_len), '<' deletes one, '*'
// clears. Keys outside `allowed` are ignored.
void keypad_press(std::string& field, char key, std::string_view allowed, std::size_t max_len);

// The reason recorded with a priority ticket, in Chinese (as the staff read it).
std::string priority_reason(core::Priority priority);

// Takes the number for the chosen line or item; on success fills receipt, on failure error.
Status take_number(station::Station& station, TakeNumberState& take, Lang lang = Lang::Zh);

// The description put together from the place, the chosen phrases and the detail, in Chinese
// as staff read it ("地点：翠湖小区3栋（3单元门口）。路灯不亮；存在安全隐患。灯杆歪了").
std::string report_description(const core::Catalog& catalog, const ReportState& report);
// Whether the phone typed (if any) is a mobile number and, with a phone, consent was given;
// sets report.error (in `lang`) when not.
Status check_contact(ReportState& report, Lang lang);
// What the report will send, as (label key, value) lines in `lang`: the category, where, what,
// the phone (masked) or that a check code will be printed instead.
std::vector<std::pair<std::string, std::string>> report_summary(const core::Catalog& catalog,
                                                                std::string_view community,
                                                                const ReportState& report,
                                                                Lang lang);
// Records the case; on success fills receipt and clears the phone; on failure error.
Status submit_report(station::Station& station, ReportState& report, Lang lang);

Status check_progress(station::Station& station, ProgressState& progress, Lang lang);
Status rate_service(station::Station& station, RateState& rate, core::Rating rating,
                    Lang lang = Lang::Zh);
Status book_slot(station::Station& station, BookState& book, Lang lang = Lang::Zh);
// Checks in today's seated booking made with book.phone; fills checked_in.
Status check_in_by_phone(station::Station& station, BookState& book, Lang lang = Lang::Zh);

// The identity number as the screen shows it: masked once 18 characters long
// ("530102********1234"), as typed while shorter (the staff see the digits they press).
std::string identity_shown(std::string_view typed);
// What is wrong with an identity number typed so far, in the station's words (empty when it is
// empty, still being typed, or valid): the GB 11643 check digit is verified as soon as the 18th
// character is typed.
std::string identity_problem(std::string_view typed, core::CivilDate today);
// Records the walk-in request at the staff's window, with the identity number when one was
// given; on success clears the form and sets message to the tracking code, else error.
Status record_walk_in(station::Station& station, const station::Session& by, CaseDeskState& desk,
                      Lang lang = Lang::Zh);

// Where a case's problem is, one line each in the language for the parts given: its grid's
// name, its place's name, the building or address, the position ("坐标：25.046512, 102.702139").
std::vector<std::string> case_where_lines(const core::CaseWhere& where,
                                          const core::Catalog& catalog, Lang lang);

// [SECTION] What the district did (the case desk and the resident's progress screen)

// One department of a case's current round: who has the case, what it did and by when.
struct DepartmentLine {
  std::string department;            // catalog id
  std::string name;                  // its catalog name in the language (the id if unknown)
  std::string step;                  // in the language: waiting for its report-in, reported in,
                                     // gave feedback, or returned the whistle (退单)
  std::vector<std::string> details;  // in the language: its report-in note, the day it expects
                                     // to be done (预计完成), its feedback, the reason of its
                                     // return, the deadline of the step it owes
  bool overdue = false;              // the step it owes is past its deadline
  bool operator==(const DepartmentLine&) const = default;
};
// The departments of the case's current round in the whistle's order (then those the street
// office added raising it), with deadlines from `deadlines` (the station's catalog).
std::vector<DepartmentLine> department_lines(const station::CaseView& view,
                                             const core::Catalog& catalog,
                                             const core::CaseDeadlines& deadlines, Lang lang);
// What the street office did to the round besides whistling, in the language, one line each:
// raised to district level (升级为区级), sent back to the community (退回社区) with its reason.
std::vector<std::string> office_lines(const core::CaseState& state, Lang lang);

Status staff_sign_in(station::Station& station, StaffState& staff, Lang lang = Lang::Zh);
void staff_sign_out(station::Station& station, StaffState& staff);
// Acts at staff.window; fills message or error.
Status console_act(station::Station& station, StaffState& staff, ConsoleAction action,
                   Lang lang = Lang::Zh);

}  // namespace weimin::kiosk
