// Cases by grid (网格) at the district (issue 16): a case's row carries the grid of its
// collected event, inbox queries filter by it (on top of the scope), a visit (case.visited)
// from a station is taken like a note, and the console's inbox offers the grid filter. Runs on
// the embedded store, and on PostgreSQL with WEIMIN_TEST_STORE (tests/postgres). The figures
// count cases by grid (collected, closed, overdue now) within the query's scope.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "case_history.hpp"
#include "grid_tables.hpp"
#include "server_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/server/figures.hpp"
#include "weimin/server/projection.hpp"
#include "weimin/storage/database.hpp"

using namespace weimin;
using namespace weimin::test;

namespace {

constexpr const char* kGrid1 = "530102001001001";
constexpr const char* kGrid2 = "530102001001002";

core::CaseEvent event(const core::Uuid& case_id, std::uint64_t n, std::int64_t at,
                      const std::string& origin, core::Role role, std::string actor,
                      core::CasePayload p) {
  core::CaseEvent e;
  e.id = uuid_of(0x7100, n);
  e.case_id = case_id;
  e.hlc = {at, 0};
  e.origin = origin;
  e.wall_ms = at;
  e.actor = std::move(actor);
  e.actor_role = role;
  e.payload = std::move(p);
  return e;
}

}  // namespace

TEST_CASE("district: case rows carry their grid; the inbox filters by grid within its scope") {
  District d;
  d.publish_catalog();
  TestStation st = d.enroll("530102001001");
  std::vector<sync::FactPayload> facts;
  const std::vector<std::string> grids = {kGrid1, kGrid2, kGrid1, ""};
  std::vector<core::Uuid> ids;
  for (std::size_t k = 0; k < grids.size(); ++k) {
    const core::Uuid id = uuid_of(0x7000 + k, 1);
    ids.push_back(id);
    core::CaseCollected c{"env_sanitation", core::CaseChannel::GridRound, "楼道堆物", ""};
    c.where = core::CaseWhere{grids[k], "", "2单元", std::nullopt};
    if (k == 0) c.where.point = core::GeoPoint{25'046'512, 102'702'139};
    facts.push_back(
        to_fact(event(id, 10 * k + 1, kStart - 3600'000 * static_cast<std::int64_t>(10 - k),
                      st.station_id, core::Role::GridWorker, "G010", c)));
  }
  // A visit done on the first case, from the station.
  facts.push_back(to_fact(event(ids[0], 99, kStart - 3600'000, st.station_id,
                                core::Role::GridWorker, "G010", core::CaseVisited{"已上门查看"})));
  push_facts(d, st, facts);

  auto row = d.store().case_row(ids[0].to_string()).value();
  REQUIRE(row.has_value());
  CHECK(row->grid == kGrid1);
  CHECK(row->detail_json.find("已上门查看") != std::string::npos);
  CHECK(d.store().case_row(ids[3].to_string()).value()->grid.empty());

  server::CaseQuery q;
  q.now_ms = kStart;
  q.grid = kGrid1;
  auto page = d.store().query_cases(q).value();
  REQUIRE(page.rows.size() == 2);
  // The newest change first: the visit an hour ago on the first case, then the third's record.
  CHECK(page.rows[0].case_id == ids[0].to_string());
  CHECK(page.rows[1].case_id == ids[2].to_string());
  CHECK(page.rows[0].grid == kGrid1);
  q.grid = kGrid2;
  CHECK(d.store().query_cases(q).value().rows.size() == 1);
  // Within another office's scope the grid finds nothing.
  q.grid = kGrid1;
  q.office = "530102002";
  CHECK(d.store().query_cases(q).value().rows.empty());
  q.office = "530102001";
  q.community = "530102001001";
  CHECK(d.store().query_cases(q).value().rows.size() == 2);
}

TEST_CASE("district: a station's visit must be its staff's; a department's is refused") {
  District d;
  d.publish_catalog();
  TestStation st = d.enroll("530102001001");
  const core::Uuid id = uuid_of(0x7200, 1);
  std::vector<sync::FactPayload> facts;
  facts.push_back(
      to_fact(event(id, 1, kStart - 7200'000, st.station_id, core::Role::Staff, "S01",
                    core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "问题", ""})));
  facts.push_back(to_fact(event(id, 2, kStart - 3600'000, st.station_id, core::Role::Department,
                                "housing", core::CaseVisited{"看过"})));
  push_facts(d, st, facts);
  auto row = d.store().case_row(id.to_string()).value();
  REQUIRE(row.has_value());
  CHECK(row->detail_json.find("看过") == std::string::npos);
}

TEST_CASE("district figures count cases by grid: collected, closed, overdue, within the scope") {
  District d;
  d.publish_catalog();
  TestStation a = d.enroll("530102001001");
  TestStation b = d.enroll("530102002001");
  const std::int64_t hour = 3600'000;
  // Station A: grid 1 twice (one closed), grid 2 once (whistled, then overdue), none once.
  const std::vector<std::string> grids = {kGrid1, kGrid1, kGrid2, ""};
  std::vector<sync::FactPayload> facts;
  std::vector<core::Uuid> ids;
  for (std::size_t k = 0; k < grids.size(); ++k) {
    const core::Uuid id = uuid_of(0x7200 + k, 1);
    ids.push_back(id);
    core::CaseCollected c{"env_sanitation", core::CaseChannel::GridRound, "井盖破损", ""};
    c.where = core::CaseWhere{grids[k], "", "", std::nullopt};
    facts.push_back(to_fact(event(id, 0x100 + 10 * k, kStart - 48 * hour, a.station_id,
                                  core::Role::GridWorker, "G010", c)));
  }
  facts.push_back(to_fact(event(ids[1], 0x201, kStart - 47 * hour, a.station_id,
                                core::Role::Director, "D001", core::CaseResolved{"已修复"})));
  facts.push_back(to_fact(event(ids[1], 0x202, kStart - 46 * hour, a.station_id, core::Role::Staff,
                                "S01", core::CaseVerified{"居民确认"})));
  facts.push_back(to_fact(event(ids[1], 0x203, kStart - 45 * hour, a.station_id, core::Role::Staff,
                                "S01", core::CaseClosed{"结"})));
  push_facts(d, a, facts);
  // Station B, of the other street office: one case of no grid.
  const core::Uuid other = uuid_of(0x7300, 1);
  push_facts(
      d, b,
      {to_fact(event(
          other, 0x301, kStart - 48 * hour, b.station_id, core::Role::Staff, "S01",
          core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "路灯不亮", ""}))});
  // The street office whistles the grid-2 case (emergency: report in within an hour).
  REQUIRE(d.service()
              .whistle("530102001", ids[2].to_string(), {"urban_management"},
                       core::WhistleKind::Emergency, "吹哨")
              .is_ok());

  const std::string day = core::local_date(kStart).to_string();
  const std::string two_days_ago = core::local_date(kStart - 48 * hour).to_string();
  server::FigureQuery q{two_days_ago, day, "", "530102001", "", "", kStart + 3 * hour, false};
  auto f = d.service().figures(q);
  REQUIRE_MESSAGE(f.is_ok(), f.status().to_string());
  const std::vector<server::GridFigure> expected = {
      {kGrid1, 2, 1, 0}, {kGrid2, 1, 0, 1}, {"", 1, 0, 0}};
  CHECK(f->by_grid == expected);
  CHECK(f->overdue_cases == 1);
  // The whole district: station B's case joins "no grid".
  q.office.clear();
  f = d.service().figures(q);
  REQUIRE(f.is_ok());
  CHECK(f->by_grid.back() == server::GridFigure{"", 2, 0, 0});
  // Another office sees only its own.
  q.office = "530102002";
  CHECK(d.service().figures(q).value().by_grid == std::vector<server::GridFigure>{{"", 1, 0, 0}});
  // A period after the collections: only what is overdue now.
  q.office = "530102001";
  q.from = q.to = day;
  CHECK(d.service().figures(q).value().by_grid ==
        std::vector<server::GridFigure>{{kGrid2, 0, 0, 1}});
  // A department's figures and the rankings have no grid table.
  q.from = two_days_ago;
  q.office.clear();
  q.department = "urban_management";
  CHECK(d.service().figures(q).value().by_grid.empty());
  q.department.clear();
  q.rankings_only = true;
  CHECK(d.service().figures(q).value().by_grid.empty());
  // The same after a rebuild, and the same as the brute force over the facts.
  q.rankings_only = false;
  const auto before = d.service().figures(q).value();
  REQUIRE(d.store().rebuild_projection().is_ok());
  CHECK(d.service().figures(q).value() == before);
  std::vector<server::FactRecord> all;
  for (const std::string& c : {std::string("530102001001"), std::string("530102002001")}) {
    auto facts = d.store().community_facts(c, "2000-01-01", "2999-12-31");
    REQUIRE_MESSAGE(facts.is_ok(), facts.status().to_string());
    for (auto& r : *facts) all.push_back(std::move(r));
  }
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json");
  std::stringstream text;
  text << in.rdbuf();
  const core::Catalog catalog = core::parse_catalog(text.str(), "wuhua.json").value();
  CHECK(server::figures_from_facts(all, &catalog, q) == before);
}

TEST_CASE("district: a roster's grids must be grids the published catalog lists") {
  District d;
  const std::string hash =
      "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
      "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
  auto roster = [&](const std::string& grid) {
    return nlohmann::json{
        {"staff", nlohmann::json::array({{{"staff_no", "G010"},
                                          {"name", "赵网格"},
                                          {"role", "grid_worker"},
                                          {"pin_hash", hash},
                                          {"community", "530102001001"},
                                          {"grids", nlohmann::json::array({grid})}}})}}
        .dump();
  };
  // No catalog yet: only the form is checked.
  CHECK(d.service().publish_roster(roster("530102001001099")).is_ok());
  d.publish_catalog();
  auto refused = d.service().publish_roster(roster("530102001001099"));
  REQUIRE_FALSE(refused.is_ok());
  CHECK(refused.status().code() == ErrorCode::Invalid);
  CHECK_MESSAGE(refused.status().message() ==
                    "the roster's staff[0].grids: grid 530102001001099 is not in the published "
                    "catalog; community 530102001001 has the grids 530102001001001, "
                    "530102001001002; list some of those, or publish a catalog that lists it "
                    "first",
                refused.status().message());
  CHECK(d.service().publish_roster(roster(kGrid2)).is_ok());
}

TEST_CASE("the grid days of a (day, office) are remade through the indexes, not a scan") {
  // The embedded dialect's statements on the embedded schema: each branch of the remake finds
  // its rows through its own index (the closed days' is partial, so the statement repeats its
  // condition; without it SQLite read all of the office's cases for every day it remade).
  TempDir dir;
  auto db = storage::Database::open_unkeyed(dir.path() / "grids.db");
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  REQUIRE(db->exec(server::grid_tables::kSqliteSchema).is_ok());
  const std::vector<std::string> remake =
      server::grid_tables::remake_days_sql(server::projection::Dialect::Sqlite);
  REQUIRE(remake.size() == 2);
  auto q = db->prepare("EXPLAIN QUERY PLAN " + remake[1]);
  REQUIRE_MESSAGE(q.is_ok(), q.status().to_string());
  std::string plan;
  while (q->step().value()) plan += q->column_text(3) + "\n";
  CAPTURE(plan);
  CHECK(plan.find("grid_cases_collected (office=? AND collected_day=?)") != std::string::npos);
  CHECK(plan.find("grid_cases_closed (office=? AND closed_day=?)") != std::string::npos);
  CHECK(plan.find("SCAN grid_cases") == std::string::npos);
}
