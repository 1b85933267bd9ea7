// Community consultation (社区协商) at the station: a topic raised by a resident at the kiosk or
// by staff, the meetings that discuss it (date, participants, minutes), the decisions taken and
// their carrying out (core/consultation.hpp). Each use case is one transaction writing one
// consult.* fact with its outbox entry and, for staff, an audit fact.
// Thread-safety: as Station.
#pragma once

#include <optional>
#include <string>

#include "weimin/core/consultation.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station {

struct MeetingRecord {
  std::string date;  // "YYYY-MM-DD"; empty for today
  int participants = 0;
  std::string minutes;
  std::string parties;  // optional
};

class Consultations {
 public:
  explicit Consultations(Station& station) : station_(station) {}

  // Every topic with its meetings and decisions, and the conflicts kept.
  Result<core::ConsultState> state();

  // Raises a topic. by: the staff member, or nullopt for a resident at the kiosk. Personal
  // numbers in the detail are masked before it is written. Invalid for an empty or too long
  // title; PermissionDenied for a role that may not record residents' matters.
  Result<core::ConsultTopic> raise(const std::optional<Session>& by, std::string title,
                                   std::string detail);
  // Records a meeting on a topic. NotFound for an unknown topic; Invalid for a bad date (not
  // after today), participants < 1 or empty minutes.
  Result<core::ConsultMeeting> record_meeting(const Session& by, const core::Uuid& topic,
                                              const MeetingRecord& meeting);
  // Records a decision, taken at `meeting` when given (it must be a meeting of the topic).
  Result<core::ConsultDecision> decide(const Session& by, const core::Uuid& topic, std::string text,
                                       std::optional<core::Uuid> meeting);
  // Marks a decision carried out on `date` (empty: today). Conflict when it was already.
  Result<core::ConsultDecision> carried_out(const Session& by, const core::Uuid& topic,
                                            const core::Uuid& decision, std::string date,
                                            std::string note);

  // The topic whose id starts or ends with `text` (at least 4 characters; the CLI shows the
  // last 8); NotFound, or Invalid when ambiguous.
  Result<core::Uuid> topic_by_prefix(std::string_view prefix);

 private:
  Result<core::ConsultState> load();
  Result<core::CivilDate> date_or_today(std::string_view text, std::string_view what);
  // Checks, writes and applies one event; audits it as `action` when by is set.
  Status write(core::ConsultState& st, const core::ConsultEvent& ev, const Stamp& stamp,
               const std::optional<Session>& by, std::string_view action);

  Station& station_;
};

}  // namespace weimin::station
