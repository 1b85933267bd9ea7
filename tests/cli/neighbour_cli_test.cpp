// `weimin wish …` and `weimin care …` end to end, in process: a wish through every step, the
// refusals (exit 1, nothing written), the care list with a visit that opens a case.
#include <doctest/doctest.h>

#include <cstdlib>
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

struct NeighbourCli {
  TempDir dir;
  std::string data = (dir / "data").string();
  weimin::platform::ManualClock clock{1795568400000};  // 2026-11-25 09:00 China

  NeighbourCli() {
    ::unsetenv("WEIMIN_DATA");
    ::unsetenv("WEIMIN_KEY_FILE");
    ::unsetenv("WEIMIN_PIN");
    auto init = run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n");
    REQUIRE_MESSAGE(init.code == 0, init.err);
    ::setenv("WEIMIN_PIN", "583920", 1);
  }
  ~NeighbourCli() { ::unsetenv("WEIMIN_PIN"); }
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
  long facts() { return json({"verify"}).json()["facts"].get<long>(); }
};

}  // namespace

TEST_CASE("weimin wish: post, claim, fulfil, confirm; refusals exit 1 and write nothing") {
  NeighbourCli cli;
  auto posted = cli.json({"wish", "post", "想请人帮忙修理轮椅", "--kind", "elderly", "--phone",
                          "13912345678", "--consent"});
  REQUIRE_MESSAGE(posted.code == 0, posted.err);
  const std::string number = posted.json()["number"];
  CHECK(posted.json()["phone"] == "139****5678");
  CHECK(posted.json()["stage"] == "open");

  auto board = cli.json({"wish", "list"});
  REQUIRE(board.code == 0);
  CHECK(board.json().size() == 1);

  const long before = cli.facts();
  auto early = cli.run({"wish", "confirm", number});
  CHECK(early.code == 1);
  CHECK(early.err.find("not been fulfilled") != std::string::npos);
  CHECK(cli.facts() == before);

  auto claimed = cli.json(
      {"wish", "claim", number, "--volunteer", "刘志愿", "--phone", "13800001111", "--as", "D001"});
  REQUIRE_MESSAGE(claimed.code == 0, claimed.err);
  CHECK(claimed.json()["claimed_by"]["phone"] == "138****1111");
  auto twice = cli.run({"wish", "claim", number, "--staff", "--as", "D001"});
  CHECK(twice.code == 1);
  CHECK(twice.err.find("claimed already") != std::string::npos);
  REQUIRE(cli.run({"wish", "fulfil", number, "--note", "已修好", "--as", "D001"}).code == 0);
  auto late = cli.run({"wish", "claim", number, "--volunteer", "张三", "--as", "D001"});
  CHECK(late.code == 1);
  CHECK(late.err.find("fulfilled already") != std::string::npos);
  auto confirmed = cli.json({"wish", "confirm", number});
  REQUIRE(confirmed.code == 0);
  CHECK(confirmed.json()["stage"] == "confirmed");
  CHECK(confirmed.json()["confirmed_by"] == "resident");
  CHECK(cli.json({"wish", "list"}).json().empty());
  CHECK(cli.json({"wish", "list", "--phone", "13912345678"}).json().size() == 1);
  CHECK(cli.run({"wish", "post", "x", "--kind", "gardening"}).code == 1);
  CHECK(cli.run({"wish", "claim", number, "--as", "D001"}).code == 1);  // nobody named
}

TEST_CASE("weimin care: add, due, visit with a case, call, remove") {
  NeighbourCli cli;
  auto added =
      cli.json({"care", "add", "--name", "张奶奶", "--address", "3栋2单元401", "--as", "D001"});
  REQUIRE_MESSAGE(added.code == 0, added.err);
  const std::string number = added.json()["number"];
  CHECK(cli.json({"care", "due", "--as", "D001"}).json().size() == 1);
  auto visited = cli.json({"care", "visit", number, "--outcome", "needs_help", "--note", "屋顶漏雨",
                           "--open-case", "--as", "D001"});
  REQUIRE_MESSAGE(visited.code == 0, visited.err);
  CHECK(visited.json()["logs"][0].contains("case"));
  CHECK(cli.json({"care", "due", "--as", "D001"}).json().empty());
  auto called = cli.json({"care", "call", number, "--outcome", "not_reached", "--as", "D001"});
  REQUIRE(called.code == 0);
  CHECK(called.json()["logs"].size() == 2);
  CHECK(cli.run({"care", "call", number, "--outcome", "asleep", "--as", "D001"}).code == 1);
  REQUIRE(cli.run({"care", "remove", number, "--as", "D001"}).code == 0);
  auto refused = cli.run({"care", "visit", number, "--as", "D001"});
  CHECK(refused.code == 1);
  CHECK(refused.err.find("not on the care list") != std::string::npos);
  CHECK(cli.json({"care", "list", "--as", "D001"}).json().empty());
}
