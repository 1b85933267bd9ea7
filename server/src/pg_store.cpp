// PgStore: DistrictStore on PostgreSQL. See pg_store.hpp for the concurrency argument and
// pg_schema.cpp for the tables.
#include "weimin/server/pg_store.hpp"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>

#include "figure_tables.hpp"
#include "pg_connection.hpp"
#include "pg_figures.hpp"
#include "pg_govern.hpp"
#include "pg_neighbour.hpp"
#include "pg_schema.hpp"
#include "projection_store.hpp"
#include "weimin/core/id.hpp"
#include "weimin/sync/protocol_digest.hpp"
#include "weimin/sync/protocol_schema.hpp"

namespace weimin::server {
namespace {

using pg::ConnectionPool;
using pg::StoreUrl;

std::string random_epoch(std::int64_t now_ms) {
  if (sodium_init() < 0) std::abort();
  core::UuidV7Generator gen(
      [](std::span<std::uint8_t> out) { randombytes_buf(out.data(), out.size()); });
  return gen.next(now_ms).to_string();
}

Result<FactRecord> fact_from_row(const pqxx::row& row) {
  // payload, community, received_ms
  const std::string payload = row[0].as<std::string>();
  WEIMIN_ASSIGN_OR_RETURN(auto json, sync::parse_json(payload, "a stored fact"));
  WEIMIN_ASSIGN_OR_RETURN(auto fact, sync::parse_fact_payload(json));
  return FactRecord{std::move(fact), row[1].as<std::string>(), row[2].as<std::int64_t>()};
}

class PgStore final : public DistrictStore {
 public:
  PgStore(std::unique_ptr<ConnectionPool> pool, std::string district)
      : pool_(std::move(pool)), district_(std::move(district)) {}

  Result<std::string> epoch() override {
    std::string out;
    WEIMIN_TRY(pool_->transact("reading the epoch", [&](pqxx::work& w) {
      auto r = w.exec("SELECT value FROM meta WHERE key = 'epoch'");
      if (r.empty()) {
        return Status(ErrorCode::Corrupt, "PostgreSQL store " + pool_->url().shown +
                                              " has no epoch: open it with weimin-district first");
      }
      out = r[0][0].as<std::string>();
      return Status::ok();
    }));
    return out;
  }

  Result<std::string> district() override { return district_; }
  Result<std::string> integrity_check() override {
    std::string found;
    WEIMIN_TRY(pool_->transact("checking the store's tables", [&](pqxx::work& w) {
      auto tables = w.exec_params(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 "
          "AND table_type = 'BASE TABLE' ORDER BY table_name",
          pool_->url().schema);
      if (tables.empty()) found = "the schema " + pool_->url().schema + " holds no tables";
      for (const auto& t : tables) {
        w.exec("SELECT 1 FROM " + w.quote_name(t[0].as<std::string>()) + " LIMIT 1");
      }
      return Status::ok();
    }));
    return found.empty() ? std::string("ok") : found;
  }

  // [SECTION] Enrolment and keys

  Status add_enroll_token(const std::string& token_hash, const std::string& community,
                          std::int64_t expires_ms, std::int64_t now_ms) override {
    return pool_->transact("adding an enrol token", [&](pqxx::work& w) {
      w.exec_params(
          "INSERT INTO enroll_token (token_hash, community, expires_ms, created_ms) "
          "VALUES ($1, $2, $3, $4)",
          token_hash, community, expires_ms, now_ms);
      return Status::ok();
    });
  }

  Result<StationRecord> enroll(const std::string& token_hash, const std::string& community,
                               const std::string& public_key, std::int64_t now_ms) override {
    StationRecord out;
    WEIMIN_TRY(pool_->transact("enrolling a station", [&](pqxx::work& w) {
      auto used = w.exec_params(
          "UPDATE enroll_token SET used_ms = $2 WHERE token_hash = $1 AND used_ms IS NULL "
          "AND expires_ms > $2 AND community = $3",
          token_hash, now_ms, community);
      if (used.affected_rows() != 1) {
        auto r = w.exec_params(
            "SELECT community, expires_ms, used_ms FROM enroll_token WHERE token_hash = $1",
            token_hash);
        std::string why = "the token is unknown; ask the district for a new one";
        if (!r.empty()) {
          if (!r[0][2].is_null()) {
            why = "the token was used already; ask the district for a new one";
          } else if (r[0][1].as<std::int64_t>() <= now_ms) {
            why = "the token expired; ask the district for a new one";
          } else {
            why = "the token is for community " + r[0][0].as<std::string>() + ", not " + community;
          }
        }
        return Status(ErrorCode::Unauthenticated, "bad token: " + why);
      }
      out.station_id = sync::station_id_for(community);
      out.community = community;
      out.public_key = public_key;
      out.enrolled_ms = now_ms;
      w.exec_params(
          "INSERT INTO station (station_id, community, public_key, enrolled_ms) "
          "VALUES ($1, $2, $3, $4) ON CONFLICT (station_id) DO UPDATE SET "
          "community = EXCLUDED.community, public_key = EXCLUDED.public_key, "
          "enrolled_ms = EXCLUDED.enrolled_ms, revoked_ms = NULL",
          out.station_id, community, pqxx::binarystring(public_key), now_ms);
      return Status::ok();
    }));
    return out;
  }

  Result<std::optional<StationRecord>> find_station(const std::string& station_id) override {
    std::optional<StationRecord> out;
    WEIMIN_TRY(pool_->transact("finding a station", [&](pqxx::work& w) {
      auto r = w.exec_params(
          "SELECT station_id, community, public_key, enrolled_ms, skew_ms, skew_at_ms, "
          "revoked_ms, software_version, waiting_facts, last_sync_ms, last_seen_ms FROM station "
          "WHERE station_id = $1",
          station_id);
      if (!r.empty()) out = station_from_row(r[0]);
      return Status::ok();
    }));
    return out;
  }

  Result<std::vector<StationRecord>> stations() override {
    std::vector<StationRecord> out;
    WEIMIN_TRY(pool_->transact("listing stations", [&](pqxx::work& w) {
      auto r = w.exec(
          "SELECT station_id, community, public_key, enrolled_ms, skew_ms, skew_at_ms, "
          "revoked_ms, software_version, waiting_facts, last_sync_ms, last_seen_ms FROM station "
          "ORDER BY station_id");
      for (const auto& row : r) out.push_back(station_from_row(row));
      return Status::ok();
    }));
    return out;
  }

  Status record_skew(const std::string& station_id, std::int64_t skew_ms,
                     std::int64_t now_ms) override {
    return pool_->transact("remembering a station's clock skew", [&](pqxx::work& w) {
      w.exec_params("UPDATE station SET skew_ms = $2, skew_at_ms = $3 WHERE station_id = $1",
                    station_id, skew_ms, now_ms);
      return Status::ok();
    });
  }

  Status record_station_contact(const std::string& station_id, const sync::StationReport& report,
                                std::int64_t now_ms, bool synced) override {
    return pool_->transact("recording a station's contact", [&](pqxx::work& w) {
      w.exec_params(
          "UPDATE station SET software_version = COALESCE($2, software_version), "
          "waiting_facts = COALESCE($3, waiting_facts), last_seen_ms = $4, "
          "last_sync_ms = CASE WHEN $5 THEN $4 ELSE last_sync_ms END WHERE station_id = $1",
          station_id, report.version, report.waiting, now_ms, synced);
      return Status::ok();
    });
  }

  Result<bool> remember_nonce(const std::string& station_id, const std::string& nonce,
                              std::int64_t now_ms, std::int64_t forget_before_ms) override {
    bool fresh = false;
    WEIMIN_TRY(pool_->transact("remembering a nonce", [&](pqxx::work& w) {
      // Forgetting old nonces costs a scan of the index; once a minute per process is plenty.
      // One thread of the process sweeps (the one that moves the mark).
      std::int64_t last = last_nonce_sweep_ms_.load();
      if (now_ms - last > 60'000 && last_nonce_sweep_ms_.compare_exchange_strong(last, now_ms)) {
        w.exec_params("DELETE FROM nonce WHERE seen_ms < $1", forget_before_ms);
      }
      auto r = w.exec_params(
          "INSERT INTO nonce (station_id, nonce, seen_ms) VALUES ($1, $2, $3) "
          "ON CONFLICT DO NOTHING",
          station_id, nonce, now_ms);
      fresh = r.affected_rows() == 1;
      return Status::ok();
    }));
    return fresh;
  }

  // [SECTION] Push

  // How insert_facts reads which of its ids the store holds already.
  enum class HeldCheck {
    // After the counter's lock: inserters are serialised from there on, so the ids read are
    // exactly the ones held when the new rows are written.
    UnderLock,
    // Before the lock, shortening the section every push waits for: a fact another inserter
    // commits in between makes the COPY fail on fact_pkey (unique_violation), and the caller
    // runs its transaction again with UnderLock (apply_push).
    BeforeLock,
  };

  Result<PushOutcome> apply_push(const PushBatch& batch) override {
    PushOutcome out;
    bool gap = false;
    // The held ids are read before the counter's lock; only when another inserter committed one
    // of them in between (the COPY fails on fact_pkey) is the push run again reading them under it.
    bool raced = false;
    Status applied_status = apply_push_once(batch, HeldCheck::BeforeLock, out, gap, raced);
    if (raced) applied_status = apply_push_once(batch, HeldCheck::UnderLock, out, gap, raced);
    if (gap) {
      PushOutcome refused;
      refused.applied_through = out.applied_through;
      refused.gap_expected = out.gap_expected;
      return refused;
    }
    WEIMIN_TRY(applied_status);
    return out;
  }

  // One transaction of apply_push; `raced`: the COPY found a fact committed since `check` read
  // the held ids (only possible with HeldCheck::BeforeLock).
  Status apply_push_once(const PushBatch& batch, HeldCheck check, PushOutcome& out, bool& gap,
                         bool& raced) {
    return pool_->transact("applying a push", [&](pqxx::work& w) {
      out = PushOutcome{};
      gap = false;
      // The stream's row, locked until commit: a racing push of the same stream (another
      // process, a retry) waits here and then sees this one's position.
      w.exec_params(
          "INSERT INTO stream (station_id, stream, base_seq, applied_through, created_ms) "
          "VALUES ($1, $2, $3, $3, $4) ON CONFLICT DO NOTHING",
          batch.station_id, batch.stream, batch.base_seq, batch.now_ms);
      auto pos_row = w.exec_params(
          "SELECT applied_through FROM stream WHERE station_id = $1 AND stream = $2 FOR UPDATE",
          batch.station_id, batch.stream);
      const std::int64_t position = pos_row[0][0].as<std::int64_t>();
      out.applied_through = position;
      std::vector<const PreparedEntry*> todo;
      for (const auto& e : batch.entries) {
        if (e.seq > position) todo.push_back(&e);
      }
      if (todo.empty()) return Status::ok();
      if (todo.front()->seq != position + 1) {
        out.gap_expected = position + 1;
        gap = true;
        // Nothing written: roll back (a new stream's row too); the caller sees gap_expected.
        return Status(ErrorCode::Conflict, "a gap in the push (rolled back)");
      }
      std::vector<const FactRecord*> facts;
      std::vector<std::tuple<std::int64_t, std::string>> rejects;
      for (const auto* e : todo) {
        if (e->fact) {
          facts.push_back(&*e->fact);
        } else {
          rejects.emplace_back(e->seq, e->reject_reason);
        }
      }
      std::vector<std::string> touched;  // cases given a new fact
      std::int64_t first_gseq = 0;
      std::int64_t applied = 0;
      try {
        WEIMIN_ASSIGN_OR_RETURN(
            applied, insert_facts(w, facts, batch.now_ms, &touched, nullptr, &first_gseq, check));
      } catch (const pqxx::unique_violation&) {
        raced = true;
        throw;  // the transaction is rolled back; apply_push runs it again
      }
      if (applied > 0) {
        out.added = GseqRange{first_gseq, first_gseq + applied - 1};
        out.epoch = w.exec("SELECT value FROM meta WHERE key = 'epoch'")[0][0].as<std::string>();
      }
      figure_tables::Touched figures;
      for (const FactRecord* f : facts) figures.fact(*f);
      WEIMIN_TRY(project_cases(w, touched, figures));
      pg_figures::flush(w, figures);
      WEIMIN_TRY(pg_govern::project(w, facts));
      WEIMIN_TRY(pg_neighbour::project(w, facts));
      out.applied = applied;
      out.duplicates = static_cast<std::int64_t>(facts.size()) - applied;
      if (!rejects.empty()) {
        pqxx::stream_to st(
            w, "reject",
            std::vector<std::string>{"station_id", "stream", "seq", "reason", "at_ms"});
        for (const auto& [seq, reason] : rejects) {
          st << std::make_tuple(batch.station_id, batch.stream, seq, reason, batch.now_ms);
          out.rejected.push_back(sync::RejectedEntry{seq, reason});
        }
        st.complete();
      }
      out.applied_through = todo.back()->seq;
      w.exec_params("UPDATE stream SET applied_through = $3 WHERE station_id = $1 AND stream = $2",
                    batch.station_id, batch.stream, out.applied_through);
      return Status::ok();
    });
  }

  Result<std::vector<sync::StreamPosition>> streams(const std::string& station_id) override {
    std::vector<sync::StreamPosition> out;
    WEIMIN_TRY(pool_->transact("listing streams", [&](pqxx::work& w) {
      auto r = w.exec_params(
          "SELECT stream, applied_through FROM stream WHERE station_id = $1 "
          "ORDER BY created_ms, stream",
          station_id);
      for (const auto& row : r) {
        out.push_back(sync::StreamPosition{row[0].as<std::string>(), row[1].as<std::int64_t>()});
      }
      return Status::ok();
    }));
    return out;
  }

  Result<std::vector<sync::RejectRecord>> rejects(const std::string& station_id) override {
    std::vector<sync::RejectRecord> out;
    WEIMIN_TRY(pool_->transact("listing rejected entries", [&](pqxx::work& w) {
      auto r = w.exec_params(
          "SELECT stream, seq, reason, at_ms FROM reject WHERE $1 = '' OR station_id = $1 "
          "ORDER BY at_ms, station_id, stream, seq",
          station_id);
      for (const auto& row : r) {
        out.push_back(sync::RejectRecord{row[0].as<std::string>(), row[1].as<std::int64_t>(),
                                         row[2].as<std::string>(), row[3].as<std::int64_t>()});
      }
      return Status::ok();
    }));
    return out;
  }

  // [SECTION] Facts made at the district

  Result<std::int64_t> append_facts(const std::vector<FactRecord>& facts) override {
    std::int64_t applied = 0;
    WEIMIN_TRY(pool_->transact("appending district facts", [&](pqxx::work& w) {
      std::vector<const FactRecord*> list;
      for (const auto& f : facts) list.push_back(&f);
      std::vector<std::string> touched;  // cases given a new fact
      WEIMIN_ASSIGN_OR_RETURN(applied, insert_facts(w, list, std::nullopt, &touched));
      figure_tables::Touched figures;
      for (const FactRecord* f : list) figures.fact(*f);
      WEIMIN_TRY(project_cases(w, touched, figures));
      pg_figures::flush(w, figures);
      WEIMIN_TRY(pg_govern::project(w, list));
      WEIMIN_TRY(pg_neighbour::project(w, list));
      return Status::ok();
    }));
    return applied;
  }

  Result<std::int64_t> bulk_append_facts(const std::vector<FactRecord>& facts) override {
    std::int64_t applied = 0;
    WEIMIN_TRY(pool_->transact("bulk appending facts", [&](pqxx::work& w) {
      if (facts.empty()) return Status::ok();
      // The counter's lock first (insert_facts takes it again): from here on no other inserter
      // adds facts, so the cases found holding facts below are exactly those that had some.
      w.exec("SELECT n FROM change_counter FOR UPDATE");
      std::vector<std::string> subjects;
      {
        std::set<std::string> seen;
        for (const FactRecord& f : facts) {
          if (f.fact.kind.starts_with("case.") && seen.insert(f.fact.subject).second) {
            subjects.push_back(f.fact.subject);
          }
        }
      }
      std::set<std::string> known;  // cases with case facts before this call
      if (!subjects.empty()) {
        for (const auto& row : w.exec_params(
                 "SELECT DISTINCT subject FROM fact WHERE subject = ANY($1::text[]) AND kind "
                 "LIKE 'case.%'",
                 pg::text_array(subjects))) {
          known.insert(row[0].as<std::string>());
        }
      }
      std::vector<const FactRecord*> list;
      list.reserve(facts.size());
      for (const auto& f : facts) list.push_back(&f);
      std::vector<std::string> touched;  // cases given a new fact
      std::vector<const FactRecord*> fresh;
      WEIMIN_ASSIGN_OR_RETURN(applied, insert_facts(w, list, std::nullopt, &touched, &fresh));
      figure_tables::Touched figures;
      for (const FactRecord* f : fresh) figures.fact(*f);
      // Cases that had facts before are read back whole; the others fold from the facts in hand.
      std::vector<std::string> read_back;
      std::map<std::string, std::vector<const FactRecord*>> in_hand;
      for (const FactRecord* f : fresh) {
        if (!f->fact.kind.starts_with("case.") || known.contains(f->fact.subject)) continue;
        in_hand[f->fact.subject].push_back(f);
      }
      for (const std::string& id : touched) {
        if (known.contains(id)) read_back.push_back(id);
      }
      WEIMIN_TRY(project_cases(w, read_back, figures));
      if (!in_hand.empty()) {
        const core::CaseDeadlines deadlines = catalog_deadlines(w);
        std::vector<CaseRow> rows;
        std::vector<WhistleUnit> units;
        std::vector<GridCase> grids;
        std::vector<std::string> ids;
        for (const auto& [subject, mine] : in_hand) {
          projection::Projected p = projection::project_facts_with_units(
              subject, projection::in_fold_order(mine), deadlines);
          rows.push_back(std::move(p.row));
          for (WhistleUnit& u : p.units) units.push_back(std::move(u));
          if (p.grid) grids.push_back(std::move(*p.grid));
          ids.push_back(subject);
        }
        write_rows(w, rows, false);
        pg_figures::write_units(w, ids, units, grids, false, figures);
      }
      pg_figures::flush(w, figures);
      WEIMIN_TRY(pg_neighbour::project(w, fresh));
      return Status::ok();
    }));
    return applied;
  }

  Result<std::vector<FactRecord>> case_facts(const std::string& case_id) override {
    return select_facts("reading a case's facts", "kind LIKE 'case.%' AND subject", case_id);
  }

  Result<std::map<std::string, std::string>> case_communities(
      const std::vector<std::string>& case_ids) override {
    std::map<std::string, std::string> out;
    if (case_ids.empty()) return out;
    WEIMIN_TRY(pool_->transact("reading the communities of cases", [&](pqxx::work& w) {
      out.clear();
      // The first collected fact of each case (fact_case_subject finds the subjects: its
      // predicate is repeated for the planner, which cannot see that one kind implies it).
      auto r = w.exec_params(
          "SELECT DISTINCT ON (subject) subject, community FROM fact WHERE subject = "
          "ANY($1::text[]) AND kind LIKE 'case.%' AND kind = 'case.collected' ORDER BY subject, "
          "hlc, origin, id",
          pg::text_array(case_ids));
      for (const auto& row : r) out[row[0].as<std::string>()] = row[1].as<std::string>();
      return Status::ok();
    }));
    return out;
  }

  Result<std::vector<FactRecord>> facts_by_kind(const std::string& kind) override {
    // Case kinds through the partial index fact_case_kind; others scan (none are asked today).
    return select_facts("reading facts by kind",
                        kind.starts_with("case.") ? "kind LIKE 'case.%' AND kind" : "kind", kind);
  }

  Result<std::int64_t> fact_count() override {
    std::int64_t n = 0;
    WEIMIN_TRY(pool_->transact("counting facts", [&](pqxx::work& w) {
      n = w.exec("SELECT count(*) FROM fact")[0][0].as<std::int64_t>();
      return Status::ok();
    }));
    return n;
  }

  // [SECTION] Pull and anti-entropy

  Result<ChangePage> read_changes(const std::string& community, std::int64_t after,
                                  std::int64_t max_count, std::size_t max_bytes,
                                  const std::string& skip_origin,
                                  const std::vector<GseqRange>& skip_ranges) override {
    ChangePage page;
    if (max_count < 1) max_count = 1;
    // The community's facts between the ranges of the asking station's own facts (each an
    // index range of fact_scope), so that a pull right after a push does not fetch the rows it
    // just sent from the heap to read their origin.
    std::string facts_sql;
    static const std::vector<GseqRange> kNoRanges;
    for (const GseqGap& g : gaps_outside(after, skip_origin.empty() ? kNoRanges : skip_ranges)) {
      if (!facts_sql.empty()) facts_sql += " UNION ALL ";
      facts_sql +=
          "(SELECT gseq, 'fact' AS type, payload FROM fact WHERE community = $1 AND gseq > ";
      facts_sql += g.after == after ? std::string("$2") : std::to_string(g.after);
      if (g.before) facts_sql += " AND gseq < " + std::to_string(*g.before);
      facts_sql += " AND origin <> $4 ORDER BY gseq LIMIT $3)";
    }
    WEIMIN_TRY(pool_->read("reading changes", [&](pqxx::transaction_base& w) {
      page = ChangePage{};
      // One snapshot: the counter and the rows agree. With the counter's lock held until
      // commit, every change with gseq ≤ counter is committed and visible here.
      const std::int64_t head = w.exec("SELECT n FROM change_counter")[0][0].as<std::int64_t>();
      auto r = w.exec_params(facts_sql +
                                 " UNION ALL "
                                 "(SELECT gseq, type, record FROM reference_change WHERE gseq > $2 "
                                 " ORDER BY gseq LIMIT $3) "
                                 "ORDER BY gseq LIMIT $3",
                             community, after, max_count + 1, skip_origin);
      std::size_t bytes = 0;
      std::int64_t last = after;
      bool cut = false;
      for (const auto& row : r) {
        if (static_cast<std::int64_t>(page.changes.size()) == max_count) {
          cut = true;
          break;
        }
        const auto text = row[2].as<std::string>();
        if (!page.changes.empty() && bytes + text.size() > max_bytes) {
          cut = true;
          break;
        }
        bytes += text.size();
        WEIMIN_ASSIGN_OR_RETURN(auto record, sync::parse_json(text, "a stored change record"));
        const auto gseq = row[0].as<std::int64_t>();
        page.changes.push_back(sync::Change{gseq, row[1].as<std::string>(), std::move(record)});
        last = gseq;
      }
      page.more = cut;
      // Nothing left in this scope up to the head: the cursor may move past others' changes.
      page.next_after = cut ? last : std::max(last, head);
      return Status::ok();
    }));
    return page;
  }

  Result<std::vector<sync::DayDigest>> digests(const std::string& community,
                                               const std::string& from, const std::string& to,
                                               int schema) override {
    std::vector<sync::DayDigest> out;
    WEIMIN_TRY(pool_->read("computing digests", [&](pqxx::transaction_base& w) {
      out.clear();
      // Only an older station's digest needs each fact's kind (embedded_store.cpp, digests):
      // without it the index fact_day answers alone (an index-only scan once vacuumed).
      const bool all_kinds = schema >= sync::kSchema;
      auto r = w.exec_params(
          all_kinds ? "SELECT day, id FROM fact WHERE community = $1 AND day >= $2 AND day <= $3 "
                      "ORDER BY day, id"
                    : "SELECT day, id, kind FROM fact WHERE community = $1 AND day >= $2 AND "
                      "day <= $3 ORDER BY day, id",
          community, from, to);
      std::optional<sync::DayDigestBuilder> builder;
      std::string day;
      for (const auto& row : r) {
        if (!all_kinds && sync::fact_kind_schema(row[2].c_str()) > schema) continue;
        std::string d = row[0].as<std::string>();
        if (!builder || d != day) {
          if (builder) out.push_back(builder->finish());
          day = d;
          builder.emplace("fact", day);
        }
        builder->add(row[1].c_str());
      }
      if (builder) out.push_back(builder->finish());
      return Status::ok();
    }));
    return out;
  }

  // [SECTION] Reference data

  Result<std::int64_t> publish_reference(const std::string& type, const std::string& json,
                                         std::int64_t now_ms) override {
    std::int64_t gseq = 0;
    WEIMIN_TRY(pool_->transact("publishing reference data", [&](pqxx::work& w) {
      // The counter's lock first: no push adds facts (and projects them with the catalog it
      // reads) until this commits.
      gseq = w.exec("UPDATE change_counter SET n = n + 1 RETURNING n")[0][0].as<std::int64_t>();
      std::optional<core::CaseDeadlines> before;  // a catalog's: the deadlines it replaces
      if (type == "catalog") before = catalog_deadlines(w);
      w.exec_params(
          "INSERT INTO reference_change (gseq, type, record, at_ms) VALUES ($1, $2, $3, $4)", gseq,
          type, json, now_ms);
      if (before) WEIMIN_TRY(rederive_deadlines(w, *before, projection::deadlines_of_text(json)));
      return Status::ok();
    }));
    return gseq;
  }

  Result<std::optional<ReferenceRecord>> latest_reference(const std::string& type) override {
    std::optional<ReferenceRecord> out;
    WEIMIN_TRY(pool_->transact("reading reference data", [&](pqxx::work& w) {
      auto r = w.exec_params(
          "SELECT record, gseq, at_ms FROM reference_change WHERE type = $1 "
          "ORDER BY gseq DESC LIMIT 1",
          type);
      if (!r.empty()) {
        out = ReferenceRecord{type, r[0][0].as<std::string>(), r[0][1].as<std::int64_t>(),
                              r[0][2].as<std::int64_t>()};
      }
      return Status::ok();
    }));
    return out;
  }

  // [SECTION] Departments and the street office

  Status add_actor_token(const std::string& token_hash, const std::string& actor,
                         const std::string& role, std::int64_t expires_ms,
                         std::int64_t now_ms) override {
    return pool_->transact("adding an actor token", [&](pqxx::work& w) {
      w.exec_params(
          "INSERT INTO actor_token (token_hash, actor, role, created_ms, expires_ms) "
          "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token_hash) DO UPDATE SET "
          "actor = EXCLUDED.actor, role = EXCLUDED.role, expires_ms = EXCLUDED.expires_ms",
          token_hash, actor, role, now_ms, expires_ms);
      return Status::ok();
    });
  }

  Result<std::optional<Actor>> actor_for_token(const std::string& token_hash,
                                               std::int64_t now_ms) override {
    std::optional<Actor> out;
    WEIMIN_TRY(pool_->transact("checking an actor token", [&](pqxx::work& w) {
      auto r = w.exec_params(
          "SELECT actor, role FROM actor_token WHERE token_hash = $1 AND expires_ms > $2 "
          "AND revoked_ms IS NULL",
          token_hash, now_ms);
      if (!r.empty()) out = Actor{r[0][0].as<std::string>(), r[0][1].as<std::string>()};
      return Status::ok();
    }));
    return out;
  }

  Result<std::vector<ActorToken>> actor_tokens() override {
    std::vector<ActorToken> out;
    WEIMIN_TRY(pool_->transact("listing actor tokens", [&](pqxx::work& w) {
      out.clear();
      auto r = w.exec(
          "SELECT token_hash, actor, role, created_ms, expires_ms, revoked_ms FROM actor_token "
          "ORDER BY created_ms, token_hash");
      for (const auto& row : r) {
        ActorToken t{row[0].as<std::string>(),  row[1].as<std::string>(),  row[2].as<std::string>(),
                     row[3].as<std::int64_t>(), row[4].as<std::int64_t>(), std::nullopt};
        if (!row[5].is_null()) t.revoked_ms = row[5].as<std::int64_t>();
        out.push_back(std::move(t));
      }
      return Status::ok();
    }));
    return out;
  }

  Result<std::int64_t> revoke_actor_tokens(const std::string& prefix,
                                           std::int64_t now_ms) override {
    std::int64_t n = 0;
    WEIMIN_TRY(pool_->transact("revoking actor tokens", [&](pqxx::work& w) {
      auto r = w.exec_params(
          "UPDATE actor_token SET revoked_ms = $2 WHERE left(token_hash, length($1)) = $1 "
          "AND revoked_ms IS NULL",
          prefix, now_ms);
      n = r.affected_rows();
      return Status::ok();
    }));
    return n;
  }

  // [SECTION] Revoked stations; console accounts, sessions and audit (accounts.hpp)

  Status revoke_station(const std::string& station_id, std::int64_t now_ms) override {
    return pool_->transact("revoking a station", [&](pqxx::work& w) {
      auto r = w.exec_params(
          "UPDATE station SET revoked_ms = COALESCE(revoked_ms, $2) WHERE station_id = $1",
          station_id, now_ms);
      if (r.affected_rows() == 0) {
        return Status(ErrorCode::NotFound, "no station '" + station_id.substr(0, 64) +
                                               "' is enrolled here; see weimin-district stations");
      }
      return Status::ok();
    });
  }

  static AccountRecord account_from_row(const pqxx::row& row) {
    AccountRecord a;
    a.user = row[0].as<std::string>();
    a.role = row[1].as<std::string>();
    a.scope = row[2].as<std::string>();
    a.password_hash = row[3].as<std::string>();
    a.must_change_password = row[4].as<bool>();
    a.disabled = row[5].as<bool>();
    a.created_ms = row[6].as<std::int64_t>();
    a.failed_signins = row[7].as<int>();
    a.locked_until_ms = row[8].as<std::int64_t>();
    return a;
  }
  static constexpr const char* kAccountColumns =
      "SELECT user_name, role, scope, password_hash, must_change_password, disabled, created_ms, "
      "failed_signins, locked_until_ms FROM account";

  Status add_account(const AccountRecord& a) override {
    return pool_->transact("adding an account", [&](pqxx::work& w) {
      auto r = w.exec_params(
          "INSERT INTO account (user_name, role, scope, password_hash, must_change_password, "
          "disabled, created_ms, failed_signins, locked_until_ms) VALUES ($1, $2, $3, $4, $5, "
          "$6, $7, $8, $9) ON CONFLICT (user_name) DO NOTHING",
          a.user, a.role, a.scope, a.password_hash, a.must_change_password, a.disabled,
          a.created_ms, a.failed_signins, a.locked_until_ms);
      if (r.affected_rows() == 0) {
        return Status(ErrorCode::AlreadyExists, "the account '" + a.user + "' exists already");
      }
      return Status::ok();
    });
  }

  Result<std::optional<AccountRecord>> find_account(const std::string& user) override {
    std::optional<AccountRecord> out;
    WEIMIN_TRY(pool_->transact("finding an account", [&](pqxx::work& w) {
      auto r = w.exec_params(std::string(kAccountColumns) + " WHERE user_name = $1", user);
      out.reset();
      if (!r.empty()) out = account_from_row(r[0]);
      return Status::ok();
    }));
    return out;
  }

  // [SECTION] The case projection (projection.hpp; the tables of migration 3)

  Result<std::optional<CaseRow>> case_row(const std::string& case_id) override {
    std::optional<CaseRow> out;
    WEIMIN_TRY(pool_->read("reading a case's row", [&](pqxx::transaction_base& w) {
      out.reset();
      auto r = w.exec_params("SELECT " + std::string(projection::row_columns()) +
                                 ", r.detail_json FROM case_rows r WHERE r.case_id = $1",
                             case_id);
      if (!r.empty()) out = case_row_from(r[0], true);
      return Status::ok();
    }));
    return out;
  }

  Result<std::vector<AccountRecord>> accounts() override {
    std::vector<AccountRecord> out;
    WEIMIN_TRY(pool_->transact("listing accounts", [&](pqxx::work& w) {
      out.clear();
      auto r = w.exec(std::string(kAccountColumns) + " ORDER BY user_name");
      for (const auto& row : r) out.push_back(account_from_row(row));
      return Status::ok();
    }));
    return out;
  }

  Status update_account(const AccountRecord& a) override {
    return pool_->transact("updating an account", [&](pqxx::work& w) {
      auto r = w.exec_params(
          "UPDATE account SET role = $2, scope = $3, password_hash = $4, "
          "must_change_password = $5, disabled = $6, created_ms = $7, failed_signins = $8, "
          "locked_until_ms = $9 WHERE user_name = $1",
          a.user, a.role, a.scope, a.password_hash, a.must_change_password, a.disabled,
          a.created_ms, a.failed_signins, a.locked_until_ms);
      if (r.affected_rows() == 0) {
        return Status(ErrorCode::NotFound, "there is no account '" + a.user.substr(0, 64) + "'");
      }
      return Status::ok();
    });
  }

  Status add_session(const SessionRecord& s) override {
    return pool_->transact("adding a session", [&](pqxx::work& w) {
      // Rows unused for longer than any console's limits ended long ago.
      w.exec_params("DELETE FROM session WHERE last_seen_ms < $1",
                    s.last_seen_ms - kSessionRowLifetimeMs);
      w.exec_params(
          "INSERT INTO session (id_hash, user_name, csrf, address, created_ms, last_seen_ms) "
          "VALUES ($1, $2, $3, $4, $5, $6)",
          s.id_hash, s.user, s.csrf, s.address, s.created_ms, s.last_seen_ms);
      return Status::ok();
    });
  }

  Result<std::optional<SessionRecord>> find_session(const std::string& id_hash) override {
    std::optional<SessionRecord> out;
    WEIMIN_TRY(pool_->transact("finding a session", [&](pqxx::work& w) {
      auto r = w.exec_params(
          "SELECT id_hash, user_name, csrf, address, created_ms, last_seen_ms FROM session "
          "WHERE id_hash = $1",
          id_hash);
      out.reset();
      if (!r.empty()) {
        out = SessionRecord{r[0][0].as<std::string>(),  r[0][1].as<std::string>(),
                            r[0][2].as<std::string>(),  r[0][3].as<std::string>(),
                            r[0][4].as<std::int64_t>(), r[0][5].as<std::int64_t>()};
      }
      return Status::ok();
    }));
    return out;
  }

  Status touch_session(const std::string& id_hash, std::int64_t now_ms) override {
    return pool_->transact("touching a session", [&](pqxx::work& w) {
      w.exec_params("UPDATE session SET last_seen_ms = $2 WHERE id_hash = $1", id_hash, now_ms);
      return Status::ok();
    });
  }

  Status end_sessions(const std::string& id_hash, const std::string& user) override {
    return pool_->transact("ending sessions", [&](pqxx::work& w) {
      if (id_hash.empty()) {
        w.exec_params("DELETE FROM session WHERE user_name = $1", user);
      } else {
        w.exec_params("DELETE FROM session WHERE id_hash = $1", id_hash);
      }
      return Status::ok();
    });
  }

  Status add_audit(const AuditRecord& a) override {
    return pool_->transact("adding to the audit", [&](pqxx::work& w) {
      w.exec_params(
          "INSERT INTO audit (at_ms, user_name, address, action, target, detail) VALUES ($1, "
          "$2, $3, $4, $5, $6)",
          a.at_ms, a.user, a.address, a.action, a.target, a.detail);
      return Status::ok();
    });
  }

  Result<std::vector<AuditRecord>> audit_log(std::int64_t before_id, int limit) override {
    std::vector<AuditRecord> out;
    WEIMIN_TRY(pool_->transact("reading the audit", [&](pqxx::work& w) {
      out.clear();
      auto r = w.exec_params(
          "SELECT id, at_ms, user_name, address, action, target, detail FROM audit "
          "WHERE ($1::bigint = 0 OR id < $1::bigint) ORDER BY id DESC LIMIT $2",
          before_id, limit);
      for (const auto& row : r) {
        out.push_back(AuditRecord{row[0].as<std::int64_t>(), row[1].as<std::int64_t>(),
                                  row[2].as<std::string>(), row[3].as<std::string>(),
                                  row[4].as<std::string>(), row[5].as<std::string>(),
                                  row[6].as<std::string>()});
      }
      return Status::ok();
    }));
    return out;
  }

  // A session row unused this long is dropped when another session is added: longer than any
  // idle timeout or absolute limit a console is given (AccountOptions), so it ended already.
  static constexpr std::int64_t kSessionRowLifetimeMs = 48LL * 3600 * 1000;

  Result<CasePage> query_cases(const CaseQuery& query) override {
    WEIMIN_TRY(projection::check_query(query));
    const projection::PagePlan plan = projection::plan_page(query, projection::Dialect::Postgres);
    CasePage page;
    WEIMIN_TRY(pool_->read("reading an inbox", [&](pqxx::transaction_base& w) {
      auto run = [&](const projection::SqlQuery& q) -> Result<std::vector<CaseRow>> {
        const std::string sql = pg_figures::inline_params(w, q);
        std::vector<CaseRow> rows;
        for (const auto& row : w.exec(sql)) rows.push_back(case_row_from(row, query.with_detail));
        return rows;
      };
      WEIMIN_ASSIGN_OR_RETURN(page, projection::run_plan(query, plan, run));
      return Status::ok();
    }));
    return page;
  }

  Result<std::int64_t> rebuild_projection() override {
    std::int64_t cases = 0;
    WEIMIN_TRY(pool_->transact("rebuilding the case projection", [&](pqxx::work& w) {
      cases = 0;
      w.exec("SELECT pg_advisory_xact_lock(7004, hashtext(current_schema()))");
      w.exec(
          "TRUNCATE case_rows, case_departments, figure_units, unit_days, unit_sums, "
          "return_days, queue_days, queue_days_stale, grid_cases, grid_days");
      const core::CaseDeadlines deadlines = catalog_deadlines(w);
      // Every case fact once, case by case, read through a cursor a slice at a time.
      w.exec(
          "DECLARE projection_rebuild NO SCROLL CURSOR FOR SELECT payload, community, "
          "received_ms, subject FROM fact WHERE kind LIKE 'case.%' ORDER BY subject, hlc, "
          "origin, id");
      std::string subject;
      std::vector<FactRecord> facts;
      std::vector<CaseRow> rows;
      std::vector<WhistleUnit> units;
      std::vector<GridCase> grids;
      figure_tables::Touched figures;  // unused: the sums are made at the end, all at once
      auto project = [&] {
        if (facts.empty()) return;
        projection::Projected p = projection::project_facts_with_units(subject, facts, deadlines);
        rows.push_back(std::move(p.row));
        for (WhistleUnit& u : p.units) units.push_back(std::move(u));
        if (p.grid) grids.push_back(std::move(*p.grid));
      };
      auto write = [&] {
        cases += static_cast<std::int64_t>(rows.size());
        write_rows(w, rows, false);
        pg_figures::write_units(w, {}, units, grids, false, figures);
        rows.clear();
        units.clear();
        grids.clear();
      };
      while (true) {
        auto slice = w.exec("FETCH 20000 FROM projection_rebuild");
        for (const auto& row : slice) {
          std::string next_subject = row[3].as<std::string>();
          if (next_subject != subject) {
            project();
            facts.clear();
            subject = std::move(next_subject);
          }
          WEIMIN_ASSIGN_OR_RETURN(auto f, fact_from_row(row));
          facts.push_back(std::move(f));
        }
        if (slice.empty()) break;
        write();
      }
      project();
      w.exec("CLOSE projection_rebuild");
      write();
      pg_figures::rebuild_sums(w);
      WEIMIN_TRY(pg_govern::rebuild(w));
      WEIMIN_TRY(pg_neighbour::rebuild(w));
      // Fresh statistics for the rows just written, so the inboxes' first queries are planned
      // on them rather than on an empty table's (autovacuum would come later).
      w.exec("ANALYZE case_rows");
      w.exec("ANALYZE case_departments");
      w.exec("ANALYZE figure_units");
      w.exec("ANALYZE unit_days");
      w.exec("ANALYZE unit_sums");
      return Status::ok();
    }));
    return cases;
  }

  // [SECTION] Figures (figures.hpp; figure_tables.hpp's tables)

  Result<DistrictFigures> figures(const FigureQuery& query) override {
    WEIMIN_TRY(check_figure_query(query));
    if (!query.rankings_only && query.department.empty()) {
      WEIMIN_TRY(pool_->transact("remaking stale queue days", [&](pqxx::work& w) {
        pg_figures::refresh_stale_queue_days(w);
        return Status::ok();
      }));
    }
    DistrictFigures out;
    WEIMIN_TRY(pool_->read("reading figures", [&](pqxx::transaction_base& w) {
      WEIMIN_ASSIGN_OR_RETURN(out, pg_figures::figures(w, query, [](const pqxx::row& row) {
                                return case_row_from(row, false);
                              }));
      return Status::ok();
    }));
    return out;
  }

  Result<GovernRecords> govern_records() override {
    GovernRecords out;
    WEIMIN_TRY(pool_->read("reading consultation, work-access and certificate rows",
                           [&](pqxx::transaction_base& w) {
                             WEIMIN_ASSIGN_OR_RETURN(out, pg_govern::records(w));
                             return Status::ok();
                           }));
    return out;
  }

  Result<NeighbourRecords> neighbour_records() override {
    NeighbourRecords out;
    WEIMIN_TRY(
        pool_->read("reading wish, care-list, visit and call rows", [&](pqxx::transaction_base& w) {
          WEIMIN_ASSIGN_OR_RETURN(out, pg_neighbour::records(w));
          return Status::ok();
        }));
    return out;
  }

  Result<GovernPage> govern_page(const GovernQuery& query) override {
    if (auto why = govern::query_refusal(query)) return Status(ErrorCode::Invalid, *why);
    GovernPage out;
    WEIMIN_TRY(pool_->read("reading a page of consultation, work-access and certificate rows",
                           [&](pqxx::transaction_base& w) {
                             WEIMIN_ASSIGN_OR_RETURN(out, pg_govern::page(w, query));
                             return Status::ok();
                           }));
    return out;
  }

  Result<NeighbourPage> neighbour_page(const NeighbourQuery& query) override {
    if (auto why = neighbour::query_refusal(query)) return Status(ErrorCode::Invalid, *why);
    NeighbourPage out;
    WEIMIN_TRY(pool_->read("reading a page of wish, care-list, visit and call rows",
                           [&](pqxx::transaction_base& w) {
                             WEIMIN_ASSIGN_OR_RETURN(out, pg_neighbour::page(w, query));
                             return Status::ok();
                           }));
    return out;
  }

  Result<std::vector<FactRecord>> community_facts(const std::string& community,
                                                  const std::string& from,
                                                  const std::string& to) override {
    std::vector<FactRecord> out;
    WEIMIN_TRY(pool_->read("reading a station's facts", [&](pqxx::transaction_base& w) {
      out.clear();
      auto r = w.exec_params(
          "SELECT payload, community, received_ms FROM fact WHERE community = $1 AND day >= $2 "
          "AND day <= $3 ORDER BY hlc, origin, id",
          community, from, to);
      for (const auto& row : r) {
        WEIMIN_ASSIGN_OR_RETURN(auto f, fact_from_row(row));
        out.push_back(std::move(f));
      }
      return Status::ok();
    }));
    return out;
  }

  // After migrating a store of before the projection or the figures: its rows and units are
  // made once.
  Status fill_projection_if_missing() {
    bool missing = false;
    WEIMIN_TRY(pool_->transact("checking the case projection", [&](pqxx::work& w) {
      missing = w.exec(
                     "SELECT (EXISTS (SELECT 1 FROM fact WHERE kind LIKE 'case.%') AND NOT "
                     "EXISTS (SELECT 1 FROM case_rows)) OR (EXISTS (SELECT 1 FROM fact WHERE "
                     "kind = 'case.whistled') AND NOT EXISTS (SELECT 1 FROM figure_units)) OR "
                     "(EXISTS (SELECT 1 FROM fact WHERE kind LIKE 'ticket.%') AND NOT EXISTS "
                     "(SELECT 1 FROM queue_days) AND NOT EXISTS (SELECT 1 FROM "
                     "queue_days_stale)) OR (EXISTS (SELECT 1 FROM fact WHERE kind = "
                     "'case.collected') AND NOT EXISTS (SELECT 1 FROM grid_cases))")[0][0]
                    .as<bool>() ||
                pg_govern::missing(w);
      return Status::ok();
    }));
    if (missing) return rebuild_projection().status();
    // A store of before migration 11: its wish and care rows are made once.
    WEIMIN_TRY(pool_->transact("making the wish and care rows", [&](pqxx::work& w) {
      return pg_neighbour::missing(w) ? pg_neighbour::rebuild(w) : Status::ok();
    }));
    // A store of before unit_sums (schema 10): its units are there, their new sums are made.
    return pool_->transact("making the figures' sums", [&](pqxx::work& w) {
      if (w.exec("SELECT EXISTS (SELECT 1 FROM figure_units) AND NOT EXISTS (SELECT 1 FROM "
                 "unit_sums)")[0][0]
              .as<bool>()) {
        pg_figures::rebuild_unit_sums(w);
        w.exec("ANALYZE unit_sums");
      }
      return Status::ok();
    });
  }

 private:
  // The deadlines of the latest published catalog (none: zero).
  core::CaseDeadlines catalog_deadlines(pqxx::work& w) {
    auto r = w.exec(
        "SELECT record, gseq, at_ms FROM reference_change WHERE type = 'catalog' ORDER BY gseq "
        "DESC LIMIT 1");
    std::optional<ReferenceRecord> latest;
    if (!r.empty()) {
      latest = ReferenceRecord{"catalog", r[0][0].as<std::string>(), r[0][1].as<std::int64_t>(),
                               r[0][2].as<std::int64_t>()};
    }
    return deadlines_.get(latest);
  }

  // A catalog going from the deadlines `before` to `after` is being published in the caller's
  // transaction: the rows and units of the cases whose deadlines it can move are made again
  // with `after` (projection::catalog_change), so they equal a rebuild's.
  Status rederive_deadlines(pqxx::work& w, const core::CaseDeadlines& before,
                            const core::CaseDeadlines& after) {
    const projection::CatalogChange change = projection::catalog_change(before, after);
    if (!change.rederive) return Status::ok();
    std::vector<std::string> ids;
    for (const auto& row :
         w.exec_params("SELECT case_id FROM case_rows WHERE last_change_ms >= $1 ORDER BY case_id",
                       change.since_ms)) {
      ids.push_back(row[0].as<std::string>());
    }
    // A slice of cases at a time, so every case of a large district is not held at once.
    constexpr std::size_t kSlice = 5000;
    figure_tables::Touched figures;
    for (std::size_t from = 0; from < ids.size(); from += kSlice) {
      const std::vector<std::string> slice(
          ids.begin() + static_cast<std::ptrdiff_t>(from),
          ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), from + kSlice)));
      WEIMIN_TRY(project_cases(w, slice, figures, &after));
    }
    pg_figures::flush(w, figures);
    return Status::ok();
  }

  // Remakes the rows of `case_ids` from all their facts, in the caller's transaction, with
  // `deadlines` (null: the latest catalog's).
  Status project_cases(pqxx::work& w, const std::vector<std::string>& case_ids,
                       figure_tables::Touched& figures,
                       const core::CaseDeadlines* given = nullptr) {
    if (case_ids.empty()) return Status::ok();
    const core::CaseDeadlines deadlines = given ? *given : catalog_deadlines(w);
    auto r = w.exec_params(
        "SELECT payload, community, received_ms, subject FROM fact WHERE subject = "
        "ANY($1::text[]) AND kind LIKE 'case.%' ORDER BY subject, hlc, origin, id",
        pg::text_array(case_ids));
    std::vector<CaseRow> rows;
    std::vector<WhistleUnit> units;
    std::vector<GridCase> grids;
    std::string subject;
    std::vector<FactRecord> facts;
    auto project = [&] {
      if (facts.empty()) return;
      projection::Projected p = projection::project_facts_with_units(subject, facts, deadlines);
      rows.push_back(std::move(p.row));
      for (WhistleUnit& u : p.units) units.push_back(std::move(u));
      if (p.grid) grids.push_back(std::move(*p.grid));
    };
    for (const auto& row : r) {
      std::string next_subject = row[3].as<std::string>();
      if (next_subject != subject) {
        project();
        facts.clear();
        subject = std::move(next_subject);
      }
      WEIMIN_ASSIGN_OR_RETURN(auto f, fact_from_row(row));
      facts.push_back(std::move(f));
    }
    project();
    write_rows(w, rows, true);
    pg_figures::write_units(w, case_ids, units, grids, true, figures);
    return Status::ok();
  }

  // Writes `rows` (replacing the cases' rows when `replace`) with two COPYs.
  static void write_rows(pqxx::work& w, const std::vector<CaseRow>& rows, bool replace) {
    if (rows.empty()) return;
    if (replace) {
      std::vector<std::string> ids;
      for (const CaseRow& r : rows) ids.push_back(r.case_id);
      const std::string array = pg::text_array(ids);
      w.exec_params("DELETE FROM case_departments WHERE case_id = ANY($1::text[])", array);
      w.exec_params("DELETE FROM case_rows WHERE case_id = ANY($1::text[])", array);
    }
    {
      pqxx::stream_to st(
          w, "case_rows",
          std::vector<std::string>{
              "case_id",      "tracking_code",  "community",      "office",      "stage",
              "source",       "channel",        "level",          "kind",        "description",
              "collected_ms", "stage_since_ms", "last_change_ms", "next_due_ms", "open_conflicts",
              "reopen_count", "evaluation",     "departments",    "sent_back",   "detail_json",
              "grid"});
      for (const CaseRow& r : rows) {
        st << std::make_tuple(
            r.case_id, r.tracking_code, r.community, r.office, r.stage, r.source, r.channel,
            r.level, r.kind, r.description, r.collected_ms, r.stage_since_ms, r.last_change_ms,
            r.next_due_ms, r.open_conflicts, r.reopen_count, r.evaluation,
            projection::departments_to_json(r.departments), r.sent_back, r.detail_json, r.grid);
      }
      st.complete();
    }
    bool any_department = false;
    for (const CaseRow& r : rows) any_department = any_department || !r.departments.empty();
    if (!any_department) return;
    pqxx::stream_to st(
        w, "case_departments",
        std::vector<std::string>{"department", "case_id", "step", "report_due_ms", "reported_ms",
                                 "feedback_due_ms", "feedback_ms", "expected_ms", "due_ms",
                                 "next_due_ms", "last_change_ms"});
    for (const CaseRow& r : rows) {
      for (const CaseDepartmentRow& d : r.departments) {
        st << std::make_tuple(d.department, r.case_id, d.step, d.report_due_ms, d.reported_ms,
                              d.feedback_due_ms, d.feedback_ms, d.expected_ms,
                              projection::department_due_ms(d), r.next_due_ms, r.last_change_ms);
      }
    }
    st.complete();
  }

  // A row of projection::row_columns() (detail_json at column 20 when selected).
  static CaseRow case_row_from(const pqxx::row& row, bool with_detail) {
    CaseRow r;
    r.case_id = row[0].as<std::string>();
    r.tracking_code = row[1].as<std::string>();
    r.community = row[2].as<std::string>();
    r.office = row[3].as<std::string>();
    r.stage = row[4].as<std::string>();
    r.source = row[5].as<std::string>();
    r.channel = row[6].as<std::string>();
    r.level = row[7].as<std::string>();
    r.kind = row[8].as<std::string>();
    r.description = row[9].as<std::string>();
    r.collected_ms = row[10].as<std::int64_t>();
    r.stage_since_ms = row[11].as<std::int64_t>();
    r.last_change_ms = row[12].as<std::int64_t>();
    r.next_due_ms = row[13].as<std::int64_t>();
    r.open_conflicts = row[14].as<int>();
    r.reopen_count = row[15].as<int>();
    r.evaluation = row[16].as<std::string>();
    r.departments = projection::departments_from_json(row[17].as<std::string>());
    r.sent_back = row[18].as<bool>();
    r.grid = row[19].as<std::string>();
    if (with_detail) r.detail_json = row[20].as<std::string>();
    return r;
  }

  static StationRecord station_from_row(const pqxx::row& row) {
    pqxx::binarystring key(row[2]);
    StationRecord st{row[0].as<std::string>(), row[1].as<std::string>(), key.str(),
                     row[3].as<std::int64_t>()};
    if (!row[4].is_null()) st.skew_ms = row[4].as<std::int64_t>();
    st.skew_at_ms = row[5].as<std::int64_t>();
    if (!row[6].is_null()) st.revoked_ms = row[6].as<std::int64_t>();
    if (!row[7].is_null()) st.version = row[7].as<std::string>();
    if (!row[8].is_null()) st.waiting = row[8].as<std::int64_t>();
    st.last_sync_ms = row[9].as<std::int64_t>();
    st.last_seen_ms = row[10].as<std::int64_t>();
    return st;
  }

  // Inserts the facts whose ids the store does not hold yet (and the first of repeats within
  // the list), numbering them with the next gseqs under the counter's lock, which is held
  // until the caller's transaction commits. received_ms: the push's time, or each record's own.
  // The subjects of the new case facts are added to `touched` (each once).
  Result<std::int64_t> insert_facts(pqxx::work& w, const std::vector<const FactRecord*>& facts,
                                    std::optional<std::int64_t> received_ms,
                                    std::vector<std::string>* touched,
                                    std::vector<const FactRecord*>* fresh = nullptr,
                                    std::int64_t* first_gseq = nullptr,
                                    HeldCheck check = HeldCheck::UnderLock) {
    if (facts.empty()) return std::int64_t{0};
    std::vector<std::string> ids;
    ids.reserve(facts.size());
    for (const auto* f : facts) ids.push_back(f->fact.id);
    std::unordered_set<std::string> held;
    auto read_held = [&] {
      for (const auto& row :
           w.exec_params("SELECT id FROM fact WHERE id = ANY($1::text[])", pg::text_array(ids))) {
        held.insert(row[0].as<std::string>());
      }
    };
    if (check == HeldCheck::BeforeLock) read_held();
    const std::int64_t head =
        w.exec("SELECT n FROM change_counter FOR UPDATE")[0][0].as<std::int64_t>();
    if (check == HeldCheck::UnderLock) read_held();
    std::int64_t gseq = head;
    std::unordered_set<std::string> subjects(touched->begin(), touched->end());
    {
      pqxx::stream_to st(
          w, "fact",
          std::vector<std::string>{"id", "gseq", "community", "day", "kind", "subject", "origin",
                                   "hlc", "received_ms", "payload"});
      for (const auto* f : facts) {
        if (!held.insert(f->fact.id).second) continue;
        if (fresh) fresh->push_back(f);
        if (f->fact.kind.starts_with("case.") && subjects.insert(f->fact.subject).second) {
          touched->push_back(f->fact.subject);
        }
        ++gseq;
        st << std::make_tuple(f->fact.id, gseq, f->community, f->fact.day, f->fact.kind,
                              f->fact.subject, f->fact.origin, f->fact.hlc,
                              received_ms.value_or(f->received_ms), record_text(*f));
      }
      st.complete();
    }
    if (gseq != head) {
      w.exec_params("UPDATE change_counter SET n = $1", gseq);
    }
    if (first_gseq) *first_gseq = head + 1;
    return gseq - head;
  }

  Result<std::vector<FactRecord>> select_facts(std::string_view what, const char* column,
                                               const std::string& value) {
    std::vector<FactRecord> out;
    WEIMIN_TRY(pool_->transact(what, [&](pqxx::work& w) {
      out.clear();
      auto r =
          w.exec_params(std::string("SELECT payload, community, received_ms FROM fact WHERE ") +
                            column + " = $1 ORDER BY hlc, origin, id",
                        value);
      for (const auto& row : r) {
        WEIMIN_ASSIGN_OR_RETURN(auto f, fact_from_row(row));
        out.push_back(std::move(f));
      }
      return Status::ok();
    }));
    return out;
  }

  std::unique_ptr<ConnectionPool> pool_;
  std::string district_;
  std::atomic<std::int64_t> last_nonce_sweep_ms_{0};
  projection::DeadlineCache deadlines_;  // the case projection's
};

}  // namespace

bool is_postgres_url(std::string_view store) {
  return store.starts_with("postgresql://") || store.starts_with("postgres://");
}

Result<std::unique_ptr<DistrictStore>> open_pg_store(std::string_view url,
                                                     const PgStoreOptions& options) {
  WEIMIN_ASSIGN_OR_RETURN(auto parsed, pg::parse_store_url(url));
  WEIMIN_ASSIGN_OR_RETURN(auto pool, ConnectionPool::open(parsed, options.max_connections));
  {
    WEIMIN_ASSIGN_OR_RETURN(auto lease, pool->acquire());
    WEIMIN_TRY(pg::migrate(*lease, parsed, options.now_ms));
  }
  std::string district;
  WEIMIN_TRY(pool->transact("recording the district", [&](pqxx::work& w) {
    w.exec("SELECT pg_advisory_xact_lock(7003, hashtext(current_schema()))");
    auto r = w.exec("SELECT value FROM meta WHERE key = 'district'");
    if (r.empty()) {
      if (options.district.empty()) {
        return Status(ErrorCode::Invalid, "PostgreSQL store " + parsed.shown +
                                              " is new and no district was given: pass the "
                                              "district code (e.g. --district 530102)");
      }
      w.exec_params("INSERT INTO meta (key, value) VALUES ('district', $1)", options.district);
      district = options.district;
      return Status::ok();
    }
    district = r[0][0].as<std::string>();
    if (!options.district.empty() && options.district != district) {
      return Status(ErrorCode::Invalid, "PostgreSQL store " + parsed.shown + " serves district " +
                                            district + ", not " + options.district +
                                            ": check --store and --district");
    }
    return Status::ok();
  }));
  {
    WEIMIN_ASSIGN_OR_RETURN(auto lease, pool->acquire());
    WEIMIN_ASSIGN_OR_RETURN(auto check,
                            pg::check_epoch(*lease, parsed, random_epoch(options.now_ms)));
    if (!check.warning.empty())
      std::fprintf(stderr, "weimin-district: warning: %s\n", check.warning.c_str());
  }
  auto store = std::make_unique<PgStore>(std::move(pool), std::move(district));
  WEIMIN_TRY(store->fill_projection_if_missing());
  return std::unique_ptr<DistrictStore>(std::move(store));
}

Result<std::string> new_pg_epoch(std::string_view url, std::int64_t now_ms) {
  WEIMIN_ASSIGN_OR_RETURN(auto parsed, pg::parse_store_url(url));
  WEIMIN_ASSIGN_OR_RETURN(auto pool, ConnectionPool::open(parsed, 1));
  WEIMIN_ASSIGN_OR_RETURN(auto lease, pool->acquire());
  WEIMIN_TRY(pg::migrate(*lease, parsed, now_ms));
  const std::string epoch = random_epoch(now_ms);
  WEIMIN_TRY(pg::force_epoch(*lease, parsed, epoch));
  return epoch;
}

std::string pg_url_with_fresh_schema(std::string_view url, std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  if (sodium_init() < 0) std::abort();
  const std::string name = std::string(prefix) + "_" + std::to_string(randombytes_random()) + "_" +
                           std::to_string(counter.fetch_add(1));
  std::string out(url);
  out += (out.find('?') == std::string::npos ? "?" : "&");
  out += "schema=" + name;
  return out;
}

}  // namespace weimin::server
