// Ticket events: names, stateless checks and JSON (see ticket.hpp).
#include "weimin/core/ticket.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "catalog_json_reader.hpp"

namespace weimin::core {

namespace {

using json = nlohmann::json;
namespace cj = catalog_json;

constexpr std::array<std::string_view, 5> kPriorityNames = {"none", "elderly", "disability",
                                                            "pregnancy", "appointment"};
constexpr std::array<std::string_view, 8> kKindNames = {
    "ticket.taken",   "ticket.called",      "ticket.recalled", "ticket.serving_started",
    "ticket.no_show", "ticket.transferred", "ticket.finished", "ticket.requeued"};

constexpr std::size_t kMaxReasonChars = 200;
constexpr std::size_t kMaxIdChars = 64;
constexpr std::size_t kMaxStaffChars = 32;

template <std::size_t N>
std::string list_names(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

// Letters, digits, '_', '-', '.', ':' and at most max_chars of them.
bool is_id_text(std::string_view s, std::size_t max_chars) {
  if (s.empty() || s.size() > max_chars) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == ':';
  });
}

// A staff number as the roster has it (staff.hpp): 1-32 ASCII letters, digits, '-' or '_'.
bool is_staff_no(std::string_view s) {
  return is_id_text(s, kMaxStaffChars) && s.find_first_of(".:") == std::string_view::npos;
}

// The number of characters of s when it is valid UTF-8 without control characters.
std::optional<std::size_t> text_chars(std::string_view s) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    if (len == 0 || i + len > s.size() || (len == 2 && c < 0xC2)) return std::nullopt;
    std::uint32_t cp = len == 1 ? c : (c & (0x7F >> len));
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || cp < 0x20 || cp == 0x7F) {
      return std::nullopt;
    }
    i += len;
  }
  return chars;
}

Status invalid(const TicketEvent& e, std::string what) {
  return Status(ErrorCode::Invalid,
                std::string(to_string(e.kind())) + " " + e.id.to_string() + ": " + std::move(what));
}

Uuid read_uuid(const json& j, const std::string& path) {
  std::string text = cj::read_string(j, path);
  std::optional<Uuid> id = Uuid::parse(text);
  if (!id) {
    cj::fail(path, "expected a UUID in canonical form (8-4-4-4-12 hex digits), found " +
                       cj::in_quotes(text));
  }
  if (id->is_nil()) cj::fail(path, "the nil UUID names nothing");
  return *id;
}

HlcTimestamp read_hlc(const json& j, const std::string& path) {
  std::int64_t packed = cj::read_int64(j, path);
  if (packed < 0) cj::fail(path, "a packed HLC is never negative, found " + std::to_string(packed));
  return HlcTimestamp::unpack(static_cast<std::uint64_t>(packed));
}

std::string read_opt_string(const cj::Obj& o, std::string_view key) {
  const json* j = o.opt(key);
  return j ? cj::read_string(*j, o.at(key)) : std::string();
}

std::vector<std::string_view> fields_for(TicketEventKind kind) {
  std::vector<std::string_view> f = {"kind",    "id",     "ticket", "hlc",
                                     "wall_ms", "origin", "window", "staff"};
  switch (kind) {
    case TicketEventKind::Taken:
      f.insert(f.end(),
               {"line", "prefix", "number", "service_item", "priority", "reason", "booking"});
      break;
    case TicketEventKind::Called:
      f.push_back("lines");
      break;
    case TicketEventKind::Transferred:
      f.insert(f.end(), {"to_line", "to_window"});
      break;
    default:
      break;
  }
  return f;
}

void refuse_unknown_fields(const json& j, TicketEventKind kind) {
  const std::vector<std::string_view> known = fields_for(kind);
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    cj::fail(cj::child("", key), "unknown field " + cj::in_quotes(key) + " for " +
                                     std::string(to_string(kind)) + " (the fields are: " + list +
                                     ")");
  }
}

TicketEvent read_event(const json& j) {
  if (!j.is_object()) cj::wrong_type(j, "", "an object");
  auto kind_it = j.find("kind");
  if (kind_it == j.end()) cj::fail("", "missing required field \"kind\"");
  Result<TicketEventKind> kind = parse_ticket_event_kind(cj::read_string(*kind_it, "/kind"));
  if (!kind) cj::fail("/kind", kind.status().message());
  refuse_unknown_fields(j, *kind);

  cj::Obj o(
      j, "",
      {"kind", "id", "ticket", "hlc", "wall_ms", "origin", "window", "staff", "line", "prefix",
       "number", "service_item", "priority", "reason", "booking", "lines", "to_line", "to_window"});
  TicketEvent e;
  e.id = read_uuid(o.req("id"), o.at("id"));
  e.ticket = read_uuid(o.req("ticket"), o.at("ticket"));
  e.hlc = read_hlc(o.req("hlc"), o.at("hlc"));
  e.wall_ms = cj::read_int64(o.req("wall_ms"), o.at("wall_ms"));
  e.origin = cj::read_string(o.req("origin"), o.at("origin"));
  e.staff = read_opt_string(o, "staff");
  constexpr int kMaxWindow = 999;
  if (*kind == TicketEventKind::Taken) {
    if (const json* w = o.opt("window")) e.window = cj::read_int(*w, o.at("window"), 0, kMaxWindow);
  } else {
    e.window = cj::read_int(o.req("window"), o.at("window"), 1, kMaxWindow);
  }
  switch (*kind) {
    case TicketEventKind::Taken: {
      TicketTaken t;
      t.line = cj::read_int(o.req("line"), o.at("line"), 1, 10);
      std::string prefix = cj::read_string(o.req("prefix"), o.at("prefix"));
      if (prefix.size() != 1 || prefix[0] < 'A' || prefix[0] > 'Z') {
        cj::fail(o.at("prefix"), "expected one capital letter A-Z, found " + cj::in_quotes(prefix));
      }
      t.prefix = prefix[0];
      t.number = cj::read_int(o.req("number"), o.at("number"), 1, kMaxTicketNumber);
      t.service_item = read_opt_string(o, "service_item");
      if (const json* p = o.opt("priority")) {
        Result<Priority> priority = parse_priority(cj::read_string(*p, o.at("priority")));
        if (!priority) cj::fail(o.at("priority"), priority.status().message());
        t.priority = *priority;
      }
      t.reason = read_opt_string(o, "reason");
      if (const json* b = o.opt("booking")) t.booking = read_uuid(*b, o.at("booking"));
      e.body = std::move(t);
      break;
    }
    case TicketEventKind::Called: {
      TicketCalled c;
      c.lines = cj::read_array(
          o.req("lines"), o.at("lines"),
          [](const json& l, const std::string& p) { return cj::read_int(l, p, 1, 10); });
      e.body = std::move(c);
      break;
    }
    case TicketEventKind::Recalled:
      e.body = TicketRecalled{};
      break;
    case TicketEventKind::ServingStarted:
      e.body = TicketServingStarted{};
      break;
    case TicketEventKind::NoShow:
      e.body = TicketNoShow{};
      break;
    case TicketEventKind::Transferred: {
      TicketTransferred t;
      if (const json* l = o.opt("to_line")) t.to_line = cj::read_int(*l, o.at("to_line"), 1, 10);
      if (const json* w = o.opt("to_window")) {
        t.to_window = cj::read_int(*w, o.at("to_window"), 1, kMaxWindow);
      }
      e.body = t;
      break;
    }
    case TicketEventKind::Finished:
      e.body = TicketFinished{};
      break;
    case TicketEventKind::Requeued:
      e.body = TicketRequeued{};
      break;
  }
  return e;
}

}  // namespace

// [SECTION] Names

std::string_view to_string(Priority priority) {
  return kPriorityNames[static_cast<std::size_t>(priority)];
}

Result<Priority> parse_priority(std::string_view text) {
  for (std::size_t i = 0; i < kPriorityNames.size(); ++i) {
    if (kPriorityNames[i] == text) return static_cast<Priority>(i);
  }
  return Status(ErrorCode::Invalid, "unknown priority " + cj::in_quotes(text) +
                                        " (the priorities are: " + list_names(kPriorityNames) +
                                        ")");
}

int priority_class(Priority priority) {
  switch (priority) {
    case Priority::AppointmentCheckIn:
      return 0;
    case Priority::Elderly:
    case Priority::Disability:
    case Priority::Pregnancy:
      return 1;
    case Priority::None:
      break;
  }
  return 2;
}

std::string ticket_label(char prefix, int number) {
  assert(number >= 1 && number <= kMaxTicketNumber);
  char digits[8];
  std::snprintf(digits, sizeof digits, "%03d", number);
  return std::string(1, prefix) + digits;
}

bool is_ticket_prefix(char prefix) {
  return prefix >= 'A' && prefix <= 'Z' && prefix != 'I' && prefix != 'O';
}

char default_ticket_prefix(int line) {
  static constexpr std::string_view kDefault = "ABCDEFGHJK";
  assert(line >= 1 && line <= 10);
  return kDefault[static_cast<std::size_t>(std::clamp(line, 1, 10) - 1)];
}

Result<TicketLabel> parse_ticket_label(std::string_view typed) {
  std::string compact;
  for (char c : typed) {
    if (c != ' ') compact += c;
  }
  auto refuse = [&](std::string why) -> Status {
    return Status(ErrorCode::Invalid, why +
                                          "; a ticket number is its letter and the digits "
                                          "printed on the ticket, e.g. A012");
  };
  if (compact.empty()) return refuse("no ticket number was typed");
  const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(compact[0])));
  if (letter < 'A' || letter > 'Z') {
    return refuse(cj::in_quotes(std::string(typed)) + " does not start with a letter");
  }
  const std::string_view digits = std::string_view(compact).substr(1);
  const bool all_digits = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (!all_digits) {
    return refuse(cj::in_quotes(std::string(typed)) + " is not a letter followed by digits");
  }
  std::size_t first = digits.find_first_not_of('0');
  const std::string_view significant =
      first == std::string_view::npos ? std::string_view() : digits.substr(first);
  if (significant.empty() || significant.size() > 4) {
    return refuse(cj::in_quotes(std::string(typed)) + " has no number between 1 and 9999");
  }
  int number = 0;
  for (char c : significant) number = number * 10 + (c - '0');
  return TicketLabel{letter, number};
}

std::string_view to_string(TicketEventKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

Result<TicketEventKind> parse_ticket_event_kind(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<TicketEventKind>(i);
  }
  return Status(ErrorCode::Invalid, "unknown kind " + cj::in_quotes(text) +
                                        " (the ticket event kinds are: " + list_names(kKindNames) +
                                        ")");
}

// [SECTION] Checks

bool fact_order_less(const TicketEvent& a, const TicketEvent& b) {
  return std::tie(a.hlc, a.origin, a.id) < std::tie(b.hlc, b.origin, b.id);
}

Status validate(const TicketEvent& e) {
  if (e.id.is_nil()) return invalid(e, "the event id is the nil UUID");
  if (e.ticket.is_nil()) return invalid(e, "the ticket id is the nil UUID");
  if (e.hlc.wall_ms < 0 || e.hlc.wall_ms > HlcTimestamp::kMaxWallMs ||
      e.hlc.logical > HlcTimestamp::kMaxLogical) {
    return invalid(e, "the HLC " + e.hlc.to_string() + " is out of range");
  }
  if (e.wall_ms < 0) return invalid(e, "wall_ms must not be negative");
  if (!is_id_text(e.origin, kMaxIdChars)) {
    return invalid(e, "origin " + cj::in_quotes(e.origin) +
                          " must be 1-64 letters, digits, '_', '-', '.' or ':'");
  }
  if (!e.staff.empty() && !is_staff_no(e.staff)) {
    return invalid(e, "staff number " + cj::in_quotes(e.staff) +
                          " must be 1-32 ASCII letters, digits, '-' or '_'");
  }
  if (e.window < 0 || (e.kind() != TicketEventKind::Taken && e.window < 1)) {
    return invalid(
        e, "window must be 1 or more (the window acting), found " + std::to_string(e.window));
  }
  if (const auto* t = std::get_if<TicketTaken>(&e.body)) {
    if (e.ticket != e.id) return invalid(e, "a ticket's id must be the id of its taken event");
    if (t->line < 1 || t->line > 10) {
      return invalid(e, "line must be 1-10, found " + std::to_string(t->line));
    }
    if (t->prefix < 'A' || t->prefix > 'Z') return invalid(e, "prefix must be a letter A-Z");
    if (t->number < 1 || t->number > kMaxTicketNumber) {
      return invalid(e, "number must be 1-9999, found " + std::to_string(t->number));
    }
    if (!t->service_item.empty() && !is_id_text(t->service_item, kMaxIdChars)) {
      return invalid(e, "service item " + cj::in_quotes(t->service_item) + " is not a catalog id");
    }
    std::optional<std::size_t> reason_chars = text_chars(t->reason);
    if (!reason_chars || *reason_chars > kMaxReasonChars) {
      return invalid(e, "the priority reason must be plain text of at most 200 characters");
    }
    const bool check_in = t->priority == Priority::AppointmentCheckIn;
    if (check_in && !t->booking) {
      return invalid(e, "an appointment check-in ticket must name its booking");
    }
    if (!check_in && t->booking) {
      return invalid(e, "only an appointment check-in ticket names a booking (priority is " +
                            std::string(to_string(t->priority)) + ")");
    }
    if (t->booking && t->booking->is_nil()) return invalid(e, "the booking id is the nil UUID");
  } else if (const auto* c = std::get_if<TicketCalled>(&e.body)) {
    if (c->lines.empty()) return invalid(e, "lines (the lines the window serves) is empty");
    std::set<int> seen;
    for (int l : c->lines) {
      if (l < 1 || l > 10) return invalid(e, "lines must be 1-10, found " + std::to_string(l));
      if (!seen.insert(l).second) return invalid(e, "line " + std::to_string(l) + " is repeated");
    }
  } else if (const auto* x = std::get_if<TicketTransferred>(&e.body)) {
    if (!x->to_line && !x->to_window) return invalid(e, "a transfer names a line or a window");
    if (x->to_line && (*x->to_line < 1 || *x->to_line > 10)) {
      return invalid(e, "to_line must be 1-10, found " + std::to_string(*x->to_line));
    }
    if (x->to_window && *x->to_window < 1) {
      return invalid(e, "to_window must be 1 or more, found " + std::to_string(*x->to_window));
    }
  }
  return Status::ok();
}

// [SECTION] JSON

json to_json(const TicketEvent& e) {
  json j = {{"kind", to_string(e.kind())},    {"id", e.id.to_string()},
            {"ticket", e.ticket.to_string()}, {"hlc", static_cast<std::int64_t>(e.hlc.pack())},
            {"wall_ms", e.wall_ms},           {"origin", e.origin}};
  if (e.window != 0) j["window"] = e.window;
  if (!e.staff.empty()) j["staff"] = e.staff;
  if (const auto* t = std::get_if<TicketTaken>(&e.body)) {
    j["line"] = t->line;
    j["prefix"] = std::string(1, t->prefix);
    j["number"] = t->number;
    if (!t->service_item.empty()) j["service_item"] = t->service_item;
    j["priority"] = to_string(t->priority);
    if (!t->reason.empty()) j["reason"] = t->reason;
    if (t->booking) j["booking"] = t->booking->to_string();
  } else if (const auto* c = std::get_if<TicketCalled>(&e.body)) {
    j["lines"] = c->lines;
  } else if (const auto* x = std::get_if<TicketTransferred>(&e.body)) {
    if (x->to_line) j["to_line"] = *x->to_line;
    if (x->to_window) j["to_window"] = *x->to_window;
  }
  return j;
}

Result<TicketEvent> ticket_event_from_json(const json& j, std::string_view source) {
  TicketEvent e;
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

Result<TicketEvent> parse_ticket_event(std::string_view json_text, std::string_view source) {
  WEIMIN_ASSIGN_OR_RETURN(json j, cj::parse_strict(json_text, source));
  return ticket_event_from_json(j, source);
}

}  // namespace weimin::core
