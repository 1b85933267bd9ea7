// The station's case projection (station schema 6): whatever writes a case fact — a step at
// this station, another process on the same store, a pulled page — the desk's list, its counts
// and the figures equal a fold of every case's facts, and a new catalog's deadlines move the
// overdue cases at once.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "station_fixture.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/figures.hpp"

using namespace weimin;
using namespace weimin::station;

namespace {

constexpr std::int64_t kHour = 60 * 60 * 1000;
constexpr const char* kGrid1 = "530102001001001";
constexpr const char* kGrid2 = "530102001001002";

template <class T>
T must(Result<T> r) {
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  return std::move(r).value();
}

NewCase problem(std::string grid) {
  NewCase c{"env_sanitation",
            core::CaseChannel::Window,
            "楼道堆放杂物，堵塞消防通道",
            std::nullopt,
            std::nullopt,
            false};
  c.where.grid = std::move(grid);
  return c;
}

// What the projection must say, from a fold of each case (Cases::view folds the facts).
struct Folded {
  std::vector<core::Uuid> newest_first;
  std::map<std::string, int> by_stage;
  std::vector<core::Uuid> overdue;  // newest first
  std::map<std::string, GridCaseCount> grids;
};

Folded fold_everything(Station& station) {
  Folded out;
  Cases cases(station);
  auto collected = storage::Facts::by_kind(station.db(), "case.collected").value();
  for (auto it = collected.rbegin(); it != collected.rend(); ++it) {
    const auto id = *core::Uuid::parse(it->subject);
    const CaseView v = cases.view(id).value();
    out.newest_first.push_back(id);
    ++out.by_stage[std::string(core::to_string(v.state.stage))];
    if (!v.overdue.empty()) out.overdue.push_back(id);
    GridCaseCount& g = out.grids[v.state.where.grid];
    g.grid = v.state.where.grid;
    ++g.collected;
    if (v.state.stage == core::CaseStage::Closed || v.state.stage == core::CaseStage::Evaluated)
      ++g.closed;
    if (!v.overdue.empty()) ++g.overdue;
  }
  return out;
}

std::vector<core::Uuid> ids_of(const std::vector<CaseView>& views) {
  std::vector<core::Uuid> out;
  for (const auto& v : views) out.push_back(v.state.case_id);
  return out;
}

// The projection's answers against the fold's, at the station's clock now.
void check_against_fold(Station& station) {
  const Folded want = fold_everything(station);
  Cases cases(station);
  CHECK(ids_of(cases.list(CaseFilter{}).value()) == want.newest_first);
  CHECK(ids_of(cases.list(CaseFilter{std::nullopt, true}).value()) == want.overdue);
  CHECK(cases.count(CaseFilter{}).value() == static_cast<int>(want.newest_first.size()));
  CHECK(cases.count(CaseFilter{std::nullopt, true}).value() ==
        static_cast<int>(want.overdue.size()));
  const std::vector<GridCaseCount> counted = cases.count_by_grid().value();
  for (const auto& g : counted) {
    auto it = want.grids.find(g.grid);
    if (it == want.grids.end()) {
      CHECK(g == GridCaseCount{g.grid});
    } else {
      CHECK(g == it->second);
    }
  }
  const DayFigures day = must(day_figures(station));
  CHECK(day.cases_by_stage == want.by_stage);
  CHECK(day.cases_overdue == static_cast<int>(want.overdue.size()));
  // Pages of two, in order, cover the list once.
  std::vector<core::Uuid> paged;
  for (std::size_t offset = 0;; offset += 2) {
    auto page = cases.list(CaseFilter{std::nullopt, false, std::nullopt, 2, offset}).value();
    if (page.empty()) break;
    CHECK(page.size() <= 2);
    for (const auto& v : page) paged.push_back(v.state.case_id);
  }
  CHECK(paged == want.newest_first);
}

}  // namespace

TEST_CASE("the case projection equals a fold of every case, whoever wrote the facts") {
  test::StationFixture f;
  Cases cases(*f.station);
  const auto a = must(cases.record(f.staff, problem(kGrid1))).case_id;
  const auto b = must(cases.record(f.staff, problem(kGrid2))).case_id;
  NewCase at_kiosk = problem("");
  at_kiosk.channel = core::CaseChannel::Kiosk;
  const auto c = must(cases.record(std::nullopt, at_kiosk)).case_id;
  check_against_fold(*f.station);

  REQUIRE(cases.resolve(f.staff, a, "已清理").is_ok());
  REQUIRE(cases
              .whistle(f.director, b, core::WhistleLevel::Community, core::WhistleKind::Emergency,
                       {"urban_management"}, "")
              .is_ok());
  check_against_fold(*f.station);

  // Another process on the same store (the kiosk and a `weimin` command) records and closes.
  {
    auto other = must(Station::open(f.dir / "data", f.keys, f.clock));
    Cases there(*other);
    const auto d = must(there.record(f.staff, problem(kGrid1))).case_id;
    REQUIRE(there.resolve(f.staff, d, "已处理").is_ok());
    REQUIRE(there.verify(f.staff, d, "居民确认").is_ok());
    REQUIRE(there.close(f.staff, d, "").is_ok());
  }
  check_against_fold(*f.station);

  // A page pulled from the district: the department's report-in on b, written as the sync
  // engine writes pulled facts (straight into the facts table), and a case of another station
  // of the community (a handheld's) whose collected fact arrives after one of its steps.
  {
    test::StationFixture elsewhere;
    Cases their(*elsewhere.station);
    const auto e = must(their.record(elsewhere.staff, problem(kGrid2))).case_id;
    REQUIRE(their.note(elsewhere.staff, e, "已联系物业").is_ok());
    auto e_rows = storage::Facts::by_subject(elsewhere.station->db(), e.to_string()).value();
    std::vector<storage::FactRow> steps, collected;
    for (const auto& r : e_rows) {
      if (r.kind == "case.note") steps.push_back(r);
      if (r.kind == "case.collected") collected.push_back(r);
    }
    REQUIRE(steps.size() == 1);
    REQUIRE(collected.size() == 1);
    REQUIRE(
        f.station
            ->transact([&] { return storage::Facts::insert(f.station->db(), steps[0]).status(); })
            .is_ok());
    check_against_fold(*f.station);  // a step without its case: not a case here yet
    CHECK(cases.count(CaseFilter{}).value() == 4);
    REQUIRE(f.station
                ->transact(
                    [&] { return storage::Facts::insert(f.station->db(), collected[0]).status(); })
                .is_ok());
    check_against_fold(*f.station);
    CHECK(cases.count(CaseFilter{}).value() == 5);
  }

  // A fact completed in place (a where cut down under an older schema, then filled in).
  {
    auto collected = storage::Facts::by_kind(f.station->db(), "case.collected").value();
    const std::string subject = collected.front().subject;
    auto body = nlohmann::json::parse(collected.front().body);
    body["where"]["grid"] = kGrid2;
    auto update = f.station->db().prepare("UPDATE facts SET body = ? WHERE id = ?").value();
    update.bind(1, body.dump()).bind(2, collected.front().id);
    REQUIRE(update.run().is_ok());
    check_against_fold(*f.station);
    CHECK(Cases(*f.station).view(*core::Uuid::parse(subject)).value().state.where.grid == kGrid2);
  }

  // Time passes: the emergency whistle's report-in (2 h) is late, then the resolution's verify.
  f.clock.advance(3 * kHour);
  check_against_fold(*f.station);
  CHECK(cases.count(CaseFilter{std::nullopt, true}).value() == 1);
  f.clock.advance(100 * kHour);
  check_against_fold(*f.station);
  CHECK(cases.count(CaseFilter{std::nullopt, true}).value() == 2);
  (void)c;
}

TEST_CASE("a new catalog's deadlines move the overdue cases without a rebuild") {
  test::StationFixture f;
  Cases cases(*f.station);
  const auto a = must(cases.record(f.staff, problem(kGrid1))).case_id;
  REQUIRE(cases
              .whistle(f.director, a, core::WhistleLevel::Community, core::WhistleKind::Routine,
                       {"urban_management"}, "")
              .is_ok());
  const int report_in = cases.deadlines().routine.report_in;
  REQUIRE(report_in > 2);
  f.clock.advance(2 * kHour);
  CHECK(cases.count(CaseFilter{std::nullopt, true}).value() == 0);

  // The district's new catalog (pulled, then the station opened again): report in within 1 hour.
  nlohmann::json doc = nlohmann::json::parse(test::wuhua_catalog());
  doc["deadlines"]["routine"]["report_in_hours"] = 1;
  REQUIRE(storage::Meta::set(f.station->db(), "catalog", doc.dump()).is_ok());
  f.station.reset();
  f.station = must(Station::open(f.dir / "data", f.keys, f.clock));
  Cases now(*f.station);
  CHECK(now.deadlines().routine.report_in == 1);
  CHECK(now.count(CaseFilter{std::nullopt, true}).value() == 1);
  check_against_fold(*f.station);
}

TEST_CASE("the case projection is rebuilt from the facts when its tables are made again") {
  test::StationFixture f;
  Cases cases(*f.station);
  for (int i = 0; i < 5; ++i) {
    const auto id = cases.record(f.staff, problem(i % 2 ? kGrid1 : "")).value().case_id;
    if (i % 3 == 0) REQUIRE(cases.resolve(f.staff, id, "已处理").is_ok());
  }
  const auto before = ids_of(cases.list(CaseFilter{}).value());
  // As a station of schema 5 is upgraded: the migration makes the tables and marks every case.
  REQUIRE(f.station->db()
              .exec("DROP TRIGGER facts_case_stale; DROP TRIGGER facts_case_stale_update; DROP "
                    "TABLE case_now; DROP TABLE "
                    "case_now_stale; DELETE FROM meta WHERE key = 'case_now.deadlines'; "
                    "DELETE FROM schema_migrations WHERE version = 6;")
              .is_ok());
  f.station.reset();
  f.station = must(Station::open(f.dir / "data", f.keys, f.clock));
  CHECK(ids_of(Cases(*f.station).list(CaseFilter{}).value()) == before);
  check_against_fold(*f.station);
}
