// Staff and permissions: the roles of the people who act on a station's records (its own
// staff and the other actors of the closed loop: street office, departments, residents, the
// system), what each role may do, the station's roster entry and the PIN lockout rule as a
// pure fold over sign-in attempts. Hashing PINs and storing attempts is the station's job.
// Thread-safety: pure functions of their arguments and constant tables; safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/core/result.hpp"

namespace weimin::core {

// [SECTION] Roles

// Who acts. The first five are the station's community workers (社区工作者); the rest are the
// other actors of the closed loop "街道吹哨、部门报到".
enum class Role {
  Director,      // secretary / director of the community (书记/主任)
  DeputyHead,    // deputy head of the station (副站长)
  Staff,         // full-time community worker at the windows (专职工作者)
  GridWorker,    // grid worker on rounds (网格员)
  SocialWorker,  // social worker (社工)
  StreetOffice,  // the street office (街道办事处): blows district-level whistles
  Department,    // a functional department (职能部门): reports in and gives feedback
  Resident,      // a resident (居民): takes tickets, evaluates cases
  System,        // the software itself (sync, scheduled jobs)
};

// "director", "deputy_head", "staff", "grid_worker", "social_worker", "street_office",
// "department", "resident", "system".
std::string_view to_string(Role role);
// Exactly the strings to_string gives; anything else is Invalid with a message listing them.
Result<Role> parse_role(std::string_view text);
// True for the five roles of the station's own staff (Director … SocialWorker).
bool is_station_role(Role role);

// [SECTION] Permissions

enum class Permission {
  TakeTicket,        // take a queue ticket (public: every role)
  CallQueue,         // call the next ticket to a window
  RecordCase,        // record a resident's request as a case (case.collected)
  SubmitCase,        // a resident's own request typed in at the kiosk
  ResolveCase,       // resolve a case in the community, without a whistle
  WhistleCommunity,  // blow a community-level whistle (社区级): director, deputy
  WhistleDistrict,   // blow a district-level whistle (区级): street office only
  EscalateWhistle,  // raise a community-level whistle to district level (升级为区级): street office
  SendBackCase,   // send a case back to its community (退回社区): street office
  ReportIn,       // report in on a whistled case (a department)
  GiveFeedback,   // say what was done on a case (a department)
  ReturnWhistle,  // return a whistle as not its business (退单): a department
  RecordDepartmentResponseByPhone,  // record a department's report-in/feedback/return by phone
  VerifyCase,                       // check the outcome with the resident
  CloseCase,                        // close a verified case
  ReopenCase,                       // reopen a closed case (or one rated dissatisfied)
  SettleConflict,                   // accept or dismiss an event kept as a conflict
  EvaluateCase,                     // rate a closed case (the resident)
  RecordEvaluation,                 // record a resident's rating on the resident's behalf
  AddNote,                          // add a note to a case in any state (every role)
  ViewFigures,                      // see per-staff and per-station service figures
  ManageStaff,                      // add, change or deactivate staff on the roster
  SyncNow,                          // start a sync with the district now
  ViewPersonalInfo,                 // see a resident's identity and phone numbers unmasked
  CheckWorkAccess,                  // check a department's task against the work list
  ExportRecords,                    // export the station's records
  ViewRecords,                      // read residents' cases, bookings and today's queue
};

// "take_ticket", "call_queue", "record_case", … the snake_case of the enumerator.
std::string_view to_string(Permission permission);
// Exactly the strings to_string gives; anything else is Invalid.
Result<Permission> parse_permission(std::string_view text);
// What the permission lets one do, for messages: "may not " + describe(p), e.g.
// describe(ManageStaff) == "manage the staff roster".
std::string_view describe(Permission permission);

// Whether a role holds a permission. The table (a ✓ means yes):
//                               dir dep stf grd soc str dpt res sys
//   take_ticket                  ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓
//   call_queue                   ✓   ✓   ✓       ✓
//   record_case                  ✓   ✓   ✓   ✓   ✓
//   submit_case (at the kiosk)                               ✓
//   resolve_case                 ✓   ✓   ✓   ✓   ✓
//   whistle_community            ✓   ✓
//   whistle_district                                 ✓
//   escalate_whistle, send_back_case                 ✓
//   report_in, give_feedback                             ✓
//   return_whistle                                       ✓
//   record_department_response…  ✓   ✓   ✓
//   verify_case                  ✓   ✓   ✓   ✓   ✓
//   close_case                   ✓   ✓   ✓
//   reopen_case, settle_conflict ✓   ✓
//   evaluate_case                                            ✓
//   record_evaluation            ✓   ✓   ✓   ✓   ✓
//   add_note                     ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓
//   view_figures                 ✓   ✓               ✓
//   manage_staff                 ✓
//   sync_now                     ✓   ✓   ✓                       ✓
//   view_personal_info           ✓   ✓   ✓
//   check_work_access            ✓   ✓   ✓
//   export_records               ✓
//   view_records                 ✓   ✓   ✓   ✓   ✓
bool can(Role role, Permission permission);
// The roles holding a permission, in enum order: for messages such as "only a director or
// deputy_head may …".
std::vector<Role> roles_with(Permission permission);
// "director or deputy_head", "director, deputy_head or staff" … of roles_with(permission).
std::string describe_roles_with(Permission permission);

// [SECTION] The roster

// A member of the station's staff (社区工作者) as the roster keeps them; PIN hashes are kept
// by the station, not here.
struct StaffMember {
  std::string staff_no;  // 1-32 ASCII letters, digits, '-' or '_'
  std::string name;      // non-empty, at most 64 bytes
  Role role = Role::Staff;
  bool active = true;
  bool operator==(const StaffMember&) const = default;
};

// Ok when the staff number and name have the forms above and the role is a station role;
// otherwise Invalid saying which field is wrong and what it must be.
Status validate_staff_member(const StaffMember& member);

// [SECTION] PINs and the sign-in lockout

// A PIN is 6 to 12 digits (a million candidates at the least) and not a trivial run (123456,
// 000000, 987654 …). Invalid says why and what to choose. Every PIN that is set or hashed
// goes through this check.
Status check_pin(std::string_view pin);

inline constexpr int kMaxSignInFailures = 5;
inline constexpr std::int64_t kSignInLockMs = 15 * 60 * 1000;

// One sign-in attempt of one staff number, as the station recorded it.
struct SignInAttempt {
  std::int64_t at_ms = 0;  // wall clock, Unix milliseconds
  bool ok = false;         // the right PIN was given and the member was let in
  bool operator==(const SignInAttempt&) const = default;
};

struct SignInState {
  int failures = 0;                  // consecutive failures counting towards the lock
  std::int64_t locked_until_ms = 0;  // the account is locked while now < locked_until_ms
  bool locked(std::int64_t now_ms) const { return now_ms < locked_until_ms; }
  bool operator==(const SignInState&) const = default;
};

// The lockout state at now_ms after the attempts (in any order; they are taken by time, ties
// keeping the given order). The rule: kMaxSignInFailures consecutive failures lock the account
// for kSignInLockMs from the last of them; a success resets the count. Attempts made while
// locked (at_ms before locked_until_ms) neither count nor extend the lock, so someone
// pressing on cannot keep a member locked out for ever. Once a lock has run out (by now_ms, or
// before a later attempt) the count starts again from zero. Never fails.
SignInState fold_sign_in(std::span<const SignInAttempt> attempts, std::int64_t now_ms);

}  // namespace weimin::core
