// Consultation and the work-access / certificate registers through station/: each step one
// transaction (fact + outbox + audit), refusals that say what to do.
#include <doctest/doctest.h>

#include "station_fixture.hpp"
#include "weimin/station/access_register.hpp"
#include "weimin/station/consultation.hpp"

using namespace weimin;
using weimin::test::StationFixture;

namespace {

std::int64_t count_kind(station::Station& s, std::string_view prefix) {
  return static_cast<std::int64_t>(storage::Facts::by_kind(s.db(), prefix).value().size());
}

}  // namespace

TEST_CASE("a consultation runs from a resident's topic to a decision carried out") {
  StationFixture f;
  station::Consultations c(*f.station);
  const auto audits_before = count_kind(*f.station, "audit.");
  auto topic = c.raise(std::nullopt, "小区停车难", "晚上车位不够，电话13912345678");
  REQUIRE_MESSAGE(topic.is_ok(), topic.status().to_string());
  CHECK(topic->by_resident);
  CHECK(topic->detail.find("13912345678") == std::string::npos);  // masked before written
  CHECK(count_kind(*f.station, "audit.") == audits_before);       // a resident: no audit

  auto meeting = c.record_meeting(f.staff, topic->id, {"2026-11-20", 23, "居民与物业协商", "物业"});
  REQUIRE_MESSAGE(meeting.is_ok(), meeting.status().to_string());
  auto decision = c.decide(f.staff, topic->id, "划定夜间临时车位", meeting->id);
  REQUIRE_MESSAGE(decision.is_ok(), decision.status().to_string());
  auto done = c.carried_out(f.staff, topic->id, decision->id, "", "已划线");
  REQUIRE_MESSAGE(done.is_ok(), done.status().to_string());
  CHECK(done->done_on == core::local_date(f.clock.now_ms()));

  auto again = c.carried_out(f.staff, topic->id, decision->id, "", "");
  CHECK(again.status().code() == ErrorCode::Conflict);
  CHECK(again.status().message().find("carried out already") != std::string::npos);

  const auto st = c.state().value();
  CHECK(st.figures() == core::ConsultFigures{1, 1, 1, 1});
  CHECK(st.find(topic->id)->status() == core::TopicStatus::CarriedOut);
  CHECK(count_kind(*f.station, "consult.") == 4);
  CHECK(count_kind(*f.station, "audit.consult_") == 3);
}

TEST_CASE("consultation refusals: future meeting, no participants, unknown topic") {
  StationFixture f;
  station::Consultations c(*f.station);
  auto topic = c.raise(f.staff, "加装电梯", "");
  REQUIRE(topic.is_ok());
  CHECK_FALSE(topic->by_resident);
  auto future = c.record_meeting(f.staff, topic->id, {"2030-01-01", 5, "纪要", ""});
  CHECK(future.status().code() == ErrorCode::Invalid);
  CHECK(future.status().message().find("after today") != std::string::npos);
  CHECK(c.record_meeting(f.staff, topic->id, {"", 0, "纪要", ""}).status().code() ==
        ErrorCode::Invalid);
  const auto stranger = core::Uuid::parse("0190a000-0000-7000-8000-000000000001").value();
  CHECK(c.record_meeting(f.staff, stranger, {"", 5, "纪要", ""}).status().code() ==
        ErrorCode::NotFound);
  CHECK(c.raise(f.staff, "", "").status().code() == ErrorCode::Invalid);
  const auto tail = topic->id.to_string().substr(28);
  CHECK(c.topic_by_prefix(tail).value() == topic->id);
}

TEST_CASE("a work-access application is recorded with the check's verdict and decided once") {
  StationFixture f;
  station::AccessRegister r(*f.station);
  auto app =
      r.apply(f.staff, {"urban_management", "要求社区负责辖区占道经营执法", "五城管〔2026〕12号"});
  REQUIRE_MESSAGE(app.is_ok(), app.status().to_string());
  CHECK(app->applied.verdict == core::WorkAccessVerdict::NeedsApproval);
  CHECK(app->status() == core::ApplicationStatus::Pending);

  auto by_staff = r.decide(f.staff, app->id, {true, "", "", ""});
  CHECK(by_staff.status().code() == ErrorCode::PermissionDenied);

  auto refused = r.decide(f.director, app->id, {false, "", "", "属执法事项，不得转嫁社区"});
  REQUIRE_MESSAGE(refused.is_ok(), refused.status().to_string());
  CHECK(refused->status() == core::ApplicationStatus::Refused);
  CHECK(refused->decision->decided_by == station::kDefaultLeadingGroup);

  auto twice = r.decide(f.director, app->id, {true, "", "", ""});
  CHECK(twice.status().code() == ErrorCode::Conflict);
  CHECK(twice.status().message().find("new application") != std::string::npos);

  auto other = r.apply(f.staff, {"urban_management", "协助开展文明城市创建入户宣传", ""});
  REQUIRE(other.is_ok());
  REQUIRE(r.decide(f.director, other->id, {true, "五华区社区建设工作领导小组", "2026-11-24", ""})
              .is_ok());
  const auto st = r.state().value();
  REQUIRE(st.catalogue().size() == 1);
  CHECK(st.catalogue()[0]->id == other->id);
  CHECK(st.figures().approved == 1);
  CHECK(st.figures().refused == 1);

  auto unknown = r.apply(f.staff, {"no_such_bureau", "任务", ""});
  CHECK(unknown.status().code() == ErrorCode::NotFound);
  CHECK(unknown.status().message().find("urban_management") != std::string::npos);
  CHECK(count_kind(*f.station, "audit.access_") == 4);
}

TEST_CASE("the station's check finds a task the leading group decided, not only the lists") {
  StationFixture f;
  station::AccessRegister r(*f.station);
  const std::string task = "协助开展文明城市创建入户宣传";
  auto before = r.check(task);
  REQUIRE(before.is_ok());
  CHECK(before->verdict == core::WorkAccessVerdict::NeedsApproval);
  auto app = r.apply(f.staff, {"urban_management", task, ""});
  REQUIRE(app.is_ok());
  REQUIRE(r.decide(f.director, app->id, {true, "五华区社区建设工作领导小组", "2026-11-24", ""})
              .is_ok());
  auto after = r.check("请社区" + task + "工作");
  REQUIRE_MESSAGE(after.is_ok(), after.status().to_string());
  CHECK(after->verdict == core::WorkAccessVerdict::Approved);
  REQUIRE(after->registered.has_value());
  CHECK(after->registered->application == app->id.to_string());
  CHECK(after->registered->decided_on == "2026-11-24");

  auto law = r.apply(f.staff, {"urban_management", "要求社区负责辖区占道经营执法", ""});
  REQUIRE(law.is_ok());
  REQUIRE(r.decide(f.director, law->id, {false, "", "", "属执法事项"}).is_ok());
  auto refused = r.check("要求社区负责辖区占道经营执法");
  REQUIRE(refused.is_ok());
  CHECK(refused->reason == core::WorkAccessReason::RefusedApplication);
  CHECK(refused->explanation.zh.find("不予准入") != std::string::npos);
  CHECK(r.check("").status().code() == ErrorCode::Invalid);
}

TEST_CASE("a hardship certificate goes into the register masked; a forbidden one is refused") {
  StationFixture f;
  station::AccessRegister r(*f.station);
  const auto before = f.fact_count();
  auto forbidden =
      r.issue_certificate(f.staff, {"residence", "张三", "11010519491231002X", "要开居住证明"});
  CHECK(forbidden.status().code() == ErrorCode::Rejected);
  CHECK(forbidden.status().message().find("may not issue") != std::string::npos);
  CHECK(f.fact_count() == before);  // nothing written

  auto bad_id =
      r.issue_certificate(f.staff, {"economic_hardship", "张三", "110105194912310021", "失业"});
  CHECK(bad_id.status().code() == ErrorCode::Invalid);

  auto issued = r.issue_certificate(
      f.staff, {"economic_hardship", "张三", "11010519491231002X", "失业，家庭困难"});
  REQUIRE_MESSAGE(issued.is_ok(), issued.status().to_string());
  CHECK(issued->issued.resident_id_masked == "110105********002X");
  CHECK(issued->issued.resident_name == "张*");  // the register keeps the name masked
  CHECK(issued->staff == "S002");
  const auto rows = storage::Facts::by_kind(f.station->db(), "certificate.").value();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].body.find("11010519491231002X") == std::string::npos);
  CHECK(rows[0].body.find("张三") == std::string::npos);
  CHECK(r.state().value().figures().certificates == 1);
}
