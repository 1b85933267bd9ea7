// How a station signs its requests and how the district checks them, in the manner of HTTP
// Message Signatures (RFC 9421) with Ed25519 (libsodium): the covered components are
// ("@method" "@path" "@query" "content-digest") with created, nonce, keyid and alg parameters.
// signature_base() is the ONE function that builds the signed text; both sides use it.
// Thread-safety: pure functions, safe from any thread (libsodium is initialised on first use).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "weimin/core/result.hpp"
#include "weimin/sync/http.hpp"

namespace weimin::sync {

// Base64 (RFC 4648, with padding) and back; decoding refuses anything else with Invalid.
std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);
// Lower-case hex of SHA-256.
std::string sha256_hex(std::string_view bytes);

// `sha-256=:<base64 of SHA-256(body)>:`
std::string content_digest(std::string_view body);

struct StationKeyPair {
  std::string public_key;  // 32 raw bytes
  std::string secret_key;  // 64 raw bytes (libsodium's seed || public key form)
};
StationKeyPair generate_station_key();

// A `created` parameter must be above 0 and below this (2^40 s, about the year 36812); anything
// else is refused before any arithmetic is done with it.
inline constexpr std::int64_t kMaxCreated = std::int64_t{1} << 40;

struct SignatureParams {
  std::int64_t created = 0;  // unix seconds
  std::string nonce;         // base64 of random bytes
  std::string keyid;         // the station id
  std::string alg = "ed25519";
  bool operator==(const SignatureParams&) const = default;
};

// The value of Signature-Input after "sig1=": ("@method" "@path" "@query"
// "content-digest");created=…;nonce="…";keyid="…";alg="ed25519"
std::string signature_params_text(const SignatureParams& p);

// RFC 9421 §2.5: one line per covered component, then "@signature-params". `query` is the raw
// query without '?' (the "@query" line is "?" + query, or "?" when empty).
std::string signature_base(std::string_view method, std::string_view path, std::string_view query,
                           std::string_view content_digest_value, const SignatureParams& params);

// Adds Content-Digest, Signature-Input and Signature to `request`. `nonce` empty: a random
// 16-byte nonce is made.
void sign_request(HttpRequest& request, const SignatureParams& params, std::string_view secret_key);
// The same with created = now_ms / 1000 and a fresh nonce.
void sign_request(HttpRequest& request, std::string_view station_id, std::string_view secret_key,
                  std::int64_t now_ms);

// What the headers of a signed request say. The checks that need the district's state (which
// key, which nonces were seen, what time it is) are the caller's.
struct SignedParts {
  SignatureParams params;
  std::string signature;  // 64 raw bytes
  std::string base;       // the signature base rebuilt from the request
};

// Why a request's signature is not acceptable: the 401 codes of docs/PROTOCOL.md.
enum class AuthFailure { Unsigned, BadDigest, BadSignature };
std::string_view to_code(AuthFailure f);  // "unsigned", "bad_digest", "bad_signature"

struct AuthError {
  AuthFailure failure;
  std::string message;
};

// Reads the signature headers of `request`, checks Content-Digest against the body, and
// rebuilds the signature base. Unsigned: a signature header is missing; BadDigest: the digest
// header is missing, malformed or does not match; BadSignature: the headers are malformed or
// name other components or algorithm.
struct SignedPartsOrError {
  bool ok = false;
  SignedParts parts;
  AuthError error{AuthFailure::Unsigned, {}};
};
SignedPartsOrError read_signed_parts(const HttpRequest& request);

// Ed25519 check of `signature` over `base` with a 32-byte public key.
bool verify_signature(std::string_view base, std::string_view signature,
                      std::string_view public_key);

}  // namespace weimin::sync
