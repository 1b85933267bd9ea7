// Station::current_case_deadlines (station.hpp): the deadlines of the catalog stored now, so a
// catalog a sync pulled counts at once for overdue, whichever connection pulled it.
#include "weimin/station/station.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::station {

core::CaseDeadlines Station::current_case_deadlines() {
  auto text = storage::Meta::get(db(), "catalog");
  if (!text.is_ok() || !*text) return core::case_deadlines(catalog_);
  if (**text != deadlines_text_) {
    auto parsed = core::parse_catalog(**text, "the station's stored catalog");
    if (!parsed.is_ok()) return core::case_deadlines(catalog_);
    deadlines_ = core::case_deadlines(*parsed);
    deadlines_text_ = std::move(**text);
  }
  return deadlines_;
}

}  // namespace weimin::station
