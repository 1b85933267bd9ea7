// Neighbour services at the station: wishes posted, claimed, fulfilled, confirmed, withdrawn;
// the care list with visits and call-backs (station/wishes.hpp).
#include <doctest/doctest.h>

#include "station_fixture.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/wishes.hpp"
#include "weimin/storage/facts.hpp"

using namespace weimin;
using namespace weimin::station;

TEST_CASE_FIXTURE(test::StationFixture,
                  "a resident's wish is posted, claimed, fulfilled and confirmed") {
  Wishes wishes(*station);
  auto posted = wishes.post(
      std::nullopt, {core::HelpKind::Elderly, "  想请人陪我去医院复查  ", "139-1234-5678", true});
  REQUIRE_MESSAGE(posted.is_ok(), posted.status().to_string());
  CHECK(posted->stage == core::WishStage::Open);
  CHECK(posted->text == "想请人陪我去医院复查");
  CHECK(posted->phone_masked == "139****5678");
  const std::string number = short_number(posted->id);

  // The full phone is only in the contact fact; the wish fact has the masked one.
  auto rows = storage::Facts::by_subject(station->db(), posted->id.to_string()).value();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].kind == "wish.posted");
  CHECK(rows[0].body.find("13912345678") == std::string::npos);
  CHECK(rows[1].kind == "resident.contact");

  auto board = wishes.open().value();
  REQUIRE(board.size() == 1);
  auto claimed = wishes.claim(staff, number, {core::Claimant::Volunteer, "刘志愿", "13800001111"});
  REQUIRE_MESSAGE(claimed.is_ok(), claimed.status().to_string());
  CHECK(claimed->claim->name == "刘志愿");
  CHECK(claimed->claim->phone_masked == "138****1111");
  CHECK(wishes.fulfil(staff, number, "已陪同复查").is_ok());
  auto confirmed = wishes.confirm(std::nullopt, number, "谢谢");
  REQUIRE(confirmed.is_ok());
  CHECK(confirmed->stage == core::WishStage::Confirmed);
  CHECK(confirmed->confirmed->by_resident);
  CHECK(wishes.open().value().empty());
  CHECK(wishes.of_resident("13912345678").value().size() == 1);
  CHECK(wishes.of_resident("13900000000").value().empty());
}

TEST_CASE_FIXTURE(test::StationFixture, "refusals write nothing and say why") {
  Wishes wishes(*station);
  auto w = wishes.post(staff, {core::HelpKind::MicroWish, "给孩子一套课外书", {}, false}).value();
  const std::string number = short_number(w.id);
  const auto before = fact_count();

  auto early = wishes.confirm(staff, number);
  CHECK(early.status().code() == ErrorCode::Conflict);
  CHECK(early.status().message().find("not been fulfilled") != std::string::npos);
  auto unclaimed = wishes.fulfil(staff, number);
  CHECK(unclaimed.status().code() == ErrorCode::Conflict);
  CHECK(fact_count() == before);

  REQUIRE(wishes.claim(staff, number, {core::Claimant::Staff, "", {}}).is_ok());
  auto second = wishes.claim(staff, number, {core::Claimant::Volunteer, "张三", {}});
  CHECK(second.status().code() == ErrorCode::Conflict);
  CHECK(second.status().message().find("claimed already by 王芳") != std::string::npos);
  REQUIRE(wishes.fulfil(staff, number).is_ok());
  const auto after = fact_count();
  auto on_fulfilled = wishes.claim(staff, number, {core::Claimant::Volunteer, "张三", {}});
  CHECK(on_fulfilled.status().code() == ErrorCode::Conflict);
  CHECK(on_fulfilled.status().message().find("fulfilled already") != std::string::npos);
  CHECK(fact_count() == after);

  auto other =
      wishes.post(std::nullopt, {core::HelpKind::Hardship, "冬天缺棉被", {}, false}).value();
  REQUIRE(wishes.withdraw(std::nullopt, short_number(other.id), "已解决").is_ok());
  auto on_withdrawn =
      wishes.claim(staff, short_number(other.id), {core::Claimant::Volunteer, "张三", {}});
  CHECK(on_withdrawn.status().code() == ErrorCode::Conflict);
  CHECK(on_withdrawn.status().message().find("withdrawn") != std::string::npos);

  CHECK(wishes.post(std::nullopt, {core::HelpKind::Health, "   ", {}, false}).status().code() ==
        ErrorCode::Invalid);
  auto no_consent =
      wishes.post(std::nullopt, {core::HelpKind::Health, "量血压", "13912345678", false});
  CHECK(no_consent.status().message().find("consent") != std::string::npos);
  CHECK(wishes.get("ZZZZZZ").status().code() == ErrorCode::NotFound);
}

TEST_CASE_FIXTURE(test::StationFixture,
                  "a phone number typed into a wish is masked before it is kept") {
  Wishes wishes(*station);
  auto w = wishes.post(std::nullopt,
                       {core::HelpKind::Childcare, "周末帮忙接孩子 电话13912345678", {}, false});
  REQUIRE(w.is_ok());
  CHECK(w->text.find("13912345678") == std::string::npos);
  CHECK(w->text.find("139****5678") != std::string::npos);
}

TEST_CASE_FIXTURE(test::StationFixture,
                  "the care list: visits due, calls and a case for help needed") {
  Care care(*station);
  auto zhang = care.list(staff, {"张奶奶", "3栋2单元401", "13912345678", true, "独居"});
  REQUIRE_MESSAGE(zhang.is_ok(), zhang.status().to_string());
  auto li = care.list(staff, {"李爷爷", "5栋1单元101", {}, false, ""}).value();
  CHECK(care.listed().value().size() == 2);
  CHECK(care.visits_due().value().size() == 2);

  auto called = care.log_call(staff, short_number(zhang->person),
                              {core::CareOutcome::NotReached, "", "无人接听", false});
  REQUIRE(called.is_ok());
  CHECK(care.visits_due().value().size() == 2);  // a call is not a visit

  auto visited = care.log_visit(staff, short_number(zhang->person),
                                {core::CareOutcome::NeedsHelp, "助老员小李", "水管漏水", true});
  REQUIRE_MESSAGE(visited.is_ok(), visited.status().to_string());
  REQUIRE(visited->logs.size() == 2);
  REQUIRE(visited->logs[1].case_id.has_value());
  auto view = Cases(*station).view(*visited->logs[1].case_id);
  REQUIRE(view.is_ok());
  CHECK(view->state.description.find("张奶奶") != std::string::npos);

  auto due = care.visits_due().value();
  REQUIRE(due.size() == 1);
  CHECK(due[0].name == "李爷爷");
  CHECK(care.visits_due("2026-12").value().size() == 2);

  REQUIRE(care.unlist(staff, short_number(li.person), "搬走").is_ok());
  auto refused = care.log_visit(staff, short_number(li.person), {});
  CHECK(refused.status().code() == ErrorCode::Conflict);
  CHECK(refused.status().message().find("not on the care list") != std::string::npos);
  auto well_case =
      care.log_visit(staff, short_number(zhang->person), {core::CareOutcome::Well, "", "", true});
  CHECK(well_case.status().code() == ErrorCode::Invalid);
}
