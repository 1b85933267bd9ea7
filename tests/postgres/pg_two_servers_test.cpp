// Two real `weimin-district serve --store postgresql://…` processes over one database, many
// stations pushing to both at once — each station's batches racing on both processes, with
// overlapping repeats — and then: every entry applied exactly once (the applied counts of all
// answers add up to the facts sent), every stream at its last seq, the global change log
// gapless (1…n), and a pull through either process returns each fact of a community once.
// Needs WEIMIN_TEST_STORE (the weimin_pg fixture) and WEIMIN_DISTRICT_BIN.
#include <doctest/doctest.h>

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <pqxx/pqxx>

#include "temp_dir.hpp"
#include "weimin/server/cli.hpp"
#include "weimin/server/https.hpp"
#include "weimin/server/pg_store.hpp"
#include "weimin/sync/protocol.hpp"
#include "weimin/sync/protocol_auth.hpp"

namespace ws = weimin::server;
namespace wsync = weimin::sync;

namespace {

constexpr int kStations = 12;
constexpr int kFacts = 300;  // per station
constexpr int kBatch = 40;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string community_of(int station) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "530102%06d", 100 + station);
  return buf;
}

std::string fact_id(int station, int n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "019ab000-0000-7000-8000-%06d%06d", station, n);
  return buf;
}

// A `weimin-district serve` child process; stopped with SIGTERM (then SIGKILL) when destroyed.
class ServerProcess {
 public:
  ServerProcess(const std::vector<std::string>& args) {
    int out[2];
    REQUIRE(pipe(out) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      std::perror("execv weimin-district");
      _exit(127);
    }
    close(out[1]);
    // Wait (at most 60 s) for "listening: https://127.0.0.1:PORT".
    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char buf[512];
      const auto n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      seen.append(buf, static_cast<std::size_t>(n));
      const auto at = seen.find("listening: https://127.0.0.1:");
      if (at != std::string::npos && seen.find('\n', at) != std::string::npos) {
        port_ = std::atoi(seen.c_str() + at + 29);
      }
    }
    close(out[0]);
    REQUIRE_MESSAGE(port_ > 0,
                    "weimin-district serve did not say where it listens; it said: " << seen);
  }
  ~ServerProcess() {
    if (pid_ <= 0) return;
    // Waits for the exit itself (a pidfd is readable when the process ends), at most 5 s.
    const int exited = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    kill(pid_, SIGTERM);
    pollfd p{exited, POLLIN, 0};
    if (exited < 0 || poll(&p, 1, 5000) != 1) kill(pid_, SIGKILL);
    if (exited >= 0) close(exited);
    waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

struct Station {
  std::string id;
  std::string community;
  wsync::StationKeyPair key;
};

// One HTTPS connection to one server process, pinned to the dev CA; signs as a station.
class Client {
 public:
  Client(int port, const std::string& ca) : c_("127.0.0.1", port) {
    c_.set_ca_cert_path(ca);
    c_.enable_server_certificate_verification(true);
    c_.set_keep_alive(true);
    c_.set_read_timeout(60, 0);
  }
  // The response, or status 0 with the error in body.
  wsync::HttpResponse send(wsync::HttpRequest r, const Station* signer) {
    if (signer) wsync::sign_request(r, signer->id, signer->key.secret_key, now_ms());
    httplib::Headers h;
    std::string type = "application/json";
    for (const auto& [k, v] : r.headers) {
      // httplib writes the Content-Type of a POST itself; a second one would be refused (400).
      if (!wsync::HeaderNameLess{}(k, "Content-Type") &&
          !wsync::HeaderNameLess{}("Content-Type", k)) {
        type = v;
        continue;
      }
      h.emplace(k, v);
    }
    std::string target = r.path + (r.query.empty() ? "" : "?" + r.query);
    auto res = r.method == "GET" ? c_.Get(target.c_str(), h)
                                 : c_.Post(target.c_str(), h, r.body, type.c_str());
    wsync::HttpResponse out;
    if (!res) {
      out.status = 0;
      out.body = httplib::to_string(res.error());
      return out;
    }
    out.status = res->status;
    out.body = res->body;
    return out;
  }

 private:
  httplib::SSLClient c_;
};

std::string push_body(const Station& s, const std::string& stream, int from, int to) {
  wsync::PushRequest p;
  p.station_id = s.id;
  p.stream = stream;
  p.base_seq = 0;
  for (int seq = from; seq <= to; ++seq) {
    wsync::FactPayload f;
    f.id = fact_id(std::atoi(s.community.c_str() + 6) - 100, seq);
    f.kind = "ticket.taken";
    f.subject = "ticket:" + s.community + "-" + std::to_string(seq);
    f.origin = s.id;
    f.hlc = (1'763'856'000'000LL << 16) + seq;
    f.wall_ms = 1'763'856'000'000LL + seq;
    f.day = "2025-11-23";
    f.body = nlohmann::json{{"line", "A"}, {"number", seq}};
    p.entries.push_back(wsync::PushEntry{seq, "fact", wsync::to_json_value(f)});
  }
  return wsync::to_json(p);
}

}  // namespace

TEST_CASE("two server processes over one database apply each entry once and log gaplessly") {
  const char* base = std::getenv("WEIMIN_TEST_STORE");
  const char* bin = std::getenv("WEIMIN_DISTRICT_BIN");
  REQUIRE_MESSAGE(base != nullptr, "WEIMIN_TEST_STORE is not set: run through ctest (weimin_pg)");
  REQUIRE_MESSAGE(bin != nullptr, "WEIMIN_DISTRICT_BIN is not set: run through ctest");
  const std::string url = ws::pg_url_with_fresh_schema(base, "two");
  weimin::test::TempDir dir;
  auto tls = ws::ensure_dev_tls(dir.path());
  REQUIRE_MESSAGE(tls.is_ok(), tls.status().to_string());

  // The store is made by the first command; tokens through the CLI, as an operator would.
  std::vector<Station> stations;
  std::vector<std::string> tokens;
  for (int i = 0; i < kStations; ++i) {
    std::ostringstream out, err;
    std::istringstream in;
    const int rc =
        ws::run_district_cli({"--store", url, "--district", "530102", "--data", dir.path().string(),
                              "enroll-token", "--community", community_of(i)},
                             {in, out, err});
    REQUIRE_MESSAGE(rc == 0, err.str());
    std::string token = out.str();
    while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
    if (auto sp = token.rfind(' '); sp != std::string::npos) token = token.substr(sp + 1);
    tokens.push_back(token);
    stations.push_back(Station{wsync::station_id_for(community_of(i)), community_of(i),
                               wsync::generate_station_key()});
  }

  auto serve = [&](void) {
    return std::make_unique<ServerProcess>(std::vector<std::string>{
        bin, "--store", url, "--data", dir.path().string(), "serve", "--listen", "127.0.0.1:0",
        "--cert", tls->server_cert.string(), "--key", tls->server_key.string()});
  };
  auto a = serve();
  auto b = serve();
  const std::string ca = tls->ca_cert.string();

  // Enrol half the stations through each process.
  for (int i = 0; i < kStations; ++i) {
    Client c(i % 2 ? b->port() : a->port(), ca);
    wsync::EnrollRequest e;
    e.token = tokens[static_cast<std::size_t>(i)];
    e.community = stations[static_cast<std::size_t>(i)].community;
    e.public_key = wsync::base64_encode(stations[static_cast<std::size_t>(i)].key.public_key);
    auto r = c.send(
        {"POST", "/v1/enroll", "", {{"Content-Type", "application/json"}}, wsync::to_json(e)},
        nullptr);
    REQUIRE_MESSAGE(r.status == 200, "enrol through process " << (i % 2 ? "b" : "a") << ": "
                                                              << r.status << " " << r.body);
  }

  // Each station: one thread per process, both pushing the same stream, in batches of
  // different sizes that overlap and repeat, until the district holds all of them.
  std::array<std::atomic<std::int64_t>, kStations> applied{};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::string failure;
  auto fail = [&](const std::string& what) {
    std::lock_guard l(mu);
    if (!failed) failure = what;
    failed = true;
  };
  std::atomic<int> pushes{0}, gaps{0};
  std::vector<std::thread> threads;
  for (int side = 0; side < 2; ++side) {
    for (int worker = 0; worker < 2; ++worker) {
      threads.emplace_back([&, side, worker] {
        Client c(side ? b->port() : a->port(), ca);
        for (int i = worker; i < kStations && !failed; i += 2) {
          const Station& s = stations[static_cast<std::size_t>(i)];
          const std::string stream = "0190cccc-0000-7000-8000-0000000000" + std::to_string(10 + i);
          int seq = 1;
          const int size = kBatch + side * 13;
          while (seq <= kFacts && !failed) {
            const int to = std::min(kFacts, seq + size - 1);
            auto r = c.send({"POST",
                             "/v1/push",
                             "",
                             {{"Content-Type", "application/json"}},
                             push_body(s, stream, seq, to)},
                            &s);
            ++pushes;
            if (r.status == 409) {
              auto j = nlohmann::json::parse(r.body, nullptr, false);
              if (j.is_discarded() || !j["error"].contains("expected_seq")) {
                return fail("409 without expected_seq: " + r.body);
              }
              ++gaps;
              seq = j["error"]["expected_seq"].get<int>();
              continue;
            }
            if (r.status != 200) {
              return fail("push of " + s.id + " " + std::to_string(seq) + ".." +
                          std::to_string(to) + " to process " + (side ? "b" : "a") + ": " +
                          std::to_string(r.status) + " " + r.body);
            }
            auto p = wsync::parse_push_response(r.body);
            if (!p.is_ok()) return fail("push answer: " + p.status().to_string());
            if (!p->rejected.empty()) return fail("rejected: " + p->rejected[0].reason);
            applied[static_cast<std::size_t>(i)] += p->applied;
            seq = static_cast<int>(p->applied_through) + 1;
            if (seq % 4 == 0) seq = std::max(1, seq - size / 2);  // repeat an overlap
          }
        }
      });
    }
  }
  for (auto& t : threads) t.join();
  REQUIRE_MESSAGE(!failed, failure);
  MESSAGE(pushes.load() << " pushes, " << gaps.load() << " answered with a gap");

  for (int i = 0; i < kStations; ++i) {
    CHECK_MESSAGE(
        applied[static_cast<std::size_t>(i)].load() == kFacts,
        "station " << i << ": applied counted " << applied[static_cast<std::size_t>(i)].load());
  }

  // The database: every fact once, every stream at its end, gseq exactly 1…n.
  {
    const auto schema = url.substr(url.find("schema=") + 7);
    pqxx::connection c(base);
    pqxx::work w(c);
    CHECK(w.exec("SELECT count(*) FROM " + schema + ".fact")[0][0].as<long>() ==
          kStations * kFacts);
    CHECK(w.exec("SELECT count(*) FROM " + schema +
                 ".stream WHERE applied_through = " + std::to_string(kFacts))[0][0]
              .as<long>() == kStations);
    auto g = w.exec("SELECT min(gseq), max(gseq), count(DISTINCT gseq) FROM " + schema + ".fact");
    CHECK(g[0][0].as<long>() == 1);
    CHECK(g[0][1].as<long>() == kStations * kFacts);
    CHECK(g[0][2].as<long>() == kStations * kFacts);
  }

  // A station pulls through both processes alternately and sees its facts exactly once.
  for (int i : {0, kStations - 1}) {
    const Station& s = stations[static_cast<std::size_t>(i)];
    Client ca_client(a->port(), ca), cb_client(b->port(), ca);
    std::int64_t after = 0;
    std::string epoch;
    std::set<std::string> ids;
    int facts = 0;
    for (int page = 0; page < 1000; ++page) {
      wsync::PullRequest q;
      q.after = after;
      q.epoch = epoch;
      q.limit = 70;
      auto r = (page % 2 ? cb_client : ca_client)
                   .send({"GET", "/v1/pull", wsync::to_query(q), {}, ""}, &s);
      REQUIRE_MESSAGE(r.status == 200, r.body);
      auto p = wsync::parse_pull_response(r.body);
      REQUIRE_MESSAGE(p.is_ok(), p.status().to_string());
      epoch = p->epoch;
      for (const auto& ch : p->changes) {
        if (ch.type != "fact") continue;
        ++facts;
        ids.insert(ch.record["id"].get<std::string>());
        CHECK(ch.record["origin"] == s.id);
      }
      after = p->next_after;
      if (!p->more) break;
    }
    CHECK(facts == kFacts);
    CHECK(ids.size() == static_cast<std::size_t>(kFacts));
  }
}
