#include "weimin/station/cases.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>

#include "case_fold.hpp"
#include "case_index.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/core/validation.hpp"
#include "weimin/station/evaluations.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::station {
namespace {

constexpr std::string_view kContactKind = "resident.contact";
// A case recorded without a phone: the keyed MAC of its check code (never the code itself).
constexpr std::string_view kCheckCodeKind = "resident.check_code";
// The station's own key for those MACs (hex, 32 random bytes). Kept in the station's meta
// table, which never syncs: the MAC that travels with the case is useless without it.
constexpr std::string_view kCheckCodeKeyMeta = "check_code_key";
constexpr std::size_t kCheckCodeDigits = 6;
constexpr std::size_t kMacBytes = crypto_generichash_BYTES;  // 32

std::string hex_of(const unsigned char* bytes, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The station's check-code key; made (inside the caller's transaction) when `create` and none
// exists yet. NotFound when there is none and !create.
Result<std::array<unsigned char, crypto_generichash_KEYBYTES>> check_code_key(storage::Database& db,
                                                                              bool create) {
  std::array<unsigned char, crypto_generichash_KEYBYTES> key{};
  WEIMIN_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                          storage::Meta::get(db, kCheckCodeKeyMeta));
  if (stored) {
    std::size_t len = 0;
    if (sodium_hex2bin(key.data(), key.size(), stored->data(), stored->size(), nullptr, &len,
                       nullptr) != 0 ||
        len != key.size()) {
      return Status(ErrorCode::Corrupt, "the station's check-code key is damaged");
    }
    return key;
  }
  if (!create) return Status(ErrorCode::NotFound, "this station has issued no check code");
  randombytes_buf(key.data(), key.size());
  std::string hex = hex_of(key.data(), key.size());
  Status st = storage::Meta::set(db, kCheckCodeKeyMeta, hex);
  sodium_memzero(hex.data(), hex.size());
  WEIMIN_TRY(st);
  return key;
}

// The MAC of a check code for one case: BLAKE2b keyed with the station's key over the case id
// and the code, so a MAC fits only its own case.
std::array<unsigned char, kMacBytes> check_code_mac(
    const std::array<unsigned char, crypto_generichash_KEYBYTES>& key, const core::Uuid& case_id,
    std::string_view code) {
  const std::string message = case_id.to_string() + ":" + std::string(code);
  std::array<unsigned char, kMacBytes> mac{};
  crypto_generichash(mac.data(), mac.size(), reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), key.data(), key.size());
  return mac;
}

// A fresh check code: six digits, uniform, from libsodium's CSPRNG.
std::string new_check_code() {
  char out[kCheckCodeDigits + 1];
  std::snprintf(out, sizeof out, "%06u", static_cast<unsigned>(randombytes_uniform(1000000)));
  return out;
}

// True when `typed` is the check code issued for the case whose facts are `rows`.
bool check_code_matches(storage::Database& db, const core::Uuid& case_id,
                        const std::vector<storage::FactRow>& rows, std::string_view typed) {
  if (typed.size() != kCheckCodeDigits || !all_digits(typed)) return false;
  std::string mac_hex;
  for (const auto& row : rows) {
    if (row.kind != kCheckCodeKind) continue;
    const auto body = nlohmann::json::parse(row.body, nullptr, false);
    if (!body.is_discarded()) mac_hex = body.value("mac", "");
  }
  std::array<unsigned char, kMacBytes> stored{};
  std::size_t len = 0;
  if (mac_hex.empty() ||
      sodium_hex2bin(stored.data(), stored.size(), mac_hex.data(), mac_hex.size(), nullptr, &len,
                     nullptr) != 0 ||
      len != stored.size()) {
    return false;
  }
  auto key = check_code_key(db, false);
  if (!key.is_ok()) return false;
  const auto mac = check_code_mac(*key, case_id, typed);
  sodium_memzero(key->data(), key->size());
  return sodium_memcmp(mac.data(), stored.data(), mac.size()) == 0;
}

struct Contact {
  std::string phone;
  std::string id_number;
};

std::optional<Contact> contact_of(const std::vector<storage::FactRow>& rows) {
  // A last-writer-wins register: the latest contact fact (rows come in HLC order).
  std::optional<Contact> out;
  for (const auto& row : rows) {
    if (row.kind != kContactKind) continue;
    const auto body = nlohmann::json::parse(row.body, nullptr, false);
    if (body.is_discarded()) continue;
    out = Contact{body.value("phone", ""), body.value("id_number", "")};
  }
  return out;
}

Result<std::string> code_of(storage::Database& db, const core::Uuid& id) {
  WEIMIN_ASSIGN_OR_RETURN(storage::Statement s,
                          db.prepare("SELECT code FROM tracking WHERE case_id = ?"));
  s.bind(1, id.to_string());
  WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
  return row ? s.column_text(0) : core::tracking_code(id);
}

// The view of a case folded already, with its subject's rows (for the contact).
CaseView view_of(core::CaseState state, const std::vector<storage::FactRow>& rows,
                 const core::CaseDeadlines& deadlines, std::int64_t now_ms,
                 std::string tracking_code) {
  CaseView v;
  v.overdue = core::overdue(state, deadlines, now_ms);
  v.state = std::move(state);
  v.tracking_code = std::move(tracking_code);
  if (auto contact = contact_of(rows)) {
    if (!contact->phone.empty()) v.phone_masked = core::mask_phone(contact->phone);
    if (!contact->id_number.empty())
      v.id_number_masked = core::mask_identity_number(contact->id_number);
  }
  return v;
}

}  // namespace

core::CaseDeadlines Cases::deadlines() const {
  return station_.current_case_deadlines();
}

std::vector<int> Cases::deadline_fallback_years(const std::vector<CaseView>& cases) const {
  const core::CaseDeadlines d = deadlines();
  std::set<int> years;
  for (const CaseView& v : cases) {
    const core::CaseState& s = v.state;
    const bool in_round = s.stage == core::CaseStage::Whistled ||
                          s.stage == core::CaseStage::Reported ||
                          s.stage == core::CaseStage::Feedback;
    if (!in_round && s.stage != core::CaseStage::Resolved) continue;
    const auto& limits =
        in_round ? d.for_kind(s.kind.value_or(core::WhistleKind::Routine)) : d.routine;
    if (limits.unit != core::DeadlineUnit::WorkingDays) continue;
    const std::int64_t from =
        in_round && s.whistled_at ? s.whistled_at->wall_ms : s.stage_since.wall_ms;
    std::int64_t to =
        in_round ? d.resolve_due(limits, from) : d.due_after(limits, from, limits.verify);
    if (to <= 0) to = from;
    for (int y : core::uncovered_years(d.calendar, from, to)) years.insert(y);
  }
  return {years.begin(), years.end()};
}

Result<CaseReceipt> Cases::record(const std::optional<Session>& by, const NewCase& request) {
  if (by) WEIMIN_TRY(StaffDesk::require(*by, core::Permission::RecordCase));
  if (!station_.catalog().source_by_id(request.source)) {
    std::string known;
    for (const auto& s : station_.catalog().whistle_sources)
      known += (known.empty() ? "" : ", ") + s.id;
    return Status(ErrorCode::Invalid,
                  "there is no problem category '" + request.source + "'; choose one of: " + known);
  }
  const core::CaseWhere where = core::resolve_case_where(request.where, station_.catalog());
  WEIMIN_TRY(core::check_case_where(where, station_.catalog(), station_.community()));
  Contact contact;
  if (request.phone && !request.phone->empty()) {
    WEIMIN_ASSIGN_OR_RETURN(contact.phone, core::parse_mobile_number(*request.phone));
  }
  if (request.id_number && !request.id_number->empty()) {
    WEIMIN_ASSIGN_OR_RETURN(
        core::IdentityNumber parsed,
        core::parse_identity_number(*request.id_number, core::local_date(station_.now_ms())));
    contact.id_number = parsed.number;
  }
  const bool has_contact = !contact.phone.empty() || !contact.id_number.empty();
  if (has_contact && !request.consent) {
    return Status(ErrorCode::Invalid,
                  "a phone or identity number is kept only after the resident agrees to the "
                  "privacy notice; ask them, then record the consent (--consent)");
  }
  CaseReceipt receipt;
  Status st = station_.transact([&]() -> Status {
    // A fresh case id whose tracking code no other case of this station has.
    for (int attempt = 0;; ++attempt) {
      receipt.case_id = station_.stamp().id;
      receipt.tracking_code = core::tracking_code(receipt.case_id);
      WEIMIN_ASSIGN_OR_RETURN(storage::Statement taken,
                              station_.db().prepare("SELECT 1 FROM tracking WHERE code = ?"));
      taken.bind(1, receipt.tracking_code);
      WEIMIN_ASSIGN_OR_RETURN(bool clash, taken.step());
      if (!clash) break;
      if (attempt > 16) return Status(ErrorCode::Internal, "cannot find a free tracking code");
    }
    std::vector<NewFact> facts;
    std::string resident_ref;
    if (has_contact) {
      Stamp s = station_.stamp();
      resident_ref = "contact:" + s.id.to_string();
      nlohmann::json body = nlohmann::json::object();
      if (!contact.phone.empty()) body["phone"] = contact.phone;
      if (!contact.id_number.empty()) body["id_number"] = contact.id_number;
      body["consent"] = true;
      facts.push_back({std::string(kContactKind), receipt.case_id.to_string(), body, s});
    }
    if (contact.phone.empty()) {
      // No phone to check against: a check code for the receipt, kept only as its MAC.
      WEIMIN_ASSIGN_OR_RETURN(auto key, check_code_key(station_.db(), true));
      receipt.check_code = new_check_code();
      const auto mac = check_code_mac(key, receipt.case_id, receipt.check_code);
      sodium_memzero(key.data(), key.size());
      Stamp s = station_.stamp();
      facts.push_back({std::string(kCheckCodeKind), receipt.case_id.to_string(),
                       nlohmann::json{{"mac", hex_of(mac.data(), mac.size())}}, s});
    }
    Stamp s = station_.stamp();
    core::CaseEvent ev;
    ev.id = s.id;
    ev.case_id = receipt.case_id;
    ev.hlc = s.hlc;
    ev.origin = station_.origin();
    ev.wall_ms = s.wall_ms;
    ev.actor = by ? by->staff_no : "resident";
    ev.actor_role = by ? by->role : core::Role::Resident;  // a resident only at the kiosk
    ev.payload = core::CaseCollected{request.source, request.channel, request.description,
                                     resident_ref, where};
    WEIMIN_TRY(core::check_transition(core::fold_case(receipt.case_id, {}), ev));
    facts.push_back({std::string(core::to_string(ev.kind())), receipt.case_id.to_string(),
                     core::case_event_body(ev), s});
    WEIMIN_TRY(station_.append(facts).status());
    WEIMIN_ASSIGN_OR_RETURN(
        storage::Statement track,
        station_.db().prepare("INSERT INTO tracking (code, case_id) VALUES (?, ?)"));
    track.bind(1, receipt.tracking_code).bind(2, receipt.case_id.to_string());
    WEIMIN_TRY(track.run());
    if (by) {
      StaffDesk desk(station_);
      WEIMIN_TRY(desk.audit(*by, "case_collected", receipt.case_id.to_string()));
    }
    return Status::ok();
  });
  WEIMIN_TRY(st);
  return receipt;
}

Result<core::CaseState> Cases::load(const core::Uuid& id) {
  WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_subject(station_.db(), id.to_string()));
  return fold_case_rows(id, rows);
}

Result<core::CaseState> Cases::step(const std::optional<Session>& by, const core::Uuid& id,
                                    core::Permission permission, std::string on_behalf_of,
                                    core::CasePayload payload, std::string_view action,
                                    const std::function<Status()>& also) {
  if (by) WEIMIN_TRY(StaffDesk::require(*by, permission));
  core::CaseState after;
  Status st = station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::CaseState state, load(id));
    WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(id.to_string()));
    core::CaseEvent ev;
    ev.id = s.id;
    ev.case_id = id;
    ev.hlc = s.hlc;
    ev.origin = station_.origin();
    ev.wall_ms = s.wall_ms;
    ev.actor = by ? by->staff_no : "resident";
    ev.actor_role = by ? by->role : core::Role::Resident;
    ev.on_behalf_of = std::move(on_behalf_of);
    ev.payload = std::move(payload);
    WEIMIN_TRY(core::check_transition(state, ev));
    const NewFact fact{std::string(core::to_string(ev.kind())), id.to_string(),
                       core::case_event_body(ev), s};
    WEIMIN_TRY(station_.append({&fact, 1}).status());
    if (also) WEIMIN_TRY(also());
    if (by) {
      StaffDesk desk(station_);
      WEIMIN_TRY(desk.audit(*by, action, id.to_string()));
    }
    WEIMIN_ASSIGN_OR_RETURN(after, load(id));
    return Status::ok();
  });
  WEIMIN_TRY(st);
  return after;
}

Result<core::CaseState> Cases::resolve(const Session& by, const core::Uuid& id,
                                       std::string summary) {
  return step(by, id, core::Permission::ResolveCase, "", core::CaseResolved{std::move(summary)},
              "case_resolved");
}

Result<core::CaseState> Cases::whistle(const Session& by, const core::Uuid& id,
                                       core::WhistleLevel level, core::WhistleKind kind,
                                       std::vector<std::string> departments, std::string note) {
  for (const auto& d : departments) {
    if (!station_.catalog().department_by_id(d)) {
      std::string known;
      for (const auto& dep : station_.catalog().departments)
        known += (known.empty() ? "" : ", ") + dep.id;
      return Status(ErrorCode::Invalid, "there is no department '" + d + "'; known: " + known);
    }
  }
  const auto permission = level == core::WhistleLevel::District
                              ? core::Permission::WhistleDistrict
                              : core::Permission::WhistleCommunity;
  return step(by, id, permission, "",
              core::CaseWhistled{level, kind, std::move(departments), std::move(note)},
              "case_whistled");
}

Result<core::CaseState> Cases::record_report(const Session& by, const core::Uuid& id,
                                             const std::string& department, std::string note,
                                             std::int64_t expected_ms) {
  return step(by, id, core::Permission::RecordDepartmentResponseByPhone, department,
              core::CaseReported{std::move(note), expected_ms}, "case_reported_by_phone");
}

Result<core::CaseState> Cases::record_return(const Session& by, const core::Uuid& id,
                                             const std::string& department, std::string reason) {
  return step(by, id, core::Permission::RecordDepartmentResponseByPhone, department,
              core::CaseReturned{std::move(reason)}, "case_returned_by_phone");
}

Result<core::CaseState> Cases::record_feedback(const Session& by, const core::Uuid& id,
                                               const std::string& department, std::string action) {
  return step(by, id, core::Permission::RecordDepartmentResponseByPhone, department,
              core::CaseFeedback{std::move(action)}, "case_feedback_by_phone");
}

Result<core::CaseState> Cases::verify(const Session& by, const core::Uuid& id,
                                      std::string outcome) {
  return step(by, id, core::Permission::VerifyCase, "", core::CaseVerified{std::move(outcome)},
              "case_verified");
}

Result<core::CaseState> Cases::close(const Session& by, const core::Uuid& id, std::string summary) {
  return step(by, id, core::Permission::CloseCase, "", core::CaseClosed{std::move(summary)},
              "case_closed");
}

Result<core::CaseState> Cases::reopen(const Session& by, const core::Uuid& id, std::string reason) {
  return step(by, id, core::Permission::ReopenCase, "", core::CaseReopened{std::move(reason)},
              "case_reopened");
}

Result<core::CaseState> Cases::note(const Session& by, const core::Uuid& id, std::string text) {
  return step(by, id, core::Permission::AddNote, "", core::CaseNote{std::move(text)}, "case_note");
}

Result<core::CaseState> Cases::visit(const Session& by, const core::Uuid& id, std::string outcome) {
  return step(by, id, core::Permission::RecordCase, "", core::CaseVisited{std::move(outcome)},
              "case_visited");
}

Result<core::CaseState> Cases::settle(const Session& by, const core::Uuid& id,
                                      const core::Uuid& conflict_event,
                                      core::SettleDecision decision, std::string reason) {
  return step(by, id, core::Permission::SettleConflict, "",
              core::ConflictSettled{conflict_event, decision, std::move(reason)},
              "case_conflict_settled");
}

Result<core::CaseState> Cases::evaluate(const std::optional<Session>& by, const core::Uuid& id,
                                        core::Rating rating, std::optional<int> score,
                                        std::string comment) {
  const Rated rated{rating, score, comment};
  return step(by, id, by ? core::Permission::RecordEvaluation : core::Permission::EvaluateCase,
              by ? "resident" : "", core::CaseEvaluated{rating, std::move(comment)},
              "case_evaluation_recorded", [&]() -> Status {
                Evaluations evaluations(station_);
                WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(id.to_string()));
                return evaluations.record_case_rating_in_transaction(id, rated, s);
              });
}

Result<core::Uuid> Cases::resolve_reference(std::string_view id_or_code) {
  if (auto id = core::Uuid::parse(id_or_code)) return *id;
  auto code = core::parse_tracking_code(id_or_code);
  if (!code.is_ok()) {
    return Status(ErrorCode::Invalid,
                  "'" + std::string(id_or_code) +
                      "' is neither a case id nor a tracking code: " + code.status().message());
  }
  WEIMIN_ASSIGN_OR_RETURN(storage::Statement s,
                          station_.db().prepare("SELECT case_id FROM tracking WHERE code = ?"));
  s.bind(1, *code);
  WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Status(ErrorCode::NotFound, "no case has the tracking code " + *code);
  auto id = core::Uuid::parse(s.column_text(0));
  if (!id) return Status(ErrorCode::Corrupt, "a tracking code points at a malformed case id");
  return *id;
}

Result<CaseView> Cases::view(const core::Uuid& id) {
  WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_subject(station_.db(), id.to_string()));
  int unknown = 0;
  WEIMIN_ASSIGN_OR_RETURN(core::CaseState state, fold_case_rows(id, rows, &unknown));
  WEIMIN_ASSIGN_OR_RETURN(std::string code, code_of(station_.db(), id));
  CaseView v = view_of(std::move(state), rows, deadlines(), station_.now_ms(), std::move(code));
  v.unknown_steps = unknown;
  return v;
}

Result<CaseView> Cases::progress_for_resident(std::string_view code, std::string_view second) {
  const Status no_match(ErrorCode::NotFound,
                        "no case matches this tracking code with these digits (the phone's last "
                        "four, or the receipt's check code); check both and try again, or ask at "
                        "the window");
  auto id = resolve_reference(code);
  if (!id.is_ok()) return id.status().code() == ErrorCode::Invalid ? id.status() : no_match;
  if (second.empty() || !all_digits(second)) return no_match;
  WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_subject(station_.db(), id->to_string()));
  bool matches = false;
  if (second.size() == 4) {
    auto contact = contact_of(rows);
    matches = contact && contact->phone.size() >= 4 &&
              contact->phone.compare(contact->phone.size() - 4, 4, second) == 0;
  } else {
    matches = check_code_matches(station_.db(), *id, rows, second);
  }
  if (!matches) return no_match;
  return view(*id);
}

Result<std::vector<CaseView>> Cases::list(std::optional<core::CaseStage> stage, bool only_overdue) {
  return list(CaseFilter{stage, only_overdue, std::nullopt});
}

Result<std::vector<GridCaseCount>> Cases::count_by_grid() {
  WEIMIN_TRY(case_index::refresh(station_, deadlines()));
  WEIMIN_ASSIGN_OR_RETURN(auto present, case_index::grid_counts(station_, station_.now_ms()));
  std::vector<GridCaseCount> out;
  for (const auto& g : station_.catalog().grids) {
    if (g.community == station_.community()) out.push_back({g.code});
  }
  GridCaseCount none{""};
  for (const auto& counted : present) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const GridCaseCount& c) { return c.grid == counted.grid; });
    GridCaseCount& c = it == out.end() ? none : *it;
    c.collected += counted.collected;
    c.closed += counted.closed;
    c.overdue += counted.overdue;
  }
  if (none.collected > 0) out.push_back(none);
  return out;
}

Result<int> Cases::count(const CaseFilter& filter) {
  WEIMIN_TRY(case_index::refresh(station_, deadlines()));
  return case_index::count(station_, filter, station_.now_ms());
}

Result<std::vector<CaseView>> Cases::list(const CaseFilter& filter) {
  const core::CaseDeadlines due = deadlines();
  WEIMIN_TRY(case_index::refresh(station_, due));
  const std::int64_t now = station_.now_ms();
  WEIMIN_ASSIGN_OR_RETURN(std::vector<std::string> ids, case_index::ids(station_, filter, now));
  auto& db = station_.db();
  std::vector<CaseView> out;
  out.reserve(ids.size());
  for (const std::string& subject : ids) {
    auto id = core::Uuid::parse(subject);
    if (!id) continue;
    WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_subject(db, subject));
    int unknown = 0;
    WEIMIN_ASSIGN_OR_RETURN(core::CaseState state, fold_case_rows(*id, rows, &unknown));
    WEIMIN_ASSIGN_OR_RETURN(std::string code, code_of(db, *id));
    CaseView v = view_of(std::move(state), rows, due, now, std::move(code));
    v.unknown_steps = unknown;
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<int>> Cases::deadline_fallback_years_now() {
  const core::CaseDeadlines due = deadlines();
  if (due.emergency.unit != core::DeadlineUnit::WorkingDays &&
      due.key.unit != core::DeadlineUnit::WorkingDays &&
      due.routine.unit != core::DeadlineUnit::WorkingDays) {
    return std::vector<int>{};
  }
  std::vector<CaseView> open;
  for (core::CaseStage stage : {core::CaseStage::Resolved, core::CaseStage::Whistled,
                                core::CaseStage::Reported, core::CaseStage::Feedback}) {
    WEIMIN_ASSIGN_OR_RETURN(auto some, list(CaseFilter{stage, false, std::nullopt}));
    open.insert(open.end(), std::make_move_iterator(some.begin()),
                std::make_move_iterator(some.end()));
  }
  return deadline_fallback_years(open);
}

}  // namespace weimin::station
