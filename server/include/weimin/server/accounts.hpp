// Console accounts (DESIGN.md, "The district: people, scopes and projections"): the street
// office clerks, department clerks and district admins who work the loop in a browser.
// Passwords are hashed with Argon2id (libsodium crypto_pwhash_str); a session is a random id
// given once as the cookie's value and stored as its sha-256 hex, with a CSRF token, an idle
// timeout and an absolute limit; sign-in is throttled per address and an account locks after
// repeated failures; every action is audited with the account, time and address.
// The `weimin-district account …` commands and the console share this one code path.
// Thread-safety: every member may be called from any thread; store access goes through
// DistrictService::with_store (the service's lock).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "weimin/core/result.hpp"
#include "weimin/server/service.hpp"
#include "weimin/server/store.hpp"

namespace weimin::server {

enum class ConsoleRole { Office, Department, Admin };
// "office", "department", "admin".
std::string_view to_string(ConsoleRole role);
Result<ConsoleRole> parse_console_role(std::string_view text);

// Who is acting: a signed-in account, or a machine API token mapped to the same scopes.
struct Principal {
  std::string user;  // account name, or "token:<first 8 hex of its hash>"
  ConsoleRole role = ConsoleRole::Office;
  std::string scope;  // 9-digit office code, department id, or the district code (admin)
};

struct AccountOptions {
  std::int64_t idle_timeout_ms = 30LL * 60 * 1000;      // a session unused this long ends
  std::int64_t absolute_limit_ms = 12LL * 3600 * 1000;  // and any session after this
  int lock_after_failures = 5;                          // consecutive failures lock …
  std::int64_t lock_ms = 15LL * 60 * 1000;              // … the account this long
  int address_attempts_per_minute = 10;                 // sign-in attempts per address
  std::size_t min_password_length = 10;
  // Argon2id cost (crypto_pwhash_*): interactive by default; tests may lower it.
  unsigned long long opslimit = 0;  // 0: crypto_pwhash_OPSLIMIT_INTERACTIVE
  std::size_t memlimit = 0;         // 0: crypto_pwhash_MEMLIMIT_INTERACTIVE
};

class Accounts {
 public:
  // `service` must outlive this; its clock is the time of every session and audit record.
  explicit Accounts(DistrictService& service, AccountOptions options = {});

  // [SECTION] Administration (weimin-district account …)
  // Adds an account. Invalid: a user name not 3-32 of [a-z0-9._-]; a scope the published
  // catalog does not list for the role (office: a 9-digit street office of this district;
  // department: a department id; admin: the district code); no catalog published (for office
  // and department); a password shorter than min_password_length. AlreadyExists when taken.
  // `password` empty: a one-time password is made, returned (shown once) and must be changed
  // at the first sign-in; otherwise the returned string is empty.
  Result<std::string> add(const std::string& user, ConsoleRole role, const std::string& scope,
                          const std::string& password, const std::string& by);
  Result<std::vector<AccountRecord>> list();
  // Disables the account and ends its sessions.
  Status disable(const std::string& user, const std::string& by);
  // A new one-time password (returned once), unlocks and enables the account, ends its
  // sessions.
  Result<std::string> reset(const std::string& user, const std::string& by);

  // [SECTION] Sessions
  struct SignedIn {
    std::string session_id;  // the cookie's value (clear; only its hash is stored)
    std::string csrf;
    Principal who;
    bool must_change_password = false;
  };
  // Unauthenticated "wrong user name or password" for an unknown user, a wrong password or a
  // disabled account (the same words for all three); Locked when the account is
  // locked (saying until when); Unavailable when the address made too many attempts (saying
  // when to try again). Failures and successes are audited.
  Result<SignedIn> sign_in(const std::string& user, const std::string& password,
                           const std::string& address);
  struct Session {
    std::string id_hash;
    Principal who;
    std::string csrf;
    bool must_change_password = false;
  };
  // The live session of a cookie value, touched (idle timer restarted); Unauthenticated when
  // unknown, expired (idle or absolute) or its account is disabled.
  Result<Session> session(const std::string& session_id);
  Status sign_out(const std::string& session_id);
  // Checks the old password and sets a new one (min_password_length), clearing
  // must_change_password; ends the account's other sessions.
  Status change_password(const std::string& session_id, const std::string& old_password,
                         const std::string& new_password, const std::string& address);

  // [SECTION] Audit
  Status audit(const std::string& user, const std::string& address, const std::string& action,
               const std::string& target, const std::string& detail);
  Result<std::vector<AuditRecord>> audit_log(std::int64_t before_id, int limit);

  const AccountOptions& options() const { return options_; }

 private:
  DistrictService& service_;
  AccountOptions options_;
  std::mutex throttle_mutex_;
  std::map<std::string, std::vector<std::int64_t>> attempts_;  // address → recent attempt times
};

}  // namespace weimin::server
