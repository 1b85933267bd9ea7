// Take it home: after a report at the kiosk the receipt prints (tracking number, the check code
// of a case without a phone, what and where, how to follow it, the QR code); a printer that
// fails leaves the codes on screen; the ticket slip carries the estimated wait.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "kiosk_fixture.hpp"
#include "station_fixture.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/platform/ticket_printer.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;

namespace {

struct BrokenPrinter final : platform::TicketPrinter {
  int receipts = 0;
  Status print_ticket(const platform::TicketSlip&) override { return Status::ok(); }
  Status print_receipt(const platform::CaseReceiptSlip&) override {
    ++receipts;
    return Status(ErrorCode::Unavailable, "paper out");
  }
  std::string describe() const override { return "broken printer"; }
};

struct PrintingKiosk : test::KioskFixture {
  platform::FilePrinter file_printer{dir / "printed.bin"};
  explicit PrintingKiosk(platform::TicketPrinter* printer = nullptr) {
    kiosk::Devices devices;
    devices.printer = printer ? printer : &file_printer;
    open({}, devices);
  }
  std::string printed() {
    std::ifstream in(dir / "printed.bin", std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Reports "路灯不亮" under the first category, with `place_text` as where, and no phone.
  void report_without_phone(const std::string& place_text) {
    const std::string source = station->catalog().whistle_sources.front().id;
    tap("home.report");
    tap("report.source." + source);
    app->resident().report.place_text = place_text;
    tap("report.next");  // where
    tap("report.phrase." + station->catalog().phrases_for(source).front()->id);
    tap("report.next");  // what
    REQUIRE(app->resident().report.step == 3);
    tap("report.next");  // no phone
    REQUIRE(app->resident().report.step == 4);
    tap("report.submit");
    REQUIRE_MESSAGE(app->resident().screen == kiosk::Screen::ReportDone,
                    app->resident().report.error);
  }
};

bool has(const std::string& bytes, const std::string& utf8) {
  auto gb = platform::to_gb18030(utf8);
  REQUIRE(gb.is_ok());
  return bytes.find(*gb) != std::string::npos;
}

}  // namespace

TEST_CASE("a report without a phone prints a receipt with its check code, what and where") {
  PrintingKiosk k;
  k.report_without_phone("3栋2单元门口");
  const auto& report = k.app->resident().report;
  REQUIRE(report.receipt.has_value());
  const std::string code = report.receipt->check_code;
  REQUIRE(code.size() == 6);
  CHECK_FALSE(report.printer_failed);

  const std::string bytes = k.printed();
  REQUIRE_FALSE(bytes.empty());
  CHECK(has(bytes, "查询码：" + report.receipt->tracking_code));
  CHECK(has(bytes, "验证码（查询进度用）："));
  CHECK(bytes.find("  " + code + "\n") != std::string::npos);
  const auto& source = k.station->catalog().whistle_sources.front();
  CHECK(has(bytes, "问题类别：" + source.name.zh));
  CHECK(has(bytes, "地点：3栋2单元门口"));
  CHECK(has(bytes, "反映内容：" + k.station->catalog().phrases_for(source.id).front()->text.zh));
  CHECK(has(bytes, "输入查询码和验证码"));
  CHECK(bytes.find("\x1d\x76\x30") != std::string::npos);  // the QR raster

  // The code on the receipt opens the case's progress, with the tracking number.
  station::Cases cases(*k.station);
  CHECK(cases.progress_for_resident(report.receipt->tracking_code, code).is_ok());
}

TEST_CASE("in English mode the receipt is printed in English") {
  PrintingKiosk k;
  k.app->resident().prefs.lang = kiosk::Lang::En;
  k.report_without_phone("");
  const std::string bytes = k.printed();
  CHECK(bytes.find("Case receipt") != std::string::npos);
  CHECK(bytes.find("Check code (to follow your case):") != std::string::npos);
  const auto& source = k.station->catalog().whistle_sources.front();
  if (!source.name.en.empty()) CHECK(bytes.find("Problem: " + source.name.en) != std::string::npos);
  CHECK(bytes.find("Where:") == std::string::npos);  // no place given, no line for it
}

TEST_CASE("a receipt that does not print leaves the codes on screen and says so") {
  BrokenPrinter broken;
  PrintingKiosk k(&broken);
  k.report_without_phone("");
  CHECK(broken.receipts == 1);
  const auto& report = k.app->resident().report;
  CHECK(k.app->resident().screen == kiosk::Screen::ReportDone);
  CHECK(report.printer_failed);
  REQUIRE(report.receipt.has_value());
  CHECK_FALSE(report.receipt->check_code.empty());
  // The case is recorded all the same.
  station::Cases cases(*k.station);
  CHECK(cases.view(report.receipt->case_id).is_ok());
}

TEST_CASE("a report with a phone prints no check code, the phone masked") {
  PrintingKiosk k;
  const std::string source = k.station->catalog().whistle_sources.front().id;
  k.tap("home.report");
  k.tap("report.source." + source);
  k.tap("report.next");  // where
  k.tap("report.phrase." + k.station->catalog().phrases_for(source).front()->id);
  k.tap("report.next");
  REQUIRE(k.app->type_on_keypad("pad", "13912345678"));
  k.tap("report.consent");
  k.tap("report.next");
  k.tap("report.submit");
  REQUIRE(k.app->resident().screen == kiosk::Screen::ReportDone);
  CHECK(k.app->resident().report.receipt->check_code.empty());
  const std::string bytes = k.printed();
  CHECK_FALSE(has(bytes, "验证码"));
  CHECK(bytes.find("139****5678") != std::string::npos);
  CHECK(bytes.find("13912345678") == std::string::npos);
  CHECK(has(bytes, "输入查询码和手机后四位"));
}

TEST_CASE("the ticket slip carries the estimated wait") {
  PrintingKiosk k;
  station::Queue queue(*k.station);
  const core::Window& window = k.station->catalog().windows_for(k.station->community()).front();
  const int line = window.lines.front();
  REQUIRE(queue.take({line, "", core::Priority::None, "", std::nullopt}).is_ok());  // one ahead
  k.tap("home.take");
  k.tap("take.line." + std::to_string(line));
  k.tap("take.confirm");
  REQUIRE(k.app->resident().take.receipt.has_value());
  const int minutes = k.app->resident().take.receipt->wait.minutes;
  CHECK(minutes > 0);
  CHECK(has(k.printed(), "预计等待约 " + std::to_string(minutes) + " 分钟"));
}
