// Consultation (社区协商) and the work-access / certificate registers: strict JSON, validation,
// and folds that give the same state for any order of the same facts, conflicts kept.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "seed.hpp"
#include "weimin/core/consultation.hpp"
#include "weimin/core/work_access_register.hpp"

using weimin::ErrorCode;
using weimin::Status;
using namespace weimin::core;

namespace {

constexpr std::int64_t kT = 1'790'000'000'000;
const std::string kOrigin = "station:530102001001";

const Catalog& wuhua() {
  static const Catalog catalog = [] {
    std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json",
                     std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto r = parse_catalog(text.str(), "wuhua.json");
    REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
    return std::move(r).value();
  }();
  return catalog;
}

Uuid uid(int n) {
  char text[37];
  std::snprintf(text, sizeof text, "0190a000-0000-7000-8000-%012d", n);
  return *Uuid::parse(text);
}

CivilDate day(const char* text) {
  return *CivilDate::parse(text);
}

ConsultEvent consult(int n, int topic, decltype(ConsultEvent::body) body) {
  ConsultEvent e;
  e.id = uid(n);
  e.topic = uid(topic);
  e.hlc = HlcTimestamp{kT + n, 0};
  e.wall_ms = kT + n;
  e.origin = kOrigin;
  e.staff = "S001";
  e.body = std::move(body);
  return e;
}

RegisterEvent reg(int n, int subject, decltype(RegisterEvent::body) body) {
  RegisterEvent e;
  e.id = uid(n);
  e.subject = uid(subject);
  e.hlc = HlcTimestamp{kT + n, 0};
  e.wall_ms = kT + n;
  e.origin = kOrigin;
  e.staff = "S001";
  e.body = std::move(body);
  return e;
}

std::vector<ConsultEvent> consultation_history() {
  return {
      consult(1, 1, ConsultTopicRaised{"小区停车难", "晚上车位不够", true}),
      consult(2, 1, ConsultMeetingHeld{day("2026-11-02"), 23, "居民、物业、业委会讨论", "物业"}),
      consult(3, 1, ConsultDecisionMade{"划定夜间临时车位", uid(2)}),
      consult(4, 1, ConsultDecisionMade{"物业增加巡查", uid(2)}),
      consult(5, 1, ConsultDecisionDone{uid(3), day("2026-11-10"), "已划线"}),
      consult(6, 6, ConsultTopicRaised{"加装电梯", "", false}),
      consult(7, 6, ConsultMeetingHeld{day("2026-11-05"), 12, "意见不一，下次再议", ""}),
      // Conflicts: a decision carried out twice, a meeting on a topic nobody raised.
      consult(8, 1, ConsultDecisionDone{uid(3), day("2026-11-12"), ""}),
      consult(9, 99, ConsultMeetingHeld{day("2026-11-06"), 5, "无此议题", ""}),
  };
}

std::vector<RegisterEvent> register_history() {
  return {
      reg(1, 1,
          AccessApplied{"urban_management", "要求社区承担占道经营执法", "五城管〔2026〕12号",
                        WorkAccessVerdict::NeedsApproval, WorkAccessReason::AbolishedWork}),
      reg(2, 1,
          AccessDecided{false, "五华区社区建设工作领导小组", day("2026-11-20"), "属执法事项"}),
      reg(3, 3,
          AccessApplied{"urban_management", "协助开展文明城市创建入户宣传", "",
                        WorkAccessVerdict::NeedsApproval, WorkAccessReason::NoCloseMatch}),
      reg(4, 3, AccessDecided{true, "五华区社区建设工作领导小组", day("2026-11-21"), "经费随事转"}),
      // Conflict: a second decision on the refused application.
      reg(5, 1, AccessDecided{true, "某街道", day("2026-11-22"), ""}),
      reg(6, 6,
          CertificateIssued{"economic_hardship", "张*", "530102********1234", "失业，家庭困难",
                            day("2026-11-23")}),
      // Conflict: a certificate the catalog forbids, arriving from elsewhere.
      reg(7, 7,
          CertificateIssued{"residence", "李*", "530102********5678", "要求开居住证明",
                            day("2026-11-23")}),
  };
}

}  // namespace

TEST_CASE("consultation facts round-trip through JSON and unknown fields are refused") {
  for (const auto& e : consultation_history()) {
    auto back = parse_consult_event(to_json(e).dump());
    REQUIRE_MESSAGE(back.is_ok(), back.status().to_string());
    CHECK(*back == e);
  }
  nlohmann::json j = to_json(consultation_history()[1]);
  j["mood"] = "good";
  auto r = consult_event_from_json(j);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message().find("unknown field \"mood\"") != std::string::npos);
  j.erase("mood");
  j.erase("minutes");
  CHECK_FALSE(consult_event_from_json(j).is_ok());
  j = to_json(consultation_history()[1]);
  j["participants"] = 0;
  CHECK_FALSE(consult_event_from_json(j).is_ok());
}

TEST_CASE("a consultation text holding a clear phone number is refused") {
  auto e = consult(1, 1, ConsultTopicRaised{"噪音", "请联系13912345678", true});
  Status s = validate(e);
  CHECK(s.code() == ErrorCode::Invalid);
  CHECK(s.message().find("mask") != std::string::npos);
  auto long_title = consult(1, 1, ConsultTopicRaised{std::string(101, 'a'), "", true});
  CHECK_FALSE(validate(long_title).is_ok());
}

TEST_CASE("the consultation fold counts activities, items and carried out, and keeps conflicts") {
  const ConsultState st = fold_consultations(consultation_history());
  const ConsultFigures f = st.figures();
  CHECK(f.topics == 2);
  CHECK(f.activities == 2);
  CHECK(f.items == 2);
  CHECK(f.carried_out == 1);
  CHECK(st.find(uid(1))->status() == TopicStatus::Decided);
  CHECK(st.find(uid(6))->status() == TopicStatus::Discussed);
  REQUIRE(st.conflicts.size() == 2);
  CHECK(st.conflicts[0].event.id == uid(8));
  CHECK(st.conflicts[0].reason.find("carried out already") != std::string::npos);
  CHECK(st.conflicts[1].event.id == uid(9));
}

TEST_CASE("any order of the same consultation facts gives the same state") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  INFO("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const auto facts = consultation_history();
  const ConsultState expected = fold_consultations(facts);
  for (int round = 0; round < 200; ++round) {
    auto shuffled = facts;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    if (round % 3 == 0) shuffled.push_back(shuffled[rng() % shuffled.size()]);  // a duplicate
    CHECK(fold_consultations(shuffled) == expected);
  }
}

TEST_CASE("register facts round-trip and a clear identity number is refused") {
  for (const auto& e : register_history()) {
    auto back = parse_register_event(to_json(e).dump());
    REQUIRE_MESSAGE(back.is_ok(), back.status().to_string());
    CHECK(*back == e);
  }
  auto clear = reg(6, 6,
                   CertificateIssued{"economic_hardship", "张三", "530102199001011234", "失业",
                                     day("2026-11-23")});
  Status s = validate(clear);
  CHECK(s.code() == ErrorCode::Invalid);
  CHECK(s.message().find("masked") != std::string::npos);
  nlohmann::json j = to_json(register_history()[0]);
  j["priority"] = 1;
  CHECK(register_event_from_json(j).status().message().find("unknown field") != std::string::npos);
  auto no_staff = register_history()[0];
  no_staff.staff.clear();
  CHECK_FALSE(validate(no_staff).is_ok());
}

TEST_CASE("a certificate the catalog does not let a committee issue is refused") {
  CHECK(check_certificate_issuable(wuhua(), "economic_hardship").is_ok());
  Status s = check_certificate_issuable(wuhua(), "residence");
  CHECK(s.code() == ErrorCode::Rejected);
  CHECK(s.message().find("may not issue") != std::string::npos);
  CHECK(check_certificate_issuable(wuhua(), "no_such").code() == ErrorCode::NotFound);
  RegisterState empty;
  CHECK(check(wuhua(), empty, register_history()[6]).code() == ErrorCode::Rejected);
  CHECK(check(wuhua(), empty, register_history()[5]).is_ok());
}

TEST_CASE("the register fold: catalogue of approved items, figures, conflicts kept") {
  const RegisterState st = fold_register(wuhua(), register_history());
  const RegisterFigures f = st.figures();
  CHECK(f.applications == 2);
  CHECK(f.approved == 1);
  CHECK(f.refused == 1);
  CHECK(f.pending == 0);
  CHECK(f.certificates == 1);
  REQUIRE(st.catalogue().size() == 1);
  CHECK(st.catalogue()[0]->id == uid(3));
  CHECK(st.find_application(uid(1))->status() == ApplicationStatus::Refused);
  REQUIRE(st.conflicts.size() == 2);
  CHECK(st.conflicts[0].event.id == uid(5));
  CHECK(st.conflicts[0].code == ErrorCode::Conflict);
  CHECK(st.conflicts[1].event.id == uid(7));
  CHECK(st.conflicts[1].code == ErrorCode::Rejected);
}

TEST_CASE("any order of the same register facts gives the same state") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  INFO("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const auto facts = register_history();
  const RegisterState expected = fold_register(wuhua(), facts);
  for (int round = 0; round < 200; ++round) {
    auto shuffled = facts;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    if (round % 3 == 0) shuffled.push_back(shuffled[rng() % shuffled.size()]);
    CHECK(fold_register(wuhua(), shuffled) == expected);
  }
}

TEST_CASE("the check consults the register: an approved task says when and by whom") {
  const RegisterState st = fold_register(wuhua(), register_history());
  // Catalog alone: needs approval. With the register: approved on the 21st (application 3).
  auto lists = check_work_access(wuhua(), "请社区协助开展文明城市创建入户宣传工作");
  REQUIRE(lists.is_ok());
  CHECK(lists->verdict == WorkAccessVerdict::NeedsApproval);
  CHECK_FALSE(lists->registered.has_value());
  auto d = check_work_access(wuhua(), st, "请社区协助开展文明城市创建入户宣传工作");
  REQUIRE_MESSAGE(d.is_ok(), d.status().to_string());
  CHECK(d->verdict == WorkAccessVerdict::Approved);
  CHECK(d->reason == WorkAccessReason::ApprovedApplication);
  REQUIRE(d->registered.has_value());
  CHECK(d->registered->application == uid(3).to_string());
  CHECK(d->registered->approved);
  CHECK(d->registered->decided_on == "2026-11-21");
  CHECK(d->registered->decided_by == "五华区社区建设工作领导小组");
  CHECK(d->explanation.en.find("Approved on 2026-11-21 by 五华区社区建设工作领导小组") !=
        std::string::npos);
  CHECK(d->explanation.en.find(uid(3).to_string().substr(28)) != std::string::npos);
  CHECK(to_string(d->verdict) == "approved");

  // The refused one: refused, whatever the later conflicting decision (kept as a conflict).
  auto r = check_work_access(wuhua(), st, "要求社区承担占道经营执法");
  REQUIRE(r.is_ok());
  CHECK(r->verdict == WorkAccessVerdict::NeedsApproval);
  CHECK(r->reason == WorkAccessReason::RefusedApplication);
  REQUIRE(r->registered.has_value());
  CHECK_FALSE(r->registered->approved);
  CHECK(r->explanation.en.find("Refused on 2026-11-20") != std::string::npos);

  // A task like neither is as the lists say; a pending one is named, nothing else changes.
  auto other = check_work_access(wuhua(), st, "完成招商引资任务指标");
  REQUIRE(other.is_ok());
  CHECK(other->reason == WorkAccessReason::AbolishedWork);
  CHECK_FALSE(other->registered.has_value());
  RegisterState pending = fold_register(wuhua(), {register_history()[2]});
  auto p = check_work_access(wuhua(), pending, "协助开展文明城市创建入户宣传");
  REQUIRE(p.is_ok());
  CHECK(p->verdict == WorkAccessVerdict::NeedsApproval);
  CHECK_FALSE(p->registered.has_value());
  CHECK(p->explanation.en.find("awaits the leading group's decision") != std::string::npos);
  CHECK(check_work_access(wuhua(), st, "  ").status().code() == ErrorCode::Invalid);
}

TEST_CASE("task_similarity: the same task in other words is close, another task is not") {
  CHECK(task_similarity("协助开展文明城市创建入户宣传", "文明城市创建入户宣传") == 1.0);
  CHECK(task_similarity("协助开展文明城市创建入户宣传", "请社区协助开展文明城市创建入户宣传工作") ==
        1.0);
  CHECK(task_similarity("协助开展文明城市创建入户宣传", "文明城市创建宣传入户") >= kSameTaskScore);
  CHECK(task_similarity("协助开展文明城市创建入户宣传", "协助开展反诈宣传入户") < kSameTaskScore);
  CHECK(task_similarity("占道经营执法", "") == 0.0);
  CHECK(task_similarity("\xff", "占道经营执法") == 0.0);
}
