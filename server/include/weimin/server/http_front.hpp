// The district's HTTP/1.1 front without sockets: reads one request from the bytes of a
// connection under the limits below (Boost.Beast's parser underneath), undoes a gzip
// Content-Encoding with a cap on the inflated size, and writes an answer's bytes. The HTTPS
// server (https.cpp) feeds it what it reads from TLS; the fuzz target and the unit tests feed it
// buffers. Every refusal is an answer in the project's error format (sync::ErrorBody) after
// which the connection is closed.
// Thread-safety: a RequestReader belongs to one connection, used by one thread at a time; the
// free functions are pure.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "weimin/sync/http.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::server {

struct FrontLimits {
  // The request line and every header together (431 above).
  std::size_t max_header_bytes = 16 * 1024;
  // Header fields (trailers of a chunked body included) (431 above).
  std::size_t max_header_count = 64;
  // The request target, path and query (414 above).
  std::size_t max_target_bytes = 8 * 1024;
  // The body on the wire (Content-Length or the sum of its chunks) and again after a gzip
  // Content-Encoding is undone (413 above). The service's own max_body_bytes.
  std::size_t max_body_bytes = sync::kMaxRequestBytes;
};

// Why a request was not read: the answer to send before closing the connection.
struct FrontRefusal {
  int status = 400;  // 400, 408, 413, 414, 415, 417, 431 or 503
  std::string code;  // the error code of the body ("too_large", "headers_too_large", …)
  std::string message;
};

// The bytes of request bodies in flight on all connections together (being read, waiting for a
// worker, being handled), against a bound: each RequestReader reserves what its body holds
// (its Content-Length up front; a chunked or inflated body as it grows) and gives it back when
// it is destroyed, which the server does once the answer is written. A body that would pass
// the bound is refused 503 "busy" (retry later). Thread-safe.
class BodyBudget {
 public:
  explicit BodyBudget(std::size_t limit) : limit_(limit) {}
  BodyBudget(const BodyBudget&) = delete;
  BodyBudget& operator=(const BodyBudget&) = delete;
  // Takes `bytes` when they fit under the limit; false (nothing taken) otherwise.
  bool try_reserve(std::size_t bytes);
  void release(std::size_t bytes);
  std::size_t in_use() const { return used_.load(); }
  std::size_t limit() const { return limit_; }

 private:
  const std::size_t limit_;
  std::atomic<std::size_t> used_{0};
};

// {"error":{"code":…,"message":…}} with the status, Content-Type application/json.
sync::HttpResponse refusal_response(const FrontRefusal& refusal);

// One request read incrementally from the bytes of a connection.
class RequestReader {
 public:
  // `budget`, when given, must outlive the reader: the body's bytes are reserved against it
  // until the reader is destroyed.
  explicit RequestReader(const FrontLimits& limits, BodyBudget* budget = nullptr);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Unused bytes a caller may have to hold beyond max_header_bytes (plus one read).
  static constexpr std::size_t kUnusedSlack = 64 * 1024;

  // Offers the connection's unread bytes; returns how many were used. The rest (none, or the
  // start of the next request) must be offered again, with more bytes after it, until done()
  // or refused(). More unusable bytes than max_header_bytes + kUnusedSlack refuse the request,
  // so a caller never buffers more than that plus one read.
  std::size_t feed(std::string_view bytes);
  // The peer closed its side: a request cut short is refused (400).
  void feed_eof();

  bool header_done() const;
  bool done() const;
  const std::optional<FrontRefusal>& refused() const;
  // The client sent "Expect: 100-continue" and waits for a 100 answer before the body.
  bool wants_continue() const;
  // Whether the connection may carry another request after this one (HTTP/1.1 without
  // "Connection: close", or HTTP/1.0 with keep-alive).
  bool keep_alive() const;
  // Body bytes received so far, as on the wire (before inflating).
  std::uint64_t body_wire_bytes() const;
  // Bytes this request holds reserved against the budget (0 without one).
  std::size_t reserved_bytes() const;
  // Once header_done(): the method, path, query and headers (the body still arriving).
  const sync::HttpRequest& head() const;
  // Once done(): the request, its body inflated and Content-Encoding removed.
  sync::HttpRequest take_request();

 private:
  struct Parser;
  std::unique_ptr<Parser> parser_;
};

// Reads one whole request from `bytes` (for the fuzz target and tests): the request, or the
// refusal the server would answer (a request cut short is refused as the server would at
// end of input).
std::variant<sync::HttpRequest, FrontRefusal> read_request(std::string_view bytes,
                                                           const FrontLimits& limits);

// When the request accepts gzip ("Accept-Encoding: gzip") and the answer is a body worth
// compressing, compresses it and sets "Content-Encoding: gzip".
void compress_answer(const sync::HttpRequest& request, sync::HttpResponse& response);

// The bytes of an answer: status line, the response's headers (Content-Length and Connection
// are the front's own), the body (none for HEAD).
std::string serialize_response(const sync::HttpResponse& response, bool keep_alive,
                               bool head = false);

}  // namespace weimin::server
