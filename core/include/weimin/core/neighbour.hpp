// Neighbour services (近邻服务): residents' wishes and requests for help — the "five helps"
// (五助: childcare 助幼, education 助教, health 助医, elderly 助老, hardship 助困) and
// micro-wishes (微心愿) — posted, claimed by a volunteer or a staff member, fulfilled and
// confirmed; and home elderly care (居家养老): the station's care list of elderly residents and
// the visits (上门探访) and phone call-backs (电话回访) logged for them.
//
// Each step is an append-only fact (DESIGN.md). A wish's state and a listed resident's record
// are folded from the set of their facts: the fold sorts them by (HLC, origin, id) and drops
// repeated ids, so any order of the same facts gives the same state. A step the state does not
// allow (a second claim, a claim on a fulfilled or withdrawn wish, confirming an unfulfilled
// wish) is never dropped: it is kept as a conflict and shown (DESIGN.md's capacity rule: the
// earlier HLC keeps the place).
// Thread-safety: value types and pure functions; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "weimin/core/hlc.hpp"
#include "weimin/core/id.hpp"
#include "weimin/core/result.hpp"

namespace weimin::core {

// [SECTION] Wishes

// The kind of help asked for: one of the five helps, or a micro-wish.
enum class HelpKind { Childcare, Education, Health, Elderly, Hardship, MicroWish };
inline constexpr HelpKind kHelpKinds[] = {HelpKind::Childcare, HelpKind::Education,
                                          HelpKind::Health,    HelpKind::Elderly,
                                          HelpKind::Hardship,  HelpKind::MicroWish};
// "childcare", "education", "health", "elderly", "hardship", "micro_wish".
std::string_view to_string(HelpKind kind);
Result<HelpKind> parse_help_kind(std::string_view text);

enum class WishEventKind { Posted, Claimed, Fulfilled, Confirmed, Withdrawn };
// "wish.posted", "wish.claimed", "wish.fulfilled", "wish.confirmed", "wish.withdrawn".
std::string_view to_string(WishEventKind kind);
Result<WishEventKind> parse_wish_event_kind(std::string_view kind);

// Who claimed a wish: a registered volunteer (志愿者) or a staff member of the station.
enum class Claimant { Volunteer, Staff };
std::string_view to_string(Claimant claimant);  // "volunteer", "staff"
Result<Claimant> parse_claimant(std::string_view text);

// The longest wish text, note or reason kept, in characters.
inline constexpr std::size_t kMaxWishTextChars = 300;

// One step of a wish. Fields not used by the kind stay empty.
struct WishEvent {
  Uuid id;
  Uuid wish;  // the fact's subject: the id of the wish.posted event
  HlcTimestamp hlc;
  std::string origin;
  std::int64_t wall_ms = 0;
  WishEventKind kind = WishEventKind::Posted;
  std::string actor;  // a staff number, or "resident" at the kiosk

  HelpKind help = HelpKind::MicroWish;  // posted
  std::string text;          // posted: the wish; fulfilled/confirmed: a note; withdrawn: reason
  std::string resident_ref;  // posted: "contact:<id>" when a phone is kept at the station
  std::string phone_masked;  // posted: the resident's; claimed: the volunteer's ("139****5678")
  Claimant claimant = Claimant::Volunteer;  // claimed
  std::string name;                         // claimed: the volunteer's or staff member's name
  bool by_resident = false;                 // confirmed: by the resident (else by staff)

  bool operator==(const WishEvent&) const = default;
};

// Ok for a well-formed event: ids not nil, origin and actor well-formed, text plain and short
// enough (a posted wish's text must not be empty, a claim must name who). Invalid naming the
// field otherwise.
Status validate(const WishEvent& event);

// The body of the event's fact (the envelope — id, subject, hlc, origin, wall_ms — is the fact
// row's): posted {actor, help, text, resident_ref?, phone_masked?}; claimed {actor, claimant,
// name, phone_masked?}; fulfilled {actor, note?}; confirmed {actor, by_resident, note?};
// withdrawn {actor, reason?}.
nlohmann::json wish_event_body(const WishEvent& event);
// An event from its fact row's parts. Untrusted: an unknown, missing or mistyped field, or a
// value failing validate(), is Invalid naming the kind and the field.
Result<WishEvent> wish_event_from_body(const Uuid& id, const Uuid& wish, HlcTimestamp hlc,
                                       std::string origin, std::int64_t wall_ms,
                                       std::string_view kind, const nlohmann::json& body);

enum class WishStage { None, Open, Claimed, Fulfilled, Confirmed, Withdrawn };
// "none", "open", "claimed", "fulfilled", "confirmed", "withdrawn".
std::string_view to_string(WishStage stage);

// A step the state did not allow when it came, kept and shown rather than dropped.
struct WishConflict {
  WishEvent event;
  std::string reason;
  bool operator==(const WishConflict&) const = default;
};

// A wish folded from its events.
struct Wish {
  Uuid id;
  WishStage stage = WishStage::None;  // None: no wish.posted seen (yet)
  HelpKind help = HelpKind::MicroWish;
  std::string text;
  std::string resident_ref;
  std::string phone_masked;
  std::string origin;
  std::int64_t posted_ms = 0;
  std::optional<WishEvent> claim;      // the claim that holds
  std::optional<WishEvent> fulfilled;  // the fulfilment that holds
  std::optional<WishEvent> confirmed;
  std::optional<WishEvent> withdrawn;
  std::vector<WishEvent> events;  // every distinct event, in (HLC, origin, id) order
  std::vector<WishConflict> conflicts;
  bool operator==(const Wish&) const = default;
};

// (HLC, origin, id).
bool fact_order_less(const WishEvent& a, const WishEvent& b);

// The wish `id` from its events (other wishes' events are ignored). The same set of events in
// any order, with repeats, gives the same Wish.
Wish fold_wish(const Uuid& id, std::span<const WishEvent> events);

// Ok when `event` may follow `wish` now; Conflict saying why and what to do otherwise ("this
// wish was fulfilled already; nothing is left to claim").
Status check_wish_step(const Wish& wish, const WishEvent& event);

// Counts per kind of help, over folded wishes. A wish counts as claimed once it was claimed
// (also when fulfilled or confirmed later), and so on.
struct WishCounts {
  int posted = 0, claimed = 0, fulfilled = 0, confirmed = 0, withdrawn = 0, open = 0;
  bool operator==(const WishCounts&) const = default;
};
std::map<HelpKind, WishCounts> wish_figures(std::span<const Wish> wishes);

// [SECTION] Home elderly care

enum class CareEventKind { Listed, Unlisted, Visit, Call };
// "care.listed", "care.unlisted", "care.visit_logged", "care.call_logged".
std::string_view to_string(CareEventKind kind);
Result<CareEventKind> parse_care_event_kind(std::string_view kind);

// How a visit or call went: well (安好), needs help (需要帮助; staff may open a case), or not
// reached (未联系上).
enum class CareOutcome { Well, NeedsHelp, NotReached };
inline constexpr CareOutcome kCareOutcomes[] = {CareOutcome::Well, CareOutcome::NeedsHelp,
                                                CareOutcome::NotReached};
std::string_view to_string(CareOutcome outcome);  // "well", "needs_help", "not_reached"
Result<CareOutcome> parse_care_outcome(std::string_view text);

struct CareEvent {
  Uuid id;
  Uuid person;  // the fact's subject: the id of the first care.listed event
  HlcTimestamp hlc;
  std::string origin;
  std::int64_t wall_ms = 0;
  CareEventKind kind = CareEventKind::Listed;
  std::string actor;  // staff number

  std::string name;          // listed: how staff call the resident, e.g. "张奶奶" (no numbers)
  std::string address;       // listed: building and door, e.g. "3栋2单元401"
  std::string phone_masked;  // listed
  std::string resident_ref;  // listed: "contact:<id>" when a phone is kept
  CareOutcome outcome = CareOutcome::Well;  // visit, call
  std::string by;                           // visit, call: who visited or called (助老员)
  std::string text;                         // a note; unlisted: the reason
  std::optional<Uuid> case_id;              // visit, call: the case opened for help needed
  bool operator==(const CareEvent&) const = default;
};

Status validate(const CareEvent& event);
// listed {actor, name, address?, phone_masked?, resident_ref?, note?}; unlisted {actor,
// reason?}; visit_logged/call_logged {actor, outcome, by?, note?, case?}.
nlohmann::json care_event_body(const CareEvent& event);
Result<CareEvent> care_event_from_body(const Uuid& id, const Uuid& person, HlcTimestamp hlc,
                                       std::string origin, std::int64_t wall_ms,
                                       std::string_view kind, const nlohmann::json& body);
bool fact_order_less(const CareEvent& a, const CareEvent& b);

// A resident on (or once on) the care list, folded from their events.
struct CareRecord {
  Uuid person;
  bool listed = false;  // the latest of listed/unlisted (by HLC) decides
  std::string name, address, phone_masked, resident_ref;
  std::int64_t listed_ms = 0;
  std::vector<CareEvent> logs;  // visits and calls, in fact order
  std::optional<std::int64_t> last_visit_ms, last_call_ms;
  std::vector<CareEvent> events;  // every distinct event, in fact order
  bool operator==(const CareRecord&) const = default;
};

// Same set of events in any order, with repeats: the same record.
CareRecord fold_care(const Uuid& person, std::span<const CareEvent> events);

// True when a listed resident had no visit in the local month "YYYY-MM" (China time).
bool visit_due(const CareRecord& record, std::string_view month);

// Visits and calls counted by outcome.
struct CareCounts {
  std::map<CareOutcome, int> visits, calls;
  bool operator==(const CareCounts&) const = default;
};
CareCounts care_figures(std::span<const CareRecord> records);

}  // namespace weimin::core
