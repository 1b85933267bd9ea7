#include "case_fold.hpp"

#include <nlohmann/json.hpp>

namespace weimin::station {

Result<core::CaseEvent> case_event_of(const storage::FactRow& row) {
  auto id = core::Uuid::parse(row.id);
  auto case_id = core::Uuid::parse(row.subject);
  if (!id || !case_id) {
    return Status(ErrorCode::Corrupt, "fact " + row.id + " has a malformed id or case id");
  }
  nlohmann::json body = nlohmann::json::parse(row.body, nullptr, false);
  if (body.is_discarded()) return Status(ErrorCode::Corrupt, "fact " + row.id + " is not JSON");
  const core::CaseEventEnvelope envelope{
      *id, *case_id, core::HlcTimestamp::unpack(static_cast<std::uint64_t>(row.hlc)), row.origin,
      row.wall_ms};
  return core::case_event_from_body(envelope, row.kind, body);
}

Result<core::CaseState> fold_case_rows(const core::Uuid& id,
                                       const std::vector<storage::FactRow>& rows, int* unknown) {
  std::vector<core::CaseEvent> events;
  events.reserve(rows.size());
  for (const auto& row : rows) {
    if (row.kind.rfind("case.", 0) != 0) continue;
    if (!core::parse_case_event_kind(row.kind).is_ok()) {
      if (unknown == nullptr) {
        return Status(ErrorCode::TooNew,
                      "case " + id.to_string() + " holds a step '" + row.kind.substr(0, 64) +
                          "' this station's release does not know (a newer release made it); "
                          "upgrade this station to the district's release before acting on the "
                          "case");
      }
      ++*unknown;
      continue;
    }
    WEIMIN_ASSIGN_OR_RETURN(core::CaseEvent ev, case_event_of(row));
    events.push_back(std::move(ev));
  }
  if (events.empty()) {
    return Status(ErrorCode::NotFound, "there is no case " + id.to_string() + " at this station");
  }
  return core::fold_case(id, events);
}

}  // namespace weimin::station
