// SyncState: what the station keeps about its sync with the district (schema version 3): the
// station id the district gave it, the district's epoch, the pull cursor, and the push streams.
// Also the station's Ed25519 signing key, kept in the station database's Meta — the database
// is SQLCipher-encrypted, so the key is sealed at rest exactly as the data is, and never
// written to disk in the clear. Plain functions over the station's Database; callers own the
// transactions (the pull cursor moves in the same transaction as the facts of a page).
// Thread-safety: as Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "weimin/core/result.hpp"
#include "weimin/storage/database.hpp"

namespace weimin::station {

struct SyncState {
  std::string station_id;  // empty until enrolled
  std::string epoch;       // the district epoch the cursor belongs to
  std::int64_t pull_after = 0;
  // True from a cursor reset to 0 (enrolment, a new district epoch, a digest repair) until a
  // pull reaches the end of the log: pulls then ask for this station's own facts too (a
  // reinstalled station gets back what it made before). Otherwise the district leaves them out.
  bool pull_own = false;
  // The protocol schema the cursor was moved under (Meta sync.pull_schema; absent: 1, the
  // release before schema 2 kept none). Below sync::kSchema, pages up to the cursor were cut to
  // an older schema: the next sync pulls again from 0 (start_schema_refill).
  int pull_schema = 1;
  // While > 0: the cursor is back under this gseq after such a restart, and a pulled fact held
  // already in a cut-down copy gets its whole body (storage::Facts::complete_body).
  std::int64_t refill_until = 0;
};

struct PushStream {
  std::string stream;  // UUIDv7
  std::int64_t base_seq = 0;
  std::string epoch;
};

// Meta keys (sync_status.hpp lists the ones the status bar reads).
inline constexpr std::string_view kMetaServer = "sync.server";
inline constexpr std::string_view kMetaLastOk = "sync.last_ok_ms";
inline constexpr std::string_view kMetaLastError = "sync.last_error";
inline constexpr std::string_view kMetaSigningKey = "sync.signing_key";  // base64, 64 bytes
inline constexpr std::string_view kMetaCaPem = "sync.ca_pem";            // the pinned district CA
inline constexpr std::string_view kMetaLastDigestMs = "sync.last_digest_ms";
inline constexpr std::string_view kMetaPullOwn = "sync.pull_own";          // "1" or absent/"0"
inline constexpr std::string_view kMetaPullSchema = "sync.pull_schema";    // decimal; absent: 1
inline constexpr std::string_view kMetaRefillUntil = "sync.refill_until";  // gseq; absent/0: none
// Facts the district left out of this station's pages (or sent without newer fields) because
// this release does not know them, summed since the last refill; absent/empty: none.
inline constexpr std::string_view kMetaLeftOut = "sync.left_out";
// The push of the sync running now: "<sent> <total> <at_ms>" (facts the district took this run,
// facts to send in all, this station's clock when a page was last taken); removed when the run
// ends (sync_status.hpp, SyncProgress).
inline constexpr std::string_view kMetaProgress = "sync.progress";
// The district's clock minus this station's, as last measured from an answer of the district,
// and this station's clock when it was measured (docs/SYNC.md, "Clocks").
inline constexpr std::string_view kMetaClockOffset = "sync.clock_offset_ms";
inline constexpr std::string_view kMetaClockMeasured = "sync.clock_measured_ms";

// A station whose clock is further off the district's than this is flagged (DESIGN.md), and its
// new HLC stamps follow its clock corrected by the offset.
inline constexpr std::int64_t kClockToleranceMs = 5 * 60'000;
inline bool clock_is_off(std::int64_t offset_ms) {
  return offset_ms > kClockToleranceMs || offset_ms < -kClockToleranceMs;
}

struct ClockOffset {
  std::int64_t offset_ms = 0;    // the district's clock minus this station's
  std::int64_t measured_ms = 0;  // this station's clock at the measurement
};
// The last measured offset; nullopt before any answer of the district was seen.
Result<std::optional<ClockOffset>> load_clock_offset(storage::Database& db);
// Records a measurement (inside the caller's transaction).
Status save_clock_offset(storage::Database& db, const ClockOffset& offset);

Result<SyncState> load_sync_state(storage::Database& db);
// Records the enrolment: station id and epoch, cursor at 0.
Status save_enrolment(storage::Database& db, std::string_view station_id, std::string_view epoch,
                      std::int64_t now_ms);
// Moves the pull cursor (inside the caller's transaction with the page's records). A cursor
// of 0 starts a rebuild: pull_own is set until own_facts_held().
Status save_cursor(storage::Database& db, std::string_view epoch, std::int64_t pull_after,
                   std::int64_t now_ms);
// The cursor was moved under an older schema (state.pull_schema < schema, normally
// sync::kSchema): puts it back to 0 asking for this station's own facts too (pull_own: what was
// left out may bear its id — a handheld enrolled under it), remembers the old cursor in
// refill_until and records the cursor as moved under `schema` from now on. A cursor at 0 only
// records the schema. Inside the caller's transaction.
Status start_schema_refill(storage::Database& db, const SyncState& state, int schema,
                           std::int64_t now_ms);
// The refill reached refill_until (or the end of the log): later pulls compare no bodies.
Status end_schema_refill(storage::Database& db);
// This station holds its own facts (a pull reached the end of the log, or the district never
// had any from it): later pulls leave them out.
Status own_facts_held(storage::Database& db);
// The stream pushes use now; NotFound before enrolment.
Result<PushStream> current_stream(storage::Database& db);
// Makes `stream` the current one, starting after base_seq.
Status start_stream(storage::Database& db, const PushStream& stream, std::int64_t now_ms);

}  // namespace weimin::station
