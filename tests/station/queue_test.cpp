#include <doctest/doctest.h>

#include "station_fixture.hpp"
#include "weimin/station/appointments.hpp"
#include "weimin/station/evaluations.hpp"
#include "weimin/station/figures.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;
using namespace weimin::station;

TEST_CASE("numbers count per line and day; priority is called first; waits are estimated") {
  test::StationFixture f;
  Queue queue(*f.station);
  auto a = queue.take({4, "", core::Priority::None, "", std::nullopt}).value();
  auto b = queue.take({4, "", core::Priority::None, "", std::nullopt}).value();
  auto e = queue.take({5, "", core::Priority::None, "", std::nullopt}).value();
  CHECK(a.ticket.label == "D001");
  CHECK(b.ticket.label == "D002");
  CHECK(e.ticket.label == "E001");
  CHECK(b.wait.people_ahead == 1);
  auto elder = queue.take({4, "", core::Priority::Elderly, "82岁", std::nullopt}).value();
  CHECK(elder.wait.people_ahead == 0);
  CHECK(queue.call_next(f.staff, 2).value().label == "D003");
  // The window must finish before it calls again.
  CHECK(queue.call_next(f.staff, 2).status().code() == ErrorCode::Conflict);
  f.clock.advance(6 * 60000);
  CHECK(queue.finish(f.staff, 2).value().state == core::TicketState::Done);
  CHECK(queue.call_next(f.staff, 2).value().label == "D001");
  CHECK(queue.no_show(f.staff, 2).value().state == core::TicketState::NoShow);
  // The next day starts again at 001.
  f.clock.advance(24 * 3600000LL);
  CHECK(queue.take({4, "", core::Priority::None, "", std::nullopt}).value().ticket.label == "D001");
}

TEST_CASE("queue refusals: unknown line, unknown window, nobody waiting, priority without reason") {
  test::StationFixture f;
  Queue queue(*f.station);
  const auto before = f.fact_count();
  CHECK(queue.take({11, "", core::Priority::None, "", std::nullopt}).status().code() ==
        ErrorCode::Invalid);
  CHECK(queue.take({4, "", core::Priority::Disability, "", std::nullopt}).status().code() ==
        ErrorCode::Invalid);
  CHECK(queue.take({4, "no_such_item", core::Priority::None, "", std::nullopt}).status().code() ==
        ErrorCode::Invalid);
  CHECK(queue.call_next(f.staff, 9).status().code() == ErrorCode::Invalid);
  CHECK(queue.call_next(f.staff, 1).status().code() == ErrorCode::NotFound);
  CHECK(queue.finish(f.staff, 1).status().code() == ErrorCode::NotFound);
  CHECK(f.fact_count() == before);
}

TEST_CASE("a served ticket is rated once; the rating names the staff and feeds the figures") {
  test::StationFixture f;
  Queue queue(*f.station);
  Evaluations evaluations(*f.station);
  queue.take({4, "", core::Priority::None, "", std::nullopt}).value();
  CHECK(evaluations.rate_ticket("D001", {core::Rating::Satisfied, 5, ""}).status().code() ==
        ErrorCode::Conflict);  // not served yet
  REQUIRE(queue.call_next(f.staff, 2).is_ok());
  REQUIRE(queue.finish(f.staff, 2).is_ok());
  auto rated = evaluations.rate_ticket("D001", {core::Rating::BasicallySatisfied, 4, "  快  "});
  REQUIRE_MESSAGE(rated.is_ok(), rated.status().to_string());
  CHECK(rated->staff == "S002");
  CHECK(rated->comment == "快");
  CHECK(evaluations.rate_ticket("D001", {core::Rating::Dissatisfied, 1, ""}).status().code() ==
        ErrorCode::Conflict);
  CHECK(evaluations.rate_ticket("D099", {core::Rating::Satisfied, 5, ""}).status().code() ==
        ErrorCode::NotFound);
  auto figures = day_figures(*f.station).value();
  CHECK(figures.queue.served == 1);
  CHECK(figures.satisfaction.total == 1);
  CHECK(figures.satisfaction.satisfaction_rate().value() == doctest::Approx(1.0));
  REQUIRE(figures.staff.size() == 1);
  CHECK(figures.staff[0].staff == "S002");
  CHECK(figures.staff[0].served == 1);
}

TEST_CASE("appointments: book to capacity, waitlist, cancel promotes, check-in is called first") {
  test::StationFixture f;  // Wednesday 2026-11-25, 09:00
  Appointments appointments(*f.station);
  const std::string slot = "legal_clinic_wednesday@2026-11-25";
  auto slots = appointments.slots().value();
  auto it =
      std::find_if(slots.begin(), slots.end(), [&](const auto& s) { return s.slot.id == slot; });
  REQUIRE_MESSAGE(it != slots.end(), "no slot " << slot);
  const int capacity = it->slot.capacity;
  std::vector<core::Uuid> seated;
  for (int i = 0; i < capacity; ++i) {
    auto b =
        appointments.book(std::nullopt, {slot, "居民" + std::to_string(i), "13912345678", false});
    REQUIRE_MESSAGE(b.is_ok(), b.status().to_string());
    CHECK(b->status == core::BookingStatus::Seated);
    CHECK(b->phone_masked == "139****5678");
    seated.push_back(b->id);
  }
  auto full = appointments.book(std::nullopt, {slot, "迟到的", "", false});
  CHECK(full.status().code() == ErrorCode::Conflict);
  auto waiting = appointments.book(f.staff, {slot, "候补", "", true}).value();
  CHECK(waiting.status == core::BookingStatus::Waitlisted);
  REQUIRE(appointments.cancel(std::nullopt, seated[0], "有事").is_ok());
  CHECK(appointments.state()->find(waiting.id)->status == core::BookingStatus::Seated);

  Queue queue(*f.station);
  queue.take({9, "", core::Priority::None, "", std::nullopt}).value();  // someone already waits
  auto checked = appointments.check_in(std::nullopt, seated[1]);
  REQUIRE_MESSAGE(checked.is_ok(), checked.status().to_string());
  CHECK(checked->booking.status == core::BookingStatus::CheckedIn);
  CHECK(checked->ticket.ticket.priority == core::Priority::AppointmentCheckIn);
  const int window = f.station->catalog()
                         .windows_serving(checked->ticket.ticket.line, "530102001001")
                         .front()
                         ->number;
  CHECK(queue.call_next(f.staff, window).value().id == checked->ticket.ticket.id);
  CHECK(appointments.check_in(std::nullopt, seated[1]).status().code() != ErrorCode::Internal);
  CHECK_FALSE(appointments.check_in(std::nullopt, seated[1]).is_ok());  // not twice
}

// [SECTION] Staff actions of issue 14: a number out of turn, a paused window, a no-show back.

TEST_CASE("staff call a given number out of turn, typed in either case") {
  test::StationFixture f;
  Queue queue(*f.station);
  for (int i = 0; i < 3; ++i)
    (void)queue.take({4, "", core::Priority::None, "", std::nullopt}).value();
  const auto before = f.fact_count();
  const core::Ticket called = queue.call_number(f.staff, 2, "d3").value();
  CHECK(called.label == "D003");
  CHECK(called.state == core::TicketState::Called);
  CHECK(called.window == 2);
  CHECK(f.fact_count() == before + 2);  // the ticket.called fact and its audit entry
  // The window still has it: finish first.
  Status busy = queue.call_number(f.staff, 2, "D001").status();
  CHECK(busy.code() == ErrorCode::Conflict);
  CHECK(busy.message().find("window 2 is still serving D003") == 0);
  // Another window may call a ticket of a line it does not usually serve (window 1: 1, 2, 3, 9).
  CHECK(queue.call_number(f.staff, 1, "D001").value().window == 1);
  // Not waiting any more.
  Status again = queue.call_number(f.staff, 3, "D003").status();
  CHECK(again.code() == ErrorCode::Conflict);
  CHECK(again.message() == "D003 is not waiting: it is called at window 2 already");
  REQUIRE(queue.finish(f.staff, 2).is_ok());
  CHECK(queue.call_number(f.staff, 2, "D003").status().message() ==
        "D003 is not waiting: it was served already; the resident takes a new number");
  // Typed wrong, or not a number of today.
  Status typo = queue.call_number(f.staff, 2, "3D").status();
  CHECK(typo.code() == ErrorCode::Invalid);
  CHECK(typo.message().find("e.g. A012") != std::string::npos);
  Status unknown = queue.call_number(f.staff, 2, "D009").status();
  CHECK(unknown.code() == ErrorCode::NotFound);
  CHECK(unknown.message().find("no ticket D009 was taken today") == 0);
  f.clock.advance(24 * 3600000LL);
  CHECK(queue.call_number(f.staff, 2, "D002").status().code() == ErrorCode::NotFound);
  CHECK(queue.call_number(f.staff, 9, "D002").status().code() == ErrorCode::Invalid);
}

TEST_CASE("a paused window calls nobody and counts out of the wait estimate until resumed") {
  test::StationFixture f;
  Queue queue(*f.station);
  // Line 9 (社会事务, J) is served by all three windows of 翠湖.
  for (int i = 0; i < 3; ++i)
    (void)queue.take({9, "", core::Priority::None, "", std::nullopt}).value();
  const auto open = queue.take({9, "", core::Priority::None, "", std::nullopt}).value();
  CHECK(open.ticket.label == "J004");
  CHECK(open.wait.people_ahead == 3);
  CHECK(open.wait.wait_ms == 3 * 5 * 60000 / 3);  // default service time, three windows

  CHECK_FALSE(queue.is_paused(1).value());
  REQUIRE(queue.pause(f.staff, 1).is_ok());
  REQUIRE(queue.pause(f.staff, 2).is_ok());
  CHECK(queue.is_paused(1).value());
  CHECK(queue.is_paused(2).value());
  CHECK_FALSE(queue.is_paused(3).value());
  const auto today = queue.today().value();
  CHECK(queue.open_windows_serving(today, 9) == 1);
  CHECK(queue.open_windows_serving(today, 4) == 0);  // only window 2 serves line 4
  const auto paused = queue.take({9, "", core::Priority::None, "", std::nullopt}).value();
  CHECK(paused.wait.people_ahead == 4);
  CHECK(paused.wait.wait_ms == 4 * 5 * 60000);  // one window open

  Status refused = queue.call_next(f.staff, 1).status();
  CHECK(refused.code() == ErrorCode::Conflict);
  CHECK(refused.message() == "window 1 is paused; resume it before calling the next number");
  CHECK(queue.call_number(f.staff, 1, "J002").status().message() ==
        "window 1 is paused; resume it before calling J002");
  Status twice = queue.pause(f.staff, 1);
  CHECK(twice.code() == ErrorCode::Conflict);
  CHECK(twice.message() == "window 1 is paused already; resume it to call again");
  CHECK(queue.call_next(f.staff, 3).value().label == "J001");  // the open window works

  REQUIRE(queue.resume(f.staff, 1).is_ok());
  CHECK_FALSE(queue.is_paused(1).value());
  CHECK(queue.resume(f.staff, 1).message() ==
        "window 1 is not paused; it can call the next number");
  CHECK(queue.call_next(f.staff, 1).value().label == "J002");
  CHECK(queue.is_paused(7).status().code() == ErrorCode::Invalid);
  // A pause lasts the day: the next day every window is open.
  f.clock.advance(24 * 3600000LL);
  CHECK_FALSE(queue.is_paused(2).value());
}

TEST_CASE("a no-show of today goes back in line behind those waiting now") {
  test::StationFixture f;
  Queue queue(*f.station);
  (void)queue.take({4, "", core::Priority::None, "", std::nullopt}).value();
  (void)queue.take({4, "", core::Priority::None, "", std::nullopt}).value();
  CHECK(queue.call_next(f.staff, 2).value().label == "D001");
  REQUIRE(queue.no_show(f.staff, 2).is_ok());
  (void)queue.take({4, "", core::Priority::None, "", std::nullopt}).value();  // D003
  // The resident of D001 comes back; staff at window 1 put it back in line.
  const core::Ticket back = queue.requeue(f.staff, 1, "d001").value();
  CHECK(back.label == "D001");
  CHECK(back.state == core::TicketState::Waiting);
  CHECK(back.requeues == 1);
  CHECK(queue.call_next(f.staff, 2).value().label == "D002");
  REQUIRE(queue.finish(f.staff, 2).is_ok());
  CHECK(queue.call_next(f.staff, 2).value().label == "D003");
  REQUIRE(queue.finish(f.staff, 2).is_ok());
  CHECK(queue.call_next(f.staff, 2).value().label == "D001");

  Status waiting = queue.requeue(f.staff, 1, "D001").status();
  CHECK(waiting.code() == ErrorCode::Conflict);
  CHECK(waiting.message() == "D001 is at window 2 now; only a no-show goes back in line");
  REQUIRE(queue.finish(f.staff, 2).is_ok());
  CHECK(queue.requeue(f.staff, 1, "D001").status().message() ==
        "D001 was served already; the resident takes a new number if they need more");
  (void)queue.take({4, "", core::Priority::None, "", std::nullopt}).value();  // D004
  CHECK(queue.requeue(f.staff, 1, "D004").status().message() ==
        "D004 is waiting in line already; only a no-show goes back in line");
  CHECK(queue.requeue(f.staff, 1, "D077").status().code() == ErrorCode::NotFound);
  // A no-show of yesterday is not in today's line.
  CHECK(queue.call_next(f.staff, 2).value().label == "D004");
  REQUIRE(queue.no_show(f.staff, 2).is_ok());
  f.clock.advance(24 * 3600000LL);
  CHECK(queue.requeue(f.staff, 2, "D004").status().code() == ErrorCode::NotFound);
}
