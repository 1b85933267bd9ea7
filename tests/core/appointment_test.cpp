#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "seed.hpp"
#include "weimin/core/appointment.hpp"

using namespace weimin;
using namespace weimin::core;
using json = nlohmann::json;

namespace {

const CivilDate kWednesday{2026, 11, 25};
const std::int64_t kMonday = unix_ms_at(CivilDate{2026, 11, 23}, 10 * 60);  // 10:00 local
const std::int64_t kClinicDay = unix_ms_at(kWednesday, 9 * 60 + 10);        // 09:10 local

SlotTemplate legal_clinic() {
  SlotTemplate t;
  t.id = "legal-clinic";
  t.name = {"法律顾问坐班", "Legal clinic"};
  t.service_item = "wuhua-09.legal-advice";
  t.weekday = 3;
  t.start_minute = 9 * 60;
  t.end_minute = 12 * 60;
  t.capacity = 2;
  return t;
}

AppointmentSlot clinic_slot(int capacity = 2) {
  AppointmentSlot s = slot_from_template(legal_clinic(), kWednesday);
  s.capacity = capacity;
  return s;
}

using Body = decltype(AppointmentEvent{}.body);

// One node writing appointment facts with its own ids and clock.
class Node {
 public:
  explicit Node(std::string origin, std::uint64_t seed = 3)
      : origin_(std::move(origin)), rng_(seed), ids_([this](std::span<std::uint8_t> out) {
          for (auto& b : out) b = static_cast<std::uint8_t>(rng_());
        }) {}
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  std::int64_t now = kMonday;

  AppointmentEvent make(BookingId booking, Body body, std::string staff = "S02") {
    AppointmentEvent e;
    e.id = ids_.next(now);
    e.booking = booking.is_nil() ? e.id : booking;
    e.hlc = clock_.now(now);
    e.wall_ms = now;
    e.origin = origin_;
    e.staff = std::move(staff);
    e.body = std::move(body);
    return e;
  }
  AppointmentEvent book(const std::string& slot, bool waitlist = false) {
    return make(Uuid{}, AppointmentBooked{slot, "李阿姨", "139****5678", waitlist});
  }

 private:
  std::string origin_;
  std::mt19937_64 rng_;
  UuidV7Generator ids_;
  HlcClock clock_;
};

// A station applying what it writes.
struct Desk {
  std::vector<AppointmentSlot> slots = {clinic_slot()};
  AppointmentState state = appointment_state(slots);
  Node node{"station:530102001001"};
  std::vector<AppointmentEvent> log;

  Status write(const AppointmentEvent& e) {
    Status s = apply(state, e);
    if (s) log.push_back(e);
    return s;
  }
  BookingId book(bool waitlist = false) {
    AppointmentEvent e = node.book(slots[0].id, waitlist);
    REQUIRE(write(e).is_ok());
    return e.booking;
  }
  const Booking& booking(BookingId id) const { return *state.find(id); }
  const SlotBookings& slot() const { return *state.slot(slots[0].id); }
};

}  // namespace

// [SECTION] Slots

TEST_CASE("slots are made from templates on their weekday") {
  const std::vector<SlotTemplate> templates = {legal_clinic()};
  const std::vector<AppointmentSlot> slots =
      slots_from_templates(templates, CivilDate{2026, 11, 23}, 14);
  REQUIRE(slots.size() == 2);
  CHECK(slots[0].id == "legal-clinic@2026-11-25");
  CHECK(slots[0].date == kWednesday);
  CHECK(slots[0].start_minute == 540);
  CHECK(slots[0].capacity == 2);
  CHECK(slots[1].date == CivilDate{2026, 12, 2});
  CHECK(validate(slots[0]).is_ok());
  AppointmentSlot bad = slots[0];
  bad.capacity = 0;
  CHECK(validate(bad).message().find("capacity must be 1 or more") != std::string::npos);
  bad = slots[0];
  bad.end_minute = bad.start_minute;
  CHECK(validate(bad).code() == ErrorCode::Invalid);
}

// [SECTION] Booking and cancelling

TEST_CASE("bookings take seats; a full slot is refused unless the resident asks for the waitlist") {
  Desk d;
  const BookingId a = d.book();
  const BookingId b = d.book();
  CHECK(d.booking(a).status == BookingStatus::Seated);
  CHECK(d.booking(b).status == BookingStatus::Seated);
  CHECK(d.slot().free_seats() == 0);

  const Status full = check(d.state, d.node.book(d.slots[0].id));
  CHECK(full.code() == ErrorCode::Conflict);
  CHECK(full.message() ==
        "slot legal-clinic@2026-11-25 (2026-11-25 09:00-12:00) is full (2 seats); offer the "
        "resident its waitlist");

  const BookingId w = d.book(true);
  CHECK(d.booking(w).status == BookingStatus::Waitlisted);
  CHECK_FALSE(d.booking(w).bumped);
  CHECK(d.slot().waitlist == std::vector<BookingId>{w});
}

TEST_CASE("a booking for an unknown or past slot is refused") {
  Desk d;
  const Status unknown = check(d.state, d.node.book("legal-clinic@2026-12-09"));
  CHECK(unknown.code() == ErrorCode::NotFound);
  CHECK(unknown.message().find("sync the district's slots") != std::string::npos);
  d.node.now = unix_ms_at(kWednesday, 12 * 60);
  const Status past = check(d.state, d.node.book(d.slots[0].id));
  CHECK(past.code() == ErrorCode::Conflict);
  CHECK(past.message().find("has already ended") != std::string::npos);
}

TEST_CASE("a cancellation frees the seat for the earliest waitlisted booking") {
  Desk d;
  const BookingId a = d.book();
  d.book();
  const BookingId w1 = d.book(true);
  const BookingId w2 = d.book(true);
  REQUIRE(d.write(d.node.make(a, AppointmentCancelled{"生病"})).is_ok());
  CHECK(d.booking(a).status == BookingStatus::Cancelled);
  CHECK(d.booking(w1).status == BookingStatus::Seated);
  CHECK(d.booking(w1).promoted);
  CHECK(d.booking(w2).status == BookingStatus::Waitlisted);
  CHECK(d.slot().free_seats() == 0);
  CHECK(d.slot().waitlist == std::vector<BookingId>{w2});

  // Cancelling a waitlisted booking frees nothing.
  REQUIRE(d.write(d.node.make(w2, AppointmentCancelled{})).is_ok());
  CHECK(d.slot().waitlist.empty());
  CHECK(d.slot().free_seats() == 0);

  const Status again = check(d.state, d.node.make(a, AppointmentCancelled{}));
  CHECK(again.code() == ErrorCode::Conflict);
  CHECK(again.message().find("was cancelled") != std::string::npos);
}

TEST_CASE("capacity conflict: two nodes sell the last seat offline, the earlier HLC keeps it") {
  const std::vector<AppointmentSlot> slots = {clinic_slot(1)};
  Node kiosk("kiosk:1", 1);
  Node phone("staff-phone:7", 2);
  kiosk.now = kMonday + 1'000;
  phone.now = kMonday + 2'000;
  const AppointmentEvent first = kiosk.book(slots[0].id);
  const AppointmentEvent second = phone.book(slots[0].id);
  for (const auto& events : {std::vector{first, second}, std::vector{second, first}}) {
    const AppointmentState s = fold_appointments(slots, events);
    CHECK(s.conflicts.empty());
    CHECK(s.find(first.booking)->status == BookingStatus::Seated);
    const Booking& loser = *s.find(second.booking);
    CHECK(loser.status == BookingStatus::Waitlisted);
    CHECK(loser.bumped);  // the station must tell this resident
  }

  // The winner cancels later: the bumped booking gets the seat back.
  kiosk.now = kMonday + 60'000;
  const AppointmentEvent cancel = kiosk.make(first.booking, AppointmentCancelled{});
  const AppointmentState s = fold_appointments(slots, {cancel, second, first});
  CHECK(s.find(second.booking)->status == BookingStatus::Seated);
  CHECK(s.find(second.booking)->promoted);
}

// [SECTION] Check-in

TEST_CASE("check-in: only a booking holding a seat, only on the slot's date") {
  Desk d;
  const BookingId a = d.book();
  d.book();
  const BookingId w = d.book(true);

  SUBCASE("before the day") {
    const Status s = check(d.state, d.node.make(a, AppointmentCheckedIn{}));
    CHECK(s.code() == ErrorCode::Conflict);
    CHECK(s.message().find("cannot check in on 2026-11-23; check in on the day of the "
                           "appointment, 2026-11-25") != std::string::npos);
  }
  SUBCASE("on the day") {
    d.node.now = kClinicDay;
    const TicketId ticket = Uuid::parse("01890a5d-ac96-774b-bcce-b302099a8057").value();
    REQUIRE(d.write(d.node.make(a, AppointmentCheckedIn{ticket})).is_ok());
    CHECK(d.booking(a).status == BookingStatus::CheckedIn);
    CHECK(d.booking(a).ticket == ticket);
    CHECK(d.booking(a).holds_seat());
    CHECK(d.write(d.node.make(a, AppointmentCheckedIn{})).message().find("checked in already") !=
          std::string::npos);
    CHECK(d.write(d.node.make(a, AppointmentCancelled{})).code() == ErrorCode::Conflict);
  }
  SUBCASE("the day after") {
    d.node.now = kClinicDay + 24 * 3'600'000LL;
    CHECK(check(d.state, d.node.make(a, AppointmentCheckedIn{})).code() == ErrorCode::Conflict);
  }
  SUBCASE("a waitlisted booking") {
    d.node.now = kClinicDay;
    const Status s = check(d.state, d.node.make(w, AppointmentCheckedIn{}));
    CHECK(s.code() == ErrorCode::Conflict);
    CHECK(s.message().find("is number 1 on the waitlist and holds no seat") != std::string::npos);
  }
  SUBCASE("an unknown booking") {
    d.node.now = kClinicDay;
    const BookingId nobody = Uuid::parse("01890a5d-ac96-774b-bcce-b302099a8057").value();
    CHECK(check(d.state, d.node.make(nobody, AppointmentCheckedIn{})).code() ==
          ErrorCode::NotFound);
  }
}

TEST_CASE("a check-in that lost its seat to an earlier offline booking is kept as a conflict") {
  const std::vector<AppointmentSlot> slots = {clinic_slot(1)};
  Node station("station:1", 1);
  Node phone("staff-phone:7", 2);
  phone.now = kMonday;  // booked first, but synced only after the clinic began
  const AppointmentEvent early = phone.book(slots[0].id);
  station.now = kMonday + 3'600'000;
  const AppointmentEvent late = station.book(slots[0].id);
  station.now = kClinicDay;
  const AppointmentEvent check_in = station.make(late.booking, AppointmentCheckedIn{});
  const AppointmentState s = fold_appointments(slots, {late, check_in, early});
  REQUIRE(s.conflicts.size() == 1);
  CHECK(s.conflicts[0].event == check_in);
  CHECK(s.find(late.booking)->status == BookingStatus::Waitlisted);
  CHECK(s.find(late.booking)->bumped);
  CHECK(s.find(early.booking)->status == BookingStatus::Seated);
}

// [SECTION] Folding

TEST_CASE("appointment fold property: any permutation of the same events gives the same state") {
  const std::uint64_t seed = test::seed_from_env();
  MESSAGE("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

  std::vector<AppointmentSlot> slots = {clinic_slot(2), clinic_slot(1), clinic_slot(3)};
  slots[1].id = "care-call@2026-11-25";
  slots[2].id = "legal-clinic@2026-11-18";  // already over: bookings for it are conflicts
  slots[2].date = CivilDate{2026, 11, 18};
  Node a("station:1", seed);
  Node b("kiosk:2", seed + 1);
  Node c("grid-phone:3", seed + 2);
  Node* nodes[] = {&a, &b, &c};

  // How often each outcome was reached, so the property is seen to cover them all.
  std::map<std::string, int> seen;
  for (int round = 0; round < 30; ++round) {
    CAPTURE(round);
    std::vector<AppointmentEvent> events;
    std::vector<BookingId> bookings;
    for (int step = 0; step < 40; ++step) {
      Node& n = *nodes[pick(0, 2)];
      n.now = (step < 30 ? kMonday : kClinicDay) + pick(0, 600) * 1000;
      const int what = bookings.empty() ? 0 : pick(0, 4);
      if (what <= 1) {
        AppointmentEvent e = n.book(slots[pick(0, 2)].id, pick(0, 3) == 0);
        bookings.push_back(e.booking);
        events.push_back(e);
      } else if (what <= 3) {
        events.push_back(
            n.make(bookings[pick(0, int(bookings.size()) - 1)], AppointmentCancelled{}));
      } else {
        events.push_back(
            n.make(bookings[pick(0, int(bookings.size()) - 1)], AppointmentCheckedIn{}));
      }
    }
    const AppointmentState reference = fold_appointments(slots, events);
    for (int k = 0; k < 5; ++k) {
      std::vector<AppointmentEvent> shuffled = events;
      for (int dup = pick(0, 3); dup > 0; --dup) shuffled.push_back(events[pick(0, 39)]);
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      REQUIRE(fold_appointments(slots, shuffled) == reference);
    }
    // Invariants of the result.
    for (const auto& [id, sb] : reference.slots) {
      CHECK(static_cast<int>(sb.seated.size()) <= sb.slot.capacity);
      if (!sb.waitlist.empty()) CHECK(sb.free_seats() == 0);
      for (const BookingId& s : sb.seated) CHECK(reference.find(s)->holds_seat());
      for (const BookingId& w : sb.waitlist) {
        CHECK(reference.find(w)->status == BookingStatus::Waitlisted);
      }
    }
    for (const auto& [id, booking] : reference.bookings) {
      if (booking.status == BookingStatus::CheckedIn) CHECK(booking.checked_in_ms.has_value());
      ++seen[std::string(to_string(booking.status))];
      seen["bumped"] += booking.bumped;
      seen["promoted"] += booking.promoted;
    }
    seen["conflicts"] += static_cast<int>(reference.conflicts.size());
  }
  for (const char* outcome :
       {"seated", "waitlisted", "cancelled", "checked_in", "bumped", "promoted", "conflicts"}) {
    CAPTURE(outcome);
    CHECK(seen[outcome] > 0);
  }
}

// [SECTION] JSON

TEST_CASE("appointment events survive a JSON round trip") {
  Node n("station:530102001001");
  const AppointmentEvent booked = n.book("legal-clinic@2026-11-25", true);
  const AppointmentEvent bare = n.make(Uuid{}, AppointmentBooked{"legal-clinic@2026-11-25"}, "");
  const AppointmentEvent cancelled = n.make(booked.booking, AppointmentCancelled{"改期"});
  const AppointmentEvent checked_in = n.make(
      booked.booking, AppointmentCheckedIn{Uuid::parse("01890a5d-ac96-774b-bcce-b302099a8057")});
  for (const AppointmentEvent& e : {booked, bare, cancelled, checked_in}) {
    CAPTURE(to_string(e.kind()));
    const json j = to_json(e);
    CHECK(j["kind"] == std::string(to_string(e.kind())));
    const auto back = appointment_event_from_json(j);
    REQUIRE_MESSAGE(back.is_ok(), back.status().to_string());
    CHECK(*back == e);
    CHECK(parse_appointment_event(j.dump()).value() == e);
  }
}

TEST_CASE("appointment events from untrusted JSON: bad input is refused") {
  Node n("station:530102001001");
  const json booked = to_json(n.book("legal-clinic@2026-11-25"));
  auto refused = [](const json& j) {
    const auto r = appointment_event_from_json(j);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == ErrorCode::Invalid);
    return r.status().message();
  };
  json j = booked;
  j.erase("slot");
  CHECK(refused(j) == "appointment event: /: missing required field \"slot\"");
  j = booked;
  j["waitlist"] = "yes";
  CHECK(refused(j) ==
        "appointment event: /waitlist: expected true or false, found a string \"yes\"");
  j = booked;
  j["kind"] = "appointment.moved";
  CHECK(refused(j).find("/kind: unknown kind \"appointment.moved\"") != std::string::npos);
  j = booked;
  j["ticket"] = booked["id"];
  CHECK(refused(j).find("/ticket: unknown field \"ticket\" for appointment.booked") !=
        std::string::npos);
  j = booked;
  j["phone_masked"] = "13912345678";
  CHECK(refused(j).find("phone_masked must be a masked number") != std::string::npos);
  j = booked;
  j["booking"] = "01890a5d-ac96-774b-bcce-b302099a8057";
  CHECK(refused(j).find("a booking's id must be the id of its booked event") != std::string::npos);
  j = booked;
  std::string long_name;
  for (int i = 0; i < 51; ++i) long_name += "张";
  j["resident_name"] = long_name;
  CHECK(refused(j).find("at most 50 characters") != std::string::npos);
  j = booked;
  j["id"] = 12;
  CHECK(refused(j) == "appointment event: /id: expected a string, found an integer 12");
  CHECK(parse_appointment_event("[").status().code() == ErrorCode::Invalid);
}
