// What the calling board shows, as last read from the station's queue. Private to kiosk/.
// Thread-safety: as App.
#pragma once

#include <cstdint>
#include <vector>

#include "weimin/core/queue.hpp"

namespace weimin::kiosk {

struct BoardState {
  std::vector<core::Ticket> calls;  // called or serving, the latest call first
  int waiting = 0;
  std::int64_t read_ms = -1;  // when the queue was last read
};

}  // namespace weimin::kiosk
