// What the case desk and the resident's progress screen say of the district's work, without
// drawing: which department has the case, what it did (report-in note, expected date,
// feedback, a return and its reason), by when (its deadline), and what the street office did.
#include <doctest/doctest.h>

#include "station_fixture.hpp"
#include "weimin/core/case.hpp"
#include "weimin/kiosk/screens.hpp"

using namespace weimin;
using namespace weimin::kiosk;

namespace {

constexpr std::int64_t kT = 1795568400000;  // 2026-11-25 09:00 in China
constexpr std::int64_t kHour = 3'600'000;

struct Events {
  core::Uuid case_id = *core::Uuid::parse("018f0000-0000-7000-8000-00000000c001");
  std::vector<core::CaseEvent> all;
  std::int64_t t = kT;
  void add(std::string actor, core::Role role, core::CasePayload p, std::string behalf = "") {
    t += 10 * 60'000;
    core::CaseEvent e;
    e.id = *core::Uuid::parse("018f0000-0000-7000-8000-0000000d" +
                              std::string(4 - std::to_string(all.size()).size(), '0') +
                              std::to_string(all.size()));
    e.case_id = case_id;
    e.hlc = {t, 0};
    e.origin = role == core::Role::Department || role == core::Role::StreetOffice
                   ? "district:530102"
                   : "station:530102001001";
    e.wall_ms = t;
    e.actor = std::move(actor);
    e.actor_role = role;
    e.on_behalf_of = std::move(behalf);
    e.payload = std::move(p);
    all.push_back(std::move(e));
  }
  station::CaseView view(std::int64_t now_ms, const core::CaseDeadlines& dl) const {
    station::CaseView v;
    v.state = core::fold_case(case_id, all);
    v.overdue = core::overdue(v.state, dl, now_ms);
    return v;
  }
};

core::CaseDeadlines deadlines() {
  core::CaseDeadlines dl;
  dl.routine = {24, 72, 72};
  dl.key = {12, 48, 48};
  dl.emergency = {2, 24, 24};
  return dl;
}

}  // namespace

TEST_CASE("the screens say which department has a case, what it did and by when") {
  const core::Catalog cat = core::parse_catalog(test::wuhua_catalog(), "wuhua.json").value();
  Events ev;
  ev.add("S01", core::Role::Staff,
         core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "路灯不亮", ""});
  ev.add("D001", core::Role::Director,
         core::CaseWhistled{core::WhistleLevel::Community,
                            core::WhistleKind::Routine,
                            {"urban_management", "housing", "police"},
                            ""});
  const std::int64_t whistled = ev.t;
  const std::int64_t expected = kT + 3 * 24 * kHour;
  ev.add("urban_management", core::Role::Department, core::CaseReported{"已派维修班组", expected});
  ev.add("urban_management", core::Role::Department, core::CaseFeedback{"已更换灯泡"});
  ev.add("S01", core::Role::Staff, core::CaseReturned{"路灯归城管"}, "housing");
  ev.add("530102001", core::Role::StreetOffice, core::CaseEscalated{{}, ""});
  const core::CaseDeadlines dl = deadlines();
  const station::CaseView v = ev.view(whistled + 25 * kHour, dl);
  REQUIRE(v.state.conflicts.empty());

  const auto zh = department_lines(v, cat, dl, Lang::Zh);
  REQUIRE(zh.size() == 3);
  CHECK(zh[0].name == "五华区城市管理综合行政执法局");
  CHECK(zh[0].step == "已反馈");
  CHECK(zh[0].details ==
        std::vector<std::string>{"报到：已派维修班组", "预计完成：2026-11-28", "反馈：已更换灯泡"});
  CHECK_FALSE(zh[0].overdue);
  CHECK(zh[1].step == "退单");
  CHECK(zh[1].details == std::vector<std::string>{"退单原因：路灯归城管"});
  CHECK_FALSE(zh[1].overdue);  // a department that returned owes nothing
  CHECK(zh[2].step == "待报到");
  REQUIRE(zh[2].details.size() == 1);
  CHECK(zh[2].details[0] == "报到期限：" + core::local_date_time(whistled + 24 * kHour));
  CHECK(zh[2].overdue);

  const auto en = department_lines(v, cat, dl, Lang::En);
  CHECK(en[0].step == "Feedback given");
  CHECK(en[0].details[1] == "Expected: 2026-11-28");
  CHECK(en[1].step == "Returned");
  CHECK(en[1].details[0] == "Why returned: 路灯归城管");
  CHECK(office_lines(v.state, Lang::Zh) == std::vector<std::string>{"街道已升级为区级"});
}

TEST_CASE("a case every department returned, sent back to its community, says so") {
  const core::Catalog cat = core::parse_catalog(test::wuhua_catalog(), "wuhua.json").value();
  Events ev;
  ev.add("S01", core::Role::Staff,
         core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "路灯不亮", ""});
  ev.add(
      "D001", core::Role::Director,
      core::CaseWhistled{core::WhistleLevel::Community, core::WhistleKind::Key, {"housing"}, ""});
  ev.add("housing", core::Role::Department, core::CaseReported{"已受理"});
  ev.add("housing", core::Role::Department, core::CaseReturned{"不属本部门"});
  ev.add("530102001", core::Role::StreetOffice, core::CaseSentBack{"请社区先行协调"});
  const station::CaseView v = ev.view(ev.t + 1000 * kHour, deadlines());
  REQUIRE(v.state.conflicts.empty());
  CHECK(v.state.stage == core::CaseStage::Returned);
  const auto lines = department_lines(v, cat, deadlines(), Lang::Zh);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].step == "退单");
  CHECK(lines[0].details ==
        std::vector<std::string>{"报到：已受理", "退单原因：不属本部门"});  // no deadline owed
  CHECK_FALSE(lines[0].overdue);
  CHECK(office_lines(v.state, Lang::En) ==
        std::vector<std::string>{"Sent back to the community: 请社区先行协调"});
  CHECK(std::string(tr(Lang::Zh, "stage.returned")).find("退单") != std::string::npos);
  CHECK(std::string(tr(Lang::Zh, "step.escalated")) == "升级为区级");
  CHECK(std::string(tr(Lang::Zh, "step.sent_back")) == "退回社区");
}
