// The station API of DistrictService: health, enrolment with a one-time token, and the signed
// push, pull, status and digest (docs/PROTOCOL.md); what a pushed entry must be to be applied
// (with fact_rules.hpp), and which roster entries a station receives.
// Thread-safety: requests run in parallel (service_handlers.hpp); a push holds the service's
// write_mutex_ only from its case-scope check to its write, and only when it has case events.
#include <sodium.h>

#include <algorithm>
#include <optional>

#include "service_handlers.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/server/govern.hpp"
#include "weimin/server/neighbour.hpp"
#include "weimin/sync/protocol_auth.hpp"
#include "weimin/sync/protocol_digest.hpp"
#include "weimin/sync/protocol_schema.hpp"

namespace weimin::server {

using nlohmann::json;
using sync::HttpRequest;
using sync::HttpResponse;

namespace {

// Why a pushed entry can never be applied, or nothing when it can, as far as the entry alone
// tells: its form, its origin, and for a case event whether a station may write it
// (fact_rules.hpp). `event` gets a case event's parsed form. The case's community and the
// whistle's departments are checked against the store afterwards (check_case_scope).
std::optional<std::string> check_entry(sync::PushFactEntry& e, std::size_t index,
                                       const StationRecord& station, sync::FactPayload& out,
                                       std::optional<core::CaseEvent>& event) {
  std::string path = "$.entries[" + std::to_string(index) + "].payload";
  if (e.topic != "fact") {
    return "topic '" + e.topic.substr(0, 32) + "' is not known to this district (only \"fact\")";
  }
  auto& f = e.fact;  // read with the request (sync::read_push_facts)
  if (!f.is_ok()) return f.status().message();
  if (f->origin != station.station_id) {
    return path + ".origin: '" + f->origin + "' is not the pushing station " + station.station_id +
           "; a station pushes only the facts it made";
  }
  if (auto why = govern::entry_refusal(*f)) return path + *why;     // consult.*, access.*, …
  if (auto why = neighbour::entry_refusal(*f)) return path + *why;  // wish.*, care.*
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
      if (auto why = whistle_departments_form_refusal(
              std::get<core::CaseWhistled>(ev->payload).departments)) {
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

}  // namespace

std::string station_revoked_message(const std::string& station_id, std::int64_t revoked_ms) {
  return "station " + station_id.substr(0, 64) + " was revoked by the district's administrator (" +
         core::local_date_time(revoked_ms) +
         " Beijing time): the district refuses its requests and keeps its data. If this station "
         "should work again, ask the district for a new enrol token and enrol again (weimin "
         "enroll)";
}

std::optional<ServiceHandlers::Signed> ServiceHandlers::authenticate(
    const HttpRequest& req, HttpResponse& fail, sync::SignedPartsOrError* pre) {
  auto parts = pre != nullptr ? std::move(*pre) : sync::read_signed_parts(req);
  if (!parts.ok) {
    fail =
        error_response(401, std::string(sync::to_code(parts.error.failure)), parts.error.message);
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
  if ((*station)->revoked_ms) {
    fail = error_response(401, "station_revoked",
                          station_revoked_message(p.params.keyid, *(*station)->revoked_ms));
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
  auto fresh =
      s_.store_.remember_nonce(p.params.keyid, p.params.nonce, t, t - 2 * s_.options_.max_skew_ms);
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

void ServiceHandlers::record_contact(const HttpRequest& req, const Signed& who,
                                     const HttpResponse& response) {
  const bool synced = response.status == 200 && (req.path == "/v1/push" || req.path == "/v1/pull");
  Status recorded = s_.store_.record_station_contact(
      who.station.station_id, sync::read_station_report(req.headers), now(), synced);
  if (!recorded.is_ok() && log_.detail.empty()) {
    log_.detail = "the station's contact was not recorded: " + recorded.to_string();
  }
}

HttpResponse ServiceHandlers::health() {
  auto e = s_.store_.epoch();
  if (!e.is_ok()) return status_response(e.status());
  return json_response(200, sync::to_json(sync::HealthResponse{"ok", *e, now()}));
}

HttpResponse ServiceHandlers::enroll(const HttpRequest& req) {
  auto m = sync::parse_enroll_request(req.body);
  if (!m.is_ok()) return error_response(400, "bad_request", m.status().message());
  auto district = s_.store_.district();
  if (!district.is_ok()) return status_response(district.status());
  if (district_of(m->community) != *district) {
    return error_response(403, "out_of_scope",
                          "community " + m->community + " is not in district " + *district +
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

HttpResponse ServiceHandlers::push(const HttpRequest& req, const Signed& who) {
  // Read by route() in a push slot (sync::read_push_facts: the envelope and each entry's fact,
  // without a document; reading is a large part of a push's CPU); read here only when called
  // without that.
  std::optional<Result<sync::PushFactsRequest>> own;
  if (parsed_push_ == nullptr) own.emplace(sync::read_push_facts(req.body));
  Result<sync::PushFactsRequest>& m = own ? *own : *parsed_push_;
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
  // signing station.
  std::vector<std::optional<core::CaseEvent>> events(m->entries.size());
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
  // A case's community is the one of its first case.collected at the district: the check of
  // the batch's cases against what the store holds and the batch's write happen together, so
  // two stations' first facts of one case cannot both pass (service.hpp, write_mutex_). A
  // batch without case events takes no lock; the store keeps each stream exactly-once.
  std::unique_lock<std::mutex> case_lock;
  if (std::any_of(events.begin(), events.end(), [](const auto& e) { return e.has_value(); })) {
    case_lock = std::unique_lock(s_.write_mutex_);
  }
  if (auto bad = check_case_scope(batch, events, who.station)) return *bad;
  auto out = s_.store_.apply_push(batch);
  if (case_lock.owns_lock()) case_lock.unlock();
  if (!out.is_ok()) return status_response(out.status());
  if (out->gap_expected) {
    sync::ErrorBody e{"gap", "the batch starts at seq " + std::to_string(m->entries.front().seq) +
                                 " but the district expects " + std::to_string(*out->gap_expected) +
                                 " on stream " + m->stream + "; push from there"};
    e.expected_seq = *out->gap_expected;
    return json_response(409, sync::to_json(e));
  }
  if (out->added) s_.own_ranges_.note(who.station.station_id, out->epoch, *out->added);
  return json_response(
      200, sync::to_json(sync::PushResponse{out->applied_through, out->applied, out->duplicates,
                                            out->rejected, now()}));
}

std::optional<HttpResponse> ServiceHandlers::check_case_scope(
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
  std::shared_ptr<const CatalogScope> catalog;
  if (whistles) {
    auto c = s_.catalog_scope_now();
    if (!c.is_ok()) return status_response(c.status());
    catalog = std::move(c).value();
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
          std::get<core::CaseWhistled>(events[i]->payload).departments, catalog.get());
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

HttpResponse ServiceHandlers::pull(const HttpRequest& req, const Signed& who) {
  auto q = sync::parse_pull_query(req.query);
  if (!q.is_ok()) return error_response(400, "bad_request", q.status().message());
  auto e = s_.store_.epoch();
  if (!e.is_ok()) return status_response(e.status());
  if (!q->epoch.empty() && q->epoch != *e) {
    sync::ErrorBody body{"epoch_changed", "the district was restored and is now in epoch " + *e +
                                              " (you asked in " + q->epoch +
                                              "); pull again from 0 and push your own facts again"};
    body.epoch = *e;
    return json_response(409, sync::to_json(body));
  }
  const std::string skip_origin = q->own ? std::string() : who.station.station_id;
  const std::vector<GseqRange> skip_ranges =
      q->own ? std::vector<GseqRange>() : s_.own_ranges_.past(who.station.station_id, *e, q->after);
  auto page = s_.store_.read_changes(who.station.community, q->after, q->limit,
                                     s_.options_.page_bytes, skip_origin, skip_ranges);
  if (!page.is_ok()) return status_response(page.status());
  sync::PullResponse r;
  r.epoch = *e;
  r.changes.reserve(page->changes.size());
  std::int64_t left_out = 0, trimmed = 0;
  for (sync::Change& c : page->changes) {
    if (c.type == "roster") {
      // Each station receives its own community's staff only (their PIN hashes included).
      c.record = roster_for(c.record, who.station.community);
    } else if (c.type == "fact" && q->schema < sync::kSchema) {
      // A station of the release before gets only what its schema knows (the cursor still
      // moves past the rest; it pulls again from the start once upgraded).
      const sync::SchemaFit fit = sync::fit_fact_to_schema(c.record, q->schema);
      if (fit == sync::SchemaFit::left_out) {
        ++left_out;
        continue;
      }
      if (fit == sync::SchemaFit::trimmed) ++trimmed;
    }
    r.changes.push_back(std::move(c));
  }
  r.count = static_cast<std::int64_t>(r.changes.size());
  r.checksum = sync::page_checksum(r.changes);
  r.next_after = page->next_after;
  r.more = page->more;
  r.server_ms = now();
  if (q->schema >= 2) {
    r.left_out = left_out;
    r.trimmed = trimmed;
  }
  HttpResponse out = json_response(200, sync::to_json(r));
  if (left_out > 0 || trimmed > 0) {
    // Also for a schema-1 station, whose release refuses unknown keys in the body.
    out.headers[std::string(sync::kLeftOutHeader)] = std::to_string(left_out);
    out.headers[std::string(sync::kTrimmedHeader)] = std::to_string(trimmed);
  }
  return out;
}

HttpResponse ServiceHandlers::status(const HttpRequest& req, const Signed& who) {
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

HttpResponse ServiceHandlers::digest(const HttpRequest& req, const Signed& who) {
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
  auto d = s_.store_.digests(who.station.community, q->from, q->to, q->schema);
  if (!d.is_ok()) return status_response(d.status());
  return json_response(200, sync::to_json(sync::DigestResponse{std::move(*d)}));
}

}  // namespace weimin::server
