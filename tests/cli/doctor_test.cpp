// `weimin doctor`: a healthy new station passes with warnings only (not enrolled, clock never
// compared); a folder or key file others may read, a missing key file and a missing printer
// each fail (exit 1) with what to do.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "temp_dir.hpp"
#include "weimin/cli/cli.hpp"
#include "weimin/platform/clock.hpp"

using weimin::test::TempDir;
namespace fs = std::filesystem;

namespace {

struct Run {
  int code;
  std::string out, err;
};

struct Doctor {
  TempDir dir;
  std::string data = (dir / "data").string();
  weimin::platform::ManualClock clock{1795568400000};  // 2026-11-25 09:00 China

  Doctor() {
    ::unsetenv("WEIMIN_DATA");
    ::unsetenv("WEIMIN_KEY_FILE");
    ::unsetenv("WEIMIN_PIN");
    auto init = run({"init", "--community", "530102001001", "--director", "D001"}, "583920\n");
    REQUIRE_MESSAGE(init.code == 0, init.err);
  }
  Run run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data", data});
    std::istringstream in(input);
    std::ostringstream out, err;
    const int code = weimin::cli::run_cli(args, {in, out, err}, clock);
    return {code, out.str(), err.str()};
  }
  // The verdict of one check in `weimin --json doctor`'s answer.
  static std::string verdict(const Run& r, const std::string& check) {
    const auto answer = nlohmann::json::parse(r.out);
    for (const auto& c : answer["checks"]) {
      if (c["check"] == check) return c["verdict"];
    }
    return "(no such check)";
  }
  static std::string todo(const Run& r, const std::string& check) {
    const auto answer = nlohmann::json::parse(r.out);
    for (const auto& c : answer["checks"]) {
      if (c["check"] == check) return c["todo"];
    }
    return "";
  }
};

}  // namespace

TEST_CASE("weimin doctor: a new station is healthy, with warnings for what only a sync brings") {
  Doctor d;
  auto r = d.run({"--json", "doctor"});
  CHECK_MESSAGE(r.code == 0, r.out, r.err);
  CHECK(Doctor::verdict(r, "data folder") == "ok");
  CHECK(Doctor::verdict(r, "key file") == "ok");
  CHECK(Doctor::verdict(r, "store") == "ok");
  CHECK(Doctor::verdict(r, "district CA") == "warn");
  CHECK(Doctor::todo(r, "district CA").find("weimin enroll") != std::string::npos);
  CHECK(Doctor::verdict(r, "clock") == "warn");
  CHECK(Doctor::verdict(r, "printer") == "skipped");
  CHECK(Doctor::verdict(r, "voice") == "ok");
  auto text = d.run({"doctor"});
  CHECK(text.out.find("the station looks healthy") != std::string::npos);
}

TEST_CASE("weimin doctor: a data folder others may read fails and says chmod 700") {
  Doctor d;
  fs::permissions(d.data, fs::perms::group_read | fs::perms::group_exec, fs::perm_options::add);
  auto r = d.run({"--json", "doctor"});
  CHECK(r.code == 1);
  CHECK(Doctor::verdict(r, "data folder") == "fail");
  CHECK(Doctor::todo(r, "data folder") == "chmod 700 '" + d.data + "'");
  auto text = d.run({"doctor"});
  CHECK(text.out.find("FAIL data folder") != std::string::npos);
}

TEST_CASE("weimin doctor: a key file others may read fails; a missing one fails without opening") {
  Doctor d;
  const std::string key = d.data + ".kek";
  REQUIRE(fs::exists(key));
  fs::permissions(key, fs::perms::others_read, fs::perm_options::add);
  auto r = d.run({"--json", "doctor"});
  CHECK(r.code == 1);
  CHECK(Doctor::verdict(r, "key file") == "fail");
  CHECK(Doctor::todo(r, "key file") == "chmod 600 '" + key + "'");

  fs::rename(key, key + ".away");
  r = d.run({"--json", "doctor"});
  CHECK(r.code == 1);
  CHECK(Doctor::verdict(r, "key file") == "fail");
  // The store is not opened (opening would make a new key and lose the data's).
  CHECK(Doctor::verdict(r, "store") == "(no such check)");
  CHECK_FALSE(fs::exists(key));
}

TEST_CASE("weimin doctor: a printer device that is not there fails and says what to check") {
  Doctor d;
  auto r = d.run({"--json", "doctor", "--printer", (d.dir / "no-such-lp0").string()});
  CHECK(r.code == 1);
  CHECK(Doctor::verdict(r, "printer") == "fail");
  CHECK(Doctor::todo(r, "printer").find("cable") != std::string::npos);
}
