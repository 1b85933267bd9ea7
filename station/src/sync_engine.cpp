#include "weimin/station/sync_engine.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <future>
#include <map>

#include "weimin/core/catalog.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/hlc.hpp"
#include "weimin/core/id.hpp"
#include "weimin/core/staff.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/storage/outbox.hpp"
#include "weimin/sync/protocol_auth.hpp"
#include "weimin/sync/protocol_digest.hpp"
#include "weimin/sync/transport_curl.hpp"

namespace weimin::station {
namespace {

using nlohmann::json;

std::string new_stream_id(std::int64_t now_ms) {
  core::UuidV7Generator ids(
      [](std::span<std::uint8_t> out) { randombytes_buf(out.data(), out.size()); });
  return ids.next(now_ms).to_string();
}

Result<std::string> meta_or_empty(storage::Database& db, std::string_view key) {
  WEIMIN_ASSIGN_OR_RETURN(auto value, storage::Meta::get(db, key));
  return value.value_or("");
}

// A fact row as the outbox payload Station::append writes.
json payload_of(const storage::FactRow& f) {
  return json{{"id", f.id},           {"kind", f.kind},
              {"subject", f.subject}, {"origin", f.origin},
              {"hlc", f.hlc},         {"wall_ms", f.wall_ms},
              {"day", f.day},         {"body", json::parse(f.body)}};
}

Status apply_roster(storage::Database& db, const json& roster, const std::string& community,
                    std::int64_t now_ms) {
  if (!roster.is_object() || !roster.contains("staff") || !roster["staff"].is_array()) {
    return Status(ErrorCode::Invalid, "the district's roster has no \"staff\" array");
  }
  WEIMIN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("INSERT OR REPLACE INTO staff (staff_no, name, role, pin_hash, active, "
                            "updated_ms, grids) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  for (const json& s : roster["staff"]) {
    if (!s.is_object()) continue;
    if (s.contains("community") && s["community"].is_string() &&
        s["community"].get<std::string>() != community) {
      continue;  // another community's staff
    }
    const std::string no = s.value("staff_no", "");
    const std::string name = s.value("name", "");
    const std::string role = s.value("role", "");
    const std::string pin_hash = s.value("pin_hash", "");
    if (no.empty() || name.empty() || pin_hash.empty() || !core::parse_role(role).is_ok()) {
      continue;  // an entry this station cannot use; the rest still apply
    }
    // A grid worker's grids (网格): codes of this community's grids; others are left out.
    std::vector<std::string> grids;
    if (s.contains("grids") && s["grids"].is_array()) {
      for (const json& g : s["grids"]) {
        if (g.is_string() && g.get<std::string>().rfind(community, 0) == 0 &&
            g.get<std::string>().find(',') == std::string::npos) {
          grids.push_back(g.get<std::string>());
        }
      }
    }
    stmt.reset();
    WEIMIN_TRY(stmt.bind(1, no)
                   .bind(2, name)
                   .bind(3, role)
                   .bind(4, pin_hash)
                   .bind(5, s.value("active", true) ? 1 : 0)
                   .bind(6, now_ms)
                   .bind(7, join_grids(grids))
                   .run());
  }
  return Status::ok();
}

}  // namespace

// [SECTION] Enrolment

Result<sync::EnrollResponse> enroll_station(Station& station, sync::Transport& transport,
                                            const EnrollOptions& options) {
  if (sodium_init() < 0) return Status(ErrorCode::Internal, "libsodium failed to initialise");
  WEIMIN_ASSIGN_OR_RETURN(SyncState state, load_sync_state(station.db()));
  sync::StationKeyPair key = sync::generate_station_key();
  // The secret half moves into a wiped buffer at once; the string it came in is wiped.
  SecretBuffer secret = SecretBuffer::copy_of(key.secret_key);
  wipe(key.secret_key);
  sync::SyncClient client(transport, [&station] { return station.now_ms(); });
  sync::EnrollRequest request;
  request.token = options.token;
  request.community = station.community();
  request.public_key = sync::base64_encode(key.public_key);
  WEIMIN_ASSIGN_OR_RETURN(sync::EnrollResponse enrolled, client.enroll(request));
  if (enrolled.community != station.community()) {
    return Status(ErrorCode::Rejected, "the district enrolled community " + enrolled.community +
                                           " but this station is " + station.community() +
                                           "; ask for a token of this community");
  }
  WEIMIN_TRY(station.transact([&]() -> Status {
    auto& db = station.db();
    WEIMIN_TRY(storage::Meta::set(db, kMetaServer, options.server));
    WEIMIN_TRY(storage::Meta::set(db, kMetaCaPem, options.ca_pem));
    std::string secret_b64 = sync::base64_encode(secret.view());
    Status stored = storage::Meta::set(db, kMetaSigningKey, secret_b64);
    wipe(secret_b64);
    WEIMIN_TRY(stored);
    WEIMIN_TRY(storage::Meta::set(db, kMetaLastError, ""));
    WEIMIN_TRY(save_enrolment(db, enrolled.station_id, enrolled.epoch, station.now_ms()));
    WEIMIN_ASSIGN_OR_RETURN(storage::OutboxStats outbox, storage::Outbox::stats(db));
    // Everything not yet acknowledged goes out on the new stream. A re-enrolled station (a
    // replaced key) also replays its own facts, as the district may know it under an old stream.
    if (!state.station_id.empty()) {
      WEIMIN_TRY(start_stream(db,
                              {new_stream_id(station.now_ms()), outbox.last_seq, enrolled.epoch},
                              station.now_ms()));
      WEIMIN_ASSIGN_OR_RETURN(
          auto stmt, db.prepare("SELECT id FROM facts WHERE origin = ?1 ORDER BY hlc, id"));
      stmt.bind(1, station.origin());
      std::vector<std::string> ids;
      while (true) {
        WEIMIN_ASSIGN_OR_RETURN(bool row, stmt.step());
        if (!row) break;
        ids.push_back(stmt.column_text(0));
      }
      for (const auto& id : ids) {
        WEIMIN_ASSIGN_OR_RETURN(auto fact, storage::Facts::find(db, id));
        if (!fact) continue;
        WEIMIN_TRY(storage::Outbox::append(db, "fact", payload_of(*fact).dump(), station.now_ms()));
      }
      return Status::ok();
    }
    return start_stream(db, {new_stream_id(station.now_ms()), outbox.acked_seq, enrolled.epoch},
                        station.now_ms());
  }));
  // The first pull asks for this station's own facts too (a replaced kiosk gets back what the
  // old one made), unless the district has never had a push from this station id. Asked with
  // the new key; when the question fails, the own facts are asked for (the safe side).
  client.set_identity({enrolled.station_id, std::move(secret)});
  auto known = client.status();
  if (known.is_ok() && known->streams.empty()) {
    WEIMIN_TRY(station.transact([&]() { return own_facts_held(station.db()); }));
  }
  return enrolled;
}

// [SECTION] Clocks

namespace {

Result<bool> record_district_clock_in_transaction(Station& station, std::int64_t offset_ms) {
  auto& db = station.db();
  const std::int64_t now = station.now_ms();
  WEIMIN_TRY(save_clock_offset(db, {offset_ms, now}));
  // A clock that ran ahead left the HLC there: new stamps would sort after a department's
  // genuine later steps. Set it back to the district's time; steps on subjects stamped by the
  // old clock still order after them (Station::stamp_after).
  const std::int64_t district_now = now + offset_ms;
  WEIMIN_ASSIGN_OR_RETURN(auto stored, storage::Meta::get(db, "hlc"));
  if (!stored || district_now <= 0) return false;
  const auto hlc = core::HlcTimestamp::unpack(std::stoull(*stored));
  if (hlc.wall_ms - district_now <= kClockToleranceMs) return false;
  WEIMIN_TRY(
      storage::Meta::set(db, "hlc", std::to_string(core::HlcTimestamp{district_now, 0}.pack())));
  return true;
}

}  // namespace

Status record_district_clock(Station& station, std::int64_t offset_ms) {
  return station.transact(
      [&]() { return record_district_clock_in_transaction(station, offset_ms).status(); });
}

Result<std::unique_ptr<sync::Transport>> district_transport(Station& station) {
  WEIMIN_ASSIGN_OR_RETURN(std::string server, meta_or_empty(station.db(), kMetaServer));
  if (server.empty()) {
    return Status(ErrorCode::NotFound,
                  "this station is not enrolled with a district yet; run: weimin enroll --server "
                  "URL --token TOKEN --ca FILE");
  }
  WEIMIN_ASSIGN_OR_RETURN(std::string ca, meta_or_empty(station.db(), kMetaCaPem));
  sync::CurlOptions options;
  options.base_url = server;
  options.ca_pem = ca;
  WEIMIN_ASSIGN_OR_RETURN(auto transport, sync::CurlTransport::make(options));
  return std::unique_ptr<sync::Transport>(std::move(transport));
}

// [SECTION] Reports

json SyncReport::to_json() const {
  return json{{"pushed", pushed},
              {"push_duplicates", push_duplicates},
              {"push_rejected", push_rejected},
              {"push_pages", push_pages},
              {"resent_pages", resent_pages},
              {"pulled", pulled},
              {"pulled_new", pulled_new},
              {"pull_pages", pull_pages},
              {"catalog_updates", catalog_updates},
              {"roster_updates", roster_updates},
              {"epoch_changed", epoch_changed},
              {"replayed", replayed},
              {"digest_mismatches", digest_mismatches},
              {"digest_mismatches_after_repair", digest_mismatches_after_repair},
              {"clock_offset_ms", clock_offset_ms},
              {"clock_off", clock_is_off(clock_offset_ms)},
              {"clock_hlc_set_back", clock_hlc_set_back},
              {"refilled_from_schema", refilled_from_schema},
              {"completed_bodies", completed_bodies},
              {"left_out", left_out},
              {"trimmed", trimmed}};
}

std::string SyncReport::summary() const {
  std::string s = "pushed " + std::to_string(pushed) + " facts";
  if (push_duplicates) s += " (" + std::to_string(push_duplicates) + " already there)";
  if (push_rejected) s += ", " + std::to_string(push_rejected) + " refused by the district";
  s += "; pulled " + std::to_string(pulled) + " changes (" + std::to_string(pulled_new) +
       " new facts";
  if (catalog_updates) s += ", a new catalog";
  if (roster_updates) s += ", a new staff roster";
  s += ")";
  if (epoch_changed) {
    s += "; the district was restored from a backup: " + std::to_string(replayed) +
         " of this station's facts sent again";
  } else if (replayed) {
    s += "; " + std::to_string(replayed) + " facts sent again";
  }
  if (refilled_from_schema > 0) {
    s += "; pulled again from the start, as this station's earlier release (protocol schema " +
         std::to_string(refilled_from_schema) + ") was sent only what it knew";
    if (completed_bodies) s += " (" + std::to_string(completed_bodies) + " facts completed)";
  }
  if (left_out > 0 || trimmed > 0) {
    s += "; the district left out " + std::to_string(left_out) + " facts (and fields of " +
         std::to_string(trimmed) +
         ") this station's release does not know: upgrade this station to the district's "
         "release; its next sync then fetches them";
  }
  if (!digest_mismatches.empty()) {
    s += "; digests differed on " + std::to_string(digest_mismatches.size()) + " days, repaired";
    if (digest_mismatches_after_repair) {
      s += " (" + std::to_string(digest_mismatches_after_repair) + " still differ)";
    }
  }
  if (clock_is_off(clock_offset_ms)) {
    s += "; the station's clock is off by " +
         std::to_string((std::abs(clock_offset_ms) + 30'000) / 60'000) + " minutes, " +
         (clock_offset_ms < 0 ? "ahead of" : "behind") + " the district's — set it";
  }
  return s;
}

// [SECTION] A sync run

SyncEngine::SyncEngine(Station& station, sync::Transport& transport)
    : station_(station), client_(transport, [&station] { return station.now_ms(); }) {
  // Each signed request tells the district how many facts still wait here (X-Weimin-Waiting).
  client_.set_waiting_count([this]() -> std::optional<std::int64_t> {
    if (const std::int64_t hint = waiting_hint_; hint >= 0) return hint;
    auto stats = storage::Outbox::stats(station_.db());
    if (!stats.is_ok()) return std::nullopt;
    return stats->pending();
  });
}

Status SyncEngine::load_identity() {
  WEIMIN_ASSIGN_OR_RETURN(SyncState state, load_sync_state(station_.db()));
  if (state.station_id.empty()) {
    return Status(ErrorCode::NotFound,
                  "this station is not enrolled with a district yet; run: weimin enroll --server "
                  "URL --token TOKEN --ca FILE");
  }
  WEIMIN_ASSIGN_OR_RETURN(std::string key_b64, meta_or_empty(station_.db(), kMetaSigningKey));
  auto decoded = sync::base64_decode(key_b64);
  wipe(key_b64);
  if (!decoded.is_ok()) return decoded.status();
  SecretBuffer key = SecretBuffer::copy_of(*decoded);
  wipe(*decoded);
  if (key.size() != crypto_sign_SECRETKEYBYTES) {
    return Status(ErrorCode::Corrupt, "the station's signing key is damaged; enrol again");
  }
  station_id_ = state.station_id;
  client_.set_identity({state.station_id, std::move(key)});
  return Status::ok();
}

Result<SyncReport> SyncEngine::run(const SyncOptions& options) {
  SyncReport report;
  Status outcome = run_inner(options, report);
  report.clock_offset_ms = client_.clock_offset_ms();
  if (client_.clock_known()) {
    WEIMIN_ASSIGN_OR_RETURN(report.clock_hlc_set_back, record_clock());
  }
  WEIMIN_TRY(record_outcome(outcome));
  if (!outcome.is_ok()) return outcome;
  return report;
}

Result<bool> SyncEngine::record_clock() {
  bool set_back = false;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(
        set_back, record_district_clock_in_transaction(station_, client_.clock_offset_ms()));
    return Status::ok();
  }));
  return set_back;
}

Status SyncEngine::record_outcome(const Status& outcome) {
  // The run is over: its progress is no longer shown (an empty record reads as none).
  WEIMIN_TRY(storage::Meta::set(station_.db(), kMetaProgress, ""));
  if (outcome.is_ok()) {
    return station_.transact([&]() -> Status {
      WEIMIN_TRY(storage::Meta::set(station_.db(), kMetaLastOk, std::to_string(station_.now_ms())));
      return storage::Meta::set(station_.db(), kMetaLastError, "");
    });
  }
  if (outcome.code() == ErrorCode::NotFound) return Status::ok();  // not enrolled: nothing to say
  return station_.transact(
      [&]() { return storage::Meta::set(station_.db(), kMetaLastError, outcome.message()); });
}

Status SyncEngine::run_inner(const SyncOptions& options, SyncReport& report) {
  WEIMIN_TRY(load_identity());
  WEIMIN_TRY(push_all(options, report));
  WEIMIN_TRY(pull_all(options, report));
  if (report.epoch_changed) WEIMIN_TRY(push_all(options, report));
  if (options.anti_entropy) WEIMIN_TRY(anti_entropy(options, report));
  return Status::ok();
}

Status SyncEngine::record_progress(const SyncProgress& progress, const SyncOptions& options) {
  if (options.on_progress) options.on_progress(progress);
  return storage::Meta::set(station_.db(), kMetaProgress, progress_text(progress));
}

// The next page of the outbox after `after`, as the request that sends it (empty: nothing left).
Result<SyncEngine::PushPage> SyncEngine::read_push_page(const PushStream& stream,
                                                        std::int64_t after,
                                                        const SyncOptions& options) {
  WEIMIN_ASSIGN_OR_RETURN(auto entries,
                          storage::Outbox::read(station_.db(), after, options.push_page_count,
                                                options.push_page_bytes));
  PushPage page;
  if (entries.empty()) return page;
  page.first = entries.front().seq;
  page.last = entries.back().seq;
  // The outbox holds each payload's JSON text: it goes into the body as it is.
  page.request.station_id = station_id_;
  page.request.stream = stream.stream;
  page.request.base_seq = stream.base_seq;
  page.request.entries.reserve(entries.size());
  for (auto& e : entries) page.request.entries.push_back({e.seq, e.topic, std::move(e.payload)});
  return page;
}

// Forgets the outbox up to `through` (the district applied it) and records how far the run is,
// in one commit.
Status SyncEngine::acknowledge(std::int64_t through, const SyncProgress& progress,
                               const SyncOptions& options) {
  auto& db = station_.db();
  WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db.begin());
  WEIMIN_TRY(storage::Outbox::acknowledge_in_transaction(db, through));
  WEIMIN_TRY(storage::Meta::set(db, kMetaProgress, progress_text(progress)));
  WEIMIN_TRY(tx.commit());
  if (options.on_progress) options.on_progress(progress);
  return Status::ok();
}

// Pushes the outbox in pages over a window of two: while the district works on one page, this
// thread commits the acknowledgement of the page before and reads the next one. A page is sent
// only after the district took the one before it, so the district still sees one stream in
// order. After a cut the page before is acknowledged all the same, so only the page in flight
// is sent again; a crash can also lose that acknowledgement, and then both pages are sent
// again. The district skips what its stream already holds.
Status SyncEngine::push_all(const SyncOptions& options, SyncReport& report) {
  auto& db = station_.db();
  bool replayed_after_gap = false;
  // What this run has sent and has to send, recorded after every page for `weimin sync status`
  // and the status bar (kMetaProgress); a station back after a month offline sends 300 pages.
  SyncProgress progress;
  // While a push is in flight the signed requests' X-Weimin-Waiting comes from here, not from
  // the database this thread is using.
  struct HintReset {
    std::atomic<std::int64_t>& hint;
    ~HintReset() { hint = -1; }
  } reset_hint{waiting_hint_};
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(PushStream stream, current_stream(db));
    WEIMIN_ASSIGN_OR_RETURN(storage::OutboxStats stats, storage::Outbox::stats(db));
    if (stats.acked_seq < stream.base_seq) {
      // The entries before the stream's start were replayed into it (a crash came between).
      WEIMIN_TRY(storage::Outbox::acknowledge(db, stream.base_seq));
      continue;
    }
    WEIMIN_ASSIGN_OR_RETURN(PushPage page, read_push_page(stream, stats.acked_seq, options));
    if (page.empty()) return Status::ok();
    progress.total = std::max(progress.total, progress.sent + stats.pending());
    if (progress.at_ms == 0) {
      progress.at_ms = station_.now_ms();
      WEIMIN_TRY(record_progress(progress, options));
    }
    std::optional<std::int64_t> unacknowledged;  // taken by the district, not yet committed here
    bool reread = false;
    while (!page.empty() && !reread) {
      // What waits before this push, its own page included.
      waiting_hint_ = std::max<std::int64_t>(0, stats.last_seq - (page.first - 1));
      std::future<Result<sync::PushOutcome>> in_flight =
          std::async(std::launch::async, [this, &page] { return client_.push(page.request); });
      // Meanwhile: the acknowledgement of the page before, and the next page.
      Status meanwhile = Status::ok();
      if (unacknowledged) {
        meanwhile = acknowledge(*unacknowledged, progress, options);
        unacknowledged.reset();
      }
      PushPage next;
      if (meanwhile.is_ok()) {
        auto read = storage::Outbox::stats(db);
        if (read.is_ok()) stats.last_seq = read->last_seq;  // appended since
        auto more = read.is_ok() ? read_push_page(stream, page.last, options)
                                 : Result<PushPage>(read.status());
        if (more.is_ok()) {
          next = std::move(more).value();
        } else {
          meanwhile = more.status();
        }
      }
      Result<sync::PushOutcome> answered = in_flight.get();
      WEIMIN_TRY(meanwhile);
      if (!answered.is_ok()) return answered.status();
      const sync::PushOutcome& outcome = *answered;
      ++report.push_pages;
      if (outcome.gap) {
        // The district has less of this stream than was acknowledged here (it lost it): send
        // every fact of this station again on a new stream.
        if (replayed_after_gap) {
          return Status(ErrorCode::Rejected, "the district keeps answering 'gap' (expects seq " +
                                                 std::to_string(outcome.expected_seq) +
                                                 ") on a fresh stream");
        }
        replayed_after_gap = true;
        WEIMIN_TRY(replay_own_facts(stream.epoch, report));
        reread = true;
        continue;
      }
      const sync::PushResponse& r = outcome.response;
      report.pushed += r.applied;
      report.push_duplicates += r.duplicates;
      report.push_rejected += static_cast<std::int64_t>(r.rejected.size());
      const auto counted = r.applied + r.duplicates + static_cast<std::int64_t>(r.rejected.size());
      if (counted < static_cast<std::int64_t>(page.request.entries.size())) ++report.resent_pages;
      if (r.applied_through < page.first) {
        return Status(ErrorCode::Unavailable,
                      "the district applied stream " + stream.stream + " only through " +
                          std::to_string(r.applied_through) + " after a push of " +
                          std::to_string(page.first) + ".." + std::to_string(page.last));
      }
      const std::int64_t through = std::min(r.applied_through, page.last);
      progress.sent += std::max<std::int64_t>(0, through - page.first + 1);
      progress.total = std::max(progress.total, progress.sent + stats.last_seq - through);
      progress.sent = std::min(progress.sent, progress.total);
      progress.at_ms = station_.now_ms();
      if (through < page.last) {
        // The district took only part of the page: acknowledge that, and read on from there.
        WEIMIN_TRY(acknowledge(through, progress, options));
        reread = true;
        continue;
      }
      unacknowledged = through;
      page = std::move(next);
    }
    if (unacknowledged) WEIMIN_TRY(acknowledge(*unacknowledged, progress, options));
  }
}

Status SyncEngine::pull_all(const SyncOptions& options, SyncReport& report) {
  bool rebootstrapped = false;
  {
    // Upgraded from a release of an older protocol schema: the district left out of its pages
    // what that schema did not know, and its cursor moved past it. Pull again from the start.
    WEIMIN_ASSIGN_OR_RETURN(SyncState state, load_sync_state(station_.db()));
    if (state.pull_schema < options.schema) {
      if (state.pull_after > 0) report.refilled_from_schema = state.pull_schema;
      WEIMIN_TRY(station_.transact([&]() {
        return start_schema_refill(station_.db(), state, options.schema, station_.now_ms());
      }));
    }
  }
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(SyncState state, load_sync_state(station_.db()));
    sync::PullRequest request{state.pull_after, state.epoch, options.pull_limit, state.pull_own,
                              options.schema};
    WEIMIN_ASSIGN_OR_RETURN(sync::PullOutcome outcome, client_.pull(request));
    if (outcome.epoch_changed) {
      if (rebootstrapped || outcome.new_epoch.empty()) {
        return Status(ErrorCode::Unavailable,
                      "the district's epoch changed again during this sync; retrying later");
      }
      rebootstrapped = true;
      WEIMIN_TRY(rebootstrap(outcome.new_epoch, report));
      continue;
    }
    ++report.pull_pages;
    const sync::PullResponse& page = outcome.page;
    const bool fits = (state.epoch.empty() || page.epoch == state.epoch) &&
                      page.next_after >= state.pull_after &&
                      std::all_of(page.changes.begin(), page.changes.end(),
                                  [&](const sync::Change& c) { return c.gseq > state.pull_after; });
    if (!fits) {
      return Status(ErrorCode::Unavailable, "the district's answer does not fit the pull after " +
                                                std::to_string(state.pull_after) +
                                                " (a stale or mixed-up page); retrying");
    }
    WEIMIN_TRY(apply_page(page, state.refill_until, report));
    if (!outcome.page.more) return Status::ok();
    if (outcome.page.next_after <= state.pull_after) {
      return Status(ErrorCode::Rejected, "the district's pull cursor did not move past " +
                                             std::to_string(state.pull_after));
    }
  }
}

Status SyncEngine::apply_page(const sync::PullResponse& page, std::int64_t refill_until,
                              SyncReport& report) {
  auto& db = station_.db();
  report.left_out += page.left_out.value_or(0);
  report.trimmed += page.trimmed.value_or(0);
  return station_.transact([&]() -> Status {
    core::HlcClock hlc;
    WEIMIN_ASSIGN_OR_RETURN(auto stored_hlc, storage::Meta::get(db, "hlc"));
    if (stored_hlc) hlc.restore(core::HlcTimestamp::unpack(std::stoull(*stored_hlc)));
    const auto before = hlc.last();
    for (const sync::Change& change : page.changes) {
      ++report.pulled;
      if (change.type == "fact") {
        auto fact = sync::parse_fact_payload(change.record, "$.record");
        if (!fact.is_ok()) continue;  // the district checked it; an odd record is skipped
        storage::FactRow row{fact->id,      fact->kind, fact->subject,     fact->origin, fact->hlc,
                             fact->wall_ms, fact->day,  fact->body.dump(), std::nullopt};
        WEIMIN_ASSIGN_OR_RETURN(bool inserted, storage::Facts::insert(db, row));
        if (!inserted && refill_until > 0) {
          // Held already, maybe as the copy a page of the older schema cut down — whatever its
          // origin: a handheld enrolled under this station's id makes facts of its origin too.
          // The district never cuts a page of the station's own schema, so its body is whole.
          WEIMIN_ASSIGN_OR_RETURN(bool completed,
                                  storage::Facts::complete_body(db, row.id, row.origin, row.body));
          if (completed) ++report.completed_bodies;
        }
        if (inserted) {
          ++report.pulled_new;
          // Later local facts order after what was learnt, unless that clock is far ahead.
          (void)hlc.observe(core::HlcTimestamp::unpack(static_cast<std::uint64_t>(fact->hlc)),
                            station_.hlc_physical_ms());
        }
      } else if (change.type == "catalog") {
        const std::string text = change.record.dump();
        if (core::parse_catalog(text, "the district's catalog").is_ok()) {
          WEIMIN_TRY(storage::Meta::set(db, "catalog", text));
          ++report.catalog_updates;
        }
      } else if (change.type == "roster") {
        if (apply_roster(db, change.record, station_.community(), station_.now_ms()).is_ok()) {
          ++report.roster_updates;
        }
      }
    }
    if (before < hlc.last()) {
      WEIMIN_TRY(storage::Meta::set(db, "hlc", std::to_string(hlc.last().pack())));
    }
    WEIMIN_TRY(save_cursor(db, page.epoch, page.next_after, station_.now_ms()));
    if (const std::int64_t n = page.left_out.value_or(0) + page.trimmed.value_or(0); n > 0) {
      // Kept for `weimin sync status` until an upgraded release pulls again (sync_state.hpp).
      WEIMIN_ASSIGN_OR_RETURN(auto held, storage::Meta::get(db, kMetaLeftOut));
      std::int64_t sum = n;
      if (held && !held->empty()) sum += std::strtoll(held->c_str(), nullptr, 10);
      WEIMIN_TRY(storage::Meta::set(db, kMetaLeftOut, std::to_string(sum)));
    }
    if (refill_until > 0 && (!page.more || page.next_after >= refill_until)) {
      WEIMIN_TRY(end_schema_refill(db));
    }
    return page.more ? Status::ok() : own_facts_held(db);
  });
}

Status SyncEngine::replay_own_facts(const std::string& epoch, SyncReport& report) {
  auto& db = station_.db();
  std::int64_t base = 0;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(storage::OutboxStats stats, storage::Outbox::stats(db));
    base = stats.last_seq;
    WEIMIN_TRY(
        start_stream(db, {new_stream_id(station_.now_ms()), base, epoch}, station_.now_ms()));
    WEIMIN_ASSIGN_OR_RETURN(
        auto stmt,
        db.prepare("SELECT id, kind, subject, origin, hlc, wall_ms, day, body FROM facts "
                   "WHERE origin = ?1 ORDER BY hlc, id"));
    stmt.bind(1, station_.origin());
    while (true) {
      WEIMIN_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) break;
      storage::FactRow f{stmt.column_text(0), stmt.column_text(1),  stmt.column_text(2),
                         stmt.column_text(3), stmt.column_int64(4), stmt.column_int64(5),
                         stmt.column_text(6), stmt.column_text(7),  std::nullopt};
      WEIMIN_TRY(storage::Outbox::append(db, "fact", payload_of(f).dump(), station_.now_ms()));
      ++report.replayed;
    }
    return Status::ok();
  }));
  // The old stream's entries are all in the replay; a crash before this line is finished by
  // the next push (acked below the stream's base).
  return storage::Outbox::acknowledge(db, base);
}

Status SyncEngine::rebootstrap(const std::string& new_epoch, SyncReport& report) {
  report.epoch_changed = true;
  WEIMIN_TRY(station_.transact(
      [&]() { return save_cursor(station_.db(), new_epoch, 0, station_.now_ms()); }));
  return replay_own_facts(new_epoch, report);
}

// [SECTION] Anti-entropy

namespace {

Result<std::vector<sync::DayDigest>> local_digests(storage::Database& db, const std::string& from,
                                                   const std::string& to) {
  WEIMIN_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare("SELECT day, id FROM facts WHERE day >= ?1 AND day <= ?2 ORDER BY day, id"));
  stmt.bind(1, from).bind(2, to);
  std::vector<sync::DayDigest> out;
  std::optional<sync::DayDigestBuilder> builder;
  std::string day;
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    std::string d = stmt.column_text(0);
    if (!builder || d != day) {
      if (builder) out.push_back(builder->finish());
      day = d;
      builder.emplace("fact", day);
    }
    builder->add(stmt.column_text(1));
  }
  if (builder) out.push_back(builder->finish());
  return out;
}

std::vector<std::string> differing_days(const std::vector<sync::DayDigest>& local,
                                        const std::vector<sync::DayDigest>& remote) {
  std::map<std::string, std::pair<std::string, std::string>> by_day;
  for (const auto& d : local) by_day[d.day].first = d.hash;
  for (const auto& d : remote) by_day[d.day].second = d.hash;
  std::vector<std::string> out;
  for (const auto& [day, hashes] : by_day) {
    if (hashes.first != hashes.second) out.push_back(day);
  }
  return out;
}

}  // namespace

Status SyncEngine::anti_entropy(const SyncOptions& options, SyncReport& report) {
  auto& db = station_.db();
  WEIMIN_ASSIGN_OR_RETURN(storage::OutboxStats stats, storage::Outbox::stats(db));
  if (stats.pending() > 0) return Status::ok();  // compare only when everything was pushed
  const core::CivilDate today = core::local_date(station_.now_ms());
  const std::string to = core::CivilDate::from_days(today.days_since_epoch() + 1).to_string();
  const std::string from =
      core::CivilDate::from_days(today.days_since_epoch() - options.digest_days).to_string();
  WEIMIN_ASSIGN_OR_RETURN(auto remote, client_.digest({from, to, options.schema}));
  WEIMIN_ASSIGN_OR_RETURN(auto local, local_digests(db, from, to));
  report.digest_mismatches = differing_days(local, remote.digests);
  if (report.digest_mismatches.empty()) {
    return station_.transact([&]() {
      return storage::Meta::set(db, kMetaLastDigestMs, std::to_string(station_.now_ms()));
    });
  }
  // Repair: pull everything again (what the station misses) and send this station's facts
  // again (what the district misses); both sides ignore what they hold already.
  WEIMIN_ASSIGN_OR_RETURN(SyncState state, load_sync_state(db));
  WEIMIN_TRY(
      station_.transact([&]() { return save_cursor(db, state.epoch, 0, station_.now_ms()); }));
  WEIMIN_TRY(replay_own_facts(state.epoch, report));
  WEIMIN_TRY(push_all(options, report));
  WEIMIN_TRY(pull_all(options, report));
  WEIMIN_ASSIGN_OR_RETURN(auto remote_again, client_.digest({from, to, options.schema}));
  WEIMIN_ASSIGN_OR_RETURN(auto local_again, local_digests(db, from, to));
  report.digest_mismatches_after_repair =
      static_cast<std::int64_t>(differing_days(local_again, remote_again.digests).size());
  return station_.transact([&]() {
    return storage::Meta::set(db, kMetaLastDigestMs, std::to_string(station_.now_ms()));
  });
}

}  // namespace weimin::station
