// The development CA and server certificate (https.hpp, ensure_dev_tls) and the server's TLS
// policy (tls_context.hpp), with OpenSSL's C API.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include "tls_context.hpp"
#include "weimin/server/https.hpp"

namespace weimin::server {

namespace fs = std::filesystem;

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

Status ssl_error(const std::string& doing) {
  return Status(ErrorCode::Internal, "OpenSSL failed " + doing);
}

bool add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

Result<Cert> make_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca,
                       long serial) {
  Cert cert(X509_new());
  if (!cert) return ssl_error("making a certificate");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Weimin development"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  bool ok = true;
  if (ca) {
    ok = ok && add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    ok = ok && add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    ok = ok && add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  } else {
    ok = ok && add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    ok = ok && add_ext(cert.get(), signer, NID_key_usage, "critical,digitalSignature,keyAgreement");
    ok = ok && add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    ok = ok &&
         add_ext(cert.get(), signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
    ok = ok && add_ext(cert.get(), signer, NID_authority_key_identifier, "keyid");
  }
  if (!ok) return ssl_error("adding certificate extensions");
  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) <= 0) {
    return ssl_error("signing a certificate");
  }
  return cert;
}

Status write_pem(const fs::path& file, const std::function<int(FILE*)>& write, bool secret) {
  fs::path tmp = file;
  tmp += ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status(ErrorCode::ReadOnly, "cannot write " + tmp.string());
  if (secret) ::chmod(tmp.c_str(), 0600);
  int ok = write(f);
  if (std::fclose(f) != 0 || ok != 1) return Status(ErrorCode::Io, "cannot write " + tmp.string());
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) return Status(ErrorCode::Io, "cannot rename " + tmp.string() + ": " + ec.message());
  return Status::ok();
}

}  // namespace

Result<TlsFiles> ensure_dev_tls(const fs::path& folder) {
  fs::path dir = folder / "tls";
  TlsFiles files{dir / "ca.pem", dir / "server.pem", dir / "server.key"};
  if (fs::exists(files.ca_cert) && fs::exists(files.server_cert) && fs::exists(files.server_key)) {
    return files;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::ReadOnly, "cannot make " + dir.string() + ": " + ec.message());
  Pkey ca_key(EVP_EC_gen("P-256"));
  Pkey server_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key) return ssl_error("making EC P-256 keys");
  WEIMIN_ASSIGN_OR_RETURN(
      Cert ca, make_cert(ca_key.get(), "Weimin development CA", nullptr, nullptr, true, 1));
  WEIMIN_ASSIGN_OR_RETURN(
      Cert server, make_cert(server_key.get(), "localhost", ca.get(), ca_key.get(), false, 2));
  WEIMIN_TRY(write_pem(
      dir / "ca.key",
      [&](FILE* f) {
        return PEM_write_PrivateKey(f, ca_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
      },
      true));
  WEIMIN_TRY(write_pem(
      files.server_key,
      [&](FILE* f) {
        return PEM_write_PrivateKey(f, server_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
      },
      true));
  WEIMIN_TRY(write_pem(
      files.server_cert,
      [&](FILE* f) {
        return PEM_write_X509(f, server.get()) == 1 && PEM_write_X509(f, ca.get()) == 1 ? 1 : 0;
      },
      false));
  WEIMIN_TRY(write_pem(
      files.ca_cert, [&](FILE* f) { return PEM_write_X509(f, ca.get()); }, false));
  return files;
}

const char* const kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384";

Status configure_server_tls(SSL_CTX* ctx, const TlsFiles& files) {
  auto unusable = [&](const std::string& what) {
    unsigned long e = ERR_get_error();
    char detail[256] = {0};
    if (e) ERR_error_string_n(e, detail, sizeof detail);
    ERR_clear_error();
    return Status(ErrorCode::Invalid, what + (e ? std::string(" (") + detail + ")" : "") +
                                          "; check the files (or use --dev to make them)");
  };
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1 ||
      SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1) {
    return unusable("OpenSSL refused the TLS settings");
  }
  SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
                               SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
  if (SSL_CTX_use_certificate_chain_file(ctx, files.server_cert.c_str()) != 1) {
    return unusable("cannot load the server certificate " + files.server_cert.string());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, files.server_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    return unusable("cannot load the server key " + files.server_key.string());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return unusable("the server key " + files.server_key.string() +
                    " does not belong to the certificate " + files.server_cert.string());
  }
  return Status::ok();
}

}  // namespace weimin::server
