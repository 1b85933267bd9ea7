#include "weimin/station/figures.hpp"

#include "weimin/core/civil_time.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/evaluations.hpp"
#include "weimin/station/queue.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::station {

Result<DayFigures> day_figures(Station& station, std::optional<std::string> day) {
  DayFigures f;
  f.day = day.value_or(station.today());
  WEIMIN_TRY(core::CivilDate::parse(f.day).status());
  Queue queue(station);
  WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, queue.on_day(f.day));
  f.queue = core::queue_figures(state);
  if (f.queue.called > 0) f.no_show_rate = static_cast<double>(f.queue.no_shows) / f.queue.called;

  Cases cases(station);
  WEIMIN_ASSIGN_OR_RETURN(auto all, cases.list(std::nullopt, false));
  for (const auto& v : all) {
    ++f.cases_by_stage[std::string(core::to_string(v.state.stage))];
    if (!v.overdue.empty()) ++f.cases_overdue;
  }
  WEIMIN_ASSIGN_OR_RETURN(auto collected,
                          storage::Facts::by_kind_on_day(station.db(), "case.collected", f.day));
  f.cases_collected_today = static_cast<int>(collected.size());

  Evaluations evaluations(station);
  WEIMIN_ASSIGN_OR_RETURN(auto rated, evaluations.on_day(f.day));
  f.satisfaction = core::satisfaction_figures(rated);
  f.staff = core::staff_figures(core::served_by_staff(state), rated);
  return f;
}

}  // namespace weimin::station
