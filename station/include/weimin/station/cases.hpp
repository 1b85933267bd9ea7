// Cases: the station's half of the closed loop (DOMAIN.md) — a resident's request recorded at
// the kiosk, at a window or on a grid round; resolved locally or whistled; a department's
// report-in (with the day it expects to be done), feedback or return (退单) taken by phone;
// verified, closed, rated, reopened; notes; conflicts settled. The district's steps
// (report-ins, feedback, returns, escalations, sendings back, notes) arrive on pull and fold in
// like the station's own. Each step is one transaction: the case's events are folded, the step is
// checked against the state (a refusal writes nothing), then the event, its outbox entry and, for
// staff, an audit fact are written. Phone and identity numbers are kept in a separate contact
// fact and only ever shown masked.
// Thread-safety: as Station.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "weimin/core/case.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station {

struct NewCase {
  std::string source;  // whistle source id from the catalog
  core::CaseChannel channel = core::CaseChannel::Kiosk;
  std::string description;
  std::optional<std::string> phone;      // as typed; validated
  std::optional<std::string> id_number;  // as typed; validated
  bool consent = false;  // the resident agreed to the privacy notice (needed for a phone or id)
  // Where the problem is: a grid and a place of this station's community (the place's grid is
  // filled in when no grid is given), an address, perhaps a position. May be empty.
  core::CaseWhere where;
};

// Which cases a listing shows; every part optional.
struct CaseFilter {
  std::optional<core::CaseStage> stage;
  bool only_overdue = false;
  std::optional<std::string> grid;  // only cases whose where names this grid ("" : no grid)
  std::size_t limit = 0;            // at most this many (a page of the desk); 0: all
  std::size_t offset = 0;           // after skipping this many
};

// Cases collected, closed and overdue in one grid (网格), for the station's figures.
struct GridCaseCount {
  std::string grid;   // a grid code of the community; "" for cases with no grid
  int collected = 0;  // every case recorded in the grid
  int closed = 0;     // closed or evaluated
  int overdue = 0;    // with a step past its deadline now
  bool operator==(const GridCaseCount&) const = default;
};

struct CaseReceipt {
  core::Uuid case_id;
  std::string tracking_code;  // what the resident keeps to follow the case
  // A case recorded without a phone: the short code printed on the receipt that, with the
  // tracking code, lets the resident follow it (never the tracking code alone). Else empty.
  std::string check_code;
};

// A case as staff see it: its state, its code, overdue steps and masked contact.
struct CaseView {
  core::CaseState state;
  std::string tracking_code;
  std::vector<core::Overdue> overdue;
  std::string phone_masked;      // empty when none was given
  std::string id_number_masked;  // empty when none was given
  // Steps of kinds this release does not know (a newer release made them), left out of state:
  // the station should be upgraded. Acting on such a case is refused (TooNew) until then.
  int unknown_steps = 0;
};

class Cases {
 public:
  explicit Cases(Station& station) : station_(station) {}

  // A resident's request. by == nullopt: the resident at the kiosk; otherwise staff at a
  // window or on a grid round. Invalid for an unknown source, an empty description, a bad
  // phone or identity number, or personal numbers without consent. A case without a phone
  // gets a six-digit check code (CaseReceipt::check_code, from libsodium's CSPRNG); the
  // station keeps only its keyed MAC (a `resident.check_code` fact, BLAKE2b under a key of
  // the station's own that never leaves its encrypted meta table), so the code is shown once,
  // on the screen and the receipt, and cannot be read back.
  Result<CaseReceipt> record(const std::optional<Session>& by, const NewCase& request);

  Result<core::CaseState> resolve(const Session& by, const core::Uuid& id, std::string summary);
  Result<core::CaseState> whistle(const Session& by, const core::Uuid& id, core::WhistleLevel level,
                                  core::WhistleKind kind, std::vector<std::string> departments,
                                  std::string note);
  // A department's report-in, feedback or return (with its reason) that came by phone,
  // recorded by staff. expected_ms: the day the department expects to be done (Unix ms; 0:
  // none).
  Result<core::CaseState> record_report(const Session& by, const core::Uuid& id,
                                        const std::string& department, std::string note,
                                        std::int64_t expected_ms = 0);
  Result<core::CaseState> record_return(const Session& by, const core::Uuid& id,
                                        const std::string& department, std::string reason);
  Result<core::CaseState> record_feedback(const Session& by, const core::Uuid& id,
                                          const std::string& department, std::string action);
  Result<core::CaseState> verify(const Session& by, const core::Uuid& id, std::string outcome);
  Result<core::CaseState> close(const Session& by, const core::Uuid& id, std::string summary);
  Result<core::CaseState> reopen(const Session& by, const core::Uuid& id, std::string reason);
  Result<core::CaseState> note(const Session& by, const core::Uuid& id, std::string text);
  // A visit done (走访), by a grid worker on a round or any staff who may record a case: what
  // it found. Conflict for a case not yet collected.
  Result<core::CaseState> visit(const Session& by, const core::Uuid& id, std::string outcome);
  Result<core::CaseState> settle(const Session& by, const core::Uuid& id,
                                 const core::Uuid& conflict_event, core::SettleDecision decision,
                                 std::string reason);
  // The resident's rating (with an optional 1-5 score); by == nullopt at the kiosk, else staff
  // record it for the resident. Writes the case.evaluated step and the evaluation.given fact.
  Result<core::CaseState> evaluate(const std::optional<Session>& by, const core::Uuid& id,
                                   core::Rating rating, std::optional<int> score,
                                   std::string comment);

  // A case by id or tracking code. NotFound when there is none.
  Result<core::Uuid> resolve_reference(std::string_view id_or_code);
  Result<CaseView> view(const core::Uuid& id);
  // For a resident at the kiosk: the tracking code and, as `second`, either the last four
  // digits of the phone given with the case or the check code printed on its receipt (a case
  // without a phone). Refuses anything else — the tracking code alone, a wrong second part, a
  // code of another case — with the same NotFound, never telling which half was wrong. Invalid
  // only for a tracking code that is malformed in itself.
  Result<CaseView> progress_for_resident(std::string_view code, std::string_view second);
  // Every case, newest first, optionally only one stage or only the overdue.
  Result<std::vector<CaseView>> list(std::optional<core::CaseStage> stage, bool only_overdue);
  // Read from the case projection (station schema 6), so a page costs the same whatever the
  // station holds.
  Result<std::vector<CaseView>> list(const CaseFilter& filter);
  // How many cases `filter` selects (its limit and offset ignored).
  Result<int> count(const CaseFilter& filter);
  // Per grid of the community (catalog order), then "" for cases without a grid when there
  // are any: how many cases were collected, closed and are overdue now.
  Result<std::vector<GridCaseCount>> count_by_grid();

  core::CaseDeadlines deadlines() const;
  // The years the deadlines of `cases` run through that the catalog's work calendar does not
  // cover, ascending: there they are counted Monday–Friday (say so with
  // core::fallback_warning). For each case in a round (whistled, reported, feedback) from its
  // whistle to the end of the round's count, and for a case resolved locally from the
  // resolution to its verify deadline; none for limits in hours.
  std::vector<int> deadline_fallback_years(const std::vector<CaseView>& cases) const;
  // The same for every case of the station now in a round or resolved (the figures' warning).
  Result<std::vector<int>> deadline_fallback_years_now();

 private:
  Result<core::CaseState> load(const core::Uuid& id);
  // Checks and writes one event in its own transaction; audited as `action` when staff act.
  // `also` runs in the same transaction after the event is written.
  Result<core::CaseState> step(const std::optional<Session>& by, const core::Uuid& id,
                               core::Permission permission, std::string on_behalf_of,
                               core::CasePayload payload, std::string_view action,
                               const std::function<Status()>& also = {});

  Station& station_;
};

}  // namespace weimin::station
