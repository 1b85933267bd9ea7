// The HTTPS client against the real district server process (build-*/server/weimin-district)
// on 127.0.0.1: enrolment with the pinned CA, push and pull, a certificate that does not match
// the pin, no server at all, and a fault-injecting TCP proxy between them (cut mid-request and
// mid-response, delays, a replayed request): the station resumes and converges, nothing is lost
// or doubled.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <fstream>
#include <sstream>

#include "fault_proxy.hpp"
#include "sync_fixture.hpp"
#include "weimin/server/https.hpp"
#include "weimin/station/sync_state.hpp"
#include "weimin/station/sync_status.hpp"
#include "weimin/sync/transport_curl.hpp"

#ifdef WEIMIN_DISTRICT_BIN

using namespace weimin;
using weimin::test::TempDir;
using weimin::test::TestStation;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `weimin-district --data DIR --district 530102 serve --dev --listen 127.0.0.1:0` as a child.
struct DistrictProcess {
  TempDir dir;
  pid_t pid = -1;
  int port = 0;
  std::string ca_pem;

  DistrictProcess() {
    int out[2];
    REQUIRE(::pipe(out) == 0);
    const std::string data = (dir / "data").string();
    const std::string key = (dir / "district.kek").string();
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::dup2(out[1], 1);
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 2);
      ::close(out[0]);
      ::execl(WEIMIN_DISTRICT_BIN, "weimin-district", "--data", data.c_str(), "--key-file",
              key.c_str(), "--district", "530102", "serve", "--dev", "--listen", "127.0.0.1:0",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    FILE* f = ::fdopen(out[0], "r");
    char line[512];
    std::string ca_path;
    while (std::fgets(line, sizeof line, f)) {
      std::string l(line);
      if (l.rfind("ca: ", 0) == 0) ca_path = l.substr(4, l.size() - 5);
      if (l.rfind("listening: https://127.0.0.1:", 0) == 0) {
        port = std::stoi(l.substr(std::string("listening: https://127.0.0.1:").size()));
        break;
      }
    }
    reader_ = f;
    REQUIRE_MESSAGE(port > 0, "weimin-district did not start");
    ca_pem = read_file(ca_path);
    REQUIRE(ca_pem.find("BEGIN CERTIFICATE") != std::string::npos);
  }
  ~DistrictProcess() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
    if (reader_) std::fclose(reader_);
  }
  std::string token(const std::string& community) {
    const std::string cmd = std::string(WEIMIN_DISTRICT_BIN) + " --data " + (dir / "data").string() +
                            " --key-file " + (dir / "district.kek").string() +
                            " enroll-token --community " + community + " 2>/dev/null";
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    char buf[256] = {0};
    REQUIRE(std::fgets(buf, sizeof buf, p));
    ::pclose(p);
    std::string t(buf);
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    return t;
  }
  std::string url(int at_port = 0) const {
    return "https://127.0.0.1:" + std::to_string(at_port ? at_port : port);
  }

 private:
  FILE* reader_ = nullptr;
};

std::unique_ptr<sync::CurlTransport> curl_to(const std::string& url, const std::string& ca) {
  sync::CurlOptions options;
  options.base_url = url;
  options.ca_pem = ca;
  options.connect_timeout_ms = 3000;
  options.total_timeout_ms = 20'000;
  auto t = sync::CurlTransport::make(options);
  REQUIRE_MESSAGE(t.is_ok(), t.status().to_string());
  return std::move(t).value();
}

void enroll(TestStation& s, DistrictProcess& d, sync::Transport& t, const std::string& url) {
  auto r = station::enroll_station(*s.station, t, {url, d.token(s.community), d.ca_pem});
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
}

}  // namespace

TEST_CASE("over HTTPS with the real server: enrol with the pinned CA, push, pull, status") {
  DistrictProcess district;
  TestStation a("530102001001");
  auto transport = curl_to(district.url(), district.ca_pem);
  enroll(a, district, *transport, district.url());
  const auto ids = a.write(800);
  auto r = a.sync(*transport);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(r->pushed >= 800);
  CHECK(a.pending() == 0);
  CHECK(transport->bytes_sent() > 0);
  // The station's own transport from its database (URL and pinned CA kept at enrolment).
  auto own = station::district_transport(*a.station);
  REQUIRE(own.is_ok());
  station::SyncOptions nightly;
  nightly.anti_entropy = true;
  auto check = a.sync(**own, nightly);
  REQUIRE_MESSAGE(check.is_ok(), check.status().to_string());
  CHECK(check->digest_mismatches.empty());

  TestStation fresh("530102001001");
  enroll(fresh, district, *transport, district.url());
  auto pulled = fresh.sync(*transport);
  REQUIRE_MESSAGE(pulled.is_ok(), pulled.status().to_string());
  for (const auto& id : ids) REQUIRE(fresh.has_fact(id));
}

TEST_CASE("a station's pushes share one kept-alive connection") {
  // TCP_NODELAY on the accepted socket (without it each answer's last TLS record waited for the
  // station's delayed ACK, 40 ms a request) is checked on the socket itself in serve_test;
  // timing is judged by the benchmark (scripts/bench sync), never here. This checks what makes
  // the stall matter: the 20 pages of a sync go over one connection, each answered in turn.
  struct Counted final : sync::Transport {
    sync::Transport& inner;
    int pushes = 0;
    explicit Counted(sync::Transport& t) : inner(t) {}
    Result<sync::HttpResponse> send(const sync::HttpRequest& r) override {
      if (r.path == "/v1/push") ++pushes;
      return inner.send(r);
    }
  };
  DistrictProcess district;
  test::FaultProxy proxy(district.port);  // no faults: it counts the connections
  const std::string via = district.url(proxy.port());
  TestStation a("530102001001");
  auto transport = curl_to(via, district.ca_pem);
  enroll(a, district, *transport, via);
  a.write(2000);
  station::SyncOptions pages;
  pages.push_page_count = 100;  // 20 requests
  Counted counted(*transport);
  const int connections_before = proxy.connections_seen();
  auto r = a.sync(counted, pages);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(counted.pushes >= 20);
  CHECK(r->push_pages >= 20);
  CHECK(a.pending() == 0);
  CHECK(proxy.connections_seen() - connections_before <= 1);
}

TEST_CASE("a certificate that does not match the pinned CA is refused in plain words") {
  DistrictProcess district;
  TempDir other;
  auto other_tls = server::ensure_dev_tls(other.path());
  REQUIRE(other_tls.is_ok());
  TestStation a("530102001001");
  auto transport = curl_to(district.url(), read_file(other_tls->ca_cert));
  auto r = station::enroll_station(*a.station, *transport,
                                   {district.url(), district.token("530102001001"), ""});
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == ErrorCode::Rejected);
  CHECK(r.status().message().find("does not match the pinned district CA") != std::string::npos);
}

TEST_CASE("no server: the station says it cannot reach the district") {
  TestStation a("530102001001");
  DistrictProcess district;
  auto transport = curl_to(district.url(), district.ca_pem);
  enroll(a, district, *transport, district.url());
  auto dead = curl_to("https://127.0.0.1:1", district.ca_pem);
  a.write(3);
  auto r = a.sync(*dead);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == ErrorCode::Unavailable);
  CHECK(r.status().message().find("cannot reach the district") != std::string::npos);
  CHECK(station::read_sync_status(*a.station).value().last_error == r.status().message());
  CHECK(a.pending() >= 3);
}

TEST_CASE("through a faulty link: cuts, delays and a replayed request; the station converges") {
  DistrictProcess district;
  test::FaultProxy proxy(district.port);
  const std::string via = district.url(proxy.port());
  TestStation a("530102001001");
  auto transport = curl_to(via, district.ca_pem);
  enroll(a, district, *transport, via);
  std::set<std::string> ids;
  station::SyncOptions small;
  small.push_page_count = 150;
  small.pull_limit = 150;

  // Cut mid-response, at several depths: each time the next sync re-sends at most one page.
  // Each round rebuilds from cursor 0 (as a digest repair does), so the pulls bring the
  // station's own facts back and the answers are long enough to cut deep.
  for (std::int64_t cut : {2500, 6000, 12000, 30000}) {
    for (const auto& id : a.write(400)) ids.insert(id);
    REQUIRE(a.station->transact([&]() -> Status {
      WEIMIN_ASSIGN_OR_RETURN(auto state, station::load_sync_state(a.station->db()));
      return station::save_cursor(a.station->db(), state.epoch, 0, a.station->now_ms());
    }).is_ok());
    proxy.set_faults({-1, cut, 0, false, 1});
    transport = curl_to(via, district.ca_pem);  // a new connection takes the fault
    const int fired = proxy.faults_fired();
    auto r = a.sync(*transport, small);
    if (proxy.faults_fired() > fired) CHECK_FALSE(r.is_ok());
    auto resumed = a.sync(*transport, small);
    REQUIRE_MESSAGE(resumed.is_ok(), resumed.status().to_string());
    CHECK(resumed->resent_pages <= 1);
    CHECK(a.pending() == 0);
  }
  CHECK(proxy.faults_fired() >= 2);

  // Cut mid-request: nothing is applied, the resend is the first time the district sees it.
  for (const auto& id : a.write(400)) ids.insert(id);
  proxy.set_faults({5000, -1, 0, false, 1});
  transport = curl_to(via, district.ca_pem);
  (void)a.sync(*transport, small);
  REQUIRE(a.sync(*transport, small).is_ok());

  // Slow link.
  for (const auto& id : a.write(50)) ids.insert(id);
  proxy.set_faults({-1, -1, 5, false, 1});
  transport = curl_to(via, district.ca_pem);
  REQUIRE(a.sync(*transport, small).is_ok());

  // A recorded connection replayed by someone on the path changes nothing (TLS refuses the
  // replayed bytes; a replayed signed request is refused for its nonce, see sync_loop_test).
  for (const auto& id : a.write(10)) ids.insert(id);
  proxy.set_faults({-1, -1, 0, true, 1});
  transport = curl_to(via, district.ca_pem);
  REQUIRE(a.sync(*transport, small).is_ok());
  transport = curl_to(via, district.ca_pem);  // the old connection closes; the proxy replays it
  CHECK(proxy.wait_for_replays(1));
  CHECK(proxy.replays_sent() == 1);

  // Nothing lost, nothing doubled: a fresh station of the community pulls exactly these facts
  // (plus the director's own setup facts), and the digests agree.
  station::SyncOptions nightly;
  nightly.anti_entropy = true;
  auto check = a.sync(*transport, nightly);
  REQUIRE_MESSAGE(check.is_ok(), check.status().to_string());
  CHECK(check->digest_mismatches.empty());
  TestStation fresh("530102001001");
  enroll(fresh, district, *transport, via);
  REQUIRE(fresh.sync(*transport).is_ok());
  for (const auto& id : ids) REQUIRE(fresh.has_fact(id));
  CHECK(fresh.digests() == a.digests());
}

#endif  // WEIMIN_DISTRICT_BIN
