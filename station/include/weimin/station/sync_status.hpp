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
//   sync.progress     the push of the sync running now: sent, total, when (SyncProgress)
// Thread-safety: read_sync_status as Station; a SyncControl is safe to call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// How far the push of a running sync has come: a station back after a month offline sends
// hundreds of thousands of facts, page by page, and shows how many are through.
struct SyncProgress {
  std::int64_t sent = 0;   // facts the district took in this run
  std::int64_t total = 0;  // facts to send in this run (grows if more are written meanwhile)
  std::int64_t at_ms = 0;  // this station's clock when the last page was taken
  // 0–100, rounded down; 100 only when every fact is through.
  int percent() const;
};
// A progress record older than this belongs to a sync that was killed: it is not shown.
inline constexpr std::int64_t kProgressStaleMs = 2 * 60'000;

struct SyncStatus {
  LinkState link = LinkState::Unknown;
  bool enrolled = false;
  std::string server;                      // base URL, empty when not enrolled
  std::int64_t pending = 0;                // facts written here and not yet applied upstream
  std::optional<std::int64_t> last_ok_ms;  // the last good sync
  std::string last_error;                  // empty after a good sync
  bool syncing = false;                    // a sync is running now
  // The push of a sync running now (in this process or another), as it last recorded; nothing
  // when no sync is sending or its record is older than kProgressStaleMs.
  std::optional<SyncProgress> progress;
  // The district's clock minus this station's, as last measured (nullopt: never measured), and
  // whether that is beyond the tolerance: the station's clock needs setting (DESIGN.md).
  std::optional<std::int64_t> clock_offset_ms;
  bool clock_off = false;
  // Facts the district left out of this station's pages, or sent without their newer fields,
  // because this release does not know them (Meta sync.left_out): above 0, the station should
  // be upgraded to the district's release; its next sync then fetches them.
  std::int64_t left_out = 0;
};

// Reads "<sent> <total> <at_ms>" (kMetaProgress); nothing when malformed.
std::optional<SyncProgress> parse_progress(std::string_view text);
std::string progress_text(const SyncProgress& p);

// What the station database says: enrolment, pending facts, last sync, a running sync's
// progress (fresh as of the station's clock). The link is Unknown
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
