// The HTTP front without sockets (weimin/server/http_front.hpp): every limit refuses with the
// right status and an error body before the work it guards, gzip bodies are inflated with a
// cap, and answers are written as HTTP/1.1.
#include <doctest/doctest.h>
#include <zlib.h>

#include <string>
#include <variant>

#include "weimin/server/http_front.hpp"

using namespace weimin;
using server::FrontLimits;
using server::FrontRefusal;
using server::RequestReader;

namespace {

std::string gzip(std::string_view bytes) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(bytes.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string post(const std::string& body, const std::string& extra = "") {
  return "POST /v1/push?x=1 HTTP/1.1\r\nHost: d\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra + "\r\n" + body;
}

FrontRefusal refused(const std::string& bytes, const FrontLimits& limits = {}) {
  auto r = server::read_request(bytes, limits);
  REQUIRE_MESSAGE(std::holds_alternative<FrontRefusal>(r), "the request was read");
  return std::get<FrontRefusal>(r);
}

sync::HttpRequest accepted(const std::string& bytes, const FrontLimits& limits = {}) {
  auto r = server::read_request(bytes, limits);
  if (auto* no = std::get_if<FrontRefusal>(&r)) FAIL(no->status << " " << no->message);
  return std::get<sync::HttpRequest>(r);
}

// The error body the front answers with, parsed back.
std::string code_of(const FrontRefusal& r) {
  auto e = sync::parse_error_body(server::refusal_response(r).body);
  REQUIRE(e.is_ok());
  CHECK(e->message == r.message);
  return e->code;
}

}  // namespace

TEST_CASE("front: a request is read as the service sees it: path, query, headers, body") {
  auto r = accepted(post("{\"a\":1}", "X-Weimin: yes\r\n"));
  CHECK(r.method == "POST");
  CHECK(r.path == "/v1/push");
  CHECK(r.query == "x=1");
  CHECK(r.body == "{\"a\":1}");
  CHECK(sync::header_value(r.headers, "x-weimin") == "yes");
  auto g = accepted("GET /v1/health HTTP/1.1\r\nHost: d\r\n\r\n");
  CHECK(g.method == "GET");
  CHECK(g.query.empty());
  CHECK(g.body.empty());
}

TEST_CASE("front: a gzip body is inflated and its Content-Encoding removed") {
  const std::string body(100'000, 'x');
  auto r = accepted(post(gzip(body), "Content-Encoding: gzip\r\n"));
  CHECK(r.body == body);
  CHECK_FALSE(sync::header_value(r.headers, "Content-Encoding"));
}

TEST_CASE("front: a gzip bomb is refused 413 once the inflated bytes pass the cap") {
  // 64 MiB of zeros is ~64 KB of gzip; the front stops at the cap, never inflating it all.
  const std::string bomb = gzip(std::string(64u << 20, '\0'));
  CHECK(bomb.size() < 100'000);
  FrontLimits limits;
  auto no = refused(post(bomb, "Content-Encoding: gzip\r\n"), limits);
  CHECK(no.status == 413);
  CHECK(code_of(no) == "too_large");
  CHECK(no.message.find(std::to_string(limits.max_body_bytes)) != std::string::npos);
}

TEST_CASE("front: other encodings, bad gzip and a cut gzip body are refused") {
  auto br = refused(post("abc", "Content-Encoding: br\r\n"));
  CHECK(br.status == 415);
  CHECK(code_of(br) == "unsupported_encoding");
  CHECK(refused(post("not gzip at all", "Content-Encoding: gzip\r\n")).status == 400);
  const std::string z = gzip(std::string(5000, 'y'));
  CHECK(refused(post(z.substr(0, z.size() / 2), "Content-Encoding: gzip\r\n")).status == 400);
  CHECK(refused(post(z + "tail", "Content-Encoding: gzip\r\n")).status == 400);
}

TEST_CASE("front: a body over the cap is refused from its Content-Length, before it is read") {
  FrontLimits limits;
  limits.max_body_bytes = 1000;
  RequestReader reader(limits);
  const std::string head = "POST /v1/push HTTP/1.1\r\nContent-Length: 1001\r\n\r\n";
  CHECK(reader.feed(head) <= head.size());
  REQUIRE(reader.refused());
  CHECK(reader.refused()->status == 413);
  CHECK(code_of(*reader.refused()) == "too_large");
  CHECK(accepted(post(std::string(1000, 'a')), limits).body.size() == 1000);
}

TEST_CASE("front: a chunked body is counted the same way and refused part way") {
  FrontLimits limits;
  limits.max_body_bytes = 1 << 20;
  RequestReader reader(limits);
  REQUIRE(reader.feed("POST /v1/push HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") > 0);
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'c') + "\r\n";  // 64 KiB
  // As the server does: what the reader did not use is offered again with the next bytes.
  std::string pending;
  std::size_t sent = 0;
  for (int i = 0; i < 24 * 16 && !reader.refused(); ++i) {  // 24 MiB offered
    pending += chunk;
    sent += chunk.size();
    pending.erase(0, reader.feed(pending));
  }
  REQUIRE(reader.refused());
  CHECK(reader.refused()->status == 413);
  CHECK(sent <= (1u << 20) + 2 * chunk.size());
  // Within the cap, a chunked body is read whole.
  auto ok = accepted(
      "POST /v1/push HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  CHECK(ok.body == "hello");
}

TEST_CASE("front: too many headers, too many header bytes, too long a target") {
  std::string many = "GET /v1/health HTTP/1.1\r\n";
  for (int i = 0; i < 200'000; ++i) many += "a" + std::to_string(i) + ": b\r\n";
  many += "\r\n";
  auto huge = refused(many);
  CHECK(huge.status == 431);
  CHECK(code_of(huge) == "headers_too_large");
  // The reader gives up after the header limit, whatever is offered.
  RequestReader reader(FrontLimits{});
  const std::size_t used = reader.feed(many);
  CHECK(used < many.size());
  REQUIRE(reader.refused());
  CHECK(reader.refused()->status == 431);

  std::string count = "GET /v1/health HTTP/1.1\r\n";
  FrontLimits limits;
  for (std::size_t i = 0; i <= limits.max_header_count; ++i)
    count += "h" + std::to_string(i) + ": v\r\n";
  auto counted = refused(count + "\r\n");
  CHECK(counted.status == 431);
  CHECK(counted.message.find("header fields") != std::string::npos);

  auto target = refused("GET /" + std::string(limits.max_target_bytes, 'p') + " HTTP/1.1\r\n\r\n");
  CHECK(target.status == 414);
  CHECK(code_of(target) == "uri_too_long");
}

TEST_CASE("front: malformed requests are refused 400 with what was wrong") {
  CHECK(refused("GARBAGE\r\n\r\n").status == 400);
  CHECK(refused("GET http://evil/v1/health HTTP/1.1\r\n\r\n").status == 400);
  CHECK(refused("GET /v1/health HTTP/1.1\r\nA: 1\r\na: 2\r\n\r\n").message.find("more than once") !=
        std::string::npos);
  CHECK(refused("POST /v1/push HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc").status == 400);
  CHECK(refused("POST /v1/push HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
            .status == 400);
  CHECK(refused("POST /v1/push HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").status == 400);
  CHECK(refused(post("x", "Expect: magic\r\n")).status == 417);
  CHECK(refused("").status == 400);
}

TEST_CASE("front: pipelined requests are read one at a time; keep-alive follows the request") {
  const std::string two =
      "GET /v1/health HTTP/1.1\r\n\r\nGET /v1/status HTTP/1.1\r\nConnection: close\r\n\r\n";
  RequestReader first(FrontLimits{});
  const std::size_t used = first.feed(two);
  REQUIRE(first.done());
  CHECK(first.keep_alive());
  CHECK(first.take_request().path == "/v1/health");
  RequestReader second(FrontLimits{});
  CHECK(second.feed(two.substr(used)) == two.size() - used);
  REQUIRE(second.done());
  CHECK_FALSE(second.keep_alive());
  RequestReader old(FrontLimits{});
  old.feed("GET /v1/health HTTP/1.0\r\n\r\n");
  CHECK_FALSE(old.keep_alive());
  RequestReader waits(FrontLimits{});
  const std::string expecting = post("body", "Expect: 100-continue\r\n");
  waits.feed(expecting.substr(0, expecting.find("\r\n\r\n") + 4));
  CHECK(waits.header_done());
  CHECK(waits.wants_continue());
}

TEST_CASE("front: answers are HTTP/1.1 with a length; gzip when asked and worth it") {
  sync::HttpResponse r;
  r.status = 404;
  r.headers["Content-Type"] = "application/json";
  r.headers["X-Evil"] = "a\r\nInjected: yes";
  r.headers["Content-Length"] = "999";
  r.body = "{}";
  const std::string bytes = server::serialize_response(r, false);
  CHECK(bytes.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  CHECK(bytes.find("Content-Length: 2\r\n") != std::string::npos);
  CHECK(bytes.find("999") == std::string::npos);
  CHECK(bytes.find("\r\nInjected") == std::string::npos);
  CHECK(bytes.find("Connection: close\r\n") != std::string::npos);
  CHECK(bytes.substr(bytes.size() - 6) == "\r\n\r\n{}");
  CHECK(server::serialize_response(r, true, true).find("{}") == std::string::npos);

  sync::HttpRequest asks{"GET", "/v1/pull", "", {{"Accept-Encoding", "deflate, gzip"}}, ""};
  sync::HttpResponse big{200, {}, std::string(5000, 'z')};
  server::compress_answer(asks, big);
  CHECK(big.headers["Content-Encoding"] == "gzip");
  CHECK(big.body.size() < 1000);
  sync::HttpRequest refuses{"GET", "/v1/pull", "", {{"Accept-Encoding", "gzip;q=0"}}, ""};
  sync::HttpResponse plain{200, {}, std::string(5000, 'z')};
  server::compress_answer(refuses, plain);
  CHECK(plain.body.size() == 5000);
}

TEST_CASE("front: bodies in flight are reserved against the budget and given back") {
  server::BodyBudget budget(3 * 1024 * 1024);
  const std::string mib(1024 * 1024, 'x');
  auto feed_all = [](RequestReader& r, const std::string& bytes) {
    std::size_t at = 0;
    while (at < bytes.size() && !r.done() && !r.refused()) {
      const std::size_t n = r.feed(std::string_view(bytes).substr(at));
      if (n == 0) break;
      at += n;
    }
  };
  {
    // Content-Length is reserved whole once the headers are in, before the body arrives.
    RequestReader a(FrontLimits{}, &budget);
    const std::string whole = post(mib);
    feed_all(a, whole.substr(0, whole.size() - mib.size()));
    REQUIRE(a.header_done());
    CHECK(a.reserved_bytes() == mib.size());
    CHECK(budget.in_use() == mib.size());
    feed_all(a, whole.substr(whole.size() - mib.size()));
    REQUIRE(a.done());
    // Taking the request keeps the reservation: the body is held until the answer is written.
    sync::HttpRequest request = a.take_request();
    CHECK(request.body.size() == mib.size());
    CHECK(budget.in_use() == mib.size());

    {
      // A chunked body reserves as it grows, and is refused 503 "busy" when the budget is spent.
      RequestReader b(FrontLimits{}, &budget);
      std::string chunked =
          "POST /v1/push HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n";
      for (int i = 0; i < 4; ++i) chunked += "100000\r\n" + mib + "\r\n";
      chunked += "0\r\n\r\n";
      feed_all(b, chunked);
      REQUIRE(b.refused());
      CHECK(b.refused()->status == 503);
      CHECK(code_of(*b.refused()) == "busy");
      CHECK(b.refused()->message.find("retry later") != std::string::npos);
      CHECK(budget.in_use() <= budget.limit());
      CHECK(budget.in_use() == mib.size() + b.reserved_bytes());

      // A Content-Length that does not fit is refused from the headers alone.
      RequestReader c(FrontLimits{}, &budget);
      feed_all(c, "POST /v1/push HTTP/1.1\r\nHost: d\r\nContent-Length: 2500000\r\n\r\n");
      REQUIRE(c.refused());
      CHECK(c.refused()->status == 503);
      CHECK(c.reserved_bytes() == 0);
    }
    // The refused ones closed: what they held is given back.
    CHECK(budget.in_use() == mib.size());

    // A gzip body reserves what it inflates to.
    RequestReader g(FrontLimits{}, &budget);
    const std::string z = gzip(std::string(512 * 1024, 'a'));
    feed_all(g, post(z, "Content-Encoding: gzip\r\n"));
    REQUIRE(g.done());
    CHECK(g.reserved_bytes() >= 512 * 1024);
    CHECK(g.take_request().body.size() == 512 * 1024);
  }
  // Every reader gone (answers written): nothing is held.
  CHECK(budget.in_use() == 0);
  CHECK_FALSE(budget.try_reserve(budget.limit() + 1));
  CHECK(budget.try_reserve(budget.limit()));
  CHECK_FALSE(budget.try_reserve(1));
  budget.release(budget.limit());
  CHECK(budget.in_use() == 0);
}
