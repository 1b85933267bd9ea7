// Test helpers for the case workflow tests: a maker of a case's events and paths to each stage.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "weimin/core/case.hpp"

namespace weimin::core::case_test {

inline constexpr std::int64_t kT = 1'795'336'200'000;  // 2026-11-22T08:30:00Z
inline constexpr std::int64_t kHour = 60 * 60 * 1000;
inline const std::string kStation = "station:530102001001";
inline const std::string kDistrict = "district:530102";
inline const std::string kUrban = "dept.urban_management";
inline const std::string kWater = "dept.water";

inline Uuid make_uuid(std::int64_t ms, std::uint64_t n) {
  Uuid u;
  for (int i = 0; i < 6; ++i) u.bytes[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  u.bytes[6] = 0x70;
  u.bytes[8] = 0x80;
  for (int i = 0; i < 7; ++i) u.bytes[15 - i] = static_cast<std::uint8_t>(n >> (8 * i));
  return u;
}

// An actor of each role, as the events name them.
struct Actor {
  std::string name;
  Role role;
};
inline const Actor kDirector{"D01", Role::Director};
inline const Actor kDeputy{"D02", Role::DeputyHead};
inline const Actor kStaff{"S01", Role::Staff};
inline const Actor kGrid{"G01", Role::GridWorker};
inline const Actor kSocial{"W01", Role::SocialWorker};
inline const Actor kStreet{"530102001", Role::StreetOffice};
inline const Actor kResident{"resident", Role::Resident};
inline const Actor kSystem{"system", Role::System};
inline Actor dept(const std::string& id) {
  return {id, Role::Department};
}
inline const std::vector<Actor> kEveryone = {kDirector, kDeputy,      kStaff,    kGrid,  kSocial,
                                             kStreet,   dept(kUrban), kResident, kSystem};

// Makes the events of one case with increasing ids and clocks.
struct Maker {
  Uuid case_id = make_uuid(kT, 0);
  std::uint64_t next = 1;
  std::int64_t t = kT;

  CaseEvent make(const Actor& a, CasePayload p, std::string on_behalf = {}) {
    t += 60'000;
    CaseEvent e;
    e.id = make_uuid(t, next++);
    e.case_id = case_id;
    e.hlc = {t, 0};
    e.origin = a.role == Role::StreetOffice || a.role == Role::Department ? kDistrict : kStation;
    e.wall_ms = t;
    e.actor = a.name;
    e.actor_role = a.role;
    e.on_behalf_of = std::move(on_behalf);
    e.payload = std::move(p);
    return e;
  }
  CaseEvent collected(const Actor& a = kStaff) {
    return make(a, CaseCollected{"env.garbage", CaseChannel::Window, "楼道堆放垃圾", "R-42"});
  }
  CaseEvent resolved(const Actor& a = kGrid) { return make(a, CaseResolved{"清理完毕"}); }
  CaseEvent whistled(const Actor& a = kDirector, std::vector<std::string> d = {kUrban, kWater},
                     WhistleKind kind = WhistleKind::Routine) {
    const auto level =
        a.role == Role::StreetOffice ? WhistleLevel::District : WhistleLevel::Community;
    return make(a, CaseWhistled{level, kind, std::move(d), ""});
  }
  CaseEvent reported(const std::string& d) { return make(dept(d), CaseReported{"已受理"}); }
  CaseEvent reported_by_phone(const Actor& a, const std::string& d) {
    return make(a, CaseReported{}, d);
  }
  CaseEvent feedback(const std::string& d) { return make(dept(d), CaseFeedback{"已清运"}); }
  CaseEvent verified(const Actor& a = kStaff) { return make(a, CaseVerified{"居民确认已解决"}); }
  CaseEvent closed(const Actor& a = kStaff) { return make(a, CaseClosed{}); }
  CaseEvent evaluated(Rating r, const Actor& a = kResident) {
    return make(a, CaseEvaluated{r, ""}, a.role == Role::Resident ? "" : "resident");
  }
  CaseEvent reopened(const Actor& a = kDirector) { return make(a, CaseReopened{"仍有垃圾"}); }
  CaseEvent note(const Actor& a = kStaff) { return make(a, CaseNote{"已电话联系"}); }
  CaseEvent settle(const Uuid& id, SettleDecision d, const Actor& a = kDirector) {
    return make(a, ConflictSettled{id, d, "核实后处理"});
  }
  CaseEvent returned(const std::string& d, std::string reason = "不属本部门职责") {
    return make(dept(d), CaseReturned{std::move(reason)});
  }
  CaseEvent escalated(std::vector<std::string> d = {}, const Actor& a = kStreet) {
    return make(a, CaseEscalated{std::move(d), "涉及区级部门"});
  }
  CaseEvent sent_back(const Actor& a = kStreet) { return make(a, CaseSentBack{"请社区先行协调"}); }
};

inline CaseState fold(const Maker& m, const std::vector<CaseEvent>& events) {
  return fold_case(m.case_id, events);
}

// Events that bring a case to a stage (departments kUrban and kWater whistled where relevant).
enum class At {
  None,
  Collected,
  Resolved,
  Whistled,
  Reported,
  Feedback,
  Verified,
  Closed,
  EvaluatedOk,
  EvaluatedBad,
  Reopened,
  Returned  // both whistled departments returned the whistle
};
inline std::vector<CaseEvent> path_to(Maker& m, At at) {
  std::vector<CaseEvent> ev;
  if (at == At::None) return ev;
  ev.push_back(m.collected());
  if (at == At::Collected) return ev;
  if (at == At::Resolved) return ev.push_back(m.resolved()), ev;
  ev.push_back(m.whistled());
  if (at == At::Whistled) return ev;
  if (at == At::Returned) {
    ev.push_back(m.returned(kUrban));
    ev.push_back(m.returned(kWater));
    return ev;
  }
  ev.push_back(m.reported(kUrban));
  if (at == At::Reported) return ev;
  ev.push_back(m.feedback(kUrban));
  if (at == At::Feedback) return ev;
  ev.push_back(m.verified());
  if (at == At::Verified) return ev;
  ev.push_back(m.closed());
  if (at == At::Closed) return ev;
  if (at == At::Reopened) return ev.push_back(m.reopened()), ev;
  ev.push_back(m.evaluated(at == At::EvaluatedOk ? Rating::Satisfied : Rating::Dissatisfied));
  return ev;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace weimin::core::case_test
