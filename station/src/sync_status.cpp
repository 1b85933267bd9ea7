#include "weimin/station/sync_status.hpp"

#include "weimin/station/sync_state.hpp"
#include "weimin/storage/outbox.hpp"

namespace weimin::station {

std::string_view to_string(LinkState state) {
  switch (state) {
    case LinkState::Unknown: return "unknown";
    case LinkState::Up: return "up";
    case LinkState::Down: return "down";
    case LinkState::NotEnrolled: return "not_enrolled";
  }
  return "unknown";
}

Result<SyncStatus> read_sync_status(Station& station) {
  SyncStatus status;
  WEIMIN_ASSIGN_OR_RETURN(storage::OutboxStats outbox, storage::Outbox::stats(station.db()));
  status.pending = outbox.pending();
  WEIMIN_ASSIGN_OR_RETURN(auto server, storage::Meta::get(station.db(), "sync.server"));
  status.enrolled = server.has_value() && !server->empty();
  if (status.enrolled) status.server = *server;
  status.link = status.enrolled ? LinkState::Unknown : LinkState::NotEnrolled;
  WEIMIN_ASSIGN_OR_RETURN(auto last_ok, storage::Meta::get(station.db(), "sync.last_ok_ms"));
  if (last_ok && !last_ok->empty()) status.last_ok_ms = std::stoll(*last_ok);
  WEIMIN_ASSIGN_OR_RETURN(auto last_error, storage::Meta::get(station.db(), "sync.last_error"));
  if (last_error) status.last_error = *last_error;
  WEIMIN_ASSIGN_OR_RETURN(auto offset, load_clock_offset(station.db()));
  if (offset) {
    status.clock_offset_ms = offset->offset_ms;
    status.clock_off = clock_is_off(offset->offset_ms);
  }
  return status;
}

}  // namespace weimin::station
