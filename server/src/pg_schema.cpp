#include "pg_schema.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "figure_tables.hpp"
#include "govern_tables.hpp"
#include "grid_tables.hpp"
#include "neighbour_tables.hpp"

namespace weimin::server::pg {
namespace {

struct Migration {
  int version;
  std::string_view name;  // recorded with the version; never changes once shipped
  std::string_view sql;
};

// Facts carry their global change sequence (gseq) themselves; reference data (catalog, roster)
// lives in `reference_change`. Both take gseq from the one-row `change_counter` whose row lock
// is held until commit: gseq is gapless and in commit order (docs/DEPLOY.md).
constexpr std::string_view kV1 = R"SQL(
CREATE TABLE meta (
  key   text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE change_counter (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  n   bigint NOT NULL
);
INSERT INTO change_counter (one, n) VALUES (true, 0);
CREATE TABLE enroll_token (
  token_hash text COLLATE "C" PRIMARY KEY,
  community  text COLLATE "C" NOT NULL,
  expires_ms bigint NOT NULL,
  created_ms bigint NOT NULL,
  used_ms    bigint
);
CREATE TABLE station (
  station_id  text COLLATE "C" PRIMARY KEY,
  community   text COLLATE "C" NOT NULL,
  public_key  bytea NOT NULL,
  enrolled_ms bigint NOT NULL
);
CREATE TABLE nonce (
  station_id text COLLATE "C" NOT NULL,
  nonce      text COLLATE "C" NOT NULL,
  seen_ms    bigint NOT NULL,
  PRIMARY KEY (station_id, nonce)
);
CREATE INDEX nonce_seen ON nonce (seen_ms);
CREATE TABLE stream (
  station_id      text COLLATE "C" NOT NULL,
  stream          text COLLATE "C" NOT NULL,
  base_seq        bigint NOT NULL,
  applied_through bigint NOT NULL,
  created_ms      bigint NOT NULL,
  PRIMARY KEY (station_id, stream)
);
CREATE TABLE reject (
  station_id text COLLATE "C" NOT NULL,
  stream     text COLLATE "C" NOT NULL,
  seq        bigint NOT NULL,
  reason     text NOT NULL,
  at_ms      bigint NOT NULL,
  PRIMARY KEY (station_id, stream, seq)
);
CREATE INDEX reject_at ON reject (at_ms);
CREATE TABLE fact (
  id          text COLLATE "C" PRIMARY KEY,
  gseq        bigint NOT NULL,
  community   text COLLATE "C" NOT NULL,
  day         text COLLATE "C" NOT NULL,
  kind        text COLLATE "C" NOT NULL,
  subject     text COLLATE "C" NOT NULL,
  origin      text COLLATE "C" NOT NULL,
  hlc         bigint NOT NULL,
  received_ms bigint NOT NULL,
  payload     text NOT NULL
);
-- gseq is unique by construction (the counter); this index serves the pulls.
CREATE INDEX fact_scope ON fact (community, gseq);
CREATE INDEX fact_day ON fact (community, day, id);
CREATE INDEX fact_subject ON fact (subject);
-- Only the case events are looked up by kind (the departments' lists); one index entry fewer
-- for every other fact.
CREATE INDEX fact_case_kind ON fact (kind) WHERE kind LIKE 'case.%';
CREATE TABLE reference_change (
  gseq     bigint PRIMARY KEY,
  type     text COLLATE "C" NOT NULL,
  record   text NOT NULL,
  at_ms    bigint NOT NULL
);
CREATE INDEX reference_type ON reference_change (type, gseq);
CREATE TABLE actor_token (
  token_hash text COLLATE "C" PRIMARY KEY,
  actor      text NOT NULL,
  role       text NOT NULL,
  created_ms bigint NOT NULL
);
)SQL";

// Version 2: actor tokens expire and can be revoked (tokens of before get 90 days from their
// making); each station's last clock skew.
constexpr std::string_view kV2 = R"SQL(
ALTER TABLE actor_token ADD COLUMN expires_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE actor_token ADD COLUMN revoked_ms bigint;
UPDATE actor_token SET expires_ms = created_ms + 7776000000;
ALTER TABLE station ADD COLUMN skew_ms bigint;
ALTER TABLE station ADD COLUMN skew_at_ms bigint NOT NULL DEFAULT 0;
)SQL";

// Version 3: the case projection (projection.hpp): one row per case, the departments of its
// current round apart for the departments' inboxes; each inbox order has its index (most
// recently changed; earliest due, only over the cases with a deadline waiting). A store
// upgraded to it is filled by rebuild_projection when opened.
constexpr std::string_view kV3 = R"SQL(
CREATE TABLE case_rows (
  case_id        text COLLATE "C" PRIMARY KEY,
  tracking_code  text COLLATE "C" NOT NULL,
  community      text COLLATE "C" NOT NULL,
  office         text COLLATE "C" NOT NULL,
  stage          text COLLATE "C" NOT NULL,
  source         text COLLATE "C" NOT NULL,
  channel        text COLLATE "C" NOT NULL,
  level          text COLLATE "C" NOT NULL,
  kind           text COLLATE "C" NOT NULL,
  description    text NOT NULL,
  collected_ms   bigint NOT NULL,
  stage_since_ms bigint NOT NULL,
  last_change_ms bigint NOT NULL,
  next_due_ms    bigint NOT NULL,
  open_conflicts integer NOT NULL,
  reopen_count   integer NOT NULL,
  evaluation     text COLLATE "C" NOT NULL,
  sent_back      boolean NOT NULL DEFAULT false,
  departments    text NOT NULL,
  detail_json    text NOT NULL
);
CREATE INDEX case_row_recent ON case_rows (last_change_ms DESC, case_id);
CREATE INDEX case_row_due ON case_rows (next_due_ms, last_change_ms DESC, case_id)
  WHERE next_due_ms > 0;
CREATE INDEX case_row_office ON case_rows (office, last_change_ms DESC, case_id);
CREATE INDEX case_row_office_due ON case_rows (office, next_due_ms, last_change_ms DESC, case_id)
  WHERE next_due_ms > 0;
CREATE INDEX case_row_community ON case_rows (community, last_change_ms DESC, case_id);
CREATE INDEX case_row_community_due ON case_rows (community, next_due_ms, last_change_ms DESC,
  case_id) WHERE next_due_ms > 0;
CREATE INDEX case_row_stage ON case_rows (stage, last_change_ms DESC, case_id);
CREATE INDEX case_row_stage_due ON case_rows (stage, next_due_ms, last_change_ms DESC, case_id)
  WHERE next_due_ms > 0;
CREATE INDEX case_row_tracking ON case_rows (tracking_code);
CREATE TABLE case_departments (
  department      text COLLATE "C" NOT NULL,
  case_id         text COLLATE "C" NOT NULL,
  step            text COLLATE "C" NOT NULL,
  report_due_ms   bigint NOT NULL,
  reported_ms     bigint NOT NULL,
  feedback_due_ms bigint NOT NULL,
  feedback_ms     bigint NOT NULL,
  expected_ms     bigint NOT NULL,
  due_ms          bigint NOT NULL,
  next_due_ms     bigint NOT NULL,
  last_change_ms  bigint NOT NULL,
  PRIMARY KEY (department, case_id)
);
CREATE INDEX case_department_case ON case_departments (case_id);
CREATE INDEX case_department_recent ON case_departments (department, last_change_ms DESC, case_id);
CREATE INDEX case_department_due ON case_departments (department, next_due_ms, last_change_ms DESC,
  case_id) WHERE next_due_ms > 0;
CREATE INDEX case_department_step ON case_departments (department, step, last_change_ms DESC,
  case_id);
CREATE INDEX case_department_step_due ON case_departments (department, step, next_due_ms,
  last_change_ms DESC, case_id) WHERE next_due_ms > 0;
)SQL";

// Version 4: the console's accounts, their sessions (by the sha-256 hex of the session id) and
// the audit; stations an admin revoked.
constexpr std::string_view kV4 = R"SQL(
ALTER TABLE station ADD COLUMN revoked_ms bigint;
CREATE TABLE account (
  user_name            text COLLATE "C" PRIMARY KEY,
  role                 text NOT NULL,
  scope                text COLLATE "C" NOT NULL,
  password_hash        text NOT NULL,
  must_change_password boolean NOT NULL,
  disabled             boolean NOT NULL,
  created_ms           bigint NOT NULL,
  failed_signins       integer NOT NULL,
  locked_until_ms      bigint NOT NULL
);
CREATE TABLE session (
  id_hash      text COLLATE "C" PRIMARY KEY,
  user_name    text COLLATE "C" NOT NULL,
  csrf         text NOT NULL,
  address      text NOT NULL,
  created_ms   bigint NOT NULL,
  last_seen_ms bigint NOT NULL
);
CREATE INDEX session_by_user ON session (user_name);
CREATE INDEX session_by_seen ON session (last_seen_ms);
CREATE TABLE audit (
  id        bigserial PRIMARY KEY,
  at_ms     bigint NOT NULL,
  user_name text NOT NULL,
  address   text NOT NULL,
  action    text NOT NULL,
  target    text NOT NULL,
  detail    text NOT NULL
);
)SQL";

// Version 5: inbox tabs ask an office or a community for a few stages, few among its cases:
// their own indexes (as the embedded store's version 7).
constexpr std::string_view kV5 = R"SQL(
CREATE INDEX case_row_office_stage ON case_rows (office, stage, last_change_ms DESC, case_id);
CREATE INDEX case_row_office_stage_due ON case_rows (office, stage, next_due_ms,
  last_change_ms DESC, case_id) WHERE next_due_ms > 0;
CREATE INDEX case_row_community_stage ON case_rows (community, stage, last_change_ms DESC,
  case_id);
CREATE INDEX case_row_community_stage_due ON case_rows (community, stage, next_due_ms,
  last_change_ms DESC, case_id) WHERE next_due_ms > 0;
)SQL";

// Version 6: what each station last reported (its software version, the facts waiting in its
// outbox), when its last push or pull succeeded and when it last made a signed request. The
// last clock-skew time is the best known "last seen" of before.
constexpr std::string_view kV6 = R"SQL(
ALTER TABLE station ADD COLUMN software_version text;
ALTER TABLE station ADD COLUMN waiting_facts bigint;
ALTER TABLE station ADD COLUMN last_sync_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE station ADD COLUMN last_seen_ms bigint NOT NULL DEFAULT 0;
UPDATE station SET last_seen_ms = skew_at_ms;
)SQL";

// The grid of a case (its collected event's where.grid) on its row. Rows of before need no
// filling: a district of before refused collected facts with a where (an unknown field).
constexpr const char* kVCasesByGrid = R"SQL(
ALTER TABLE case_rows ADD COLUMN grid text COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX case_row_community_grid ON case_rows (community, grid, last_change_ms DESC, case_id);
)SQL";

// Only case facts are indexed by subject here, and only where a read names their kinds (the
// clause is the index's predicate, so the planner proves it); the wishes and care lists, the
// consultations, work accesses and certificates have their partial indexes since versions 11
// and 8. Tickets and ratings, most of a district's facts, cost one index entry fewer each (as
// the embedded store's version 3).
constexpr const char* kVCaseSubjects = R"SQL(
DROP INDEX IF EXISTS fact_subject;
CREATE INDEX IF NOT EXISTS fact_case_subject ON fact (subject) WHERE kind LIKE 'case.%';
)SQL";

constexpr std::array<Migration, 13> kMigrations{{
    {1, "district store: facts with gseq, streams, stations, reference changes", kV1},
    {2, "actor tokens expire; stations' clock skew", kV2},
    {3, "the case projection", kV3},
    {4, "console accounts, sessions and audit; revoked stations", kV4},
    {5, "inbox indexes by office or community and stage", kV5},
    {6, "what stations report; their last sync and last request", kV6},
    // Version 7: the district's figures (figure_tables.hpp); filled by rebuild_projection.
    {7, "figure units, their day sums and the stations' queue days",
     figure_tables::kPostgresSchema},
    // Version 8: consultation, work-access and certificate rows (govern.hpp).
    {8, "consultation, work-access and certificate rows", govern_tables::kPgSchema},
    // Version 9 (issue 16): the grid (网格) of each case's row, for the console's grid filter
    // and the counts by grid.
    {9, "cases by grid", kVCasesByGrid},
    // Version 10 (issue 15): the figures' sums per breakdown and the returns per day, so a
    // month's page reads sums, not units; filled from figure_units after migrating.
    {10, "figure sums per breakdown and returns per day", figure_tables::kPostgresSumsSchema},
    // Version 11 (issue 16): wishes, care lists, visits and calls (neighbour.hpp); filled from
    // the stored facts after migrating.
    {11, "wishes, care lists, visits and calls", neighbour_tables::kPgSchema},
    // Version 12 (issue 16): the figures by grid (grid_tables.hpp); filled by a projection
    // rebuild after migrating (a case's closed day needs its fold).
    {12, "grid cases and their day sums", grid_tables::kPostgresSchema},
    // Version 13 (issue 17): tickets and ratings no longer indexed by subject.
    {13, "only case facts indexed by subject", kVCaseSubjects},
}};

// Advisory lock keys (any fixed numbers; namespaced by the schema's name through hashtext).
constexpr int kMigrateLock = 7001;
constexpr int kEpochLock = 7002;

// Runs each statement; the statements name the store's tables unqualified.
void exec_all(pqxx::work& w, const std::vector<std::string>& statements) {
  for (const auto& sql : statements) w.exec(sql);
}

// Copies every table of the store's schema into the new schema `backup` inside w: rows,
// defaults, checks, keys and indexes under their own names, and the sequences behind serial and
// identity columns at their current values, so renaming `backup` to the store's name gives back
// the store as it was (docs/INSTALL.md). w's search_path is the store's schema, as on return.
// AlreadyExists when `backup` exists; the server's refusal (no CREATE on the database, a full
// disk) otherwise, saying what to do. Either way w is to be rolled back.
Status copy_schema(pqxx::work& w, const StoreUrl& url, const std::string& backup, int from,
                   int to) {
  const std::string what = "cannot back PostgreSQL store " + url.shown + " (schema version " +
                           std::to_string(from) + ") up into the schema " + backup +
                           " before migrating it to version " + std::to_string(to) + ": ";
  if (backup.size() > 63) {
    return Status(ErrorCode::Invalid,
                  what +
                      "the name is longer than PostgreSQL's 63 characters; rename the store's "
                      "schema to a shorter one (ALTER SCHEMA … RENAME TO …) and change "
                      "schema= in the store's URL");
  }
  if (!w.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", backup).empty()) {
    return Status(ErrorCode::AlreadyExists,
                  what +
                      "that schema exists already (an earlier upgrade's copy); once it is "
                      "not needed, DROP SCHEMA " +
                      quote_ident(backup) + " CASCADE (or rename it), then start again");
  }
  const std::string from_schema = quote_ident(url.schema), to_schema = quote_ident(backup);
  try {
    w.exec("CREATE SCHEMA " + to_schema);
    const auto tables = w.exec_params(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname",
        url.schema);
    for (const auto& row : tables) {
      const std::string t = quote_ident(row[0].as<std::string>());
      w.exec("CREATE TABLE " + to_schema + "." + t + " (LIKE " + from_schema + "." + t +
             " INCLUDING ALL EXCLUDING INDEXES)");
      w.exec("INSERT INTO " + to_schema + "." + t + " SELECT * FROM " + from_schema + "." + t);
    }
    // Keys, then the other indexes, then foreign keys, as PostgreSQL writes them back, run with
    // the backup's schema on the search path. PostgreSQL may name the store's tables qualified
    // (with the schema quoted as quote_ident quotes it): those names are moved to the backup.
    const std::string shown_schema =
        w.exec_params("SELECT quote_ident($1)", url.schema)[0][0].as<std::string>() + ".";
    auto to_backup = [&](std::string sql, const std::string& before) {
      const std::string from = before + shown_schema;
      for (auto at = sql.find(from); at != std::string::npos; at = sql.find(from, at)) {
        sql.replace(at, from.size(), before + to_schema + ".");
        at += before.size() + to_schema.size() + 1;
      }
      return sql;
    };
    std::vector<std::string> keys, indexes, foreign;
    for (const auto& row :
         w.exec_params("SELECT c.relname, k.conname, pg_get_constraintdef(k.oid), k.contype = 'f' "
                       "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = $1 AND k.contype IN ('p', 'u', 'x', 'f') "
                       "ORDER BY c.relname, k.conname",
                       url.schema)) {
      (row[3].as<bool>() ? foreign : keys)
          .push_back("ALTER TABLE " + quote_ident(row[0].as<std::string>()) + " ADD CONSTRAINT " +
                     quote_ident(row[1].as<std::string>()) + " " +
                     to_backup(row[2].as<std::string>(), "REFERENCES "));
    }
    for (const auto& row : w.exec_params(
             "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
             "JOIN pg_class c ON c.oid = i.indrelid "
             "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT EXISTS "
             "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = "
             "i.indrelid AND k.contype IN ('p', 'u', 'x')) ORDER BY 1",
             url.schema)) {
      indexes.push_back(to_backup(to_backup(row[0].as<std::string>(), " ON "), " ON ONLY "));
    }
    // The sequences behind serial ('a') and identity ('i') columns, and where they stand.
    std::vector<std::string> sequences;
    for (const auto& row :
         w.exec_params("SELECT s.relname, t.relname, a.attname, d.deptype = 'i' FROM pg_depend d "
                       "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
                       "JOIN pg_class t ON t.oid = d.refobjid "
                       "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
                       "JOIN pg_namespace n ON n.oid = s.relnamespace "
                       "WHERE n.nspname = $1 AND d.classid = 'pg_class'::regclass "
                       "AND d.deptype IN ('a', 'i') ORDER BY 1",
                       url.schema)) {
      const std::string seq = quote_ident(row[0].as<std::string>());
      const std::string table = quote_ident(row[1].as<std::string>());
      const std::string column = quote_ident(row[2].as<std::string>());
      const auto at = w.exec("SELECT last_value, is_called FROM " + from_schema + "." + seq);
      const std::string set_to =
          at[0][0].as<std::string>() + ", " + (at[0][1].as<bool>() ? "true" : "false");
      if (row[3].as<bool>()) {  // LIKE made the identity's own sequence
        sequences.push_back("SELECT setval(pg_get_serial_sequence(" +
                            w.quote(to_schema + "." + table) + ", " +
                            w.quote(row[2].as<std::string>()) + "), " + set_to + ")");
      } else {
        const std::string regclass = w.quote(to_schema + "." + seq) + "::regclass";
        sequences.push_back("CREATE SEQUENCE " + seq);
        sequences.push_back("ALTER TABLE " + table + " ALTER COLUMN " + column +
                            " SET DEFAULT nextval(" + regclass + ")");
        sequences.push_back("ALTER SEQUENCE " + seq + " OWNED BY " + table + "." + column);
        sequences.push_back("SELECT setval(" + regclass + ", " + set_to + ")");
      }
    }
    w.exec("SET LOCAL search_path TO " + to_schema);
    exec_all(w, keys);
    exec_all(w, indexes);
    exec_all(w, foreign);
    exec_all(w, sequences);
    w.exec("SET LOCAL search_path TO " + from_schema);
    return Status::ok();
  } catch (const pqxx::sql_error& e) {
    const std::string state = e.sqlstate();
    const ErrorCode code = state == "42501"            ? ErrorCode::PermissionDenied
                           : state.rfind("53", 0) == 0 ? ErrorCode::DiskFull
                                                       : status_from(e, "", url).code();
    return Status(code, what + e.what() +
                            "; the store's role needs CREATE on the database (GRANT CREATE ON "
                            "DATABASE … TO …) and room for a second copy of the store");
  }
}

}  // namespace

int latest_schema_version() {
  return kMigrations.back().version;
}

std::string backup_schema_name(const std::string& schema, int version) {
  return schema + "_schema_" + std::to_string(version) + "_bak";
}

Status migrate(pqxx::connection& c, const StoreUrl& url, std::int64_t now_ms, int known_version) {
  known_version = std::clamp(known_version, 1, latest_schema_version());
  try {
    pqxx::work w(c);
    w.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrateLock) + ", hashtext(" +
           w.quote(url.schema) + "))");
    w.exec("CREATE SCHEMA IF NOT EXISTS " + quote_ident(url.schema));
    w.exec("SET LOCAL search_path TO " + quote_ident(url.schema));
    w.exec(
        "CREATE TABLE IF NOT EXISTS schema_migration (version integer PRIMARY KEY, name text "
        "NOT NULL, applied_ms bigint NOT NULL)");
    auto rows = w.exec("SELECT version, name FROM schema_migration ORDER BY version");
    int current = 0;
    for (const auto& row : rows) {
      const int v = row[0].as<int>();
      const std::string name = row[1].as<std::string>();
      if (v > known_version) {
        return Status(ErrorCode::TooNew,
                      "PostgreSQL store " + url.shown + " has schema version " + std::to_string(v) +
                          ", newer than this weimin-district knows (" +
                          std::to_string(known_version) +
                          "): run the newer weimin-district, or restore a backup");
      }
      if (name != kMigrations[static_cast<std::size_t>(v - 1)].name) {
        return Status(ErrorCode::Corrupt,
                      "PostgreSQL store " + url.shown + " records migration " + std::to_string(v) +
                          " as '" + name + "', which is not Weimin's; is this the right database?");
      }
      current = v;
    }
    // A store that has a schema is copied whole before it is migrated forward, in this
    // transaction: the copy and the migration are made together or not at all.
    if (current > 0 && current < known_version) {
      WEIMIN_TRY(
          copy_schema(w, url, backup_schema_name(url.schema, current), current, known_version));
    }
    for (const auto& m : kMigrations) {
      if (m.version <= current || m.version > known_version) continue;
      w.exec(std::string(m.sql));
      w.exec_params("INSERT INTO schema_migration (version, name, applied_ms) VALUES ($1, $2, $3)",
                    m.version, std::string(m.name), now_ms);
    }
    w.commit();
    return Status::ok();
  } catch (const std::exception& e) {
    return status_from(e, "migrating the schema", url);
  }
}

namespace {

// "system_identifier/timeline/database oid", or empty when the role may not read them.
std::string cluster_identity(pqxx::work& w, std::string* warning) {
  try {
    pqxx::subtransaction s(w, "identity");
    auto r = s.exec(
        "SELECT (SELECT system_identifier FROM pg_control_system())::text || '/' || "
        "(SELECT timeline_id FROM pg_control_checkpoint())::text || '/' || "
        "(SELECT oid FROM pg_database WHERE datname = current_database())::text");
    s.commit();
    return r[0][0].as<std::string>();
  } catch (const pqxx::sql_error& e) {
    *warning = std::string("cannot read the cluster's identity to detect a restore (") + e.what() +
               "); grant the store's role EXECUTE on pg_control_system() and "
               "pg_control_checkpoint(), or make a new epoch by hand after every restore "
               "(docs/DEPLOY.md, Restoring)";
    return {};
  }
}

}  // namespace

Result<EpochCheck> check_epoch(pqxx::connection& c, const StoreUrl& url,
                               const std::string& fresh_epoch) {
  try {
    pqxx::work w(c);
    w.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kEpochLock) + ", hashtext(" +
           w.quote(url.schema) + "))");
    EpochCheck out;
    const std::string identity = cluster_identity(w, &out.warning);
    auto r = w.exec(
        "SELECT (SELECT value FROM meta WHERE key = 'epoch'), "
        "(SELECT value FROM meta WHERE key = 'identity')");
    const bool has_epoch = !r[0][0].is_null();
    const std::string recorded = r[0][1].is_null() ? "" : r[0][1].as<std::string>();
    if (has_epoch && (identity.empty() || identity == recorded)) {
      out.epoch = r[0][0].as<std::string>();
    } else {
      out.epoch = fresh_epoch;
      out.made_new = true;
      w.exec_params(
          "INSERT INTO meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO UPDATE SET "
          "value = EXCLUDED.value",
          fresh_epoch);
    }
    if (!identity.empty() && identity != recorded) {
      w.exec_params(
          "INSERT INTO meta (key, value) VALUES ('identity', $1) ON CONFLICT (key) DO UPDATE "
          "SET value = EXCLUDED.value",
          identity);
    }
    w.commit();
    return out;
  } catch (const std::exception& e) {
    return status_from(e, "checking the epoch", url);
  }
}

Status force_epoch(pqxx::connection& c, const StoreUrl& url, const std::string& fresh_epoch) {
  try {
    pqxx::work w(c);
    w.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kEpochLock) + ", hashtext(" +
           w.quote(url.schema) + "))");
    w.exec_params(
        "INSERT INTO meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO UPDATE SET "
        "value = EXCLUDED.value",
        fresh_epoch);
    w.commit();
    return Status::ok();
  } catch (const std::exception& e) {
    return status_from(e, "making a new epoch", url);
  }
}

}  // namespace weimin::server::pg
