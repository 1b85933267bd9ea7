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
  if (const auto* c = cat.community_by_code(station.community()))
    slip.station_name = c->name.zh + "为民服务站";
  slip.ticket_label = receipt->ticket.label;
  if (const auto* line = cat.line_by_number(receipt->ticket.line))
    slip.line_name = pick(line->name, lang());
  slip.waiting_ahead = receipt->wait.people_ahead;
  slip.issued_at = core::local_date_time(clock.now_ms());
  if (core::is_priority(receipt->ticket.priority))
    slip.note = "优先 Priority: " + receipt->ticket.reason;
  slip.english = lang() == Lang::En;
  // A printer that fails leaves the number on screen, large, with a line saying so.
  resident.take.printer_failed = !devices.printer->print_ticket(slip).is_ok();
}

void App::Impl::on_report_done() {
  resident.report.printer_failed = false;  // the receipt is printed by the receipt work
}

}  // namespace weimin::kiosk
