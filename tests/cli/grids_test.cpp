// Places and grids through the `weimin` command (issue 16): a grid worker added with a grid,
// a case recorded where it is, listed and counted by grid, a visit done; the refusals (a grid
// of another community, a place not in the grid, bad coordinates) exit 1 and write nothing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "temp_dir.hpp"
#include "weimin/cli/cli.hpp"
#include "weimin/platform/clock.hpp"

using weimin::test::TempDir;

namespace {

struct Run {
  int code;
  std::string out, err;
  nlohmann::json json() const { return nlohmann::json::parse(out); }
};

struct GridCli {
  TempDir dir;
  std::string data = (dir / "data").string();
  weimin::platform::ManualClock clock{1795568400000};  // 2026-11-25 09:00 China

  GridCli() {
    ::unsetenv("WEIMIN_DATA");
    ::unsetenv("WEIMIN_KEY_FILE");
    ::setenv("WEIMIN_PIN", "583920", 1);
    auto init = run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n");
    REQUIRE_MESSAGE(init.code == 0, init.err);
  }
  ~GridCli() { ::unsetenv("WEIMIN_PIN"); }
  Run run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data", data});
    std::istringstream in(input);
    std::ostringstream out, err;
    const int code = weimin::cli::run_cli(args, {in, out, err}, clock);
    return {code, out.str(), err.str()};
  }
  Run json(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    return run(std::move(args));
  }
  long facts() {
    auto r = json({"verify"});
    REQUIRE(r.code == 0);
    return r.json()["facts"].get<long>();
  }
};

}  // namespace

TEST_CASE("weimin: a grid worker records a case where it is, lists and counts by grid, visits") {
  GridCli cli;
  // The grid worker shares the director's PIN only to keep WEIMIN_PIN one value here.
  auto added = cli.run({"staff", "add", "--as", "D001", "--no", "G010", "--name", "赵网格",
                        "--role", "grid_worker", "--grid", "530102001001001"},
                       "583920\n");
  REQUIRE_MESSAGE(added.code == 0, added.err);
  auto roster = cli.json({"staff", "list", "--as", "D001"});
  bool found = false;
  for (const auto& r : roster.json()) {
    if (r["staff_no"] == "G010") {
      found = true;
      CHECK(r["grids"] == nlohmann::json::array({"530102001001001"}));
    }
  }
  CHECK(found);

  auto made = cli.json({"case", "new", "--as", "G010", "--channel", "grid_round", "--source",
                        "env_sanitation", "--text", "楼道堆物", "--place", "cuihu.bldg2",
                        "--address", "2单元", "--lat", "25.046512", "--lon", "102.702139"});
  REQUIRE_MESSAGE(made.code == 0, made.err);
  const std::string code = made.json()["tracking_code"];
  auto other = cli.json({"case", "new", "--as", "D001", "--channel", "window", "--source",
                         "env_sanitation", "--text", "广场路灯坏", "--place", "cuihu.square"});
  REQUIRE_MESSAGE(other.code == 0, other.err);

  auto shown = cli.json({"case", "show", code, "--as", "D001"});
  REQUIRE_MESSAGE(shown.code == 0, shown.err);
  const auto where = shown.json()["where"];
  CHECK(where["grid"] == "530102001001001");
  CHECK(where["place"] == "cuihu.bldg2");
  CHECK(where["address"] == "2单元");
  CHECK(where["lat_e6"] == 25046512);
  CHECK(where["lon_e6"] == 102702139);

  auto listed = cli.json({"case", "list", "--as", "D001", "--grid", "530102001001001"});
  REQUIRE_MESSAGE(listed.code == 0, listed.err);
  REQUIRE(listed.json().size() == 1);
  CHECK(listed.json()[0]["tracking_code"] == code);
  CHECK(cli.json({"case", "list", "--as", "D001"}).json().size() == 2);

  auto counts = cli.json({"case", "grids", "--as", "D001"});
  REQUIRE_MESSAGE(counts.code == 0, counts.err);
  REQUIRE(counts.json().size() == 2);
  CHECK(counts.json()[0]["grid"] == "530102001001001");
  CHECK(counts.json()[0]["collected"] == 1);
  CHECK(counts.json()[1]["grid"] == "530102001001002");
  CHECK(counts.json()[1]["collected"] == 1);

  // The figures count every case by grid too, as JSON and as text.
  auto figures = cli.json({"figures", "--as", "D001"});
  REQUIRE_MESSAGE(figures.code == 0, figures.err);
  const auto by_grid = figures.json()["cases_by_grid"];
  REQUIRE(by_grid.size() == 2);
  CHECK(
      by_grid[0] ==
      nlohmann::json{{"grid", "530102001001001"}, {"collected", 1}, {"closed", 0}, {"overdue", 0}});
  CHECK(figures.json()["deadline_fallback_years"].empty());
  auto figures_text = cli.run({"figures", "--month", "2026-11", "--as", "D001"});
  REQUIRE(figures_text.code == 0);
  CHECK(figures_text.out.find("cases by grid: 530102001001001 1 (0 closed, 0 overdue); "
                              "530102001001002 1 (0 closed, 0 overdue)") != std::string::npos);

  auto visited = cli.json({"case", "visit", code, "--as", "G010", "--text", "已上门提醒"});
  REQUIRE_MESSAGE(visited.code == 0, visited.err);
  REQUIRE(visited.json()["visits"].size() == 1);
  CHECK(visited.json()["visits"][0]["outcome"] == "已上门提醒");
  CHECK(visited.json()["visits"][0]["by"] == "G010");
}

TEST_CASE("weimin: a where that does not fit is refused with exit 1 and nothing written") {
  GridCli cli;
  const long before = cli.facts();
  auto refused = [&](std::vector<std::string> extra, const std::string& words) {
    std::vector<std::string> args = {"case",           "new",    "--as", "D001",      "--source",
                                     "env_sanitation", "--text", "问题", "--channel", "window"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = cli.run(args);
    CHECK(r.code == 1);
    INFO(r.err);
    CHECK(r.err.find(words) != std::string::npos);
  };
  refused({"--grid", "530102009001001"}, "belongs to community 530102009001");
  refused({"--grid", "530102001001001", "--place", "cuihu.square"},
          "is not in grid 530102001001001");
  refused({"--lat", "91", "--lon", "102"}, "--lat must lie between -90 and 90");
  refused({"--lat", "25"}, "give both --lat and --lon");
  auto grid_of_other = cli.run({"staff", "add", "--as", "D001", "--no", "G011", "--name", "钱网格",
                                "--role", "grid_worker", "--grid", "530102009001001"},
                               "583920\n");
  CHECK(grid_of_other.code == 1);
  CHECK(grid_of_other.err.find("is not a grid of community 530102001001") != std::string::npos);
  // A grid of this community's form that the catalog does not list: the sentence names the
  // grids there are.
  auto unlisted = cli.run({"staff", "add", "--as", "D001", "--no", "G012", "--name", "孙网格",
                           "--role", "grid_worker", "--grid", "530102001001099"},
                          "583920\n");
  CHECK(unlisted.code == 1);
  CHECK_MESSAGE(unlisted.err.find("grid 530102001001099 is not in the catalog; community "
                                  "530102001001 has the grids 530102001001001, "
                                  "530102001001002: choose among them") != std::string::npos,
                unlisted.err);
  // Sign-ins are audited facts; no case and no staff member was written.
  auto listed = cli.json({"case", "list", "--as", "D001"});
  CHECK(listed.json().empty());
  (void)before;
}

TEST_CASE("weimin case list / show say when deadlines run into a year without a calendar") {
  // A catalog with routine deadlines in working days, and a clock in 2027 (not published).
  TempDir dir;
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str());
  doc["deadlines"]["routine"] = {
      {"unit", "working_days"}, {"report_in", 2}, {"feedback", 5}, {"verify", 3}};
  const std::string catalog = (dir / "working_days.json").string();
  std::ofstream(catalog) << doc.dump();

  GridCli cli;
  cli.data = (dir / "data").string();
  cli.clock.set(1801789200000);  // 2027-02-05 09:00 China
  auto init =
      cli.run({"init", "--community", "530102001001", "--director", "D001", "--catalog", catalog},
              "583920\n");
  REQUIRE_MESSAGE(init.code == 0, init.err);
  auto made = cli.json({"case", "new", "--as", "D001", "--channel", "window", "--source",
                        "env_sanitation", "--text", "路灯不亮"});
  REQUIRE_MESSAGE(made.code == 0, made.err);
  const std::string code = made.json()["tracking_code"];
  // Collected only: no deadline yet, nothing to say.
  auto quiet = cli.json({"case", "list", "--as", "D001"});
  CHECK(quiet.err.find("Monday–Friday") == std::string::npos);
  REQUIRE(cli.run({"case", "whistle", code, "--as", "D001", "--dept", "urban_management"}).code ==
          0);

  auto listed = cli.json({"case", "list", "--as", "D001"});
  REQUIRE_MESSAGE(listed.code == 0, listed.err);
  CHECK(listed.json().size() == 1);  // the list itself is unchanged
  CHECK(listed.err.find("2027 not published: counting Monday–Friday") != std::string::npos);
  auto shown = cli.json({"case", "show", code, "--as", "D001"});
  REQUIRE_MESSAGE(shown.code == 0, shown.err);
  CHECK(shown.json()["calendar_warning"] == "2027 not published: counting Monday–Friday");
  auto text_shown = cli.run({"case", "show", code, "--as", "D001"});
  CHECK(text_shown.out.find("deadlines: 2027 not published") != std::string::npos);
}
