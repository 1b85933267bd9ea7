// The day's queue as a fold of ticket events (see queue.hpp).
#include "weimin/core/queue.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>

namespace weimin::core {

namespace {

using Key = std::tuple<HlcTimestamp, std::string, Uuid>;

Key key_of(const TicketEvent& e) {
  return {e.hlc, e.origin, e.id};
}

std::string_view verb(TicketEventKind kind) {
  switch (kind) {
    case TicketEventKind::Taken:
      return "take";
    case TicketEventKind::Called:
      return "call";
    case TicketEventKind::Recalled:
      return "recall";
    case TicketEventKind::ServingStarted:
      return "start serving";
    case TicketEventKind::NoShow:
      return "mark as no-show";
    case TicketEventKind::Transferred:
      return "transfer";
    case TicketEventKind::Finished:
      return "finish";
    case TicketEventKind::Requeued:
      break;
  }
  return "put back in line";
}

std::string where(const Ticket& t) {
  switch (t.state) {
    case TicketState::Waiting:
      return "it is waiting";
    case TicketState::Called:
      return "it is called at window " + std::to_string(t.window);
    case TicketState::Serving:
      return "it is being served at window " + std::to_string(t.window);
    case TicketState::Done:
      return "it is finished already";
    case TicketState::NoShow:
      break;
  }
  return "it was marked as a no-show";
}

Status refuse(const Ticket& t, const TicketEvent& e, std::string_view hint) {
  return Status(ErrorCode::Conflict, "cannot " + std::string(verb(e.kind())) + " " + t.label +
                                         ": " + where(t) + "; " + std::string(hint));
}

bool serves(std::span<const int> lines, int line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// Whether `window`, serving `lines`, may call waiting ticket t.
bool is_candidate(const Ticket& t, int window, std::span<const int> lines) {
  if (t.state != TicketState::Waiting) return false;
  return t.window == 0 ? serves(lines, t.line) : t.window == window;
}

bool number_in_use(const QueueState& s, int line, int number) {
  return std::any_of(s.tickets.begin(), s.tickets.end(), [&](const auto& entry) {
    return entry.second.taken_line == line && entry.second.number == number;
  });
}

// check() without the refusal of a duplicated ticket number when `allow_duplicate_number`.
Status check_event(const QueueState& s, const TicketEvent& e, bool allow_duplicate_number) {
  WEIMIN_TRY(validate(e));
  const Ticket* t = s.find(e.ticket);
  if (const auto* taken = std::get_if<TicketTaken>(&e.body)) {
    if (t) {
      return Status(ErrorCode::AlreadyExists,
                    "ticket " + t->label + " (" + e.ticket.to_string() + ") was taken already");
    }
    if (!allow_duplicate_number && number_in_use(s, taken->line, taken->number)) {
      return Status(ErrorCode::Conflict, "number " + ticket_label(taken->prefix, taken->number) +
                                             " is already used on line " +
                                             std::to_string(taken->line) +
                                             " today; take the next number");
    }
    return Status::ok();
  }
  if (!t) {
    return Status(ErrorCode::NotFound,
                  "no ticket " + e.ticket.to_string() + " was taken today; its " +
                      std::string(to_string(e.kind())) + " event cannot be applied");
  }
  if (e.kind() == TicketEventKind::Requeued) {
    if (t->state == TicketState::NoShow) return Status::ok();
    return refuse(*t, e,
                  t->state == TicketState::Done
                      ? "take a new ticket if the resident still needs service"
                      : "only a ticket marked as a no-show goes back in line");
  }
  const bool ended = t->state == TicketState::Done || t->state == TicketState::NoShow;
  if (ended) return refuse(*t, e, "take a new ticket if the resident still needs service");
  if (e.kind() == TicketEventKind::Called) {
    if (t->state != TicketState::Waiting) return refuse(*t, e, "recall it instead");
    if (t->window != 0 && t->window != e.window) {
      return refuse(*t, e,
                    "it was transferred to window " + std::to_string(t->window) +
                        "; only that window may call it");
    }
    return Status::ok();
  }
  if (t->state == TicketState::Waiting) return refuse(*t, e, "call it first");
  if (t->window != e.window) {
    return refuse(*t, e, "only window " + std::to_string(t->window) + " may act on it");
  }
  const bool needs_called = e.kind() == TicketEventKind::Recalled ||
                            e.kind() == TicketEventKind::ServingStarted ||
                            e.kind() == TicketEventKind::NoShow;
  if (needs_called && t->state != TicketState::Called) {
    return refuse(*t, e, "the resident is at the window already");
  }
  return Status::ok();
}

// Applies an event check_event accepted.
void apply_checked(QueueState& s, const TicketEvent& e) {
  s.last_applied = key_of(e);
  if (const auto* taken = std::get_if<TicketTaken>(&e.body)) {
    Ticket t;
    t.id = e.ticket;
    t.label = ticket_label(taken->prefix, taken->number);
    t.taken_line = t.line = taken->line;
    t.prefix = taken->prefix;
    t.number = taken->number;
    t.service_item = taken->service_item;
    t.priority = taken->priority;
    t.reason = taken->reason;
    t.booking = taken->booking;
    t.taken_hlc = t.place_hlc = e.hlc;
    t.taken_origin = t.place_origin = e.origin;
    t.taken_ms = e.wall_ms;
    t.staff = e.staff;
    s.tickets.emplace(t.id, std::move(t));
    return;
  }
  Ticket& t = s.tickets.at(e.ticket);
  if (!e.staff.empty()) t.staff = e.staff;
  switch (e.kind()) {
    case TicketEventKind::Taken:
      break;
    case TicketEventKind::Called: {
      const auto& lines = std::get<TicketCalled>(e.body).lines;
      if (is_priority(t.priority)) {
        for (auto& [id, other] : s.tickets) {
          if (id != t.id && !is_priority(other.priority) && is_candidate(other, e.window, lines)) {
            ++other.priority_calls_while_waiting;
          }
        }
      }
      t.state = TicketState::Called;
      t.window = e.window;
      ++t.calls;
      if (!t.first_called_ms) t.first_called_ms = e.wall_ms;
      t.last_called_ms = e.wall_ms;
      t.called_window = e.window;
      break;
    }
    case TicketEventKind::Recalled:
      ++t.calls;
      ++t.recalls;
      break;
    case TicketEventKind::ServingStarted:
      t.state = TicketState::Serving;
      break;
    case TicketEventKind::NoShow:
      t.state = TicketState::NoShow;
      t.ended_ms = e.wall_ms;
      break;
    case TicketEventKind::Transferred: {
      const auto& x = std::get<TicketTransferred>(e.body);
      t.state = TicketState::Waiting;
      if (x.to_line) t.line = *x.to_line;
      t.window = x.to_window.value_or(0);
      ++t.transfers;
      t.priority_calls_while_waiting = 0;
      break;
    }
    case TicketEventKind::Finished: {
      t.state = TicketState::Done;
      t.ended_ms = e.wall_ms;
      const std::int64_t start = t.last_called_ms.value_or(e.wall_ms);
      s.service_ms[t.line].push_back(std::max<std::int64_t>(0, e.wall_ms - start));
      break;
    }
    case TicketEventKind::Requeued:
      t.state = TicketState::Waiting;
      t.window = 0;
      t.ended_ms.reset();
      t.place_hlc = e.hlc;
      t.place_origin = e.origin;
      ++t.requeues;
      t.priority_calls_while_waiting = 0;
      break;
  }
}

WaitEstimate make_estimate(const QueueState& s, int line, int people_ahead, int open_windows,
                           const WaitPolicy& policy) {
  WaitEstimate w;
  w.people_ahead = people_ahead;
  std::optional<std::int64_t> median = median_service_ms(s, line, policy);
  w.default_service_time = !median.has_value();
  w.service_ms = median.value_or(policy.default_service_ms);
  w.wait_ms = people_ahead * w.service_ms / std::max(1, open_windows);
  w.minutes = static_cast<int>((w.wait_ms + 59'999) / 60'000);
  return w;
}

}  // namespace

std::string_view to_string(TicketState state) {
  switch (state) {
    case TicketState::Waiting:
      return "waiting";
    case TicketState::Called:
      return "called";
    case TicketState::Serving:
      return "serving";
    case TicketState::Done:
      return "done";
    case TicketState::NoShow:
      break;
  }
  return "no_show";
}

bool queue_precedes(const Ticket& a, const Ticket& b) {
  const int ca = priority_class(a.priority);
  const int cb = priority_class(b.priority);
  return std::tie(ca, a.place_hlc, a.place_origin, a.id) <
         std::tie(cb, b.place_hlc, b.place_origin, b.id);
}

const Ticket* QueueState::find(const TicketId& id) const {
  auto it = tickets.find(id);
  return it == tickets.end() ? nullptr : &it->second;
}

bool QueueState::is_paused(int window) const {
  auto it = windows.find(window);
  return it != windows.end() && it->second.paused;
}

std::vector<const Ticket*> QueueState::find_label(const TicketLabel& label) const {
  std::vector<const Ticket*> out;
  for (const auto& [id, t] : tickets) {
    if (t.prefix == label.prefix && t.number == label.number) out.push_back(&t);
  }
  std::sort(out.begin(), out.end(),
            [](const Ticket* a, const Ticket* b) { return queue_precedes(*a, *b); });
  return out;
}

// [SECTION] Folding and checking

Status check(const QueueState& state, const TicketEvent& event) {
  return check_event(state, event, false);
}

Status apply(QueueState& state, const TicketEvent& event) {
  if (state.last_applied && !(*state.last_applied < key_of(event))) {
    return Status(ErrorCode::Invalid, std::string(to_string(event.kind())) + " " +
                                          event.id.to_string() +
                                          " is ordered before events already applied (HLC " +
                                          event.hlc.to_string() + "); fold the day's events again");
  }
  WEIMIN_TRY(check(state, event));
  apply_checked(state, event);
  return Status::ok();
}

QueueState fold_queue(std::vector<TicketEvent> events) {
  // Equal keys (the same id twice) are ordered by content so that the result never depends on
  // the order the events came in.
  std::sort(events.begin(), events.end(), [](const TicketEvent& a, const TicketEvent& b) {
    if (fact_order_less(a, b)) return true;
    if (fact_order_less(b, a)) return false;
    return to_json(a).dump() < to_json(b).dump();
  });
  QueueState s;
  std::map<Uuid, const TicketEvent*> seen;
  for (const TicketEvent& e : events) {
    auto [it, first] = seen.emplace(e.id, &e);
    if (!first) {
      if (!(*it->second == e)) {
        s.conflicts.push_back({e, ErrorCode::AlreadyExists,
                               "another ticket fact has the same id " + e.id.to_string(), false});
      }
      continue;
    }
    s.last_applied = key_of(e);
    if (Status st = check_event(s, e, true); !st) {
      s.conflicts.push_back({e, st.code(), st.message(), false});
      continue;
    }
    if (const auto* taken = std::get_if<TicketTaken>(&e.body);
        taken && number_in_use(s, taken->line, taken->number)) {
      s.conflicts.push_back({e, ErrorCode::Conflict,
                             "number " + ticket_label(taken->prefix, taken->number) +
                                 " was issued twice on line " + std::to_string(taken->line) +
                                 " (by two nodes offline); both tickets are queued, tell the "
                                 "residents apart by their take time",
                             true});
    }
    apply_checked(s, e);
  }
  return s;
}

Result<int> next_ticket_number(const QueueState& state, int line) {
  int count = 0;
  int largest = 0;
  for (const auto& [id, t] : state.tickets) {
    if (t.taken_line != line) continue;
    ++count;
    largest = std::max(largest, t.number);
  }
  const int next = std::max(count, largest) + 1;
  if (next > kMaxTicketNumber) {
    return Status(ErrorCode::Invalid, "line " + std::to_string(line) + " has issued " +
                                          std::to_string(kMaxTicketNumber) +
                                          " tickets today, the most one day allows");
  }
  return next;
}

// [SECTION] Calling

std::optional<TicketId> next_for_window(const QueueState& state, int window,
                                        std::span<const int> lines, const FairnessPolicy& policy) {
  const Ticket* first_priority = nullptr;
  const Ticket* oldest_ordinary = nullptr;
  bool ordinary_due = false;
  for (const auto& [id, t] : state.tickets) {
    if (!is_candidate(t, window, lines)) continue;
    if (is_priority(t.priority)) {
      if (!first_priority || queue_precedes(t, *first_priority)) first_priority = &t;
    } else {
      if (!oldest_ordinary || queue_precedes(t, *oldest_ordinary)) oldest_ordinary = &t;
      if (t.priority_calls_while_waiting >= policy.max_priority_streak) ordinary_due = true;
    }
  }
  if (first_priority && !ordinary_due) return first_priority->id;
  if (oldest_ordinary) return oldest_ordinary->id;
  return std::nullopt;
}

// [SECTION] Waiting time

std::optional<std::int64_t> median_service_ms(const QueueState& state, int line,
                                              const WaitPolicy& policy) {
  auto it = state.service_ms.find(line);
  if (it == state.service_ms.end() || it->second.empty() || policy.sample_size < 1) {
    return std::nullopt;
  }
  const auto& all = it->second;
  const std::size_t k = std::min(all.size(), static_cast<std::size_t>(policy.sample_size));
  std::vector<std::int64_t> last(all.end() - static_cast<std::ptrdiff_t>(k), all.end());
  std::sort(last.begin(), last.end());
  if (k % 2 == 1) return last[k / 2];
  return (last[k / 2 - 1] + last[k / 2]) / 2;
}

Result<WaitEstimate> estimate_wait(const QueueState& state, const TicketId& ticket,
                                   int open_windows, const WaitPolicy& policy) {
  const Ticket* t = state.find(ticket);
  if (!t) {
    return Status(ErrorCode::NotFound,
                  "no ticket " + ticket.to_string() + " was taken today; check the ticket");
  }
  int ahead = 0;
  if (t->state == TicketState::Waiting) {
    for (const auto& [id, other] : state.tickets) {
      if (other.state == TicketState::Waiting && other.line == t->line &&
          queue_precedes(other, *t)) {
        ++ahead;
      }
    }
  }
  return make_estimate(state, t->line, ahead, open_windows, policy);
}

WaitEstimate estimate_wait(const QueueState& state, int line, int open_windows,
                           const WaitPolicy& policy) {
  int ahead = 0;
  for (const auto& [id, t] : state.tickets) {
    if (t.state == TicketState::Waiting && t.line == line) ++ahead;
  }
  return make_estimate(state, line, ahead, open_windows, policy);
}

// [SECTION] Figures

QueueFigures queue_figures(const QueueState& state, std::optional<int> line) {
  QueueFigures f;
  std::int64_t total_wait = 0;
  for (const auto& [id, t] : state.tickets) {
    if (line && t.line != *line) continue;
    ++f.taken;
    if (t.state == TicketState::Waiting) {
      ++f.waiting;
      if (!t.first_called_ms &&
          (!f.oldest_waiting_taken_ms || t.taken_ms < *f.oldest_waiting_taken_ms)) {
        f.oldest_waiting_taken_ms = t.taken_ms;
      }
    }
    if (t.state == TicketState::Done) ++f.served;
    if (t.state == TicketState::NoShow) ++f.no_shows;
    if (t.first_called_ms) {
      ++f.called;
      const std::int64_t wait = std::max<std::int64_t>(0, *t.first_called_ms - t.taken_ms);
      total_wait += wait;
      f.longest_wait_ms = std::max(f.longest_wait_ms.value_or(0), wait);
    }
  }
  if (f.called > 0) f.average_wait_ms = total_wait / f.called;
  return f;
}

std::optional<std::int64_t> QueueTotals::average_wait_ms() const {
  if (called == 0) return std::nullopt;
  return total_wait_ms / called;
}

QueueTotals& QueueTotals::operator+=(const QueueTotals& other) {
  tickets += other.tickets;
  served += other.served;
  no_shows += other.no_shows;
  called += other.called;
  total_wait_ms += other.total_wait_ms;
  if (other.longest_wait_ms) {
    longest_wait_ms = std::max(longest_wait_ms.value_or(0), *other.longest_wait_ms);
  }
  return *this;
}

QueueBreakdown& QueueBreakdown::operator+=(const QueueBreakdown& other) {
  all += other.all;
  for (const auto& [line, totals] : other.by_line) by_line[line] += totals;
  for (const auto& [window, totals] : other.by_window) by_window[window] += totals;
  return *this;
}

QueueBreakdown queue_breakdown(const QueueState& state) {
  QueueBreakdown b;
  for (const auto& [id, t] : state.tickets) {
    QueueTotals one;
    one.tickets = 1;
    if (t.state == TicketState::Done) one.served = 1;
    if (t.state == TicketState::NoShow) one.no_shows = 1;
    if (t.first_called_ms) {
      one.called = 1;
      one.total_wait_ms = std::max<std::int64_t>(0, *t.first_called_ms - t.taken_ms);
      one.longest_wait_ms = one.total_wait_ms;
    }
    b.all += one;
    b.by_line[t.line] += one;
    if (t.called_window != 0) b.by_window[t.called_window] += one;
  }
  return b;
}

std::map<std::string, int> served_by_staff(const QueueState& state) {
  std::map<std::string, int> served;
  for (const auto& [id, t] : state.tickets) {
    if (t.state == TicketState::Done && !t.staff.empty()) ++served[t.staff];
  }
  return served;
}

}  // namespace weimin::core
