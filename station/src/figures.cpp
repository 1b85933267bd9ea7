#include "weimin/station/figures.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "case_fold.hpp"
#include "case_index.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/staff.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/evaluations.hpp"
#include "weimin/station/queue.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::station {

namespace {

// Every case of the station now: by stage, overdue, by grid, and the years its deadlines fall
// back to Monday–Friday in. From the case projection: a read per stage, not a fold per case.
Status cases_now(Station& station, std::map<std::string, int>& by_stage, int& overdue,
                 std::vector<GridCaseCount>& grids, std::vector<int>& fallback_years) {
  Cases cases(station);
  WEIMIN_ASSIGN_OR_RETURN(grids, cases.count_by_grid());
  WEIMIN_ASSIGN_OR_RETURN(auto counts, case_index::stage_counts(station, station.now_ms()));
  by_stage = std::move(counts.by_stage);
  overdue = counts.overdue;
  WEIMIN_ASSIGN_OR_RETURN(fallback_years, cases.deadline_fallback_years_now());
  return Status::ok();
}

}  // namespace

Result<DayFigures> day_figures(Station& station, std::optional<std::string> day) {
  DayFigures f;
  f.day = day.value_or(station.today());
  WEIMIN_TRY(core::CivilDate::parse(f.day).status());
  Queue queue(station);
  WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, queue.on_day(f.day));
  f.queue = core::queue_figures(state);
  if (f.queue.called > 0) f.no_show_rate = static_cast<double>(f.queue.no_shows) / f.queue.called;

  WEIMIN_TRY(
      cases_now(station, f.cases_by_stage, f.cases_overdue, f.grids, f.deadline_fallback_years));
  WEIMIN_ASSIGN_OR_RETURN(auto collected,
                          storage::Facts::by_kind_on_day(station.db(), "case.collected", f.day));
  f.cases_collected_today = static_cast<int>(collected.size());

  Evaluations evaluations(station);
  WEIMIN_ASSIGN_OR_RETURN(auto rated, evaluations.on_day(f.day));
  f.satisfaction = core::satisfaction_figures(rated);
  f.staff = core::staff_figures(core::served_by_staff(state), rated);
  return f;
}

// [SECTION] A period

namespace {

Result<core::CivilDate> parse_period_date(std::string_view text, std::string_view which) {
  auto date = core::CivilDate::parse(text);
  if (!date.is_ok()) {
    return Status(ErrorCode::Invalid,
                  "the " + std::string(which) + " date '" + std::string(text) +
                      "' is not a date; type it as YYYY-MM-DD, e.g. 2026-11-01");
  }
  return date;
}

// Who recorded a case fact and whether they are station staff (a staff number), from its body.
struct CaseActor {
  std::string actor;
  bool staff = false;
};

Result<CaseActor> case_actor(const storage::FactRow& row) {
  WEIMIN_ASSIGN_OR_RETURN(core::CaseEvent ev, case_event_of(row));
  return CaseActor{ev.actor, core::is_station_role(ev.actor_role)};
}

}  // namespace

Result<PeriodFigures> period_figures(Station& station, std::string from, std::string to) {
  WEIMIN_ASSIGN_OR_RETURN(const core::CivilDate first, parse_period_date(from, "start"));
  WEIMIN_ASSIGN_OR_RETURN(const core::CivilDate last, parse_period_date(to, "end"));
  if (last < first) {
    return Status(ErrorCode::Invalid, "the period ends on " + to + ", before it starts on " + from +
                                          "; type an end date on or after the start date");
  }
  const std::int64_t first_day = first.days_since_epoch();
  const std::int64_t day_count = last.days_since_epoch() - first_day + 1;
  if (day_count > kMaxFiguresDays) {
    return Status(ErrorCode::Invalid,
                  "the period from " + from + " to " + to + " is " + std::to_string(day_count) +
                      " days long; ask for at most " + std::to_string(kMaxFiguresDays) +
                      " days (a year) at a time");
  }
  PeriodFigures f;
  f.from = first.to_string();
  f.to = last.to_string();

  Queue queue(station);
  Evaluations evaluations(station);
  core::QueueBreakdown totals;
  std::map<std::string, int> served;
  std::vector<core::Evaluation> rated;
  std::map<std::string, std::set<std::string>> handled;  // staff → case ids
  std::map<std::string, int> closed_by;                  // staff → case.closed steps
  for (std::int64_t n = 0; n < day_count; ++n) {
    DaySeries series;
    series.day = core::CivilDate::from_days(first_day + n).to_string();
    WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, queue.on_day(series.day));
    const core::QueueBreakdown day = core::queue_breakdown(state);
    series.tickets = day.all.tickets;
    series.served = day.all.served;
    totals += day;
    for (const auto& [staff, count] : core::served_by_staff(state)) served[staff] += count;

    WEIMIN_ASSIGN_OR_RETURN(auto day_rated, evaluations.on_day(series.day));
    rated.insert(rated.end(), day_rated.begin(), day_rated.end());

    WEIMIN_ASSIGN_OR_RETURN(auto case_rows,
                            storage::Facts::by_kind_on_day(station.db(), "case.", series.day));
    for (const auto& row : case_rows) {
      if (row.kind == "case.collected") ++series.cases_collected;
      // A step of a newer release (docs/PROTOCOL.md "Schemas") is not counted here.
      if (!core::parse_case_event_kind(row.kind).is_ok()) continue;
      WEIMIN_ASSIGN_OR_RETURN(const CaseActor who, case_actor(row));
      const bool is_close = row.kind == "case.closed";
      if (is_close) ++f.cases_closed;
      if (!who.staff) continue;
      handled[who.actor].insert(row.subject);
      if (is_close) ++closed_by[who.actor];
    }
    f.cases_collected += series.cases_collected;
    f.days.push_back(std::move(series));
  }
  f.queue = totals.all;
  f.lines = std::move(totals.by_line);
  f.windows = std::move(totals.by_window);
  if (f.queue.called > 0) f.no_show_rate = static_cast<double>(f.queue.no_shows) / f.queue.called;

  WEIMIN_TRY(
      cases_now(station, f.cases_by_stage, f.cases_overdue, f.grids, f.deadline_fallback_years));

  f.satisfaction = core::satisfaction_figures(rated);
  // The sheet: the roster's active members, then anyone else the period's facts name.
  std::map<std::string, StaffSheetRow> rows;
  StaffDesk desk(station);
  WEIMIN_ASSIGN_OR_RETURN(auto roster, desk.roster());
  std::map<std::string, std::string> names;
  for (const auto& r : roster) {
    names[r.staff_no] = r.name;
    if (r.active) rows[r.staff_no].staff = r.staff_no;
  }
  for (const auto& sf : core::staff_figures(served, rated)) {
    StaffSheetRow& row = rows[sf.staff];
    row.staff = sf.staff;
    row.served = sf.served;
    row.satisfaction = sf.satisfaction;
  }
  for (const auto& [staff, ids] : handled) {
    rows[staff].staff = staff;
    rows[staff].cases_handled = static_cast<int>(ids.size());
  }
  for (const auto& [staff, steps] : closed_by) rows[staff].cases_closed = steps;
  for (auto& [staff, row] : rows) {
    if (auto it = names.find(staff); it != names.end()) row.name = it->second;
    f.staff.push_back(std::move(row));
  }
  return f;
}

Result<std::pair<std::string, std::string>> month_period(std::string_view month) {
  const auto refuse = [&] {
    return Status(ErrorCode::Invalid, "the month '" + std::string(month) +
                                          "' is not a month; type it as YYYY-MM, e.g. 2026-11");
  };
  if (month.size() != 7 || month[4] != '-') return refuse();
  auto first = core::CivilDate::parse(std::string(month) + "-01");
  if (!first.is_ok()) return refuse();
  return month_of(first->to_string());
}

Result<std::pair<std::string, std::string>> month_of(std::string_view day) {
  WEIMIN_ASSIGN_OR_RETURN(const core::CivilDate date, parse_period_date(day, "given"));
  const core::CivilDate first{date.year, date.month, 1};
  const core::CivilDate next = date.month == 12 ? core::CivilDate{date.year + 1, 1, 1}
                                                : core::CivilDate{date.year, date.month + 1, 1};
  const core::CivilDate last = core::CivilDate::from_days(next.days_since_epoch() - 1);
  return std::pair<std::string, std::string>{first.to_string(), last.to_string()};
}

}  // namespace weimin::station
