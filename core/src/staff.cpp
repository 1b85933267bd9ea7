#include "weimin/core/staff.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <vector>

namespace weimin::core {
namespace {

constexpr std::array<std::string_view, 9> kRoleNames = {
    "director",      "deputy_head", "staff",    "grid_worker", "social_worker",
    "street_office", "department",  "resident", "system",
};

struct PermissionInfo {
  std::string_view name;
  std::string_view description;
  // One flag per Role, in enum order: dir dep stf grd soc str dpt res sys.
  std::array<bool, 9> roles;
};

constexpr bool Y = true;
constexpr bool n = false;

constexpr std::array<PermissionInfo, 27> kPermissions = {{
    {"take_ticket", "take a queue ticket", {Y, Y, Y, Y, Y, Y, Y, Y, Y}},
    {"call_queue", "call tickets to a window", {Y, Y, Y, n, Y, n, n, n, n}},
    {"record_case", "record a case", {Y, Y, Y, Y, Y, n, n, n, n}},
    {"submit_case", "submit a request at the kiosk", {n, n, n, n, n, n, n, Y, n}},
    {"resolve_case", "resolve a case in the community", {Y, Y, Y, Y, Y, n, n, n, n}},
    {"whistle_community", "blow a community-level whistle", {Y, Y, n, n, n, n, n, n, n}},
    {"whistle_district", "blow a district-level whistle", {n, n, n, n, n, Y, n, n, n}},
    {"escalate_whistle",
     "raise a community-level whistle to district level",
     {n, n, n, n, n, Y, n, n, n}},
    {"send_back_case", "send a case back to its community", {n, n, n, n, n, Y, n, n, n}},
    {"report_in", "report in on a whistled case", {n, n, n, n, n, n, Y, n, n}},
    {"give_feedback", "give a department's feedback on a case", {n, n, n, n, n, n, Y, n, n}},
    {"return_whistle", "return a whistle as not its business", {n, n, n, n, n, n, Y, n, n}},
    {"record_department_response_by_phone",
     "record a department's report-in, feedback or return taken by phone",
     {Y, Y, Y, n, n, n, n, n, n}},
    {"verify_case", "verify a case with the resident", {Y, Y, Y, Y, Y, n, n, n, n}},
    {"close_case", "close a case", {Y, Y, Y, n, n, n, n, n, n}},
    {"reopen_case", "reopen a case", {Y, Y, n, n, n, n, n, n, n}},
    {"settle_conflict", "settle a conflict", {Y, Y, n, n, n, n, n, n, n}},
    {"evaluate_case", "evaluate a case", {n, n, n, n, n, n, n, Y, n}},
    {"record_evaluation", "record a resident's evaluation", {Y, Y, Y, Y, Y, n, n, n, n}},
    {"add_note", "add a note to a case", {Y, Y, Y, Y, Y, Y, Y, Y, Y}},
    {"view_figures", "view service figures", {Y, Y, n, n, n, Y, n, n, n}},
    {"manage_staff", "manage the staff roster", {Y, n, n, n, n, n, n, n, n}},
    {"sync_now", "start a sync now", {Y, Y, Y, n, n, n, n, n, Y}},
    {"view_personal_info",
     "see residents' identity and phone numbers unmasked",
     {Y, Y, Y, n, n, n, n, n, n}},
    {"check_work_access", "check a task against the work list", {Y, Y, Y, n, n, n, n, n, n}},
    {"export_records", "export the station's records", {Y, n, n, n, n, n, n, n, n}},
    {"view_records", "read residents' cases, bookings and the queue", {Y, Y, Y, Y, Y, n, n, n, n}},
}};

const PermissionInfo& info(Permission p) {
  const auto i = static_cast<std::size_t>(p);
  assert(i < kPermissions.size() && "Permission out of range");
  return kPermissions[i];
}

std::string join_names(std::span<const std::string_view> names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out;
}

bool staff_no_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

}  // namespace

// [SECTION] Roles

std::string_view to_string(Role role) {
  const auto i = static_cast<std::size_t>(role);
  assert(i < kRoleNames.size() && "Role out of range");
  return kRoleNames[i];
}

Result<Role> parse_role(std::string_view text) {
  for (std::size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == text) return static_cast<Role>(i);
  }
  return Status(ErrorCode::Invalid,
                "unknown role \"" + std::string(text) + "\"; use one of " + join_names(kRoleNames));
}

bool is_station_role(Role role) {
  switch (role) {
    case Role::Director:
    case Role::DeputyHead:
    case Role::Staff:
    case Role::GridWorker:
    case Role::SocialWorker:
      return true;
    case Role::StreetOffice:
    case Role::Department:
    case Role::Resident:
    case Role::System:
      return false;
  }
  return false;
}

// [SECTION] Permissions

std::string_view to_string(Permission permission) {
  return info(permission).name;
}

Result<Permission> parse_permission(std::string_view text) {
  for (std::size_t i = 0; i < kPermissions.size(); ++i) {
    if (kPermissions[i].name == text) return static_cast<Permission>(i);
  }
  std::vector<std::string_view> names;
  for (const PermissionInfo& p : kPermissions) names.push_back(p.name);
  return Status(ErrorCode::Invalid, "unknown permission \"" + std::string(text) +
                                        "\"; use one of " + join_names(names));
}

std::string_view describe(Permission permission) {
  return info(permission).description;
}

bool can(Role role, Permission permission) {
  const auto r = static_cast<std::size_t>(role);
  assert(r < kRoleNames.size() && "Role out of range");
  return info(permission).roles[r];
}

std::vector<Role> roles_with(Permission permission) {
  std::vector<Role> out;
  for (std::size_t r = 0; r < kRoleNames.size(); ++r) {
    if (info(permission).roles[r]) out.push_back(static_cast<Role>(r));
  }
  return out;
}

std::string describe_roles_with(Permission permission) {
  const std::vector<Role> roles = roles_with(permission);
  std::string out;
  for (std::size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) out += i + 1 == roles.size() ? " or " : ", ";
    out += to_string(roles[i]);
  }
  return out.empty() ? "no role" : out;
}

// [SECTION] The roster

Status validate_staff_member(const StaffMember& member) {
  if (member.staff_no.empty() || member.staff_no.size() > 32 ||
      !std::all_of(member.staff_no.begin(), member.staff_no.end(), staff_no_char)) {
    return {ErrorCode::Invalid,
            "staff number \"" + member.staff_no + "\" must be 1-32 letters, digits, '-' or '_'"};
  }
  if (member.name.empty() || member.name.size() > 64) {
    return {ErrorCode::Invalid, "the name of staff " + member.staff_no +
                                    " must be 1-64 bytes long, got " +
                                    std::to_string(member.name.size())};
  }
  if (!is_station_role(member.role)) {
    return {ErrorCode::Invalid,
            "staff " + member.staff_no + " cannot have the role " +
                std::string(to_string(member.role)) +
                "; the roster holds director, deputy_head, staff, grid_worker or social_worker"};
  }
  return Status::ok();
}

// [SECTION] PIN sign-in lockout

Status check_pin(std::string_view pin) {
  if (pin.size() < 6 || pin.size() > 12 ||
      !std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return {ErrorCode::Invalid, "a PIN is 6 to 12 digits"};
  }
  bool same = true, up = true, down = true;
  for (std::size_t i = 1; i < pin.size(); ++i) {
    same = same && pin[i] == pin[0];
    up = up && pin[i] == pin[i - 1] + 1;
    down = down && pin[i] == pin[i - 1] - 1;
  }
  if (same || up || down) {
    return {ErrorCode::Invalid,
            "that PIN is too easy to guess (one digit repeated or a run like "
            "123456); choose another"};
  }
  return Status::ok();
}

SignInState fold_sign_in(std::span<const SignInAttempt> attempts, std::int64_t now_ms) {
  std::vector<SignInAttempt> sorted(attempts.begin(), attempts.end());
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const SignInAttempt& a, const SignInAttempt& b) { return a.at_ms < b.at_ms; });
  SignInState state;
  for (const SignInAttempt& a : sorted) {
    if (a.at_ms < state.locked_until_ms) continue;  // refused while locked: not counted
    if (state.failures >= kMaxSignInFailures) state.failures = 0;  // the lock has run out
    if (a.ok) {
      state.failures = 0;
      continue;
    }
    ++state.failures;
    if (state.failures >= kMaxSignInFailures) state.locked_until_ms = a.at_ms + kSignInLockMs;
  }
  if (state.failures >= kMaxSignInFailures && !state.locked(now_ms)) state.failures = 0;
  return state;
}

}  // namespace weimin::core
