// A case's state from its stored facts: shared by the case desk (cases.cpp), the case
// projection (case_index.cpp) and the figures (figures.cpp).
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "weimin/core/case.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::station {

// One stored case fact as a case event. Corrupt for a malformed id or body.
Result<core::CaseEvent> case_event_of(const storage::FactRow& row);

// A case's state from its subject's facts (in HLC order; facts other than case.* skipped).
// NotFound when there is no case fact. A step of a kind this release does not know (made by a
// newer release; the district sends it only to a station of its schema, docs/PROTOCOL.md
// "Schemas") is counted in *unknown and left out of the state; with unknown == nullptr (before a
// new step is checked against the state) it is refused (TooNew), saying to upgrade the station.
Result<core::CaseState> fold_case_rows(const core::Uuid& id,
                                       const std::vector<storage::FactRow>& rows,
                                       int* unknown = nullptr);

}  // namespace weimin::station
