#include "weimin/station/appointments.hpp"

#include <nlohmann/json.hpp>

#include "weimin/core/civil_time.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/core/validation.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::station {

std::vector<core::AppointmentSlot> Appointments::dated_slots() const {
  // From a week back, so today's check-ins and last week's history still resolve.
  const auto today = core::local_date(station_.now_ms());
  const auto first = core::CivilDate::from_days(today.days_since_epoch() - 7);
  return core::slots_from_templates(station_.catalog().slot_templates, first, kDaysAhead + 7);
}

Result<core::AppointmentState> Appointments::load() {
  WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_kind(station_.db(), "appointment."));
  std::vector<core::AppointmentEvent> events;
  for (const auto& row : rows) {
    WEIMIN_ASSIGN_OR_RETURN(core::AppointmentEvent ev,
                            core::parse_appointment_event(row.body, "appointment fact " + row.id));
    events.push_back(std::move(ev));
  }
  return core::fold_appointments(dated_slots(), std::move(events));
}

Result<core::AppointmentState> Appointments::state() { return load(); }

Result<std::vector<core::SlotBookings>> Appointments::slots() {
  WEIMIN_ASSIGN_OR_RETURN(core::AppointmentState st, load());
  const auto today = core::local_date(station_.now_ms());
  std::vector<core::SlotBookings> out;
  for (const auto& [id, sb] : st.slots) {
    if (sb.slot.date >= today) out.push_back(sb);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.slot.date, a.slot.start_minute, a.slot.id) <
           std::tie(b.slot.date, b.slot.start_minute, b.slot.id);
  });
  return out;
}

Status Appointments::write(const core::AppointmentEvent& ev, const Stamp& stamp) {
  const NewFact fact{std::string(core::to_string(ev.kind())), ev.booking.to_string(),
                     core::to_json(ev), stamp};
  return station_.append({&fact, 1}).status();
}

Result<core::Booking> Appointments::book(const std::optional<Session>& by,
                                         const BookingRequest& request) {
  std::string phone;
  if (!request.phone.empty()) {
    WEIMIN_ASSIGN_OR_RETURN(phone, core::parse_mobile_number(request.phone));
  }
  core::Booking booked;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::AppointmentState st, load());
    const core::SlotBookings* slot = st.slot(request.slot);
    if (!slot) {
      return Status(ErrorCode::Invalid, "there is no appointment slot '" + request.slot +
                                            "' in the coming weeks; list them with 'weimin "
                                            "appointment slots'");
    }
    if (slot->free_seats() <= 0 && !request.waitlist_ok) {
      return Status(ErrorCode::Conflict, "slot " + request.slot + " is full (" +
                                             std::to_string(slot->slot.capacity) +
                                             " seats); join the waitlist or choose another slot");
    }
    const Stamp s = station_.stamp();
    core::AppointmentEvent ev;
    ev.id = s.id;
    ev.booking = s.id;
    ev.hlc = s.hlc;
    ev.wall_ms = s.wall_ms;
    ev.origin = station_.origin();
    ev.staff = by ? by->staff_no : "";
    ev.body = core::AppointmentBooked{request.slot, request.resident_name,
                                      phone.empty() ? "" : core::mask_phone(phone),
                                      slot->free_seats() <= 0};
    WEIMIN_TRY(core::check(st, ev));
    std::vector<NewFact> facts;
    facts.push_back({std::string(core::to_string(ev.kind())), ev.booking.to_string(),
                     core::to_json(ev), s});
    if (!phone.empty()) {  // the full number only in the contact fact, for call-backs
      facts.push_back({"resident.contact", ev.booking.to_string(), {{"phone", phone}, {"consent", true}},
                       std::nullopt});
    }
    WEIMIN_TRY(station_.append(facts).status());
    WEIMIN_TRY(core::apply(st, ev));
    booked = *st.find(ev.booking);
    if (by) {
      StaffDesk desk(station_);
      WEIMIN_TRY(desk.audit(*by, "appointment_booked", ev.booking.to_string()));
    }
    return Status::ok();
  }));
  return booked;
}

Result<core::Booking> Appointments::cancel(const std::optional<Session>& by,
                                           const core::Uuid& booking, std::string reason) {
  core::Booking after;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::AppointmentState st, load());
    WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(booking.to_string()));
    core::AppointmentEvent ev;
    ev.id = s.id;
    ev.booking = booking;
    ev.hlc = s.hlc;
    ev.wall_ms = s.wall_ms;
    ev.origin = station_.origin();
    ev.staff = by ? by->staff_no : "";
    ev.body = core::AppointmentCancelled{std::move(reason)};
    WEIMIN_TRY(core::check(st, ev));
    WEIMIN_TRY(write(ev, s));
    WEIMIN_TRY(core::apply(st, ev));
    after = *st.find(booking);
    if (by) {
      StaffDesk desk(station_);
      WEIMIN_TRY(desk.audit(*by, "appointment_cancelled", booking.to_string()));
    }
    return Status::ok();
  }));
  return after;
}

Result<CheckInReceipt> Appointments::check_in(const std::optional<Session>& by,
                                              const core::Uuid& booking) {
  CheckInReceipt receipt;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(core::AppointmentState st, load());
    const core::Booking* b = st.find(booking);
    if (!b) return Status(ErrorCode::NotFound, "there is no booking " + booking.to_string());
    const core::SlotBookings* slot = st.slot(b->slot);
    const core::ServiceItem* item =
        slot ? station_.catalog().item_by_id(slot->slot.service_item) : nullptr;
    // Check the check-in first, so a refused one issues no ticket.
    WEIMIN_ASSIGN_OR_RETURN(const Stamp s, station_.stamp_after(booking.to_string()));
    core::AppointmentEvent ev;
    ev.id = s.id;
    ev.booking = booking;
    ev.hlc = s.hlc;
    ev.wall_ms = s.wall_ms;
    ev.origin = station_.origin();
    ev.staff = by ? by->staff_no : "";
    ev.body = core::AppointmentCheckedIn{std::nullopt};
    WEIMIN_TRY(core::check(st, ev));
    if (!item) return Status(ErrorCode::Internal, "the booked slot's service item is unknown");
    Queue queue(station_);
    WEIMIN_ASSIGN_OR_RETURN(receipt.ticket,
                            queue.take_in_transaction({item->line, item->id,
                                                       core::Priority::AppointmentCheckIn,
                                                       "预约签到", booking}));
    ev.body = core::AppointmentCheckedIn{receipt.ticket.ticket.id};
    WEIMIN_TRY(write(ev, s));
    WEIMIN_TRY(core::apply(st, ev));
    receipt.booking = *st.find(booking);
    if (by) {
      StaffDesk desk(station_);
      WEIMIN_TRY(desk.audit(*by, "appointment_checked_in", booking.to_string()));
    }
    return Status::ok();
  }));
  return receipt;
}

}  // namespace weimin::station
