#include "context.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "weimin/core/secret.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/platform/terminal.hpp"

namespace weimin::cli {

std::string Context::resolved_key_file() const {
  if (!key_file.empty()) return key_file;
  if (const char* env = std::getenv("WEIMIN_KEY_FILE")) return env;
  std::string dir = data_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + ".kek";
}

Result<std::unique_ptr<station::Station>> Context::open_station() {
  platform::FileKeyStore keys(resolved_key_file(), data_dir);
  return station::Station::open(data_dir, keys, clock);
}

std::string Context::read_secret_line(const std::string& prompt) {
  if (&io.in == &std::cin && ::isatty(STDIN_FILENO)) {
    io.err << std::flush;
    auto typed = platform::read_hidden_line(STDIN_FILENO, STDERR_FILENO, prompt);
    if (typed.is_ok()) return std::move(typed).value();
    io.err << "weimin: " << typed.status().message() << "\n";
    return {};
  }
  std::string line;
  std::getline(io.in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

Result<station::Session> Context::sign_in(station::Station& station, const std::string& staff_no) {
  std::string pin;
  if (const char* env = std::getenv("WEIMIN_PIN")) {
    pin = env;
  } else {
    pin = read_secret_line("PIN for " + staff_no + ": ");
  }
  station::StaffDesk desk(station);
  auto session = desk.sign_in(staff_no, pin);
  wipe(pin);
  return session;
}

int Context::print(const nlohmann::json& j, const std::string& text) {
  if (json) {
    io.out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    io.out << text;
    if (!text.empty() && text.back() != '\n') io.out << "\n";
  }
  return 0;
}

int Context::refuse(const Status& status) {
  io.err << "weimin: " << status.message() << "\n";
  return 1;
}

int with_station(Context& ctx, const std::function<int(station::Station&)>& body) {
  auto station = ctx.open_station();
  if (!station.is_ok()) return ctx.refuse(station.status());
  return body(**station);
}

int with_staff(Context& ctx, const std::string& staff_no,
               const std::function<int(station::Station&, const station::Session&)>& body) {
  return with_station(ctx, [&](station::Station& station) {
    auto session = ctx.sign_in(station, staff_no);
    if (!session.is_ok()) return ctx.refuse(session.status());
    return body(station, *session);
  });
}

int with_permission(Context& ctx, const std::string& command, const std::string& staff_no,
                    core::Permission permission,
                    const std::function<int(station::Station&, const station::Session&)>& body) {
  if (staff_no.empty()) {
    // Who may, among the station's own roles (the others never sign in at a station).
    std::vector<std::string_view> roles;
    bool every_station_role = true;
    for (int r = 0; r <= static_cast<int>(core::Role::System); ++r) {
      const auto role = static_cast<core::Role>(r);
      if (!core::is_station_role(role)) continue;
      if (core::can(role, permission)) {
        roles.push_back(core::to_string(role));
      } else {
        every_station_role = false;
      }
    }
    std::string who = "a member of the station's staff";
    if (!every_station_role) {
      who = "a";
      for (std::size_t i = 0; i < roles.size(); ++i) {
        who += i == 0 ? " " : i + 1 == roles.size() ? " or " : ", ";
        who += roles[i];
      }
    }
    return ctx.refuse(
        Status(ErrorCode::Unauthenticated,
               command + " shows the station's records, so " + who +
                   " must sign in first: add --as STAFF_NO (the PIN is asked for, or read from "
                   "WEIMIN_PIN)"));
  }
  return with_staff(ctx, staff_no, [&](station::Station& station, const station::Session& s) {
    Status allowed = station::StaffDesk::require(s, permission);
    if (!allowed.is_ok()) return ctx.refuse(allowed);
    return body(station, s);
  });
}

}  // namespace weimin::cli
