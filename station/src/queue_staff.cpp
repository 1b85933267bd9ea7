// The staff's queue actions beyond calling the next number: a given number out of turn, a
// no-show back in line, a window paused and resumed (see queue.hpp).
#include <nlohmann/json.hpp>

#include "weimin/station/queue.hpp"

namespace weimin::station {

namespace {

std::string window_name(int window) {
  return "window " + std::to_string(window);
}

}  // namespace

Result<core::Ticket> Queue::ticket_by_label(const core::QueueState& state, std::string_view typed,
                                            core::TicketState wanted) const {
  WEIMIN_ASSIGN_OR_RETURN(core::TicketLabel label, core::parse_ticket_label(typed));
  const std::vector<const core::Ticket*> found = state.find_label(label);
  if (found.empty()) {
    return Status(ErrorCode::NotFound,
                  "no ticket " + core::ticket_label(label.prefix, label.number) +
                      " was taken today; check the number on the paper ticket (a ticket is "
                      "good only on the day it was taken)");
  }
  for (const core::Ticket* t : found) {
    if (t->state == wanted) return *t;
  }
  return *found.front();
}

Result<core::Ticket> Queue::call_number(const Session& by, int window, std::string_view label) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::CallQueue));
  const core::Window* w = window_of(window);
  if (!w) return Status(ErrorCode::Invalid, "this station has no " + window_name(window));
  core::Ticket called;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, load());
    WEIMIN_ASSIGN_OR_RETURN(core::Ticket t,
                            ticket_by_label(state, label, core::TicketState::Waiting));
    switch (t.state) {
      case core::TicketState::Waiting:
        break;
      case core::TicketState::Called:
      case core::TicketState::Serving:
        return Status(ErrorCode::Conflict, t.label + " is not waiting: it is called at " +
                                               window_name(t.window) + " already");
      case core::TicketState::Done:
        return Status(ErrorCode::Conflict, t.label +
                                               " is not waiting: it was served already; "
                                               "the resident takes a new number");
      case core::TicketState::NoShow:
        return Status(ErrorCode::Conflict, t.label +
                                               " is not waiting: it was marked as a "
                                               "no-show; put it back in line first");
    }
    if (t.window != 0 && t.window != window) {
      return Status(ErrorCode::Conflict, t.label + " was transferred to " + window_name(t.window) +
                                             "; only that window may call it");
    }
    WEIMIN_TRY(may_call(state, window, t.label));
    WEIMIN_ASSIGN_OR_RETURN(called, write_call(by, *w, state, t.id, "ticket_called_out_of_turn"));
    return Status::ok();
  }));
  return called;
}

Result<core::Ticket> Queue::requeue(const Session& by, int window, std::string_view label) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::CallQueue));
  if (!window_of(window)) {
    return Status(ErrorCode::Invalid, "this station has no " + window_name(window));
  }
  core::Ticket after;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, load());
    WEIMIN_ASSIGN_OR_RETURN(core::Ticket t,
                            ticket_by_label(state, label, core::TicketState::NoShow));
    switch (t.state) {
      case core::TicketState::NoShow:
        break;
      case core::TicketState::Waiting:
        return Status(ErrorCode::Conflict,
                      t.label + " is waiting in line already; only a no-show goes back in line");
      case core::TicketState::Called:
      case core::TicketState::Serving:
        return Status(ErrorCode::Conflict, t.label + " is at " + window_name(t.window) +
                                               " now; only a no-show goes back in line");
      case core::TicketState::Done:
        return Status(ErrorCode::Conflict, t.label +
                                               " was served already; the resident takes "
                                               "a new number if they need more");
    }
    WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(t.id.to_string()));
    core::TicketEvent ev;
    ev.id = s.id;
    ev.ticket = t.id;
    ev.hlc = s.hlc;
    ev.wall_ms = s.wall_ms;
    ev.origin = station_.origin();
    ev.window = window;
    ev.staff = by.staff_no;
    ev.body = core::TicketRequeued{};
    WEIMIN_TRY(core::check(state, ev));
    WEIMIN_TRY(write(ev, s));
    WEIMIN_TRY(core::apply(state, ev));
    after = *state.find(t.id);
    StaffDesk desk(station_);
    return desk.audit(by, "ticket_requeued", after.label, {{"window", window}});
  }));
  return after;
}

Status Queue::set_paused(const Session& by, int window, bool paused) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::CallQueue));
  if (!window_of(window)) {
    return Status(ErrorCode::Invalid, "this station has no " + window_name(window));
  }
  return station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, load());
    const std::string subject = "window:" + station_.community() + ":" + std::to_string(window);
    WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(subject));
    core::WindowEvent ev;
    ev.id = s.id;
    ev.hlc = s.hlc;
    ev.wall_ms = s.wall_ms;
    ev.origin = station_.origin();
    ev.window = window;
    ev.staff = by.staff_no;
    ev.paused = paused;
    WEIMIN_TRY(core::check(state, ev));
    const NewFact fact{std::string(core::kind_of(ev)), subject, core::to_json(ev), s};
    WEIMIN_TRY(station_.append({&fact, 1}).status());
    StaffDesk desk(station_);
    return desk.audit(by, paused ? "window_paused" : "window_resumed", window_name(window),
                      {{"window", window}});
  });
}

Status Queue::pause(const Session& by, int window) {
  return set_paused(by, window, true);
}

Status Queue::resume(const Session& by, int window) {
  return set_paused(by, window, false);
}

Result<bool> Queue::is_paused(int window) {
  if (!window_of(window)) {
    return Status(ErrorCode::Invalid, "this station has no " + window_name(window));
  }
  WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, load());
  return state.is_paused(window);
}

}  // namespace weimin::station
