// The staff console's queue actions as console_act decides them (no drawing): a number called
// out of turn, a window paused and resumed, a no-show put back in line.
#include <doctest/doctest.h>

#include "station_fixture.hpp"
#include "weimin/kiosk/screens.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;
using namespace weimin::kiosk;

namespace {

struct ConsoleFixture : test::StationFixture {
  StaffState staff;
  ConsoleFixture() {
    staff.session = test::StationFixture::staff;
    staff.window = 2;  // 翠湖's window 2 serves lines 4, 5, 6, 7 and 9
  }
  std::string take(int line) {
    station::Queue queue(*station);
    return queue.take({line, "", core::Priority::None, "", std::nullopt}).value().ticket.label;
  }
  Status act(ConsoleAction action, std::string label = {}) {
    staff.call_label = std::move(label);
    return console_act(*station, staff, action);
  }
};

}  // namespace

TEST_CASE("console: call a typed number out of turn") {
  ConsoleFixture f;
  f.take(4);
  f.take(4);
  REQUIRE(f.act(ConsoleAction::CallNumber, "d2").is_ok());
  CHECK(f.staff.message == "D002");
  CHECK(f.staff.error.empty());
  CHECK(f.staff.call_label.empty());  // ready for the next number
  station::Queue queue(*f.station);
  CHECK(queue.at_window(2).value()->label == "D002");

  REQUIRE(f.act(ConsoleAction::Finish).is_ok());
  Status again = f.act(ConsoleAction::CallNumber, "D002");
  CHECK(again.code() == ErrorCode::Conflict);
  CHECK(f.staff.error.find("D002 is not waiting: it was served already; the resident takes a new "
                           "number") != std::string::npos);
  CHECK(f.staff.message.empty());
  CHECK(f.staff.call_label == "D002");  // kept, so staff can correct it
  Status unknown = f.act(ConsoleAction::CallNumber, "D031");
  CHECK(unknown.code() == ErrorCode::NotFound);
  CHECK(f.staff.error.find("no ticket D031 was taken today") != std::string::npos);
  CHECK(f.act(ConsoleAction::CallNumber, "").code() == ErrorCode::Invalid);
}

TEST_CASE("console: pause and resume the window; a paused window calls nobody") {
  ConsoleFixture f;
  f.take(4);
  REQUIRE(f.act(ConsoleAction::Pause).is_ok());
  CHECK(f.staff.paused);
  CHECK(f.staff.message.empty());
  Status refused = f.act(ConsoleAction::CallNext);
  CHECK(refused.code() == ErrorCode::Conflict);
  CHECK(f.staff.error.find("window 2 is paused; resume it before calling the next number") !=
        std::string::npos);
  CHECK(f.act(ConsoleAction::CallNumber, "D001").code() == ErrorCode::Conflict);
  CHECK(f.act(ConsoleAction::Pause).code() == ErrorCode::Conflict);
  CHECK(f.staff.paused);  // still paused, as the station says
  REQUIRE(f.act(ConsoleAction::Resume).is_ok());
  CHECK_FALSE(f.staff.paused);
  REQUIRE(f.act(ConsoleAction::CallNext).is_ok());
  CHECK(f.staff.message == "D001");
  // Another window is not affected by window 2's pause.
  REQUIRE(f.act(ConsoleAction::Pause).is_ok());
  f.staff.window = 3;
  CHECK(f.act(ConsoleAction::Resume).code() == ErrorCode::Conflict);
  CHECK_FALSE(f.staff.paused);
}

TEST_CASE("console: a no-show of today goes back in line") {
  ConsoleFixture f;
  f.take(4);
  f.take(4);
  REQUIRE(f.act(ConsoleAction::CallNext).is_ok());
  REQUIRE(f.act(ConsoleAction::NoShow).is_ok());
  REQUIRE(f.act(ConsoleAction::Requeue, "D001").is_ok());
  CHECK(f.staff.message == "D001");
  CHECK(f.staff.call_label.empty());
  REQUIRE(f.act(ConsoleAction::CallNext).is_ok());
  CHECK(f.staff.message == "D002");  // it waited behind D002
  Status waiting = f.act(ConsoleAction::Requeue, "D001");
  CHECK(waiting.code() == ErrorCode::Conflict);
  CHECK(f.staff.error.find("D001 is waiting in line already; only a no-show goes back in line") !=
        std::string::npos);
  REQUIRE(f.act(ConsoleAction::Finish).is_ok());
  REQUIRE(f.act(ConsoleAction::CallNext).is_ok());
  CHECK(f.staff.message == "D001");
}

TEST_CASE("console: the new actions need a signed-in member of staff") {
  ConsoleFixture f;
  f.staff.session.reset();
  for (ConsoleAction a : {ConsoleAction::CallNumber, ConsoleAction::Pause, ConsoleAction::Resume,
                          ConsoleAction::Requeue}) {
    CHECK(f.act(a, "D001").code() == ErrorCode::PermissionDenied);
  }
}
