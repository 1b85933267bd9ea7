// The work-access register (社区工作准入) and the certificate register (开具证明登记).
// - A department pushes a task onto the station; when the check (work_access.hpp) finds it
//   outside the lists, staff record an application (社区工作准入事项审批表): which department,
//   what, the evidence (its document), and the check's verdict. The leading group
//   (社区建设工作领导小组) approves or refuses it; the approved tasks are the station's catalogue
//   of approved items (社区工作准入目录).
// - Issuing an economic hardship certificate (经济困难证明) is a register entry: who for (masked),
//   the basis, the staff member and the date. A certificate the catalog says a committee may
//   not issue is refused (check) and, when such a fact arrives from elsewhere, kept as a
//   conflict.
// Facts: "access.applied", "access.decided" (subject: the application), "certificate.issued"
// (subject: the entry). The state is a fold in (HLC, origin, id) order: any order of the same
// facts gives the same state; a fact that does not fit is kept as a conflict, never dropped.
// Thread-safety: value types and pure functions; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "weimin/core/catalog.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/hlc.hpp"
#include "weimin/core/id.hpp"
#include "weimin/core/result.hpp"
#include "weimin/core/work_access.hpp"

namespace weimin::core {

inline constexpr std::size_t kMaxAccessTaskChars = 500;
inline constexpr std::size_t kMaxEvidenceChars = 1000;
inline constexpr std::size_t kMaxDecidedByChars = 100;
inline constexpr std::size_t kMaxBasisChars = 500;
inline constexpr std::size_t kMaxResidentNameChars = 50;
inline constexpr std::size_t kMaxDecisionNoteChars = 500;

enum class RegisterEventKind { AccessApplied, AccessDecided, CertificateIssued };
// "access.applied", "access.decided", "certificate.issued".
std::string_view to_string(RegisterEventKind kind);
Result<RegisterEventKind> parse_register_event_kind(std::string_view text);

struct AccessApplied {
  std::string department;  // catalog Department id
  std::string task;        // 1-500 characters: what the department asks the station to do
  std::string evidence;    // may be empty; its document (文号), who asked, when
  WorkAccessVerdict verdict = WorkAccessVerdict::NeedsApproval;  // the check's, when recorded
  WorkAccessReason reason = WorkAccessReason::NoCloseMatch;
  bool operator==(const AccessApplied&) const = default;
};
struct AccessDecided {
  bool approved = false;
  std::string decided_by;  // 1-100 characters: the leading group (领导小组) that decided
  CivilDate decided_on;
  std::string note;  // may be empty; ≤ 500 characters
  bool operator==(const AccessDecided&) const = default;
};
struct CertificateIssued {
  std::string certificate;         // catalog Certificate id; must be issuable
  std::string resident_name;       // may be empty; ≤ 50 characters
  std::string resident_id_masked;  // 530102********1234: never the clear number
  std::string basis;               // 1-500 characters: why (低保, job loss, illness …)
  CivilDate issued_on;
  bool operator==(const CertificateIssued&) const = default;
};

// One register fact; the alternatives of `body` are in RegisterEventKind order.
struct RegisterEvent {
  Uuid id;
  Uuid subject;  // the application (equal to id for AccessApplied) or the certificate entry
  HlcTimestamp hlc;
  std::int64_t wall_ms = 0;
  std::string origin;
  std::string staff;  // the staff member who recorded it
  std::variant<AccessApplied, AccessDecided, CertificateIssued> body;

  RegisterEventKind kind() const { return static_cast<RegisterEventKind>(body.index()); }
  bool operator==(const RegisterEvent&) const = default;
};

// Invalid naming the field: nil ids, subject not the id where it must be, origin or staff
// malformed (staff is required), texts not plain UTF-8 or too long, a department or
// certificate id malformed, an identity number not masked.
Status validate(const RegisterEvent& event);

// {"kind", "id", "subject", "hlc", "wall_ms", "origin", "staff", then access.applied:
//  "department", "task", "evidence"?, "verdict", "reason"; access.decided: "approved",
//  "decided_by", "decided_on", "note"?; certificate.issued: "certificate", "resident_name"?,
//  "resident_id_masked", "basis", "issued_on"}
nlohmann::json to_json(const RegisterEvent& event);
Result<RegisterEvent> register_event_from_json(const nlohmann::json& j,
                                               std::string_view source = "register fact");
Result<RegisterEvent> parse_register_event(std::string_view json_text,
                                           std::string_view source = "register fact");

// [SECTION] State

enum class ApplicationStatus { Pending, Approved, Refused };
// "pending", "approved", "refused".
std::string_view to_string(ApplicationStatus status);

struct AccessApplication {
  Uuid id;
  std::string origin;
  std::string staff;
  std::int64_t applied_ms = 0;
  AccessApplied applied;
  std::optional<AccessDecided> decision;
  std::string decision_staff;

  ApplicationStatus status() const;
  bool operator==(const AccessApplication&) const = default;
};

struct CertificateEntry {
  Uuid id;
  std::string origin;
  std::string staff;
  std::int64_t issued_ms = 0;
  CertificateIssued issued;
  bool operator==(const CertificateEntry&) const = default;
};

struct RegisterConflict {
  RegisterEvent event;
  ErrorCode code = ErrorCode::Conflict;
  std::string reason;
  bool operator==(const RegisterConflict&) const = default;
};

struct RegisterFigures {
  int applications = 0;
  int pending = 0;
  int approved = 0;
  int refused = 0;
  int certificates = 0;  // issued
  bool operator==(const RegisterFigures&) const = default;
};

struct RegisterState {
  std::map<Uuid, AccessApplication> applications;
  std::map<Uuid, CertificateEntry> certificates;
  std::vector<RegisterConflict> conflicts;  // in fold order

  const AccessApplication* find_application(const Uuid& id) const;
  // The catalogue of approved items (准入目录): approved applications, in fact order.
  std::vector<const AccessApplication*> catalogue() const;
  RegisterFigures figures() const;
  bool operator==(const RegisterState&) const = default;
};

// Whether a certificate may be issued by a residents' committee: Ok when the catalog lists it
// as issuable; NotFound for an id not in the catalog; Rejected saying where to go instead
// (the catalog's note) when it is not issuable.
Status check_certificate_issuable(const Catalog& catalog, std::string_view certificate);

// The check of a task against the lists (check_work_access) and the station's register. When
// the task of a decided application is this task (task_similarity ≥ kSameTaskScore; the
// closest one, the later decision on a tie), its decision is the verdict, whatever the lists
// say: Approved with ApprovedApplication, or NeedsApproval with RefusedApplication; then
// `registered` names the application and the explanation says when and by whom it was decided,
// followed by what the lists say. A pending application for the task is named in the
// explanation and changes nothing else. Fails as check_work_access does.
Result<WorkAccessDecision> check_work_access(const Catalog& catalog, const RegisterState& state,
                                             std::string_view task_text);

// Whether the event fits the state: Ok, or NotFound (unknown application, department or
// certificate), AlreadyExists (id in use), Conflict (an application decided already) or
// Rejected (a certificate the catalog does not let a committee issue), with what to do.
Status check(const Catalog& catalog, const RegisterState& state, const RegisterEvent& event);
Status apply(const Catalog& catalog, RegisterState& state, const RegisterEvent& event);
// The state from the events in any order, duplicates counted once: sorted by (HLC, origin,
// id), each applied or, when check() refuses it, kept in `conflicts`.
RegisterState fold_register(const Catalog& catalog, std::vector<RegisterEvent> events);

}  // namespace weimin::core
