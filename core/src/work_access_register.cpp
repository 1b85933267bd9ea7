// The work-access and certificate registers and their fold (see work_access_register.hpp).
#include "weimin/core/work_access_register.hpp"

#include <algorithm>
#include <array>
#include <tuple>

#include "govern_json.hpp"

namespace weimin::core {

namespace {

using json = nlohmann::json;
namespace cj = catalog_json;
namespace gj = govern_json;

constexpr std::array<std::string_view, 3> kKindNames = {"access.applied", "access.decided",
                                                        "certificate.issued"};
constexpr std::array<std::string_view, 3> kStatusNames = {"pending", "approved", "refused"};

Status invalid(const RegisterEvent& e, std::string what) {
  return Status(ErrorCode::Invalid,
                std::string(to_string(e.kind())) + " " + e.id.to_string() + ": " + std::move(what));
}

gj::Envelope envelope(const RegisterEvent& e) {
  return {e.id, e.subject, e.hlc, e.wall_ms, e.origin, e.staff};
}

template <class E, std::size_t N>
E read_name(const json& j, std::string_view key, E last) {
  const std::string text = gj::str(j, key);
  for (std::size_t i = 0; i <= static_cast<std::size_t>(last); ++i) {
    if (to_string(static_cast<E>(i)) == text) return static_cast<E>(i);
  }
  cj::fail(cj::child("", key), "unknown value " + cj::in_quotes(text));
}

RegisterEvent read_event(const json& j) {
  if (!j.is_object()) cj::wrong_type(j, "", "an object");
  const auto kind_it = j.find("kind");
  if (kind_it == j.end()) cj::fail("", "missing required field \"kind\"");
  Result<RegisterEventKind> kind = parse_register_event_kind(cj::read_string(*kind_it, "/kind"));
  if (!kind) cj::fail("/kind", kind.status().message());
  std::vector<std::string_view> known = {"kind",    "id",     "subject", "hlc",
                                         "wall_ms", "origin", "staff"};
  switch (*kind) {
    case RegisterEventKind::AccessApplied:
      known.insert(known.end(), {"department", "task", "evidence", "verdict", "reason"});
      break;
    case RegisterEventKind::AccessDecided:
      known.insert(known.end(), {"approved", "decided_by", "decided_on", "note"});
      break;
    case RegisterEventKind::CertificateIssued:
      known.insert(known.end(),
                   {"certificate", "resident_name", "resident_id_masked", "basis", "issued_on"});
      break;
  }
  gj::refuse_unknown(j, known, to_string(*kind));
  const gj::Envelope env = gj::read_envelope(j, "subject");
  RegisterEvent e{env.id, env.subject, env.hlc, env.wall_ms, env.origin, env.staff, {}};
  switch (*kind) {
    case RegisterEventKind::AccessApplied:
      e.body = AccessApplied{
          gj::str(j, "department"), gj::str(j, "task"), gj::opt_str(j, "evidence"),
          read_name<WorkAccessVerdict, 2>(j, "verdict", WorkAccessVerdict::NeedsApproval),
          read_name<WorkAccessReason, 4>(j, "reason", WorkAccessReason::CertificateNotIssuable)};
      break;
    case RegisterEventKind::AccessDecided: {
      if (!j.contains("approved")) cj::fail("", "missing required field \"approved\"");
      e.body = AccessDecided{cj::read_bool(j.at("approved"), "/approved"), gj::str(j, "decided_by"),
                             gj::date(j, "decided_on"), gj::opt_str(j, "note")};
      break;
    }
    case RegisterEventKind::CertificateIssued:
      e.body = CertificateIssued{gj::str(j, "certificate"), gj::opt_str(j, "resident_name"),
                                 gj::str(j, "resident_id_masked"), gj::str(j, "basis"),
                                 gj::date(j, "issued_on")};
      break;
  }
  return e;
}

std::tuple<HlcTimestamp, std::string, Uuid> key_of(const RegisterEvent& e) {
  return {e.hlc, e.origin, e.id};
}

// A masked identity number shows at most 10 of its characters and hides the rest with '*'.
bool looks_masked(std::string_view s) {
  const auto stars = std::count(s.begin(), s.end(), '*');
  const auto digits =
      std::count_if(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == 'X'; });
  return stars >= 4 && digits <= 10 && s.size() <= 24 &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == 'X' || c == '*'; });
}

}  // namespace

std::string_view to_string(RegisterEventKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

Result<RegisterEventKind> parse_register_event_kind(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<RegisterEventKind>(i);
  }
  return Status(ErrorCode::Invalid, "unknown register fact kind " + cj::in_quotes(text) +
                                        " (the kinds are: access.applied, access.decided, "
                                        "certificate.issued)");
}

std::string_view to_string(ApplicationStatus status) {
  return kStatusNames[static_cast<std::size_t>(status)];
}

Status validate(const RegisterEvent& e) {
  if (std::string what = gj::check_envelope(envelope(e), true); !what.empty()) {
    return invalid(e, what);
  }
  if (const auto* a = std::get_if<AccessApplied>(&e.body)) {
    if (e.subject != e.id) return invalid(e, "an application's subject must be its own id");
    if (!gj::is_id_text(a->department, 64, "_-.")) {
      return invalid(e, "department " + cj::in_quotes(a->department) + " is not a department id");
    }
    if (!gj::is_plain_text(a->task, kMaxAccessTaskChars, false)) {
      return invalid(e, "the task must be plain text of 1-500 characters");
    }
    if (!gj::is_plain_text(a->evidence, kMaxEvidenceChars)) {
      return invalid(e, "the evidence must be plain text of at most 1000 characters");
    }
    if (gj::holds_personal_number(a->task) || gj::holds_personal_number(a->evidence)) {
      return invalid(e, "the application holds an identity or phone number; mask it first");
    }
  } else if (const auto* d = std::get_if<AccessDecided>(&e.body)) {
    if (e.subject == e.id) return invalid(e, "the subject must be the application decided");
    if (!gj::is_plain_text(d->decided_by, kMaxDecidedByChars, false)) {
      return invalid(e, "who decided (decided_by) must be plain text of 1-100 characters");
    }
    if (!gj::is_plain_text(d->note, kMaxDecisionNoteChars)) {
      return invalid(e, "the note must be plain text of at most 500 characters");
    }
  } else if (const auto* c = std::get_if<CertificateIssued>(&e.body)) {
    if (e.subject != e.id) return invalid(e, "a register entry's subject must be its own id");
    if (!gj::is_id_text(c->certificate, 64, "_-.")) {
      return invalid(e,
                     "certificate " + cj::in_quotes(c->certificate) + " is not a certificate id");
    }
    if (!gj::is_plain_text(c->resident_name, kMaxResidentNameChars)) {
      return invalid(e, "the resident's name must be plain text of at most 50 characters");
    }
    if (!looks_masked(c->resident_id_masked)) {
      return invalid(e,
                     "resident_id_masked must be a masked identity number such as "
                     "530102********1234; the clear number is never written to the register");
    }
    if (!gj::is_plain_text(c->basis, kMaxBasisChars, false)) {
      return invalid(e, "the basis must be plain text of 1-500 characters");
    }
    if (gj::holds_personal_number(c->basis) || gj::holds_personal_number(c->resident_name)) {
      return invalid(e, "the entry holds an identity or phone number; mask it first");
    }
  }
  return Status::ok();
}

json to_json(const RegisterEvent& e) {
  json j = json::object();
  gj::write_envelope(j, to_string(e.kind()), envelope(e), "subject");
  if (const auto* a = std::get_if<AccessApplied>(&e.body)) {
    j["department"] = a->department;
    j["task"] = a->task;
    if (!a->evidence.empty()) j["evidence"] = a->evidence;
    j["verdict"] = to_string(a->verdict);
    j["reason"] = to_string(a->reason);
  } else if (const auto* d = std::get_if<AccessDecided>(&e.body)) {
    j["approved"] = d->approved;
    j["decided_by"] = d->decided_by;
    j["decided_on"] = d->decided_on.to_string();
    if (!d->note.empty()) j["note"] = d->note;
  } else if (const auto* c = std::get_if<CertificateIssued>(&e.body)) {
    j["certificate"] = c->certificate;
    if (!c->resident_name.empty()) j["resident_name"] = c->resident_name;
    j["resident_id_masked"] = c->resident_id_masked;
    j["basis"] = c->basis;
    j["issued_on"] = c->issued_on.to_string();
  }
  return j;
}

Result<RegisterEvent> register_event_from_json(const json& j, std::string_view source) {
  RegisterEvent e;
  try {
    e = read_event(j);
  } catch (const cj::CatalogError& error) {
    return Status(error.code, cj::error_prefix(source, error.path) + error.what);
  } catch (const json::exception& error) {
    return Status(ErrorCode::Invalid, std::string(source) + ": " + error.what());
  }
  if (Status s = validate(e); !s) return Status(s.code(), std::string(source) + ": " + s.message());
  return e;
}

Result<RegisterEvent> parse_register_event(std::string_view json_text, std::string_view source) {
  WEIMIN_ASSIGN_OR_RETURN(json j, cj::parse_strict(json_text, source));
  return register_event_from_json(j, source);
}

// [SECTION] State

ApplicationStatus AccessApplication::status() const {
  if (!decision) return ApplicationStatus::Pending;
  return decision->approved ? ApplicationStatus::Approved : ApplicationStatus::Refused;
}

const AccessApplication* RegisterState::find_application(const Uuid& id) const {
  const auto it = applications.find(id);
  return it == applications.end() ? nullptr : &it->second;
}

std::vector<const AccessApplication*> RegisterState::catalogue() const {
  std::vector<const AccessApplication*> out;
  for (const auto& [id, a] : applications) {
    if (a.status() == ApplicationStatus::Approved) out.push_back(&a);
  }
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return std::tie(a->applied_ms, a->id) < std::tie(b->applied_ms, b->id);
  });
  return out;
}

RegisterFigures RegisterState::figures() const {
  RegisterFigures f;
  for (const auto& [id, a] : applications) {
    ++f.applications;
    switch (a.status()) {
      case ApplicationStatus::Pending:
        ++f.pending;
        break;
      case ApplicationStatus::Approved:
        ++f.approved;
        break;
      case ApplicationStatus::Refused:
        ++f.refused;
        break;
    }
  }
  f.certificates = static_cast<int>(certificates.size());
  return f;
}

Status check_certificate_issuable(const Catalog& catalog, std::string_view certificate) {
  const Certificate* c = catalog.certificate_by_id(certificate);
  if (!c) {
    std::string list;
    for (const auto& known : catalog.certificates) {
      if (known.issuable) list += (list.empty() ? "" : ", ") + known.id;
    }
    return Status(ErrorCode::NotFound, "the catalog has no certificate " +
                                           cj::in_quotes(certificate) +
                                           "; a residents' committee may issue: " + list);
  }
  if (!c->issuable) {
    std::string what =
        "a residents' committee may not issue " + c->name.zh + " (" + c->name.en + ") any more";
    if (!c->note.zh.empty()) what += "; " + c->note.zh;
    if (!c->note.en.empty()) what += " (" + c->note.en + ")";
    return Status(ErrorCode::Rejected, what);
  }
  return Status::ok();
}

Status check(const Catalog& catalog, const RegisterState& state, const RegisterEvent& e) {
  WEIMIN_TRY(validate(e));
  if (const auto* a = std::get_if<AccessApplied>(&e.body)) {
    if (state.applications.count(e.id)) {
      return Status(ErrorCode::AlreadyExists,
                    "application " + e.id.to_string() + " exists already");
    }
    if (!catalog.department_by_id(a->department)) {
      std::string list;
      for (const auto& d : catalog.departments) list += (list.empty() ? "" : ", ") + d.id;
      return Status(ErrorCode::NotFound, "the catalog has no department " +
                                             cj::in_quotes(a->department) + "; use one of " + list);
    }
  } else if (std::get_if<AccessDecided>(&e.body)) {
    const AccessApplication* app = state.find_application(e.subject);
    if (!app) {
      return Status(ErrorCode::NotFound, "there is no work-access application " +
                                             e.subject.to_string() +
                                             "; record the application first");
    }
    if (app->decision) {
      return Status(ErrorCode::Conflict, "the application was " +
                                             std::string(to_string(app->status())) +
                                             " already by " + app->decision->decided_by + " on " +
                                             app->decision->decided_on.to_string() +
                                             "; a new decision needs a new application");
    }
  } else if (const auto* c = std::get_if<CertificateIssued>(&e.body)) {
    if (state.certificates.count(e.id)) {
      return Status(ErrorCode::AlreadyExists,
                    "register entry " + e.id.to_string() + " exists already");
    }
    WEIMIN_TRY(check_certificate_issuable(catalog, c->certificate));
  }
  return Status::ok();
}

Status apply(const Catalog& catalog, RegisterState& state, const RegisterEvent& e) {
  WEIMIN_TRY(check(catalog, state, e));
  if (const auto* a = std::get_if<AccessApplied>(&e.body)) {
    state.applications.emplace(
        e.id, AccessApplication{e.id, e.origin, e.staff, e.wall_ms, *a, std::nullopt, {}});
  } else if (const auto* d = std::get_if<AccessDecided>(&e.body)) {
    AccessApplication& app = state.applications.at(e.subject);
    app.decision = *d;
    app.decision_staff = e.staff;
  } else if (const auto* c = std::get_if<CertificateIssued>(&e.body)) {
    state.certificates.emplace(e.id, CertificateEntry{e.id, e.origin, e.staff, e.wall_ms, *c});
  }
  return Status::ok();
}

RegisterState fold_register(const Catalog& catalog, std::vector<RegisterEvent> events) {
  std::sort(events.begin(), events.end(), [](const RegisterEvent& a, const RegisterEvent& b) {
    if (key_of(a) != key_of(b)) return key_of(a) < key_of(b);
    return to_json(a).dump() < to_json(b).dump();
  });
  RegisterState state;
  const RegisterEvent* previous = nullptr;
  for (const RegisterEvent& e : events) {
    if (previous && key_of(*previous) == key_of(e)) {
      if (!(*previous == e)) {
        state.conflicts.push_back({e, ErrorCode::Conflict,
                                   "another fact with the same id " + e.id.to_string() +
                                       " and other content; the first is kept"});
      }
      continue;
    }
    previous = &e;
    if (Status s = apply(catalog, state, e); !s) {
      state.conflicts.push_back({e, s.code(), s.message()});
    }
  }
  return state;
}

}  // namespace weimin::core
