// Console accounts (accounts.hpp) on the district's store: adding and refusing accounts by the
// catalog, sign-in with the same words for every failure, locking, throttling, session limits
// by the service's clock, sign-out, password changes, the hashes kept in the store, the audit;
// a revoked station's requests refused with its data kept; the `weimin-district account …`,
// `station revoke` and `audit` commands. Runs on the PostgreSQL store too (WEIMIN_TEST_STORE),
// except the commands, which make an embedded store of their own.
#include <doctest/doctest.h>
#include <sodium.h>

#include <sstream>

#include "server_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/server/accounts.hpp"
#include "weimin/server/cli.hpp"

using namespace weimin;
using namespace weimin::test;
using server::Accounts;
using server::ConsoleRole;

namespace {

constexpr std::int64_t kMinute = 60'000;

// The least Argon2id cost libsodium takes: the tests hash often.
server::AccountOptions cheap() {
  server::AccountOptions o;
  o.opslimit = crypto_pwhash_OPSLIMIT_MIN;
  o.memlimit = crypto_pwhash_MEMLIMIT_MIN;
  return o;
}

// A district with the default catalog (offices 530102001…010, departments urban_management …).
struct Console {
  Console() : accounts(d.service(), cheap()) { d.publish_catalog(); }
  District d;
  Accounts accounts;

  std::vector<std::string> actions() {
    std::vector<std::string> out;
    auto log = accounts.audit_log(0, 1000);
    REQUIRE_MESSAGE(log.is_ok(), log.status().to_string());
    for (auto it = log->rbegin(); it != log->rend(); ++it) out.push_back(it->action);
    return out;
  }
};

constexpr const char* kPassword = "correct horse battery";

std::string message_of(const Status& s) {
  return s.is_ok() ? "ok" : s.message();
}
template <typename T>
std::string message_of(const Result<T>& r) {
  return r.is_ok() ? "ok" : r.status().message();
}
template <typename T>
ErrorCode code_of(const Result<T>& r) {
  REQUIRE_FALSE(r.is_ok());
  return r.status().code();
}
ErrorCode code_of(const Status& s) {
  REQUIRE_FALSE(s.is_ok());
  return s.code();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("accounts are added for scopes the catalog lists; every other is refused with why") {
  District bare;
  Accounts no_catalog(bare.service(), cheap());
  auto early = no_catalog.add("li.wei", ConsoleRole::Office, "530102001", kPassword, "cli");
  CHECK(code_of(early) == ErrorCode::Invalid);
  CHECK(contains(message_of(early), "no catalog is published"));
  CHECK(contains(message_of(early), "catalog publish"));
  // An admin is checked against the district alone.
  CHECK(no_catalog.add("root", ConsoleRole::Admin, "530102", kPassword, "cli").is_ok());

  Console c;
  auto& a = c.accounts;
  struct Refusal {
    std::string user;
    ConsoleRole role;
    std::string scope;
    std::string password;
    std::string says;
  };
  const std::vector<Refusal> refused = {
      {"Li Wei", ConsoleRole::Office, "530102001", kPassword, "is not a user name"},
      {"lw", ConsoleRole::Office, "530102001", kPassword, "3 to 32"},
      {std::string(33, 'a'), ConsoleRole::Office, "530102001", kPassword, "is not a user name"},
      {"li@wei", ConsoleRole::Office, "530102001", kPassword, "is not a user name"},
      {"li.wei", ConsoleRole::Office, "hello", kPassword, "not a street office code"},
      {"li.wei", ConsoleRole::Office, "530103001", kPassword, "not in district 530102"},
      {"li.wei", ConsoleRole::Office, "530102099", kPassword, "lists no street office"},
      {"li.wei", ConsoleRole::Department, "nope", kPassword, "lists no department 'nope'"},
      {"li.wei", ConsoleRole::Admin, "530103", kPassword, "give --scope 530102"},
      {"li.wei", ConsoleRole::Office, "530102001", "short", "too short"},
  };
  for (const auto& r : refused) {
    CAPTURE(r.user);
    CAPTURE(r.scope);
    auto made = a.add(r.user, r.role, r.scope, r.password, "cli");
    CHECK(code_of(made) == ErrorCode::Invalid);
    CHECK_MESSAGE(contains(message_of(made), r.says), message_of(made));
  }
  CHECK(a.list()->empty());

  auto office = a.add("li.wei", ConsoleRole::Office, "530102001", kPassword, "cli");
  REQUIRE_MESSAGE(office.is_ok(), message_of(office));
  CHECK(office->empty());  // a password was given: nothing to show
  auto again = a.add("li.wei", ConsoleRole::Department, "housing", kPassword, "cli");
  CHECK(code_of(again) == ErrorCode::AlreadyExists);
  CHECK(contains(message_of(again), "account reset li.wei"));
  auto dept = a.add("zhang-housing", ConsoleRole::Department, "housing", "", "cli");
  REQUIRE(dept.is_ok());
  // A one-time password: four groups of four, nothing easily misread.
  REQUIRE(dept->size() == 19);
  for (std::size_t i = 0; i < dept->size(); ++i) {
    if (i % 5 == 4) {
      CHECK((*dept)[i] == '-');
    } else {
      CHECK(std::string("0O1Il-").find((*dept)[i]) == std::string::npos);
    }
  }
  REQUIRE(a.add("admin", ConsoleRole::Admin, "530102", kPassword, "cli").is_ok());

  auto all = a.list();
  REQUIRE(all.is_ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].user == "admin");
  CHECK((*all)[1].user == "li.wei");
  CHECK((*all)[1].role == "office");
  CHECK((*all)[1].scope == "530102001");
  CHECK_FALSE((*all)[1].must_change_password);
  CHECK((*all)[1].created_ms == kStart);
  CHECK((*all)[2].user == "zhang-housing");
  CHECK((*all)[2].must_change_password);
  for (const auto& r : *all) {
    CHECK(r.password_hash.rfind("$argon2id$", 0) == 0);
    CHECK_FALSE(contains(r.password_hash, kPassword));
  }
}

TEST_CASE(
    "sign-in opens a session; a wrong password, an unknown user, a disabled account get "
    "the same words") {
  Console c;
  auto& a = c.accounts;
  REQUIRE(a.add("li.wei", ConsoleRole::Office, "530102001", kPassword, "cli").is_ok());
  REQUIRE(a.add("zhao", ConsoleRole::Department, "police", kPassword, "cli").is_ok());
  REQUIRE(a.disable("zhao", "cli").is_ok());

  auto in = a.sign_in("li.wei", kPassword, "203.0.113.7");
  REQUIRE_MESSAGE(in.is_ok(), message_of(in));
  CHECK(in->who.user == "li.wei");
  CHECK(in->who.role == ConsoleRole::Office);
  CHECK(in->who.scope == "530102001");
  CHECK(in->session_id.size() == 64);
  CHECK(in->csrf.size() >= 32);
  CHECK_FALSE(in->must_change_password);
  auto s = a.session(in->session_id);
  REQUIRE(s.is_ok());
  CHECK(s->who.user == "li.wei");
  CHECK(s->csrf == in->csrf);

  auto wrong = a.sign_in("li.wei", "not the password", "203.0.113.7");
  auto unknown = a.sign_in("nobody", kPassword, "203.0.113.7");
  auto disabled = a.sign_in("zhao", kPassword, "203.0.113.7");
  CHECK(code_of(wrong) == ErrorCode::Unauthenticated);
  CHECK(code_of(unknown) == ErrorCode::Unauthenticated);
  CHECK(code_of(disabled) == ErrorCode::Unauthenticated);
  CHECK(message_of(wrong) == message_of(unknown));
  CHECK(message_of(wrong) == message_of(disabled));
  CHECK(contains(message_of(wrong), "wrong user name or password"));
  // A name no account could have is refused the same way, and audited legibly (also when its
  // bytes are not UTF-8, which the PostgreSQL store would not take).
  CHECK(message_of(a.sign_in("Robert'); DROP TABLE", kPassword, "203.0.113.7")) ==
        message_of(wrong));
  CHECK(message_of(a.sign_in("li\xff\xfe" + std::string(100, 'x'), kPassword, "203.0.113.7")) ==
        message_of(wrong));
  auto last = a.audit_log(0, 1).value().at(0);
  CHECK(last.action == "signin_failed");
  CHECK(last.user == "li??" + std::string(60, 'x') + "...");

  // A second session of the same account is independent of the first.
  auto second = a.sign_in("li.wei", kPassword, "203.0.113.8");
  REQUIRE(second.is_ok());
  CHECK(second->session_id != in->session_id);
  CHECK(second->csrf != in->csrf);
}

TEST_CASE("an account locks after five failures in a row and opens again after lock_ms") {
  Console c;
  auto& a = c.accounts;
  REQUIRE(a.add("li.wei", ConsoleRole::Office, "530102001", kPassword, "cli").is_ok());
  // Failures that a success interrupts do not add up.
  for (int i = 0; i < 4; ++i) CHECK_FALSE(a.sign_in("li.wei", "guess", "198.51.100.1").is_ok());
  REQUIRE(a.sign_in("li.wei", kPassword, "198.51.100.1").is_ok());
  c.d.clock().advance(kMinute);
  for (int i = 0; i < 4; ++i) CHECK_FALSE(a.sign_in("li.wei", "guess", "198.51.100.1").is_ok());
  CHECK(a.list()->at(0).locked_until_ms == 0);
  auto fifth = a.sign_in("li.wei", "guess", "198.51.100.1");
  CHECK(code_of(fifth) == ErrorCode::Unauthenticated);
  CHECK(a.list()->at(0).locked_until_ms == kStart + kMinute + a.options().lock_ms);

  // Locked: even the right password is refused, saying until when.
  auto locked = a.sign_in("li.wei", kPassword, "198.51.100.2");
  CHECK(code_of(locked) == ErrorCode::Locked);
  CHECK(contains(message_of(locked), "locked"));
  CHECK(contains(message_of(locked), "until 2026-11-22 16:46"));  // 08:31Z + 15 min, UTC+8
  c.d.clock().advance(a.options().lock_ms - 1);
  CHECK(code_of(a.sign_in("li.wei", kPassword, "198.51.100.2")) == ErrorCode::Locked);
  c.d.clock().advance(1);
  auto open = a.sign_in("li.wei", kPassword, "198.51.100.2");
  CHECK_MESSAGE(open.is_ok(), message_of(open));
  CHECK(a.list()->at(0).locked_until_ms == 0);
  CHECK(a.list()->at(0).failed_signins == 0);
}

TEST_CASE(
    "sign-in attempts are throttled per address, and the address may try again a minute "
    "later") {
  Console c;
  auto& a = c.accounts;
  REQUIRE(a.add("li.wei", ConsoleRole::Office, "530102001", kPassword, "cli").is_ok());
  const int allowed = a.options().address_attempts_per_minute;
  for (int i = 0; i < allowed; ++i) {
    c.d.clock().advance(1000);
    CHECK(code_of(a.sign_in("user" + std::to_string(i), "guess", "203.0.113.9")) ==
          ErrorCode::Unauthenticated);
  }
  auto throttled = a.sign_in("li.wei", kPassword, "203.0.113.9");
  CHECK(code_of(throttled) == ErrorCode::Unavailable);
  CHECK(contains(message_of(throttled), "too many sign-in attempts from 203.0.113.9"));
  // The first attempt was 10 s into the minute that ends 51 s from now.
  CHECK(contains(message_of(throttled), "try again in 51 s"));
  // Another address is not held back.
  CHECK(a.sign_in("li.wei", kPassword, "203.0.113.10").is_ok());
  c.d.clock().advance(51'000);
  CHECK(a.sign_in("li.wei", kPassword, "203.0.113.9").is_ok());
}

TEST_CASE("a session's use is written at most once a minute, never losing idle time") {
  Console c;
  auto& a = c.accounts;
  REQUIRE(a.add("li.wei", ConsoleRole::Office, "530102001", kPassword, "cli").is_ok());
  auto in = a.sign_in("li.wei", kPassword, "203.0.113.7");
  REQUIRE(in.is_ok());
  const std::string id_hash = sync::sha256_hex(in->session_id);
  const std::int64_t signed_in_at = c.d.clock().now_ms();
  auto last_seen = [&] { return c.d.store().find_session(id_hash).value()->last_seen_ms; };
  c.d.clock().advance(30'000);
  REQUIRE(a.session(in->session_id).is_ok());
  CHECK(last_seen() == signed_in_at);  // a page 30 s later writes nothing
  c.d.clock().advance(31'000);
  REQUIRE(a.session(in->session_id).is_ok());
  CHECK(last_seen() == signed_in_at + 61'000);
}

TEST_CASE("a session ends after the idle timeout and at its absolute limit") {
  Console c;
  auto& a = c.accounts;
  REQUIRE(a.add("li.wei", ConsoleRole::Office, "530102001", kPassword, "cli").is_ok());
  const auto idle = a.options().idle_timeout_ms;
  auto in = a.sign_in("li.wei", kPassword, "203.0.113.7");
  REQUIRE(in.is_ok());
  c.d.clock().advance(idle - 1);
  REQUIRE(a.session(in->session_id).is_ok());  // used: the idle timer starts again
  c.d.clock().advance(idle - 1);
  REQUIRE(a.session(in->session_id).is_ok());
  c.d.clock().advance(idle);
  auto idled = a.session(in->session_id);
  CHECK(code_of(idled) == ErrorCode::Unauthenticated);
  CHECK(contains(message_of(idled), "30 minutes without use"));
  // Ended for good, not only refused this once.
  CHECK(code_of(a.session(in->session_id)) == ErrorCode::Unauthenticated);
  CHECK_FALSE(c.d.store().find_session(sync::sha256_hex(in->session_id))->has_value());

  // Used every 20 minutes, it still ends at the absolute limit.
  auto busy = a.sign_in("li.wei", kPassword, "203.0.113.7");
  REQUIRE(busy.is_ok());
  const std::int64_t signed_in_at = c.d.clock().now_ms();
  while (c.d.clock().now_ms() + 20 * kMinute < signed_in_at + a.options().absolute_limit_ms) {
    c.d.clock().advance(20 * kMinute);
    REQUIRE(a.session(busy->session_id).is_ok());
  }
  c.d.clock().set(signed_in_at + a.options().absolute_limit_ms);
  auto limited = a.session(busy->session_id);
  CHECK(code_of(limited) == ErrorCode::Unauthenticated);
  CHECK(contains(message_of(limited), "limit of 12 hours"));
}

TEST_CASE("the store keeps the session id hashed; sign-out ends the session") {
  Console c;
  auto& a = c.accounts;
  REQUIRE(a.add("li.wei", ConsoleRole::Office, "530102001", kPassword, "cli").is_ok());
  auto in = a.sign_in("li.wei", kPassword, "203.0.113.7");
  REQUIRE(in.is_ok());
  auto& store = c.d.store();
  auto stored = store.find_session(sync::sha256_hex(in->session_id));
  REQUIRE(stored.is_ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->user == "li.wei");
  CHECK((*stored)->address == "203.0.113.7");
  CHECK((*stored)->csrf == in->csrf);
  CHECK((*stored)->id_hash != in->session_id);
  CHECK_FALSE(store.find_session(in->session_id)->has_value());

  REQUIRE(a.sign_out(in->session_id).is_ok());
  CHECK_FALSE(store.find_session(sync::sha256_hex(in->session_id))->has_value());
  CHECK(code_of(a.session(in->session_id)) == ErrorCode::Unauthenticated);
  CHECK(a.sign_out(in->session_id).is_ok());  // twice is no harm
}

TEST_CASE("changing the password needs the old one, ends the other sessions, keeps this one") {
  Console c;
  auto& a = c.accounts;
  auto one_time = a.add("zhang", ConsoleRole::Department, "housing", "", "cli");
  REQUIRE(one_time.is_ok());
  auto first = a.sign_in("zhang", *one_time, "203.0.113.7");
  REQUIRE(first.is_ok());
  CHECK(first->must_change_password);
  CHECK(a.session(first->session_id)->must_change_password);
  auto other = a.sign_in("zhang", *one_time, "203.0.113.8");
  REQUIRE(other.is_ok());

  auto wrong_old = a.change_password(first->session_id, "not it", kPassword, "203.0.113.7");
  CHECK(code_of(wrong_old) == ErrorCode::Unauthenticated);
  CHECK(contains(message_of(wrong_old), "current password is wrong"));
  auto too_short = a.change_password(first->session_id, *one_time, "short", "203.0.113.7");
  CHECK(contains(message_of(too_short), "too short"));
  auto same = a.change_password(first->session_id, *one_time, *one_time, "203.0.113.7");
  CHECK(contains(message_of(same), "same as the current one"));

  REQUIRE(a.change_password(first->session_id, *one_time, kPassword, "203.0.113.7").is_ok());
  auto kept = a.session(first->session_id);
  REQUIRE(kept.is_ok());
  CHECK_FALSE(kept->must_change_password);
  CHECK(code_of(a.session(other->session_id)) == ErrorCode::Unauthenticated);
  CHECK_FALSE(a.sign_in("zhang", *one_time, "203.0.113.7").is_ok());
  CHECK(a.sign_in("zhang", kPassword, "203.0.113.7").is_ok());
  CHECK(a.list()->at(0).password_hash.rfind("$argon2id$", 0) == 0);
}

TEST_CASE("disable ends the sessions; reset gives a one-time password and opens the account") {
  Console c;
  auto& a = c.accounts;
  REQUIRE(a.add("li.wei", ConsoleRole::Office, "530102001", kPassword, "cli").is_ok());
  auto in = a.sign_in("li.wei", kPassword, "203.0.113.7");
  REQUIRE(in.is_ok());
  for (int i = 0; i < 5; ++i) CHECK_FALSE(a.sign_in("li.wei", "guess", "198.51.100.1").is_ok());
  CHECK(a.list()->at(0).locked_until_ms > 0);
  REQUIRE(a.disable("li.wei", "admin@203.0.113.1").is_ok());
  CHECK(code_of(a.session(in->session_id)) == ErrorCode::Unauthenticated);
  CHECK(a.list()->at(0).disabled);
  CHECK(code_of(a.disable("nobody", "cli")) == ErrorCode::NotFound);
  CHECK(contains(message_of(a.disable("nobody", "cli")), "account list"));
  CHECK(code_of(a.reset("nobody", "cli")) == ErrorCode::NotFound);

  // Locked and disabled; a reset opens it with a new one-time password only.
  auto fresh = a.reset("li.wei", "cli");
  REQUIRE(fresh.is_ok());
  CHECK(fresh->size() == 19);
  auto rec = a.list()->at(0);
  CHECK_FALSE(rec.disabled);
  CHECK(rec.must_change_password);
  CHECK(rec.locked_until_ms == 0);
  CHECK_FALSE(a.sign_in("li.wei", kPassword, "198.51.100.2").is_ok());
  auto back = a.sign_in("li.wei", *fresh, "198.51.100.2");
  REQUIRE(back.is_ok());
  CHECK(back->must_change_password);
}

TEST_CASE("every account action is audited with who, when, where and what") {
  Console c;
  auto& a = c.accounts;
  REQUIRE(
      a.add("li.wei", ConsoleRole::Office, "530102001", kPassword, "admin@203.0.113.1").is_ok());
  auto in = a.sign_in("li.wei", kPassword, "203.0.113.7");
  REQUIRE(in.is_ok());
  CHECK_FALSE(a.sign_in("li.wei", "guess", "203.0.113.7").is_ok());
  CHECK_FALSE(a.sign_in("ghost", "guess", "203.0.113.7").is_ok());
  REQUIRE(
      a.change_password(in->session_id, kPassword, "a better passphrase", "203.0.113.7").is_ok());
  REQUIRE(a.sign_out(in->session_id).is_ok());
  for (int i = 0; i < 4; ++i) CHECK_FALSE(a.sign_in("li.wei", "guess", "203.0.113.8").is_ok());
  CHECK(code_of(a.sign_in("li.wei", "a better passphrase", "203.0.113.8")) == ErrorCode::Locked);
  for (int i = 0; i < 5; ++i) (void)a.sign_in("ghost", "guess", "203.0.113.8");
  CHECK(code_of(a.sign_in("ghost", "guess", "203.0.113.8")) == ErrorCode::Unavailable);
  REQUIRE(a.reset("li.wei", "cli").is_ok());
  REQUIRE(a.disable("li.wei", "cli").is_ok());
  REQUIRE(a.audit("admin", "203.0.113.1", "reveal_contact", "case-1", "called back").is_ok());

  const std::vector<std::string> expected = {
      "account_add",    "signin",        "signin_failed",    "signin_failed", "password_change",
      "signout",        "signin_failed", "signin_failed",    "signin_failed", "signin_failed",
      "account_locked", "signin_locked", "signin_failed",    "signin_failed", "signin_failed",
      "signin_failed",  "signin_failed", "signin_throttled", "account_reset", "account_disable",
      "reveal_contact"};
  CHECK(c.actions() == expected);

  auto log = a.audit_log(0, 1000).value();
  REQUIRE(log.size() == expected.size());
  // Newest first, ids increasing with time.
  for (std::size_t i = 1; i < log.size(); ++i) CHECK(log[i - 1].id > log[i].id);
  const auto& add = log.back();
  CHECK(add.user == "admin");
  CHECK(add.address == "203.0.113.1");
  CHECK(add.target == "li.wei");
  CHECK(add.at_ms == kStart);
  CHECK(contains(add.detail, "office 530102001"));
  const auto& ghost = log[log.size() - 4];
  CHECK(ghost.action == "signin_failed");
  CHECK(ghost.user == "ghost");
  CHECK(ghost.detail == "unknown user");
  CHECK(log[1].user == "cli");
  CHECK(log[1].address == "cli");
  // Paging: the records before an id.
  auto older = a.audit_log(log[2].id, 2).value();
  REQUIRE(older.size() == 2);
  CHECK(older[0].id == log[3].id);
  CHECK(older[1].id == log[4].id);
  CHECK(code_of(a.audit_log(0, 0)) == ErrorCode::Invalid);
}

namespace {

sync::FactPayload ticket(const TestStation& st, std::uint64_t n) {
  char id[40];
  std::snprintf(id, sizeof id, "018f0001-0000-7000-8000-%012llx",
                static_cast<unsigned long long>(n));
  return sync::FactPayload{id,
                           "ticket.taken",
                           id,
                           st.station_id,
                           static_cast<std::int64_t>(n) << 16,
                           kStart + static_cast<std::int64_t>(n),
                           "2026-11-22",
                           nlohmann::json{{"line", "A"}, {"n", n}}};
}

sync::HttpResponse push(District& d, TestStation& st, std::uint64_t n, std::int64_t base = 0) {
  sync::PushRequest p;
  p.station_id = st.station_id;
  p.stream = st.stream;
  p.base_seq = base;
  p.entries.push_back({++st.seq, "fact", sync::to_json_value(ticket(st, n))});
  return d.signed_call(st, "POST", "/v1/push", "", sync::to_json(p));
}

std::string error_code(const sync::HttpResponse& r) {
  auto e = sync::parse_error_body(r.body);
  return e.is_ok() ? e->code : "(no error body: " + r.body + ")";
}

}  // namespace

TEST_CASE(
    "a revoked station's requests are refused, its facts stay, and enrolling again lifts "
    "it") {
  District d;
  TestStation st = d.enroll("530102001001");
  TestStation other = d.enroll("530102001002");
  REQUIRE(push(d, st, 1).status == 200);
  REQUIRE(push(d, other, 2).status == 200);
  const std::int64_t facts = d.store().fact_count().value();

  auto revoke = [&](const std::string& id) {
    return d.service().with_store(
        [&](server::DistrictStore& s) { return s.revoke_station(id, d.clock().now_ms()); });
  };
  REQUIRE(revoke(st.station_id).is_ok());
  const std::int64_t revoked_at = d.clock().now_ms();
  d.clock().advance(1000);
  REQUIRE(revoke(st.station_id).is_ok());  // a second revoke keeps the first time
  auto missing = revoke("station:530102001009");
  CHECK(missing.code() == ErrorCode::NotFound);
  CHECK(contains(missing.message(), "weimin-district stations"));

  auto pushed = push(d, st, 3);
  CHECK(pushed.status == 401);
  CHECK(error_code(pushed) == "station_revoked");
  auto said = sync::parse_error_body(pushed.body);
  REQUIRE(said.is_ok());
  CHECK(contains(said->message, "revoked by the district's administrator"));
  CHECK(contains(said->message, "enrol again"));
  for (const char* path : {"/v1/pull", "/v1/status"}) {
    auto r = d.signed_call(st, "GET", path, std::string(path) == "/v1/pull" ? "after=0" : "");
    CHECK(r.status == 401);
    CHECK(error_code(r) == "station_revoked");
  }
  // The front's early answer, from the headers alone, says the same.
  auto early = d.signed_request(st, "POST", "/v1/push", "", "{}");
  early.headers["Content-Type"] = "application/json";
  auto pre = d.service().precheck("POST", "/v1/push", early.headers);
  REQUIRE(pre.has_value());
  CHECK(pre->status == 401);
  CHECK(error_code(*pre) == "station_revoked");

  // Its data stays; the others go on.
  CHECK(d.store().fact_count().value() == facts);
  auto record = d.store().find_station(st.station_id).value();
  REQUIRE(record.has_value());
  CHECK(record->revoked_ms == revoked_at);
  CHECK(push(d, other, 4).status == 200);
  CHECK_FALSE(d.store().find_station(other.station_id).value()->revoked_ms.has_value());

  // Enrolled again (a new token, a new key), the station works.
  TestStation again = d.enroll("530102001001");
  CHECK_FALSE(d.store().find_station(st.station_id).value()->revoked_ms.has_value());
  again.seq = st.seq - 1;  // the district applied through seq 1 of the stream
  CHECK(push(d, again, 5, 0).status == 200);
  CHECK(d.store().fact_count().value() == facts + 2);
}

namespace {

struct Cli {
  TempDir dir;
  std::string out, err;
  int run(std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> all = {"--data",     (dir.path() / "data").string(),
                                    "--key-file", (dir.path() / "kek").string(),
                                    "--district", "530102"};
    all.insert(all.end(), args.begin(), args.end());
    std::istringstream in(input);
    std::ostringstream o, e;
    int code = server::run_district_cli(all, {in, o, e});
    out = o.str();
    err = e.str();
    return code;
  }
};

}  // namespace

TEST_CASE(
    "weimin-district account, station revoke and audit: each works and each refusal says "
    "why") {
  Cli cli;
  REQUIRE(cli.run({"init"}) == 0);
  CHECK(cli.run({"account", "add", "--user", "li.wei", "--role", "office", "--scope", "530102001"},
                "a long enough password\n") == 1);
  CHECK(contains(cli.err, "no catalog is published"));
  REQUIRE(cli.run({"catalog", "publish",
                   std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json"}) == 0);

  CHECK(cli.run({"account", "add", "--user", "li.wei", "--role", "office", "--scope", "hello"},
                "a long enough password\n") == 1);
  CHECK(contains(cli.err, "'hello' is not a street office code"));
  CHECK(cli.run({"account", "add", "--user", "li.wei", "--role", "clerk", "--scope", "530102001"},
                "a long enough password\n") == 1);
  CHECK(contains(cli.err, "use office, department or admin"));
  CHECK(cli.run({"account", "add", "--user", "li.wei", "--role", "office", "--scope",
                 "530102001"}) == 1);
  CHECK(contains(cli.err, "no password was given on standard input"));
  CHECK(cli.run({"account", "add", "--user", "li.wei", "--role", "office", "--scope", "530102001"},
                "short\n") == 1);
  CHECK(contains(cli.err, "too short"));

  REQUIRE(
      cli.run({"account", "add", "--user", "li.wei", "--role", "office", "--scope", "530102001"},
              "a long enough password\n") == 0);
  CHECK(contains(cli.out, "account li.wei added"));
  CHECK_FALSE(contains(cli.out, "a long enough password"));
  REQUIRE(cli.run({"account", "add", "--user", "zhang", "--role", "department", "--scope",
                   "housing", "--one-time"}) == 0);
  CHECK(contains(cli.out, "one-time password (shown once"));
  CHECK(cli.run({"account", "add", "--user", "zhang", "--role", "department", "--scope", "housing",
                 "--one-time"}) == 1);
  CHECK(contains(cli.err, "exists already"));

  REQUIRE(cli.run({"account", "list"}) == 0);
  CHECK(contains(cli.out, "li.wei  office 530102001  active  created "));
  CHECK(contains(cli.out, "zhang  department housing  must change password"));
  REQUIRE(cli.run({"account", "disable", "li.wei"}) == 0);
  REQUIRE(cli.run({"--json", "account", "list"}) == 0);
  CHECK(contains(cli.out, R"("state":"disabled")"));
  CHECK(cli.run({"account", "disable", "nobody"}) == 1);
  CHECK(contains(cli.err, "there is no account 'nobody'"));
  REQUIRE(cli.run({"account", "reset", "li.wei"}) == 0);
  CHECK(contains(cli.out, "one-time password"));
  REQUIRE(cli.run({"account", "list"}) == 0);
  CHECK(contains(cli.out, "li.wei  office 530102001  must change password"));

  CHECK(cli.run({"station", "revoke", "station:530102001001"}) == 1);
  CHECK(contains(cli.err, "no station 'station:530102001001' is enrolled here"));
  REQUIRE(cli.run({"enroll-token", "--community", "530102001001"}) == 0);
  {
    // A station enrols through the service over the same store.
    platform::FileKeyStore keys(cli.dir.path() / "kek", cli.dir.path() / "data");
    auto store = server::open_embedded_store(cli.dir.path() / "data", keys, {"530102", kStart});
    REQUIRE(store.is_ok());
    platform::ManualClock clock(kStart);
    server::DistrictService service(**store, clock);
    std::string token = cli.out.substr(0, cli.out.find('\n'));
    auto key = sync::generate_station_key();
    auto r =
        service.handle({"POST",
                        "/v1/enroll",
                        "",
                        {{"Content-Type", "application/json"}},
                        sync::to_json(sync::EnrollRequest{sync::kSchema, token, "530102001001",
                                                          sync::base64_encode(key.public_key)})});
    REQUIRE_MESSAGE(r.status == 200, r.body);
  }
  REQUIRE(cli.run({"station", "revoke", "530102001001"}) == 0);
  CHECK(contains(cli.out, "station station:530102001001 revoked"));
  REQUIRE(cli.run({"stations"}) == 0);
  CHECK(contains(cli.out, "station:530102001001  community 530102001001  REVOKED "));

  REQUIRE(cli.run({"audit", "--limit", "3"}) == 0);
  std::istringstream lines(cli.out);
  std::string first;
  std::getline(lines, first);
  CHECK(contains(first, "cli  cli  station_revoke  station:530102001001"));
  CHECK(contains(cli.out, "account_reset  li.wei"));
  CHECK(contains(cli.out, "account_disable  li.wei"));
  CHECK_FALSE(contains(cli.out, "account_add"));
  REQUIRE(cli.run({"--json", "audit"}) == 0);
  CHECK(contains(cli.out, R"("action":"account_add")"));
  CHECK(cli.run({"audit", "--limit", "0"}) == 2);
}

TEST_CASE("weimin-district stations prints what each station reported, its last sync and request") {
  Cli cli;
  REQUIRE(cli.run({"init"}) == 0);
  REQUIRE(cli.run({"enroll-token", "--community", "530102001001"}) == 0);
  const std::string token = cli.out.substr(0, cli.out.find('\n'));
  {
    platform::FileKeyStore keys(cli.dir.path() / "kek", cli.dir.path() / "data");
    auto store = server::open_embedded_store(cli.dir.path() / "data", keys, {"530102", kStart});
    REQUIRE(store.is_ok());
    platform::ManualClock clock(kStart);
    server::DistrictService service(**store, clock);
    auto key = sync::generate_station_key();
    auto enrolled =
        service.handle({"POST",
                        "/v1/enroll",
                        "",
                        {{"Content-Type", "application/json"}},
                        sync::to_json(sync::EnrollRequest{sync::kSchema, token, "530102001001",
                                                          sync::base64_encode(key.public_key)})});
    REQUIRE_MESSAGE(enrolled.status == 200, enrolled.body);
    REQUIRE(cli.run({"stations"}) == 0);
    CHECK(contains(cli.out, "    version ?  waiting ? facts  last sync never  last request never"));
    sync::HttpRequest pull{"GET", "/v1/pull", "after=0", {}, ""};
    sync::sign_request(pull, "station:530102001001", key.secret_key, clock.now_ms());
    pull.headers[std::string(sync::kVersionHeader)] = "0.1.0";
    pull.headers[std::string(sync::kWaitingHeader)] = "4";
    auto pulled = service.handle(pull);
    REQUIRE_MESSAGE(pulled.status == 200, pulled.body);
  }
  REQUIRE(cli.run({"stations"}) == 0);
  const std::string at = core::local_date_time(kStart);
  CHECK(contains(cli.out, "station:530102001001  community 530102001001  clock +0 s\n"));
  CHECK(contains(cli.out, "    version 0.1.0  waiting 4 facts  last sync " + at +
                              "  last request " + at + "\n"));
}
