// What every `weimin` command shares: the global options, opening the station, signing staff
// in with the PIN from WEIMIN_PIN or a prompt (without echo on a terminal), checking that the
// signed-in member's role allows what the command reads, and printing results as text or JSON.
// Private to cli/.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "weimin/cli/cli.hpp"
#include "weimin/core/result.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"

namespace weimin::cli {

struct Context {
  Context(Io io, const platform::Clock& clock) : io(io), clock(clock) {}
  Io io;
  std::string data_dir;
  std::string key_file;
  bool json = false;
  // The machine's clock (run_cli's caller may pass another; the environment cannot move it).
  const platform::Clock& clock;

  // The command to run once parsing has succeeded; returns the exit code.
  std::function<int()> action;

  std::string resolved_key_file() const;
  Result<std::unique_ptr<station::Station>> open_station();
  // Signs staff_no in; the PIN comes from WEIMIN_PIN or is read from standard input.
  Result<station::Session> sign_in(station::Station& station, const std::string& staff_no);
  // Reads one line (a PIN) from standard input; on a terminal with a prompt and without echo.
  // Wipe the answer (weimin::wipe) once it has been used.
  std::string read_secret_line(const std::string& prompt);

  // Prints the JSON (with --json) or the text, and returns 0.
  int print(const nlohmann::json& j, const std::string& text);
  // Prints "weimin: <message>" on standard error and returns 1.
  int refuse(const Status& status);
};

// Each group of commands adds its subcommands; the callbacks set ctx.action.
void add_station_commands(CLI::App& app, Context& ctx);
void add_queue_commands(CLI::App& app, Context& ctx);
void add_case_commands(CLI::App& app, Context& ctx);
void add_appointment_commands(CLI::App& app, Context& ctx);
void add_sync_commands(CLI::App& app, Context& ctx);
void add_device_commands(CLI::App& app, Context& ctx);
void add_doctor_commands(CLI::App& app, Context& ctx);
void add_neighbour_commands(CLI::App& app, Context& ctx);
void add_govern_commands(CLI::App& app, Context& ctx);  // consult, access register, certificate

// Runs `body` with the station open and, when staff_no is not empty, staff signed in.
int with_station(Context& ctx, const std::function<int(station::Station&)>& body);
int with_staff(Context& ctx, const std::string& staff_no,
               const std::function<int(station::Station&, const station::Session&)>& body);
// For a command that reads residents' records (`command`, e.g. "weimin export"): refuses
// (exit 1, saying to add --as) when no staff number was given, signs staff_no in, refuses
// when the member's role lacks `permission`, then runs body.
int with_permission(Context& ctx, const std::string& command, const std::string& staff_no,
                    core::Permission permission,
                    const std::function<int(station::Station&, const station::Session&)>& body);

}  // namespace weimin::cli
