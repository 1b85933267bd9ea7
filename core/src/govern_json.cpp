// The shared envelope and strict readers of the consultation and work-access registers.
#include "govern_json.hpp"

namespace weimin::core::govern_json {

std::optional<std::size_t> text_chars(std::string_view s) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80           ? 1
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
    const bool control = (cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r') || cp == 0x7F;
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || control) {
      return std::nullopt;
    }
    i += len;
  }
  return chars;
}

bool is_plain_text(std::string_view s, std::size_t max_chars, bool may_be_empty) {
  const std::optional<std::size_t> n = text_chars(s);
  return n && *n <= max_chars && (may_be_empty || *n > 0);
}

bool is_id_text(std::string_view s, std::size_t max, std::string_view extra) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

void refuse_unknown(const json& j, const std::vector<std::string_view>& known,
                    std::string_view kind) {
  if (!j.is_object()) cj::wrong_type(j, "", "an object");
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    cj::fail(cj::child("", key), "unknown field " + cj::in_quotes(key) + " for " +
                                     std::string(kind) + " (the fields are: " + list + ")");
  }
}

namespace {
const json& req(const json& j, std::string_view key) {
  const auto it = j.find(key);
  if (it == j.end()) cj::fail("", "missing required field " + cj::in_quotes(key));
  return *it;
}
}  // namespace

Uuid read_uuid(const json& j, const std::string& path) {
  const std::string text = cj::read_string(j, path);
  const std::optional<Uuid> id = Uuid::parse(text);
  if (!id) cj::fail(path, "expected a UUID in canonical form, found " + cj::in_quotes(text));
  if (id->is_nil()) cj::fail(path, "the nil UUID names nothing");
  return *id;
}

std::string str(const json& j, std::string_view key) {
  return cj::read_string(req(j, key), cj::child("", key));
}

std::string opt_str(const json& j, std::string_view key) {
  return j.contains(key) ? str(j, key) : std::string();
}

std::optional<Uuid> opt_uuid(const json& j, std::string_view key) {
  if (!j.contains(key)) return std::nullopt;
  return read_uuid(req(j, key), cj::child("", key));
}

CivilDate date(const json& j, std::string_view key) {
  const std::string text = str(j, key);
  Result<CivilDate> d = CivilDate::parse(text);
  if (!d) cj::fail(cj::child("", key), d.status().message());
  return *d;
}

int integer(const json& j, std::string_view key, int lo, int hi) {
  return cj::read_int(req(j, key), cj::child("", key), lo, hi);
}

bool opt_bool(const json& j, std::string_view key) {
  return j.contains(key) && cj::read_bool(req(j, key), cj::child("", key));
}

Envelope read_envelope(const json& j, std::string_view subject_key) {
  Envelope e;
  e.id = read_uuid(req(j, "id"), "/id");
  e.subject = read_uuid(req(j, subject_key), cj::child("", subject_key));
  const std::int64_t hlc = cj::read_int64(req(j, "hlc"), "/hlc");
  if (hlc < 0) cj::fail("/hlc", "a packed HLC is never negative, found " + std::to_string(hlc));
  e.hlc = HlcTimestamp::unpack(static_cast<std::uint64_t>(hlc));
  e.wall_ms = cj::read_int64(req(j, "wall_ms"), "/wall_ms");
  e.origin = str(j, "origin");
  e.staff = opt_str(j, "staff");
  return e;
}

void write_envelope(json& j, std::string_view kind, const Envelope& e,
                    std::string_view subject_key) {
  j["kind"] = kind;
  j["id"] = e.id.to_string();
  j[std::string(subject_key)] = e.subject.to_string();
  j["hlc"] = static_cast<std::int64_t>(e.hlc.pack());
  j["wall_ms"] = e.wall_ms;
  j["origin"] = e.origin;
  if (!e.staff.empty()) j["staff"] = e.staff;
}

std::string check_envelope(const Envelope& e, bool staff_required) {
  if (e.id.is_nil() || e.subject.is_nil()) return "an id is the nil UUID";
  if (e.hlc.wall_ms < 0 || e.hlc.wall_ms > HlcTimestamp::kMaxWallMs ||
      e.hlc.logical > HlcTimestamp::kMaxLogical) {
    return "the HLC " + e.hlc.to_string() + " is out of range";
  }
  if (e.wall_ms < 0) return "wall_ms must not be negative";
  if (!is_id_text(e.origin, 64, "_-.:")) {
    return "origin " + cj::in_quotes(e.origin) +
           " must be 1-64 letters, digits, '_', '-', '.' or ':'";
  }
  if (staff_required && e.staff.empty()) return "the staff number is missing";
  if (!e.staff.empty() && !is_id_text(e.staff, 32, "_-")) {
    return "staff number " + cj::in_quotes(e.staff) +
           " must be 1-32 ASCII letters, digits, '-' or '_'";
  }
  return {};
}

}  // namespace weimin::core::govern_json
