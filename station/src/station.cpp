#include "weimin/station/station.hpp"

#include <sodium.h>

#include "weimin/core/civil_time.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/sync_state.hpp"
#include "weimin/storage/outbox.hpp"
#include "weimin/storage/station_schema.hpp"

namespace weimin::station {
namespace fs = std::filesystem;

namespace {

void random_bytes(std::span<std::uint8_t> out) { randombytes_buf(out.data(), out.size()); }

std::string fact_json(const storage::FactRow& f) {
  nlohmann::json j = {{"id", f.id},         {"kind", f.kind},       {"subject", f.subject},
                      {"origin", f.origin}, {"hlc", f.hlc},         {"wall_ms", f.wall_ms},
                      {"day", f.day},       {"body", nlohmann::json::parse(f.body)}};
  return j.dump();
}

Result<core::Catalog> load_catalog(storage::Database& db) {
  WEIMIN_ASSIGN_OR_RETURN(auto text, storage::Meta::get(db, "catalog"));
  if (!text) {
    return Status(ErrorCode::NotFound,
                  "this data folder holds no station yet. Set it up with: weimin --data DIR init "
                  "--community CODE --director NO");
  }
  return core::parse_catalog(*text, "the station's stored catalog");
}

}  // namespace

Station::Station(storage::KeyedStore store, const platform::Clock& clock, core::Catalog catalog,
                 std::string community)
    : store_(std::move(store)),
      clock_(clock),
      catalog_(std::move(catalog)),
      community_(std::move(community)),
      origin_("station:" + community_),
      ids_(random_bytes) {}

Station::~Station() = default;

Result<std::unique_ptr<Station>> Station::init(const fs::path& data_dir, platform::KeyStore& keys,
                                               const platform::Clock& clock,
                                               const InitOptions& options) {
  WEIMIN_ASSIGN_OR_RETURN(core::Catalog catalog,
                          core::parse_catalog(options.catalog_json, options.catalog_name));
  if (!catalog.community_by_code(options.community)) {
    return Status(ErrorCode::Invalid, "community '" + options.community + "' is not in " +
                                          options.catalog_name +
                                          "; use a 12-digit community code from it, e.g. " +
                                          (catalog.communities.empty()
                                               ? std::string("530102001001")
                                               : catalog.communities.front().code));
  }
  WEIMIN_TRY(check_pin_strength(options.director_pin));
  if (options.director_no.empty()) {
    return Status(ErrorCode::Invalid, "the first director needs a staff number (--director NO)");
  }
  if (sodium_init() < 0) return Status(ErrorCode::Internal, "libsodium failed to initialise");
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) {
    fs::create_directories(data_dir, ec);
    if (ec) {
      return Status(ErrorCode::ReadOnly, "cannot create the data folder '" + data_dir.string() +
                                             "': " + ec.message());
    }
  }
  WEIMIN_ASSIGN_OR_RETURN(SecretKey kek, keys.load_or_create());
  WEIMIN_ASSIGN_OR_RETURN(storage::KeyedStore store,
                          storage::KeyedStore::open(data_dir, kStoreName, kek));
  WEIMIN_TRY(storage::migrate(store.db(), storage::station_migrations(), clock.now_ms()));
  WEIMIN_ASSIGN_OR_RETURN(auto existing, storage::Meta::get(store.db(), "community"));
  if (existing) {
    return Status(ErrorCode::AlreadyExists,
                  "'" + data_dir.string() + "' already holds the station of community " +
                      *existing + ". Nothing was changed.");
  }
  std::unique_ptr<Station> station(
      new Station(std::move(store), clock, std::move(catalog), options.community));
  WEIMIN_TRY(station->transact([&]() -> Status {
    WEIMIN_TRY(storage::Meta::set(station->db(), "community", options.community));
    WEIMIN_TRY(storage::Meta::set(station->db(), "catalog", core::catalog_to_json(station->catalog_)));
    StaffDesk desk(*station);
    return desk.put_staff_in_transaction(
        StaffRecord{options.director_no, options.director_name, core::Role::Director, true},
        options.director_pin);
  }));
  return station;
}

Result<std::unique_ptr<Station>> Station::open(const fs::path& data_dir, platform::KeyStore& keys,
                                               const platform::Clock& clock) {
  std::error_code ec;
  if (!fs::exists(data_dir / kStoreName, ec)) {
    return Status(ErrorCode::NotFound,
                  "'" + data_dir.string() +
                      "' holds no station. Set one up with: weimin --data " + data_dir.string() +
                      " init --community CODE --director NO");
  }
  WEIMIN_ASSIGN_OR_RETURN(SecretKey kek, keys.load_or_create());
  storage::OpenOptions options;
  options.create = false;
  WEIMIN_ASSIGN_OR_RETURN(storage::KeyedStore store,
                          storage::KeyedStore::open(data_dir, kStoreName, kek, options));
  WEIMIN_TRY(storage::migrate(store.db(), storage::station_migrations(), clock.now_ms()));
  WEIMIN_ASSIGN_OR_RETURN(core::Catalog catalog, load_catalog(store.db()));
  WEIMIN_ASSIGN_OR_RETURN(auto community, storage::Meta::get(store.db(), "community"));
  if (!community) return Status(ErrorCode::Corrupt, "the station's community is not recorded");
  std::unique_ptr<Station> station(
      new Station(std::move(store), clock, std::move(catalog), *community));
  WEIMIN_TRY(station->load_clock());
  return station;
}

Status Station::load_clock() {
  // The stored clock is the largest stamp any process issued (each writes its own after its
  // stamps), unless a sync set it back (docs/SYNC.md, "Clocks"): taken as it is.
  WEIMIN_ASSIGN_OR_RETURN(auto stored, storage::Meta::get(db(), "hlc"));
  if (stored) hlc_.reset(core::HlcTimestamp::unpack(std::stoull(*stored)));
  WEIMIN_ASSIGN_OR_RETURN(auto offset, load_clock_offset(db()));
  // Only a fast clock is corrected: a stale offset (the clock was set right since) can then only
  // hold new stamps back on the logical counter, never push them ahead of this clock.
  clock_offset_ms_ = offset && offset->offset_ms < -kClockToleranceMs ? offset->offset_ms : 0;
  return Status::ok();
}

std::int64_t Station::hlc_physical_ms() const {
  return clock_.now_ms() + clock_offset_ms_;
}

std::string Station::today() const { return core::local_date(clock_.now_ms()).to_string(); }

Stamp Station::stamp() {
  const std::int64_t wall = clock_.now_ms();
  return Stamp{ids_.next(wall), hlc_.now(wall + clock_offset_ms_), wall,
               core::local_date(wall).to_string()};
}

Result<Stamp> Station::stamp_after(std::string_view subject) {
  WEIMIN_ASSIGN_OR_RETURN(auto stmt, db().prepare("SELECT MAX(hlc) FROM facts WHERE subject = ?1"));
  stmt.bind(1, subject);
  WEIMIN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row || stmt.column_optional_text(0) == std::nullopt) return stamp();
  const auto floor = core::HlcTimestamp::unpack(static_cast<std::uint64_t>(stmt.column_int64(0)));
  const std::int64_t wall = clock_.now_ms();
  return Stamp{ids_.next(wall), hlc_.now_after(floor, wall + clock_offset_ms_), wall,
               core::local_date(wall).to_string()};
}

Result<std::vector<storage::FactRow>> Station::append(std::span<const NewFact> facts) {
  if (!db().in_transaction()) {
    return Status(ErrorCode::Internal, "Station::append needs an open transaction");
  }
  std::vector<storage::FactRow> rows;
  for (const NewFact& f : facts) {
    const Stamp s = f.stamp ? *f.stamp : stamp();
    storage::FactRow row{s.id.to_string(),
                         f.kind,
                         f.subject,
                         origin_,
                         static_cast<std::int64_t>(s.hlc.pack()),
                         s.wall_ms,
                         s.day,
                         f.body.dump(),
                         std::nullopt};
    WEIMIN_ASSIGN_OR_RETURN(bool inserted, storage::Facts::insert(db(), row));
    if (!inserted) return Status(ErrorCode::Internal, "fact id " + row.id + " was used twice");
    WEIMIN_TRY(storage::Outbox::append(db(), "fact", fact_json(row), s.wall_ms));
    rows.push_back(std::move(row));
  }
  WEIMIN_TRY(storage::Meta::set(db(), "hlc", std::to_string(hlc_.last().pack())));
  return rows;
}

Status Station::transact(const std::function<Status()>& work) {
  WEIMIN_ASSIGN_OR_RETURN(storage::Transaction tx, db().begin());
  // Another process (the kiosk and a weimin command) may have written since: continue from
  // the largest timestamp stored, now that this transaction holds the write lock.
  WEIMIN_TRY(load_clock());
  WEIMIN_TRY(work());
  return tx.commit();
}

}  // namespace weimin::station
