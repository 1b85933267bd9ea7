// The governance screens driven by synthetic taps: a resident raises a consultation topic from
// home; the director records a meeting, a decision and its carrying out, an application and its
// refusal, and issues a hardship certificate typed on the identity keypad; staff may not decide
// an application. Text fields are filled in the state (the keyboard has its own tests).
#include <doctest/doctest.h>

#include "kiosk_fixture.hpp"
#include "weimin/station/access_register.hpp"
#include "weimin/station/consultation.hpp"

using namespace weimin;

namespace {

struct KioskFixture : test::KioskFixture {
  KioskFixture() : test::KioskFixture(kiosk::AppOptions{}) {}
  void sign_in(const std::string& no, const std::string& pin) {
    tap("home.staff");
    REQUIRE(app->type_on_keypad("pad", no));
    tap("staff.field.pin");
    REQUIRE(app->type_on_keypad("pad", pin));
    tap("staff.sign_in");
    REQUIRE_MESSAGE(app->staff().session.has_value(), app->staff().error);
  }
};

std::string tail(const core::Uuid& id) {
  return id.to_string().substr(28);
}

}  // namespace

TEST_CASE("a resident raises a consultation topic from home") {
  KioskFixture f;
  f.tap("home.consult");
  REQUIRE(f.app->resident().screen == kiosk::Screen::ConsultRaise);
  f.tap("consult.submit");  // nothing typed: refused, in the resident's words
  CHECK_FALSE(f.app->resident().consult.error.empty());
  f.app->resident().consult.title = "小区夜间停车难";
  f.app->resident().consult.detail = "电话13912345678";
  f.app->pump();
  f.tap("consult.submit");
  REQUIRE(f.app->resident().consult.raised.has_value());
  auto st = station::Consultations(*f.station).state().value();
  REQUIRE(st.topics.size() == 1);
  CHECK(st.topics.begin()->second.by_resident);
  CHECK(st.topics.begin()->second.detail.find("13912345678") == std::string::npos);
  f.tap("nav.home");
  CHECK(f.app->resident().screen == kiosk::Screen::Home);
  CHECK_FALSE(f.app->resident().consult.raised.has_value());  // nothing left for the next
}

TEST_CASE("staff record a meeting, a decision and its carrying out at the govern screen") {
  KioskFixture f;
  auto topic = station::Consultations(*f.station).raise(std::nullopt, "加装电梯", "");
  REQUIRE(topic.is_ok());
  f.sign_in("D001", "583920");
  f.tap("nav.more");
  f.tap("nav.consult");
  REQUIRE(f.app->resident().screen == kiosk::Screen::Govern);
  f.tap("govern.topic." + tail(topic->id));
  f.tap("govern.participants.plus");
  CHECK(f.app->staff().govern.participants == 11);
  f.app->staff().govern.minutes = "居民与物业协商";
  f.app->pump();
  f.tap("govern.record_meeting");
  REQUIRE_MESSAGE(f.app->staff().govern.error.empty(), f.app->staff().govern.error);
  f.app->staff().govern.decision = "申请加装电梯补贴";
  f.app->pump();
  f.tap("govern.decide");
  REQUIRE_MESSAGE(f.app->staff().govern.error.empty(), f.app->staff().govern.error);
  auto st = station::Consultations(*f.station).state().value();
  const auto& t = st.find(topic->id);
  REQUIRE(t->decisions.size() == 1);
  CHECK(t->meetings.front().participants == 11);
  CHECK(t->decisions.front().meeting == t->meetings.front().id);
  const auto decision = t->decisions.front().id;  // `t` points into `st`, replaced below
  f.tap("govern.done." + tail(decision));
  st = station::Consultations(*f.station).state().value();
  CHECK(st.figures() == core::ConsultFigures{1, 1, 1, 1});
  CHECK_FALSE(f.app->label("govern.done." + tail(decision)).has_value());
}

TEST_CASE("the director records an application and its refusal; staff may not decide") {
  KioskFixture f;
  f.sign_in("D001", "583920");
  f.tap("nav.more");
  f.tap("nav.register");
  CHECK(f.app->staff().govern.view == kiosk::GovernView::Access);
  f.tap("govern.dept.urban_management");
  f.app->staff().govern.task = "要求社区负责辖区占道经营执法";
  f.app->pump();
  f.tap("govern.apply");
  REQUIRE_MESSAGE(f.app->staff().govern.error.empty(), f.app->staff().govern.error);
  auto reg = station::AccessRegister(*f.station).state().value();
  REQUIRE(reg.applications.size() == 1);
  const auto id = reg.applications.begin()->first;
  CHECK(reg.applications.begin()->second.applied.verdict == core::WorkAccessVerdict::NeedsApproval);
  f.tap("govern.refuse." + tail(id));
  reg = station::AccessRegister(*f.station).state().value();
  CHECK(reg.applications.begin()->second.status() == core::ApplicationStatus::Refused);
  CHECK_FALSE(f.app->label("govern.approve." + tail(id)).has_value());  // decided once

  f.tap("staff.sign_out");
  auto other =
      station::AccessRegister(*f.station).apply(f.director, {"police", "协助开展反诈宣传入户", ""});
  REQUIRE(other.is_ok());
  f.sign_in("S002", "649271");
  f.tap("nav.more");
  f.tap("nav.consult");
  f.tap("govern.view.access");  // the register's own views switch too
  CHECK_FALSE(f.app->label("govern.approve." + tail(other->id)).has_value());  // not offered
}

TEST_CASE("a hardship certificate is issued from the keypad into the register, masked") {
  KioskFixture f;
  f.sign_in("S002", "649271");
  f.tap("nav.more");
  f.tap("nav.certificates");
  CHECK(f.app->staff().govern.view == kiosk::GovernView::Certificate);
  REQUIRE(f.app->type_on_keypad("govern.id", "11010519491231002X"));
  f.app->staff().govern.basis = "失业，家庭困难";
  f.app->pump();
  f.tap("govern.issue");
  REQUIRE_MESSAGE(f.app->staff().govern.error.empty(), f.app->staff().govern.error);
  CHECK(f.app->staff().govern.id_number.empty());
  CHECK(f.app->staff().govern.message.find("110105********002X") != std::string::npos);
  auto reg = station::AccessRegister(*f.station).state().value();
  REQUIRE(reg.certificates.size() == 1);
  CHECK(reg.certificates.begin()->second.staff == "S002");
  // A wrong check digit: refused in plain words, nothing written.
  REQUIRE(f.app->type_on_keypad("govern.id", "110105194912310021"));
  f.app->staff().govern.basis = "失业";
  f.app->pump();
  f.tap("govern.issue");
  CHECK_FALSE(f.app->staff().govern.error.empty());
  CHECK(station::AccessRegister(*f.station).state().value().certificates.size() == 1);
}

TEST_CASE("a certificate the catalog forbids is refused at the kiosk with where to go instead") {
  KioskFixture f;
  f.sign_in("S002", "649271");
  f.tap("nav.more");
  f.tap("nav.certificates");
  // The resident asks for a proof of residence: the kiosk says at once that the committee may
  // not issue it and which office does, and offers nothing to type for it.
  CHECK_FALSE(f.app->label("govern.cert.residence").has_value());  // listed under 其他证明
  f.tap("govern.cert.other");
  f.tap("govern.cert.residence");
  CHECK(f.app->staff().govern.certificate == "residence");
  const std::string shown = f.app->label("govern.cert_refusal").value_or("<not shown>");
  CHECK(shown.rfind("居住证明：社区不再开具", 0) == 0);
  CHECK(shown.find("公安派出所") != std::string::npos);  // the catalog's note: where to go
  CHECK_FALSE(f.app->label("govern.id.1").has_value());
  const auto before = f.fact_count();
  f.tap("govern.issue");  // drawn disabled: nothing happens
  CHECK(f.fact_count() == before);
  // Asked for anyway (a stale screen, a script): refused, nothing written, the same words.
  auto& g = f.app->staff().govern;
  g.id_number = "11010519491231002X";
  g.basis = "租房";
  CHECK(kiosk::govern_issue_certificate(*f.station, *f.app->staff().session, g, kiosk::Lang::Zh)
            .code() == ErrorCode::Rejected);
  CHECK(g.error.find("公安派出所") != std::string::npos);
  CHECK(f.fact_count() == before);
  CHECK(station::AccessRegister(*f.station).state().value().certificates.empty());
  // In English, in English words.
  CHECK(kiosk::cert_refusal(f.station->catalog(), "residence", kiosk::Lang::En)
            .find("police station") != std::string::npos);
  // The hardship certificate chosen again: the form is back.
  f.tap("govern.cert.economic_hardship");
  CHECK_FALSE(f.app->label("govern.cert_refusal").has_value());
  CHECK(f.app->label("govern.id.1").has_value());
}

TEST_CASE("an approved application is listed in the catalogue and the check says it is approved") {
  KioskFixture f;
  f.sign_in("D001", "583920");
  f.tap("nav.more");
  f.tap("nav.register");
  f.tap("govern.dept.urban_management");
  f.app->staff().govern.task = "协助开展文明城市创建入户宣传";
  f.app->pump();
  f.tap("govern.apply");
  REQUIRE_MESSAGE(f.app->staff().govern.error.empty(), f.app->staff().govern.error);
  const auto id = station::AccessRegister(*f.station).state().value().applications.begin()->first;
  CHECK_FALSE(f.app->label("govern.catalogue.0").has_value());  // pending: not in the catalogue
  f.tap("govern.approve." + tail(id));
  f.app->pump();
  const auto listed = f.app->label("govern.catalogue.0");
  REQUIRE(listed.has_value());
  CHECK(listed->find("协助开展文明城市创建入户宣传") != std::string::npos);
  CHECK(listed->find("社区建设工作领导小组") != std::string::npos);

  f.tap("nav.more");
  f.tap("nav.access");
  f.app->staff().access_task = "请社区协助开展文明城市创建入户宣传工作";
  f.app->pump();
  f.tap("access.check");
  REQUIRE(f.app->staff().access.has_value());
  CHECK(f.app->staff().access->verdict == core::WorkAccessVerdict::Approved);
  const auto said = f.app->label("access.explanation");
  REQUIRE(said.has_value());
  CHECK(said->find("批准此事项") != std::string::npos);
  CHECK(said->find(tail(id)) != std::string::npos);
}
