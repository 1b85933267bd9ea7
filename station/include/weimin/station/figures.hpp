// Figures: what the station did on a day — tickets taken, served and not shown, waits, cases by
// stage and overdue, satisfaction, and per-staff service counts. Read-only.
// Thread-safety: as Station.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "weimin/core/case.hpp"
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
  int evaluations = 0;        // case and service ratings given that day
  int satisfied = 0;          // 满意
  int basically_satisfied = 0;  // 基本满意
  int dissatisfied = 0;       // 不满意
  // (满意 + 基本满意) ÷ all ratings; empty when nobody rated.
  std::optional<double> satisfaction_rate;
  std::map<std::string, int> served_by_staff;
};

// Figures of `day` (YYYY-MM-DD, default today). Invalid for a malformed day.
Result<DayFigures> day_figures(Station& station, std::optional<std::string> day = std::nullopt);

}  // namespace weimin::station
