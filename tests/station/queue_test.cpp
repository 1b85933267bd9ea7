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
  CHECK(queue.take({11, "", core::Priority::None, "", std::nullopt}).status().code() == ErrorCode::Invalid);
  CHECK(queue.take({4, "", core::Priority::Disability, "", std::nullopt}).status().code() == ErrorCode::Invalid);
  CHECK(queue.take({4, "no_such_item", core::Priority::None, "", std::nullopt}).status().code() == ErrorCode::Invalid);
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
  auto it = std::find_if(slots.begin(), slots.end(), [&](const auto& s) { return s.slot.id == slot; });
  REQUIRE_MESSAGE(it != slots.end(), "no slot " << slot);
  const int capacity = it->slot.capacity;
  std::vector<core::Uuid> seated;
  for (int i = 0; i < capacity; ++i) {
    auto b = appointments.book(std::nullopt, {slot, "居民" + std::to_string(i), "13912345678", false});
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
  const int window = f.station->catalog().windows_serving(checked->ticket.ticket.line, "530102001001")
                         .front()->number;
  CHECK(queue.call_next(f.staff, window).value().id == checked->ticket.ticket.id);
  CHECK(appointments.check_in(std::nullopt, seated[1]).status().code() != ErrorCode::Internal);
  CHECK_FALSE(appointments.check_in(std::nullopt, seated[1]).is_ok());  // not twice
}
