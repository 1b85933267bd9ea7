// LinkProbe: whether the district can be reached now, from its unsigned health endpoint, with
// exponential backoff (and jitter) while it cannot. It feeds the kiosk's status bar and tells
// the scheduler when the link returns (down → up), so a sync starts soon after.
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <string>

#include "weimin/sync/client.hpp"
#include "weimin/sync/scheduler.hpp"

namespace weimin::sync {

struct LinkProbeOptions {
  std::int64_t up_interval_ms = 60'000;  // probe this often while the link is up
  std::int64_t down_base_ms = 2'000;     // first re-probe after a failure
  std::int64_t down_max_ms = 5 * 60'000; // re-probes back off to at most this
};

struct LinkReport {
  bool up = false;
  bool returned = false;        // this probe saw the link come back (or come up the first time)
  std::string epoch;            // the district's epoch, when up
  std::string error;            // why it is down, in plain words
  std::int64_t next_probe_ms = 0;
};

class LinkProbe {
 public:
  LinkProbe(LinkProbeOptions options, std::uint64_t seed);

  // Probes now through `client` and plans the next probe.
  LinkReport probe(SyncClient& client, std::int64_t now_ms);
  // Records the outcome of other traffic (a sync that reached or failed to reach the
  // district) without a probe of its own.
  LinkReport observe(bool reached, const std::string& error, std::int64_t now_ms);
  bool up() const { return up_; }
  bool known() const { return known_; }
  std::int64_t next_probe_ms() const { return next_ms_; }

 private:
  LinkProbeOptions options_;
  Backoff backoff_;
  bool up_ = false;
  bool known_ = false;
  std::int64_t next_ms_ = 0;
};

}  // namespace weimin::sync
