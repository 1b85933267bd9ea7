// DistrictService: routing, authentication and the handlers of the district's HTTP API.
#include "weimin/server/service.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <set>

#include "weimin/core/catalog.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/sync/protocol_auth.hpp"
#include "weimin/sync/protocol_digest.hpp"

namespace weimin::server {

using nlohmann::json;
using sync::HttpRequest;
using sync::HttpResponse;

namespace {

HttpResponse json_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse error_response(int status, std::string code, std::string message) {
  sync::ErrorBody e{std::move(code), std::move(message)};
  return json_response(status, sync::to_json(e));
}

// A failure of an operation as an HTTP answer, by its category.
HttpResponse status_response(const Status& s) {
  switch (s.code()) {
    case ErrorCode::Invalid: return error_response(400, "bad_request", s.message());
    case ErrorCode::NotFound: return error_response(404, "not_found", s.message());
    case ErrorCode::PermissionDenied: return error_response(403, "forbidden", s.message());
    case ErrorCode::Conflict: return error_response(409, "conflict", s.message());
    case ErrorCode::AlreadyExists: return error_response(409, "already_exists", s.message());
    case ErrorCode::Unauthenticated: return error_response(401, "unauthenticated", s.message());
    case ErrorCode::Unavailable:
    case ErrorCode::Locked: return error_response(503, "unavailable", s.message() + "; retry later");
    default: return error_response(500, "internal", s.to_string());
  }
}

std::string random_token() {
  unsigned char r[24];
  randombytes_buf(r, sizeof r);
  std::string t = sync::base64_encode(std::string_view(reinterpret_cast<char*>(r), sizeof r));
  for (char& c : t) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return t;
}

std::string district_of(const std::string& community) { return community.substr(0, 6); }

// 16 random hex digits naming one request in answers and the log.
std::string request_id() {
  unsigned char r[8];
  randombytes_buf(r, sizeof r);
  static const char* digits = "0123456789abcdef";
  std::string id;
  for (unsigned char c : r) {
    id.push_back(digits[c >> 4]);
    id.push_back(digits[c & 15]);
  }
  return id;
}

// "application/json", in any case, with parameters (e.g. "; charset=utf-8") after it.
bool is_json_media_type(std::string_view type) {
  std::string_view media = type.substr(0, type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  if (media.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < kJson.size(); ++i) {
    char c = media[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kJson[i]) return false;
  }
  return true;
}

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Events of a case from the district's facts; facts that are not case events are skipped.
std::vector<core::CaseEvent> case_events(const std::vector<FactRecord>& facts) {
  std::vector<core::CaseEvent> out;
  for (const FactRecord& r : facts) {
    const sync::FactPayload& f = r.fact;
    if (f.kind.rfind("case.", 0) != 0) continue;
    auto id = core::Uuid::parse(f.id);
    auto case_id = core::Uuid::parse(f.subject);
    if (!id || !case_id) continue;
    core::CaseEventEnvelope env{*id, *case_id,
                                core::HlcTimestamp::unpack(static_cast<std::uint64_t>(f.hlc)),
                                f.origin, f.wall_ms};
    auto e = core::case_event_from_body(env, f.kind, f.body);
    if (e.is_ok()) out.push_back(std::move(*e));
  }
  return out;
}

// Why a pushed entry can never be applied, or nothing when it can, as far as the entry alone
// tells: its form, its origin, and for a case event whether a station may write it
// (fact_rules.hpp). `event` gets a case event's parsed form. The case's community and the
// whistle's departments are checked against the store afterwards (check_case_scope).
std::optional<std::string> check_entry(sync::PushEntry& e, std::size_t index,
                                       const StationRecord& station, sync::FactPayload& out,
                                       std::optional<core::CaseEvent>& event) {
  std::string path = "$.entries[" + std::to_string(index) + "].payload";
  if (e.topic != "fact") {
    return "topic '" + e.topic.substr(0, 32) + "' is not known to this district (only \"fact\")";
  }
  auto f = sync::parse_fact_payload(std::move(e.payload), path);
  if (!f.is_ok()) return f.status().message();
  if (f->origin != station.station_id) {
    return path + ".origin: '" + f->origin + "' is not the pushing station " + station.station_id +
           "; a station pushes only the facts it made";
  }
  if (f->kind.rfind("case.", 0) == 0) {
    auto id = core::Uuid::parse(f->id);
    auto case_id = core::Uuid::parse(f->subject);
    if (!id || !case_id) return path + ".subject: a case event's subject must be the case's UUID";
    core::CaseEventEnvelope env{*id, *case_id,
                                core::HlcTimestamp::unpack(static_cast<std::uint64_t>(f->hlc)),
                                f->origin, f->wall_ms};
    auto ev = core::case_event_from_body(env, f->kind, f->body);
    if (!ev.is_ok()) return path + ".body: " + ev.status().message();
    if (auto why = station_case_event_refusal(*ev)) return path + ": " + *why;
    if (ev->kind() == core::CaseEventKind::Whistled) {
      if (auto why = whistle_departments_refusal(
              std::get<core::CaseWhistled>(ev->payload).departments, nullptr)) {
        return path + ".body.departments: " + *why;
      }
    }
    event = std::move(*ev);
  }
  out = std::move(*f);
  return std::nullopt;
}

// The entries of a published roster that are `community`'s (an entry naming no community is
// no station's).
json roster_for(const json& roster, const std::string& community) {
  json staff = json::array();
  if (roster.is_object()) {
    auto all = roster.find("staff");
    if (all != roster.end() && all->is_array()) {
      for (const json& s : *all) {
        auto c = s.is_object() ? s.find("community") : s.end();
        if (c != s.end() && c->is_string() && c->get_ref<const std::string&>() == community) {
          staff.push_back(s);
        }
      }
    }
  }
  return json{{"staff", std::move(staff)}};
}

// The least Argon2id cost a roster's PIN hash may have: the station's own (libsodium's
// crypto_pwhash_*_INTERACTIVE: 64 MiB, 2 passes).
constexpr std::int64_t kMinPinMemoryKib = 65536;
constexpr std::int64_t kMinPinPasses = 2;

// Why a PIN hash is not an Argon2id string of at least the station's cost, or nothing.
std::optional<std::string> pin_hash_refusal(const std::string& h) {
  // $argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>
  const std::string prefix = "$argon2id$v=19$m=";
  if (h.rfind(prefix, 0) != 0 || h.size() > 256) {
    return std::string("is not an Argon2id hash ($argon2id$v=19$m=…,t=…,p=…$…$…)");
  }
  std::int64_t m = 0, t = 0, p = 0;
  const char* at = h.c_str() + prefix.size();
  const char* end = h.c_str() + h.size();
  auto number = [&](std::int64_t& out) {
    auto [next, ec] = std::from_chars(at, end, out);
    if (ec != std::errc()) return false;
    at = next;
    return true;
  };
  auto literal = [&](std::string_view lit) {
    if (static_cast<std::size_t>(end - at) < lit.size() || std::string_view(at, lit.size()) != lit)
      return false;
    at += lit.size();
    return true;
  };
  if (!number(m) || !literal(",t=") || !number(t) || !literal(",p=") || !number(p) ||
      !literal("$")) {
    return std::string("is not an Argon2id hash ($argon2id$v=19$m=…,t=…,p=…$…$…)");
  }
  const char* salt_end = std::find(at, end, '$');
  if (salt_end == at || salt_end == end || salt_end + 1 == end) {
    return std::string("has no salt or no hash after its parameters");
  }
  if (m < kMinPinMemoryKib || t < kMinPinPasses || p < 1) {
    return "costs m=" + std::to_string(m) + ",t=" + std::to_string(t) +
           "; the district takes PIN hashes of at least m=" + std::to_string(kMinPinMemoryKib) +
           ",t=" + std::to_string(kMinPinPasses) + " (what a station makes)";
  }
  return std::nullopt;
}

// Splits "/v1/cases/<id>/<action>" into its parts after "/v1/cases".
std::vector<std::string> path_parts(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t next = path.find('/', pos + 1);
    std::string_view part = path.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1);
    parts.emplace_back(part);
    if (next == std::string_view::npos) break;
    pos = next;
  }
  return parts;
}

}  // namespace

std::string RequestLog::to_line() const {
  json j{{"who", who},   {"method", method},  {"path", path},    {"status", status},
         {"code", code}, {"us", duration_us}, {"id", request_id}};
  if (!detail.empty()) j["detail"] = detail;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json to_json(const CaseView& v) {
  const core::CaseState& s = v.state;
  json deps = json::array();
  for (const auto& d : s.departments) {
    deps.push_back({{"department", d.department},
                    {"reported", d.reported.has_value()},
                    {"feedback", d.feedback.has_value()}});
  }
  json j = {{"case", v.case_id},
            {"community", v.community},
            {"stage", core::to_string(s.stage)},
            {"description", s.description},
            {"source", s.source},
            {"departments", std::move(deps)},
            {"resolution", s.resolution},
            {"outcome", s.outcome},
            {"conflicts", s.conflicts.size()},
            {"steps", s.timeline.size()}};
  j["level"] = s.level ? json(core::to_string(*s.level)) : json(nullptr);
  j["kind"] = s.kind ? json(core::to_string(*s.kind)) : json(nullptr);
  j["evaluation"] = s.evaluation ? json(core::to_string(*s.evaluation)) : json(nullptr);
  return j;
}

// The handlers, with access to the service's state; every call holds the service's mutex
// (through lock_), and may release it only around work that touches no shared state.
class ServiceHandlers {
 public:
  // parsed_push: the push body parsed before the lock was taken, or null (then push() parses).
  ServiceHandlers(DistrictService& s, RequestLog& log, Result<sync::PushRequest>* parsed_push,
                  std::unique_lock<std::mutex>& lock)
      : s_(s), log_(log), parsed_push_(parsed_push), lock_(lock) {}

  struct Signed {
    StationRecord station;
    std::int64_t skew_ms = 0;
  };

  std::int64_t now() const { return s_.clock_.now_ms(); }

  // Checks a station's signature; on failure `fail` holds the 401 answer.
  // `pre`: the request's signed parts read beforehand (outside the lock), or null.
  std::optional<Signed> authenticate(const HttpRequest& req, HttpResponse& fail,
                                     sync::SignedPartsOrError* pre = nullptr) {
    auto parts = pre != nullptr ? std::move(*pre) : sync::read_signed_parts(req);
    if (!parts.ok) {
      fail = error_response(401, std::string(sync::to_code(parts.error.failure)), parts.error.message);
      return std::nullopt;
    }
    const auto& p = parts.parts;
    auto station = s_.store_.find_station(p.params.keyid);
    if (!station.is_ok()) {
      fail = status_response(station.status());
      return std::nullopt;
    }
    if (!*station) {
      fail = error_response(401, "unknown_key",
                            "no station '" + p.params.keyid.substr(0, 64) +
                                "' is enrolled here; enrol it with a token (weimin enroll)");
      return std::nullopt;
    }
    if (!sync::verify_signature(p.base, p.signature, (*station)->public_key)) {
      fail = error_response(401, "bad_signature",
                            "the signature does not verify with the key enrolled for " +
                                p.params.keyid + "; sign with the station's key or enrol again");
      return std::nullopt;
    }
    log_.who = p.params.keyid;
    const std::int64_t t = now();
    const std::int64_t skew = p.params.created * 1000 - t;
    // The station's clock as last seen (also when it is too far off to be served, so the
    // district can show it); written again only when it moved a second or more.
    if (!(*station)->skew_ms || std::abs(*(*station)->skew_ms - skew) >= 1000) {
      auto remembered = s_.store_.record_skew(p.params.keyid, skew, t);
      if (!remembered.is_ok()) {
        fail = status_response(remembered);
        return std::nullopt;
      }
    }
    if (skew > s_.options_.max_skew_ms || -skew > s_.options_.max_skew_ms) {
      fail = error_response(401, "stale_time",
                            "the request was signed at " + std::to_string(p.params.created) +
                                " (unix s), " + std::to_string(skew / 1000) +
                                " s from the district's clock; correct the station's offset from "
                                "the X-Weimin-Server-Time header and sign again");
      return std::nullopt;
    }
    auto fresh = s_.store_.remember_nonce(p.params.keyid, p.params.nonce, t,
                                          t - 2 * s_.options_.max_skew_ms);
    if (!fresh.is_ok()) {
      fail = status_response(fresh.status());
      return std::nullopt;
    }
    if (!*fresh) {
      fail = error_response(401, "replayed_nonce",
                            "this nonce was used already; every request needs a fresh nonce");
      return std::nullopt;
    }
    return Signed{std::move(**station), skew};
  }

  std::optional<DistrictStore::Actor> bearer(const HttpRequest& req, HttpResponse& fail) {
    auto h = sync::header_value(req.headers, "Authorization");
    if (!h || h->rfind("Bearer ", 0) != 0 || h->size() <= 7) {
      fail = error_response(401, "unsigned",
                            "this API needs 'Authorization: Bearer <token>' with a department or "
                            "street office token (weimin-district dept token)");
      return std::nullopt;
    }
    auto actor = s_.store_.actor_for_token(sync::sha256_hex(h->substr(7)), now());
    if (!actor.is_ok()) {
      fail = status_response(actor.status());
      return std::nullopt;
    }
    if (!*actor) {
      fail = error_response(401, "bad_token",
                            "this bearer token is not known here, has expired or was revoked; ask "
                            "the district for a new token (weimin-district dept token / office "
                            "token)");
      return std::nullopt;
    }
    log_.who = (*actor)->role + ":" + (*actor)->actor;
    return **actor;
  }

  HttpResponse health() {
    auto e = s_.store_.epoch();
    if (!e.is_ok()) return status_response(e.status());
    return json_response(200, sync::to_json(sync::HealthResponse{"ok", *e, now()}));
  }

  HttpResponse enroll(const HttpRequest& req) {
    auto m = sync::parse_enroll_request(req.body);
    if (!m.is_ok()) return error_response(400, "bad_request", m.status().message());
    auto district = s_.store_.district();
    if (!district.is_ok()) return status_response(district.status());
    if (district_of(m->community) != *district) {
      return error_response(403, "out_of_scope", "community " + m->community +
                                                     " is not in district " + *district +
                                                     "; enrol with the district that serves it");
    }
    auto key = sync::base64_decode(m->public_key);
    if (!key.is_ok() || key->size() != crypto_sign_PUBLICKEYBYTES) {
      return error_response(400, "bad_request",
                            "$.public_key: expected base64 of a 32-byte Ed25519 public key");
    }
    auto st = s_.store_.enroll(sync::sha256_hex(m->token), m->community, *key, now());
    if (!st.is_ok()) {
      if (st.status().code() == ErrorCode::Unauthenticated) {
        return error_response(401, "bad_token", st.status().message());
      }
      return status_response(st.status());
    }
    log_.who = st->station_id;
    auto e = s_.store_.epoch();
    if (!e.is_ok()) return status_response(e.status());
    return json_response(200, sync::to_json(sync::EnrollResponse{st->station_id, st->community,
                                                                 *district, *e, now()}));
  }

  HttpResponse push(const HttpRequest& req, const Signed& who) {
    // Parsed by handle() before it took the lock (the parse is the larger part of a push's
    // CPU and needs no state); parsed here only when called without that.
    std::optional<Result<sync::PushRequest>> own;
    if (parsed_push_ == nullptr) own.emplace(sync::parse_push_request(req.body));
    Result<sync::PushRequest>& m = own ? *own : *parsed_push_;
    if (!m.is_ok()) return error_response(400, "bad_request", m.status().message());
    if (m->station_id != who.station.station_id) {
      return error_response(403, "out_of_scope",
                            "$.station_id: " + m->station_id.substr(0, 64) +
                                " is not the signing station " + who.station.station_id);
    }
    PushBatch batch;
    batch.station_id = who.station.station_id;
    batch.stream = m->stream;
    batch.base_seq = m->base_seq;
    batch.now_ms = now();
    batch.entries.reserve(m->entries.size());
    // Checking each entry and making its record text needs nothing but the request and the
    // signing station: done without the lock, so only the store's work is serialised.
    std::vector<std::optional<core::CaseEvent>> events(m->entries.size());
    lock_.unlock();
    for (std::size_t i = 0; i < m->entries.size(); ++i) {
      PreparedEntry pe;
      pe.seq = m->entries[i].seq;
      sync::FactPayload f;
      if (auto why = check_entry(m->entries[i], i, who.station, f, events[i])) {
        pe.reject_reason = std::move(*why);
      } else {
        pe.fact = FactRecord{std::move(f), who.station.community, batch.now_ms, {}};
        pe.fact->record = record_text(*pe.fact);
      }
      batch.entries.push_back(std::move(pe));
    }
    lock_.lock();
    if (auto bad = check_case_scope(batch, events, who.station)) return *bad;
    auto out = s_.store_.apply_push(batch);
    if (!out.is_ok()) return status_response(out.status());
    if (out->gap_expected) {
      sync::ErrorBody e{"gap",
                        "the batch starts at seq " + std::to_string(m->entries.front().seq) +
                            " but the district expects " + std::to_string(*out->gap_expected) +
                            " on stream " + m->stream + "; push from there"};
      e.expected_seq = *out->gap_expected;
      return json_response(409, sync::to_json(e));
    }
    return json_response(200, sync::to_json(sync::PushResponse{out->applied_through, out->applied,
                                                               out->duplicates, out->rejected,
                                                               now()}));
  }

  // Rejects the case events of `batch` that touch another community's case (by the community
  // of the case's first case.collected at the district, or earlier in this batch) and the
  // whistles naming departments the published catalog does not list. One store query for the
  // communities of all the batch's cases. An answer only when the store fails.
  std::optional<HttpResponse> check_case_scope(
      PushBatch& batch, const std::vector<std::optional<core::CaseEvent>>& events,
      const StationRecord& station) {
    std::vector<std::string> subjects;
    bool whistles = false;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (!events[i] || !batch.entries[i].fact) continue;
      subjects.push_back(batch.entries[i].fact->fact.subject);
      whistles = whistles || events[i]->kind() == core::CaseEventKind::Whistled;
    }
    if (subjects.empty()) return std::nullopt;
    std::sort(subjects.begin(), subjects.end());
    subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
    auto communities = s_.store_.case_communities(subjects);
    if (!communities.is_ok()) return status_response(communities.status());
    const CatalogScope* catalog = nullptr;
    if (whistles) {
      auto c = s_.catalog_locked();
      if (!c.is_ok()) return status_response(c.status());
      catalog = *c;
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
      PreparedEntry& pe = batch.entries[i];
      if (!events[i] || !pe.fact) continue;
      const std::string& subject = pe.fact->fact.subject;
      const std::string path = "$.entries[" + std::to_string(i) + "].payload";
      auto it = communities->find(subject);
      std::optional<std::string> why;
      if (it != communities->end() && it->second != station.community) {
        why = path + ".subject: case " + subject + " belongs to community " + it->second +
              ", not to " + station.community + "; a station writes only its own community's cases";
      } else if (events[i]->kind() == core::CaseEventKind::Whistled) {
        why = whistle_departments_refusal(
            std::get<core::CaseWhistled>(events[i]->payload).departments, catalog);
        if (why) *why = path + ".body.departments: " + *why;
      }
      if (why) {
        pe.fact.reset();
        pe.reject_reason = std::move(*why);
      } else if (it == communities->end() && events[i]->kind() == core::CaseEventKind::Collected) {
        communities->emplace(subject, station.community);
      }
    }
    return std::nullopt;
  }

  HttpResponse pull(const HttpRequest& req, const Signed& who) {
    auto q = sync::parse_pull_query(req.query);
    if (!q.is_ok()) return error_response(400, "bad_request", q.status().message());
    auto e = s_.store_.epoch();
    if (!e.is_ok()) return status_response(e.status());
    if (!q->epoch.empty() && q->epoch != *e) {
      sync::ErrorBody body{"epoch_changed",
                           "the district was restored and is now in epoch " + *e + " (you asked in " +
                               q->epoch + "); pull again from 0 and push your own facts again"};
      body.epoch = *e;
      return json_response(409, sync::to_json(body));
    }
    auto page = s_.store_.read_changes(who.station.community, q->after, q->limit,
                                       s_.options_.page_bytes,
                                       q->own ? std::string() : who.station.station_id);
    if (!page.is_ok()) return status_response(page.status());
    sync::PullResponse r;
    r.epoch = *e;
    r.changes = std::move(page->changes);
    // Each station receives its own community's staff only (their PIN hashes included).
    for (sync::Change& c : r.changes) {
      if (c.type == "roster") c.record = roster_for(c.record, who.station.community);
    }
    r.count = static_cast<std::int64_t>(r.changes.size());
    r.checksum = sync::page_checksum(r.changes);
    r.next_after = page->next_after;
    r.more = page->more;
    r.server_ms = now();
    return json_response(200, sync::to_json(r));
  }

  HttpResponse status(const HttpRequest& req, const Signed& who) {
    if (!req.query.empty()) return error_response(400, "bad_request", "/v1/status takes no query");
    auto streams = s_.store_.streams(who.station.station_id);
    if (!streams.is_ok()) return status_response(streams.status());
    auto rejects = s_.store_.rejects(who.station.station_id);
    if (!rejects.is_ok()) return status_response(rejects.status());
    auto e = s_.store_.epoch();
    if (!e.is_ok()) return status_response(e.status());
    return json_response(200, sync::to_json(sync::StatusResponse{who.station.station_id, *streams,
                                                                 *rejects, *e, who.skew_ms}));
  }

  HttpResponse digest(const HttpRequest& req, const Signed& who) {
    auto q = sync::parse_digest_query(req.query);
    if (!q.is_ok()) return error_response(400, "bad_request", q.status().message());
    auto from = core::CivilDate::parse(q->from);
    auto to = core::CivilDate::parse(q->to);
    if (!from.is_ok() || !to.is_ok()) {
      return error_response(400, "bad_request", "query from/to must be real dates YYYY-MM-DD");
    }
    if (to->days_since_epoch() - from->days_since_epoch() > 366) {
      return error_response(400, "bad_request", "ask for at most 366 days of digests at once");
    }
    auto d = s_.store_.digests(who.station.community, q->from, q->to);
    if (!d.is_ok()) return status_response(d.status());
    return json_response(200, sync::to_json(sync::DigestResponse{std::move(*d)}));
  }

  // [SECTION] Street office and departments

  HttpResponse cases(const DistrictStore::Actor& a) {
    auto views = a.role == "department"
                     ? s_.cases_locked(a.actor)
                     : s_.cases_locked("", a.role == "street_office" ? a.actor : "");
    if (!views.is_ok()) return status_response(views.status());
    json arr = json::array();
    for (const CaseView& v : *views) arr.push_back(to_json(v));
    return json_response(200, json{{"cases", std::move(arr)}, {"server_ms", now()}}.dump());
  }

  HttpResponse case_action(const HttpRequest& req, const DistrictStore::Actor& a,
                           const std::string& case_id, const std::string& action) {
    auto body = sync::parse_json(req.body, "the request body");
    if (!body.is_ok()) return error_response(400, "bad_request", body.status().message());
    if (!body->is_object()) return error_response(400, "bad_request", "$: expected a JSON object");
    auto schema = body->find("schema");
    if (schema == body->end() || !schema->is_number_integer() ||
        schema->get<std::int64_t>() < sync::kOldestSchema || schema->get<std::int64_t>() > sync::kSchema) {
      return error_response(400, "bad_request", "$.schema: expected 1");
    }
    auto text_field = [&](const char* name, bool required, std::string& out) -> std::optional<HttpResponse> {
      auto it = body->find(name);
      if (it == body->end()) {
        if (required) return error_response(400, "bad_request", std::string("$.") + name + ": is missing");
        return std::nullopt;
      }
      if (!it->is_string()) {
        return error_response(400, "bad_request", std::string("$.") + name + ": expected a string");
      }
      out = it->get<std::string>();
      return std::nullopt;
    };
    std::set<std::string> allowed = {"schema"};
    Result<CaseView> done = Status(ErrorCode::Internal, "no action");
    if (action == "report" || action == "feedback") {
      if (a.role != "department") {
        return error_response(403, "forbidden", "only a department reports in or gives feedback");
      }
      std::string text;
      const char* field = action == "report" ? "note" : "action";
      allowed.insert(field);
      for (auto it = body->begin(); it != body->end(); ++it) {
        if (!allowed.count(it.key())) {
          return error_response(400, "bad_request", "$." + it.key() + ": is not a field of this message");
        }
      }
      if (auto bad = text_field(field, action == "feedback", text)) return *bad;
      done = action == "report" ? s_.report_locked(a.actor, case_id, text)
                                : s_.feedback_locked(a.actor, case_id, text);
    } else if (action == "whistle") {
      if (a.role != "street_office") {
        return error_response(403, "forbidden", "only the street office blows a district whistle");
      }
      allowed.insert({"departments", "kind", "note"});
      for (auto it = body->begin(); it != body->end(); ++it) {
        if (!allowed.count(it.key())) {
          return error_response(400, "bad_request", "$." + it.key() + ": is not a field of this message");
        }
      }
      std::string note, kind_text = "routine";
      if (auto bad = text_field("note", false, note)) return *bad;
      if (auto bad = text_field("kind", false, kind_text)) return *bad;
      auto kind = core::parse_whistle_kind(kind_text);
      if (!kind.is_ok()) return error_response(400, "bad_request", "$.kind: " + kind.status().message());
      auto deps = body->find("departments");
      if (deps == body->end() || !deps->is_array()) {
        return error_response(400, "bad_request", "$.departments: expected an array of department ids");
      }
      if (deps->size() > kMaxWhistleDepartments) {
        return error_response(400, "bad_request",
                              "$.departments: a whistle names at most " +
                                  std::to_string(kMaxWhistleDepartments) + " departments, not " +
                                  std::to_string(deps->size()));
      }
      auto v = s_.view_locked(case_id);
      if (!v.is_ok()) return status_response(v.status());
      if (!office_serves(a.actor, v->community)) {
        return error_response(403, "out_of_scope",
                              "case " + case_id + " is of community " + v->community +
                                  ", not of street office " + a.actor + "'s communities");
      }
      std::vector<std::string> departments;
      for (const json& d : *deps) {
        if (!d.is_string()) return error_response(400, "bad_request", "$.departments: expected strings");
        departments.push_back(d.get<std::string>());
      }
      done = s_.whistle_locked(a.actor, case_id, departments, *kind, note);
    } else {
      return error_response(404, "not_found", "no case action '" + action.substr(0, 32) +
                                                  "'; use report, feedback or whistle");
    }
    if (!done.is_ok()) return status_response(done.status());
    return json_response(200, to_json(*done).dump());
  }

 private:
  DistrictService& s_;
  RequestLog& log_;
  Result<sync::PushRequest>* parsed_push_;
  std::unique_lock<std::mutex>& lock_;
};

DistrictService::DistrictService(DistrictStore& store, const platform::Clock& clock,
                                 ServiceOptions options, RequestLogger logger)
    : store_(store),
      clock_(clock),
      options_(options),
      logger_(std::move(logger)),
      ids_([](std::span<std::uint8_t> out) { randombytes_buf(out.data(), out.size()); }) {
  if (sodium_init() < 0) std::abort();
}

HttpResponse DistrictService::handle(const HttpRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  RequestLog log;
  log.who = "-";
  log.method = request.method;
  log.path = request.path;
  log.request_id = request_id();
  HttpResponse r;
  try {
    r = route(request, log);
  } catch (const std::exception& e) {
    r = error_response(500, "internal", e.what());
  }
  if (r.status >= 500 && r.status != 503) {
    // The detail (an exception's text, a store's message with its paths) is for the log only.
    auto e = sync::parse_error_body(r.body);
    log.detail = e.is_ok() ? e->message : r.body;
    r = error_response(r.status, "internal",
                       "internal error (request " + log.request_id +
                           "); the district's log has the detail. Try again later, or give the "
                           "request id to the district's administrator");
  }
  r.headers["X-Weimin-Server-Time"] = std::to_string(clock_.now_ms());
  r.headers["X-Request-Id"] = log.request_id;
  r.headers["Content-Type"] = "application/json";
  log.status = r.status;
  if (r.status >= 400) {
    auto e = sync::parse_error_body(r.body);
    log.code = e.is_ok() ? e->code : "";
  }
  log.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  if (logger_) logger_(log);
  return r;
}

HttpResponse DistrictService::route(const HttpRequest& request, RequestLog& log) {
  if (request.method == "POST" && !request.body.empty()) {
    auto type = sync::header_value(request.headers, "Content-Type");
    if (!is_json_media_type(type ? *type : std::string_view())) {
      return error_response(415, "unsupported_media_type",
                            "the body must be sent as Content-Type: application/json, not '" +
                                std::string(type ? type->substr(0, 64) : "(none)") + "'");
    }
  }
  const bool is_push = request.path == "/v1/push" && request.method == "POST" &&
                       request.body.size() <= options_.max_body_bytes;
  if (!is_push) {
    std::unique_lock lock(mutex_);
    return handle_locked(request, log, nullptr, lock);
  }
  // A push: its signature and content digest are checked (and its station found) before its
  // body is parsed, so an unsigned or forged body costs a hash, never a parse.
  auto parts = sync::read_signed_parts(request);
  std::optional<ServiceHandlers::Signed> who;
  {
    std::unique_lock lock(mutex_);
    ServiceHandlers h(*this, log, nullptr, lock);
    HttpResponse fail;
    who = h.authenticate(request, fail, &parts);
    if (!who) return fail;
  }
  // Then it waits for one of options_.push_parallelism slots, so a fleet arriving at once
  // holds only that many parsed bodies in memory; the slot is released when the answer is
  // made. The parse needs no state: done outside the lock, so concurrent stations' bodies are
  // parsed in parallel and only the store work is serialised.
  {
    std::unique_lock slots(push_slots_mutex_);
    push_slot_free_.wait(slots, [&] {
      return pushes_in_progress_ < std::max(1, options_.push_parallelism);
    });
    ++pushes_in_progress_;
  }
  struct SlotRelease {
    DistrictService* s;
    ~SlotRelease() {
      {
        std::lock_guard slots(s->push_slots_mutex_);
        --s->pushes_in_progress_;
      }
      s->push_slot_free_.notify_one();
    }
  } release{this};
  if (options_.on_push_parse) options_.on_push_parse();
  Result<sync::PushRequest> parsed = sync::parse_push_request(request.body);
  std::unique_lock lock(mutex_);
  ServiceHandlers h(*this, log, &parsed, lock);
  return h.push(request, *who);
}

HttpResponse DistrictService::handle_locked(const HttpRequest& req, RequestLog& log,
                                            Result<sync::PushRequest>* parsed_push,
                                            std::unique_lock<std::mutex>& lock) {
  ServiceHandlers h(*this, log, parsed_push, lock);
  if (req.body.size() > options_.max_body_bytes) {
    return error_response(413, "too_large", "the body has " + std::to_string(req.body.size()) +
                                                " bytes; the district reads at most " +
                                                std::to_string(options_.max_body_bytes) +
                                                ". Send smaller batches");
  }
  auto only = [&](const char* method) -> std::optional<HttpResponse> {
    if (req.method == method) return std::nullopt;
    return error_response(405, "method_not_allowed",
                          req.path + " takes " + method + ", not " + req.method.substr(0, 16));
  };
  if (req.path == "/v1/health") {
    if (auto bad = only("GET")) return *bad;
    return h.health();
  }
  if (req.path == "/v1/enroll") {
    if (auto bad = only("POST")) return *bad;
    return h.enroll(req);
  }
  if (req.path == "/v1/push" || req.path == "/v1/pull" || req.path == "/v1/status" ||
      req.path == "/v1/digest") {
    if (auto bad = only(req.path == "/v1/push" ? "POST" : "GET")) return *bad;
    HttpResponse fail;
    auto who = h.authenticate(req, fail);
    if (!who) return fail;
    if (req.path == "/v1/push") return h.push(req, *who);
    if (req.path == "/v1/pull") return h.pull(req, *who);
    if (req.path == "/v1/status") return h.status(req, *who);
    return h.digest(req, *who);
  }
  if (req.path == "/v1/cases" || req.path.rfind("/v1/cases/", 0) == 0) {
    HttpResponse fail;
    auto actor = h.bearer(req, fail);
    if (!actor) return fail;
    auto parts = path_parts(req.path);  // v1, cases, [id, [action]]
    if (parts.size() == 2) {
      if (auto bad = only("GET")) return *bad;
      return h.cases(*actor);
    }
    if (parts.size() == 3) {
      if (auto bad = only("GET")) return *bad;
      auto v = view_locked(parts[2]);
      if (!v.is_ok()) return status_response(v.status());
      if (actor->role == "street_office" && !office_serves(actor->actor, v->community)) {
        return error_response(403, "out_of_scope",
                              "case " + parts[2] + " is of community " + v->community +
                                  ", not of street office " + actor->actor + "'s communities");
      }
      if (actor->role == "department") {
        bool mine = false;
        for (const auto& d : v->state.departments) mine = mine || d.department == actor->actor;
        if (!mine) {
          return error_response(403, "out_of_scope", "case " + parts[2] +
                                                         " was not whistled to " + actor->actor);
        }
      }
      return json_response(200, to_json(*v).dump());
    }
    if (parts.size() == 4) {
      if (auto bad = only("POST")) return *bad;
      return h.case_action(req, *actor, parts[2], parts[3]);
    }
  }
  return error_response(404, "not_found", "no endpoint " + req.path.substr(0, 64) +
                                              "; see docs/PROTOCOL.md");
}

// [SECTION] Administration

Result<std::string> DistrictService::issue_enroll_token(const std::string& community) {
  std::lock_guard lock(mutex_);
  if (!sync::is_community_code(community)) {
    return Status(ErrorCode::Invalid, "'" + community + "' is not a 12-digit community code");
  }
  WEIMIN_ASSIGN_OR_RETURN(std::string district, store_.district());
  if (district_of(community) != district) {
    return Status(ErrorCode::Invalid, "community " + community + " is not in district " + district);
  }
  std::string token = random_token();
  const std::int64_t now = clock_.now_ms();
  WEIMIN_TRY(store_.add_enroll_token(sync::sha256_hex(token), community, now + options_.token_ttl_ms, now));
  return token;
}

Result<std::string> DistrictService::issue_actor_token(const std::string& actor, core::Role role,
                                                       std::int64_t ttl_ms) {
  std::lock_guard lock(mutex_);
  if (role != core::Role::Department && role != core::Role::StreetOffice) {
    return Status(ErrorCode::Invalid, "tokens are for departments and street offices only");
  }
  if (ttl_ms <= 0) ttl_ms = options_.actor_token_ttl_ms;
  WEIMIN_ASSIGN_OR_RETURN(const CatalogScope* catalog, catalog_locked());
  if (catalog == nullptr) {
    return Status(ErrorCode::Invalid, "no catalog is published, so '" + actor.substr(0, 64) +
                                          "' cannot be checked; publish it first (weimin-district "
                                          "catalog publish FILE)");
  }
  if (role == core::Role::StreetOffice) {
    WEIMIN_ASSIGN_OR_RETURN(std::string district, store_.district());
    if (actor.size() != 9 ||
        !std::all_of(actor.begin(), actor.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        actor.substr(0, 6) != district || !catalog->street_offices.contains(actor)) {
      return Status(ErrorCode::Invalid, "'" + actor.substr(0, 64) +
                                            "' is not a street office of the catalog of district " +
                                            district + "; give its 9-digit code, e.g. " + district +
                                            "001");
    }
  } else if (!catalog->departments.contains(actor)) {
    return Status(ErrorCode::Invalid, "'" + actor.substr(0, 64) +
                                          "' is not a department of the published catalog; give "
                                          "a department id it lists");
  }
  std::string token = random_token();
  const std::int64_t now = clock_.now_ms();
  WEIMIN_TRY(store_.add_actor_token(sync::sha256_hex(token), actor,
                                    std::string(core::to_string(role)), now + ttl_ms, now));
  return token;
}

Result<std::vector<DistrictStore::ActorToken>> DistrictService::actor_tokens() {
  std::lock_guard lock(mutex_);
  return store_.actor_tokens();
}

Result<std::int64_t> DistrictService::revoke_actor_tokens(const std::string& hash_prefix) {
  std::lock_guard lock(mutex_);
  if (hash_prefix.size() < 8 || hash_prefix.size() > 64 || !is_hex(hash_prefix)) {
    return Status(ErrorCode::Invalid,
                  "give at least the first 8 hex digits (lower case) of the "
                  "token's hash, as 'weimin-district token list' shows it");
  }
  WEIMIN_ASSIGN_OR_RETURN(std::int64_t n, store_.revoke_actor_tokens(hash_prefix, clock_.now_ms()));
  if (n == 0) {
    return Status(ErrorCode::NotFound,
                  "no token that is not revoked yet has a hash starting " + hash_prefix);
  }
  return n;
}

Result<const CatalogScope*> DistrictService::catalog_locked() {
  WEIMIN_ASSIGN_OR_RETURN(auto latest, store_.latest_reference("catalog"));
  if (!latest) return static_cast<const CatalogScope*>(nullptr);
  if (!catalog_ || catalog_->gseq != latest->gseq) {
    WEIMIN_ASSIGN_OR_RETURN(CatalogScope c, catalog_scope(latest->json, latest->gseq));
    catalog_ = std::move(c);
  }
  return &*catalog_;
}

Result<std::int64_t> DistrictService::publish_catalog(const std::string& json_text) {
  std::lock_guard lock(mutex_);
  WEIMIN_ASSIGN_OR_RETURN(core::Catalog c, core::parse_catalog(json_text, "the catalog to publish"));
  (void)c;
  WEIMIN_ASSIGN_OR_RETURN(json j, sync::parse_json(json_text, "the catalog to publish"));
  return store_.publish_reference("catalog", j.dump(), clock_.now_ms());
}

Result<std::int64_t> DistrictService::publish_roster(const std::string& json_text) {
  std::lock_guard lock(mutex_);
  WEIMIN_ASSIGN_OR_RETURN(json j, sync::parse_json(json_text, "the roster to publish"));
  if (!j.is_object() || !j.contains("staff") || !j["staff"].is_array() || j.size() != 1) {
    return Status(ErrorCode::Invalid,
                  "the roster must be a JSON object with a \"staff\" array and nothing else; see "
                  "docs/SERVER.md");
  }
  WEIMIN_ASSIGN_OR_RETURN(std::string district, store_.district());
  std::set<std::pair<std::string, std::string>> seen;
  const json& staff = j["staff"];
  for (std::size_t i = 0; i < staff.size(); ++i) {
    const json& e = staff[i];
    const std::string at = "the roster's staff[" + std::to_string(i) + "]";
    auto bad = [&](const std::string& why) { return Status(ErrorCode::Invalid, at + why); };
    if (!e.is_object()) return bad(": expected an object");
    static const std::set<std::string> kFields = {"staff_no", "name",      "role",
                                                  "pin_hash", "community", "active"};
    for (auto it = e.begin(); it != e.end(); ++it) {
      if (!kFields.contains(it.key()))
        return bad("." + it.key() + ": is not a field of a roster entry");
    }
    for (const char* f : {"staff_no", "name", "role", "pin_hash", "community"}) {
      if (!e.contains(f) || !e[f].is_string())
        return bad(std::string(".") + f + ": expected a string");
    }
    if (e.contains("active") && !e["active"].is_boolean())
      return bad(".active: expected true or false");
    auto role = core::parse_role(e["role"].get<std::string>());
    if (!role.is_ok()) return bad(".role: " + role.status().message());
    core::StaffMember m{e["staff_no"].get<std::string>(), e["name"].get<std::string>(), *role,
                        e.value("active", true)};
    if (auto v = core::validate_staff_member(m); !v.is_ok()) return bad(": " + v.message());
    const std::string community = e["community"].get<std::string>();
    if (!sync::is_community_code(community) || district_of(community) != district) {
      return bad(".community: '" + community.substr(0, 32) + "' is not a community of district " +
                 district);
    }
    if (auto why = pin_hash_refusal(e["pin_hash"].get<std::string>()))
      return bad(".pin_hash: " + *why);
    if (!seen.emplace(community, m.staff_no).second) {
      return bad(": staff " + m.staff_no + " of community " + community + " is listed twice");
    }
  }
  return store_.publish_reference("roster", j.dump(), clock_.now_ms());
}

// [SECTION] The district's half of the loop

Result<std::vector<CaseView>> DistrictService::cases_for(const std::string& department) {
  std::lock_guard lock(mutex_);
  return cases_locked(department);
}

Result<std::vector<CaseView>> DistrictService::cases_locked(const std::string& department,
                                                            const std::string& office) {
  WEIMIN_ASSIGN_OR_RETURN(auto whistles, store_.facts_by_kind("case.whistled"));
  std::set<std::string> seen;
  std::vector<CaseView> out;
  for (const FactRecord& w : whistles) {
    if (!seen.insert(w.fact.subject).second) continue;
    if (!office.empty() && !office_serves(office, w.community)) continue;
    WEIMIN_ASSIGN_OR_RETURN(CaseView v, view_locked(w.fact.subject));
    if (!office.empty() && !office_serves(office, v.community)) continue;
    bool include = department.empty();
    for (const auto& d : v.state.departments) include = include || d.department == department;
    if (include) out.push_back(std::move(v));
  }
  return out;
}

Result<CaseView> DistrictService::case_view(const std::string& case_id) {
  std::lock_guard lock(mutex_);
  return view_locked(case_id);
}

Result<CaseView> DistrictService::view_locked(const std::string& case_id) {
  auto id = core::Uuid::parse(case_id);
  if (!id) return Status(ErrorCode::Invalid, "'" + case_id.substr(0, 64) + "' is not a case id (UUID)");
  WEIMIN_ASSIGN_OR_RETURN(auto facts, store_.case_facts(case_id));
  std::string community;
  for (const FactRecord& f : facts) {
    // The case is of the community of its first collected fact (later ones of another
    // community are refused at push; this holds for stores of before that rule too).
    if (f.fact.kind == "case.collected" && community.empty()) community = f.community;
  }
  if (community.empty()) {
    return Status(ErrorCode::NotFound, "no case " + case_id + " has reached the district");
  }
  std::vector<core::CaseEvent> events = case_events(facts);
  return CaseView{case_id, community, core::fold_case(*id, events)};
}

Result<CaseView> DistrictService::act(const std::string& actor, core::Role role,
                                      const std::string& case_id, core::CasePayload payload) {
  WEIMIN_ASSIGN_OR_RETURN(CaseView v, view_locked(case_id));
  WEIMIN_ASSIGN_OR_RETURN(auto facts, store_.case_facts(case_id));
  WEIMIN_ASSIGN_OR_RETURN(std::string district, store_.district());
  const std::int64_t now = clock_.now_ms();
  // Order after every event of the case, also one a station stamped with a clock far ahead;
  // such a clock is not followed by the district's later stamps (docs/SYNC.md, "Clocks").
  core::HlcTimestamp latest{};
  for (const FactRecord& f : facts) {
    latest = std::max(latest, core::HlcTimestamp::unpack(static_cast<std::uint64_t>(f.fact.hlc)));
  }
  core::CaseEvent e;
  e.id = ids_.next(now);
  e.case_id = *core::Uuid::parse(case_id);
  e.hlc = hlc_.now_after(latest, now);
  e.origin = "district:" + district;
  e.wall_ms = now;
  e.actor = actor;
  e.actor_role = role;
  e.payload = std::move(payload);
  WEIMIN_TRY(core::check_transition(v.state, e));
  sync::FactPayload f{e.id.to_string(),
                      std::string(core::to_string(e.kind())),
                      case_id,
                      e.origin,
                      static_cast<std::int64_t>(e.hlc.pack()),
                      now,
                      core::local_date(now).to_string(),
                      core::case_event_body(e)};
  WEIMIN_TRY(store_.append_facts({FactRecord{std::move(f), v.community, now}}));
  return view_locked(case_id);
}

Result<CaseView> DistrictService::report(const std::string& department, const std::string& case_id,
                                         const std::string& note) {
  std::lock_guard lock(mutex_);
  return report_locked(department, case_id, note);
}
Result<CaseView> DistrictService::report_locked(const std::string& department,
                                                const std::string& case_id, const std::string& note) {
  return act(department, core::Role::Department, case_id, core::CaseReported{note});
}

Result<CaseView> DistrictService::feedback(const std::string& department, const std::string& case_id,
                                           const std::string& action) {
  std::lock_guard lock(mutex_);
  return feedback_locked(department, case_id, action);
}
Result<CaseView> DistrictService::feedback_locked(const std::string& department,
                                                  const std::string& case_id,
                                                  const std::string& action) {
  return act(department, core::Role::Department, case_id, core::CaseFeedback{action});
}

Result<CaseView> DistrictService::whistle(const std::string& office, const std::string& case_id,
                                          const std::vector<std::string>& departments,
                                          core::WhistleKind kind, const std::string& note) {
  std::lock_guard lock(mutex_);
  return whistle_locked(office, case_id, departments, kind, note);
}
Result<CaseView> DistrictService::whistle_locked(const std::string& office, const std::string& case_id,
                                                 const std::vector<std::string>& departments,
                                                 core::WhistleKind kind, const std::string& note) {
  WEIMIN_ASSIGN_OR_RETURN(const CatalogScope* catalog, catalog_locked());
  if (auto why = whistle_departments_refusal(departments, catalog)) {
    return Status(ErrorCode::Invalid, "departments: " + *why);
  }
  return act(office, core::Role::StreetOffice, case_id,
             core::CaseWhistled{core::WhistleLevel::District, kind, departments, note});
}

}  // namespace weimin::server
