// RFC 9421-style request signatures with Ed25519 (protocol_auth.hpp).
#include "weimin/sync/protocol_auth.hpp"

#include <charconv>

#include <sodium.h>

#include <mutex>

namespace weimin::sync {

namespace {

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // libsodium cannot work without a random source
  });
}

const std::string_view kComponents = R"(("@method" "@path" "@query" "content-digest"))";

// Reads `name=` followed by a quoted string or a bare integer, from `text` at `pos`.
bool read_param(std::string_view text, std::size_t& pos, std::string& name, std::string& value) {
  if (pos >= text.size() || text[pos] != ';') return false;
  ++pos;
  std::size_t eq = text.find('=', pos);
  if (eq == std::string_view::npos) return false;
  name = std::string(text.substr(pos, eq - pos));
  pos = eq + 1;
  if (pos < text.size() && text[pos] == '"') {
    std::size_t end = text.find('"', pos + 1);
    if (end == std::string_view::npos) return false;
    value = std::string(text.substr(pos + 1, end - pos - 1));
    if (value.find('\\') != std::string::npos) return false;
    pos = end + 1;
  } else {
    std::size_t end = pos;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == pos || end - pos > 18) return false;
    value = std::string(text.substr(pos, end - pos));
    pos = end;
  }
  return true;
}

// ":<base64>:" → bytes.
Result<std::string> read_byte_sequence(std::string_view v) {
  if (v.size() < 2 || v.front() != ':' || v.back() != ':') {
    return Status(ErrorCode::Invalid, "not a :base64: byte sequence");
  }
  return base64_decode(v.substr(1, v.size() - 2));
}

SignedPartsOrError fail(AuthFailure f, std::string message) {
  SignedPartsOrError out;
  out.ok = false;
  out.error = AuthError{f, std::move(message)};
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  ensure_sodium();
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  ensure_sodium();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return Status(ErrorCode::Invalid, "'" + std::string(text.substr(0, 32)) +
                                          "' is not base64 (RFC 4648 with padding)");
  }
  out.resize(len);
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof h);
  for (unsigned char c : h) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string content_digest(std::string_view body) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  return "sha-256=:" + base64_encode(std::string_view(reinterpret_cast<char*>(h), sizeof h)) + ":";
}

StationKeyPair generate_station_key() {
  ensure_sodium();
  StationKeyPair k;
  k.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  k.secret_key.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(k.public_key.data()),
                      reinterpret_cast<unsigned char*>(k.secret_key.data()));
  return k;
}

std::string signature_params_text(const SignatureParams& p) {
  return std::string(kComponents) + ";created=" + std::to_string(p.created) + ";nonce=\"" +
         p.nonce + "\";keyid=\"" + p.keyid + "\";alg=\"" + p.alg + "\"";
}

std::string signature_base(std::string_view method, std::string_view path, std::string_view query,
                           std::string_view content_digest_value, const SignatureParams& params) {
  std::string base;
  base.reserve(256);
  base += "\"@method\": ";
  base += method;
  base += "\n\"@path\": ";
  base += path;
  base += "\n\"@query\": ?";
  base += query;
  base += "\n\"content-digest\": ";
  base += content_digest_value;
  base += "\n\"@signature-params\": ";
  base += signature_params_text(params);
  return base;
}

void sign_request(HttpRequest& request, const SignatureParams& params_in,
                  std::string_view secret_key) {
  ensure_sodium();
  SignatureParams params = params_in;
  if (params.nonce.empty()) {
    unsigned char n[16];
    randombytes_buf(n, sizeof n);
    params.nonce = base64_encode(std::string_view(reinterpret_cast<char*>(n), sizeof n));
  }
  std::string digest = content_digest(request.body);
  std::string base = signature_base(request.method, request.path, request.query, digest, params);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(base.data()),
                       base.size(), reinterpret_cast<const unsigned char*>(secret_key.data()));
  request.headers["Content-Digest"] = digest;
  request.headers["Signature-Input"] = "sig1=" + signature_params_text(params);
  request.headers["Signature"] =
      "sig1=:" + base64_encode(std::string_view(reinterpret_cast<char*>(sig), sizeof sig)) + ":";
}

void sign_request(HttpRequest& request, std::string_view station_id, std::string_view secret_key,
                  std::int64_t now_ms) {
  SignatureParams p;
  p.created = now_ms / 1000;
  p.keyid = std::string(station_id);
  sign_request(request, p, secret_key);
}

std::string_view to_code(AuthFailure f) {
  switch (f) {
    case AuthFailure::Unsigned: return "unsigned";
    case AuthFailure::BadDigest: return "bad_digest";
    case AuthFailure::BadSignature: return "bad_signature";
  }
  return "bad_signature";
}

SignedPartsOrError read_signed_parts(const HttpRequest& request) {
  auto input = header_value(request.headers, "Signature-Input");
  auto signature = header_value(request.headers, "Signature");
  if (!input || !signature) {
    return fail(AuthFailure::Unsigned,
                "this request carries no Signature-Input/Signature headers; sign it with the "
                "station's key (docs/PROTOCOL.md, Signing)");
  }
  auto digest = header_value(request.headers, "Content-Digest");
  if (!digest) {
    return fail(AuthFailure::BadDigest, "the Content-Digest header is missing; send "
                                        "sha-256=:<base64>: of the body");
  }
  if (*digest != content_digest(request.body)) {
    return fail(AuthFailure::BadDigest,
                "the Content-Digest header does not match the body (changed on the way?); "
                "compute sha-256 of the exact body sent");
  }
  // Signature-Input: sig1=("@method" "@path" "@query" "content-digest");created=…
  std::string_view in = *input;
  const std::string prefix = "sig1=" + std::string(kComponents);
  if (in.substr(0, prefix.size()) != prefix) {
    return fail(AuthFailure::BadSignature,
                "Signature-Input must be sig1=(\"@method\" \"@path\" \"@query\" "
                "\"content-digest\") with created, nonce, keyid and alg");
  }
  SignedParts parts;
  std::size_t pos = prefix.size();
  bool have_created = false, have_nonce = false, have_keyid = false, have_alg = false;
  while (pos < in.size()) {
    std::string name, value;
    if (!read_param(in, pos, name, value)) {
      return fail(AuthFailure::BadSignature, "Signature-Input has a malformed parameter");
    }
    bool* seen = nullptr;
    if (name == "created") {
      seen = &have_created;
      std::int64_t created = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), created);
      if (value.empty() || value[0] < '0' || value[0] > '9' || ec != std::errc() ||
          end != value.data() + value.size() || created <= 0 || created >= kMaxCreated) {
        return fail(AuthFailure::BadSignature,
                    "Signature-Input created= must be the signing time in whole unix seconds "
                    "(from 1 to 2^40)");
      }
      parts.params.created = created;
    } else if (name == "nonce") {
      seen = &have_nonce;
      parts.params.nonce = value;
    } else if (name == "keyid") {
      seen = &have_keyid;
      parts.params.keyid = value;
    } else if (name == "alg") {
      seen = &have_alg;
      parts.params.alg = value;
    } else {
      return fail(AuthFailure::BadSignature,
                  "Signature-Input has an unknown parameter '" + name.substr(0, 32) + "'");
    }
    if (*seen) {
      return fail(AuthFailure::BadSignature,
                  "Signature-Input gives '" + name + "' twice; give it once");
    }
    *seen = true;
  }
  if (!have_created || !have_nonce || !have_keyid || !have_alg) {
    return fail(AuthFailure::BadSignature,
                "Signature-Input needs created, nonce, keyid and alg parameters");
  }
  if (parts.params.alg != "ed25519") {
    return fail(AuthFailure::BadSignature, "Signature-Input alg must be \"ed25519\"");
  }
  if (parts.params.nonce.size() < 8 || parts.params.nonce.size() > 64) {
    return fail(AuthFailure::BadSignature, "Signature-Input nonce must be 8 to 64 characters");
  }
  std::string_view sig = *signature;
  if (sig.substr(0, 5) != "sig1=") {
    return fail(AuthFailure::BadSignature, "Signature must be sig1=:<base64>:");
  }
  auto bytes = read_byte_sequence(sig.substr(5));
  if (!bytes || bytes->size() != crypto_sign_BYTES) {
    return fail(AuthFailure::BadSignature,
                "Signature must be sig1=:<base64 of a 64-byte Ed25519 signature>:");
  }
  parts.signature = std::move(*bytes);
  parts.base = signature_base(request.method, request.path, request.query, *digest, parts.params);
  SignedPartsOrError out;
  out.ok = true;
  out.parts = std::move(parts);
  return out;
}

bool verify_signature(std::string_view base, std::string_view signature,
                      std::string_view public_key) {
  ensure_sodium();
  if (signature.size() != crypto_sign_BYTES || public_key.size() != crypto_sign_PUBLICKEYBYTES) {
    return false;
  }
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(base.data()),
                                     base.size(),
                                     reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

}  // namespace weimin::sync
