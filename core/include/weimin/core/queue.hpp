// The day's queue (排队叫号) as a fold of its ticket events (ticket.hpp): the state of every
// ticket, which ticket a window calls next (priority-aware within a fairness bound), wait
// estimates and the day's queue figures. The station folds the day's ticket facts, asks here
// what to do, checks the event it is about to write and writes it.
//
// States: waiting → called → (serving →) done; called → no_show; called/serving → transferred
// (waiting again, on the new line and/or reserved for the new window); recall keeps a ticket
// called; no_show → requeued (waiting again, behind those waiting then). A transition that
// arrives in a state that does not allow it is refused by check(); when folding it is kept as
// a conflict (not applied) for staff to settle.
//
// Windows may be paused (暂停服务) and resumed: window events, a last-writer-wins register per
// window and day, ordered by (HLC, origin, id). A paused window calls nobody and does not count
// among the open windows of a wait estimate (the station decides that; see station/queue.hpp).
//
// Thread-safety: value types and pure functions; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "weimin/core/result.hpp"
#include "weimin/core/ticket.hpp"

namespace weimin::core {

enum class TicketState { Waiting, Called, Serving, Done, NoShow };
// "waiting", "called", "serving", "done", "no_show".
std::string_view to_string(TicketState state);

// One ticket (号) as its events so far make it.
struct Ticket {
  TicketId id;
  std::string label;   // "A012": the number printed on the paper ticket
  int taken_line = 0;  // the line whose number it carries
  int line = 0;        // the line it is on now (changes with a transfer)
  char prefix = 'A';
  int number = 0;
  std::string service_item;  // may be empty
  Priority priority = Priority::None;
  std::string reason;
  std::optional<Uuid> booking;
  TicketState state = TicketState::Waiting;

  // The (HLC, origin) of its taken fact.
  HlcTimestamp taken_hlc;
  std::string taken_origin;
  std::int64_t taken_ms = 0;  // wall clock at take
  // Its place in the queue, with `id`: the (HLC, origin) of its taken fact, kept on transfer;
  // those of its requeued fact once a no-show is put back in line.
  HlcTimestamp place_hlc;
  std::string place_origin;

  // Called or serving: the window it is at. Waiting: the window it is reserved for after a
  // transfer to a window (only that window calls it), else 0.
  int window = 0;
  std::string staff;  // the last staff number to act on it
  int calls = 0;      // called and recalled events
  int recalls = 0;
  int transfers = 0;
  int requeues = 0;                             // times put back in line after a no-show
  std::optional<std::int64_t> first_called_ms;  // wall clock of the first call
  std::optional<std::int64_t> last_called_ms;   // of the latest `called` (not recall)
  std::optional<std::int64_t> ended_ms;         // finished or no-show
  // The window of the latest `called`, kept after a transfer or a requeue; 0: never called.
  int called_window = 0;
  // Ordinary tickets: priority tickets called, since this one last started waiting, by windows
  // that could have called this one instead. The fairness bound keeps it ≤ max_priority_streak.
  int priority_calls_while_waiting = 0;

  bool operator==(const Ticket&) const = default;
};

// The queue order within one window's choice: class (appointment check-in, other priority,
// ordinary), then the place (the take order, or the requeue order after a no-show), then id.
bool queue_precedes(const Ticket& a, const Ticket& b);

// An event the fold could not apply as it stands, kept for staff.
struct QueueConflict {
  TicketEvent event;
  ErrorCode code = ErrorCode::Conflict;
  std::string reason;
  // true for a ticket taken with a number another ticket of the day already carries (two nodes
  // issued it offline): the resident holds the paper, so it is queued, but staff must know.
  bool applied = false;
  bool operator==(const QueueConflict&) const = default;
};

// A window pause or resume (暂停服务 / 恢复服务) by staff at that window. Kinds "window.paused"
// and "window.resumed"; JSON {"kind", "id", "hlc", "wall_ms", "origin", "window", "staff"}.
struct WindowEvent {
  Uuid id;
  HlcTimestamp hlc;
  std::int64_t wall_ms = 0;
  std::string origin;
  int window = 0;  // ≥ 1
  std::string staff;
  bool paused = true;  // false: resumed
  bool operator==(const WindowEvent&) const = default;
};

inline constexpr std::string_view kWindowPausedKind = "window.paused";
inline constexpr std::string_view kWindowResumedKind = "window.resumed";
inline std::string_view kind_of(const WindowEvent& e) {
  return e.paused ? kWindowPausedKind : kWindowResumedKind;
}

// Ids not nil, window ≥ 1 (and ≤ 999), origin and staff as for ticket events. Invalid with the
// field at fault.
Status validate(const WindowEvent& event);
// The event as JSON that window_event_from_json reads back to an equal event.
nlohmann::json to_json(const WindowEvent& event);
// Reads a window event from untrusted JSON: Invalid with `source` and the JSON-pointer path of
// the first fault (missing, unknown or mistyped field, unknown kind).
Result<WindowEvent> window_event_from_json(const nlohmann::json& j,
                                           std::string_view source = "window event");
Result<WindowEvent> parse_window_event(std::string_view json_text,
                                       std::string_view source = "window event");

// A window's pause register: the latest window event (by HLC, origin, id) decides.
struct WindowStatus {
  bool paused = false;
  std::int64_t since_ms = 0;  // wall clock of the deciding event
  std::string staff;          // who paused or resumed it
  HlcTimestamp hlc;           // the deciding event's order key
  std::string origin;
  Uuid id;
  bool operator==(const WindowStatus&) const = default;
};

struct QueueState {
  std::map<TicketId, Ticket> tickets;
  std::map<int, WindowStatus> windows;   // windows paused or resumed today, by number
  std::vector<QueueConflict> conflicts;  // in fold order
  // Per line: service times (last call → finished, ms) of finished tickets, in finish order.
  std::map<int, std::vector<std::int64_t>> service_ms;
  // (HLC, origin, id) of the last event applied; apply() refuses anything ordered before it.
  std::optional<std::tuple<HlcTimestamp, std::string, Uuid>> last_applied;

  // nullptr when there is no such ticket.
  const Ticket* find(const TicketId& id) const;
  // Whether a window is paused now (a window never paused today is open).
  bool is_paused(int window) const;
  // Today's tickets carrying a typed number (letter and number), in queue order; usually one,
  // two when the number was issued twice offline.
  std::vector<const Ticket*> find_label(const TicketLabel& label) const;
  bool operator==(const QueueState&) const = default;
};

// [SECTION] Folding and checking

// Whether `event` may be applied to `state` now, for a local write. Ok when it may. Otherwise:
// Invalid (the event itself is malformed, see validate()), NotFound (no such ticket today),
// AlreadyExists (the ticket or a fact with this id exists), or Conflict naming the ticket, its
// state and what to do, e.g. "cannot finish A012: it is waiting; call it first". Rules: taken
// needs a new ticket and a number not yet used on that line today; called needs waiting (and,
// when reserved for a window, that window); recalled, serving_started and no_show need called;
// transferred and finished need called or serving; requeued needs no_show (from any window);
// every other event after the call must come from the window the ticket is at.
Status check(const QueueState& state, const TicketEvent& event);

// Applies one event after check(). Events must come in (HLC, origin, id) order: one ordered
// before the last applied is refused with Invalid ("fold the day again") and changes nothing,
// as does any event check() refuses. A local event stamped by the node's HlcClock always comes
// after everything the node has seen.
Status apply(QueueState& state, const TicketEvent& event);

// The day's queue from its ticket events in any order, with duplicates (same id, same content)
// ignored. Events are applied in (HLC, origin, id) order; one check() refuses is kept in
// `conflicts` (not applied), except that a duplicated ticket number is applied and noted.
// The same set of events always gives the same state.
QueueState fold_queue(std::vector<TicketEvent> events);

// The number for a new ticket on a line today: the count of that line's tickets + 1 (or past
// the largest number in use, should numbers have been duplicated). Invalid with a message when
// the line has issued 9999 tickets today.
Result<int> next_ticket_number(const QueueState& state, int line);

// Whether a window event may be written now: Conflict "window 2 is paused already" for a pause
// of a paused window, "window 2 is not paused" for a resume of an open one; Invalid for a
// malformed event.
Status check(const QueueState& state, const WindowEvent& event);
// Folds a window event into the register of its window: it decides when it is ordered after
// the one deciding now; an earlier or repeated one changes nothing. Never a conflict (two
// pauses made offline agree; a pause and a resume: the later one wins), so any order of the
// same events gives the same state. Precondition: validate(event) passed.
void apply(QueueState& state, const WindowEvent& event);
// fold_queue, then every window event applied.
QueueState fold_queue(std::vector<TicketEvent> events, const std::vector<WindowEvent>& windows);

// [SECTION] Calling

struct FairnessPolicy {
  // No ordinary ticket waits while more than this many priority tickets are called ahead of it
  // by windows that could have called it. 0: priority tickets only when no ordinary one waits.
  int max_priority_streak = 3;
};

// The ticket a window should call next, or nullopt when none waits for it. Candidates: waiting
// tickets on `lines` not reserved for another window, and tickets reserved for this window.
// Appointment check-ins first, then the other priorities, then ordinary tickets, each class in
// take order (a transfer keeps the original take time, so a transferred ticket goes near the
// front of its class). But when an ordinary candidate has already had max_priority_streak
// priority tickets called ahead of it, the oldest ordinary candidate is called instead of a
// priority one. The bound holds when each call is decided on the current state, one at a time,
// and written with the same `lines`.
std::optional<TicketId> next_for_window(const QueueState& state, int window,
                                        std::span<const int> lines, const FairnessPolicy& policy);

// [SECTION] Waiting time

struct WaitPolicy {
  int sample_size = 20;                          // K: last K finished services on the line
  std::int64_t default_service_ms = 5 * 60'000;  // when the line has no finished service yet
};

struct WaitEstimate {
  int people_ahead = 0;
  std::int64_t service_ms = 0;  // the median service time used
  bool default_service_time = false;
  std::int64_t wait_ms = 0;  // people_ahead × service_ms ÷ max(1, open windows)
  int minutes = 0;           // wait_ms rounded up to whole minutes
};

// The median service time (last call → finished) of the last `sample_size` finished tickets
// on a line; with an even count, the mean of the two middle ones (rounded down). nullopt when
// none has finished.
std::optional<std::int64_t> median_service_ms(const QueueState& state, int line,
                                              const WaitPolicy& policy = {});

// For a waiting ticket: the waiting tickets on its line that precede it in queue order, times
// the line's median service time, over the open windows serving the line (at least 1). A
// ticket already called or ended waits 0. NotFound for an unknown ticket.
Result<WaitEstimate> estimate_wait(const QueueState& state, const TicketId& ticket,
                                   int open_windows, const WaitPolicy& policy = {});
// For someone about to take an ordinary ticket on a line: every waiting ticket on it is ahead.
WaitEstimate estimate_wait(const QueueState& state, int line, int open_windows,
                           const WaitPolicy& policy = {});

// [SECTION] Figures

// The queue figures of a day (today's figures on the staff screen, the day's report).
struct QueueFigures {
  int taken = 0;
  int waiting = 0;
  int served = 0;  // finished
  int no_shows = 0;
  int called = 0;  // called at least once
  // Over the tickets called at least once: take → first call, wall clock.
  std::optional<std::int64_t> average_wait_ms;
  std::optional<std::int64_t> longest_wait_ms;
  // Take time of the ticket not yet called that has waited longest (its wait so far is the
  // caller's now − this); nullopt when every waiting ticket has been called before.
  std::optional<std::int64_t> oldest_waiting_taken_ms;
  bool operator==(const QueueFigures&) const = default;
};

// Figures over every ticket, or over the tickets now on one line.
QueueFigures queue_figures(const QueueState& state, std::optional<int> line = std::nullopt);

// Queue figures that add up over days, so a period's figures are the sum of its days' and its
// average wait is weighted by tickets (not an average of daily averages).
struct QueueTotals {
  int tickets = 0;  // tickets counted (for a window: the tickets it called last)
  int served = 0;   // finished
  int no_shows = 0;
  int called = 0;  // called at least once
  // Over the tickets called at least once: take → first call, wall clock.
  std::int64_t total_wait_ms = 0;
  std::optional<std::int64_t> longest_wait_ms;
  // total_wait_ms ÷ called, rounded down; nullopt when none was called.
  std::optional<std::int64_t> average_wait_ms() const;
  QueueTotals& operator+=(const QueueTotals& other);
  bool operator==(const QueueTotals&) const = default;
};

// A day's queue totals, over all tickets, per line (the line a ticket is on at the end) and per
// window (the window that last called the ticket; a ticket never called is in no window's).
struct QueueBreakdown {
  QueueTotals all;
  std::map<int, QueueTotals> by_line;
  std::map<int, QueueTotals> by_window;
  // Adds another day's breakdown, line by line and window by window.
  QueueBreakdown& operator+=(const QueueBreakdown& other);
  bool operator==(const QueueBreakdown&) const = default;
};

QueueBreakdown queue_breakdown(const QueueState& state);

// Finished tickets per staff number: the last staff number to act on the ticket (the one who
// finished it, or else the one who called it); tickets with none are not counted. Sum the days for
// a month (evaluation.hpp's staff_figures).
std::map<std::string, int> served_by_staff(const QueueState& state);

}  // namespace weimin::core
