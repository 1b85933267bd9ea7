// The district's case projection (issue 13, projection.hpp): project_case's deadlines and
// timeline, rows kept by every push and district action equal to a full fold of each case's
// facts, a rebuild giving the same rows, and inbox paging that returns every matching row once
// in order. Runs on the embedded store, and on PostgreSQL with WEIMIN_TEST_STORE
// (tests/postgres).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#ifdef WEIMIN_SERVER_PG
#include <pqxx/pqxx>
#endif

#include "case_history.hpp"
#include "seed.hpp"
#include "server_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/server/cli.hpp"
#include "weimin/server/projection.hpp"
#include "weimin/storage/keyed_store.hpp"

using namespace weimin;
using namespace weimin::test;
using nlohmann::json;

namespace {

constexpr std::int64_t kHour = 3'600'000;

core::CaseDeadlines wuhua_deadlines() {
  // assets/catalog/wuhua.json's hours.
  core::CaseDeadlines d;
  d.emergency = {1, 24, 24};
  d.key = {24, 72, 48};
  d.routine = {48, 168, 72};
  return d;
}

// [SECTION] project_case

struct Events {
  core::Uuid case_id = uuid_of(1, 1);
  std::vector<core::CaseEvent> list;
  std::uint64_t n = 100;

  core::CaseEvent& add(std::int64_t at, core::Role role, std::string actor, core::CasePayload p,
                       std::string on_behalf_of = "") {
    core::CaseEvent e;
    e.id = uuid_of(2, ++n);
    e.case_id = case_id;
    e.hlc = {at, 0};
    e.origin = "station:530102001001";
    e.wall_ms = at;
    e.actor = std::move(actor);
    e.actor_role = role;
    e.on_behalf_of = std::move(on_behalf_of);
    e.payload = std::move(p);
    list.push_back(std::move(e));
    return list.back();
  }
};

const json& step_of(const json& detail, std::string_view kind, int nth = 0) {
  for (const json& s : detail["timeline"]) {
    if (s["kind"] == kind && nth-- == 0) return s;
  }
  static const json none;
  FAIL("no step " << kind);
  return none;
}

}  // namespace

TEST_CASE("project_case: each step's deadline and whether it was met, and the next one due") {
  const std::int64_t t0 = kStart;
  Events ev;
  ev.add(t0, core::Role::Staff, "S01",
         core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "楼道堆放垃圾", "r1"});
  ev.add(t0 + kHour, core::Role::Director, "D001",
         core::CaseWhistled{core::WhistleLevel::Community,
                            core::WhistleKind::Key,
                            {"urban_management", "housing"},
                            "请处理"});
  // key: report-in 24 h, feedback 72 h, verify 48 h.
  ev.add(t0 + 10 * kHour, core::Role::Staff, "S01", core::CaseReported{"收到"}, "urban_management");
  const core::Uuid late_report =
      ev.add(t0 + 30 * kHour, core::Role::Staff, "S01", core::CaseReported{""}, "housing").id;
  ev.add(t0 + 40 * kHour, core::Role::Staff, "S01", core::CaseFeedback{"已清理"},
         "urban_management");

  const core::CaseDeadlines dl = wuhua_deadlines();
  const server::CaseRow row = server::project_case(ev.case_id, ev.list, "530102001001", dl);
  CHECK(row.stage == "feedback");
  CHECK(row.office == "530102001");
  CHECK(row.tracking_code == core::tracking_code(ev.case_id));
  CHECK(row.level == "community");
  CHECK(row.kind == "key");
  CHECK(row.channel == "window");
  CHECK(row.collected_ms == t0);
  CHECK(row.last_change_ms == t0 + 40 * kHour);
  REQUIRE(row.departments.size() == 2);
  CHECK(row.departments[0] == server::CaseDepartmentRow{"urban_management", "feedback",
                                                        t0 + 25 * kHour, t0 + 10 * kHour,
                                                        t0 + 82 * kHour, t0 + 40 * kHour, 0});
  CHECK(row.departments[1] == server::CaseDepartmentRow{"housing", "reported", t0 + 25 * kHour,
                                                        t0 + 30 * kHour, t0 + 102 * kHour, 0, 0});
  // Waiting: housing's feedback (t0+102h) and the verification (first feedback + 48 h = t0+88h).
  CHECK(row.next_due_ms == t0 + 88 * kHour);
  // core::overdue agrees: nothing late at the due time itself, the verification just after.
  core::CaseState state = core::fold_case(ev.case_id, ev.list);
  CHECK(core::overdue(state, dl, row.next_due_ms).empty());
  auto late = core::overdue(state, dl, row.next_due_ms + 1);
  REQUIRE(late.size() == 1);
  CHECK(late[0].due_ms == row.next_due_ms);
  CHECK(late[0].step == core::OverdueStep::Verify);

  const json detail = json::parse(row.detail_json);
  CHECK(detail["resident_ref"] == "r1");
  CHECK(detail["resolution"] == "已清理");
  const json& collected = step_of(detail, "collected");
  CHECK(collected["text"] == "楼道堆放垃圾");
  CHECK(collected["due_ms"] == 0);
  CHECK(collected["met"].is_null());
  const json& whistled = step_of(detail, "whistled");
  CHECK(whistled["departments"] == json::array({"urban_management", "housing"}));
  CHECK(whistled["whistle_kind"] == "key");
  CHECK(whistled["level"] == "community");
  CHECK(whistled["text"] == "请处理");
  const json& first = step_of(detail, "reported", 0);
  CHECK(first["text"] == "收到");
  CHECK(first["on_behalf_of"] == "urban_management");
  CHECK(first["due_ms"] == t0 + 25 * kHour);
  CHECK(first["met"] == true);
  const json& second = step_of(detail, "reported", 1);
  CHECK(second["event"] == late_report.to_string());
  CHECK(second["met"] == false);
  const json& fb = step_of(detail, "feedback");
  CHECK(fb["due_ms"] == t0 + 82 * kHour);
  CHECK(fb["met"] == true);
  CHECK(fb["accepted_by"].is_null());

  // Verified late, then closed and evaluated: no deadline waits any more.
  ev.add(t0 + 100 * kHour, core::Role::Staff, "S01", core::CaseVerified{"居民确认"});
  ev.add(t0 + 101 * kHour, core::Role::Staff, "S01", core::CaseClosed{"结"});
  ev.add(t0 + 102 * kHour, core::Role::Resident, "resident",
         core::CaseEvaluated{core::Rating::Dissatisfied, "太慢"});
  const server::CaseRow done = server::project_case(ev.case_id, ev.list, "530102001001", dl);
  CHECK(done.stage == "evaluated");
  CHECK(done.evaluation == "dissatisfied");
  CHECK(done.next_due_ms == 0);
  const json d2 = json::parse(done.detail_json);
  CHECK(step_of(d2, "verified")["due_ms"] == t0 + 88 * kHour);
  CHECK(step_of(d2, "verified")["met"] == false);
  CHECK(step_of(d2, "evaluated")["rating"] == "dissatisfied");
  CHECK(step_of(d2, "evaluated")["text"] == "太慢");

  // Reopened: the round's whistle and departments are cleared.
  ev.add(t0 + 103 * kHour, core::Role::Director, "D001", core::CaseReopened{"居民不满意"});
  const server::CaseRow again = server::project_case(ev.case_id, ev.list, "530102001001", dl);
  CHECK(again.stage == "reopened");
  CHECK(again.reopen_count == 1);
  CHECK(again.departments.empty());
  CHECK(again.level.empty());
  CHECK(again.evaluation.empty());
  CHECK(step_of(json::parse(again.detail_json), "reopened")["text"] == "居民不满意");
}

TEST_CASE("project_case: a local resolution waits for its verification; no catalog, no deadline") {
  const std::int64_t t0 = kStart;
  Events ev;
  ev.add(t0, core::Role::Staff, "S01",
         core::CaseCollected{"env_sanitation", core::CaseChannel::Kiosk, "路灯坏了", ""});
  ev.add(t0 + kHour, core::Role::Staff, "S01", core::CaseResolved{"已修"});
  const server::CaseRow row =
      server::project_case(ev.case_id, ev.list, "530102001001", wuhua_deadlines());
  CHECK(row.stage == "resolved");
  CHECK(row.next_due_ms == t0 + 73 * kHour);  // routine verify: 72 h
  const server::CaseRow none =
      server::project_case(ev.case_id, ev.list, "530102001001", core::CaseDeadlines{});
  CHECK(none.next_due_ms == 0);
  ev.add(t0 + 2 * kHour, core::Role::Staff, "S01", core::CaseVerified{"好了"});
  const json detail = json::parse(
      server::project_case(ev.case_id, ev.list, "530102001001", wuhua_deadlines()).detail_json);
  CHECK(step_of(detail, "verified")["due_ms"] == t0 + 73 * kHour);
  CHECK(step_of(detail, "verified")["met"] == true);
  CHECK(step_of(detail, "resolved_locally")["text"] == "已修");
  const json bare = json::parse(
      server::project_case(ev.case_id, ev.list, "530102001001", core::CaseDeadlines{}).detail_json);
  CHECK(step_of(bare, "verified")["due_ms"] == 0);
  CHECK(step_of(bare, "verified")["met"].is_null());
}

TEST_CASE("project_case: notes, conflicts and settlements reach the case page") {
  const std::int64_t t0 = kStart;
  Events ev;
  ev.add(t0, core::Role::Staff, "S01",
         core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "噪音", ""});
  ev.add(t0 + kHour, core::Role::Staff, "S02", core::CaseNote{"已电话联系"});
  const core::Uuid early =
      ev.add(t0 + 2 * kHour, core::Role::Staff, "S01", core::CaseVerified{"早了"}).id;
  const core::Uuid stray =
      ev.add(t0 + 3 * kHour, core::Role::Staff, "S01", core::CaseClosed{""}).id;
  ev.add(t0 + 4 * kHour, core::Role::Director, "D001",
         core::ConflictSettled{early, core::SettleDecision::Dismiss, "误操作"});
  const server::CaseRow row =
      server::project_case(ev.case_id, ev.list, "530102001001", wuhua_deadlines());
  CHECK(row.open_conflicts == 1);
  CHECK(row.last_change_ms == t0 + 4 * kHour);
  const json detail = json::parse(row.detail_json);
  REQUIRE(detail["notes"].size() == 1);
  CHECK(detail["notes"][0]["text"] == "已电话联系");
  CHECK(detail["notes"][0]["actor"] == "S02");
  REQUIRE(detail["conflicts"].size() == 1);
  CHECK(detail["conflicts"][0]["event"] == stray.to_string());
  CHECK(detail["conflicts"][0]["kind"] == "closed");
  CHECK(detail["conflicts"][0]["code"] == "conflict");
  REQUIRE(detail["settled"].size() == 1);
  CHECK(detail["settled"][0]["event"] == early.to_string());
  CHECK(detail["settled"][0]["decision"] == "dismiss");
  CHECK(step_of(detail, "conflict_settled")["text"] == "误操作");
}

// [SECTION] The stores keep it

namespace {

std::vector<core::CaseEvent> events_of(const std::vector<server::FactRecord>& facts) {
  std::vector<core::CaseEvent> out;
  for (const auto& r : facts) {
    core::CaseEventEnvelope env{*core::Uuid::parse(r.fact.id), *core::Uuid::parse(r.fact.subject),
                                core::HlcTimestamp::unpack(static_cast<std::uint64_t>(r.fact.hlc)),
                                r.fact.origin, r.fact.wall_ms};
    auto e = core::case_event_from_body(env, r.fact.kind, r.fact.body);
    REQUIRE(e.is_ok());
    out.push_back(*e);
  }
  return out;
}

// The row a full fold of every fact the store holds for the case gives.
server::CaseRow full_fold(server::DistrictStore& store, const std::string& case_id,
                          const core::CaseDeadlines& dl) {
  auto facts = store.case_facts(case_id).value();
  std::string community;
  for (const auto& f : facts) {
    if (f.fact.kind == "case.collected") {
      community = f.community;
      break;
    }
  }
  if (community.empty() && !facts.empty()) community = facts.front().community;
  return server::project_case(*core::Uuid::parse(case_id), events_of(facts), community, dl);
}

struct Station {
  TestStation st;
  std::string stream_suffix;
  int streams = 0;
};

bool matches(const server::CaseRow& r, const server::CaseQuery& q) {
  if (!q.office.empty() && r.office != q.office) return false;
  if (!q.community.empty() && r.community != q.community) return false;
  if (!q.department.empty()) {
    bool found = false;
    for (const auto& d : r.departments) {
      found = found || (d.department == q.department &&
                        (q.department_step.empty() || d.step == q.department_step));
    }
    if (!found) return false;
  }
  if (!q.stages.empty() && std::find(q.stages.begin(), q.stages.end(), r.stage) == q.stages.end()) {
    return false;
  }
  if (!q.source.empty() && r.source != q.source) return false;
  if (!q.level.empty() && r.level != q.level) return false;
  if (!q.kind.empty() && r.kind != q.kind) return false;
  if (!q.channel.empty() && r.channel != q.channel) return false;
  if (!q.grid.empty() && r.grid != q.grid) return false;
  if (!q.tracking_code.empty() && r.tracking_code != q.tracking_code) return false;
  const bool overdue = r.next_due_ms > 0 && r.next_due_ms < q.now_ms;
  if (q.overdue_only && !overdue) return false;
  if (q.collected_from_ms > 0 && r.collected_ms < q.collected_from_ms) return false;
  if (q.collected_to_ms > 0 && r.collected_ms >= q.collected_to_ms) return false;
  return true;
}

// The inbox order, written out again: overdue first by due, then newest change, then id.
bool inbox_before(const server::CaseRow& a, const server::CaseRow& b, std::int64_t now) {
  const bool oa = a.next_due_ms > 0 && a.next_due_ms < now;
  const bool ob = b.next_due_ms > 0 && b.next_due_ms < now;
  if (oa != ob) return oa;
  if (oa && a.next_due_ms != b.next_due_ms) return a.next_due_ms < b.next_due_ms;
  if (a.last_change_ms != b.last_change_ms) return a.last_change_ms > b.last_change_ms;
  return a.case_id < b.case_id;
}

server::CaseQuery random_query(std::mt19937_64& rng, const std::vector<server::CaseRow>& rows) {
  server::CaseQuery q;
  auto maybe = [&](int one_in) { return rng() % static_cast<unsigned>(one_in) == 0; };
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  if (maybe(3)) q.office = pick({"530102001", "530102002"});
  if (maybe(4)) q.community = pick(kCommunities);
  if (maybe(3)) {
    q.department = pick(kDepartments);
    if (maybe(2)) q.department_step = pick({"whistled", "reported", "feedback"});
  }
  if (maybe(3)) {
    const std::vector<std::string> all = {"collected", "resolved",  "whistled",
                                          "reported",  "feedback",  "verified",
                                          "closed",    "evaluated", "reopened"};
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < n; ++i) q.stages.push_back(pick(all));
  }
  if (maybe(6)) q.source = pick(kSources);
  if (maybe(6)) q.level = pick({"community", "district"});
  if (maybe(6)) q.kind = pick({"emergency", "key", "routine"});
  if (maybe(8)) q.channel = pick({"window", "grid_round", "kiosk"});
  if (maybe(6)) q.grid = pick({"530102001001001", "530102001001002", "530102001002001"});
  if (maybe(10) && !rows.empty()) q.tracking_code = rows[rng() % rows.size()].tracking_code;
  q.now_ms = kStart + static_cast<std::int64_t>(rng() % (40 * 24)) * kHour -
             static_cast<std::int64_t>(rng() % (20 * 24)) * kHour;
  q.overdue_only = maybe(4);
  if (maybe(5)) q.collected_from_ms = kStart - static_cast<std::int64_t>(rng() % (20 * 24)) * kHour;
  if (maybe(5)) q.collected_to_ms = kStart - static_cast<std::int64_t>(rng() % (10 * 24)) * kHour;
  q.limit = 1 + static_cast<int>(rng() % 7);
  return q;
}

}  // namespace

TEST_CASE("the projection equals a full fold of each case's facts, after any pushes and actions") {
  const std::uint64_t seed = test::seed_from_env();
  MESSAGE("seed " << seed << " (WEIMIN_SEED to repeat)");
  std::mt19937_64 rng(seed);
  District d;
  d.publish_catalog();
  const core::CaseDeadlines dl = wuhua_deadlines();
  std::vector<TestStation> stations;
  for (const auto& c : kCommunities) stations.push_back(d.enroll(c));

  // Every station's cases, written ahead, then pushed in random order and batches, some twice;
  // the street office and the departments act at the district in between.
  const int cases_per_station = using_pg_store() ? 8 : 14;
  std::vector<std::string> case_ids;
  std::vector<std::vector<sync::FactPayload>> pending(stations.size());
  for (std::size_t s = 0; s < stations.size(); ++s) {
    for (int k = 0; k < cases_per_station; ++k) {
      const std::uint64_t space = 0x100 + s * 0x40 + static_cast<std::uint64_t>(k);
      const core::Uuid id = uuid_of(space, 0xcafe);
      case_ids.push_back(id.to_string());
      for (const auto& e : random_history(rng, id, stations[s].station_id, space)) {
        pending[s].push_back(to_fact(e));
      }
    }
    std::shuffle(pending[s].begin(), pending[s].end(), rng);
  }
  int actions = 0;
  // The district acts on a random case after each push: whistle, report in, give feedback.
  const std::size_t sent = push_in_random_batches(d, stations, pending, rng, 12, [&] {
    for (int a = 0; a < 2; ++a) {
      const std::string id = case_ids[rng() % case_ids.size()];
      const std::string dep = kDepartments[rng() % kDepartments.size()];
      d.clock().advance(static_cast<std::int64_t>(rng() % 5) * kHour);
      Result<server::CaseView> done = Status(ErrorCode::Internal, "none");
      switch (rng() % 3) {
        case 0:
          done = d.service().whistle("530102001", id, {dep},
                                     static_cast<core::WhistleKind>(rng() % 3), "街道吹哨");
          break;
        case 1:
          done = d.service().report(dep, id, "报到");
          break;
        default:
          done = d.service().feedback(dep, id, "已处理");
          break;
      }
      actions += done.is_ok() ? 1 : 0;
    }
  });
  MESSAGE(case_ids.size() << " cases, " << sent << " facts pushed, " << actions
                          << " district actions taken");

  std::vector<server::CaseRow> rows;
  int with_conflicts = 0, overdue_somewhere = 0, with_visits = 0;
  for (const auto& id : case_ids) {
    auto row = d.store().case_row(id).value();
    REQUIRE_MESSAGE(row.has_value(), id);
    const server::CaseRow expected = full_fold(d.store(), id, dl);
    CHECK_MESSAGE(*row == expected, id);
    with_conflicts += row->open_conflicts > 0 ? 1 : 0;
    with_visits += row->detail_json.find("\"visits\":[{") != std::string::npos ? 1 : 0;
    overdue_somewhere += row->next_due_ms > 0 ? 1 : 0;
    rows.push_back(*row);
  }
  CHECK(with_conflicts > 0);
  CHECK(overdue_somewhere > 0);
  CHECK(with_visits > 0);  // the histories hold case.visited facts (case_history.hpp)
  CHECK_FALSE(d.store().case_row(uuid_of(0x9999, 1).to_string()).value().has_value());

  // A rebuild from the facts gives the same rows.
  CHECK(d.store().rebuild_projection().value() == static_cast<std::int64_t>(case_ids.size()));
  for (const auto& row : rows) CHECK(d.store().case_row(row.case_id).value() == row);

  // Paging: every matching row once, in order, for random filters.
  for (auto& r : rows) r.detail_json.clear();
  for (int round = 0; round < (using_pg_store() ? 60 : 200); ++round) {
    server::CaseQuery q = random_query(rng, rows);
    std::vector<server::CaseRow> expected;
    for (const auto& r : rows) {
      if (matches(r, q)) expected.push_back(r);
    }
    std::sort(expected.begin(), expected.end(),
              [&](const auto& a, const auto& b) { return inbox_before(a, b, q.now_ms); });
    std::vector<server::CaseRow> got;
    for (int pages = 0;; ++pages) {
      REQUIRE(pages <= static_cast<int>(rows.size()) + 1);
      auto page = d.store().query_cases(q);
      REQUIRE_MESSAGE(page.is_ok(), page.status().to_string());
      CHECK(page->rows.size() <= static_cast<std::size_t>(q.limit));
      for (auto& r : page->rows) got.push_back(r);
      if (page->next.empty()) break;
      CHECK(page->rows.size() == static_cast<std::size_t>(q.limit));
      q.after = page->next;
      q.now_ms += 1000 * kHour;  // later pages keep the first page's split (the cursor's)
    }
    auto describe = [&] {
      std::string text = "query round " + std::to_string(round) + ": office " + q.office +
                         " community " + q.community + " department " + q.department + "/" +
                         q.department_step + " stages";
      for (const auto& st : q.stages) text += " " + st;
      text += " source " + q.source + " level " + q.level + " kind " + q.kind + " channel " +
              q.channel + " code " + q.tracking_code + " overdue_only " +
              std::to_string(q.overdue_only) + " now " + std::to_string(q.now_ms) + " from " +
              std::to_string(q.collected_from_ms) + " to " + std::to_string(q.collected_to_ms) +
              " limit " + std::to_string(q.limit) + "\n got:";
      for (const auto& r : got)
        text += " " + r.case_id.substr(4, 4) + "/" + std::to_string(r.next_due_ms) + "/" +
                std::to_string(r.last_change_ms);
      text += "\n expected:";
      for (const auto& r : expected)
        text += " " + r.case_id.substr(4, 4) + "/" + std::to_string(r.next_due_ms) + "/" +
                std::to_string(r.last_change_ms);
      return text;
    };
    CHECK_MESSAGE(got == expected, describe());
  }
}

TEST_CASE("inbox queries refuse a bad limit, a step without its department and a foreign cursor") {
  District d;
  server::CaseQuery q;
  q.limit = 0;
  CHECK(d.store().query_cases(q).status().code() == ErrorCode::Invalid);
  q.limit = 201;
  CHECK(d.store().query_cases(q).status().code() == ErrorCode::Invalid);
  q.limit = 200;
  CHECK(d.store().query_cases(q).is_ok());
  q.department_step = "whistled";
  CHECK(d.store().query_cases(q).status().code() == ErrorCode::Invalid);
  q.department_step.clear();
  q.after = "page-2";
  auto bad = d.store().query_cases(q);
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().message().find("first page") != std::string::npos);
}

TEST_CASE("an inbox lists overdue cases first, earliest due first, then the newest changes") {
  District d;
  d.publish_catalog();
  TestStation st = d.enroll("530102001001");
  // Four cases whistled (routine: report-in 48 h) at different times; one not whistled.
  std::vector<core::Uuid> ids;
  std::vector<sync::FactPayload> facts;
  for (int k = 0; k < 5; ++k) {
    Events ev;
    ev.case_id = uuid_of(0x500 + static_cast<std::uint64_t>(k), 1);
    ev.n = 1000 * static_cast<std::uint64_t>(k);
    const std::int64_t t = kStart - (10 - k) * 24 * kHour;
    ev.add(t, core::Role::Staff, "S01",
           core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "问题", ""});
    if (k < 4) {
      ev.add(t + kHour, core::Role::Director, "D001",
             core::CaseWhistled{
                 core::WhistleLevel::Community, core::WhistleKind::Routine, {"housing"}, ""});
    }
    for (auto& e : ev.list) {
      e.origin = st.station_id;
      facts.push_back(to_fact(e));
    }
    ids.push_back(ev.case_id);
  }
  push_facts(d, st, facts);
  server::CaseQuery q;
  // Cases 0 and 1 are due before now (whistled 10 and 9 days ago), 2 and 3 later.
  q.now_ms = kStart - 6 * 24 * kHour;
  q.limit = 2;
  std::vector<std::string> order;
  while (true) {
    auto page = d.store().query_cases(q).value();
    for (const auto& r : page.rows) order.push_back(r.case_id);
    if (page.next.empty()) break;
    q.after = page.next;
  }
  const std::vector<std::string> expected = {ids[0].to_string(), ids[1].to_string(),
                                             ids[4].to_string(), ids[3].to_string(),
                                             ids[2].to_string()};
  CHECK(order == expected);
  server::CaseQuery late;
  late.now_ms = q.now_ms;
  late.overdue_only = true;
  late.department = "housing";
  late.department_step = "whistled";
  auto page = d.store().query_cases(late).value();
  REQUIRE(page.rows.size() == 2);
  CHECK(page.rows[0].case_id == ids[0].to_string());
  CHECK(page.rows[0].departments.at(0).report_due_ms == kStart - 10 * 24 * kHour + 49 * kHour);
  CHECK(page.rows[0].detail_json.empty());
}

TEST_CASE("an embedded store of before the projection and the figures gets them when opened") {
  if (using_pg_store()) return;  // PostgreSQL: fill_projection_if_missing, same rule
  District d;
  d.publish_catalog();
  TestStation st = d.enroll("530102001001");
  Events ev;
  ev.add(kStart, core::Role::Staff, "S01",
         core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "井盖缺失", ""});
  ev.add(kStart + kHour, core::Role::Director, "D001",
         core::CaseWhistled{
             core::WhistleLevel::Community, core::WhistleKind::Emergency, {"police"}, ""});
  std::vector<sync::FactPayload> facts;
  for (auto& e : ev.list) {
    e.origin = st.station_id;
    facts.push_back(to_fact(e));
  }
  push_facts(d, st, facts);
  const server::CaseRow before = d.store().case_row(ev.case_id.to_string()).value().value();
  CHECK(before.stage == "whistled");
  CHECK(before.next_due_ms == kStart + 2 * kHour);  // emergency: report-in within 1 h
  const server::FigureQuery month{"2026-11-01", "2026-11-30", "day", "", "", "", kStart, false};
  const server::DistrictFigures figures_before = d.store().figures(month).value();
  CHECK(figures_before.total.whistles == 1);
  d.close();
  {
    auto kek = d.keys().load_or_create();
    REQUIRE(kek.is_ok());
    auto raw = storage::KeyedStore::open(d.dir() / "data", "district.db", *kek);
    REQUIRE(raw.is_ok());
    REQUIRE(raw->db()
                .exec(R"SQL(
      DROP TABLE case_rows;
      DROP TABLE case_departments;
      DROP TABLE figure_units;
      DROP TABLE unit_days;
      DROP TABLE unit_sums;
      DROP TABLE return_days;
      DROP TABLE queue_days;
      DROP TABLE queue_days_stale;
      DROP TABLE accounts;
      DROP TABLE sessions;
      DROP TABLE audit;
      CREATE TABLE stations_v4 (station_id TEXT PRIMARY KEY, community TEXT NOT NULL,
        public_key BLOB NOT NULL, enrolled_ms INTEGER NOT NULL, skew_ms INTEGER,
        skew_at_ms INTEGER NOT NULL DEFAULT 0);
      INSERT INTO stations_v4 SELECT station_id, community, public_key, enrolled_ms, skew_ms,
        skew_at_ms FROM stations;
      DROP TABLE stations;
      ALTER TABLE stations_v4 RENAME TO stations;
      DELETE FROM schema_migrations WHERE version >= 5;
    )SQL")
                .is_ok());
  }
  d.reopen();
  auto after = d.store().case_row(ev.case_id.to_string());
  REQUIRE_MESSAGE(after.is_ok(), after.status().to_string());
  CHECK(*after == before);
  CHECK(d.store().figures(month).value() == figures_before);
}

// Runs `sql` on the test's store as it is on disk: the embedded file, or the PostgreSQL schema.
void run_raw_sql(District& d, const std::string& sql) {
  if (using_pg_store()) {
#ifdef WEIMIN_SERVER_PG
    const std::string& url = d.pg_url();
    const std::string schema = url.substr(url.find("schema=") + 7);
    pqxx::connection c(url.substr(0, url.find("schema=") - 1));
    pqxx::work w(c);
    w.exec("SET LOCAL search_path TO " + schema);
    w.exec(sql);
    w.commit();
#endif
    return;
  }
  auto kek = d.keys().load_or_create();
  REQUIRE(kek.is_ok());
  auto raw = storage::KeyedStore::open(d.dir() / "data", "district.db", *kek);
  REQUIRE(raw.is_ok());
  REQUIRE(raw->db().exec(sql).is_ok());
}

TEST_CASE("a store of before the figures' sums per breakdown gets them when opened") {
  // Embedded schema 11, PostgreSQL 9: figure_units and unit_days, no unit_sums or return_days.
  District d;
  d.publish_catalog();
  TestStation st = d.enroll("530102001001");
  std::vector<sync::FactPayload> facts;
  for (int i = 0; i < 3; ++i) {
    Events ev;
    ev.case_id = uuid_of(0x700 + static_cast<std::uint64_t>(i), 1);
    ev.n = 1000 * static_cast<std::uint64_t>(i);
    ev.add(kStart + i * kHour, core::Role::Staff, "S01",
           core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "井盖缺失", ""});
    ev.add(kStart + i * kHour + 60'000, core::Role::Director, "D001",
           core::CaseWhistled{core::WhistleLevel::Community,
                              i == 0 ? core::WhistleKind::Emergency : core::WhistleKind::Routine,
                              {"police", "housing"},
                              ""});
    if (i == 1) {
      ev.add(kStart + 2 * kHour, core::Role::Staff, "S01", core::CaseReturned{"属于物业管理范围"},
             "police");
    }
    for (auto& e : ev.list) {
      e.origin = st.station_id;
      facts.push_back(to_fact(e));
    }
  }
  push_facts(d, st, facts);
  const server::FigureQuery month{"2026-11-01", "2026-11-30",       "day", "", "",
                                  "",           kStart + 5 * kHour, false};
  const server::DistrictFigures before = d.store().figures(month).value();
  REQUIRE(before.total.whistles == 3);
  REQUIRE(before.returns.size() == 1);
  REQUIRE(before.by_level.size() == 1);
  d.close();
  run_raw_sql(d, using_pg_store() ? "DROP TABLE unit_sums; DROP TABLE return_days; DELETE FROM "
                                    "schema_migration WHERE version >= 10;"
                                  : "DROP TABLE unit_sums; DROP TABLE return_days; DELETE FROM "
                                    "schema_migrations WHERE version >= 12;");
  d.reopen();
  CHECK(d.store().figures(month).value() == before);
}

TEST_CASE("weimin-district projection rebuild remakes the rows and says how many cases") {
  if (using_pg_store()) return;  // the command opens --data; the store test above covers both
  TempDir dir;
  const std::string data = (dir.path() / "data").string();
  const std::string key = (dir.path() / "kek").string();
  auto run = [&](std::vector<std::string> args, std::string* out) {
    std::vector<std::string> all = {"--data", data, "--key-file", key, "--district", "530102"};
    for (auto& a : args) all.push_back(std::move(a));
    std::istringstream in;
    std::ostringstream o, e;
    const int code = server::run_district_cli(all, {in, o, e});
    *out = o.str() + e.str();
    return code;
  };
  std::string out;
  REQUIRE(run({"init"}, &out) == 0);
  {
    platform::FileKeyStore keys(key, data);
    auto store =
        server::open_embedded_store(data, keys, server::EmbeddedStoreOptions{"530102", kStart});
    REQUIRE(store.is_ok());
    Events ev;
    ev.add(kStart, core::Role::Staff, "S01",
           core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "漏水", ""});
    REQUIRE(
        (*store)
            ->append_facts({server::FactRecord{to_fact(ev.list[0]), "530102001001", kStart, {}}})
            .is_ok());
  }
  CHECK(run({"projection", "rebuild"}, &out) == 0);
  CHECK_MESSAGE(out.find("rebuilt the projection of 1 case in ") == 0, out);
  CHECK(run({"--json", "projection", "rebuild"}, &out) == 0);
  CHECK_MESSAGE(json::parse(out)["cases"] == 1, out);
  CHECK(run({"projection"}, &out) == 2);
}

TEST_CASE(
    "GET /v1/cases pages the projection: every case the fold listed once, byte for byte, and "
    "a bad limit, cursor or field is refused") {
  const std::uint64_t seed = test::seed_from_env();
  MESSAGE("seed " << seed << " (WEIMIN_SEED to repeat)");
  std::mt19937_64 rng(seed);
  District d;
  d.publish_catalog();
  std::vector<TestStation> stations;
  for (const auto& c : kCommunities) stations.push_back(d.enroll(c));
  const int cases_per_station = using_pg_store() ? 6 : 12;
  std::vector<std::string> case_ids;
  std::vector<std::vector<sync::FactPayload>> pending(stations.size());
  for (std::size_t s = 0; s < stations.size(); ++s) {
    for (int k = 0; k < cases_per_station; ++k) {
      const std::uint64_t space = 0x700 + s * 0x40 + static_cast<std::uint64_t>(k);
      const core::Uuid id = uuid_of(space, 0xcafe);
      case_ids.push_back(id.to_string());
      for (const auto& e : random_history(rng, id, stations[s].station_id, space)) {
        pending[s].push_back(to_fact(e));
      }
    }
    std::shuffle(pending[s].begin(), pending[s].end(), rng);
  }
  push_in_random_batches(d, stations, pending, rng, 12, [&] {
    const std::string id = case_ids[rng() % case_ids.size()];
    const std::string dep = kDepartments[rng() % kDepartments.size()];
    d.clock().advance(static_cast<std::int64_t>(rng() % 5) * kHour);
    (void)(rng() % 2 ? d.service().whistle("530102001", id, {dep}, core::WhistleKind::Routine, "")
                     : d.service().report(dep, id, "报到"));
  });
  d.clock().advance(30 * 24 * kHour);  // some deadlines passed: overdue cases come first

  // What the fold lists (the API of before): a department's cases of its current round; an
  // office's cases of its communities with a whistle that took effect.
  auto folded = d.service().cases_for("");
  REQUIRE_MESSAGE(folded.is_ok(), folded.status().to_string());
  auto expected_for = [&](const std::string& role, const std::string& actor) {
    std::map<std::string, std::string> out;
    for (const server::CaseView& v : *folded) {
      bool in = false;
      if (role == "department") {
        for (const auto& dep : v.state.departments) in = in || dep.department == actor;
      } else {
        in = v.community.starts_with(actor) &&
             std::any_of(v.state.timeline.begin(), v.state.timeline.end(),
                         [](const auto& s) { return s.kind == core::CaseEventKind::Whistled; });
      }
      if (in) out[v.case_id] = server::to_json(v).dump();
    }
    return out;
  };
  std::vector<std::pair<std::string, std::string>> actors;  // (role, actor)
  for (const auto& dep : kDepartments) actors.emplace_back("department", dep);
  for (const auto& c : kCommunities) {
    if (std::find(actors.begin(), actors.end(),
                  std::pair<std::string, std::string>("street_office", c.substr(0, 9))) ==
        actors.end()) {
      actors.emplace_back("street_office", c.substr(0, 9));
    }
  }
  std::size_t listed = 0;
  for (const auto& role_actor : actors) {
    // Named, not a structured binding: clang 14 cannot capture one (CAPTURE, the lambdas).
    const std::string& role = role_actor.first;
    const std::string& actor = role_actor.second;
    CAPTURE(actor);
    const std::string token =
        d.service()
            .issue_actor_token(
                actor, role == "department" ? core::Role::Department : core::Role::StreetOffice)
            .value();
    auto get = [&](const std::string& query) {
      sync::HttpRequest r{"GET", "/v1/cases", query, {}, ""};
      r.headers["Authorization"] = "Bearer " + token;
      return d.call(r);
    };
    const std::map<std::string, std::string> expected = expected_for(role, actor);
    // Pages of 7 through `next`: each case once, as its fold says, byte for byte.
    std::map<std::string, std::string> got;
    std::string after;
    int pages = 0;
    do {
      auto r = get("limit=7" + (after.empty() ? std::string() : "&after=" + after));
      REQUIRE_MESSAGE(r.status == 200, r.body);
      const json page = json::parse(r.body);
      CHECK(page["cases"].size() <= 7);
      for (const json& c : page["cases"]) {
        CHECK(got.emplace(c["case"].get<std::string>(), c.dump()).second);
      }
      after = page.contains("next") ? page["next"].get<std::string>() : "";
      CHECK((after.empty() || page["cases"].size() == 7));
      ++pages;
    } while (!after.empty() && pages < 1000);
    CHECK(got == expected);
    listed += got.size();
    // One page of all: no `next`; the answer as before (cases and server_ms only).
    auto whole = get("");
    REQUIRE(whole.status == 200);
    const json all = json::parse(whole.body);
    if (expected.size() <= 200) {
      CHECK_FALSE(all.contains("next"));
      CHECK(all.size() == 2);
      CHECK(all["cases"].size() == expected.size());
    }
  }
  CHECK(listed > 0);

  // Refusals.
  const std::string token =
      d.service().issue_actor_token(kDepartments[0], core::Role::Department).value();
  for (const std::string q : {"limit=0", "limit=201", "limit=x", "after=c1.nope", "page=2"}) {
    CAPTURE(q);
    sync::HttpRequest r{"GET", "/v1/cases", q, {}, ""};
    r.headers["Authorization"] = "Bearer " + token;
    CHECK(d.call(r).status == 400);
  }
}
