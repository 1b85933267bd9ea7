// The real `weimin-district serve --dev` process on 127.0.0.1, called over HTTPS with the CA it
// made, and the command's exit codes.
#include <doctest/doctest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "temp_dir.hpp"
#include "weimin/server/cli.hpp"
#include "weimin/sync/protocol.hpp"

using namespace weimin;

namespace {

struct Child {
  pid_t pid = -1;
  int out = -1;
};

Child spawn(const std::vector<std::string>& args) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  Child c;
  c.pid = ::fork();
  REQUIRE(c.pid >= 0);
  if (c.pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> argv;
    std::string bin = WEIMIN_DISTRICT_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  c.out = fds[0];
  return c;
}

// Lines of the child's output until `done` says so or 30 s pass.
std::string read_until(int fd, const std::function<bool(const std::string&)>& done) {
  std::string text;
  for (int waited = 0; waited < 300 && !done(text); ++waited) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[512];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

int run(const std::vector<std::string>& args, std::string* out = nullptr) {
  std::istringstream in;
  std::ostringstream o, e;
  int code = server::run_district_cli(args, {in, o, e});
  if (out) *out = o.str() + e.str();
  return code;
}

}  // namespace

TEST_CASE("weimin-district serve --dev answers /v1/health over HTTPS with its own CA") {
  test::TempDir dir;
  std::string data = (dir.path() / "district").string();
  std::string kek = (dir.path() / "kek").string();
  Child c = spawn({"--data", data, "--key-file", kek, "--district", "530102", "serve", "--dev",
                   "--listen", "127.0.0.1:0"});
  std::string text = read_until(c.out, [](const std::string& t) {
    return t.find("listening: ") != std::string::npos && t.find('\n', t.find("listening: ")) != std::string::npos;
  });
  auto at = text.find("listening: https://127.0.0.1:");
  REQUIRE_MESSAGE(at != std::string::npos, text);
  int port = std::stoi(text.substr(at + std::string("listening: https://127.0.0.1:").size()));
  auto ca_at = text.find("ca: ");
  REQUIRE(ca_at != std::string::npos);
  std::string ca = text.substr(ca_at + 4, text.find('\n', ca_at) - ca_at - 4);

  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path(ca.c_str());
  client.enable_server_certificate_verification(true);
  client.set_connection_timeout(10);
  auto res = client.Get("/v1/health");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto h = sync::parse_health_response(res->body);
  REQUIRE_MESSAGE(h.is_ok(), res->body);
  CHECK(h->status == "ok");
  CHECK(res->has_header("X-Weimin-Server-Time"));
  auto bad = client.Post("/v1/push", "{", "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 401);  // unsigned: checked before the body is read as JSON

  // A gzip body is decoded before the service reads it: a well-formed enrolment with an unknown
  // token is answered bad_token (a body left compressed would be bad_request).
  httplib::SSLClient zipped("127.0.0.1", port);
  zipped.set_ca_cert_path(ca.c_str());
  zipped.enable_server_certificate_verification(true);
  zipped.set_compress(true);
  auto z = zipped.Post("/v1/enroll",
                       R"({"schema":1,"token":"nope","community":"530102001001","public_key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})",
                       "application/json");
  REQUIRE(z);
  CHECK(z->status == 401);
  CHECK(z->body.find("bad_token") != std::string::npos);

  // Without the CA the certificate is not trusted.
  httplib::SSLClient blind("127.0.0.1", port);
  blind.enable_server_certificate_verification(true);
  blind.set_ca_cert_path((dir.path() / "none.pem").c_str());
  CHECK_FALSE(blind.Get("/v1/health"));

  ::kill(c.pid, SIGTERM);
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  ::close(c.out);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("weimin-district exits 0, 1 or 2 and tells what to do") {
  test::TempDir dir;
  std::string data = (dir.path() / "district").string();
  std::string kek = (dir.path() / "kek").string();
  std::string out;
  CHECK(run({"--help"}, &out) == 0);
  CHECK(out.find("serve") != std::string::npos);
  CHECK(run({"dept", "report", "--help"}, &out) == 0);
  CHECK(run({"frobnicate"}, &out) == 2);
  CHECK(run({"enroll-token", "--community", "530102001001"}, &out) == 2);  // no --data
  CHECK(run({"--data", data, "--key-file", kek, "enroll-token", "--community", "530102001001"}, &out) == 1);
  CHECK(out.find("--district") != std::string::npos);
  CHECK(run({"--data", data, "--key-file", kek, "--district", "530102", "init"}, &out) == 0);
  CHECK(run({"--data", data, "--key-file", kek, "enroll-token", "--community", "530102001001"}, &out) == 0);
  CHECK(out.size() > 20);
  CHECK(run({"--data", data, "--key-file", kek, "enroll-token", "--community", "110101001001"}, &out) == 1);
  CHECK(run({"--data", data, "--key-file", kek, "dept", "list", "--department", "dept.water"}, &out) == 0);
  CHECK(out.find("no whistled cases") != std::string::npos);
  CHECK(run({"--data", data, "--key-file", kek, "dept", "report", "--department", "dept.water",
             "--case", "018f0000-0000-7000-8000-000000000001"}, &out) == 1);
  CHECK(out.find("no case") != std::string::npos);
  CHECK(run({"--data", data, "--key-file", kek, "rejects"}, &out) == 0);
  std::string backup = (dir.path() / "b.db").string();
  CHECK(run({"--data", data, "--key-file", kek, "backup", backup}, &out) == 0);
  CHECK(run({"--data", data, "--key-file", kek, "restore", backup}, &out) == 0);
  CHECK(out.find("new epoch") != std::string::npos);
}
