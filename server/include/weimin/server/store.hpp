// DistrictStore: everything the district server keeps — enrolled stations and their keys,
// enrol tokens, seen nonces, push streams and their positions, the facts of every station,
// rejected entries, the one change log with its global sequence, reference data, the epoch,
// department tokens — behind one interface, so the embedded SQLCipher store
// (EmbeddedStore, embedded_store.hpp) and a PostgreSQL store can both serve DistrictService.
//
// Rule for implementations: every method is ONE transaction, so several server processes on
// one database stay correct (apply_push checks the stream position and writes the facts, the
// change log and the new position atomically; a concurrent push of the same stream either
// waits or fails with Unavailable and is retried by the station). Tokens are stored as their
// sha-256 hex, never in clear.
// Thread-safety: every member may be called from any thread at once; each call is one
// transaction of its own (the embedded store: one writer at a time, reads on connections of
// their own; PostgreSQL: a pooled connection per call, row locks for a stream and the counter).
// Processes: the PostgreSQL store may be shared by many; the embedded store by one server process
// (plus short CLI commands).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "weimin/core/result.hpp"
#include "weimin/server/figures.hpp"
#include "weimin/server/govern.hpp"
#include "weimin/server/neighbour.hpp"
#include "weimin/server/projection.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::server {

struct StationRecord {
  std::string station_id;  // "station:<community>"
  std::string community;
  std::string public_key;  // 32 raw bytes
  std::int64_t enrolled_ms = 0;
  // The station's clock minus the district's at its last signed request (record_skew), and
  // when that was; unset before the first.
  std::optional<std::int64_t> skew_ms;
  std::int64_t skew_at_ms = 0;
  // Set when an admin revoked the station: its requests are refused from then on; its data
  // stays.
  std::optional<std::int64_t> revoked_ms;
  // What the station last reported on a signed request (sync::StationReport: its software
  // version, the facts waiting in its outbox); informational, never trusted. Unset until a
  // request carried a valid one.
  std::optional<std::string> version;
  std::optional<std::int64_t> waiting;
  // When its last push or pull succeeded, and when the district last accepted a signed
  // request of it (record_station_contact); 0 before the first.
  std::int64_t last_sync_ms = 0;
  std::int64_t last_seen_ms = 0;
};

// A fact as the district keeps it: the wire payload, the community it belongs to (see
// docs/PROTOCOL.md, "Who holds which facts") and when the district received it.
struct FactRecord {
  sync::FactPayload fact;
  std::string community;
  std::int64_t received_ms = 0;
  // The fact's canonical JSON (sync::to_json_value(fact).dump()), as pulls return it. Callers
  // may make it beforehand (DistrictService does, outside its lock); the store makes it when
  // empty. Stores do not fill it when they read facts back.
  std::string record;
};
// record if made, else the canonical dump of fact.
std::string record_text(const FactRecord& r);

// One entry of a push batch after DistrictService checked it: either a fact to apply or the
// reason it can never be applied.
struct PreparedEntry {
  std::int64_t seq = 0;
  std::optional<FactRecord> fact;  // set when applicable
  std::string reject_reason;       // set when not
};

struct PushBatch {
  std::string station_id;
  std::string stream;
  std::int64_t base_seq = 0;
  std::vector<PreparedEntry> entries;  // consecutive seqs
  std::int64_t now_ms = 0;
};

// Consecutive change sequences, first..last inclusive.
struct GseqRange {
  std::int64_t first = 0;
  std::int64_t last = 0;
  bool operator==(const GseqRange&) const = default;
};

// The sequences past `after` that `skip` (ascending, disjoint) leaves: gaps after < gseq <
// before, ascending, the last one open (no before). What read_changes scans between a
// station's own ranges.
struct GseqGap {
  std::int64_t after = 0;
  std::optional<std::int64_t> before;
};
std::vector<GseqGap> gaps_outside(std::int64_t after, const std::vector<GseqRange>& skip);

struct PushOutcome {
  std::int64_t applied_through = 0;
  std::int64_t applied = 0;     // new facts
  std::int64_t duplicates = 0;  // facts the district held already (same id)
  std::vector<sync::RejectedEntry> rejected;
  std::optional<std::int64_t> gap_expected;  // set (and nothing written) when the batch has a gap
  // The sequences the new facts were given: one range, numbered under the change log's one
  // lock, so every change in it is a fact of the pushing station (none when applied is 0), and
  // the store's epoch they belong to.
  std::optional<GseqRange> added;
  std::string epoch;
};

struct ChangePage {
  std::vector<sync::Change> changes;
  std::int64_t next_after = 0;
  bool more = false;
};

// A console account (accounts.hpp): a street office clerk, a department clerk or an admin.
struct AccountRecord {
  std::string user;                   // 3-32 of [a-z0-9._-]
  std::string role;                   // "office", "department", "admin"
  std::string scope;                  // 9-digit office code, department id, or the district code
  std::string password_hash;          // crypto_pwhash_str (Argon2id)
  bool must_change_password = false;  // set by a one-time password
  bool disabled = false;
  std::int64_t created_ms = 0;
  int failed_signins = 0;            // consecutive failures since the last success
  std::int64_t locked_until_ms = 0;  // 0: not locked
};

// A console session, stored by the sha-256 hex of its random id (the cookie's value).
struct SessionRecord {
  std::string id_hash;
  std::string user;
  std::string csrf;  // the session's CSRF token (random, 32 hex digits at least)
  std::string address;
  std::int64_t created_ms = 0;
  std::int64_t last_seen_ms = 0;
};

// One audited console or command action.
struct AuditRecord {
  std::int64_t id = 0;  // assigned by the store, increasing
  std::int64_t at_ms = 0;
  std::string user;     // account, or "-" when none (a failed sign-in names the user tried)
  std::string address;  // the client's IP address, or "cli"
  std::string action;   // e.g. "signin", "signin_failed", "whistle", "reveal_contact"
  std::string target;   // e.g. a case id, an account name; may be empty
  std::string detail;   // free text (a reason, an outcome); may be empty
};

// Reference data kinds a district publishes: "catalog", "roster".
struct ReferenceRecord {
  std::string type;
  std::string json;  // the document as published (canonical dump)
  std::int64_t gseq = 0;
  std::int64_t published_ms = 0;
};

class DistrictStore {
 public:
  virtual ~DistrictStore() = default;

  // The current epoch id (made when the store was created or restored).
  virtual Result<std::string> epoch() = 0;
  // The district code this store serves, e.g. "530102".
  virtual Result<std::string> district() = 0;
  // The store's own check (weimin-district doctor): "ok", or what it found. The embedded store
  // runs SQLite's integrity check over every page; PostgreSQL reads a row of every table of
  // the store's schema (page-level checks are PostgreSQL's own: amcheck, data checksums).
  virtual Result<std::string> integrity_check() = 0;

  // [SECTION] Enrolment and keys
  virtual Status add_enroll_token(const std::string& token_hash, const std::string& community,
                                  std::int64_t expires_ms, std::int64_t now_ms) = 0;
  // In one transaction: the token exists, is unused, unexpired and for `community`; it is
  // marked used and the station (re-)registered with `public_key`. Unauthenticated ("bad
  // token: …") otherwise, changing nothing.
  virtual Result<StationRecord> enroll(const std::string& token_hash, const std::string& community,
                                       const std::string& public_key, std::int64_t now_ms) = 0;
  virtual Result<std::optional<StationRecord>> find_station(const std::string& station_id) = 0;
  virtual Result<std::vector<StationRecord>> stations() = 0;
  // Marks the station revoked at now_ms (NotFound when not enrolled; a second revoke keeps the
  // first time).
  virtual Status revoke_station(const std::string& station_id, std::int64_t now_ms) = 0;
  // Remembers a station's clock skew at `now_ms` (StationRecord::skew_ms).
  virtual Status record_skew(const std::string& station_id, std::int64_t skew_ms,
                             std::int64_t now_ms) = 0;
  // Records an accepted signed request of a station at now_ms (last_seen_ms), what it reported
  // (an unset value keeps the one stored) and, when `synced` (its push or pull succeeded),
  // last_sync_ms. One UPDATE; a station not enrolled here changes nothing and is no error.
  virtual Status record_station_contact(const std::string& station_id,
                                        const sync::StationReport& report, std::int64_t now_ms,
                                        bool synced) = 0;
  // Records a nonce of a station; false when it was seen already. Nonces older than
  // forget_before_ms may be forgotten.
  virtual Result<bool> remember_nonce(const std::string& station_id, const std::string& nonce,
                                      std::int64_t now_ms, std::int64_t forget_before_ms) = 0;

  // [SECTION] Push
  // Applies a batch atomically with the stream's position (see PushOutcome). A stream not
  // seen before starts at batch.base_seq. Entries ≤ the position are skipped; a first new
  // entry past position + 1 sets gap_expected and writes nothing.
  virtual Result<PushOutcome> apply_push(const PushBatch& batch) = 0;
  virtual Result<std::vector<sync::StreamPosition>> streams(const std::string& station_id) = 0;
  // Rejected entries of one station, or of all (empty station_id), oldest first.
  virtual Result<std::vector<sync::RejectRecord>> rejects(const std::string& station_id) = 0;

  // [SECTION] Facts made at the district
  // Inserts facts (INSERT OR IGNORE) and logs the new ones as changes, in one transaction.
  // Returns how many were new.
  virtual Result<std::int64_t> append_facts(const std::vector<FactRecord>& facts) = 0;
  // The bulk path: stores many facts at once (a year of a district for a benchmark or a scale
  // test, an import) and leaves the store in exactly the state append_facts(facts) leaves it —
  // the same facts held, the same changes with the same gseqs (the new facts numbered in list
  // order, the first of repeated ids kept), the same case rows, figure units, day sums and
  // stale station days — in one transaction, only faster: it looks up which ids and which
  // cases it already holds once, writes the new facts in key order, folds each case once from
  // the facts in hand (reading back only the cases that had facts before), writes each case's
  // row and units once and each touched (day, street office) sum once, and (embedded) uses a
  // larger page cache for the call. The list may hold any number of facts that fit in memory
  // alongside their case rows (100,000–500,000 a call is a good size; whole case histories make
  // each case folded once). Returns how many were new. On failure nothing is written. The base
  // implementation is append_facts.
  virtual Result<std::int64_t> bulk_append_facts(const std::vector<FactRecord>& facts) {
    return append_facts(facts);
  }
  // Every case fact (kind "case.*") whose subject is `case_id`, in (hlc, origin, id) order.
  virtual Result<std::vector<FactRecord>> case_facts(const std::string& case_id) = 0;
  // The community each of `case_ids` belongs to: that of its first case.collected fact in
  // (hlc, origin, id) order. Cases with no case.collected fact here are absent. One query
  // (or a few, for many ids) whatever the number of ids.
  virtual Result<std::map<std::string, std::string>> case_communities(
      const std::vector<std::string>& case_ids) = 0;
  // Every fact of `kind` (e.g. "case.whistled"), in (hlc, origin, id) order; indexed for case
  // kinds only.
  virtual Result<std::vector<FactRecord>> facts_by_kind(const std::string& kind) = 0;
  virtual Result<std::int64_t> fact_count() = 0;

  // [SECTION] Pull and anti-entropy
  // Changes with gseq > after visible to `community` (its facts and all reference data), in
  // gseq order, at most max_count, and past the first at most max_bytes of records. Facts whose
  // origin is `skip_origin` are left out (empty: none). When the page is the last one (more is
  // false), next_after is the newest gseq of the whole log, so the skipped facts and others'
  // changes are not scanned again. `skip_ranges` (ascending, disjoint) are ranges known to hold
  // only facts of `skip_origin` (PushOutcome::added of its pushes): the scan steps over them
  // instead of reading them row by row. They change nothing in the page, only its cost.
  virtual Result<ChangePage> read_changes(const std::string& community, std::int64_t after,
                                          std::int64_t max_count, std::size_t max_bytes,
                                          const std::string& skip_origin,
                                          const std::vector<GseqRange>& skip_ranges) = 0;
  // Per-day digests (table "fact") of `community`'s facts with from ≤ day ≤ to, over the facts
  // whose kind `schema` knows (sync::fact_kind_schema(kind) ≤ schema; kSchema: every fact).
  virtual Result<std::vector<sync::DayDigest>> digests(const std::string& community,
                                                       const std::string& from,
                                                       const std::string& to, int schema) = 0;

  // [SECTION] Reference data
  // Logs a new version of "catalog" or "roster"; returns its gseq. A catalog whose deadlines or
  // working-day calendar differ from the one before also makes, in the same transaction, the
  // case rows and figure units of every case whose deadlines it can move (the open cases'
  // next deadlines and overdue, the closed ones' steps met or late), so the projection equals a
  // rebuild's without one (projection::catalog_change says which cases).
  virtual Result<std::int64_t> publish_reference(const std::string& type, const std::string& json,
                                                 std::int64_t now_ms) = 0;
  virtual Result<std::optional<ReferenceRecord>> latest_reference(const std::string& type) = 0;

  // [SECTION] Departments and the street office
  // Registers a bearer token for an actor: a department id (role "department") or a street
  // office's 9-digit code (role "street_office"), valid until expires_ms.
  virtual Status add_actor_token(const std::string& token_hash, const std::string& actor,
                                 const std::string& role, std::int64_t expires_ms,
                                 std::int64_t now_ms) = 0;
  struct Actor {
    std::string actor;
    std::string role;
  };
  // The actor of a token that is known, not revoked and not expired at now_ms; nothing
  // otherwise.
  virtual Result<std::optional<Actor>> actor_for_token(const std::string& token_hash,
                                                       std::int64_t now_ms) = 0;
  struct ActorToken {
    std::string token_hash;
    std::string actor;
    std::string role;
    std::int64_t created_ms = 0;
    std::int64_t expires_ms = 0;
    std::optional<std::int64_t> revoked_ms;
  };
  // Every actor token, oldest first.
  virtual Result<std::vector<ActorToken>> actor_tokens() = 0;
  // Revokes the tokens whose hash starts with `hash_prefix` (at least 8 hex digits) and are
  // not revoked yet; returns how many.
  virtual Result<std::int64_t> revoke_actor_tokens(const std::string& hash_prefix,
                                                   std::int64_t now_ms) = 0;

  // [SECTION] The case projection (projection.hpp)
  // Kept by apply_push and append_facts in their own transactions: every case whose facts they
  // add gets its row remade by project_case from all its facts, with the deadlines of the
  // latest published catalog (none before one is published).
  virtual Result<std::optional<CaseRow>> case_row(const std::string& case_id) = 0;
  // One page of rows matching `query` in its order (detail_json left empty).
  virtual Result<CasePage> query_cases(const CaseQuery& query) = 0;
  // Remakes every case's row from the facts in one transaction; returns the number of cases.
  virtual Result<std::int64_t> rebuild_projection() = 0;
  // Every consultation, work-access and certificate row (govern.hpp), kept with the facts and
  // remade by rebuild_projection. Both stores override it; a store that keeps no such rows (a
  // test's wrapper) answers Unavailable.
  virtual Result<GovernRecords> govern_records() {
    return Status(ErrorCode::Unavailable, "this store keeps no consultation or work-access rows");
  }
  // Every wish, care-list, visit and call row (neighbour.hpp), kept with the facts and remade
  // by rebuild_projection. Both stores override it; a store that keeps none answers Unavailable.
  virtual Result<NeighbourRecords> neighbour_records() {
    return Status(ErrorCode::Unavailable, "this store keeps no neighbour-services rows");
  }
  // One bounded page of each list of those rows (govern.hpp GovernQuery, neighbour.hpp
  // NeighbourQuery): the rows of the query's scope in each list's stable order, at most
  // query.limit of each from its offset, and whether more follow; all lists read in one
  // snapshot. Invalid for a limit outside 1…200 or a negative offset. Both stores override it.
  virtual Result<GovernPage> govern_page(const GovernQuery&) {
    return Status(ErrorCode::Unavailable, "this store keeps no consultation or work-access rows");
  }
  virtual Result<NeighbourPage> neighbour_page(const NeighbourQuery&) {
    return Status(ErrorCode::Unavailable, "this store keeps no neighbour-services rows");
  }

  // [SECTION] Figures (figures.hpp)
  // The figure units of every case (whistle_units) are kept with the projection, in the same
  // transactions; a push of ticket facts marks their station days stale, and figures() folds
  // those again before reading. rebuild_projection remakes all of it.
  // Every figure of `query` (check_figure_query passed), equal to figures_from_facts over the
  // stored facts.
  virtual Result<DistrictFigures> figures(const FigureQuery& query) = 0;
  // Every fact of `community` with from ≤ day ≤ to (local dates), in (hlc, origin, id) order.
  virtual Result<std::vector<FactRecord>> community_facts(const std::string& community,
                                                          const std::string& from,
                                                          const std::string& to) = 0;

  // [SECTION] Console accounts, sessions and audit (accounts.hpp)
  // AlreadyExists when the user exists.
  virtual Status add_account(const AccountRecord& account) = 0;
  virtual Result<std::optional<AccountRecord>> find_account(const std::string& user) = 0;
  // Every account, by user name.
  virtual Result<std::vector<AccountRecord>> accounts() = 0;
  // Replaces the stored account of account.user (NotFound when none).
  virtual Status update_account(const AccountRecord& account) = 0;
  virtual Status add_session(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionRecord>> find_session(const std::string& id_hash) = 0;
  virtual Status touch_session(const std::string& id_hash, std::int64_t now_ms) = 0;
  // Ends one session (id_hash set) or every session of `user` (id_hash empty).
  virtual Status end_sessions(const std::string& id_hash, const std::string& user) = 0;
  // Appends to the audit log (record.id is ignored).
  virtual Status add_audit(const AuditRecord& record) = 0;
  // Audit records with id < before_id (any when 0), newest first, at most `limit`.
  virtual Result<std::vector<AuditRecord>> audit_log(std::int64_t before_id, int limit) = 0;
};

}  // namespace weimin::server
