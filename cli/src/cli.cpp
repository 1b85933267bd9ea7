#include "weimin/cli/cli.hpp"

#include <cstdlib>
#include <iostream>

#include "context.hpp"

namespace weimin::cli {

int run_cli(const std::vector<std::string>& args, Io io) {
  const platform::SystemClock clock;
  return run_cli(args, io, clock);
}

int run_cli(const std::vector<std::string>& args, Io io, const platform::Clock& clock) {
  Context ctx(io, clock);
  CLI::App app{
      "weimin — the service station's use cases from a shell.\n"
      "Staff actions, and every command that shows residents' records, take --as STAFF_NO;\n"
      "the PIN is asked for without echo (or read from WEIMIN_PIN or standard input).\n"
      "Exit codes: 0 done, 1 refused (reason on standard error), 2 usage.",
      "weimin"};
  app.require_subcommand(1);
  app.fallthrough();
  if (const char* env = std::getenv("WEIMIN_DATA")) ctx.data_dir = env;
  app.add_option("--data", ctx.data_dir, "the station's data folder (or WEIMIN_DATA)");
  app.add_option("--key-file", ctx.key_file,
                 "the key-encryption key file, outside the data folder (default: DATA.kek, or "
                 "WEIMIN_KEY_FILE)");
  app.add_flag("--json", ctx.json, "print results as JSON");

  add_station_commands(app, ctx);
  add_queue_commands(app, ctx);
  add_case_commands(app, ctx);
  add_appointment_commands(app, ctx);
  add_sync_commands(app, ctx);
  add_device_commands(app, ctx);
  add_doctor_commands(app, ctx);
  add_neighbour_commands(app, ctx);
  add_govern_commands(app, ctx);  // after station: extends `access`

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    io.out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    io.out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& e) {
    // Help asked of a subcommand arrives here too, with exit code 0.
    if (e.get_exit_code() == 0) {
      app.exit(e, io.out, io.err);
      return 0;
    }
    io.err << "weimin: " << e.what() << "\n";
    io.err << "Run 'weimin --help' (or 'weimin COMMAND --help') for usage.\n";
    return 2;
  }
  if (!ctx.action) {
    io.err << "weimin: choose a command; run 'weimin --help'\n";
    return 2;
  }
  if (ctx.data_dir.empty()) {
    io.err << "weimin: say which data folder to use: --data DIR (or WEIMIN_DATA)\n";
    return 2;
  }
  try {
    return ctx.action();
  } catch (const std::exception& e) {
    io.err << "weimin: internal error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace weimin::cli
