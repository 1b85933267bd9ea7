// The `weimin-district` command: serve the HTTPS API, issue enrol and department tokens,
// publish reference data, act on cases for the street office and departments, list rejects,
// back up and restore; manage console accounts, revoke stations and read the audit.
// run_district_cli is the whole program; main() only wires it to the process.
// Exit codes: 0 done, 1 refused (the reason on standard error), 2 usage.
// Thread-safety: touches only what it is given and the data folder.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace weimin::server {

struct DistrictIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// args excludes the program name. Environment: WEIMIN_DISTRICT_DATA (data folder),
// WEIMIN_KEY_FILE. The clock is the system clock; nothing in the environment moves it.
int run_district_cli(const std::vector<std::string>& args, DistrictIo io);

}  // namespace weimin::server
