// cpp-httplib's SSLServer in front of DistrictService (https.hpp). Only this file and tls.cpp
// use the HTTP server library and OpenSSL.
#include "weimin/server/https.hpp"

#include <httplib.h>

#include <atomic>
#include <charconv>

namespace weimin::server {

struct HttpsServer::Impl {
  DistrictService& service;
  HttpsOptions options;
  std::unique_ptr<httplib::SSLServer> server;
};

HttpsServer::HttpsServer(DistrictService& service, HttpsOptions options)
    : impl_(std::make_unique<Impl>(Impl{service, std::move(options), nullptr})) {}

HttpsServer::~HttpsServer() = default;

namespace {

// Worker threads for connections. cpp-httplib gives each connection (TLS handshake included) a
// worker until it closes, and a kept-alive connection holds its worker between requests; with
// the default pool (8 on this machine) a fleet of stations syncing at once queued new handshakes
// behind idle kept-alive connections past the stations' connect timeout. The service serialises
// only the store work (service.cpp), so the workers mostly wait on I/O: they are cheap.
constexpr std::size_t kWorkerThreads = 160;
// Requests per kept-alive connection before the server closes it (a station's sync is a few
// dozen requests; every new connection costs a TLS handshake).
constexpr std::size_t kKeepAliveMaxRequests = 1000;

void serve(DistrictService& service, const httplib::Request& req, httplib::Response& res) {
  sync::HttpRequest r;
  r.method = req.method;
  // The raw target, as the station signed it: path before '?', query after.
  const std::string& target = req.target.empty() ? req.path : req.target;
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  for (const auto& [name, value] : req.headers) r.headers[name] = value;
  r.body = req.body;
  sync::HttpResponse out = service.handle(r);
  res.status = out.status;
  std::string type = "application/json";
  for (const auto& [name, value] : out.headers) {
    if (sync::HeaderNameLess{}(name, "Content-Type") || sync::HeaderNameLess{}("Content-Type", name)) {
      res.set_header(name, value);
    } else {
      type = value;
    }
  }
  res.set_content(out.body, type);
}

}  // namespace

Status HttpsServer::run() {
  auto& o = impl_->options;
  impl_->server = std::make_unique<httplib::SSLServer>(o.tls.server_cert.c_str(),
                                                       o.tls.server_key.c_str());
  httplib::SSLServer& srv = *impl_->server;
  if (!srv.is_valid()) {
    return Status(ErrorCode::Invalid, "cannot load the server certificate " +
                                          o.tls.server_cert.string() + " or its key " +
                                          o.tls.server_key.string() +
                                          "; check the files (or use --dev to make them)");
  }
  srv.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  srv.set_keep_alive_max_count(kKeepAliveMaxRequests);
  // An answer goes out at once: without this, Nagle's algorithm held the last small TLS record
  // of each answer until the station's delayed ACK (~40 ms per request on loopback).
  srv.set_tcp_nodelay(true);
  DistrictService& service = impl_->service;
  // The service answers 413 itself up to twice its limit; beyond that httplib stops reading.
  srv.set_payload_max_length(service.options().max_body_bytes * 2);
  auto handler = [&service](const httplib::Request& req, httplib::Response& res) {
    serve(service, req, res);
  };
  srv.Get(".*", handler);
  srv.Post(".*", handler);
  srv.Put(".*", handler);
  srv.Delete(".*", handler);
  srv.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string code = res.status == 413 ? "too_large" : "bad_request";
    sync::ErrorBody e{code, "the request was refused before it was read (HTTP " +
                                std::to_string(res.status) + "); check its size and form"};
    res.set_content(sync::to_json(e), "application/json");
  });
  int port = o.port;
  if (port == 0) {
    port = srv.bind_to_any_port(o.host);
    if (port < 0) return Status(ErrorCode::Unavailable, "cannot listen on " + o.host + "; check the address");
  } else if (!srv.bind_to_port(o.host, port)) {
    return Status(ErrorCode::Unavailable, "cannot listen on " + o.host + ":" + std::to_string(port) +
                                              "; is another server using the port?");
  }
  if (o.on_listening) o.on_listening(port);
  if (!srv.listen_after_bind()) {
    return Status(ErrorCode::Unavailable, "the server on " + o.host + " stopped with an error");
  }
  return Status::ok();
}

void HttpsServer::stop() {
  if (impl_->server) impl_->server->stop();
}

Result<std::pair<std::string, int>> parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status(ErrorCode::Invalid, "--listen '" + text + "' is not HOST:PORT, e.g. 127.0.0.1:8443");
  }
  int port = -1;
  std::string_view p(text.data() + colon + 1, text.size() - colon - 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || end != p.data() + p.size() || port < 0 || port > 65535) {
    return Status(ErrorCode::Invalid, "--listen '" + text + "': the port must be 0 to 65535");
  }
  return std::make_pair(text.substr(0, colon), port);
}

}  // namespace weimin::server
