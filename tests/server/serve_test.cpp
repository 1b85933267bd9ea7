// The real `weimin-district serve --dev` process on 127.0.0.1, called over HTTPS with the CA it
// made, and the command's exit codes.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "server_fixture.hpp"
#include "temp_dir.hpp"
#include "tls_client.hpp"
#include "weimin/server/cli.hpp"
#include "weimin/server/https.hpp"
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

// An HttpsServer in this process over a test::District, on a free port.
class InProcessServer {
 public:
  explicit InProcessServer(std::function<void(server::HttpsOptions&)> tune = {}) {
    auto tls = server::ensure_dev_tls(d_.dir() / "tls-home");
    REQUIRE_MESSAGE(tls.is_ok(), tls.status().to_string());
    tls_ = *tls;
    server::HttpsOptions o;
    o.tls = tls_;
    o.on_listening = [&](int p) {
      std::lock_guard lock(m_);
      port_ = p;
      listening_.notify_all();
    };
    if (tune) tune(o);
    srv_ = std::make_unique<server::HttpsServer>(d_.service(), o);
    serving_ = std::thread([&] { ran_ = srv_->run(); });
    std::unique_lock lock(m_);
    REQUIRE(listening_.wait_for(lock, std::chrono::seconds(20), [&] { return port_ != 0; }));
  }
  ~InProcessServer() {
    srv_->stop();
    serving_.join();
  }
  int port() const { return port_; }
  const server::TlsFiles& tls() const { return tls_; }
  test::District& district() { return d_; }

 private:
  test::District d_;
  server::TlsFiles tls_;
  std::mutex m_;
  std::condition_variable listening_;
  int port_ = 0;
  std::unique_ptr<server::HttpsServer> srv_;
  std::thread serving_;
  Status ran_ = Status::ok();
};

int port_of(const std::string& text) {
  const std::string mark = "listening: https://127.0.0.1:";
  auto at = text.find(mark);
  return at == std::string::npos ? 0 : std::stoi(text.substr(at + mark.size()));
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

TEST_CASE("the HTTPS server's connections send at once: TCP_NODELAY on every accepted socket") {
  // Without it each answer's last TLS record waited for the station's delayed ACK (~40 ms per
  // request on loopback; tests/sync's Nagle test shows the time). Checked on the socket itself,
  // so it holds in every build, sanitizers included.
  test::District d;
  auto tls = server::ensure_dev_tls(d.dir() / "tls-home");
  REQUIRE_MESSAGE(tls.is_ok(), tls.status().to_string());
  std::mutex m;
  std::condition_variable listening;
  int port = 0;
  server::HttpsOptions o;
  o.tls = *tls;
  o.on_listening = [&](int p) {
    std::lock_guard lock(m);
    port = p;
    listening.notify_all();
  };
  server::HttpsServer srv(d.service(), o);
  std::thread serving([&] { (void)srv.run(); });
  {
    std::unique_lock lock(m);
    REQUIRE(listening.wait_for(lock, std::chrono::seconds(20), [&] { return port != 0; }));
  }
  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path(tls->ca_cert.c_str());
  client.enable_server_certificate_verification(true);
  client.set_keep_alive(true);
  auto res = client.Get("/v1/health");
  REQUIRE(res);
  CHECK(res->status == 200);
  // The accepted connection is a socket of this process whose local port is the server's.
  int accepted = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::atoi(entry.path().filename().c_str());
    sockaddr_in a{};
    socklen_t len = sizeof a;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0 || a.sin_family != AF_INET ||
        ntohs(a.sin_port) != port) {
      continue;
    }
    int is_listener = 0;
    socklen_t l1 = sizeof is_listener;
    REQUIRE(::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &is_listener, &l1) == 0);
    if (is_listener) continue;
    int nodelay = 0;
    socklen_t l2 = sizeof nodelay;
    REQUIRE(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &l2) == 0);
    CHECK(nodelay != 0);
    ++accepted;
  }
  CHECK(accepted == 1);
  client.stop();
  srv.stop();
  serving.join();
}

TEST_CASE("TLS: 1.2 offers only AEAD suites with forward secrecy; older versions are refused") {
  InProcessServer srv;
  std::string why;
  // The development certificate is EC P-256: ECDSA suites.
  for (const char* aead : {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                           "ECDHE-ECDSA-CHACHA20-POLY1305"}) {
    auto ok = test::TlsConn::connect(srv.port(), {"127.0.0.1", aead, TLS1_2_VERSION}, &why);
    REQUIRE_MESSAGE(ok, aead << ": " << why);
    CHECK(ok->cipher() == aead);
  }
  for (const char* cbc :
       {"ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES128-SHA256",
        "ECDHE-RSA-AES128-SHA", "AES128-GCM-SHA256", "AES128-SHA"}) {
    CHECK_MESSAGE(!test::TlsConn::connect(srv.port(), {"127.0.0.1", cbc, TLS1_2_VERSION}, &why),
                  cbc << " was accepted");
  }
  CHECK_FALSE(test::TlsConn::connect(srv.port(), {"127.0.0.1", nullptr, TLS1_1_VERSION}, &why));
  auto newest = test::TlsConn::connect(srv.port(), {}, &why);
  REQUIRE_MESSAGE(newest, why);
  CHECK(newest->send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(newest->read_answer() == 200);
}

TEST_CASE("the front refuses over its limits with JSON answers, and keeps a connection alive") {
  InProcessServer srv;
  std::string why;
  auto c = test::TlsConn::connect(srv.port(), {}, &why);
  REQUIRE_MESSAGE(c, why);
  std::string body;
  for (int i = 0; i < 3; ++i) {  // one connection, several requests
    REQUIRE(c->send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
    REQUIRE(c->read_answer(&body) == 200);
    CHECK(sync::parse_health_response(body).is_ok());
  }
  REQUIRE(c->send("POST /v1/push HTTP/1.1\r\nContent-Length: 9000000\r\n\r\n"));
  CHECK(c->read_answer(&body) == 413);
  auto e = sync::parse_error_body(body);
  REQUIRE_MESSAGE(e.is_ok(), body);
  CHECK(e->code == "too_large");
  CHECK(c->closed(5000));

  auto h = test::TlsConn::connect(srv.port(), {}, &why);
  REQUIRE(h);
  std::string headers = "GET /v1/health HTTP/1.1\r\n";
  for (int i = 0; i < 100; ++i) headers += "X-" + std::to_string(i) + ": 1\r\n";
  REQUIRE(h->send(headers + "\r\n"));
  CHECK(h->read_answer(&body) == 431);
  CHECK(sync::parse_error_body(body).is_ok());

  auto z = test::TlsConn::connect(srv.port(), {}, &why);
  REQUIRE(z);
  REQUIRE(
      z->send("POST /v1/enroll HTTP/1.1\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\n{}"));
  CHECK(z->read_answer(&body) == 415);
}

TEST_CASE("connections beyond the per-address or total cap are closed; others still served") {
  InProcessServer srv([](server::HttpsOptions& o) {
    o.max_connections_per_address = 3;
    o.max_connections = 5;
  });
  std::string why;
  std::vector<std::unique_ptr<test::TlsConn>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(test::TlsConn::connect(srv.port(), {"127.0.0.2"}, &why));
    REQUIRE_MESSAGE(held.back(), why);
  }
  CHECK_FALSE(test::TlsConn::connect(srv.port(), {"127.0.0.2", nullptr, 0, 5000}, &why));
  auto other = test::TlsConn::connect(srv.port(), {"127.0.0.1"}, &why);
  REQUIRE_MESSAGE(other, why);
  REQUIRE(other->send("GET /v1/health HTTP/1.1\r\n\r\n"));
  CHECK(other->read_answer() == 200);
  auto fifth = test::TlsConn::connect(srv.port(), {"127.0.0.3"}, &why);
  REQUIRE_MESSAGE(fifth, why);
  CHECK_FALSE(test::TlsConn::connect(srv.port(), {"127.0.0.4", nullptr, 0, 5000}, &why));
  held.pop_back();  // a place frees up once the server has seen the close
  std::unique_ptr<test::TlsConn> again;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!again && std::chrono::steady_clock::now() < until) {
    again = test::TlsConn::connect(srv.port(), {"127.0.0.2", nullptr, 0, 5000}, &why);
  }
  CHECK(again);
}

TEST_CASE("a second serve on the same port fails at once with a clear message and exit 1") {
  test::TempDir dir;
  auto args = [&](const std::string& name, const std::string& listen) {
    return std::vector<std::string>{"--data",     (dir.path() / name).string(),
                                    "--key-file", (dir.path() / (name + ".kek")).string(),
                                    "--district", "530102",
                                    "serve",      "--dev",
                                    "--listen",   listen};
  };
  Child first = spawn(args("one", "127.0.0.1:0"));
  std::string text = read_until(
      first.out, [](const std::string& t) { return port_of(t) != 0 && t.back() == '\n'; });
  const int port = port_of(text);
  REQUIRE_MESSAGE(port > 0, text);
  // The second process, on the same port, with its own data folder (its own store).
  test::TempDir err_dir;
  const std::string err_file = (err_dir.path() / "err.txt").string();
  pid_t second = ::fork();
  REQUIRE(second >= 0);
  if (second == 0) {
    const int fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDERR_FILENO);
    std::vector<std::string> a = args("two", "127.0.0.1:" + std::to_string(port));
    std::vector<char*> argv;
    std::string bin = WEIMIN_DISTRICT_BIN;
    argv.push_back(bin.data());
    for (auto& x : a) argv.push_back(x.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  REQUIRE(::waitpid(second, &status, 0) == second);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  std::ifstream in(err_file);
  std::string said((std::istreambuf_iterator<char>(in)), {});
  CHECK_MESSAGE(said.find("in use") != std::string::npos, said);
  CHECK(said.find(std::to_string(port)) != std::string::npos);
  // The first still serves.
  auto c = test::TlsConn::connect(port);
  REQUIRE(c);
  REQUIRE(c->send("GET /v1/health HTTP/1.1\r\n\r\n"));
  CHECK(c->read_answer() == 200);
  ::kill(first.pid, SIGTERM);
  REQUIRE(::waitpid(first.pid, &status, 0) == first.pid);
  ::close(first.out);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
