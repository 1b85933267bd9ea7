// The kiosk's governance screens: community consultation (社区协商) — a resident raises a topic
// from home; staff raise topics, record meetings, decisions and their carrying out — the
// work-access register (社区工作准入: an application with the check's verdict, the leading
// group's decision recorded by the director or deputy head) and the certificate register
// (经济困难证明). State as plain structs, decisions that change only the state given and the
// station (testable without drawing); govern.cpp draws them.
// Thread-safety: plain values; the decide functions use the Station and run on its thread.
#pragma once

#include <optional>
#include <string>

#include "weimin/core/consultation.hpp"
#include "weimin/core/result.hpp"
#include "weimin/core/work_access_register.hpp"
#include "weimin/kiosk/strings.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"

namespace weimin::kiosk {

// What a resident types to raise a topic (reset with the rest of ResidentState).
struct ConsultRaiseState {
  std::string title;
  std::string detail;
  std::optional<core::ConsultTopic> raised;
  std::string error;
};

enum class GovernView { Consult, Access, Certificate };

struct GovernState {
  GovernView view = GovernView::Consult;
  // Consultation: a new topic's title, the topic chosen and what is being recorded on it.
  std::string topic_title;
  std::optional<core::Uuid> topic;
  int participants = 10;
  std::string minutes;
  std::string decision;
  // Work access: the department chosen, the task and its evidence.
  std::string department;
  std::string task;
  std::string evidence;
  // Certificates: which one the resident asks for (a catalog certificate id; the committee may
  // issue only some), the resident's identity number (typed on the keypad), name and basis.
  std::string certificate = "economic_hardship";
  bool other_certificates = false;  // the certificates a committee may not issue are listed
  std::string id_number;
  std::string resident_name;
  std::string basis;
  std::string message;  // the last action's result
  std::string error;
};

// Raises the resident's topic; on success fills raised and clears the fields, else error (in
// the resident's language).
Status resident_raise_topic(station::Station& station, ConsultRaiseState& raise, Lang lang);

// The staff actions; each sets message on success (and clears what it recorded) or error.
Status govern_raise_topic(station::Station& station, const station::Session& by, GovernState& g,
                          Lang lang);
// A meeting today on g.topic with g.participants and g.minutes.
Status govern_record_meeting(station::Station& station, const station::Session& by, GovernState& g,
                             Lang lang);
// g.decision on g.topic, taken at its latest meeting when it has one.
Status govern_decide(station::Station& station, const station::Session& by, GovernState& g,
                     Lang lang);
// Marks `decision` of g.topic carried out today.
Status govern_carried_out(station::Station& station, const station::Session& by, GovernState& g,
                          const core::Uuid& decision, Lang lang);
// An application of g.department for g.task (with g.evidence).
Status govern_apply(station::Station& station, const station::Session& by, GovernState& g,
                    Lang lang);
// The leading group's decision on `application`, recorded today.
Status govern_decide_application(station::Station& station, const station::Session& by,
                                 GovernState& g, const core::Uuid& application, bool approve,
                                 Lang lang);
// Certificate g.certificate (the economic hardship certificate, the one a committee may still
// issue) for g.id_number (g.resident_name) on g.basis. A certificate the catalog says a
// committee may not issue is refused (Rejected, nothing written) with g.error saying which
// office issues it instead (cert_refusal).
Status govern_issue_certificate(station::Station& station, const station::Session& by,
                                GovernState& g, Lang lang);

// Why the committee may not issue `certificate` and where the resident should go instead, in
// `lang`, from the catalog's note; empty when the catalog lets the committee issue it.
std::string cert_refusal(const core::Catalog& catalog, const std::string& certificate, Lang lang);

}  // namespace weimin::kiosk
