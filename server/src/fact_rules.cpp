// Who may write what (fact_rules.hpp).
#include "weimin/server/fact_rules.hpp"

#include <algorithm>

#include "weimin/core/catalog.hpp"
#include "weimin/core/staff.hpp"

namespace weimin::server {

std::optional<std::string> station_case_event_refusal(const core::CaseEvent& e) {
  using core::CaseEventKind;
  using core::Role;
  const std::string kind(core::to_string(e.kind()));
  const bool staff = core::is_station_role(e.actor_role);
  const bool resident = e.actor_role == Role::Resident;
  const std::string role(core::to_string(e.actor_role));
  // Residents act at the kiosk: they record a case, rate it, add a note.
  const bool resident_may = e.kind() == CaseEventKind::Collected ||
                            e.kind() == CaseEventKind::Evaluated || e.kind() == CaseEventKind::Note;
  if (!staff && !(resident && resident_may)) {
    return kind + " with actor_role " + role +
           " is not a station's step: a station writes steps of its own staff (and a "
           "resident's at the kiosk); street office and department steps are made at the "
           "district";
  }
  switch (e.kind()) {
    case CaseEventKind::Whistled: {
      const auto& w = std::get<core::CaseWhistled>(e.payload);
      if (w.level != core::WhistleLevel::Community) {
        return std::string(
            "a station blows community-level whistles only; a district-level "
            "whistle is the street office's, made at the district");
      }
      return std::nullopt;
    }
    case CaseEventKind::Reported:
    case CaseEventKind::Feedback:
    case CaseEventKind::Returned:
      if (e.on_behalf_of.empty()) {
        return kind +
               " from a station must be station staff recording a department's answer "
               "taken by phone (on_behalf_of the department); departments answer at "
               "the district themselves";
      }
      return std::nullopt;
    case CaseEventKind::Escalated:
    case CaseEventKind::SentBack:
      return kind +
             " is the street office's step, made at the district by the office itself; a "
             "station never writes it";
    default:
      return std::nullopt;
  }
}

Result<CatalogScope> catalog_scope(const std::string& catalog_json, std::int64_t gseq) {
  WEIMIN_ASSIGN_OR_RETURN(core::Catalog c,
                          core::parse_catalog(catalog_json, "the published catalog"));
  CatalogScope s;
  s.gseq = gseq;
  for (const auto& d : c.departments) s.departments.insert(d.id);
  for (const auto& o : c.street_offices) s.street_offices.insert(o.code);
  return s;
}

std::optional<std::string> whistle_departments_form_refusal(
    const std::vector<std::string>& departments) {
  if (departments.empty()) return std::string("a whistle names at least one department");
  if (departments.size() > kMaxWhistleDepartments) {
    return "a whistle names at most " + std::to_string(kMaxWhistleDepartments) +
           " departments, not " + std::to_string(departments.size());
  }
  std::set<std::string_view> seen;
  for (const std::string& d : departments) {
    if (!seen.insert(d).second)
      return "the whistle names department '" + d.substr(0, 64) + "' twice";
  }
  return std::nullopt;
}

std::optional<std::string> whistle_departments_refusal(const std::vector<std::string>& departments,
                                                       const CatalogScope* scope) {
  if (auto why = whistle_departments_form_refusal(departments)) return why;
  if (scope == nullptr) {
    return std::string(
        "the district has no catalog, so no department can be checked; publish it with "
        "weimin-district catalog publish FILE (e.g. assets/catalog/wuhua.json) and whistle again");
  }
  for (const std::string& d : departments) {
    if (!scope->departments.contains(d)) {
      return "department '" + d.substr(0, 64) +
             "' is not in the district's catalog; whistle the catalog's departments";
    }
  }
  return std::nullopt;
}

bool office_serves(std::string_view office, std::string_view community) {
  return office.size() == 9 && community.size() == 12 && community.substr(0, 9) == office;
}

std::optional<std::string> case_scope_refusal(const std::string& actor, core::Role role,
                                              const std::string& community,
                                              const core::CaseState& state,
                                              const CatalogScope* scope) {
  const std::string who = actor.substr(0, 64);
  const std::string case_id = state.case_id.to_string();
  if (role == core::Role::StreetOffice) {
    if (scope == nullptr || !scope->street_offices.contains(actor)) {
      return "street office '" + who +
             "' is not in the district's published catalog, so it reaches no case";
    }
    if (!office_serves(actor, community)) {
      return "case " + case_id + " is of community " + community + ", not of street office " + who +
             "'s communities";
    }
    return std::nullopt;
  }
  if (role == core::Role::Department) {
    if (scope == nullptr || !scope->departments.contains(actor)) {
      return "department '" + who +
             "' is not in the district's published catalog, so it reaches no case";
    }
    const bool whistled =
        std::any_of(state.departments.begin(), state.departments.end(),
                    [&](const core::DepartmentProgress& d) { return d.department == actor; });
    if (!whistled) return "case " + case_id + " was not whistled to " + who;
    return std::nullopt;
  }
  return "a " + std::string(core::to_string(role)) +
         " acts on cases at its station, not at the district";
}

std::optional<std::string> escalation_departments_refusal(
    const std::vector<std::string>& departments, std::size_t already, const CatalogScope* scope) {
  if (already + departments.size() > kMaxWhistleDepartments) {
    return "a whistle names at most " + std::to_string(kMaxWhistleDepartments) +
           " departments; this round has " + std::to_string(already) + " and " +
           std::to_string(departments.size()) + " more were named";
  }
  if (departments.empty()) return std::nullopt;
  return whistle_departments_refusal(departments, scope);
}

}  // namespace weimin::server
