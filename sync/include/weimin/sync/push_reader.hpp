// How the district reads a push request body (POST /v1/push, docs/PROTOCOL.md): in one pass
// over the text, without building its JSON document. The envelope's fields and each entry's
// fact are taken straight from the parser's events (strings moved, integers as read); only
// each fact's body is built as a JSON value. It refuses exactly what parse_push_request
// (protocol.hpp, the reference reader, kept for the tests and the fuzzer) refuses, with the
// same message, and each entry's fact is what parse_fact_payload makes of its payload.
// Thread-safety: a pure function; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/core/result.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::sync {

// An entry of a push request with its payload read as a fact.
struct PushFactEntry {
  std::int64_t seq = 0;
  std::string topic;
  // parse_fact_payload(payload, "$.entries[i].payload"): the fact, or why the payload is none
  // (an entry with a bad payload is rejected on its own; the request still stands).
  Result<FactPayload> fact;
};

// PushRequest's envelope with the entries read as facts.
struct PushFactsRequest {
  int schema = kSchema;
  std::string station_id;
  std::string stream;
  std::int64_t base_seq = 0;
  std::vector<PushFactEntry> entries;
};

// The push request of `text`. Fails exactly when parse_push_request(text) fails, with the same
// Status (Invalid: malformed JSON or UTF-8, a repeated key, nesting deeper than kMaxJsonDepth,
// a missing, mistyped or unknown field, seqs not consecutive after base_seq); the first fault
// in parse_push_request's order is the one reported. On success the envelope and each entry's
// seq and topic are parse_push_request's, and each fact is parse_fact_payload's of the payload.
Result<PushFactsRequest> read_push_facts(std::string_view text);

}  // namespace weimin::sync
