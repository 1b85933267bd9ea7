// weimin_sync_protocol: strict message parsing, request signatures, checksums and digests.
#include <doctest/doctest.h>

#include "weimin/sync/protocol.hpp"
#include "weimin/sync/protocol_auth.hpp"
#include "weimin/sync/protocol_digest.hpp"
#include "weimin/sync/protocol_schema.hpp"

using namespace weimin;
using namespace weimin::sync;

namespace {

const char* kFact = R"({"id":"018f0000-0000-7000-8000-000000000001","kind":"case.collected",
  "subject":"018f0000-0000-7000-8000-0000000000aa","origin":"station:530102001001","hlc":12345,
  "wall_ms":1700000000000,"day":"2026-11-23","body":{"source":"s1"}})";

std::string push_with(std::string_view entries) {
  return R"({"schema":1,"station_id":"station:530102001001","stream":"018f0000-0000-7000-8000-00000000ffff","base_seq":0,"entries":)" +
         std::string(entries) + "}";
}

}  // namespace

TEST_CASE("a push request round-trips and its fact payload parses strictly") {
  auto r = parse_push_request(
      push_with(std::string(R"([{"seq":1,"topic":"fact","payload":)") + kFact + "}]"));
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  REQUIRE(r->entries.size() == 1);
  auto f = parse_fact_payload(r->entries[0].payload);
  REQUIRE_MESSAGE(f.is_ok(), f.status().to_string());
  CHECK(f->kind == "case.collected");
  CHECK(f->hlc == 12345);
  auto again = parse_push_request(to_json(*r));
  REQUIRE(again.is_ok());
  CHECK(parse_fact_payload(again->entries[0].payload).value() == *f);
}

TEST_CASE("bad push requests are refused with the JSON path of the fault") {
  struct Case {
    std::string body;
    std::string path;
  };
  std::vector<Case> cases = {
      {push_with(R"([{"seq":"1","topic":"fact","payload":{}}])"), "$.entries[0].seq"},
      {push_with(R"([{"seq":1,"topic":"fact"}])"), "$.entries[0].payload"},
      {push_with(R"([{"seq":1,"topic":"fact","payload":{},"extra":1}])"), "$.entries[0].extra"},
      {push_with(
           R"([{"seq":1,"topic":"fact","payload":{}},{"seq":3,"topic":"fact","payload":{}}])"),
       "$.entries[1].seq"},
      {push_with(R"({})"), "$.entries"},
      {R"({"schema":3,"station_id":"s","stream":"x","base_seq":0,"entries":[]})", "$.schema"},
      {R"({"schema":0,"station_id":"s","stream":"x","base_seq":0,"entries":[]})", "$.schema"},
      {R"({"schema":1,"station_id":"s","stream":"not-a-uuid","base_seq":0,"entries":[]})",
       "$.stream"},
      {R"([1,2])", "$"},
  };
  for (const Case& c : cases) {
    auto r = parse_push_request(c.body);
    REQUIRE_FALSE_MESSAGE(r.is_ok(), c.body);
    CHECK(r.status().code() == ErrorCode::Invalid);
    CHECK_MESSAGE(r.status().message().rfind(c.path + ":", 0) == 0, r.status().message());
  }
}

TEST_CASE("malformed JSON and invalid UTF-8 are Invalid") {
  CHECK(parse_push_request("{").status().code() == ErrorCode::Invalid);
  std::string bad_utf8 = push_with("[]");
  bad_utf8.replace(bad_utf8.find("station:"), 1, "\xff");
  auto r = parse_push_request(bad_utf8);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message().find("UTF-8") != std::string::npos);
}

TEST_CASE("fact payload checks each field") {
  auto j = nlohmann::json::parse(kFact);
  CHECK(parse_fact_payload(j).is_ok());
  auto bad = j;
  bad["day"] = "2026-13-01";
  CHECK(parse_fact_payload(bad, "$.p").status().message().rfind("$.p.day:", 0) == 0);
  bad = j;
  bad["body"] = "text";
  CHECK(parse_fact_payload(bad).status().message().rfind("$.body:", 0) == 0);
  bad = j;
  bad.erase("origin");
  CHECK(parse_fact_payload(bad).status().message().rfind("$.origin:", 0) == 0);
  bad = j;
  bad["hlc"] = -1;
  CHECK(parse_fact_payload(bad).status().message().rfind("$.hlc:", 0) == 0);
  bad = j;
  bad["id"] = "018F0000-0000-7000-8000-000000000001";
  CHECK_FALSE(parse_fact_payload(bad).is_ok());
}

TEST_CASE("canonical_text writes exactly the canonical dump of a fact") {
  FactPayload f = parse_fact_payload(nlohmann::json::parse(kFact)).value();
  CHECK(canonical_text(f) == to_json_value(f).dump());
  // Escapes, non-ASCII text, nested bodies, numbers of every kind, negative and large clocks.
  const char* odd[] = {
      "",          "\"quoted\"", "back\\slash", "tab\tnew\nline\x01\x1f", "人民 为民 🚒",
      "</script>", "\u007f"};
  int k = 0;
  for (const char* text : odd) {
    FactPayload g = f;
    g.kind = std::string("case.") + text;
    g.subject = text;
    g.origin = std::string("station:") + text;
    g.hlc = (k % 2 ? -1 : 1) * (INT64_MAX >> k);
    g.wall_ms = k * 1'000'000'007LL;
    g.body = {{"note", text},
              {"n", k},
              {"x", 0.1 * k},
              {"neg", -k},
              {"list", {1, "two", nullptr, true, {{"z", text}, {"a", 1}}}},
              {"empty", nlohmann::json::object()}};
    CHECK(canonical_text(g) == to_json_value(g).dump());
    ++k;
  }
}

TEST_CASE("pull and digest queries are strict") {
  auto p = parse_pull_query("after=5&epoch=e-1&limit=20");
  REQUIRE(p.is_ok());
  CHECK(p->after == 5);
  CHECK(p->epoch == "e-1");
  CHECK(p->limit == 20);
  CHECK(parse_pull_query(to_query(*p))->limit == 20);
  CHECK(p->own);  // by default a pull includes the asker's own facts
  p->own = false;
  CHECK(to_query(*p).find("own=0") != std::string::npos);
  CHECK_FALSE(parse_pull_query(to_query(*p))->own);
  CHECK(parse_pull_query("after=0&own=1")->own);
  CHECK_FALSE(parse_pull_query("after=0&own=yes").is_ok());
  CHECK(parse_pull_query("after=0&limit=999999")->limit == kMaxPageCount);
  CHECK_FALSE(parse_pull_query("limit=3").is_ok());
  CHECK_FALSE(parse_pull_query("after=-1").is_ok());
  CHECK_FALSE(parse_pull_query("after=1&after=2").is_ok());
  CHECK_FALSE(parse_pull_query("after=1&x=2").is_ok());
  CHECK_FALSE(parse_pull_query("after=1x").is_ok());
  // The asker's schema: absent is 1 (the release before schema 2 did not send it).
  CHECK(parse_pull_query("after=0")->schema == 1);
  CHECK(parse_pull_query("after=0&schema=1")->schema == 1);
  CHECK(parse_pull_query("after=0&schema=2")->schema == 2);
  CHECK(PullRequest{}.schema == kSchema);
  CHECK(to_query(PullRequest{}).find("&schema=2") != std::string::npos);
  CHECK(parse_pull_query(to_query(PullRequest{}))->schema == kSchema);
  PullRequest one;
  one.schema = 1;
  CHECK(to_query(one).find("schema") == std::string::npos);  // as that release asked
  for (const char* bad : {"after=0&schema=0", "after=0&schema=3",
                          "after=0&schema=", "after=0&schema=01x", "after=0&schema=1&schema=1"}) {
    CHECK_FALSE_MESSAGE(parse_pull_query(bad).is_ok(), bad);
  }
  CHECK(parse_pull_query("after=0&schema=3").status().message().find("1..2") != std::string::npos);
  CHECK(parse_digest_query("from=2026-11-01&to=2026-11-23")->schema == 1);
  CHECK(parse_digest_query("from=2026-11-01&to=2026-11-23&schema=2")->schema == 2);
  CHECK_FALSE(parse_digest_query("from=2026-11-01&to=2026-11-23&schema=3").is_ok());
  CHECK(parse_digest_query(to_query(DigestRequest{"2026-11-01", "2026-11-23"}))->schema == kSchema);
  CHECK(parse_digest_query("from=2026-11-01&to=2026-11-23").is_ok());
  CHECK_FALSE(parse_digest_query("from=2026-11-24&to=2026-11-23").is_ok());
  CHECK_FALSE(parse_digest_query("from=2026-11-01").is_ok());
}

TEST_CASE("a pull response's count and checksum are verified") {
  PullResponse m;
  m.epoch = "e1";
  m.changes = {Change{1, "fact", nlohmann::json::parse(kFact)},
               Change{2, "catalog", nlohmann::json{{"lines", nlohmann::json::array()}}}};
  m.count = 2;
  m.checksum = page_checksum(m.changes);
  m.next_after = 2;
  auto ok = parse_pull_response(to_json(m));
  REQUIRE_MESSAGE(ok.is_ok(), ok.status().to_string());
  CHECK(ok->changes == m.changes);
  auto tampered = m;
  tampered.changes[1].record["lines"].push_back("x");
  CHECK(parse_pull_response(to_json(tampered)).status().code() == ErrorCode::Corrupt);
  auto miscounted = m;
  miscounted.count = 3;
  CHECK(parse_pull_response(to_json(miscounted)).status().code() == ErrorCode::Corrupt);
}

TEST_CASE("a pull page says what it left out from schema 2 on; a page of schema 1 has no key") {
  PullResponse m;
  m.epoch = "e1";
  m.checksum = page_checksum(m.changes);
  const std::string plain = to_json(m);
  CHECK(plain.find("left_out") == std::string::npos);
  CHECK(plain.find("trimmed") == std::string::npos);
  auto read = parse_pull_response(plain);
  REQUIRE(read.is_ok());
  CHECK_FALSE(read->left_out.has_value());
  m.left_out = 4;
  m.trimmed = 1;
  auto told = parse_pull_response(to_json(m));
  REQUIRE_MESSAGE(told.is_ok(), told.status().to_string());
  CHECK(told->left_out == 4);
  CHECK(told->trimmed == 1);
  auto negative = nlohmann::json::parse(to_json(m));
  negative["left_out"] = -1;
  CHECK(parse_pull_response(negative.dump()).status().message().find("$.left_out") !=
        std::string::npos);
  negative["left_out"] = "4";
  CHECK_FALSE(parse_pull_response(negative.dump()).is_ok());
  negative["left_out"] = 4;
  negative["other"] = 1;
  CHECK_FALSE(parse_pull_response(negative.dump()).is_ok());  // still strict
}

TEST_CASE("a fact for a station of schema 1: newer kinds left out, newer fields taken out") {
  auto fact = [](std::string kind, nlohmann::json body) {
    auto j = nlohmann::json::parse(kFact);
    j["kind"] = std::move(kind);
    j["body"] = std::move(body);
    return j;
  };
  auto visited = fact("case.visited", {{"outcome", "x"}});
  CHECK(fit_fact_to_schema(visited, 1) == SchemaFit::left_out);
  CHECK(fit_fact_to_schema(visited, 2) == SchemaFit::as_is);
  auto wish = fact("wish.posted", nlohmann::json::object());
  CHECK(fit_fact_to_schema(wish, 1) == SchemaFit::left_out);
  auto located = fact("case.collected", {{"description", "d"}, {"where", {{"grid", "g"}}}});
  auto whole = located;
  CHECK(fit_fact_to_schema(located, 2) == SchemaFit::as_is);
  CHECK(located == whole);
  CHECK(fit_fact_to_schema(located, 1) == SchemaFit::trimmed);
  CHECK(located["body"] == nlohmann::json{{"description", "d"}});
  CHECK(fit_fact_to_schema(located, 1) == SchemaFit::as_is);  // nothing more to take
  auto ticket = fact("ticket.taken", {{"line", "A"}, {"where", 1}});
  CHECK(fit_fact_to_schema(ticket, 1) == SchemaFit::as_is);  // only case.collected's where
  nlohmann::json odd = "not a fact";
  CHECK(fit_fact_to_schema(odd, 1) == SchemaFit::as_is);
}

TEST_CASE("a signed request verifies, and any change to it does not") {
  StationKeyPair key = generate_station_key();
  HttpRequest req{"POST", "/v1/push", "", {}, R"({"a":1})"};
  sign_request(req, "station:530102001001", key.secret_key, 1'700'000'000'000);
  auto parts = read_signed_parts(req);
  REQUIRE_MESSAGE(parts.ok, parts.error.message);
  CHECK(parts.parts.params.keyid == "station:530102001001");
  CHECK(parts.parts.params.created == 1'700'000'000);
  CHECK(verify_signature(parts.parts.base, parts.parts.signature, key.public_key));
  CHECK_FALSE(
      verify_signature(parts.parts.base, parts.parts.signature, generate_station_key().public_key));

  HttpRequest body_changed = req;
  body_changed.body = R"({"a":2})";
  CHECK(read_signed_parts(body_changed).error.failure == AuthFailure::BadDigest);

  HttpRequest path_changed = req;
  path_changed.path = "/v1/pull";
  auto p2 = read_signed_parts(path_changed);
  REQUIRE(p2.ok);
  CHECK_FALSE(verify_signature(p2.parts.base, p2.parts.signature, key.public_key));

  HttpRequest query_changed = req;
  query_changed.query = "after=1";
  auto p3 = read_signed_parts(query_changed);
  REQUIRE(p3.ok);
  CHECK_FALSE(verify_signature(p3.parts.base, p3.parts.signature, key.public_key));

  HttpRequest unsigned_req{"GET", "/v1/status", "", {}, ""};
  CHECK(read_signed_parts(unsigned_req).error.failure == AuthFailure::Unsigned);

  HttpRequest garbled = req;
  garbled.headers["Signature"] = "sig1=:!!!:";
  CHECK(read_signed_parts(garbled).error.failure == AuthFailure::BadSignature);
  HttpRequest other_alg = req;
  auto& in = other_alg.headers["Signature-Input"];
  in.replace(in.find("ed25519"), 7, "rsa-pss");
  CHECK(read_signed_parts(other_alg).error.failure == AuthFailure::BadSignature);
}

TEST_CASE("the signature base follows RFC 9421 section 2.5") {
  SignatureParams p{1700000000, "bm9uY2Vub25jZQ==", "station:530102001001", "ed25519"};
  std::string base = signature_base("GET", "/v1/pull", "after=0", "sha-256=:X:", p);
  CHECK(base ==
        "\"@method\": GET\n\"@path\": /v1/pull\n\"@query\": ?after=0\n\"content-digest\": "
        "sha-256=:X:\n\"@signature-params\": (\"@method\" \"@path\" \"@query\" "
        "\"content-digest\");created=1700000000;nonce=\"bm9uY2Vub25jZQ==\";keyid=\"station:"
        "530102001001\";alg=\"ed25519\"");
  // RFC 9530's example: the digest of {"hello": "world"}.
  CHECK(content_digest("{\"hello\": \"world\"}") ==
        "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
}

TEST_CASE("day digests do not depend on order and see any difference") {
  std::vector<DigestItem> a = {
      {"fact", "2026-11-23", "b"}, {"fact", "2026-11-23", "a"}, {"fact", "2026-11-22", "c"}};
  std::vector<DigestItem> b = {a[2], a[0], a[1], a[1]};
  auto da = day_digests(a);
  REQUIRE(da.size() == 2);
  CHECK(da[0].day == "2026-11-22");
  CHECK(da[1].count == 2);
  CHECK(day_digests(b) == da);
  a[0].id = "d";
  CHECK(day_digests(a)[1].hash != da[1].hash);
  DayDigestBuilder builder("fact", "2026-11-23");
  builder.add("a");
  builder.add("b");
  CHECK(builder.finish() == da[1]);
  CHECK(da[0].hash == sha256_hex("c\n"));
}

TEST_CASE("base64 refuses what is not base64") {
  CHECK(base64_decode(base64_encode("hello")).value() == "hello");
  CHECK_FALSE(base64_decode("aGVsbG8").is_ok());
  CHECK_FALSE(base64_decode("a b=").is_ok());
}

TEST_CASE("a created parameter outside 0 < created < 2^40 is refused before any arithmetic") {
  StationKeyPair key = generate_station_key();
  // 2^63 / 1000: times 1000 this overflowed the skew check and was accepted.
  for (const char* created : {"9223372036854775", "18446744073709551615", "0", "1099511627776",
                              "99999999999999999999999"}) {
    HttpRequest req{"POST", "/v1/push", "", {}, R"({"a":1})"};
    sign_request(req, SignatureParams{1'700'000'000, "bm9uY2Vub25jZQ==", "station:530102001001"},
                 key.secret_key);
    auto& in = req.headers["Signature-Input"];
    in.replace(in.find("1700000000"), 10, created);
    auto parts = read_signed_parts(req);
    CHECK_MESSAGE(!parts.ok, created);
    CHECK(parts.error.failure == AuthFailure::BadSignature);
  }
}

TEST_CASE("JSON nested deeper than the bound is refused while parsing, at any depth") {
  auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
  };
  CHECK(parse_json(nested(kMaxJsonDepth), "x").is_ok());
  for (int depth : {kMaxJsonDepth + 1, 70'000, 1'000'000}) {
    auto r = parse_json(nested(depth), "the body");
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == ErrorCode::Invalid);
    CHECK_MESSAGE(r.status().message().find("deeper than 64") != std::string::npos,
                  r.status().message());
  }
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
  objects += "1";
  for (int i = 0; i < 100'000; ++i) objects += "}";
  CHECK_FALSE(parse_json(objects, "x").is_ok());
  // What it returns is the document json::parse makes.
  const std::string doc = R"({"b":[1,2.5,"x",null,true,{"c":{}}],"a":-3,"u":18446744073709551615})";
  auto r = parse_json(doc, "x");
  REQUIRE(r.is_ok());
  CHECK(*r == nlohmann::json::parse(doc));
  CHECK(parse_json("7", "x").value() == 7);
  CHECK_FALSE(parse_json("[1] x", "x").is_ok());
  CHECK_FALSE(parse_json("", "x").is_ok());
}

TEST_CASE("a key given twice in one object is refused, at any level") {
  for (const char* doc :
       {R"({"a":1,"a":2})", R"({"x":[{"k":1,"j":2,"k":1}]})", R"({"schema":1,"schema":1})"}) {
    auto r = parse_json(doc, "the body");
    REQUIRE_FALSE_MESSAGE(r.is_ok(), doc);
    CHECK(r.status().message().find("twice") != std::string::npos);
  }
  CHECK(parse_json(R"({"a":{"a":1},"b":{"a":2}})", "x").is_ok());
  CHECK_FALSE(
      parse_push_request(
          push_with(std::string(R"([{"seq":1,"seq":1,"topic":"fact","payload":)") + kFact + "}]"))
          .is_ok());
}

TEST_CASE("what a station reports: bounded headers are read, anything else is left unset") {
  auto report = [](std::string version, std::string waiting) {
    Headers h;
    h["x-weimin-version"] = std::move(version);  // any case
    h["X-Weimin-Waiting"] = std::move(waiting);
    return read_station_report(h);
  };
  CHECK(read_station_report(Headers{}) == StationReport{});
  auto ok = report("0.1.0 (build 7)", "42");
  CHECK(ok.version == "0.1.0 (build 7)");
  CHECK(ok.waiting == 42);
  CHECK(report(std::string(64, 'v'), "0").version == std::string(64, 'v'));
  CHECK(report("1", "1000000000000").waiting == kMaxWaiting);
  // Out of bounds: unset, the other header still read.
  CHECK_FALSE(report(std::string(65, 'v'), "1").version);
  CHECK(report(std::string(65, 'v'), "1").waiting == 1);
  CHECK_FALSE(report("", "1").version);
  CHECK_FALSE(report("0.1\n", "1").version);
  CHECK_FALSE(report("0.1\x7f", "1").version);
  CHECK_FALSE(report("版本", "1").version);
  for (const char* bad : {"", "-1", "+1", "1.5", "1e3", " 1", "0x10", "1000000000001",
                          "99999999999999999999", "12a"}) {
    CAPTURE(bad);
    auto r = report("0.1.0", bad);
    CHECK_FALSE(r.waiting);
    CHECK(r.version == "0.1.0");
  }
}
