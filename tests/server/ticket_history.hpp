// Random station days of tickets and ratings of services for the district's property tests
// (figures_test.cpp, bulk_load_test.cpp): a day's tickets taken, called, finished or not shown,
// some left waiting, as the facts a station pushes; a resident's rating of a finished service.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "case_history.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/evaluation.hpp"
#include "weimin/core/ticket.hpp"

namespace weimin::test {

// A station day of tickets as facts, between 08:00 and 18:00 of the local day of `day`: taken,
// most called at a window by a staff member, then finished or not shown; some left waiting.
inline std::vector<sync::FactPayload> ticket_day(std::mt19937_64& rng, const std::string& origin,
                                                 std::int64_t day, std::uint64_t space,
                                                 std::vector<core::TicketEvent>* finished) {
  const std::int64_t day_start = core::unix_ms_at(core::local_date(day), 8 * 60);
  std::vector<sync::FactPayload> out;
  std::uint64_t n = 0;
  auto fact = [&](const core::TicketEvent& e) {
    out.push_back(sync::FactPayload{e.id.to_string(), std::string(core::to_string(e.kind())),
                                    e.ticket.to_string(), e.origin,
                                    static_cast<std::int64_t>(e.hlc.pack()), e.wall_ms,
                                    core::local_date(e.wall_ms).to_string(), core::to_json(e)});
  };
  const int tickets = 1 + static_cast<int>(rng() % 6);
  for (int k = 0; k < tickets; ++k) {
    std::int64_t t = day_start + static_cast<std::int64_t>(rng() % 8) * kHistoryHour;
    core::TicketEvent taken;
    taken.id = uuid_of(space, ++n);
    taken.ticket = taken.id;
    taken.hlc = {t, 0};
    taken.wall_ms = t;
    taken.origin = origin;
    const int line = 1 + static_cast<int>(rng() % 3);
    taken.body = core::TicketTaken{line, core::default_ticket_prefix(line), k + 1};
    fact(taken);
    if (rng() % 5 == 0) continue;  // still waiting
    const int window = 1 + static_cast<int>(rng() % 3);
    const std::string staff = rng() % 2 ? "S01" : "D001";
    auto step = [&](auto body) {
      t += static_cast<std::int64_t>(1 + rng() % 40) * 60'000;
      core::TicketEvent e;
      e.id = uuid_of(space, ++n);
      e.ticket = taken.id;
      e.hlc = {t, 0};
      e.wall_ms = t;
      e.origin = origin;
      e.window = window;
      e.staff = staff;
      e.body = body;
      fact(e);
      return e;
    };
    step(core::TicketCalled{{line}});
    if (rng() % 4 == 0) {
      step(core::TicketNoShow{});
    } else {
      finished->push_back(step(core::TicketFinished{}));
    }
  }
  return out;
}

inline sync::FactPayload evaluation_fact(const core::TicketEvent& finished, core::Rating rating,
                                         std::uint64_t space) {
  core::Evaluation e;
  e.id = uuid_of(space, 1);
  e.hlc = {finished.wall_ms + 60'000, 0};
  e.wall_ms = finished.wall_ms + 60'000;
  e.origin = finished.origin;
  e.target_kind = core::EvaluationTarget::Ticket;
  e.target = finished.ticket;
  e.rating = rating;
  e.staff = finished.staff;
  return sync::FactPayload{e.id.to_string(),
                           std::string(core::kEvaluationKind),
                           e.target.to_string(),
                           e.origin,
                           static_cast<std::int64_t>(e.hlc.pack()),
                           e.wall_ms,
                           core::local_date(e.wall_ms).to_string(),
                           core::to_json(e)};
}

}  // namespace weimin::test
