#include "weimin/station/consultation.hpp"

#include <nlohmann/json.hpp>

#include "weimin/core/mask.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::station {

Result<core::ConsultState> Consultations::load() {
  WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_kind(station_.db(), "consult."));
  std::vector<core::ConsultEvent> events;
  for (const auto& row : rows) {
    WEIMIN_ASSIGN_OR_RETURN(core::ConsultEvent ev,
                            core::parse_consult_event(row.body, "consultation fact " + row.id));
    events.push_back(std::move(ev));
  }
  return core::fold_consultations(std::move(events));
}

Result<core::ConsultState> Consultations::state() {
  return load();
}

Result<core::CivilDate> Consultations::date_or_today(std::string_view text, std::string_view what) {
  const core::CivilDate today = core::local_date(station_.now_ms());
  if (text.empty()) return today;
  Result<core::CivilDate> d = core::CivilDate::parse(text);
  if (!d) {
    return Status(ErrorCode::Invalid, "the " + std::string(what) + " date \"" + std::string(text) +
                                          "\" is not a date; write it as YYYY-MM-DD");
  }
  if (*d > today) {
    return Status(ErrorCode::Invalid, "the " + std::string(what) + " date " + d->to_string() +
                                          " lies after today; record it when it has happened");
  }
  return *d;
}

Status Consultations::write(core::ConsultState& st, const core::ConsultEvent& ev, const Stamp& s,
                            const std::optional<Session>& by, std::string_view action) {
  WEIMIN_TRY(core::check(st, ev));
  const NewFact fact{std::string(core::to_string(ev.kind())), ev.topic.to_string(),
                     core::to_json(ev), s};
  WEIMIN_TRY(station_.append({&fact, 1}).status());
  WEIMIN_TRY(core::apply(st, ev));
  if (by) {
    StaffDesk desk(station_);
    WEIMIN_TRY(desk.audit(*by, action, ev.topic.to_string()));
  }
  return Status::ok();
}

Result<core::ConsultTopic> Consultations::raise(const std::optional<Session>& by, std::string title,
                                                std::string detail) {
  if (by) WEIMIN_TRY(StaffDesk::require(*by, core::Permission::RecordCase));
  core::ConsultTopic out;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::ConsultState st, load());
    const Stamp s = station_.stamp();
    core::ConsultEvent ev{
        s.id,
        s.id,
        s.hlc,
        s.wall_ms,
        station_.origin(),
        by ? by->staff_no : "",
        core::ConsultTopicRaised{core::mask_personal_numbers_in_text(title),
                                 core::mask_personal_numbers_in_text(detail), !by}};
    WEIMIN_TRY(write(st, ev, s, by, "consult_topic_raised"));
    out = *st.find(ev.topic);
    return Status::ok();
  }));
  return out;
}

Result<core::ConsultMeeting> Consultations::record_meeting(const Session& by,
                                                           const core::Uuid& topic,
                                                           const MeetingRecord& m) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::RecordCase));
  WEIMIN_ASSIGN_OR_RETURN(core::CivilDate date, date_or_today(m.date, "meeting"));
  core::ConsultMeeting out;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::ConsultState st, load());
    WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(topic.to_string()));
    core::ConsultEvent ev{s.id,
                          topic,
                          s.hlc,
                          s.wall_ms,
                          station_.origin(),
                          by.staff_no,
                          core::ConsultMeetingHeld{date, m.participants,
                                                   core::mask_personal_numbers_in_text(m.minutes),
                                                   core::mask_personal_numbers_in_text(m.parties)}};
    WEIMIN_TRY(write(st, ev, s, by, "consult_meeting_held"));
    out = st.find(topic)->meetings.back();
    return Status::ok();
  }));
  return out;
}

Result<core::ConsultDecision> Consultations::decide(const Session& by, const core::Uuid& topic,
                                                    std::string text,
                                                    std::optional<core::Uuid> meeting) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::RecordCase));
  core::ConsultDecision out;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::ConsultState st, load());
    WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(topic.to_string()));
    core::ConsultEvent ev{
        s.id,
        topic,
        s.hlc,
        s.wall_ms,
        station_.origin(),
        by.staff_no,
        core::ConsultDecisionMade{core::mask_personal_numbers_in_text(text), meeting}};
    WEIMIN_TRY(write(st, ev, s, by, "consult_decision_made"));
    out = st.find(topic)->decisions.back();
    return Status::ok();
  }));
  return out;
}

Result<core::ConsultDecision> Consultations::carried_out(const Session& by, const core::Uuid& topic,
                                                         const core::Uuid& decision,
                                                         std::string date, std::string note) {
  WEIMIN_TRY(StaffDesk::require(by, core::Permission::RecordCase));
  WEIMIN_ASSIGN_OR_RETURN(core::CivilDate on, date_or_today(date, "carried-out"));
  core::ConsultDecision out;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::ConsultState st, load());
    WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(topic.to_string()));
    core::ConsultEvent ev{
        s.id,
        topic,
        s.hlc,
        s.wall_ms,
        station_.origin(),
        by.staff_no,
        core::ConsultDecisionDone{decision, on, core::mask_personal_numbers_in_text(note)}};
    WEIMIN_TRY(write(st, ev, s, by, "consult_decision_done"));
    for (const auto& d : st.find(topic)->decisions) {
      if (d.id == decision) out = d;
    }
    return Status::ok();
  }));
  return out;
}

Result<core::Uuid> Consultations::topic_by_prefix(std::string_view prefix) {
  if (prefix.size() < 4) {
    return Status(ErrorCode::Invalid, "give at least 4 characters of the topic id");
  }
  if (auto id = core::Uuid::parse(prefix)) return *id;
  WEIMIN_ASSIGN_OR_RETURN(core::ConsultState st, load());
  std::optional<core::Uuid> found;
  for (const auto& [id, t] : st.topics) {
    const std::string text = id.to_string();
    if (text.rfind(prefix, 0) != 0 && !text.ends_with(prefix)) continue;
    if (found) {
      return Status(ErrorCode::Invalid, "more than one topic starts with " + std::string(prefix) +
                                            "; give more of the id");
    }
    found = id;
  }
  if (!found) {
    return Status(ErrorCode::NotFound, "no consultation topic starts with " + std::string(prefix) +
                                           "; list them with 'weimin consult list'");
  }
  return *found;
}

}  // namespace weimin::station
