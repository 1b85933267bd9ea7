// Who may write what at the district (docs/PROTOCOL.md, "Who may write what"): the checks
// DistrictService makes on every case fact a station pushes and on every whistle, and the
// district's view of its published catalog those checks need.
// Thread-safety: pure functions; a CatalogScope is a value.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "weimin/core/case.hpp"
#include "weimin/core/result.hpp"

namespace weimin::server {

// A whistle names at most this many departments.
inline constexpr std::size_t kMaxWhistleDepartments = 20;

// Why a station may never have written case event `e` (a step the station does not own, an
// actor role that is not the station's), or nothing when it may. Does not look at the case's
// state or community: see check_case_community.
std::optional<std::string> station_case_event_refusal(const core::CaseEvent& e);

// What the district's published catalog says about who exists (loaded from its JSON).
struct CatalogScope {
  std::int64_t gseq = 0;  // the catalog change it was read from
  std::set<std::string, std::less<>> departments;
  std::set<std::string, std::less<>> street_offices;  // 9-digit codes
};
Result<CatalogScope> catalog_scope(const std::string& catalog_json, std::int64_t gseq);

// Why a whistle's department list is not acceptable: empty, more than
// kMaxWhistleDepartments, no catalog published (`scope` null: whistles name catalog
// departments only, so none is accepted until one is), a department twice, or one the catalog
// does not list.
std::optional<std::string> whistle_departments_refusal(const std::vector<std::string>& departments,
                                                       const CatalogScope* scope);

// The form of a whistle's department list alone (not empty, at most kMaxWhistleDepartments):
// what a pushed entry is checked for before the catalog is read.
std::optional<std::string> whistle_departments_form_refusal(
    const std::vector<std::string>& departments);

// True when `community` (12 digits) is one of street office `office`'s (9 digits): its code
// starts with the office's.
bool office_serves(std::string_view office, std::string_view community);

// Why `actor` of `role` may not act on or see case `state` of `community` at the district, or
// nothing when it may: a street office reaches the cases of its own communities, a department
// the cases whistled to it in the current round (returned or not); either must be listed by
// the published catalog (`scope`; null: none published, so nobody is). Other roles reach no
// case at the district.
std::optional<std::string> case_scope_refusal(const std::string& actor, core::Role role,
                                              const std::string& community,
                                              const core::CaseState& state,
                                              const CatalogScope* scope);

// Why an escalation's added departments are not acceptable: one not in the catalog (`scope`
// null: none published), one named twice, or more than kMaxWhistleDepartments in the round
// with the `already` departments whistled.
std::optional<std::string> escalation_departments_refusal(
    const std::vector<std::string>& departments, std::size_t already, const CatalogScope* scope);

}  // namespace weimin::server
