// Neighbour services and the care list at the station (wishes.hpp).
#include "weimin/station/wishes.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "weimin/core/civil_time.hpp"
#include "weimin/core/evaluation.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/core/validation.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::station {

namespace {

constexpr std::string_view kContactKind = "resident.contact";

// Trimmed, plain text with personal numbers masked, at most kMaxWishTextChars characters.
Result<std::string> clean_text(std::string_view what, std::string_view text) {
  Result<std::string> normal = core::normalize_comment(text);
  if (!normal)
    return Status(ErrorCode::Invalid, std::string(what) + ": " + normal.status().message());
  std::string masked = core::mask_personal_numbers_in_text(*normal);
  std::size_t chars = 0;
  for (char c : masked) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars > core::kMaxWishTextChars) {
    return Status(ErrorCode::Invalid, std::string(what) + " is " + std::to_string(chars) +
                                          " characters long; at most " +
                                          std::to_string(core::kMaxWishTextChars) +
                                          " are kept — shorten it");
  }
  return masked;
}

core::Uuid uuid_or_nil(const std::string& text) {
  return core::Uuid::parse(text).value_or(core::Uuid{});
}

Result<core::WishEvent> wish_event_of(const storage::FactRow& row) {
  nlohmann::json body = nlohmann::json::parse(row.body, nullptr, false);
  if (body.is_discarded()) return Status(ErrorCode::Corrupt, "fact " + row.id + " is not JSON");
  return core::wish_event_from_body(uuid_or_nil(row.id), uuid_or_nil(row.subject),
                                    core::HlcTimestamp::unpack(static_cast<std::uint64_t>(row.hlc)),
                                    row.origin, row.wall_ms, row.kind, body);
}

Result<core::CareEvent> care_event_of(const storage::FactRow& row) {
  nlohmann::json body = nlohmann::json::parse(row.body, nullptr, false);
  if (body.is_discarded()) return Status(ErrorCode::Corrupt, "fact " + row.id + " is not JSON");
  return core::care_event_from_body(uuid_or_nil(row.id), uuid_or_nil(row.subject),
                                    core::HlcTimestamp::unpack(static_cast<std::uint64_t>(row.hlc)),
                                    row.origin, row.wall_ms, row.kind, body);
}

// Every subject's events of kind prefix `prefix`, folded with `fold`.
template <class E, class Read, class Fold>
auto fold_all(Station& station, std::string_view prefix, Read read, Fold fold)
    -> Result<std::vector<decltype(fold(core::Uuid{}, std::span<const E>{}))>> {
  WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_kind(station.db(), prefix));
  std::map<std::string, std::vector<E>> by_subject;
  for (const auto& row : rows) {
    WEIMIN_ASSIGN_OR_RETURN(E e, read(row));
    by_subject[row.subject].push_back(std::move(e));
  }
  std::vector<decltype(fold(core::Uuid{}, std::span<const E>{}))> out;
  for (const auto& [subject, events] : by_subject) {
    out.push_back(fold(uuid_or_nil(subject), std::span<const E>(events)));
  }
  return out;
}

// The subject named by `text`: a full id, or the short number (last six hex digits) of one of
// `ids`.
Result<core::Uuid> resolve(std::string_view text, const std::vector<core::Uuid>& ids,
                           std::string_view what) {
  if (auto id = core::Uuid::parse(text)) return *id;
  std::string wanted(text);
  std::transform(wanted.begin(), wanted.end(), wanted.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::vector<core::Uuid> found;
  if (wanted.size() >= 4) {
    for (const auto& id : ids) {
      std::string s = id.to_string();
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      if (s.ends_with(wanted)) found.push_back(id);
    }
  }
  if (found.empty()) {
    return Status(ErrorCode::NotFound, "there is no " + std::string(what) + " numbered " +
                                           std::string(text) +
                                           " at this station; check the number on the list");
  }
  if (found.size() > 1) {
    return Status(ErrorCode::Invalid, "more than one " + std::string(what) + " ends in " +
                                          std::string(text) + "; give more of its number");
  }
  return found.front();
}

Result<std::string> contact_fact(Station& station, std::vector<NewFact>& facts,
                                 const core::Uuid& subject, const std::string& phone,
                                 std::string_view role) {
  Stamp s = station.stamp();
  facts.push_back({std::string(kContactKind), subject.to_string(),
                   nlohmann::json{{"phone", phone}, {"consent", true}, {"role", role}}, s});
  return "contact:" + s.id.to_string();
}

Result<std::string> checked_phone(const std::optional<std::string>& phone, bool consent) {
  if (!phone || phone->empty()) return std::string();
  WEIMIN_ASSIGN_OR_RETURN(std::string parsed, core::parse_mobile_number(*phone));
  if (!consent) {
    return Status(ErrorCode::Invalid,
                  "a phone number is kept only after the resident agrees to the privacy notice; "
                  "ask them, then record the consent (--consent)");
  }
  return parsed;
}

template <class E>
void sort_newest_first(std::vector<E>& v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.events.empty() || b.events.empty()
               ? !a.events.empty()
               : core::fact_order_less(b.events.front(), a.events.front());
  });
}

}  // namespace

std::string short_number(const core::Uuid& id) {
  std::string s = id.to_string().substr(30);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// [SECTION] Wishes

Result<std::vector<core::Wish>> Wishes::all() {
  WEIMIN_ASSIGN_OR_RETURN(auto wishes,
                          fold_all<core::WishEvent>(station_, "wish.", wish_event_of,
                                                    [](const core::Uuid& id, auto events) {
                                                      return core::fold_wish(id, events);
                                                    }));
  std::erase_if(wishes, [](const core::Wish& w) { return w.stage == core::WishStage::None; });
  sort_newest_first(wishes);
  return wishes;
}

Result<std::vector<core::Wish>> Wishes::open() {
  WEIMIN_ASSIGN_OR_RETURN(auto wishes, all());
  std::erase_if(wishes, [](const core::Wish& w) {
    return w.stage != core::WishStage::Open && w.stage != core::WishStage::Claimed;
  });
  return wishes;
}

Result<std::vector<core::Wish>> Wishes::of_resident(std::string_view phone) {
  WEIMIN_ASSIGN_OR_RETURN(std::string number, core::parse_mobile_number(phone));
  WEIMIN_ASSIGN_OR_RETURN(auto contacts, storage::Facts::by_kind(station_.db(), kContactKind));
  std::set<std::string> refs;
  for (const auto& row : contacts) {
    auto body = nlohmann::json::parse(row.body, nullptr, false);
    if (!body.is_discarded() && body.value("phone", "") == number) refs.insert("contact:" + row.id);
  }
  WEIMIN_ASSIGN_OR_RETURN(auto wishes, all());
  std::erase_if(wishes, [&](const core::Wish& w) { return !refs.contains(w.resident_ref); });
  return wishes;
}

Result<core::Wish> Wishes::get(std::string_view wish) {
  WEIMIN_ASSIGN_OR_RETURN(auto wishes, all());
  std::vector<core::Uuid> ids;
  for (const auto& w : wishes) ids.push_back(w.id);
  WEIMIN_ASSIGN_OR_RETURN(core::Uuid id, resolve(wish, ids, "wish"));
  for (auto& w : wishes) {
    if (w.id == id) return std::move(w);
  }
  return Status(ErrorCode::NotFound, "there is no wish " + id.to_string() + " at this station");
}

Result<core::Wish> Wishes::post(const std::optional<Session>& by, const NewWish& request) {
  if (by) WEIMIN_TRY(StaffDesk::require(*by, core::Permission::RecordCase));
  WEIMIN_ASSIGN_OR_RETURN(std::string text, clean_text("the wish", request.text));
  if (text.empty()) {
    return Status(ErrorCode::Invalid, "the wish is empty; say what help is wanted");
  }
  WEIMIN_ASSIGN_OR_RETURN(std::string phone, checked_phone(request.phone, request.consent));
  core::Wish written;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    std::vector<NewFact> facts;
    Stamp s = station_.stamp();
    core::WishEvent e;
    e.id = s.id;
    e.wish = s.id;
    e.hlc = s.hlc;
    e.origin = station_.origin();
    e.wall_ms = s.wall_ms;
    e.kind = core::WishEventKind::Posted;
    e.actor = by ? by->staff_no : "resident";
    e.help = request.help;
    e.text = text;
    if (!phone.empty()) {
      WEIMIN_ASSIGN_OR_RETURN(e.resident_ref,
                              contact_fact(station_, facts, e.wish, phone, "resident"));
      e.phone_masked = core::mask_phone(phone);
    }
    WEIMIN_TRY(core::validate(e));
    facts.insert(facts.begin(), NewFact{std::string(core::to_string(e.kind)), e.wish.to_string(),
                                        core::wish_event_body(e), s});
    WEIMIN_TRY(station_.append(facts).status());
    if (by) WEIMIN_TRY(StaffDesk(station_).audit(*by, "wish_posted", e.wish.to_string()));
    written = core::fold_wish(e.wish, std::span<const core::WishEvent>(&e, 1));
    return Status::ok();
  }));
  return written;
}

Result<core::Wish> Wishes::step(const std::optional<Session>& by, std::string_view wish,
                                core::WishEvent e, std::string_view audit_action) {
  if (by) WEIMIN_TRY(StaffDesk::require(*by, core::Permission::RecordCase));
  core::Wish written;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::Wish state, get(wish));
    WEIMIN_ASSIGN_OR_RETURN(Stamp s, station_.stamp_after(state.id.to_string()));
    e.id = s.id;
    e.wish = state.id;
    e.hlc = s.hlc;
    e.origin = station_.origin();
    e.wall_ms = s.wall_ms;
    e.actor = by ? by->staff_no : "resident";
    WEIMIN_TRY(core::validate(e));
    WEIMIN_TRY(core::check_wish_step(state, e));
    const NewFact fact{std::string(core::to_string(e.kind)), state.id.to_string(),
                       core::wish_event_body(e), s};
    WEIMIN_TRY(station_.append({&fact, 1}).status());
    if (by) WEIMIN_TRY(StaffDesk(station_).audit(*by, audit_action, state.id.to_string()));
    state.events.push_back(e);
    written = core::fold_wish(state.id, state.events);
    return Status::ok();
  }));
  return written;
}

Result<core::Wish> Wishes::claim(const Session& by, std::string_view wish, const WishClaim& c) {
  core::WishEvent e;
  e.kind = core::WishEventKind::Claimed;
  e.claimant = c.claimant;
  WEIMIN_ASSIGN_OR_RETURN(e.name, clean_text("the name", c.name));
  if (e.name.empty() && c.claimant == core::Claimant::Staff) e.name = by.name;
  if (e.name.empty()) {
    return Status(ErrorCode::Invalid, "say who claims the wish: the volunteer's name (--name)");
  }
  if (c.phone && !c.phone->empty()) {
    WEIMIN_ASSIGN_OR_RETURN(std::string phone, core::parse_mobile_number(*c.phone));
    e.phone_masked = core::mask_phone(phone);
  }
  return step(by, wish, std::move(e), "wish_claimed");
}

Result<core::Wish> Wishes::fulfil(const Session& by, std::string_view wish, std::string note) {
  core::WishEvent e;
  e.kind = core::WishEventKind::Fulfilled;
  WEIMIN_ASSIGN_OR_RETURN(e.text, clean_text("the note", note));
  return step(by, wish, std::move(e), "wish_fulfilled");
}

Result<core::Wish> Wishes::confirm(const std::optional<Session>& by, std::string_view wish,
                                   std::string note) {
  core::WishEvent e;
  e.kind = core::WishEventKind::Confirmed;
  e.by_resident = !by.has_value();
  WEIMIN_ASSIGN_OR_RETURN(e.text, clean_text("the note", note));
  return step(by, wish, std::move(e), "wish_confirmed");
}

Result<core::Wish> Wishes::withdraw(const std::optional<Session>& by, std::string_view wish,
                                    std::string reason) {
  core::WishEvent e;
  e.kind = core::WishEventKind::Withdrawn;
  WEIMIN_ASSIGN_OR_RETURN(e.text, clean_text("the reason", reason));
  return step(by, wish, std::move(e), "wish_withdrawn");
}

// [SECTION] Care

Result<core::CareRecord> Care::get(std::string_view person) {
  WEIMIN_ASSIGN_OR_RETURN(auto records,
                          fold_all<core::CareEvent>(station_, "care.", care_event_of,
                                                    [](const core::Uuid& id, auto events) {
                                                      return core::fold_care(id, events);
                                                    }));
  std::vector<core::Uuid> ids;
  for (const auto& r : records) ids.push_back(r.person);
  WEIMIN_ASSIGN_OR_RETURN(core::Uuid id, resolve(person, ids, "resident on the care list"));
  for (auto& r : records) {
    if (r.person == id) return std::move(r);
  }
  return Status(ErrorCode::NotFound,
                "there is no resident " + id.to_string() + " on this station's care list");
}

Result<std::vector<core::CareRecord>> Care::listed() {
  WEIMIN_ASSIGN_OR_RETURN(auto records,
                          fold_all<core::CareEvent>(station_, "care.", care_event_of,
                                                    [](const core::Uuid& id, auto events) {
                                                      return core::fold_care(id, events);
                                                    }));
  std::erase_if(records, [](const core::CareRecord& r) { return !r.listed; });
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.address, a.person) < std::tie(b.name, b.address, b.person);
  });
  return records;
}

Result<std::vector<core::CareRecord>> Care::visits_due(std::string month) {
  if (month.empty()) month = core::local_date(station_.now_ms()).to_string().substr(0, 7);
  WEIMIN_ASSIGN_OR_RETURN(auto records, listed());
  std::erase_if(records, [&](const core::CareRecord& r) { return !core::visit_due(r, month); });
  return records;
}

Result<core::CareRecord> Care::list(const Session& by, const NewCareResident& request) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::RecordCase));
  core::CareEvent e;
  e.kind = core::CareEventKind::Listed;
  WEIMIN_ASSIGN_OR_RETURN(e.name, clean_text("the name", request.name));
  if (e.name.empty()) {
    return Status(ErrorCode::Invalid, "say how the resident is called, e.g. 张奶奶 (--name)");
  }
  WEIMIN_ASSIGN_OR_RETURN(e.address, clean_text("the address", request.address));
  WEIMIN_ASSIGN_OR_RETURN(e.text, clean_text("the note", request.note));
  WEIMIN_ASSIGN_OR_RETURN(std::string phone, checked_phone(request.phone, request.consent));
  core::CareRecord written;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    std::vector<NewFact> facts;
    Stamp s = station_.stamp();
    e.id = s.id;
    e.person = s.id;
    e.hlc = s.hlc;
    e.origin = station_.origin();
    e.wall_ms = s.wall_ms;
    e.actor = by.staff_no;
    if (!phone.empty()) {
      WEIMIN_ASSIGN_OR_RETURN(e.resident_ref,
                              contact_fact(station_, facts, e.person, phone, "care"));
      e.phone_masked = core::mask_phone(phone);
    }
    WEIMIN_TRY(core::validate(e));
    facts.insert(facts.begin(), NewFact{std::string(core::to_string(e.kind)), e.person.to_string(),
                                        core::care_event_body(e), s});
    WEIMIN_TRY(station_.append(facts).status());
    WEIMIN_TRY(StaffDesk(station_).audit(by, "care_listed", e.person.to_string()));
    written = core::fold_care(e.person, std::span<const core::CareEvent>(&e, 1));
    return Status::ok();
  }));
  return written;
}

Result<core::CareRecord> Care::unlist(const Session& by, std::string_view person,
                                      std::string reason) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::RecordCase));
  core::CareEvent e;
  e.kind = core::CareEventKind::Unlisted;
  WEIMIN_ASSIGN_OR_RETURN(e.text, clean_text("the reason", reason));
  core::CareRecord written;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::CareRecord r, get(person));
    if (!r.listed) {
      return Status(ErrorCode::Conflict, r.name + " is not on the care list any more");
    }
    WEIMIN_ASSIGN_OR_RETURN(Stamp s, station_.stamp_after(r.person.to_string()));
    e.id = s.id;
    e.person = r.person;
    e.hlc = s.hlc;
    e.origin = station_.origin();
    e.wall_ms = s.wall_ms;
    e.actor = by.staff_no;
    WEIMIN_TRY(core::validate(e));
    const NewFact fact{std::string(core::to_string(e.kind)), r.person.to_string(),
                       core::care_event_body(e), s};
    WEIMIN_TRY(station_.append({&fact, 1}).status());
    WEIMIN_TRY(StaffDesk(station_).audit(by, "care_unlisted", r.person.to_string()));
    r.events.push_back(e);
    written = core::fold_care(r.person, r.events);
    return Status::ok();
  }));
  return written;
}

Result<core::CareRecord> Care::log_visit(const Session& by, std::string_view person,
                                         const CareLog& l) {
  return log(by, person, l, core::CareEventKind::Visit);
}

Result<core::CareRecord> Care::log_call(const Session& by, std::string_view person,
                                        const CareLog& l) {
  return log(by, person, l, core::CareEventKind::Call);
}

Result<core::CareRecord> Care::log(const Session& by, std::string_view person, const CareLog& l,
                                   core::CareEventKind kind) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::RecordCase));
  core::CareEvent e;
  e.kind = kind;
  e.outcome = l.outcome;
  WEIMIN_ASSIGN_OR_RETURN(e.text, clean_text("the note", l.note));
  WEIMIN_ASSIGN_OR_RETURN(e.by, clean_text("who visited", l.by));
  if (e.by.empty()) e.by = by.name;
  WEIMIN_ASSIGN_OR_RETURN(core::CareRecord before, get(person));
  if (!before.listed) {
    return Status(ErrorCode::Conflict, before.name +
                                           " is not on the care list; put them on it first "
                                           "(weimin care add)");
  }
  if (l.open_case) {
    if (l.outcome != core::CareOutcome::NeedsHelp) {
      return Status(ErrorCode::Invalid, "a case is opened only when the resident needs help");
    }
    NewCase c;
    c.source = l.case_source;
    c.channel = core::CaseChannel::Window;
    c.description = "居家养老" + std::string(kind == core::CareEventKind::Visit ? "探访" : "回访") +
                    "：" + before.name + (e.text.empty() ? "" : "，" + e.text);
    WEIMIN_ASSIGN_OR_RETURN(CaseReceipt receipt, Cases(station_).record(by, c));
    e.case_id = receipt.case_id;
  }
  core::CareRecord written;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::CareRecord r, get(before.person.to_string()));
    if (!r.listed) return Status(ErrorCode::Conflict, r.name + " is not on the care list");
    WEIMIN_ASSIGN_OR_RETURN(Stamp s, station_.stamp_after(r.person.to_string()));
    e.id = s.id;
    e.person = r.person;
    e.hlc = s.hlc;
    e.origin = station_.origin();
    e.wall_ms = s.wall_ms;
    e.actor = by.staff_no;
    WEIMIN_TRY(core::validate(e));
    const NewFact fact{std::string(core::to_string(e.kind)), r.person.to_string(),
                       core::care_event_body(e), s};
    WEIMIN_TRY(station_.append({&fact, 1}).status());
    WEIMIN_TRY(StaffDesk(station_).audit(
        by, kind == core::CareEventKind::Visit ? "care_visit_logged" : "care_call_logged",
        r.person.to_string()));
    r.events.push_back(e);
    written = core::fold_care(r.person, r.events);
    return Status::ok();
  }));
  return written;
}

}  // namespace weimin::station
