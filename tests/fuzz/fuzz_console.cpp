// libFuzzer target: the web console (server::Console through DistrictService::handle) with
// arbitrary paths, queries, form bodies and cookies, as a signed-in office clerk, a department
// clerk or nobody, with the right CSRF token or not (the first byte says which). Invariants:
// no crash, no 5xx, every answer carries the security headers, and a refused request (4xx)
// writes no fact and adds no account.
#include <sodium.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "weimin/core/case.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/server/accounts.hpp"
#include "weimin/server/console.hpp"
#include "weimin/server/embedded_store.hpp"
#include "weimin/server/service.hpp"

using namespace weimin;

namespace {

constexpr const char* kCase = "018f0000-0000-7000-8000-0000000000c1";
constexpr const char* kPassword = "fuzzing passphrase";

struct World {
  std::filesystem::path dir;
  std::unique_ptr<platform::FileKeyStore> keys;
  platform::ManualClock clock{1'795'336'200'000};
  std::unique_ptr<server::DistrictStore> store;
  std::unique_ptr<server::DistrictService> service;
  std::unique_ptr<server::Accounts> accounts;
  std::unique_ptr<server::Console> console;
  server::Accounts::SignedIn office, department;

  static server::AccountOptions fast() {
    server::AccountOptions o;
    o.opslimit = crypto_pwhash_OPSLIMIT_MIN;
    o.memlimit = crypto_pwhash_MEMLIMIT_MIN;
    o.address_attempts_per_minute = 1 << 30;  // the fuzzer signs in far faster than people
    return o;
  }

  World() {
    char tmpl[] = "/tmp/weimin-fuzz-console-XXXXXX";
    dir = ::mkdtemp(tmpl);
    keys = std::make_unique<platform::FileKeyStore>(dir / "kek", dir / "data");
    auto s = server::open_embedded_store(dir / "data", *keys, {"530102", clock.now_ms()});
    if (!s.is_ok()) std::abort();
    store = std::move(*s);
    service = std::make_unique<server::DistrictService>(*store, clock);
    accounts = std::make_unique<server::Accounts>(*service, fast());
    console = std::make_unique<server::Console>(*service, *accounts);
    server::Console::mount(*service, *console);
    std::ifstream in(WEIMIN_CATALOG);
    std::stringstream catalog;
    catalog << in.rdbuf();
    if (!service->publish_catalog(catalog.str()).is_ok()) std::abort();
    using server::ConsoleRole;
    if (!accounts->add("office1", ConsoleRole::Office, "530102001", kPassword, "fuzz").is_ok() ||
        !accounts->add("urban", ConsoleRole::Department, "urban_management", kPassword, "fuzz")
             .is_ok()) {
      std::abort();
    }
    // One case of the office's community, collected at its station and whistled there.
    add_case_event(
        1, core::Role::Staff, "S01",
        core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "路灯不亮", ""});
    add_case_event(
        2, core::Role::Director, "D01",
        core::CaseWhistled{
            core::WhistleLevel::Community, core::WhistleKind::Routine, {"urban_management"}, ""});
    office = *accounts->sign_in("office1", kPassword, "192.0.2.1");
    department = *accounts->sign_in("urban", kPassword, "192.0.2.2");
  }
  void add_case_event(int n, core::Role role, std::string actor, core::CasePayload payload) {
    core::CaseEvent e;
    char id[40];
    std::snprintf(id, sizeof id, "018f0000-0000-7000-8000-00000000e%03d", n);
    e.id = *core::Uuid::parse(id);
    e.case_id = *core::Uuid::parse(kCase);
    e.hlc = {clock.now_ms() - 3'600'000 + n * 1000, 0};
    e.origin = "station:530102001001";
    e.wall_ms = e.hlc.wall_ms;
    e.actor = std::move(actor);
    e.actor_role = role;
    e.payload = std::move(payload);
    sync::FactPayload f{e.id.to_string(),
                        std::string(core::to_string(e.kind())),
                        kCase,
                        e.origin,
                        static_cast<std::int64_t>(e.hlc.pack()),
                        e.wall_ms,
                        core::local_date(e.wall_ms).to_string(),
                        core::case_event_body(e)};
    if (!store->append_facts({server::FactRecord{f, "530102001001", clock.now_ms(), {}}}).is_ok()) {
      std::abort();
    }
  }
  ~World() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

World& world() {
  static World w;
  return w;
}

std::int64_t writes_now(World& w) {
  auto n = w.store->fact_count();
  auto a = w.store->accounts();
  if (!n.is_ok() || !a.is_ok()) std::abort();
  return *n * 1000 + static_cast<std::int64_t>(a->size());
}

const char* const kPaths[] = {
    "/console/",
    "/console/signin",
    "/console/signout",
    "/console/password",
    "/console/lang",
    "/console/cases/018f0000-0000-7000-8000-0000000000c1",
    "/console/cases/018f0000-0000-7000-8000-0000000000c1/whistle",
    "/console/cases/018f0000-0000-7000-8000-0000000000c1/report",
    "/console/cases/018f0000-0000-7000-8000-0000000000c1/feedback",
    "/console/cases/018f0000-0000-7000-8000-0000000000c1/return",
    "/console/cases/018f0000-0000-7000-8000-0000000000c1/escalate",
    "/console/cases/018f0000-0000-7000-8000-0000000000c1/send_back",
    "/console/cases/018f0000-0000-7000-8000-0000000000c1/note",
    "/console/cases/018f0000-0000-7000-8000-0000000000c1/reveal",
    "/console/stations",
    "/console/accounts",
    "/console/audit",
    "/console/static/console.css",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  w.clock.advance(1000);
  if (size < 2) return 0;
  const std::uint8_t flags = data[0];
  const std::uint8_t which = data[1];
  std::string text(reinterpret_cast<const char*>(data) + 2, size - 2);
  // "<path tail or query>\n<body>": the tail goes after a listed path (or is the path itself
  // when the flags say so), the rest is the body.
  auto nl = text.find('\n');
  std::string head = text.substr(0, nl);
  std::string body = nl == std::string::npos ? "" : text.substr(nl + 1);
  sync::HttpRequest r;
  r.method = flags & 1 ? "POST" : "GET";
  r.path = kPaths[which % (sizeof kPaths / sizeof kPaths[0])];
  if (flags & 2) {
    r.path = head.empty() || head[0] != '/' ? "/console/" + head : head;
  } else {
    r.query = head;
  }
  r.body = body;
  r.remote_address = "198.51.100.7";
  if (r.method == "POST" && !(flags & 4)) {
    r.headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  const server::Accounts::SignedIn* who = flags & 8    ? &w.office
                                          : flags & 16 ? &w.department
                                                       : nullptr;
  if (who) {
    r.headers["Cookie"] = "weimin_session=" + who->session_id;
    if (r.method == "POST" && (flags & 32)) r.body += "&csrf=" + who->csrf;
  }
  if (flags & 64) r.headers["Cookie"] = head;  // any cookie text at all
  const std::int64_t before = writes_now(w);
  sync::HttpResponse out = w.service->handle(r);
  if (out.status >= 500) {
    std::fprintf(stderr, "5xx: %d %s %s\n", out.status, r.path.c_str(), out.body.c_str());
    std::abort();
  }
  if (out.status >= 400 && writes_now(w) != before) {
    std::fprintf(stderr, "a refused request (%d) wrote: %s %s\n", out.status, r.path.c_str(),
                 out.body.substr(0, 300).c_str());
    std::abort();
  }
  if (!sync::header_value(out.headers, "X-Content-Type-Options")) {
    std::fprintf(stderr, "no security headers on %d %s\n", out.status, r.path.c_str());
    std::abort();
  }
  // A sign-out or a password change may end the fuzzer's sessions: sign in again.
  for (auto* s : {&w.office, &w.department}) {
    if (!w.accounts->session(s->session_id).is_ok()) {
      auto again =
          w.accounts->sign_in(s == &w.office ? "office1" : "urban", kPassword, "192.0.2.9");
      if (again.is_ok()) *s = *again;
    }
  }
  return 0;
}
