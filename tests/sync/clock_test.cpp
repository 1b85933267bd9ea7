// Clocks that jump (DESIGN.md, "Clocks"; docs/SYNC.md, "Clocks"): a station whose clock runs a
// week ahead and is set back again, while the district's street office and department act with
// the real time. No genuine step becomes a conflict, the station's HLC never stays ahead of the
// district's time plus the tolerance after a sync, and the clock is flagged while it is off.
#include <doctest/doctest.h>

#include "sync_fixture.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/queue.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/sync_status.hpp"

using namespace weimin;
using weimin::test::District;
using weimin::test::TestStation;

namespace {

constexpr std::int64_t kWeek = 7 * 24 * 3600'000LL;
constexpr std::int64_t kMinute = 60'000;

core::HlcTimestamp stored_hlc(TestStation& s) {
  auto text = storage::Meta::get(s.station->db(), "hlc").value();
  REQUIRE(text.has_value());
  return core::HlcTimestamp::unpack(std::stoull(*text));
}

// The case at the district: every step applied, none left as a conflict.
void check_no_conflict_at_district(District& district, const std::string& case_id,
                                   core::CaseStage stage) {
  auto view = district.service->case_view(case_id);
  REQUIRE_MESSAGE(view.is_ok(), view.status().to_string());
  CAPTURE(case_id);
  CHECK(view->state.conflicts.empty());
  CHECK(view->state.stage == stage);
}

}  // namespace

TEST_CASE(
    "a station's clock a week ahead and back: no genuine step becomes a conflict, and "
    "the clock is flagged while it is off") {
  District district;
  district.publish_catalog();  // the office whistles to its departments
  auto transport = district.transport();
  TestStation s("530102001001");
  s.enroll(district, *transport);
  REQUIRE(s.sync(*transport).is_ok());
  CHECK_FALSE(station::read_sync_status(*s.station).value().clock_off);

  station::StaffDesk desk(*s.station);
  auto director = desk.sign_in("D001", "583920");
  REQUIRE(director.is_ok());
  station::Cases cases(*s.station);
  const std::string source = s.station->catalog().whistle_sources.front().id;
  const std::string dept = s.station->catalog().departments.front().id;
  auto collect = [&](const std::string& what) {
    auto r = cases.record(
        std::nullopt, {source, core::CaseChannel::Kiosk, what, std::nullopt, std::nullopt, false});
    REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
    return r->case_id;
  };
  // The street office and the department, at the district, with the district's (real) time.
  auto handle_at_district = [&](const core::Uuid& id) {
    const std::string case_id = id.to_string();
    district.clock.advance(kMinute);
    auto whistled = district.service->whistle("530102001", case_id, {dept},
                                              core::WhistleKind::Routine, "请处理");
    REQUIRE_MESSAGE(whistled.is_ok(), whistled.status().to_string());
    district.clock.advance(kMinute);
    REQUIRE(district.service->report(dept, case_id, "已接单").is_ok());
    district.clock.advance(kMinute);
    REQUIRE(district.service->feedback(dept, case_id, "已处理").is_ok());
    check_no_conflict_at_district(district, case_id, core::CaseStage::Feedback);
  };
  auto hlc_within_tolerance = [&] {
    CHECK(stored_hlc(s).wall_ms <= district.clock.now_ms() + station::kClockToleranceMs);
  };

  // The station's clock jumps a week ahead while it is offline: a case is collected with it.
  s.clock.set(district.clock.now_ms() + kWeek);
  const core::Uuid early = collect("楼道灯坏了（时钟快了一周时记下）");
  auto first = s.sync(*transport);
  REQUIRE_MESSAGE(first.is_ok(), first.status().to_string());
  CHECK(first->clock_offset_ms < -kWeek + kMinute);
  CHECK(first->clock_hlc_set_back);
  CHECK(first->summary().find("ahead of the district's") != std::string::npos);
  hlc_within_tolerance();
  auto status = station::read_sync_status(*s.station).value();
  CHECK(status.clock_off);
  REQUIRE(status.clock_offset_ms.has_value());
  CHECK(*status.clock_offset_ms < -kWeek + kMinute);

  // The district handles the case stamped a week ahead: its steps order after the collection.
  handle_at_district(early);

  // Still a week fast, now knowing it: a new case is stamped with the district's time.
  s.clock.advance(5 * kMinute);
  district.clock.advance(5 * kMinute);
  const core::Uuid later = collect("路面积水（时钟仍快，已知偏差）");
  REQUIRE(s.sync(*transport).is_ok());
  hlc_within_tolerance();
  CHECK(station::read_sync_status(*s.station).value().clock_off);
  handle_at_district(later);

  // The clock is set right. The station verifies both cases after the department's feedback.
  district.clock.advance(10 * kMinute);
  s.clock.set(district.clock.now_ms());
  auto pulled = s.sync(*transport);
  REQUIRE_MESSAGE(pulled.is_ok(), pulled.status().to_string());
  CHECK_FALSE(station::read_sync_status(*s.station).value().clock_off);
  hlc_within_tolerance();
  for (const core::Uuid& id : {early, later}) {
    auto view = cases.view(id);
    REQUIRE(view.is_ok());
    CHECK(view->state.stage == core::CaseStage::Feedback);
    CHECK(view->state.conflicts.empty());
    auto verified = cases.verify(*director, id, "居民确认已处理");
    REQUIRE_MESSAGE(verified.is_ok(), verified.status().to_string());
    CHECK(verified->stage == core::CaseStage::Verified);
    CHECK(verified->conflicts.empty());
  }
  // A new case with the clock right, handled at the district as usual.
  s.clock.advance(kMinute);
  district.clock.advance(kMinute);
  const core::Uuid after = collect("垃圾未清运（时钟已校准）");
  REQUIRE(s.sync(*transport).is_ok());
  handle_at_district(after);
  REQUIRE(s.sync(*transport).is_ok());
  hlc_within_tolerance();
  for (const core::Uuid& id : {early, later}) {
    check_no_conflict_at_district(district, id.to_string(), core::CaseStage::Verified);
  }
  auto view = cases.view(after);
  REQUIRE(view.is_ok());
  CHECK(view->state.stage == core::CaseStage::Feedback);
  CHECK(view->state.conflicts.empty());
  const auto final_status = station::read_sync_status(*s.station).value();
  CHECK_FALSE(final_status.clock_off);
  REQUIRE(final_status.clock_offset_ms.has_value());
  CHECK_FALSE(station::clock_is_off(*final_status.clock_offset_ms));
}

TEST_CASE(
    "a ticket taken with a clock a week fast is called after it was taken, though the "
    "station's HLC was set back in between") {
  District district;
  auto transport = district.transport();
  TestStation s("530102001001");
  s.enroll(district, *transport);
  s.clock.set(district.clock.now_ms() + kWeek);
  station::Queue queue(*s.station);
  const auto& windows = s.station->catalog().windows_for(s.community);
  REQUIRE_FALSE(windows.empty());
  station::TicketRequest request;
  request.line = windows.front().lines.front();
  auto taken = queue.take(request);
  REQUIRE_MESSAGE(taken.is_ok(), taken.status().to_string());
  auto synced = s.sync(*transport);
  REQUIRE(synced.is_ok());
  CHECK(synced->clock_hlc_set_back);
  // The HLC is back at the district's time; the call still orders after the take.
  station::StaffDesk desk(*s.station);
  auto director = desk.sign_in("D001", "583920");
  REQUIRE(director.is_ok());
  auto called = queue.call_next(*director, windows.front().number);
  REQUIRE_MESSAGE(called.is_ok(), called.status().to_string());
  CHECK(called->id == taken->ticket.id);
  CHECK(called->state == core::TicketState::Called);
  auto today = queue.today();
  REQUIRE(today.is_ok());
  const core::Ticket* ticket = today->find(taken->ticket.id);
  REQUIRE(ticket != nullptr);
  CHECK(ticket->state == core::TicketState::Called);
  CHECK(stored_hlc(s).wall_ms <= district.clock.now_ms() + station::kClockToleranceMs);
}
