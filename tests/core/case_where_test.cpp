// Where a case is (grid, place, address, position) and the visits done on a round: the JSON of
// case.collected's "where" and of case.visited, their checks, their fold, and the check
// against the catalog.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "case_test_support.hpp"
#include "weimin/core/case.hpp"

using weimin::ErrorCode;
using namespace weimin::core;
using namespace weimin::core::case_test;
using json = nlohmann::json;

namespace {

Catalog wuhua() {
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return parse_catalog(text.str(), "wuhua.json").value();
}

CaseEvent collected_at(Maker& m, CaseWhere where) {
  CaseEvent e = m.collected(kGrid);
  auto& p = std::get<CaseCollected>(e.payload);
  p.channel = CaseChannel::GridRound;
  p.where = std::move(where);
  return e;
}

}  // namespace

TEST_CASE("a collected event's where survives JSON and folds into the state") {
  Maker m;
  const CaseWhere where{"530102001001001", "cuihu.bldg1", "3单元502门口",
                        GeoPoint{25'046'512, 102'702'139}};
  const CaseEvent e = collected_at(m, where);
  const json body = case_event_body(e);
  CHECK(body["where"] == json{{"grid", "530102001001001"},
                              {"place", "cuihu.bldg1"},
                              {"address", "3单元502门口"},
                              {"lat_e6", 25046512},
                              {"lon_e6", 102702139}});
  const auto back = case_event_from_json(to_json(e));
  REQUIRE(back.is_ok());
  CHECK(*back == e);
  const CaseState s = fold_case(m.case_id, std::vector<CaseEvent>{e});
  CHECK(s.where == where);
}

TEST_CASE("an old collected event without a where still parses, and an empty where is left out") {
  Maker m;
  const CaseEvent e = m.collected();
  const json body = case_event_body(e);
  CHECK_FALSE(body.contains("where"));
  const auto back = case_event_from_json(to_json(e));
  REQUIRE(back.is_ok());
  CHECK(std::get<CaseCollected>(back->payload).where.empty());
  // A where with the address alone.
  const CaseEvent only_address = collected_at(m, CaseWhere{"", "", "青云街口", std::nullopt});
  CHECK(case_event_body(only_address)["where"] == json{{"address", "青云街口"}});
}

TEST_CASE("a bad where is refused naming the field") {
  Maker m;
  json j = to_json(collected_at(m, CaseWhere{"530102001001001", "", "", std::nullopt}));
  auto refused = [&](const json& v, const std::string& words) {
    const auto r = case_event_from_json(v);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == ErrorCode::Invalid);
    INFO(r.status().message());
    CHECK(r.status().message().find(words) != std::string::npos);
  };
  json v = j;
  v["body"]["where"]["floor"] = "3";
  refused(v, "unknown field \"floor\"");
  v = j;
  v["body"]["where"]["lat_e6"] = 25000000;
  refused(v, "give both coordinates or neither");
  v = j;
  v["body"]["where"]["lat_e6"] = 90000001;
  v["body"]["where"]["lon_e6"] = 0;
  refused(v, "where.lat_e6");
  v = j;
  v["body"]["where"]["lat_e6"] = 0;
  v["body"]["where"]["lon_e6"] = -180000001;
  refused(v, "where.lon_e6");
  v = j;
  v["body"]["where"]["lat_e6"] = 25.5;
  v["body"]["where"]["lon_e6"] = 102;
  refused(v, "must be an integer");
  v = j;
  v["body"]["where"]["lat_e6"] = 5000000000LL;
  v["body"]["where"]["lon_e6"] = 102;
  refused(v, "must be an integer");
  v = j;
  v["body"]["where"] = "青云街";
  refused(v, "must be a JSON object");
  v = j;
  v["body"]["where"]["address"] = std::string(513, 'x');
  refused(v, "where.address");
}

TEST_CASE("a where is checked against the catalog for the station's community") {
  const Catalog c = wuhua();
  const std::string cuihu = "530102001001";
  CHECK(check_case_where({}, c, cuihu).is_ok());
  CHECK(check_case_where({"530102001001002", "cuihu.square", "", std::nullopt}, c, cuihu).is_ok());
  CHECK(check_case_where({"", "cuihu.square", "", std::nullopt}, c, cuihu).is_ok());
  // A grid of another community.
  auto st = check_case_where({"530102009001001", "", "", std::nullopt}, c, cuihu);
  CHECK(st.code() == ErrorCode::Invalid);
  CHECK(st.message().find("belongs to community 530102009001") != std::string::npos);
  // A place not in the grid given.
  st = check_case_where({"530102001001001", "cuihu.square", "", std::nullopt}, c, cuihu);
  CHECK(st.code() == ErrorCode::Invalid);
  CHECK(st.message().find("is not in grid 530102001001001") != std::string::npos);
  // A place of another community, an unknown grid, an unknown place.
  CHECK(check_case_where({"", "wangjiaqiao.bldg1", "", std::nullopt}, c, cuihu).code() ==
        ErrorCode::Invalid);
  CHECK(check_case_where({"530102001001999", "", "", std::nullopt}, c, cuihu).code() ==
        ErrorCode::Invalid);
  CHECK(check_case_where({"", "cuihu.nowhere", "", std::nullopt}, c, cuihu).code() ==
        ErrorCode::Invalid);
  // The place's grid is filled in when none is given.
  CHECK(resolve_case_where({"", "cuihu.square", "", std::nullopt}, c).grid == "530102001001002");
  CHECK(resolve_case_where({"530102001001001", "", "", std::nullopt}, c).grid == "530102001001001");
}

TEST_CASE("a visit is station staff's step on a collected case and folds into visits") {
  Maker m;
  std::vector<CaseEvent> ev = {m.collected()};
  ev.push_back(m.make(kGrid, CaseVisited{"上门查看，垃圾已清"}));
  const CaseEvent by_dept = m.make(dept(kUrban), CaseVisited{"看过了"});
  ev.push_back(by_dept);
  const CaseState s = fold_case(m.case_id, ev);
  REQUIRE(s.visits.size() == 1);
  CHECK(s.visits[0].text == "上门查看，垃圾已清");
  CHECK(s.visits[0].actor == kGrid.name);
  CHECK(s.stage == CaseStage::Collected);
  REQUIRE(s.conflicts.size() == 1);
  CHECK(s.conflicts[0].code == ErrorCode::PermissionDenied);
  // Before collection: a conflict.
  Maker other;
  const CaseState none =
      fold_case(other.case_id, std::vector<CaseEvent>{other.make(kGrid, CaseVisited{"看过"})});
  REQUIRE(none.conflicts.size() == 1);
  CHECK(none.conflicts[0].code == ErrorCode::Conflict);
  // Its JSON: {"outcome"}; an empty outcome is refused.
  CHECK(case_event_body(ev[1])["outcome"] == "上门查看，垃圾已清");
  CHECK(case_event_from_json(to_json(ev[1])).value() == ev[1]);
  json bad = to_json(ev[1]);
  bad["body"]["outcome"] = "";
  CHECK(case_event_from_json(bad).status().code() == ErrorCode::Invalid);
}
