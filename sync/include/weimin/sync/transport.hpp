// Transport: how the sync client's requests reach the district — libcurl over HTTPS
// (transport_curl.hpp) on a station, or a direct call of a handler (the district service in the
// same process) in tests, the simulation and the benchmark. A transport only carries bytes:
// an HTTP error status is a response, not an error; a Status means no usable response came
// back (no network, refused certificate, timeout, a cut connection), with a message that says
// so in plain words.
// Thread-safety: a Transport is used by one thread at a time.
#pragma once

#include <functional>

#include "weimin/core/result.hpp"
#include "weimin/sync/http.hpp"

namespace weimin::sync {

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request and returns the district's response. Fails with Unavailable when no
  // response arrived (the request may or may not have been applied), Rejected when the
  // district's certificate does not match the pinned CA.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// Calls a handler in the same process: `handler(request)` is the district's answer.
class HandlerTransport final : public Transport {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;
  explicit HandlerTransport(Handler handler) : handler_(std::move(handler)) {}
  Result<HttpResponse> send(const HttpRequest& request) override { return handler_(request); }

 private:
  Handler handler_;
};

}  // namespace weimin::sync
