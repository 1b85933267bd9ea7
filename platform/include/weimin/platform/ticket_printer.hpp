// TicketPrinter: the thermal printer beside the kiosk (小票打印机). It prints queue tickets and
// case receipts as ESC/POS bytes (text in GB18030, the case's tracking number also as a QR
// code). DevicePrinter writes to a printer device such as /dev/usb/lp0, FilePrinter to a file,
// NullPrinter always fails with "no printer configured". A failed print never stops the kiosk:
// the ticket is already issued; the kiosk shows the number large and the printer's message.
// The escpos_* functions make the bytes and are pure, so golden files can pin them down.
// Thread-safety: a printer may be used from one thread at a time; escpos_* are thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "weimin/core/result.hpp"

namespace weimin::platform {

// A queue ticket (排队小票). Text is UTF-8; the printer gets GB18030.
struct TicketSlip {
  std::string station_name;  // "五华区华山街道某某社区为民服务站"
  std::string ticket_label;  // "A012", printed double size
  std::string line_name;     // "社会事务"
  int waiting_ahead = 0;     // people before this ticket
  int wait_minutes = -1;     // the estimated wait in whole minutes; < 0: not printed
  std::string issued_at;     // local time as shown, "2026-11-23 09:15"
  std::string note;          // optional: "优先 Priority", appointment …; may be empty
  bool english = false;      // labels in English instead of Chinese
};

// A case receipt (回执) given when a resident reports a problem at the kiosk.
struct CaseReceiptSlip {
  std::string station_name;
  std::string tracking_number;  // printed, and carried by the QR code (the only thing it carries)
  // A case reported without a phone: the check code (验证码) that, with the tracking number,
  // opens the case's progress. Printed large and labelled; empty: none (the phone's last four
  // digits do that instead).
  std::string check_code;
  std::string category;      // what kind of problem: "环境卫生"; may be empty
  std::string place;         // where: "3栋 · 2单元门口"; may be empty
  std::string summary;       // what was reported (personal numbers are masked when printed)
  std::string submitted_at;  // local time as shown
  std::string masked_phone;  // "139****5678" (a full number is masked); may be empty
  // How to follow the case, one line each ('\n' between them). Empty: the printer's own words
  // (the kiosk's 进度查询 with the tracking number and the last four phone digits or the check
  // code, or at a window).
  std::string follow_up;
  bool english = false;
};

class TicketPrinter {
 public:
  virtual ~TicketPrinter() = default;
  // Ok when the bytes were handed to the printer. Unavailable with plain words otherwise:
  // "no printer configured", "printer not connected (/dev/usb/lp0 is missing)", "printer not
  // answering or out of paper". Invalid when the slip cannot be printed (text not
  // representable in GB18030).
  virtual Status print_ticket(const TicketSlip& slip) = 0;
  virtual Status print_receipt(const CaseReceiptSlip& slip) = 0;
  // "printer /dev/usb/lp0", for messages and the status line.
  virtual std::string describe() const = 0;
};

// Always fails with Unavailable "no printer configured".
class NullPrinter final : public TicketPrinter {
 public:
  Status print_ticket(const TicketSlip&) override;
  Status print_receipt(const CaseReceiptSlip&) override;
  std::string describe() const override { return "no printer"; }
};

// Appends each job to a file (created 0644 if missing): a print spool or a test's output.
class FilePrinter final : public TicketPrinter {
 public:
  explicit FilePrinter(std::filesystem::path file) : file_(std::move(file)) {}
  Status print_ticket(const TicketSlip& slip) override;
  Status print_receipt(const CaseReceiptSlip& slip) override;
  std::string describe() const override { return "print file '" + file_.string() + "'"; }

 private:
  Status write_job(const std::string& bytes);
  std::filesystem::path file_;
};

// Writes to an existing printer device (never creates it), opened O_WRONLY|O_NONBLOCK for each
// job; the whole job must be accepted within `timeout` or the print fails.
class DevicePrinter final : public TicketPrinter {
 public:
  explicit DevicePrinter(std::filesystem::path device,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(3000))
      : device_(std::move(device)), timeout_(timeout) {}
  Status print_ticket(const TicketSlip& slip) override;
  Status print_receipt(const CaseReceiptSlip& slip) override;
  std::string describe() const override { return "printer " + device_.string(); }

 private:
  Status write_job(const std::string& bytes);
  std::filesystem::path device_;
  std::chrono::milliseconds timeout_;
};

// The ESC/POS job for a slip: initialise, GB18030 text, a double-size ticket number, a QR code
// (receipts), feed and cut. Invalid when text cannot be converted to GB18030.
Result<std::string> escpos_ticket(const TicketSlip& slip);
Result<std::string> escpos_receipt(const CaseReceiptSlip& slip);

// UTF-8 to GB18030 (glibc iconv). Invalid on malformed UTF-8.
Result<std::string> to_gb18030(const std::string& utf8);

}  // namespace weimin::platform
