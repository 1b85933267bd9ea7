// The district's figures as JSON (`weimin-district figures --json`, docs/FIGURES.md): a stable
// shape for scripts — keys in sorted order, every rate as {"due", "met", "value"} (value null
// when nothing is due), times as Unix ms and local text.
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "weimin/server/figures.hpp"

namespace weimin::server {

nlohmann::json to_json(const Rate& rate);
nlohmann::json to_json(const FigureGroup& group);
// Every field of DistrictFigures, with the query that made it under "query".
nlohmann::json figures_to_json(const DistrictFigures& figures, const FigureQuery& query);
nlohmann::json staff_sheet_to_json(const StaffSheet& sheet);

}  // namespace weimin::server
