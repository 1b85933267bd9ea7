// The contract of the district's push reader (sync/push_reader.hpp) against the reference
// reader (parse_push_request), checked by the protocol tests and the fuzzers: for every text,
// read_push_facts fails exactly when parse_push_request does, with the same code and message;
// when both succeed, they agree on the envelope and on each entry's seq and topic, and each
// entry's fact is parse_fact_payload's of that entry's payload (the same fact, or the same
// error message).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "weimin/sync/protocol.hpp"
#include "weimin/sync/push_reader.hpp"

namespace weimin::test {

// What the two readers disagree on for `text`, or nothing when they agree. `accepted` (when
// given) is set to whether the text was accepted.
inline std::optional<std::string> push_reader_difference(std::string_view text,
                                                         bool* accepted = nullptr) {
  auto reference = sync::parse_push_request(text);
  auto streamed = sync::read_push_facts(text);
  if (accepted) *accepted = reference.is_ok();
  auto said = [](const Status& s) { return s.is_ok() ? std::string("accepts") : s.to_string(); };
  if (reference.is_ok() != streamed.is_ok() ||
      (!reference.is_ok() && (reference.status().code() != streamed.status().code() ||
                              reference.status().message() != streamed.status().message()))) {
    return "parse_push_request: " + said(reference.status()) +
           "\nread_push_facts:    " + said(streamed.status());
  }
  if (!reference.is_ok()) return std::nullopt;
  const sync::PushRequest& r = *reference;
  const sync::PushFactsRequest& s = *streamed;
  if (r.schema != s.schema || r.station_id != s.station_id || r.stream != s.stream ||
      r.base_seq != s.base_seq || r.entries.size() != s.entries.size()) {
    return std::string("the envelopes differ");
  }
  for (std::size_t i = 0; i < r.entries.size(); ++i) {
    const std::string at = "entry " + std::to_string(i) + ": ";
    if (r.entries[i].seq != s.entries[i].seq || r.entries[i].topic != s.entries[i].topic) {
      return at + "seq or topic differ";
    }
    auto fact = sync::parse_fact_payload(r.entries[i].payload,
                                         "$.entries[" + std::to_string(i) + "].payload");
    const auto& got = s.entries[i].fact;
    if (fact.is_ok() != got.is_ok()) {
      return at + "parse_fact_payload " + said(fact.status()) + "; read_push_facts " +
             said(got.status());
    }
    if (!fact.is_ok() && fact.status().to_string() != got.status().to_string()) {
      return at + "parse_fact_payload " + said(fact.status()) + "; read_push_facts " +
             said(got.status());
    }
    if (fact.is_ok() && !(*fact == *got)) {
      return at + "the facts differ: " + sync::canonical_text(*fact) + " vs " +
             sync::canonical_text(*got);
    }
  }
  return std::nullopt;
}

// For the fuzzers: prints the difference and aborts when the readers disagree on `text`.
inline void abort_on_push_reader_difference(std::string_view text) {
  if (auto difference = push_reader_difference(text)) {
    std::fprintf(stderr, "read_push_facts differs from parse_push_request:\n%s\n",
                 difference->c_str());
    std::abort();
  }
}

}  // namespace weimin::test
