// The `weimin` command: every station use case from a shell, for scripts and for staff
// without the kiosk. run_cli is the whole program; main() only wires it to the process.
// Exit codes: 0 done, 1 refused (the reason on standard error), 2 usage.
// Thread-safety: run_cli touches only what it is given and the data folder.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "weimin/platform/clock.hpp"

namespace weimin::cli {

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// args excludes the program name. Environment: WEIMIN_DATA (data folder), WEIMIN_KEY_FILE,
// WEIMIN_PIN (staff PIN, for scripts). The time is the machine's clock: nothing in the
// environment moves it (the PIN lockout counts on that).
int run_cli(const std::vector<std::string>& args, Io io);
// The same on another clock: tests pass a ManualClock here.
int run_cli(const std::vector<std::string>& args, Io io, const platform::Clock& clock);

}  // namespace weimin::cli
