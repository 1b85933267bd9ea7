#include "weimin/station/access_register.hpp"

#include <nlohmann/json.hpp>

#include "weimin/core/mask.hpp"
#include "weimin/core/validation.hpp"
#include "weimin/core/work_access.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::station {

Result<core::RegisterState> AccessRegister::load() {
  std::vector<core::RegisterEvent> events;
  for (std::string_view prefix : {"access.", "certificate."}) {
    WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_kind(station_.db(), prefix));
    for (const auto& row : rows) {
      WEIMIN_ASSIGN_OR_RETURN(core::RegisterEvent ev,
                              core::parse_register_event(row.body, "register fact " + row.id));
      events.push_back(std::move(ev));
    }
  }
  return core::fold_register(station_.catalog(), std::move(events));
}

Result<core::RegisterState> AccessRegister::state() {
  return load();
}

Result<core::WorkAccessDecision> AccessRegister::check(std::string_view task_text) {
  WEIMIN_ASSIGN_OR_RETURN(core::RegisterState st, load());
  return core::check_work_access(station_.catalog(), st, task_text);
}

Status AccessRegister::write(core::RegisterState& st, const core::RegisterEvent& ev, const Stamp& s,
                             const Session& by, std::string_view action) {
  WEIMIN_TRY(core::check(station_.catalog(), st, ev));
  const NewFact fact{std::string(core::to_string(ev.kind())), ev.subject.to_string(),
                     core::to_json(ev), s};
  WEIMIN_TRY(station_.append({&fact, 1}).status());
  WEIMIN_TRY(core::apply(station_.catalog(), st, ev));
  StaffDesk desk(station_);
  return desk.audit(by, action, ev.subject.to_string());
}

Result<core::AccessApplication> AccessRegister::apply(const Session& by,
                                                      const ApplicationRecord& record) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::CheckWorkAccess));
  WEIMIN_ASSIGN_OR_RETURN(core::WorkAccessDecision checked,
                          core::check_work_access(station_.catalog(), record.task));
  core::AccessApplication out;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::RegisterState st, load());
    const Stamp s = station_.stamp();
    core::RegisterEvent ev{
        s.id,
        s.id,
        s.hlc,
        s.wall_ms,
        station_.origin(),
        by.staff_no,
        core::AccessApplied{record.department, core::mask_personal_numbers_in_text(record.task),
                            core::mask_personal_numbers_in_text(record.evidence), checked.verdict,
                            checked.reason}};
    WEIMIN_TRY(write(st, ev, s, by, "access_applied"));
    out = *st.find_application(s.id);
    return Status::ok();
  }));
  return out;
}

Result<core::AccessApplication> AccessRegister::decide(const Session& by,
                                                       const core::Uuid& application,
                                                       const DecisionRecord& record) {
  if (by.role != core::Role::Director && by.role != core::Role::DeputyHead) {
    return Status(ErrorCode::PermissionDenied,
                  "a " + std::string(core::to_string(by.role)) +
                      " may not record a work-access decision; the director or the deputy head "
                      "records the leading group's decision");
  }
  core::CivilDate on = core::local_date(station_.now_ms());
  if (!record.date.empty()) {
    Result<core::CivilDate> d = core::CivilDate::parse(record.date);
    if (!d || *d > on) {
      return Status(ErrorCode::Invalid, "the decision date \"" + record.date +
                                            "\" must be a date (YYYY-MM-DD) not after today");
    }
    on = *d;
  }
  core::AccessApplication out;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::RegisterState st, load());
    WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(application.to_string()));
    core::RegisterEvent ev{
        s.id,
        application,
        s.hlc,
        s.wall_ms,
        station_.origin(),
        by.staff_no,
        core::AccessDecided{
            record.approved,
            record.decided_by.empty() ? std::string(kDefaultLeadingGroup) : record.decided_by, on,
            core::mask_personal_numbers_in_text(record.note)}};
    WEIMIN_TRY(write(st, ev, s, by, record.approved ? "access_approved" : "access_refused"));
    out = *st.find_application(application);
    return Status::ok();
  }));
  return out;
}

Result<core::CertificateEntry> AccessRegister::issue_certificate(const Session& by,
                                                                 const CertificateRecord& record) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::RecordCase));
  WEIMIN_TRY(core::check_certificate_issuable(station_.catalog(), record.certificate));
  const core::CivilDate today = core::local_date(station_.now_ms());
  WEIMIN_ASSIGN_OR_RETURN(core::IdentityNumber id,
                          core::parse_identity_number(record.identity_number, today));
  core::CertificateEntry out;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::RegisterState st, load());
    const Stamp s = station_.stamp();
    core::RegisterEvent ev{
        s.id,
        s.id,
        s.hlc,
        s.wall_ms,
        station_.origin(),
        by.staff_no,
        core::CertificateIssued{record.certificate, core::mask_name(record.resident_name),
                                core::mask_identity_number(id.number),
                                core::mask_personal_numbers_in_text(record.basis), today}};
    WEIMIN_TRY(write(st, ev, s, by, "certificate_issued"));
    out = st.certificates.at(s.id);
    return Status::ok();
  }));
  return out;
}

Result<core::Uuid> AccessRegister::application_by_prefix(std::string_view prefix) {
  if (prefix.size() < 4) {
    return Status(ErrorCode::Invalid, "give at least 4 characters of the application id");
  }
  if (auto id = core::Uuid::parse(prefix)) return *id;
  WEIMIN_ASSIGN_OR_RETURN(core::RegisterState st, load());
  std::optional<core::Uuid> found;
  for (const auto& [id, a] : st.applications) {
    const std::string text = id.to_string();
    if (text.rfind(prefix, 0) != 0 && !text.ends_with(prefix)) continue;
    if (found) {
      return Status(ErrorCode::Invalid, "more than one application starts with " +
                                            std::string(prefix) + "; give more of the id");
    }
    found = id;
  }
  if (!found) {
    return Status(ErrorCode::NotFound, "no work-access application starts with " +
                                           std::string(prefix) +
                                           "; list them with 'weimin access list'");
  }
  return *found;
}

}  // namespace weimin::station
