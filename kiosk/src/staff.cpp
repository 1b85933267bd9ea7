// Staff screens (sign-in, queue console, case desk, sync, work access; figures in figures.cpp).
#include <imgui.h>

#include <algorithm>

#include "impl.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/work_access.hpp"
#include "weimin/core/work_calendar.hpp"
#include "weimin/platform/announcer.hpp"
#include "weimin/platform/ticket_printer.hpp"
#include "weimin/station/access_register.hpp"
#include "weimin/station/queue.hpp"

namespace weimin::kiosk {
namespace {

constexpr std::string_view kDigitKeys = "123456789<0*";
constexpr std::string_view kStaffNoKeys = "123456789<0*DS";
constexpr std::string_view kIdKeys = "1234567890X<*";
// Ticket labels: a prefix letter (never I or O) and digits.
constexpr std::string_view kLabelKeys = "ABCDEFGHJK1234567890<*";

const std::string& pick(const core::Text& text, Lang lang) {
  return lang == Lang::En && !text.en.empty() ? text.en : text.zh;
}

std::string minutes_since(std::int64_t from_ms, std::int64_t now_ms) {
  return std::to_string(std::max<std::int64_t>(0, (now_ms - from_ms) / 60'000));
}

}  // namespace

// [SECTION] Sign-in

void App::Impl::draw_staff_sign_in() {
  begin_scroll("##content", ImVec2(0, -(footer_height(true) + action_bar_h)), false);
  const float h = target_height();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  ImGui::TextUnformatted(t("staff.title"));
  // The fields beside the keypad on a wide screen, above it on a tall one.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool side_by_side = avail.x > avail.y;
  const float w = side_by_side ? std::min((avail.x - gap) / 2, 640.f) : std::min(avail.x, 720.f);
  ImGui::BeginGroup();
  if (button("staff.field.no", std::string(t("staff.no")) + ":  " + staff.staff_no, ImVec2(w, h),
             staff.field == 0 ? ButtonKind::Selected : ButtonKind::Normal)) {
    staff.field = 0;
  }
  if (button("staff.field.pin",
             std::string(t("staff.pin")) + ":  " + std::string(staff.pin.size(), '*'), ImVec2(w, h),
             staff.field == 1 ? ButtonKind::Selected : ButtonKind::Normal)) {
    staff.field = 1;
  }
  ImGui::EndGroup();
  if (side_by_side) ImGui::SameLine();
  ImGui::BeginGroup();
  // Staff numbers are a letter and digits (D001, S002): D and S are on the keypad.
  if (staff.field == 0) {
    keypad("pad", staff.staff_no, kStaffNoKeys, 12, 3, (w - 2 * gap) / 3);
  } else {
    keypad("pad", staff.pin, kDigitKeys, 12, 3, (w - 2 * gap) / 3);
  }
  ImGui::EndGroup();
  end_scroll();
  action_error = staff.error;
  const bool ready = !staff.staff_no.empty() && staff.pin.size() >= 6;
  action(
      "staff.sign_in", t("staff.sign_in"),
      [this] {
        if (staff_sign_in(station, staff, lang()).is_ok()) {
          // Staff work in the standard theme, whatever the last resident chose.
          resident.prefs.elder = false;
          resident.prefs.voice = false;
          resident.screen = Screen::StaffConsole;
        }
      },
      ButtonKind::Primary, ready);
  draw_action_bar();
  footer([this] {
    staff.staff_no.clear();
    staff.pin.clear();
    staff.error.clear();
    resident.screen = Screen::Home;
  });
  if (resident.screen == Screen::Home) {
    staff.staff_no.clear();
    staff.pin.clear();
  }
}

// [SECTION] The staff frame

namespace {

// Where staff go. The desks used all day are tabs along the top; the rest are big tiles on the
// 更多 (More) screen, so the tab row fits every size and language (docs/KIOSK.md).
struct StaffPlace {
  const char* id;
  Screen screen;
  GovernView view = GovernView::Consult;  // for Screen::Govern
  const char* note = nullptr;             // a tile's second line
};
constexpr StaffPlace kStaffTabs[] = {{"nav.console", Screen::StaffConsole},
                                     {"nav.cases", Screen::CaseDesk},
                                     {"nav.wishes", Screen::WishDesk},
                                     {"nav.figures", Screen::Figures},
                                     {"nav.more", Screen::StaffMore}};
constexpr StaffPlace kStaffMore[] = {
    {"nav.consult", Screen::Govern, GovernView::Consult, "more.consult"},
    {"nav.register", Screen::Govern, GovernView::Access, "more.register"},
    {"nav.certificates", Screen::Govern, GovernView::Certificate, "more.certificates"},
    {"nav.access", Screen::WorkAccess, GovernView::Consult, "more.access"},
    {"nav.sync", Screen::SyncPanel, GovernView::Consult, "more.sync"}};

// The tab that shows `screen` (the More tab for the screens behind it).
const char* tab_of(Screen screen) {
  for (const auto& tab : kStaffTabs) {
    if (tab.screen == screen) return tab.id;
  }
  return "nav.more";
}

}  // namespace

void App::Impl::draw_staff() {
  const float h = target_height();
  if (resident.screen < Screen::StaffConsole) resident.screen = Screen::StaffConsole;
  const char* current_tab = tab_of(resident.screen);
  const std::string who = tf("staff.hello", {staff.session->name, staff.session->staff_no});
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float avail = ImGui::GetContentRegionAvail().x;
  const float ww = ImGui::CalcTextSize(who.c_str()).x;
  const float out_w = item_width(t("staff.sign_out"));
  constexpr int kTabs = static_cast<int>(std::size(kStaffTabs));
  float tabs_w = 0, widest = 0;
  for (const auto& tab : kStaffTabs) {
    tabs_w += item_width(t(tab.id)) + gap;
    widest = std::max(widest, item_width(t(tab.id)));
  }
  // The tabs, then who is signed in and sign-out: on one row when they fit. Else the tabs share
  // the width in equal parts (in two rows if even that would cut a label) and who is signed in
  // and sign-out take the next row.
  const bool one_row = tabs_w + ww + out_w + 2 * gap <= avail;
  int per_row = kTabs;
  while (!one_row && per_row > 1 && (avail - (per_row - 1) * gap) / per_row < widest) --per_row;
  const float tab_w = one_row ? 0.f : (avail - (per_row - 1) * gap) / per_row;
  for (int i = 0; i < kTabs; ++i) {
    if (i % per_row) ImGui::SameLine();
    const StaffPlace& tab = kStaffTabs[i];
    const float w = one_row ? item_width(t(tab.id)) : tab_w;
    if (button(
            tab.id, t(tab.id), ImVec2(w, h),
            std::string_view(current_tab) == tab.id ? ButtonKind::Selected : ButtonKind::Normal)) {
      resident.screen = tab.screen;
      staff.error.clear();
      staff.message.clear();
    }
  }
  const float right = ImGui::GetWindowContentRegionMax().x;
  if (one_row) ImGui::SameLine(right - out_w - ww - gap);
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + (h - ImGui::GetFontSize()) / 2);
  if (!one_row) ImGui::SetCursorPosX(right - out_w - ww - gap);
  ImGui::TextUnformatted(who.c_str());
  ImGui::SameLine(right - out_w);
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() - (h - ImGui::GetFontSize()) / 2);
  if (button("staff.sign_out", t("staff.sign_out"), ImVec2(out_w, h), ButtonKind::Danger)) {
    staff_sign_out(station, staff);
    const Prefs prefs = resident.prefs;
    resident = ResidentState{};
    resident.prefs = prefs;
    return;
  }
  ImGui::Separator();
  // The screen scrolls; its primary actions stay in a bar below it.
  begin_scroll("##staff_content", ImVec2(0, -action_bar_h), false);
  switch (resident.screen) {
    case Screen::CaseDesk:
      draw_case_desk();
      break;
    case Screen::Figures:
      draw_figures();
      break;
    case Screen::SyncPanel:
      draw_sync_panel();
      break;
    case Screen::WorkAccess:
      draw_work_access();
      break;
    case Screen::Govern:
      draw_govern();
      break;
    case Screen::WishDesk:
      draw_wish_desk();
      break;
    case Screen::StaffMore:
      draw_staff_more();
      break;
    default:
      draw_console();
      break;
  }
  end_scroll();
  draw_action_bar();
}

// [SECTION] More: the places that are not tabs, as big tiles

void App::Impl::draw_staff_more() {
  const float h = target_height();
  const float gap = ImGui::GetStyle().ItemSpacing.y;
  constexpr int kTiles = static_cast<int>(std::size(kStaffMore));
  ImGui::TextUnformatted(t("more.title"));
  // Two columns on a wide screen, one on a tall one; each tile two lines tall at least and
  // filling the room when there is more.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const int cols = avail.x > avail.y ? 2 : 1;
  const int rows = (kTiles + cols - 1) / cols;
  const ImVec2 pad = ImGui::GetStyle().FramePadding;
  const float room = (avail.x - ImGui::GetStyle().ItemSpacing.x * (cols - 1)) / cols - 2 * pad.x;
  // Each tile: its name, and what it is for on the line(s) below.
  std::string tile_labels[kTiles];
  float text_h = 0;
  for (int i = 0; i < kTiles; ++i) {
    tile_labels[i] =
        fit_label(t(kStaffMore[i].id), room) + "\n" + fit_label(t(kStaffMore[i].note), room);
    text_h = std::max(text_h, ImGui::CalcTextSize(tile_labels[i].c_str()).y);
  }
  const float tile_h = std::max({h * 1.5f, text_h + 2 * pad.y + h / 4,
                                 std::min(h * 2.5f, (avail.y - gap * (rows - 1)) / rows)});
  grid(kTiles, cols, 0, tile_h, [&](int i, ImVec2 size) {
    const StaffPlace& place = kStaffMore[i];
    if (button(place.id, tile_labels[i], size)) {
      resident.screen = place.screen;
      if (place.screen == Screen::Govern) staff.govern.view = place.view;
      staff.error.clear();
      staff.message.clear();
      staff.govern.error.clear();
      staff.govern.message.clear();
    }
  });
}

// [SECTION] Queue console

void App::Impl::draw_console() {
  const float h = target_height();
  const core::Catalog& cat = station.catalog();
  const auto& windows = cat.windows_for(station.community());
  for (std::size_t i = 0; i < windows.size(); ++i) {
    if (i) ImGui::SameLine();
    const int n = windows[i].number;
    if (button("console.window." + std::to_string(n), tf("console.window", {std::to_string(n)}),
               ImVec2(190, h), staff.window == n ? ButtonKind::Selected : ButtonKind::Normal)) {
      staff.window = n;
    }
  }
  station::Queue queue(station);
  auto today = queue.today();
  if (!today.is_ok()) {
    error_line(staff_error_sentence(today.status(), KioskAction::Console, lang()));
    return;
  }
  // Paused or not as the station holds it (another console may have paused this window).
  staff.paused = today->is_paused(staff.window);
  const core::Window* window = cat.window_by_number(staff.window, station.community());
  const std::int64_t now = clock.now_ms();
  std::optional<core::Ticket> current;
  std::vector<const core::Ticket*> waiting;
  for (const auto& [id, ticket] : today->tickets) {
    if ((ticket.state == core::TicketState::Called || ticket.state == core::TicketState::Serving) &&
        ticket.window == staff.window) {
      current = ticket;
    }
    if (ticket.state == core::TicketState::Waiting && window && window->serves(ticket.line) &&
        (ticket.window == 0 || ticket.window == staff.window)) {
      waiting.push_back(&ticket);
    }
  }
  std::sort(waiting.begin(), waiting.end(), [](const core::Ticket* a, const core::Ticket* b) {
    return core::queue_precedes(*a, *b);
  });
  // The ticket at the window and its actions; the queue beside it (below on a tall screen).
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool side_by_side = avail.x > avail.y;
  const float left_w = side_by_side ? avail.x * 0.55f : avail.x;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  ImGui::BeginGroup();
  ImGui::PushItemWidth(left_w);
  if (current) {
    ImGui::TextUnformatted(tf("console.current", {""}).c_str());
    ImGui::PushFont(big);
    ImGui::SetWindowFontScale(0.6f);
    ImGui::TextUnformatted(current->label.c_str());
    ImGui::SetWindowFontScale(1.f);
    ImGui::PopFont();
    if (core::is_priority(current->priority)) {
      ImGui::TextUnformatted(
          tf("take.priority_shown", {priority_words(current->priority)}).c_str());
    }
    ImGui::TextUnformatted(tf("console.waited", {minutes_since(current->taken_ms, now)}).c_str());
  } else {
    ImGui::TextUnformatted(t("console.nobody"));
  }
  ImGui::TextUnformatted(tf("console.waiting", {std::to_string(waiting.size())}).c_str());
  if (staff.paused) error_line(t("console.paused_note"));
  const float bw = (left_w - gap) / 2;
  if (button("console.recall", t("console.recall"), ImVec2(bw, h))) {
    if (console_act(station, staff, ConsoleAction::Recall, lang()).is_ok())
      on_called(staff.message);
  }
  ImGui::SameLine();
  if (button("console.finish", t("console.finish"), ImVec2(bw, h))) {
    (void)console_act(station, staff, ConsoleAction::Finish, lang());
  }
  if (button("console.no_show", t("console.no_show"), ImVec2(bw, h))) {
    (void)console_act(station, staff, ConsoleAction::NoShow, lang());
  }
  ImGui::SameLine();
  int next_window = staff.window;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    if (windows[i].number == staff.window) next_window = windows[(i + 1) % windows.size()].number;
  }
  if (button("console.transfer", tf("console.transfer", {std::to_string(next_window)}),
             ImVec2(bw, h))) {
    (void)console_act(station, staff, ConsoleAction::Transfer, lang());
  }
  // A number out of turn: call it, or put a no-show back in line.
  if (button("console.field.label", std::string(t("console.number")) + ":  " + staff.call_label,
             ImVec2(left_w, h),
             staff.call_label.empty() ? ButtonKind::Normal : ButtonKind::Selected)) {
    staff.call_label.clear();
  }
  keypad("console.pad", staff.call_label, kLabelKeys, 6, 9, (left_w - 8 * gap) / 9);
  ImGui::BeginDisabled(staff.call_label.empty());
  if (button("console.call_number", t("console.call_number"), ImVec2(bw, h)) &&
      !staff.call_label.empty()) {
    if (console_act(station, staff, ConsoleAction::CallNumber, lang()).is_ok())
      on_called(staff.message);
  }
  ImGui::SameLine();
  if (button("console.requeue", t("console.requeue"), ImVec2(bw, h)) && !staff.call_label.empty()) {
    (void)console_act(station, staff, ConsoleAction::Requeue, lang());
  }
  ImGui::EndDisabled();
  if (button("console.pause", t(staff.paused ? "console.resume" : "console.pause"),
             ImVec2(left_w, h), staff.paused ? ButtonKind::Selected : ButtonKind::Normal)) {
    (void)console_act(station, staff, staff.paused ? ConsoleAction::Resume : ConsoleAction::Pause,
                      lang());
  }
  if (!staff.message.empty()) ImGui::TextUnformatted(tf("console.called", {staff.message}).c_str());
  ImGui::PopItemWidth();
  ImGui::EndGroup();
  if (side_by_side) ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextUnformatted(t("console.queue"));
  begin_scroll("##waiting", ImVec2(0, std::max(ImGui::GetContentRegionAvail().y, 4 * h)));
  for (const auto* ticket : waiting) {
    std::string row =
        ticket->label + "   " + tf("console.waited", {minutes_since(ticket->taken_ms, now)});
    if (core::is_priority(ticket->priority)) row += "   ★ " + priority_words(ticket->priority);
    ImGui::TextUnformatted(row.c_str());
  }
  end_scroll();
  ImGui::EndGroup();
  action_error = staff.error;
  action(
      "console.call_next", t("console.call_next"),
      [this] {
        if (console_act(station, staff, ConsoleAction::CallNext, lang()).is_ok())
          on_called(staff.message);
      },
      ButtonKind::Primary, !staff.paused);
}

// [SECTION] Case desk

void App::Impl::draw_case_desk() {
  auto& desk = staff.cases;
  const float h = target_height();
  const core::Catalog& cat = station.catalog();
  station::Cases cases(station);
  if (button("cases.all", t("cases.all"), ImVec2(item_width(t("cases.all")), h),
             desk.only_overdue ? ButtonKind::Normal : ButtonKind::Selected)) {
    desk.only_overdue = false;
    desk.page = 0;
  }
  ImGui::SameLine();
  if (button("cases.overdue", t("cases.overdue"), ImVec2(item_width(t("cases.overdue")), h),
             desk.only_overdue ? ButtonKind::Selected : ButtonKind::Normal)) {
    desk.only_overdue = true;
    desk.page = 0;
  }
  ImGui::SameLine();
  if (button("cases.new", t("cases.new"), ImVec2(0, h))) {
    desk.recording = !desk.recording;
    desk.selected.reset();
  }
  if (!desk.message.empty()) {
    ImGui::SameLine();
    ImGui::TextUnformatted(desk.message.c_str());
  }
  error_line(desk.error);
  // The walk-in form takes the whole width (the list comes back when it is done). The list
  // beside the case on a wide screen, above it on a tall one.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool side_by_side = avail.x > avail.y;
  const float region_h = std::max(avail.y, 6 * h);
  if (!desk.recording) {
    // One page of the list (a station keeps years of cases), newest first.
    constexpr int kPage = CaseDeskState::kCaseDeskPage;
    station::CaseFilter filter{std::nullopt, desk.only_overdue};
    const int total = cases.count(filter).value_or(0);
    const int pages = std::max(1, (total + kPage - 1) / kPage);
    desk.page = std::clamp(desk.page, 0, pages - 1);
    filter.limit = kPage;
    filter.offset = static_cast<std::size_t>(desk.page) * kPage;
    auto listed = cases.list(filter);
    const float left_w = side_by_side ? avail.x * 0.42f : 0.f;
    begin_scroll("##case_list", ImVec2(left_w, side_by_side ? region_h : region_h * 0.3f));
    if (pages > 1) {
      const std::string where = tf("cases.page_of", {std::to_string(desk.page + 1),
                                                     std::to_string(pages), std::to_string(total)});
      labels["cases.page"] = where;  // for tests
      ImGui::BeginDisabled(desk.page == 0);
      if (button("cases.prev_page", t("cases.prev_page"),
                 ImVec2(item_width(t("cases.prev_page")), h))) {
        --desk.page;
      }
      ImGui::EndDisabled();
      ImGui::SameLine();
      ImGui::BeginDisabled(desk.page + 1 >= pages);
      if (button("cases.next_page", t("cases.next_page"),
                 ImVec2(item_width(t("cases.next_page")), h))) {
        ++desk.page;
      }
      ImGui::EndDisabled();
      ImGui::TextUnformatted(where.c_str());
    }
    if (listed.is_ok()) {
      if (listed->empty()) ImGui::TextUnformatted(t("cases.none"));
      // Deadlines counted Monday–Friday for want of a published calendar: said above the list.
      const std::string warning =
          core::fallback_warning(cases.deadline_fallback_years(*listed), lang() == Lang::Zh);
      if (!warning.empty()) {
        labels["cases.calendar_warning"] = warning;  // for tests
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_muted()), "%s", warning.c_str());
        ImGui::PopTextWrapPos();
      }
      for (const auto& v : listed.value()) {
        const auto* src = cat.source_by_id(v.state.source);
        (void)src;
        std::string label =
            v.tracking_code + "  " + t("stage." + std::string(core::to_string(v.state.stage)));
        if (!v.overdue.empty()) label += "  !";
        if (!v.state.conflicts.empty()) label += "  ⚠";
        const bool on = desk.selected && *desk.selected == v.state.case_id;
        if (button("cases.item." + v.tracking_code, label, ImVec2(-1, h),
                   on ? ButtonKind::Selected : ButtonKind::Normal)) {
          desk.selected = v.state.case_id;
          desk.recording = false;
          desk.message.clear();
          desk.error.clear();
        }
      }
    } else {
      error_line(staff_error_sentence(listed.status(), KioskAction::CaseDesk, lang()));
    }
    end_scroll();
    if (side_by_side) ImGui::SameLine();
  }
  begin_scroll("##case_detail",
               ImVec2(0, side_by_side || desk.recording ? region_h : region_h * 0.7f));
  const auto& by = *staff.session;
  auto report = [this](const Result<core::CaseState>& r, const char* done_key) {
    auto& d = staff.cases;
    if (r.is_ok()) {
      d.message = t(done_key);
      d.error.clear();
    } else {
      d.error = staff_error_sentence(r.status(), KioskAction::CaseDesk, lang());
    }
  };
  if (desk.recording) {
    ImGui::TextUnformatted(t("cases.new"));
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    grid(static_cast<int>(cat.whistle_sources.size()), 4, 300, h, [&](int i, ImVec2 size) {
      const auto& src = cat.whistle_sources[static_cast<std::size_t>(i)];
      if (button("cases.source." + src.id, pick(src.name, lang()), size,
                 desk.source == src.id ? ButtonKind::Selected : ButtonKind::Normal)) {
        desk.source = src.id;
      }
    });
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(t("cases.note_text"));
    ImGui::SameLine();
    text_field("cases.note", desk.description, 1000, t("cases.note_text"), target_height());
    // Where the problem is: one of this community's grids (tap again: none), and the building.
    std::vector<const core::Grid*> grids;
    for (const core::Grid& g : cat.grids) {
      if (g.community == station.community()) grids.push_back(&g);
    }
    if (!grids.empty()) {
      ImGui::TextUnformatted(t("cases.grid"));
      grid(static_cast<int>(grids.size()), 3, 260, h, [&](int i, ImVec2 size) {
        const core::Grid& g = *grids[static_cast<std::size_t>(i)];
        const bool on = desk.grid == g.code;
        if (button("cases.grid." + g.code, fit_label(pick(g.name, lang()), size.x - 2 * gap), size,
                   on ? ButtonKind::Selected : ButtonKind::Normal)) {
          desk.grid = on ? std::string() : g.code;
        }
      });
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(t("cases.address"));
    ImGui::SameLine();
    text_field("cases.address", desk.address, 200, t("cases.address_hint"), target_height());
    // The identity number: the card reader fills it; the keypad (digits and X) is the fallback.
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(t("cases.id_number"));
    ImGui::SameLine();
    const std::string shown = identity_shown(desk.id_number);
    std::string id_label = shown.empty() ? std::string(t("cases.id_hint")) : shown;
    if (!desk.card_name.empty() && desk.id_number.size() == 18) {
      id_label = tf("cases.id_from_card", {shown}) + "  " + desk.card_name;
    }
    if (button("cases.field.id", id_label, ImVec2(-1, h * 0.8f),
               desk.id_keypad ? ButtonKind::Selected : ButtonKind::Normal)) {
      desk.id_keypad = !desk.id_keypad;
      if (desk.id_keypad && desk.id_number.size() == 18) desk.id_number.clear();  // retype whole
      desk.card_name.clear();
    }
    if (!desk.card_error.empty()) error_line(desk.card_error);
    const std::string problem = identity_problem(desk.id_number, core::local_date(clock.now_ms()));
    if (!problem.empty()) error_line(problem);
    if (desk.id_keypad) {
      const float kw = (ImGui::GetContentRegionAvail().x - 12 * gap) / 13;
      keypad("cases.idpad", desk.id_number, kIdKeys, 18, 13, kw);
      if (desk.id_number.size() == 18 &&
          identity_problem(desk.id_number, core::local_date(clock.now_ms())).empty()) {
        desk.id_keypad = false;  // entered and valid: shown masked from now on
      }
    }
    if (!desk.id_number.empty()) checkbox("cases.consent", t("cases.consent"), desk.consent);
    end_scroll();
    action("cases.record", t("common.submit"), [this, problem] {
      auto& d = staff.cases;
      if (!problem.empty()) {
        d.error = problem;
      } else if (!d.id_number.empty() && d.id_number.size() < 18) {
        d.error = tf("cases.id_short", {std::to_string(d.id_number.size())});
      } else if (!d.id_number.empty() && !d.consent) {
        d.error = t("cases.need_consent");
      } else {
        (void)record_walk_in(station, *staff.session, d, lang());
      }
    });
    return;
  }
  if (!desk.selected) {
    end_scroll();
    return;
  }
  auto view = cases.view(*desk.selected);
  if (!view.is_ok()) {
    error_line(staff_error_sentence(view.status(), KioskAction::CaseDesk, lang()));
    end_scroll();
    return;
  }
  const auto& v = view.value();
  const auto& s = v.state;
  ImGui::TextUnformatted(
      (v.tracking_code + "  " + t("stage." + std::string(core::to_string(s.stage)))).c_str());
  if (const auto* src = cat.source_by_id(s.source))
    ImGui::TextUnformatted(pick(src->name, lang()).c_str());
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(s.description.c_str());
  if (!v.phone_masked.empty()) ImGui::TextUnformatted(v.phone_masked.c_str());
  if (!v.id_number_masked.empty()) ImGui::TextUnformatted(v.id_number_masked.c_str());
  // Where it is and who went to see it (走访), so whoever acts knows the place.
  const auto where = case_where_lines(s.where, cat, lang());
  for (std::size_t i = 0; i < where.size(); ++i) {
    labels["cases.where." + std::to_string(i)] = where[i];  // for tests
    ImGui::TextUnformatted(where[i].c_str());
  }
  if (!s.visits.empty()) {
    ImGui::TextUnformatted(t("cases.visits"));
    for (std::size_t i = 0; i < s.visits.size(); ++i) {
      const auto& x = s.visits[i];
      const std::string line =
          core::local_date_time(x.hlc.wall_ms) + "  " + x.actor + "  " + x.text;
      labels["cases.visit." + std::to_string(i)] = line;  // for tests
      ImGui::Bullet();
      ImGui::SameLine();
      ImGui::TextUnformatted(line.c_str());
    }
  }
  ImGui::PopTextWrapPos();
  for (const auto& o : v.overdue) {
    if (!o.department.empty()) continue;  // shown with its department below
    error_line(std::string(t("cases.overdue")) + ": " + std::string(core::to_string(o.step)));
  }
  // Who has the case, what it did and by when; what the street office did.
  draw_departments(v);
  const float bw = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  using Stage = core::CaseStage;
  if (s.stage == Stage::Collected || s.stage == Stage::Reopened || s.stage == Stage::Returned) {
    if (button("cases.resolve", t("cases.resolve"), ImVec2(-1, h))) {
      report(cases.resolve(by, s.case_id, t("cases.resolved_text")), "stage.resolved");
    }
    // Whistle: level, kind, department.
    if (button("cases.level.community", t("cases.level_community"), ImVec2(bw, h * 0.8f),
               desk.level == core::WhistleLevel::Community ? ButtonKind::Selected
                                                           : ButtonKind::Normal)) {
      desk.level = core::WhistleLevel::Community;
    }
    ImGui::SameLine();
    if (button("cases.level.district", t("cases.level_district"), ImVec2(bw, h * 0.8f),
               desk.level == core::WhistleLevel::District ? ButtonKind::Selected
                                                          : ButtonKind::Normal)) {
      desk.level = core::WhistleLevel::District;
    }
    const std::pair<const char*, core::WhistleKind> kinds[] = {
        {"cases.kind_routine", core::WhistleKind::Routine},
        {"cases.kind_key", core::WhistleKind::Key},
        {"cases.kind_emergency", core::WhistleKind::Emergency}};
    const float kw = (ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3;
    for (int i = 0; i < 3; ++i) {
      if (i) ImGui::SameLine();
      if (button(kinds[i].first, t(kinds[i].first), ImVec2(kw, h * 0.8f),
                 desk.kind == kinds[i].second ? ButtonKind::Selected : ButtonKind::Normal)) {
        desk.kind = kinds[i].second;
      }
    }
    auto departments = cat.departments_for_source(s.source);
    if (departments.empty()) {
      for (const auto& d : cat.departments) departments.push_back(&d);
    }
    int i = 0;
    for (const auto* d : departments) {
      if (i++ % 2) ImGui::SameLine();
      if (button("cases.dept." + d->id, pick(d->name, lang()), ImVec2(bw, h * 0.8f),
                 desk.department == d->id ? ButtonKind::Selected : ButtonKind::Normal)) {
        desk.department = d->id;
      }
    }
    const core::Uuid id = s.case_id;
    action("cases.whistle", t("cases.whistle"), [this, id, report] {
      station::Cases cs(station);
      auto& d = staff.cases;
      std::vector<std::string> to;
      if (!d.department.empty()) to.push_back(d.department);
      report(cs.whistle(*staff.session, id, d.level, d.kind, to, ""), "stage.whistled");
    });
  }
  if (s.stage == Stage::Whistled || s.stage == Stage::Reported || s.stage == Stage::Feedback) {
    // A department's answer taken by phone: its report-in, its feedback, or its return (退单).
    for (const auto& d : s.departments) {
      if (d.returned) continue;
      const auto* dept = cat.department_by_id(d.department);
      const std::string name = dept ? pick(dept->name, lang()) : d.department;
      ImGui::TextUnformatted(name.c_str());
      if (!d.reported) {
        if (button("cases.report." + d.department, t("cases.report"), ImVec2(bw, h))) {
          report(cases.record_report(by, s.case_id, d.department, ""), "stage.reported");
        }
      } else if (button("cases.feedback." + d.department, t("cases.feedback"),
                        ImVec2(d.feedback ? -1 : bw, h))) {
        report(cases.record_feedback(by, s.case_id, d.department, t("cases.done_by_phone")),
               "stage.feedback");
      }
      if (!d.feedback) {
        ImGui::SameLine();
        if (button("cases.return." + d.department, t("cases.return"), ImVec2(-1, h))) {
          report(cases.record_return(by, s.case_id, d.department, t("cases.returned_by_phone")),
                 "step.returned");
        }
      }
    }
  }
  if (s.stage == Stage::Feedback || s.stage == Stage::Resolved) {
    const core::Uuid id = s.case_id;
    action("cases.verify", t("cases.verify"), [this, id, report] {
      station::Cases cs(station);
      report(cs.verify(*staff.session, id, t("cases.verified_text")), "stage.verified");
    });
  }
  if (s.stage == Stage::Verified) {
    const core::Uuid id = s.case_id;
    action("cases.close", t("cases.close"), [this, id, report] {
      station::Cases cs(station);
      report(cs.close(*staff.session, id, t("cases.closed_text")), "stage.closed");
    });
  }
  if (!s.conflicts.empty()) {
    ImGui::TextUnformatted(tf("cases.conflicts", {std::to_string(s.conflicts.size())}).c_str());
    const auto& c = s.conflicts.front();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(c.why.c_str());
    ImGui::PopTextWrapPos();
    if (button("cases.accept", t("cases.accept"), ImVec2(bw, h))) {
      report(cases.settle(by, s.case_id, c.event.id, core::SettleDecision::Accept, "staff"),
             "cases.settle");
    }
    ImGui::SameLine();
    if (button("cases.dismiss", t("cases.dismiss"), ImVec2(bw, h))) {
      report(cases.settle(by, s.case_id, c.event.id, core::SettleDecision::Dismiss, "staff"),
             "cases.settle");
    }
  }
  end_scroll();
}

// [SECTION] Sync, work access (the figures screen is figures.cpp)

void App::Impl::draw_sync_panel() {
  (void)refresh_status(false);
  ImGui::TextUnformatted(t("sync.title"));
  ImGui::Spacing();
  ImGui::TextUnformatted(tf("sync.server", {status.server.empty() ? "—" : status.server}).c_str());
  ImGui::TextUnformatted(tf("sync.pending", {std::to_string(status.pending)}).c_str());
  ImGui::TextUnformatted(
      tf("sync.last",
         {status.last_ok_ms ? core::local_date_time(*status.last_ok_ms) : t("status.never")})
          .c_str());
  if (!status.last_error.empty()) error_line(tf("sync.error", {status.last_error}));
  ImGui::Spacing();
  if (!sync) {
    ImGui::TextUnformatted(t("sync.no_service"));
  }
  if (staff.sync_requested) ImGui::TextUnformatted(t("sync.requested"));
  action(
      "sync.now", t("sync.now"),
      [this] {
        if (!sync) return;
        sync->sync_now();
        staff.sync_requested = true;
        status_read_ms = -1;
      },
      ButtonKind::Primary, sync != nullptr);
}

void App::Impl::draw_work_access() {
  const float h = target_height();
  ImGui::TextUnformatted(t("access.title"));
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_muted()), "%s", t("access.hint"));
  text_field("access.task", staff.access_task, 500, t("access.hint"), target_height());
  ImGui::TextUnformatted(t("access.samples"));
  for (int i = 0; i < 2; ++i) {
    if (i) ImGui::SameLine();
    const std::string key = "access.sample" + std::to_string(i);
    if (button(key, t(key), ImVec2(0, h))) staff.access_task = tr(Lang::Zh, key);
  }
  action("access.check", t("access.check"), [this] {
    auto decided = station::AccessRegister(station).check(staff.access_task);
    if (decided.is_ok()) {
      staff.access = decided.value();
      staff.error.clear();
    } else {
      staff.access.reset();
      staff.error = staff_error_sentence(decided.status(), KioskAction::Console, lang());
    }
  });
  error_line(staff.error);
  if (staff.access) {
    const auto& d = *staff.access;
    ImGui::Spacing();
    if (d.verdict == core::WorkAccessVerdict::OnList) {
      ImGui::TextUnformatted(t("access.allowed"));
    } else if (d.verdict == core::WorkAccessVerdict::Approved) {
      ImGui::TextUnformatted(t("access.approved"));
    } else if (d.reason == core::WorkAccessReason::RefusedApplication) {
      error_line(t("access.refused"));
    } else {
      error_line(t("access.needs_approval"));
    }
    labels["access.explanation"] = pick(d.explanation, lang());  // for tests
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(pick(d.explanation, lang()).c_str());
    for (const auto& m : d.matches) {
      ImGui::BulletText("%s", pick(m.name, lang()).c_str());
    }
    ImGui::PopTextWrapPos();
  }
}

}  // namespace weimin::kiosk
