// What the kiosk says to the resident in front of it (语音播报), when the resident switched voice
// on (Prefs::voice; on with elder mode): the prompt of each screen and step as it changes, a
// refusal as it appears, the number taken with the people ahead and the wait, a tracking
// code spelled one character at a time, and the idle countdown's question. The prompt is derived
// from ResidentState alone, and is said once per change (screen, step, language or error): a
// resident tapping through hears only the latest (the announcer drops a prompt not yet said). Calls
// at the windows are the board's to announce (board.cpp), never the console's, so each call is
// heard once.
#include "impl.hpp"
#include "string_tables.hpp"
#include "weimin/core/case.hpp"
#include "weimin/platform/announcer.hpp"

namespace weimin::kiosk {

const std::vector<StringEntry>& voice_strings() {
  static const std::vector<StringEntry> table = {
      {"voice.home",
       "您好，请选择要办理的事项：取号、办事指南、问题反映、进度查询、服务评价、预约服务。",
       "Welcome. Choose what you would like to do: take a number, the service guide, report a "
       "problem, check progress, rate a service, or appointments."},
      {"voice.take_line", "取号。请选择办理的业务，也可以按事项选择。",
       "Take a number. Choose a service line, or choose by service."},
      {"voice.take_item", "请选择要办理的事项。", "Choose the service you need."},
      {"voice.take_chosen", "您选择了{}。如需优先，请选择优先原因，然后点取号。",
       "You chose {}. If you need priority, choose the reason, then tap Take a number."},
      {"voice.ticket", "您的号码是 {}。前面还有 {} 人，预计等待约 {} 分钟。请留意叫号。",
       "Your number is {}. {} people ahead of you, about {} minutes. Please listen for your "
       "number."},
      {"voice.guide_lines", "办事指南。请选择业务。", "Service guide. Choose a line."},
      {"voice.guide_items", "{}。请选择事项。", "{}. Choose a service."},
      {"voice.guide_item", "{}。需要带的材料和办理时限，请看屏幕。",
       "{}. What to bring and how long it takes are on the screen."},
      {"voice.report_source", "问题反映。请选择是哪方面的问题。",
       "Report a problem. Choose what it is about."},
      {"voice.report_describe", "请选择描述问题的短语，可以多选，然后点下一步。",
       "Choose the phrases that describe it, then tap Next."},
      {"voice.report_phone", "可以留下联系电话，也可以不留。请阅读隐私说明，然后点下一步。",
       "You may leave a phone number. Read the privacy notice, then tap Next."},
      {"voice.report_where", "问题在哪里？可以选择地点，也可以输入具体位置，然后点下一步。",
       "Where is it? Choose a place or type where exactly, then tap Next."},
      {"voice.report_summary", "请核对将要提交的内容，无误后点提交。",
       "Please check what will be sent, then tap Submit."},
      {"voice.report_step", "请看屏幕，按提示继续。", "Please follow the screen to go on."},
      {"voice.report_done", "已受理。您的查询码是 {}。请记下查询码。",
       "Received. Your tracking code is {}. Please keep it."},
      {"voice.check_code", "核对码是 {}。", "Your check code is {}."},
      {"voice.progress", "进度查询。请输入查询码和电话后四位。",
       "Check progress. Enter your tracking code and the last four digits of your phone."},
      {"voice.progress_found", "已查到。当前进度：{}。", "Found. Where it stands: {}."},
      {"voice.rate", "服务评价。请输入号票号码或查询码，然后选择满意、基本满意或不满意。",
       "Rate a service. Enter your ticket or tracking number, then choose how satisfied you "
       "are."},
      {"voice.rate_done", "谢谢您的评价。", "Thank you for your rating."},
      {"voice.book", "预约服务。请选择时段。", "Appointments. Choose a time."},
      {"voice.book_phone", "请输入手机号码，然后点确认。",
       "Enter your mobile number, then tap Confirm."},
      {"voice.book_checkin", "预约签到。请输入预约时留的手机号码。",
       "Check in. Enter the mobile number you booked with."},
      {"voice.booked", "预约成功。请按时到站签到。", "Booked. Please come on time and check in."},
      {"voice.waitlisted", "时段已满，您已加入候补。",
       "That time is full; you are on the waitlist."},
      {"voice.idle", "您还在办理吗？如需继续，请点继续办理。",
       "Are you still there? Tap Continue to go on."},
  };
  return table;
}

namespace {

const std::string& pick(const core::Text& text, Lang lang) {
  return lang == Lang::En && !text.en.empty() ? text.en : text.zh;
}

platform::SpeechLanguage speech_language(Lang lang) {
  return lang == Lang::En ? platform::SpeechLanguage::English : platform::SpeechLanguage::Chinese;
}

// What to say for the state shown, and a key that changes when it should be said again.
struct Spoken {
  std::string key;
  std::string text;  // empty: nothing to say
};

const station::TicketReceipt* shown_receipt(const ResidentState& r) {
  if (r.take.receipt) return &*r.take.receipt;
  if (r.book.checked_in) return &r.book.checked_in->ticket;
  return nullptr;
}

Spoken ticket_prompt(const App::Impl& m) {
  const station::TicketReceipt* receipt = shown_receipt(m.resident);
  if (!receipt) return {};
  const Lang lang = m.lang();
  return {"ticket:" + receipt->ticket.label,
          m.tf("voice.ticket", {platform::spelled_out(receipt->ticket.label, speech_language(lang)),
                                std::to_string(receipt->wait.people_ahead),
                                std::to_string(receipt->wait.minutes)})};
}

// A refusal on screen is said instead of the prompt, once.
Spoken with_error(Spoken s, const std::string& error) {
  if (error.empty()) return s;
  return {s.key + "|error:" + error, error};
}

Spoken resident_prompt(const App::Impl& m) {
  const ResidentState& r = m.resident;
  const core::Catalog& cat = m.station.catalog();
  const Lang lang = m.lang();
  switch (r.screen) {
    case Screen::Home:
      return {"home", m.t("voice.home")};
    case Screen::TakeNumber: {
      const auto& take = r.take;
      Spoken s;
      if (take.by_service && !take.service_item.empty()) {
        const core::ServiceItem* item = cat.item_by_id(take.service_item);
        s = {"take.item:" + take.service_item,
             m.tf("voice.take_chosen", {item ? pick(item->name, lang) : take.service_item})};
      } else if (!take.by_service && take.line > 0) {
        const core::ServiceLine* line = cat.line_by_number(take.line);
        s = {"take.line:" + std::to_string(take.line),
             m.tf("voice.take_chosen", {line ? pick(line->name, lang) : ""})};
      } else {
        s = {take.by_service ? "take.items" : "take.lines",
             m.t(take.by_service ? "voice.take_item" : "voice.take_line")};
      }
      return with_error(s, take.error.empty() ? "" : m.tf("common.error", {take.error}));
    }
    case Screen::TicketShown:
      return ticket_prompt(m);
    case Screen::Guide: {
      const auto& guide = r.guide;
      if (guide.line == 0) return {"guide", m.t("voice.guide_lines")};
      const core::ServiceLine* line = cat.line_by_number(guide.line);
      const core::ServiceItem* item = guide.item.empty() ? nullptr : cat.item_by_id(guide.item);
      if (!item) {
        return {"guide.line:" + std::to_string(guide.line),
                m.tf("voice.guide_items", {line ? pick(line->name, lang) : ""})};
      }
      return {"guide.item:" + item->id, m.tf("voice.guide_item", {pick(item->name, lang)})};
    }
    case Screen::Report: {
      const auto& report = r.report;
      const char* key = report.step == 0   ? "voice.report_source"
                        : report.step == 1 ? "voice.report_where"
                        : report.step == 2 ? "voice.report_describe"
                        : report.step == 3 ? "voice.report_phone"
                        : report.step == 4 ? "voice.report_summary"
                                           : "voice.report_step";
      return with_error({"report:" + std::to_string(report.step), m.t(key)}, report.error);
    }
    case Screen::ReportDone: {
      if (!r.report.receipt) return {};
      const auto& receipt = *r.report.receipt;
      const auto language = speech_language(lang);
      std::string text =
          m.tf("voice.report_done", {platform::spelled_out(receipt.tracking_code, language)});
      if (!receipt.check_code.empty()) {
        text +=
            " " + m.tf("voice.check_code", {platform::spelled_out(receipt.check_code, language)});
      }
      return {"report.done:" + receipt.tracking_code, text};
    }
    case Screen::Progress: {
      const auto& progress = r.progress;
      if (progress.view) {
        const std::string stage =
            m.t("stage." + std::string(core::to_string(progress.view->state.stage)));
        return {"progress.view:" + progress.view->tracking_code,
                m.tf("voice.progress_found", {stage})};
      }
      return with_error({"progress", m.t("voice.progress")}, progress.error);
    }
    case Screen::Rate:
      if (r.rate.done) return {"rate.done", m.t("voice.rate_done")};
      return with_error({"rate", m.t("voice.rate")}, r.rate.error);
    case Screen::Book: {
      const auto& book = r.book;
      if (book.booked) {
        const bool wait = book.booked->status == core::BookingStatus::Waitlisted;
        return {wait ? "book.waitlisted" : "book.booked",
                m.t(wait ? "voice.waitlisted" : "voice.booked")};
      }
      const std::string error = book.error == "none" ? m.t("book.no_booking") : book.error;
      if (book.checking_in) return with_error({"book.checkin", m.t("voice.book_checkin")}, error);
      if (!book.slot.empty()) return with_error({"book.phone", m.t("voice.book_phone")}, error);
      return {"book", m.t("voice.book")};
    }
    default:
      return {"staff", ""};  // staff screens say nothing
  }
}

}  // namespace

void App::Impl::on_called(const std::string&) {
  // Nothing to say here: the board announces every call it sees in the queue, whichever
  // console made it (board.cpp), so a call is never heard twice.
}

void App::Impl::say_ticket() {
  if (!devices.announcer || options.mode != Mode::Kiosk || !resident.prefs.voice) return;
  Spoken s = ticket_prompt(*this);
  if (s.key.empty()) return;
  voice_said = s.key + "|" + (lang() == Lang::En ? "en" : "zh");
  devices.announcer->say({std::move(s.text), speech_language(lang())});
}

void App::Impl::voice_frame() {
  if (!devices.announcer || options.mode != Mode::Kiosk) return;
  if (!resident.prefs.voice || staff.session) {
    voice_said.clear();  // switched on again, the screen's prompt is said at once
    return;
  }
  if (keyboard.open) return;  // typing: the field's screen is still the one said
  // The idle countdown asks whether the resident is still there; continuing says the screen again.
  Spoken s = countdown_showing ? Spoken{"idle", t("voice.idle")} : resident_prompt(*this);
  const std::string key = s.key + "|" + (lang() == Lang::En ? "en" : "zh");
  if (key == voice_said) return;
  voice_said = key;
  if (!s.text.empty()) devices.announcer->say({std::move(s.text), speech_language(lang())});
}

}  // namespace weimin::kiosk
