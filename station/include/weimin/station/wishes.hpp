// Neighbour services at the station (近邻服务, core/neighbour.hpp): residents' wishes and
// requests for help posted at the kiosk or by staff, claimed by a volunteer or a staff member,
// fulfilled, confirmed or withdrawn; and the care list of elderly residents (居家养老) with the
// home visits and phone call-backs logged for them.
//
// Each step is one transaction: the subject's facts are folded, the step is checked against the
// state (a refusal writes nothing and says why), then the fact, its outbox entry and, for staff,
// an audit fact are written. A phone number is kept in a separate `resident.contact` fact (as
// the cases keep theirs); the wish and the care record carry only the masked number. Staff steps
// need the RecordCase permission (every member of the station's staff has it).
// Thread-safety: as Station.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/core/neighbour.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station {

struct NewWish {
  core::HelpKind help = core::HelpKind::MicroWish;
  std::string text;                  // trimmed; personal numbers in it are masked
  std::optional<std::string> phone;  // as typed; validated; needs consent
  bool consent = false;
};

struct WishClaim {
  core::Claimant claimant = core::Claimant::Volunteer;
  std::string name;                  // the volunteer's name; for staff, empty = the staff's own
  std::optional<std::string> phone;  // the volunteer's, as typed; kept masked in the claim
};

// The short number of a wish or care record shown on screens and in the CLI: the last six
// hex digits of its id, upper case ("3F9A2C").
std::string short_number(const core::Uuid& id);

class Wishes {
 public:
  explicit Wishes(Station& station) : station_(station) {}

  // Posts a wish. by == nullopt: the resident at the kiosk. Invalid for empty or overlong
  // text, a bad phone, or a phone without consent.
  Result<core::Wish> post(const std::optional<Session>& by, const NewWish& wish);
  // Staff steps. Conflict when the wish's state does not allow the step (a claim on a claimed,
  // fulfilled or withdrawn wish; fulfilling an unclaimed one); NotFound for an unknown wish.
  Result<core::Wish> claim(const Session& by, std::string_view wish, const WishClaim& claim);
  Result<core::Wish> fulfil(const Session& by, std::string_view wish, std::string note = {});
  // by == nullopt: the resident confirms at the kiosk. Conflict unless fulfilled.
  Result<core::Wish> confirm(const std::optional<Session>& by, std::string_view wish,
                             std::string note = {});
  Result<core::Wish> withdraw(const std::optional<Session>& by, std::string_view wish,
                              std::string reason = {});

  // A wish by its id or short number (NotFound; Invalid when a short number is ambiguous).
  Result<core::Wish> get(std::string_view wish);
  // Every wish, newest first.
  Result<std::vector<core::Wish>> all();
  // The open and claimed wishes (the board), newest first.
  Result<std::vector<core::Wish>> open();
  // The wishes posted with this phone number (as typed), newest first.
  Result<std::vector<core::Wish>> of_resident(std::string_view phone);

 private:
  Result<core::Wish> step(const std::optional<Session>& by, std::string_view wish,
                          core::WishEvent event, std::string_view audit_action);
  Station& station_;
};

struct NewCareResident {
  std::string name;     // how staff call them, e.g. 张奶奶
  std::string address;  // building and door
  std::optional<std::string> phone;
  bool consent = false;
  std::string note;
};

struct CareLog {
  core::CareOutcome outcome = core::CareOutcome::Well;
  std::string by;  // who visited or called (a care worker 助老员); empty = the staff member
  std::string note;
  // Needs help: also record a case for it (category `case_source`, the note as description).
  bool open_case = false;
  std::string case_source = "other";
};

class Care {
 public:
  explicit Care(Station& station) : station_(station) {}

  Result<core::CareRecord> list(const Session& by, const NewCareResident& resident);
  Result<core::CareRecord> unlist(const Session& by, std::string_view person,
                                  std::string reason = {});
  // Logs a visit or a call. Conflict for a resident not on the list; with open_case and a
  // needs-help outcome a case is recorded first (Cases::record) and the log links it.
  Result<core::CareRecord> log_visit(const Session& by, std::string_view person, const CareLog&);
  Result<core::CareRecord> log_call(const Session& by, std::string_view person, const CareLog&);

  Result<core::CareRecord> get(std::string_view person);
  // Everyone on the list now, by name.
  Result<std::vector<core::CareRecord>> listed();
  // Those on the list with no visit in the local month "YYYY-MM" (this month when empty).
  Result<std::vector<core::CareRecord>> visits_due(std::string month = {});

 private:
  Result<core::CareRecord> log(const Session& by, std::string_view person, const CareLog& log,
                               core::CareEventKind kind);
  Station& station_;
};

}  // namespace weimin::station
