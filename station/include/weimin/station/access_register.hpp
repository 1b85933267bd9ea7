// The station's work-access register (社区工作准入) and certificate register (开具证明登记)
// (core/work_access_register.hpp):
// - staff record a department's task as an application, with the check's verdict; the
//   director or deputy head records the leading group's approval or refusal; the approved
//   tasks are the station's catalogue of approved items (准入目录);
// - issuing an economic hardship certificate is a register entry with the resident's masked
//   identity number; any certificate the catalog says a committee may not issue is refused.
// Each use case is one transaction: the fact, its outbox entry and an audit fact.
// Thread-safety: as Station.
#pragma once

#include <string>

#include "weimin/core/work_access_register.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station {

// The leading group that decides work-access applications, when staff name none.
inline constexpr std::string_view kDefaultLeadingGroup = "社区建设工作领导小组";

struct ApplicationRecord {
  std::string department;  // catalog department id
  std::string task;
  std::string evidence;  // optional: its document number, who asked, when
};

struct DecisionRecord {
  bool approved = false;
  std::string decided_by;  // empty: kDefaultLeadingGroup
  std::string date;        // "YYYY-MM-DD"; empty for today
  std::string note;
};

struct CertificateRecord {
  std::string certificate = "economic_hardship";  // catalog certificate id
  std::string resident_name;                      // optional
  std::string identity_number;                    // the resident's, clear; only its mask is written
  std::string basis;
};

class AccessRegister {
 public:
  explicit AccessRegister(Station& station) : station_(station) {}

  Result<core::RegisterState> state();

  // Whether the station may take on a task: the check against the lists and this register
  // (core::check_work_access with the register's state), so a task the leading group approved
  // comes back Approved with when and by whom, and one it refused says so. Invalid for empty,
  // overlong or malformed text; the register's read errors otherwise.
  Result<core::WorkAccessDecision> check(std::string_view task_text);

  // Records an application; the check (core::check_work_access) runs on the task and its
  // verdict is kept with it. NotFound for an unknown department (the message lists them).
  Result<core::AccessApplication> apply(const Session& by, const ApplicationRecord& record);
  // Records the leading group's decision. Only the director or the deputy head records it
  // (PermissionDenied otherwise); Conflict when the application was decided already.
  Result<core::AccessApplication> decide(const Session& by, const core::Uuid& application,
                                         const DecisionRecord& record);
  // Issues a certificate into the register. Rejected (with where to go instead) for a
  // certificate the catalog says a committee may not issue; Invalid for a bad identity number.
  Result<core::CertificateEntry> issue_certificate(const Session& by,
                                                   const CertificateRecord& record);

  // The application whose id starts or ends with `prefix` (at least 4 characters).
  Result<core::Uuid> application_by_prefix(std::string_view prefix);

 private:
  Result<core::RegisterState> load();
  Status write(core::RegisterState& st, const core::RegisterEvent& ev, const Stamp& stamp,
               const Session& by, std::string_view action);

  Station& station_;
};

}  // namespace weimin::station
