// Community consultation (社区协商): topics residents and staff raise, the meetings (协商活动)
// that discuss them with their date, participants and minutes, the decisions (协商事项) taken and
// whether each was carried out (落实), with its date. Every step is an append-only fact about
// its topic; the state is a fold of the facts in (HLC, origin, id) order, so any order of the
// same facts gives the same state. A fact that does not fit (a meeting on an unknown topic, a
// decision carried out twice) is kept as a conflict and shown, never applied or dropped.
// Figures as the seeds count them (Guandu 2022: 473 activities, 556 items, 522 carried out):
// activities = meetings held, items = decisions made, carried out = decisions marked done.
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

#include "weimin/core/civil_time.hpp"
#include "weimin/core/hlc.hpp"
#include "weimin/core/id.hpp"
#include "weimin/core/result.hpp"

namespace weimin::core {

// Text limits, in characters.
inline constexpr std::size_t kMaxTopicTitleChars = 100;
inline constexpr std::size_t kMaxTopicDetailChars = 1000;
inline constexpr std::size_t kMaxMinutesChars = 4000;
inline constexpr std::size_t kMaxPartiesChars = 200;
inline constexpr std::size_t kMaxDecisionChars = 1000;
inline constexpr std::size_t kMaxGovernNoteChars = 500;
inline constexpr int kMaxParticipants = 100000;

enum class ConsultEventKind { TopicRaised, MeetingHeld, DecisionMade, DecisionDone };
// "consult.topic_raised", "consult.meeting_held", "consult.decision_made",
// "consult.decision_done".
std::string_view to_string(ConsultEventKind kind);
Result<ConsultEventKind> parse_consult_event_kind(std::string_view text);

// A topic raised (议题): by a resident at the kiosk (by_resident) or by staff.
struct ConsultTopicRaised {
  std::string title;   // 1-100 characters
  std::string detail;  // may be empty; ≤ 1000 characters, personal numbers masked
  bool by_resident = false;
  bool operator==(const ConsultTopicRaised&) const = default;
};
// A consultation meeting (协商活动) on the topic.
struct ConsultMeetingHeld {
  CivilDate date;
  int participants = 0;  // 1 … kMaxParticipants
  std::string minutes;   // 1-4000 characters (会议纪要)
  std::string parties;   // who took part besides residents (物业, 业委会 …); may be empty
  bool operator==(const ConsultMeetingHeld&) const = default;
};
// A decision (协商事项) reached on the topic, at a meeting when `meeting` is set.
struct ConsultDecisionMade {
  std::string text;  // 1-1000 characters
  std::optional<Uuid> meeting;
  bool operator==(const ConsultDecisionMade&) const = default;
};
// A decision carried out (落实) on `date`.
struct ConsultDecisionDone {
  Uuid decision;
  CivilDate date;
  std::string note;  // may be empty; ≤ 500 characters
  bool operator==(const ConsultDecisionDone&) const = default;
};

// One consultation fact; the alternatives of `body` are in ConsultEventKind order.
struct ConsultEvent {
  Uuid id;
  Uuid topic;  // for TopicRaised, equal to id
  HlcTimestamp hlc;
  std::int64_t wall_ms = 0;
  std::string origin;
  std::string staff;  // empty when a resident raised the topic at the kiosk
  std::variant<ConsultTopicRaised, ConsultMeetingHeld, ConsultDecisionMade, ConsultDecisionDone>
      body;

  ConsultEventKind kind() const { return static_cast<ConsultEventKind>(body.index()); }
  bool operator==(const ConsultEvent&) const = default;
};

// Invalid naming the field: nil ids, a topic id not equal to a raised topic's own id, origin
// or staff number malformed, texts not plain UTF-8 or too long, an unmasked personal number
// in a text, participants out of range.
Status validate(const ConsultEvent& event);

// {"kind", "id", "topic", "hlc" (packed), "wall_ms", "origin", "staff"?, then per kind:
//  topic_raised: "title", "detail"?, "by_resident"? (true only); meeting_held: "date",
//  "participants", "minutes", "parties"?; decision_made: "text", "meeting"?;
//  decision_done: "decision", "date", "note"?}
nlohmann::json to_json(const ConsultEvent& event);
// From untrusted JSON: unknown, missing or mistyped fields are Invalid, naming the path.
Result<ConsultEvent> consult_event_from_json(const nlohmann::json& j,
                                             std::string_view source = "consultation fact");
Result<ConsultEvent> parse_consult_event(std::string_view json_text,
                                         std::string_view source = "consultation fact");

// [SECTION] State

struct ConsultMeeting {
  Uuid id;
  CivilDate date;
  int participants = 0;
  std::string minutes;
  std::string parties;
  std::string staff;
  bool operator==(const ConsultMeeting&) const = default;
};

struct ConsultDecision {
  Uuid id;
  std::optional<Uuid> meeting;
  std::string text;
  std::string staff;
  std::optional<CivilDate> done_on;  // set once carried out
  std::string done_note;
  bool operator==(const ConsultDecision&) const = default;
};

enum class TopicStatus { Raised, Discussed, Decided, CarriedOut };
// "raised" (no meeting yet), "discussed" (met, nothing decided), "decided" (a decision not yet
// carried out), "carried_out" (every decision carried out).
std::string_view to_string(TopicStatus status);

struct ConsultTopic {
  Uuid id;
  std::string origin;
  std::string title;
  std::string detail;
  bool by_resident = false;
  std::string staff;
  std::int64_t raised_ms = 0;
  std::vector<ConsultMeeting> meetings;    // in fact order
  std::vector<ConsultDecision> decisions;  // in fact order

  TopicStatus status() const;
  bool operator==(const ConsultTopic&) const = default;
};

struct ConsultConflict {
  ConsultEvent event;
  std::string reason;
  bool operator==(const ConsultConflict&) const = default;
};

struct ConsultFigures {
  int topics = 0;
  int activities = 0;   // meetings held
  int items = 0;        // decisions made
  int carried_out = 0;  // decisions carried out
  bool operator==(const ConsultFigures&) const = default;
};

struct ConsultState {
  std::map<Uuid, ConsultTopic> topics;
  std::vector<ConsultConflict> conflicts;  // in fold order

  const ConsultTopic* find(const Uuid& topic) const;
  ConsultFigures figures() const;
  bool operator==(const ConsultState&) const = default;
};

// Whether the event fits the state: Ok, or NotFound (unknown topic, meeting or decision),
// AlreadyExists (a topic id in use) or Conflict (a decision carried out already; carried out
// before the meeting that took it) with what to do.
Status check(const ConsultState& state, const ConsultEvent& event);
// check() then applies; changes nothing when check() refuses.
Status apply(ConsultState& state, const ConsultEvent& event);
// The state from the events in any order, duplicates (same id) counted once: sorted by (HLC,
// origin, id), each applied or, when check() refuses it, kept in `conflicts`.
ConsultState fold_consultations(std::vector<ConsultEvent> events);

}  // namespace weimin::core
