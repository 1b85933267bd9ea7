// Places and grids at the station: a case recorded with where it is (checked against the
// catalog), listed and counted by grid, visited on a round; staff who work grids.
#include <doctest/doctest.h>

#include "station_fixture.hpp"
#include "weimin/station/cases.hpp"

using namespace weimin;
using namespace weimin::station;

namespace {

constexpr const char* kGrid1 = "530102001001001";  // 翠湖社区第一网格
constexpr const char* kGrid2 = "530102001001002";  // 翠湖社区第二网格

NewCase found_on_round(core::CaseWhere where) {
  NewCase c{"env_sanitation",
            core::CaseChannel::GridRound,
            "楼道堆放杂物，堵塞消防通道",
            std::nullopt,
            std::nullopt,
            false};
  c.where = std::move(where);
  return c;
}

// A grid worker G010 of grid 1 (PIN 720461), signed in.
Session grid_worker(test::StationFixture& f) {
  StaffDesk desk(*f.station);
  REQUIRE(desk.put_staff(f.director, {"G010", "赵网格", core::Role::GridWorker, true, {kGrid1}},
                         "720461")
              .is_ok());
  return desk.sign_in("G010", "720461").value();
}

}  // namespace

TEST_CASE(
    "a grid worker records a problem at a place of their grid; its grid comes from the place") {
  test::StationFixture f;
  const Session g = grid_worker(f);
  CHECK(g.grids == std::vector<std::string>{kGrid1});
  Cases cases(*f.station);
  auto receipt = cases.record(
      g, found_on_round({"", "cuihu.bldg2", "2单元楼道", core::GeoPoint{25'046'512, 102'702'139}}));
  REQUIRE_MESSAGE(receipt.is_ok(), receipt.status().to_string());
  const auto v = cases.view(receipt->case_id).value();
  CHECK(v.state.where.grid == kGrid1);
  CHECK(v.state.where.place == "cuihu.bldg2");
  CHECK(v.state.where.address == "2单元楼道");
  CHECK(v.state.where.point == core::GeoPoint{25'046'512, 102'702'139});
  CHECK(v.state.channel == core::CaseChannel::GridRound);
}

TEST_CASE("a where that does not fit the catalog is refused and writes nothing") {
  test::StationFixture f;
  Cases cases(*f.station);
  const auto before = f.fact_count();
  auto refused = [&](core::CaseWhere where, const std::string& words) {
    auto r = cases.record(f.staff, found_on_round(std::move(where)));
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == ErrorCode::Invalid);
    INFO(r.status().message());
    CHECK(r.status().message().find(words) != std::string::npos);
  };
  // A grid of another community (王家桥).
  refused({"530102009001001", "", "", std::nullopt}, "belongs to community 530102009001");
  // A place not in the grid given.
  refused({kGrid1, "cuihu.square", "", std::nullopt}, "is not in grid " + std::string(kGrid1));
  // A place of another community.
  refused({"", "wangjiaqiao.bldg1", "", std::nullopt}, "belongs to community 530102009001");
  // Bad coordinates.
  refused({kGrid1, "", "", core::GeoPoint{91'000'000, 0}}, "where.lat_e6");
  refused({kGrid1, "", "", core::GeoPoint{0, 181'000'000}}, "where.lon_e6");
  CHECK(f.fact_count() == before);
}

TEST_CASE("cases are listed and counted by grid; a visit is recorded and shown") {
  test::StationFixture f;
  const Session g = grid_worker(f);
  Cases cases(*f.station);
  const auto a = cases.record(g, found_on_round({"", "cuihu.bldg1", "", std::nullopt})).value();
  const auto b = cases.record(g, found_on_round({kGrid1, "", "青云街12号", std::nullopt})).value();
  const auto c =
      cases.record(f.staff, found_on_round({"", "cuihu.square", "", std::nullopt})).value();
  const auto d = cases.record(f.staff, found_on_round({})).value();
  REQUIRE(cases.resolve(f.staff, b.case_id, "已清理").is_ok());
  REQUIRE(cases.verify(f.staff, b.case_id, "居民确认").is_ok());
  REQUIRE(cases.close(f.staff, b.case_id, "").is_ok());

  auto in1 = cases.list(CaseFilter{std::nullopt, false, std::string(kGrid1)});
  REQUIRE(in1.is_ok());
  REQUIRE(in1->size() == 2);
  CHECK((*in1)[0].state.case_id == b.case_id);  // newest first
  CHECK((*in1)[1].state.case_id == a.case_id);
  auto in2 = cases.list(CaseFilter{std::nullopt, false, std::string(kGrid2)});
  REQUIRE(in2->size() == 1);
  CHECK((*in2)[0].state.case_id == c.case_id);
  auto none = cases.list(CaseFilter{std::nullopt, false, std::string()});
  REQUIRE(none->size() == 1);
  CHECK((*none)[0].state.case_id == d.case_id);
  CHECK(cases.list(CaseFilter{core::CaseStage::Closed, false, std::string(kGrid1)})->size() == 1);

  const auto counts = cases.count_by_grid().value();
  REQUIRE(counts.size() == 3);
  CHECK(counts[0] == GridCaseCount{kGrid1, 2, 1, 0});
  CHECK(counts[1] == GridCaseCount{kGrid2, 1, 0, 0});
  CHECK(counts[2] == GridCaseCount{"", 1, 0, 0});

  auto visited = cases.visit(g, a.case_id, "上门查看，已通知物业清理");
  REQUIRE_MESSAGE(visited.is_ok(), visited.status().to_string());
  REQUIRE(visited->visits.size() == 1);
  CHECK(visited->visits[0].actor == "G010");
  CHECK(visited->stage == core::CaseStage::Collected);
  CHECK(cases.visit(g, a.case_id, "").status().code() == ErrorCode::Invalid);
}

TEST_CASE("staff grids must be grids of the station's community") {
  test::StationFixture f;
  StaffDesk desk(*f.station);
  auto st = desk.put_staff(
      f.director, {"G011", "钱网格", core::Role::GridWorker, true, {"530102009001001"}}, "720461");
  CHECK(st.code() == ErrorCode::Invalid);
  CHECK(st.message().find("is not a grid of community 530102001001") != std::string::npos);
  REQUIRE(desk.put_staff(f.director,
                         {"G012", "孙网格", core::Role::GridWorker, true, {kGrid1, kGrid2}},
                         "720461")
              .is_ok());
  const auto found = desk.find("G012").value();
  REQUIRE(found.has_value());
  CHECK(found->grids == std::vector<std::string>{kGrid1, kGrid2});
}

TEST_CASE("a staff grid the catalog does not list is refused, naming the community's grids") {
  test::StationFixture f;
  StaffDesk desk(*f.station);
  // Of this community's form (its 12 digits and 3 more) but not in the catalog.
  auto st = desk.put_staff(
      f.director, {"G013", "李网格", core::Role::GridWorker, true, {"530102001001099"}}, "720461");
  CHECK(st.code() == ErrorCode::Invalid);
  CHECK_MESSAGE(st.message() ==
                    "grid 530102001001099 is not in the catalog; community 530102001001 has the "
                    "grids 530102001001001, 530102001001002: choose among them",
                st.message());
  CHECK_FALSE(desk.find("G013").value().has_value());
}
