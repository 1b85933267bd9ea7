// The case workflow: event rules (check_transition) and the fold of a case's events.
#include "weimin/core/case.hpp"

#include <algorithm>
#include <cassert>

#include "weimin/core/mask.hpp"

namespace weimin::core {
namespace {

constexpr std::size_t kMaxIdBytes = 128;
constexpr std::size_t kMaxTextBytes = 8000;

// [SECTION] Words for messages

std::string short_id(const Uuid& id) {
  return id.to_string().substr(0, 8) + "…";
}

std::string case_name(const Uuid& id) {
  return "case " + short_id(id);
}

// "case 0193a1b2… is closed; a closed case …"
struct StageWords {
  std::string_view clause;
  std::string_view noun;
};

StageWords words(CaseStage stage) {
  switch (stage) {
    case CaseStage::None:
      return {"has not been collected", "a case not yet collected"};
    case CaseStage::Collected:
      return {"is collected", "a collected case"};
    case CaseStage::Resolved:
      return {"is resolved locally", "a locally resolved case"};
    case CaseStage::Whistled:
      return {"is whistled", "a whistled case"};
    case CaseStage::Reported:
      return {"has been reported in on", "a case departments have reported in on"};
    case CaseStage::Feedback:
      return {"has a department's feedback", "a case with feedback"};
    case CaseStage::Verified:
      return {"is verified", "a verified case"};
    case CaseStage::Closed:
      return {"is closed", "a closed case"};
    case CaseStage::Evaluated:
      return {"is evaluated", "an evaluated case"};
    case CaseStage::Reopened:
      return {"is reopened", "a reopened case"};
    case CaseStage::Returned:
      return {"was returned by every department it was whistled to",
              "a case every department returned"};
  }
  return {"is in an unknown stage", "such a case"};
}

std::string_view verb(CaseEventKind kind) {
  switch (kind) {
    case CaseEventKind::Collected:
      return "be collected";
    case CaseEventKind::ResolvedLocally:
      return "be resolved locally";
    case CaseEventKind::Whistled:
      return "be whistled";
    case CaseEventKind::Reported:
      return "take a department's report-in";
    case CaseEventKind::Feedback:
      return "take a department's feedback";
    case CaseEventKind::Verified:
      return "be verified";
    case CaseEventKind::Closed:
      return "be closed";
    case CaseEventKind::Evaluated:
      return "be evaluated";
    case CaseEventKind::Reopened:
      return "be reopened";
    case CaseEventKind::Note:
      return "take a note";
    case CaseEventKind::ConflictSettled:
      return "have a conflict settled";
    case CaseEventKind::Returned:
      return "take a department's return";
    case CaseEventKind::Escalated:
      return "be raised to district level";
    case CaseEventKind::SentBack:
      return "be sent back to its community";
    case CaseEventKind::Visited:
      return "take a visit";
  }
  return "change";
}

// Collected, reopened or returned: waiting for a whistle or a local resolution.
bool waits_for_whistle(CaseStage stage) {
  return stage == CaseStage::Collected || stage == CaseStage::Reopened ||
         stage == CaseStage::Returned;
}

// What to do instead, after " — ".
std::string_view hint(CaseStage stage, CaseEventKind kind) {
  if (kind == CaseEventKind::Collected) return "it was collected already";
  if (stage == CaseStage::None) return "record it first (case.collected)";
  switch (kind) {
    case CaseEventKind::ResolvedLocally:
    case CaseEventKind::Whistled:
    case CaseEventKind::Reported:
    case CaseEventKind::Feedback:
    case CaseEventKind::Verified:
      if (stage == CaseStage::Closed || stage == CaseStage::Evaluated) return "reopen it first";
      break;
    default:
      break;
  }
  switch (kind) {
    case CaseEventKind::ResolvedLocally:
    case CaseEventKind::Whistled:
      return "a case is resolved or whistled once per round, from collected, reopened or "
             "returned";
    case CaseEventKind::Reported:
    case CaseEventKind::Returned:
      if (waits_for_whistle(stage)) return "it must be whistled first";
      return kind == CaseEventKind::Reported ? "report-ins end when the case is verified"
                                             : "returns end when the case is verified";
    case CaseEventKind::Escalated:
      return waits_for_whistle(stage)
                 ? "only a whistle being worked on can be raised; whistle it at district level"
                 : "only a whistle being worked on (whistled, reported in or with feedback) can "
                   "be raised";
    case CaseEventKind::SentBack:
      return "only a case waiting for a whistle (collected, reopened or returned) is sent back "
             "to its community";
    case CaseEventKind::Feedback:
      return "a department reports in before its feedback";
    case CaseEventKind::Verified:
      return "it needs a department's feedback or a local resolution first";
    case CaseEventKind::Closed:
      return "verify it with the resident first";
    case CaseEventKind::Evaluated:
      return stage == CaseStage::Evaluated ? "it was evaluated already" : "close it first";
    case CaseEventKind::Reopened:
      return stage == CaseStage::Evaluated ? "only a dissatisfied rating lets it be reopened"
                                           : "only a closed case can be reopened";
    default:
      return "check its history";
  }
}

Status wrong_state(const CaseState& state, CaseEventKind kind) {
  const StageWords w = words(state.stage);
  std::string msg = case_name(state.case_id) + " " + std::string(w.clause) + "; " +
                    std::string(w.noun) + " cannot " + std::string(verb(kind)) + " — " +
                    std::string(hint(state.stage, kind));
  if (kind == CaseEventKind::Reopened && state.stage == CaseStage::Evaluated && state.evaluation) {
    msg += " (it was rated " + std::string(to_string(*state.evaluation)) + ")";
  }
  return {ErrorCode::Conflict, std::move(msg)};
}

Status require(const CaseState& state, const CaseEvent& e, Permission p) {
  if (can(e.actor_role, p)) return Status::ok();
  return {ErrorCode::PermissionDenied, std::string(to_string(e.actor_role)) + " " + e.actor +
                                           " may not " + std::string(describe(p)) + " on " +
                                           case_name(state.case_id) + "; only " +
                                           describe_roles_with(p) + " may"};
}

bool in(CaseStage stage, std::initializer_list<CaseStage> allowed) {
  return std::find(allowed.begin(), allowed.end(), stage) != allowed.end();
}

const DepartmentProgress* find_department(const CaseState& state, std::string_view id) {
  for (const DepartmentProgress& d : state.departments) {
    if (d.department == id) return &d;
  }
  return nullptr;
}

DepartmentProgress* find_department(CaseState& state, std::string_view id) {
  for (DepartmentProgress& d : state.departments) {
    if (d.department == id) return &d;
  }
  return nullptr;
}

std::string whistled_list(const CaseState& state) {
  std::string out;
  for (const DepartmentProgress& d : state.departments) {
    out += (out.empty() ? "" : ", ") + d.department;
  }
  return out.empty() ? "none" : out;
}

const CaseConflict* find_conflict(const CaseState& state, const Uuid& id) {
  for (const CaseConflict& c : state.conflicts) {
    if (c.event.id == id) return &c;
  }
  return nullptr;
}

// [SECTION] Field checks

Status field_error(const CaseEvent& e, std::string_view field, std::string what) {
  return {ErrorCode::Invalid, std::string(to_string(e.kind())) + " event " + e.id.to_string() +
                                  ": " + std::string(field) + " " + std::move(what)};
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// An id-like name: non-empty, at most kMaxIdBytes, no control characters.
Status check_name(const CaseEvent& e, std::string_view field, std::string_view value) {
  if (value.empty()) return field_error(e, field, "is empty");
  if (value.size() > kMaxIdBytes) {
    return field_error(e, field,
                       "is " + std::to_string(value.size()) + " bytes long; at most " +
                           std::to_string(kMaxIdBytes) + " are allowed");
  }
  if (has_control(value)) return field_error(e, field, "contains a control character");
  return Status::ok();
}

Status check_text(const CaseEvent& e, std::string_view field, std::string_view value,
                  bool required) {
  if (required && value.empty()) return field_error(e, field, "is empty; it must say something");
  if (value.size() > kMaxTextBytes) {
    return field_error(e, field,
                       "is " + std::to_string(value.size()) + " bytes long; at most " +
                           std::to_string(kMaxTextBytes) + " are allowed");
  }
  return Status::ok();
}

inline constexpr std::size_t kMaxAddressBytes = 512;

Status check_where(const CaseEvent& e, const CaseWhere& w) {
  if (!w.grid.empty()) WEIMIN_TRY(check_name(e, "where.grid", w.grid));
  if (!w.place.empty()) WEIMIN_TRY(check_name(e, "where.place", w.place));
  if (w.address.size() > kMaxAddressBytes) {
    return field_error(e, "where.address",
                       "is " + std::to_string(w.address.size()) + " bytes long; at most " +
                           std::to_string(kMaxAddressBytes) + " are allowed");
  }
  if (has_control(w.address))
    return field_error(e, "where.address", "contains a control character");
  if (w.point) {
    if (w.point->lat_e6 < -kMaxLatitudeE6 || w.point->lat_e6 > kMaxLatitudeE6) {
      return field_error(e, "where.lat_e6",
                         "is " + std::to_string(w.point->lat_e6) +
                             "; a latitude in micro-degrees lies between -90000000 and 90000000");
    }
    if (w.point->lon_e6 < -kMaxLongitudeE6 || w.point->lon_e6 > kMaxLongitudeE6) {
      return field_error(
          e, "where.lon_e6",
          "is " + std::to_string(w.point->lon_e6) +
              "; a longitude in micro-degrees lies between -180000000 and 180000000");
    }
  }
  return Status::ok();
}

bool allows_on_behalf(CaseEventKind kind) {
  return kind == CaseEventKind::Reported || kind == CaseEventKind::Feedback ||
         kind == CaseEventKind::Returned || kind == CaseEventKind::Evaluated;
}

// Departments named once each, each a name.
Status check_departments(const CaseEvent& e, const std::vector<std::string>& departments) {
  for (std::size_t i = 0; i < departments.size(); ++i) {
    WEIMIN_TRY(check_name(e, "departments", departments[i]));
    for (std::size_t j = 0; j < i; ++j) {
      if (departments[j] == departments[i]) {
        return field_error(e, "departments", "names " + departments[i] + " twice");
      }
    }
  }
  return Status::ok();
}

Status check_payload(const CaseEvent& e) {
  struct Visitor {
    const CaseEvent& e;
    Status operator()(const CaseCollected& p) const {
      WEIMIN_TRY(check_name(e, "source", p.source));
      WEIMIN_TRY(check_text(e, "description", p.description, true));
      if (!p.resident_ref.empty()) WEIMIN_TRY(check_name(e, "resident_ref", p.resident_ref));
      if (mask_personal_numbers_in_text(p.resident_ref) != p.resident_ref) {
        return field_error(e, "resident_ref",
                           "holds a phone or identity number; keep those apart and pass the "
                           "station's opaque reference instead");
      }
      return check_where(e, p.where);
    }
    Status operator()(const CaseResolved& p) const {
      return check_text(e, "summary", p.summary, true);
    }
    Status operator()(const CaseWhistled& p) const {
      if (p.departments.empty()) return field_error(e, "departments", "is empty; name one or more");
      WEIMIN_TRY(check_departments(e, p.departments));
      return check_text(e, "note", p.note, false);
    }
    Status operator()(const CaseReported& p) const {
      if (p.expected_ms < 0 || p.expected_ms > HlcTimestamp::kMaxWallMs) {
        return field_error(e, "expected_ms",
                           "is " + std::to_string(p.expected_ms) +
                               "; give Unix milliseconds of the expected day, or 0 for none");
      }
      return check_text(e, "note", p.note, false);
    }
    Status operator()(const CaseFeedback& p) const {
      return check_text(e, "action", p.action, true);
    }
    Status operator()(const CaseVerified& p) const {
      return check_text(e, "outcome", p.outcome, true);
    }
    Status operator()(const CaseClosed& p) const {
      return check_text(e, "summary", p.summary, false);
    }
    Status operator()(const CaseEvaluated& p) const {
      return check_text(e, "comment", p.comment, false);
    }
    Status operator()(const CaseReopened& p) const {
      return check_text(e, "reason", p.reason, true);
    }
    Status operator()(const CaseNote& p) const { return check_text(e, "text", p.text, true); }
    Status operator()(const ConflictSettled& p) const {
      if (p.event.is_nil()) return field_error(e, "event", "is the nil id");
      if (p.event == e.id) return field_error(e, "event", "names the settling event itself");
      return check_text(e, "reason", p.reason, true);
    }
    Status operator()(const CaseReturned& p) const {
      return check_text(e, "reason", p.reason, true);
    }
    Status operator()(const CaseEscalated& p) const {
      WEIMIN_TRY(check_departments(e, p.departments));
      return check_text(e, "note", p.note, false);
    }
    Status operator()(const CaseSentBack& p) const {
      return check_text(e, "reason", p.reason, true);
    }
    Status operator()(const CaseVisited& p) const {
      return check_text(e, "outcome", p.outcome, true);
    }
  };
  return std::visit(Visitor{e}, e.payload);
}

// [SECTION] Applying

void apply(CaseState& state, const CaseEvent& e, HlcTimestamp effective,
           std::optional<Uuid> accepted_by);

void apply_settlement(CaseState& state, const CaseEvent& e, const ConflictSettled& p) {
  const auto it = std::find_if(state.conflicts.begin(), state.conflicts.end(),
                               [&](const CaseConflict& c) { return c.event.id == p.event; });
  assert(it != state.conflicts.end() && "check_transition lets only open conflicts be settled");
  CaseConflict conflict = std::move(*it);
  state.conflicts.erase(it);
  if (p.decision == SettleDecision::Accept) apply(state, conflict.event, e.hlc, e.id);
  state.settled.push_back(SettledConflict{std::move(conflict), e.id, p.decision});
}

// The words a step carries, for its CaseStep.
std::string step_text(const CasePayload& payload) {
  struct Visitor {
    std::string operator()(const CaseCollected& p) const { return p.description; }
    std::string operator()(const CaseResolved& p) const { return p.summary; }
    std::string operator()(const CaseWhistled& p) const { return p.note; }
    std::string operator()(const CaseReported& p) const { return p.note; }
    std::string operator()(const CaseFeedback& p) const { return p.action; }
    std::string operator()(const CaseVerified& p) const { return p.outcome; }
    std::string operator()(const CaseClosed& p) const { return p.summary; }
    std::string operator()(const CaseEvaluated& p) const { return p.comment; }
    std::string operator()(const CaseReopened& p) const { return p.reason; }
    std::string operator()(const CaseNote& p) const { return p.text; }
    std::string operator()(const ConflictSettled& p) const { return p.reason; }
    std::string operator()(const CaseReturned& p) const { return p.reason; }
    std::string operator()(const CaseEscalated& p) const { return p.note; }
    std::string operator()(const CaseSentBack& p) const { return p.reason; }
    std::string operator()(const CaseVisited& p) const { return p.outcome; }
  };
  return std::visit(Visitor{}, payload);
}

void apply(CaseState& state, const CaseEvent& e, HlcTimestamp effective,
           std::optional<Uuid> accepted_by) {
  state.timeline.push_back(CaseStep{e.id, e.kind(), e.actor, e.actor_role, e.on_behalf_of, e.hlc,
                                    e.wall_ms, accepted_by, effective, step_text(e.payload)});
  auto set_stage = [&](CaseStage stage) {
    state.stage = stage;
    state.stage_since = effective;
  };
  switch (e.kind()) {
    case CaseEventKind::Collected: {
      const auto& p = std::get<CaseCollected>(e.payload);
      set_stage(CaseStage::Collected);
      state.source = p.source;
      state.channel = p.channel;
      state.description = p.description;
      state.resident_ref = p.resident_ref;
      state.where = p.where;
      break;
    }
    case CaseEventKind::ResolvedLocally:
      set_stage(CaseStage::Resolved);
      state.resolution = std::get<CaseResolved>(e.payload).summary;
      state.sent_back.reset();
      break;
    case CaseEventKind::Whistled: {
      const auto& p = std::get<CaseWhistled>(e.payload);
      set_stage(CaseStage::Whistled);
      state.level = p.level;
      state.kind = p.kind;
      state.whistled_at = effective;
      state.escalated_at.reset();
      state.sent_back.reset();
      state.departments.clear();
      for (const std::string& d : p.departments) {
        DepartmentProgress progress;
        progress.department = d;
        progress.whistled = effective;
        state.departments.push_back(std::move(progress));
      }
      break;
    }
    case CaseEventKind::Reported: {
      const auto& p = std::get<CaseReported>(e.payload);
      DepartmentProgress* d = find_department(state, responding_department(e));
      d->reported = effective;
      d->report_note = p.note;
      d->expected_ms = p.expected_ms;
      if (state.stage == CaseStage::Whistled) set_stage(CaseStage::Reported);
      break;
    }
    case CaseEventKind::Feedback: {
      const auto& action = std::get<CaseFeedback>(e.payload).action;
      DepartmentProgress* d = find_department(state, responding_department(e));
      d->feedback = effective;
      d->feedback_action = action;
      state.resolution = action;
      if (state.stage == CaseStage::Reported) set_stage(CaseStage::Feedback);
      break;
    }
    case CaseEventKind::Returned: {
      DepartmentProgress* d = find_department(state, responding_department(e));
      d->returned = effective;
      d->return_reason = std::get<CaseReturned>(e.payload).reason;
      const auto still_in = [](const DepartmentProgress& x) { return !x.returned; };
      const auto reported_in = [](const DepartmentProgress& x) {
        return !x.returned && x.reported.has_value();
      };
      if (std::none_of(state.departments.begin(), state.departments.end(), still_in)) {
        set_stage(CaseStage::Returned);
      } else if (state.stage == CaseStage::Reported &&
                 std::none_of(state.departments.begin(), state.departments.end(), reported_in)) {
        set_stage(CaseStage::Whistled);  // the only report-ins were of departments that left
      }
      break;
    }
    case CaseEventKind::Escalated: {
      const auto& p = std::get<CaseEscalated>(e.payload);
      state.level = WhistleLevel::District;
      state.escalated_at = effective;
      for (const std::string& id : p.departments) {
        DepartmentProgress progress;
        progress.department = id;
        progress.whistled = effective;
        state.departments.push_back(std::move(progress));
      }
      break;
    }
    case CaseEventKind::SentBack:
      state.sent_back = CaseSendBack{std::get<CaseSentBack>(e.payload).reason, e.actor, effective};
      break;
    case CaseEventKind::Verified:
      set_stage(CaseStage::Verified);
      state.outcome = std::get<CaseVerified>(e.payload).outcome;
      break;
    case CaseEventKind::Closed:
      set_stage(CaseStage::Closed);
      break;
    case CaseEventKind::Evaluated:
      set_stage(CaseStage::Evaluated);
      state.evaluation = std::get<CaseEvaluated>(e.payload).rating;
      break;
    case CaseEventKind::Reopened:
      set_stage(CaseStage::Reopened);
      ++state.reopen_count;
      state.level.reset();
      state.kind.reset();
      state.whistled_at.reset();
      state.escalated_at.reset();
      state.sent_back.reset();
      state.departments.clear();
      state.evaluation.reset();
      break;
    case CaseEventKind::Note:
      state.notes.push_back(
          CaseNoteEntry{e.id, e.actor, e.actor_role, e.hlc, std::get<CaseNote>(e.payload).text});
      break;
    case CaseEventKind::Visited:
      state.visits.push_back(CaseNoteEntry{e.id, e.actor, e.actor_role, e.hlc,
                                           std::get<CaseVisited>(e.payload).outcome});
      break;
    case CaseEventKind::ConflictSettled:
      apply_settlement(state, e, std::get<ConflictSettled>(e.payload));
      break;
  }
}

// [SECTION] Ordering

bool fold_order(const CaseEvent& a, const CaseEvent& b) {
  if (a.hlc != b.hlc) return a.hlc < b.hlc;
  if (a.origin != b.origin) return a.origin < b.origin;
  return a.id < b.id;
}

}  // namespace

// [SECTION] Public

std::string responding_department(const CaseEvent& event) {
  if (event.kind() != CaseEventKind::Reported && event.kind() != CaseEventKind::Feedback &&
      event.kind() != CaseEventKind::Returned) {
    return {};
  }
  return event.actor_role == Role::Department ? event.actor : event.on_behalf_of;
}

Status validate_case_event(const CaseEvent& e) {
  if (e.id.is_nil()) return field_error(e, "id", "is the nil id");
  if (e.case_id.is_nil()) return field_error(e, "case", "is the nil id");
  if (e.hlc.wall_ms < 0 || e.hlc.wall_ms > HlcTimestamp::kMaxWallMs ||
      e.hlc.logical > HlcTimestamp::kMaxLogical) {
    return field_error(e, "hlc", "is out of range");
  }
  if (e.wall_ms < 0) return field_error(e, "wall_ms", "is negative");
  WEIMIN_TRY(check_name(e, "origin", e.origin));
  WEIMIN_TRY(check_name(e, "actor", e.actor));
  if (e.actor_role == Role::Resident && e.actor != "resident") {
    return field_error(e, "actor",
                       "of a resident's event must be \"resident\" (residents are "
                       "not named in case events), got \"" +
                           e.actor + "\"");
  }
  if (!e.on_behalf_of.empty()) {
    if (!allows_on_behalf(e.kind())) {
      return field_error(e, "on_behalf_of",
                         "is allowed on reported, feedback, returned and evaluated only");
    }
    WEIMIN_TRY(check_name(e, "on_behalf_of", e.on_behalf_of));
    if (e.actor_role == Role::Department || e.actor_role == Role::Resident) {
      return field_error(e, "on_behalf_of",
                         "is for staff recording a step for someone else; a " +
                             std::string(to_string(e.actor_role)) + " acts for itself");
    }
    if (e.kind() == CaseEventKind::Evaluated && e.on_behalf_of != "resident") {
      return field_error(e, "on_behalf_of", "of an evaluation must be \"resident\"");
    }
  }
  return check_payload(e);
}

Status check_transition(const CaseState& state, const CaseEvent& e) {
  WEIMIN_TRY(validate_case_event(e));
  if (e.case_id != state.case_id) {
    return {ErrorCode::Invalid, std::string(to_string(e.kind())) + " event " + e.id.to_string() +
                                    " belongs to case " + e.case_id.to_string() + ", not to " +
                                    state.case_id.to_string()};
  }
  const CaseStage s = state.stage;
  switch (e.kind()) {
    case CaseEventKind::Collected:
      if (e.actor_role == Role::Resident) {
        WEIMIN_TRY(require(state, e, Permission::SubmitCase));
        if (std::get<CaseCollected>(e.payload).channel != CaseChannel::Kiosk) {
          return {ErrorCode::PermissionDenied,
                  "a resident records a case only at the kiosk; at a window or on a grid round "
                  "staff record it"};
        }
      } else {
        WEIMIN_TRY(require(state, e, Permission::RecordCase));
      }
      if (s != CaseStage::None) return wrong_state(state, e.kind());
      return Status::ok();
    case CaseEventKind::ResolvedLocally:
      WEIMIN_TRY(require(state, e, Permission::ResolveCase));
      if (!waits_for_whistle(s)) return wrong_state(state, e.kind());
      return Status::ok();
    case CaseEventKind::Whistled: {
      const auto& p = std::get<CaseWhistled>(e.payload);
      WEIMIN_TRY(require(state, e,
                         p.level == WhistleLevel::Community ? Permission::WhistleCommunity
                                                            : Permission::WhistleDistrict));
      if (!waits_for_whistle(s)) return wrong_state(state, e.kind());
      return Status::ok();
    }
    case CaseEventKind::Reported:
    case CaseEventKind::Feedback:
    case CaseEventKind::Returned: {
      const bool report = e.kind() == CaseEventKind::Reported;
      const bool give_back = e.kind() == CaseEventKind::Returned;
      const Permission own = report      ? Permission::ReportIn
                             : give_back ? Permission::ReturnWhistle
                                         : Permission::GiveFeedback;
      WEIMIN_TRY(require(
          state, e, e.on_behalf_of.empty() ? own : Permission::RecordDepartmentResponseByPhone));
      const bool stage_ok =
          report || give_back
              ? in(s, {CaseStage::Whistled, CaseStage::Reported, CaseStage::Feedback})
              : in(s, {CaseStage::Reported, CaseStage::Feedback});
      if (!stage_ok) return wrong_state(state, e.kind());
      const std::string dept = responding_department(e);
      const DepartmentProgress* d = find_department(state, dept);
      if (d == nullptr) {
        return {ErrorCode::PermissionDenied,
                "department " + dept + " was not whistled for " + case_name(state.case_id) +
                    " (whistled: " + whistled_list(state) + "); only those may respond"};
      }
      if (d->returned) {
        return {ErrorCode::Conflict, "department " + dept + " returned the whistle on " +
                                         case_name(state.case_id) +
                                         "; it takes no further step in this round"};
      }
      if (give_back) {
        if (d->feedback) {
          return {ErrorCode::Conflict,
                  "department " + dept + " gave feedback on " + case_name(state.case_id) +
                      " already; a department returns a whistle before its feedback, or not "
                      "at all"};
        }
        return Status::ok();
      }
      if (report && d->reported) {
        return {ErrorCode::Conflict,
                "department " + dept + " has already reported in on " + case_name(state.case_id)};
      }
      if (!report && !d->reported) {
        return {ErrorCode::Conflict, "department " + dept + " has not reported in on " +
                                         case_name(state.case_id) +
                                         " yet; it reports in before giving feedback"};
      }
      return Status::ok();
    }
    case CaseEventKind::Verified:
      WEIMIN_TRY(require(state, e, Permission::VerifyCase));
      if (!in(s, {CaseStage::Feedback, CaseStage::Resolved})) return wrong_state(state, e.kind());
      return Status::ok();
    case CaseEventKind::Closed:
      WEIMIN_TRY(require(state, e, Permission::CloseCase));
      if (s != CaseStage::Verified) return wrong_state(state, e.kind());
      return Status::ok();
    case CaseEventKind::Evaluated:
      WEIMIN_TRY(require(
          state, e,
          e.on_behalf_of.empty() ? Permission::EvaluateCase : Permission::RecordEvaluation));
      if (s != CaseStage::Closed) return wrong_state(state, e.kind());
      return Status::ok();
    case CaseEventKind::Reopened:
      WEIMIN_TRY(require(state, e, Permission::ReopenCase));
      if (s != CaseStage::Closed &&
          !(s == CaseStage::Evaluated && state.evaluation == Rating::Dissatisfied)) {
        return wrong_state(state, e.kind());
      }
      return Status::ok();
    case CaseEventKind::Note:
      return require(state, e, Permission::AddNote);
    case CaseEventKind::Visited:
      // Station staff who may record a case may say they went to see it.
      WEIMIN_TRY(require(state, e, Permission::RecordCase));
      if (s == CaseStage::None) return wrong_state(state, e.kind());
      return Status::ok();
    case CaseEventKind::Escalated: {
      WEIMIN_TRY(require(state, e, Permission::EscalateWhistle));
      if (!in(s, {CaseStage::Whistled, CaseStage::Reported, CaseStage::Feedback})) {
        return wrong_state(state, e.kind());
      }
      if (state.level != WhistleLevel::Community) {
        return {ErrorCode::Conflict, case_name(state.case_id) +
                                         " is whistled at district level already" +
                                         (state.escalated_at ? " (it was raised)" : "") +
                                         "; only a community-level whistle is raised"};
      }
      for (const std::string& d : std::get<CaseEscalated>(e.payload).departments) {
        if (find_department(state, d) != nullptr) {
          return {ErrorCode::Conflict, "department " + d + " is whistled for " +
                                           case_name(state.case_id) +
                                           " in this round already; name only departments to add"};
        }
      }
      return Status::ok();
    }
    case CaseEventKind::SentBack:
      WEIMIN_TRY(require(state, e, Permission::SendBackCase));
      if (!waits_for_whistle(s)) return wrong_state(state, e.kind());
      if (state.sent_back) {
        return {ErrorCode::Conflict, case_name(state.case_id) +
                                         " was sent back to its community already; it waits "
                                         "for the community to whistle or resolve it"};
      }
      return Status::ok();
    case CaseEventKind::ConflictSettled: {
      WEIMIN_TRY(require(state, e, Permission::SettleConflict));
      const auto& p = std::get<ConflictSettled>(e.payload);
      const CaseConflict* c = find_conflict(state, p.event);
      if (c == nullptr) {
        return {ErrorCode::Conflict, case_name(state.case_id) +
                                         " has no open conflict with event " + p.event.to_string() +
                                         " (never kept as a conflict, or settled already)"};
      }
      if (p.decision == SettleDecision::Accept) {
        const Status now = check_transition(state, c->event);
        if (!now) {
          return {ErrorCode::Conflict,
                  "event " + p.event.to_string() + " cannot be accepted now: " + now.message()};
        }
      }
      return Status::ok();
    }
  }
  return {ErrorCode::Internal, "unknown case event kind"};
}

CaseState fold_case(const Uuid& case_id, std::span<const CaseEvent> events) {
  std::vector<const CaseEvent*> order;
  order.reserve(events.size());
  for (const CaseEvent& e : events) order.push_back(&e);
  // Deduplicate by id; of different events sharing an id, keep the first in a total order.
  std::sort(order.begin(), order.end(), [](const CaseEvent* a, const CaseEvent* b) {
    if (a->id != b->id) return a->id < b->id;
    if (a->hlc != b->hlc || a->origin != b->origin) return fold_order(*a, *b);
    return *a < *b;
  });
  order.erase(std::unique(order.begin(), order.end(),
                          [](const CaseEvent* a, const CaseEvent* b) { return a->id == b->id; }),
              order.end());
  std::sort(order.begin(), order.end(),
            [](const CaseEvent* a, const CaseEvent* b) { return fold_order(*a, *b); });

  CaseState state;
  state.case_id = case_id;
  for (const CaseEvent* e : order) {
    const Status allowed = check_transition(state, *e);
    if (allowed) {
      apply(state, *e, e->hlc, std::nullopt);
    } else {
      state.conflicts.push_back(CaseConflict{*e, allowed.code(), allowed.message()});
    }
  }
  return state;
}

// [SECTION] Where, against the catalog

Status check_case_where(const CaseWhere& where, const Catalog& catalog,
                        std::string_view community) {
  const std::string here(community);
  if (!where.grid.empty()) {
    const Grid* g = catalog.grid_by_code(where.grid);
    if (g == nullptr) {
      return {ErrorCode::Invalid, "grid " + where.grid +
                                      " is not in the catalog; choose one of this community's "
                                      "grids (weimin catalog grids)"};
    }
    if (g->community != here) {
      return {ErrorCode::Invalid, "grid " + where.grid + " belongs to community " + g->community +
                                      ", not to this station's " + here +
                                      "; choose one of this community's grids"};
    }
  }
  if (!where.place.empty()) {
    const Place* p = catalog.place_by_id(where.place);
    if (p == nullptr) {
      return {ErrorCode::Invalid, "place " + where.place +
                                      " is not in the catalog; choose one of this community's "
                                      "places, or type the address instead"};
    }
    if (p->community != here) {
      return {ErrorCode::Invalid, "place " + where.place + " belongs to community " + p->community +
                                      ", not to this station's " + here +
                                      "; choose one of this community's places"};
    }
    if (!where.grid.empty() && p->grid != where.grid) {
      return {ErrorCode::Invalid, "place " + where.place + " is not in grid " + where.grid +
                                      (p->grid.empty() ? std::string(" (it lies in no grid)")
                                                       : " (it lies in grid " + p->grid + ")") +
                                      "; choose a place of that grid, or leave the grid out"};
    }
  }
  return Status::ok();
}

CaseWhere resolve_case_where(CaseWhere where, const Catalog& catalog) {
  if (where.grid.empty() && !where.place.empty()) {
    if (const Place* p = catalog.place_by_id(where.place)) where.grid = p->grid;
  }
  return where;
}

std::string to_string(const GeoPoint& point) {
  auto degrees = [](std::int32_t e6) {
    const std::int64_t v = e6;
    const std::int64_t a = v < 0 ? -v : v;
    std::string frac = std::to_string(a % 1'000'000);
    frac.insert(0, 6 - frac.size(), '0');
    return std::string(v < 0 ? "-" : "") + std::to_string(a / 1'000'000) + "." + frac;
  };
  return degrees(point.lat_e6) + ", " + degrees(point.lon_e6);
}

}  // namespace weimin::core
