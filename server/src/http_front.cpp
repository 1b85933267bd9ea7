// The HTTP front without sockets (http_front.hpp): Boost.Beast's basic_parser with our limits,
// a capped gzip inflater, and the answer's bytes.
#include "weimin/server/http_front.hpp"

#include <zlib.h>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace weimin::server {

namespace http = boost::beast::http;
using boost::beast::error_code;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string printable(std::string_view s, std::size_t at_most = 40) {
  std::string out;
  for (char c : s.substr(0, at_most)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (s.size() > at_most) out += "…";
  return out;
}

// Inflates a gzip stream into `out`, never past `cap` bytes of output.
class Inflater {
 public:
  Inflater() = default;
  ~Inflater() {
    if (started_) inflateEnd(&zs_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Empty when all went well; otherwise the refusal. `room(n)` is asked before the output
  // grows to n bytes; its refusal stops the inflating.
  template <typename Room>
  std::optional<FrontRefusal> put(std::string_view in, std::string& out, std::size_t cap,
                                  Room&& room) {
    if (!started_) {
      if (inflateInit2(&zs_, 15 + 16) != Z_OK) {
        return FrontRefusal{503, "busy", "the district cannot decompress now; retry later"};
      }
      started_ = true;
    }
    if (in.empty()) return std::nullopt;
    if (ended_) return trailing();
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(in.size());
    std::array<char, 64 * 1024> chunk{};
    while (zs_.avail_in > 0) {
      zs_.next_out = reinterpret_cast<Bytef*>(chunk.data());
      zs_.avail_out = static_cast<uInt>(chunk.size());
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      const std::size_t made = chunk.size() - zs_.avail_out;
      if (out.size() + made > cap) {
        return FrontRefusal{413, "too_large",
                            "the gzip body inflates to more than " + std::to_string(cap) +
                                " bytes, the most the district reads. Send smaller batches"};
      }
      if (auto no = room(out.size() + made)) return no;
      out.append(chunk.data(), made);
      if (rc == Z_STREAM_END) {
        ended_ = true;
        if (zs_.avail_in > 0) return trailing();
        break;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return FrontRefusal{400, "bad_request",
                            "the body is not valid gzip (Content-Encoding: gzip); send it "
                            "compressed whole, or without Content-Encoding"};
      }
      if (rc == Z_BUF_ERROR && made == 0) break;  // needs more input
    }
    return std::nullopt;
  }
  bool ended() const { return ended_; }

 private:
  static FrontRefusal trailing() {
    return FrontRefusal{400, "bad_request",
                        "bytes follow the end of the gzip body; send one gzip stream"};
  }
  z_stream zs_{};
  bool started_ = false;
  bool ended_ = false;
};

}  // namespace

bool BodyBudget::try_reserve(std::size_t bytes) {
  std::size_t used = used_.load();
  do {
    if (bytes > limit_ || used > limit_ - bytes) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes));
  return true;
}

void BodyBudget::release(std::size_t bytes) {
  used_.fetch_sub(bytes);
}

sync::HttpResponse refusal_response(const FrontRefusal& refusal) {
  sync::HttpResponse r;
  r.status = refusal.status;
  r.headers["Content-Type"] = "application/json";
  r.body =
      sync::to_json(sync::ErrorBody{refusal.code, refusal.message, std::nullopt, std::nullopt});
  return r;
}

// [SECTION] The parser

struct RequestReader::Parser final : http::basic_parser<true> {
  Parser(const FrontLimits& l, BodyBudget* b) : limits(l), budget(b) {
    header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(limits.max_header_bytes, UINT32_MAX)));
    body_limit(static_cast<std::uint64_t>(limits.max_body_bytes));
    eager(true);
  }

  ~Parser() override {
    if (budget != nullptr) budget->release(reserved);
  }

  const FrontLimits limits;
  BodyBudget* const budget;
  std::size_t reserved = 0;  // against budget, and the body's capacity
  sync::HttpRequest request;
  std::optional<FrontRefusal> refusal;
  std::size_t fields = 0;
  bool gzip = false;
  bool expect_continue = false;
  std::uint64_t wire = 0;
  Inflater inflater;

  void refuse(error_code& ec, int status, std::string code, std::string message) {
    if (!refusal) refusal = FrontRefusal{status, std::move(code), std::move(message)};
    ec = http::error::bad_value;
  }

  void on_request_impl(http::verb, boost::beast::string_view method,
                       boost::beast::string_view target, int, error_code& ec) override {
    if (target.size() > limits.max_target_bytes) {
      return refuse(ec, 414, "uri_too_long",
                    "the request target has " + std::to_string(target.size()) +
                        " bytes; the district reads at most " +
                        std::to_string(limits.max_target_bytes));
    }
    if (target.empty() || target.front() != '/') {
      return refuse(ec, 400, "bad_request",
                    "the request target must be a path starting with '/', not '" +
                        printable({target.data(), target.size()}) + "'");
    }
    request.method.assign(method.data(), method.size());
    const std::string_view t(target.data(), target.size());
    const auto q = t.find('?');
    request.path = std::string(t.substr(0, q));
    if (q != std::string_view::npos) request.query = std::string(t.substr(q + 1));
  }

  void on_response_impl(int, boost::beast::string_view, int, error_code& ec) override {
    ec = http::error::bad_version;  // never called for a request parser
  }

  void on_field_impl(http::field, boost::beast::string_view name, boost::beast::string_view value,
                     error_code& ec) override {
    if (++fields > limits.max_header_count) {
      return refuse(ec, 431, "headers_too_large",
                    "the request has more than " + std::to_string(limits.max_header_count) +
                        " header fields; send only the ones the district needs");
    }
    std::string n(name.data(), name.size());
    if (request.headers.count(n)) {
      return refuse(ec, 400, "bad_request",
                    "the header " + printable(n) + " appears more than once; send it once");
    }
    request.headers.emplace(std::move(n), std::string(value.data(), value.size()));
  }

  void on_header_impl(error_code& ec) override {
    if (auto e = sync::header_value(request.headers, "Content-Encoding")) {
      const std::string_view v = trim(*e);
      if (iequals(v, "gzip") || iequals(v, "x-gzip")) {
        gzip = true;
      } else if (!v.empty() && !iequals(v, "identity")) {
        return refuse(ec, 415, "unsupported_encoding",
                      "the district reads bodies plain or with Content-Encoding: gzip, not '" +
                          printable(v) + "'");
      }
      request.headers.erase(request.headers.find("Content-Encoding"));
    }
    if (auto te = sync::header_value(request.headers, "Transfer-Encoding")) {
      if (!iequals(trim(*te), "chunked")) {
        return refuse(ec, 400, "bad_request",
                      "the district reads bodies with Content-Length or Transfer-Encoding: "
                      "chunked, not '" +
                          printable(*te) + "'");
      }
    }
    if (auto x = sync::header_value(request.headers, "Expect")) {
      if (!iequals(trim(*x), "100-continue")) {
        return refuse(
            ec, 417, "expectation_failed",
            "the district knows only 'Expect: 100-continue', not '" + printable(*x) + "'");
      }
      expect_continue = true;
    }
    // Content-Length is reserved whole, before any of the body is read (a gzip body reserves
    // as it inflates, a chunked one as it grows).
    const auto length = content_length();
    if (length && !gzip && *length > 0 && *length <= limits.max_body_bytes) {
      const auto size = static_cast<std::size_t>(*length);
      if (budget != nullptr && !budget->try_reserve(size)) {
        const FrontRefusal no = busy();
        return refuse(ec, no.status, no.code, no.message);
      }
      reserved = size;
      request.body.reserve(size);
    }
  }

  // The refusal when the budget is spent.
  FrontRefusal busy() const {
    return FrontRefusal{503, "busy",
                        "the district holds too many request bodies at once (at most " +
                            std::to_string(budget->limit()) + " bytes in flight); retry later"};
  }

  // Makes room for a body of `size` bytes: reserved against the budget (in steps, so a body
  // that grows asks seldom) and as the body's capacity. The refusal when the budget is spent.
  std::optional<FrontRefusal> room(std::size_t size) {
    if (size <= reserved) return std::nullopt;
    std::size_t target = reserved + std::max<std::size_t>(256 * 1024, reserved / 4);
    target = std::max(size, std::min(target, limits.max_body_bytes));
    if (budget != nullptr && !budget->try_reserve(target - reserved)) return busy();
    reserved = target;
    request.body.reserve(reserved);
    return std::nullopt;
  }

  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}

  std::size_t take_body(boost::beast::string_view piece, error_code& ec) {
    wire += piece.size();
    const std::string_view in(piece.data(), piece.size());
    if (gzip) {
      if (auto bad = inflater.put(in, request.body, limits.max_body_bytes,
                                  [this](std::size_t size) { return room(size); })) {
        refuse(ec, bad->status, bad->code, bad->message);
        return 0;
      }
    } else {
      if (auto no = room(request.body.size() + in.size())) {
        refuse(ec, no->status, no->code, no->message);
        return 0;
      }
      request.body.append(in);
    }
    return piece.size();
  }

  std::size_t on_body_impl(boost::beast::string_view body, error_code& ec) override {
    return take_body(body, ec);
  }

  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view extensions,
                            error_code& ec) override {
    if (extensions.size() > limits.max_header_bytes) {
      refuse(ec, 400, "bad_request",
             "a chunk header of the body is longer than " +
                 std::to_string(limits.max_header_bytes) + " bytes");
    }
  }

  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                 error_code& ec) override {
    return take_body(body, ec);
  }

  void on_finish_impl(error_code& ec) override {
    if (gzip && wire > 0 && !inflater.ended()) {
      refuse(ec, 400, "bad_request",
             "the gzip body ends before its gzip stream does; send it compressed whole");
    }
  }
};

namespace {

FrontRefusal refusal_for(const error_code& ec, const FrontLimits& limits) {
  if (ec == http::error::header_limit) {
    return {431, "headers_too_large",
            "the request line and headers exceed " + std::to_string(limits.max_header_bytes) +
                " bytes; send fewer or shorter headers"};
  }
  if (ec == http::error::body_limit) {
    return {413, "too_large",
            "the body exceeds " + std::to_string(limits.max_body_bytes) +
                " bytes, the most the district reads. Send smaller batches"};
  }
  if (ec == http::error::partial_message || ec == http::error::short_read) {
    return {400, "bad_request", "the request ended before it was complete; send it whole"};
  }
  return {400, "bad_request", "the request is not well-formed HTTP/1.1 (" + ec.message() + ")"};
}

}  // namespace

RequestReader::RequestReader(const FrontLimits& limits, BodyBudget* budget)
    : parser_(std::make_unique<Parser>(limits, budget)) {}

RequestReader::~RequestReader() = default;

std::size_t RequestReader::feed(std::string_view bytes) {
  Parser& p = *parser_;
  std::size_t used = 0;
  while (!p.refusal && !p.is_done() && used < bytes.size()) {
    error_code ec;
    const std::size_t n =
        p.put(boost::asio::const_buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) break;
    if (ec) {
      if (!p.refusal) p.refusal = refusal_for(ec, p.limits);
      break;
    }
    if (n == 0) break;
  }
  // What cannot be used yet is a header, or a chunk header, still arriving: bounded (the
  // parser's own limits meet a header sooner; this bounds a chunk header's line).
  if (!p.refusal && !p.is_done() &&
      bytes.size() - used > p.limits.max_header_bytes + kUnusedSlack) {
    p.refusal = p.is_header_done()
                    ? FrontRefusal{400, "bad_request",
                                   "a chunk header of the body is longer than " +
                                       std::to_string(p.limits.max_header_bytes) + " bytes"}
                    : refusal_for(http::error::header_limit, p.limits);
  }
  return used;
}

void RequestReader::feed_eof() {
  Parser& p = *parser_;
  if (p.refusal || p.is_done()) return;
  if (!p.got_some()) {
    p.refusal = FrontRefusal{400, "bad_request", "the connection ended before a request"};
    return;
  }
  error_code ec;
  p.put_eof(ec);
  if (ec && !p.refusal) p.refusal = refusal_for(ec, p.limits);
}

bool RequestReader::header_done() const {
  return parser_->is_header_done();
}
bool RequestReader::done() const {
  return parser_->is_done() && !parser_->refusal;
}
const std::optional<FrontRefusal>& RequestReader::refused() const {
  return parser_->refusal;
}
bool RequestReader::wants_continue() const {
  return parser_->expect_continue;
}
bool RequestReader::keep_alive() const {
  return parser_->is_header_done() && parser_->keep_alive();
}
std::uint64_t RequestReader::body_wire_bytes() const {
  return parser_->wire;
}
std::size_t RequestReader::reserved_bytes() const {
  return parser_->budget != nullptr ? parser_->reserved : 0;
}
const sync::HttpRequest& RequestReader::head() const {
  return parser_->request;
}
sync::HttpRequest RequestReader::take_request() {
  return std::move(parser_->request);
}

std::variant<sync::HttpRequest, FrontRefusal> read_request(std::string_view bytes,
                                                           const FrontLimits& limits) {
  RequestReader reader(limits);
  std::size_t at = 0;
  while (!reader.done() && !reader.refused()) {
    const std::size_t n = reader.feed(bytes.substr(at));
    at += n;
    if (n == 0) {
      reader.feed_eof();
      break;
    }
  }
  if (reader.refused()) return *reader.refused();
  if (!reader.done()) {
    return FrontRefusal{400, "bad_request",
                        "the request ended before it was complete; send it whole"};
  }
  return reader.take_request();
}

// [SECTION] Answers

namespace {

// Whether Accept-Encoding lists gzip with a non-zero quality.
bool accepts_gzip(const sync::HttpRequest& request) {
  auto v = sync::header_value(request.headers, "Accept-Encoding");
  if (!v) return false;
  std::string_view rest = *v;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto semi = item.find(';');
    const std::string_view coding = trim(item.substr(0, semi));
    if (!iequals(coding, "gzip") && !iequals(coding, "x-gzip")) continue;
    if (semi == std::string_view::npos) return true;
    std::string_view q = trim(item.substr(semi + 1));
    if (q.rfind("q=", 0) == 0) q.remove_prefix(2);
    return !(q == "0" || q == "0." || q.find_first_not_of("0.") == std::string_view::npos);
  }
  return false;
}

std::string gzip(std::string_view bytes) {
  z_stream zs{};
  // Level 6, as the answers were compressed before (docs/PERFORMANCE.md, wire bytes).
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return {};
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(bytes.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return {};
  return out;
}

// Header text without CR, LF or NUL (no answer splitting, whatever a handler put there).
std::string header_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '\r' && c != '\n' && c != '\0') out += c;
  }
  return out;
}

}  // namespace

void compress_answer(const sync::HttpRequest& request, sync::HttpResponse& response) {
  constexpr std::size_t kWorthCompressing = 1024;
  if (response.body.size() < kWorthCompressing || !accepts_gzip(request)) return;
  if (sync::header_value(response.headers, "Content-Encoding")) return;
  std::string z = gzip(response.body);
  if (z.empty()) return;
  response.body = std::move(z);
  response.headers["Content-Encoding"] = "gzip";
}

std::string serialize_response(const sync::HttpResponse& response, bool keep_alive, bool head) {
  const auto reason =
      http::obsolete_reason(http::int_to_status(static_cast<unsigned>(response.status)));
  std::string out;
  out.reserve(256 + (head ? 0 : response.body.size()));
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out.append(reason.data(), reason.size());
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    if (iequals(name, "Content-Length") || iequals(name, "Connection") ||
        iequals(name, "Transfer-Encoding")) {
      continue;
    }
    out += header_text(name);
    out += ": ";
    out += header_text(value);
    out += "\r\n";
  }
  out += "Content-Length: ";
  out += std::to_string(response.body.size());
  out += "\r\n";
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head) out += response.body;
  return out;
}

}  // namespace weimin::server
