// Queue: numbered tickets (取号) and the windows that call them. Taking a ticket is public (the
// kiosk); calling (next or a given number), recalling, no-shows, putting a no-show back in
// line, transfers, finishing and pausing or resuming a window are staff actions at a window,
// audited. The day's queue is the fold of the day's ticket facts; calling is priority-aware but
// fair (core/queue.hpp). Each action is one transaction.
// Thread-safety: as Station.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
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
  int line = 0;              // 1-10
  std::string service_item;  // optional catalog item; its line is used when line is 0
  core::Priority priority = core::Priority::None;
  std::string reason;                 // why the priority, e.g. "80岁" or "残疾人证"
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
  // Conflict when the window still has a ticket called or being served (finish it first) or
  // when the window is paused (resume it first).
  Result<core::Ticket> call_next(const Session& by, int window);
  // Calls a given ticket of today out of turn (the number as typed: "A012", "a12"): any waiting
  // ticket, whatever its line, unless it was transferred to another window. Written as an
  // ordinary call (ticket.called), audited as "ticket_called_out_of_turn". Invalid for a typed
  // text that is no ticket number; NotFound when no ticket of today has that number; Conflict
  // when it is not waiting (called, served, finished, a no-show: put it back in line first),
  // the window is paused, or the window still has a ticket.
  Result<core::Ticket> call_number(const Session& by, int window, std::string_view label);
  // Puts a no-show of today back in line (ticket.requeued), from any window. It waits again on
  // its line for any window serving the line, behind every ticket of its class (check-in,
  // priority, ordinary) waiting now: the resident missed the turn, those waiting did not.
  // NotFound for a number not taken today; Conflict when the ticket is not a no-show.
  Result<core::Ticket> requeue(const Session& by, int window, std::string_view label);
  // Pauses a window (暂停服务): it calls nobody until resumed, and the wait estimates count it
  // out. A ticket at the window stays there to be finished. Conflict when already paused.
  Status pause(const Session& by, int window);
  // Resumes a paused window. Conflict when it is not paused.
  Status resume(const Session& by, int window);
  // Whether a window is paused now (Invalid for a window this station does not have).
  Result<bool> is_paused(int window);
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
  // Of those, the ones not paused in `state` (what a wait estimate divides by).
  int open_windows_serving(const core::QueueState& state, int line) const;

 private:
  Result<core::QueueState> load() { return on_day(station_.today()); }
  // Checks and writes one event about the window's current ticket.
  Result<core::Ticket> act(
      const Session& by, int window,
      const std::function<Result<core::TicketEvent>(const core::Ticket&)>& make,
      std::string_view action);
  Status write(const core::TicketEvent& ev, const Stamp& stamp);
  // Ok when `window` may call now: not paused, and no ticket called or served there.
  Status may_call(const core::QueueState& state, int window, std::string_view what) const;
  // Writes a call of `ticket` at the window inside the caller's transaction; audits `action`.
  Result<core::Ticket> write_call(const Session& by, const core::Window& w, core::QueueState& state,
                                  const core::TicketId& ticket, std::string_view action);
  // The window's pause or resume, checked and written with its audit entry.
  Status set_paused(const Session& by, int window, bool paused);
  // The one ticket of today a typed number names: the waiting one (or, for requeue, the
  // no-show) when the number was issued twice.
  Result<core::Ticket> ticket_by_label(const core::QueueState& state, std::string_view typed,
                                       core::TicketState wanted) const;
  const core::Window* window_of(int number) const;

  Station& station_;
  core::FairnessPolicy fairness_;
};

}  // namespace weimin::station
