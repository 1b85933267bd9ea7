// Strict JSON reading and writing of the wire messages (protocol.hpp).
#include "weimin/sync/protocol.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "push_fields.hpp"
#include "weimin/sync/protocol_digest.hpp"

namespace weimin::sync {

using detail::invalid_at;
using detail::is_safe_token;
using detail::ObjectReader;
using nlohmann::json;

namespace {

template <class T, class F>
Result<T> parse_with(std::string_view text, std::string_view what, F&& read) {
  WEIMIN_ASSIGN_OR_RETURN(json j, parse_json(text, what));
  T out{};
  ObjectReader r(j, "$");
  read(r, out);
  WEIMIN_TRY(r.finish());
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Splits "a=1&b=2" into pairs; Invalid on a repeated key, an empty key or a key without '='.
Result<std::vector<std::pair<std::string, std::string>>> split_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string, std::less<>> keys;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::size_t eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status(ErrorCode::Invalid, "query part '" + std::string(part.substr(0, 64)) +
                                            "' is not key=value; write e.g. after=0&limit=100");
    }
    std::string key(part.substr(0, eq));
    if (!keys.insert(key).second) {
      return Status(ErrorCode::Invalid, "query key '" + key + "' appears twice; give it once");
    }
    out.emplace_back(std::move(key), std::string(part.substr(eq + 1)));
  }
  return out;
}

Result<std::int64_t> query_int(std::string_view key, std::string_view value, std::int64_t min,
                               std::int64_t max) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || p != value.data() + value.size() || n < min ||
      n > max) {
    return Status(ErrorCode::Invalid, "query " + std::string(key) + "=" +
                                          std::string(value.substr(0, 32)) +
                                          " is not a whole number from " + std::to_string(min) +
                                          " to " + std::to_string(max));
  }
  return n;
}

// A query's schema=S: one this side speaks, or Invalid saying which it does.
Result<int> query_schema(std::string_view value) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || p != value.data() + value.size() || n < kOldestSchema ||
      n > kSchema) {
    return Status(ErrorCode::Invalid, "query schema=" + std::string(value.substr(0, 16)) +
                                          " is not spoken here; this district serves schema " +
                                          std::to_string(kOldestSchema) + ".." +
                                          std::to_string(kSchema) + ". Update the older side");
  }
  return static_cast<int>(n);
}

}  // namespace

namespace detail {

bool is_safe_token(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == ':' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace detail

// [SECTION] Error bodies

std::string to_json(const ErrorBody& e) {
  json inner = {{"code", e.code}, {"message", e.message}};
  if (e.expected_seq) inner["expected_seq"] = *e.expected_seq;
  if (e.epoch) inner["epoch"] = *e.epoch;
  // A message may quote bad input: invalid UTF-8 is replaced, never thrown.
  return json{{"error", std::move(inner)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<ErrorBody> parse_error_body(std::string_view text) {
  WEIMIN_ASSIGN_OR_RETURN(json j, parse_json(text, "the error body"));
  ObjectReader r(j, "$");
  ErrorBody e;
  if (json* inner = r.any("error")) {
    ObjectReader ir(*inner, "$.error");
    e.code = ir.string("code", true);
    e.message = ir.string("message");
    if (inner->is_object() && inner->contains("expected_seq"))
      e.expected_seq = ir.int64("expected_seq", 1);
    if (inner->is_object() && inner->contains("epoch")) e.epoch = ir.string("epoch", true);
    WEIMIN_TRY(ir.finish());
  }
  WEIMIN_TRY(r.finish());
  return e;
}

// [SECTION] Health and enrolment

std::string to_json(const HealthResponse& m) {
  return json{{"status", m.status}, {"epoch", m.epoch}, {"server_ms", m.server_ms}}.dump();
}
Result<HealthResponse> parse_health_response(std::string_view text) {
  return parse_with<HealthResponse>(text, "the health response", [](ObjectReader& r, auto& m) {
    m.status = r.string("status", true);
    m.epoch = r.string("epoch", true);
    m.server_ms = r.int64("server_ms");
  });
}

std::string to_json(const EnrollRequest& m) {
  return json{{"schema", m.schema},
              {"token", m.token},
              {"community", m.community},
              {"public_key", m.public_key}}
      .dump();
}
Result<EnrollRequest> parse_enroll_request(std::string_view text) {
  return parse_with<EnrollRequest>(text, "the enrol request", [](ObjectReader& r, auto& m) {
    m.schema = r.schema();
    m.token = r.string("token", true);
    m.community = r.string("community");
    if (r.ok() && !is_community_code(m.community)) {
      r.fail("community", "'" + m.community.substr(0, 32) +
                              "' is not a 12-digit community code such as 530102001001");
    }
    m.public_key = r.string("public_key", true);
  });
}

std::string to_json(const EnrollResponse& m) {
  return json{{"station_id", m.station_id},
              {"community", m.community},
              {"district", m.district},
              {"epoch", m.epoch},
              {"server_ms", m.server_ms}}
      .dump();
}
Result<EnrollResponse> parse_enroll_response(std::string_view text) {
  return parse_with<EnrollResponse>(text, "the enrol response", [](ObjectReader& r, auto& m) {
    m.station_id = r.string("station_id", true);
    m.community = r.string("community", true);
    m.district = r.string("district", true);
    m.epoch = r.string("epoch", true);
    m.server_ms = r.int64("server_ms");
  });
}

// [SECTION] Facts

json to_json_value(const FactPayload& f) {
  return json{{"id", f.id},   {"kind", f.kind},       {"subject", f.subject}, {"origin", f.origin},
              {"hlc", f.hlc}, {"wall_ms", f.wall_ms}, {"day", f.day},         {"body", f.body}};
}

namespace {
void append_string(std::string& out, const std::string& s) {
  // nlohmann's escaping (the same serializer dump() uses), on a string value only.
  out += json(s).dump();
}
}  // namespace

std::string canonical_text(const FactPayload& f) {
  // Keys in the order nlohmann's std::map keeps them: body, day, hlc, id, kind, origin,
  // subject, wall_ms.
  std::string out;
  out.reserve(160 + f.subject.size() + f.kind.size());
  out += "{\"body\":";
  out += f.body.dump();
  out += ",\"day\":";
  append_string(out, f.day);
  out += ",\"hlc\":";
  out += std::to_string(f.hlc);
  out += ",\"id\":";
  append_string(out, f.id);
  out += ",\"kind\":";
  append_string(out, f.kind);
  out += ",\"origin\":";
  append_string(out, f.origin);
  out += ",\"subject\":";
  append_string(out, f.subject);
  out += ",\"wall_ms\":";
  out += std::to_string(f.wall_ms);
  out += '}';
  return out;
}

Result<FactPayload> parse_fact_payload(const json& j, std::string_view path) {
  json copy = j;
  return parse_fact_payload(std::move(copy), path);
}

Result<FactPayload> parse_fact_payload(json&& j, std::string_view path) {
  ObjectReader r(j, path);
  return detail::read_fact(r);
}

// [SECTION] Push

std::string to_json(const PushRequest& m) {
  json entries = json::array();
  for (const PushEntry& e : m.entries) {
    entries.push_back({{"seq", e.seq}, {"topic", e.topic}, {"payload", e.payload}});
  }
  return json{{"schema", m.schema},
              {"station_id", m.station_id},
              {"stream", m.stream},
              {"base_seq", m.base_seq},
              {"entries", std::move(entries)}}
      .dump();
}

Result<PushRequest> parse_push_request(std::string_view text) {
  return parse_with<PushRequest>(
      text, detail::kPushRequestWhat, [](ObjectReader& r, PushRequest& m) {
        struct {
          PushRequest& m;
          std::size_t count(const json& list) const { return list.size(); }
          Result<std::int64_t> read(json& list, std::size_t i) const {
            ObjectReader er(list[i], detail::push_entry_path(i));
            PushEntry e;
            // The document is ours (parse_with parsed it): move the payload out, do not copy it.
            WEIMIN_TRY(detail::read_push_entry(er, e.seq, e.topic,
                                               [&](json& p) { e.payload = std::move(p); }));
            m.entries.push_back(std::move(e));
            return m.entries.back().seq;
          }
        } entries{m};
        detail::read_push_fields(r, m, entries);
      });
}

std::string to_json(const PushResponse& m) {
  json rejected = json::array();
  for (const RejectedEntry& e : m.rejected)
    rejected.push_back({{"seq", e.seq}, {"reason", e.reason}});
  return json{{"applied_through", m.applied_through},
              {"applied", m.applied},
              {"duplicates", m.duplicates},
              {"rejected", std::move(rejected)},
              {"server_ms", m.server_ms}}
      .dump();
}

Result<PushResponse> parse_push_response(std::string_view text) {
  return parse_with<PushResponse>(text, "the push response", [](ObjectReader& r, PushResponse& m) {
    m.applied_through = r.int64("applied_through", 0);
    m.applied = r.int64("applied", 0);
    m.duplicates = r.int64("duplicates", 0);
    m.server_ms = r.int64("server_ms");
    json* rejected = r.array("rejected");
    if (!rejected) return;
    for (std::size_t i = 0; i < rejected->size(); ++i) {
      ObjectReader er((*rejected)[i], "$.rejected[" + std::to_string(i) + "]");
      RejectedEntry e;
      e.seq = er.int64("seq", 1);
      e.reason = er.string("reason", true);
      Status s = er.finish();
      if (!s.is_ok()) return r.fail_status(std::move(s));
      m.rejected.push_back(std::move(e));
    }
  });
}

// [SECTION] Pull

json to_json_value(const Change& c) {
  return json{{"gseq", c.gseq}, {"type", c.type}, {"record", c.record}};
}

std::string to_query(const PullRequest& r) {
  std::string q = "after=" + std::to_string(r.after);
  if (!r.epoch.empty()) q += "&epoch=" + r.epoch;
  q += "&limit=" + std::to_string(r.limit);
  if (!r.own) q += "&own=0";
  if (r.schema != 1) q += "&schema=" + std::to_string(r.schema);
  return q;
}

Result<PullRequest> parse_pull_query(std::string_view query) {
  WEIMIN_ASSIGN_OR_RETURN(auto parts, split_query(query));
  PullRequest r;
  r.schema = 1;  // the release before schema 2 did not say
  bool have_after = false;
  for (auto& [key, value] : parts) {
    if (key == "after") {
      WEIMIN_ASSIGN_OR_RETURN(r.after, query_int(key, value, 0, INT64_MAX));
      have_after = true;
    } else if (key == "epoch") {
      if (!is_safe_token(value)) {
        return Status(ErrorCode::Invalid, "query epoch is not an epoch id the district gave");
      }
      r.epoch = value;
    } else if (key == "limit") {
      WEIMIN_ASSIGN_OR_RETURN(r.limit, query_int(key, value, 1, INT64_MAX));
      if (r.limit > kMaxPageCount) r.limit = kMaxPageCount;
    } else if (key == "own") {
      if (value != "0" && value != "1") {
        return Status(ErrorCode::Invalid, "query own=" + value.substr(0, 16) +
                                              " is not 0 or 1 (0 leaves out the asking station's "
                                              "own facts)");
      }
      r.own = value == "1";
    } else if (key == "schema") {
      WEIMIN_ASSIGN_OR_RETURN(r.schema, query_schema(value));
    } else {
      return Status(ErrorCode::Invalid,
                    "query key '" + key.substr(0, 32) +
                        "' is not known to /v1/pull; use after, epoch, limit, own, schema");
    }
  }
  if (!have_after) {
    return Status(ErrorCode::Invalid,
                  "query after= is missing; give the last gseq applied (0 at first)");
  }
  return r;
}

std::string to_json(const PullResponse& m) {
  json changes = json::array();
  for (const Change& c : m.changes) changes.push_back(to_json_value(c));
  json out{{"epoch", m.epoch},        {"changes", std::move(changes)}, {"count", m.count},
           {"checksum", m.checksum},  {"next_after", m.next_after},    {"more", m.more},
           {"server_ms", m.server_ms}};
  if (m.left_out) out["left_out"] = *m.left_out;
  if (m.trimmed) out["trimmed"] = *m.trimmed;
  return out.dump();
}

Result<PullResponse> parse_pull_response(std::string_view text) {
  WEIMIN_ASSIGN_OR_RETURN(
      PullResponse m,
      parse_with<PullResponse>(text, "the pull response", [](ObjectReader& r, PullResponse& m) {
        m.epoch = r.string("epoch", true);
        m.count = r.int64("count", 0);
        m.checksum = r.string("checksum", true);
        m.next_after = r.int64("next_after", 0);
        m.more = r.boolean("more");
        m.server_ms = r.int64("server_ms");
        // Optional: a district of schema 2 or later says what it left out (0 when nothing).
        for (const auto& [key, field] :
             {std::pair{"left_out", &m.left_out}, std::pair{"trimmed", &m.trimmed}}) {
          if (r.ok() && r.get(key, false) != nullptr) *field = r.int64(key, 0);
        }
        json* changes = r.array("changes");
        if (!changes) return;
        for (std::size_t i = 0; i < changes->size(); ++i) {
          ObjectReader cr((*changes)[i], "$.changes[" + std::to_string(i) + "]");
          Change c;
          c.gseq = cr.int64("gseq", 1);
          c.type = cr.string("type", true);
          if (json* rec = cr.any("record")) c.record = *rec;
          if (cr.ok() && c.type != "fact" && c.type != "catalog" && c.type != "roster") {
            cr.fail("type", "'" + c.type.substr(0, 32) + "' is not fact, catalog or roster");
          }
          Status s = cr.finish();
          if (!s.is_ok()) return r.fail_status(std::move(s));
          m.changes.push_back(std::move(c));
        }
      }));
  if (m.count != static_cast<std::int64_t>(m.changes.size())) {
    return Status(ErrorCode::Corrupt, "the pull page says count " + std::to_string(m.count) +
                                          " but holds " + std::to_string(m.changes.size()) +
                                          " changes; pull the page again");
  }
  if (page_checksum(m.changes) != m.checksum) {
    return Status(ErrorCode::Corrupt,
                  "the pull page's checksum does not match its changes; pull the page again");
  }
  return m;
}

// [SECTION] Status and digests

std::string to_json(const StatusResponse& m) {
  json streams = json::array();
  for (const auto& s : m.streams) {
    streams.push_back({{"stream", s.stream}, {"applied_through", s.applied_through}});
  }
  json rejected = json::array();
  for (const auto& r : m.rejected) {
    rejected.push_back(
        {{"stream", r.stream}, {"seq", r.seq}, {"reason", r.reason}, {"at_ms", r.at_ms}});
  }
  return json{{"station_id", m.station_id},
              {"streams", std::move(streams)},
              {"rejected", std::move(rejected)},
              {"epoch", m.epoch},
              {"clock_skew_ms", m.clock_skew_ms}}
      .dump();
}

Result<StatusResponse> parse_status_response(std::string_view text) {
  return parse_with<StatusResponse>(
      text, "the status response", [](ObjectReader& r, StatusResponse& m) {
        m.station_id = r.string("station_id", true);
        m.epoch = r.string("epoch", true);
        m.clock_skew_ms = r.int64("clock_skew_ms");
        if (json* streams = r.array("streams")) {
          for (std::size_t i = 0; i < streams->size(); ++i) {
            ObjectReader sr((*streams)[i], "$.streams[" + std::to_string(i) + "]");
            StreamPosition p;
            p.stream = sr.string("stream", true);
            p.applied_through = sr.int64("applied_through", 0);
            Status s = sr.finish();
            if (!s.is_ok()) return r.fail_status(std::move(s));
            m.streams.push_back(std::move(p));
          }
        }
        if (json* rejected = r.array("rejected")) {
          for (std::size_t i = 0; i < rejected->size(); ++i) {
            ObjectReader rr((*rejected)[i], "$.rejected[" + std::to_string(i) + "]");
            RejectRecord x;
            x.stream = rr.string("stream", true);
            x.seq = rr.int64("seq", 1);
            x.reason = rr.string("reason", true);
            x.at_ms = rr.int64("at_ms");
            Status s = rr.finish();
            if (!s.is_ok()) return r.fail_status(std::move(s));
            m.rejected.push_back(std::move(x));
          }
        }
      });
}

std::string to_query(const DigestRequest& r) {
  std::string q = "from=" + r.from + "&to=" + r.to;
  if (r.schema != 1) q += "&schema=" + std::to_string(r.schema);
  return q;
}

Result<DigestRequest> parse_digest_query(std::string_view query) {
  WEIMIN_ASSIGN_OR_RETURN(auto parts, split_query(query));
  DigestRequest r;
  r.schema = 1;  // the release before schema 2 did not say
  for (auto& [key, value] : parts) {
    if (key == "schema") {
      WEIMIN_ASSIGN_OR_RETURN(r.schema, query_schema(value));
      continue;
    }
    if (key != "from" && key != "to") {
      return Status(ErrorCode::Invalid, "query key '" + key.substr(0, 32) +
                                            "' is not known to /v1/digest; use from, to, schema");
    }
    if (!is_day(value)) {
      return Status(ErrorCode::Invalid,
                    "query " + key + "=" + value.substr(0, 16) + " is not a date YYYY-MM-DD");
    }
    (key == "from" ? r.from : r.to) = value;
  }
  if (r.from.empty() || r.to.empty()) {
    return Status(ErrorCode::Invalid, "query needs both from= and to= dates YYYY-MM-DD");
  }
  if (r.from > r.to) {
    return Status(ErrorCode::Invalid, "query from=" + r.from + " is after to=" + r.to);
  }
  return r;
}

std::string to_json(const DigestResponse& m) {
  json digests = json::array();
  for (const DayDigest& d : m.digests) {
    digests.push_back({{"table", d.table}, {"day", d.day}, {"count", d.count}, {"hash", d.hash}});
  }
  return json{{"digests", std::move(digests)}}.dump();
}

Result<DigestResponse> parse_digest_response(std::string_view text) {
  return parse_with<DigestResponse>(
      text, "the digest response", [](ObjectReader& r, DigestResponse& m) {
        json* digests = r.array("digests");
        if (!digests) return;
        for (std::size_t i = 0; i < digests->size(); ++i) {
          ObjectReader dr((*digests)[i], "$.digests[" + std::to_string(i) + "]");
          DayDigest d;
          d.table = dr.string("table", true);
          d.day = dr.string("day");
          if (dr.ok() && !is_day(d.day)) dr.fail("day", "is not a date YYYY-MM-DD");
          d.count = dr.int64("count", 0);
          d.hash = dr.string("hash", true);
          Status s = dr.finish();
          if (!s.is_ok()) return r.fail_status(std::move(s));
          m.digests.push_back(std::move(d));
        }
      });
}

// [SECTION] Small checks

bool is_day(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  if (!all_digits(t.substr(0, 4)) || !all_digits(t.substr(5, 2)) || !all_digits(t.substr(8, 2))) {
    return false;
  }
  int month = (t[5] - '0') * 10 + (t[6] - '0');
  int day = (t[8] - '0') * 10 + (t[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool is_community_code(std::string_view t) {
  return t.size() == 12 && all_digits(t);
}

bool is_uuid_text(std::string_view t) {
  if (t.size() != 36) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string station_id_for(std::string_view community) {
  return "station:" + std::string(community);
}

// [SECTION] What a station reports

StationReport read_station_report(const Headers& headers) {
  StationReport out;
  auto version = headers.find(kVersionHeader);
  if (version != headers.end()) {
    const std::string& v = version->second;
    if (!v.empty() && v.size() <= kMaxVersionBytes &&
        std::all_of(v.begin(), v.end(), [](char c) { return c >= 0x20 && c <= 0x7e; })) {
      out.version = v;
    }
  }
  auto waiting = headers.find(kWaitingHeader);
  if (waiting != headers.end()) {
    const std::string& w = waiting->second;
    std::int64_t n = 0;
    if (!w.empty() && w.size() <= 13 &&
        std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), n);
      if (ec == std::errc() && end == w.data() + w.size() && n <= kMaxWaiting) out.waiting = n;
    }
  }
  return out;
}

}  // namespace weimin::sync
