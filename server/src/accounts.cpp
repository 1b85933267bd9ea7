// Console accounts, sessions and the audit (accounts.hpp).
// Argon2id hashing and verifying run outside the accounts' lock (they cost tens of
// milliseconds at the interactive cost); every read and write of the store runs inside it
// (DistrictService::with_accounts). A change that depends on what was read (a failure count, a
// lock) reads the account again under the lock before it writes.
//
// Who acted, in `by` (add, disable, reset): an account name or "cli", optionally followed by
// "@ADDRESS" (the console passes "alice@203.0.113.7"); the audit records the name as the user
// and ADDRESS as the address ("cli" for "cli", "-" when no address is given). User names
// cannot hold '@', so the split is unambiguous.
#include "weimin/server/accounts.hpp"

#include <sodium.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "weimin/core/civil_time.hpp"
#include "weimin/server/fact_rules.hpp"
#include "weimin/sync/protocol_auth.hpp"

namespace weimin::server {

namespace {

constexpr std::string_view kWrongCredentials =
    "wrong user name or password; check both and try again (after repeated failures the "
    "account locks for a while; an admin can reset it)";
constexpr std::size_t kMaxPasswordLength = 256;
// Readable one-time passwords: no 0/O/o, 1/I/l. 32 symbols, so a byte's low 5 bits pick one
// without bias.
constexpr std::string_view kOneTimeAlphabet = "23456789abcdefghijkmnpqrstuvwxyz";
static_assert(kOneTimeAlphabet.size() == 32);

std::string hex(const unsigned char* bytes, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 15]);
  }
  return out;
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> r(bytes);
  randombytes_buf(r.data(), r.size());
  return hex(r.data(), r.size());
}

// 4 groups of 4, e.g. "k7mq-3xhp-w9ta-ze4c" (80 bits).
std::string one_time_password() {
  unsigned char r[16];
  randombytes_buf(r, sizeof r);
  std::string out;
  for (std::size_t i = 0; i < sizeof r; ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(kOneTimeAlphabet[r[i] & 31]);
  }
  sodium_memzero(r, sizeof r);
  return out;
}

unsigned long long ops_of(const AccountOptions& o) {
  return o.opslimit != 0 ? o.opslimit : crypto_pwhash_OPSLIMIT_INTERACTIVE;
}
std::size_t mem_of(const AccountOptions& o) {
  return o.memlimit != 0 ? o.memlimit : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

Result<std::string> hash_password(const std::string& password, const AccountOptions& o) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_of(o), mem_of(o),
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status(ErrorCode::Unavailable,
                  "not enough memory to hash the password (Argon2id); try again later");
  }
  return std::string(out);
}

bool verify_password(const std::string& hash, const std::string& password) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// A hash of a random password at this cost, verified against for an unknown user so that its
// answer takes as long as a known user's.
const std::string& dummy_hash(const AccountOptions& o) {
  static std::mutex mutex;
  static std::map<std::pair<unsigned long long, std::size_t>, std::string> made;
  std::lock_guard lock(mutex);
  auto key = std::make_pair(ops_of(o), mem_of(o));
  auto it = made.find(key);
  if (it == made.end()) {
    auto h = hash_password(random_hex(16), o);
    it = made.emplace(key, h.is_ok() ? *h : std::string()).first;
  }
  return it->second;
}

bool valid_user(const std::string& user) {
  if (user.size() < 3 || user.size() > 32) return false;
  return std::all_of(user.begin(), user.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A name or code from outside, for a message or the audit: printable ASCII only (anything else,
// e.g. bytes that are not UTF-8, becomes '?'; valid names and codes are ASCII), at most 64.
std::string shown(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 64)) out.push_back(c >= 0x20 && c <= 0x7e ? c : '?');
  if (s.size() > 64) out += "...";
  return out;
}

// "30 minutes", "12 hours", "90 seconds".
std::string duration(std::int64_t ms) {
  auto n = [](std::int64_t v, const char* unit) {
    return std::to_string(v) + " " + unit + (v == 1 ? "" : "s");
  };
  if (ms >= 3'600'000 && ms % 3'600'000 == 0) return n(ms / 3'600'000, "hour");
  if (ms >= 60'000 && ms % 60'000 == 0) return n(ms / 60'000, "minute");
  return n((ms + 999) / 1000, "second");
}

std::string when(std::int64_t ms) {
  return core::local_date_time(ms) + " (Beijing time)";
}

std::string joined(const std::set<std::string, std::less<>>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

Status password_refusal(const std::string& password, const AccountOptions& o) {
  if (password.size() < o.min_password_length) {
    return Status(ErrorCode::Invalid, "the password is too short (" +
                                          std::to_string(password.size()) + " characters); use " +
                                          std::to_string(o.min_password_length) +
                                          " or more, e.g. a few unrelated words");
  }
  if (password.size() > kMaxPasswordLength) {
    return Status(ErrorCode::Invalid, "the password is longer than " +
                                          std::to_string(kMaxPasswordLength) +
                                          " characters; use a shorter one");
  }
  return Status::ok();
}

struct Actor {
  std::string user;
  std::string address;
};
Actor actor_of(const std::string& by) {
  const auto at = by.find('@');
  if (at != std::string::npos) return {by.substr(0, at), by.substr(at + 1)};
  return {by, by == "cli" ? "cli" : "-"};
}

Status no_account(const std::string& user) {
  return Status(ErrorCode::NotFound, "there is no account '" + shown(user) +
                                         "'; see the accounts with: weimin-district account list");
}

}  // namespace

std::string_view to_string(ConsoleRole role) {
  switch (role) {
    case ConsoleRole::Office:
      return "office";
    case ConsoleRole::Department:
      return "department";
    case ConsoleRole::Admin:
      return "admin";
  }
  return "office";
}

Result<ConsoleRole> parse_console_role(std::string_view text) {
  if (text == "office") return ConsoleRole::Office;
  if (text == "department") return ConsoleRole::Department;
  if (text == "admin") return ConsoleRole::Admin;
  return Status(ErrorCode::Invalid, "'" + std::string(text.substr(0, 32)) +
                                        "' is not a role; use office, department or admin");
}

Accounts::Accounts(DistrictService& service, AccountOptions options)
    : service_(service), options_(options) {
  if (sodium_init() < 0) std::abort();
}

// [SECTION] Administration

namespace {

// Why `scope` is not one the published catalog lists for `role`; the store must be held.
Status scope_refusal(DistrictStore& store, ConsoleRole role, const std::string& scope) {
  WEIMIN_ASSIGN_OR_RETURN(std::string district, store.district());
  if (role == ConsoleRole::Admin) {
    if (scope != district) {
      return Status(ErrorCode::Invalid, "an admin account's scope is this district's code " +
                                            district + ", not '" + shown(scope) +
                                            "'; give --scope " + district);
    }
    return Status::ok();
  }
  const std::string what = role == ConsoleRole::Office ? "street office" : "department";
  if (role == ConsoleRole::Office && (scope.size() != 9 || !all_digits(scope))) {
    return Status(ErrorCode::Invalid, "'" + shown(scope) +
                                          "' is not a street office code: an office account's "
                                          "scope is the 9-digit code of one of this district's "
                                          "street offices (e.g. " +
                                          district + "001)");
  }
  if (role == ConsoleRole::Office && scope.substr(0, 6) != district) {
    return Status(ErrorCode::Invalid, "street office " + scope + " is not in district " + district +
                                          "; give one of this district's offices (" + district +
                                          "…)");
  }
  WEIMIN_ASSIGN_OR_RETURN(auto latest, store.latest_reference("catalog"));
  if (!latest) {
    return Status(ErrorCode::Invalid, "no catalog is published, so the " + what + " '" +
                                          shown(scope) +
                                          "' cannot be checked; publish it first "
                                          "(weimin-district catalog publish FILE)");
  }
  WEIMIN_ASSIGN_OR_RETURN(CatalogScope catalog, catalog_scope(latest->json, latest->gseq));
  const auto& known = role == ConsoleRole::Office ? catalog.street_offices : catalog.departments;
  if (!known.contains(scope)) {
    return Status(ErrorCode::Invalid, "the published catalog lists no " + what + " '" +
                                          shown(scope) + "'; give one of: " + joined(known));
  }
  return Status::ok();
}

}  // namespace

Result<std::string> Accounts::add(const std::string& user, ConsoleRole role,
                                  const std::string& scope, const std::string& password,
                                  const std::string& by) {
  if (!valid_user(user)) {
    return Status(ErrorCode::Invalid, "'" + shown(user) +
                                          "' is not a user name: use 3 to 32 of a-z, 0-9, '.', "
                                          "'_' and '-' (e.g. li.wei)");
  }
  WEIMIN_TRY(service_.with_accounts([&](DistrictStore& store) -> Status {
    WEIMIN_TRY(scope_refusal(store, role, scope));
    WEIMIN_ASSIGN_OR_RETURN(auto existing, store.find_account(user));
    if (existing) {
      return Status(ErrorCode::AlreadyExists,
                    "the account '" + user +
                        "' exists already; choose another name, or give it a new password "
                        "with: weimin-district account reset " +
                        user);
    }
    return Status::ok();
  }));
  const bool one_time = password.empty();
  if (!one_time) WEIMIN_TRY(password_refusal(password, options_));
  std::string clear = one_time ? one_time_password() : std::string();
  WEIMIN_ASSIGN_OR_RETURN(std::string hash, hash_password(one_time ? clear : password, options_));
  AccountRecord a;
  a.user = user;
  a.role = std::string(to_string(role));
  a.scope = scope;
  a.password_hash = std::move(hash);
  a.must_change_password = one_time;
  a.created_ms = service_.clock().now_ms();
  const Actor who = actor_of(by);
  WEIMIN_TRY(service_.with_accounts([&](DistrictStore& store) -> Status {
    WEIMIN_TRY(store.add_account(a));
    return store.add_audit(
        AuditRecord{0, a.created_ms, who.user, who.address, "account_add", user,
                    a.role + " " + scope + (one_time ? ", one-time password" : "")});
  }));
  return clear;
}

Result<std::vector<AccountRecord>> Accounts::list() {
  return service_.with_accounts([](DistrictStore& store) { return store.accounts(); });
}

Status Accounts::disable(const std::string& user, const std::string& by) {
  const Actor who = actor_of(by);
  return service_.with_accounts([&](DistrictStore& store) -> Status {
    WEIMIN_ASSIGN_OR_RETURN(auto a, store.find_account(user));
    if (!a) return no_account(user);
    a->disabled = true;
    WEIMIN_TRY(store.update_account(*a));
    WEIMIN_TRY(store.end_sessions("", user));
    return store.add_audit(AuditRecord{0, service_.clock().now_ms(), who.user, who.address,
                                       "account_disable", user, ""});
  });
}

Result<std::string> Accounts::reset(const std::string& user, const std::string& by) {
  WEIMIN_ASSIGN_OR_RETURN(bool exists,
                          service_.with_accounts([&](DistrictStore& store) -> Result<bool> {
                            WEIMIN_ASSIGN_OR_RETURN(auto a, store.find_account(user));
                            return a.has_value();
                          }));
  if (!exists) return no_account(user);
  std::string clear = one_time_password();
  WEIMIN_ASSIGN_OR_RETURN(std::string hash, hash_password(clear, options_));
  const Actor who = actor_of(by);
  WEIMIN_TRY(service_.with_accounts([&](DistrictStore& store) -> Status {
    WEIMIN_ASSIGN_OR_RETURN(auto a, store.find_account(user));
    if (!a) return no_account(user);
    a->password_hash = hash;
    a->must_change_password = true;
    a->disabled = false;
    a->failed_signins = 0;
    a->locked_until_ms = 0;
    WEIMIN_TRY(store.update_account(*a));
    WEIMIN_TRY(store.end_sessions("", user));
    return store.add_audit(AuditRecord{0, service_.clock().now_ms(), who.user, who.address,
                                       "account_reset", user, "one-time password"});
  }));
  return clear;
}

// [SECTION] Sessions

Result<Accounts::SignedIn> Accounts::sign_in(const std::string& user, const std::string& password,
                                             const std::string& address) {
  const std::int64_t now = service_.clock().now_ms();
  const std::string tried = shown(user);
  auto audit_now = [&](const std::string& action, const std::string& detail) {
    return service_.with_accounts([&](DistrictStore& store) {
      return store.add_audit(AuditRecord{0, now, tried, address, action, "", detail});
    });
  };
  // Throttle: at most address_attempts_per_minute attempts per address in any minute.
  {
    std::lock_guard lock(throttle_mutex_);
    if (attempts_.size() > 1024) {
      for (auto it = attempts_.begin(); it != attempts_.end();) {
        if (it->second.empty() || it->second.back() <= now - 60'000) {
          it = attempts_.erase(it);
        } else {
          ++it;
        }
      }
    }
    auto& recent = attempts_[address];
    recent.erase(std::remove_if(recent.begin(), recent.end(),
                                [&](std::int64_t t) { return t <= now - 60'000 || t > now; }),
                 recent.end());
    if (static_cast<int>(recent.size()) >= options_.address_attempts_per_minute) {
      const std::int64_t retry_ms = recent.front() + 60'000 - now;
      const std::int64_t seconds = std::max<std::int64_t>(1, (retry_ms + 999) / 1000);
      Status throttled(ErrorCode::Unavailable,
                       "too many sign-in attempts from " + (address.empty() ? "here" : address) +
                           " in the last minute; try again in " + std::to_string(seconds) + " s");
      WEIMIN_TRY(audit_now("signin_throttled", "retry in " + std::to_string(seconds) + " s"));
      return throttled;
    }
    recent.push_back(now);
  }
  WEIMIN_ASSIGN_OR_RETURN(auto account, service_.with_accounts([&](DistrictStore& store) {
    return valid_user(user) ? store.find_account(user)
                            : Result<std::optional<AccountRecord>>(std::optional<AccountRecord>());
  }));
  if (account && account->locked_until_ms > now) {
    WEIMIN_TRY(audit_now("signin_locked", "locked until " + when(account->locked_until_ms)));
    return Status(ErrorCode::Locked, "the account '" + user + "' is locked after " +
                                         std::to_string(options_.lock_after_failures) +
                                         " failed sign-ins until " +
                                         when(account->locked_until_ms) +
                                         "; try again then, or ask an admin to reset it");
  }
  // Verified against a dummy hash when the user is unknown: the same work, the same answer.
  const bool password_ok =
      verify_password(account ? account->password_hash : dummy_hash(options_), password);
  if (!account || account->disabled || !password_ok) {
    const std::string why = !account            ? "unknown user"
                            : account->disabled ? "account disabled"
                                                : "wrong password";
    WEIMIN_TRY(service_.with_accounts([&](DistrictStore& store) -> Status {
      WEIMIN_TRY(store.add_audit(AuditRecord{0, now, tried, address, "signin_failed", "", why}));
      if (!account || account->disabled) return Status::ok();
      WEIMIN_ASSIGN_OR_RETURN(auto fresh, store.find_account(user));
      if (!fresh) return Status::ok();
      fresh->failed_signins += 1;
      if (fresh->failed_signins >= options_.lock_after_failures) {
        fresh->failed_signins = 0;
        fresh->locked_until_ms = now + options_.lock_ms;
        WEIMIN_TRY(store.add_audit(AuditRecord{0, now, tried, address, "account_locked", user,
                                               std::to_string(options_.lock_after_failures) +
                                                   " failed sign-ins; locked until " +
                                                   when(fresh->locked_until_ms)}));
      }
      return store.update_account(*fresh);
    }));
    return Status(ErrorCode::Unauthenticated, std::string(kWrongCredentials));
  }
  SignedIn out;
  out.session_id = random_hex(32);
  out.csrf = random_hex(32);
  out.who = Principal{account->user, ConsoleRole::Office, account->scope};
  WEIMIN_ASSIGN_OR_RETURN(out.who.role, parse_console_role(account->role));
  out.must_change_password = account->must_change_password;
  WEIMIN_TRY(service_.with_accounts([&](DistrictStore& store) -> Status {
    WEIMIN_ASSIGN_OR_RETURN(auto fresh, store.find_account(user));
    if (!fresh) return no_account(user);
    if (fresh->failed_signins != 0 || fresh->locked_until_ms != 0) {
      fresh->failed_signins = 0;
      fresh->locked_until_ms = 0;
      WEIMIN_TRY(store.update_account(*fresh));
    }
    WEIMIN_TRY(store.add_session(
        SessionRecord{sync::sha256_hex(out.session_id), user, out.csrf, address, now, now}));
    return store.add_audit(AuditRecord{0, now, user, address, "signin", "",
                                       out.must_change_password ? "must change password" : ""});
  }));
  return out;
}

// How often a live session's last use is written (Accounts::session).
constexpr std::int64_t kTouchEveryMs = 60'000;

Result<Accounts::Session> Accounts::session(const std::string& session_id) {
  const std::string id_hash = sync::sha256_hex(session_id);
  const std::int64_t now = service_.clock().now_ms();
  return service_.with_accounts([&](DistrictStore& store) -> Result<Session> {
    WEIMIN_ASSIGN_OR_RETURN(auto s, store.find_session(id_hash));
    if (!s) {
      return Status(ErrorCode::Unauthenticated,
                    "you are not signed in (or were signed out); "
                    "sign in again");
    }
    std::string ended;
    if (now - s->last_seen_ms >= options_.idle_timeout_ms) {
      ended = "you were signed out after " + duration(options_.idle_timeout_ms) +
              " without use; sign in again";
    } else if (now - s->created_ms >= options_.absolute_limit_ms) {
      ended = "your session reached its limit of " + duration(options_.absolute_limit_ms) +
              "; sign in again";
    }
    std::optional<AccountRecord> a;
    if (ended.empty()) {
      WEIMIN_ASSIGN_OR_RETURN(a, store.find_account(s->user));
      if (!a || a->disabled) ended = "this account is disabled; ask an admin";
    }
    if (!ended.empty()) {
      WEIMIN_TRY(store.end_sessions(id_hash, ""));
      return Status(ErrorCode::Unauthenticated, ended);
    }
    // The idle timer restarts at most once a minute: a clerk's every page would otherwise be a
    // write (and a commit) of its own. A session may so end up to a minute before its idle
    // timeout, never after.
    if (now - s->last_seen_ms >= kTouchEveryMs) WEIMIN_TRY(store.touch_session(id_hash, now));
    Session out;
    out.id_hash = id_hash;
    out.who = Principal{a->user, ConsoleRole::Office, a->scope};
    WEIMIN_ASSIGN_OR_RETURN(out.who.role, parse_console_role(a->role));
    out.csrf = s->csrf;
    out.must_change_password = a->must_change_password;
    return out;
  });
}

Status Accounts::sign_out(const std::string& session_id) {
  const std::string id_hash = sync::sha256_hex(session_id);
  return service_.with_accounts([&](DistrictStore& store) -> Status {
    WEIMIN_ASSIGN_OR_RETURN(auto s, store.find_session(id_hash));
    if (!s) return Status::ok();  // ended already
    WEIMIN_TRY(store.end_sessions(id_hash, ""));
    return store.add_audit(
        AuditRecord{0, service_.clock().now_ms(), s->user, s->address, "signout", "", ""});
  });
}

Status Accounts::change_password(const std::string& session_id, const std::string& old_password,
                                 const std::string& new_password, const std::string& address) {
  WEIMIN_ASSIGN_OR_RETURN(Session current, session(session_id));
  const std::string& user = current.who.user;
  WEIMIN_ASSIGN_OR_RETURN(auto account, service_.with_accounts([&](DistrictStore& store) {
    return store.find_account(user);
  }));
  if (!account) return no_account(user);
  const std::int64_t now = service_.clock().now_ms();
  if (!verify_password(account->password_hash, old_password)) {
    WEIMIN_TRY(service_.with_accounts([&](DistrictStore& store) {
      return store.add_audit(
          AuditRecord{0, now, user, address, "password_change_failed", user, "wrong password"});
    }));
    return Status(ErrorCode::Unauthenticated,
                  "the current password is wrong; type the password you signed in with");
  }
  WEIMIN_TRY(password_refusal(new_password, options_));
  if (new_password == old_password) {
    return Status(ErrorCode::Invalid,
                  "the new password is the same as the current one; choose a different one");
  }
  WEIMIN_ASSIGN_OR_RETURN(std::string hash, hash_password(new_password, options_));
  return service_.with_accounts([&](DistrictStore& store) -> Status {
    WEIMIN_ASSIGN_OR_RETURN(auto fresh, store.find_account(user));
    if (!fresh) return no_account(user);
    WEIMIN_ASSIGN_OR_RETURN(auto mine, store.find_session(current.id_hash));
    fresh->password_hash = hash;
    fresh->must_change_password = false;
    WEIMIN_TRY(store.update_account(*fresh));
    // Every other session of the account ends; this one goes on.
    WEIMIN_TRY(store.end_sessions("", user));
    if (mine) WEIMIN_TRY(store.add_session(*mine));
    return store.add_audit(AuditRecord{0, now, user, address, "password_change", user, ""});
  });
}

// [SECTION] Audit

Status Accounts::audit(const std::string& user, const std::string& address,
                       const std::string& action, const std::string& target,
                       const std::string& detail) {
  const std::int64_t now = service_.clock().now_ms();
  return service_.with_accounts([&](DistrictStore& store) {
    return store.add_audit(AuditRecord{0, now, user, address, action, target, detail});
  });
}

Result<std::vector<AuditRecord>> Accounts::audit_log(std::int64_t before_id, int limit) {
  if (limit < 1 || limit > 10'000) {
    return Status(ErrorCode::Invalid,
                  "ask for 1 to 10000 audit records at once, not " + std::to_string(limit));
  }
  return service_.with_accounts(
      [&](DistrictStore& store) { return store.audit_log(before_id, limit); });
}

}  // namespace weimin::server
