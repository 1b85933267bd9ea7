#include "figures_district.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>

#include <nlohmann/json.hpp>

#include "weimin/core/case.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/evaluation.hpp"
#include "weimin/core/queue.hpp"
#include "weimin/core/ticket.hpp"

namespace weimin::bench {
namespace {

using nlohmann::json;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;
const std::string kDistrictOrigin = "district:530102";

// Catalog deadlines (assets/catalog/wuhua.json), hours: report-in, feedback, verify.
struct KindHours {
  int report_in, feedback, verify;
};
constexpr KindHours kEmergency{1, 24, 24}, kKey{24, 72, 48}, kRoutine{48, 168, 72};
const KindHours& hours_of(core::WhistleKind k) {
  return k == core::WhistleKind::Emergency ? kEmergency
         : k == core::WhistleKind::Key     ? kKey
                                           : kRoutine;
}

const std::array<const char*, 10> kSources = {"env_sanitation",
                                              "municipal_facilities",
                                              "security_fire",
                                              "neighbour_disputes",
                                              "property_management",
                                              "social_security",
                                              "illegal_construction",
                                              "food_drug",
                                              "traffic",
                                              "other"};
const std::array<const char*, 4> kReturnReasons = {"不属于本部门职责",
                                                   "属于物业管理范围，请社区协调物业",
                                                   "已有其他部门在办", "诉求信息不全，无法办理"};

// Measured case facts per case of this generator (at 20,000 cases): the queue gets the rest.
constexpr double kCaseFactsPerCase = 6.74;
// Expected facts per ticket of queue_day's mix.
constexpr double kFactsPerTicket = 3.47;

std::uint64_t mix(std::uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : g_(mix(seed)) {}
  double unit() { return std::uniform_real_distribution<double>(0, 1)(g_); }
  bool chance(double p) { return unit() < p; }
  std::int64_t below(std::int64_t n) {
    return static_cast<std::int64_t>(g_() % static_cast<std::uint64_t>(n));
  }
  std::int64_t between(std::int64_t lo, std::int64_t hi) { return lo + below(hi - lo + 1); }
  // A duration of `frac_lo`..`frac_hi` times `hours`.
  std::int64_t of_hours(int hours, double frac_lo, double frac_hi) {
    return static_cast<std::int64_t>((frac_lo + (frac_hi - frac_lo) * unit()) * hours * kHour);
  }
  std::int64_t exponential(double mean) {
    return static_cast<std::int64_t>(std::exponential_distribution<double>(1 / mean)(g_));
  }

 private:
  std::mt19937_64 g_;
};

// A UUIDv7-shaped id carrying time `t`, unique through `lo` (the caller's space, index, counter).
core::Uuid make_id(std::int64_t t, std::uint64_t lo) {
  core::Uuid u;
  const std::uint64_t hi = (static_cast<std::uint64_t>(t) << 16) | 0x7000 | (lo & 0xfff);
  lo = (0x8ULL << 60) | (lo & 0x0fffffffffffffffULL);
  for (int b = 0; b < 8; ++b) {
    u.bytes[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(hi >> (56 - 8 * b));
    u.bytes[static_cast<std::size_t>(8 + b)] = static_cast<std::uint8_t>(lo >> (56 - 8 * b));
  }
  return u;
}

struct Step {
  std::int64_t t = 0;
  core::Role role = core::Role::Staff;
  std::string actor;
  bool at_district = false;  // origin district:530102 (street office, department) or the station
  core::CasePayload payload;
};

std::string day_of(std::int64_t t) {
  return core::local_date(t).to_string();
}

}  // namespace

FiguresDistrict::FiguresDistrict(DistrictShape shape) : shape_(shape) {
  for (int o = 1; o <= 10; ++o) {
    char office[16];
    std::snprintf(office, sizeof office, "530102%03d", o);
    offices_.push_back(office);
    // Wuhua's three communities of each office, then more: of 45, a fourth for every office
    // and a fifth for five.
    const int per_office = shape_.communities / 10 + (o <= shape_.communities % 10 ? 1 : 0);
    for (int n = 1; n <= per_office; ++n) {
      char suffix[8];
      std::snprintf(suffix, sizeof suffix, "%03d", n % 1000);
      communities_.push_back(std::string(office) + suffix);
    }
  }
  for (const char* d :
       {"urban_management", "housing", "police", "market_regulation", "civil_affairs",
        "human_resources", "health", "transport", "fire_rescue", "justice"})
    departments_.push_back(d);
  for (int d = 11; d <= 30; ++d) {
    char id[16];
    std::snprintf(id, sizeof id, "dept_%02d", d);
    departments_.push_back(id);
  }
  for (std::size_t c = 0; c < communities_.size(); ++c)
    community_weight_.push_back(0.5 + static_cast<double>((c * 7) % 5) * 0.4);
  // Open days: Monday to Saturday (2025-01-01 is a Wednesday); Mondays busier, Saturdays quieter.
  double open_weight = 0;
  for (int d = 0; d < kDays; ++d) {
    const int weekday = (d + 2) % 7;  // 0 Monday
    open_weight += weekday == 6 ? 0 : weekday == 0 ? 1.3 : weekday == 5 ? 0.6 : 1.0;
  }
  double station_weight = 0;
  for (double w : community_weight_) station_weight += w;
  const double queue_facts = std::max(
      0.0, (shape_.facts_per_case - kCaseFactsPerCase) * static_cast<double>(shape_.cases));
  // An evaluation for 30 % of the tickets, nearly all of which are served.
  const double per_ticket = kFactsPerTicket + (shape_.window_evaluations ? 0.28 : 0.0);
  tickets_per_station_day_ = queue_facts / per_ticket / open_weight / station_weight;
}

std::string FiguresDistrict::catalog_json(const std::string& wuhua_json) const {
  json catalog = json::parse(wuhua_json);
  std::vector<std::string> known;
  for (const auto& c : catalog["communities"]) known.push_back(c["code"].get<std::string>());
  for (const std::string& code : communities_) {
    if (std::find(known.begin(), known.end(), code) != known.end()) continue;
    catalog["communities"].push_back(
        {{"code", code},
         {"name",
          {{"zh", "测试社区" + code.substr(6)}, {"en", "Bench community " + code.substr(6)}}},
         {"street_office", code.substr(0, 9)},
         {"kind", "urban"}});
  }
  // kGridsPerCommunity grids of each community (codes community + 001…), those wuhua.json
  // does not list already.
  std::vector<std::string> grids;
  for (const auto& g : catalog["grids"]) grids.push_back(g["code"].get<std::string>());
  for (const std::string& code : communities_) {
    for (int g = 1; g <= kGridsPerCommunity; ++g) {
      const std::string grid = code + "00" + std::to_string(g);
      if (std::find(grids.begin(), grids.end(), grid) != grids.end()) continue;
      catalog["grids"].push_back(
          {{"code", grid},
           {"name", {{"zh", "网格" + grid.substr(6)}, {"en", "Grid " + grid.substr(6)}}},
           {"community", code}});
    }
  }
  for (std::size_t d = 10; d < departments_.size(); ++d) {
    catalog["departments"].push_back(
        {{"id", departments_[d]},
         {"name",
          {{"zh", "测试部门" + departments_[d].substr(5)}, {"en", "Bench " + departments_[d]}}},
         {"sources", {kSources[d % 10], kSources[(d + 3) % 10]}}});
  }
  return catalog.dump();
}

std::pair<std::int64_t, std::int64_t> FiguresDistrict::cases_of_day(int day) const {
  auto first = [&](std::int64_t d) { return (d * shape_.cases + kDays - 1) / kDays; };
  return {first(day), first(day + 1)};
}

namespace {

// The steps of case i, not yet cut at now. Rounds: whistle (perhaps escalated), each
// department's part, then verification, closing, evaluation; a round all of whose departments
// returned it, or whose rating was dissatisfied and which was reopened, is followed by another.
std::vector<Step> case_steps(Rng& rng, std::int64_t t, const std::string& office,
                             const std::vector<std::string>& departments) {
  std::vector<Step> steps;
  auto station = [&](std::int64_t at, core::Role role, std::string actor, core::CasePayload p) {
    steps.push_back({at, role, std::move(actor), false, std::move(p)});
  };
  auto district = [&](std::int64_t at, core::Role role, std::string actor, core::CasePayload p) {
    steps.push_back({at, role, std::move(actor), true, std::move(p)});
  };
  const std::string staff = "S0" + std::to_string(1 + rng.below(3));
  station(t, core::Role::Staff, staff,
          core::CaseCollected{
              kSources[static_cast<std::size_t>(rng.chance(0.5) ? rng.below(3) : rng.below(10))],
              rng.chance(0.8) ? core::CaseChannel::Window : core::CaseChannel::GridRound,
              "楼道堆放杂物，影响通行，请尽快处理", ""});
  const double fate = rng.unit();
  if (fate < 0.04) return steps;  // still waiting for a whistle
  if (fate < 0.12) {              // resolved by the community
    t += rng.between(1, 48) * kHour;
    station(t, core::Role::Staff, staff, core::CaseResolved{"社区已协调解决"});
    if (rng.chance(0.05)) return steps;
    t += rng.of_hours(kRoutine.verify, 0.05, rng.chance(0.9) ? 0.95 : 2.0);
    station(t, core::Role::Staff, staff, core::CaseVerified{"居民确认已解决"});
    t += rng.between(1, 12) * kHour;
    station(t, core::Role::Staff, staff, core::CaseClosed{"结项"});
    if (rng.chance(0.7)) {
      t += rng.between(1, 48) * kHour;
      station(
          t, core::Role::Resident, "resident",
          core::CaseEvaluated{
              rng.chance(0.8) ? core::Rating::Satisfied : core::Rating::BasicallySatisfied, ""});
    }
    return steps;
  }
  // Departments: Wuhua's ten three times as often as the benchmark's twenty.
  auto pick_department = [&]() -> const std::string& {
    return rng.chance(0.6) ? departments[static_cast<std::size_t>(rng.below(10))]
                           : departments[static_cast<std::size_t>(10 + rng.below(20))];
  };
  for (int round = 0; round < 3; ++round) {
    t += rng.between(1, 36) * kHour;
    const double k = rng.unit();
    const auto kind = k < 0.03   ? core::WhistleKind::Emergency
                      : k < 0.23 ? core::WhistleKind::Key
                                 : core::WhistleKind::Routine;
    const KindHours& h = hours_of(kind);
    const bool district_level = rng.chance(0.4);
    const int n = rng.chance(0.78) ? 1 : rng.chance(0.8) ? 2 : 3;
    std::vector<std::string> deps;
    while (static_cast<int>(deps.size()) < n) {
      const std::string& d = pick_department();
      if (std::find(deps.begin(), deps.end(), d) == deps.end()) deps.push_back(d);
    }
    const std::int64_t whistled = t;
    if (district_level) {
      district(t, core::Role::StreetOffice, office,
               core::CaseWhistled{core::WhistleLevel::District, kind, deps, "街道吹哨"});
    } else {
      station(t, core::Role::Director, "D001",
              core::CaseWhistled{core::WhistleLevel::Community, kind, deps, "社区吹哨"});
    }
    std::vector<std::pair<std::string, std::int64_t>> named;  // department, when named
    for (const auto& d : deps) named.emplace_back(d, whistled);
    // A street office raises some community-level rounds, before any department returns.
    if (!district_level && kind != core::WhistleKind::Emergency && rng.chance(0.08)) {
      const std::int64_t at = whistled + rng.between(20, 300) * kMinute;
      std::vector<std::string> more;
      if (rng.chance(0.5)) {
        const std::string& d = pick_department();
        if (std::find(deps.begin(), deps.end(), d) == deps.end()) more.push_back(d);
      }
      district(at, core::Role::StreetOffice, office, core::CaseEscalated{more, "升级为区级"});
      for (const auto& d : more) named.emplace_back(d, at);
    }
    std::int64_t last_feedback = 0;
    int returned = 0;
    bool all_done = true;
    for (const auto& [d, from] : named) {
      const double r = rng.unit();
      if (r < 0.04) {  // 退单
        ++returned;
        const std::int64_t at = from + rng.of_hours(h.report_in, 0.35, 0.9);
        last_feedback = std::max(last_feedback, at);  // verified after every return, too
        district(at, core::Role::Department, d,
                 core::CaseReturned{kReturnReasons[static_cast<std::size_t>(rng.below(4))]});
        continue;
      }
      if (r < 0.06) {  // never reports in
        all_done = false;
        continue;
      }
      const std::int64_t reported =
          from + rng.of_hours(h.report_in, 0.05, r < 0.20 ? 3.0 : 0.95) + kMinute;
      district(reported, core::Role::Department, d, core::CaseReported{"已报到", 0});
      if (rng.chance(0.025)) {  // never gives feedback
        all_done = false;
        continue;
      }
      const std::int64_t fed =
          reported + rng.of_hours(h.feedback, 0.1, rng.chance(0.12) ? 2.5 : 0.95) + kMinute;
      district(fed, core::Role::Department, d, core::CaseFeedback{"已派人处理完毕"});
      last_feedback = std::max(last_feedback, fed);
    }
    if (returned == static_cast<int>(named.size())) {  // every department returned it
      if (!rng.chance(0.6)) return steps;
      t = 0;
      for (const auto& s : steps) t = std::max(t, s.t);
      continue;
    }
    if (!all_done || rng.chance(0.03)) return steps;  // waiting for a department or the station
    t = last_feedback + rng.of_hours(h.verify, 0.05, rng.chance(0.9) ? 0.95 : 2.0) + kMinute;
    station(t, core::Role::Staff, staff, core::CaseVerified{"居民确认已解决"});
    if (rng.chance(0.03)) return steps;
    t += rng.between(1, 24) * kHour;
    station(t, core::Role::Staff, staff, core::CaseClosed{"结项"});
    if (rng.chance(0.25)) return steps;
    t += rng.between(1, 72) * kHour;
    const double e = rng.unit();
    const auto rating = e < 0.68   ? core::Rating::Satisfied
                        : e < 0.90 ? core::Rating::BasicallySatisfied
                                   : core::Rating::Dissatisfied;
    station(t, core::Role::Resident, "resident", core::CaseEvaluated{rating, ""});
    if (rating != core::Rating::Dissatisfied || !rng.chance(0.55)) return steps;
    t += rng.between(1, 72) * kHour;
    station(t, core::Role::Director, "D001", core::CaseReopened{"居民不满意，重新处理"});
  }
  return steps;
}

std::vector<core::CaseEvent> case_events(std::int64_t i, const DistrictShape& shape,
                                         const std::string& community, std::int64_t day_start,
                                         const std::vector<std::string>& departments) {
  Rng rng(shape.seed * 1'000'003ULL + static_cast<std::uint64_t>(i) * 2 + 1);
  const std::int64_t t0 =
      day_start + 8 * kHour + 30 * kMinute + rng.below(9 * 60) * kMinute + rng.below(60'000);
  std::vector<Step> steps = case_steps(rng, t0, community.substr(0, 9), departments);
  // Its grid, from its number (no draw from rng, so the rest of the history is as before): one
  // case in five has none.
  if (i % 5 != 4) {
    std::get<core::CaseCollected>(steps.front().payload).where.grid =
        community + "00" + std::to_string(1 + (i / 5) % kGridsPerCommunity);
  }
  std::stable_sort(steps.begin(), steps.end(),
                   [](const Step& a, const Step& b) { return a.t < b.t; });
  const core::Uuid case_id = make_id(t0, (3ULL << 56) | (static_cast<std::uint64_t>(i) << 12));
  std::vector<core::CaseEvent> out;
  std::int64_t last = 0;
  std::uint64_t n = 0;
  for (Step& s : steps) {
    const std::int64_t t = std::max(s.t, last + 1000);
    if (t >= FiguresDistrict::kNowMs) break;
    last = t;
    core::CaseEvent e;
    e.id = make_id(t, (1ULL << 56) | (static_cast<std::uint64_t>(i) << 12) | (n++ & 0xfff));
    e.case_id = case_id;
    e.hlc = {t, 0};
    e.origin = s.at_district ? kDistrictOrigin : "station:" + community;
    e.wall_ms = t;
    e.actor = std::move(s.actor);
    e.actor_role = s.role;
    e.payload = std::move(s.payload);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

std::vector<server::FactRecord> FiguresDistrict::case_history(std::int64_t i) const {
  const int day = static_cast<int>(i * kDays / shape_.cases);
  // The community: by its weight, from the case's own generator.
  Rng pick(shape_.seed * 7'777'777ULL + static_cast<std::uint64_t>(i));
  double total = 0;
  for (double w : community_weight_) total += w;
  double x = pick.unit() * total;
  std::size_t c = 0;
  while (c + 1 < communities_.size() && x >= community_weight_[c]) x -= community_weight_[c++];
  const std::string& community = communities_[c];
  std::vector<server::FactRecord> out;
  for (const core::CaseEvent& e :
       case_events(i, shape_, community, kYearStartMs + day * kDay, departments_)) {
    sync::FactPayload f{e.id.to_string(),
                        std::string(core::to_string(e.kind())),
                        e.case_id.to_string(),
                        e.origin,
                        static_cast<std::int64_t>(e.hlc.pack()),
                        e.wall_ms,
                        day_of(e.wall_ms),
                        core::case_event_body(e)};
    out.push_back(server::FactRecord{std::move(f), community, e.wall_ms, {}});
  }
  return out;
}

namespace {

struct Window {
  int number;
  std::vector<int> lines;
};
const std::vector<Window> kWindows = {{1, {1, 2, 3, 9}}, {2, {4, 5, 6, 7, 9}}, {3, {8, 9, 10}}};

std::vector<core::TicketEvent> ticket_events(std::uint64_t seed, int station, int day, double mean,
                                             const std::string& origin) {
  const int weekday = (day + 2) % 7;
  if (weekday == 6) return {};
  Rng rng(seed * 99'991ULL + static_cast<std::uint64_t>(station) * 4096 +
          static_cast<std::uint64_t>(day));
  const double factor = weekday == 0 ? 1.3 : weekday == 5 ? 0.6 : 1.0;
  const auto tickets = static_cast<int>(mean * factor * (0.8 + 0.4 * rng.unit()) + 0.5);
  const std::int64_t open = FiguresDistrict::kYearStartMs + day * kDay + 9 * kHour;
  std::vector<core::TicketEvent> out;
  std::array<int, 11> numbers{};
  std::uint64_t serial = 0;
  auto id = [&](std::int64_t t) {
    return make_id(t, (2ULL << 56) | (static_cast<std::uint64_t>(station) << 48) |
                          (static_cast<std::uint64_t>(day) << 36) | (++serial & 0xfffffffffULL));
  };
  for (int k = 0; k < tickets; ++k) {
    // Taken through the day (9:00 to 17:00), in order.
    const std::int64_t taken = open + (8 * kHour * k) / std::max(tickets, 1) +
                               rng.below(8 * kHour / std::max(tickets, 1) + 1);
    const Window& w = kWindows[static_cast<std::size_t>(rng.below(3))];
    const int line =
        w.lines[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(w.lines.size())))];
    if (numbers[static_cast<std::size_t>(line)] >= core::kMaxTicketNumber) continue;
    const std::string staff = "S0" + std::to_string(w.number);
    core::TicketEvent e;
    e.id = id(taken);
    e.ticket = e.id;
    e.hlc = {taken, 0};
    e.wall_ms = taken;
    e.origin = origin;
    core::TicketTaken body{line,
                           core::default_ticket_prefix(line),
                           ++numbers[static_cast<std::size_t>(line)],
                           "",
                           core::Priority::None,
                           "",
                           std::nullopt};
    if (rng.chance(0.08)) {
      body.priority = core::Priority::Elderly;
      body.reason = "老年证";
    }
    e.body = body;
    out.push_back(e);
    auto step = [&](std::int64_t at, auto ev_body) {
      core::TicketEvent s;
      s.id = id(at);
      s.ticket = e.ticket;
      s.hlc = {at, 0};
      s.wall_ms = at;
      s.origin = origin;
      s.window = w.number;
      s.staff = staff;
      s.body = ev_body;
      out.push_back(std::move(s));
    };
    std::int64_t t =
        taken + 30'000 + std::min<std::int64_t>(rng.exponential(11 * kMinute), 150 * kMinute);
    step(t, core::TicketCalled{w.lines});
    if (rng.chance(0.03)) step(t += 2 * kMinute, core::TicketRecalled{});
    if (rng.chance(0.07)) {
      step(t += 3 * kMinute, core::TicketNoShow{});
      if (!rng.chance(0.3)) continue;
      step(t += rng.between(5, 40) * kMinute, core::TicketRequeued{});
      step(t += rng.between(2, 20) * kMinute, core::TicketCalled{w.lines});
    }
    if (rng.chance(0.4)) step(t += kMinute, core::TicketServingStarted{});
    step(t + rng.between(3, 25) * kMinute, core::TicketFinished{});
  }
  return out;
}

// Residents' ratings of 30 % of the services finished in `events` (68 % 满意, 24 % 基本满意,
// 8 % 不满意; a score with half of them), one to five minutes after each.
std::vector<core::Evaluation> window_evaluations(std::uint64_t seed, int station, int day,
                                                 const std::vector<core::TicketEvent>& events) {
  Rng rng(seed * 424'243ULL + static_cast<std::uint64_t>(station) * 4096 +
          static_cast<std::uint64_t>(day));
  std::vector<core::Evaluation> out;
  std::uint64_t serial = 0;
  for (const core::TicketEvent& e : events) {
    if (!std::holds_alternative<core::TicketFinished>(e.body) || !rng.chance(0.3)) continue;
    const std::int64_t t = e.wall_ms + rng.between(60, 300) * 1000;
    core::Evaluation v;
    v.id = make_id(t, (4ULL << 56) | (static_cast<std::uint64_t>(station) << 48) |
                          (static_cast<std::uint64_t>(day) << 36) | (++serial & 0xfffffffffULL));
    v.hlc = {t, 0};
    v.wall_ms = t;
    v.origin = e.origin;
    v.target_kind = core::EvaluationTarget::Ticket;
    v.target = e.ticket;
    const double r = rng.unit();
    v.rating = r < 0.68   ? core::Rating::Satisfied
               : r < 0.92 ? core::Rating::BasicallySatisfied
                          : core::Rating::Dissatisfied;
    if (rng.chance(0.5)) v.score = v.rating == core::Rating::Satisfied ? 5 : r < 0.92 ? 4 : 2;
    v.staff = e.staff;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

std::vector<server::FactRecord> FiguresDistrict::queue_day(int station, int day) const {
  const std::string& community = communities_[static_cast<std::size_t>(station)];
  const std::string origin = "station:" + community;
  std::vector<server::FactRecord> out;
  const std::vector<core::TicketEvent> events = ticket_events(
      shape_.seed, station, day,
      tickets_per_station_day_ * community_weight_[static_cast<std::size_t>(station)], origin);
  for (const core::TicketEvent& e : events) {
    sync::FactPayload f{e.id.to_string(),
                        std::string(core::to_string(e.kind())),
                        e.ticket.to_string(),
                        origin,
                        static_cast<std::int64_t>(e.hlc.pack()),
                        e.wall_ms,
                        day_of(e.wall_ms),
                        core::to_json(e)};
    out.push_back(server::FactRecord{std::move(f), community, e.wall_ms, {}});
  }
  if (!shape_.window_evaluations) return out;
  for (const core::Evaluation& v : window_evaluations(shape_.seed, station, day, events)) {
    sync::FactPayload f{v.id.to_string(),
                        std::string(core::kEvaluationKind),
                        v.target.to_string(),
                        origin,
                        static_cast<std::int64_t>(v.hlc.pack()),
                        v.wall_ms,
                        day_of(v.wall_ms),
                        core::to_json(v)};
    out.push_back(server::FactRecord{std::move(f), community, v.wall_ms, {}});
  }
  return out;
}

std::vector<server::FactRecord> FiguresDistrict::day_facts(int day) const {
  std::vector<server::FactRecord> out;
  const auto [first, last] = cases_of_day(day);
  for (std::int64_t i = first; i < last; ++i) {
    for (auto& f : case_history(i)) out.push_back(std::move(f));
  }
  for (int s = 0; s < static_cast<int>(communities_.size()); ++s) {
    for (auto& f : queue_day(s, day)) out.push_back(std::move(f));
  }
  return out;
}

Status FiguresDistrict::check_case(std::int64_t i) const {
  std::vector<core::CaseEvent> events;
  core::Uuid case_id;
  for (const server::FactRecord& r : case_history(i)) {
    const core::CaseEventEnvelope env{
        *core::Uuid::parse(r.fact.id), *core::Uuid::parse(r.fact.subject),
        core::HlcTimestamp::unpack(static_cast<std::uint64_t>(r.fact.hlc)), r.fact.origin,
        r.fact.wall_ms};
    WEIMIN_ASSIGN_OR_RETURN(core::CaseEvent e,
                            core::case_event_from_body(env, r.fact.kind, r.fact.body));
    case_id = e.case_id;
    events.push_back(std::move(e));
  }
  const core::CaseState state = core::fold_case(case_id, events);
  if (!state.conflicts.empty()) {
    return Status(ErrorCode::Invalid,
                  "generated case " + std::to_string(i) + " (" + case_id.to_string() +
                      ") folds with a conflict: " + state.conflicts.front().why);
  }
  return Status::ok();
}

Status FiguresDistrict::check_queue_day(int station, int day) const {
  std::vector<core::TicketEvent> events;
  for (const server::FactRecord& r : queue_day(station, day)) {
    if (r.fact.kind == core::kEvaluationKind) {  // checked on its own
      WEIMIN_TRY(core::evaluation_from_json(r.fact.body).status());
      continue;
    }
    WEIMIN_ASSIGN_OR_RETURN(core::TicketEvent e, core::ticket_event_from_json(r.fact.body));
    events.push_back(std::move(e));
  }
  const core::QueueState state = core::fold_queue(std::move(events));
  if (!state.conflicts.empty()) {
    return Status(ErrorCode::Invalid,
                  "generated queue of station " + std::to_string(station) + " on day " +
                      std::to_string(day) +
                      " folds with a conflict: " + state.conflicts.front().reason);
  }
  return Status::ok();
}

}  // namespace weimin::bench
