// Figures: what the station did on a day — tickets taken, served and not shown, waits, cases by
// stage and overdue, satisfaction, and per-staff service counts. Read-only.
// Thread-safety: as Station.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "weimin/core/case.hpp"
#include "weimin/core/evaluation.hpp"
#include "weimin/core/queue.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station {

struct DayFigures {
  std::string day;
  core::QueueFigures queue;
  double no_show_rate = 0;  // no-shows ÷ tickets called at least once
  std::map<std::string, int> cases_by_stage;  // every case of the station, by current stage
  int cases_collected_today = 0;
  int cases_overdue = 0;
  // Ratings of services and cases given that day (the first per ticket or case counts);
  // satisfaction_rate() is (满意 + 基本满意) ÷ all, empty when nobody rated.
  core::SatisfactionFigures satisfaction;
  // Per staff member: tickets finished and the ratings naming them.
  std::vector<core::StaffFigures> staff;
};

// Figures of `day` (YYYY-MM-DD, default today). Invalid for a malformed day.
Result<DayFigures> day_figures(Station& station, std::optional<std::string> day = std::nullopt);

}  // namespace weimin::station
