// Case events as JSON, and the stable names of the case enums. Untrusted input is read field by
// field: unknown fields, missing fields and wrong types are refused with a message naming them.
//
// Body fields per kind (besides "actor", "actor_role" and the optional "on_behalf_of"):
//   case.collected         source, channel, description, resident_ref (optional),
//                          where (optional object: grid, place, address, lat_e6 and lon_e6,
//                          each optional, the two coordinates together or neither)
//   case.resolved_locally  summary
//   case.whistled          level, whistle_kind, departments (array), note (optional)
//   case.reported          note (optional), expected_ms (optional, Unix ms; left out when 0)
//   case.feedback          action
//   case.verified          outcome
//   case.closed            summary (optional)
//   case.evaluated         rating, comment (optional)
//   case.reopened          reason
//   case.note              text
//   case.conflict_settled  event, decision, reason
//   case.returned          reason
//   case.escalated         departments (array, may be empty), note (optional)
//   case.sent_back         reason
//   case.visited           outcome
#include <array>
#include <climits>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <span>

#include "weimin/core/case.hpp"

namespace weimin::core {
namespace {

using json = nlohmann::json;

template <class E, std::size_t N>
Result<E> parse_name(std::string_view text, const std::array<std::string_view, N>& names,
                     std::string_view what) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  std::string list;
  for (std::string_view n : names) list += (list.empty() ? "" : ", ") + std::string(n);
  return Status(ErrorCode::Invalid, "unknown " + std::string(what) + " \"" + std::string(text) +
                                        "\"; use one of " + list);
}

constexpr std::array<std::string_view, 3> kChannels = {"kiosk", "window", "grid_round"};
constexpr std::array<std::string_view, 3> kRatings = {"satisfied", "basically_satisfied",
                                                      "dissatisfied"};
constexpr std::array<std::string_view, 2> kDecisions = {"accept", "dismiss"};
constexpr std::array<std::string_view, 15> kKinds = {
    "case.collected", "case.resolved_locally", "case.whistled",
    "case.reported",  "case.feedback",         "case.verified",
    "case.closed",    "case.evaluated",        "case.reopened",
    "case.note",      "case.conflict_settled", "case.returned",
    "case.escalated", "case.sent_back",        "case.visited"};
constexpr std::array<std::string_view, 11> kStages = {
    "none",     "collected", "resolved",  "whistled", "reported", "feedback",
    "verified", "closed",    "evaluated", "reopened", "returned"};

// [SECTION] Reading untrusted JSON

// Thrown inside this file only; the public functions turn it into a Status.
struct BadInput {
  std::string what;
};

[[noreturn]] void bad(std::string what) {
  throw BadInput{std::move(what)};
}

// An object whose fields are read by name; fields not in `known` are refused.
class Fields {
 public:
  Fields(const json& j, std::string where, std::span<const std::string_view> known)
      : j_(j), where_(std::move(where)) {
    if (!j.is_object()) bad(where_ + " must be a JSON object, got " + describe(j));
    for (const auto& [key, value] : j.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string list;
        for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        bad(where_ + ": unknown field \"" + key + "\" (expected: " + list + ")");
      }
    }
  }

  const json& req(std::string_view key) const {
    const auto it = j_.find(key);
    if (it == j_.end()) bad(where_ + ": field \"" + std::string(key) + "\" is missing");
    return *it;
  }
  bool has(std::string_view key) const { return j_.contains(key); }

  std::string str(std::string_view key) const { return as_string(req(key), key); }
  std::string opt_str(std::string_view key) const {
    return has(key) ? as_string(req(key), key) : std::string();
  }
  Uuid uuid(std::string_view key) const {
    const std::string text = str(key);
    const auto id = Uuid::parse(text);
    if (!id) bad(where_ + ": field \"" + std::string(key) + "\" is not a UUID: \"" + text + "\"");
    return *id;
  }
  // A non-negative integer below 2^63.
  std::int64_t count(std::string_view key) const {
    const json& v = req(key);
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(u);
    } else if (v.is_number_integer() && v.get<std::int64_t>() >= 0) {
      return v.get<std::int64_t>();
    }
    bad(where_ + ": field \"" + std::string(key) +
        "\" must be a non-negative integer below 2^63, got " + describe(v));
  }
  std::int64_t opt_count(std::string_view key) const { return has(key) ? count(key) : 0; }
  // An integer that fits 32 bits (range checks are validate_case_event's).
  std::int32_t int32(std::string_view key) const {
    const json& v = req(key);
    if (v.is_number_integer() && !v.is_number_float()) {
      if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT32_MAX))
          return static_cast<std::int32_t>(v.get<std::uint64_t>());
      } else {
        const auto i = v.get<std::int64_t>();
        if (i >= INT32_MIN && i <= INT32_MAX) return static_cast<std::int32_t>(i);
      }
    }
    bad(where_ + ": field \"" + std::string(key) + "\" must be an integer (micro-degrees), got " +
        describe(v));
  }
  const std::string& where() const { return where_; }
  template <class E>
  E name(std::string_view key, Result<E> (*parse)(std::string_view)) const {
    Result<E> r = parse(str(key));
    if (!r) bad(where_ + ": field \"" + std::string(key) + "\": " + r.status().message());
    return *r;
  }
  std::vector<std::string> strings(std::string_view key) const {
    const json& v = req(key);
    if (!v.is_array()) {
      bad(where_ + ": field \"" + std::string(key) + "\" must be an array, got " + describe(v));
    }
    std::vector<std::string> out;
    for (const json& s : v) out.push_back(as_string(s, key));
    return out;
  }

 private:
  static std::string describe(const json& v) {
    // Appended piece by piece: GCC 12 at -O3 flags `" " + v.dump()` inside a conditional as a
    // possibly overlapping memcpy (-Werror=restrict, a false positive, GCC bug 105329).
    std::string out = v.type_name();
    if (v.is_primitive()) {
      out += ' ';
      out += v.dump();
    }
    return out;
  }
  std::string as_string(const json& v, std::string_view key) const {
    if (!v.is_string()) {
      bad(where_ + ": field \"" + std::string(key) + "\" must be a string, got " + describe(v));
    }
    return v.get<std::string>();
  }

  const json& j_;
  std::string where_;
};

constexpr std::string_view kWhereFields[] = {"grid", "place", "address", "lat_e6", "lon_e6"};

CaseWhere read_where(const Fields& body) {
  if (!body.has("where")) return {};
  const Fields f(body.req("where"), body.where() + ": where", kWhereFields);
  CaseWhere w{f.opt_str("grid"), f.opt_str("place"), f.opt_str("address"), std::nullopt};
  if (f.has("lat_e6") != f.has("lon_e6")) {
    bad(body.where() + ": where gives " + (f.has("lat_e6") ? "lat_e6" : "lon_e6") +
        " alone; give both coordinates or neither");
  }
  if (f.has("lat_e6")) w.point = GeoPoint{f.int32("lat_e6"), f.int32("lon_e6")};
  return w;
}

CasePayload read_payload(CaseEventKind kind, const Fields& f) {
  switch (kind) {
    case CaseEventKind::Collected:
      return CaseCollected{f.str("source"), f.name<CaseChannel>("channel", parse_case_channel),
                           f.str("description"), f.opt_str("resident_ref"), read_where(f)};
    case CaseEventKind::ResolvedLocally:
      return CaseResolved{f.str("summary")};
    case CaseEventKind::Whistled:
      return CaseWhistled{f.name<WhistleLevel>("level", parse_whistle_level),
                          f.name<WhistleKind>("whistle_kind", parse_whistle_kind),
                          f.strings("departments"), f.opt_str("note")};
    case CaseEventKind::Reported:
      return CaseReported{f.opt_str("note"), f.opt_count("expected_ms")};
    case CaseEventKind::Feedback:
      return CaseFeedback{f.str("action")};
    case CaseEventKind::Verified:
      return CaseVerified{f.str("outcome")};
    case CaseEventKind::Closed:
      return CaseClosed{f.opt_str("summary")};
    case CaseEventKind::Evaluated:
      return CaseEvaluated{f.name<Rating>("rating", parse_rating), f.opt_str("comment")};
    case CaseEventKind::Reopened:
      return CaseReopened{f.str("reason")};
    case CaseEventKind::Note:
      return CaseNote{f.str("text")};
    case CaseEventKind::ConflictSettled:
      return ConflictSettled{f.uuid("event"),
                             f.name<SettleDecision>("decision", parse_settle_decision),
                             f.str("reason")};
    case CaseEventKind::Returned:
      return CaseReturned{f.str("reason")};
    case CaseEventKind::Escalated:
      return CaseEscalated{f.strings("departments"), f.opt_str("note")};
    case CaseEventKind::SentBack:
      return CaseSentBack{f.str("reason")};
    case CaseEventKind::Visited:
      return CaseVisited{f.str("outcome")};
  }
  bad("unknown case event kind");
}

// The fields a body of each kind may have: those every body has, then the payload's.
constexpr std::string_view kCollectedFields[] = {"actor",   "actor_role",  "on_behalf_of", "source",
                                                 "channel", "description", "resident_ref", "where"};
constexpr std::string_view kResolvedLocallyFields[] = {"actor", "actor_role", "on_behalf_of",
                                                       "summary"};
constexpr std::string_view kWhistledFields[] = {
    "actor", "actor_role", "on_behalf_of", "level", "whistle_kind", "departments", "note"};
constexpr std::string_view kReportedFields[] = {"actor", "actor_role", "on_behalf_of", "note",
                                                "expected_ms"};
constexpr std::string_view kFeedbackFields[] = {"actor", "actor_role", "on_behalf_of", "action"};
constexpr std::string_view kVerifiedFields[] = {"actor", "actor_role", "on_behalf_of", "outcome"};
constexpr std::string_view kClosedFields[] = {"actor", "actor_role", "on_behalf_of", "summary"};
constexpr std::string_view kEvaluatedFields[] = {"actor", "actor_role", "on_behalf_of", "rating",
                                                 "comment"};
constexpr std::string_view kReopenedFields[] = {"actor", "actor_role", "on_behalf_of", "reason"};
constexpr std::string_view kNoteFields[] = {"actor", "actor_role", "on_behalf_of", "text"};
constexpr std::string_view kConflictSettledFields[] = {"actor", "actor_role", "on_behalf_of",
                                                       "event", "decision",   "reason"};
constexpr std::string_view kReturnedFields[] = {"actor", "actor_role", "on_behalf_of", "reason"};
constexpr std::string_view kEscalatedFields[] = {"actor", "actor_role", "on_behalf_of",
                                                 "departments", "note"};
constexpr std::string_view kSentBackFields[] = {"actor", "actor_role", "on_behalf_of", "reason"};
constexpr std::string_view kVisitedFields[] = {"actor", "actor_role", "on_behalf_of", "outcome"};

std::span<const std::string_view> body_fields(CaseEventKind kind) {
  switch (kind) {
    case CaseEventKind::Collected:
      return kCollectedFields;
    case CaseEventKind::ResolvedLocally:
      return kResolvedLocallyFields;
    case CaseEventKind::Whistled:
      return kWhistledFields;
    case CaseEventKind::Reported:
      return kReportedFields;
    case CaseEventKind::Feedback:
      return kFeedbackFields;
    case CaseEventKind::Verified:
      return kVerifiedFields;
    case CaseEventKind::Closed:
      return kClosedFields;
    case CaseEventKind::Evaluated:
      return kEvaluatedFields;
    case CaseEventKind::Reopened:
      return kReopenedFields;
    case CaseEventKind::Note:
      return kNoteFields;
    case CaseEventKind::ConflictSettled:
      return kConflictSettledFields;
    case CaseEventKind::Returned:
      return kReturnedFields;
    case CaseEventKind::Escalated:
      return kEscalatedFields;
    case CaseEventKind::SentBack:
      return kSentBackFields;
    case CaseEventKind::Visited:
      return kVisitedFields;
  }
  return {};
}

constexpr std::string_view kEnvelopeFields[] = {"id",     "case",    "kind", "hlc",
                                                "origin", "wall_ms", "body"};

// [SECTION] Writing

void put_opt(json& j, std::string_view key, const std::string& value) {
  if (!value.empty()) j[std::string(key)] = value;
}

struct PayloadWriter {
  json& j;
  void operator()(const CaseCollected& p) const {
    j["source"] = p.source;
    j["channel"] = to_string(p.channel);
    j["description"] = p.description;
    put_opt(j, "resident_ref", p.resident_ref);
    if (!p.where.empty()) {
      json w = json::object();
      put_opt(w, "grid", p.where.grid);
      put_opt(w, "place", p.where.place);
      put_opt(w, "address", p.where.address);
      if (p.where.point) {
        w["lat_e6"] = p.where.point->lat_e6;
        w["lon_e6"] = p.where.point->lon_e6;
      }
      j["where"] = std::move(w);
    }
  }
  void operator()(const CaseResolved& p) const { j["summary"] = p.summary; }
  void operator()(const CaseWhistled& p) const {
    j["level"] = to_string(p.level);
    j["whistle_kind"] = to_string(p.kind);
    j["departments"] = p.departments;
    put_opt(j, "note", p.note);
  }
  void operator()(const CaseReported& p) const {
    put_opt(j, "note", p.note);
    if (p.expected_ms != 0) j["expected_ms"] = p.expected_ms;
  }
  void operator()(const CaseFeedback& p) const { j["action"] = p.action; }
  void operator()(const CaseVerified& p) const { j["outcome"] = p.outcome; }
  void operator()(const CaseClosed& p) const { put_opt(j, "summary", p.summary); }
  void operator()(const CaseEvaluated& p) const {
    j["rating"] = to_string(p.rating);
    put_opt(j, "comment", p.comment);
  }
  void operator()(const CaseReopened& p) const { j["reason"] = p.reason; }
  void operator()(const CaseNote& p) const { j["text"] = p.text; }
  void operator()(const ConflictSettled& p) const {
    j["event"] = p.event.to_string();
    j["decision"] = to_string(p.decision);
    j["reason"] = p.reason;
  }
  void operator()(const CaseReturned& p) const { j["reason"] = p.reason; }
  void operator()(const CaseEscalated& p) const {
    j["departments"] = p.departments;
    put_opt(j, "note", p.note);
  }
  void operator()(const CaseSentBack& p) const { j["reason"] = p.reason; }
  void operator()(const CaseVisited& p) const { j["outcome"] = p.outcome; }
};

// Follows the parser's events to find the first key given twice in one object (nlohmann would
// silently keep the last one).
struct DuplicateKeys {
  std::vector<std::set<std::string>> open;
  std::optional<std::string> first;
  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      open.pop_back();
    } else if (event == json::parse_event_t::key && !open.empty()) {
      const std::string key = parsed.get<std::string>();
      if (!open.back().insert(key).second && !first) first = key;
    }
    return true;
  }
};

}  // namespace

// [SECTION] Names

std::string_view to_string(CaseChannel channel) {
  return kChannels[static_cast<std::size_t>(channel)];
}
Result<CaseChannel> parse_case_channel(std::string_view text) {
  return parse_name<CaseChannel>(text, kChannels, "case channel");
}
std::string_view to_string(Rating rating) {
  return kRatings[static_cast<std::size_t>(rating)];
}
Result<Rating> parse_rating(std::string_view text) {
  return parse_name<Rating>(text, kRatings, "rating");
}
std::string_view to_string(SettleDecision decision) {
  return kDecisions[static_cast<std::size_t>(decision)];
}
Result<SettleDecision> parse_settle_decision(std::string_view text) {
  return parse_name<SettleDecision>(text, kDecisions, "decision");
}
std::string_view to_string(CaseEventKind kind) {
  return kKinds[static_cast<std::size_t>(kind)];
}
Result<CaseEventKind> parse_case_event_kind(std::string_view text) {
  return parse_name<CaseEventKind>(text, kKinds, "case event kind");
}
std::string_view to_string(CaseStage stage) {
  return kStages[static_cast<std::size_t>(stage)];
}

// [SECTION] Events

json case_event_body(const CaseEvent& event) {
  json j = json::object();
  j["actor"] = event.actor;
  j["actor_role"] = to_string(event.actor_role);
  put_opt(j, "on_behalf_of", event.on_behalf_of);
  std::visit(PayloadWriter{j}, event.payload);
  return j;
}

Result<CaseEvent> case_event_from_body(const CaseEventEnvelope& envelope, std::string_view kind,
                                       const json& body) {
  WEIMIN_ASSIGN_OR_RETURN(const CaseEventKind k, parse_case_event_kind(kind));
  CaseEvent e;
  e.id = envelope.id;
  e.case_id = envelope.case_id;
  e.hlc = envelope.hlc;
  e.origin = envelope.origin;
  e.wall_ms = envelope.wall_ms;
  try {
    const Fields f(body, "the body of " + std::string(kind) + " event " + envelope.id.to_string(),
                   body_fields(k));
    e.actor = f.str("actor");
    e.actor_role = f.name<Role>("actor_role", parse_role);
    e.on_behalf_of = f.opt_str("on_behalf_of");
    e.payload = read_payload(k, f);
  } catch (const BadInput& b) {
    return Status(ErrorCode::Invalid, b.what);
  }
  WEIMIN_TRY(validate_case_event(e));
  return e;
}

json to_json(const CaseEvent& event) {
  return json{{"id", event.id.to_string()},      {"case", event.case_id.to_string()},
              {"kind", to_string(event.kind())}, {"hlc", event.hlc.pack()},
              {"origin", event.origin},          {"wall_ms", event.wall_ms},
              {"body", case_event_body(event)}};
}

Result<CaseEvent> case_event_from_json(const json& value) {
  CaseEventEnvelope envelope;
  std::string kind;
  const json* body = nullptr;
  try {
    const Fields f(value, "case event", kEnvelopeFields);
    envelope.id = f.uuid("id");
    envelope.case_id = f.uuid("case");
    kind = f.str("kind");
    envelope.hlc = HlcTimestamp::unpack(static_cast<std::uint64_t>(f.count("hlc")));
    envelope.origin = f.str("origin");
    envelope.wall_ms = f.count("wall_ms");
    body = &f.req("body");
  } catch (const BadInput& b) {
    return Status(ErrorCode::Invalid, b.what);
  }
  return case_event_from_body(envelope, kind, *body);
}

Result<CaseEvent> parse_case_event(std::string_view json_text) {
  DuplicateKeys dup;
  json value;
  try {
    value = json::parse(json_text.begin(), json_text.end(), std::ref(dup));
  } catch (const json::exception& e) {
    return Status(ErrorCode::Invalid, std::string("a case event is not valid JSON: ") + e.what());
  }
  if (dup.first) {
    return Status(ErrorCode::Invalid,
                  "a case event gives the key \"" + *dup.first + "\" twice in one object");
  }
  return case_event_from_json(value);
}

}  // namespace weimin::core
