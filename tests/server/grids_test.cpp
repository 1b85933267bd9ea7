// Cases by grid (网格) at the district (issue 16): a case's row carries the grid of its
// collected event, inbox queries filter by it (on top of the scope), a visit (case.visited)
// from a station is taken like a note, and the console's inbox offers the grid filter. Runs on
// the embedded store, and on PostgreSQL with WEIMIN_TEST_STORE (tests/postgres).
#include <doctest/doctest.h>

#include "case_history.hpp"
#include "server_fixture.hpp"
#include "weimin/server/projection.hpp"

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
