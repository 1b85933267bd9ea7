// Queue: numbered tickets (取号) and the windows that call them. Taking a ticket is public (the
// kiosk); calling, recalling, no-shows, transfers and finishing are staff actions at a window,
// audited. The day's queue is the fold of the day's ticket facts; calling is priority-aware but
// fair (core/queue.hpp). Each action is one transaction.
// Thread-safety: as Station.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "weimin/core/queue.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station {

struct TicketReceipt {
  core::Ticket ticket;
  core::WaitEstimate wait;  // people ahead and the estimated wait
};

struct TicketRequest {
  int line = 0;               // 1-10
  std::string service_item;   // optional catalog item; its line is used when line is 0
  core::Priority priority = core::Priority::None;
  std::string reason;         // why the priority, e.g. "80岁" or "残疾人证"
  std::optional<core::Uuid> booking;  // for an appointment check-in
};

class Queue {
 public:
  explicit Queue(Station& station, core::FairnessPolicy fairness = {})
      : station_(station), fairness_(fairness) {}

  // Issues the next number of the line. Invalid for an unknown line or item, a priority
  // without its reason, or a line no window of this station serves.
  Result<TicketReceipt> take(const TicketRequest& request);
  // The same inside the caller's open transaction (an appointment check-in issues its ticket
  // in the check-in's transaction).
  Result<TicketReceipt> take_in_transaction(const TicketRequest& request);

  // Calls the next ticket for the window's lines. NotFound when nobody waits for them;
  // Conflict when the window still has a ticket called or being served (finish it first).
  Result<core::Ticket> call_next(const Session& by, int window);
  // The window's current ticket, called again.
  Result<core::Ticket> recall(const Session& by, int window);
  Result<core::Ticket> no_show(const Session& by, int window);
  Result<core::Ticket> finish(const Session& by, int window);
  // Sends the window's current ticket to another line and/or window.
  Result<core::Ticket> transfer(const Session& by, int window, std::optional<int> to_line,
                                std::optional<int> to_window);

  // Today's queue.
  Result<core::QueueState> today();
  // The queue of another day (YYYY-MM-DD), for figures.
  Result<core::QueueState> on_day(std::string_view day);
  // The ticket at a window now (called or serving), if any.
  Result<std::optional<core::Ticket>> at_window(int window);
  // Windows of this station serving a line.
  int windows_serving(int line) const;

 private:
  Result<core::QueueState> load() { return on_day(station_.today()); }
  // Checks and writes one event about the window's current ticket.
  Result<core::Ticket> act(const Session& by, int window,
                           const std::function<Result<core::TicketEvent>(const core::Ticket&)>& make,
                           std::string_view action);
  Status write(const core::TicketEvent& ev, const Stamp& stamp);
  const core::Window* window_of(int number) const;

  Station& station_;
  core::FairnessPolicy fairness_;
};

}  // namespace weimin::station
