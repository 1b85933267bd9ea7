// What the kiosk prints: the ticket slip and the case receipt.
#include "impl.hpp"
#include "string_tables.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/platform/ticket_printer.hpp"

namespace weimin::kiosk {
namespace {

const std::string& pick(const core::Text& text, Lang lang) {
  return lang == Lang::En && !text.en.empty() ? text.en : text.zh;
}

std::string station_name(const station::Station& station) {
  if (const auto* c = station.catalog().community_by_code(station.community()))
    return c->name.zh + "为民服务站";
  return {};
}

}  // namespace

const std::vector<StringEntry>& receipt_strings() {
  static const std::vector<StringEntry> table = {};
  return table;
}

void App::Impl::on_ticket_taken() {
  say_ticket();
  resident.take.printer_failed = false;
  if (!devices.printer) return;
  const station::TicketReceipt* receipt = resident.take.receipt ? &*resident.take.receipt : nullptr;
  if (!receipt && resident.book.checked_in) receipt = &resident.book.checked_in->ticket;
  if (!receipt) return;
  const core::Catalog& cat = station.catalog();
  platform::TicketSlip slip;
  slip.station_name = station_name(station);
  slip.ticket_label = receipt->ticket.label;
  if (const auto* line = cat.line_by_number(receipt->ticket.line))
    slip.line_name = pick(line->name, lang());
  slip.waiting_ahead = receipt->wait.people_ahead;
  slip.wait_minutes = receipt->wait.minutes;
  slip.issued_at = core::local_date_time(clock.now_ms());
  if (core::is_priority(receipt->ticket.priority))
    slip.note = "优先 Priority: " + receipt->ticket.reason;
  slip.english = lang() == Lang::En;
  // A printer that fails leaves the number on screen, large, with a line saying so.
  resident.take.printer_failed = !devices.printer->print_ticket(slip).is_ok();
}

void App::Impl::on_report_done() {
  ReportState& report = resident.report;
  report.printer_failed = false;
  if (!report.receipt) return;
  const core::Catalog& cat = station.catalog();
  platform::CaseReceiptSlip slip;
  slip.station_name = station_name(station);
  slip.tracking_number = report.receipt->tracking_code;
  slip.check_code = report.receipt->check_code;
  if (const auto* source = cat.source_by_id(report.source))
    slip.category = pick(source->name, lang());
  if (const auto* place = cat.place_by_id(report.place)) slip.place = pick(place->name, lang());
  if (!report.place_text.empty()) {
    slip.place += (slip.place.empty() ? "" : " · ") + report.place_text;
  }
  // What, without where (the slip prints where on its own line).
  ReportState what = report;
  what.place.clear();
  what.place_text.clear();
  slip.summary = report_description(cat, what);  // as sent; the printer masks personal numbers
  slip.submitted_at = core::local_date_time(clock.now_ms());
  // The phone left the screen's state at submit; the case keeps it, shown masked.
  station::Cases cases(station);
  if (auto view = cases.view(report.receipt->case_id); view.is_ok()) {
    slip.masked_phone = view->phone_masked;
  }
  slip.english = lang() == Lang::En;
  // A printer that fails: the codes stay on screen, large, with a line saying so (without a
  // printer the screen asks to write them down).
  report.printer_failed = devices.printer && !devices.printer->print_receipt(slip).is_ok();
}

}  // namespace weimin::kiosk
