// The console's and the case API's scope rules (scope.hpp): one place that says who may see
// and do what.
#include "weimin/server/scope.hpp"

#include <algorithm>

#include "weimin/server/fact_rules.hpp"

namespace weimin::server {

namespace {

const CaseDepartmentRow* department_of(const CaseRow& row, std::string_view department) {
  for (const CaseDepartmentRow& d : row.departments) {
    if (d.department == department) return &d;
  }
  return nullptr;
}

bool stage_in(const CaseRow& row, std::initializer_list<std::string_view> stages) {
  return std::find(stages.begin(), stages.end(), row.stage) != stages.end();
}

}  // namespace

std::string_view to_string(CaseAction action) {
  switch (action) {
    case CaseAction::View:
      return "view";
    case CaseAction::Whistle:
      return "whistle";
    case CaseAction::Escalate:
      return "escalate";
    case CaseAction::SendBack:
      return "send_back";
    case CaseAction::Report:
      return "report";
    case CaseAction::Feedback:
      return "feedback";
    case CaseAction::Return:
      return "return";
    case CaseAction::Note:
      return "note";
    case CaseAction::Reveal:
      return "reveal";
  }
  return "view";
}

std::optional<Refusal> principal_refusal(const Principal& who, const core::Catalog* catalog) {
  auto refuse = [&](RefusalKind kind, std::string message) {
    return Refusal{kind, std::move(message), who.user, who.scope, "", "", ""};
  };
  switch (who.role) {
    case ConsoleRole::Admin:
      if (catalog != nullptr && who.scope != catalog->district.code) {
        return refuse(RefusalKind::AdminOfOtherDistrict,
                      "account '" + who.user + "' is an admin of district '" + who.scope +
                          "', not of this district (" + catalog->district.code + ")");
      }
      return std::nullopt;
    case ConsoleRole::Office:
      if (catalog == nullptr) {
        return refuse(RefusalKind::NoCatalog,
                      "no catalog is published, so street office '" + who.scope +
                          "' cannot be checked; ask the district's admin to publish it");
      }
      if (catalog->street_office_by_code(who.scope) == nullptr) {
        return refuse(RefusalKind::OfficeNotInCatalog,
                      "street office '" + who.scope + "' of account '" + who.user +
                          "' is not in the published catalog; ask the district's admin to fix "
                          "the account");
      }
      return std::nullopt;
    case ConsoleRole::Department:
      if (catalog == nullptr) {
        return refuse(RefusalKind::NoCatalog,
                      "no catalog is published, so department '" + who.scope +
                          "' cannot be checked; ask the district's admin to publish it");
      }
      if (catalog->department_by_id(who.scope) == nullptr) {
        return refuse(RefusalKind::DepartmentNotInCatalog,
                      "department '" + who.scope + "' of account '" + who.user +
                          "' is not in the published catalog; ask the district's admin to fix "
                          "the account");
      }
      return std::nullopt;
  }
  return refuse(RefusalKind::RoleMayNot, "unknown role");
}

std::optional<Refusal> view_refusal(const Principal& who, const CaseRow& row,
                                    const core::Catalog* catalog) {
  if (auto r = principal_refusal(who, catalog)) return r;
  if (who.role == ConsoleRole::Admin) return std::nullopt;
  auto refuse = [&](RefusalKind kind, std::string message) {
    return Refusal{kind, std::move(message), who.user, who.scope, row.tracking_code, row.community,
                   ""};
  };
  if (catalog->community_by_code(row.community) == nullptr) {
    return refuse(RefusalKind::CommunityNotInCatalog,
                  "case " + row.tracking_code + " belongs to community '" + row.community +
                      "', which the published catalog does not list");
  }
  if (who.role == ConsoleRole::Office) {
    if (!office_serves(who.scope, row.community)) {
      return refuse(RefusalKind::NotOfficesCommunity,
                    "case " + row.tracking_code + " belongs to community " + row.community +
                        ", not one of street office " + who.scope + "'s communities");
    }
    return std::nullopt;
  }
  if (department_of(row, who.scope) == nullptr) {
    return refuse(
        RefusalKind::NotWhistledToDepartment,
        "case " + row.tracking_code + " was not whistled to department '" + who.scope + "'");
  }
  return std::nullopt;
}

bool role_may(const Principal& who, CaseAction action) {
  switch (action) {
    case CaseAction::View:
    case CaseAction::Reveal:
      return true;
    case CaseAction::Note:  // the district's notes are the office's and the departments'
      return who.role != ConsoleRole::Admin;
    case CaseAction::Whistle:
    case CaseAction::Escalate:
    case CaseAction::SendBack:
      return who.role == ConsoleRole::Office;
    case CaseAction::Report:
    case CaseAction::Feedback:
    case CaseAction::Return:
      return who.role == ConsoleRole::Department;
  }
  return false;
}

std::optional<Refusal> action_refusal(const Principal& who, const CaseRow& row, CaseAction action,
                                      const core::Catalog* catalog) {
  if (auto r = view_refusal(who, row, catalog)) return r;
  if (!role_may(who, action)) {
    const bool office_step = action == CaseAction::Whistle || action == CaseAction::Escalate ||
                             action == CaseAction::SendBack;
    const bool department_step = action == CaseAction::Report || action == CaseAction::Feedback ||
                                 action == CaseAction::Return;
    return Refusal{
        RefusalKind::RoleMayNot,
        "a " + std::string(to_string(who.role)) + " account may not " +
            std::string(to_string(action)) + " (" +
            (office_step       ? "the street office does"
             : department_step ? "the whistled department does"
                               : "notes are written by the street office and the departments") +
            ")",
        who.user,
        who.scope,
        row.tracking_code,
        row.community,
        std::string(to_string(action))};
  }
  return std::nullopt;
}

// The stage conditions are core::check_transition's (core/src/case.cpp), read from the row.
bool action_offered(const Principal& who, const CaseRow& row, CaseAction action) {
  if (!role_may(who, action)) return false;
  const CaseDepartmentRow* mine =
      who.role == ConsoleRole::Department ? department_of(row, who.scope) : nullptr;
  // Collected, reopened or returned: waiting for a whistle (core's waits_for_whistle).
  const bool waiting = stage_in(row, {"collected", "reopened", "returned"});
  const bool in_round = stage_in(row, {"whistled", "reported", "feedback"});
  switch (action) {
    case CaseAction::View:
    case CaseAction::Note:
    case CaseAction::Reveal:
      return true;
    case CaseAction::Whistle:
      return waiting;
    case CaseAction::Escalate:
      return row.level == "community" && in_round;
    case CaseAction::SendBack:
      return waiting && !row.sent_back;
    case CaseAction::Report:
      return in_round && mine != nullptr && mine->step == "whistled";
    case CaseAction::Feedback:
      return stage_in(row, {"reported", "feedback"}) && mine != nullptr &&
             (mine->step == "reported" || mine->step == "feedback");
    case CaseAction::Return:
      return in_round && mine != nullptr && (mine->step == "whistled" || mine->step == "reported");
  }
  return false;
}

CaseQuery scoped_query(const Principal& who, CaseQuery asked) {
  switch (who.role) {
    case ConsoleRole::Office:
      asked.office = who.scope;
      break;
    case ConsoleRole::Department:
      asked.department = who.scope;
      break;
    case ConsoleRole::Admin:
      break;
  }
  asked.limit = std::clamp(asked.limit, 1, 200);
  return asked;
}

FigureQuery scoped_figure_query(const Principal& who, FigureQuery asked) {
  switch (who.role) {
    case ConsoleRole::Office:
      asked.office = who.scope;
      asked.department.clear();
      if (!asked.community.empty() && !office_serves(who.scope, asked.community)) {
        // Another office's community: a 9-digit code no community has, so nothing is counted.
        asked.community = who.scope;
      }
      break;
    case ConsoleRole::Department:
      asked.department = who.scope;
      asked.office.clear();
      asked.community.clear();
      break;
    case ConsoleRole::Admin:
      break;
  }
  return asked;
}

std::optional<Refusal> staff_sheet_refusal(const Principal& who, const std::string& community,
                                           const core::Catalog* catalog) {
  if (auto r = principal_refusal(who, catalog)) return r;
  auto refuse = [&](RefusalKind kind, std::string message) {
    return Refusal{kind, std::move(message), who.user, who.scope, "", community, ""};
  };
  switch (who.role) {
    case ConsoleRole::Admin:
      return std::nullopt;
    case ConsoleRole::Office:
      if (!office_serves(who.scope, community)) {
        return refuse(RefusalKind::NotOfficesCommunity, "community " + community +
                                                            " is not one of street office " +
                                                            who.scope + "'s communities");
      }
      return std::nullopt;
    case ConsoleRole::Department:
      break;
  }
  return refuse(RefusalKind::RoleMayNot,
                "a department account may not read a station's staff sheet (the street office "
                "and the district's admins do)");
}

}  // namespace weimin::server
