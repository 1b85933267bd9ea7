// Issue 12's attacks on the HTTPS front, replayed against the real `weimin-district serve --dev`
// process while a probe asks GET /v1/health every few dozen milliseconds: each probe must be
// answered within 1 s, and the server's resident memory (VmRSS) must stay under 300 MB,
// throughout. The server runs with short deadlines (hidden test options) so the suite is fast;
// attackers connect from 127.0.0.2 and 127.0.0.3 so the per-address cap never touches the
// probe's 127.0.0.1.
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "temp_dir.hpp"
#include "tls_client.hpp"
#include "weimin/sync/protocol.hpp"
#include "weimin/sync/protocol_auth.hpp"

using namespace weimin;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMiB = 1 << 20;
// The issue's budgets: health within 1 s, VmRSS under 300 MB. They are judged on the plain
// build (CI runs it too); a sanitizer build of the server keeps freed memory in quarantine and
// shadow memory beside it, and runs several times slower, so there the same attacks must only
// be survived and refused, within wider bounds.
#if defined(__SANITIZE_ADDRESS__)
constexpr std::int64_t kRssBudgetKb = 2000 * 1000;
constexpr int kHealthSeconds = 5;
#else
constexpr std::int64_t kRssBudgetKb = 300 * 1000;
constexpr int kHealthSeconds = 1;
#endif

std::string gzip(std::string_view bytes) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(bytes.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// The real server with short deadlines, and a probe that checks its health and memory.
class AttackedServer {
 public:
  AttackedServer() {
    int out[2];
    REQUIRE(::pipe(out) == 0);
    const std::string data = (dir_.path() / "data").string();
    const std::string kek = (dir_.path() / "kek").string();
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, STDERR_FILENO);
      ::close(out[0]);
      ::execl(WEIMIN_DISTRICT_BIN, "weimin-district", "--data", data.c_str(), "--key-file",
              kek.c_str(), "--district", "530102", "serve", "--dev", "--listen", "127.0.0.1:0",
              "--handshake-timeout-ms", "1500", "--header-timeout-ms", "1500", "--body-timeout-ms",
              "1500", "--idle-timeout-ms", "2000", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = ::fdopen(out[0], "r");
    char line[512];
    while (std::fgets(line, sizeof line, out_)) {
      const std::string l(line);
      if (l.rfind("listening: https://127.0.0.1:", 0) == 0) {
        port_ = std::stoi(l.substr(std::string("listening: https://127.0.0.1:").size()));
        break;
      }
    }
    REQUIRE_MESSAGE(port_ > 0, "weimin-district did not start");
    probe_ = std::thread([this] { probe(); });
    wait_for_probes(1);
  }

  ~AttackedServer() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (probe_.joinable()) probe_.join();
    if (pid_ > 0 && !dead_) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (out_) std::fclose(out_);
  }

  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

  // Starts an attack: the probes from now on are counted for it.
  void attack(const std::string& name) {
    std::lock_guard lock(mutex_);
    phase_ = name;
  }
  // Waits (bounded) until `n` more probes have been answered, so health was checked during and
  // right after the attack; then checks every probe so far was answered in time and memory held.
  void check_healthy(int n = 2) {
    wait_for_probes(n);
    std::lock_guard lock(mutex_);
    CHECK_MESSAGE(failures_.empty(),
                  "health not answered within " << kHealthSeconds << " s during: " << failures_);
    CHECK_MESSAGE(max_rss_kb_ < kRssBudgetKb,
                  "the server's memory reached " << max_rss_kb_ / 1000 << " MB during " << phase_);
    CHECK_MESSAGE(!dead_,
                  "the server died during " << phase_ << " (wait status " << died_with_ << ")");
  }

  std::int64_t rss_kb() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
    }
    return 0;
  }

  std::string enroll_token(const std::string& community) {
    const std::string cmd = std::string(WEIMIN_DISTRICT_BIN) + " --data " +
                            (dir_.path() / "data").string() + " --key-file " +
                            (dir_.path() / "kek").string() + " enroll-token --community " +
                            community + " 2>/dev/null";
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    char buf[256] = {0};
    REQUIRE(std::fgets(buf, sizeof buf, p));
    ::pclose(p);
    std::string t(buf);
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    return t;
  }

 private:
  void wait_for_probes(int n) {
    std::unique_lock lock(mutex_);
    const int target = answered_ + n;
    REQUIRE_MESSAGE(probed_.wait_for(lock, std::chrono::seconds(30),
                                     [&] { return answered_ >= target || stop_ || dead_; }),
                    "the probe made no progress");
  }

  void probe() {
    httplib::SSLClient client("127.0.0.1", port_);
    client.enable_server_certificate_verification(false);
    client.set_keep_alive(true);
    client.set_connection_timeout(kHealthSeconds, 0);
    client.set_read_timeout(kHealthSeconds, 0);
    client.set_write_timeout(kHealthSeconds, 0);
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      auto res = client.Get("/v1/health");
      const bool ok = res && res->status == 200 && sync::parse_health_response(res->body).is_ok();
      const std::int64_t rss = rss_kb();
      lock.lock();
      max_rss_kb_ = std::max(max_rss_kb_, rss);
      if (ok) {
        ++answered_;
      } else {
        failures_ += phase_ + "; ";
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          dead_ = true;
          died_with_ = status;
          probed_.notify_all();
          return;
        }
      }
      probed_.notify_all();
      // The probe's pace (not a wait for a condition): one health check every 50 ms.
      wake_.wait_for(lock, std::chrono::milliseconds(50), [&] { return stop_; });
    }
  }

  test::TempDir dir_;
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  int port_ = 0;
  std::thread probe_;
  std::mutex mutex_;
  std::condition_variable wake_, probed_;
  bool stop_ = false;
  bool dead_ = false;  // the server process ended (reaped by the probe)
  int died_with_ = 0;
  std::string phase_ = "start";
  int answered_ = 0;
  std::string failures_;
  std::int64_t max_rss_kb_ = 0;
};

std::unique_ptr<test::TlsConn> attacker(int port, const char* from = "127.0.0.3") {
  std::string why;
  auto c = test::TlsConn::connect(port, {from, nullptr, 0, 10'000}, &why);
  REQUIRE_MESSAGE(c, why);
  return c;
}

std::string fact_json(int i, const std::string& body, const std::string& kind = "case.collected") {
  char id[64];
  std::snprintf(id, sizeof id, "018f0000-0000-7000-8000-%012d", i);
  return std::string(R"({"id":")") + id + R"(","kind":")" + kind +
         R"(","subject":"018f0000-0000-7000-8000-0000000000aa","origin":"station:530102001001","hlc":12345,"wall_ms":1700000000000,"day":"2026-11-23","body":)" +
         body + "}";
}

std::string push_json(const std::string& entries) {
  return R"({"schema":1,"station_id":"station:530102001001","stream":"018f0000-0000-7000-8000-00000000ffff","base_seq":0,"entries":[)" +
         entries + "]}";
}

std::string raw_request(const sync::HttpRequest& r) {
  std::string out = r.method + " " + r.path + (r.query.empty() ? "" : "?" + r.query) +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
  return out + r.body;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("attacks on the front: the real server refuses each and answers health throughout") {
  ::signal(SIGPIPE, SIG_IGN);
  AttackedServer server;
  std::string body;

  server.attack("a 64 KB gzip body that inflates to 64 MiB");
  {
    const std::string bomb = gzip(std::string(64 * kMiB, '\0'));
    CHECK(bomb.size() < 100'000);
    auto c = attacker(server.port());
    REQUIRE(c->send("POST /v1/push HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: " +
                    std::to_string(bomb.size()) + "\r\n\r\n" + bomb));
    CHECK(c->read_answer(&body) == 413);
    auto e = sync::parse_error_body(body);
    REQUIRE_MESSAGE(e.is_ok(), body);
    CHECK(e->code == "too_large");
  }
  server.check_healthy();

  server.attack("a 24 MiB chunked body");
  {
    auto c = attacker(server.port());
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'c') + "\r\n";
    bool sending = c->send("POST /v1/push HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (std::size_t sent = 0; sending && sent < 24 * kMiB; sent += 0x10000)
      sending = c->send(chunk);
    const int status = c->read_answer(&body);
    // Refused part way: the server stops reading after its cap (8 MiB) and a short linger.
    CHECK_MESSAGE((status == 413 || !sending), "status " << status);
    CHECK(c->sent() < 24 * kMiB);
  }
  server.check_healthy();

  server.attack("200,000 headers");
  {
    auto c = attacker(server.port());
    std::string many = "GET /v1/health HTTP/1.1\r\n";
    for (int i = 0; i < 200'000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    many += "\r\n";
    const bool all_sent = c->send(many);
    const int status = c->read_answer(&body);
    CHECK_MESSAGE((status == 431 || (status == 0 && !all_sent)), "status " << status);
    if (status == 431) CHECK(sync::parse_error_body(body).is_ok());
  }
  server.check_healthy();

  server.attack("a 7.5 MiB unsigned push");
  {
    std::string entries;
    for (int i = 1; entries.size() < 15 * kMiB / 2; ++i) {
      if (!entries.empty()) entries += ",";
      entries += R"({"seq":)" + std::to_string(i) + R"(,"topic":"fact","payload":)" +
                 fact_json(i, R"({"source":"s1"})") + "}";
    }
    const std::string push = push_json(entries);
    CHECK(push.size() < 8 * kMiB);
    auto c = attacker(server.port());
    const bool all_sent =
        c->send("POST /v1/push HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(push.size()) + "\r\n\r\n" + push);
    // Answered 401 from its headers; the connection is closed after a short linger, so the
    // sender may see the close before it has sent the rest (and before it reads the answer).
    const int status = c->read_answer(&body);
    CHECK_MESSAGE((status == 401 || status == 0),
                  "status " << status << (all_sent ? "" : " (cut)"));
  }
  server.check_healthy();

  server.attack("160 connections dribbling a header line at a time");
  {
    std::vector<std::unique_ptr<test::TlsConn>> slow;
    for (int i = 0; i < 160; ++i) {
      slow.push_back(attacker(server.port(), "127.0.0.2"));
      REQUIRE(slow.back()->send("POST /v1/push HTTP/1.1\r\n"));
    }
    // One more line on each connection every 400 ms; the server cuts each at its header
    // deadline (1.5 s here, 10 s by default), so none lasts: bounded at 60 lines.
    std::size_t open = slow.size();
    for (int line = 0; line < 60 && open > 0; ++line) {
      open = 0;
      for (auto& c : slow) {
        if (!c) continue;
        if (c->closed(0) || !c->send("X-Dribble-" + std::to_string(line) + ": 1\r\n")) {
          c.reset();
        } else {
          ++open;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the attacker's pace
    }
    CHECK_MESSAGE(open == 0, open << " dribbling connections outlived the header deadline");
  }
  server.check_healthy();

  server.attack("a connection that never starts TLS, one idle after a request");
  {
    auto quiet = test::TlsConn::tcp(server.port(), {"127.0.0.3"});
    REQUIRE(quiet);
    pollfd p{quiet->fd(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 20'000) == 1);  // closed at the handshake deadline
    char byte;
    CHECK(::read(quiet->fd(), &byte, 1) <= 0);

    auto idle = attacker(server.port());
    REQUIRE(idle->send("GET /v1/health HTTP/1.1\r\n\r\n"));
    CHECK(idle->read_answer() == 200);
    bool closed = false;
    for (int i = 0; i < 40 && !closed; ++i) closed = idle->closed(500);  // idle deadline: 2 s
    CHECK(closed);
  }
  server.check_healthy();
}

TEST_CASE("attacks: a signed push nesting 70,000 arrays is refused and the server stays up") {
  // Needs the service's JSON depth bound (issue 12, part 1 of deliverable 2, service.cpp).
  ::signal(SIGPIPE, SIG_IGN);
  AttackedServer server;
  const std::string community = "530102001001";
  const auto key = sync::generate_station_key();
  auto c = attacker(server.port());
  sync::EnrollRequest enrol{sync::kSchema, server.enroll_token(community), community,
                            sync::base64_encode(key.public_key)};
  sync::HttpRequest e{"POST", "/v1/enroll", "", {}, sync::to_json(enrol)};
  REQUIRE(c->send(raw_request(e)));
  std::string body;
  REQUIRE_MESSAGE(c->read_answer(&body) == 200, body);
  auto enrolled = sync::parse_enroll_response(body);
  REQUIRE_MESSAGE(enrolled.is_ok(), body);

  server.attack("a signed push nesting 70,000 arrays");
  const int depth = 70'000;
  // A ticket fact: its body is kept as it came, so the record text is made from it.
  const std::string deep =
      R"({"line":1,"deep":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
  sync::HttpRequest push{"POST",
                         "/v1/push",
                         "",
                         {},
                         push_json(R"({"seq":1,"topic":"fact","payload":)" +
                                   fact_json(1, deep, "ticket.issued") + "}")};
  // The push names the station the district enrolled.
  const std::string wrong = "station:530102001001";
  if (enrolled->station_id != wrong) {
    push.body.replace(push.body.find(wrong), wrong.size(), enrolled->station_id);
  }
  sync::sign_request(push, enrolled->station_id, key.secret_key, now_ms());
  REQUIRE(c->send(raw_request(push)));
  body.clear();
  const int status = c->read_answer(&body);
  CHECK_MESSAGE((status >= 400 && status < 500), "status " << status << ": " << body);
  server.check_healthy();
}

TEST_CASE(
    "attacks: a push without a signature or an enrolled keyid is refused 401 from its headers") {
  ::signal(SIGPIPE, SIG_IGN);
  AttackedServer server;
  std::string body;

  server.attack("an unsigned push's headers, its 8 MiB body never sent");
  {
    auto c = attacker(server.port());
    REQUIRE(c->send("POST /v1/push HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(8 * kMiB) + "\r\n\r\n"));
    CHECK(c->read_answer(&body) == 401);  // without the body: answered from the headers
    auto e = sync::parse_error_body(body);
    REQUIRE_MESSAGE(e.is_ok(), body);
    CHECK(e->code == "unsigned");
  }
  {
    // Signed, by a station the district never enrolled: refused by its keyid alone.
    const auto key = sync::generate_station_key();
    sync::HttpRequest push{"POST", "/v1/push", "", {}, push_json("")};
    sync::sign_request(push, "station:530102001009", key.secret_key, now_ms());
    std::string head = raw_request(push);
    head.resize(head.size() - push.body.size());
    auto c = attacker(server.port());
    REQUIRE(c->send(head));
    CHECK(c->read_answer(&body) == 401);
    auto e = sync::parse_error_body(body);
    REQUIRE_MESSAGE(e.is_ok(), body);
    CHECK(e->code == "unknown_key");
  }
  server.check_healthy();
}

TEST_CASE("attacks: 100 unsigned 8 MiB pushes at once, 50 chunked: memory and health hold") {
  ::signal(SIGPIPE, SIG_IGN);
  AttackedServer server;
  server.attack("100 connections each sending an unsigned 8 MiB push, 50 of them chunked");
  {
    const std::string payload(8 * kMiB - 4096, 'u');
    std::mutex statuses_mutex;
    std::vector<int> statuses;
    std::vector<std::thread> attackers;
    for (int i = 0; i < 100; ++i) {
      attackers.emplace_back([&, i] {
        std::string why;
        auto c = test::TlsConn::connect(
            server.port(), {i % 2 ? "127.0.0.2" : "127.0.0.3", nullptr, 0, 10'000}, &why);
        if (!c) return;
        const bool chunked = i % 2 == 1;
        bool sending =
            c->send(std::string("POST /v1/push HTTP/1.1\r\nContent-Type: application/json\r\n") +
                    (chunked ? "Transfer-Encoding: chunked\r\n\r\n"
                             : "Content-Length: " + std::to_string(payload.size()) + "\r\n\r\n"));
        constexpr std::size_t kPiece = 64 * 1024;
        for (std::size_t at = 0; sending && at < payload.size(); at += kPiece) {
          const std::string_view piece = std::string_view(payload).substr(at, kPiece);
          if (chunked) {
            char size[32];
            std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
            sending = c->send(std::string(size) + std::string(piece) + "\r\n");
          } else {
            sending = c->send(piece);
          }
        }
        if (sending && chunked) c->send("0\r\n\r\n");
        const int status = c->read_answer();
        std::lock_guard lock(statuses_mutex);
        statuses.push_back(status);
      });
    }
    for (auto& t : attackers) t.join();
    // Each is refused 401 "unsigned" (0: the connection closed before the answer was read).
    for (int status : statuses) CHECK_MESSAGE((status == 401 || status == 0), "status " << status);
  }
  server.check_healthy();
}
