// weimin consult / access / certificate end to end, in process, and their refusals.
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

struct GovernCli {
  TempDir dir;
  std::string data = (dir / "data").string();
  weimin::platform::ManualClock clock{1795568400000};  // 2026-11-25 09:00 China

  GovernCli() {
    ::unsetenv("WEIMIN_DATA");
    ::unsetenv("WEIMIN_KEY_FILE");
    ::unsetenv("WEIMIN_PIN");
    auto init = run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n");
    REQUIRE_MESSAGE(init.code == 0, init.err);
    ::setenv("WEIMIN_PIN", "583920", 1);
    REQUIRE(
        run({"staff", "add", "--as", "D001", "--no", "S002", "--name", "王芳", "--role", "staff"},
            "649271\n")
            .code == 0);
  }
  ~GovernCli() { ::unsetenv("WEIMIN_PIN"); }
  Run run(std::vector<std::string> args, const std::string& input = "") {
    // The PIN of the member named by --as (WEIMIN_PIN), as staff would type it.
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "--as") ::setenv("WEIMIN_PIN", args[i + 1] == "S002" ? "649271" : "583920", 1);
    }
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
};

}  // namespace

TEST_CASE("weimin consult: a resident's topic, a meeting, a decision carried out, the figures") {
  GovernCli cli;
  auto raised = cli.json({"consult", "raise", "小区停车难", "--detail", "晚上车位不够"});
  REQUIRE_MESSAGE(raised.code == 0, raised.err);
  CHECK(raised.json()["by_resident"] == true);
  const std::string topic = raised.json()["topic_id"];
  const std::string tail = topic.substr(28);

  auto meeting =
      cli.json({"consult", "meeting", tail, "--date", "2026-11-20", "--participants", "23",
                "--minutes", "居民与物业协商", "--parties", "物业", "--as", "D001"});
  REQUIRE_MESSAGE(meeting.code == 0, meeting.err);
  const std::string meeting_id = meeting.json()["meeting_id"];
  auto decided = cli.json({"consult", "decide", tail, "划定夜间临时车位", "--meeting",
                           meeting_id.substr(28), "--as", "D001"});
  REQUIRE_MESSAGE(decided.code == 0, decided.err);
  const std::string decision = decided.json()["decision_id"];
  auto done = cli.json({"consult", "done", tail, decision, "--note", "已划线", "--as", "D001"});
  REQUIRE_MESSAGE(done.code == 0, done.err);
  CHECK(done.json()["carried_out"] == "2026-11-25");

  auto again = cli.run({"consult", "done", tail, decision, "--as", "D001"});
  CHECK(again.code == 1);
  CHECK(again.err.find("carried out already") != std::string::npos);

  auto list = cli.json({"consult", "list", "--as", "S002"});
  REQUIRE_MESSAGE(list.code == 0, list.err);
  CHECK(list.json()["figures"] ==
        nlohmann::json({{"topics", 1}, {"activities", 1}, {"items", 1}, {"carried_out", 1}}));
  auto show = cli.run({"consult", "show", tail, "--as", "S002"});
  CHECK(show.out.find("carried out 2026-11-25") != std::string::npos);
  CHECK(cli.run({"consult", "list"}).code != 0);  // residents' records need --as
}

TEST_CASE("weimin access apply / decide / catalogue and weimin certificate issue / list") {
  GovernCli cli;
  auto applied = cli.json({"access", "apply", "--department", "urban_management", "--task",
                           "协助开展文明城市创建入户宣传", "--evidence", "五城管〔2026〕12号",
                           "--as", "S002"});
  REQUIRE_MESSAGE(applied.code == 0, applied.err);
  CHECK(applied.json()["status"] == "pending");
  const std::string app = applied.json()["application_id"];

  auto by_staff = cli.run({"access", "decide", app, "--approve", "--as", "S002"});
  CHECK(by_staff.code == 1);
  CHECK(by_staff.err.find("director") != std::string::npos);
  auto approved = cli.json({"access", "decide", app.substr(28), "--approve", "--by",
                            "五华区社区建设工作领导小组", "--as", "D001"});
  REQUIRE_MESSAGE(approved.code == 0, approved.err);
  CHECK(approved.json()["status"] == "approved");
  CHECK(cli.run({"access", "decide", app, "--refuse", "--as", "D001"}).code == 1);
  // The check now finds it approved, with when and by whom; before, only the lists were read.
  auto checked = cli.json({"access", "check", "请社区协助开展文明城市创建入户宣传"});
  REQUIRE_MESSAGE(checked.code == 0, checked.err);
  CHECK(checked.json()["verdict"] == "approved");
  CHECK(checked.json()["reason"] == "approved_application");
  CHECK(checked.json()["application"]["id"] == app);
  CHECK(checked.json()["application"]["decided_by"] == "五华区社区建设工作领导小组");
  CHECK(checked.json()["application"]["decided_on"] == "2026-11-25");
  auto text = cli.run({"access", "check", "请社区协助开展文明城市创建入户宣传"});
  CHECK(text.out.find("approved on 2026-11-25 by 五华区社区建设工作领导小组 (application " + app) !=
        std::string::npos);
  auto catalogue = cli.json({"access", "catalogue", "--as", "D001"});
  REQUIRE(catalogue.json()["catalogue"].size() == 1);
  CHECK(catalogue.json()["approved"] == 1);

  auto forbidden = cli.run({"certificate", "issue", "--certificate", "residence", "--id",
                            "11010519491231002X", "--basis", "居住", "--as", "S002"});
  CHECK(forbidden.code == 1);
  CHECK(forbidden.err.find("may not issue") != std::string::npos);
  auto issued = cli.json({"certificate", "issue", "--name", "张三", "--id", "11010519491231002X",
                          "--basis", "失业，家庭困难", "--as", "S002"});
  REQUIRE_MESSAGE(issued.code == 0, issued.err);
  CHECK(issued.json()["resident_id"] == "110105********002X");
  auto list = cli.json({"certificate", "list", "--as", "D001"});
  CHECK(list.json()["issued"] == 1);
  CHECK(list.out.find("11010519491231002X") == std::string::npos);
}
