// SyncClient: the station's calls to its district (docs/PROTOCOL.md) over a Transport —
// health, enrolment, push, pull, status and digests — with every request after enrolment
// signed with the station's Ed25519 key. It learns the district's clock from each response's
// X-Weimin-Server-Time and signs with the corrected time, so a station whose clock is off is
// still heard (one retry after stale_time) and is told how far off it is.
// Refusals come back as Status values that say in plain words what the district refused and
// why (Unauthenticated / PermissionDenied / Rejected are permanent; Unavailable is worth a
// retry). A gap on push and a changed epoch on pull are answers, not errors: see PushOutcome
// and PullOutcome. Every signed request also reports this build's version and, when the
// station gave a way to count them, how many facts wait in its outbox (X-Weimin-Version,
// X-Weimin-Waiting; informational, outside the signature).
// Thread-safety: one thread at a time per SyncClient.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "weimin/core/result.hpp"
#include "weimin/core/secret.hpp"
#include "weimin/sync/protocol.hpp"
#include "weimin/sync/transport.hpp"

namespace weimin::sync {

// Move-only: the secret key lives in a wiped buffer (core/secret.hpp) and is handed to
// libsodium as a view when a request is signed, never copied into a string.
struct StationIdentity {
  std::string station_id;   // "station:530102001001"
  SecretBuffer secret_key;  // 64 raw bytes (libsodium Ed25519 form)
};

struct PushOutcome {
  bool gap = false;  // 409 gap: the district expects expected_seq first
  std::int64_t expected_seq = 0;
  PushResponse response;  // when !gap
};

struct PullOutcome {
  bool epoch_changed = false;  // 409 epoch_changed: the district was restored
  std::string new_epoch;
  PullResponse page;  // when !epoch_changed; count and checksum verified
};

// A push whose payloads are JSON object texts as the outbox stores them: they are put into the
// body as they are (no parse and re-dump per fact). A payload that is not an object's text is
// sent as null, which the district rejects for that entry alone.
struct RawPushEntry {
  std::int64_t seq = 0;
  std::string topic;         // "fact"
  std::string payload_json;  // e.g. {"id":"…",…}
};
struct RawPushRequest {
  std::string station_id;
  std::string stream;
  std::int64_t base_seq = 0;
  std::vector<RawPushEntry> entries;  // seq increasing by 1
};
// The body of a /v1/push for `request` (the same document to_json(PushRequest) makes).
std::string push_body(const RawPushRequest& request);

class SyncClient {
 public:
  using NowMs = std::function<std::int64_t()>;
  SyncClient(Transport& transport, NowMs now_ms);

  void set_identity(StationIdentity identity) { identity_ = std::move(identity); }
  // Asked before each signed request for the number of facts waiting in the station's outbox
  // (sent as X-Weimin-Waiting); nothing, or no function set, sends no such header.
  using WaitingCount = std::function<std::optional<std::int64_t>()>;
  void set_waiting_count(WaitingCount count) { waiting_count_ = std::move(count); }
  // The district's clock minus ours, as last seen (0 before any response).
  std::int64_t clock_offset_ms() const { return offset_ms_; }
  bool clock_known() const { return clock_known_; }

  Result<HealthResponse> health();
  // Unsigned; a bad, used or expired token is Rejected with the district's reason.
  Result<EnrollResponse> enroll(const EnrollRequest& request);
  Result<PushOutcome> push(const PushRequest& request);
  Result<PushOutcome> push(const RawPushRequest& request);
  Result<PullOutcome> pull(const PullRequest& request);
  Result<StatusResponse> status();
  Result<DigestResponse> digest(const DigestRequest& request);

  // Requests sent, including retries (for the tests and the benchmark).
  std::int64_t requests_sent() const { return requests_; }

 private:
  // Sends (signed when `sign`); on 401 stale_time corrects the clock and retries once.
  Result<HttpResponse> call(HttpRequest request, bool sign);
  void learn_clock(const HttpResponse& response);
  Result<PushOutcome> push_body_text(std::string body, std::size_t count);

  Transport& transport_;
  NowMs now_ms_;
  StationIdentity identity_;
  WaitingCount waiting_count_;
  std::int64_t offset_ms_ = 0;
  bool clock_known_ = false;
  std::int64_t requests_ = 0;
};

// The district's refusal `response` (a 4xx/5xx) as a Status in plain words: `doing` says what
// was attempted ("pushing 1000 facts").
Status refusal(const HttpResponse& response, std::string_view doing);

}  // namespace weimin::sync
