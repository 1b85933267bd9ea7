// The fields of a fact and of a push request, read and checked in one fixed order (the first
// fault is the one reported), whatever holds them: a parsed document (parse_fact_payload,
// parse_push_request) or the fields the push reader kept from SAX events (read_push_facts).
// One definition of the rules, so both readers refuse the same input with the same message.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "object_reader.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::sync::detail {

// The fact of one object (parse_fact_payload): strict, every field present with its type.
template <class Object>
Result<FactPayload> read_fact(BasicObjectReader<Object>& r) {
  FactPayload f;
  f.id = r.string("id");
  if (r.ok() && !is_uuid_text(f.id)) r.fail("id", "is not a lower-case UUID text");
  f.kind = r.string("kind", true);
  if (r.ok() && !is_safe_token(f.kind)) {
    r.fail("kind", "may hold only letters, digits and . _ - : (at most 128)");
  }
  f.subject = r.string("subject");
  if (r.ok() && f.subject.size() > 128) r.fail("subject", "is longer than 128 bytes");
  f.origin = r.string("origin", true);
  if (r.ok() && !is_safe_token(f.origin))
    r.fail("origin", "is not a node id such as station:530102001001");
  f.hlc = r.int64("hlc", 0);
  f.wall_ms = r.int64("wall_ms", 0);
  f.day = r.string("day");
  if (r.ok() && !is_day(f.day))
    r.fail("day", "'" + f.day.substr(0, 16) + "' is not a date YYYY-MM-DD");
  if (auto* body = r.any("body")) {
    if (Object::type_of(*body) != nlohmann::json::value_t::object) {
      r.fail("body", "expected a JSON object, got " + type_name(Object::type_of(*body)));
    } else {
      f.body = Object::take_whole(*body);
    }
  }
  WEIMIN_TRY(r.finish());
  return f;
}

// What a push request is called in the messages about its text.
inline constexpr std::string_view kPushRequestWhat = "the push request";

// "$.entries[i]", the path of a push request's entry i.
inline std::string push_entry_path(std::size_t i) {
  return "$.entries[" + std::to_string(i) + "]";
}

// One entry of a push request: seq and topic into the arguments, the payload (when present) to
// take_payload; the entry's own fault, if any.
template <class Object, class TakePayload>
Status read_push_entry(BasicObjectReader<Object>& er, std::int64_t& seq, std::string& topic,
                       TakePayload&& take_payload) {
  seq = er.int64("seq", 1);
  topic = er.string("topic", true);
  if (auto* p = er.any("payload")) take_payload(*p);
  return er.finish();
}

// A push request's envelope into m (schema, station_id, stream, base_seq), then its entries:
// `entries.count(list)` of them, `entries.read(list, i)` reading entry i into m and giving its
// seq or its fault; the entries' seqs are checked to follow base_seq and each other. The first
// fault is kept in r; the caller still calls r.finish() for the fields that are not the push's.
template <class Object, class Message, class Entries>
void read_push_fields(BasicObjectReader<Object>& r, Message& m, Entries&& entries) {
  m.schema = r.schema();
  m.station_id = r.string("station_id", true);
  m.stream = r.string("stream");
  if (r.ok() && !is_uuid_text(m.stream)) {
    r.fail("stream", "is not a lower-case UUID text; a stream id is a UUID the station makes");
  }
  m.base_seq = r.int64("base_seq", 0);
  auto* list = r.array("entries");
  if (!list) return;
  const std::size_t n = entries.count(*list);
  m.entries.reserve(n);
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Result<std::int64_t> seq = entries.read(*list, i);
    if (!seq.is_ok()) return r.fail_status(seq.status());
    if (i == 0 && *seq <= m.base_seq) {
      return r.fail_status(invalid_at(
          push_entry_path(i) + ".seq",
          "seq " + std::to_string(*seq) + " is not after base_seq " + std::to_string(m.base_seq)));
    }
    // previous + 1 as the two's complement machine adds (no overflow at INT64_MAX).
    const auto expected =
        i == 0 ? *seq : static_cast<std::int64_t>(static_cast<std::uint64_t>(previous) + 1);
    if (*seq != expected) {
      return r.fail_status(
          invalid_at(push_entry_path(i) + ".seq", "seq " + std::to_string(*seq) + " should be " +
                                                      std::to_string(expected) +
                                                      ": entries of a batch are consecutive"));
    }
    previous = *seq;
  }
}

}  // namespace weimin::sync::detail
