// Terminal: reading a secret (a staff PIN) from a terminal without showing it. Echo is turned
// off while the line is read and the terminal's settings are put back afterwards, also when
// the process is ended by SIGINT, SIGTERM, SIGHUP or SIGQUIT while it waits (the handler puts
// the settings back and lets the signal end the process as it would have).
// Thread-safety: one read at a time per process (the signal handlers are process-wide).
#pragma once

#include <string>
#include <string_view>

#include "weimin/core/result.hpp"

namespace weimin::platform {

// Writes prompt to out_fd, reads one line from the terminal in_fd with echo off, writes the
// newline the person typed (not echoed) to out_fd and returns the line without its end.
// Invalid when in_fd is not a terminal; Io when reading fails; NotFound at end of input
// before any character. The caller should wipe() the answer once used.
Result<std::string> read_hidden_line(int in_fd, int out_fd, std::string_view prompt);

}  // namespace weimin::platform
