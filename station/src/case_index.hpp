// The station's case projection (station schema 6, table case_now): each case's stage, grid and
// first due time, so the case desk and the figures read a row per case instead of folding every
// case. Facts stay the truth. A trigger marks the case of every case fact written as stale
// (case_now_stale), whoever writes it — this process, another (the kiosk and a `weimin`
// command share the store), a pulled page; before any read, refresh() refolds the stale cases,
// and, when the catalog's deadlines or calendar changed, every case with a due time. Dropping
// both tables' rows and marking every case stale rebuilds it from the facts.
// Thread-safety: as Station.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "weimin/core/case.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station::case_index {

// What the due times depend on (the limits and the calendar), as a text to compare.
std::string deadlines_key(const core::CaseDeadlines& deadlines);

// Brings the projection up to date with the facts and `deadlines`. Reads only when nothing is
// stale; otherwise refolds in the caller's open transaction, or in one of its own.
Status refresh(Station& station, const core::CaseDeadlines& deadlines);

// The ids of the cases `filter` selects (its limit and offset applied), newest first (by
// their case.collected fact's HLC, then id). Overdue at now_ms: after their due time.
Result<std::vector<std::string>> ids(Station& station, const CaseFilter& filter,
                                     std::int64_t now_ms);
// How many cases `filter` selects, its limit and offset ignored.
Result<int> count(Station& station, const CaseFilter& filter, std::int64_t now_ms);
// Every case by its current stage (core::to_string), and how many are overdue at now_ms.
struct StageCounts {
  std::map<std::string, int> by_stage;
  int overdue = 0;
};
Result<StageCounts> stage_counts(Station& station, std::int64_t now_ms);
// Per grid code ('' for none) of the cases present: collected, closed or evaluated, overdue.
Result<std::vector<GridCaseCount>> grid_counts(Station& station, std::int64_t now_ms);

}  // namespace weimin::station::case_index
