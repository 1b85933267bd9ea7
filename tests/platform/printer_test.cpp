// ESC/POS tickets and receipts: bytes pinned by golden files, GB18030 text, the QR raster, and
// the printers' failures in plain words (missing device, device that accepts nothing, no
// printer configured).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "temp_dir.hpp"
#include "weimin/platform/ticket_printer.hpp"

namespace fs = std::filesystem;
using namespace weimin;
using namespace weimin::platform;
using weimin::test::TempDir;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Compares with the golden file; WEIMIN_UPDATE_GOLDEN=1 writes it instead (then inspect it with
// hexdump before committing).
void check_golden(const std::string& name, const std::string& bytes) {
  const fs::path golden = fs::path(WEIMIN_PLATFORM_GOLDEN) / name;
  if (std::getenv("WEIMIN_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << bytes;
  }
  REQUIRE_MESSAGE(fs::exists(golden), "missing golden file " << golden.string());
  const std::string expected = read_all(golden);
  CHECK(expected.size() == bytes.size());
  CHECK_MESSAGE(expected == bytes, "bytes differ from " << golden.string());
}

TicketSlip ticket() {
  TicketSlip slip;
  slip.station_name = "华山街道大观社区为民服务站";
  slip.ticket_label = "A012";
  slip.line_name = "社会事务";
  slip.waiting_ahead = 3;
  slip.wait_minutes = 9;
  slip.issued_at = "2026-11-23 09:15";
  slip.note = "优先";
  return slip;
}

CaseReceiptSlip receipt() {
  CaseReceiptSlip slip;
  slip.station_name = "华山街道大观社区为民服务站";
  slip.tracking_number = "WH-20261123-0042";
  slip.summary = "楼道灯坏了，联系 13912345678";
  slip.submitted_at = "2026-11-23 09:20";
  slip.masked_phone = "13912345678";
  slip.follow_up = "凭跟踪号到窗口查询";
  return slip;
}

}  // namespace

TEST_CASE("printer: a ticket's ESC/POS bytes match the golden file") {
  auto bytes = escpos_ticket(ticket());
  REQUIRE(bytes.is_ok());
  check_golden("ticket_zh.bin", *bytes);
  // The commands meant: reset, Chinese mode, four-times size for the number, feed and cut.
  CHECK(bytes->rfind("\x1b\x40\x1c\x26", 0) == 0);
  CHECK(bytes->find("\x1d\x21\x33\x1b\x45\x01"
                    "A012\n") != std::string::npos);
  CHECK(bytes->find(*to_gb18030("社会事务")) != std::string::npos);
  CHECK(bytes->substr(bytes->size() - 7) == std::string("\x1b\x64\x04\x1d\x56\x42\x00", 7));
}

TEST_CASE("printer: an English ticket and a case receipt match their golden files") {
  TicketSlip en = ticket();
  en.english = true;
  en.note = "Priority";
  auto ticket_bytes = escpos_ticket(en);
  REQUIRE(ticket_bytes.is_ok());
  check_golden("ticket_en.bin", *ticket_bytes);
  CHECK(ticket_bytes->find("3 people ahead of you\n") != std::string::npos);
  CHECK(ticket_bytes->find("Estimated wait: about 9 minutes\n") != std::string::npos);

  auto receipt_bytes = escpos_receipt(receipt());
  REQUIRE(receipt_bytes.is_ok());
  check_golden("receipt_zh.bin", *receipt_bytes);
}

TEST_CASE("printer: a receipt carries the QR raster and never a clear phone number") {
  auto bytes = escpos_receipt(receipt());
  REQUIRE(bytes.is_ok());
  const std::size_t qr = bytes->find("\x1d\x76\x30");
  REQUIRE(qr != std::string::npos);
  const auto u8 = [&](std::size_t i) { return static_cast<unsigned char>((*bytes)[i]); };
  const int row_bytes = u8(qr + 4) | (u8(qr + 5) << 8);
  const int rows = u8(qr + 6) | (u8(qr + 7) << 8);
  // A version-1 or -2 code (21 or 25 modules) plus the quiet zone, 4 dots a module, square.
  CHECK(rows % 4 == 0);
  CHECK((rows / 4 == 29 || rows / 4 == 33));
  CHECK(row_bytes == (rows + 7) / 8);
  REQUIRE(bytes->size() > qr + 8 + static_cast<std::size_t>(row_bytes * rows));
  int dark = 0;
  for (int i = 0; i < row_bytes * rows; ++i) dark += __builtin_popcount(u8(qr + 8 + i));
  CHECK(dark > rows * rows / 5);  // a QR code is roughly half dark; a blank raster is not
  CHECK(dark < rows * rows * 7 / 10);
  CHECK(bytes->find("13912345678") == std::string::npos);
  CHECK(bytes->find("139****5678") != std::string::npos);
}

TEST_CASE("printer: control bytes in the text are not passed to the printer as commands") {
  TicketSlip slip = ticket();
  slip.line_name = "x\x1b\x40y\x1d\x56z";
  auto bytes = escpos_ticket(slip);
  REQUIRE(bytes.is_ok());
  CHECK(bytes->find("x @y Vz\n") != std::string::npos);
}

TEST_CASE("printer: text that is not UTF-8 is refused with Invalid") {
  TicketSlip slip = ticket();
  slip.line_name = "\xff\xfe";
  auto bytes = escpos_ticket(slip);
  REQUIRE_FALSE(bytes.is_ok());
  CHECK(bytes.status().code() == ErrorCode::Invalid);
  CHECK(bytes.status().message().find("not valid UTF-8") != std::string::npos);
}

TEST_CASE("printer: GB18030 conversion of Chinese and ASCII text") {
  auto gb = to_gb18030("A012 号");
  REQUIRE(gb.is_ok());
  CHECK(*gb == std::string("A012 \xba\xc5"));
}

TEST_CASE("printer: the null printer says no printer is configured") {
  NullPrinter printer;
  Status st = printer.print_ticket(ticket());
  CHECK(st.code() == ErrorCode::Unavailable);
  CHECK(st.message().find("no printer configured") != std::string::npos);
  CHECK(printer.print_receipt(receipt()).code() == ErrorCode::Unavailable);
}

TEST_CASE("printer: the file printer appends each job") {
  TempDir dir;
  FilePrinter printer(dir / "spool.bin");
  REQUIRE(printer.print_ticket(ticket()).is_ok());
  REQUIRE(printer.print_receipt(receipt()).is_ok());
  CHECK(read_all(dir / "spool.bin") == *escpos_ticket(ticket()) + *escpos_receipt(receipt()));
}

TEST_CASE("printer: a missing device is 'printer not connected' and nothing is created") {
  TempDir dir;
  DevicePrinter printer(dir / "lp0");
  Status st = printer.print_ticket(ticket());
  CHECK(st.code() == ErrorCode::Unavailable);
  CHECK(st.message().find("printer not connected") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "lp0"));
}

TEST_CASE("printer: a device nobody reads is 'not answering', within the timeout") {
  TempDir dir;
  const fs::path fifo = dir / "lp0";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  DevicePrinter printer(fifo, std::chrono::milliseconds(200));
  SUBCASE("no reader at all") {
    Status st = printer.print_ticket(ticket());
    CHECK(st.code() == ErrorCode::Unavailable);
    CHECK(st.message().find("not answering") != std::string::npos);
  }
  SUBCASE("a reader that takes nothing (a full buffer, as when out of paper)") {
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(reader >= 0);
    const int filler = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(filler >= 0);
    const std::string block(4096, 'x');
    while (::write(filler, block.data(), block.size()) > 0) {
    }
    const auto start = std::chrono::steady_clock::now();
    Status st = printer.print_receipt(receipt());
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(st.code() == ErrorCode::Unavailable);
    CHECK(st.message().find("not answering or is out of paper") != std::string::npos);
    CHECK(took < std::chrono::seconds(5));
    ::close(filler);
    ::close(reader);
  }
}

TEST_CASE("printer: a device that refuses writes is 'out of paper'") {
  DevicePrinter printer("/dev/full");
  Status st = printer.print_ticket(ticket());
  CHECK(st.code() == ErrorCode::Unavailable);
  CHECK(st.message().find("out of paper") != std::string::npos);
}

// [SECTION] Take it home: the receipt of a case without a phone, the ticket's wait

namespace {

CaseReceiptSlip anonymous_receipt(bool english) {
  CaseReceiptSlip slip;
  slip.station_name = "华山街道大观社区为民服务站";
  slip.tracking_number = "WH-20261123-0042";
  slip.check_code = "305118";
  slip.category = english ? "Environment and sanitation" : "环境卫生";
  slip.place = english ? "Building 3 · by the door of unit 2" : "3栋 · 2单元门口";
  slip.summary = "楼道灯坏了，身份证 53010219800101123X";
  slip.submitted_at = "2026-11-23 09:20";
  slip.english = english;
  return slip;
}

// The QR raster of a job: from GS v 0 through its rows.
std::string qr_of(const std::string& bytes) {
  const std::size_t at = bytes.find("\x1d\x76\x30");
  REQUIRE(at != std::string::npos);
  const auto u8 = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const std::size_t size = 8 + static_cast<std::size_t>((u8(at + 4) | (u8(at + 5) << 8)) *
                                                        (u8(at + 6) | (u8(at + 7) << 8)));
  return bytes.substr(at, size);
}

}  // namespace

TEST_CASE("printer: a ticket carries the estimated wait in Chinese and in English") {
  auto zh = escpos_ticket(ticket());
  REQUIRE(zh.is_ok());
  CHECK(zh->find(*to_gb18030("预计等待约 9 分钟\n")) != std::string::npos);
  TicketSlip en = ticket();
  en.english = true;
  en.wait_minutes = 1;
  CHECK(escpos_ticket(en)->find("Estimated wait: about 1 minute\n") != std::string::npos);
  TicketSlip unknown = ticket();
  unknown.wait_minutes = -1;
  CHECK(escpos_ticket(unknown)->find(*to_gb18030("预计等待")) == std::string::npos);
}

TEST_CASE("printer: a receipt without a phone prints the check code large and labelled") {
  auto zh = escpos_receipt(anonymous_receipt(false));
  REQUIRE(zh.is_ok());
  check_golden("receipt_check_code_zh.bin", *zh);
  // Labelled, then double size and bold on its own line.
  const std::size_t label = zh->find(*to_gb18030("验证码（查询进度用）："));
  REQUIRE(label != std::string::npos);
  CHECK(zh->find("\x1d\x21\x11  305118\n", label) != std::string::npos);
  // What was reported: category, where, and the description with the ID number masked.
  CHECK(zh->find(*to_gb18030("问题类别：环境卫生")) != std::string::npos);
  CHECK(zh->find(*to_gb18030("地点：3栋 · 2单元门口")) != std::string::npos);
  CHECK(zh->find("53010219800101123X") == std::string::npos);
  CHECK(zh->find("530102********123X") != std::string::npos);
  // How to follow it: the kiosk's progress screen with the check code, or a window.
  CHECK(zh->find(*to_gb18030("输入查询码和验证码；也可到窗口查询")) != std::string::npos);

  auto en = escpos_receipt(anonymous_receipt(true));
  REQUIRE(en.is_ok());
  CHECK(en->find("Check code (to follow your case):") != std::string::npos);
  CHECK(en->find("  305118\n") != std::string::npos);
  CHECK(en->find("Problem: Environment and sanitation\n") != std::string::npos);
  CHECK(en->find("Where: Building 3") != std::string::npos);
  CHECK(en->find("the tracking number and the check code; or ask at a window.") !=
        std::string::npos);
}

TEST_CASE("printer: the receipt's QR code carries the tracking number only") {
  const auto with_code = escpos_receipt(anonymous_receipt(false)).value();
  CaseReceiptSlip bare;
  bare.tracking_number = "WH-20261123-0042";
  const auto tracking_only = escpos_receipt(bare).value();
  // The same raster as a slip that holds nothing but the tracking number.
  CHECK(qr_of(with_code) == qr_of(tracking_only));
  CaseReceiptSlip other = bare;
  other.tracking_number = "WH-20261123-0043";
  CHECK(qr_of(escpos_receipt(other).value()) != qr_of(tracking_only));
}

TEST_CASE("printer: a receipt with a phone prints no check code and says to use the last four") {
  auto bytes = escpos_receipt(receipt());
  REQUIRE(bytes.is_ok());
  CHECK(bytes->find(*to_gb18030("验证码")) == std::string::npos);
  CHECK(bytes->find(*to_gb18030("凭跟踪号到窗口查询")) != std::string::npos);  // its own follow-up
  CaseReceiptSlip own = receipt();
  own.follow_up.clear();
  CHECK(escpos_receipt(own)->find(*to_gb18030("输入查询码和手机后四位")) != std::string::npos);
}
