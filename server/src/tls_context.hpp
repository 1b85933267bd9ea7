// The server side of TLS for the HTTPS front (https.cpp): protocol versions, cipher suites and
// the certificate, set on an OpenSSL context. Kept apart so the policy reads in one place.
// Thread-safety: call before the context is shared.
#pragma once

#include <openssl/ssl.h>

#include "weimin/core/result.hpp"
#include "weimin/server/https.hpp"

namespace weimin::server {

// TLS 1.2 at least. TLS 1.2 offers only AEAD suites with forward secrecy (ECDHE with AES-GCM or
// ChaCha20-Poly1305; ECDSA certificates as ensure_dev_tls makes, RSA ones for an operator's
// own), the server's order first; TLS 1.3 its own (all AEAD). Loads the certificate chain and
// key of `files` and checks they match: Invalid, naming the files, when they cannot be used.
Status configure_server_tls(SSL_CTX* ctx, const TlsFiles& files);

// The TLS 1.2 cipher list configure_server_tls sets (OpenSSL names).
extern const char* const kTls12Ciphers;

}  // namespace weimin::server
