// The resident's screens: home, take a number, service guide, report a problem, check
// progress, rate a service, appointments.
#include <imgui.h>

#include <algorithm>

#include "impl.hpp"
#include "weimin/core/case.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/station/appointments.hpp"

namespace weimin::kiosk {
namespace {

// The characters of tracking codes (core/case_tracking) and ticket labels, on our keypad.
constexpr std::string_view kCodeKeys = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ01IO<*";
constexpr std::string_view kDigitKeys = "123456789<0*";

const std::string& pick(const core::Text& text, Lang lang) {
  return lang == Lang::En && !text.en.empty() ? text.en : text.zh;
}

std::string stage_key(core::CaseStage stage) {
  return "stage." + std::string(core::to_string(stage));
}

std::string step_key(core::CaseEventKind kind) {
  switch (kind) {
    case core::CaseEventKind::Collected:
      return "stage.collected";
    case core::CaseEventKind::ResolvedLocally:
      return "stage.resolved";
    case core::CaseEventKind::Whistled:
      return "stage.whistled";
    case core::CaseEventKind::Reported:
      return "stage.reported";
    case core::CaseEventKind::Feedback:
      return "stage.feedback";
    case core::CaseEventKind::Verified:
      return "stage.verified";
    case core::CaseEventKind::Closed:
      return "stage.closed";
    case core::CaseEventKind::Evaluated:
      return "stage.evaluated";
    case core::CaseEventKind::Reopened:
      return "stage.reopened";
    case core::CaseEventKind::Returned:
      return "step.returned";
    case core::CaseEventKind::Escalated:
      return "step.escalated";
    case core::CaseEventKind::SentBack:
      return "step.sent_back";
    default:
      return "";
  }
}

}  // namespace

void App::Impl::draw_resident() {
  const Screen before = resident.screen;
  const ImGuiStyle& st = ImGui::GetStyle();
  const float footer_h = target_height() + st.ItemSpacing.y + 4;
  ImGui::BeginChild("##content", ImVec2(0, -footer_h), false, ImGuiWindowFlags_NoScrollbar);
  switch (resident.screen) {
    case Screen::Home:
      draw_home();
      break;
    case Screen::TakeNumber:
      draw_take();
      break;
    case Screen::TicketShown:
      draw_ticket();
      break;
    case Screen::Guide:
      draw_guide();
      break;
    case Screen::Report:
      draw_report();
      break;
    case Screen::ReportDone:
      draw_report_done();
      break;
    case Screen::Progress:
      draw_progress();
      break;
    case Screen::Rate:
      draw_rate();
      break;
    case Screen::Book:
      draw_book();
      break;
    default:
      resident.screen = Screen::Home;
      break;
  }
  ImGui::EndChild();
  std::function<void()> back;
  switch (resident.screen) {
    case Screen::Home:
      break;
    case Screen::Guide:
      back = [this] {
        if (!resident.guide.item.empty())
          resident.guide.item.clear();
        else if (resident.guide.line)
          resident.guide.line = 0;
        else
          resident.screen = Screen::Home;
      };
      break;
    case Screen::Report:
      back = [this] {
        if (resident.report.step > 0)
          --resident.report.step;
        else
          resident.screen = Screen::Home;
      };
      break;
    default:
      back = [this] { resident.screen = Screen::Home; };
      break;
  }
  footer(back);
  // Leaving a finished screen for home forgets what it showed.
  if (before != Screen::Home && resident.screen == Screen::Home) {
    const Prefs prefs = resident.prefs;
    resident = ResidentState{};
    resident.prefs = prefs;
  }
}

void App::Impl::draw_home() {
  ImGui::Spacing();
  ImGui::TextUnformatted(t("home.welcome"));
  ImGui::Spacing();
  struct Tile {
    const char* id;
    Screen screen;
  };
  const Tile tiles[] = {{"home.take", Screen::TakeNumber}, {"home.guide", Screen::Guide},
                        {"home.report", Screen::Report},   {"home.progress", Screen::Progress},
                        {"home.rate", Screen::Rate},       {"home.book", Screen::Book}};
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float w = (avail.x - 2 * gap) / 3, h = std::max(120.f, (avail.y - gap) / 2 - 8);
  for (int i = 0; i < 6; ++i) {
    if (i % 3) ImGui::SameLine();
    if (button(tiles[i].id, t(tiles[i].id), ImVec2(w, h), ButtonKind::Tile)) {
      resident.screen = tiles[i].screen;
    }
  }
}

void App::Impl::draw_take() {
  auto& take = resident.take;
  const core::Catalog& cat = station.catalog();
  ImGui::TextUnformatted(t("take.title"));
  const float h = target_height();
  if (button("take.by_line", t("take.by_line"), ImVec2(240, h),
             take.by_service ? ButtonKind::Normal : ButtonKind::Selected)) {
    take.by_service = false;
  }
  ImGui::SameLine();
  if (button("take.by_service", t("take.by_service"), ImVec2(240, h),
             take.by_service ? ButtonKind::Selected : ButtonKind::Normal)) {
    take.by_service = true;
  }
  const float bottom = h * 2 + ImGui::GetFontSize() * 2 + 60;
  begin_scroll("##lines", ImVec2(0, -bottom));
  const float col_w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  int shown = 0;
  if (!take.by_service) {
    for (const auto& line : cat.lines) {
      const auto windows = cat.windows_serving(line.number, station.community());
      if (windows.empty()) continue;  // no window here serves it
      if (shown++ % 2) ImGui::SameLine();
      std::string label = std::string(1, line.prefix) + "  " + pick(line.name, lang());
      if (button("take.line." + std::to_string(line.number), label, ImVec2(col_w, h),
                 take.line == line.number ? ButtonKind::Selected : ButtonKind::Normal)) {
        take.line = line.number;
      }
    }
  } else {
    for (const auto& item : cat.service_items) {
      if (cat.windows_serving(item.line, station.community()).empty()) continue;
      if (shown++ % 2) ImGui::SameLine();
      if (button("take.item." + item.id, pick(item.name, lang()), ImVec2(col_w, h),
                 take.service_item == item.id ? ButtonKind::Selected : ButtonKind::Normal)) {
        take.service_item = item.id;
      }
    }
  }
  end_scroll();
  ImGui::TextUnformatted(t("take.priority_title"));
  struct P {
    const char* id;
    core::Priority p;
  };
  const P prios[] = {{"take.priority_none", core::Priority::None},
                     {"take.prio_elderly", core::Priority::Elderly},
                     {"take.prio_disability", core::Priority::Disability},
                     {"take.prio_pregnancy", core::Priority::Pregnancy}};
  const float pw = (ImGui::GetContentRegionAvail().x - 3 * ImGui::GetStyle().ItemSpacing.x) / 4;
  for (int i = 0; i < 4; ++i) {
    if (i) ImGui::SameLine();
    if (button(prios[i].id, t(prios[i].id), ImVec2(pw, h),
               take.priority == prios[i].p ? ButtonKind::Selected : ButtonKind::Normal)) {
      take.priority = prios[i].p;
    }
  }
  const bool chosen = take.by_service ? !take.service_item.empty() : take.line > 0;
  ImGui::BeginDisabled(!chosen);
  if (button("take.confirm", t("home.take"), ImVec2(-1, h), ButtonKind::Primary) && chosen) {
    if (take_number(station, take).is_ok()) {
      on_ticket_taken();
      resident.screen = Screen::TicketShown;
    }
  }
  ImGui::EndDisabled();
  error_line(take.error.empty() ? "" : tf("common.error", {take.error}));
}

void App::Impl::draw_ticket() {
  const auto& take = resident.take;
  const station::TicketReceipt* receipt = take.receipt ? &*take.receipt : nullptr;
  if (!receipt && resident.book.checked_in) receipt = &resident.book.checked_in->ticket;
  if (!receipt) {
    resident.screen = Screen::Home;
    return;
  }
  const core::Catalog& cat = station.catalog();
  ImGui::Spacing();
  ImGui::TextUnformatted(t("take.your_number"));
  big_text(receipt->ticket.label);
  ImGui::Spacing();
  ImGui::TextUnformatted(tf("take.ahead", {std::to_string(receipt->wait.people_ahead)}).c_str());
  ImGui::TextUnformatted(tf("take.wait", {std::to_string(receipt->wait.minutes)}).c_str());
  if (core::is_priority(receipt->ticket.priority)) {
    ImGui::TextUnformatted(tf("take.priority_shown", {receipt->ticket.reason}).c_str());
  }
  std::string windows;
  for (const auto* w : cat.windows_serving(receipt->ticket.line, station.community())) {
    if (!windows.empty()) windows += lang() == Lang::Zh ? "、" : ", ";
    windows += pick(w->name, lang());
  }
  ImGui::TextUnformatted(tf("take.windows", {windows}).c_str());
  ImGui::Spacing();
  if (take.printer_failed) {
    error_line(t("take.printer_failed"));
  } else {
    ImGui::TextUnformatted(t("take.printed"));
  }
  ImGui::Spacing();
  if (button("ticket.done", t("common.done"), ImVec2(-1, target_height()), ButtonKind::Primary)) {
    resident.screen = Screen::Home;
  }
}

void App::Impl::draw_guide() {
  auto& guide = resident.guide;
  const core::Catalog& cat = station.catalog();
  const float h = target_height();
  if (guide.line == 0) {
    ImGui::TextUnformatted(t("guide.title"));
    begin_scroll("##guide_lines", ImVec2(0, 0));
    const float col_w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
    int i = 0;
    for (const auto& line : cat.lines) {
      if (i++ % 2) ImGui::SameLine();
      if (button("guide.line." + std::to_string(line.number), pick(line.name, lang()),
                 ImVec2(col_w, h))) {
        guide.line = line.number;
      }
    }
    end_scroll();
    return;
  }
  const core::ServiceLine* line = cat.line_by_number(guide.line);
  const core::ServiceItem* item = guide.item.empty() ? nullptr : cat.item_by_id(guide.item);
  if (!item) {
    ImGui::TextUnformatted(tf("guide.items", {line ? pick(line->name, lang()) : ""}).c_str());
    begin_scroll("##guide_items", ImVec2(0, 0));
    auto items = cat.items_for_line(guide.line);
    if (items.empty()) ImGui::TextUnformatted(t("guide.none"));
    for (const auto* it : items) {
      if (button("guide.item." + it->id, pick(it->name, lang()), ImVec2(-1, h)))
        guide.item = it->id;
    }
    end_scroll();
    return;
  }
  ImGui::TextUnformatted(pick(item->name, lang()).c_str());
  begin_scroll("##guide_item", ImVec2(0, -(h + 16)));
  ImGui::PushTextWrapPos(0);
  if (!pick(item->description, lang()).empty()) {
    ImGui::TextUnformatted(pick(item->description, lang()).c_str());
    ImGui::Spacing();
  }
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_muted()), "%s", t("guide.who"));
  ImGui::TextUnformatted(pick(item->who_may_apply, lang()).c_str());
  ImGui::Spacing();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_muted()), "%s", t("guide.bring"));
  int n = 1;
  for (const auto& b : item->what_to_bring) {
    ImGui::TextUnformatted((std::to_string(n++) + ". " + pick(b, lang())).c_str());
  }
  ImGui::Spacing();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_muted()), "%s", t("guide.time"));
  ImGui::TextUnformatted(item->time_limit_days == 0
                             ? t("guide.on_spot")
                             : tf("guide.days", {std::to_string(item->time_limit_days)}).c_str());
  ImGui::PopTextWrapPos();
  end_scroll();
  if (!cat.windows_serving(item->line, station.community()).empty() &&
      button("guide.take", t("guide.take_for"), ImVec2(-1, h), ButtonKind::Primary)) {
    resident.take = TakeNumberState{};
    resident.take.by_service = true;
    resident.take.service_item = item->id;
    resident.screen = Screen::TakeNumber;
  }
}

void App::Impl::draw_report() {
  auto& report = resident.report;
  const core::Catalog& cat = station.catalog();
  const float h = target_height();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  if (report.step == 0) {
    ImGui::TextUnformatted(t("report.source_title"));
    begin_scroll("##sources", ImVec2(0, 0));
    const float col_w = (ImGui::GetContentRegionAvail().x - gap) / 2;
    int i = 0;
    for (const auto& src : cat.whistle_sources) {
      if (i++ % 2) ImGui::SameLine();
      if (button("report.source." + src.id, pick(src.name, lang()), ImVec2(col_w, h))) {
        report.source = src.id;
        report.step = 1;
      }
    }
    end_scroll();
    return;
  }
  if (report.step == 1) {
    ImGui::TextUnformatted(t("report.describe_title"));
    const float col_w = (ImGui::GetContentRegionAvail().x - gap) / 2;
    begin_scroll("##phrases", ImVec2(0, -(h * 2 + ImGui::GetFontSize() + 48)));
    for (int p = 0; p < kPhraseCount; ++p) {
      if (p % 2) ImGui::SameLine();
      auto at = std::find(report.phrases.begin(), report.phrases.end(), p);
      const bool on = at != report.phrases.end();
      std::string label = std::string(on ? "✓ " : "") + t("phrase." + std::to_string(p));
      if (button("report.phrase." + std::to_string(p), label, ImVec2(col_w, h),
                 on ? ButtonKind::Selected : ButtonKind::Normal)) {
        if (on)
          report.phrases.erase(at);
        else
          report.phrases.push_back(p);
      }
    }
    end_scroll();
    ImGui::TextUnformatted(t("report.more"));
    text_field("report.detail", report.detail, 500, t("report.more"), h);
    error_line(report.error);
    if (button("report.next", t("common.next"), ImVec2(-1, h), ButtonKind::Primary)) {
      if (report_description(report).empty()) {
        report.error = t("report.need_phrase");
      } else {
        report.error.clear();
        report.step = 2;
      }
    }
    return;
  }
  // Step 2: phone on our keypad, the privacy notice and its own consent.
  ImGui::TextUnformatted(t("report.phone_title"));
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_muted()), "%s", t("report.phone_hint"));
  const float left_w = ImGui::GetContentRegionAvail().x * 0.48f;
  ImGui::BeginGroup();
  // Masked once complete: the next person must not read it over a shoulder.
  const std::string shown =
      report.phone.size() == 11 ? core::mask_phone(report.phone) : report.phone;
  ImGui::PushFont(big);
  ImGui::SetWindowFontScale(0.5f);
  ImGui::TextUnformatted(shown.empty() ? "___________" : shown.c_str());
  ImGui::SetWindowFontScale(1.f);
  ImGui::PopFont();
  keypad("pad", report.phone, kDigitKeys, 11, 3, (left_w - 2 * gap) / 3);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::BeginChild("##privacy", ImVec2(0, -(h * 2 + 40)), true);
  ImGui::TextUnformatted(t("report.privacy_title"));
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(t("report.privacy_text"));
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  if (button("report.consent",
             std::string(report.consent ? "✓ " : "") +
                 t(report.consent ? "report.consent_given" : "report.consent"),
             ImVec2(-1, h), report.consent ? ButtonKind::Selected : ButtonKind::Normal)) {
    report.consent = !report.consent;
  }
  if (button("report.submit", t("common.submit"), ImVec2(-1, h), ButtonKind::Primary)) {
    if (submit_report(station, report, lang()).is_ok()) {
      on_report_done();  // prints the receipt (printing.cpp)
      resident.screen = Screen::ReportDone;
    }
  }
  ImGui::EndGroup();
  error_line(report.error);
}

void App::Impl::draw_report_done() {
  const auto& report = resident.report;
  if (!report.receipt) {
    resident.screen = Screen::Home;
    return;
  }
  ImGui::Spacing();
  ImGui::TextUnformatted(t("report.done_title"));
  big_text(report.receipt->tracking_code);
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(t("report.keep"));
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  if (button("report.done", t("common.done"), ImVec2(-1, target_height()), ButtonKind::Primary)) {
    resident.screen = Screen::Home;
  }
}

void App::Impl::draw_departments(const station::CaseView& v) {
  station::Cases cases(station);
  const std::vector<DepartmentLine> lines =
      department_lines(v, station.catalog(), cases.deadlines(), lang());
  const std::vector<std::string> office = office_lines(v.state, lang());
  if (lines.empty() && office.empty()) return;
  ImGui::PushTextWrapPos(0);
  if (!lines.empty()) ImGui::TextUnformatted(t("progress.departments"));
  for (const DepartmentLine& line : lines) {
    const std::string head = line.name + "  ·  " + line.step;
    if (line.overdue) {
      error_line(head + "  ·  " + t("cases.overdue"));
    } else {
      ImGui::TextUnformatted(head.c_str());
    }
    ImGui::Indent();
    ImGui::PushStyleColor(ImGuiCol_Text, colour_muted());
    for (const std::string& d : line.details) ImGui::TextUnformatted(d.c_str());
    ImGui::PopStyleColor();
    ImGui::Unindent();
  }
  for (const std::string& o : office) ImGui::TextUnformatted(o.c_str());
  ImGui::PopTextWrapPos();
}

void App::Impl::draw_progress() {
  auto& progress = resident.progress;
  const float h = target_height();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  if (progress.view) {
    const auto& v = *progress.view;
    ImGui::TextUnformatted(v.tracking_code.c_str());
    ImGui::TextUnformatted(tf("progress.stage", {t(stage_key(v.state.stage))}).c_str());
    ImGui::Spacing();
    begin_scroll("##steps", ImVec2(0, -(h + 16)));
    draw_departments(v);
    ImGui::Spacing();
    ImGui::TextUnformatted(t("progress.steps"));
    for (const auto& step : v.state.timeline) {
      const std::string key = step_key(step.kind);
      if (key.empty()) continue;
      ImGui::TextUnformatted((core::local_date_time(step.wall_ms) + "   " + t(key)).c_str());
    }
    end_scroll();
    if (button("progress.again", t("common.back"), ImVec2(-1, h))) progress = ProgressState{};
    return;
  }
  ImGui::TextUnformatted(t("progress.title"));
  const float w = ImGui::GetContentRegionAvail().x;
  if (button("progress.field.code",
             std::string(t("progress.code")) + ":  " + (progress.code.empty() ? "" : progress.code),
             ImVec2(w * 0.6f - gap, h),
             progress.field == 0 ? ButtonKind::Selected : ButtonKind::Normal)) {
    progress.field = 0;
  }
  ImGui::SameLine();
  const std::string last4 = std::string(progress.last4.size(), '*');
  if (button("progress.field.last4", std::string(t("progress.last4")) + ":  " + last4,
             ImVec2(-1, h), progress.field == 1 ? ButtonKind::Selected : ButtonKind::Normal)) {
    progress.field = 1;
  }
  if (progress.field == 0) {
    keypad("pad", progress.code, kCodeKeys, 12, 10, (w - 9 * gap) / 10);
  } else {
    keypad("pad", progress.last4, kDigitKeys, 4, 3, (w * 0.5f - 2 * gap) / 3);
  }
  error_line(progress.error);
  const bool ready = !progress.code.empty() && progress.last4.size() == 4;
  ImGui::BeginDisabled(!ready);
  if (button("progress.check", t("progress.check"), ImVec2(-1, h), ButtonKind::Primary) && ready) {
    (void)check_progress(station, progress, lang());
    progress.last4.clear();
  }
  ImGui::EndDisabled();
}

void App::Impl::draw_rate() {
  auto& rate = resident.rate;
  const float h = target_height();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  if (rate.done) {
    ImGui::Spacing();
    big_text(":)");
    ImGui::TextUnformatted(t("rate.thanks"));
    if (button("rate.done", t("common.done"), ImVec2(-1, h), ButtonKind::Primary)) {
      resident.screen = Screen::Home;
    }
    return;
  }
  ImGui::TextUnformatted(t("rate.title"));
  ImGui::PushFont(big);
  ImGui::SetWindowFontScale(0.5f);
  ImGui::TextUnformatted(rate.reference.empty() ? "____" : rate.reference.c_str());
  ImGui::SetWindowFontScale(1.f);
  ImGui::PopFont();
  const float w = ImGui::GetContentRegionAvail().x;
  keypad("pad", rate.reference, kCodeKeys, 12, 10, (w - 9 * gap) / 10);
  const char* ratings[] = {"rate.satisfied", "rate.basic", "rate.dissatisfied"};
  const core::Rating values[] = {core::Rating::Satisfied, core::Rating::BasicallySatisfied,
                                 core::Rating::Dissatisfied};
  const float bw = (w - 2 * gap) / 3;
  for (int i = 0; i < 3; ++i) {
    if (i) ImGui::SameLine();
    if (button(ratings[i], t(ratings[i]), ImVec2(bw, h * 1.3f), ButtonKind::Primary)) {
      if (rate.reference.empty())
        rate.error = t("rate.need_ref");
      else
        (void)rate_service(station, rate, values[i]);
    }
  }
  error_line(rate.error);
}

void App::Impl::draw_book() {
  auto& book = resident.book;
  const float h = target_height();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const core::Catalog& cat = station.catalog();
  if (book.checked_in) {
    resident.screen = Screen::TicketShown;
    return;
  }
  if (book.booked) {
    const auto* tmpl =
        cat.slot_template_by_id(book.booked->slot.substr(0, book.booked->slot.find('@')));
    std::string what = (tmpl ? pick(tmpl->name, lang()) : book.booked->slot) + "  " +
                       book.booked->slot.substr(book.booked->slot.find('@') + 1);
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(tf(book.booked->status == core::BookingStatus::Waitlisted
                                  ? "book.waitlisted"
                                  : "book.booked",
                              {what})
                               .c_str());
    ImGui::TextUnformatted(book.booked->phone_masked.c_str());
    ImGui::TextUnformatted(t("book.checkin_hint"));
    ImGui::PopTextWrapPos();
    if (button("book.done", t("common.done"), ImVec2(-1, h), ButtonKind::Primary))
      resident.screen = Screen::Home;
    return;
  }
  const float w = ImGui::GetContentRegionAvail().x;
  if (book.checking_in || !book.slot.empty()) {
    ImGui::TextUnformatted(book.checking_in ? t("book.checkin_title") : t("book.phone"));
    const std::string shown = book.phone.size() == 11 ? core::mask_phone(book.phone) : book.phone;
    ImGui::PushFont(big);
    ImGui::SetWindowFontScale(0.5f);
    ImGui::TextUnformatted(shown.empty() ? "___________" : shown.c_str());
    ImGui::SetWindowFontScale(1.f);
    ImGui::PopFont();
    keypad("pad", book.phone, kDigitKeys, 11, 3, (w * 0.5f - 2 * gap) / 3);
    error_line(book.error == "none" ? std::string(t("book.no_booking")) : book.error);
    const bool ready = book.phone.size() == 11;
    ImGui::BeginDisabled(!ready);
    if (button("book.confirm", t(book.checking_in ? "book.checkin" : "book.confirm"), ImVec2(-1, h),
               ButtonKind::Primary) &&
        ready) {
      if (book.checking_in) {
        if (check_in_by_phone(station, book).is_ok()) {
          resident.screen = Screen::TicketShown;
          on_ticket_taken();
        }
      } else {
        (void)book_slot(station, book);
      }
    }
    ImGui::EndDisabled();
    return;
  }
  ImGui::TextUnformatted(t("book.title"));
  ImGui::SameLine(w - 260);
  if (button("book.checkin", t("book.checkin"), ImVec2(260, h))) book.checking_in = true;
  station::Appointments appointments(station);
  auto slots = appointments.slots();
  begin_scroll("##slots", ImVec2(0, 0));
  if (slots.is_ok()) {
    for (const auto& s : slots.value()) {
      const auto* tmpl = cat.slot_template_by_id(s.slot.id.substr(0, s.slot.id.find('@')));
      const int free = s.free_seats();
      char when[64];
      std::snprintf(when, sizeof when, "%s %02d:%02d", s.slot.date.to_string().c_str(),
                    s.slot.start_minute / 60, s.slot.start_minute % 60);
      std::string label = std::string(when) + "  " + (tmpl ? pick(tmpl->name, lang()) : s.slot.id) +
                          "  ·  " +
                          (free > 0 ? tf("book.seats", {std::to_string(free)}) : t("book.full"));
      if (button("book.slot." + s.slot.id, label, ImVec2(-1, h))) book.slot = s.slot.id;
    }
  } else {
    error_line(slots.status().message());
  }
  end_scroll();
}

}  // namespace weimin::kiosk
