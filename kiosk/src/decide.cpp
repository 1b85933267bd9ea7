// The decisions behind the screens: what a tap does to the screen's state and the station.
#include <algorithm>

#include "weimin/core/civil_time.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/core/validation.hpp"
#include "weimin/kiosk/screens.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/evaluations.hpp"

namespace weimin::kiosk {

void keypad_press(std::string& field, char key, std::string_view allowed, std::size_t max_len) {
  if (key == '<') {
    if (!field.empty()) field.pop_back();
  } else if (key == '*') {
    field.clear();
  } else if (allowed.find(key) != std::string_view::npos && field.size() < max_len) {
    field.push_back(key);
  }
}

// [SECTION] Errors in the resident's language

std::string error_sentence(const Status& status, KioskAction action, Lang lang) {
  const ErrorCode code = status.code();
  const char* key = nullptr;
  switch (action) {
    case KioskAction::TakeNumber:
      if (code == ErrorCode::Invalid || code == ErrorCode::NotFound) key = "error.take.invalid";
      break;
    case KioskAction::Report:
      if (code == ErrorCode::Invalid) key = "error.report.invalid";
      break;
    case KioskAction::Progress:
      if (code == ErrorCode::NotFound) key = "error.progress.not_found";
      if (code == ErrorCode::Invalid) key = "error.progress.bad_code";
      break;
    case KioskAction::Rate:
      if (code == ErrorCode::NotFound) key = "error.rate.not_found";
      if (code == ErrorCode::Conflict) key = "error.rate.not_now";
      if (code == ErrorCode::Invalid) key = "error.rate.need_ref";
      break;
    case KioskAction::Book:
      if (code == ErrorCode::Conflict) key = "error.book.full";
      if (code == ErrorCode::Invalid || code == ErrorCode::NotFound) key = "error.book.invalid";
      break;
    case KioskAction::CheckIn:
      if (code == ErrorCode::NotFound) key = "error.checkin.none";
      if (code == ErrorCode::Conflict || code == ErrorCode::Invalid) key = "error.checkin.not_now";
      break;
    case KioskAction::SignIn:
      if (code == ErrorCode::Unauthenticated || code == ErrorCode::Invalid ||
          code == ErrorCode::NotFound) {
        key = "error.signin.wrong";
      }
      if (code == ErrorCode::Locked) key = "error.signin.locked";
      break;
    case KioskAction::Console:
      if (code == ErrorCode::NotFound) key = "error.console.none";
      if (code == ErrorCode::Conflict) key = "error.console.busy";
      if (code == ErrorCode::Invalid) key = "error.console.invalid";
      if (code == ErrorCode::PermissionDenied || code == ErrorCode::Unauthenticated)
        key = "error.console.denied";
      break;
    case KioskAction::CaseDesk:
      if (code == ErrorCode::Conflict) key = "error.case_desk.conflict";
      if (code == ErrorCode::Invalid) key = "error.case_desk.invalid";
      if (code == ErrorCode::NotFound) key = "error.case_desk.not_found";
      if (code == ErrorCode::PermissionDenied || code == ErrorCode::Unauthenticated)
        key = "error.console.denied";
      break;
    case KioskAction::WalkIn:
      if (code == ErrorCode::Invalid) key = "error.walk_in.invalid";
      if (code == ErrorCode::PermissionDenied || code == ErrorCode::Unauthenticated)
        key = "error.console.denied";
      break;
  }
  if (!key) {
    switch (code) {
      case ErrorCode::Unavailable:
      case ErrorCode::Locked:
        key = "error.unavailable";
        break;
      case ErrorCode::PermissionDenied:
      case ErrorCode::Unauthenticated:
        key = "error.not_allowed";
        break;
      case ErrorCode::WrongKey:
      case ErrorCode::NotADatabase:
      case ErrorCode::Corrupt:
      case ErrorCode::TooNew:
      case ErrorCode::DiskFull:
      case ErrorCode::ReadOnly:
      case ErrorCode::Io:
      case ErrorCode::Internal:
        key = "error.system";
        break;
      default:
        key = "error.other";
        break;
    }
  }
  return tr(lang, key);
}

std::string staff_error_sentence(const Status& status, KioskAction action, Lang lang) {
  return error_sentence(status, action, lang) + "  " +
         trf(lang, "error.staff_detail", {core::mask_personal_numbers_in_text(status.message())});
}

std::string priority_reason(core::Priority priority) {
  switch (priority) {
    case core::Priority::Elderly:
      return "70岁以上老人";
    case core::Priority::Disability:
      return "残疾人";
    case core::Priority::Pregnancy:
      return "孕妇";
    case core::Priority::AppointmentCheckIn:
      return "预约签到";
    case core::Priority::None:
      break;
  }
  return {};
}

Status take_number(station::Station& station, TakeNumberState& take, Lang lang) {
  take.error.clear();
  station::TicketRequest request;
  request.line = take.by_service ? 0 : take.line;
  request.service_item = take.by_service ? take.service_item : std::string();
  request.priority = take.priority;
  // The district's words for it when the catalog has them (as staff read them, in Chinese).
  const core::PriorityReason* words =
      station.catalog().priority_reason(core::to_string(take.priority));
  request.reason = words ? words->name.zh : priority_reason(take.priority);
  station::Queue queue(station);
  auto made = queue.take(request);
  if (!made.is_ok()) {
    take.error = error_sentence(made.status(), KioskAction::TakeNumber, lang);
    return made.status();
  }
  take.receipt = std::move(made).value();
  return Status::ok();
}

std::string report_description(const core::Catalog& catalog, const ReportState& report) {
  std::string what;
  for (const std::string& id : report.phrases) {
    const core::Phrase* phrase = catalog.phrase_by_id(id);
    if (!phrase) continue;
    if (!what.empty()) what += "；";
    what += phrase->text.zh;
  }
  if (!report.detail.empty()) {
    if (!what.empty()) what += "。";
    what += report.detail;
  }
  if (what.empty()) return what;  // where alone is not a problem
  std::string where;
  if (const core::Place* place = catalog.place_by_id(report.place)) where = place->name.zh;
  if (!report.place_text.empty()) {
    where += where.empty() ? report.place_text : "（" + report.place_text + "）";
  }
  return where.empty() ? what : "地点：" + where + "。" + what;
}

Status check_contact(ReportState& report, Lang lang) {
  report.error.clear();
  if (report.phone.empty()) return Status::ok();
  if (!core::parse_mobile_number(report.phone).is_ok()) {
    report.error = tr(lang, "report.bad_phone");
    return Status(ErrorCode::Invalid, report.error);
  }
  if (!report.consent) {
    report.error = tr(lang, "report.need_consent");
    return Status(ErrorCode::Invalid, report.error);
  }
  return Status::ok();
}

std::vector<std::pair<std::string, std::string>> report_summary(const core::Catalog& catalog,
                                                                std::string_view community,
                                                                const ReportState& report,
                                                                Lang lang) {
  auto pick = [lang](const core::Text& text) {
    return lang == Lang::En && !text.en.empty() ? text.en : text.zh;
  };
  std::vector<std::pair<std::string, std::string>> out;
  const core::WhistleSource* source = catalog.source_by_id(report.source);
  out.emplace_back("report.sum_source", source ? pick(source->name) : report.source);
  std::string where;
  if (const core::Place* place = catalog.place_by_id(report.place)) {
    if (place->community == community) where = pick(place->name);
  }
  if (!report.place_text.empty()) where += (where.empty() ? "" : "  ") + report.place_text;
  out.emplace_back("report.sum_where", where.empty() ? tr(lang, "report.sum_none") : where);
  std::string what;
  for (const std::string& id : report.phrases) {
    if (const core::Phrase* phrase = catalog.phrase_by_id(id)) {
      what += (what.empty() ? "" : lang == Lang::Zh ? "；" : "; ") + pick(phrase->text);
    }
  }
  if (!report.detail.empty()) what += (what.empty() ? "" : "\n") + report.detail;
  out.emplace_back("report.sum_what", what);
  out.emplace_back("report.sum_phone", report.phone.empty()
                                           ? std::string(tr(lang, "report.sum_no_phone"))
                                           : core::mask_phone(report.phone));
  return out;
}

Status submit_report(station::Station& station, ReportState& report, Lang lang) {
  report.error.clear();
  const std::string description = report_description(station.catalog(), report);
  if (description.empty()) {
    report.error = tr(lang, "report.need_phrase");
    return Status(ErrorCode::Invalid, report.error);
  }
  WEIMIN_TRY(check_contact(report, lang));
  station::NewCase request;
  request.source = report.source;
  request.channel = core::CaseChannel::Kiosk;
  request.description = description;
  // Where, besides the words of the description: the place chosen (its grid comes with it) and
  // the resident's own words for where.
  request.where.place = report.place;
  request.where.address = report.place_text;
  if (!report.phone.empty()) request.phone = report.phone;
  request.consent = report.consent;
  station::Cases cases(station);
  auto made = cases.record(std::nullopt, request);
  if (!made.is_ok()) {
    report.error = error_sentence(made.status(), KioskAction::Report, lang);
    return made.status();
  }
  report.receipt = std::move(made).value();
  report.phone.clear();  // not kept on screen once the case holds it
  return Status::ok();
}

Status check_progress(station::Station& station, ProgressState& progress, Lang lang) {
  progress.error.clear();
  progress.view.reset();
  station::Cases cases(station);
  auto found = cases.progress_for_resident(progress.code, progress.last4);
  if (!found.is_ok()) {
    progress.error = error_sentence(found.status(), KioskAction::Progress, lang);
    return found.status();
  }
  progress.view = std::move(found).value();
  return Status::ok();
}

Status rate_service(station::Station& station, RateState& rate, core::Rating rating, Lang lang) {
  rate.error.clear();
  if (rate.reference.empty()) {
    rate.error = tr(lang, "error.rate.need_ref");
    return Status(ErrorCode::Invalid, "no ticket or tracking number was entered");
  }
  // A tracking code rates its case; anything else is taken as today's ticket label.
  if (core::is_valid_tracking_code(rate.reference)) {
    station::Cases cases(station);
    auto id = cases.resolve_reference(rate.reference);
    if (id.is_ok()) {
      auto rated = cases.evaluate(std::nullopt, id.value(), rating, std::nullopt, "");
      if (!rated.is_ok()) {
        rate.error = error_sentence(rated.status(), KioskAction::Rate, lang);
        return rated.status();
      }
      rate.done = true;
      return Status::ok();
    }
  }
  station::Evaluations evaluations(station);
  auto rated = evaluations.rate_ticket(rate.reference, {rating, std::nullopt, ""});
  if (!rated.is_ok()) {
    rate.error = error_sentence(rated.status(), KioskAction::Rate, lang);
    return rated.status();
  }
  rate.done = true;
  return Status::ok();
}

Status book_slot(station::Station& station, BookState& book, Lang lang) {
  book.error.clear();
  station::Appointments appointments(station);
  station::BookingRequest request;
  request.slot = book.slot;
  request.phone = book.phone;
  request.waitlist_ok = true;
  auto made = appointments.book(std::nullopt, request);
  if (!made.is_ok()) {
    book.error = error_sentence(made.status(), KioskAction::Book, lang);
    return made.status();
  }
  book.booked = std::move(made).value();
  book.phone.clear();
  return Status::ok();
}

Status check_in_by_phone(station::Station& station, BookState& book, Lang lang) {
  book.error.clear();
  station::Appointments appointments(station);
  auto state = appointments.state();
  if (!state.is_ok()) {
    book.error = error_sentence(state.status(), KioskAction::CheckIn, lang);
    return state.status();
  }
  const std::string masked = core::mask_phone(book.phone);
  const std::string today = station.today();
  for (const auto& [id, booking] : state->bookings) {
    const auto* slot = state->slot(booking.slot);
    if (!slot || slot->slot.date.to_string() != today) continue;
    if (booking.phone_masked != masked || booking.status != core::BookingStatus::Seated) continue;
    auto checked = appointments.check_in(std::nullopt, id);
    if (!checked.is_ok()) {
      book.error = error_sentence(checked.status(), KioskAction::CheckIn, lang);
      return checked.status();
    }
    book.checked_in = std::move(checked).value();
    book.phone.clear();
    return Status::ok();
  }
  const Status none(ErrorCode::NotFound, "no seated booking today for " + masked);
  book.error = error_sentence(none, KioskAction::CheckIn, lang);
  return none;
}

std::string identity_shown(std::string_view typed) {
  if (typed.size() < 18) return std::string(typed);
  return core::mask_identity_number(typed);
}

std::string identity_problem(std::string_view typed, core::CivilDate today) {
  if (typed.size() < 18) return {};
  auto parsed = core::parse_identity_number(typed, today);
  if (parsed.is_ok()) return {};
  return core::mask_personal_numbers_in_text(parsed.status().message());
}

Status record_walk_in(station::Station& station, const station::Session& by, CaseDeskState& desk,
                      Lang lang) {
  station::NewCase request;
  request.source = desk.source;
  request.channel = core::CaseChannel::Window;
  request.description = desk.description;
  request.where = core::CaseWhere{desk.grid, "", desk.address, std::nullopt};
  if (!desk.id_number.empty()) {
    request.id_number = desk.id_number;
    request.consent = desk.consent;
  }
  station::Cases cases(station);
  auto made = cases.record(by, request);
  if (!made.is_ok()) {
    desk.error = staff_error_sentence(made.status(), KioskAction::WalkIn, lang);
    return made.status();
  }
  desk.message = made->tracking_code;
  desk.error.clear();
  desk.recording = false;
  desk.description.clear();
  desk.grid.clear();
  desk.address.clear();
  desk.id_number.clear();
  desk.id_keypad = false;
  desk.consent = false;
  desk.card_name.clear();
  desk.card_error.clear();
  desk.selected = made->case_id;
  return Status::ok();
}

std::vector<std::string> case_where_lines(const core::CaseWhere& where,
                                          const core::Catalog& catalog, Lang lang) {
  auto pick = [lang](const core::Text& text) {
    return lang == Lang::En && !text.en.empty() ? text.en : text.zh;
  };
  std::vector<std::string> out;
  if (!where.grid.empty()) {
    const core::Grid* g = catalog.grid_by_code(where.grid);
    out.push_back(trf(lang, "cases.where_grid", {g ? pick(g->name) : where.grid}));
  }
  if (!where.place.empty()) {
    const core::Place* p = catalog.place_by_id(where.place);
    out.push_back(trf(lang, "cases.where_place", {p ? pick(p->name) : where.place}));
  }
  if (!where.address.empty()) out.push_back(trf(lang, "cases.where_address", {where.address}));
  if (where.point) out.push_back(trf(lang, "cases.where_point", {core::to_string(*where.point)}));
  return out;
}

// [SECTION] What the district did

std::vector<DepartmentLine> department_lines(const station::CaseView& view,
                                             const core::Catalog& catalog,
                                             const core::CaseDeadlines& deadlines, Lang lang) {
  const core::CaseState& s = view.state;
  const core::CaseDeadlines::Limits limits =
      s.kind ? deadlines.for_kind(*s.kind) : core::CaseDeadlines::Limits{};
  std::vector<DepartmentLine> out;
  for (const core::DepartmentProgress& d : s.departments) {
    DepartmentLine line;
    line.department = d.department;
    const core::Department* dept = catalog.department_by_id(d.department);
    line.name = dept ? (lang == Lang::En && !dept->name.en.empty() ? dept->name.en : dept->name.zh)
                     : d.department;
    const char* step = d.returned   ? "dept.returned"
                       : d.feedback ? "dept.feedback"
                       : d.reported ? "dept.reported"
                                    : "dept.waiting";
    line.step = tr(lang, step);
    if (!d.report_note.empty()) line.details.push_back(trf(lang, "dept.note", {d.report_note}));
    if (d.expected_ms > 0) {
      line.details.push_back(
          trf(lang, "dept.expected", {core::local_date(d.expected_ms).to_string()}));
    }
    if (!d.feedback_action.empty()) {
      line.details.push_back(trf(lang, "dept.action", {d.feedback_action}));
    }
    if (d.returned) line.details.push_back(trf(lang, "dept.reason", {d.return_reason}));
    // The deadline of the step it owes: its report-in, or its first feedback.
    const bool open_round = s.stage == core::CaseStage::Whistled ||
                            s.stage == core::CaseStage::Reported ||
                            s.stage == core::CaseStage::Feedback;
    if (open_round && !d.returned && !d.feedback) {
      const bool report_owed = !d.reported;
      const int count = report_owed ? limits.report_in : limits.feedback;
      if (count > 0) {
        const std::int64_t from = report_owed ? d.whistled.wall_ms : d.reported->wall_ms;
        const std::int64_t due = deadlines.due_after(limits, from, count);
        line.details.push_back(
            trf(lang, report_owed ? "dept.report_due" : "dept.feedback_due",
                {limits.unit == core::DeadlineUnit::WorkingDays ? core::local_deadline_time(due)
                                                                : core::local_date_time(due)}));
      }
      const core::OverdueStep owed =
          report_owed ? core::OverdueStep::ReportIn : core::OverdueStep::Feedback;
      for (const core::Overdue& o : view.overdue) {
        line.overdue = line.overdue || (o.department == d.department && o.step == owed);
      }
    }
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<std::string> office_lines(const core::CaseState& state, Lang lang) {
  std::vector<std::string> out;
  if (state.escalated_at) out.push_back(tr(lang, "cases.escalated"));
  if (state.sent_back) out.push_back(trf(lang, "cases.sent_back", {state.sent_back->reason}));
  return out;
}

Status staff_sign_in(station::Station& station, StaffState& staff, Lang lang) {
  staff.error.clear();
  station::StaffDesk desk(station);
  auto session = desk.sign_in(staff.staff_no, staff.pin);
  staff.pin.clear();  // never kept, right or wrong
  if (!session.is_ok()) {
    staff.error = error_sentence(session.status(), KioskAction::SignIn, lang);
    return session.status();
  }
  staff.session = std::move(session).value();
  staff.field = 0;
  return Status::ok();
}

void staff_sign_out(station::Station& station, StaffState& staff) {
  if (staff.session) {
    station::StaffDesk desk(station);
    (void)desk.sign_out(*staff.session);  // the audit fact is best effort; the session ends
  }
  const int window = staff.window;
  staff = StaffState{};
  staff.window = window;
}

Status console_act(station::Station& station, StaffState& staff, ConsoleAction action, Lang lang) {
  staff.error.clear();
  staff.message.clear();
  if (!staff.session) {
    const Status out(ErrorCode::PermissionDenied, "sign in first");
    staff.error = error_sentence(out, KioskAction::Console, lang);
    return out;
  }
  station::Queue queue(station);
  const auto& by = *staff.session;
  Result<core::Ticket> done = Status(ErrorCode::Invalid, "unknown action");
  switch (action) {
    case ConsoleAction::CallNext:
      done = queue.call_next(by, staff.window);
      break;
    case ConsoleAction::Recall:
      done = queue.recall(by, staff.window);
      break;
    case ConsoleAction::NoShow:
      done = queue.no_show(by, staff.window);
      break;
    case ConsoleAction::Finish:
      done = queue.finish(by, staff.window);
      break;
    case ConsoleAction::Transfer: {
      // To the next window of the station.
      const auto& windows = station.catalog().windows_for(station.community());
      int to = staff.window;
      for (std::size_t i = 0; i < windows.size(); ++i) {
        if (windows[i].number == staff.window) {
          to = windows[(i + 1) % windows.size()].number;
        }
      }
      done = queue.transfer(by, staff.window, std::nullopt, to);
      break;
    }
    case ConsoleAction::CallNumber:
      done = queue.call_number(by, staff.window, staff.call_label);
      break;
    case ConsoleAction::Requeue:
      done = queue.requeue(by, staff.window, staff.call_label);
      break;
    case ConsoleAction::Pause:
    case ConsoleAction::Resume: {
      const bool pause = action == ConsoleAction::Pause;
      const Status set = pause ? queue.pause(by, staff.window) : queue.resume(by, staff.window);
      // What the station holds now, also when the other node of the station got there first.
      if (auto paused = queue.is_paused(staff.window); paused.is_ok()) staff.paused = *paused;
      if (!set.is_ok()) {
        staff.error = set.message();
        return set;
      }
      return Status::ok();  // staff.paused tells the screen; no message
    }
  }
  if (!done.is_ok()) {
    staff.error = staff_error_sentence(done.status(), KioskAction::Console, lang);
    return done.status();
  }
  if (action == ConsoleAction::CallNumber || action == ConsoleAction::Requeue) {
    staff.call_label.clear();  // done with: the keypad starts empty for the next one
  }
  staff.message = done->label;
  return Status::ok();
}

}  // namespace weimin::kiosk
