// Appointment slots, booking facts and their fold (see appointment.hpp).
#include "weimin/core/appointment.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "catalog_json_reader.hpp"

namespace weimin::core {

namespace {

using json = nlohmann::json;
namespace cj = catalog_json;
using Key = std::tuple<HlcTimestamp, std::string, Uuid>;

constexpr std::array<std::string_view, 3> kKindNames = {
    "appointment.booked", "appointment.cancelled", "appointment.checked_in"};

bool is_name_char(char c, std::string_view extra) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         extra.find(c) != std::string_view::npos;
}
bool is_id_text(std::string_view s, std::size_t max, std::string_view extra) {
  return !s.empty() && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [&](char c) { return is_name_char(c, extra); });
}

// The number of characters of s when it is valid UTF-8 without control characters.
std::optional<std::size_t> text_chars(std::string_view s) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    if (len == 0 || i + len > s.size() || (len == 2 && c < 0xC2)) return std::nullopt;
    std::uint32_t cp = len == 1 ? c : (c & (0x7F >> len));
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || cp < 0x20 || cp == 0x7F) {
      return std::nullopt;
    }
    i += len;
  }
  return chars;
}

bool is_plain_text(std::string_view s, std::size_t max_chars) {
  std::optional<std::size_t> n = text_chars(s);
  return n && *n <= max_chars;
}

Key key_of(const AppointmentEvent& e) {
  return {e.hlc, e.origin, e.id};
}
Key key_of(const Booking& b) {
  return {b.booked_hlc, b.booked_origin, b.id};
}

Status invalid(const AppointmentEvent& e, std::string what) {
  return Status(ErrorCode::Invalid,
                std::string(to_string(e.kind())) + " " + e.id.to_string() + ": " + std::move(what));
}

std::string hhmm(int minute) {
  const auto two = [](int n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
  return two(minute / 60) + ":" + two(minute % 60);
}

std::string describe(const AppointmentSlot& s) {
  return "slot " + s.id + " (" + s.date.to_string() + " " + hhmm(s.start_minute) + "-" +
         hhmm(s.end_minute) + ")";
}

// [SECTION] JSON reading helpers

Uuid read_uuid(const json& j, const std::string& path) {
  std::string text = cj::read_string(j, path);
  std::optional<Uuid> id = Uuid::parse(text);
  if (!id) {
    cj::fail(path, "expected a UUID in canonical form (8-4-4-4-12 hex digits), found " +
                       cj::in_quotes(text));
  }
  if (id->is_nil()) cj::fail(path, "the nil UUID names nothing");
  return *id;
}

std::string read_opt_string(const cj::Obj& o, std::string_view key) {
  const json* j = o.opt(key);
  return j ? cj::read_string(*j, o.at(key)) : std::string();
}

AppointmentEvent read_event(const json& j) {
  if (!j.is_object()) cj::wrong_type(j, "", "an object");
  auto kind_it = j.find("kind");
  if (kind_it == j.end()) cj::fail("", "missing required field \"kind\"");
  Result<AppointmentEventKind> kind =
      parse_appointment_event_kind(cj::read_string(*kind_it, "/kind"));
  if (!kind) cj::fail("/kind", kind.status().message());

  std::vector<std::string_view> known = {"kind",    "id",     "booking", "hlc",
                                         "wall_ms", "origin", "staff"};
  switch (*kind) {
    case AppointmentEventKind::Booked:
      known.insert(known.end(), {"slot", "resident_name", "phone_masked", "waitlist"});
      break;
    case AppointmentEventKind::Cancelled:
      known.push_back("reason");
      break;
    case AppointmentEventKind::CheckedIn:
      known.push_back("ticket");
      break;
  }
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    cj::fail(cj::child("", key), "unknown field " + cj::in_quotes(key) + " for " +
                                     std::string(to_string(*kind)) + " (the fields are: " + list +
                                     ")");
  }
  cj::Obj o(j, "",
            {"kind", "id", "booking", "hlc", "wall_ms", "origin", "staff", "slot", "resident_name",
             "phone_masked", "waitlist", "reason", "ticket"});
  AppointmentEvent e;
  e.id = read_uuid(o.req("id"), o.at("id"));
  e.booking = read_uuid(o.req("booking"), o.at("booking"));
  const std::int64_t hlc = cj::read_int64(o.req("hlc"), o.at("hlc"));
  if (hlc < 0)
    cj::fail(o.at("hlc"), "a packed HLC is never negative, found " + std::to_string(hlc));
  e.hlc = HlcTimestamp::unpack(static_cast<std::uint64_t>(hlc));
  e.wall_ms = cj::read_int64(o.req("wall_ms"), o.at("wall_ms"));
  e.origin = cj::read_string(o.req("origin"), o.at("origin"));
  e.staff = read_opt_string(o, "staff");
  switch (*kind) {
    case AppointmentEventKind::Booked: {
      AppointmentBooked b;
      b.slot = cj::read_string(o.req("slot"), o.at("slot"));
      b.resident_name = read_opt_string(o, "resident_name");
      b.phone_masked = read_opt_string(o, "phone_masked");
      b.waitlist = cj::read_opt_bool(o, "waitlist");
      e.body = std::move(b);
      break;
    }
    case AppointmentEventKind::Cancelled:
      e.body = AppointmentCancelled{read_opt_string(o, "reason")};
      break;
    case AppointmentEventKind::CheckedIn: {
      AppointmentCheckedIn c;
      if (const json* t = o.opt("ticket")) c.ticket = read_uuid(*t, o.at("ticket"));
      e.body = c;
      break;
    }
  }
  return e;
}

// [SECTION] Fold helpers

// Inserts a booking id into a list kept in booking fact order.
void insert_in_order(std::vector<BookingId>& list, const Booking& b,
                     const std::map<BookingId, Booking>& all) {
  auto at = std::find_if(list.begin(), list.end(),
                         [&](const BookingId& other) { return key_of(b) < key_of(all.at(other)); });
  list.insert(at, b.id);
}

void erase(std::vector<BookingId>& list, const BookingId& id) {
  list.erase(std::remove(list.begin(), list.end(), id), list.end());
}

// check() for a local write, or for the fold when `folding` (a full slot then waitlists).
Status check_event(const AppointmentState& s, const AppointmentEvent& e, bool folding) {
  WEIMIN_TRY(validate(e));
  const Booking* b = s.find(e.booking);
  if (const auto* booked = std::get_if<AppointmentBooked>(&e.body)) {
    if (b) return Status(ErrorCode::AlreadyExists, "booking " + e.booking.to_string() + " exists");
    const SlotBookings* slot = s.slot(booked->slot);
    if (!slot) {
      return Status(ErrorCode::NotFound, "no appointment slot " + cj::in_quotes(booked->slot) +
                                             " is known here; sync the district's slots, or "
                                             "choose another slot");
    }
    const std::int64_t end_ms =
        unix_ms_at(slot->slot.date, slot->slot.end_minute, s.utc_offset_minutes);
    if (e.wall_ms >= end_ms) {
      return Status(ErrorCode::Conflict,
                    describe(slot->slot) + " has already ended; book a later slot");
    }
    if (!folding && !booked->waitlist && slot->free_seats() <= 0) {
      return Status(ErrorCode::Conflict, describe(slot->slot) + " is full (" +
                                             std::to_string(slot->slot.capacity) +
                                             " seats); offer the resident its waitlist");
    }
    return Status::ok();
  }
  if (!b) {
    return Status(ErrorCode::NotFound, "no booking " + e.booking.to_string() + " is known here");
  }
  const SlotBookings& slot = s.slots.at(b->slot);
  const std::string what = "the booking for " + describe(slot.slot);
  if (b->status == BookingStatus::Cancelled) {
    return Status(ErrorCode::Conflict, what + " was cancelled; book again if a seat is free");
  }
  if (b->status == BookingStatus::CheckedIn) {
    return Status(ErrorCode::Conflict, what + " has checked in already");
  }
  if (e.kind() == AppointmentEventKind::CheckedIn) {
    if (b->status == BookingStatus::Waitlisted) {
      const auto pos =
          std::find(slot.waitlist.begin(), slot.waitlist.end(), b->id) - slot.waitlist.begin() + 1;
      return Status(ErrorCode::Conflict,
                    what + " is number " + std::to_string(pos) +
                        " on the waitlist and holds no seat, so it cannot check in; serve the "
                        "resident with an ordinary ticket or book a slot with a free seat");
    }
    const CivilDate today = local_date(e.wall_ms, s.utc_offset_minutes);
    if (today != slot.slot.date) {
      return Status(ErrorCode::Conflict, what + " cannot check in on " + today.to_string() +
                                             "; check in on the day of the appointment, " +
                                             slot.slot.date.to_string());
    }
  }
  return Status::ok();
}

void apply_checked(AppointmentState& s, const AppointmentEvent& e) {
  s.last_applied = key_of(e);
  if (const auto* booked = std::get_if<AppointmentBooked>(&e.body)) {
    Booking b;
    b.id = e.booking;
    b.slot = booked->slot;
    b.resident_name = booked->resident_name;
    b.phone_masked = booked->phone_masked;
    b.asked_for_waitlist = booked->waitlist;
    b.booked_hlc = e.hlc;
    b.booked_origin = e.origin;
    b.booked_ms = e.wall_ms;
    SlotBookings& slot = s.slots.at(b.slot);
    const bool seat = slot.free_seats() > 0;
    b.status = seat ? BookingStatus::Seated : BookingStatus::Waitlisted;
    b.bumped = !seat && !booked->waitlist;
    const Booking& stored = s.bookings.emplace(b.id, std::move(b)).first->second;
    insert_in_order(seat ? slot.seated : slot.waitlist, stored, s.bookings);
    return;
  }
  Booking& b = s.bookings.at(e.booking);
  SlotBookings& slot = s.slots.at(b.slot);
  if (const auto* checked_in = std::get_if<AppointmentCheckedIn>(&e.body)) {
    b.status = BookingStatus::CheckedIn;
    b.ticket = checked_in->ticket;
    b.checked_in_ms = e.wall_ms;
    return;
  }
  // Cancelled.
  const bool freed = b.holds_seat();
  b.status = BookingStatus::Cancelled;
  erase(slot.seated, b.id);
  erase(slot.waitlist, b.id);
  if (freed && !slot.waitlist.empty() && slot.free_seats() > 0) {
    Booking& next = s.bookings.at(slot.waitlist.front());
    slot.waitlist.erase(slot.waitlist.begin());
    next.status = BookingStatus::Seated;
    next.promoted = true;
    insert_in_order(slot.seated, next, s.bookings);
  }
}

}  // namespace

// [SECTION] Slots

Status validate(const AppointmentSlot& s) {
  const std::string where = "appointment slot " + cj::in_quotes(s.id) + ": ";
  if (!is_id_text(s.id, 128, "_-.:@")) {
    return Status(ErrorCode::Invalid,
                  where + "the id must be 1-128 letters, digits, '_', '-', '.', ':' or '@'");
  }
  if (!is_id_text(s.service_item, 64, "_-.:")) {
    return Status(ErrorCode::Invalid, where + "the service item must be a catalog id");
  }
  if (s.start_minute < 0 || s.start_minute >= s.end_minute || s.end_minute > 24 * 60) {
    return Status(ErrorCode::Invalid, where + "the time " + std::to_string(s.start_minute) + "-" +
                                          std::to_string(s.end_minute) +
                                          " must start before it ends, within the day");
  }
  if (s.capacity < 1) {
    return Status(ErrorCode::Invalid,
                  where + "capacity must be 1 or more, found " + std::to_string(s.capacity));
  }
  return Status::ok();
}

AppointmentSlot slot_from_template(const SlotTemplate& tmpl, CivilDate date) {
  return AppointmentSlot{tmpl.id + "@" + date.to_string(),
                         tmpl.service_item,
                         date,
                         tmpl.start_minute,
                         tmpl.end_minute,
                         tmpl.capacity};
}

std::vector<AppointmentSlot> slots_from_templates(std::span<const SlotTemplate> templates,
                                                  CivilDate first, int days) {
  std::vector<AppointmentSlot> out;
  for (int d = 0; d < days; ++d) {
    const CivilDate date = CivilDate::from_days(first.days_since_epoch() + d);
    std::vector<AppointmentSlot> today;
    for (const SlotTemplate& t : templates) {
      if (t.weekday == date.weekday()) today.push_back(slot_from_template(t, date));
    }
    std::sort(today.begin(), today.end(), [](const auto& a, const auto& b) {
      return std::tie(a.start_minute, a.id) < std::tie(b.start_minute, b.id);
    });
    out.insert(out.end(), today.begin(), today.end());
  }
  return out;
}

// [SECTION] Events

std::string_view to_string(AppointmentEventKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

Result<AppointmentEventKind> parse_appointment_event_kind(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<AppointmentEventKind>(i);
  }
  return Status(ErrorCode::Invalid, "unknown kind " + cj::in_quotes(text) +
                                        " (the appointment event kinds are: appointment.booked, "
                                        "appointment.cancelled, appointment.checked_in)");
}

bool fact_order_less(const AppointmentEvent& a, const AppointmentEvent& b) {
  return key_of(a) < key_of(b);
}

Status validate(const AppointmentEvent& e) {
  if (e.id.is_nil() || e.booking.is_nil()) return invalid(e, "an id is the nil UUID");
  if (e.hlc.wall_ms < 0 || e.hlc.wall_ms > HlcTimestamp::kMaxWallMs ||
      e.hlc.logical > HlcTimestamp::kMaxLogical) {
    return invalid(e, "the HLC " + e.hlc.to_string() + " is out of range");
  }
  if (e.wall_ms < 0) return invalid(e, "wall_ms must not be negative");
  if (!is_id_text(e.origin, 64, "_-.:")) {
    return invalid(e, "origin " + cj::in_quotes(e.origin) +
                          " must be 1-64 letters, digits, '_', '-', '.' or ':'");
  }
  if (!e.staff.empty() && !is_id_text(e.staff, 32, "_-")) {
    return invalid(e, "staff number " + cj::in_quotes(e.staff) +
                          " must be 1-32 ASCII letters, digits, '-' or '_'");
  }
  if (const auto* b = std::get_if<AppointmentBooked>(&e.body)) {
    if (e.booking != e.id) return invalid(e, "a booking's id must be the id of its booked event");
    if (!is_id_text(b->slot, 128, "_-.:@")) {
      return invalid(e, "slot " + cj::in_quotes(b->slot) + " is not a slot id");
    }
    if (!is_plain_text(b->resident_name, 50)) {
      return invalid(e, "the resident's name must be plain text of at most 50 characters");
    }
    const auto digits = std::count_if(b->phone_masked.begin(), b->phone_masked.end(),
                                      [](char c) { return c >= '0' && c <= '9'; });
    if (!b->phone_masked.empty() && (digits > 7 || b->phone_masked.find('*') == std::string::npos ||
                                     !is_plain_text(b->phone_masked, 20))) {
      return invalid(e,
                     "phone_masked must be a masked number such as 139****5678; the clear "
                     "number is kept by the station, encrypted");
    }
  } else if (const auto* c = std::get_if<AppointmentCancelled>(&e.body)) {
    if (!is_plain_text(c->reason, 200)) {
      return invalid(e, "the reason must be plain text of at most 200 characters");
    }
  } else if (const auto* ci = std::get_if<AppointmentCheckedIn>(&e.body)) {
    if (ci->ticket && ci->ticket->is_nil()) return invalid(e, "the ticket id is the nil UUID");
  }
  return Status::ok();
}

json to_json(const AppointmentEvent& e) {
  json j = {{"kind", to_string(e.kind())},
            {"id", e.id.to_string()},
            {"booking", e.booking.to_string()},
            {"hlc", static_cast<std::int64_t>(e.hlc.pack())},
            {"wall_ms", e.wall_ms},
            {"origin", e.origin}};
  if (!e.staff.empty()) j["staff"] = e.staff;
  if (const auto* b = std::get_if<AppointmentBooked>(&e.body)) {
    j["slot"] = b->slot;
    if (!b->resident_name.empty()) j["resident_name"] = b->resident_name;
    if (!b->phone_masked.empty()) j["phone_masked"] = b->phone_masked;
    if (b->waitlist) j["waitlist"] = true;
  } else if (const auto* c = std::get_if<AppointmentCancelled>(&e.body)) {
    if (!c->reason.empty()) j["reason"] = c->reason;
  } else if (const auto* ci = std::get_if<AppointmentCheckedIn>(&e.body)) {
    if (ci->ticket) j["ticket"] = ci->ticket->to_string();
  }
  return j;
}

Result<AppointmentEvent> appointment_event_from_json(const json& j, std::string_view source) {
  AppointmentEvent e;
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

Result<AppointmentEvent> parse_appointment_event(std::string_view json_text,
                                                 std::string_view source) {
  WEIMIN_ASSIGN_OR_RETURN(json j, cj::parse_strict(json_text, source));
  return appointment_event_from_json(j, source);
}

// [SECTION] State

std::string_view to_string(BookingStatus status) {
  switch (status) {
    case BookingStatus::Seated:
      return "seated";
    case BookingStatus::Waitlisted:
      return "waitlisted";
    case BookingStatus::Cancelled:
      return "cancelled";
    case BookingStatus::CheckedIn:
      break;
  }
  return "checked_in";
}

const Booking* AppointmentState::find(const BookingId& id) const {
  auto it = bookings.find(id);
  return it == bookings.end() ? nullptr : &it->second;
}

const SlotBookings* AppointmentState::slot(std::string_view id) const {
  auto it = slots.find(std::string(id));
  return it == slots.end() ? nullptr : &it->second;
}

AppointmentState appointment_state(std::span<const AppointmentSlot> slots, int utc_offset_minutes) {
  AppointmentState s;
  s.utc_offset_minutes = utc_offset_minutes;
  for (const AppointmentSlot& slot : slots) s.slots.emplace(slot.id, SlotBookings{slot, {}, {}});
  return s;
}

Status check(const AppointmentState& state, const AppointmentEvent& event) {
  return check_event(state, event, false);
}

Status apply(AppointmentState& state, const AppointmentEvent& event) {
  if (state.last_applied && !(*state.last_applied < key_of(event))) {
    return Status(ErrorCode::Invalid, std::string(to_string(event.kind())) + " " +
                                          event.id.to_string() +
                                          " is ordered before events already applied (HLC " +
                                          event.hlc.to_string() + "); fold the events again");
  }
  WEIMIN_TRY(check(state, event));
  apply_checked(state, event);
  return Status::ok();
}

AppointmentState fold_appointments(std::span<const AppointmentSlot> slots,
                                   std::vector<AppointmentEvent> events, int utc_offset_minutes) {
  std::sort(events.begin(), events.end(), [](const AppointmentEvent& a, const AppointmentEvent& b) {
    if (fact_order_less(a, b)) return true;
    if (fact_order_less(b, a)) return false;
    return to_json(a).dump() < to_json(b).dump();
  });
  AppointmentState s = appointment_state(slots, utc_offset_minutes);
  std::map<Uuid, const AppointmentEvent*> seen;
  for (const AppointmentEvent& e : events) {
    auto [it, first] = seen.emplace(e.id, &e);
    if (!first) {
      if (!(*it->second == e)) {
        s.conflicts.push_back({e, ErrorCode::AlreadyExists,
                               "another appointment fact has the same id " + e.id.to_string()});
      }
      continue;
    }
    s.last_applied = key_of(e);
    if (Status st = check_event(s, e, true); !st) {
      s.conflicts.push_back({e, st.code(), st.message()});
      continue;
    }
    apply_checked(s, e);
  }
  return s;
}

}  // namespace weimin::core
