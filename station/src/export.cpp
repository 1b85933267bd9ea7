#include "weimin/station/export.hpp"

#include <ostream>

#include "weimin/core/mask.hpp"

namespace weimin::station {

Result<std::int64_t> export_masked(Station& station, const Session& by, std::ostream& out) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::ExportRecords));
  WEIMIN_ASSIGN_OR_RETURN(auto facts, storage::Facts::by_kind(station.db(), ""));
  for (const auto& f : facts) {
    // Every string of the body is masked: a contact field, or a phone number a resident typed
    // into a description. The envelope (ids, clocks) holds no personal numbers.
    nlohmann::json body = nlohmann::json::parse(f.body);
    core::mask_personal_numbers_in_json(body);
    nlohmann::json line = {{"id", f.id},         {"kind", f.kind}, {"subject", f.subject},
                           {"origin", f.origin}, {"hlc", f.hlc},   {"wall_ms", f.wall_ms},
                           {"day", f.day},       {"body", body}};
    out << line.dump() << "\n";
  }
  if (!out) return Status(ErrorCode::Io, "writing the export failed (disk full?)");
  const auto count = static_cast<std::int64_t>(facts.size());
  StaffDesk desk(station);
  WEIMIN_TRY(station.transact([&] {
    return desk.audit(by, "export", "facts", {{"facts", count}});
  }));
  return count;
}

}  // namespace weimin::station
