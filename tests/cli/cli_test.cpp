// The `weimin` command end to end, in process: init → tickets → calls → a case through every
// step of the loop → figures, and the refusals (exit 1, nothing written) and usage errors
// (exit 2).
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "temp_dir.hpp"
#include "weimin/cli/cli.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/station/station.hpp"
#include "weimin/station/sync_state.hpp"
#include "weimin/storage/facts.hpp"

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
  weimin::platform::ManualClock clock{1795568400000};  // 2026-11-25 09:00 China

  Cli() {
    ::unsetenv("WEIMIN_DATA");
    ::unsetenv("WEIMIN_KEY_FILE");
    ::unsetenv("WEIMIN_PIN");
  }
  ~Cli() { ::unsetenv("WEIMIN_PIN"); }
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

TEST_CASE("weimin runs a station's day end to end") {
  Cli cli;
  auto init = cli.run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n");
  REQUIRE_MESSAGE(init.code == 0, init.err);
  ::setenv("WEIMIN_PIN", "583920", 1);
  REQUIRE(
      cli.run({"staff", "add", "--as", "D001", "--no", "S002", "--name", "王芳", "--role", "staff"},
              "649271\n")
          .code == 0);

  auto first = cli.json({"ticket", "take", "--line", "4"});
  REQUIRE_MESSAGE(first.code == 0, first.err);
  CHECK(first.json()["number"] == "D001");
  CHECK(cli.json({"ticket", "take", "--line", "4"}).json()["number"] == "D002");
  auto elder =
      cli.json({"ticket", "take", "--line", "4", "--priority", "elderly", "--reason", "82岁"});
  CHECK(elder.json()["number"] == "D003");
  auto called = cli.json({"queue", "call", "--window", "2", "--as", "D001"});
  REQUIRE_MESSAGE(called.code == 0, called.err);
  CHECK(called.json()["number"] == "D003");  // the elderly resident first
  CHECK(cli.run({"queue", "finish", "--window", "2", "--as", "D001"}).code == 0);
  CHECK(cli.json({"queue", "call", "--window", "2", "--as", "D001"}).json()["number"] == "D001");
  CHECK(cli.run({"queue", "noshow", "--window", "2", "--as", "D001"}).code == 0);

  auto made =
      cli.json({"case", "new", "--source", "env_sanitation", "--channel", "window", "--text",
                "小区门口垃圾桶满溢", "--phone", "13912345678", "--consent", "--as", "D001"});
  REQUIRE_MESSAGE(made.code == 0, made.err);
  const std::string code = made.json()["tracking_code"];
  for (const auto& step : std::vector<std::vector<std::string>>{
           {"case", "whistle", code, "--level", "community", "--kind", "routine", "--dept",
            "urban_management", "--as", "D001"},
           {"case", "report", code, "--dept", "urban_management", "--text", "已派人", "--as",
            "D001"},
           {"case", "feedback", code, "--dept", "urban_management", "--text", "已清运", "--as",
            "D001"},
           {"case", "verify", code, "--text", "居民确认", "--as", "D001"},
           {"case", "close", code, "--as", "D001"},
           {"case", "evaluate", code, "--rating", "satisfied", "--score", "5"}}) {
    auto r = cli.run(step);
    REQUIRE_MESSAGE(r.code == 0, step[1] << ": " << r.err);
  }
  auto shown = cli.json({"case", "show", code, "--as", "D001"});
  REQUIRE(shown.code == 0);
  CHECK(shown.json()["stage"] == "evaluated");
  CHECK(shown.json()["phone"] == "139****5678");
  CHECK(shown.json()["timeline"].size() == 7);
  CHECK(shown.out.find("13912345678") == std::string::npos);

  auto figures = cli.json({"figures", "--as", "D001"});
  REQUIRE(figures.code == 0);
  CHECK(figures.json()["tickets_taken"] == 3);
  CHECK(figures.json()["tickets_served"] == 1);
  CHECK(figures.json()["no_shows"] == 1);
  CHECK(figures.json()["cases_by_stage"]["evaluated"] == 1);
  CHECK(figures.json()["satisfaction_rate"] == 1.0);

  auto exported = cli.run({"export", "--as", "D001"});
  REQUIRE(exported.code == 0);
  CHECK(exported.out.find("13912345678") == std::string::npos);
  CHECK(exported.out.find("139****5678") != std::string::npos);
  CHECK(cli.run({"verify"}).code == 0);
}

TEST_CASE("weimin figures covers a period or a month, with the staff assessment sheet") {
  Cli cli;
  REQUIRE(cli.run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n").code ==
          0);
  ::setenv("WEIMIN_PIN", "583920", 1);
  REQUIRE(
      cli.run({"staff", "add", "--as", "D001", "--no", "S002", "--name", "王芳", "--role", "staff"},
              "649271\n")
          .code == 0);
  // 2026-11-25: two tickets; S002 serves D001 after 4 min, D002 does not come (10 min).
  REQUIRE(cli.run({"ticket", "take", "--line", "4"}).code == 0);
  REQUIRE(cli.run({"ticket", "take", "--line", "4"}).code == 0);
  ::setenv("WEIMIN_PIN", "649271", 1);
  cli.clock.advance(4 * 60'000);
  REQUIRE(cli.run({"queue", "call", "--window", "2", "--as", "S002"}).code == 0);
  REQUIRE(cli.run({"queue", "finish", "--window", "2", "--as", "S002"}).code == 0);
  cli.clock.advance(6 * 60'000);
  REQUIRE(cli.run({"queue", "call", "--window", "2", "--as", "S002"}).code == 0);
  REQUIRE(cli.run({"queue", "noshow", "--window", "2", "--as", "S002"}).code == 0);
  auto made = cli.json({"case", "new", "--source", "env_sanitation", "--channel", "window",
                        "--text", "路灯不亮", "--as", "S002"});
  REQUIRE_MESSAGE(made.code == 0, made.err);
  const std::string code = made.json()["tracking_code"];
  REQUIRE(cli.run({"case", "resolve", code, "--text", "已修", "--as", "S002"}).code == 0);
  // 2026-11-26: one ticket served by S002 after 20 min; the case closed by S002.
  cli.clock.advance(24 * 3600'000LL);
  REQUIRE(cli.run({"ticket", "take", "--line", "4"}).code == 0);
  cli.clock.advance(20 * 60'000);
  REQUIRE(cli.run({"queue", "call", "--window", "2", "--as", "S002"}).code == 0);
  REQUIRE(cli.run({"queue", "finish", "--window", "2", "--as", "S002"}).code == 0);
  REQUIRE(cli.run({"case", "verify", code, "--text", "确认", "--as", "S002"}).code == 0);
  REQUIRE(cli.run({"case", "close", code, "--as", "S002"}).code == 0);
  ::setenv("WEIMIN_PIN", "583920", 1);

  auto period = cli.json({"figures", "--from", "2026-11-25", "--to", "2026-11-26", "--as", "D001"});
  REQUIRE_MESSAGE(period.code == 0, period.err);
  const auto j = period.json();
  CHECK(j["from"] == "2026-11-25");
  CHECK(j["to"] == "2026-11-26");
  CHECK(j["tickets_taken"] == 3);
  CHECK(j["tickets_served"] == 2);
  CHECK(j["no_shows"] == 1);
  CHECK(j["average_wait_minutes"] == doctest::Approx(34.0 / 3));  // (4 + 10 + 20) ÷ 3
  CHECK(j["longest_wait_minutes"] == 20.0);
  CHECK(j["lines"][0]["line"] == 4);
  CHECK(j["windows"][0]["window"] == 2);
  CHECK(j["windows"][0]["tickets"] == 3);
  CHECK(j["cases_collected"] == 1);
  CHECK(j["cases_closed"] == 1);
  CHECK(j["by_day"].size() == 2);
  CHECK(j["by_day"][1]["tickets"] == 1);
  REQUIRE(j["staff"].size() == 2);
  CHECK(j["staff"][1]["staff_no"] == "S002");
  CHECK(j["staff"][1]["name"] == "王芳");
  CHECK(j["staff"][1]["served"] == 2);
  CHECK(j["staff"][1]["cases_handled"] == 1);
  CHECK(j["staff"][1]["cases_closed"] == 1);
  CHECK(j["staff"][0]["staff_no"] == "D001");
  CHECK(j["staff"][0]["served"] == 0);

  // The month: the same facts; the day alone: only its own.
  auto month = cli.json({"figures", "--month", "2026-11", "--as", "D001"});
  REQUIRE_MESSAGE(month.code == 0, month.err);
  CHECK(month.json()["from"] == "2026-11-01");
  CHECK(month.json()["to"] == "2026-11-30");
  CHECK(month.json()["tickets_taken"] == 3);
  CHECK(month.json()["by_day"].size() == 30);
  auto day = cli.json({"figures", "--day", "2026-11-25", "--as", "D001"});
  REQUIRE(day.code == 0);
  CHECK(day.json()["tickets_taken"] == 2);
  CHECK(cli.json({"figures", "--date", "2026-11-26", "--as", "D001"}).json()["tickets_taken"] == 1);

  // As text: the staff sheet is a table a director reads.
  auto text = cli.run({"figures", "--month", "2026-11", "--as", "D001"});
  REQUIRE(text.code == 0);
  CHECK(text.out.find("figures of 2026-11-01 to 2026-11-30 (30 days)") != std::string::npos);
  CHECK(text.out.find("tickets: 3 taken, 2 served, no-shows 1 (33.3% of 3 called)") !=
        std::string::npos);
  CHECK(text.out.find("staff assessment (每月考核):") != std::string::npos);
  CHECK(text.out.find("served  cases handled  cases closed  ratings  satisfied") !=
        std::string::npos);
  CHECK(
      text.out.find("\n  S002   王芳       2              1             1        0          —\n") !=
      std::string::npos);
  CHECK(text.out.find("\n  2026-11-26        1       1          0\n") != std::string::npos);

  // Refusals say what to type; usage errors exit 2.
  auto bad = cli.run({"figures", "--from", "2026-11-31", "--to", "2026-12-01", "--as", "D001"});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("'2026-11-31' is not a date; type it as YYYY-MM-DD") != std::string::npos);
  CHECK(bad.out.empty());
  auto backwards =
      cli.run({"figures", "--from", "2026-11-30", "--to", "2026-11-01", "--as", "D001"});
  CHECK(backwards.code == 1);
  CHECK(backwards.err.find("on or after the start date") != std::string::npos);
  auto bad_month = cli.run({"figures", "--month", "11-2026", "--as", "D001"});
  CHECK(bad_month.code == 1);
  CHECK(bad_month.err.find("type it as YYYY-MM") != std::string::npos);
  CHECK(cli.run({"figures", "--from", "2026-11-01", "--as", "D001"}).code == 2);
  CHECK(cli.run({"figures", "--month", "2026-11", "--day", "2026-11-25", "--as", "D001"}).code ==
        2);
  auto help = cli.run({"figures", "--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("--month") != std::string::npos);
  CHECK(help.out.find("每月考核") != std::string::npos);
}

TEST_CASE("weimin case show prints what each department did: report-in, expected date, return") {
  Cli cli;
  auto init = cli.run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n");
  REQUIRE_MESSAGE(init.code == 0, init.err);
  ::setenv("WEIMIN_PIN", "583920", 1);
  auto made = cli.json({"case", "new", "--source", "env_sanitation", "--channel", "window",
                        "--text", "路灯不亮", "--as", "D001"});
  REQUIRE_MESSAGE(made.code == 0, made.err);
  const std::string code = made.json()["tracking_code"];
  for (const auto& step : std::vector<std::vector<std::string>>{
           {"case", "whistle", code, "--dept", "urban_management", "--dept", "housing", "--as",
            "D001"},
           {"case", "report", code, "--dept", "urban_management", "--text", "明日到场",
            "--expected", "2026-12-01", "--as", "D001"},
           {"case", "return", code, "--dept", "housing", "--reason", "不属本部门职责", "--as",
            "D001"}}) {
    auto r = cli.run(step);
    REQUIRE_MESSAGE(r.code == 0, step[1] << ": " << r.err);
  }
  CHECK(cli.run({"case", "report", code, "--dept", "housing", "--expected", "明天", "--as", "D001"})
            .code == 1);
  auto text = cli.run({"case", "show", code, "--as", "D001"});
  REQUIRE(text.code == 0);
  CHECK(text.out.find("department urban_management: reported") != std::string::npos);
  CHECK(text.out.find("expected: 2026-12-01") != std::string::npos);
  CHECK(text.out.find("department housing: returned") != std::string::npos);
  CHECK(text.out.find("returned: 不属本部门职责") != std::string::npos);
  CHECK(text.out.find("case.returned  by D001 for housing: 不属本部门职责") != std::string::npos);
  auto shown = cli.json({"case", "show", code, "--as", "D001"});
  REQUIRE(shown.code == 0);
  CHECK(shown.json()["departments"][0]["expected"] == "2026-12-01");
  CHECK(shown.json()["departments"][1]["returned"] == true);
  CHECK(shown.json()["timeline"].back()["text"] == "不属本部门职责");
}

TEST_CASE("weimin case new prints the check code of a case without a phone; progress takes it") {
  Cli cli;
  auto init = cli.run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n");
  REQUIRE_MESSAGE(init.code == 0, init.err);
  auto made = cli.json({"case", "new", "--source", "env_sanitation", "--text", "路灯不亮"});
  REQUIRE_MESSAGE(made.code == 0, made.err);
  const std::string code = made.json()["tracking_code"];
  REQUIRE(made.json().contains("check_code"));
  const std::string check = made.json()["check_code"];
  CHECK(check.size() == 6);
  auto seen = cli.json({"case", "progress", code, "--phone-last4", check});
  CHECK_MESSAGE(seen.code == 0, seen.err);
  CHECK(cli.run({"case", "progress", code, "--phone-last4", "000000"}).code != 0);
  // With a phone there is no check code.
  auto with_phone = cli.json({"case", "new", "--source", "env_sanitation", "--text", "噪音",
                              "--phone", "13912345678", "--consent"});
  REQUIRE_MESSAGE(with_phone.code == 0, with_phone.err);
  CHECK_FALSE(with_phone.json().contains("check_code"));
}

TEST_CASE("weimin refuses bad input with exit 1 and writes nothing") {
  Cli cli;
  REQUIRE(cli.run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n").code ==
          0);
  ::setenv("WEIMIN_PIN", "583920", 1);
  REQUIRE(
      cli.run({"staff", "add", "--as", "D001", "--no", "S002", "--name", "王芳", "--role", "staff"},
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

  auto bad_id = cli.run({"case", "new", "--source", "env_sanitation", "--text", "x", "--id-number",
                         "530102199001011235", "--consent", "--as", "D001"});
  CHECK(bad_id.code == 1);
  CHECK(bad_id.err.find("check digit") != std::string::npos);

  auto closed_whistle =
      cli.run({"case", "whistle", code, "--dept", "urban_management", "--as", "D001"});
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
  auto no_station = cli.run({"figures", "--as", "D001"});
  CHECK(no_station.code == 1);
  CHECK(no_station.err.find("init") != std::string::npos);
}

TEST_CASE("every command that shows residents' records wants a signed-in member of staff") {
  Cli cli;
  REQUIRE(cli.run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n").code ==
          0);
  ::setenv("WEIMIN_PIN", "583920", 1);
  REQUIRE(
      cli.run({"staff", "add", "--as", "D001", "--no", "S002", "--name", "王芳", "--role", "staff"},
              "649271\n")
          .code == 0);
  auto made =
      cli.json({"case", "new", "--source", "env_sanitation", "--channel", "window", "--text",
                "路灯不亮", "--phone", "13912345678", "--consent", "--as", "D001"});
  REQUIRE(made.code == 0);
  const std::string code = made.json()["tracking_code"];
  REQUIRE(cli.run({"ticket", "take", "--line", "4", "--priority", "disability"}).code == 0);
  ::unsetenv("WEIMIN_PIN");
  const long before = cli.facts();

  const std::vector<std::vector<std::string>> readers = {
      {"export"},       {"figures"},       {"case", "show", code},
      {"case", "list"}, {"queue", "show"}, {"staff", "list"}};
  for (const auto& command : readers) {
    auto r = cli.run(command);
    CHECK_MESSAGE(r.code == 1, command[0]);
    CHECK_MESSAGE(r.err.find("--as STAFF_NO") != std::string::npos, r.err);
    CHECK_MESSAGE(r.err.find("sign in") != std::string::npos, r.err);
    CHECK(r.out.empty());
  }
  CHECK(cli.facts() == before);  // refused before anything was opened or written
  CHECK(cli.run({"export"}).err.find("a director must sign in") != std::string::npos);
  CHECK(cli.run({"figures"}).err.find("a director or deputy_head must") != std::string::npos);
  CHECK(cli.run({"queue", "show"}).err.find("a member of the station's staff") !=
        std::string::npos);

  // The right person with the wrong role is refused after signing in; the reason is the role.
  ::setenv("WEIMIN_PIN", "649271", 1);
  for (const auto& command : std::vector<std::vector<std::string>>{{"export"}, {"figures"}}) {
    std::vector<std::string> as_staff = command;
    as_staff.insert(as_staff.end(), {"--as", "S002"});
    auto r = cli.run(as_staff);
    CHECK_MESSAGE(r.code == 1, command[0]);
    CHECK_MESSAGE(r.err.find("may not") != std::string::npos, r.err);
    CHECK(r.out.empty());
  }
  // A wrong PIN shows nothing either.
  ::setenv("WEIMIN_PIN", "000111", 1);
  auto wrong = cli.run({"case", "show", code, "--as", "S002"});
  CHECK(wrong.code == 1);
  CHECK(wrong.out.find("路灯") == std::string::npos);
  // Staff see cases, the queue and the roster.
  ::setenv("WEIMIN_PIN", "649271", 1);
  for (const auto& command : std::vector<std::vector<std::string>>{
           {"case", "show", code}, {"case", "list"}, {"queue", "show"}, {"staff", "list"}}) {
    std::vector<std::string> as_staff = command;
    as_staff.insert(as_staff.end(), {"--as", "S002"});
    auto r = cli.run(as_staff);
    CHECK_MESSAGE(r.code == 0, command[0] << " " << command[1] << ": " << r.err);
  }
}

TEST_CASE("weimin export writes a file only its owner can read, whatever the umask") {
  Cli cli;
  REQUIRE(cli.run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n").code ==
          0);
  ::setenv("WEIMIN_PIN", "583920", 1);
  const std::string out = (cli.dir / "export.jsonl").string();
  const mode_t old = ::umask(0);
  auto r = cli.run({"export", "--as", "D001", "--out", out});
  ::umask(old);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("WEIMIN_NOW_MS in the environment does not move the clock past a PIN lockout") {
  // The shipped command on the machine's clock: the environment must not move it.
  TempDir dir;
  const std::string data = (dir / "data").string();
  ::unsetenv("WEIMIN_DATA");
  ::unsetenv("WEIMIN_KEY_FILE");
  ::unsetenv("WEIMIN_NOW_MS");
  auto run = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data", data});
    std::istringstream in(input);
    std::ostringstream out, err;
    const int code = weimin::cli::run_cli(args, {in, out, err});
    return Run{code, out.str(), err.str()};
  };
  REQUIRE(run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n").code == 0);
  ::setenv("WEIMIN_PIN", "000111", 1);
  for (int i = 0; i < 5; ++i) (void)run({"queue", "call", "--window", "1", "--as", "D001"});
  ::setenv("WEIMIN_PIN", "583920", 1);
  auto locked = run({"queue", "call", "--window", "1", "--as", "D001"});
  CHECK(locked.code == 1);
  CHECK(locked.err.find("locked") != std::string::npos);
  // A day ahead, a day back, the far future: still locked.
  for (const char* fake : {"4102444800000", "0", "9000000000000"}) {
    ::setenv("WEIMIN_NOW_MS", fake, 1);
    auto r = run({"queue", "call", "--window", "1", "--as", "D001"});
    CHECK_MESSAGE(r.code == 1, "WEIMIN_NOW_MS=" << fake);
    CHECK_MESSAGE(r.err.find("locked") != std::string::npos, r.err);
  }
  ::unsetenv("WEIMIN_NOW_MS");
  ::unsetenv("WEIMIN_PIN");
}

TEST_CASE("weimin enroll refuses a plain http:// district in words, before sending anything") {
  Cli cli;
  REQUIRE(cli.run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n").code ==
          0);
  const std::string ca = (cli.dir / "ca.pem").string();
  {
    std::ofstream f(ca);
    f << "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  }
  for (const char* url : {"http://127.0.0.1:1", "HTTP://district.example"}) {
    auto r = cli.run({"enroll", "--server", url, "--token", "T0KEN", "--ca", ca});
    CHECK(r.code == 1);
    CHECK_MESSAGE(r.err.find("in clear") != std::string::npos, r.err);
    CHECK_MESSAGE(r.err.find("https://") != std::string::npos, r.err);
  }
  auto status = cli.json({"sync", "status"});
  REQUIRE(status.code == 0);
  CHECK(status.json()["enrolled"] == false);
}

TEST_CASE("weimin sync status shows how far a running sync's push is, and not a stale one") {
  Cli cli;
  REQUIRE(cli.run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n").code ==
          0);
  auto record = [&](std::int64_t at_ms) {
    weimin::platform::FileKeyStore keys(cli.data + ".kek", cli.data);
    auto st = weimin::station::Station::open(cli.data, keys, cli.clock);
    REQUIRE_MESSAGE(st.is_ok(), st.status().to_string());
    REQUIRE(weimin::storage::Meta::set((*st)->db(), weimin::station::kMetaProgress,
                                       "120000 300000 " + std::to_string(at_ms))
                .is_ok());
  };
  record(cli.clock.now_ms() - 60'000);  // the last page a minute ago, at 08:59
  auto text = cli.run({"sync", "status"});
  REQUIRE(text.code == 0);
  CHECK_MESSAGE(
      text.out.find("syncing now: 120000 of 300000 facts sent (40 %), last page at 08:59") !=
          std::string::npos,
      text.out);
  auto j = cli.json({"sync", "status"});
  REQUIRE(j.code == 0);
  CHECK(j.json()["progress"]["sent"] == 120000);
  CHECK(j.json()["progress"]["total"] == 300000);
  CHECK(j.json()["progress"]["percent"] == 40);
  record(cli.clock.now_ms() - 10 * 60'000);  // a sync killed ten minutes ago
  CHECK(cli.run({"sync", "status"}).out.find("syncing now") == std::string::npos);
  CHECK_FALSE(cli.json({"sync", "status"}).json().contains("progress"));
}
