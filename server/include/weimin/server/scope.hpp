// Who may see and do what at the district's console and case API (DESIGN.md, "The district:
// people, scopes and projections"), in ONE place: from a Principal (an account or a token) and
// a case's projected row, whether the case is in its scope and whether it may take each
// action; the inbox query a principal may run; and the check of a principal's own codes
// against the published catalog, made again at every action.
// Scopes come from the catalog's division tree: an office reaches the cases of its
// communities (office_serves), a department the cases whose current round whistled it, an
// admin every case. Whether the case's stage allows a step is the fold's business
// (core::fold_case); these functions only say who.
// Thread-safety: pure functions over values; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/core/catalog.hpp"
#include "weimin/server/accounts.hpp"
#include "weimin/server/figures.hpp"
#include "weimin/server/projection.hpp"

namespace weimin::server {

// What a principal may do to a case. View covers reading the case page and the API's case.
enum class CaseAction {
  View,
  Whistle,   // office: blow a district-level whistle (吹哨)
  Escalate,  // office: raise a community-level whistle to district level
  SendBack,  // office: send the case back to its community
  Report,    // department: report in (报到)
  Feedback,  // department: give feedback (反馈)
  Return,    // department: return a whistle that is not its business (退单)
  Note,      // anyone in scope: add a note
  Reveal,    // anyone in scope: reveal the resident's contact, with a reason (audited)
};
// "view", "whistle", "escalate", "send_back", "report", "feedback", "return", "note", "reveal".
std::string_view to_string(CaseAction action);
inline constexpr CaseAction kCaseActions[] = {
    CaseAction::View,     CaseAction::Whistle, CaseAction::Escalate,
    CaseAction::SendBack, CaseAction::Report,  CaseAction::Feedback,
    CaseAction::Return,   CaseAction::Note,    CaseAction::Reveal};

// Why a principal may not see or do something: its kind and the values it names (for the
// console's own words in each language), and the English sentence (for logs and the API).
enum class RefusalKind {
  NoCatalog,                // no catalog published: offices and departments cannot be checked
  AdminOfOtherDistrict,     // an admin account of another district
  OfficeNotInCatalog,       // the account's street office is not in the catalog
  DepartmentNotInCatalog,   // the account's department is not in the catalog
  CommunityNotInCatalog,    // the case's community is not in the catalog
  NotOfficesCommunity,      // the case is of a community another street office serves
  NotWhistledToDepartment,  // the case was not whistled to the account's department
  RoleMayNot,               // the account's role does not take this action
};
struct Refusal {
  RefusalKind kind = RefusalKind::NoCatalog;
  std::string message;    // English, whole
  std::string user;       // the account
  std::string scope;      // the account's scope (office code, department id, district code)
  std::string case_code;  // the case's tracking code, when about a case
  std::string community;  // the case's community code, when about a case
  std::string action;     // to_string(CaseAction), for RoleMayNot
};

// Why `who`'s own scope does not stand in the published catalog (an office code the catalog
// does not list, a department it does not list, an admin of another district), or nothing
// when it does. `catalog` null: nothing is published, so office and department principals are
// refused (admins are not).
std::optional<Refusal> principal_refusal(const Principal& who, const core::Catalog* catalog);

// Why `who` may not see case `row`, or nothing when it may: an office sees the cases of its
// own communities, a department those whose current round whistled it, an admin all. A case
// whose community the catalog does not list is refused to everyone but an admin.
std::optional<Refusal> view_refusal(const Principal& who, const CaseRow& row,
                                    const core::Catalog* catalog);

// Why `who` may not take `action` on `row`, or nothing when it may (scope and role only; the
// case's stage is checked when the step is made). Includes view_refusal and
// principal_refusal.
std::optional<Refusal> action_refusal(const Principal& who, const CaseRow& row, CaseAction action,
                                      const core::Catalog* catalog);

// True when `action` is one `who`'s role may take at all (an office whistles, a department
// reports in, …): what decides which forms a page offers, before the case's stage.
bool role_may(const Principal& who, CaseAction action);

// True when the form for `action` is worth offering on `row` now: the role may take it and
// the case's stage (and, for a department, its own step) allows it — exactly when
// core::check_transition would accept the step (the console test checks every stage).
bool action_offered(const Principal& who, const CaseRow& row, CaseAction action);

// The inbox query `who` may run: `asked` with its office (an office principal) or department
// (a department principal) forced to the principal's own, whatever was asked.
CaseQuery scoped_query(const Principal& who, CaseQuery asked);

// The figures query `who` may run (figures.hpp): `asked` with its office (an office) or
// department (a department) forced to the principal's own; an office's community filter naming
// another office's community counts nothing. An admin's stays as asked.
FigureQuery scoped_figure_query(const Principal& who, FigureQuery asked);

// Why `who` may not see the staff sheet of `community`: an office sees its own communities'
// (office_serves), an admin every one, a department none. Includes principal_refusal.
std::optional<Refusal> staff_sheet_refusal(const Principal& who, const std::string& community,
                                           const core::Catalog* catalog);

}  // namespace weimin::server
