#include "weimin/station/queue.hpp"

#include <nlohmann/json.hpp>

#include "weimin/storage/facts.hpp"

namespace weimin::station {

const core::Window* Queue::window_of(int number) const {
  return station_.catalog().window_by_number(number, station_.community());
}

int Queue::windows_serving(int line) const {
  return static_cast<int>(station_.catalog().windows_serving(line, station_.community()).size());
}

int Queue::open_windows_serving(const core::QueueState& state, int line) const {
  int open = 0;
  for (const auto* w : station_.catalog().windows_serving(line, station_.community())) {
    if (!state.is_paused(w->number)) ++open;
  }
  return open;
}

Result<core::QueueState> Queue::on_day(std::string_view day) {
  WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_kind_on_day(station_.db(), "ticket.", day));
  std::vector<core::TicketEvent> events;
  events.reserve(rows.size());
  for (const auto& row : rows) {
    WEIMIN_ASSIGN_OR_RETURN(core::TicketEvent ev,
                            core::parse_ticket_event(row.body, "ticket fact " + row.id));
    events.push_back(std::move(ev));
  }
  WEIMIN_ASSIGN_OR_RETURN(auto window_rows,
                          storage::Facts::by_kind_on_day(station_.db(), "window.", day));
  std::vector<core::WindowEvent> windows;
  windows.reserve(window_rows.size());
  for (const auto& row : window_rows) {
    WEIMIN_ASSIGN_OR_RETURN(core::WindowEvent ev,
                            core::parse_window_event(row.body, "window fact " + row.id));
    windows.push_back(std::move(ev));
  }
  return core::fold_queue(std::move(events), windows);
}

Result<core::QueueState> Queue::today() {
  return load();
}

Status Queue::write(const core::TicketEvent& ev, const Stamp& stamp) {
  const NewFact fact{std::string(core::to_string(ev.kind())), ev.ticket.to_string(),
                     core::to_json(ev), stamp};
  return station_.append({&fact, 1}).status();
}

Result<TicketReceipt> Queue::take(const TicketRequest& request) {
  Result<TicketReceipt> receipt = Status(ErrorCode::Internal, "not taken");
  WEIMIN_TRY(station_.transact([&]() -> Status {
    receipt = take_in_transaction(request);
    return receipt.status();
  }));
  return receipt;
}

Result<TicketReceipt> Queue::take_in_transaction(const TicketRequest& request) {
  const core::Catalog& catalog = station_.catalog();
  int line = request.line;
  if (!request.service_item.empty()) {
    const auto* item = catalog.item_by_id(request.service_item);
    if (!item) {
      return Status(ErrorCode::Invalid, "there is no service item '" + request.service_item + "'");
    }
    if (line == 0) line = item->line;
    if (item->line != line) {
      return Status(ErrorCode::Invalid, "service item '" + request.service_item +
                                            "' belongs to line " + std::to_string(item->line) +
                                            ", not line " + std::to_string(line));
    }
  }
  const auto* service_line = catalog.line_by_number(line);
  if (!service_line) {
    return Status(ErrorCode::Invalid, "there is no line " + std::to_string(line) +
                                          "; the service lines are numbered 1 to 10");
  }
  if (windows_serving(line) == 0) {
    return Status(ErrorCode::Invalid, "no window of this station serves line " +
                                          std::to_string(line) + " (" + service_line->name.zh +
                                          "); ask at the front desk");
  }
  if (core::is_priority(request.priority) && request.reason.empty() &&
      request.priority != core::Priority::AppointmentCheckIn) {
    return Status(ErrorCode::Invalid,
                  "a priority ticket needs its reason (e.g. age or the card shown)");
  }
  TicketReceipt receipt;
  {
    WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, load());
    WEIMIN_ASSIGN_OR_RETURN(int number, core::next_ticket_number(state, line));
    const Stamp s = station_.stamp();
    core::TicketEvent ev;
    ev.id = s.id;
    ev.ticket = s.id;
    ev.hlc = s.hlc;
    ev.wall_ms = s.wall_ms;
    ev.origin = station_.origin();
    ev.body = core::TicketTaken{
        line,           service_line->prefix, number, request.service_item, request.priority,
        request.reason, request.booking};
    WEIMIN_TRY(core::check(state, ev));
    WEIMIN_TRY(write(ev, s));
    WEIMIN_TRY(core::apply(state, ev));
    receipt.ticket = *state.find(ev.ticket);
    WEIMIN_ASSIGN_OR_RETURN(
        receipt.wait, core::estimate_wait(state, ev.ticket, open_windows_serving(state, line)));
  }
  return receipt;
}

Result<std::optional<core::Ticket>> Queue::at_window(int window) {
  WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, load());
  std::optional<core::Ticket> current;
  for (const auto& [id, t] : state.tickets) {
    if (t.window == window &&
        (t.state == core::TicketState::Called || t.state == core::TicketState::Serving)) {
      if (!current || current->last_called_ms < t.last_called_ms) current = t;
    }
  }
  return current;
}

Result<core::Ticket> Queue::call_next(const Session& by, int window) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::CallQueue));
  const core::Window* w = window_of(window);
  if (!w) return Status(ErrorCode::Invalid, "this station has no window " + std::to_string(window));
  core::Ticket called;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, load());
    WEIMIN_TRY(may_call(state, window, "the next number"));
    auto next = core::next_for_window(state, window, w->lines, fairness_);
    if (!next) {
      return Status(ErrorCode::NotFound,
                    "nobody is waiting for window " + std::to_string(window) + "'s lines");
    }
    WEIMIN_ASSIGN_OR_RETURN(called, write_call(by, *w, state, *next, "ticket_called"));
    return Status::ok();
  }));
  return called;
}

Status Queue::may_call(const core::QueueState& state, int window, std::string_view what) const {
  if (state.is_paused(window)) {
    return Status(ErrorCode::Conflict, "window " + std::to_string(window) +
                                           " is paused; resume it before calling " +
                                           std::string(what));
  }
  for (const auto& [id, t] : state.tickets) {
    if (t.window == window &&
        (t.state == core::TicketState::Called || t.state == core::TicketState::Serving)) {
      return Status(ErrorCode::Conflict, "window " + std::to_string(window) + " is still serving " +
                                             t.label +
                                             "; finish it, mark a no-show or transfer "
                                             "it before calling " +
                                             std::string(what));
    }
  }
  return Status::ok();
}

Result<core::Ticket> Queue::write_call(const Session& by, const core::Window& w,
                                       core::QueueState& state, const core::TicketId& ticket,
                                       std::string_view action) {
  WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(ticket.to_string()));
  core::TicketEvent ev;
  ev.id = s.id;
  ev.ticket = ticket;
  ev.hlc = s.hlc;
  ev.wall_ms = s.wall_ms;
  ev.origin = station_.origin();
  ev.window = w.number;
  ev.staff = by.staff_no;
  ev.body = core::TicketCalled{w.lines};
  WEIMIN_TRY(core::check(state, ev));
  WEIMIN_TRY(write(ev, s));
  WEIMIN_TRY(core::apply(state, ev));
  const core::Ticket called = *state.find(ticket);
  StaffDesk desk(station_);
  WEIMIN_TRY(desk.audit(by, action, called.label, {{"window", w.number}}));
  return called;
}

Result<core::Ticket> Queue::act(
    const Session& by, int window,
    const std::function<Result<core::TicketEvent>(const core::Ticket&)>& make,
    std::string_view action) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::CallQueue));
  if (!window_of(window)) {
    return Status(ErrorCode::Invalid, "this station has no window " + std::to_string(window));
  }
  core::Ticket after;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(auto current, at_window(window));
    if (!current) {
      return Status(ErrorCode::NotFound, "window " + std::to_string(window) +
                                             " has no ticket called; call the next number first");
    }
    WEIMIN_ASSIGN_OR_RETURN(core::TicketEvent ev, make(*current));
    WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(current->id.to_string()));
    ev.id = s.id;
    ev.ticket = current->id;
    ev.hlc = s.hlc;
    ev.wall_ms = s.wall_ms;
    ev.origin = station_.origin();
    ev.window = window;
    ev.staff = by.staff_no;
    WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, load());
    WEIMIN_TRY(core::check(state, ev));
    WEIMIN_TRY(write(ev, s));
    WEIMIN_TRY(core::apply(state, ev));
    after = *state.find(current->id);
    StaffDesk desk(station_);
    return desk.audit(by, action, current->label, {{"window", window}});
  }));
  return after;
}

Result<core::Ticket> Queue::recall(const Session& by, int window) {
  return act(
      by, window,
      [](const core::Ticket&) -> Result<core::TicketEvent> {
        core::TicketEvent ev;
        ev.body = core::TicketRecalled{};
        return ev;
      },
      "ticket_recalled");
}

Result<core::Ticket> Queue::no_show(const Session& by, int window) {
  return act(
      by, window,
      [](const core::Ticket&) -> Result<core::TicketEvent> {
        core::TicketEvent ev;
        ev.body = core::TicketNoShow{};
        return ev;
      },
      "ticket_no_show");
}

Result<core::Ticket> Queue::finish(const Session& by, int window) {
  return act(
      by, window,
      [](const core::Ticket&) -> Result<core::TicketEvent> {
        core::TicketEvent ev;
        ev.body = core::TicketFinished{};
        return ev;
      },
      "ticket_finished");
}

Result<core::Ticket> Queue::transfer(const Session& by, int window, std::optional<int> to_line,
                                     std::optional<int> to_window) {
  if (!to_line && !to_window) {
    return Status(ErrorCode::Invalid,
                  "say where to transfer to: another line, another window, or both");
  }
  if (to_line && !station_.catalog().line_by_number(*to_line)) {
    return Status(ErrorCode::Invalid, "there is no line " + std::to_string(*to_line));
  }
  if (to_window && !window_of(*to_window)) {
    return Status(ErrorCode::Invalid, "this station has no window " + std::to_string(*to_window));
  }
  return act(
      by, window,
      [&](const core::Ticket&) -> Result<core::TicketEvent> {
        core::TicketEvent ev;
        ev.body = core::TicketTransferred{to_line, to_window};
        return ev;
      },
      "ticket_transferred");
}

}  // namespace weimin::station
