// Community consultation facts and their fold (see consultation.hpp).
#include "weimin/core/consultation.hpp"

#include <algorithm>
#include <array>
#include <tuple>

#include "govern_json.hpp"

namespace weimin::core {

namespace {

using json = nlohmann::json;
namespace cj = catalog_json;
namespace gj = govern_json;

constexpr std::array<std::string_view, 4> kKindNames = {
    "consult.topic_raised", "consult.meeting_held", "consult.decision_made",
    "consult.decision_done"};
constexpr std::array<std::string_view, 4> kStatusNames = {"raised", "discussed", "decided",
                                                          "carried_out"};

Status invalid(const ConsultEvent& e, std::string what) {
  return Status(ErrorCode::Invalid,
                std::string(to_string(e.kind())) + " " + e.id.to_string() + ": " + std::move(what));
}

gj::Envelope envelope(const ConsultEvent& e) {
  return {e.id, e.topic, e.hlc, e.wall_ms, e.origin, e.staff};
}

ConsultEvent read_event(const json& j) {
  if (!j.is_object()) cj::wrong_type(j, "", "an object");
  const auto kind_it = j.find("kind");
  if (kind_it == j.end()) cj::fail("", "missing required field \"kind\"");
  Result<ConsultEventKind> kind = parse_consult_event_kind(cj::read_string(*kind_it, "/kind"));
  if (!kind) cj::fail("/kind", kind.status().message());
  std::vector<std::string_view> known = {"kind",    "id",     "topic", "hlc",
                                         "wall_ms", "origin", "staff"};
  switch (*kind) {
    case ConsultEventKind::TopicRaised:
      known.insert(known.end(), {"title", "detail", "by_resident"});
      break;
    case ConsultEventKind::MeetingHeld:
      known.insert(known.end(), {"date", "participants", "minutes", "parties"});
      break;
    case ConsultEventKind::DecisionMade:
      known.insert(known.end(), {"text", "meeting"});
      break;
    case ConsultEventKind::DecisionDone:
      known.insert(known.end(), {"decision", "date", "note"});
      break;
  }
  gj::refuse_unknown(j, known, to_string(*kind));
  const gj::Envelope env = gj::read_envelope(j, "topic");
  ConsultEvent e{env.id, env.subject, env.hlc, env.wall_ms, env.origin, env.staff, {}};
  switch (*kind) {
    case ConsultEventKind::TopicRaised:
      e.body = ConsultTopicRaised{gj::str(j, "title"), gj::opt_str(j, "detail"),
                                  gj::opt_bool(j, "by_resident")};
      break;
    case ConsultEventKind::MeetingHeld:
      e.body = ConsultMeetingHeld{gj::date(j, "date"),
                                  gj::integer(j, "participants", 1, kMaxParticipants),
                                  gj::str(j, "minutes"), gj::opt_str(j, "parties")};
      break;
    case ConsultEventKind::DecisionMade:
      e.body = ConsultDecisionMade{gj::str(j, "text"), gj::opt_uuid(j, "meeting")};
      break;
    case ConsultEventKind::DecisionDone: {
      const auto decision = gj::opt_uuid(j, "decision");
      if (!decision) cj::fail("", "missing required field \"decision\"");
      e.body = ConsultDecisionDone{*decision, gj::date(j, "date"), gj::opt_str(j, "note")};
      break;
    }
  }
  return e;
}

std::tuple<HlcTimestamp, std::string, Uuid> key_of(const ConsultEvent& e) {
  return {e.hlc, e.origin, e.id};
}

ConsultDecision* find_decision(ConsultTopic& t, const Uuid& id) {
  for (auto& d : t.decisions) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

}  // namespace

std::string_view to_string(ConsultEventKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

Result<ConsultEventKind> parse_consult_event_kind(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<ConsultEventKind>(i);
  }
  return Status(ErrorCode::Invalid,
                "unknown consultation fact kind " + cj::in_quotes(text) +
                    " (the kinds are: consult.topic_raised, consult.meeting_held, "
                    "consult.decision_made, consult.decision_done)");
}

std::string_view to_string(TopicStatus status) {
  return kStatusNames[static_cast<std::size_t>(status)];
}

Status validate(const ConsultEvent& e) {
  if (std::string what = gj::check_envelope(envelope(e), false); !what.empty()) {
    return invalid(e, what);
  }
  if (const auto* t = std::get_if<ConsultTopicRaised>(&e.body)) {
    if (e.topic != e.id) return invalid(e, "a topic's id must be the id of its raised fact");
    if (!gj::is_plain_text(t->title, kMaxTopicTitleChars, false)) {
      return invalid(e, "the title must be plain text of 1-100 characters");
    }
    if (!gj::is_plain_text(t->detail, kMaxTopicDetailChars)) {
      return invalid(e, "the detail must be plain text of at most 1000 characters");
    }
    if (gj::holds_personal_number(t->title) || gj::holds_personal_number(t->detail)) {
      return invalid(e, "the topic holds an identity or phone number; mask it first");
    }
    if (!t->by_resident && e.staff.empty()) {
      return invalid(e, "a topic not raised by a resident needs the staff number");
    }
  } else {
    if (e.staff.empty()) return invalid(e, "the staff number is missing");
    if (e.topic == e.id) return invalid(e, "the topic must be an earlier topic's id");
  }
  if (const auto* m = std::get_if<ConsultMeetingHeld>(&e.body)) {
    if (m->participants < 1 || m->participants > kMaxParticipants) {
      return invalid(e, "participants must be 1-" + std::to_string(kMaxParticipants));
    }
    if (!gj::is_plain_text(m->minutes, kMaxMinutesChars, false)) {
      return invalid(e, "the minutes must be plain text of 1-4000 characters");
    }
    if (!gj::is_plain_text(m->parties, kMaxPartiesChars)) {
      return invalid(e, "the parties must be plain text of at most 200 characters");
    }
    if (gj::holds_personal_number(m->minutes) || gj::holds_personal_number(m->parties)) {
      return invalid(e, "the minutes hold an identity or phone number; mask it first");
    }
  } else if (const auto* d = std::get_if<ConsultDecisionMade>(&e.body)) {
    if (!gj::is_plain_text(d->text, kMaxDecisionChars, false)) {
      return invalid(e, "the decision must be plain text of 1-1000 characters");
    }
    if (d->meeting && d->meeting->is_nil()) return invalid(e, "the meeting id is the nil UUID");
    if (gj::holds_personal_number(d->text)) {
      return invalid(e, "the decision holds an identity or phone number; mask it first");
    }
  } else if (const auto* done = std::get_if<ConsultDecisionDone>(&e.body)) {
    if (done->decision.is_nil()) return invalid(e, "the decision id is the nil UUID");
    if (!gj::is_plain_text(done->note, kMaxGovernNoteChars)) {
      return invalid(e, "the note must be plain text of at most 500 characters");
    }
  }
  return Status::ok();
}

json to_json(const ConsultEvent& e) {
  json j = json::object();
  gj::write_envelope(j, to_string(e.kind()), envelope(e), "topic");
  if (const auto* t = std::get_if<ConsultTopicRaised>(&e.body)) {
    j["title"] = t->title;
    if (!t->detail.empty()) j["detail"] = t->detail;
    if (t->by_resident) j["by_resident"] = true;
  } else if (const auto* m = std::get_if<ConsultMeetingHeld>(&e.body)) {
    j["date"] = m->date.to_string();
    j["participants"] = m->participants;
    j["minutes"] = m->minutes;
    if (!m->parties.empty()) j["parties"] = m->parties;
  } else if (const auto* d = std::get_if<ConsultDecisionMade>(&e.body)) {
    j["text"] = d->text;
    if (d->meeting) j["meeting"] = d->meeting->to_string();
  } else if (const auto* done = std::get_if<ConsultDecisionDone>(&e.body)) {
    j["decision"] = done->decision.to_string();
    j["date"] = done->date.to_string();
    if (!done->note.empty()) j["note"] = done->note;
  }
  return j;
}

Result<ConsultEvent> consult_event_from_json(const json& j, std::string_view source) {
  ConsultEvent e;
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

Result<ConsultEvent> parse_consult_event(std::string_view json_text, std::string_view source) {
  WEIMIN_ASSIGN_OR_RETURN(json j, cj::parse_strict(json_text, source));
  return consult_event_from_json(j, source);
}

// [SECTION] State

TopicStatus ConsultTopic::status() const {
  if (!decisions.empty()) {
    const bool all_done =
        std::all_of(decisions.begin(), decisions.end(),
                    [](const ConsultDecision& d) { return d.done_on.has_value(); });
    return all_done ? TopicStatus::CarriedOut : TopicStatus::Decided;
  }
  return meetings.empty() ? TopicStatus::Raised : TopicStatus::Discussed;
}

const ConsultTopic* ConsultState::find(const Uuid& topic) const {
  const auto it = topics.find(topic);
  return it == topics.end() ? nullptr : &it->second;
}

ConsultFigures ConsultState::figures() const {
  ConsultFigures f;
  for (const auto& [id, t] : topics) {
    ++f.topics;
    f.activities += static_cast<int>(t.meetings.size());
    f.items += static_cast<int>(t.decisions.size());
    f.carried_out += static_cast<int>(
        std::count_if(t.decisions.begin(), t.decisions.end(),
                      [](const ConsultDecision& d) { return d.done_on.has_value(); }));
  }
  return f;
}

Status check(const ConsultState& state, const ConsultEvent& e) {
  WEIMIN_TRY(validate(e));
  const ConsultTopic* topic = state.find(e.topic);
  if (e.kind() == ConsultEventKind::TopicRaised) {
    if (topic)
      return Status(ErrorCode::AlreadyExists, "topic " + e.topic.to_string() + " exists already");
    return Status::ok();
  }
  if (!topic) {
    return Status(ErrorCode::NotFound, "there is no consultation topic " + e.topic.to_string() +
                                           "; raise the topic first");
  }
  if (const auto* d = std::get_if<ConsultDecisionMade>(&e.body); d && d->meeting) {
    const bool known = std::any_of(topic->meetings.begin(), topic->meetings.end(),
                                   [&](const ConsultMeeting& m) { return m.id == *d->meeting; });
    if (!known) {
      return Status(ErrorCode::NotFound, "topic \"" + topic->title + "\" has no meeting " +
                                             d->meeting->to_string() +
                                             "; record the meeting first or leave it out");
    }
  }
  if (const auto* done = std::get_if<ConsultDecisionDone>(&e.body)) {
    const ConsultDecision* decision = nullptr;
    for (const auto& d : topic->decisions) {
      if (d.id == done->decision) decision = &d;
    }
    if (!decision) {
      return Status(ErrorCode::NotFound, "topic \"" + topic->title + "\" has no decision " +
                                             done->decision.to_string() +
                                             "; list its decisions with 'weimin consult show'");
    }
    if (decision->done_on) {
      return Status(ErrorCode::Conflict, "the decision was carried out already on " +
                                             decision->done_on->to_string() +
                                             "; nothing more to record");
    }
    for (const auto& m : topic->meetings) {
      if (decision->meeting && m.id == *decision->meeting && done->date < m.date) {
        return Status(ErrorCode::Conflict, "the decision cannot be carried out on " +
                                               done->date.to_string() + ", before the meeting of " +
                                               m.date.to_string() + " that took it");
      }
    }
  }
  return Status::ok();
}

Status apply(ConsultState& state, const ConsultEvent& e) {
  WEIMIN_TRY(check(state, e));
  if (const auto* t = std::get_if<ConsultTopicRaised>(&e.body)) {
    ConsultTopic topic;
    topic.id = e.id;
    topic.origin = e.origin;
    topic.title = t->title;
    topic.detail = t->detail;
    topic.by_resident = t->by_resident;
    topic.staff = e.staff;
    topic.raised_ms = e.wall_ms;
    state.topics.emplace(e.id, std::move(topic));
    return Status::ok();
  }
  ConsultTopic& topic = state.topics.at(e.topic);
  if (const auto* m = std::get_if<ConsultMeetingHeld>(&e.body)) {
    topic.meetings.push_back({e.id, m->date, m->participants, m->minutes, m->parties, e.staff});
  } else if (const auto* d = std::get_if<ConsultDecisionMade>(&e.body)) {
    topic.decisions.push_back({e.id, d->meeting, d->text, e.staff, std::nullopt, {}});
  } else if (const auto* done = std::get_if<ConsultDecisionDone>(&e.body)) {
    ConsultDecision* decision = find_decision(topic, done->decision);
    decision->done_on = done->date;
    decision->done_note = done->note;
  }
  return Status::ok();
}

ConsultState fold_consultations(std::vector<ConsultEvent> events) {
  std::sort(events.begin(), events.end(), [](const ConsultEvent& a, const ConsultEvent& b) {
    if (key_of(a) != key_of(b)) return key_of(a) < key_of(b);
    return to_json(a).dump() < to_json(b).dump();  // same id, other content: a fixed order
  });
  ConsultState state;
  const ConsultEvent* previous = nullptr;
  for (const ConsultEvent& e : events) {
    if (previous && previous->id == e.id && previous->origin == e.origin &&
        previous->hlc == e.hlc) {
      if (!(*previous == e)) {
        state.conflicts.push_back({e, "another fact with the same id " + e.id.to_string() +
                                          " and other content; the first is kept"});
      }
      continue;
    }
    previous = &e;
    if (Status s = apply(state, e); !s) state.conflicts.push_back({e, s.message()});
  }
  return state;
}

}  // namespace weimin::core
