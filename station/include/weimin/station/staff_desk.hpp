// StaffDesk: the station's staff — the roster, PINs (Argon2id hashes), sign-in with lockout
// (5 failures lock the account for 15 minutes; every attempt is an audit fact) and the
// permission check every staff action goes through.
// Thread-safety: as Station.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "weimin/core/staff.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station {

struct StaffRecord {
  std::string staff_no;
  std::string name;
  core::Role role = core::Role::Staff;
  bool active = true;
  // The grids (网格) the member works, codes of the station's community's grids; grid workers
  // (网格员) have one or more, others usually none.
  std::vector<std::string> grids;
};

// A signed-in member of staff; staff use cases take one.
struct Session {
  std::string staff_no;
  std::string name;
  core::Role role = core::Role::Staff;
  std::int64_t signed_in_ms = 0;
  std::vector<std::string> grids;  // as on the roster at sign-in
};

// Grid codes as the staff table keeps them: joined by ','.
std::vector<std::string> split_grids(std::string_view joined);
std::string join_grids(const std::vector<std::string>& grids);
// Ok when every grid is a grid of `community` in the catalog; Invalid naming the first that
// is not and listing the community's grids.
Status check_staff_grids(const core::Catalog& catalog, std::string_view community,
                         const std::vector<std::string>& grids);

// A PIN is 6 to 12 digits and not a trivial run (123456, 000000 …): core::check_pin.
Status check_pin_strength(std::string_view pin);

class StaffDesk {
 public:
  explicit StaffDesk(Station& station) : station_(station) {}

  // Checks the PIN. Success writes an audit fact and returns the session. A wrong PIN writes
  // a failure fact and answers Unauthenticated (saying how many tries are left); after five
  // failures in a row the account is Locked for 15 minutes from the last failure, and even
  // the right PIN is refused until then. Unknown or inactive staff: Unauthenticated, audited.
  Result<Session> sign_in(std::string_view staff_no, std::string_view pin);
  // Audits the sign-out.
  Status sign_out(const Session& session);

  // PermissionDenied naming the role and what it may not do.
  static Status require(const Session& session, core::Permission permission);

  // Adds or replaces a member of staff (a director's action; audited).
  Status put_staff(const Session& by, const StaffRecord& record, std::string_view pin);
  // The same inside an open transaction, unaudited: for init and the district's roster.
  Status put_staff_in_transaction(const StaffRecord& record, std::string_view pin);
  Result<std::vector<StaffRecord>> roster();
  Result<std::optional<StaffRecord>> find(std::string_view staff_no);

  // Writes an audit fact for a staff action inside the caller's transaction.
  Status audit(const Session& by, std::string_view action, std::string_view target,
               const nlohmann::json& details = nlohmann::json::object());

 private:
  Station& station_;
};

}  // namespace weimin::station
