// The wire messages between a station and its district (docs/PROTOCOL.md), shared by the sync
// client and the district server so both sides read and write exactly the same JSON. Parsing
// is strict: a missing field, a field of the wrong type, an unknown field, malformed JSON or
// invalid UTF-8 is refused with Invalid and a message naming the JSON path ("$.entries[3].seq").
// Every request and response body carries "schema"; the district accepts kSchema and the one
// before it (kOldestSchema).
// Thread-safety: value types and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "weimin/core/result.hpp"
#include "weimin/sync/http.hpp"

namespace weimin::sync {

// Schema 2 brought issue 16's fact kinds and case.collected's `where` (protocol_schema.hpp
// says which schema each kind came with); schema 1 is the release before it.
inline constexpr int kSchema = 2;
// N−1: the district still serves stations of the release before (docs/PROTOCOL.md, "Schemas").
inline constexpr int kOldestSchema = 1;

// Default and hard bounds of a pull page.
inline constexpr std::int64_t kDefaultPageCount = 1000;
inline constexpr std::int64_t kMaxPageCount = 10000;
inline constexpr std::size_t kDefaultPageBytes = 1 << 20;
// Largest request body the district reads (413 above).
inline constexpr std::size_t kMaxRequestBytes = 8 << 20;
// A signed request's `created` may be at most this far from the district's clock.
inline constexpr std::int64_t kMaxClockSkewMs = 5 * 60 * 1000;

// Header every district response carries: the district's clock, unix ms.
inline constexpr std::string_view kServerTimeHeader = "X-Weimin-Server-Time";

// Deepest nesting of arrays and objects parse_json accepts.
inline constexpr int kMaxJsonDepth = 64;

// Parses a JSON document; Invalid with `what` and the parser's position when it is malformed
// or holds invalid UTF-8, and Invalid when arrays and objects nest deeper than kMaxJsonDepth
// or an object gives one key twice (checked while parsing: nothing deeper is ever built, so
// dump() of the result cannot recurse deeper either).
Result<nlohmann::json> parse_json(std::string_view text, std::string_view what);

// [SECTION] Error bodies

// {"error":{"code":"snake_case","message":"…"}}; a 409 gap adds "expected_seq", a 409
// epoch_changed adds "epoch" inside "error".
struct ErrorBody {
  std::string code;
  std::string message;
  std::optional<std::int64_t> expected_seq;
  std::optional<std::string> epoch;
};
std::string to_json(const ErrorBody& e);
Result<ErrorBody> parse_error_body(std::string_view text);

// [SECTION] Health and enrolment

struct HealthResponse {
  std::string status;  // "ok"
  std::string epoch;
  std::int64_t server_ms = 0;
};
std::string to_json(const HealthResponse& m);
Result<HealthResponse> parse_health_response(std::string_view text);

struct EnrollRequest {
  int schema = kSchema;
  std::string token;
  std::string community;   // 12-digit community code, e.g. "530102001001"
  std::string public_key;  // base64 of the 32-byte Ed25519 public key
};
std::string to_json(const EnrollRequest& m);
Result<EnrollRequest> parse_enroll_request(std::string_view text);

struct EnrollResponse {
  std::string station_id;  // "station:<community>"
  std::string community;
  std::string district;  // first 6 digits of the community
  std::string epoch;
  std::int64_t server_ms = 0;
};
std::string to_json(const EnrollResponse& m);
Result<EnrollResponse> parse_enroll_response(std::string_view text);

// [SECTION] Facts

// A fact as it travels: exactly what Station::append puts in the outbox, and what a pull
// returns as a "fact" change's record.
struct FactPayload {
  std::string id;       // UUIDv7, canonical text
  std::string kind;     // e.g. "case.whistled"
  std::string subject;  // the ticket, case or appointment it is about
  std::string origin;   // "station:<community>" or "district:<district>"
  std::int64_t hlc = 0;
  std::int64_t wall_ms = 0;
  std::string day;      // origin's local date YYYY-MM-DD
  nlohmann::json body;  // a JSON object
  bool operator==(const FactPayload&) const = default;
};
nlohmann::json to_json_value(const FactPayload& f);
// Exactly to_json_value(f).dump() (the canonical text pulls return and checksums cover), written
// field by field without building the envelope's JSON value or copying the body.
std::string canonical_text(const FactPayload& f);
// Strict: every field present with its type, no others; day is YYYY-MM-DD; id is 36 chars of
// UUID text; body is an object. `path` prefixes error messages.
Result<FactPayload> parse_fact_payload(const nlohmann::json& j, std::string_view path = "$");
// The same, moving the body out of `j` instead of copying it.
Result<FactPayload> parse_fact_payload(nlohmann::json&& j, std::string_view path = "$");

// [SECTION] Push

struct PushEntry {
  std::int64_t seq = 0;
  std::string topic;       // "fact"
  nlohmann::json payload;  // parsed per entry with parse_fact_payload; a bad one is rejected
};
struct PushRequest {
  int schema = kSchema;
  std::string station_id;
  std::string stream;              // UUID text, made by the station
  std::int64_t base_seq = 0;       // the outbox seq the stream starts after
  std::vector<PushEntry> entries;  // seq increasing by 1
};
std::string to_json(const PushRequest& m);
// Strict on the envelope and each entry's seq/topic/payload being present with their types;
// entries' seqs must be consecutive and > base_seq. Payload contents are not checked here.
// The reference reader of a push body (it builds the whole document): the district reads pushes
// with read_push_facts (push_reader.hpp), which the tests and the fuzzer hold to this one.
Result<PushRequest> parse_push_request(std::string_view text);

struct RejectedEntry {
  std::int64_t seq = 0;
  std::string reason;
};
struct PushResponse {
  std::int64_t applied_through = 0;
  std::int64_t applied = 0;
  std::int64_t duplicates = 0;
  std::vector<RejectedEntry> rejected;
  std::int64_t server_ms = 0;
};
std::string to_json(const PushResponse& m);
Result<PushResponse> parse_push_response(std::string_view text);

// [SECTION] Pull

struct Change {
  std::int64_t gseq = 0;
  std::string type;       // "fact" | "catalog" | "roster"
  nlohmann::json record;  // fact: a FactPayload; catalog/roster: the published document
  bool operator==(const Change&) const = default;
};
nlohmann::json to_json_value(const Change& c);

struct PullRequest {
  std::int64_t after = 0;
  std::string epoch;  // empty on the very first pull (any epoch accepted)
  std::int64_t limit = kDefaultPageCount;
  // false: leave out the facts the asking station made itself (it holds them already). A
  // station asks with own=true only while it rebuilds from cursor 0 (enrolment, a new district
  // epoch, a digest repair), when its own facts may be what it lacks.
  bool own = true;
  // The schema the asking station speaks: the page holds only what that schema knows. A pull
  // without `schema` is one of schema 1 (that release did not send it).
  int schema = kSchema;
};
// "after=G&epoch=E&limit=N[&own=0]&schema=S" (epoch omitted when empty, own only when false,
// schema only when above 1).
std::string to_query(const PullRequest& r);
// Strict: known keys only, integers in range; limit defaults to kDefaultPageCount and is
// capped at kMaxPageCount; own is 0 or 1 (default 1); schema kOldestSchema..kSchema (default 1).
Result<PullRequest> parse_pull_query(std::string_view query);

struct PullResponse {
  std::string epoch;
  std::vector<Change> changes;
  std::int64_t count = 0;
  std::string checksum;  // page_checksum(changes)
  std::int64_t next_after = 0;
  bool more = false;
  std::int64_t server_ms = 0;
  // What the district left out of this page because the asking station's schema does not know
  // it: whole facts of newer kinds (left_out), and facts sent without their newer fields
  // (trimmed). In the body from schema 2 on (0 when nothing was); a page for schema 1 has
  // neither key (that release refuses unknown keys): the counts go in the X-Weimin-Left-Out
  // and X-Weimin-Trimmed headers instead (kLeftOutHeader, kTrimmedHeader).
  std::optional<std::int64_t> left_out;
  std::optional<std::int64_t> trimmed;
};
inline constexpr std::string_view kLeftOutHeader = "X-Weimin-Left-Out";
inline constexpr std::string_view kTrimmedHeader = "X-Weimin-Trimmed";
std::string to_json(const PullResponse& m);
// Also checks count == changes.size() and the checksum (Corrupt when they disagree).
Result<PullResponse> parse_pull_response(std::string_view text);

// [SECTION] Status and digests

struct StreamPosition {
  std::string stream;
  std::int64_t applied_through = 0;
};
struct RejectRecord {
  std::string stream;
  std::int64_t seq = 0;
  std::string reason;
  std::int64_t at_ms = 0;
};
struct StatusResponse {
  std::string station_id;
  std::vector<StreamPosition> streams;
  std::vector<RejectRecord> rejected;
  std::string epoch;
  std::int64_t clock_skew_ms = 0;  // the station's created time minus the district's clock
};
std::string to_json(const StatusResponse& m);
Result<StatusResponse> parse_status_response(std::string_view text);

struct DayDigest {
  std::string table;  // "fact"
  std::string day;    // YYYY-MM-DD
  std::int64_t count = 0;
  std::string hash;  // hex, see day_digests()
  bool operator==(const DayDigest&) const = default;
};
struct DigestRequest {
  std::string from;  // YYYY-MM-DD
  std::string to;    // YYYY-MM-DD, inclusive
  // As a pull's: the digests cover only the facts a page for this schema holds, so a station
  // of the release before does not find every day with a newer kind differing. Absent: 1.
  int schema = kSchema;
};
// "from=D&to=D[&schema=S]" (schema only when above 1).
std::string to_query(const DigestRequest& r);
Result<DigestRequest> parse_digest_query(std::string_view query);
struct DigestResponse {
  std::vector<DayDigest> digests;
};
std::string to_json(const DigestResponse& m);
Result<DigestResponse> parse_digest_response(std::string_view text);

// [SECTION] Small checks shared by both sides

bool is_day(std::string_view text);             // YYYY-MM-DD with a plausible month and day
bool is_community_code(std::string_view text);  // 12 digits
bool is_uuid_text(std::string_view text);       // 8-4-4-4-12 lower-case hex
// "station:530102001001" for a community.
std::string station_id_for(std::string_view community);

// [SECTION] What a station reports

// Headers a station adds to every signed request: its software version and how many facts
// wait in its outbox, not yet pushed. Informational only: not signed, never trusted for
// anything, shown to the district's administrator (docs/PROTOCOL.md, "What a station reports").
inline constexpr std::string_view kVersionHeader = "X-Weimin-Version";
inline constexpr std::string_view kWaitingHeader = "X-Weimin-Waiting";
inline constexpr std::size_t kMaxVersionBytes = 64;
inline constexpr std::int64_t kMaxWaiting = 1'000'000'000'000;  // 10^12

struct StationReport {
  std::optional<std::string> version;   // 1-64 printable ASCII characters
  std::optional<std::int64_t> waiting;  // 0 ... kMaxWaiting
  bool operator==(const StationReport&) const = default;
};
// What the report headers of a request say. A header that is absent or out of bounds (a
// version of 1 to 64 printable ASCII characters, space to '~'; a waiting count of 1 to 13
// decimal digits, at most 10^12) is left unset: never an error.
StationReport read_station_report(const Headers& headers);

}  // namespace weimin::sync
