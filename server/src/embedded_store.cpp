// The district's store in one SQLCipher file (embedded_store.hpp).
#include "weimin/server/embedded_store.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "embedded_figures.hpp"
#include "figure_tables.hpp"
#include "govern_tables.hpp"
#include "grid_tables.hpp"
#include "neighbour_tables.hpp"
#include "projection_store.hpp"
#include "weimin/storage/keyed_store.hpp"
#include "weimin/storage/migrations.hpp"
#include "weimin/sync/protocol_auth.hpp"
#include "weimin/sync/protocol_digest.hpp"
#include "weimin/sync/protocol_schema.hpp"

namespace weimin::server {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kDbName = "district.db";

constexpr std::string_view kSchemaV1 = R"SQL(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE enroll_tokens (token_hash TEXT PRIMARY KEY, community TEXT NOT NULL,
  created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, used_ms INTEGER, used_by TEXT);
CREATE TABLE stations (station_id TEXT PRIMARY KEY, community TEXT NOT NULL,
  public_key BLOB NOT NULL, enrolled_ms INTEGER NOT NULL);
CREATE TABLE nonces (station_id TEXT NOT NULL, nonce TEXT NOT NULL, seen_ms INTEGER NOT NULL,
  PRIMARY KEY (station_id, nonce)) WITHOUT ROWID;
CREATE INDEX nonces_seen ON nonces (seen_ms);
CREATE TABLE streams (station_id TEXT NOT NULL, stream TEXT NOT NULL,
  applied_through INTEGER NOT NULL, started_ms INTEGER NOT NULL,
  PRIMARY KEY (station_id, stream)) WITHOUT ROWID;
CREATE TABLE rejects (id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, stream TEXT NOT NULL,
  seq INTEGER NOT NULL, reason TEXT NOT NULL, at_ms INTEGER NOT NULL);
CREATE INDEX rejects_station ON rejects (station_id, id);
CREATE TABLE changes (gseq INTEGER PRIMARY KEY, type TEXT NOT NULL, community TEXT NOT NULL,
  record TEXT NOT NULL);
CREATE INDEX changes_scope ON changes (community, gseq);
CREATE TABLE facts (id TEXT PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL,
  origin TEXT NOT NULL, community TEXT NOT NULL, hlc INTEGER NOT NULL, wall_ms INTEGER NOT NULL,
  day TEXT NOT NULL, received_ms INTEGER NOT NULL, gseq INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX facts_subject ON facts (subject, hlc);
CREATE INDEX facts_kind ON facts (kind, hlc);
CREATE INDEX facts_day ON facts (community, day, id);
CREATE TABLE actor_tokens (token_hash TEXT PRIMARY KEY, actor TEXT NOT NULL, role TEXT NOT NULL,
  created_ms INTEGER NOT NULL);
)SQL";

// Version 2: each change carries its fact's origin, so a pull can leave out the asking
// station's own facts without reading the records.
constexpr const char* kSchemaV2 = R"SQL(
ALTER TABLE changes ADD COLUMN origin TEXT NOT NULL DEFAULT '';
CREATE INDEX facts_gseq_v2 ON facts (gseq);
UPDATE changes SET origin = (SELECT f.origin FROM facts f WHERE f.gseq = changes.gseq)
  WHERE type = 'fact';
DROP INDEX facts_gseq_v2;
)SQL";

// Version 3: only case facts are looked up by subject or kind (the case views and the
// departments' lists); every other fact (tickets, the bulk) costs two index entries fewer.
constexpr const char* kSchemaV3 = R"SQL(
DROP INDEX facts_subject;
DROP INDEX facts_kind;
CREATE INDEX facts_case ON facts (subject, hlc) WHERE kind LIKE 'case.%';
CREATE INDEX facts_case_kind ON facts (kind, hlc) WHERE kind LIKE 'case.%';
)SQL";

// Version 4: actor tokens expire and can be revoked (tokens of before get 90 days from their
// making); each station's last clock skew.
constexpr const char* kSchemaV4 = R"SQL(
ALTER TABLE actor_tokens ADD COLUMN expires_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE actor_tokens ADD COLUMN revoked_ms INTEGER;
UPDATE actor_tokens SET expires_ms = created_ms + 7776000000;
ALTER TABLE stations ADD COLUMN skew_ms INTEGER;
ALTER TABLE stations ADD COLUMN skew_at_ms INTEGER NOT NULL DEFAULT 0;
)SQL";

// Version 5: the case projection (projection.hpp). One row per case, the departments of its
// current round apart (one row each) for the departments' inboxes; every inbox order has its
// index: most recently changed (last_change_ms DESC, case_id) and, only for the cases with a
// deadline waiting, earliest due (next_due_ms, …). Filled by rebuild_projection when upgraded.
constexpr const char* kSchemaV5 = R"SQL(
CREATE TABLE case_rows (case_id TEXT PRIMARY KEY, tracking_code TEXT NOT NULL,
  community TEXT NOT NULL, office TEXT NOT NULL, stage TEXT NOT NULL, source TEXT NOT NULL,
  channel TEXT NOT NULL, level TEXT NOT NULL, kind TEXT NOT NULL, description TEXT NOT NULL,
  collected_ms INTEGER NOT NULL, stage_since_ms INTEGER NOT NULL, last_change_ms INTEGER NOT NULL,
  next_due_ms INTEGER NOT NULL, open_conflicts INTEGER NOT NULL, reopen_count INTEGER NOT NULL,
  evaluation TEXT NOT NULL, sent_back INTEGER NOT NULL DEFAULT 0, departments TEXT NOT NULL,
  detail_json TEXT NOT NULL);
CREATE TABLE case_departments (department TEXT NOT NULL, case_id TEXT NOT NULL,
  step TEXT NOT NULL, report_due_ms INTEGER NOT NULL, reported_ms INTEGER NOT NULL,
  feedback_due_ms INTEGER NOT NULL, feedback_ms INTEGER NOT NULL, expected_ms INTEGER NOT NULL,
  due_ms INTEGER NOT NULL, next_due_ms INTEGER NOT NULL, last_change_ms INTEGER NOT NULL,
  PRIMARY KEY (department, case_id)) WITHOUT ROWID;
CREATE INDEX case_rows_recent ON case_rows (last_change_ms DESC, case_id);
CREATE INDEX case_rows_due ON case_rows (next_due_ms, last_change_ms DESC, case_id)
  WHERE next_due_ms > 0;
CREATE INDEX case_rows_office ON case_rows (office, last_change_ms DESC, case_id);
CREATE INDEX case_rows_office_due ON case_rows (office, next_due_ms, last_change_ms DESC, case_id)
  WHERE next_due_ms > 0;
CREATE INDEX case_rows_community ON case_rows (community, last_change_ms DESC, case_id);
CREATE INDEX case_rows_community_due ON case_rows (community, next_due_ms, last_change_ms DESC,
  case_id) WHERE next_due_ms > 0;
CREATE INDEX case_rows_stage ON case_rows (stage, last_change_ms DESC, case_id);
CREATE INDEX case_rows_stage_due ON case_rows (stage, next_due_ms, last_change_ms DESC, case_id)
  WHERE next_due_ms > 0;
CREATE INDEX case_rows_tracking ON case_rows (tracking_code);
CREATE INDEX case_departments_case ON case_departments (case_id);
CREATE INDEX case_departments_recent ON case_departments (department, last_change_ms DESC,
  case_id);
CREATE INDEX case_departments_due ON case_departments (department, next_due_ms,
  last_change_ms DESC, case_id) WHERE next_due_ms > 0;
CREATE INDEX case_departments_step ON case_departments (department, step, last_change_ms DESC,
  case_id);
CREATE INDEX case_departments_step_due ON case_departments (department, step, next_due_ms,
  last_change_ms DESC, case_id) WHERE next_due_ms > 0;
)SQL";

// Version 6: the console's accounts, their sessions (by the sha-256 hex of the session id) and
// the audit; stations an admin revoked.
constexpr const char* kSchemaV6 = R"SQL(
ALTER TABLE stations ADD COLUMN revoked_ms INTEGER;
CREATE TABLE accounts (user_name TEXT PRIMARY KEY, role TEXT NOT NULL, scope TEXT NOT NULL,
  password_hash TEXT NOT NULL, must_change_password INTEGER NOT NULL, disabled INTEGER NOT NULL,
  created_ms INTEGER NOT NULL, failed_signins INTEGER NOT NULL,
  locked_until_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, csrf TEXT NOT NULL,
  address TEXT NOT NULL, created_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_name);
CREATE INDEX sessions_seen ON sessions (last_seen_ms);
CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL,
  user_name TEXT NOT NULL, address TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
  detail TEXT NOT NULL);
)SQL";

// Version 7: inbox tabs ask an office or a community for a few stages (waiting for a whistle:
// collected, reopened, returned), which are few among its cases: their own indexes, so such a
// page reads its rows and not the whole office.
constexpr const char* kSchemaV7 = R"SQL(
CREATE INDEX IF NOT EXISTS case_rows_office_stage ON case_rows (office, stage,
  last_change_ms DESC, case_id);
CREATE INDEX IF NOT EXISTS case_rows_office_stage_due ON case_rows (office, stage, next_due_ms,
  last_change_ms DESC, case_id) WHERE next_due_ms > 0;
CREATE INDEX IF NOT EXISTS case_rows_community_stage ON case_rows (community, stage,
  last_change_ms DESC, case_id);
CREATE INDEX IF NOT EXISTS case_rows_community_stage_due ON case_rows (community, stage,
  next_due_ms, last_change_ms DESC, case_id) WHERE next_due_ms > 0;
)SQL";

// Version 8: what each station last reported (its software version, the facts waiting in its
// outbox), when its last push or pull succeeded and when it last made a signed request. The
// last clock-skew time is the best known "last seen" of before.
constexpr const char* kSchemaV8 = R"SQL(
ALTER TABLE stations ADD COLUMN software_version TEXT;
ALTER TABLE stations ADD COLUMN waiting_facts INTEGER;
ALTER TABLE stations ADD COLUMN last_sync_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stations ADD COLUMN last_seen_ms INTEGER NOT NULL DEFAULT 0;
UPDATE stations SET last_seen_ms = skew_at_ms;
)SQL";

// The grid of a case (its collected event's where.grid) on its row; the community's cases of
// one grid have an index.
constexpr const char* kSchemaCasesByGrid = R"SQL(
ALTER TABLE case_rows ADD COLUMN grid TEXT NOT NULL DEFAULT '';
CREATE INDEX case_rows_community_grid ON case_rows (community, grid, last_change_ms DESC,
  case_id);
)SQL";

const storage::Migration kMigrations[] = {
    {1, "district store", kSchemaV1},
    {2, "changes carry their origin", kSchemaV2},
    {3, "case facts indexed by subject and kind", kSchemaV3},
    {4, "actor tokens expire; stations' clock skew", kSchemaV4},
    {5, "the case projection", kSchemaV5},
    {6, "console accounts, sessions and audit; revoked stations", kSchemaV6},
    {7, "inbox indexes by office or community and stage", kSchemaV7},
    {8, "what stations report; their last sync and last request", kSchemaV8},
    // Version 9: the district's figures (figure_tables.hpp); filled by rebuild_projection.
    {9, "figure units, their day sums and the stations' queue days", figure_tables::kSqliteSchema},
    // Version 10: consultation, work-access and certificate rows (govern.hpp).
    {10, "consultation, work-access and certificate rows", govern_tables::kSqliteSchema},
    // Version 11 (issue 16): the grid (网格) of each case's row, for the console's grid filter
    // and the counts by grid. Rows of before need no filling: a district of before refused
    // collected facts with a where (unknown field).
    {11, "cases by grid", kSchemaCasesByGrid},
    // Version 12 (issue 15): the figures' sums per breakdown and the returns per day, so a
    // month's page reads sums, not units; filled by start() from figure_units.
    {12, "figure sums per breakdown and returns per day", figure_tables::kSqliteSumsSchema},
    // Version 13 (issue 16): wishes, care lists, visits and calls (neighbour.hpp); filled by
    // start() from the stored facts.
    {13, "wishes, care lists, visits and calls", neighbour_tables::kSqliteSchema},
    // Version 14 (issue 16): the figures by grid (grid_tables.hpp); filled by start() through
    // rebuild_projection (a case's closed day needs its fold).
    {14, "grid cases and their day sums", grid_tables::kSqliteSchema}};

// The page cache of a bulk_append_facts call (KiB): the pages a bulk load comes back to (the ends
// of the indexes it appends to, its cases' rows) stay decrypted through the call.
constexpr std::int64_t kBulkCacheKiB = 512 * 1024;

// A session row unused this long is dropped when another session is added: longer than any
// idle timeout or absolute limit a console is given (AccountOptions), so it ended already.
constexpr std::int64_t kSessionRowLifetimeMs = 48LL * 3600 * 1000;

// case_communities asks for this many case ids per statement (unused places bound to '').
constexpr int kCommunityBatch = 64;
const std::string& case_communities_sql() {
  static const std::string sql = [] {
    std::string q =
        "SELECT subject, community FROM facts WHERE kind LIKE 'case.%' AND kind = "
        "'case.collected' AND subject IN (?";
    for (int i = 1; i < kCommunityBatch; ++i) q += ",?";
    return q + ") ORDER BY hlc DESC, origin DESC, id DESC";
  }();
  return sql;
}

std::string new_epoch_id(std::int64_t now_ms) {
  unsigned char r[6];
  randombytes_buf(r, sizeof r);
  static const char* digits = "0123456789abcdef";
  std::string id = "e" + std::to_string(now_ms) + "-";
  for (unsigned char c : r) {
    id.push_back(digits[c >> 4]);
    id.push_back(digits[c & 15]);
  }
  return id;
}

struct Marker {
  std::string epoch;
  std::int64_t gseq = 0;
};

std::optional<Marker> read_marker(const fs::path& file) {
  std::ifstream in(file);
  Marker m;
  if (!(in >> m.epoch >> m.gseq)) return std::nullopt;
  return m;
}

// Written after a commit, without fsync: after a power cut the marker can only be behind the
// database or unreadable (the safe side: no false epoch change). Overwritten in place with one
// write of one short line (a rename per push cost up to 4 ms on ext4, under the write lock);
// should the truncate not happen, the rest of a longer earlier line lies after the newline,
// where read_marker stops.
void write_marker(const fs::path& file, const Marker& m) {
  const std::string line = m.epoch + " " + std::to_string(m.gseq) + "\n";
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  if (::pwrite(fd, line.data(), line.size(), 0) == static_cast<ssize_t>(line.size())) {
    (void)::ftruncate(fd, static_cast<off_t>(line.size()));
  }
  ::close(fd);
}

// Copies the write-ahead log into the database from its own connection (PASSIVE: never waits
// for or blocks the writer), every second until stopped, and at once when asked (checkpoint_now).
// A second, not less: each checkpoint costs two fsyncs (the log's, the database's) and copies
// the pages written since the last one, and the commits of a second of pushes rewrite the same
// index pages again and again (a sync benchmark's server made 194 fsyncs at 100 ms, 79 at 1 s,
// for the same requests).
class Checkpointer {
 public:
  explicit Checkpointer(storage::KeyedStore store)
      : store_(std::move(store)), thread_([this] { run(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  // Runs one checkpoint on the thread now and waits for it; its outcome.
  Status checkpoint_now() {
    std::unique_lock lock(mutex_);
    const std::uint64_t ticket = ++requested_;
    wake_.notify_one();
    finished_.wait(lock, [&] { return done_ >= ticket || stop_; });
    if (done_ < ticket) return Status(ErrorCode::Unavailable, "the checkpointer is stopping");
    return last_;
  }

 private:
  void run() {
    // Signals are for the threads that handle them (serve's waiter), never this one.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait_for(lock, std::chrono::milliseconds(1000),
                     [this] { return stop_ || requested_ > done_; });
      if (stop_) break;
      const std::uint64_t serving = requested_;
      lock.unlock();
      // A failure (a busy lock) is retried at the next tick; the backstop is SQLite's own.
      Status st = store_.db().exec("PRAGMA wal_checkpoint(PASSIVE)");
      lock.lock();
      last_ = std::move(st);
      done_ = serving;
      finished_.notify_all();
    }
    finished_.notify_all();
  }

  storage::KeyedStore store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable finished_;
  bool stop_ = false;
  std::uint64_t requested_ = 0;  // checkpoint_now calls made
  std::uint64_t done_ = 0;       // of those, the ones a finished checkpoint served
  Status last_ = Status::ok();
  std::thread thread_;  // last: started once the members above exist
};

class EmbeddedStore final : public DistrictStore {
 public:
  EmbeddedStore(storage::KeyedStore store, fs::path folder)
      : store_(std::move(store)), folder_(std::move(folder)) {}
  ~EmbeddedStore() override { checkpointer_.reset(); }  // before the writer's connection closes

  // Hands the log's checkpoints to a thread with `second`, a connection of its own.
  Status checkpoint_in_background(storage::KeyedStore second) {
    WEIMIN_TRY(db().exec("PRAGMA wal_autocheckpoint = 16384"));
    checkpointer_ = std::make_unique<Checkpointer>(std::move(second));
    return Status::ok();
  }

  Status checkpoint_now() {
    if (!checkpointer_) {
      return Status(ErrorCode::Invalid,
                    "this embedded store has no background checkpointer (background_checkpoint)");
    }
    return checkpointer_->checkpoint_now();
  }

  storage::Database& db() { return store_.db(); }
  fs::path marker_file() const { return folder_ / "epoch"; }

  Result<storage::Statement*> stmt(const char* sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      WEIMIN_ASSIGN_OR_RETURN(storage::Statement s, db().prepare(sql));
      it = cache_.emplace(sql, std::move(s)).first;
    }
    it->second.reset();
    return &it->second;
  }

  Result<std::optional<std::string>> meta(const std::string& key) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT value FROM meta WHERE key = ?"));
    s->bind(1, key);
    WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
    std::optional<std::string> out;
    if (row) out = s->column_text(0);
    s->reset();
    return out;
  }
  Status set_meta(const std::string& key, const std::string& value) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s,
                            stmt("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"));
    s->bind(1, key).bind(2, value);
    return s->run();
  }
  Result<std::int64_t> max_gseq() {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT COALESCE(MAX(gseq), 0) FROM changes"));
    WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
    std::int64_t g = row ? s->column_int64(0) : 0;
    s->reset();
    return g;
  }

  // f() with this connection's commits not waiting for the disk (synchronous = NORMAL; FULL
  // again after it): for a request's bookkeeping (its nonce, the station's clock and last
  // contact), so that a push costs one fsync, its own, and a pull none. The write-ahead log is
  // one sequence, so the next FULL commit (any push) or checkpoint makes these durable too; a
  // power cut before that can lose only them (a nonce of the last moments, which replays only
  // an idempotent push or a read; a contact time), never a fact or a stream's position.
  template <class F>
  auto relaxed(F&& f) -> decltype(f()) {
    WEIMIN_TRY(db().exec("PRAGMA synchronous = NORMAL"));
    auto out = f();
    const Status full = db().exec("PRAGMA synchronous = FULL");
    if (!full.is_ok()) return full;
    return out;
  }

  // After a commit that added changes.
  void mark(std::int64_t gseq) {
    if (epoch_cache_.empty()) return;
    write_marker(marker_file(), Marker{epoch_cache_, gseq});
  }

  Status start(const EmbeddedStoreOptions& o) {
    WEIMIN_ASSIGN_OR_RETURN(const int before, storage::schema_version(db()));
    WEIMIN_TRY(storage::migrate(db(), kMigrations, o.now_ms));
    // A store of before the projection: its cases' rows are made once, now.
    // A store of before the projection or the figures: its cases' rows and units are made once,
    // now.
    if (before > 0 && before < 9) WEIMIN_TRY(rebuild_projection().status());
    if (before >= 9 && before < 10) WEIMIN_TRY(rebuild_govern());
    if (before >= 9 && before < 13) WEIMIN_TRY(rebuild_neighbour());
    // A store of before the grid figures: every case's grid case comes from its fold.
    if (before >= 9 && before < 14) WEIMIN_TRY(rebuild_projection().status());
    if (before >= 9 && before < 12) {
      WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
      WEIMIN_TRY(figures_.rebuild_sums());
      WEIMIN_TRY(tx.commit());
    }
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    WEIMIN_ASSIGN_OR_RETURN(auto district, meta("district"));
    if (!district) {
      if (o.district.size() != 6 || !sync::is_community_code(o.district + "001001")) {
        return Status(ErrorCode::Invalid,
                      "this district store is new: say which district it serves with "
                      "--district CODE (6 digits, e.g. 530102)");
      }
      WEIMIN_TRY(set_meta("district", o.district));
    } else if (!o.district.empty() && *district != o.district) {
      return Status(ErrorCode::Invalid, "the store in " + folder_.string() + " serves district " +
                                            *district + ", not " + o.district +
                                            "; use another --data folder");
    }
    WEIMIN_ASSIGN_OR_RETURN(auto epoch, meta("epoch"));
    WEIMIN_ASSIGN_OR_RETURN(std::int64_t top, max_gseq());
    std::optional<Marker> marker = read_marker(marker_file());
    bool renew = !epoch || (marker && (marker->epoch != *epoch || marker->gseq > top));
    if (renew) {
      epoch = new_epoch_id(o.now_ms);
      WEIMIN_TRY(set_meta("epoch", *epoch));
    }
    WEIMIN_TRY(tx.commit());
    epoch_cache_ = *epoch;
    if (renew || !marker) mark(top);
    return Status::ok();
  }

  Status renew_epoch(std::int64_t now_ms) {
    std::string e = new_epoch_id(now_ms);
    WEIMIN_TRY(set_meta("epoch", e));
    epoch_cache_ = e;
    WEIMIN_ASSIGN_OR_RETURN(std::int64_t top, max_gseq());
    mark(top);
    return Status::ok();
  }

  // [SECTION] DistrictStore

  Result<std::string> epoch() override {
    WEIMIN_ASSIGN_OR_RETURN(auto e, meta("epoch"));
    if (!e) return Status(ErrorCode::Corrupt, "the district store records no epoch");
    epoch_cache_ = *e;
    return *e;
  }
  Result<std::string> integrity_check() override { return db().integrity_check(); }
  Result<std::string> district() override {
    WEIMIN_ASSIGN_OR_RETURN(auto d, meta("district"));
    if (!d) return Status(ErrorCode::Corrupt, "the district store records no district");
    return *d;
  }

  Status add_enroll_token(const std::string& hash, const std::string& community,
                          std::int64_t expires_ms, std::int64_t now_ms) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT INTO enroll_tokens (token_hash, community, "
                                          "created_ms, expires_ms) VALUES (?, ?, ?, ?)"));
    s->bind(1, hash).bind(2, community).bind(3, now_ms).bind(4, expires_ms);
    return s->run();
  }

  Result<StationRecord> enroll(const std::string& hash, const std::string& community,
                               const std::string& public_key, std::int64_t now_ms) override {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT community, expires_ms, used_ms FROM "
                                          "enroll_tokens WHERE token_hash = ?"));
    s->bind(1, hash);
    WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
    if (!row) {
      return Status(ErrorCode::Unauthenticated,
                    "this enrol token is not known here; ask the district for a new one "
                    "(weimin-district enroll-token --community CODE)");
    }
    std::string token_community = s->column_text(0);
    std::int64_t expires = s->column_int64(1);
    bool used = !s->is_null(2);
    s->reset();
    if (used) {
      return Status(ErrorCode::Unauthenticated,
                    "this enrol token was used already; each token enrols one station once. "
                    "Ask the district for a new one");
    }
    if (expires <= now_ms) {
      return Status(ErrorCode::Unauthenticated,
                    "this enrol token has expired; ask the district for a new one");
    }
    if (token_community != community) {
      return Status(ErrorCode::Unauthenticated,
                    "this enrol token is for community " + token_community + ", not " + community);
    }
    StationRecord st{sync::station_id_for(community), community, public_key, now_ms};
    WEIMIN_ASSIGN_OR_RETURN(auto* u, stmt("UPDATE enroll_tokens SET used_ms = ?, used_by = ? "
                                          "WHERE token_hash = ?"));
    u->bind(1, now_ms).bind(2, st.station_id).bind(3, hash);
    WEIMIN_TRY(u->run());
    WEIMIN_ASSIGN_OR_RETURN(auto* i,
                            stmt("INSERT OR REPLACE INTO stations (station_id, "
                                 "community, public_key, enrolled_ms) VALUES (?, ?, ?, ?)"));
    i->bind(1, st.station_id).bind(2, community);
    i->bind_blob(
        3, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(public_key.data()),
                                         public_key.size()));
    i->bind(4, now_ms);
    WEIMIN_TRY(i->run());
    WEIMIN_TRY(tx.commit());
    return st;
  }

  Result<std::optional<StationRecord>> find_station(const std::string& station_id) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT station_id, community, public_key, enrolled_ms, "
                                          "skew_ms, skew_at_ms, revoked_ms, software_version, "
                                          "waiting_facts, last_sync_ms, last_seen_ms FROM "
                                          "stations WHERE station_id = ?"));
    s->bind(1, station_id);
    WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
    std::optional<StationRecord> out;
    if (row) out = station_from_row(*s);
    s->reset();
    return out;
  }

  static StationRecord station_from_row(storage::Statement& s) {
    StationRecord st{s.column_text(0), s.column_text(1), s.column_text(2), s.column_int64(3)};
    if (!s.is_null(4)) st.skew_ms = s.column_int64(4);
    st.skew_at_ms = s.column_int64(5);
    if (!s.is_null(6)) st.revoked_ms = s.column_int64(6);
    if (!s.is_null(7)) st.version = s.column_text(7);
    if (!s.is_null(8)) st.waiting = s.column_int64(8);
    st.last_sync_ms = s.column_int64(9);
    st.last_seen_ms = s.column_int64(10);
    return st;
  }

  Status record_station_contact(const std::string& station_id, const sync::StationReport& report,
                                std::int64_t now_ms, bool synced) override {
    return relaxed([&]() -> Status {
      WEIMIN_ASSIGN_OR_RETURN(
          auto* s, stmt("UPDATE stations SET software_version = COALESCE(?, software_version), "
                        "waiting_facts = COALESCE(?, waiting_facts), last_seen_ms = ?, "
                        "last_sync_ms = CASE WHEN ? THEN ? ELSE last_sync_ms END "
                        "WHERE station_id = ?"));
      s->bind(1, report.version).bind(2, report.waiting).bind(3, now_ms);
      s->bind(4, synced ? 1 : 0).bind(5, now_ms).bind(6, station_id);
      return s->run();
    });
  }

  Status record_skew(const std::string& station_id, std::int64_t skew_ms,
                     std::int64_t now_ms) override {
    return relaxed([&]() -> Status {
      WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("UPDATE stations SET skew_ms = ?, skew_at_ms = ? "
                                            "WHERE station_id = ?"));
      s->bind(1, skew_ms).bind(2, now_ms).bind(3, station_id);
      return s->run();
    });
  }

  Result<std::vector<StationRecord>> stations() override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT station_id, community, public_key, enrolled_ms, "
                                          "skew_ms, skew_at_ms, revoked_ms, software_version, "
                                          "waiting_facts, last_sync_ms, last_seen_ms FROM "
                                          "stations ORDER BY station_id"));
    std::vector<StationRecord> out;
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      out.push_back(station_from_row(*s));
    }
    return out;
  }

  Result<bool> remember_nonce(const std::string& station_id, const std::string& nonce,
                              std::int64_t now_ms, std::int64_t forget_before_ms) override {
    return relaxed([&] { return remember_nonce_now(station_id, nonce, now_ms, forget_before_ms); });
  }
  Result<bool> remember_nonce_now(const std::string& station_id, const std::string& nonce,
                                  std::int64_t now_ms, std::int64_t forget_before_ms) {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    WEIMIN_ASSIGN_OR_RETURN(auto* d, stmt("DELETE FROM nonces WHERE seen_ms < ?"));
    d->bind(1, forget_before_ms);
    WEIMIN_TRY(d->run());
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT OR IGNORE INTO nonces (station_id, nonce, "
                                          "seen_ms) VALUES (?, ?, ?)"));
    s->bind(1, station_id).bind(2, nonce).bind(3, now_ms);
    WEIMIN_TRY(s->run());
    bool fresh = db().changes() == 1;
    WEIMIN_TRY(tx.commit());
    return fresh;
  }

  // Inserts one fact and, when new, its change; `next_gseq` is the sequence to use.
  Result<bool> insert_fact(const FactRecord& r, std::int64_t& next_gseq) {
    const sync::FactPayload& f = r.fact;
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT OR IGNORE INTO facts (id, kind, subject, origin, "
                                          "community, hlc, wall_ms, day, received_ms, gseq) VALUES "
                                          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    // The texts are borrowed, not copied: `r` outlives both runs (a fact's record is ~1 KB).
    s->bind_borrowed(1, f.id).bind_borrowed(2, f.kind).bind_borrowed(3, f.subject);
    s->bind_borrowed(4, f.origin).bind_borrowed(5, r.community);
    s->bind(6, f.hlc).bind(7, f.wall_ms).bind_borrowed(8, f.day).bind(9, r.received_ms);
    s->bind(10, next_gseq);
    WEIMIN_TRY(s->run());
    if (db().changes() != 1) return false;
    WEIMIN_ASSIGN_OR_RETURN(auto* c, stmt("INSERT INTO changes (gseq, type, community, record, "
                                          "origin) VALUES (?, 'fact', ?, ?, ?)"));
    // Made with the request (ServiceHandlers::push) unless the caller left it to the store.
    const std::string made = r.record.empty() ? record_text(r) : std::string();
    c->bind(1, next_gseq).bind_borrowed(2, r.community);
    c->bind_borrowed(3, r.record.empty() ? made : r.record).bind_borrowed(4, f.origin);
    WEIMIN_TRY(c->run());
    ++next_gseq;
    return true;
  }

  Result<PushOutcome> apply_push(const PushBatch& b) override {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    std::int64_t last_gseq = 0;
    WEIMIN_ASSIGN_OR_RETURN(PushOutcome out, apply_push_within(b, last_gseq));
    if (out.gap_expected) return out;  // the transaction rolls back: nothing written
    WEIMIN_TRY(tx.commit());
    if (last_gseq) mark(last_gseq);
    return out;
  }

  // A push waiting for the writer (apply_pushes): its batch, and its outcome once applied.
  struct WaitingPush {
    const PushBatch* batch = nullptr;
    std::optional<Result<PushOutcome>> outcome;
  };

  // Applies `group` in one transaction with one commit (one fsync for all: the group commit of
  // ServedEmbeddedStore::apply_push), each batch in a savepoint of its own, so a batch with a
  // gap or a failure leaves nothing and the others are applied as if alone. Sets every
  // outcome: a batch's own, or the commit's failure for every batch that was to be applied.
  void apply_pushes(const std::vector<WaitingPush*>& group) {
    auto fail_all = [&](const Status& why) {
      for (WaitingPush* w : group) {
        if (!w->outcome || w->outcome->is_ok()) w->outcome = why;
      }
    };
    auto tx = db().begin();
    if (!tx.is_ok()) return fail_all(tx.status());
    std::int64_t last_gseq = 0;
    for (WaitingPush* w : group) {
      if (Status st = db().exec("SAVEPOINT push"); !st.is_ok()) return fail_all(st);
      std::int64_t batch_last = 0;
      Result<PushOutcome> out = apply_push_within(*w->batch, batch_last);
      if (!db().in_transaction()) {  // SQLite rolled the whole transaction back (I/O error)
        return fail_all(out.is_ok() ? Status(ErrorCode::Unavailable,
                                             "the district's write was rolled back; push again")
                                    : out.status());
      }
      const bool keep = out.is_ok() && !out->gap_expected;
      Status st = keep ? Status::ok() : db().exec("ROLLBACK TO push");
      if (st.is_ok()) st = db().exec("RELEASE push");
      if (!st.is_ok()) return fail_all(st);
      if (keep && batch_last) last_gseq = batch_last;
      w->outcome = std::move(out);
    }
    if (Status st = tx->commit(); !st.is_ok()) return fail_all(st);
    if (last_gseq) mark(last_gseq);
  }

  // The writes of one push inside an open transaction; `last_gseq` gets the last change
  // sequence given (0: none). With a gap nothing is written.
  Result<PushOutcome> apply_push_within(const PushBatch& b, std::int64_t& last_gseq) {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT applied_through FROM streams WHERE station_id = "
                                          "? AND stream = ?"));
    s->bind(1, b.station_id).bind(2, b.stream);
    WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
    bool known = row;
    std::int64_t pos = row ? s->column_int64(0) : b.base_seq;
    s->reset();
    PushOutcome out;
    out.applied_through = pos;
    std::size_t first = 0;
    while (first < b.entries.size() && b.entries[first].seq <= pos) ++first;
    if (first < b.entries.size() && b.entries[first].seq > pos + 1) {
      out.gap_expected = pos + 1;
      return out;  // nothing written
    }
    if (!known) {
      WEIMIN_ASSIGN_OR_RETURN(auto* i, stmt("INSERT INTO streams (station_id, stream, "
                                            "applied_through, started_ms) VALUES (?, ?, ?, ?)"));
      i->bind(1, b.station_id).bind(2, b.stream).bind(3, pos).bind(4, b.now_ms);
      WEIMIN_TRY(i->run());
    }
    if (first == b.entries.size()) return out;
    WEIMIN_ASSIGN_OR_RETURN(std::int64_t top, max_gseq());
    std::int64_t next = top + 1;
    std::vector<std::string> touched;  // cases given a new fact
    for (std::size_t k = first; k < b.entries.size(); ++k) {
      const PreparedEntry& e = b.entries[k];
      if (e.fact) {
        WEIMIN_ASSIGN_OR_RETURN(bool fresh, insert_fact(*e.fact, next));
        (fresh ? out.applied : out.duplicates)++;
        if (fresh) note_case(*e.fact, touched);
        if (fresh) figures_.note_fact(*e.fact);
        if (fresh) govern_.note_fact(*e.fact);
        if (fresh) neighbour_.note_fact(*e.fact);
      } else {
        WEIMIN_ASSIGN_OR_RETURN(auto* r, stmt("INSERT INTO rejects (station_id, stream, seq, "
                                              "reason, at_ms) VALUES (?, ?, ?, ?, ?)"));
        r->bind(1, b.station_id).bind(2, b.stream).bind(3, e.seq).bind(4, e.reject_reason);
        r->bind(5, b.now_ms);
        WEIMIN_TRY(r->run());
        out.rejected.push_back({e.seq, e.reject_reason});
      }
      out.applied_through = e.seq;
    }
    WEIMIN_ASSIGN_OR_RETURN(auto* u, stmt("UPDATE streams SET applied_through = ? WHERE "
                                          "station_id = ? AND stream = ?"));
    u->bind(1, out.applied_through).bind(2, b.station_id).bind(3, b.stream);
    WEIMIN_TRY(u->run());
    WEIMIN_TRY(project_cases(touched));
    WEIMIN_TRY(figures_.flush());
    WEIMIN_TRY(govern_.flush(govern_catalog()));
    WEIMIN_TRY(neighbour_.flush());
    if (next != top + 1) {
      last_gseq = next - 1;
      out.added = GseqRange{top + 1, next - 1};
      out.epoch = epoch_cache_;
    }
    return out;
  }

  Result<std::vector<sync::StreamPosition>> streams(const std::string& station_id) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT stream, applied_through FROM streams WHERE "
                                          "station_id = ? ORDER BY started_ms, stream"));
    s->bind(1, station_id);
    std::vector<sync::StreamPosition> out;
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      out.push_back({s->column_text(0), s->column_int64(1)});
    }
    return out;
  }

  Result<std::vector<sync::RejectRecord>> rejects(const std::string& station_id) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT stream, seq, reason, at_ms, station_id FROM "
                                          "rejects WHERE ? = '' OR station_id = ? ORDER BY id"));
    s->bind(1, station_id).bind(2, station_id);
    std::vector<sync::RejectRecord> out;
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      std::string stream = s->column_text(0);
      if (station_id.empty()) stream = s->column_text(4) + "/" + stream;
      out.push_back({stream, s->column_int64(1), s->column_text(2), s->column_int64(3)});
    }
    return out;
  }

  Result<std::int64_t> append_facts(const std::vector<FactRecord>& facts) override {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    WEIMIN_ASSIGN_OR_RETURN(std::int64_t top, max_gseq());
    std::int64_t next = top + 1, fresh = 0;
    std::vector<std::string> touched;  // cases given a new fact
    for (const FactRecord& f : facts) {
      WEIMIN_ASSIGN_OR_RETURN(bool added, insert_fact(f, next));
      fresh += added ? 1 : 0;
      if (added) note_case(f, touched);
      if (added) figures_.note_fact(f);
      if (added) govern_.note_fact(f);
      if (added) neighbour_.note_fact(f);
    }
    WEIMIN_TRY(project_cases(touched));
    WEIMIN_TRY(figures_.flush());
    WEIMIN_TRY(govern_.flush(govern_catalog()));
    WEIMIN_TRY(neighbour_.flush());
    WEIMIN_TRY(tx.commit());
    if (fresh) mark(next - 1);
    return fresh;
  }

  // [SECTION] The bulk path (DistrictStore::bulk_append_facts)

  Result<std::int64_t> bulk_append_facts(const std::vector<FactRecord>& facts) override {
    if (facts.empty()) return std::int64_t{0};
    // A larger page cache for the call: the pages a bulk load touches again and again (the ends
    // of the indexes it appends to) are decrypted once.
    WEIMIN_TRY(db().exec("PRAGMA cache_size = -" + std::to_string(kBulkCacheKiB)));
    Result<std::int64_t> out = bulk_append(facts);
    const Status restored = db().exec("PRAGMA cache_size = -16384");
    if (out.is_ok() && !restored.is_ok()) return restored;
    return out;
  }

  Result<std::int64_t> bulk_append(const std::vector<FactRecord>& facts) {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    // The new facts: of each id the first in the list, when the store does not hold it. Looked
    // up in id order (the key's order, so the pages are read once).
    std::vector<std::size_t> by_id(facts.size());
    for (std::size_t i = 0; i < facts.size(); ++i) by_id[i] = i;
    std::stable_sort(by_id.begin(), by_id.end(), [&](std::size_t a, std::size_t b) {
      return facts[a].fact.id < facts[b].fact.id;
    });
    std::vector<char> fresh(facts.size(), 0);
    WEIMIN_ASSIGN_OR_RETURN(auto* held, stmt("SELECT 1 FROM facts WHERE id = ?"));
    for (std::size_t k = 0; k < by_id.size(); ++k) {
      const std::string& id = facts[by_id[k]].fact.id;
      if (k > 0 && facts[by_id[k - 1]].fact.id == id) continue;  // a repeat in the list
      held->bind(1, id);
      WEIMIN_ASSIGN_OR_RETURN(bool row, held->step());
      held->reset();
      fresh[by_id[k]] = row ? 0 : 1;
    }
    // Their gseqs in list order, as append_facts gives them.
    WEIMIN_ASSIGN_OR_RETURN(std::int64_t top, max_gseq());
    std::vector<std::int64_t> gseq(facts.size(), 0);
    std::int64_t next = top + 1;
    for (std::size_t i = 0; i < facts.size(); ++i) {
      if (fresh[i]) gseq[i] = next++;
    }
    if (next == top + 1) {
      WEIMIN_TRY(tx.commit());
      return std::int64_t{0};
    }
    // The cases given a new fact, and those of them that had case facts before (read back
    // whole after the insert; the others fold from the facts in hand).
    std::map<std::string, std::vector<const FactRecord*>> cases;
    for (std::size_t i = 0; i < facts.size(); ++i) {
      if (fresh[i] && facts[i].fact.kind.starts_with("case.")) {
        cases[facts[i].fact.subject].push_back(&facts[i]);
      }
    }
    std::set<std::string> known;
    WEIMIN_ASSIGN_OR_RETURN(auto* has, stmt("SELECT 1 FROM facts WHERE subject = ? AND kind LIKE "
                                            "'case.%' LIMIT 1"));
    for (const auto& [subject, list] : cases) {
      has->bind(1, subject);
      WEIMIN_ASSIGN_OR_RETURN(bool row, has->step());
      has->reset();
      if (row) known.insert(subject);
    }
    // The facts in key order, then their changes in gseq order.
    WEIMIN_ASSIGN_OR_RETURN(auto* ins, stmt("INSERT INTO facts (id, kind, subject, origin, "
                                            "community, hlc, wall_ms, day, received_ms, gseq) "
                                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (std::size_t i : by_id) {
      if (!fresh[i]) continue;
      const FactRecord& r = facts[i];
      const sync::FactPayload& f = r.fact;
      ins->bind_borrowed(1, f.id).bind_borrowed(2, f.kind).bind_borrowed(3, f.subject);
      ins->bind_borrowed(4, f.origin).bind_borrowed(5, r.community);
      ins->bind(6, f.hlc).bind(7, f.wall_ms).bind_borrowed(8, f.day).bind(9, r.received_ms);
      ins->bind(10, gseq[i]);
      WEIMIN_TRY(ins->run());
    }
    WEIMIN_ASSIGN_OR_RETURN(auto* chg, stmt("INSERT INTO changes (gseq, type, community, record, "
                                            "origin) VALUES (?, 'fact', ?, ?, ?)"));
    for (std::size_t i = 0; i < facts.size(); ++i) {
      if (!fresh[i]) continue;
      const std::string record = record_text(facts[i]);  // borrowed by the run below
      chg->bind(1, gseq[i]).bind_borrowed(2, facts[i].community).bind_borrowed(3, record);
      chg->bind_borrowed(4, facts[i].fact.origin);
      WEIMIN_TRY(chg->run());
      figures_.note_fact(facts[i]);
      neighbour_.note_fact(facts[i]);
    }
    // Each case folded once; its row and units written once.
    WEIMIN_ASSIGN_OR_RETURN(auto catalog, latest_reference("catalog"));
    const core::CaseDeadlines& deadlines = deadlines_.get(catalog);
    for (auto& [subject, list] : cases) {
      const bool had = known.contains(subject);
      std::vector<FactRecord> case_list;
      if (had) {
        WEIMIN_ASSIGN_OR_RETURN(case_list, case_facts(subject));
      } else {
        case_list = projection::in_fold_order(list);
      }
      projection::Projected p = projection::project_facts_with_units(subject, case_list, deadlines);
      WEIMIN_TRY(write_case_row(p.row, !had));
      WEIMIN_TRY(figures_.replace_units(subject, p.units, !had));
      WEIMIN_TRY(figures_.replace_grid_case(subject, p.grid, !had));
    }
    WEIMIN_TRY(figures_.flush());
    WEIMIN_TRY(neighbour_.flush());
    WEIMIN_TRY(tx.commit());
    mark(next - 1);
    return next - top - 1;
  }

  Result<std::vector<FactRecord>> read_facts(storage::Statement* s) {
    std::vector<FactRecord> out;
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      WEIMIN_ASSIGN_OR_RETURN(nlohmann::json j,
                              sync::parse_json(s->column_text(0), "a stored fact"));
      WEIMIN_ASSIGN_OR_RETURN(sync::FactPayload f, sync::parse_fact_payload(j));
      out.push_back({std::move(f), s->column_text(1), s->column_int64(2)});
    }
    s->reset();
    return out;
  }

  Result<std::vector<FactRecord>> case_facts(const std::string& case_id) override {
    // The kind term matches the partial index facts_case's, so SQLite uses it.
    WEIMIN_ASSIGN_OR_RETURN(auto* s,
                            stmt("SELECT c.record, f.community, f.received_ms FROM facts f "
                                 "JOIN changes c ON c.gseq = f.gseq WHERE f.subject = ? "
                                 "AND f.kind LIKE 'case.%' ORDER BY f.hlc, f.origin, f.id"));
    s->bind(1, case_id);
    return read_facts(s);
  }

  Result<std::map<std::string, std::string>> case_communities(
      const std::vector<std::string>& case_ids) override {
    std::map<std::string, std::string> out;
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt(case_communities_sql().c_str()));
    for (std::size_t from = 0; from < case_ids.size(); from += kCommunityBatch) {
      for (int i = 0; i < kCommunityBatch; ++i) {
        const std::size_t k = from + static_cast<std::size_t>(i);
        s->bind(i + 1, k < case_ids.size() ? case_ids[k] : std::string());
      }
      // Newest first, so the first collected fact of each case is written last.
      while (true) {
        WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
        if (!row) break;
        out[s->column_text(0)] = s->column_text(1);
      }
      s->reset();
    }
    return out;
  }

  Result<std::vector<FactRecord>> facts_by_kind(const std::string& kind) override {
    // Case kinds through the partial index facts_case_kind; others scan (none are asked today).
    WEIMIN_ASSIGN_OR_RETURN(
        auto* s,
        kind.starts_with("case.")
            ? stmt("SELECT c.record, f.community, f.received_ms FROM facts f JOIN changes "
                   "c ON c.gseq = f.gseq WHERE f.kind = ? AND f.kind LIKE 'case.%' "
                   "ORDER BY f.hlc, f.origin, f.id")
            : stmt("SELECT c.record, f.community, f.received_ms FROM facts f JOIN changes "
                   "c ON c.gseq = f.gseq WHERE f.kind = ? ORDER BY f.hlc, f.origin, f.id"));
    s->bind(1, kind);
    return read_facts(s);
  }

  Result<std::int64_t> fact_count() override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT COUNT(*) FROM facts"));
    WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
    std::int64_t n = row ? s->column_int64(0) : 0;
    s->reset();
    return n;
  }

  Result<ChangePage> read_changes(const std::string& community, std::int64_t after,
                                  std::int64_t max_count, std::size_t max_bytes,
                                  const std::string& skip_origin,
                                  const std::vector<GseqRange>& skip_ranges) override {
    // Two ordered index scans (the community's facts, the reference data) merged by gseq.
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx,
                            db().begin(storage::Database::TxMode::Deferred));
    struct Row {
      std::int64_t gseq;
      std::string type;
      std::string record;
    };
    // The scope's rows in (from, to), appended to `rows` up to `limit` in all.
    auto scan = [&](const std::string& scope, std::int64_t from, std::int64_t to,
                    std::int64_t limit, std::vector<Row>& rows) -> Status {
      WEIMIN_ASSIGN_OR_RETURN(auto* s,
                              stmt("SELECT gseq, type, record FROM changes WHERE community = ? "
                                   "AND gseq > ? AND gseq < ? AND (? = '' OR origin <> ?) "
                                   "ORDER BY gseq LIMIT ?"));
      s->bind(1, scope).bind(2, from).bind(3, to).bind(4, skip_origin).bind(5, skip_origin);
      s->bind(6, limit - static_cast<std::int64_t>(rows.size()));
      while (true) {
        WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
        if (!row) break;
        rows.push_back({s->column_int64(0), s->column_text(1), s->column_text(2)});
      }
      s->reset();
      return Status::ok();
    };
    const std::int64_t limit = max_count + 1;
    constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();
    static const std::vector<GseqRange> kNoRanges;
    std::vector<Row> mine, shared;
    // The community's facts between the ranges of the asking station's own facts: a station
    // pulling right after its push does not read back the thousands of rows it just sent.
    for (const GseqGap& g : gaps_outside(after, skip_origin.empty() ? kNoRanges : skip_ranges)) {
      if (static_cast<std::int64_t>(mine.size()) >= limit) break;
      WEIMIN_TRY(scan(community, g.after, g.before.value_or(kEnd), limit, mine));
    }
    WEIMIN_TRY(scan("", after, kEnd, limit, shared));
    WEIMIN_ASSIGN_OR_RETURN(const std::int64_t head, max_gseq());  // same snapshot as the scans
    WEIMIN_TRY(tx.commit());
    std::vector<Row> all;
    all.reserve(mine.size() + shared.size());
    std::merge(std::make_move_iterator(mine.begin()), std::make_move_iterator(mine.end()),
               std::make_move_iterator(shared.begin()), std::make_move_iterator(shared.end()),
               std::back_inserter(all), [](const Row& a, const Row& b) { return a.gseq < b.gseq; });
    ChangePage page;
    page.next_after = after;
    std::size_t bytes = 0, k = 0;
    for (; k < all.size(); ++k) {
      if (static_cast<std::int64_t>(page.changes.size()) >= max_count) break;
      if (!page.changes.empty() && bytes + all[k].record.size() > max_bytes) break;
      bytes += all[k].record.size();
      WEIMIN_ASSIGN_OR_RETURN(nlohmann::json rec,
                              sync::parse_json(all[k].record, "a stored change"));
      page.changes.push_back({all[k].gseq, all[k].type, std::move(rec)});
      page.next_after = all[k].gseq;
    }
    page.more = k < all.size();
    // Nothing left in this scope up to the head: the cursor may move past others' changes.
    if (!page.more) page.next_after = std::max(page.next_after, head);
    return page;
  }

  Result<std::vector<sync::DayDigest>> digests(const std::string& community,
                                               const std::string& from, const std::string& to,
                                               int schema) override {
    // A station of this schema gets every fact of its days: (community, day, id) is all the
    // digest reads, and the index facts_day covers it. Only an older station's digest needs each
    // fact's kind (to leave out the kinds it does not know), which is a lookup in the table for
    // every fact: 1.7 s for the 41,000 facts of a busy community's month at 10 million facts.
    const bool all_kinds = schema >= sync::kSchema;
    WEIMIN_ASSIGN_OR_RETURN(
        auto* s, stmt(all_kinds ? "SELECT day, id FROM facts WHERE community = ? AND day >= ? AND "
                                  "day <= ? ORDER BY day, id"
                                : "SELECT day, id, kind FROM facts WHERE community = ? AND day >= "
                                  "? AND day <= ? ORDER BY day, id"));
    s->bind(1, community).bind(2, from).bind(3, to);
    std::vector<sync::DayDigest> out;
    std::optional<sync::DayDigestBuilder> b;
    std::string day;
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      if (!all_kinds && sync::fact_kind_schema(s->column_text(2)) > schema) continue;
      std::string d = s->column_text(0);
      if (!b || d != day) {
        if (b) out.push_back(b->finish());
        day = d;
        b.emplace("fact", d);
      }
      b->add(s->column_text(1));
    }
    if (b) out.push_back(b->finish());
    return out;
  }

  Result<std::int64_t> publish_reference(const std::string& type, const std::string& json,
                                         std::int64_t) override {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    std::optional<core::CaseDeadlines> before;  // a catalog's: the deadlines it replaces
    if (type == "catalog") {
      WEIMIN_ASSIGN_OR_RETURN(auto latest, latest_reference("catalog"));
      before = deadlines_.get(latest);
    }
    WEIMIN_ASSIGN_OR_RETURN(std::int64_t top, max_gseq());
    WEIMIN_ASSIGN_OR_RETURN(auto* c, stmt("INSERT INTO changes (gseq, type, community, record) "
                                          "VALUES (?, ?, '', ?)"));
    c->bind(1, top + 1).bind(2, type).bind(3, json);
    WEIMIN_TRY(c->run());
    if (before) WEIMIN_TRY(rederive_deadlines(*before, projection::deadlines_of_text(json)));
    WEIMIN_TRY(tx.commit());
    mark(top + 1);
    return top + 1;
  }

  Result<std::optional<ReferenceRecord>> latest_reference(const std::string& type) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT gseq, record FROM changes WHERE community = '' "
                                          "AND type = ? ORDER BY gseq DESC LIMIT 1"));
    s->bind(1, type);
    WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
    std::optional<ReferenceRecord> out;
    if (row) out = ReferenceRecord{type, s->column_text(1), s->column_int64(0), 0};
    s->reset();
    return out;
  }

  Status add_actor_token(const std::string& hash, const std::string& actor, const std::string& role,
                         std::int64_t expires_ms, std::int64_t now_ms) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT INTO actor_tokens (token_hash, actor, role, "
                                          "created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)"));
    s->bind(1, hash).bind(2, actor).bind(3, role).bind(4, now_ms).bind(5, expires_ms);
    return s->run();
  }

  Result<std::optional<Actor>> actor_for_token(const std::string& hash,
                                               std::int64_t now_ms) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s,
                            stmt("SELECT actor, role FROM actor_tokens WHERE token_hash = ? "
                                 "AND expires_ms > ? AND revoked_ms IS NULL"));
    s->bind(1, hash).bind(2, now_ms);
    WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
    std::optional<Actor> out;
    if (row) out = Actor{s->column_text(0), s->column_text(1)};
    s->reset();
    return out;
  }

  Result<std::vector<ActorToken>> actor_tokens() override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s,
                            stmt("SELECT token_hash, actor, role, created_ms, expires_ms, "
                                 "revoked_ms FROM actor_tokens ORDER BY created_ms, token_hash"));
    std::vector<ActorToken> out;
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      ActorToken t{s->column_text(0),  s->column_text(1),  s->column_text(2),
                   s->column_int64(3), s->column_int64(4), std::nullopt};
      if (!s->is_null(5)) t.revoked_ms = s->column_int64(5);
      out.push_back(std::move(t));
    }
    return out;
  }

  Result<std::int64_t> revoke_actor_tokens(const std::string& prefix,
                                           std::int64_t now_ms) override {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    WEIMIN_ASSIGN_OR_RETURN(auto* s,
                            stmt("UPDATE actor_tokens SET revoked_ms = ? WHERE "
                                 "substr(token_hash, 1, length(?)) = ? AND revoked_ms IS NULL"));
    s->bind(1, now_ms).bind(2, prefix).bind(3, prefix);
    WEIMIN_TRY(s->run());
    const std::int64_t n = db().changes();
    WEIMIN_TRY(tx.commit());
    return n;
  }

  // [SECTION] Revoked stations; console accounts, sessions and audit (accounts.hpp)

  Status revoke_station(const std::string& station_id, std::int64_t now_ms) override {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("UPDATE stations SET revoked_ms = COALESCE(revoked_ms, "
                                          "?) WHERE station_id = ?"));
    s->bind(1, now_ms).bind(2, station_id);
    WEIMIN_TRY(s->run());
    if (db().changes() == 0) {
      return Status(ErrorCode::NotFound, "no station '" + station_id.substr(0, 64) +
                                             "' is enrolled here; see weimin-district stations");
    }
    return tx.commit();
  }

  static AccountRecord account_from_row(storage::Statement& s) {
    AccountRecord a;
    a.user = s.column_text(0);
    a.role = s.column_text(1);
    a.scope = s.column_text(2);
    a.password_hash = s.column_text(3);
    a.must_change_password = s.column_int64(4) != 0;
    a.disabled = s.column_int64(5) != 0;
    a.created_ms = s.column_int64(6);
    a.failed_signins = static_cast<int>(s.column_int64(7));
    a.locked_until_ms = s.column_int64(8);
    return a;
  }

  Status add_account(const AccountRecord& a) override {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    WEIMIN_ASSIGN_OR_RETURN(auto found, find_account(a.user));
    if (found) {
      return Status(ErrorCode::AlreadyExists, "the account '" + a.user + "' exists already");
    }
    WEIMIN_ASSIGN_OR_RETURN(auto* s,
                            stmt("INSERT INTO accounts (user_name, role, scope, password_hash, "
                                 "must_change_password, disabled, created_ms, failed_signins, "
                                 "locked_until_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s->bind(1, a.user).bind(2, a.role).bind(3, a.scope).bind(4, a.password_hash);
    s->bind(5, a.must_change_password ? 1 : 0).bind(6, a.disabled ? 1 : 0).bind(7, a.created_ms);
    s->bind(8, a.failed_signins).bind(9, a.locked_until_ms);
    WEIMIN_TRY(s->run());
    return tx.commit();
  }

  Result<std::optional<AccountRecord>> find_account(const std::string& user) override {
    WEIMIN_ASSIGN_OR_RETURN(
        auto* s, stmt("SELECT user_name, role, scope, password_hash, must_change_password, "
                      "disabled, created_ms, failed_signins, locked_until_ms FROM accounts "
                      "WHERE user_name = ?"));
    s->bind(1, user);
    WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
    std::optional<AccountRecord> out;
    if (row) out = account_from_row(*s);
    s->reset();
    return out;
  }

  Result<std::vector<AccountRecord>> accounts() override {
    WEIMIN_ASSIGN_OR_RETURN(
        auto* s, stmt("SELECT user_name, role, scope, password_hash, must_change_password, "
                      "disabled, created_ms, failed_signins, locked_until_ms FROM accounts "
                      "ORDER BY user_name"));
    std::vector<AccountRecord> out;
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      out.push_back(account_from_row(*s));
    }
    return out;
  }

  Status update_account(const AccountRecord& a) override {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    WEIMIN_ASSIGN_OR_RETURN(auto* s,
                            stmt("UPDATE accounts SET role = ?, scope = ?, password_hash = ?, "
                                 "must_change_password = ?, disabled = ?, created_ms = ?, "
                                 "failed_signins = ?, locked_until_ms = ? WHERE user_name = ?"));
    s->bind(1, a.role).bind(2, a.scope).bind(3, a.password_hash);
    s->bind(4, a.must_change_password ? 1 : 0).bind(5, a.disabled ? 1 : 0).bind(6, a.created_ms);
    s->bind(7, a.failed_signins).bind(8, a.locked_until_ms).bind(9, a.user);
    WEIMIN_TRY(s->run());
    if (db().changes() == 0) {
      return Status(ErrorCode::NotFound, "there is no account '" + a.user.substr(0, 64) + "'");
    }
    return tx.commit();
  }

  Status add_session(const SessionRecord& r) override {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    WEIMIN_ASSIGN_OR_RETURN(auto* d, stmt("DELETE FROM sessions WHERE last_seen_ms < ?"));
    d->bind(1, r.last_seen_ms - kSessionRowLifetimeMs);
    WEIMIN_TRY(d->run());
    WEIMIN_ASSIGN_OR_RETURN(auto* s,
                            stmt("INSERT INTO sessions (id_hash, user_name, csrf, address, "
                                 "created_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?)"));
    s->bind(1, r.id_hash).bind(2, r.user).bind(3, r.csrf).bind(4, r.address);
    s->bind(5, r.created_ms).bind(6, r.last_seen_ms);
    WEIMIN_TRY(s->run());
    return tx.commit();
  }

  Result<std::optional<SessionRecord>> find_session(const std::string& id_hash) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("SELECT id_hash, user_name, csrf, address, created_ms, "
                                          "last_seen_ms FROM sessions WHERE id_hash = ?"));
    s->bind(1, id_hash);
    WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
    std::optional<SessionRecord> out;
    if (row) {
      out = SessionRecord{s->column_text(0), s->column_text(1),  s->column_text(2),
                          s->column_text(3), s->column_int64(4), s->column_int64(5)};
    }
    s->reset();
    return out;
  }

  // [SECTION] The case projection (projection.hpp; the tables of migration 5)

  // Adds a case fact's case to `touched` (once).
  static void note_case(const FactRecord& f, std::vector<std::string>& touched) {
    if (!f.fact.kind.starts_with("case.")) return;
    if (std::find(touched.begin(), touched.end(), f.fact.subject) == touched.end()) {
      touched.push_back(f.fact.subject);
    }
  }

  // Remakes the rows of `case_ids` from all their facts, inside the caller's transaction, with
  // the latest catalog's deadlines.
  Status project_cases(const std::vector<std::string>& case_ids) {
    if (case_ids.empty()) return Status::ok();
    WEIMIN_ASSIGN_OR_RETURN(auto catalog, latest_reference("catalog"));
    return project_cases(case_ids, deadlines_.get(catalog));
  }
  Status project_cases(const std::vector<std::string>& case_ids,
                       const core::CaseDeadlines& deadlines) {
    for (const std::string& id : case_ids) {
      WEIMIN_ASSIGN_OR_RETURN(auto facts, case_facts(id));
      projection::Projected p = projection::project_facts_with_units(id, facts, deadlines);
      WEIMIN_TRY(write_case_row(p.row));
      WEIMIN_TRY(figures_.replace_units(id, p.units, false));
      WEIMIN_TRY(figures_.replace_grid_case(id, p.grid, false));
    }
    return Status::ok();
  }

  // A catalog going from the deadlines `before` to `after` is being published in the caller's
  // transaction: the rows and units of the cases whose deadlines it can move are made again
  // with `after` (projection::catalog_change), so they equal a rebuild's.
  Status rederive_deadlines(const core::CaseDeadlines& before, const core::CaseDeadlines& after) {
    const projection::CatalogChange change = projection::catalog_change(before, after);
    if (!change.rederive) return Status::ok();
    std::vector<std::string> ids;
    WEIMIN_ASSIGN_OR_RETURN(auto* s,
                            stmt("SELECT case_id FROM case_rows WHERE last_change_ms >= ?"));
    s->bind(1, change.since_ms);
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      ids.push_back(s->column_text(0));
    }
    s->reset();
    WEIMIN_TRY(project_cases(ids, after));
    return figures_.flush();
  }

  // `fresh`: the case has no rows yet (a rebuild), so none are removed first.
  Status write_case_row(const CaseRow& r, bool fresh = false) {
    if (!fresh) {
      WEIMIN_ASSIGN_OR_RETURN(auto* d, stmt("DELETE FROM case_departments WHERE case_id = ?"));
      d->bind(1, r.case_id);
      WEIMIN_TRY(d->run());
    }
    WEIMIN_ASSIGN_OR_RETURN(
        auto* s,
        stmt("INSERT OR REPLACE INTO case_rows (case_id, tracking_code, community, "
             "office, stage, source, channel, level, kind, description, collected_ms, "
             "stage_since_ms, last_change_ms, next_due_ms, open_conflicts, reopen_count, "
             "evaluation, departments, sent_back, detail_json, grid) VALUES (?, ?, ?, ?, ?, ?, "
             "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s->bind(1, r.case_id).bind(2, r.tracking_code).bind(3, r.community).bind(4, r.office);
    s->bind(5, r.stage).bind(6, r.source).bind(7, r.channel).bind(8, r.level).bind(9, r.kind);
    s->bind(10, r.description).bind(11, r.collected_ms).bind(12, r.stage_since_ms);
    s->bind(13, r.last_change_ms).bind(14, r.next_due_ms).bind(15, r.open_conflicts);
    s->bind(16, r.reopen_count).bind(17, r.evaluation);
    s->bind(18, projection::departments_to_json(r.departments));
    s->bind(19, static_cast<std::int64_t>(r.sent_back ? 1 : 0)).bind(20, r.detail_json);
    s->bind(21, r.grid);
    WEIMIN_TRY(s->run());
    for (const CaseDepartmentRow& dr : r.departments) {
      WEIMIN_ASSIGN_OR_RETURN(
          auto* i, stmt("INSERT OR REPLACE INTO case_departments (department, case_id, step, "
                        "report_due_ms, reported_ms, feedback_due_ms, feedback_ms, expected_ms, "
                        "due_ms, next_due_ms, last_change_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        "?, ?)"));
      i->bind(1, dr.department).bind(2, r.case_id).bind(3, dr.step).bind(4, dr.report_due_ms);
      i->bind(5, dr.reported_ms).bind(6, dr.feedback_due_ms).bind(7, dr.feedback_ms);
      i->bind(8, dr.expected_ms).bind(9, projection::department_due_ms(dr));
      i->bind(10, r.next_due_ms).bind(11, r.last_change_ms);
      WEIMIN_TRY(i->run());
    }
    return Status::ok();
  }

  // A row of projection::row_columns() (detail_json at column 20 when selected).
  static CaseRow case_row_from(storage::Statement& s, bool with_detail) {
    CaseRow r;
    r.case_id = s.column_text(0);
    r.tracking_code = s.column_text(1);
    r.community = s.column_text(2);
    r.office = s.column_text(3);
    r.stage = s.column_text(4);
    r.source = s.column_text(5);
    r.channel = s.column_text(6);
    r.level = s.column_text(7);
    r.kind = s.column_text(8);
    r.description = s.column_text(9);
    r.collected_ms = s.column_int64(10);
    r.stage_since_ms = s.column_int64(11);
    r.last_change_ms = s.column_int64(12);
    r.next_due_ms = s.column_int64(13);
    r.open_conflicts = static_cast<int>(s.column_int64(14));
    r.reopen_count = static_cast<int>(s.column_int64(15));
    r.evaluation = s.column_text(16);
    r.departments = projection::departments_from_json(s.column_text(17));
    r.sent_back = s.column_int64(18) != 0;
    r.grid = s.column_text(19);
    if (with_detail) r.detail_json = s.column_text(20);
    return r;
  }

  Result<std::optional<CaseRow>> case_row(const std::string& case_id) override {
    static const std::string sql = "SELECT " + std::string(projection::row_columns()) +
                                   ", r.detail_json FROM case_rows r WHERE r.case_id = ?";
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt(sql.c_str()));
    s->bind(1, case_id);
    WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
    std::optional<CaseRow> out;
    if (row) out = case_row_from(*s, true);
    s->reset();
    return out;
  }

  Status touch_session(const std::string& id_hash, std::int64_t now_ms) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s,
                            stmt("UPDATE sessions SET last_seen_ms = ? WHERE id_hash = ?"));
    s->bind(1, now_ms).bind(2, id_hash);
    return s->run();
  }

  Status end_sessions(const std::string& id_hash, const std::string& user) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, id_hash.empty()
                                         ? stmt("DELETE FROM sessions WHERE user_name = ?")
                                         : stmt("DELETE FROM sessions WHERE id_hash = ?"));
    s->bind(1, id_hash.empty() ? user : id_hash);
    return s->run();
  }

  Status add_audit(const AuditRecord& r) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s, stmt("INSERT INTO audit (at_ms, user_name, address, action, "
                                          "target, detail) VALUES (?, ?, ?, ?, ?, ?)"));
    s->bind(1, r.at_ms).bind(2, r.user).bind(3, r.address).bind(4, r.action).bind(5, r.target);
    s->bind(6, r.detail);
    return s->run();
  }

  Result<std::vector<AuditRecord>> audit_log(std::int64_t before_id, int limit) override {
    WEIMIN_ASSIGN_OR_RETURN(auto* s,
                            stmt("SELECT id, at_ms, user_name, address, action, target, detail "
                                 "FROM audit WHERE (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?"));
    s->bind(1, before_id).bind(2, before_id).bind(3, limit);
    std::vector<AuditRecord> out;
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, s->step());
      if (!row) break;
      out.push_back(AuditRecord{s->column_int64(0), s->column_int64(1), s->column_text(2),
                                s->column_text(3), s->column_text(4), s->column_text(5),
                                s->column_text(6)});
    }
    return out;
  }

  Result<CasePage> query_cases(const CaseQuery& query) override {
    WEIMIN_TRY(projection::check_query(query));
    const projection::PagePlan plan = projection::plan_page(query, projection::Dialect::Sqlite);
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx,
                            db().begin(storage::Database::TxMode::Deferred));
    auto run = [&](const projection::SqlQuery& q) -> Result<std::vector<CaseRow>> {
      auto it = query_cache_.find(q.sql);
      if (it == query_cache_.end()) {
        if (query_cache_.size() >= 256) query_cache_.clear();
        WEIMIN_ASSIGN_OR_RETURN(storage::Statement prepared, db().prepare(q.sql));
        it = query_cache_.emplace(q.sql, std::move(prepared)).first;
      }
      storage::Statement& s = it->second;
      s.reset();
      for (std::size_t i = 0; i < q.params.size(); ++i) {
        const int at = static_cast<int>(i) + 1;
        if (const auto* text = std::get_if<std::string>(&q.params[i])) {
          s.bind(at, *text);
        } else {
          s.bind(at, std::get<std::int64_t>(q.params[i]));
        }
      }
      std::vector<CaseRow> rows;
      while (true) {
        WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
        if (!row) break;
        rows.push_back(case_row_from(s, query.with_detail));
      }
      s.reset();
      return rows;
    };
    WEIMIN_ASSIGN_OR_RETURN(CasePage page, projection::run_plan(query, plan, run));
    WEIMIN_TRY(tx.commit());
    return page;
  }

  // Calls `fold(case, facts)` once for every case with case facts, its facts in fold order
  // (hlc, origin, id); returns the number of cases. The records are read in the change log's
  // order, each page of the log once: a first pass over the facts table (which holds no records)
  // notes each case fact's gseq, case and received time and each case's last gseq; the second
  // reads the records by ascending gseq and folds a case when its last fact has been read, so
  // only the cases whose facts are still to come are held. (Read case by case, every page of
  // the log was read once for each case with a fact on it: at 30 million facts the log is
  // larger than memory and that is a random read a fact.)
  Result<std::int64_t> fold_cases_in_log_order(
      const std::function<Status(const std::string&, const std::vector<FactRecord>&)>& fold) {
    struct CaseFact {
      std::int64_t gseq;
      std::int64_t received_ms;
      std::uint32_t subject;
      std::uint32_t community;
    };
    std::unordered_map<std::string, std::uint32_t> subject_index, community_index;
    std::vector<const std::string*> subjects, communities;
    std::vector<std::int64_t> last_gseq;  // a case's
    std::vector<CaseFact> refs;
    auto intern = [](std::unordered_map<std::string, std::uint32_t>& index,
                     std::vector<const std::string*>& names, std::string name) {
      auto [it, fresh] = index.emplace(std::move(name), static_cast<std::uint32_t>(names.size()));
      if (fresh) names.push_back(&it->first);
      return std::pair{it->second, fresh};
    };
    {
      WEIMIN_ASSIGN_OR_RETURN(
          storage::Statement s,
          db().prepare("SELECT subject, community, gseq, received_ms FROM facts NOT INDEXED "
                       "WHERE kind LIKE 'case.%'"));
      while (true) {
        WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
        if (!row) break;
        const std::int64_t gseq = s.column_int64(2);
        const auto [subject, new_case] = intern(subject_index, subjects, s.column_text(0));
        if (new_case) {
          last_gseq.push_back(gseq);
        } else {
          last_gseq[subject] = std::max(last_gseq[subject], gseq);
        }
        const std::uint32_t community =
            intern(community_index, communities, s.column_text(1)).first;
        refs.push_back({gseq, s.column_int64(3), subject, community});
      }
    }
    std::sort(refs.begin(), refs.end(),
              [](const CaseFact& a, const CaseFact& b) { return a.gseq < b.gseq; });
    WEIMIN_ASSIGN_OR_RETURN(storage::Statement record,
                            db().prepare("SELECT record FROM changes WHERE gseq = ?1"));
    std::unordered_map<std::uint32_t, std::vector<FactRecord>> open;  // cases with facts to come
    for (const CaseFact& ref : refs) {
      record.reset();
      record.bind(1, ref.gseq);
      WEIMIN_ASSIGN_OR_RETURN(bool row, record.step());
      if (!row) {
        return Status(ErrorCode::Corrupt, "the change log has no record for case fact " +
                                              std::to_string(ref.gseq) + " of case " +
                                              *subjects[ref.subject] +
                                              ": restore the district store from its backup");
      }
      WEIMIN_ASSIGN_OR_RETURN(nlohmann::json j,
                              sync::parse_json(record.column_text(0), "a stored fact"));
      WEIMIN_ASSIGN_OR_RETURN(sync::FactPayload f, sync::parse_fact_payload(std::move(j)));
      std::vector<FactRecord>& mine = open[ref.subject];
      mine.push_back({std::move(f), *communities[ref.community], ref.received_ms, {}});
      if (ref.gseq != last_gseq[ref.subject]) continue;
      std::sort(mine.begin(), mine.end(), projection::before_in_fold_order);
      WEIMIN_TRY(fold(*subjects[ref.subject], mine));
      open.erase(ref.subject);
    }
    return static_cast<std::int64_t>(subjects.size());
  }

  Result<std::int64_t> rebuild_projection() override {
    // The bulk path's page cache for the rebuild, which rewrites the projection and figure
    // tables and remakes their indexes in one transaction (chosen when the rebuild still read
    // the log case by case, and the ordinary 16 MiB decrypted its pages again and again;
    // PERFORMANCE.md).
    WEIMIN_TRY(db().exec("PRAGMA cache_size = -" + std::to_string(kBulkCacheKiB)));
    Result<std::int64_t> out = rebuild_projection_tables();
    const Status restored = db().exec("PRAGMA cache_size = -16384");
    if (out.is_ok() && !restored.is_ok()) return restored;
    return out;
  }

  Result<std::int64_t> rebuild_projection_tables() {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    // The tables' indexes (as the migrations made them) are dropped and made again after the
    // fill: one sorted build each instead of a million random inserts.
    std::vector<std::pair<std::string, std::string>> indexes;
    {
      WEIMIN_ASSIGN_OR_RETURN(
          storage::Statement q,
          db().prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
                       "('case_rows', 'case_departments') AND sql IS NOT NULL ORDER BY name"));
      while (true) {
        WEIMIN_ASSIGN_OR_RETURN(bool row, q.step());
        if (!row) break;
        indexes.emplace_back(q.column_text(0), q.column_text(1));
      }
    }
    for (const auto& [name, sql] : indexes) WEIMIN_TRY(db().exec("DROP INDEX " + name));
    WEIMIN_TRY(db().exec("DELETE FROM case_departments; DELETE FROM case_rows;"));
    WEIMIN_TRY(figures_.clear());
    WEIMIN_ASSIGN_OR_RETURN(auto catalog, latest_reference("catalog"));
    const core::CaseDeadlines deadlines = deadlines_.get(catalog);
    WEIMIN_ASSIGN_OR_RETURN(const std::int64_t cases,
                            fold_cases_in_log_order([&](const std::string& subject,
                                                        const std::vector<FactRecord>& facts) {
                              projection::Projected p =
                                  projection::project_facts_with_units(subject, facts, deadlines);
                              WEIMIN_TRY(write_case_row(p.row, true));
                              WEIMIN_TRY(figures_.replace_units(subject, p.units, true));
                              return figures_.replace_grid_case(subject, p.grid, true);
                            }));
    for (const auto& [name, sql] : indexes) WEIMIN_TRY(db().exec(sql));
    WEIMIN_TRY(figures_.note_all_queue_days());
    WEIMIN_TRY(figures_.flush());
    WEIMIN_TRY(govern_.rebuild(govern_catalog()));
    WEIMIN_TRY(neighbour_.rebuild());
    WEIMIN_TRY(tx.commit());
    return cases;
  }

  // [SECTION] Consultation, work-access and certificate rows (govern.hpp; migration 10)

  EmbeddedGovern::CatalogSource govern_catalog() {
    return [this] { return latest_reference("catalog"); };
  }
  Status rebuild_govern() {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    WEIMIN_TRY(govern_.rebuild(govern_catalog()));
    return tx.commit();
  }
  Result<GovernRecords> govern_records() override {
    // Several tables, read in one snapshot (a writer may commit between them).
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx,
                            db().begin(storage::Database::TxMode::Deferred));
    WEIMIN_ASSIGN_OR_RETURN(GovernRecords out, govern_.records());
    WEIMIN_TRY(tx.commit());
    return out;
  }
  Result<GovernPage> govern_page(const GovernQuery& query) override {
    if (auto why = govern::query_refusal(query)) return Status(ErrorCode::Invalid, *why);
    // Several tables, read in one snapshot (a writer may commit between them).
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx,
                            db().begin(storage::Database::TxMode::Deferred));
    WEIMIN_ASSIGN_OR_RETURN(GovernPage out, govern_.page(query));
    WEIMIN_TRY(tx.commit());
    return out;
  }

  // [SECTION] Wishes, care lists, visits and calls (neighbour.hpp; migration 13)

  Status rebuild_neighbour() {
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
    WEIMIN_TRY(neighbour_.rebuild());
    return tx.commit();
  }
  Result<NeighbourRecords> neighbour_records() override {
    // Several tables, read in one snapshot (a writer may commit between them).
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx,
                            db().begin(storage::Database::TxMode::Deferred));
    WEIMIN_ASSIGN_OR_RETURN(NeighbourRecords out, neighbour_.records());
    WEIMIN_TRY(tx.commit());
    return out;
  }
  Result<NeighbourPage> neighbour_page(const NeighbourQuery& query) override {
    if (auto why = neighbour::query_refusal(query)) return Status(ErrorCode::Invalid, *why);
    // Several tables, read in one snapshot (a writer may commit between them).
    WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx,
                            db().begin(storage::Database::TxMode::Deferred));
    WEIMIN_ASSIGN_OR_RETURN(NeighbourPage out, neighbour_.page(query));
    WEIMIN_TRY(tx.commit());
    return out;
  }

  // [SECTION] Figures (figures.hpp; the tables of migration 9)

  Result<DistrictFigures> figures(const FigureQuery& query) override {
    return figures_.figures(query, [](storage::Statement& s) { return case_row_from(s, false); });
  }

  Result<std::vector<FactRecord>> community_facts(const std::string& community,
                                                  const std::string& from,
                                                  const std::string& to) override {
    WEIMIN_ASSIGN_OR_RETURN(
        auto* s, stmt("SELECT c.record, f.community, f.received_ms FROM facts f JOIN changes c "
                      "ON c.gseq = f.gseq WHERE f.community = ? AND f.day >= ? AND f.day <= ? "
                      "ORDER BY f.hlc, f.origin, f.id"));
    s->bind(1, community).bind(2, from).bind(3, to);
    return read_facts(s);
  }

 private:
  storage::KeyedStore store_;
  fs::path folder_;
  std::unordered_map<const char*, storage::Statement> cache_;
  std::unordered_map<std::string, storage::Statement> query_cache_;  // query_cases' statements
  projection::DeadlineCache deadlines_;
  EmbeddedFigures figures_{store_.db()};
  EmbeddedGovern govern_{store_.db()};
  EmbeddedNeighbour neighbour_{store_.db()};
  std::string epoch_cache_;
  std::unique_ptr<Checkpointer> checkpointer_;
};

// [SECTION] The store as served to many threads
// One writer connection (EmbeddedStore with its migrations and projections), taken by one
// thread at a time for every write, and read connections (EmbeddedStores of their own
// connection, never written through), made when needed up to a bound and kept: WAL lets each
// read run beside the writer, and see what was committed when its statement or transaction
// began. Every write commits before it returns, so a read made after it sees it, and the
// writer's one-at-a-time commits keep the change counter gapless for every reader.
class ServedEmbeddedStore final : public DistrictStore {
 public:
  using Connect = std::function<Result<storage::KeyedStore>()>;
  ServedEmbeddedStore(std::unique_ptr<EmbeddedStore> writer, Connect connect, fs::path folder,
                      int max_readers)
      : writer_(std::move(writer)),
        connect_(std::move(connect)),
        folder_(std::move(folder)),
        max_readers_(std::max(1, max_readers)) {}

  EmbeddedStore& writer() { return *writer_; }
  Result<int> writer_synchronous() {
    std::lock_guard lock(write_mutex_);
    WEIMIN_ASSIGN_OR_RETURN(auto* q, writer_->stmt("PRAGMA synchronous"));
    WEIMIN_ASSIGN_OR_RETURN(bool row, q->step());
    const int mode = row ? static_cast<int>(q->column_int64(0)) : -1;
    q->reset();
    return mode;
  }
  Result<std::string> query_plan(const std::string& sql) {
    std::lock_guard lock(write_mutex_);
    WEIMIN_ASSIGN_OR_RETURN(storage::Statement q,
                            writer_->db().prepare("EXPLAIN QUERY PLAN " + sql));
    std::string plan;
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      plan += q.column_text(3) + "\n";
    }
    return plan;
  }
  int readers_made() {
    std::lock_guard lock(readers_mutex_);
    return made_;
  }

 private:
  template <class F>
  auto write(F&& f) {
    std::lock_guard lock(write_mutex_);
    return f(*writer_);
  }

  // f on an idle read connection (one is made when none is idle and fewer than max_readers_
  // exist; otherwise this waits for one to be given back). A connection that cannot be made
  // is a failure of this read only.
  template <class F>
  auto read(F&& f) -> decltype(f(std::declval<EmbeddedStore&>())) {
    std::unique_ptr<EmbeddedStore> reader;
    {
      std::unique_lock lock(readers_mutex_);
      readers_free_.wait(lock, [&] { return !idle_.empty() || made_ < max_readers_; });
      if (!idle_.empty()) {
        reader = std::move(idle_.back());
        idle_.pop_back();
      } else {
        ++made_;
      }
    }
    if (!reader) {
      auto connection = connect_();
      if (!connection.is_ok()) {
        {
          std::lock_guard lock(readers_mutex_);
          --made_;
        }
        readers_free_.notify_one();
        return connection.status();
      }
      reader = std::make_unique<EmbeddedStore>(std::move(connection).value(), folder_);
    }
    struct GiveBack {
      ServedEmbeddedStore* s;
      std::unique_ptr<EmbeddedStore>& r;
      ~GiveBack() {
        {
          std::lock_guard lock(s->readers_mutex_);
          s->idle_.push_back(std::move(r));
        }
        s->readers_free_.notify_one();
      }
    } give_back{this, reader};
    return f(*reader);
  }

 public:
  Result<std::string> epoch() override {
    return read([&](EmbeddedStore& s) { return s.epoch(); });
  }
  Result<std::string> district() override {
    return read([&](EmbeddedStore& s) { return s.district(); });
  }
  Result<std::string> integrity_check() override {
    return read([&](EmbeddedStore& s) { return s.integrity_check(); });
  }
  Status add_enroll_token(const std::string& hash, const std::string& community,
                          std::int64_t expires_ms, std::int64_t now_ms) override {
    return write(
        [&](EmbeddedStore& s) { return s.add_enroll_token(hash, community, expires_ms, now_ms); });
  }
  Result<StationRecord> enroll(const std::string& hash, const std::string& community,
                               const std::string& public_key, std::int64_t now_ms) override {
    return write([&](EmbeddedStore& s) { return s.enroll(hash, community, public_key, now_ms); });
  }
  Result<std::optional<StationRecord>> find_station(const std::string& id) override {
    return read([&](EmbeddedStore& s) { return s.find_station(id); });
  }
  Result<std::vector<StationRecord>> stations() override {
    return read([&](EmbeddedStore& s) { return s.stations(); });
  }
  Status revoke_station(const std::string& id, std::int64_t now_ms) override {
    return write([&](EmbeddedStore& s) { return s.revoke_station(id, now_ms); });
  }
  Status record_skew(const std::string& id, std::int64_t skew_ms, std::int64_t now_ms) override {
    return write([&](EmbeddedStore& s) { return s.record_skew(id, skew_ms, now_ms); });
  }
  Status record_station_contact(const std::string& id, const sync::StationReport& report,
                                std::int64_t now_ms, bool synced) override {
    return write(
        [&](EmbeddedStore& s) { return s.record_station_contact(id, report, now_ms, synced); });
  }
  Result<bool> remember_nonce(const std::string& id, const std::string& nonce, std::int64_t now_ms,
                              std::int64_t forget_before_ms) override {
    return write(
        [&](EmbeddedStore& s) { return s.remember_nonce(id, nonce, now_ms, forget_before_ms); });
  }
  // Group commit: a push queues its batch and waits for the writer; whoever gets the writer
  // applies every batch queued by then in one transaction (EmbeddedStore::apply_pushes), so
  // pushes of many stations arriving together share one commit and its fsync. A push returns
  // only after the commit that holds its batch.
  Result<PushOutcome> apply_push(const PushBatch& batch) override {
    EmbeddedStore::WaitingPush me;
    me.batch = &batch;
    {
      std::lock_guard lock(pushes_mutex_);
      waiting_pushes_.push_back(&me);
    }
    std::lock_guard writing(write_mutex_);
    std::vector<EmbeddedStore::WaitingPush*> group;
    {
      std::lock_guard lock(pushes_mutex_);
      if (me.outcome) return std::move(*me.outcome);  // applied with an earlier group
      group.swap(waiting_pushes_);
    }
    try {
      writer_->apply_pushes(group);
    } catch (const std::exception& e) {  // the transaction rolled back: none was applied
      for (auto* w : group) {
        w->outcome = Status(ErrorCode::Internal, std::string("applying a push: ") + e.what());
      }
    }
    return std::move(*me.outcome);
  }
  Result<std::vector<sync::StreamPosition>> streams(const std::string& id) override {
    return read([&](EmbeddedStore& s) { return s.streams(id); });
  }
  Result<std::vector<sync::RejectRecord>> rejects(const std::string& id) override {
    return read([&](EmbeddedStore& s) { return s.rejects(id); });
  }
  Result<std::int64_t> append_facts(const std::vector<FactRecord>& facts) override {
    return write([&](EmbeddedStore& s) { return s.append_facts(facts); });
  }
  Result<std::int64_t> bulk_append_facts(const std::vector<FactRecord>& facts) override {
    return write([&](EmbeddedStore& s) { return s.bulk_append_facts(facts); });
  }
  Result<std::vector<FactRecord>> case_facts(const std::string& case_id) override {
    return read([&](EmbeddedStore& s) { return s.case_facts(case_id); });
  }
  Result<std::map<std::string, std::string>> case_communities(
      const std::vector<std::string>& case_ids) override {
    return read([&](EmbeddedStore& s) { return s.case_communities(case_ids); });
  }
  Result<std::vector<FactRecord>> facts_by_kind(const std::string& kind) override {
    return read([&](EmbeddedStore& s) { return s.facts_by_kind(kind); });
  }
  Result<std::int64_t> fact_count() override {
    return read([&](EmbeddedStore& s) { return s.fact_count(); });
  }
  Result<ChangePage> read_changes(const std::string& community, std::int64_t after,
                                  std::int64_t max_count, std::size_t max_bytes,
                                  const std::string& skip_origin,
                                  const std::vector<GseqRange>& skip_ranges) override {
    return read([&](EmbeddedStore& s) {
      return s.read_changes(community, after, max_count, max_bytes, skip_origin, skip_ranges);
    });
  }
  Result<std::vector<sync::DayDigest>> digests(const std::string& community,
                                               const std::string& from, const std::string& to,
                                               int schema) override {
    return read([&](EmbeddedStore& s) { return s.digests(community, from, to, schema); });
  }
  Result<std::int64_t> publish_reference(const std::string& type, const std::string& json,
                                         std::int64_t now_ms) override {
    return write([&](EmbeddedStore& s) { return s.publish_reference(type, json, now_ms); });
  }
  Result<std::optional<ReferenceRecord>> latest_reference(const std::string& type) override {
    return read([&](EmbeddedStore& s) { return s.latest_reference(type); });
  }
  Status add_actor_token(const std::string& hash, const std::string& actor, const std::string& role,
                         std::int64_t expires_ms, std::int64_t now_ms) override {
    return write(
        [&](EmbeddedStore& s) { return s.add_actor_token(hash, actor, role, expires_ms, now_ms); });
  }
  Result<std::optional<Actor>> actor_for_token(const std::string& hash,
                                               std::int64_t now_ms) override {
    return read([&](EmbeddedStore& s) { return s.actor_for_token(hash, now_ms); });
  }
  Result<std::vector<ActorToken>> actor_tokens() override {
    return read([&](EmbeddedStore& s) { return s.actor_tokens(); });
  }
  Result<std::int64_t> revoke_actor_tokens(const std::string& prefix,
                                           std::int64_t now_ms) override {
    return write([&](EmbeddedStore& s) { return s.revoke_actor_tokens(prefix, now_ms); });
  }
  Result<std::optional<CaseRow>> case_row(const std::string& case_id) override {
    return read([&](EmbeddedStore& s) { return s.case_row(case_id); });
  }
  Result<CasePage> query_cases(const CaseQuery& query) override {
    return read([&](EmbeddedStore& s) { return s.query_cases(query); });
  }
  Result<std::int64_t> rebuild_projection() override {
    return write([&](EmbeddedStore& s) { return s.rebuild_projection(); });
  }
  Result<GovernRecords> govern_records() override {
    return read([&](EmbeddedStore& s) { return s.govern_records(); });
  }
  Result<NeighbourRecords> neighbour_records() override {
    return read([&](EmbeddedStore& s) { return s.neighbour_records(); });
  }
  Result<GovernPage> govern_page(const GovernQuery& query) override {
    return read([&](EmbeddedStore& s) { return s.govern_page(query); });
  }
  Result<NeighbourPage> neighbour_page(const NeighbourQuery& query) override {
    return read([&](EmbeddedStore& s) { return s.neighbour_page(query); });
  }
  Result<DistrictFigures> figures(const FigureQuery& query) override {
    return read([&](EmbeddedStore& s) { return s.figures(query); });
  }
  Result<std::vector<FactRecord>> community_facts(const std::string& community,
                                                  const std::string& from,
                                                  const std::string& to) override {
    return read([&](EmbeddedStore& s) { return s.community_facts(community, from, to); });
  }
  Status add_account(const AccountRecord& a) override {
    return write([&](EmbeddedStore& s) { return s.add_account(a); });
  }
  Result<std::optional<AccountRecord>> find_account(const std::string& user) override {
    return read([&](EmbeddedStore& s) { return s.find_account(user); });
  }
  Result<std::vector<AccountRecord>> accounts() override {
    return read([&](EmbeddedStore& s) { return s.accounts(); });
  }
  Status update_account(const AccountRecord& a) override {
    return write([&](EmbeddedStore& s) { return s.update_account(a); });
  }
  Status add_session(const SessionRecord& r) override {
    return write([&](EmbeddedStore& s) { return s.add_session(r); });
  }
  Result<std::optional<SessionRecord>> find_session(const std::string& id_hash) override {
    return read([&](EmbeddedStore& s) { return s.find_session(id_hash); });
  }
  Status touch_session(const std::string& id_hash, std::int64_t now_ms) override {
    return write([&](EmbeddedStore& s) { return s.touch_session(id_hash, now_ms); });
  }
  Status end_sessions(const std::string& id_hash, const std::string& user) override {
    return write([&](EmbeddedStore& s) { return s.end_sessions(id_hash, user); });
  }
  Status add_audit(const AuditRecord& r) override {
    return write([&](EmbeddedStore& s) { return s.add_audit(r); });
  }
  Result<std::vector<AuditRecord>> audit_log(std::int64_t before_id, int limit) override {
    return read([&](EmbeddedStore& s) { return s.audit_log(before_id, limit); });
  }

 private:
  std::unique_ptr<EmbeddedStore> writer_;
  std::mutex write_mutex_;
  std::mutex pushes_mutex_;  // guards waiting_pushes_ (the outcomes: write_mutex_)
  std::vector<EmbeddedStore::WaitingPush*> waiting_pushes_;  // queued, not yet applied
  Connect connect_;
  fs::path folder_;
  const int max_readers_;
  std::mutex readers_mutex_;
  std::condition_variable readers_free_;
  std::vector<std::unique_ptr<EmbeddedStore>> idle_;
  int made_ = 0;  // read connections made (idle or lent)
};

Result<std::unique_ptr<EmbeddedStore>> open_impl(const fs::path& folder, platform::KeyStore& keys,
                                                 const EmbeddedStoreOptions& options) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) {
    return Status(ErrorCode::ReadOnly,
                  "cannot make the data folder " + folder.string() + ": " + ec.message());
  }
  WEIMIN_ASSIGN_OR_RETURN(SecretKey kek, keys.load_or_create());
  WEIMIN_ASSIGN_OR_RETURN(storage::KeyedStore ks, storage::KeyedStore::open(folder, kDbName, kek));
  auto store = std::make_unique<EmbeddedStore>(std::move(ks), folder);
  WEIMIN_TRY(store->start(options));
  if (options.background_checkpoint) {
    WEIMIN_ASSIGN_OR_RETURN(storage::KeyedStore second,
                            storage::KeyedStore::open(folder, kDbName, kek));
    WEIMIN_TRY(store->checkpoint_in_background(std::move(second)));
  }
  return store;
}

}  // namespace

Status checkpoint_embedded_store_now(DistrictStore& store) {
  auto* embedded = dynamic_cast<ServedEmbeddedStore*>(&store);
  if (!embedded) return Status(ErrorCode::Invalid, "not an embedded store");
  return embedded->writer().checkpoint_now();
}

Result<int> embedded_writer_synchronous(DistrictStore& store) {
  auto* embedded = dynamic_cast<ServedEmbeddedStore*>(&store);
  if (!embedded) return Status(ErrorCode::Invalid, "not an embedded store");
  return embedded->writer_synchronous();
}

Result<std::string> embedded_query_plan(DistrictStore& store, const std::string& sql) {
  auto* embedded = dynamic_cast<ServedEmbeddedStore*>(&store);
  if (!embedded) return Status(ErrorCode::Invalid, "not an embedded store");
  return embedded->query_plan(sql);
}

int embedded_read_connections(DistrictStore& store) {
  auto* embedded = dynamic_cast<ServedEmbeddedStore*>(&store);
  return embedded ? embedded->readers_made() : 0;
}

Result<std::unique_ptr<DistrictStore>> open_embedded_store(const fs::path& folder,
                                                           platform::KeyStore& keys,
                                                           const EmbeddedStoreOptions& options) {
  WEIMIN_ASSIGN_OR_RETURN(auto writer, open_impl(folder, keys, options));
  WEIMIN_ASSIGN_OR_RETURN(SecretKey loaded, keys.load_or_create());
  auto kek = std::make_shared<const SecretKey>(std::move(loaded));
  auto connect = [folder, kek]() { return storage::KeyedStore::open(folder, kDbName, *kek); };
  return std::unique_ptr<DistrictStore>(std::make_unique<ServedEmbeddedStore>(
      std::move(writer), std::move(connect), folder, options.read_connections));
}

Result<std::string> restore_embedded_store(const fs::path& folder, const fs::path& backup_db,
                                           platform::KeyStore& keys, std::int64_t now_ms) {
  fs::path key = backup_db;
  key += ".key";
  if (!fs::exists(backup_db) || !fs::exists(key)) {
    return Status(ErrorCode::NotFound, "the backup " + backup_db.string() +
                                           " (and its sealed key " + key.string() +
                                           ") is not there; give the file that "
                                           "weimin-district backup wrote");
  }
  std::error_code ec;
  fs::create_directories(folder, ec);
  fs::path db = folder / kDbName;
  for (const char* extra : {"-wal", "-shm"}) {
    fs::path p = db;
    p += extra;
    fs::remove(p, ec);
  }
  fs::path db_key = db;
  db_key += ".key";
  fs::copy_file(backup_db, db, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::copy_file(key, db_key, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return Status(ErrorCode::Io,
                  "cannot copy the backup into " + folder.string() + ": " + ec.message());
  WEIMIN_ASSIGN_OR_RETURN(auto store, open_impl(folder, keys, EmbeddedStoreOptions{{}, now_ms}));
  WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, store->db().begin());
  WEIMIN_TRY(store->renew_epoch(now_ms));
  WEIMIN_TRY(tx.commit());
  return store->epoch();
}

Status backup_embedded_store(const fs::path& folder, const fs::path& target,
                             platform::KeyStore& keys) {
  if (fs::exists(target)) {
    return Status(ErrorCode::AlreadyExists, "the backup target " + target.string() +
                                                " exists already; choose a new file name");
  }
  WEIMIN_ASSIGN_OR_RETURN(auto store, open_impl(folder, keys, EmbeddedStoreOptions{}));
  WEIMIN_TRY(store->db().checkpoint());
  // A read transaction begun after the checkpoint keeps later checkpoints from writing into the
  // main file while it is copied.
  WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx,
                          store->db().begin(storage::Database::TxMode::Deferred));
  WEIMIN_ASSIGN_OR_RETURN(std::int64_t n, store->fact_count());
  (void)n;
  std::error_code ec;
  fs::path key = target;
  key += ".key";
  fs::path db_key = folder / kDbName;
  db_key += ".key";
  fs::copy_file(folder / kDbName, target, ec);
  if (!ec) fs::copy_file(db_key, key, ec);
  if (ec)
    return Status(ErrorCode::Io,
                  "cannot write the backup " + target.string() + ": " + ec.message());
  return Status::ok();
}

}  // namespace weimin::server
