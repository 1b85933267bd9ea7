// The handheld (`weimin-kiosk --handheld`): the same kiosk code in a portrait layout for one
// grid worker (网格员) on a round — sign in (staff whose roster entry has grids), record a
// problem found on the round (category, a place of their grid, description, a resident's
// phone if given), see and follow up the cases of their grids (a note, a visit done 走访), and
// sync when the link returns. The state is a plain struct; the functions below decide (they
// change only the state they are given and the station) and handheld_draw.cpp draws.
// Thread-safety: as App (one thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "weimin/core/result.hpp"
#include "weimin/kiosk/screens.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/station.hpp"

namespace weimin::kiosk {

enum class HandheldScreen {
  SignIn,  // staff number and PIN
  Cases,   // the cases of the worker's grids (home after sign-in)
  Record,  // a problem found on the round
  Detail,  // one case: where, what, steps, visits; add a note or a visit done
  Sync,    // the link to the district: pending facts, last sync, sync now
};

// A new problem as the worker fills it in.
struct HandheldRecord {
  std::string source;  // whistle source id
  std::string place;   // a place of the worker's grids; may be empty
  std::string address;
  std::string description;
  std::string phone;
  bool consent = false;
};

struct HandheldState {
  HandheldScreen screen = HandheldScreen::SignIn;
  StaffState staff;                       // sign-in fields and the session (grids from the roster)
  std::string grid;                       // the grid shown: one of session->grids
  std::vector<station::CaseView> cases;   // of `grid`, newest first (handheld_load)
  std::optional<station::CaseView> open;  // the case of the Detail screen
  HandheldRecord record;
  std::string follow_up;  // the note or visit text being typed on Detail
  std::string message;    // the last action's result (e.g. the new case's tracking code)
  std::string error;      // what stopped the last action, in the screen's language
  bool sync_requested = false;
};

// Signs in with staff.staff_no and staff.pin. Only staff with grids on the roster use the
// handheld: anyone else is signed out again with an error saying so. On success the first of
// their grids is shown and its cases loaded.
Status handheld_sign_in(station::Station& station, HandheldState& h, Lang lang);
void handheld_sign_out(station::Station& station, HandheldState& h);
// Reloads h.cases for h.grid (and h.open, when a case is open).
Status handheld_load(station::Station& station, HandheldState& h, Lang lang);
// The places of the worker's grid h.grid, in catalog order.
std::vector<const core::Place*> handheld_places(const core::Catalog& catalog,
                                                const HandheldState& h);
// Records h.record as a case on a grid round in h.grid, through station::Cases: the place's
// grid, else h.grid. A phone needs the resident's consent. On success the form is cleared,
// h.message holds the tracking code and the list is reloaded; on failure h.error says why.
Status handheld_record(station::Station& station, HandheldState& h, Lang lang);
// Opens case `id` on the Detail screen.
Status handheld_open(station::Station& station, HandheldState& h, const core::Uuid& id, Lang lang);
// A note (visit == false) or a visit done (走访, visit == true) with h.follow_up's words on
// the open case; clears them on success.
Status handheld_follow_up(station::Station& station, HandheldState& h, bool visit, Lang lang);

}  // namespace weimin::kiosk
