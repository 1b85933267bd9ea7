// Queue tickets (取号) and their events: the append-only facts a station writes when a resident
// takes a number, is called to a window, is served, transferred, does not come or is put back
// in line after not coming. Each event is
// a fact (DESIGN.md): a UUIDv7 id, the origin's HLC and wall clock, the origin node. The day's
// queue is their fold (queue.hpp). This file holds the event types, their checks that need no
// state, their stable kind names and their JSON form.
// Thread-safety: value types and pure functions; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "weimin/core/hlc.hpp"
#include "weimin/core/id.hpp"
#include "weimin/core/result.hpp"

namespace weimin::core {

// A ticket is named by the id of the event that took it (its `ticket.taken` fact).
using TicketId = Uuid;

// [SECTION] Priority

// Why a ticket is called ahead of ordinary ones (优先): elderly residents aged 70 and over,
// residents with a disability, pregnant residents, and residents checking in for an
// appointment. Appointment check-ins rank before the other priorities; elderly, disability and
// pregnancy rank together, first come first served.
enum class Priority { None, Elderly, Disability, Pregnancy, AppointmentCheckIn };

// "none", "elderly", "disability", "pregnancy", "appointment".
std::string_view to_string(Priority priority);
// Exactly the strings to_string gives; anything else is Invalid with a message listing them.
Result<Priority> parse_priority(std::string_view text);
// The calling class of a priority: 0 appointment check-in, 1 other priority, 2 ordinary.
// A smaller class is called first (within the fairness bound of queue.hpp).
int priority_class(Priority priority);
inline bool is_priority(Priority priority) {
  return priority != Priority::None;
}

// [SECTION] Ticket numbers

// The highest number a line can issue in one day.
inline constexpr int kMaxTicketNumber = 9999;

// The number printed on a ticket: its line's prefix letter and the number, at least 3 digits:
// ('A', 12) gives "A012", ('B', 1000) gives "B1000". Precondition: 1 <= number <= 9999.
std::string ticket_label(char prefix, int number);

// Whether a letter may be a line's ticket prefix: a capital A-Z other than I and O, which read
// as the digits 1 and 0 on a paper ticket and on the board.
bool is_ticket_prefix(char prefix);
// The prefix of line n (1-10) when the catalog names none: A B C D E F G H J K (no I).
// Precondition: 1 <= line <= 10.
char default_ticket_prefix(int line);

// A ticket number as a person typed it ("A012", "a12", " A 12 "): its letter and number.
struct TicketLabel {
  char prefix = 'A';
  int number = 0;
  bool operator==(const TicketLabel&) const = default;
};
// Reads a typed ticket number: one letter (either case), then 1-4 digits, spaces ignored.
// Invalid with a message saying what a ticket number looks like ("A012: a letter and the
// digits printed on the ticket") when it is not one.
Result<TicketLabel> parse_ticket_label(std::string_view typed);

// [SECTION] Events

enum class TicketEventKind {
  Taken,
  Called,
  Recalled,
  ServingStarted,
  NoShow,
  Transferred,
  Finished,
  Requeued
};

// The stable kind names stored with each fact: "ticket.taken", "ticket.called",
// "ticket.recalled", "ticket.serving_started", "ticket.no_show", "ticket.transferred",
// "ticket.finished", "ticket.requeued".
std::string_view to_string(TicketEventKind kind);
// Exactly the names to_string gives; anything else is Invalid with a message listing them.
Result<TicketEventKind> parse_ticket_event_kind(std::string_view text);

// A resident took a number for a line. The number is counted per line prefix per day
// (next_ticket_number in queue.hpp) and is what the paper ticket shows.
struct TicketTaken {
  int line = 0;              // the service line, 1-10
  char prefix = 'A';         // the line's prefix letter, 'A'-'Z' (I and O are read
                             // too: a catalog before issue 14 gave line 9 the I)
  int number = 0;            // 1-9999
  std::string service_item;  // catalog id of the item asked for; empty when not chosen
  Priority priority = Priority::None;
  std::string reason;           // why the priority was given (e.g. "老年证"); ≤ 200 characters
  std::optional<Uuid> booking;  // the appointment booking checked in; only with
                                // Priority::AppointmentCheckIn, which requires it
  bool operator==(const TicketTaken&) const = default;
};

// A window called the ticket. `lines` are the lines the window was serving when it called: the
// fold needs them to count, for every ordinary ticket still waiting, the priority calls made
// ahead of it (the fairness bound, queue.hpp).
struct TicketCalled {
  std::vector<int> lines;  // each 1-10, no repeats, not empty
  bool operator==(const TicketCalled&) const = default;
};
// Called again (the resident did not come up yet): stays called.
struct TicketRecalled {
  bool operator==(const TicketRecalled&) const = default;
};
// The resident sat down at the window. Optional: a called ticket may go straight to finished.
struct TicketServingStarted {
  bool operator==(const TicketServingStarted&) const = default;
};
// The resident did not come after being called.
struct TicketNoShow {
  bool operator==(const TicketNoShow&) const = default;
};
// Sent on to another line and/or another window: the ticket waits again, keeping its place by
// its original take time (queue.hpp). At least one of the two is given.
struct TicketTransferred {
  std::optional<int> to_line;    // 1-10; absent keeps the line
  std::optional<int> to_window;  // ≥ 1; only that window will call it
  bool operator==(const TicketTransferred&) const = default;
};
// The service is over.
struct TicketFinished {
  bool operator==(const TicketFinished&) const = default;
};
// A no-show of today put back in line (过号重排): the resident came back. It waits again, on
// its line, for any window serving the line, behind every ticket of its class waiting when it
// was put back (queue.hpp). `window` of the event is the window of the staff who did it.
struct TicketRequeued {
  bool operator==(const TicketRequeued&) const = default;
};

// One ticket fact. The alternatives of `body` are in TicketEventKind order.
struct TicketEvent {
  Uuid id;                   // this fact; for Taken it is also the ticket's id
  TicketId ticket;           // the ticket it is about
  HlcTimestamp hlc;          // origin's hybrid logical clock
  std::int64_t wall_ms = 0;  // origin's wall clock, Unix ms (used for durations)
  std::string origin;        // the node that wrote it
  int window = 0;            // the window acting; 0 only for Taken (a kiosk), else ≥ 1
  std::string staff;         // staff number acting; empty when none (a kiosk)
  std::variant<TicketTaken, TicketCalled, TicketRecalled, TicketServingStarted, TicketNoShow,
               TicketTransferred, TicketFinished, TicketRequeued>
      body;

  TicketEventKind kind() const { return static_cast<TicketEventKind>(body.index()); }
  bool operator==(const TicketEvent&) const = default;
};

// The order in which facts are folded (DESIGN.md): by HLC, then origin, then id.
bool fact_order_less(const TicketEvent& a, const TicketEvent& b);

// Checks what can be checked without the queue: ids not nil, a Taken fact's ticket equal to its
// id, lines 1-10, prefix 'A'-'Z', number 1-9999, the window present where a window acts, the
// origin and catalog ids made of letters, digits, '_', '-', '.' or ':', staff numbers of 1-32
// ASCII letters, digits, '-' or '_', texts valid UTF-8 within their lengths, the booking given
// exactly for appointment check-ins. Invalid with a message naming the field on failure.
Status validate(const TicketEvent& event);

// [SECTION] JSON
//
// {"kind": "ticket.called", "id": "<uuid>", "ticket": "<uuid>", "hlc": <packed HLC integer>,
//  "wall_ms": <int>, "origin": "...", "window": 2, "staff": "S07", "lines": [1, 2]}
// plus, for "ticket.taken": "line", "prefix" ("A"), "number", and optional "service_item",
// "priority" (default "none"), "reason", "booking"; for "ticket.transferred": "to_line" and/or
// "to_window". Empty or absent optional values are left out; "window" is left out when 0.

// The event as a JSON object that ticket_event_from_json reads back to an equal event.
nlohmann::json to_json(const TicketEvent& event);

// Reads a ticket event from untrusted JSON. On success the event passed validate(). On failure:
// Invalid, with a message starting with `source` and the JSON-pointer path of the first fault,
// e.g. "ticket event: /window: missing required field \"window\"". A missing field, a field of
// the wrong type, an unknown field or an unknown kind are all refused.
Result<TicketEvent> ticket_event_from_json(const nlohmann::json& j,
                                           std::string_view source = "ticket event");
// The same from JSON text; malformed JSON and a key repeated in one object are Invalid too.
Result<TicketEvent> parse_ticket_event(std::string_view json_text,
                                       std::string_view source = "ticket event");

}  // namespace weimin::core
