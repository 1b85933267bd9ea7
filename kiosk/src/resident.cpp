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
// I and O are left out: no ticket prefix or tracking code uses them (they read as 1 and 0).
constexpr std::string_view kCodeKeys = "1234567890ABCDEFGHJKLMNPQRSTUVWXYZ<*";
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
  const bool with_back = resident.screen != Screen::Home;
  // The screen's content scrolls (dragged by a finger); its primary actions and the footer
  // stay in sight below it.
  begin_scroll("##content", ImVec2(0, -(footer_height(with_back) + action_bar_h)), false);
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
    case Screen::ConsultRaise:
      draw_consult_raise();
      break;
    case Screen::Wishes:
      draw_wishes();
      break;
    default:
      resident.screen = Screen::Home;
      break;
  }
  end_scroll();
  draw_action_bar();
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
        resident.report.error.clear();
        if (resident.report.step > 0)
          --resident.report.step;
        else
          resident.screen = Screen::Home;
      };
      break;
    case Screen::Wishes:
      back = [this] {
        if (resident.wishes.posting)
          resident.wishes.posting = false;
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
  const Tile tiles[] = {{"home.take", Screen::TakeNumber},
                        {"home.guide", Screen::Guide},
                        {"home.report", Screen::Report},
                        {"home.progress", Screen::Progress},
                        {"home.rate", Screen::Rate},
                        {"home.book", Screen::Book},
                        {"home.consult", Screen::ConsultRaise},
                        {"home.wishes", Screen::Wishes}};
  constexpr int kTiles = static_cast<int>(std::size(tiles));
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  // Three columns on a wide screen, two on a tall one.
  const int cols = avail.x > avail.y ? 3 : 2;
  const int rows = (kTiles + cols - 1) / cols;
  const float h = std::max(target_height() * 1.4f, (avail.y - gap * (rows - 1)) / rows - 4);
  grid(kTiles, cols, 0, h, [&](int i, ImVec2 size) {
    if (button(tiles[i].id, t(tiles[i].id), size, ButtonKind::Tile)) {
      resident.screen = tiles[i].screen;
    }
  });
}

void App::Impl::draw_take() {
  auto& take = resident.take;
  const core::Catalog& cat = station.catalog();
  const float h = target_height();
  ImGui::TextUnformatted(t("take.title"));
  if (button("take.by_line", t("take.by_line"), ImVec2(item_width(t("take.by_line")), h),
             take.by_service ? ButtonKind::Normal : ButtonKind::Selected)) {
    take.by_service = false;
  }
  ImGui::SameLine();
  if (button("take.by_service", t("take.by_service"), ImVec2(item_width(t("take.by_service")), h),
             take.by_service ? ButtonKind::Selected : ButtonKind::Normal)) {
    take.by_service = true;
  }
  if (!take.by_service) {
    std::vector<const core::ServiceLine*> lines;
    for (const auto& line : cat.lines) {
      if (!cat.windows_serving(line.number, station.community()).empty()) lines.push_back(&line);
    }
    grid(static_cast<int>(lines.size()), 2, 420, h, [&](int i, ImVec2 size) {
      const auto& line = *lines[static_cast<std::size_t>(i)];
      std::string label = std::string(1, line.prefix) + "  " + pick(line.name, lang());
      if (button("take.line." + std::to_string(line.number), label, size,
                 take.line == line.number ? ButtonKind::Selected : ButtonKind::Normal)) {
        take.line = line.number;
      }
    });
  } else {
    std::vector<const core::ServiceItem*> items;
    for (const auto& item : cat.service_items) {
      if (!cat.windows_serving(item.line, station.community()).empty()) items.push_back(&item);
    }
    grid(static_cast<int>(items.size()), 2, 420, h, [&](int i, ImVec2 size) {
      const auto& item = *items[static_cast<std::size_t>(i)];
      if (button("take.item." + item.id, pick(item.name, lang()), size,
                 take.service_item == item.id ? ButtonKind::Selected : ButtonKind::Normal)) {
        take.service_item = item.id;
      }
    });
  }
  ImGui::Spacing();
  ImGui::TextUnformatted(t("take.priority_title"));
  struct P {
    const char* id;
    core::Priority p;
  };
  const P prios[] = {{"take.priority_none", core::Priority::None},
                     {"take.prio_elderly", core::Priority::Elderly},
                     {"take.prio_disability", core::Priority::Disability},
                     {"take.prio_pregnancy", core::Priority::Pregnancy}};
  grid(4, 4, elder() ? 300 : 240, h, [&](int i, ImVec2 size) {
    const std::string words =
        prios[i].p == core::Priority::None ? t(prios[i].id) : priority_words(prios[i].p);
    if (button(prios[i].id, words, size,
               take.priority == prios[i].p ? ButtonKind::Selected : ButtonKind::Normal)) {
      take.priority = prios[i].p;
    }
  });
  const bool chosen = take.by_service ? !take.service_item.empty() : take.line > 0;
  action_error = take.error;
  action(
      "take.confirm", t("home.take"),
      [this] {
        if (take_number(station, resident.take, lang()).is_ok()) {
          on_ticket_taken();
          resident.screen = Screen::TicketShown;
        }
      },
      ButtonKind::Primary, chosen);
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
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(tf("take.ahead", {std::to_string(receipt->wait.people_ahead)}).c_str());
  ImGui::TextUnformatted(tf("take.wait", {std::to_string(receipt->wait.minutes)}).c_str());
  if (core::is_priority(receipt->ticket.priority)) {
    ImGui::TextUnformatted(
        tf("take.priority_shown", {priority_words(receipt->ticket.priority)}).c_str());
  }
  std::string windows;
  for (const auto* w : cat.windows_serving(receipt->ticket.line, station.community())) {
    if (!windows.empty()) windows += lang() == Lang::Zh ? "、" : ", ";
    windows += pick(w->name, lang());
  }
  ImGui::TextUnformatted(tf("take.windows", {windows}).c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  if (take.printer_failed) {
    error_line(t("take.printer_failed"));
  } else {
    ImGui::TextUnformatted(t("take.printed"));
  }
  action("ticket.done", t("common.done"), [this] { resident.screen = Screen::Home; });
}

void App::Impl::draw_guide() {
  auto& guide = resident.guide;
  const core::Catalog& cat = station.catalog();
  const float h = target_height();
  if (guide.line == 0) {
    ImGui::TextUnformatted(t("guide.title"));
    grid(static_cast<int>(cat.lines.size()), 2, 420, h, [&](int i, ImVec2 size) {
      const auto& line = cat.lines[static_cast<std::size_t>(i)];
      if (button("guide.line." + std::to_string(line.number), pick(line.name, lang()), size)) {
        guide.line = line.number;
      }
    });
    return;
  }
  const core::ServiceLine* line = cat.line_by_number(guide.line);
  const core::ServiceItem* item = guide.item.empty() ? nullptr : cat.item_by_id(guide.item);
  if (!item) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(tf("guide.items", {line ? pick(line->name, lang()) : ""}).c_str());
    ImGui::PopTextWrapPos();
    auto items = cat.items_for_line(guide.line);
    if (items.empty()) ImGui::TextUnformatted(t("guide.none"));
    for (const auto* it : items) {
      if (button("guide.item." + it->id, pick(it->name, lang()), ImVec2(-1, h)))
        guide.item = it->id;
    }
    return;
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(pick(item->name, lang()).c_str());
  ImGui::Spacing();
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
  if (!cat.windows_serving(item->line, station.community()).empty()) {
    const std::string id = item->id;
    action("guide.take", t("guide.take_for"), [this, id] {
      resident.take = TakeNumberState{};
      resident.take.by_service = true;
      resident.take.service_item = id;
      resident.screen = Screen::TakeNumber;
    });
  }
}

void App::Impl::draw_report() {
  auto& report = resident.report;
  const core::Catalog& cat = station.catalog();
  const float h = target_height();
  action_error = report.error;
  switch (report.step) {
    case 0: {
      ImGui::TextUnformatted(t("report.source_title"));
      grid(static_cast<int>(cat.whistle_sources.size()), 2, 360, h, [&](int i, ImVec2 size) {
        const auto& src = cat.whistle_sources[static_cast<std::size_t>(i)];
        if (button("report.source." + src.id, pick(src.name, lang()), size,
                   report.source == src.id ? ButtonKind::Selected : ButtonKind::Normal)) {
          if (report.source != src.id) report.phrases.clear();  // they follow the category
          report.source = src.id;
          report.step = 1;
        }
      });
      return;
    }
    case 1: {
      // Where: one of the community's places, and the resident's own words.
      ImGui::TextUnformatted(t("report.where_title"));
      const auto places = cat.places_for(station.community());
      grid(static_cast<int>(places.size()), 3, 300, h, [&](int i, ImVec2 size) {
        const core::Place& place = *places[static_cast<std::size_t>(i)];
        const bool on = report.place == place.id;
        if (button("report.place." + place.id, pick(place.name, lang()), size,
                   on ? ButtonKind::Selected : ButtonKind::Normal)) {
          report.place = on ? std::string() : place.id;
        }
      });
      ImGui::Spacing();
      ImGui::TextUnformatted(t("report.where_more"));
      text_field("report.place_text", report.place_text, 200, t("report.where_hint"), h);
      action("report.next", t("common.next"), [this] {
        resident.report.error.clear();
        resident.report.step = 2;
      });
      return;
    }
    case 2: {
      ImGui::TextUnformatted(t("report.describe_title"));
      const auto phrases = cat.phrases_for(report.source);
      grid(static_cast<int>(phrases.size()), 2, 360, h, [&](int i, ImVec2 size) {
        const core::Phrase& phrase = *phrases[static_cast<std::size_t>(i)];
        auto at = std::find(report.phrases.begin(), report.phrases.end(), phrase.id);
        const bool on = at != report.phrases.end();
        if (button("report.phrase." + phrase.id, pick(phrase.text, lang()), size,
                   on ? ButtonKind::Selected : ButtonKind::Normal)) {
          if (on)
            report.phrases.erase(at);
          else
            report.phrases.push_back(phrase.id);
        }
      });
      ImGui::Spacing();
      ImGui::TextUnformatted(t("report.more"));
      text_field("report.detail", report.detail, 500, t("report.more_hint"), h * 1.5f);
      action("report.next", t("common.next"), [this] {
        auto& r = resident.report;
        if (report_description(station.catalog(), r).empty()) {
          r.error = t("report.need_phrase");
        } else {
          r.error.clear();
          r.step = 3;
        }
      });
      return;
    }
    case 3: {
      // The phone on our keypad, the privacy notice and its own consent.
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(t("report.phone_title"));
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_muted()), "%s",
                         t("report.phone_hint"));
      ImGui::PopTextWrapPos();
      // Masked once complete: the next person must not read it over a shoulder.
      const std::string shown =
          report.phone.size() == 11 ? core::mask_phone(report.phone) : report.phone;
      ImGui::PushFont(big);
      ImGui::SetWindowFontScale(0.5f);
      ImGui::TextUnformatted(shown.empty() ? "___________" : shown.c_str());
      ImGui::SetWindowFontScale(1.f);
      ImGui::PopFont();
      const float gap = ImGui::GetStyle().ItemSpacing.x;
      const float pad_w = std::min(ImGui::GetContentRegionAvail().x, elder() ? 640.f : 520.f);
      keypad("pad", report.phone, kDigitKeys, 11, 3, (pad_w - 2 * gap) / 3);
      ImGui::Spacing();
      ImGui::TextUnformatted(t("report.privacy_title"));
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(t("report.privacy_text"));
      ImGui::PopTextWrapPos();
      checkbox("report.consent", t("report.consent"), report.consent);
      action("report.next", t("common.next"), [this] {
        auto& r = resident.report;
        if (check_contact(r, lang()).is_ok()) r.step = 4;
      });
      return;
    }
    default: {
      // What will be sent, before it is.
      ImGui::TextUnformatted(t("report.summary_title"));
      ImGui::Spacing();
      ImGui::PushTextWrapPos(0);
      for (const auto& [key, value] : report_summary(cat, station.community(), report, lang())) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_muted()), "%s", t(key));
        ImGui::Indent();
        ImGui::TextUnformatted(value.c_str());
        ImGui::Unindent();
      }
      ImGui::PopTextWrapPos();
      action("report.submit", t("common.submit"), [this] {
        if (submit_report(station, resident.report, lang()).is_ok()) {
          resident.screen = Screen::ReportDone;
          on_report_done();
        }
      });
      return;
    }
  }
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
  if (!report.receipt->check_code.empty()) {
    ImGui::TextUnformatted(t("report.check_code_label"));
    big_text(report.receipt->check_code);
    ImGui::TextUnformatted(t("report.keep_check"));
  } else {
    ImGui::TextUnformatted(t("report.keep"));
  }
  if (!devices.printer) {
    ImGui::TextUnformatted(t("report.no_printer"));
  } else if (report.printer_failed) {
    error_line(t("report.printer_failed"));
  } else {
    ImGui::TextUnformatted(t("report.printed"));
  }
  ImGui::PopTextWrapPos();
  action("report.done", t("common.done"), [this] { resident.screen = Screen::Home; });
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
    draw_departments(v);
    ImGui::Spacing();
    ImGui::TextUnformatted(t("progress.steps"));
    for (const auto& step : v.state.timeline) {
      const std::string key = step_key(step.kind);
      if (key.empty()) continue;
      ImGui::TextUnformatted((core::local_date_time(step.wall_ms) + "   " + t(key)).c_str());
    }
    action(
        "progress.again", t("progress.again"), [this] { resident.progress = ProgressState{}; },
        ButtonKind::Normal);
    return;
  }
  ImGui::TextUnformatted(t("progress.title"));
  const float w = ImGui::GetContentRegionAvail().x;
  if (button("progress.field.code",
             std::string(t("progress.code")) + ":  " + (progress.code.empty() ? "" : progress.code),
             ImVec2(-1, h), progress.field == 0 ? ButtonKind::Selected : ButtonKind::Normal)) {
    progress.field = 0;
  }
  const std::string last4 = std::string(progress.last4.size(), '*');
  if (button("progress.field.last4", std::string(t("progress.second_label")) + ":  " + last4,
             ImVec2(-1, h), progress.field == 1 ? ButtonKind::Selected : ButtonKind::Normal)) {
    progress.field = 1;
  }
  if (progress.field == 0) {
    keypad("pad", progress.code, kCodeKeys, 12, 9, (w - 8 * gap) / 9);
  } else {
    const float pad_w = std::min(w, elder() ? 640.f : 520.f);
    keypad("pad", progress.last4, kDigitKeys, 6, 3, (pad_w - 2 * gap) / 3);
  }
  action_error = progress.error;
  // The phone's last four digits, or the six-digit check code of a case without a phone.
  const bool ready =
      !progress.code.empty() && (progress.last4.size() == 4 || progress.last4.size() == 6);
  action(
      "progress.check", t("progress.check"),
      [this] {
        (void)check_progress(station, resident.progress, lang());
        resident.progress.last4.clear();
      },
      ButtonKind::Primary, ready);
}

void App::Impl::draw_rate() {
  auto& rate = resident.rate;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  if (rate.done) {
    ImGui::Spacing();
    big_text(":)");
    ImGui::TextUnformatted(t("rate.thanks"));
    action("rate.done", t("common.done"), [this] { resident.screen = Screen::Home; });
    return;
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(t("rate.title"));
  ImGui::PopTextWrapPos();
  ImGui::PushFont(big);
  ImGui::SetWindowFontScale(0.5f);
  ImGui::TextUnformatted(rate.reference.empty() ? "____" : rate.reference.c_str());
  ImGui::SetWindowFontScale(1.f);
  ImGui::PopFont();
  const float w = ImGui::GetContentRegionAvail().x;
  keypad("pad", rate.reference, kCodeKeys, 12, 9, (w - 8 * gap) / 9);
  // The three ratings are the screen's actions: always in sight, each with its words.
  const char* ratings[] = {"rate.satisfied", "rate.basic", "rate.dissatisfied"};
  const core::Rating values[] = {core::Rating::Satisfied, core::Rating::BasicallySatisfied,
                                 core::Rating::Dissatisfied};
  action_error = rate.error;
  for (int i = 0; i < 3; ++i) {
    const core::Rating value = values[i];
    action(ratings[i], t(ratings[i]), [this, value] {
      auto& r = resident.rate;
      if (r.reference.empty())
        r.error = t("rate.need_ref");
      else
        (void)rate_service(station, r, value, lang());
    });
  }
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
    action("book.done", t("common.done"), [this] { resident.screen = Screen::Home; });
    return;
  }
  const float w = ImGui::GetContentRegionAvail().x;
  if (book.checking_in || !book.slot.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(book.checking_in ? t("book.checkin_title") : t("book.phone"));
    ImGui::PopTextWrapPos();
    const std::string shown = book.phone.size() == 11 ? core::mask_phone(book.phone) : book.phone;
    ImGui::PushFont(big);
    ImGui::SetWindowFontScale(0.5f);
    ImGui::TextUnformatted(shown.empty() ? "___________" : shown.c_str());
    ImGui::SetWindowFontScale(1.f);
    ImGui::PopFont();
    const float pad_w = std::min(w, elder() ? 640.f : 520.f);
    keypad("pad", book.phone, kDigitKeys, 11, 3, (pad_w - 2 * gap) / 3);
    action_error = book.error;
    const bool ready = book.phone.size() == 11;
    action(
        "book.confirm", t(book.checking_in ? "book.checkin" : "book.confirm"),
        [this] {
          auto& b = resident.book;
          if (b.checking_in) {
            if (check_in_by_phone(station, b, lang()).is_ok()) {
              resident.screen = Screen::TicketShown;
              on_ticket_taken();
            }
          } else {
            (void)book_slot(station, b, lang());
          }
        },
        ButtonKind::Primary, ready);
    return;
  }
  ImGui::TextUnformatted(t("book.title"));
  if (button("book.checkin", t("book.checkin"), ImVec2(item_width(t("book.checkin")), h)))
    book.checking_in = true;
  station::Appointments appointments(station);
  auto slots = appointments.slots();
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
    error_line(error_sentence(slots.status(), KioskAction::Book, lang()));
  }
}

}  // namespace weimin::kiosk
