#include "weimin/station/sync_state.hpp"

#include "weimin/storage/facts.hpp"
#include "weimin/sync/protocol.hpp"

#include <algorithm>
#include <string>

namespace weimin::station {

Result<SyncState> load_sync_state(storage::Database& db) {
  WEIMIN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("SELECT station_id, epoch, pull_after FROM sync_state WHERE id = 1"));
  WEIMIN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return Status(ErrorCode::Corrupt, "the station's sync state row is missing");
  SyncState state;
  state.station_id = stmt.column_optional_text(0).value_or("");
  state.epoch = stmt.column_optional_text(1).value_or("");
  state.pull_after = stmt.column_int64(2);
  WEIMIN_ASSIGN_OR_RETURN(auto own, storage::Meta::get(db, kMetaPullOwn));
  state.pull_own = own.value_or("") == "1";
  WEIMIN_ASSIGN_OR_RETURN(auto schema, storage::Meta::get(db, kMetaPullSchema));
  WEIMIN_ASSIGN_OR_RETURN(auto refill, storage::Meta::get(db, kMetaRefillUntil));
  try {
    if (schema && !schema->empty()) state.pull_schema = std::stoi(*schema);
    if (refill && !refill->empty()) state.refill_until = std::stoll(*refill);
  } catch (const std::exception&) {
    // A damaged record: take the cursor as moved under the oldest schema (a full pull again).
    state.pull_schema = 1;
  }
  return state;
}

Status save_enrolment(storage::Database& db, std::string_view station_id, std::string_view epoch,
                      std::int64_t now_ms) {
  WEIMIN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("UPDATE sync_state SET station_id = ?1, epoch = ?2, pull_after = 0, "
                            "updated_ms = ?3 WHERE id = 1"));
  WEIMIN_TRY(stmt.bind(1, station_id).bind(2, epoch).bind(3, now_ms).run());
  WEIMIN_TRY(storage::Meta::set(db, kMetaPullSchema, std::to_string(sync::kSchema)));
  return storage::Meta::set(db, kMetaPullOwn, "1");
}

Status start_schema_refill(storage::Database& db, const SyncState& state, int schema,
                           std::int64_t now_ms) {
  if (state.pull_after > 0) {
    WEIMIN_ASSIGN_OR_RETURN(
        auto stmt,
        db.prepare("UPDATE sync_state SET pull_after = 0, updated_ms = ?1 WHERE id = 1"));
    WEIMIN_TRY(stmt.bind(1, now_ms).run());
    const std::int64_t until = std::max(state.pull_after, state.refill_until);
    WEIMIN_TRY(storage::Meta::set(db, kMetaRefillUntil, std::to_string(until)));
    // What was left out may bear this station's own id: a handheld of the community enrolled
    // under it, or pages pulled with own=1 while the old release rebuilt.
    WEIMIN_TRY(storage::Meta::set(db, kMetaPullOwn, "1"));
  }
  WEIMIN_TRY(storage::Meta::set(db, kMetaLeftOut, ""));  // the refill fetches it
  return storage::Meta::set(db, kMetaPullSchema, std::to_string(schema));
}

Status end_schema_refill(storage::Database& db) {
  return storage::Meta::set(db, kMetaRefillUntil, "0");
}

Status save_cursor(storage::Database& db, std::string_view epoch, std::int64_t pull_after,
                   std::int64_t now_ms) {
  WEIMIN_ASSIGN_OR_RETURN(auto stmt,
                          db.prepare("UPDATE sync_state SET epoch = ?1, pull_after = ?2, "
                                     "updated_ms = ?3 WHERE id = 1"));
  WEIMIN_TRY(stmt.bind(1, epoch).bind(2, pull_after).bind(3, now_ms).run());
  if (pull_after == 0) return storage::Meta::set(db, kMetaPullOwn, "1");
  return Status::ok();
}

Status own_facts_held(storage::Database& db) {
  WEIMIN_ASSIGN_OR_RETURN(auto own, storage::Meta::get(db, kMetaPullOwn));
  if (own.value_or("") == "0") return Status::ok();
  return storage::Meta::set(db, kMetaPullOwn, "0");
}

Result<std::optional<ClockOffset>> load_clock_offset(storage::Database& db) {
  WEIMIN_ASSIGN_OR_RETURN(auto offset, storage::Meta::get(db, kMetaClockOffset));
  if (!offset || offset->empty()) return std::optional<ClockOffset>{};
  WEIMIN_ASSIGN_OR_RETURN(auto measured, storage::Meta::get(db, kMetaClockMeasured));
  ClockOffset out;
  try {
    out.offset_ms = std::stoll(*offset);
    out.measured_ms = measured && !measured->empty() ? std::stoll(*measured) : 0;
  } catch (const std::exception&) {
    return Status(ErrorCode::Corrupt, "the station's recorded clock offset '" + *offset +
                                          "' is not a number; the next sync measures it again");
  }
  return std::optional<ClockOffset>(out);
}

Status save_clock_offset(storage::Database& db, const ClockOffset& offset) {
  WEIMIN_TRY(storage::Meta::set(db, kMetaClockOffset, std::to_string(offset.offset_ms)));
  return storage::Meta::set(db, kMetaClockMeasured, std::to_string(offset.measured_ms));
}

Result<PushStream> current_stream(storage::Database& db) {
  WEIMIN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("SELECT stream, base_seq, epoch FROM sync_streams WHERE current = 1"));
  WEIMIN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) {
    return Status(ErrorCode::NotFound,
                  "this station has no push stream; enrol it with the district first (weimin "
                  "enroll --server URL --token T --ca FILE)");
  }
  return PushStream{stmt.column_text(0), stmt.column_int64(1),
                    stmt.column_optional_text(2).value_or("")};
}

Status start_stream(storage::Database& db, const PushStream& stream, std::int64_t now_ms) {
  WEIMIN_TRY(db.exec("UPDATE sync_streams SET current = 0 WHERE current = 1"));
  WEIMIN_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare("INSERT INTO sync_streams (stream, base_seq, epoch, started_ms, current) "
                 "VALUES (?1, ?2, ?3, ?4, 1)"));
  return stmt.bind(1, stream.stream)
      .bind(2, stream.base_seq)
      .bind(3, stream.epoch)
      .bind(4, now_ms)
      .run();
}

}  // namespace weimin::station
