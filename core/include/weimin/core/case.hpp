// Cases (诉求案件): a resident's request followed through the closed loop "街道吹哨、部门报到"
// (DOMAIN.md) — collected, resolved locally or whistled, reported in (or returned, 退单),
// feedback, verified, closed, evaluated, perhaps reopened; a community whistle raised to
// district level, a case sent back to its community. A case is its append-only events; its current
// state is a fold of them in (HLC, origin, id) order (DESIGN.md, "workflows as folds of facts"). An
// event that is not allowed where it falls is kept as a conflict for staff to settle, never
// dropped and never silently applied. Also: deadlines, the residents' tracking code, JSON.
// Personal numbers are never part of an event: the station keeps them apart and an event
// carries only an opaque resident_ref.
// Thread-safety: value types and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "weimin/core/catalog.hpp"
#include "weimin/core/hlc.hpp"
#include "weimin/core/id.hpp"
#include "weimin/core/result.hpp"
#include "weimin/core/staff.hpp"
#include "weimin/core/work_calendar.hpp"

namespace weimin::core {

// [SECTION] Small enums

// Where a case was first recorded: at the kiosk, at a window, on a grid worker's round.
enum class CaseChannel { Kiosk, Window, GridRound };
// "kiosk", "window", "grid_round".
std::string_view to_string(CaseChannel channel);
Result<CaseChannel> parse_case_channel(std::string_view text);

// A resident's rating of a closed case (满意度): satisfied 满意, basically satisfied 基本满意,
// dissatisfied 不满意.
enum class Rating { Satisfied, BasicallySatisfied, Dissatisfied };
// "satisfied", "basically_satisfied", "dissatisfied".
std::string_view to_string(Rating rating);
Result<Rating> parse_rating(std::string_view text);

// What a director or deputy decides about an event kept as a conflict.
enum class SettleDecision { Accept, Dismiss };
// "accept", "dismiss".
std::string_view to_string(SettleDecision decision);
Result<SettleDecision> parse_settle_decision(std::string_view text);

// [SECTION] Events

// The kinds of case event, in the order of the CasePayload alternatives.
enum class CaseEventKind {
  Collected,  // 问题收集: (none) → collected; by station staff, or the resident at the kiosk
  ResolvedLocally,  // settled by the community without a whistle: collected/reopened → resolved
  Whistled,         // 吹哨: collected/reopened → whistled
  Reported,         // 报到: a whistled department reports in: whistled → reported
  Feedback,         // 反馈: a department says what it did: reported → feedback
  Verified,         // 核实: the station checked with the resident: feedback/resolved → verified
  Closed,           // 结项: verified → closed
  Evaluated,        // 评价: the resident rates it: closed → evaluated
  Reopened,         // closed, or evaluated dissatisfied → reopened (behaves like collected)
  Note,             // anyone, any state; no transition
  ConflictSettled,  // a director/deputy accepts or dismisses an event kept as a conflict
  // 退单: a whistled department returns the whistle as not its business, before its feedback;
  // when every department of the round has returned: whistled/reported → returned
  Returned,
  // 升级为区级: the street office raises the current round's community-level whistle to district
  // level, perhaps naming more departments; the stage stays (whistled, reported or feedback)
  Escalated,
  // 退回社区: the street office sends a case waiting for a district whistle (collected, reopened
  // or returned) back to its community with a reason; the stage stays
  SentBack,
  // 走访: station staff (a grid worker on a round, mostly) went to see the problem or the
  // resident and say what they found; any state after collection; no transition
  Visited,
};
// Stable fact kinds: "case.collected", "case.resolved_locally", "case.whistled",
// "case.reported", "case.feedback", "case.verified", "case.closed", "case.evaluated",
// "case.reopened", "case.note", "case.conflict_settled", "case.returned", "case.escalated",
// "case.sent_back", "case.visited".
std::string_view to_string(CaseEventKind kind);
Result<CaseEventKind> parse_case_event_kind(std::string_view text);

// Where a problem is (网格、地点): the grid it lies in, the catalog place a resident or a grid
// worker named, the building or address in their words, and perhaps a position. Every part
// may be empty; a collected event of before places existed has none.
inline constexpr std::int32_t kMaxLatitudeE6 = 90'000'000;    // micro-degrees
inline constexpr std::int32_t kMaxLongitudeE6 = 180'000'000;  // micro-degrees
struct GeoPoint {
  std::int32_t lat_e6 = 0;  // latitude in micro-degrees, -90e6 … 90e6
  std::int32_t lon_e6 = 0;  // longitude in micro-degrees, -180e6 … 180e6
  auto operator<=>(const GeoPoint&) const = default;
};
// "25.046512, 102.702139": latitude and longitude in decimal degrees, as a map app takes them.
std::string to_string(const GeoPoint& point);
struct CaseWhere {
  std::string grid;     // code of a catalog Grid; may be empty
  std::string place;    // id of a catalog Place; may be empty
  std::string address;  // building, door or address text; may be empty; ≤ 512 bytes
  std::optional<GeoPoint> point;
  bool empty() const { return grid.empty() && place.empty() && address.empty() && !point; }
  auto operator<=>(const CaseWhere&) const = default;
};

struct CaseCollected {
  std::string source;  // id of the WhistleSource (哨源) the problem belongs to
  CaseChannel channel = CaseChannel::Window;
  std::string description;   // the resident's words; non-empty
  std::string resident_ref;  // opaque reference to the resident kept by the station; may be
                             // empty (anonymous); never a phone or identity number
  CaseWhere where;           // may be empty
  auto operator<=>(const CaseCollected&) const = default;
};
struct CaseResolved {
  std::string summary;  // what the community did; non-empty
  auto operator<=>(const CaseResolved&) const = default;
};
struct CaseWhistled {
  WhistleLevel level = WhistleLevel::Community;
  WhistleKind kind = WhistleKind::Routine;
  std::vector<std::string> departments;  // ids of the departments whistled; non-empty, distinct
  std::string note;                      // may be empty
  auto operator<=>(const CaseWhistled&) const = default;
};
// The department reporting in, giving feedback or returning a whistle is the actor (actor_role
// Department) or, when station staff record it by phone, the event's on_behalf_of: see
// responding_department().
struct CaseReported {
  std::string note;  // may be empty
  // The day the department expects to be done (预计完成), Unix ms; 0: none given.
  std::int64_t expected_ms = 0;
  auto operator<=>(const CaseReported&) const = default;
};
struct CaseFeedback {
  std::string action;  // what the department did; non-empty
  auto operator<=>(const CaseFeedback&) const = default;
};
struct CaseVerified {
  std::string outcome;  // what the resident confirmed; non-empty
  auto operator<=>(const CaseVerified&) const = default;
};
struct CaseClosed {
  std::string summary;  // may be empty
  auto operator<=>(const CaseClosed&) const = default;
};
struct CaseEvaluated {
  Rating rating = Rating::Satisfied;
  std::string comment;  // may be empty
  auto operator<=>(const CaseEvaluated&) const = default;
};
struct CaseReopened {
  std::string reason;  // non-empty
  auto operator<=>(const CaseReopened&) const = default;
};
struct CaseNote {
  std::string text;  // non-empty
  auto operator<=>(const CaseNote&) const = default;
};
struct ConflictSettled {
  Uuid event;  // id of the event kept as a conflict
  SettleDecision decision = SettleDecision::Dismiss;
  std::string reason;  // why; non-empty
  auto operator<=>(const ConflictSettled&) const = default;
};
struct CaseReturned {
  std::string reason;  // why it is not the department's business; non-empty
  auto operator<=>(const CaseReturned&) const = default;
};
struct CaseEscalated {
  std::vector<std::string> departments;  // departments added to the round; may be empty, distinct
  std::string note;                      // may be empty
  auto operator<=>(const CaseEscalated&) const = default;
};
struct CaseSentBack {
  std::string reason;  // why the community should handle it; non-empty
  auto operator<=>(const CaseSentBack&) const = default;
};
struct CaseVisited {
  std::string outcome;  // what the visit found or did; non-empty
  auto operator<=>(const CaseVisited&) const = default;
};

using CasePayload =
    std::variant<CaseCollected, CaseResolved, CaseWhistled, CaseReported, CaseFeedback,
                 CaseVerified, CaseClosed, CaseEvaluated, CaseReopened, CaseNote, ConflictSettled,
                 CaseReturned, CaseEscalated, CaseSentBack, CaseVisited>;

// One fact of a case's history (案件事件). Created once where it happened; never changed.
struct CaseEvent {
  Uuid id;             // UUIDv7 of this fact
  Uuid case_id;        // the case (the id of its collected event's case, made at collection)
  HlcTimestamp hlc;    // the origin's hybrid logical clock
  std::string origin;  // the node that wrote it, e.g. "station:530102001001", "district:530102"
  std::int64_t wall_ms = 0;  // the origin's wall clock
  std::string actor;         // staff number, department id, street office code or "resident"
  Role actor_role = Role::Staff;
  // Empty, unless the actor records the step for someone else: the department whose
  // report-in, feedback or return station staff took by phone (reported, feedback, returned),
  // or "resident" when staff record a resident's rating (evaluated). Allowed on those four
  // kinds only.
  std::string on_behalf_of;
  CasePayload payload;

  CaseEventKind kind() const { return static_cast<CaseEventKind>(payload.index()); }
  auto operator<=>(const CaseEvent&) const = default;
};

// The department a reported, feedback or returned event speaks for: the actor when a
// department acts itself, else on_behalf_of. Empty for other kinds.
std::string responding_department(const CaseEvent& event);

// Ok when the event's own fields are well-formed, whatever the case's state: ids not nil,
// origin and actor set, texts within their limits (ids and names ≤ 128 bytes, texts ≤ 8000),
// required texts non-empty, departments distinct (and non-empty for a whistle), an expected
// date within the HLC's range, resident_ref free of phone and
// identity numbers, on_behalf_of only where allowed, a resident actor named "resident", a
// where's codes ≤ 128 bytes and address ≤ 512 bytes, its position within ±90° / ±180°.
// Otherwise Invalid naming the field.
Status validate_case_event(const CaseEvent& event);

// Whether a where fits the catalog for a case of `community`: its grid is a grid of that
// community, its place a place of that community, and the place lies in the grid given (a
// place with a grid and no grid given is fine: see resolve_case_where). On failure Invalid
// saying what is wrong and what to do, e.g. "grid 530102009001001 belongs to community
// 530102009001, not to this station's 530102001001; choose one of this community's grids".
Status check_case_where(const CaseWhere& where, const Catalog& catalog, std::string_view community);
// The where with its grid filled in from its place when the place lies in a grid and no grid
// was given; otherwise unchanged.
CaseWhere resolve_case_where(CaseWhere where, const Catalog& catalog);

// [SECTION] State

// Where a case stands (案件阶段).
enum class CaseStage {
  None,  // no collected event yet
  Collected,
  Resolved,
  Whistled,
  Reported,
  Feedback,
  Verified,
  Closed,
  Evaluated,
  Reopened,
  // Every department of the round returned the whistle (退单): back in the street office's
  // inbox; it may be whistled again (a new round) or resolved locally, like a collected case.
  Returned,
};
// "none", "collected", "resolved", "whistled", "reported", "feedback", "verified", "closed",
// "evaluated", "reopened", "returned".
std::string_view to_string(CaseStage stage);

// One applied step of the timeline: what, who, when.
struct CaseStep {
  Uuid event;
  CaseEventKind kind = CaseEventKind::Note;
  std::string actor;
  Role actor_role = Role::Staff;
  std::string on_behalf_of;
  HlcTimestamp hlc;  // the event's own time
  std::int64_t wall_ms = 0;
  // Set when the step was first kept as a conflict and later accepted: the settling event.
  // The step then took effect at the settlement's time.
  std::optional<Uuid> accepted_by;
  HlcTimestamp effective;  // when it took effect: hlc, or the settlement's hlc
  // The step's own words: the description, summary, whistle or escalation note, report-in
  // note, feedback action, outcome, comment, reason or note text; empty when it has none.
  std::string text;
  bool operator==(const CaseStep&) const = default;
};

// An event kept because it was not allowed where it fell.
struct CaseConflict {
  CaseEvent event;
  ErrorCode code = ErrorCode::Conflict;  // Conflict, PermissionDenied or Invalid
  std::string why;                       // the message check_transition gave
  bool operator==(const CaseConflict&) const = default;
};

// A conflict a director or deputy settled.
struct SettledConflict {
  CaseConflict conflict;
  Uuid settled_by;  // the conflict_settled event
  SettleDecision decision = SettleDecision::Dismiss;
  bool operator==(const SettledConflict&) const = default;
};

// A whistled department's progress in the current round: when it was named, what it said
// and when.
struct DepartmentProgress {
  std::string department;
  std::optional<HlcTimestamp> reported;  // effective time of its report-in
  std::optional<HlcTimestamp> feedback;  // effective time of its latest feedback
  // Effective time of the whistle (or escalation) that named it: its report-in is due from
  // then.
  HlcTimestamp whistled;
  std::string report_note;       // the note of its report-in
  std::int64_t expected_ms = 0;  // the day it expects to be done, given at report-in; 0: none
  std::string feedback_action;   // what it did: its latest feedback
  std::optional<HlcTimestamp> returned;  // effective time it returned the whistle (退单)
  std::string return_reason;             // why it returned it
  bool operator==(const DepartmentProgress&) const = default;
};

// The street office sent the case back to its community (退回社区).
struct CaseSendBack {
  std::string reason;
  std::string actor;  // the office's code
  HlcTimestamp at;    // effective time
  bool operator==(const CaseSendBack&) const = default;
};

struct CaseNoteEntry {
  Uuid event;
  std::string actor;
  Role actor_role = Role::Staff;
  HlcTimestamp hlc;
  std::string text;
  bool operator==(const CaseNoteEntry&) const = default;
};

struct CaseState {
  Uuid case_id;
  CaseStage stage = CaseStage::None;
  HlcTimestamp stage_since;  // effective time of the step that set the stage
  // From the collected event.
  std::string source;
  std::optional<CaseChannel> channel;
  std::string description;
  std::string resident_ref;
  CaseWhere where;
  // The current round's whistle; cleared when the case is reopened. A community-level whistle
  // the street office escalated has level District and escalated_at set.
  std::optional<WhistleLevel> level;
  std::optional<WhistleKind> kind;
  std::optional<HlcTimestamp> whistled_at;
  std::optional<HlcTimestamp> escalated_at;
  std::vector<DepartmentProgress> departments;  // in the whistle's order, then escalations'
  // Set while the street office's sending back stands: cleared by the next whistle or local
  // resolution.
  std::optional<CaseSendBack> sent_back;
  std::string resolution;            // the latest local resolution summary or department feedback
  std::string outcome;               // the latest verified outcome
  std::optional<Rating> evaluation;  // the current round's rating; cleared on reopen
  int reopen_count = 0;
  std::vector<CaseStep> timeline;        // every applied step, in fold order
  std::vector<CaseNoteEntry> notes;      // in fold order
  std::vector<CaseNoteEntry> visits;     // case.visited, in fold order; text is the outcome
  std::vector<CaseConflict> conflicts;   // open: waiting to be settled
  std::vector<SettledConflict> settled;  // settled, in the order settled
  bool operator==(const CaseState&) const = default;
};

// Whether `event` may be applied to a case in `state`, with the reason when not. The station
// calls it to refuse a step locally before writing it; the fold uses it for every event.
// Ok, or:
//   Invalid — validate_case_event fails, or the event belongs to another case;
//   PermissionDenied — the actor's role may not take this step (e.g. a staff member blowing a
//     whistle, a street office blowing a community-level one, a resident recording a case
//     anywhere but at the kiosk), or a department that was not whistled responds;
//   Conflict — the case is not in a state that allows the step, e.g.
//     "case 0193a1b2… is closed; a closed case cannot be whistled — reopen it first",
//     or a department reports in twice or gives feedback before reporting in.
// Rules beyond the event kinds' comments: a whistled case takes report-ins from each whistled
// department once, also after another department's feedback (until verified); feedback comes
// from a department that reported in, more than once if it likes; a whistle is blown only on a
// collected, reopened or returned case (a case is whistled once per round); a department
// returns a whistle once, before any feedback of its own, and takes no further step in that
// round; an escalation raises a community-level round (whistled, reported or feedback) once,
// naming no department already in the round; a case is sent back only while it waits for a
// whistle (collected, reopened, returned) and not while a sending back stands; a case is
// evaluated once per round; reopening an evaluated case needs a dissatisfied rating. A
// conflict_settled event must name an open conflict of this state, and to accept it the named event
// must pass this check against `state` now.
Status check_transition(const CaseState& state, const CaseEvent& event);

// The state of case `case_id` after its events, given in any order and possibly repeated.
// Events are deduplicated by id (of two different events with one id the one first in
// (HLC, origin, id, content) order is kept) and applied in (HLC, origin, id) order: each one
// that check_transition allows is applied; each one it refuses is kept in `conflicts` with the
// reason, events of another case included. Any permutation of the same events gives an
// equal state. Settling a conflict (conflict_settled): "dismiss" moves it to `settled` and
// changes nothing else; "accept" applies the event at the settlement's place in the order
// (its step gets accepted_by and the settlement's time) and moves it to `settled`. A
// settlement that cannot be done then (no such open conflict; the event still not allowed)
// is itself kept as a conflict, and the conflict it named stays open. Never fails.
CaseState fold_case(const Uuid& case_id, std::span<const CaseEvent> events);

// [SECTION] Deadlines

// The time allowed for each step, per whistle kind, in the kind's unit (hours or working
// days of `calendar`); the station and the district fill it from the catalog
// (case_deadlines). A value ≤ 0 means no deadline for that step.
struct CaseDeadlines {
  struct Limits {
    int report_in = 0;  // a whistled department reports in, from the whistle
    int feedback = 0;   // a department gives feedback, from its report-in
    int verify = 0;     // the station verifies, from the first feedback
    DeadlineUnit unit = DeadlineUnit::Hours;
    bool operator==(const Limits&) const = default;
  };
  using Hours = Limits;  // the name from when every limit was in hours
  Limits emergency;
  Limits key;
  Limits routine;         // also the verify deadline of a case resolved locally (it has no whistle)
  WorkCalendar calendar;  // for limits in working days; empty: Monday–Friday
  const Limits& for_kind(WhistleKind kind) const;
  // The due time of a step of `limits` allowed `count` units from from_ms (deadline_after).
  std::int64_t due_after(const Limits& limits, std::int64_t from_ms, int count) const;
  // The due time of a whole round's work for a department named at named_ms: report-in,
  // feedback and verification, report_in + feedback + verify units in one count (the verify
  // part when > 0); 0 when report_in or feedback has no deadline.
  std::int64_t resolve_due(const Limits& limits, std::int64_t named_ms) const;
  bool operator==(const CaseDeadlines&) const = default;
};

// The end of `count` units from from_ms: from_ms + count hours, or add_working_days (24:00
// Beijing time of the count-th working day after the day of from_ms). 0 when count ≤ 0.
std::int64_t deadline_after(std::int64_t from_ms, int count, DeadlineUnit unit,
                            const WorkCalendar& calendar);

// The catalog's deadlines and working-day calendar. Precondition: the catalog came from
// parse_catalog.
CaseDeadlines case_deadlines(const Catalog& catalog);

enum class OverdueStep { ReportIn, Feedback, Verify };
// "report_in", "feedback", "verify".
std::string_view to_string(OverdueStep step);

struct Overdue {
  OverdueStep step = OverdueStep::ReportIn;
  std::string department;    // who is late, for report_in and feedback; empty for verify
  std::int64_t due_ms = 0;   // Unix ms
  std::int64_t late_ms = 0;  // now_ms - due_ms, > 0
  bool operator==(const Overdue&) const = default;
};

// The steps of the current round that are past their deadline at now_ms (strictly after the
// due time), most late first (ties by department). Times are the steps' effective HLC wall
// times; a due time is CaseDeadlines::due_after the step's start (hours or working days). Whistled,
// reported or feedback stage: each whistled department not yet reported in (due: the whistle or
// escalation that named it + report_in) and each reported department with no feedback yet (due: its
// report-in + feedback); a department that returned the whistle owes nothing. Feedback stage: the
// verification (due: the first feedback + verify). Resolved stage: the verification (due: the
// resolution + routine verify). No other stage has deadlines. Never fails.
std::vector<Overdue> overdue(const CaseState& state, const CaseDeadlines& deadlines,
                             std::int64_t now_ms);
// The first due time of the current round: overdue(state, deadlines, now_ms) is non-empty
// exactly when now_ms is after it. nullopt when no step of the round has a deadline (a closed
// case, limits of 0). A station keeps it with each case so "which cases are overdue now" is a
// comparison, not a fold of every case.
std::optional<std::int64_t> overdue_from(const CaseState& state, const CaseDeadlines& deadlines);

// [SECTION] Tracking code

// The code a resident is given to follow a case (查询码), e.g. "K7MQ3ZP9C": 8 characters
// carrying 40 bits of a 64-bit mix of the case id, then one check character (Luhn mod 32:
// catches any one mistyped character and any swap of two neighbours but '2' and 'Z'). The alphabet
// "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" leaves out 0, 1, I and O. With 40 bits two cases of one
// station share a code with probability about n²/2^41 (n = 100,000: ~0.5%): the station
// checks its codes for collisions and handles them. The code is not a secret and proves
// nothing: it must never unlock personal information.
inline constexpr int kTrackingCodeBits = 40;
inline constexpr std::size_t kTrackingCodeLength = 9;
std::string tracking_code(const Uuid& case_id);
// True for a code of exactly the form tracking_code makes, check character included.
bool is_valid_tracking_code(std::string_view code);
// A code as a resident typed it: case, spaces and hyphens are ignored. On success the code
// in tracking_code's form; Invalid saying what is wrong (length, a character not used in
// codes, a wrong check character) otherwise.
Result<std::string> parse_tracking_code(std::string_view typed);

// [SECTION] JSON

// The fields of an event's fact row kept beside its body (storage's facts table).
struct CaseEventEnvelope {
  Uuid id;
  Uuid case_id;
  HlcTimestamp hlc;
  std::string origin;
  std::int64_t wall_ms = 0;
};

// The body of the event's fact: {"actor", "actor_role", "on_behalf_of" (when set), and the
// payload's fields}; see case_json.cpp for each kind's fields. Optional fields are left out
// when empty (or 0), so a body of before they existed reads the same.
nlohmann::json case_event_body(const CaseEvent& event);
// An event from its fact row's parts. The body is untrusted: an unknown or missing field, a
// wrong type or a value breaking validate_case_event is Invalid with a message naming the
// kind and field.
Result<CaseEvent> case_event_from_body(const CaseEventEnvelope& envelope, std::string_view kind,
                                       const nlohmann::json& body);

// The whole event as one object: {"id", "case", "kind", "hlc" (packed, see HlcTimestamp),
// "origin", "wall_ms", "body"}.
nlohmann::json to_json(const CaseEvent& event);
// Reads what to_json writes, refusing anything else as above.
Result<CaseEvent> case_event_from_json(const nlohmann::json& value);
// Parses JSON text first: malformed JSON and a key given twice in one object are Invalid.
Result<CaseEvent> parse_case_event(std::string_view json_text);

}  // namespace weimin::core
