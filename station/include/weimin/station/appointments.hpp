// Appointments: the weekly slots of the catalog (the Wednesday morning legal clinic, home
// elderly care call-backs …) as dated slots for the next weeks; booking, cancelling, the
// waitlist, and checking in, which issues a ticket that is called first. Capacity conflicts
// from offline bookings settle by (HLC, origin, id) (core/appointment.hpp).
// Thread-safety: as Station.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "weimin/core/appointment.hpp"
#include "weimin/station/queue.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station {

struct BookingRequest {
  std::string slot;           // AppointmentSlot id, e.g. "legal_clinic_wednesday@2026-11-25"
  std::string resident_name;  // optional
  std::string phone;          // the resident's mobile number, for a call if the slot moves
  bool waitlist_ok = false;   // join the waitlist when the slot is full
};

struct CheckInReceipt {
  core::Booking booking;
  TicketReceipt ticket;
};

class Appointments {
 public:
  // Slots are made from the catalog's templates for this many days from today.
  static constexpr int kDaysAhead = 28;

  explicit Appointments(Station& station) : station_(station) {}

  // The slots of the coming kDaysAhead days with their bookings.
  Result<std::vector<core::SlotBookings>> slots();
  Result<core::AppointmentState> state();

  // Books a seat; a full slot is refused (Conflict) unless waitlist_ok. Invalid for an unknown
  // slot or a bad phone number. by: the staff member taking it, or nullopt at the kiosk.
  Result<core::Booking> book(const std::optional<Session>& by, const BookingRequest& request);
  Result<core::Booking> cancel(const std::optional<Session>& by, const core::Uuid& booking,
                               std::string reason);
  // Checks a seated booking in on its day and issues its ticket (priority: appointment).
  Result<CheckInReceipt> check_in(const std::optional<Session>& by, const core::Uuid& booking);

 private:
  std::vector<core::AppointmentSlot> dated_slots() const;
  Result<core::AppointmentState> load();
  Status write(const core::AppointmentEvent& ev, const Stamp& stamp);

  Station& station_;
};

}  // namespace weimin::station
