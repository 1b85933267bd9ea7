// DistrictService's figures (service.hpp, figures.hpp): the period's figures and a station's
// monthly staff sheet, read from the store (no lock of the service's).
#include "weimin/core/civil_time.hpp"
#include "weimin/server/service.hpp"

namespace weimin::server {

Result<DistrictFigures> DistrictService::figures(FigureQuery query) {
  WEIMIN_TRY(check_figure_query(query));
  if (query.now_ms == 0) query.now_ms = clock_.now_ms();
  return store_.figures(query);
}

Result<StaffSheet> DistrictService::staff_sheet(const std::string& community,
                                                const std::string& month) {
  if (month.size() != 7 || !core::CivilDate::parse(month + "-01").is_ok()) {
    return Status(ErrorCode::Invalid,
                  "'" + month + "' is not a month: type it as YYYY-MM, e.g. 2026-11");
  }
  if (!sync::is_community_code(community)) {
    return Status(ErrorCode::Invalid,
                  "'" + community +
                      "' is not a community code: type the station's 12 digits, e.g. "
                      "530102001001");
  }
  auto first = core::CivilDate::parse(month + "-01");
  core::CivilDate next = *first;
  next.month = first->month == 12 ? 1 : first->month + 1;
  next.year = first->month == 12 ? first->year + 1 : first->year;
  const std::string last = core::CivilDate::from_days(next.days_since_epoch() - 1).to_string();
  WEIMIN_ASSIGN_OR_RETURN(std::string district, store_.district());
  if (community.substr(0, district.size()) != district) {
    return Status(ErrorCode::Invalid, "community " + community + " is not of district " + district +
                                          ": type one of this district's communities");
  }
  WEIMIN_ASSIGN_OR_RETURN(auto facts, store_.community_facts(community, month + "-01", last));
  WEIMIN_ASSIGN_OR_RETURN(auto roster, store_.latest_reference("roster"));
  return server::staff_sheet(facts, community, month, roster ? roster->json : std::string());
}

}  // namespace weimin::server
