// The `weimin` command end to end, in process: init → tickets → calls → a case through every
// step of the loop → figures, and the refusals (exit 1, nothing written) and usage errors
// (exit 2).
#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "temp_dir.hpp"
#include "weimin/cli/cli.hpp"

using weimin::test::TempDir;

namespace {

struct Run {
  int code;
  std::string out, err;
  nlohmann::json json() const { return nlohmann::json::parse(out); }
};

struct Cli {
  TempDir dir;
  std::string data = (dir / "data").string();

  Cli() {
    ::setenv("WEIMIN_NOW_MS", "1795568400000", 1);  // 2026-11-25 09:00 China
    ::unsetenv("WEIMIN_DATA");
    ::unsetenv("WEIMIN_KEY_FILE");
  }
  ~Cli() {
    ::unsetenv("WEIMIN_NOW_MS");
    ::unsetenv("WEIMIN_PIN");
  }
  Run run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data", data});
    std::istringstream in(input);
    std::ostringstream out, err;
    const int code = weimin::cli::run_cli(args, {in, out, err});
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

TEST_CASE("weimin runs a station's day end to end") {
  Cli cli;
  auto init = cli.run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n");
  REQUIRE_MESSAGE(init.code == 0, init.err);
  ::setenv("WEIMIN_PIN", "583920", 1);
  REQUIRE(cli.run({"staff", "add", "--as", "D001", "--no", "S002", "--name", "王芳", "--role",
                   "staff"},
                  "649271\n")
              .code == 0);

  auto first = cli.json({"ticket", "take", "--line", "4"});
  REQUIRE_MESSAGE(first.code == 0, first.err);
  CHECK(first.json()["number"] == "D001");
  CHECK(cli.json({"ticket", "take", "--line", "4"}).json()["number"] == "D002");
  auto elder = cli.json({"ticket", "take", "--line", "4", "--priority", "elderly", "--reason", "82岁"});
  CHECK(elder.json()["number"] == "D003");
  auto called = cli.json({"queue", "call", "--window", "2", "--as", "D001"});
  REQUIRE_MESSAGE(called.code == 0, called.err);
  CHECK(called.json()["number"] == "D003");  // the elderly resident first
  CHECK(cli.run({"queue", "finish", "--window", "2", "--as", "D001"}).code == 0);
  CHECK(cli.json({"queue", "call", "--window", "2", "--as", "D001"}).json()["number"] == "D001");
  CHECK(cli.run({"queue", "noshow", "--window", "2", "--as", "D001"}).code == 0);

  auto made = cli.json({"case", "new", "--source", "env_sanitation", "--channel", "window",
                        "--text", "小区门口垃圾桶满溢", "--phone", "13912345678", "--consent",
                        "--as", "D001"});
  REQUIRE_MESSAGE(made.code == 0, made.err);
  const std::string code = made.json()["tracking_code"];
  for (const auto& step : std::vector<std::vector<std::string>>{
           {"case", "whistle", code, "--level", "community", "--kind", "routine", "--dept",
            "urban_management", "--as", "D001"},
           {"case", "report", code, "--dept", "urban_management", "--text", "已派人", "--as", "D001"},
           {"case", "feedback", code, "--dept", "urban_management", "--text", "已清运", "--as", "D001"},
           {"case", "verify", code, "--text", "居民确认", "--as", "D001"},
           {"case", "close", code, "--as", "D001"},
           {"case", "evaluate", code, "--rating", "satisfied", "--score", "5"}}) {
    auto r = cli.run(step);
    REQUIRE_MESSAGE(r.code == 0, step[1] << ": " << r.err);
  }
  auto shown = cli.json({"case", "show", code});
  REQUIRE(shown.code == 0);
  CHECK(shown.json()["stage"] == "evaluated");
  CHECK(shown.json()["phone"] == "139****5678");
  CHECK(shown.json()["timeline"].size() == 7);
  CHECK(shown.out.find("13912345678") == std::string::npos);

  auto figures = cli.json({"figures"});
  REQUIRE(figures.code == 0);
  CHECK(figures.json()["tickets_taken"] == 3);
  CHECK(figures.json()["tickets_served"] == 1);
  CHECK(figures.json()["no_shows"] == 1);
  CHECK(figures.json()["cases_by_stage"]["evaluated"] == 1);
  CHECK(figures.json()["satisfaction_rate"] == 1.0);

  auto exported = cli.run({"export"});
  REQUIRE(exported.code == 0);
  CHECK(exported.out.find("13912345678") == std::string::npos);
  CHECK(exported.out.find("139****5678") != std::string::npos);
  CHECK(cli.run({"verify"}).code == 0);
}

TEST_CASE("weimin refuses bad input with exit 1 and writes nothing") {
  Cli cli;
  REQUIRE(cli.run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n").code == 0);
  ::setenv("WEIMIN_PIN", "583920", 1);
  REQUIRE(cli.run({"staff", "add", "--as", "D001", "--no", "S002", "--name", "王芳", "--role",
                   "staff"},
                  "649271\n")
              .code == 0);
  auto made = cli.json({"case", "new", "--source", "env_sanitation", "--channel", "window",
                        "--text", "路灯不亮", "--as", "D001"});
  REQUIRE(made.code == 0);
  const std::string code = made.json()["tracking_code"];
  REQUIRE(cli.run({"case", "resolve", code, "--text", "已修", "--as", "D001"}).code == 0);
  REQUIRE(cli.run({"case", "verify", code, "--text", "确认", "--as", "D001"}).code == 0);
  REQUIRE(cli.run({"case", "close", code, "--as", "D001"}).code == 0);
  const long before = cli.facts();

  auto unknown_line = cli.run({"ticket", "take", "--line", "12"});
  CHECK(unknown_line.code == 1);
  CHECK(unknown_line.err.find("line 12") != std::string::npos);

  auto bad_id = cli.run({"case", "new", "--source", "env_sanitation", "--text", "x",
                         "--id-number", "530102199001011235", "--consent", "--as", "D001"});
  CHECK(bad_id.code == 1);
  CHECK(bad_id.err.find("check digit") != std::string::npos);

  auto closed_whistle = cli.run({"case", "whistle", code, "--dept", "urban_management", "--as", "D001"});
  CHECK(closed_whistle.code == 1);
  CHECK(closed_whistle.err.find("closed") != std::string::npos);

  ::setenv("WEIMIN_PIN", "649271", 1);
  auto wrong_role = cli.run({"case", "reopen", code, "--reason", "不满意", "--as", "S002"});
  CHECK(wrong_role.code == 1);
  CHECK(wrong_role.err.find("may not") != std::string::npos);

  // Only the three sign-ins (D001 twice, S002 once) are on record; no refused step wrote.
  CHECK(cli.facts() == before + 3);

  ::setenv("WEIMIN_PIN", "000111", 1);
  auto wrong_pin = cli.run({"queue", "call", "--window", "1", "--as", "D001"});
  CHECK(wrong_pin.code == 1);
  CHECK(wrong_pin.err.find("wrong PIN") != std::string::npos);
  CHECK(cli.facts() == before + 4);  // the failed sign-in is audited, nothing else
}

TEST_CASE("weimin usage errors exit 2 and --help exits 0") {
  Cli cli;
  CHECK(cli.run({}).code == 2);
  CHECK(cli.run({"frobnicate"}).code == 2);
  CHECK(cli.run({"ticket", "take", "--line", "x"}).code == 2);
  auto help = cli.run({"--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("case") != std::string::npos);
  auto sub_help = cli.run({"case", "whistle", "--help"});
  CHECK(sub_help.code == 0);
  CHECK(sub_help.out.find("--dept") != std::string::npos);
  auto no_station = cli.run({"figures"});
  CHECK(no_station.code == 1);
  CHECK(no_station.err.find("init") != std::string::npos);
}
