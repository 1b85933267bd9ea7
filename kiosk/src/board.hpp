// What the calling board (叫号屏) shows, as last read from the station's queue: the ticket at each
// window, the last calls, who waits on each line and for how long, and which calls are new.
// Private to kiosk/.
// Thread-safety: as App.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "weimin/core/catalog.hpp"
#include "weimin/core/queue.hpp"

namespace weimin::kiosk {

// A window of this station (catalog windows_for(community)) and the ticket it calls now.
struct BoardWindow {
  int number = 0;
  core::Text name;
  std::optional<core::Ticket> current;  // called or serving there
  bool operator==(const BoardWindow&) const = default;
};

// A line some window of this station serves, with what someone taking a ticket now would wait
// (core::estimate_wait over the windows serving it: the figure the ticket slip prints).
struct BoardLine {
  int number = 0;
  char prefix = 'A';
  core::Text name;
  int waiting = 0;
  int wait_minutes = 0;  // core::estimate_wait(...).minutes
  bool operator==(const BoardLine&) const = default;
};

struct BoardState {
  static constexpr std::int64_t kReadEveryMs = 2'000;
  static constexpr std::int64_t kHighlightMs = 10'000;  // a new call stands out this long
  static constexpr std::size_t kRecentCalls = 10;

  std::vector<BoardWindow> windows;  // in the catalog's order
  std::vector<core::Ticket> calls;   // the last calls, newest first, each ticket once
  std::vector<BoardLine> lines;      // in the catalog's order
  int waiting = 0;
  std::int64_t read_ms = -1;  // when the queue was last read (App clock)

  // New calls stand out until their time (App clock), by ticket.
  std::map<core::TicketId, std::int64_t> highlight_until;
  // Every ticket called so far today as the last read saw it: (last_called_ms, recalls). A
  // ticket whose pair changed was called (or recalled) since; the first read only fills it.
  std::map<core::TicketId, std::pair<std::int64_t, int>> seen;
  bool primed = false;
};

}  // namespace weimin::kiosk
