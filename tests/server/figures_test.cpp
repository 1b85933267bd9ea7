// The district's figures (issue 15, figures.hpp, docs/FIGURES.md): the units a case's steps make,
// the three rates' formulas, rankings, the period's checks, local dates whatever the server's
// zone, the monthly staff sheet, the scopes — and, as a property, every figure the store gives
// equal to a brute-force count over all facts, for random histories pushed out of order and twice,
// after district actions and after a rebuild. Runs on the embedded store, and on PostgreSQL with
// WEIMIN_TEST_STORE (tests/postgres).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "case_history.hpp"
#include "embedded_figures.hpp"
#include "seed.hpp"
#include "server_fixture.hpp"
#include "ticket_history.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/evaluation.hpp"
#include "weimin/core/ticket.hpp"
#include "weimin/server/figures.hpp"
#include "weimin/server/scope.hpp"

using namespace weimin;
using namespace weimin::test;

namespace {

constexpr std::int64_t kHour = 3'600'000;

core::CaseDeadlines wuhua_deadlines() {
  // assets/catalog/wuhua.json's hours: report-in, feedback, verify.
  core::CaseDeadlines d;
  d.emergency = {1, 24, 24};
  d.key = {24, 72, 48};
  d.routine = {48, 168, 72};
  return d;
}

core::Catalog wuhua_catalog() {
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json");
  std::stringstream text;
  text << in.rdbuf();
  return core::parse_catalog(text.str(), "wuhua.json").value();
}

struct Case {
  core::Uuid case_id = uuid_of(7, 1);
  std::vector<core::CaseEvent> list;
  std::uint64_t n = 0;

  void add(std::int64_t at, core::Role role, std::string actor, core::CasePayload p,
           std::string on_behalf_of = "") {
    core::CaseEvent e;
    e.id = uuid_of(8, ++n);
    e.case_id = case_id;
    e.hlc = {at, 0};
    e.origin = "station:530102001001";
    e.wall_ms = at;
    e.actor = std::move(actor);
    e.actor_role = role;
    e.on_behalf_of = std::move(on_behalf_of);
    e.payload = std::move(p);
    list.push_back(std::move(e));
  }
};

}  // namespace

TEST_CASE("a case's figure units: one per department named in each whistle round") {
  // Whistled at 2026-11-21 17:00 UTC, which is 2026-11-22 01:00 in Kunming: the unit's day.
  const std::int64_t t0 = kStart - 15 * kHour - 30 * 60'000;
  Case c;
  c.add(t0 - kHour, core::Role::Staff, "S01",
        core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "路灯不亮", ""});
  c.add(t0, core::Role::Director, "D001",
        core::CaseWhistled{
            core::WhistleLevel::Community, core::WhistleKind::Key, {"housing", "police"}, ""});
  c.add(t0 + 2 * kHour, core::Role::Staff, "S01", core::CaseReported{"到", 0}, "housing");
  c.add(t0 + 3 * kHour, core::Role::StreetOffice, "530102001",
        core::CaseEscalated{{"health"}, "升级"});
  c.add(t0 + 30 * kHour, core::Role::Staff, "S01", core::CaseReturned{"非本部门职责"}, "police");
  c.add(t0 + 40 * kHour, core::Role::Staff, "S01", core::CaseFeedback{"修好了"}, "housing");
  c.add(t0 + 41 * kHour, core::Role::Staff, "S01", core::CaseFeedback{"又修了"}, "housing");
  c.add(t0 + 50 * kHour, core::Role::Staff, "S01", core::CaseVerified{"亮了"});
  c.add(t0 + 51 * kHour, core::Role::Staff, "S01", core::CaseClosed{""});
  c.add(t0 + 52 * kHour, core::Role::Resident, "resident",
        core::CaseEvaluated{core::Rating::Dissatisfied, ""});
  c.add(t0 + 60 * kHour, core::Role::Director, "D001", core::CaseReopened{"又坏了"});
  c.add(t0 + 61 * kHour, core::Role::Director, "D001",
        core::CaseWhistled{
            core::WhistleLevel::Community, core::WhistleKind::Emergency, {"urban_management"}, ""});

  // Any order, twice: the same units.
  std::vector<core::CaseEvent> shuffled = c.list;
  shuffled.insert(shuffled.end(), c.list.begin(), c.list.end());
  std::mt19937_64 rng(5);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  const auto units = server::whistle_units(c.case_id, shuffled, "530102001001", wuhua_deadlines());
  REQUIRE(units.size() == 4);
  CHECK(units == server::whistle_units(c.case_id, c.list, "530102001001", wuhua_deadlines()));

  const server::WhistleUnit& housing = units[0];
  CHECK(housing.department == "housing");
  CHECK(housing.round == 0);
  CHECK(housing.first);
  CHECK(housing.office == "530102001");
  CHECK(housing.source == "env_sanitation");
  CHECK(housing.level == "district");  // escalated during the round
  CHECK(housing.kind == "key");
  CHECK(housing.day == "2026-11-22");
  CHECK(housing.whistled_ms == t0);
  CHECK(housing.report_due_ms == t0 + 24 * kHour);
  CHECK(housing.resolve_due_ms == t0 + (24 + 72 + 48) * kHour);
  CHECK(housing.reported_ms == t0 + 2 * kHour);
  CHECK(housing.feedback_ms == t0 + 40 * kHour);  // the first feedback
  CHECK(housing.verified_ms == t0 + 50 * kHour);
  CHECK(housing.resolved_ms == t0 + 50 * kHour);
  CHECK(housing.rating == "dissatisfied");
  CHECK(housing.returned_ms == 0);

  const server::WhistleUnit& police = units[1];
  CHECK(police.department == "police");
  CHECK_FALSE(police.first);
  CHECK(police.returned_ms == t0 + 30 * kHour);
  CHECK(police.return_reason == "非本部门职责");
  CHECK(police.resolved_ms == 0);

  const server::WhistleUnit& health = units[2];
  CHECK(health.department == "health");
  CHECK(health.named_ms == t0 + 3 * kHour);  // named by the escalation: due from then
  CHECK(health.report_due_ms == t0 + 27 * kHour);
  CHECK(health.whistled_ms == t0);  // but counted with its round
  CHECK(health.day == "2026-11-22");

  const server::WhistleUnit& second = units[3];
  CHECK(second.round == 1);
  CHECK(second.first);
  CHECK(second.level == "community");
  CHECK(second.kind == "emergency");
  CHECK(second.report_due_ms == t0 + 62 * kHour);
  CHECK(second.rating.empty());  // the first round's rating stays with it
  CHECK(second.verified_ms == 0);
}

TEST_CASE("the three rates count what was due and what was met, leaving out returns") {
  auto unit = [](std::string department, bool first, std::int64_t report_due, std::int64_t reported,
                 std::int64_t resolve_due, std::int64_t resolved, std::string rating,
                 std::int64_t returned = 0) {
    server::WhistleUnit u;
    u.department = std::move(department);
    u.first = first;
    u.office = "530102001";
    u.community = "530102001001";
    u.source = "env_sanitation";
    u.level = "district";
    u.kind = "routine";
    u.day = "2026-11-10";
    u.report_due_ms = report_due;
    u.reported_ms = reported;
    u.resolve_due_ms = resolve_due;
    u.resolved_ms = resolved;
    u.rating = std::move(rating);
    u.returned_ms = returned;
    u.return_reason = returned ? "不属实" : "";
    return u;
  };
  const std::int64_t now = 1000;
  const std::vector<server::WhistleUnit> units = {
      unit("housing", true, 100, 90, 500, 400, "satisfied"),         // all on time
      unit("police", false, 100, 150, 500, 600, "satisfied"),        // both late
      unit("health", true, 100, 0, 2000, 0, "basically_satisfied"),  // not in, past due
      unit("housing", true, 5000, 0, 9000, 0, ""),                   // not yet due
      unit("police", true, 100, 0, 500, 0, "dissatisfied", 50),      // returned
      unit("health", false, 0, 0, 0, 0, ""),                         // no deadline
  };
  server::FigureQuery q{"2026-11-01", "2026-11-30", "", "", "", "", now, false};
  server::DistrictFigures f;
  server::add_units(f, units, q);
  server::finish_figures(f);
  CHECK(f.total.whistles == 4);  // rounds: the first units
  CHECK(f.total.units == 6);
  CHECK(f.total.returned == 1);
  CHECK(f.total.rates.responded == server::Rate{3, 1});
  CHECK(f.total.rates.resolved == server::Rate{2, 1});  // health's resolution is not due yet
  // Per round, whoever returned: housing ✓, health ✓ (基本满意), police's round ✗.
  CHECK(f.total.rates.satisfied == server::Rate{3, 2});
  REQUIRE(f.total.rates.responded.value().has_value());
  CHECK(*f.total.rates.responded.value() == doctest::Approx(1.0 / 3));
  CHECK_FALSE(server::Rate{}.value().has_value());

  REQUIRE(f.by_department.size() == 3);
  const server::FigureGroup& police = f.by_department[2];
  CHECK(police.key == "police");
  CHECK(police.whistles == 2);
  CHECK(police.returned == 1);
  CHECK(police.rates.responded == server::Rate{1, 0});
  CHECK(police.rates.satisfied == server::Rate{1, 1});  // its returned round is not its own
  REQUIRE(f.returns.size() == 1);
  CHECK(f.returns[0].department == "police");
  CHECK(f.returns[0].count == 1);

  // Rankings: best rate first, no rate last.
  const auto by_responded = server::ranked(f.by_department, server::RateKind::Responded);
  CHECK(by_responded[0].key == "housing");  // 1/1
  CHECK(by_responded[1].key == "health");   // 0/1, but…
  CHECK(by_responded[2].key == "police");   // …ties go to more due, then the key
}

TEST_CASE("a figures period is checked, and says what to type") {
  server::FigureQuery q{"2026-11-01", "2026-11-30", "week", "", "", "", 1, false};
  CHECK(server::check_figure_query(q).is_ok());
  q.from = "2026-11-31";
  CHECK(server::check_figure_query(q).message().find("YYYY-MM-DD") != std::string::npos);
  q.from = "2026-12-01";
  CHECK(server::check_figure_query(q).message().find("swap") != std::string::npos);
  q.from = "2024-01-01";
  CHECK(server::check_figure_query(q).message().find("at most 400 days") != std::string::npos);
  q.from = "2026-11-01";
  q.by = "year";
  CHECK(server::check_figure_query(q).message().find("day, week or month") != std::string::npos);
  // Buckets: a week starts on Monday, a month on the 1st, neither before the period.
  CHECK(server::bucket_of("2026-11-22", "week", "2026-11-01") == "2026-11-16");
  CHECK(server::bucket_of("2026-11-03", "week", "2026-11-01") == "2026-11-02");
  CHECK(server::bucket_of("2026-11-01", "week", "2026-11-01") == "2026-11-01");  // a Sunday
  CHECK(server::bucket_of("2026-12-09", "month", "2026-11-15") == "2026-12-01");
  CHECK(server::bucket_of("2026-11-19", "month", "2026-11-15") == "2026-11-15");
}

TEST_CASE("figure dates are Beijing dates whatever the server's time zone") {
  const char* before = std::getenv("TZ");
  const std::string saved = before ? before : "";
  for (const char* zone : {"UTC", "America/Los_Angeles", "Asia/Shanghai"}) {
    setenv("TZ", zone, 1);
    tzset();
    CHECK(server::district_day(kStart - 15 * kHour) == "2026-11-22");  // 01:00 +08:00
    CHECK(server::district_day(kStart - 17 * kHour) == "2026-11-21");  // 23:00 +08:00
  }
  if (before) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
}

TEST_CASE("figures are scoped to an office's communities and a department's own units") {
  const server::Principal office{"clerk", server::ConsoleRole::Office, "530102001"};
  const server::Principal dept{"dept", server::ConsoleRole::Department, "housing"};
  const server::Principal admin{"admin", server::ConsoleRole::Admin, "530102"};
  server::FigureQuery asked{"2026-11-01", "2026-11-30", "", "530102002", "", "police", 1, false};
  auto q = server::scoped_figure_query(office, asked);
  CHECK(q.office == "530102001");
  CHECK(q.department.empty());
  asked.community = "530102002001";  // another office's community: nothing
  q = server::scoped_figure_query(office, asked);
  CHECK(q.community == "530102001");
  asked.community = "530102001002";
  CHECK(server::scoped_figure_query(office, asked).community == "530102001002");
  q = server::scoped_figure_query(dept, asked);
  CHECK(q.department == "housing");
  CHECK(q.office.empty());
  CHECK(q.community.empty());
  q = server::scoped_figure_query(admin, asked);
  CHECK(q.department == "police");
  CHECK(q.office == "530102002");

  const core::Catalog catalog = wuhua_catalog();
  CHECK_FALSE(server::staff_sheet_refusal(admin, "530102002001", &catalog));
  CHECK_FALSE(server::staff_sheet_refusal(office, "530102001001", &catalog));
  auto other = server::staff_sheet_refusal(office, "530102002001", &catalog);
  REQUIRE(other);
  CHECK(other->kind == server::RefusalKind::NotOfficesCommunity);
  auto department = server::staff_sheet_refusal(dept, "530102001001", &catalog);
  REQUIRE(department);
  CHECK(department->kind == server::RefusalKind::RoleMayNot);
}

// [SECTION] The stores against a brute force over the facts

namespace {

std::vector<server::FactRecord> all_facts(server::DistrictStore& store) {
  std::vector<server::FactRecord> out;
  for (const auto& c : kCommunities) {
    auto facts = store.community_facts(c, "2000-01-01", "2999-12-31");
    REQUIRE_MESSAGE(facts.is_ok(), facts.status().to_string());
    for (auto& f : *facts) out.push_back(std::move(f));
  }
  return out;
}

server::FigureQuery random_figure_query(std::mt19937_64& rng) {
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  server::FigureQuery q;
  const std::int64_t from = kStart - static_cast<std::int64_t>(rng() % 30) * 24 * kHour;
  q.from = core::local_date(from).to_string();
  q.to = core::local_date(from + static_cast<std::int64_t>(rng() % 30) * 24 * kHour).to_string();
  q.by = pick({"", "day", "week", "month"});
  if (rng() % 4 == 0) q.office = pick({"530102001", "530102002"});
  if (rng() % 5 == 0) q.community = pick(kCommunities);
  if (rng() % 4 == 0) q.department = pick(kDepartments);
  q.now_ms = kStart + static_cast<std::int64_t>(rng() % (20 * 24)) * kHour -
             static_cast<std::int64_t>(rng() % (20 * 24)) * kHour;
  q.rankings_only = rng() % 3 == 0;
  return q;
}

std::string describe(const server::FigureQuery& q) {
  return q.from + ".." + q.to + " by " + q.by + " office " + q.office + " community " +
         q.community + " department " + q.department + " now " + std::to_string(q.now_ms) +
         (q.rankings_only ? " rankings" : "");
}

}  // namespace

TEST_CASE("every figure equals a brute-force count over all facts, pushed in any order, twice") {
  const std::uint64_t seed = test::seed_from_env();
  MESSAGE("seed " << seed << " (WEIMIN_SEED to repeat)");
  std::mt19937_64 rng(seed);
  District d;
  d.publish_catalog();
  const core::Catalog catalog = wuhua_catalog();
  std::vector<TestStation> stations;
  for (const auto& c : kCommunities) stations.push_back(d.enroll(c));

  const int cases_per_station = using_pg_store() ? 10 : 24;
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
    // Tickets of a few days, and ratings of some services naming their staff.
    for (int day = 0; day < 6; ++day) {
      const std::int64_t start = kStart - static_cast<std::int64_t>(rng() % 25) * 24 * kHour;
      std::vector<core::TicketEvent> finished;
      const std::uint64_t space = 0x4000 + s * 0x100 + static_cast<std::uint64_t>(day) * 0x10;
      for (auto& f : ticket_day(rng, stations[s].station_id, start, space, &finished)) {
        pending[s].push_back(std::move(f));
      }
      for (std::size_t k = 0; k < finished.size(); ++k) {
        if (rng() % 2) continue;
        pending[s].push_back(
            evaluation_fact(finished[k], static_cast<core::Rating>(rng() % 3), space + 0x8000 + k));
      }
    }
    std::shuffle(pending[s].begin(), pending[s].end(), rng);
  }
  // The district acts after each push: a street office whistles, departments report in, give
  // feedback or return the whistle.
  push_in_random_batches(d, stations, pending, rng, 16, [&] {
    const std::string id = case_ids[rng() % case_ids.size()];
    const std::string dep = kDepartments[rng() % kDepartments.size()];
    d.clock().advance(static_cast<std::int64_t>(rng() % 5) * kHour);
    switch (rng() % 4) {
      case 0:
        (void)d.service().whistle("530102001", id, {dep}, static_cast<core::WhistleKind>(rng() % 3),
                                  "街道吹哨");
        break;
      case 1:
        (void)d.service().report(dep, id, "报到");
        break;
      case 2:
        (void)d.service().feedback(dep, id, "已处理");
        break;
      default:
        (void)d.service().return_whistle(dep, id, "非本部门职责");
        break;
    }
  });

  // The random actions may return nothing (some seeds of the smaller history on PostgreSQL):
  // one whistle is returned for certain, so the returns are always checked against the count.
  [&] {
    for (const auto& id : case_ids) {
      for (const auto& dep : kDepartments) {
        if (d.service().return_whistle(dep, id, "非本部门职责").is_ok()) return;
      }
    }
  }();
  const std::vector<server::FactRecord> facts = all_facts(d.store());
  // The whole history, as a sanity check of the generator: all three rates have something due.
  server::FigureQuery whole{"2026-10-01", "2026-12-31", "week", "", "", "", kStart, false};
  const server::DistrictFigures all = server::figures_from_facts(facts, &catalog, whole);
  MESSAGE(case_ids.size() << " cases, " << facts.size() << " facts, " << all.total.whistles
                          << " whistles, " << all.total.returned << " returned");
  CHECK(all.total.rates.responded.due > all.total.rates.responded.met);
  CHECK(all.total.rates.responded.met > 0);
  CHECK(all.total.rates.resolved.due > 0);
  CHECK(all.total.rates.satisfied.due > 0);
  CHECK(all.total.returned > 0);
  CHECK(all.open_cases > 0);
  CHECK(all.overdue_cases > 0);
  CHECK(all.queue_by_window.size() > 3);
  // Cases by grid: two grids and "no grid" (last), some closed, the overdue ones all counted.
  REQUIRE(all.by_grid.size() >= 3);
  CHECK(all.by_grid.back().grid.empty());
  std::int64_t grid_closed = 0, grid_overdue = 0;
  for (const server::GridFigure& g : all.by_grid) {
    grid_closed += g.closed;
    grid_overdue += g.overdue;
  }
  CHECK(grid_closed > 0);
  CHECK(grid_overdue == all.overdue_cases);
  auto got_all = d.store().figures(whole);
  REQUIRE_MESSAGE(got_all.is_ok(), got_all.status().to_string());
  CHECK(*got_all == all);

  const int rounds = using_pg_store() ? 40 : 150;
  for (int round = 0; round < rounds; ++round) {
    const server::FigureQuery q = random_figure_query(rng);
    auto got = d.store().figures(q);
    REQUIRE_MESSAGE(got.is_ok(), got.status().to_string());
    const server::DistrictFigures expected = server::figures_from_facts(facts, &catalog, q);
    CHECK_MESSAGE(*got == expected, describe(q));
    CHECK_MESSAGE(got->by_grid == expected.by_grid, describe(q));
  }

  // A rebuild from the facts gives the same figures.
  CHECK(d.store().rebuild_projection().is_ok());
  for (int round = 0; round < 20; ++round) {
    const server::FigureQuery q = random_figure_query(rng);
    CHECK_MESSAGE(d.store().figures(q).value() == server::figures_from_facts(facts, &catalog, q),
                  describe(q));
  }

  // The monthly staff sheet counts the same facts: each staff member's finished tickets, the
  // cases they recorded steps of, their closings and their ratings.
  const std::string month = core::local_date(kStart).to_string().substr(0, 7);
  for (const auto& c : kCommunities) {
    auto sheet = d.service().staff_sheet(c, month);
    REQUIRE_MESSAGE(sheet.is_ok(), sheet.status().to_string());
    std::map<std::string, std::set<std::string>> handled;
    std::map<std::string, std::int64_t> closed;
    for (const auto& f : facts) {
      if (f.community != c || !f.fact.day.starts_with(month) || !f.fact.kind.starts_with("case.")) {
        continue;
      }
      const std::string role = f.fact.body.value("actor_role", "");
      const std::set<std::string> station_roles = {"director", "deputy_head", "staff",
                                                   "grid_worker", "social_worker"};
      if (!station_roles.contains(role)) continue;
      const std::string actor = f.fact.body.value("actor", "");
      handled[actor].insert(f.fact.subject);
      if (f.fact.kind == "case.closed") ++closed[actor];
    }
    for (const auto& row : sheet->rows) {
      CHECK(row.cases_handled == static_cast<std::int64_t>(handled[row.staff].size()));
      CHECK(row.cases_closed == closed[row.staff]);
      handled.erase(row.staff);
    }
    CHECK(handled.empty());  // nobody who recorded a step is missing from the sheet
    CHECK(!sheet->rows.empty());
  }
}

// The rebuild's queue days come from seeks in facts_day, not from a scan of the facts table
// (at 30 million facts the scan was 20 of the rebuild's 60 minutes).
TEST_CASE("the rebuild finds its station days by seeking the day index") {
  if (using_pg_store()) return;  // the embedded store's statements
  District d;
  for (const char* sql :
       {server::EmbeddedFigures::kNextCommunitySql, server::EmbeddedFigures::kNextDaySql}) {
    auto plan = server::embedded_query_plan(d.store(), sql);
    REQUIRE_MESSAGE(plan.is_ok(), plan.status().to_string());
    CAPTURE(*plan);
    CHECK(plan->find("COVERING INDEX facts_day") != std::string::npos);
    CHECK(plan->find("SCAN") == std::string::npos);
    CHECK(plan->find("TEMP B-TREE") == std::string::npos);  // no sort: the index's order
  }
}

TEST_CASE("a station's monthly staff sheet: served, handled, closed and rated, with names") {
  District d;
  d.publish_catalog();
  TestStation st = d.enroll("530102001001");
  auto roster = d.service().publish_roster(
      R"({"staff":[{"staff_no":"S01","name":"李娜","role":"staff",)"
      R"("pin_hash":"$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",)"
      R"("community":"530102001001"}]})");
  CHECK_MESSAGE(roster.is_ok(), roster.status().to_string());
  std::mt19937_64 rng(11);
  std::vector<core::TicketEvent> finished;
  std::vector<sync::FactPayload> facts =
      ticket_day(rng, st.station_id, kStart - 48 * kHour, 0x7000, &finished);
  REQUIRE_FALSE(finished.empty());
  facts.push_back(evaluation_fact(finished[0], core::Rating::BasicallySatisfied, 0x7100));
  facts.push_back(evaluation_fact(finished[0], core::Rating::Dissatisfied, 0x7101));  // 2nd tap
  push_facts(d, st, facts);
  std::map<std::string, std::int64_t> served;
  for (const auto& t : finished) ++served[t.staff];

  auto sheet = d.service().staff_sheet("530102001001", "2026-11");
  REQUIRE_MESSAGE(sheet.is_ok(), sheet.status().to_string());
  CHECK(sheet->month == "2026-11");
  REQUIRE(sheet->rows.size() == served.size());
  for (const auto& row : sheet->rows) {
    CHECK_MESSAGE(row.served == served[row.staff], row.staff);
    CHECK(row.name == (row.staff == "S01" ? "李娜" : ""));
    const bool rated = row.staff == finished[0].staff;
    CHECK(row.satisfaction.total == (rated ? 1 : 0));  // the first rating of a target counts
    CHECK(row.satisfaction.basically_satisfied == (rated ? 1 : 0));
  }
  // Another month is empty; a bad month or community says what to type.
  CHECK(d.service().staff_sheet("530102001001", "2026-10").value().rows.empty());
  CHECK(d.service().staff_sheet("530102001001", "2026-13").status().message().find("YYYY-MM") !=
        std::string::npos);
  CHECK(d.service().staff_sheet("5301", "2026-11").status().message().find("12 digits") !=
        std::string::npos);
  CHECK(d.service().staff_sheet("110101001001", "2026-11").status().code() == ErrorCode::Invalid);
}
