#include "weimin/station/sync_status.hpp"

#include <charconv>
#include <cstdlib>

#include "weimin/station/sync_state.hpp"
#include "weimin/storage/outbox.hpp"

namespace weimin::station {

std::string_view to_string(LinkState state) {
  switch (state) {
    case LinkState::Unknown:
      return "unknown";
    case LinkState::Up:
      return "up";
    case LinkState::Down:
      return "down";
    case LinkState::NotEnrolled:
      return "not_enrolled";
  }
  return "unknown";
}

int SyncProgress::percent() const {
  if (total <= 0 || sent >= total) return 100;
  if (sent <= 0) return 0;
  return static_cast<int>(sent * 100 / total);
}

std::optional<SyncProgress> parse_progress(std::string_view text) {
  SyncProgress p;
  std::int64_t* fields[] = {&p.sent, &p.total, &p.at_ms};
  const char* at = text.data();
  const char* end = text.data() + text.size();
  for (std::size_t i = 0; i < 3; ++i) {
    if (i > 0) {
      if (at == end || *at != ' ') return std::nullopt;
      ++at;
    }
    auto [next, ec] = std::from_chars(at, end, *fields[i]);
    if (ec != std::errc() || next == at) return std::nullopt;
    at = next;
  }
  if (at != end || p.sent < 0 || p.total < p.sent) return std::nullopt;
  return p;
}

std::string progress_text(const SyncProgress& p) {
  return std::to_string(p.sent) + " " + std::to_string(p.total) + " " + std::to_string(p.at_ms);
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
  WEIMIN_ASSIGN_OR_RETURN(auto progress, storage::Meta::get(station.db(), kMetaProgress));
  if (progress) {
    auto p = parse_progress(*progress);
    const std::int64_t age = p ? station.now_ms() - p->at_ms : 0;
    if (p && age <= kProgressStaleMs && age >= -kProgressStaleMs) status.progress = p;
  }
  WEIMIN_ASSIGN_OR_RETURN(auto offset, load_clock_offset(station.db()));
  if (offset) {
    status.clock_offset_ms = offset->offset_ms;
    status.clock_off = clock_is_off(offset->offset_ms);
  }
  WEIMIN_ASSIGN_OR_RETURN(auto left_out, storage::Meta::get(station.db(), kMetaLeftOut));
  if (left_out && !left_out->empty())
    status.left_out = std::strtoll(left_out->c_str(), nullptr, 10);
  return status;
}

}  // namespace weimin::station
