// Appointments (预约): slots made from the catalog's weekly templates (the Wednesday morning
// legal clinic, home elderly care call-backs …), and the bookings, cancellations and check-ins
// residents make, which are append-only facts (DESIGN.md). Who holds a seat is a fold of the
// facts in (HLC, origin, id) order, so every node that has the same facts agrees:
// - a booking takes a free seat when it comes; when none is free it is waitlisted. A booking
//   that did not ask for the waitlist but lands there (two nodes sold the last seat offline;
//   the earlier HLC keeps it) is flagged `bumped`, so the station tells the resident;
// - a cancellation frees its seat and the earliest waitlisted booking (in fact order) takes it,
//   flagged `promoted`;
// - only a booking holding a seat checks in, on the slot's date; the station then issues a
//   ticket with Priority::AppointmentCheckIn (ticket.hpp).
// An event that does not fit where it falls is kept as a conflict, never applied or dropped.
// Thread-safety: value types and pure functions; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "weimin/core/catalog.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/hlc.hpp"
#include "weimin/core/id.hpp"
#include "weimin/core/result.hpp"
#include "weimin/core/ticket.hpp"

namespace weimin::core {

// [SECTION] Slots

// One occurrence of a slot template (预约时段) on a date: reference data the station makes.
struct AppointmentSlot {
  std::string id;            // "<template id>@<date>", e.g. "legal-clinic@2026-11-25"
  std::string service_item;  // catalog id of the item booked
  CivilDate date;
  int start_minute = 0;  // minutes after local midnight
  int end_minute = 0;    // > start_minute, ≤ 1440
  int capacity = 0;      // seats, > 0
  bool operator==(const AppointmentSlot&) const = default;
};

// Ok for a well-formed slot; Invalid naming the field otherwise.
Status validate(const AppointmentSlot& slot);
// The slot a template gives on a date (whatever the date's weekday).
AppointmentSlot slot_from_template(const SlotTemplate& tmpl, CivilDate date);
// The slots of the templates on the `days` dates from `first` on, each template on its weekday,
// ordered by date, then start time, then id.
std::vector<AppointmentSlot> slots_from_templates(std::span<const SlotTemplate> templates,
                                                  CivilDate first, int days);

// [SECTION] Events

using BookingId = Uuid;  // the id of the booked fact

enum class AppointmentEventKind { Booked, Cancelled, CheckedIn };
// "appointment.booked", "appointment.cancelled", "appointment.checked_in".
std::string_view to_string(AppointmentEventKind kind);
// Exactly the names to_string gives; anything else is Invalid with a message listing them.
Result<AppointmentEventKind> parse_appointment_event_kind(std::string_view text);

// A resident booked a seat in a slot, or asked to be waitlisted for a full one.
struct AppointmentBooked {
  std::string slot;           // AppointmentSlot::id
  std::string resident_name;  // may be empty; ≤ 50 characters
  // The phone as shown (139****5678); the clear number is kept by the station, encrypted. May be
  // empty; never more than 7 digits.
  std::string phone_masked;
  bool waitlist = false;  // the resident knowingly joined the waitlist of a full slot
  bool operator==(const AppointmentBooked&) const = default;
};
struct AppointmentCancelled {
  std::string reason;  // may be empty; ≤ 200 characters
  bool operator==(const AppointmentCancelled&) const = default;
};
// The resident arrived. The ticket issued for it, when the station records it here.
struct AppointmentCheckedIn {
  std::optional<TicketId> ticket;
  bool operator==(const AppointmentCheckedIn&) const = default;
};

// One appointment fact. The alternatives of `body` are in AppointmentEventKind order.
struct AppointmentEvent {
  Uuid id;
  BookingId booking;  // the booking it is about; for Booked, equal to id
  HlcTimestamp hlc;
  std::int64_t wall_ms = 0;
  std::string origin;
  std::string staff;  // staff number; empty when the resident acted (kiosk, phone line)
  std::variant<AppointmentBooked, AppointmentCancelled, AppointmentCheckedIn> body;

  AppointmentEventKind kind() const { return static_cast<AppointmentEventKind>(body.index()); }
  bool operator==(const AppointmentEvent&) const = default;
};

// (HLC, origin, id), the order of the fold.
bool fact_order_less(const AppointmentEvent& a, const AppointmentEvent& b);

// Checks what needs no state: ids not nil, a booking's id equal to its booking, origin, staff
// number and slot id well-formed, texts plain UTF-8 within their lengths, the phone masked.
// Invalid with a message naming the field otherwise.
Status validate(const AppointmentEvent& event);

// {"kind": "appointment.booked", "id", "booking", "hlc" (packed), "wall_ms", "origin", "staff"?,
//  "slot", "resident_name"?, "phone_masked"?, "waitlist"? (true only)} ; "appointment.cancelled"
// adds "reason"?; "appointment.checked_in" adds "ticket"?. Empty optional values are left out.
nlohmann::json to_json(const AppointmentEvent& event);
// From untrusted JSON; on success the event passed validate(). Invalid on a missing, unknown
// or mistyped field or an unknown kind, with `source` and the JSON-pointer path in the message.
Result<AppointmentEvent> appointment_event_from_json(const nlohmann::json& j,
                                                     std::string_view source = "appointment event");
// The same from JSON text; malformed JSON and a key repeated in one object are Invalid too.
Result<AppointmentEvent> parse_appointment_event(std::string_view json_text,
                                                 std::string_view source = "appointment event");

// [SECTION] State

enum class BookingStatus { Seated, Waitlisted, Cancelled, CheckedIn };
// "seated", "waitlisted", "cancelled", "checked_in".
std::string_view to_string(BookingStatus status);

struct Booking {
  BookingId id;
  std::string slot;
  std::string resident_name;
  std::string phone_masked;
  bool asked_for_waitlist = false;
  BookingStatus status = BookingStatus::Seated;
  bool bumped = false;    // did not ask for the waitlist but was put on it: tell the resident
  bool promoted = false;  // moved from the waitlist to a seat: tell the resident
  HlcTimestamp booked_hlc;
  std::string booked_origin;
  std::int64_t booked_ms = 0;
  std::optional<TicketId> ticket;
  std::optional<std::int64_t> checked_in_ms;

  bool holds_seat() const {
    return status == BookingStatus::Seated || status == BookingStatus::CheckedIn;
  }
  bool operator==(const Booking&) const = default;
};

struct SlotBookings {
  AppointmentSlot slot;
  std::vector<BookingId> seated;    // seated and checked in, in booking fact order
  std::vector<BookingId> waitlist;  // in booking fact order: the first is promoted next
  int free_seats() const { return slot.capacity - static_cast<int>(seated.size()); }
  bool operator==(const SlotBookings&) const = default;
};

struct AppointmentConflict {
  AppointmentEvent event;
  ErrorCode code = ErrorCode::Conflict;
  std::string reason;
  bool operator==(const AppointmentConflict&) const = default;
};

struct AppointmentState {
  int utc_offset_minutes = kChinaUtcOffsetMinutes;  // the station's, for "the slot's date"
  std::map<std::string, SlotBookings> slots;
  std::map<BookingId, Booking> bookings;
  std::vector<AppointmentConflict> conflicts;  // in fold order
  std::optional<std::tuple<HlcTimestamp, std::string, Uuid>> last_applied;

  const Booking* find(const BookingId& id) const;  // nullptr when unknown
  const SlotBookings* slot(std::string_view id) const;
  bool operator==(const AppointmentState&) const = default;
};

// A state with the slots and no bookings. Slots with an id already given are ignored.
AppointmentState appointment_state(std::span<const AppointmentSlot> slots,
                                   int utc_offset_minutes = kChinaUtcOffsetMinutes);

// Whether the event may be written now, for a local write. Ok when it may; otherwise Invalid
// (malformed), NotFound (no such slot or booking), AlreadyExists (booking id in use) or Conflict
// with what to do: booking a slot that has ended, booking a full slot without asking for the
// waitlist ("offer the waitlist"), cancelling a booking cancelled or checked in, checking in a
// booking that holds no seat or on another day than the slot's.
Status check(const AppointmentState& state, const AppointmentEvent& event);

// Applies an event after check(); events in (HLC, origin, id) order. One ordered before the last
// applied (Invalid: fold again) or refused by check() changes nothing.
Status apply(AppointmentState& state, const AppointmentEvent& event);

// The bookings of the slots from the events in any order, duplicates ignored: any permutation
// of the same events gives the same state. Applied in (HLC, origin, id) order; a booking that
// finds its slot full is waitlisted (bumped unless it asked for the waitlist); any other event
// check() would refuse is kept in `conflicts`, not applied.
AppointmentState fold_appointments(std::span<const AppointmentSlot> slots,
                                   std::vector<AppointmentEvent> events,
                                   int utc_offset_minutes = kChinaUtcOffsetMinutes);

}  // namespace weimin::core
