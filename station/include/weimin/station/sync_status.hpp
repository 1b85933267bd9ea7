// SyncStatus: what the kiosk's status bar and `weimin sync status` show about the link to the
// district — network state, facts waiting to sync, the time of the last good sync — and
// SyncControl, the seam through which a front end asks for "sync now" without knowing how sync
// works. The sync module (station/sync_service, over sync/client) implements SyncControl; a
// front end with no sync service still shows what the database knows.
// Meta keys the sync module keeps in the station database (read here, written there):
//   sync.server       the district's base URL, set at enrolment
//   sync.last_ok_ms   wall time of the last sync that finished without error
//   sync.last_error   the last sync's error message, empty after a good sync
//   sync.clock_offset_ms  the district's clock minus the station's, as last measured
// Thread-safety: read_sync_status as Station; a SyncControl is safe to call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "weimin/station/station.hpp"

namespace weimin::station {

// The link to the district as the station last saw it.
enum class LinkState {
  Unknown,      // not probed yet (or no probe running)
  Up,           // the district's health endpoint answered
  Down,         // it did not; retrying with backoff
  NotEnrolled,  // this station has no district yet
};

std::string_view to_string(LinkState state);

struct SyncStatus {
  LinkState link = LinkState::Unknown;
  bool enrolled = false;
  std::string server;                     // base URL, empty when not enrolled
  std::int64_t pending = 0;               // facts written here and not yet applied upstream
  std::optional<std::int64_t> last_ok_ms;  // the last good sync
  std::string last_error;                 // empty after a good sync
  bool syncing = false;                   // a sync is running now
  // The district's clock minus this station's, as last measured (nullopt: never measured), and
  // whether that is beyond the tolerance: the station's clock needs setting (DESIGN.md).
  std::optional<std::int64_t> clock_offset_ms;
  bool clock_off = false;
};

// What the station database says: enrolment, pending facts, last sync. The link is Unknown
// (NotEnrolled when there is no server). Fails as the database does.
Result<SyncStatus> read_sync_status(Station& station);

class SyncControl {
 public:
  virtual ~SyncControl() = default;
  // The latest status, cheap enough to call every frame.
  virtual SyncStatus status() const = 0;
  // Starts a sync soon (staff's "sync now"); returns at once.
  virtual void sync_now() = 0;
};

}  // namespace weimin::station
