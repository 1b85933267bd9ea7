#include "weimin/platform/ticket_printer.hpp"

#include <fcntl.h>
#include <iconv.h>
#include <poll.h>
#include <qrencode.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "weimin/core/mask.hpp"

namespace weimin::platform {
namespace {

// [SECTION] ESC/POS commands

const std::string kInit = "\x1b\x40";         // ESC @: reset
const std::string kChineseMode = "\x1c\x26";  // FS &: double-byte (GB18030) characters on
const std::string kCenter = "\x1b\x61\x01";   // ESC a 1
const std::string kLeft = std::string("\x1b\x61\x00", 3);
const std::string kBoldOn = "\x1b\x45\x01";  // ESC E 1
const std::string kBoldOff = std::string("\x1b\x45\x00", 3);
const std::string kSizeNormal = std::string("\x1d\x21\x00", 3);  // GS ! 0
const std::string kSizeDouble = "\x1d\x21\x11";              // GS ! 0x11: double width and height
const std::string kSizeHuge = "\x1d\x21\x33";                // GS ! 0x33: four times
const std::string kFeedAndCut = "\x1b\x64\x04\x1d\x56\x42";  // ESC d 4, GS V 66 n

std::string cut() {
  return kFeedAndCut + std::string(1, '\0');
}

// Control bytes in the slip's text could be taken as printer commands: keep newlines, turn any
// other C0 control and DEL into a space.
std::string printable(const std::string& utf8) {
  std::string out = utf8;
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n') || u == 0x7f) c = ' ';
  }
  return out;
}

class Job {
 public:
  Status text(const std::string& utf8) {
    WEIMIN_ASSIGN_OR_RETURN(std::string gb, to_gb18030(printable(utf8)));
    bytes_ += gb;
    bytes_ += '\n';
    return Status::ok();
  }
  void raw(const std::string& command) { bytes_ += command; }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

// The QR code as a raster image (GS v 0), made with libqrencode, so printers without a QR
// command print it too. Each module is `scale` dots; a 4-module quiet zone all round.
Result<std::string> qr_raster(const std::string& text, int scale) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!qr) {
    return Status(ErrorCode::Invalid, "cannot make a QR code of the tracking number '" + text +
                                          "': " + std::strerror(errno));
  }
  const int modules = qr->width + 8;
  const int dots = modules * scale;
  const int row_bytes = (dots + 7) / 8;
  std::string out = "\x1d\x76\x30";  // GS v 0
  out += '\0';                       // m = 0: normal size
  out += static_cast<char>(row_bytes & 0xff);
  out += static_cast<char>(row_bytes >> 8);
  out += static_cast<char>(dots & 0xff);
  out += static_cast<char>(dots >> 8);
  for (int y = 0; y < dots; ++y) {
    std::string row(static_cast<std::size_t>(row_bytes), '\0');
    const int my = y / scale - 4;
    for (int x = 0; x < dots; ++x) {
      const int mx = x / scale - 4;
      const bool dark = mx >= 0 && my >= 0 && mx < qr->width && my < qr->width &&
                        (qr->data[my * qr->width + mx] & 1) != 0;
      if (dark) row[static_cast<std::size_t>(x / 8)] |= static_cast<char>(0x80 >> (x % 8));
    }
    out += row;
  }
  out += '\n';
  return out;
}

// [SECTION] Writing a job

Status write_all_until(int fd, const std::string& bytes, std::chrono::milliseconds timeout,
                       const std::string& who) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      return Status(ErrorCode::Unavailable,
                    who + " is not answering or is out of paper (" + std::strerror(errno) +
                        "). The ticket is issued all the same; check the printer's paper and "
                        "cable.");
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLOUT, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      return Status(ErrorCode::Unavailable,
                    who + " is not answering or is out of paper (nothing accepted for " +
                        std::to_string(timeout.count()) + " ms" +
                        (done > 0 ? ", the slip may be printed only in part" : "") +
                        "). The ticket is issued all the same; check the printer's paper and "
                        "cable.");
    }
  }
  return Status::ok();
}

}  // namespace

Result<std::string> to_gb18030(const std::string& utf8) {
  iconv_t cd = ::iconv_open("GB18030", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return Status(ErrorCode::Internal, "the C library has no GB18030 converter (iconv)");
  }
  std::string out(utf8.size() * 4 + 8, '\0');
  char* in_ptr = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  const std::size_t r = ::iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  const int err = errno;
  ::iconv_close(cd);
  if (r == static_cast<std::size_t>(-1)) {
    return Status(ErrorCode::Invalid, "cannot print text that is not valid UTF-8 (byte " +
                                          std::to_string(utf8.size() - in_left) + " of '" +
                                          core::mask_personal_numbers_in_text(utf8.substr(0, 40)) +
                                          "…'): " + std::strerror(err));
  }
  out.resize(out.size() - out_left);
  return out;
}

Result<std::string> escpos_ticket(const TicketSlip& slip) {
  const bool en = slip.english;
  Job job;
  job.raw(kInit + kChineseMode + kCenter + kBoldOn);
  WEIMIN_TRY(job.text(slip.station_name));
  job.raw(kBoldOff);
  WEIMIN_TRY(job.text(slip.line_name));
  job.raw(kSizeHuge + kBoldOn);
  WEIMIN_TRY(job.text(slip.ticket_label));
  job.raw(kSizeNormal + kBoldOff);
  WEIMIN_TRY(job.text(en ? std::to_string(slip.waiting_ahead) +
                               (slip.waiting_ahead == 1 ? " person" : " people") + " ahead of you"
                         : "前面还有 " + std::to_string(slip.waiting_ahead) + " 人"));
  if (slip.wait_minutes >= 0) {
    const std::string m = std::to_string(slip.wait_minutes);
    WEIMIN_TRY(job.text(en ? "Estimated wait: about " + m +
                                 (slip.wait_minutes == 1 ? " minute" : " minutes")
                           : "预计等待约 " + m + " 分钟"));
  }
  if (!slip.note.empty()) WEIMIN_TRY(job.text(slip.note));
  WEIMIN_TRY(job.text(slip.issued_at));
  WEIMIN_TRY(job.text(en ? "Please wait to be called" : "请留意叫号，过号请重新取号"));
  job.raw(cut());
  return job.take();
}

Result<std::string> escpos_receipt(const CaseReceiptSlip& slip) {
  const bool en = slip.english;
  Job job;
  job.raw(kInit + kChineseMode + kCenter + kBoldOn);
  WEIMIN_TRY(job.text(slip.station_name));
  job.raw(kSizeDouble);
  WEIMIN_TRY(job.text(en ? "Case receipt" : "问题反映回执"));
  job.raw(kSizeNormal + kBoldOff + kLeft);
  // The kiosk's progress screen asks for the 查询码: the receipt uses the same word.
  WEIMIN_TRY(job.text((en ? "Tracking number: " : "查询码：") + slip.tracking_number));
  if (!slip.check_code.empty()) {
    job.raw(kBoldOn);
    WEIMIN_TRY(job.text(en ? "Check code (to follow your case):" : "验证码（查询进度用）："));
    job.raw(kSizeDouble);
    WEIMIN_TRY(job.text("  " + slip.check_code));
    job.raw(kSizeNormal + kBoldOff);
  }
  WEIMIN_TRY(job.text((en ? "Submitted: " : "提交时间：") + slip.submitted_at));
  if (!slip.category.empty()) {
    WEIMIN_TRY(job.text((en ? "Problem: " : "问题类别：") + slip.category));
  }
  if (!slip.place.empty()) {
    WEIMIN_TRY(
        job.text((en ? "Where: " : "地点：") + core::mask_personal_numbers_in_text(slip.place)));
  }
  if (!slip.masked_phone.empty()) {
    WEIMIN_TRY(
        job.text((en ? "Phone: " : "联系电话：") + (slip.masked_phone.find('*') != std::string::npos
                                                        ? slip.masked_phone
                                                        : core::mask_phone(slip.masked_phone))));
  }
  WEIMIN_TRY(job.text((en ? "Request: " : "反映内容：") +
                      core::mask_personal_numbers_in_text(slip.summary)));
  job.raw(kCenter);
  WEIMIN_ASSIGN_OR_RETURN(const std::string qr, qr_raster(slip.tracking_number, 4));
  job.raw(qr);
  WEIMIN_TRY(job.text(slip.tracking_number));
  job.raw(kLeft);
  WEIMIN_TRY(job.text(en ? "How to follow it:" : "如何查询进度："));
  if (!slip.follow_up.empty()) {
    WEIMIN_TRY(job.text(slip.follow_up));
  } else if (!slip.check_code.empty()) {
    WEIMIN_TRY(job.text(en ? "At the kiosk, tap Check progress and type the tracking number and "
                             "the check code; or ask at a window."
                           : "在本站自助机点“进度查询”，输入查询码和验证码；也可到窗口查询。"));
  } else {
    WEIMIN_TRY(job.text(en ? "At the kiosk, tap Check progress and type the tracking number and "
                             "the last 4 digits of your phone; or ask at a window."
                           : "在本站自助机点“进度查询”，输入查询码和手机后四位；也可到窗口查询。"));
  }
  job.raw(kCenter);
  WEIMIN_TRY(job.text(en ? "Keep this receipt; do not show it to others."
                         : "请妥善保管回执，不要交给他人。"));
  job.raw(cut());
  return job.take();
}

// [SECTION] Printers

Status NullPrinter::print_ticket(const TicketSlip&) {
  return Status(ErrorCode::Unavailable,
                "no printer configured; the number is issued, please note it from the screen");
}
Status NullPrinter::print_receipt(const CaseReceiptSlip&) {
  return Status(ErrorCode::Unavailable,
                "no printer configured; the case is recorded, please note the tracking number "
                "from the screen");
}

Status FilePrinter::write_job(const std::string& bytes) {
  const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status(ErrorCode::Unavailable,
                  "cannot open the print file '" + file_.string() + "': " + std::strerror(errno));
  }
  Status s = write_all_until(fd, bytes, std::chrono::milliseconds(3000), describe());
  ::close(fd);
  return s;
}
Status FilePrinter::print_ticket(const TicketSlip& slip) {
  WEIMIN_ASSIGN_OR_RETURN(const std::string bytes, escpos_ticket(slip));
  return write_job(bytes);
}
Status FilePrinter::print_receipt(const CaseReceiptSlip& slip) {
  WEIMIN_ASSIGN_OR_RETURN(const std::string bytes, escpos_receipt(slip));
  return write_job(bytes);
}

Status DevicePrinter::write_job(const std::string& bytes) {
  const int fd = ::open(device_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) {
      return Status(ErrorCode::Unavailable, "printer not connected (" + device_.string() +
                                                " is missing). Check its USB cable and power.");
    }
    if (err == ENXIO || err == ENODEV) {
      return Status(ErrorCode::Unavailable, "printer not answering (" + device_.string() + ": " +
                                                std::strerror(err) +
                                                "). Check that it is switched on.");
    }
    return Status(ErrorCode::Unavailable,
                  "cannot open the printer " + device_.string() + ": " + std::strerror(err) +
                      (err == EACCES ? ". Add this user to group lp." : ""));
  }
  Status s = write_all_until(fd, bytes, timeout_, "the printer " + device_.string());
  ::close(fd);
  return s;
}
Status DevicePrinter::print_ticket(const TicketSlip& slip) {
  WEIMIN_ASSIGN_OR_RETURN(const std::string bytes, escpos_ticket(slip));
  return write_job(bytes);
}
Status DevicePrinter::print_receipt(const CaseReceiptSlip& slip) {
  WEIMIN_ASSIGN_OR_RETURN(const std::string bytes, escpos_receipt(slip));
  return write_job(bytes);
}

}  // namespace weimin::platform
