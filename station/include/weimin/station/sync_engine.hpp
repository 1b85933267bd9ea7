// The station's side of sync with its district (DESIGN.md, "Sync protocol"; docs/SYNC.md):
// enrolment, and one sync run — push the outbox in pages and acknowledge what the district
// applied, pull the district's changes in pages and apply each page with the cursor in one
// transaction, re-bootstrap after the district's epoch changes (replaying this station's own
// facts under a new stream, so nothing the district lost is lost), and at night compare
// per-day digests and repair a mismatch. A run interrupted anywhere (a cut link, a crash)
// resumes from what the database recorded: after a cut at most one page is sent or fetched
// again, after a crash at most the push window's two pages (the district skips them).
// Thread-safety: a SyncEngine uses its Station from the thread that calls run(); while a push
// page is in flight its Transport is used from a worker thread (the push's window of two pages,
// docs/SYNC.md), one request at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "weimin/station/station.hpp"
#include "weimin/station/sync_state.hpp"
#include "weimin/station/sync_status.hpp"
#include "weimin/sync/client.hpp"
#include "weimin/sync/transport.hpp"

namespace weimin::station {

struct EnrollOptions {
  std::string server;  // the district's base URL
  std::string token;   // the one-time token from `weimin-district enroll-token`
  std::string ca_pem;  // the district CA to pin (PEM); may be empty for an in-process district
};

// Makes the station's Ed25519 key, enrols it with the district and records the server, the
// pinned CA, the key (sealed in the encrypted database), the station id, the epoch and a new
// push stream in one transaction. Rejected when the district refuses the token; the station
// is unchanged then.
Result<sync::EnrollResponse> enroll_station(Station& station, sync::Transport& transport,
                                            const EnrollOptions& options);

// The HTTPS transport to the district the station is enrolled with (URL and pinned CA from the
// database). NotFound before enrolment.
Result<std::unique_ptr<sync::Transport>> district_transport(Station& station);

// Records `offset_ms` (the district's clock minus this station's, just measured) in the sync
// state, and sets the station's HLC back to the district's time when it ran further ahead than
// the tolerance (docs/SYNC.md, "Clocks"). One transaction; fails as the database does.
Status record_district_clock(Station& station, std::int64_t offset_ms);

struct SyncOptions {
  std::size_t push_page_count = 1000;     // entries per push request
  std::size_t push_page_bytes = 1 << 20;  // and payload bytes per push request
  std::int64_t pull_limit = 1000;         // changes per pull page
  bool anti_entropy = false;              // compare per-day digests (the nightly sync)
  int digest_days = 30;                   // how many days back the digests cover
  // The protocol schema pulls and digests ask in. sync::kSchema always, except in a test that
  // plays a station of the release before (it then keeps its cursor as moved under that schema).
  int schema = sync::kSchema;
  // Called after each push page the district took (and once before the first), on the
  // sync's thread; the same figures are recorded in the database (kMetaProgress).
  std::function<void(const SyncProgress&)> on_progress;
};

struct SyncReport {
  std::int64_t pushed = 0;           // facts the district applied as new
  std::int64_t push_duplicates = 0;  // facts it already held
  std::int64_t push_rejected = 0;    // facts it refused for good (see weimin sync status)
  std::int64_t push_pages = 0;
  std::int64_t resent_pages = 0;  // push pages the district had applied already (after a cut)
  std::int64_t pulled = 0;        // changes received
  std::int64_t pulled_new = 0;    // facts new to this station
  std::int64_t pull_pages = 0;
  std::int64_t catalog_updates = 0;
  std::int64_t roster_updates = 0;
  bool epoch_changed = false;
  std::int64_t replayed = 0;  // own facts queued again after an epoch change or a gap
  std::vector<std::string> digest_mismatches;  // days that differed (then repaired)
  std::int64_t digest_mismatches_after_repair = 0;
  std::int64_t clock_offset_ms = 0;  // the district's clock minus ours
  bool clock_hlc_set_back = false;   // the station's HLC ran ahead of the district's time
  // The pull cursor had been moved under an older protocol schema (this station was upgraded):
  // the schema it was, and the pull went back to 0 to fetch what those pages had left out.
  int refilled_from_schema = 0;
  std::int64_t completed_bodies = 0;  // held facts given the fields an older page left out
  // What the district left out of the pages because this release does not know it (a district
  // newer than this station): whole facts, and facts sent without newer fields.
  std::int64_t left_out = 0;
  std::int64_t trimmed = 0;

  nlohmann::json to_json() const;
  // "pushed 12 facts, pulled 3 changes (2 new facts)" — what moved, for people.
  std::string summary() const;
};

class SyncEngine {
 public:
  SyncEngine(Station& station, sync::Transport& transport);
  SyncEngine(const SyncEngine&) = delete;  // the client's waiting count refers to this engine
  SyncEngine& operator=(const SyncEngine&) = delete;

  // One sync: push, pull, and with anti_entropy the digest check. Records sync.last_ok_ms or
  // sync.last_error in Meta. NotFound before enrolment; Unavailable when the district cannot be
  // reached (worth a retry); Unauthenticated / PermissionDenied / Rejected when it refuses.
  Result<SyncReport> run(const SyncOptions& options = {});

  sync::SyncClient& client() { return client_; }

 private:
  Status run_inner(const SyncOptions& options, SyncReport& report);
  Status load_identity();
  // One page of the outbox as the request that sends it.
  struct PushPage {
    sync::RawPushRequest request;
    std::int64_t first = 0, last = 0;  // the outbox sequences it holds
    bool empty() const { return request.entries.empty(); }
  };
  Result<PushPage> read_push_page(const PushStream& stream, std::int64_t after,
                                  const SyncOptions& options);
  Status acknowledge(std::int64_t through, const SyncProgress& progress,
                     const SyncOptions& options);
  Status push_all(const SyncOptions& options, SyncReport& report);
  Status pull_all(const SyncOptions& options, SyncReport& report);
  // Applies a page and moves the cursor in one transaction; while refill_until > 0 a fact held
  // already is given the page's body when it differs (a copy cut down for an older schema).
  Status apply_page(const sync::PullResponse& page, std::int64_t refill_until, SyncReport& report);
  Status rebootstrap(const std::string& new_epoch, SyncReport& report);
  Status replay_own_facts(const std::string& epoch, SyncReport& report);
  Status anti_entropy(const SyncOptions& options, SyncReport& report);
  Status record_outcome(const Status& outcome);
  Status record_progress(const SyncProgress& progress, const SyncOptions& options);
  // Records the district's clock as the client last saw it; true when the HLC was set back.
  Result<bool> record_clock();

  Station& station_;
  sync::SyncClient client_;
  std::string station_id_;
  // The outbox's waiting count the signed requests report while a push is in flight on the
  // push's worker thread (-1: read it from the database).
  std::atomic<std::int64_t> waiting_hint_{-1};
};

}  // namespace weimin::station
