// Neighbour services and home elderly care: validation, fact bodies and folds (neighbour.hpp).
#include "weimin/core/neighbour.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "catalog_json_reader.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/evaluation.hpp"

namespace weimin::core {

namespace {

using json = nlohmann::json;
namespace cj = catalog_json;

constexpr std::array<std::string_view, 6> kHelpNames = {"childcare", "education", "health",
                                                        "elderly",   "hardship",  "micro_wish"};
constexpr std::array<std::string_view, 5> kWishKinds = {
    "wish.posted", "wish.claimed", "wish.fulfilled", "wish.confirmed", "wish.withdrawn"};
constexpr std::array<std::string_view, 6> kWishStages = {"none",      "open",      "claimed",
                                                         "fulfilled", "confirmed", "withdrawn"};
constexpr std::array<std::string_view, 2> kClaimants = {"volunteer", "staff"};
constexpr std::array<std::string_view, 4> kCareKinds = {"care.listed", "care.unlisted",
                                                        "care.visit_logged", "care.call_logged"};
constexpr std::array<std::string_view, 3> kOutcomes = {"well", "needs_help", "not_reached"};

template <class E, std::size_t N>
Result<E> parse_name(std::string_view text, const std::array<std::string_view, N>& names,
                     std::string_view what) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  std::string list;
  for (std::string_view n : names) list += (list.empty() ? "" : ", ") + std::string(n);
  return Status(ErrorCode::Invalid, "unknown " + std::string(what) + " " + cj::in_quotes(text) +
                                        "; use one of " + list);
}

bool is_id_text(std::string_view s, std::size_t max, std::string_view extra) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

// Ok when `text` is already trimmed plain text of at most kMaxWishTextChars characters.
Status check_text(std::string_view what, const std::string& text) {
  Result<std::string> normal = normalize_comment(text);
  if (!normal)
    return Status(ErrorCode::Invalid, std::string(what) + ": " + normal.status().message());
  if (*normal != text) {
    return Status(ErrorCode::Invalid, std::string(what) + " has white space at its ends; trim it");
  }
  std::size_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars > kMaxWishTextChars) {
    return Status(ErrorCode::Invalid, std::string(what) + " is " + std::to_string(chars) +
                                          " characters long; at most " +
                                          std::to_string(kMaxWishTextChars) + " — shorten it");
  }
  return Status::ok();
}

Status check_envelope(std::string_view what, const Uuid& id, const Uuid& subject,
                      const HlcTimestamp& hlc, const std::string& origin, std::int64_t wall_ms,
                      const std::string& actor) {
  const std::string w(what);
  if (id.is_nil()) return Status(ErrorCode::Invalid, w + ": the id is the nil UUID");
  if (subject.is_nil()) return Status(ErrorCode::Invalid, w + ": the subject is the nil UUID");
  if (hlc.wall_ms < 0 || hlc.wall_ms > HlcTimestamp::kMaxWallMs ||
      hlc.logical > HlcTimestamp::kMaxLogical) {
    return Status(ErrorCode::Invalid, w + ": the HLC " + hlc.to_string() + " is out of range");
  }
  if (wall_ms < 0) return Status(ErrorCode::Invalid, w + ": wall_ms must not be negative");
  if (!is_id_text(origin, 64, "_-.:")) {
    return Status(ErrorCode::Invalid, w + ": origin " + cj::in_quotes(origin) +
                                          " must be 1-64 letters, digits, '_', '-', '.' or ':'");
  }
  if (!is_id_text(actor, 32, "_-")) {
    return Status(ErrorCode::Invalid, w + ": actor " + cj::in_quotes(actor) +
                                          " must be a staff number or \"resident\"");
  }
  return Status::ok();
}

Status check_ref(std::string_view what, const std::string& ref) {
  if (ref.empty()) return Status::ok();
  if (!ref.starts_with("contact:") || !Uuid::parse(ref.substr(8))) {
    return Status(ErrorCode::Invalid, std::string(what) +
                                          ": resident_ref must be \"contact:<uuid>\", found " +
                                          cj::in_quotes(ref));
  }
  return Status::ok();
}

Status check_masked_phone(std::string_view what, const std::string& phone) {
  if (phone.empty()) return Status::ok();
  const bool ok = phone.size() == 11 && phone.substr(3, 4) == "****" &&
                  std::all_of(phone.begin(), phone.begin() + 3, ::isdigit) &&
                  std::all_of(phone.begin() + 7, phone.end(), ::isdigit);
  if (!ok) {
    return Status(ErrorCode::Invalid,
                  std::string(what) + ": phone_masked must be masked like 139****5678");
  }
  return Status::ok();
}

std::string opt_string(const cj::Obj& o, std::string_view key) {
  const json* v = o.opt(key);
  if (!v) return {};
  if (!v->is_string()) cj::wrong_type(*v, o.at(key), "a string");
  return v->get<std::string>();
}

template <class E>
bool order_less(const E& a, const E& b) {
  return std::tie(a.hlc, a.origin, a.id) < std::tie(b.hlc, b.origin, b.id);
}

// Events sorted in fact order, one per id (for a repeated id the body that sorts first by its
// JSON text is kept, so even a forged duplicate cannot make the fold order-dependent).
template <class E, class Body>
std::vector<E> distinct_sorted(std::span<const E> events, Body body) {
  std::vector<E> sorted(events.begin(), events.end());
  std::sort(sorted.begin(), sorted.end(), [&](const E& a, const E& b) {
    if (order_less(a, b)) return true;
    if (order_less(b, a)) return false;
    return body(a).dump() < body(b).dump();
  });
  std::vector<E> out;
  std::set<Uuid> seen;
  for (E& e : sorted) {
    if (seen.insert(e.id).second) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

// [SECTION] Names

std::string_view to_string(HelpKind kind) {
  return kHelpNames[static_cast<std::size_t>(kind)];
}
Result<HelpKind> parse_help_kind(std::string_view text) {
  return parse_name<HelpKind>(text, kHelpNames, "kind of help");
}
std::string_view to_string(WishEventKind kind) {
  return kWishKinds[static_cast<std::size_t>(kind)];
}
Result<WishEventKind> parse_wish_event_kind(std::string_view kind) {
  return parse_name<WishEventKind>(kind, kWishKinds, "wish fact kind");
}
std::string_view to_string(Claimant c) {
  return kClaimants[static_cast<std::size_t>(c)];
}
Result<Claimant> parse_claimant(std::string_view text) {
  return parse_name<Claimant>(text, kClaimants, "claimant");
}
std::string_view to_string(WishStage stage) {
  return kWishStages[static_cast<std::size_t>(stage)];
}
std::string_view to_string(CareEventKind kind) {
  return kCareKinds[static_cast<std::size_t>(kind)];
}
Result<CareEventKind> parse_care_event_kind(std::string_view kind) {
  return parse_name<CareEventKind>(kind, kCareKinds, "care fact kind");
}
std::string_view to_string(CareOutcome o) {
  return kOutcomes[static_cast<std::size_t>(o)];
}
Result<CareOutcome> parse_care_outcome(std::string_view text) {
  return parse_name<CareOutcome>(text, kOutcomes, "outcome");
}

// [SECTION] Wishes

Status validate(const WishEvent& e) {
  const std::string what = std::string(to_string(e.kind)) + " " + e.id.to_string();
  WEIMIN_TRY(check_envelope(what, e.id, e.wish, e.hlc, e.origin, e.wall_ms, e.actor));
  WEIMIN_TRY(check_text(what + ": the text", e.text));
  switch (e.kind) {
    case WishEventKind::Posted:
      if (e.text.empty()) {
        return Status(ErrorCode::Invalid, what + ": the wish is empty; say what help is wanted");
      }
      if (e.id != e.wish) {
        return Status(ErrorCode::Invalid, what + ": a wish is named by its wish.posted fact's id");
      }
      WEIMIN_TRY(check_ref(what, e.resident_ref));
      WEIMIN_TRY(check_masked_phone(what, e.phone_masked));
      break;
    case WishEventKind::Claimed:
      if (e.name.empty()) {
        return Status(ErrorCode::Invalid, what + ": a claim names the volunteer or staff member");
      }
      WEIMIN_TRY(check_text(what + ": the name", e.name));
      WEIMIN_TRY(check_masked_phone(what, e.phone_masked));
      break;
    default:
      break;
  }
  return Status::ok();
}

json wish_event_body(const WishEvent& e) {
  json j = {{"actor", e.actor}};
  switch (e.kind) {
    case WishEventKind::Posted:
      j["help"] = to_string(e.help);
      j["text"] = e.text;
      if (!e.resident_ref.empty()) j["resident_ref"] = e.resident_ref;
      if (!e.phone_masked.empty()) j["phone_masked"] = e.phone_masked;
      break;
    case WishEventKind::Claimed:
      j["claimant"] = to_string(e.claimant);
      j["name"] = e.name;
      if (!e.phone_masked.empty()) j["phone_masked"] = e.phone_masked;
      break;
    case WishEventKind::Fulfilled:
      if (!e.text.empty()) j["note"] = e.text;
      break;
    case WishEventKind::Confirmed:
      j["by_resident"] = e.by_resident;
      if (!e.text.empty()) j["note"] = e.text;
      break;
    case WishEventKind::Withdrawn:
      if (!e.text.empty()) j["reason"] = e.text;
      break;
  }
  return j;
}

Result<WishEvent> wish_event_from_body(const Uuid& id, const Uuid& wish, HlcTimestamp hlc,
                                       std::string origin, std::int64_t wall_ms,
                                       std::string_view kind, const json& body) {
  WEIMIN_ASSIGN_OR_RETURN(WishEventKind k, parse_wish_event_kind(kind));
  WishEvent e;
  e.id = id;
  e.wish = wish;
  e.hlc = hlc;
  e.origin = std::move(origin);
  e.wall_ms = wall_ms;
  e.kind = k;
  try {
    switch (k) {
      case WishEventKind::Posted: {
        cj::Obj o(body, "", {"actor", "help", "text", "resident_ref", "phone_masked"});
        e.actor = cj::read_string(o.req("actor"), o.at("actor"));
        Result<HelpKind> help = parse_help_kind(cj::read_string(o.req("help"), o.at("help")));
        if (!help) cj::fail(o.at("help"), help.status().message());
        e.help = *help;
        e.text = cj::read_string(o.req("text"), o.at("text"));
        e.resident_ref = opt_string(o, "resident_ref");
        e.phone_masked = opt_string(o, "phone_masked");
        break;
      }
      case WishEventKind::Claimed: {
        cj::Obj o(body, "", {"actor", "claimant", "name", "phone_masked"});
        e.actor = cj::read_string(o.req("actor"), o.at("actor"));
        Result<Claimant> c = parse_claimant(cj::read_string(o.req("claimant"), o.at("claimant")));
        if (!c) cj::fail(o.at("claimant"), c.status().message());
        e.claimant = *c;
        e.name = cj::read_string(o.req("name"), o.at("name"));
        e.phone_masked = opt_string(o, "phone_masked");
        break;
      }
      case WishEventKind::Fulfilled: {
        cj::Obj o(body, "", {"actor", "note"});
        e.actor = cj::read_string(o.req("actor"), o.at("actor"));
        e.text = opt_string(o, "note");
        break;
      }
      case WishEventKind::Confirmed: {
        cj::Obj o(body, "", {"actor", "by_resident", "note"});
        e.actor = cj::read_string(o.req("actor"), o.at("actor"));
        e.by_resident = cj::read_bool(o.req("by_resident"), o.at("by_resident"));
        e.text = opt_string(o, "note");
        break;
      }
      case WishEventKind::Withdrawn: {
        cj::Obj o(body, "", {"actor", "reason"});
        e.actor = cj::read_string(o.req("actor"), o.at("actor"));
        e.text = opt_string(o, "reason");
        break;
      }
    }
  } catch (const cj::CatalogError& error) {
    return Status(error.code, std::string(kind) + " " + id.to_string() + ": " +
                                  (error.path.empty() ? "/" : error.path) + ": " + error.what);
  }
  WEIMIN_TRY(validate(e));
  return e;
}

bool fact_order_less(const WishEvent& a, const WishEvent& b) {
  return order_less(a, b);
}

Status check_wish_step(const Wish& w, const WishEvent& e) {
  auto conflict = [](std::string why) { return Status(ErrorCode::Conflict, std::move(why)); };
  if (e.kind == WishEventKind::Posted) {
    if (w.stage != WishStage::None) return conflict("this wish was posted already");
    return Status::ok();
  }
  switch (w.stage) {
    case WishStage::None:
      return conflict("there is no such wish; check the wish number on the board");
    case WishStage::Withdrawn:
      return conflict("this wish was withdrawn; nothing more can be done with it");
    case WishStage::Confirmed:
      return conflict("this wish was fulfilled and confirmed already; it is closed");
    default:
      break;
  }
  switch (e.kind) {
    case WishEventKind::Claimed:
      if (w.stage == WishStage::Claimed) {
        return conflict("this wish was claimed already by " + (w.claim ? w.claim->name : "") +
                        "; choose another open wish");
      }
      if (w.stage == WishStage::Fulfilled) {
        return conflict("this wish was fulfilled already; nothing is left to claim");
      }
      return Status::ok();
    case WishEventKind::Fulfilled:
      if (w.stage == WishStage::Open) {
        return conflict("nobody has claimed this wish yet; claim it first, then mark it fulfilled");
      }
      if (w.stage == WishStage::Fulfilled) return conflict("this wish was fulfilled already");
      return Status::ok();
    case WishEventKind::Confirmed:
      if (w.stage != WishStage::Fulfilled) {
        return conflict("this wish has not been fulfilled yet; confirm it after the help is given");
      }
      return Status::ok();
    case WishEventKind::Withdrawn:
      if (w.stage == WishStage::Fulfilled) {
        return conflict("this wish was fulfilled already; confirm it instead of withdrawing it");
      }
      return Status::ok();
    default:
      return Status::ok();
  }
}

Wish fold_wish(const Uuid& id, std::span<const WishEvent> events) {
  std::vector<WishEvent> mine;
  for (const WishEvent& e : events) {
    if (e.wish == id) mine.push_back(e);
  }
  Wish w;
  w.id = id;
  w.events = distinct_sorted<WishEvent>(mine, wish_event_body);
  for (const WishEvent& e : w.events) {
    if (Status s = check_wish_step(w, e); !s) {
      w.conflicts.push_back({e, s.message()});
      continue;
    }
    switch (e.kind) {
      case WishEventKind::Posted:
        w.stage = WishStage::Open;
        w.help = e.help;
        w.text = e.text;
        w.resident_ref = e.resident_ref;
        w.phone_masked = e.phone_masked;
        w.origin = e.origin;
        w.posted_ms = e.wall_ms;
        break;
      case WishEventKind::Claimed:
        w.stage = WishStage::Claimed;
        w.claim = e;
        break;
      case WishEventKind::Fulfilled:
        w.stage = WishStage::Fulfilled;
        w.fulfilled = e;
        break;
      case WishEventKind::Confirmed:
        w.stage = WishStage::Confirmed;
        w.confirmed = e;
        break;
      case WishEventKind::Withdrawn:
        w.stage = WishStage::Withdrawn;
        w.withdrawn = e;
        break;
    }
  }
  return w;
}

std::map<HelpKind, WishCounts> wish_figures(std::span<const Wish> wishes) {
  std::map<HelpKind, WishCounts> out;
  for (const Wish& w : wishes) {
    if (w.stage == WishStage::None) continue;
    WishCounts& c = out[w.help];
    ++c.posted;
    c.claimed += w.claim.has_value();
    c.fulfilled += w.fulfilled.has_value();
    c.confirmed += w.confirmed.has_value();
    c.withdrawn += w.stage == WishStage::Withdrawn;
    c.open += w.stage == WishStage::Open;
  }
  return out;
}

// [SECTION] Home elderly care

Status validate(const CareEvent& e) {
  const std::string what = std::string(to_string(e.kind)) + " " + e.id.to_string();
  WEIMIN_TRY(check_envelope(what, e.id, e.person, e.hlc, e.origin, e.wall_ms, e.actor));
  WEIMIN_TRY(check_text(what + ": the note", e.text));
  WEIMIN_TRY(check_text(what + ": the name", e.name));
  WEIMIN_TRY(check_text(what + ": the address", e.address));
  WEIMIN_TRY(check_text(what + ": who visited", e.by));
  if (e.kind == CareEventKind::Listed) {
    if (e.name.empty()) {
      return Status(ErrorCode::Invalid, what + ": say how the resident is called (e.g. 张奶奶)");
    }
    WEIMIN_TRY(check_ref(what, e.resident_ref));
    WEIMIN_TRY(check_masked_phone(what, e.phone_masked));
  }
  if (e.case_id && e.case_id->is_nil()) {
    return Status(ErrorCode::Invalid, what + ": the case is the nil UUID");
  }
  return Status::ok();
}

json care_event_body(const CareEvent& e) {
  json j = {{"actor", e.actor}};
  switch (e.kind) {
    case CareEventKind::Listed:
      j["name"] = e.name;
      if (!e.address.empty()) j["address"] = e.address;
      if (!e.phone_masked.empty()) j["phone_masked"] = e.phone_masked;
      if (!e.resident_ref.empty()) j["resident_ref"] = e.resident_ref;
      if (!e.text.empty()) j["note"] = e.text;
      break;
    case CareEventKind::Unlisted:
      if (!e.text.empty()) j["reason"] = e.text;
      break;
    case CareEventKind::Visit:
    case CareEventKind::Call:
      j["outcome"] = to_string(e.outcome);
      if (!e.by.empty()) j["by"] = e.by;
      if (!e.text.empty()) j["note"] = e.text;
      if (e.case_id) j["case"] = e.case_id->to_string();
      break;
  }
  return j;
}

Result<CareEvent> care_event_from_body(const Uuid& id, const Uuid& person, HlcTimestamp hlc,
                                       std::string origin, std::int64_t wall_ms,
                                       std::string_view kind, const json& body) {
  WEIMIN_ASSIGN_OR_RETURN(CareEventKind k, parse_care_event_kind(kind));
  CareEvent e;
  e.id = id;
  e.person = person;
  e.hlc = hlc;
  e.origin = std::move(origin);
  e.wall_ms = wall_ms;
  e.kind = k;
  try {
    switch (k) {
      case CareEventKind::Listed: {
        cj::Obj o(body, "", {"actor", "name", "address", "phone_masked", "resident_ref", "note"});
        e.actor = cj::read_string(o.req("actor"), o.at("actor"));
        e.name = cj::read_string(o.req("name"), o.at("name"));
        e.address = opt_string(o, "address");
        e.phone_masked = opt_string(o, "phone_masked");
        e.resident_ref = opt_string(o, "resident_ref");
        e.text = opt_string(o, "note");
        break;
      }
      case CareEventKind::Unlisted: {
        cj::Obj o(body, "", {"actor", "reason"});
        e.actor = cj::read_string(o.req("actor"), o.at("actor"));
        e.text = opt_string(o, "reason");
        break;
      }
      case CareEventKind::Visit:
      case CareEventKind::Call: {
        cj::Obj o(body, "", {"actor", "outcome", "by", "note", "case"});
        e.actor = cj::read_string(o.req("actor"), o.at("actor"));
        Result<CareOutcome> out =
            parse_care_outcome(cj::read_string(o.req("outcome"), o.at("outcome")));
        if (!out) cj::fail(o.at("outcome"), out.status().message());
        e.outcome = *out;
        e.by = opt_string(o, "by");
        e.text = opt_string(o, "note");
        if (const json* c = o.opt("case")) {
          std::optional<Uuid> cid = Uuid::parse(cj::read_string(*c, o.at("case")));
          if (!cid) cj::fail(o.at("case"), "expected a case's UUID");
          e.case_id = *cid;
        }
        break;
      }
    }
  } catch (const cj::CatalogError& error) {
    return Status(error.code, std::string(kind) + " " + id.to_string() + ": " +
                                  (error.path.empty() ? "/" : error.path) + ": " + error.what);
  }
  WEIMIN_TRY(validate(e));
  return e;
}

bool fact_order_less(const CareEvent& a, const CareEvent& b) {
  return order_less(a, b);
}

CareRecord fold_care(const Uuid& person, std::span<const CareEvent> events) {
  std::vector<CareEvent> mine;
  for (const CareEvent& e : events) {
    if (e.person == person) mine.push_back(e);
  }
  CareRecord r;
  r.person = person;
  r.events = distinct_sorted<CareEvent>(mine, care_event_body);
  for (const CareEvent& e : r.events) {
    switch (e.kind) {
      case CareEventKind::Listed:
        r.listed = true;
        r.name = e.name;
        r.address = e.address;
        r.phone_masked = e.phone_masked;
        r.resident_ref = e.resident_ref;
        r.listed_ms = e.wall_ms;
        break;
      case CareEventKind::Unlisted:
        r.listed = false;
        break;
      case CareEventKind::Visit:
        r.logs.push_back(e);
        r.last_visit_ms = std::max(r.last_visit_ms.value_or(e.wall_ms), e.wall_ms);
        break;
      case CareEventKind::Call:
        r.logs.push_back(e);
        r.last_call_ms = std::max(r.last_call_ms.value_or(e.wall_ms), e.wall_ms);
        break;
    }
  }
  return r;
}

bool visit_due(const CareRecord& record, std::string_view month) {
  if (!record.listed) return false;
  for (const CareEvent& e : record.logs) {
    if (e.kind == CareEventKind::Visit && local_date(e.wall_ms).to_string().starts_with(month)) {
      return false;
    }
  }
  return true;
}

CareCounts care_figures(std::span<const CareRecord> records) {
  CareCounts c;
  for (const CareRecord& r : records) {
    for (const CareEvent& e : r.logs) {
      ++(e.kind == CareEventKind::Visit ? c.visits : c.calls)[e.outcome];
    }
  }
  return c;
}

}  // namespace weimin::core
