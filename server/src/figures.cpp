// The district's figures (figures.hpp, docs/FIGURES.md): figure units from a case's steps, the
// one place that counts them, and the brute force over facts the stores are tested against.
#include "weimin/server/figures.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "grid_tables.hpp"
#include "projection_store.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/evaluation.hpp"
#include "weimin/core/queue.hpp"
#include "weimin/server/store.hpp"

namespace weimin::server {

namespace {

constexpr int kMaxPeriodDays = 400;

bool is_rated_satisfied(const std::string& rating) {
  return rating == "satisfied" || rating == "basically_satisfied";
}

}  // namespace

// [SECTION] Units

std::string district_day(std::int64_t unix_ms) {
  return core::local_date(unix_ms).to_string();
}

namespace projection {

std::vector<WhistleUnit> units_of_state(const core::CaseState& state,
                                        const std::map<core::Uuid, const core::CaseEvent*>& by_id,
                                        const std::string& community,
                                        const core::CaseDeadlines& deadlines) {
  std::vector<WhistleUnit> out;
  // The units of the round now open: [round_begin, out.size()); none open when round_open false.
  std::size_t round_begin = 0;
  bool round_open = false;
  int rounds = 0;
  core::WhistleKind kind = core::WhistleKind::Routine;
  auto unit_of = [&](const std::string& department) -> WhistleUnit* {
    if (!round_open) return nullptr;
    for (std::size_t i = round_begin; i < out.size(); ++i) {
      if (out[i].department == department) return &out[i];
    }
    return nullptr;
  };
  auto name = [&](const std::string& department, std::int64_t at) {
    const core::CaseDeadlines::Limits& h = deadlines.for_kind(kind);
    WhistleUnit u;
    u.case_id = state.case_id.to_string();
    u.round = rounds - 1;
    u.first = out.size() == round_begin;
    u.department = department;
    u.community = community;
    u.office = community.substr(0, 9);
    u.source = state.source;
    u.level = out.size() > round_begin ? out[round_begin].level : "";
    u.kind = std::string(core::to_string(kind));
    u.whistled_ms = out.size() > round_begin ? out[round_begin].whistled_ms : at;
    u.day = district_day(u.whistled_ms);
    u.named_ms = at;
    u.report_due_ms = deadlines.due_after(h, at, h.report_in);  // hours or working days
    u.resolve_due_ms = deadlines.resolve_due(h, at);
    out.push_back(std::move(u));
  };
  for (const core::CaseStep& step : state.timeline) {
    auto it = by_id.find(step.event);
    if (it == by_id.end()) continue;
    const core::CaseEvent& e = *it->second;
    const std::int64_t at = step.effective.wall_ms;
    switch (step.kind) {
      case core::CaseEventKind::Whistled: {
        const auto& w = std::get<core::CaseWhistled>(e.payload);
        round_begin = out.size();
        round_open = true;
        ++rounds;
        kind = w.kind;
        for (const std::string& d : w.departments) {
          name(d, at);
          out.back().level = std::string(core::to_string(w.level));
          out.back().whistled_ms = at;
          out.back().day = district_day(at);
        }
        break;
      }
      case core::CaseEventKind::Escalated: {
        if (!round_open) break;
        for (std::size_t i = round_begin; i < out.size(); ++i) out[i].level = "district";
        for (const std::string& d : std::get<core::CaseEscalated>(e.payload).departments) {
          if (unit_of(d) == nullptr) name(d, at);
        }
        break;
      }
      case core::CaseEventKind::Reported:
        if (WhistleUnit* u = unit_of(core::responding_department(e)); u && u->reported_ms == 0) {
          u->reported_ms = at;
        }
        break;
      case core::CaseEventKind::Feedback:
        if (WhistleUnit* u = unit_of(core::responding_department(e)); u && u->feedback_ms == 0) {
          u->feedback_ms = at;
        }
        break;
      case core::CaseEventKind::Returned:
        if (WhistleUnit* u = unit_of(core::responding_department(e)); u && u->returned_ms == 0) {
          u->returned_ms = at;
          u->return_reason = std::get<core::CaseReturned>(e.payload).reason;
        }
        break;
      case core::CaseEventKind::Verified:
        if (round_open) {
          for (std::size_t i = round_begin; i < out.size(); ++i) {
            if (out[i].verified_ms == 0) out[i].verified_ms = at;
          }
        }
        break;
      case core::CaseEventKind::Evaluated:
        if (round_open) {
          const std::string rating(
              core::to_string(std::get<core::CaseEvaluated>(e.payload).rating));
          for (std::size_t i = round_begin; i < out.size(); ++i) {
            if (out[i].rating.empty()) out[i].rating = rating;
          }
        }
        break;
      case core::CaseEventKind::Reopened:
      case core::CaseEventKind::ResolvedLocally:
        round_open = false;  // a new round needs a new whistle
        break;
      default:
        break;
    }
  }
  for (WhistleUnit& u : out) {
    if (u.feedback_ms > 0 && u.verified_ms > 0) {
      u.resolved_ms = std::max(u.feedback_ms, u.verified_ms);
    }
  }
  return out;
}

}  // namespace projection

std::vector<WhistleUnit> whistle_units(const core::Uuid& case_id,
                                       std::span<const core::CaseEvent> events,
                                       const std::string& community,
                                       const core::CaseDeadlines& deadlines) {
  const core::CaseState state = core::fold_case(case_id, events);
  return projection::units_of_state(state, projection::events_by_id(events), community, deadlines);
}

// [SECTION] Queries

Status check_figure_query(const FigureQuery& query) {
  auto from = core::CivilDate::parse(query.from);
  if (!from.is_ok()) {
    return Status(ErrorCode::Invalid,
                  "the period's first day '" + query.from +
                      "' is not a date: type it as YYYY-MM-DD, e.g. 2026-11-01");
  }
  auto to = core::CivilDate::parse(query.to);
  if (!to.is_ok()) {
    return Status(ErrorCode::Invalid,
                  "the period's last day '" + query.to +
                      "' is not a date: type it as YYYY-MM-DD, e.g. 2026-11-30");
  }
  const std::int64_t days = to->days_since_epoch() - from->days_since_epoch();
  if (days < 0) {
    return Status(ErrorCode::Invalid, "the period ends (" + query.to + ") before it begins (" +
                                          query.from + "): swap the two dates");
  }
  if (days >= kMaxPeriodDays) {
    return Status(ErrorCode::Invalid, "the period from " + query.from + " to " + query.to + " is " +
                                          std::to_string(days + 1) +
                                          " days long; ask for at most " +
                                          std::to_string(kMaxPeriodDays) + " days at a time");
  }
  if (!query.by.empty() && query.by != "day" && query.by != "week" && query.by != "month") {
    return Status(ErrorCode::Invalid, "'" + query.by + "' is not a series: use day, week or month");
  }
  return Status::ok();
}

// [SECTION] Figures

std::optional<double> Rate::value() const {
  if (due <= 0) return std::nullopt;
  return static_cast<double>(met) / static_cast<double>(due);
}

std::optional<std::int64_t> QueueFigureRow::average_wait_ms() const {
  if (called <= 0) return std::nullopt;
  return wait_total_ms / called;
}

std::vector<FigureGroup> ranked(std::vector<FigureGroup> groups, RateKind by) {
  auto rate_of = [by](const FigureGroup& g) -> const Rate& {
    switch (by) {
      case RateKind::Responded:
        return g.rates.responded;
      case RateKind::Resolved:
        return g.rates.resolved;
      case RateKind::Satisfied:
        break;
    }
    return g.rates.satisfied;
  };
  std::stable_sort(groups.begin(), groups.end(), [&](const FigureGroup& a, const FigureGroup& b) {
    const Rate& ra = rate_of(a);
    const Rate& rb = rate_of(b);
    const bool ha = ra.due > 0;
    const bool hb = rb.due > 0;
    if (ha != hb) return ha;
    if (ha) {
      // met_a/due_a vs met_b/due_b without rounding.
      const __int128 l = static_cast<__int128>(ra.met) * rb.due;
      const __int128 r = static_cast<__int128>(rb.met) * ra.due;
      if (l != r) return l > r;
      if (ra.due != rb.due) return ra.due > rb.due;
    }
    return a.key < b.key;
  });
  return groups;
}

std::string bucket_of(const std::string& day, const std::string& by, const std::string& from) {
  if (by == "day" || by.empty()) return day;
  auto date = core::CivilDate::parse(day);
  if (!date.is_ok()) return day;
  std::string start;
  if (by == "week") {
    const std::int64_t monday = date->days_since_epoch() - (date->weekday() - 1);
    start = core::CivilDate::from_days(monday).to_string();
  } else {
    start = day.substr(0, 8) + "01";
  }
  return std::max(start, from);
}

namespace {

// Adds unit `u` to row `g`: a round when `as_round`, the rates always, satisfaction per round
// (as_round) or per unit (a department's row).
void count(FigureGroup& g, const WhistleUnit& u, bool as_round, bool satisfaction_per_unit,
           std::int64_t now_ms) {
  if (as_round) ++g.whistles;
  ++g.units;
  // A round's rating counts for the round whoever returned; a department's only when it did not.
  if (((as_round && !satisfaction_per_unit) || (satisfaction_per_unit && u.returned_ms == 0)) &&
      !u.rating.empty()) {
    ++g.rates.satisfied.due;
    if (is_rated_satisfied(u.rating)) ++g.rates.satisfied.met;
  }
  if (u.returned_ms > 0) {
    ++g.returned;
    return;
  }
  if (u.report_due_ms > 0 && (u.reported_ms > 0 || u.report_due_ms < now_ms)) {
    ++g.rates.responded.due;
    if (u.reported_ms > 0 && u.reported_ms <= u.report_due_ms) ++g.rates.responded.met;
  }
  if (u.resolve_due_ms > 0 && (u.resolved_ms > 0 || u.resolve_due_ms < now_ms)) {
    ++g.rates.resolved.due;
    if (u.resolved_ms > 0 && u.resolved_ms <= u.resolve_due_ms) ++g.rates.resolved.met;
  }
}

FigureGroup& group(std::vector<FigureGroup>& groups, std::map<std::string, std::size_t>& index,
                   const std::string& key) {
  auto [it, fresh] = index.emplace(key, groups.size());
  if (fresh) groups.push_back(FigureGroup{key, 0, 0, 0, {}});
  return groups[it->second];
}

}  // namespace

void add_units(DistrictFigures& out, std::span<const WhistleUnit> units, const FigureQuery& query) {
  // Indexes of the groups already in `out` (add_units may be called more than once).
  auto index_of = [](const std::vector<FigureGroup>& groups) {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < groups.size(); ++i) index.emplace(groups[i].key, i);
    return index;
  };
  auto level = index_of(out.by_level), kind = index_of(out.by_kind),
       source = index_of(out.by_source), office = index_of(out.by_office),
       community = index_of(out.by_community), department = index_of(out.by_department),
       series = index_of(out.series);
  std::map<std::pair<std::string, std::string>, std::int64_t> returns;
  for (const ReturnFigure& r : out.returns) returns[{r.department, r.reason}] += r.count;
  // With a department's scope every unit is its own round (the rounds that named it).
  const bool per_unit = !query.department.empty();
  const std::int64_t now = query.now_ms;
  for (const WhistleUnit& u : units) {
    const bool as_round = per_unit || u.first;
    count(group(out.by_department, department, u.department), u, true, true, now);
    count(group(out.by_office, office, u.office), u, as_round, per_unit, now);
    if (query.rankings_only) continue;
    count(out.total, u, as_round, per_unit, now);
    count(group(out.by_level, level, u.level), u, as_round, per_unit, now);
    count(group(out.by_kind, kind, u.kind), u, as_round, per_unit, now);
    count(group(out.by_source, source, u.source), u, as_round, per_unit, now);
    count(group(out.by_community, community, u.community), u, as_round, per_unit, now);
    if (!query.by.empty()) {
      count(group(out.series, series, bucket_of(u.day, query.by, query.from)), u, as_round,
            per_unit, now);
    }
    if (u.returned_ms > 0) ++returns[{u.department, u.return_reason}];
  }
  out.returns.clear();
  for (const auto& [key, n] : returns) out.returns.push_back({key.first, key.second, n});
}

void finish_figures(DistrictFigures& out) {
  auto by_key = [](std::vector<FigureGroup>& groups) {
    std::sort(groups.begin(), groups.end(),
              [](const FigureGroup& a, const FigureGroup& b) { return a.key < b.key; });
  };
  for (auto* groups : {&out.by_level, &out.by_kind, &out.by_office, &out.by_community,
                       &out.by_department, &out.series}) {
    by_key(*groups);
  }
  std::sort(out.by_source.begin(), out.by_source.end(),
            [](const FigureGroup& a, const FigureGroup& b) {
              return std::tie(b.whistles, a.key) < std::tie(a.whistles, b.key);
            });
  std::sort(out.returns.begin(), out.returns.end(),
            [](const ReturnFigure& a, const ReturnFigure& b) {
              return std::tie(b.count, a.department, a.reason) <
                     std::tie(a.count, b.department, b.reason);
            });
  auto by_place = [](std::vector<QueueFigureRow>& rows) {
    std::sort(rows.begin(), rows.end(), [](const QueueFigureRow& a, const QueueFigureRow& b) {
      return std::tie(a.community, a.line, a.window) < std::tie(b.community, b.line, b.window);
    });
  };
  by_place(out.queue_by_station);
  by_place(out.queue_by_line);
  by_place(out.queue_by_window);
  std::sort(out.by_grid.begin(), out.by_grid.end(), [](const GridFigure& a, const GridFigure& b) {
    return std::pair(a.grid.empty(), a.grid) < std::pair(b.grid.empty(), b.grid);
  });
}

// [SECTION] Queue days

namespace projection {

std::vector<QueueFigureRow> queue_day_rows(const core::QueueState& state,
                                           const std::string& community) {
  std::map<std::pair<int, int>, QueueFigureRow> rows;
  for (const auto& [id, t] : state.tickets) {
    QueueFigureRow& r = rows[{t.line, t.window}];
    r.community = community;
    r.line = t.line;
    r.window = t.window;
    ++r.taken;
    if (t.state == core::TicketState::Done) ++r.served;
    if (t.state == core::TicketState::NoShow) ++r.no_shows;
    if (t.first_called_ms) {
      ++r.called;
      const std::int64_t wait = std::max<std::int64_t>(0, *t.first_called_ms - t.taken_ms);
      r.wait_total_ms += wait;
      r.longest_wait_ms = std::max(r.longest_wait_ms, wait);
    }
  }
  std::vector<QueueFigureRow> out;
  for (auto& [key, r] : rows) out.push_back(std::move(r));
  return out;
}

void add_queue_rows(DistrictFigures& out, std::span<const QueueFigureRow> rows) {
  std::map<std::tuple<std::string, int, int>, QueueFigureRow> station, line, window;
  auto fold = [](std::map<std::tuple<std::string, int, int>, QueueFigureRow>& into,
                 const QueueFigureRow& r, int at_line, int at_window) {
    QueueFigureRow& s = into[{r.community, at_line, at_window}];
    s.community = r.community;
    s.line = at_line;
    s.window = at_window;
    s.taken += r.taken;
    s.served += r.served;
    s.no_shows += r.no_shows;
    s.called += r.called;
    s.wait_total_ms += r.wait_total_ms;
    s.longest_wait_ms = std::max(s.longest_wait_ms, r.longest_wait_ms);
  };
  for (auto* list : {&out.queue_by_station, &out.queue_by_line, &out.queue_by_window}) {
    for (const QueueFigureRow& r : *list) {
      auto& into = list == &out.queue_by_station ? station
                   : list == &out.queue_by_line  ? line
                                                 : window;
      fold(into, r, r.line, r.window);
    }
  }
  for (const QueueFigureRow& r : rows) {
    fold(station, r, 0, 0);
    fold(line, r, r.line, 0);
    if (r.window > 0) fold(window, r, 0, r.window);
  }
  out.queue_by_station.clear();
  out.queue_by_line.clear();
  out.queue_by_window.clear();
  for (auto& [k, r] : station) out.queue_by_station.push_back(r);
  for (auto& [k, r] : line) out.queue_by_line.push_back(r);
  for (auto& [k, r] : window) out.queue_by_window.push_back(r);
}

std::vector<core::TicketEvent> ticket_events(const std::vector<FactRecord>& facts) {
  std::vector<core::TicketEvent> out;
  for (const FactRecord& r : facts) {
    if (!r.fact.kind.starts_with("ticket.")) continue;
    auto e = core::ticket_event_from_json(r.fact.body, "ticket fact " + r.fact.id);
    if (e.is_ok()) out.push_back(std::move(*e));
  }
  return out;
}

bool in_scope(const FigureQuery& q, const std::string& community) {
  if (!q.community.empty() && community != q.community) return false;
  if (!q.office.empty() && community.substr(0, 9) != q.office) return false;
  return true;
}

bool open_stage(const std::string& stage) {
  return stage != "closed" && stage != "evaluated" && stage != "verified" && stage != "none";
}

}  // namespace projection

// [SECTION] The brute force

DistrictFigures figures_from_facts(const std::vector<FactRecord>& facts,
                                   const core::Catalog* catalog, const FigureQuery& query) {
  const core::CaseDeadlines deadlines =
      catalog ? projection::deadlines_of(*catalog) : core::CaseDeadlines{};
  std::map<std::string, std::vector<FactRecord>> cases;
  std::map<std::pair<std::string, std::string>, std::vector<FactRecord>> station_days;
  std::set<std::string> seen;
  for (const FactRecord& f : facts) {
    if (!seen.insert(f.fact.id).second) continue;
    if (f.fact.kind.starts_with("case.")) cases[f.fact.subject].push_back(f);
    if (f.fact.kind.starts_with("ticket.")) station_days[{f.community, f.fact.day}].push_back(f);
  }
  DistrictFigures out;
  std::vector<WhistleUnit> units;
  std::vector<CaseRow> overdue;
  for (auto& [id, case_facts] : cases) {
    std::sort(case_facts.begin(), case_facts.end(), [](const FactRecord& a, const FactRecord& b) {
      return std::tie(a.fact.hlc, a.fact.origin, a.fact.id) <
             std::tie(b.fact.hlc, b.fact.origin, b.fact.id);
    });
    const std::string community = projection::case_community(case_facts);
    if (!projection::in_scope(query, community)) continue;
    const auto case_id = core::Uuid::parse(id);
    if (!case_id) continue;
    const std::vector<core::CaseEvent> events = projection::case_events(case_facts);
    const CaseRow row = project_case(*case_id, events, community, deadlines);
    if (query.department.empty() && !query.rankings_only) {
      const auto grid = projection::grid_case_of(core::fold_case(*case_id, events), row);
      const bool overdue = projection::open_stage(row.stage) &&
                           projection::overdue_at(row.next_due_ms, query.now_ms);
      auto in_period = [&](const std::string& day) {
        return !day.empty() && day >= query.from && day <= query.to;
      };
      const bool collected = grid && in_period(grid->collected_day);
      const bool closed = grid && in_period(grid->closed_day);
      if (collected || closed || overdue) {
        grid_tables::add_grid_counts(out, row.grid, collected, closed, overdue);
      }
    }
    const bool mine =
        query.department.empty() ||
        std::any_of(row.departments.begin(), row.departments.end(),
                    [&](const CaseDepartmentRow& d) { return d.department == query.department; });
    if (!query.rankings_only && mine && projection::open_stage(row.stage)) {
      ++out.open_cases;
      if (projection::overdue_at(row.next_due_ms, query.now_ms)) {
        ++out.overdue_cases;
        CaseRow listed = row;
        listed.detail_json.clear();
        overdue.push_back(std::move(listed));
      }
    }
    for (WhistleUnit& u : whistle_units(*case_id, events, community, deadlines)) {
      if (u.day < query.from || u.day > query.to) continue;
      if (!query.department.empty() && u.department != query.department) continue;
      u.case_id = id;
      units.push_back(std::move(u));
    }
  }
  std::sort(overdue.begin(), overdue.end(), [](const CaseRow& a, const CaseRow& b) {
    return std::tie(a.next_due_ms, a.case_id) < std::tie(b.next_due_ms, b.case_id);
  });
  if (overdue.size() > static_cast<std::size_t>(kMaxOverdueListed)) {
    overdue.resize(kMaxOverdueListed);
  }
  out.overdue = std::move(overdue);
  add_units(out, units, query);
  if (!query.rankings_only && query.department.empty()) {
    std::vector<QueueFigureRow> rows;
    for (const auto& [key, day_facts] : station_days) {
      const auto& [community, day] = key;
      if (day < query.from || day > query.to || !projection::in_scope(query, community)) continue;
      const core::QueueState state = core::fold_queue(projection::ticket_events(day_facts));
      for (QueueFigureRow& r : projection::queue_day_rows(state, community)) {
        rows.push_back(std::move(r));
      }
    }
    projection::add_queue_rows(out, rows);
  }
  finish_figures(out);
  return out;
}

// [SECTION] The staff sheet

Result<StaffSheet> staff_sheet(const std::vector<FactRecord>& facts, const std::string& community,
                               const std::string& month, const std::string& roster_json) {
  if (month.size() != 7 || !core::CivilDate::parse(month + "-01").is_ok()) {
    return Status(ErrorCode::Invalid,
                  "'" + month + "' is not a month: type it as YYYY-MM, e.g. 2026-11");
  }
  StaffSheet sheet;
  sheet.community = community;
  sheet.month = month;
  std::map<std::string, std::vector<core::TicketEvent>> ticket_days;
  std::map<std::string, std::set<std::string>> handled;
  std::map<std::string, std::int64_t> closed;
  std::vector<core::Evaluation> evaluations;
  std::set<std::string> seen;
  for (const FactRecord& r : facts) {
    const sync::FactPayload& f = r.fact;
    if (r.community != community || !f.day.starts_with(month) || !seen.insert(f.id).second) {
      continue;
    }
    if (f.kind.starts_with("ticket.")) {
      auto e = core::ticket_event_from_json(f.body, "ticket fact " + f.id);
      if (e.is_ok()) ticket_days[f.day].push_back(std::move(*e));
    } else if (f.kind.starts_with("case.")) {
      const std::vector<core::CaseEvent> one = projection::case_events({r});
      if (one.empty() || !core::is_station_role(one.front().actor_role)) continue;
      handled[one.front().actor].insert(f.subject);
      if (one.front().kind() == core::CaseEventKind::Closed) ++closed[one.front().actor];
    } else if (f.kind == core::kEvaluationKind) {
      auto e = core::evaluation_from_json(f.body, "evaluation fact " + f.id);
      if (e.is_ok()) evaluations.push_back(std::move(*e));
    }
  }
  std::map<std::string, int> served;
  for (auto& [day, events] : ticket_days) {
    for (const auto& [staff, n] : core::served_by_staff(core::fold_queue(std::move(events)))) {
      served[staff] += n;
    }
  }
  std::sort(evaluations.begin(), evaluations.end(),
            [](const core::Evaluation& a, const core::Evaluation& b) {
              return core::fact_order_less(a, b);
            });
  std::map<std::string, StaffSheetRow> rows;
  for (const core::StaffFigures& s : core::staff_figures(served, evaluations)) {
    StaffSheetRow& row = rows[s.staff];
    row.staff = s.staff;
    row.served = s.served;
    row.satisfaction = s.satisfaction;
  }
  for (const auto& [staff, cases] : handled) {
    StaffSheetRow& row = rows[staff];
    row.staff = staff;
    row.cases_handled = static_cast<std::int64_t>(cases.size());
    row.cases_closed = closed[staff];
  }
  if (!roster_json.empty()) {
    const auto roster = nlohmann::json::parse(roster_json, nullptr, false);
    if (roster.is_object() && roster.contains("staff") && roster["staff"].is_array()) {
      for (const auto& e : roster["staff"]) {
        if (!e.is_object() || !e.contains("staff_no") || !e.contains("name")) continue;
        if (e.contains("community") && e["community"].is_string() &&
            e["community"].get<std::string>() != community) {
          continue;
        }
        if (!e["staff_no"].is_string() || !e["name"].is_string()) continue;
        auto it = rows.find(e["staff_no"].get<std::string>());
        if (it != rows.end()) it->second.name = e["name"].get<std::string>();
      }
    }
  }
  for (auto& [staff, row] : rows) sheet.rows.push_back(std::move(row));
  return sheet;
}

}  // namespace weimin::server
