// Window pauses (暂停服务): the window events' checks, JSON and their register in the day's
// queue (see queue.hpp).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

#include "catalog_json_reader.hpp"
#include "weimin/core/queue.hpp"

namespace weimin::core {

namespace {

using json = nlohmann::json;
namespace cj = catalog_json;

constexpr int kMaxWindow = 999;

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

Status invalid(const WindowEvent& e, std::string what) {
  return Status(ErrorCode::Invalid,
                std::string(kind_of(e)) + " " + e.id.to_string() + ": " + std::move(what));
}

WindowEvent read_event(const json& j) {
  cj::Obj o(j, "", {"kind", "id", "hlc", "wall_ms", "origin", "window", "staff"});
  WindowEvent e;
  const std::string kind = cj::read_string(o.req("kind"), o.at("kind"));
  if (kind != kWindowPausedKind && kind != kWindowResumedKind) {
    cj::fail(o.at("kind"), "unknown kind " + cj::in_quotes(kind) +
                               " (the window event kinds are: window.paused, window.resumed)");
  }
  e.paused = kind == kWindowPausedKind;
  const std::string id = cj::read_string(o.req("id"), o.at("id"));
  std::optional<Uuid> uuid = Uuid::parse(id);
  if (!uuid || uuid->is_nil()) {
    cj::fail(o.at("id"), "expected a UUID in canonical form, found " + cj::in_quotes(id));
  }
  e.id = *uuid;
  const std::int64_t packed = cj::read_int64(o.req("hlc"), o.at("hlc"));
  if (packed < 0) cj::fail(o.at("hlc"), "a packed HLC is never negative");
  e.hlc = HlcTimestamp::unpack(static_cast<std::uint64_t>(packed));
  e.wall_ms = cj::read_int64(o.req("wall_ms"), o.at("wall_ms"));
  e.origin = cj::read_string(o.req("origin"), o.at("origin"));
  e.window = cj::read_int(o.req("window"), o.at("window"), 1, kMaxWindow);
  if (const json* staff = o.opt("staff")) e.staff = cj::read_string(*staff, o.at("staff"));
  return e;
}

}  // namespace

Status validate(const WindowEvent& e) {
  if (e.id.is_nil()) return invalid(e, "the event id is the nil UUID");
  if (e.hlc.wall_ms < 0 || e.hlc.wall_ms > HlcTimestamp::kMaxWallMs ||
      e.hlc.logical > HlcTimestamp::kMaxLogical) {
    return invalid(e, "the HLC " + e.hlc.to_string() + " is out of range");
  }
  if (e.wall_ms < 0) return invalid(e, "wall_ms must not be negative");
  const bool origin_ok = !e.origin.empty() && e.origin.size() <= 64 &&
                         std::all_of(e.origin.begin(), e.origin.end(),
                                     [](char c) { return is_id_char(c) || c == '.' || c == ':'; });
  if (!origin_ok) {
    return invalid(e, "origin " + cj::in_quotes(e.origin) +
                          " must be 1-64 letters, digits, '_', '-', '.' or ':'");
  }
  const bool staff_ok =
      e.staff.size() <= 32 && std::all_of(e.staff.begin(), e.staff.end(), is_id_char);
  if (!staff_ok) {
    return invalid(e, "staff number " + cj::in_quotes(e.staff) +
                          " must be 1-32 ASCII letters, digits, '-' or '_'");
  }
  if (e.window < 1 || e.window > kMaxWindow) {
    return invalid(e, "window must be 1-999, found " + std::to_string(e.window));
  }
  return Status::ok();
}

json to_json(const WindowEvent& e) {
  json j = {{"kind", kind_of(e)},
            {"id", e.id.to_string()},
            {"hlc", static_cast<std::int64_t>(e.hlc.pack())},
            {"wall_ms", e.wall_ms},
            {"origin", e.origin},
            {"window", e.window}};
  if (!e.staff.empty()) j["staff"] = e.staff;
  return j;
}

Result<WindowEvent> window_event_from_json(const json& j, std::string_view source) {
  WindowEvent e;
  try {
    e = read_event(j);
  } catch (const cj::CatalogError& error) {
    return Status(error.code, cj::error_prefix(source, error.path) + error.what);
  } catch (const json::exception& error) {
    return Status(ErrorCode::Invalid, std::string(source) + ": " + error.what());
  }
  if (Status s = validate(e); !s) return Status(s.code(), std::string(source) + ": " + s.message());
  return e;
}

Result<WindowEvent> parse_window_event(std::string_view json_text, std::string_view source) {
  WEIMIN_ASSIGN_OR_RETURN(json j, cj::parse_strict(json_text, source));
  return window_event_from_json(j, source);
}

Status check(const QueueState& state, const WindowEvent& event) {
  WEIMIN_TRY(validate(event));
  const std::string window = "window " + std::to_string(event.window);
  if (event.paused && state.is_paused(event.window)) {
    return Status(ErrorCode::Conflict, window + " is paused already; resume it to call again");
  }
  if (!event.paused && !state.is_paused(event.window)) {
    return Status(ErrorCode::Conflict, window + " is not paused; it can call the next number");
  }
  return Status::ok();
}

void apply(QueueState& state, const WindowEvent& event) {
  auto [it, added] = state.windows.try_emplace(event.window);
  WindowStatus& w = it->second;
  if (!added && !(std::tie(w.hlc, w.origin, w.id) < std::tie(event.hlc, event.origin, event.id))) {
    return;
  }
  w.paused = event.paused;
  w.since_ms = event.wall_ms;
  w.staff = event.staff;
  w.hlc = event.hlc;
  w.origin = event.origin;
  w.id = event.id;
}

QueueState fold_queue(std::vector<TicketEvent> events, const std::vector<WindowEvent>& windows) {
  QueueState s = fold_queue(std::move(events));
  for (const WindowEvent& w : windows) apply(s, w);
  return s;
}

}  // namespace weimin::core
