// The HTTPS front of the district: Boost.Beast and Asio with OpenSSL in front of
// DistrictService::handle, under limits enforced before any work (docs/SERVER.md, "The front
// and its limits"), and the development certificate authority `weimin-district serve --dev`
// makes on first run.
// Thread-safety: HttpsServer::run blocks the calling thread; connections are served
// asynchronously by a few I/O threads and requests handled on a bounded pool of workers (health
// checks on a lane of their own). stop() may be called from any thread, also before run().
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "weimin/core/result.hpp"
#include "weimin/server/http_front.hpp"
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

  // [SECTION] Limits (docs/SERVER.md). Connections beyond a cap are closed at once.
  std::size_t max_connections = 1024;             // open connections in total
  std::size_t max_connections_per_address = 256;  // from one client address
  // Header size and count, request target; the body cap is the service's max_body_bytes.
  FrontLimits limits{};
  // The TLS handshake must end within this.
  std::int64_t handshake_timeout_ms = 10'000;
  // A request's line and headers must arrive within this from its first byte (from the end of
  // the handshake for a connection's first request): 408, or a close when nothing came.
  std::int64_t header_timeout_ms = 10'000;
  // A body must arrive within this floor plus body_bytes / min_body_bytes_per_s seconds from
  // the end of its headers (408 otherwise). Answers are given the same time to be sent.
  std::int64_t body_timeout_ms = 10'000;
  std::size_t min_body_bytes_per_s = 32 * 1024;
  // A kept-alive connection that sends no new request within this is closed.
  std::int64_t idle_timeout_ms = 15'000;
  // Threads: I/O (TLS and parsing, never blocked), workers running DistrictService::handle,
  // and the lane that answers GET /v1/health while the workers are busy.
  int io_threads = 2;
  int workers = 16;
  int health_workers = 1;
  // Requests waiting for a worker beyond this are answered 503 (retry later).
  std::size_t max_queued_requests = 1024;
  // Bytes of request bodies in flight on all connections together (being read, waiting for
  // or held by a worker, until the answer is written): a body that would pass this is
  // answered 503 "busy" (retry later) and its connection closed. Room for the fleet's pushes
  // at once (100 stations, ~1 MB each) with a margin; bounds the server's memory under attack.
  std::size_t max_body_bytes_in_flight = 192 * 1024 * 1024;
};

class HttpsServer {
 public:
  HttpsServer(DistrictService& service, HttpsOptions options);
  ~HttpsServer();
  // Serves until stop(). Unavailable when the address cannot be bound (also when another
  // process listens on the port: it is bound exclusively), Invalid when the certificate or key
  // cannot be loaded.
  Status run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "127.0.0.1:8443" → host and port; Invalid otherwise.
Result<std::pair<std::string, int>> parse_listen(const std::string& text);

}  // namespace weimin::server
