// libFuzzer target: every parser of the wire protocol (sync/protocol) on arbitrary bytes. A
// parser may refuse anything, but must not crash, leak or hang; what it accepts must survive
// a round trip through its writer. The district's push reader must agree with the reference
// one (push_reader_contract.hpp) on every input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "push_reader_contract.hpp"
#include "weimin/sync/protocol.hpp"
#include "weimin/sync/protocol_auth.hpp"
#include "weimin/sync/protocol_digest.hpp"
#include "weimin/sync/protocol_schema.hpp"

using namespace weimin::sync;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  weimin::test::abort_on_push_reader_difference(text);
  if (auto m = parse_push_request(text); m.is_ok()) {
    if (!parse_push_request(to_json(*m)).is_ok()) std::abort();
    for (const auto& e : m->entries) {
      // A fact fitted to schema 1 (the district's pull for the release before) still reads as
      // a fact, and fitting it again changes nothing.
      const bool fact = parse_fact_payload(e.payload).is_ok();
      nlohmann::json fitted = e.payload;
      if (fit_fact_to_schema(fitted, 1) == SchemaFit::trimmed) {
        if (fact && !parse_fact_payload(fitted).is_ok()) std::abort();
        if (fit_fact_to_schema(fitted, 1) != SchemaFit::as_is) std::abort();
      }
    }
  }
  if (auto m = parse_pull_response(text); m.is_ok()) {
    auto again = parse_pull_response(to_json(*m));
    if (!again.is_ok() || again->left_out != m->left_out || again->trimmed != m->trimmed) {
      std::abort();
    }
  }
  if (auto m = parse_enroll_request(text); m.is_ok()) {
    if (!parse_enroll_request(to_json(*m)).is_ok()) std::abort();
  }
  (void)parse_enroll_response(text);
  (void)parse_push_response(text);
  (void)parse_status_response(text);
  (void)parse_digest_response(text);
  (void)parse_health_response(text);
  if (auto e = parse_error_body(text); e.is_ok()) {
    if (!parse_error_body(to_json(*e)).is_ok()) std::abort();
  }
  if (auto q = parse_pull_query(text); q.is_ok()) {
    auto again = parse_pull_query(to_query(*q));
    if (!again.is_ok() || again->schema != q->schema) std::abort();
  }
  if (auto q = parse_digest_query(text); q.is_ok()) {
    auto again = parse_digest_query(to_query(*q));
    if (!again.is_ok() || again->schema != q->schema) std::abort();
  }
  (void)base64_decode(text);
  // The signature headers, split at the first newline.
  HttpRequest r{"POST", "/v1/push", "", {}, ""};
  auto nl = text.find('\n');
  r.headers["Signature-Input"] = text.substr(0, nl);
  r.headers["Signature"] = nl == std::string::npos ? "" : text.substr(nl + 1);
  r.headers["Content-Digest"] = content_digest("");
  auto parts = read_signed_parts(r);
  if (parts.ok)
    (void)verify_signature(parts.parts.base, parts.parts.signature, std::string(32, 'k'));
  return 0;
}
