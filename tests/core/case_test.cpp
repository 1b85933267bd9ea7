#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "case_test_support.hpp"
#include "weimin/core/case.hpp"

using weimin::ErrorCode;
using weimin::Status;
using namespace weimin::core;
using namespace weimin::core::case_test;

TEST_CASE("a whistled case runs the whole closed loop to an evaluation") {
  Maker m;
  std::vector<CaseEvent> ev = {m.collected(),
                               m.whistled(),
                               m.reported(kUrban),
                               m.feedback(kUrban),
                               m.verified(),
                               m.closed(),
                               m.evaluated(Rating::BasicallySatisfied)};
  const CaseState s = fold(m, ev);
  CHECK(s.stage == CaseStage::Evaluated);
  CHECK(s.conflicts.empty());
  REQUIRE(s.timeline.size() == ev.size());
  for (std::size_t i = 0; i < ev.size(); ++i) {
    CHECK(s.timeline[i].event == ev[i].id);
    CHECK(s.timeline[i].kind == ev[i].kind());
    CHECK(s.timeline[i].actor == ev[i].actor);
    CHECK(s.timeline[i].effective == ev[i].hlc);
  }
  CHECK(s.source == "env.garbage");
  CHECK(s.resident_ref == "R-42");
  CHECK(s.level == WhistleLevel::Community);
  CHECK(s.kind == WhistleKind::Routine);
  REQUIRE(s.departments.size() == 2);
  CHECK(s.departments[0].reported == ev[2].hlc);
  CHECK(s.departments[0].feedback == ev[3].hlc);
  CHECK_FALSE(s.departments[1].reported);
  CHECK(s.outcome == "居民确认已解决");
  CHECK(s.evaluation == Rating::BasicallySatisfied);
  CHECK(s.reopen_count == 0);
}

TEST_CASE("a case the community settles itself is verified, closed and rated for the resident") {
  Maker m;
  const std::vector<CaseEvent> ev = {m.collected(kGrid), m.resolved(kSocial), m.verified(kGrid),
                                     m.closed(kDeputy), m.evaluated(Rating::Satisfied, kStaff)};
  const CaseState s = fold(m, ev);
  CHECK(s.stage == CaseStage::Evaluated);
  CHECK(s.conflicts.empty());
  CHECK(s.resolution == "清理完毕");
  CHECK(s.timeline.back().on_behalf_of == "resident");
  CHECK_FALSE(s.level);
}

TEST_CASE("every step has its owners: other roles are refused with PermissionDenied") {
  struct Row {
    std::string what;
    At at;
    std::function<CaseEvent(Maker&, const Actor&)> make;
    std::vector<Role> owners;
  };
  const std::vector<Role> station = {Role::Director, Role::DeputyHead, Role::Staff,
                                     Role::GridWorker, Role::SocialWorker};
  const std::vector<Row> rows = {
      {"collected", At::None, [](Maker& m, const Actor& a) { return m.collected(a); }, station},
      {"resolved", At::Collected, [](Maker& m, const Actor& a) { return m.resolved(a); }, station},
      {"community whistle",
       At::Collected,
       [](Maker& m, const Actor& a) {
         auto e = m.whistled(a);
         std::get<CaseWhistled>(e.payload).level = WhistleLevel::Community;
         return e;
       },
       {Role::Director, Role::DeputyHead}},
      {"district whistle",
       At::Reopened,
       [](Maker& m, const Actor& a) {
         auto e = m.whistled(a);
         std::get<CaseWhistled>(e.payload).level = WhistleLevel::District;
         return e;
       },
       {Role::StreetOffice}},
      {"verified", At::Feedback, [](Maker& m, const Actor& a) { return m.verified(a); }, station},
      {"closed",
       At::Verified,
       [](Maker& m, const Actor& a) { return m.closed(a); },
       {Role::Director, Role::DeputyHead, Role::Staff}},
      {"reopened",
       At::Closed,
       [](Maker& m, const Actor& a) { return m.reopened(a); },
       {Role::Director, Role::DeputyHead}},
      {"evaluated (self or for the resident)",
       At::Closed,
       [](Maker& m, const Actor& a) {
         return m.make(a, CaseEvaluated{Rating::Satisfied, ""},
                       is_station_role(a.role) ? "resident" : "");
       },
       {Role::Director, Role::DeputyHead, Role::Staff, Role::GridWorker, Role::SocialWorker,
        Role::Resident}},
      {"return (退单)",
       At::Whistled,
       [](Maker& m, const Actor& a) { return m.make(a, CaseReturned{"不属本部门"}); },
       {Role::Department}},
      {"escalation (升级为区级)",
       At::Reported,
       [](Maker& m, const Actor& a) { return m.escalated({}, a); },
       {Role::StreetOffice}},
      {"sending back (退回社区)",
       At::Returned,
       [](Maker& m, const Actor& a) { return m.sent_back(a); },
       {Role::StreetOffice}},
      {"note",
       At::Verified,
       [](Maker& m, const Actor& a) { return m.note(a); },
       {Role::Director, Role::DeputyHead, Role::Staff, Role::GridWorker, Role::SocialWorker,
        Role::StreetOffice, Role::Department, Role::Resident, Role::System}},
  };
  for (const Row& row : rows) {
    for (const Actor& a : kEveryone) {
      Maker m;
      const CaseState s = fold(m, path_to(m, row.at));
      const CaseEvent e = row.make(m, a);
      const Status st = check_transition(s, e);
      const bool owner =
          std::find(row.owners.begin(), row.owners.end(), a.role) != row.owners.end();
      INFO(row.what << " by " << to_string(a.role) << ": " << st.to_string());
      CHECK(st.is_ok() == owner);
      if (!owner) CHECK(st.code() == ErrorCode::PermissionDenied);
    }
  }
  Maker m;
  const Status st = check_transition(fold(m, path_to(m, At::Collected)), m.whistled(kStaff));
  CHECK(st.message() == "staff S01 may not blow a community-level whistle on case " +
                            m.case_id.to_string().substr(0, 8) +
                            "…; only director or deputy_head may");
}

TEST_CASE("a resident records a case only at the kiosk") {
  Maker m;
  CaseEvent at_kiosk = m.collected(kResident);
  std::get<CaseCollected>(at_kiosk.payload).channel = CaseChannel::Kiosk;
  const CaseState none = fold(m, {});
  CHECK(check_transition(none, at_kiosk).is_ok());
  const Status at_window = check_transition(none, m.collected(kResident));
  CHECK(at_window.code() == ErrorCode::PermissionDenied);
  CHECK(contains(at_window.message(), "only at the kiosk"));
  CHECK(fold(m, {at_kiosk}).stage == CaseStage::Collected);
}

TEST_CASE("every step expects its states: elsewhere it is a Conflict") {
  using K = CaseEventKind;
  // For each kind: the stages that allow it. Report-in comes from kWater (whistled, not yet
  // reported), feedback from kUrban (reported in at Reported and later).
  const std::map<K, std::set<At>> allowed = {
      {K::Collected, {At::None}},
      {K::ResolvedLocally, {At::Collected, At::Reopened, At::Returned}},
      {K::Whistled, {At::Collected, At::Reopened, At::Returned}},
      {K::Reported, {At::Whistled, At::Reported, At::Feedback}},
      {K::Feedback, {At::Reported, At::Feedback}},
      {K::Verified, {At::Resolved, At::Feedback}},
      {K::Closed, {At::Verified}},
      {K::Evaluated, {At::Closed}},
      {K::Reopened, {At::Closed, At::EvaluatedBad}},
      {K::Returned, {At::Whistled, At::Reported, At::Feedback}},
      {K::Escalated, {At::Whistled, At::Reported, At::Feedback}},
      {K::SentBack, {At::Collected, At::Reopened, At::Returned}},
  };
  const std::vector<At> stages = {At::None,        At::Collected,    At::Resolved, At::Whistled,
                                  At::Reported,    At::Feedback,     At::Verified, At::Closed,
                                  At::EvaluatedOk, At::EvaluatedBad, At::Reopened, At::Returned};
  for (const auto& [kind, ok_at] : allowed) {
    for (At at : stages) {
      Maker m;
      const CaseState s = fold(m, path_to(m, at));
      REQUIRE(s.conflicts.empty());
      CaseEvent e;
      switch (kind) {
        case K::Collected:
          e = m.collected();
          break;
        case K::ResolvedLocally:
          e = m.resolved();
          break;
        case K::Whistled:
          e = m.whistled();
          break;
        case K::Reported:
          e = m.reported(kWater);
          break;
        case K::Feedback:
          e = m.feedback(kUrban);
          break;
        case K::Verified:
          e = m.verified();
          break;
        case K::Closed:
          e = m.closed();
          break;
        case K::Evaluated:
          e = m.evaluated(Rating::Satisfied);
          break;
        case K::Returned:
          e = m.returned(kWater);
          break;
        case K::Escalated:
          e = m.escalated({"dept.housing"});
          break;
        case K::SentBack:
          e = m.sent_back();
          break;
        default:
          e = m.reopened();
          break;
      }
      const Status st = check_transition(s, e);
      // INFO captures in a lambda, which may not name a structured binding before C++20's
      // rule (clang 14).
      const std::string what = std::string(to_string(kind)) + " at stage " +
                               std::string(to_string(s.stage)) + ": " + st.to_string();
      INFO(what);
      CHECK(st.is_ok() == (ok_at.count(at) == 1));
      if (!st.is_ok()) CHECK(st.code() == ErrorCode::Conflict);
      CHECK(check_transition(s, m.note()).is_ok());  // a note fits any state
    }
  }
}

TEST_CASE("a closed case cannot be whistled again: the message says to reopen it first") {
  Maker m;
  const CaseState s = fold(m, path_to(m, At::Closed));
  const Status st = check_transition(s, m.whistled(kStreet));
  REQUIRE(st.code() == ErrorCode::Conflict);
  CHECK(st.message() == "case " + m.case_id.to_string().substr(0, 8) +
                            "… is closed; a closed case cannot be whistled — reopen it first");
  const Status rated = check_transition(fold(m, path_to(m, At::EvaluatedOk)), m.reopened());
  CHECK(contains(rated.message(), "rated satisfied"));
}

TEST_CASE("only whistled departments respond, each reports in once, then gives feedback") {
  Maker m;
  std::vector<CaseEvent> ev = path_to(m, At::Whistled);
  CaseState s = fold(m, ev);
  const Status stranger = check_transition(s, m.reported("dept.police"));
  CHECK(stranger.code() == ErrorCode::PermissionDenied);
  CHECK(contains(stranger.message(), "dept.police was not whistled"));
  CHECK(contains(stranger.message(), kUrban + ", " + kWater));
  CHECK(check_transition(s, m.feedback(kUrban)).code() == ErrorCode::Conflict);

  ev.push_back(m.reported(kUrban));
  s = fold(m, ev);
  CHECK(s.stage == CaseStage::Reported);
  CHECK(check_transition(s, m.reported(kUrban)).code() == ErrorCode::Conflict);
  const Status early = check_transition(s, m.feedback(kWater));
  CHECK(early.code() == ErrorCode::Conflict);
  CHECK(contains(early.message(), "has not reported in"));
  CHECK(check_transition(s, m.feedback("dept.police")).code() == ErrorCode::PermissionDenied);

  // A second department may still report in and give feedback after the first one's.
  ev.push_back(m.feedback(kUrban));
  ev.push_back(m.reported(kWater));
  ev.push_back(m.feedback(kWater));
  ev.push_back(m.feedback(kWater));
  s = fold(m, ev);
  CHECK(s.stage == CaseStage::Feedback);
  CHECK(s.conflicts.empty());
  CHECK(s.stage_since == ev[3].hlc);  // from the first feedback
  CHECK(check_transition(s, m.verified()).is_ok());
}

TEST_CASE("station staff record a department's response taken by phone on its behalf") {
  Maker m;
  std::vector<CaseEvent> ev = path_to(m, At::Whistled);
  CaseState s = fold(m, ev);
  CHECK(check_transition(s, m.reported_by_phone(kStaff, kWater)).is_ok());
  CHECK(check_transition(s, m.reported_by_phone(kGrid, kWater)).code() ==
        ErrorCode::PermissionDenied);
  CHECK(check_transition(s, m.reported_by_phone(kStaff, "dept.police")).code() ==
        ErrorCode::PermissionDenied);
  // Without on_behalf_of staff are not a department; a department does not act for another.
  CHECK(check_transition(s, m.make(kStaff, CaseReported{})).code() == ErrorCode::PermissionDenied);
  CHECK(check_transition(s, m.make(dept(kUrban), CaseReported{}, kWater)).code() ==
        ErrorCode::Invalid);
  CHECK(check_transition(s, m.make(kStaff, CaseNote{"x"}, kWater)).code() == ErrorCode::Invalid);

  ev.push_back(m.reported_by_phone(kDeputy, kWater));
  ev.push_back(m.make(kStaff, CaseFeedback{"电话反馈：已维修"}, kWater));
  s = fold(m, ev);
  CHECK(s.conflicts.empty());
  CHECK(s.stage == CaseStage::Feedback);
  CHECK(s.departments[1].feedback);
  CHECK(s.timeline.back().actor == "S01");
  CHECK(s.timeline.back().on_behalf_of == kWater);
  CHECK(responding_department(ev.back()) == kWater);
}

TEST_CASE("an event not allowed where it falls is kept as a conflict, and settled") {
  Maker m;
  std::vector<CaseEvent> ev = path_to(m, At::Closed);
  const CaseEvent late = m.whistled(kStreet, {kWater}, WhistleKind::Key);
  ev.push_back(late);
  CaseState s = fold(m, ev);
  CHECK(s.stage == CaseStage::Closed);
  REQUIRE(s.conflicts.size() == 1);
  CHECK(s.conflicts[0].event == late);
  CHECK(s.conflicts[0].code == ErrorCode::Conflict);
  CHECK(contains(s.conflicts[0].why, "reopen it first"));

  SUBCASE("accepting it while still closed is itself kept as a conflict") {
    const CaseEvent accept = m.settle(late.id, SettleDecision::Accept);
    ev.push_back(accept);
    s = fold(m, ev);
    REQUIRE(s.conflicts.size() == 2);
    CHECK(s.conflicts[1].event.id == accept.id);
    CHECK(contains(s.conflicts[1].why, "cannot be accepted now"));
  }
  SUBCASE("after a reopen, accepting applies it at the settlement's time") {
    ev.push_back(m.reopened());
    const CaseEvent accept = m.settle(late.id, SettleDecision::Accept, kDeputy);
    ev.push_back(accept);
    s = fold(m, ev);
    CHECK(s.conflicts.empty());
    CHECK(s.stage == CaseStage::Whistled);
    CHECK(s.kind == WhistleKind::Key);
    CHECK(s.whistled_at == accept.hlc);
    CHECK(s.reopen_count == 1);
    REQUIRE(s.settled.size() == 1);
    CHECK(s.settled[0].decision == SettleDecision::Accept);
    CHECK(s.settled[0].settled_by == accept.id);
    CHECK(s.timeline.back().event == late.id);
    CHECK(s.timeline.back().accepted_by == accept.id);
    // Settling the same conflict again names no open conflict any more.
    ev.push_back(m.settle(late.id, SettleDecision::Dismiss));
    CHECK(fold(m, ev).conflicts.size() == 1);
  }
  SUBCASE("dismissing it changes nothing but the conflict list") {
    ev.push_back(m.settle(late.id, SettleDecision::Dismiss));
    s = fold(m, ev);
    CHECK(s.conflicts.empty());
    CHECK(s.stage == CaseStage::Closed);
    CHECK(s.settled.size() == 1);
  }
  SUBCASE("only a director or deputy settles") {
    const CaseEvent by_staff = m.settle(late.id, SettleDecision::Dismiss, kStaff);
    ev.push_back(by_staff);
    s = fold(m, ev);
    REQUIRE(s.conflicts.size() == 2);
    CHECK(s.conflicts[1].code == ErrorCode::PermissionDenied);
  }
}

TEST_CASE("events of another case and malformed events are kept as conflicts too") {
  Maker m;
  std::vector<CaseEvent> ev = path_to(m, At::Collected);
  Maker other;
  other.case_id = make_uuid(kT, 999);
  other.next = 1000;
  ev.push_back(other.note());
  CaseEvent empty = m.make(kStaff, CaseNote{""});
  ev.push_back(empty);
  const CaseState s = fold(m, ev);
  REQUIRE(s.conflicts.size() == 2);
  CHECK(s.conflicts[0].code == ErrorCode::Invalid);
  CHECK(contains(s.conflicts[0].why, "belongs to case"));
  CHECK(s.conflicts[1].code == ErrorCode::Invalid);
}

TEST_CASE("order of arrival and repeats do not matter; ties go by origin then id") {
  Maker m;
  std::vector<CaseEvent> ev = path_to(m, At::Feedback);
  const CaseState expected = fold(m, ev);
  std::vector<CaseEvent> messy(ev.rbegin(), ev.rend());
  messy.push_back(ev[1]);
  messy.push_back(ev[1]);
  CHECK(fold(m, messy) == expected);

  // Two notes at the same HLC: the origin decides, then the id.
  CaseEvent a = m.note(), b = m.note(), c = m.note();
  b.hlc = a.hlc;
  c.hlc = a.hlc;
  a.origin = "station:b";
  b.origin = "station:a";
  c.origin = "station:a";
  const CaseState s = fold(m, {a, c, b});
  REQUIRE(s.notes.size() == 3);
  CHECK(s.notes[0].event == b.id);
  CHECK(s.notes[1].event == c.id);
  CHECK(s.notes[2].event == a.id);
}

TEST_CASE("overdue_from is the moment after which a case is overdue, at every stage of a round") {
  CaseDeadlines dl;
  dl.emergency = {2, 12, 24};
  dl.key = {12, 48, 48};
  dl.routine = {24, 72, 72};
  Maker m;
  std::vector<CaseEvent> ev = {m.collected()};
  CHECK_FALSE(overdue_from(fold(m, ev), dl).has_value());  // collected: no deadline yet
  ev.push_back(m.whistled(kDirector, {kUrban, kWater}, WhistleKind::Emergency));
  ev.push_back(m.reported(kUrban));
  ev.push_back(m.feedback(kUrban));
  // Each prefix of the round: overdue exactly when now is after overdue_from.
  for (std::size_t n = 2; n <= ev.size(); ++n) {
    const std::vector<CaseEvent> prefix(ev.begin(), ev.begin() + static_cast<std::ptrdiff_t>(n));
    const CaseState s = fold(m, prefix);
    const auto from = overdue_from(s, dl);
    REQUIRE(from.has_value());
    CHECK(overdue(s, dl, *from).empty());
    CHECK_FALSE(overdue(s, dl, *from + 1).empty());
  }
  // The water bureau's report-in (2 h from the whistle) is due before the verification.
  CHECK(*overdue_from(fold(m, ev), dl) == ev[1].hlc.wall_ms + 2 * kHour);
  Maker local;
  CHECK_FALSE(overdue_from(fold(local, path_to(local, At::Closed)), dl).has_value());
  dl.routine.verify = 0;
  CHECK_FALSE(overdue_from(fold(local, path_to(local, At::Resolved)), dl).has_value());
}

TEST_CASE("overdue steps are found per department and by how much") {
  CaseDeadlines dl;
  dl.emergency = {2, 12, 24};
  dl.key = {12, 48, 48};
  dl.routine = {24, 72, 72};
  Maker m;
  std::vector<CaseEvent> ev = {m.collected(),
                               m.whistled(kDirector, {kUrban, kWater}, WhistleKind::Emergency)};
  const std::int64_t w = ev[1].hlc.wall_ms;
  CaseState s = fold(m, ev);
  CHECK(overdue(s, dl, w + 2 * kHour).empty());  // exactly at the deadline is in time
  auto late = overdue(s, dl, w + 3 * kHour);
  REQUIRE(late.size() == 2);
  CHECK(late[0] == Overdue{OverdueStep::ReportIn, kUrban, w + 2 * kHour, kHour});
  CHECK(late[1].department == kWater);

  ev.push_back(m.reported(kUrban));
  const std::int64_t r = ev.back().hlc.wall_ms;
  s = fold(m, ev);
  late = overdue(s, dl, r + 13 * kHour);
  REQUIRE(late.size() == 2);
  CHECK(late[0].step == OverdueStep::ReportIn);  // kWater, later by far
  CHECK(late[1] == Overdue{OverdueStep::Feedback, kUrban, r + 12 * kHour, kHour});

  ev.push_back(m.feedback(kUrban));
  const std::int64_t f = ev.back().hlc.wall_ms;
  s = fold(m, ev);
  late = overdue(s, dl, f + 25 * kHour);
  REQUIRE(late.size() == 2);
  CHECK(late[1] == Overdue{OverdueStep::Verify, "", f + 24 * kHour, kHour});

  dl.emergency.report_in = 0;  // no deadline for that step
  CHECK(overdue(fold(m, ev), dl, f + 25 * kHour).size() == 1);

  Maker local;
  std::vector<CaseEvent> lev = path_to(local, At::Resolved);
  late = overdue(fold(local, lev), dl, lev.back().hlc.wall_ms + 73 * kHour);
  REQUIRE(late.size() == 1);
  CHECK(late[0].step == OverdueStep::Verify);
  CHECK(late[0].late_ms == kHour);
  CHECK(overdue(fold(local, path_to(local, At::Closed)), dl, kT + 1000 * kHour).empty());
}

TEST_CASE(
    "a department returns a whistle (退单) with its reason; when all have, it is back with the "
    "office") {
  Maker m;
  std::vector<CaseEvent> ev = path_to(m, At::Whistled);
  ev.push_back(m.reported(kUrban));
  const CaseEvent urban_back = m.returned(kUrban, "井盖归水务");
  ev.push_back(urban_back);
  CaseState s = fold(m, ev);
  CHECK(s.conflicts.empty());
  // The only report-in left with its department: the case waits for report-ins again.
  CHECK(s.stage == CaseStage::Whistled);
  CHECK(s.departments[0].returned == urban_back.hlc);
  CHECK(s.departments[0].return_reason == "井盖归水务");
  CHECK(s.timeline.back().text == "井盖归水务");

  // A department that returned takes no further step in the round.
  const Status again = check_transition(s, m.returned(kUrban));
  CHECK(again.code() == ErrorCode::Conflict);
  CHECK(contains(again.message(), "returned the whistle"));
  CHECK(check_transition(s, m.feedback(kUrban)).code() == ErrorCode::Conflict);
  CHECK(check_transition(s, m.returned("dept.police")).code() == ErrorCode::PermissionDenied);
  const Status empty_reason = check_transition(s, m.returned(kWater, ""));
  CHECK(empty_reason.code() == ErrorCode::Invalid);
  CHECK(contains(empty_reason.message(), "reason is empty"));

  SUBCASE("after its feedback a department can no longer return") {
    ev.push_back(m.reported(kWater));
    ev.push_back(m.feedback(kWater));
    s = fold(m, ev);
    const Status late = check_transition(s, m.returned(kWater));
    CHECK(late.code() == ErrorCode::Conflict);
    CHECK(contains(late.message(), "gave feedback on"));
    CHECK(contains(late.message(), "before its feedback"));
  }
  SUBCASE("the last return puts the case back in the street office's inbox") {
    const CaseEvent water_back = m.make(kStaff, CaseReturned{"电话：非本部门"}, kWater);
    ev.push_back(water_back);
    s = fold(m, ev);
    CHECK(s.conflicts.empty());
    CHECK(s.stage == CaseStage::Returned);
    CHECK(s.stage_since == water_back.hlc);
    CHECK(s.departments[1].return_reason == "电话：非本部门");
    CHECK(s.timeline.back().on_behalf_of == kWater);
    const Status msg = check_transition(s, m.verified());
    CHECK(contains(msg.message(), "was returned by every department"));
    // A new round: the street office whistles other departments, and the old ones are gone.
    ev.push_back(m.whistled(kStreet, {"dept.housing"}, WhistleKind::Key));
    s = fold(m, ev);
    CHECK(s.conflicts.empty());
    CHECK(s.stage == CaseStage::Whistled);
    CHECK(s.level == WhistleLevel::District);
    REQUIRE(s.departments.size() == 1);
    CHECK(s.departments[0].department == "dept.housing");
    CHECK_FALSE(s.departments[0].returned);
  }
  SUBCASE("or the community settles it itself") {
    ev.push_back(m.returned(kWater));
    ev.push_back(m.resolved());
    s = fold(m, ev);
    CHECK(s.conflicts.empty());
    CHECK(s.stage == CaseStage::Resolved);
  }
}

TEST_CASE("a department's report-in carries its note and expected date, its feedback the action") {
  Maker m;
  std::vector<CaseEvent> ev = path_to(m, At::Whistled);
  const CaseEvent report = m.make(dept(kUrban), CaseReported{"明日派人", kT + 48 * kHour});
  ev.push_back(report);
  ev.push_back(m.make(kStaff, CaseReported{"电话报到"}, kWater));
  ev.push_back(m.feedback(kUrban));
  const CaseState s = fold(m, ev);
  REQUIRE(s.conflicts.empty());
  CHECK(s.departments[0].report_note == "明日派人");
  CHECK(s.departments[0].expected_ms == kT + 48 * kHour);
  CHECK(s.departments[0].feedback_action == "已清运");
  CHECK(s.departments[0].whistled == ev[1].hlc);
  CHECK(s.departments[1].report_note == "电话报到");
  CHECK(s.departments[1].expected_ms == 0);
  CHECK(s.departments[1].feedback_action.empty());
  CHECK(s.timeline[2].text == "明日派人");
  CHECK(s.timeline[0].text == "楼道堆放垃圾");
  CaseEvent never = m.make(dept(kWater), CaseReported{"", -1});
  CHECK(check_transition(s, never).code() == ErrorCode::Invalid);
}

TEST_CASE("the street office raises a community whistle to district level (升级为区级) once") {
  CaseDeadlines dl;
  dl.routine = {24, 72, 72};
  Maker m;
  std::vector<CaseEvent> ev = path_to(m, At::Reported);
  const std::int64_t whistled = ev[1].hlc.wall_ms;
  m.t += 10 * kHour;
  const CaseEvent up = m.escalated({"dept.housing"});
  ev.push_back(up);
  CaseState s = fold(m, ev);
  CHECK(s.conflicts.empty());
  CHECK(s.stage == CaseStage::Reported);  // the stage stays
  CHECK(s.level == WhistleLevel::District);
  CHECK(s.escalated_at == up.hlc);
  CHECK(s.whistled_at == ev[1].hlc);
  REQUIRE(s.departments.size() == 3);
  CHECK(s.departments[2].department == "dept.housing");
  CHECK(s.departments[2].whistled == up.hlc);
  CHECK(s.timeline.back().text == "涉及区级部门");
  // The added department's report-in is due from the escalation, not from the first whistle.
  const auto late = overdue(s, dl, whistled + 30 * kHour);
  REQUIRE(late.size() == 1);
  CHECK(late[0].department == kWater);
  CHECK(overdue(s, dl, up.hlc.wall_ms + 25 * kHour).size() == 2);
  // The added department answers like the others.
  CHECK(check_transition(s, m.reported("dept.housing")).is_ok());

  const Status twice = check_transition(s, m.escalated());
  CHECK(twice.code() == ErrorCode::Conflict);
  CHECK(contains(twice.message(), "district level already"));

  Maker m2;
  std::vector<CaseEvent> ev2 = path_to(m2, At::Whistled);
  const Status named = check_transition(fold(m2, ev2), m2.escalated({kWater}));
  CHECK(named.code() == ErrorCode::Conflict);
  CHECK(contains(named.message(), "department " + kWater + " is whistled"));
  // A district whistle cannot be raised; a collected case is whistled, not raised.
  Maker m3;
  std::vector<CaseEvent> ev3 = {m3.collected(), m3.whistled(kStreet)};
  CHECK(check_transition(fold(m3, ev3), m3.escalated()).code() == ErrorCode::Conflict);
  Maker m4;
  const Status early = check_transition(fold(m4, path_to(m4, At::Collected)), m4.escalated());
  CHECK(early.code() == ErrorCode::Conflict);
  CHECK(contains(early.message(), "whistle it at district level"));
}

TEST_CASE("the street office sends a waiting case back to its community (退回社区) with a reason") {
  Maker m;
  std::vector<CaseEvent> ev = path_to(m, At::Returned);
  const CaseEvent back = m.sent_back();
  ev.push_back(back);
  CaseState s = fold(m, ev);
  CHECK(s.conflicts.empty());
  CHECK(s.stage == CaseStage::Returned);  // the stage stays
  REQUIRE(s.sent_back);
  CHECK(s.sent_back->reason == "请社区先行协调");
  CHECK(s.sent_back->actor == kStreet.name);
  CHECK(s.sent_back->at == back.hlc);
  const Status twice = check_transition(s, m.sent_back());
  CHECK(twice.code() == ErrorCode::Conflict);
  CHECK(contains(twice.message(), "sent back to its community already"));
  CHECK(check_transition(s, m.make(kStreet, CaseSentBack{""})).code() == ErrorCode::Invalid);

  SUBCASE("the community's next whistle clears it") {
    ev.push_back(m.whistled(kDirector, {kUrban}));
    s = fold(m, ev);
    CHECK_FALSE(s.sent_back);
    CHECK(s.stage == CaseStage::Whistled);
  }
  SUBCASE("so does a local resolution") {
    ev.push_back(m.resolved());
    CHECK_FALSE(fold(m, ev).sent_back);
  }
  SUBCASE("a whistle being worked on is not sent back") {
    Maker w;
    const Status busy = check_transition(fold(w, path_to(w, At::Whistled)), w.sent_back());
    CHECK(busy.code() == ErrorCode::Conflict);
    CHECK(contains(busy.message(), "waiting for a whistle"));
  }
}

TEST_CASE("a department that returned the whistle owes no deadline") {
  CaseDeadlines dl;
  dl.routine = {24, 72, 72};
  Maker m;
  std::vector<CaseEvent> ev = path_to(m, At::Whistled);
  const std::int64_t w = ev[1].hlc.wall_ms;
  ev.push_back(m.returned(kUrban));
  const auto late = overdue(fold(m, ev), dl, w + 25 * kHour);
  REQUIRE(late.size() == 1);
  CHECK(late[0].department == kWater);
  ev.push_back(m.returned(kWater));
  CHECK(overdue(fold(m, ev), dl, w + 1000 * kHour).empty());
}
