// `weimin-district doctor`: a new district store is healthy but for what an operator still has
// to do (publish a catalog); a data folder others may read, a missing key file and a
// certificate with another key's each fail (exit 1) with what to do.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "temp_dir.hpp"
#include "weimin/server/cli.hpp"
#include "weimin/server/https.hpp"

namespace fs = std::filesystem;
using weimin::test::TempDir;

namespace {

struct Run {
  int code;
  std::string out, err;
  std::string verdict(const std::string& check) const {
    const auto answer = nlohmann::json::parse(out);
    for (const auto& c : answer["checks"]) {
      if (c["check"] == check) return c["verdict"];
    }
    return "(no such check)";
  }
  std::string todo(const std::string& check) const {
    const auto answer = nlohmann::json::parse(out);
    for (const auto& c : answer["checks"]) {
      if (c["check"] == check) return c["todo"];
    }
    return "";
  }
};

struct District {
  TempDir dir;
  std::string data = (dir / "district").string();
  District() { REQUIRE(run({"--district", "530102", "init"}).code == 0); }
  Run run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data", data});
    std::istringstream in;
    std::ostringstream o, e;
    const int code = weimin::server::run_district_cli(args, {in, o, e});
    return {code, o.str(), e.str()};
  }
};

}  // namespace

TEST_CASE("weimin-district doctor: a new store is healthy, and says to publish a catalog") {
  District d;
  auto r = d.run({"--json", "doctor"});
  CHECK_MESSAGE(r.code == 0, r.out, r.err);
  CHECK(r.verdict("data folder") == "ok");
  CHECK(r.verdict("key file") == "ok");
  CHECK(r.verdict("store") == "ok");
  CHECK(r.verdict("catalog") == "warn");
  CHECK(r.todo("catalog").find("catalog publish") != std::string::npos);
  CHECK(r.verdict("certificate") == "skipped");
  CHECK(d.run({"doctor"}).out.find("the district looks healthy") != std::string::npos);
}

TEST_CASE("weimin-district doctor: folder and key file modes, a missing key file") {
  District d;
  fs::permissions(d.data, fs::perms::others_exec, fs::perm_options::add);
  auto r = d.run({"--json", "doctor"});
  CHECK(r.code == 1);
  CHECK(r.verdict("data folder") == "fail");
  CHECK(r.todo("data folder") == "chmod 700 '" + d.data + "'");
  fs::permissions(d.data, fs::perms::others_exec, fs::perm_options::remove);

  const std::string kek = d.data + ".kek";
  fs::rename(kek, kek + ".away");
  r = d.run({"--json", "doctor"});
  CHECK(r.code == 1);
  CHECK(r.verdict("key file") == "fail");
  CHECK(r.verdict("store") == "(no such check)");  // not opened: that would make a new key
  CHECK_FALSE(fs::exists(kek));
}

TEST_CASE("weimin-district doctor: the server certificate and whether the key is its own") {
  District d;
  auto tls = weimin::server::ensure_dev_tls(d.dir / "dev");
  REQUIRE(tls.is_ok());
  auto r = d.run(
      {"--json", "doctor", "--cert", tls->server_cert.string(), "--key", tls->server_key.string()});
  CHECK_MESSAGE(r.code == 0, r.out);
  CHECK(r.verdict("certificate") == "ok");
  CHECK(r.verdict("certificate key") == "ok");

  // The CA's key is not the server certificate's.
  r = d.run({"--json", "doctor", "--cert", tls->server_cert.string(), "--key",
             (d.dir / "dev" / "tls" / "ca.key").string()});
  CHECK(r.code == 1);
  CHECK(r.verdict("certificate key") == "fail");
  CHECK(r.todo("certificate key").find("certificate") != std::string::npos);

  r = d.run({"--json", "doctor", "--cert", (d.dir / "no.pem").string()});
  CHECK(r.code == 1);
  CHECK(r.verdict("certificate") == "fail");
}
