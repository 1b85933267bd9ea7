#include "weimin/station/staff_desk.hpp"

#include <sodium.h>

#include <algorithm>

#include "weimin/storage/facts.hpp"

namespace weimin::station {
namespace {

std::string subject_of(std::string_view staff_no) {
  return "staff:" + std::string(staff_no);
}

// Argon2id at libsodium's "interactive" cost: 2 passes over 64 MiB (docs/SECURITY.md).
inline constexpr unsigned long long kPinOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
inline constexpr std::size_t kPinMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
static_assert(kPinOpsLimit == 2 && kPinMemLimit == 64u * 1024 * 1024,
              "docs/SECURITY.md states the PIN hashes' cost; change it there too");

Result<std::string> hash_pin(std::string_view pin) {
  WEIMIN_TRY(core::check_pin(pin));  // no short or trivial PIN is ever hashed
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, pin.data(), pin.size(), kPinOpsLimit, kPinMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status(ErrorCode::Unavailable, "not enough memory to hash the PIN; try again");
  }
  return std::string(out);
}

bool pin_matches(const std::string& hash, std::string_view pin) {
  return crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
}

}  // namespace

std::vector<std::string> split_grids(std::string_view joined) {
  std::vector<std::string> out;
  while (!joined.empty()) {
    const auto comma = joined.find(',');
    const std::string_view one = joined.substr(0, comma);
    if (!one.empty()) out.emplace_back(one);
    if (comma == std::string_view::npos) break;
    joined.remove_prefix(comma + 1);
  }
  return out;
}

std::string join_grids(const std::vector<std::string>& grids) {
  std::string out;
  for (const auto& g : grids) out += (out.empty() ? "" : ",") + g;
  return out;
}

namespace {

Result<std::optional<std::pair<StaffRecord, std::string>>> load(storage::Database& db,
                                                                std::string_view staff_no) {
  WEIMIN_ASSIGN_OR_RETURN(
      storage::Statement s,
      db.prepare(
          "SELECT staff_no, name, role, active, pin_hash, grids FROM staff WHERE staff_no = ?"));
  s.bind(1, staff_no);
  WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
  using Found = std::optional<std::pair<StaffRecord, std::string>>;
  if (!row) return Found();
  auto role = core::parse_role(s.column_text(2));
  if (!role.is_ok()) return role.status();
  return Found(std::make_pair(StaffRecord{s.column_text(0), s.column_text(1), *role,
                                          s.column_int64(3) != 0, split_grids(s.column_text(5))},
                              s.column_text(4)));
}

}  // namespace

Status check_staff_grids(const core::Catalog& catalog, std::string_view community,
                         const std::vector<std::string>& grids) {
  for (const auto& g : grids) {
    const core::Grid* grid = catalog.grid_by_code(g);
    if (grid == nullptr || grid->community != community) {
      std::string known;
      for (const auto& c : catalog.grids)
        if (c.community == community) known += (known.empty() ? "" : ", ") + c.code;
      if (grid == nullptr) {
        return {ErrorCode::Invalid,
                "grid " + g + " is not in the catalog; community " + std::string(community) +
                    (known.empty() ? " has no grids in it: give none"
                                   : " has the grids " + known + ": choose among them")};
      }
      return {ErrorCode::Invalid,
              "grid " + g + " is not a grid of community " + std::string(community) + "; choose " +
                  (known.empty() ? "none (the catalog lists no grid here)" : "one of " + known)};
    }
  }
  return Status::ok();
}

Status check_pin_strength(std::string_view pin) {
  return core::check_pin(pin);
}

Result<Session> StaffDesk::sign_in(std::string_view staff_no, std::string_view pin) {
  Result<Session> outcome = Status(ErrorCode::Internal, "sign-in did not run");
  const std::int64_t now = station_.now_ms();
  Status written = station_.transact([&]() -> Status {
    WEIMIN_ASSIGN_OR_RETURN(auto attempts_rows,
                            storage::Facts::by_subject(station_.db(), subject_of(staff_no)));
    std::vector<core::SignInAttempt> attempts;
    for (const auto& f : attempts_rows) {
      if (f.kind != "staff.sign_in") continue;
      const auto body = nlohmann::json::parse(f.body);
      // A refusal while locked checked no PIN: it is no guess and moves no lock (so a clock
      // set back cannot shorten a lock by piling refusals before it).
      if (body.value("why", "") == "locked") continue;
      attempts.push_back({f.wall_ms, body.value("ok", false)});
    }
    const core::SignInState state = core::fold_sign_in(attempts, now);
    WEIMIN_ASSIGN_OR_RETURN(auto found, load(station_.db(), staff_no));
    auto record = [&](bool ok, std::string_view why) -> Status {
      const NewFact fact{"staff.sign_in",
                         subject_of(staff_no),
                         {{"staff_no", staff_no}, {"ok", ok}, {"why", why}}};
      return station_.append({&fact, 1}).status();
    };
    if (state.locked(now)) {
      WEIMIN_TRY(record(false, "locked"));
      const auto minutes = (state.locked_until_ms - now + 59999) / 60000;
      outcome =
          Status(ErrorCode::Locked, "staff " + std::string(staff_no) +
                                        " is locked after 5 wrong PINs; try again in " +
                                        std::to_string(minutes) + " minutes or ask the director");
      return Status::ok();
    }
    if (!found || !found->first.active) {
      WEIMIN_TRY(record(false, found ? "inactive" : "unknown"));
      outcome = Status(ErrorCode::Unauthenticated,
                       "staff number " + std::string(staff_no) +
                           (found ? " is no longer active" : " is not on this station's roster"));
      return Status::ok();
    }
    if (!pin_matches(found->second, pin)) {
      WEIMIN_TRY(record(false, "wrong_pin"));
      const int left = core::kMaxSignInFailures - (state.failures + 1);
      outcome = Status(
          left > 0 ? ErrorCode::Unauthenticated : ErrorCode::Locked,
          left > 0 ? "wrong PIN for " + std::string(staff_no) + "; " + std::to_string(left) +
                         " tries left before a 15-minute lock"
                   : "wrong PIN; staff " + std::string(staff_no) + " is now locked for 15 minutes");
      return Status::ok();
    }
    WEIMIN_TRY(record(true, "ok"));
    outcome = Session{found->first.staff_no, found->first.name, found->first.role, now,
                      found->first.grids};
    return Status::ok();
  });
  WEIMIN_TRY(written);  // the attempt must be on record before any answer is given
  return outcome;
}

Status StaffDesk::sign_out(const Session& session) {
  return station_.transact([&] { return audit(session, "sign_out", session.staff_no); });
}

Status StaffDesk::require(const Session& session, core::Permission permission) {
  if (core::can(session.role, permission)) return Status::ok();
  return {ErrorCode::PermissionDenied, "staff " + session.staff_no + " (" +
                                           std::string(core::to_string(session.role)) +
                                           ") may not " + std::string(core::describe(permission)) +
                                           "; ask the director or a deputy head"};
}

Status StaffDesk::put_staff(const Session& by, const StaffRecord& record, std::string_view pin) {
  WEIMIN_TRY(require(by, core::Permission::ManageStaff));
  return station_.transact([&]() -> Status {
    WEIMIN_TRY(put_staff_in_transaction(record, pin));
    return audit(by, "staff_put", record.staff_no,
                 {{"role", core::to_string(record.role)}, {"active", record.active}});
  });
}

Status StaffDesk::put_staff_in_transaction(const StaffRecord& record, std::string_view pin) {
  if (record.staff_no.empty() || record.staff_no.size() > 32) {
    return {ErrorCode::Invalid, "a staff number is 1 to 32 characters"};
  }
  WEIMIN_TRY(check_staff_grids(station_.catalog(), station_.community(), record.grids));
  WEIMIN_TRY(check_pin_strength(pin));
  WEIMIN_ASSIGN_OR_RETURN(std::string hash, hash_pin(pin));
  WEIMIN_ASSIGN_OR_RETURN(
      storage::Statement s,
      station_.db().prepare("INSERT OR REPLACE INTO staff (staff_no, name, role, pin_hash, "
                            "active, updated_ms, grids) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  s.bind(1, record.staff_no).bind(2, record.name).bind(3, core::to_string(record.role));
  s.bind(4, hash).bind(5, record.active ? 1 : 0).bind(6, station_.now_ms());
  s.bind(7, join_grids(record.grids));
  return s.run();
}

Result<std::vector<StaffRecord>> StaffDesk::roster() {
  WEIMIN_ASSIGN_OR_RETURN(
      storage::Statement s,
      station_.db().prepare(
          "SELECT staff_no, name, role, active, grids FROM staff ORDER BY staff_no"));
  std::vector<StaffRecord> out;
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    WEIMIN_ASSIGN_OR_RETURN(core::Role role, core::parse_role(s.column_text(2)));
    out.push_back({s.column_text(0), s.column_text(1), role, s.column_int64(3) != 0,
                   split_grids(s.column_text(4))});
  }
  return out;
}

Result<std::optional<StaffRecord>> StaffDesk::find(std::string_view staff_no) {
  WEIMIN_ASSIGN_OR_RETURN(auto found, load(station_.db(), staff_no));
  if (!found) return std::optional<StaffRecord>();
  return std::optional<StaffRecord>(found->first);
}

Status StaffDesk::audit(const Session& by, std::string_view action, std::string_view target,
                        const nlohmann::json& details) {
  const NewFact fact{"audit." + std::string(action),
                     subject_of(by.staff_no),
                     {{"staff_no", by.staff_no},
                      {"role", core::to_string(by.role)},
                      {"action", action},
                      {"target", target},
                      {"details", details}}};
  return station_.append({&fact, 1}).status();
}

}  // namespace weimin::station
