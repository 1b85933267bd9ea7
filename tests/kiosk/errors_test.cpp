// English everywhere in English mode, Chinese in Chinese mode: every refusal of the station a
// decide function puts on screen is a translated, human sentence with what to do — never the
// station's internal English message, an error code's name or a catalog id.
#include <doctest/doctest.h>

#include <regex>

#include "station_fixture.hpp"
#include "weimin/kiosk/screens.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;
using kiosk::Lang;

namespace {

constexpr Lang kLangs[] = {Lang::Zh, Lang::En};

bool has_non_ascii(const std::string& s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

// What no message on screen may contain: snake_case ids, error code names, English in Chinese
// mode, Chinese in English mode; and it must be a sentence.
void check_sentence(const std::string& message, Lang lang, const std::string& what) {
  INFO(what << (lang == Lang::Zh ? " (zh): " : " (en): ") << message);
  REQUIRE_FALSE(message.empty());
  CHECK_FALSE(std::regex_search(message, std::regex("[A-Za-z0-9]+_[A-Za-z0-9_]+")));
  for (const char* id : {"Invalid", "NotFound", "not_found", "Conflict", "Unavailable",
                         "PermissionDenied", "Unauthenticated", "Internal", "{}"}) {
    CHECK(message.find(id) == std::string::npos);
  }
  if (lang == Lang::Zh) {
    CHECK_FALSE(std::regex_search(message, std::regex("[A-Za-z]")));
    CHECK(has_non_ascii(message));
    const bool ends = message.ends_with("。") || message.ends_with("！");
    CHECK(ends);
  } else {
    CHECK_FALSE(has_non_ascii(message));
    CHECK(std::isupper(static_cast<unsigned char>(message.front())));
    CHECK((message.back() == '.' || message.back() == '!'));
  }
}

// Staff see the sentence, then "详情：" / "Detail:" and the station's own words.
std::string sentence_part(const std::string& staff_message) {
  for (const char* mark : {"  详情：", "  Detail: "}) {
    const auto at = staff_message.find(mark);
    if (at != std::string::npos) return staff_message.substr(0, at);
  }
  return staff_message;
}

}  // namespace

TEST_CASE("every station error after every action reads as a sentence in the language") {
  const ErrorCode codes[] = {ErrorCode::Invalid,          ErrorCode::NotFound,
                             ErrorCode::AlreadyExists,    ErrorCode::Conflict,
                             ErrorCode::PermissionDenied, ErrorCode::Locked,
                             ErrorCode::Unauthenticated,  ErrorCode::WrongKey,
                             ErrorCode::NotADatabase,     ErrorCode::Corrupt,
                             ErrorCode::TooNew,           ErrorCode::DiskFull,
                             ErrorCode::ReadOnly,         ErrorCode::Io,
                             ErrorCode::Unavailable,      ErrorCode::Rejected,
                             ErrorCode::Internal};
  const kiosk::KioskAction actions[] = {
      kiosk::KioskAction::TakeNumber, kiosk::KioskAction::Report,  kiosk::KioskAction::Progress,
      kiosk::KioskAction::Rate,       kiosk::KioskAction::Book,    kiosk::KioskAction::CheckIn,
      kiosk::KioskAction::SignIn,     kiosk::KioskAction::Console, kiosk::KioskAction::WalkIn,
      kiosk::KioskAction::CaseDesk};
  for (auto action : actions) {
    for (auto code : codes) {
      const Status st(code, "internal words: no_such_line 'env_sanitation' NotFound");
      for (Lang lang : kLangs) {
        const std::string s = kiosk::error_sentence(st, action, lang);
        check_sentence(s, lang, std::string(to_string(code)));
        CHECK(s.find("internal words") == std::string::npos);
      }
    }
  }
}

TEST_CASE("a resident's failed steps show a sentence in Chinese and in English") {
  for (Lang lang : kLangs) {
    test::StationFixture f;
    CAPTURE(lang == Lang::Zh);

    kiosk::TakeNumberState take;
    take.line = 99;
    CHECK_FALSE(kiosk::take_number(*f.station, take, lang).is_ok());
    check_sentence(take.error, lang, "take_number");

    kiosk::ReportState report;
    report.source = "no_such_source";
    report.detail = "路灯不亮";
    CHECK_FALSE(kiosk::submit_report(*f.station, report, lang).is_ok());
    check_sentence(report.error, lang, "submit_report");

    station::Cases cases(*f.station);
    const auto made = cases.record(std::nullopt, {"env_sanitation", core::CaseChannel::Kiosk,
                                                  "路灯不亮", std::nullopt, std::nullopt, false});
    REQUIRE(made.is_ok());
    kiosk::ProgressState progress;
    progress.code = made->tracking_code;
    progress.last4 = "0000";
    CHECK_FALSE(kiosk::check_progress(*f.station, progress, lang).is_ok());
    check_sentence(progress.error, lang, "check_progress, wrong second part");
    progress.code = made->tracking_code;  // the tracking code alone
    progress.last4.clear();
    CHECK_FALSE(kiosk::check_progress(*f.station, progress, lang).is_ok());
    check_sentence(progress.error, lang, "check_progress, code alone");
    progress.code = "AB";
    progress.last4 = made->check_code;
    CHECK_FALSE(kiosk::check_progress(*f.station, progress, lang).is_ok());
    check_sentence(progress.error, lang, "check_progress, malformed code");

    kiosk::RateState rate;
    CHECK_FALSE(kiosk::rate_service(*f.station, rate, core::Rating::Satisfied, lang).is_ok());
    check_sentence(rate.error, lang, "rate_service, empty");
    rate.reference = "Z999";
    CHECK_FALSE(kiosk::rate_service(*f.station, rate, core::Rating::Satisfied, lang).is_ok());
    check_sentence(rate.error, lang, "rate_service, unknown");
    station::Queue queue(*f.station);
    const core::Window& window = f.station->catalog().windows_for(f.station->community()).front();
    auto waiting = queue.take({window.lines.front(), "", core::Priority::None, "", std::nullopt});
    REQUIRE(waiting.is_ok());
    rate.reference = waiting->ticket.label;  // not served yet
    CHECK_FALSE(kiosk::rate_service(*f.station, rate, core::Rating::Satisfied, lang).is_ok());
    check_sentence(rate.error, lang, "rate_service, not served");

    kiosk::BookState book;
    book.slot = "no_such_slot@2026-11-25";
    book.phone = "13912345678";
    CHECK_FALSE(kiosk::book_slot(*f.station, book, lang).is_ok());
    check_sentence(book.error, lang, "book_slot");
    book = {};
    book.phone = "13912345678";
    CHECK_FALSE(kiosk::check_in_by_phone(*f.station, book, lang).is_ok());
    check_sentence(book.error, lang, "check_in_by_phone");
  }
}

TEST_CASE("staff's failed steps show the sentence first, the station's detail after it") {
  for (Lang lang : kLangs) {
    test::StationFixture f;
    CAPTURE(lang == Lang::Zh);

    kiosk::StaffState staff;
    staff.staff_no = "S002";
    staff.pin = "111111";
    CHECK_FALSE(kiosk::staff_sign_in(*f.station, staff, lang).is_ok());
    check_sentence(staff.error, lang, "staff_sign_in");  // no detail before signing in
    CHECK(staff.error.find("S002") == std::string::npos);

    kiosk::StaffState signed_out;
    CHECK_FALSE(
        kiosk::console_act(*f.station, signed_out, kiosk::ConsoleAction::CallNext, lang).is_ok());
    check_sentence(signed_out.error, lang, "console_act, signed out");

    staff = {};
    staff.session = f.staff;
    staff.window = f.station->catalog().windows_for(f.station->community()).front().number;
    CHECK_FALSE(
        kiosk::console_act(*f.station, staff, kiosk::ConsoleAction::CallNext, lang).is_ok());
    check_sentence(sentence_part(staff.error), lang, "console_act, nobody waiting");

    kiosk::CaseDeskState desk;
    desk.source = "no_such_source";
    desk.description = "路灯不亮";
    CHECK_FALSE(kiosk::record_walk_in(*f.station, f.staff, desk, lang).is_ok());
    check_sentence(sentence_part(desk.error), lang, "record_walk_in");
    CHECK(desk.error.find(lang == Lang::Zh ? "详情：" : "Detail: ") != std::string::npos);
  }
}

TEST_CASE("the progress screen's second field is labelled for the phone or the check code") {
  for (const char* key : {"progress.second_label", "progress.second_short", "report.check_code",
                          "report.check_code_label", "report.keep_check", "report.printed",
                          "report.printer_failed"}) {
    CHECK(kiosk::has_string(key));
  }
  CHECK(std::string(kiosk::tr(Lang::Zh, "progress.second_label")) == "手机后四位或回执上的验证码");
  CHECK(std::string(kiosk::tr(Lang::En, "progress.second_label")) ==
        "Last 4 phone digits or the receipt's check code");
}
