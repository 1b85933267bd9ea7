// Random case histories for the district's property tests (projection_test.cpp,
// figures_test.cpp): ids, the communities, departments and sources they use, a case event as
// the fact a station pushes, a signed push, and a random history of one case — mostly the
// loop's steps in order, sometimes late, early, returned (退单) or escalated, some out of place
// (conflicts), some notes, visits (走访) and settlements.
#pragma once

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "server_fixture.hpp"
#include "weimin/core/case.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::test {

inline constexpr std::int64_t kHistoryHour = 3'600'000;

inline core::Uuid uuid_of(std::uint64_t space, std::uint64_t n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "018f%04llx-0000-7000-8000-%012llx",
                static_cast<unsigned long long>(space & 0xffff),
                static_cast<unsigned long long>(n));
  return *core::Uuid::parse(buf);
}

inline const std::vector<std::string> kCommunities = {"530102001001", "530102001002",
                                                      "530102002001"};
inline const std::vector<std::string> kDepartments = {"urban_management", "housing", "police",
                                                      "health"};
inline const std::vector<std::string> kSources = {"env_sanitation", "municipal_facilities"};

inline sync::FactPayload to_fact(const core::CaseEvent& e) {
  return sync::FactPayload{e.id.to_string(),
                           std::string(core::to_string(e.kind())),
                           e.case_id.to_string(),
                           e.origin,
                           static_cast<std::int64_t>(e.hlc.pack()),
                           e.wall_ms,
                           core::local_date(e.wall_ms).to_string(),
                           core::case_event_body(e)};
}

inline void push_facts(District& d, TestStation& st, const std::vector<sync::FactPayload>& facts) {
  sync::PushRequest p;
  p.station_id = st.station_id;
  p.stream = st.stream;
  p.base_seq = st.seq;
  for (const auto& f : facts) p.entries.push_back({++st.seq, "fact", sync::to_json_value(f)});
  auto r = d.signed_call(st, "POST", "/v1/push", "", sync::to_json(p));
  REQUIRE_MESSAGE(r.status == 200, r.body);
}

// A random history of one case as a station writes it: mostly the loop's steps in their order,
// some out of place (conflicts), some notes and settlements.
inline std::vector<core::CaseEvent> random_history(std::mt19937_64& rng, const core::Uuid& case_id,
                                                   const std::string& origin, std::uint64_t space) {
  std::vector<core::CaseEvent> out;
  std::int64_t t =
      kStart - 20 * 24 * kHistoryHour + static_cast<std::int64_t>(rng() % (18 * 24)) * kHistoryHour;
  std::uint64_t n = 0;
  auto add = [&](core::Role role, std::string actor, core::CasePayload p,
                 std::string on_behalf_of = "") {
    t += static_cast<std::int64_t>(1 + rng() % 60) * kHistoryHour;
    core::CaseEvent e;
    e.id = uuid_of(space, ++n);
    e.case_id = case_id;
    e.hlc = {t, static_cast<std::uint32_t>(rng() % 3)};
    e.origin = origin;
    e.wall_ms = t;
    e.actor = std::move(actor);
    e.actor_role = role;
    e.on_behalf_of = std::move(on_behalf_of);
    e.payload = std::move(p);
    out.push_back(std::move(e));
  };
  // A visit done (走访, case.visited) by a grid worker or staff: no draw from rng, so the
  // histories of before stay the same apart from their times. `before_ms` > 0 dates it before
  // everything else (a visit that arrives ahead of the collected event: a conflict).
  auto visit = [&](core::Role role, std::string actor, std::string outcome,
                   std::int64_t before_ms = 0) {
    core::CaseEvent e;
    if (before_ms == 0) t += kHistoryHour;
    e.id = uuid_of(space, ++n);
    e.case_id = case_id;
    e.hlc = {before_ms > 0 ? before_ms : t, 0};
    e.origin = origin;
    e.wall_ms = e.hlc.wall_ms;
    e.actor = std::move(actor);
    e.actor_role = role;
    e.payload = core::CaseVisited{std::move(outcome)};
    out.push_back(std::move(e));
  };
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  const core::CaseChannel channel =
      rng() % 2 ? core::CaseChannel::Window : core::CaseChannel::GridRound;
  // Where: grid 1 or 2 of the station's community, or none (no draw from rng, so the histories
  // of before stay the same).
  const std::string community = origin.substr(origin.find(':') + 1);
  core::CaseWhere where;
  if (space % 3 != 2) where.grid = community + (space % 3 == 0 ? "001" : "002");
  if (space % 3 == 0) where.address = "3单元";
  add(core::Role::Staff, "S01",
      core::CaseCollected{pick(kSources), channel, "问题" + std::to_string(space), "", where});
  // Visits: on the round right after it was found, and now and then one dated before the
  // collected event (a visit to a case not yet collected: kept as a conflict).
  if (space % 4 == 1) visit(core::Role::GridWorker, "G010", "已上门查看");
  if (space % 7 == 5) visit(core::Role::Staff, "S02", "先去看了", out.front().hlc.wall_ms - 1);
  const int rounds = 1 + static_cast<int>(rng() % 2);
  for (int round = 0; round < rounds; ++round) {
    if (rng() % 6 == 0) {
      add(core::Role::Staff, "S01", core::CaseResolved{"社区解决"});
    } else if (rng() % 5 != 0) {
      std::vector<std::string> deps = kDepartments;
      std::shuffle(deps.begin(), deps.end(), rng);
      deps.resize(1 + rng() % 3);
      const core::WhistleKind kind = static_cast<core::WhistleKind>(rng() % 3);
      add(core::Role::Director, "D001",
          core::CaseWhistled{core::WhistleLevel::Community, kind, deps, "哨"});
      // Now and then the street office raises it to district level, naming one more department.
      if (rng() % 6 == 0) {
        std::vector<std::string> more;
        for (const auto& dep : kDepartments) {
          if (std::find(deps.begin(), deps.end(), dep) == deps.end()) more.push_back(dep);
        }
        if (!more.empty()) more.resize(1);
        add(core::Role::StreetOffice, "530102001", core::CaseEscalated{more, "升级"});
        deps.insert(deps.end(), more.begin(), more.end());
      }
      for (const auto& dep : deps) {
        if (rng() % 4 == 0) continue;
        // Sometimes it is not the department's business (退单), before or after reporting in.
        if (rng() % 8 == 0) {
          add(core::Role::Staff, "S01", core::CaseReturned{rng() % 2 ? "非本部门职责" : "不属实"},
              dep);
          continue;
        }
        add(core::Role::Staff, "S01", core::CaseReported{"到"}, dep);
        if (rng() % 3 != 0) add(core::Role::Staff, "S01", core::CaseFeedback{"办了"}, dep);
      }
    } else {
      return out;  // left collected (or reopened), for the street office to whistle
    }
    if (rng() % 3 == 0) add(core::Role::Staff, "S02", core::CaseNote{"备注"});
    if (space % 5 == 3)
      visit(core::Role::Staff, "S02", "回访第" + std::to_string(round + 1) + "轮");
    if (rng() % 4 == 0) return out;
    add(core::Role::Staff, "S01", core::CaseVerified{"核实"});
    if (rng() % 4 == 0) return out;
    add(core::Role::Staff, "S01", core::CaseClosed{"结"});
    if (rng() % 2 == 0) {
      add(core::Role::Resident, "resident",
          core::CaseEvaluated{static_cast<core::Rating>(rng() % 3), "评"});
    }
    if (round + 1 < rounds) add(core::Role::Director, "D001", core::CaseReopened{"再开"});
  }
  // A step out of place now and then, and a settlement naming one of the case's events.
  if (rng() % 3 == 0) add(core::Role::Staff, "S01", core::CaseClosed{"又结"});
  if (rng() % 3 == 0 && out.size() > 2) {
    add(core::Role::Director, "D001",
        core::ConflictSettled{
            out[1 + rng() % (out.size() - 1)].id,
            rng() % 2 ? core::SettleDecision::Accept : core::SettleDecision::Dismiss, "处理"});
  }
  return out;
}

// Pushes every station's pending facts (in the order they are held, from the back) in random
// batches of 1…max_batch, now and then with a fact the station pushed before again, and calls
// after_batch() after each push (the district acts in between). Returns the facts pushed.
template <typename AfterBatch>
std::size_t push_in_random_batches(District& d, std::vector<TestStation>& stations,
                                   std::vector<std::vector<sync::FactPayload>>& pending,
                                   std::mt19937_64& rng, std::size_t max_batch,
                                   AfterBatch&& after_batch) {
  std::vector<sync::FactPayload> sent;
  bool left = true;
  while (left) {
    left = false;
    for (std::size_t s = 0; s < stations.size(); ++s) {
      if (pending[s].empty()) continue;
      left = true;
      const std::size_t n = std::min<std::size_t>(pending[s].size(), 1 + rng() % max_batch);
      std::vector<sync::FactPayload> part(pending[s].end() - static_cast<std::ptrdiff_t>(n),
                                          pending[s].end());
      pending[s].resize(pending[s].size() - n);
      if (!sent.empty() && rng() % 3 == 0) {
        const auto& again = sent[rng() % sent.size()];
        if (again.origin == stations[s].station_id) part.push_back(again);
      }
      push_facts(d, stations[s], part);
      for (auto& f : part) sent.push_back(f);
      after_batch();
    }
  }
  return sent.size();
}

}  // namespace weimin::test
