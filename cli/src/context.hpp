// What every `weimin` command shares: the global options, opening the station, signing staff
// in with the PIN from WEIMIN_PIN or a prompt, and printing results as text or JSON.
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

// A fixed clock when WEIMIN_NOW_MS is set, else the system clock.
class CliClock final : public platform::Clock {
 public:
  CliClock();
  std::int64_t now_ms() const override;

 private:
  std::optional<std::int64_t> fixed_;
  platform::SystemClock system_;
};

struct Context {
  explicit Context(Io io) : io(io) {}
  Io io;
  std::string data_dir;
  std::string key_file;
  bool json = false;
  CliClock clock;

  // The command to run once parsing has succeeded; returns the exit code.
  std::function<int()> action;

  std::string resolved_key_file() const;
  Result<std::unique_ptr<station::Station>> open_station();
  // Signs staff_no in; the PIN comes from WEIMIN_PIN or is read from standard input.
  Result<station::Session> sign_in(station::Station& station, const std::string& staff_no);
  // Reads one line (a PIN) from standard input.
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

// Runs `body` with the station open and, when staff_no is not empty, staff signed in.
int with_station(Context& ctx, const std::function<int(station::Station&)>& body);
int with_staff(Context& ctx, const std::string& staff_no,
               const std::function<int(station::Station&, const station::Session&)>& body);

}  // namespace weimin::cli
