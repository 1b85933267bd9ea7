// The HTTPS front of the district: cpp-httplib's SSLServer adapted to DistrictService::handle,
// and the development certificate authority `weimin-district serve --dev` makes on first run.
// Thread-safety: HttpsServer::run blocks the calling thread and serves requests on httplib's
// worker threads (DistrictService serialises them); stop() may be called from any thread.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "weimin/core/result.hpp"
#include "weimin/server/service.hpp"

namespace weimin::server {

struct TlsFiles {
  std::filesystem::path ca_cert;      // give this file to stations (they pin it)
  std::filesystem::path server_cert;  // PEM chain of the server
  std::filesystem::path server_key;   // PEM private key, 0600
};

// In `folder`/tls: a local CA and a server certificate for localhost and 127.0.0.1 signed by it,
// made with OpenSSL's C API (EC P-256, ten years) when they are not there yet; kept otherwise.
// Io/ReadOnly when the files cannot be written, Internal when OpenSSL fails.
Result<TlsFiles> ensure_dev_tls(const std::filesystem::path& folder);

struct HttpsOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (see on_listening)
  TlsFiles tls;
  // Called once the socket listens, with the port; e.g. to print it.
  std::function<void(int port)> on_listening;
};

class HttpsServer {
 public:
  HttpsServer(DistrictService& service, HttpsOptions options);
  ~HttpsServer();
  // Serves until stop(). Unavailable when the address cannot be bound, Invalid when the
  // certificate or key cannot be loaded.
  Status run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "127.0.0.1:8443" → host and port; Invalid otherwise.
Result<std::pair<std::string, int>> parse_listen(const std::string& text);

}  // namespace weimin::server
