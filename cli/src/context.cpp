#include "context.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "weimin/platform/key_store.hpp"

namespace weimin::cli {

CliClock::CliClock() {
  if (const char* fixed = std::getenv("WEIMIN_NOW_MS")) fixed_ = std::strtoll(fixed, nullptr, 10);
}

std::int64_t CliClock::now_ms() const { return fixed_ ? *fixed_ : system_.now_ms(); }

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
  if (::isatty(STDIN_FILENO) && &io.in == &std::cin) io.err << prompt << std::flush;
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
  return desk.sign_in(staff_no, pin);
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

}  // namespace weimin::cli
