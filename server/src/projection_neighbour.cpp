// The district's projection of wish and care facts (neighbour.hpp).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "weimin/core/civil_time.hpp"
#include "weimin/server/accounts.hpp"
#include "weimin/server/fact_rules.hpp"
#include "weimin/server/neighbour.hpp"
#include "weimin/server/scope.hpp"
#include "weimin/server/store.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::server {

namespace {

using json = nlohmann::json;

void add(core::WishCounts& total, const core::WishCounts& c) {
  total.posted += c.posted;
  total.claimed += c.claimed;
  total.fulfilled += c.fulfilled;
  total.confirmed += c.confirmed;
  total.withdrawn += c.withdrawn;
  total.open += c.open;
}

}  // namespace

NeighbourFigures NeighbourRecords::figures(std::string_view month) const {
  NeighbourFigures f;
  std::vector<core::Wish> folded;
  folded.reserve(wishes.size());
  for (const auto& row : wishes) folded.push_back(row.wish);
  f.by_help = core::wish_figures(folded);
  for (const auto& [help, c] : f.by_help) add(f.wishes, c);
  std::set<core::Uuid> visited;  // listed residents visited in `month`
  for (const auto& row : logs) {
    ++(row.event.kind == core::CareEventKind::Visit ? f.care.visits
                                                    : f.care.calls)[row.event.outcome];
    if (row.event.kind == core::CareEventKind::Visit &&
        core::local_date(row.event.wall_ms).to_string().starts_with(month)) {
      visited.insert(row.event.person);
    }
  }
  for (const auto& row : care) {
    if (!row.record.listed) continue;
    ++f.listed;
    f.visits_due += visited.contains(row.record.person) ? 0 : 1;
  }
  f.conflicts = static_cast<int>(conflicts.size());
  return f;
}

namespace neighbour {
namespace {

bool is_wish(std::string_view kind) {
  return kind.starts_with("wish.");
}

template <class E>
Result<E> event_of(const sync::FactPayload& f) {
  auto id = core::Uuid::parse(f.id);
  auto subject = core::Uuid::parse(f.subject);
  if (!id) return Status(ErrorCode::Invalid, "the id '" + f.id + "' is not a UUID");
  if (!subject) return Status(ErrorCode::Invalid, "the subject '" + f.subject + "' is not a UUID");
  const auto hlc = core::HlcTimestamp::unpack(static_cast<std::uint64_t>(f.hlc));
  if constexpr (std::is_same_v<E, core::WishEvent>) {
    return core::wish_event_from_body(*id, *subject, hlc, f.origin, f.wall_ms, f.kind, f.body);
  } else {
    return core::care_event_from_body(*id, *subject, hlc, f.origin, f.wall_ms, f.kind, f.body);
  }
}

// [SECTION] Events as stored: the fact's envelope and body.

json event_json(const core::WishEvent& e) {
  return {{"id", e.id.to_string()},
          {"subject", e.wish.to_string()},
          {"kind", core::to_string(e.kind)},
          {"hlc", static_cast<std::int64_t>(e.hlc.pack())},
          {"origin", e.origin},
          {"wall_ms", e.wall_ms},
          {"body", core::wish_event_body(e)}};
}
json event_json(const core::CareEvent& e) {
  return {{"id", e.id.to_string()},
          {"subject", e.person.to_string()},
          {"kind", core::to_string(e.kind)},
          {"hlc", static_cast<std::int64_t>(e.hlc.pack())},
          {"origin", e.origin},
          {"wall_ms", e.wall_ms},
          {"body", core::care_event_body(e)}};
}

template <class E>
E event_from_json(const json& j) {
  sync::FactPayload f;
  f.id = j.at("id").get<std::string>();
  f.subject = j.at("subject").get<std::string>();
  f.kind = j.at("kind").get<std::string>();
  f.hlc = j.at("hlc").get<std::int64_t>();
  f.origin = j.at("origin").get<std::string>();
  f.wall_ms = j.at("wall_ms").get<std::int64_t>();
  f.body = j.at("body");
  Result<E> e = event_of<E>(f);
  if (!e.is_ok()) throw std::runtime_error(e.status().message());
  return std::move(*e);
}

template <class E>
json opt_event(const std::optional<E>& e) {
  return e ? event_json(*e) : json();
}
template <class E>
std::optional<E> opt_event_from(const json& j) {
  if (j.is_null()) return std::nullopt;
  return event_from_json<E>(j);
}
json opt_ms(const std::optional<std::int64_t>& ms) {
  return ms ? json(*ms) : json();
}
std::optional<std::int64_t> opt_ms_from(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::int64_t>();
}

core::Uuid uuid_from(const json& j) {
  auto id = core::Uuid::parse(j.get<std::string>());
  if (!id) throw std::runtime_error("bad uuid");
  return *id;
}

template <class T, class F>
Result<T> read_record(std::string_view text, std::string_view what, F&& read) {
  try {
    return read(json::parse(text));
  } catch (const std::exception& e) {
    return Status(ErrorCode::Corrupt,
                  "a stored " + std::string(what) + " row does not read back: " + e.what() +
                      "; rebuild the projection (weimin-district rebuild-projection)");
  }
}

core::WishStage stage_from(const std::string& text) {
  for (int s = 0; s <= static_cast<int>(core::WishStage::Withdrawn); ++s) {
    if (core::to_string(static_cast<core::WishStage>(s)) == text) {
      return static_cast<core::WishStage>(s);
    }
  }
  throw std::runtime_error("unknown wish stage '" + text + "'");
}

}  // namespace

bool is_neighbour_kind(std::string_view kind) {
  return kind.starts_with("wish.") || kind.starts_with("care.");
}

std::optional<std::string> entry_refusal(const sync::FactPayload& f) {
  if (!is_neighbour_kind(f.kind)) return std::nullopt;
  Status s = is_wish(f.kind) ? event_of<core::WishEvent>(f).status()
                             : event_of<core::CareEvent>(f).status();
  if (!s.is_ok()) return ": " + s.message();
  return std::nullopt;
}

NeighbourSubjectRows project_subject(const std::vector<FactRecord>& facts) {
  NeighbourSubjectRows out;
  if (facts.empty()) return out;
  const std::string& subject = facts.front().fact.subject;
  // The subject's community: its first fact's (the wish.posted or first care.listed is named by
  // the subject), else the earliest fact's in (HLC, origin, id) order — either way the same in
  // any order of arrival.
  const FactRecord* first = &facts.front();
  for (const FactRecord& r : facts) {
    const auto key = [](const FactRecord& x) {
      return std::make_tuple(x.fact.id != x.fact.subject, x.fact.hlc, std::cref(x.fact.origin),
                             std::cref(x.fact.id));
    };
    if (key(r) < key(*first)) first = &r;
  }
  const std::string community = first->community;
  std::vector<core::WishEvent> wishes;
  std::vector<core::CareEvent> care;
  auto conflict = [&](const std::string& id, std::string_view kind, std::string reason) {
    out.conflicts.push_back({id, subject, community, std::string(kind), std::move(reason)});
  };
  std::set<std::string> seen;
  for (const FactRecord& r : facts) {
    if (!is_neighbour_kind(r.fact.kind) || !seen.insert(r.fact.id).second) continue;
    if (is_wish(r.fact.kind)) {
      auto e = event_of<core::WishEvent>(r.fact);
      if (e.is_ok()) {
        wishes.push_back(std::move(*e));
      } else {
        conflict(r.fact.id, r.fact.kind, e.status().message());
      }
    } else {
      auto e = event_of<core::CareEvent>(r.fact);
      if (e.is_ok()) {
        care.push_back(std::move(*e));
      } else {
        conflict(r.fact.id, r.fact.kind, e.status().message());
      }
    }
  }
  if (!wishes.empty()) {
    core::Wish w = core::fold_wish(wishes.front().wish, wishes);
    for (const auto& c : w.conflicts) {
      conflict(c.event.id.to_string(), core::to_string(c.event.kind), c.reason);
    }
    if (w.stage != core::WishStage::None) out.wish = NeighbourWishRow{community, std::move(w)};
  }
  if (!care.empty()) {
    core::CareRecord r = core::fold_care(care.front().person, care);
    const bool ever_listed = std::any_of(r.events.begin(), r.events.end(), [](const auto& e) {
      return e.kind == core::CareEventKind::Listed;
    });
    for (const core::CareEvent& e : r.logs) out.logs.push_back({community, r.name, e});
    std::sort(out.logs.begin(), out.logs.end(),
              [](const auto& a, const auto& b) { return a.event.id < b.event.id; });
    r.logs.clear();
    r.events.clear();
    if (ever_listed) out.care = NeighbourCareRow{community, std::move(r)};
  }
  std::sort(out.conflicts.begin(), out.conflicts.end(),
            [](const auto& a, const auto& b) { return a.fact_id < b.fact_id; });
  return out;
}

// [SECTION] Records

std::string to_record(const NeighbourWishRow& row) {
  const core::Wish& w = row.wish;
  json events = json::array();
  for (const auto& e : w.events) events.push_back(event_json(e));
  json conflicts = json::array();
  for (const auto& c : w.conflicts) {
    conflicts.push_back({{"event", event_json(c.event)}, {"reason", c.reason}});
  }
  return json{{"community", row.community},
              {"id", w.id.to_string()},
              {"stage", core::to_string(w.stage)},
              {"help", core::to_string(w.help)},
              {"text", w.text},
              {"resident_ref", w.resident_ref},
              {"phone_masked", w.phone_masked},
              {"origin", w.origin},
              {"posted_ms", w.posted_ms},
              {"claim", opt_event(w.claim)},
              {"fulfilled", opt_event(w.fulfilled)},
              {"confirmed", opt_event(w.confirmed)},
              {"withdrawn", opt_event(w.withdrawn)},
              {"events", std::move(events)},
              {"conflicts", std::move(conflicts)}}
      .dump();
}

Result<NeighbourWishRow> wish_from_record(std::string_view text) {
  return read_record<NeighbourWishRow>(text, "wish", [](const json& j) {
    NeighbourWishRow row;
    row.community = j.at("community").get<std::string>();
    core::Wish& w = row.wish;
    w.id = uuid_from(j.at("id"));
    w.stage = stage_from(j.at("stage").get<std::string>());
    auto help = core::parse_help_kind(j.at("help").get<std::string>());
    if (!help) throw std::runtime_error(help.status().message());
    w.help = *help;
    w.text = j.at("text").get<std::string>();
    w.resident_ref = j.at("resident_ref").get<std::string>();
    w.phone_masked = j.at("phone_masked").get<std::string>();
    w.origin = j.at("origin").get<std::string>();
    w.posted_ms = j.at("posted_ms").get<std::int64_t>();
    w.claim = opt_event_from<core::WishEvent>(j.at("claim"));
    w.fulfilled = opt_event_from<core::WishEvent>(j.at("fulfilled"));
    w.confirmed = opt_event_from<core::WishEvent>(j.at("confirmed"));
    w.withdrawn = opt_event_from<core::WishEvent>(j.at("withdrawn"));
    for (const json& e : j.at("events")) w.events.push_back(event_from_json<core::WishEvent>(e));
    for (const json& c : j.at("conflicts")) {
      w.conflicts.push_back(
          {event_from_json<core::WishEvent>(c.at("event")), c.at("reason").get<std::string>()});
    }
    return row;
  });
}

std::string to_record(const NeighbourCareRow& row) {
  const core::CareRecord& r = row.record;
  return json{{"community", row.community},
              {"person", r.person.to_string()},
              {"listed", r.listed},
              {"name", r.name},
              {"address", r.address},
              {"phone_masked", r.phone_masked},
              {"resident_ref", r.resident_ref},
              {"listed_ms", r.listed_ms},
              {"last_visit_ms", opt_ms(r.last_visit_ms)},
              {"last_call_ms", opt_ms(r.last_call_ms)}}
      .dump();
}

Result<NeighbourCareRow> care_from_record(std::string_view text) {
  return read_record<NeighbourCareRow>(text, "care list", [](const json& j) {
    NeighbourCareRow row;
    row.community = j.at("community").get<std::string>();
    core::CareRecord& r = row.record;
    r.person = uuid_from(j.at("person"));
    r.listed = j.at("listed").get<bool>();
    r.name = j.at("name").get<std::string>();
    r.address = j.at("address").get<std::string>();
    r.phone_masked = j.at("phone_masked").get<std::string>();
    r.resident_ref = j.at("resident_ref").get<std::string>();
    r.listed_ms = j.at("listed_ms").get<std::int64_t>();
    r.last_visit_ms = opt_ms_from(j.at("last_visit_ms"));
    r.last_call_ms = opt_ms_from(j.at("last_call_ms"));
    return row;
  });
}

std::string to_record(const NeighbourLogRow& row) {
  return json{{"community", row.community}, {"name", row.name}, {"event", event_json(row.event)}}
      .dump();
}

Result<NeighbourLogRow> log_from_record(std::string_view text) {
  return read_record<NeighbourLogRow>(text, "care log", [](const json& j) {
    return NeighbourLogRow{j.at("community").get<std::string>(), j.at("name").get<std::string>(),
                           event_from_json<core::CareEvent>(j.at("event"))};
  });
}

std::string to_record(const NeighbourConflictRow& row) {
  return json{{"fact_id", row.fact_id},
              {"subject", row.subject},
              {"community", row.community},
              {"kind", row.kind},
              {"reason", row.reason}}
      .dump();
}

Result<NeighbourConflictRow> conflict_from_record(std::string_view text) {
  return read_record<NeighbourConflictRow>(text, "neighbour conflict", [](const json& j) {
    return NeighbourConflictRow{j.at("fact_id").get<std::string>(),
                                j.at("subject").get<std::string>(),
                                j.at("community").get<std::string>(),
                                j.at("kind").get<std::string>(), j.at("reason").get<std::string>()};
  });
}

// [SECTION] Scope

NeighbourRecords scoped(const NeighbourRecords& all, const Principal& who,
                        const core::Catalog* catalog) {
  NeighbourRecords out;
  if (principal_refusal(who, catalog)) return out;
  if (who.role == ConsoleRole::Admin) return all;
  if (who.role != ConsoleRole::Office) return out;  // a department keeps no neighbour services
  auto keep = [&](const auto& rows, auto& into) {
    for (const auto& row : rows) {
      if (office_serves(who.scope, row.community)) into.push_back(row);
    }
  };
  keep(all.wishes, out.wishes);
  keep(all.care, out.care);
  keep(all.logs, out.logs);
  keep(all.conflicts, out.conflicts);
  return out;
}

}  // namespace neighbour
}  // namespace weimin::server
