#include "weimin/sync/link.hpp"

namespace weimin::sync {

LinkProbe::LinkProbe(LinkProbeOptions options, std::uint64_t seed)
    : options_(options), backoff_(options.down_base_ms, options.down_max_ms, seed) {}

LinkReport LinkProbe::observe(bool reached, const std::string& error, std::int64_t now_ms) {
  LinkReport report;
  report.up = reached;
  report.returned = reached && (!up_ || !known_);
  report.error = reached ? "" : error;
  if (reached) {
    backoff_.reset();
    next_ms_ = now_ms + options_.up_interval_ms;
  } else {
    next_ms_ = now_ms + backoff_.next_delay_ms();
  }
  up_ = reached;
  known_ = true;
  report.next_probe_ms = next_ms_;
  return report;
}

LinkReport LinkProbe::probe(SyncClient& client, std::int64_t now_ms) {
  auto health = client.health();
  // Any answer from the district means the link is up, even a refusal; only a transport
  // failure (no response) means it is down.
  if (health.is_ok()) {
    LinkReport report = observe(true, "", now_ms);
    report.epoch = health->epoch;
    return report;
  }
  const bool reached = health.status().code() != ErrorCode::Unavailable;
  return observe(reached, health.status().message(), now_ms);
}

}  // namespace weimin::sync
