// Station: the use cases of one community service station, each one transaction that writes
// its facts, their outbox entries and, for staff actions, an audit fact (DESIGN.md). The kiosk
// and the `weimin` command both work through this facade and nothing else.
// Thread-safety: one Station per thread; several processes may open the same data folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "weimin/core/case.hpp"
#include "weimin/core/catalog.hpp"
#include "weimin/core/hlc.hpp"
#include "weimin/core/id.hpp"
#include "weimin/core/result.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/storage/facts.hpp"
#include "weimin/storage/keyed_store.hpp"

namespace weimin::station {

// What `weimin init` needs to set a station up.
struct InitOptions {
  std::string community;     // 12-digit community code from the catalog
  std::string catalog_json;  // the district's catalog document
  std::string catalog_name;  // for error messages, e.g. "wuhua.json"
  std::string director_no;   // staff number of the first director
  std::string director_name;
  std::string director_pin;  // 6-12 digits
};

// Who and when a fact is: its id, the station's HLC, the wall clock and the local day.
struct Stamp {
  core::Uuid id;
  core::HlcTimestamp hlc;
  std::int64_t wall_ms = 0;
  std::string day;
};

// A fact to write. Without a stamp the station makes one when it writes the fact.
struct NewFact {
  std::string kind;
  std::string subject;
  nlohmann::json body;
  std::optional<Stamp> stamp;
};

class Station {
 public:
  // The name of the database file inside the data folder.
  static constexpr std::string_view kStoreName = "station.db";

  // Sets a new station up in data_dir (which must exist and hold no station yet): makes the
  // keys, the schema, stores the catalog and makes the first director. Refuses an unknown
  // community, a bad catalog or a weak PIN with Invalid; an initialised folder with
  // AlreadyExists.
  static Result<std::unique_ptr<Station>> init(const std::filesystem::path& data_dir,
                                               platform::KeyStore& keys,
                                               const platform::Clock& clock,
                                               const InitOptions& options);
  // Opens an initialised station. NotFound when the folder holds no station.
  static Result<std::unique_ptr<Station>> open(const std::filesystem::path& data_dir,
                                               platform::KeyStore& keys,
                                               const platform::Clock& clock);

  ~Station();
  Station(const Station&) = delete;
  Station& operator=(const Station&) = delete;

  const core::Catalog& catalog() const { return catalog_; }
  // The deadlines and working-day calendar of the catalog the station holds now
  // (core::case_deadlines): one a sync pulled, through this connection or another (the sync
  // service's beside the kiosk's), counts from the next call, without reopening the station.
  // Parsed again only when the stored catalog changed; catalog()'s when it cannot be read.
  core::CaseDeadlines current_case_deadlines();
  const std::string& community() const { return community_; }
  // This node's name in (HLC, origin, id) ordering: "station:<community code>".
  const std::string& origin() const { return origin_; }
  std::int64_t now_ms() const { return clock_.now_ms(); }
  // The time new HLC stamps start from: the station's clock, set back by the last measured
  // offset to the district's clock when it is more than the tolerance fast (docs/SYNC.md,
  // "Clocks").
  std::int64_t hlc_physical_ms() const;
  // Today's local date, "YYYY-MM-DD".
  std::string today() const;
  storage::Database& db() { return store_.db(); }

  // A new stamp, for a fact whose body needs its own id and time before it is written (a
  // case event is checked against the case's state first). Stamps increase, except once after
  // a sync set a clock that ran ahead of the district's back (docs/SYNC.md, "Clocks").
  Stamp stamp();
  // A stamp for a fact about `subject` (a case, a ticket, a booking): ordered after every fact
  // about it this station holds, whatever clock stamped those. Use it for every step on an
  // existing subject. Inside a transaction; fails as the database does.
  Result<Stamp> stamp_after(std::string_view subject);
  // Writes facts with their outbox entries in the caller's open transaction and returns them
  // as stored. Ids and HLC timestamps increase in the order given.
  Result<std::vector<storage::FactRow>> append(std::span<const NewFact> facts);
  // Runs `work` in one write transaction and commits it; rolls back when it fails.
  Status transact(const std::function<Status()>& work);

 private:
  Station(storage::KeyedStore store, const platform::Clock& clock, core::Catalog catalog,
          std::string community);
  Status load_clock();

  storage::KeyedStore store_;
  const platform::Clock& clock_;
  core::Catalog catalog_;
  std::string deadlines_text_;     // the stored catalog current_case_deadlines last parsed
  core::CaseDeadlines deadlines_;  // its deadlines
  std::string community_;
  std::string origin_;
  core::HlcClock hlc_;
  std::int64_t clock_offset_ms_ = 0;  // applied to HLC stamps (0 when within the tolerance)
  core::UuidV7Generator ids_;
};

}  // namespace weimin::station
