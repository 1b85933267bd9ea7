// libFuzzer target: the district's HTTP front itself (weimin/server/http_front.hpp), before any
// handler — request line, headers, Content-Length and chunked bodies, gzip inflating, the limits.
// The first byte picks how the bytes arrive (one piece, or pieces of 1..255 bytes as the server
// reads them from TLS). Invariants: no crash or undefined behaviour; whether a request is read,
// and what it is, does not depend on how the bytes arrived (which refusal may: Beast's parser
// finds the end of a garbage request line differently when it comes in pieces, and then a 400
// stands for a 414); a request read respects every limit; a refusal is a 4xx/503 with an error
// body in the project's format.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>

#include "weimin/server/http_front.hpp"

using namespace weimin;

namespace {

server::FrontLimits limits() {
  server::FrontLimits l;
  l.max_header_bytes = 4096;
  l.max_header_count = 16;
  l.max_target_bytes = 512;
  l.max_body_bytes = 1 << 20;  // reachable by a small gzip input
  return l;
}

// As the server reads: what was not used is offered again with the next piece.
std::variant<sync::HttpRequest, server::FrontRefusal> read_in_pieces(std::string_view bytes,
                                                                     std::size_t piece) {
  server::RequestReader reader(limits());
  std::string pending;
  std::size_t at = 0;
  while (!reader.done() && !reader.refused()) {
    if (at >= bytes.size()) {
      if (!pending.empty()) reader.feed(pending);
      if (!reader.done() && !reader.refused()) reader.feed_eof();
      break;
    }
    const std::size_t n = std::min(piece, bytes.size() - at);
    pending.append(bytes.substr(at, n));
    at += n;
    pending.erase(0, reader.feed(pending));
    if (pending.size() > limits().max_header_bytes + server::RequestReader::kUnusedSlack + piece) {
      std::abort();  // the reader let a caller's buffer grow without bound
    }
  }
  if (reader.refused()) return *reader.refused();
  if (!reader.done()) return server::FrontRefusal{400, "bad_request", "cut"};
  return reader.take_request();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = data[0] == 0 ? size : data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const server::FrontLimits l = limits();
  auto whole = server::read_request(bytes, l);
  auto pieces = read_in_pieces(bytes, piece);
  if (whole.index() != pieces.index()) {
    std::fprintf(stderr, "the outcome depends on how the bytes arrived (pieces of %zu)\n", piece);
    std::abort();
  }
  if (auto* no = std::get_if<server::FrontRefusal>(&whole)) {
    const int s = no->status;
    if (!(s == 400 || s == 408 || s == 413 || s == 414 || s == 415 || s == 417 || s == 431 ||
          s == 503)) {
      std::abort();
    }
    auto body = sync::parse_error_body(server::refusal_response(*no).body);
    if (!body.is_ok()) std::abort();
    return 0;
  }
  const auto& r = std::get<sync::HttpRequest>(whole);
  const auto& p = std::get<sync::HttpRequest>(pieces);
  if (r.body != p.body || r.path != p.path || r.query != p.query || r.method != p.method ||
      r.headers.size() != p.headers.size()) {
    std::abort();
  }
  if (r.body.size() > l.max_body_bytes || r.headers.size() > l.max_header_count || r.path.empty() ||
      r.path[0] != '/' || r.path.size() + r.query.size() + 1 > l.max_target_bytes + 1) {
    std::abort();
  }
  sync::HttpResponse echo{200, r.headers, r.body};
  server::compress_answer(r, echo);
  const std::string out = server::serialize_response(echo, true);
  if (out.rfind("HTTP/1.1 200 OK\r\n", 0) != 0) std::abort();
  return 0;
}
