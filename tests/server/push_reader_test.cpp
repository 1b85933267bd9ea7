// read_push_facts (sync/push_reader.hpp) against the reference parse_push_request: the same
// verdict and message for every text, and each entry's fact as parse_fact_payload reads its
// payload (push_reader_contract.hpp). Hand-written cases for each rule, then a corpus of
// mutations of valid pushes (WEIMIN_SEED replays one; WEIMIN_PUSH_CASES sets its size).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "push_reader_contract.hpp"
#include "seed.hpp"
#include "weimin/sync/push_reader.hpp"

using namespace weimin;
using namespace weimin::sync;

namespace {

const std::string kStream = "018f0000-0000-7000-8000-00000000ffff";

std::string fact_text(int i, std::string_view body = R"({"line":"A","number":"A012"})") {
  char id[64];
  std::snprintf(id, sizeof id, "018f0000-0000-7000-8000-%012d", i);
  return std::string(R"({"id":")") + id +
         R"(","kind":"ticket.taken","subject":"ticket-1","origin":"station:530102001001",)"
         R"("hlc":117659648000000000,"wall_ms":1795336200001,"day":"2026-11-22","body":)" +
         std::string(body) + "}";
}

std::string entry_text(std::int64_t seq, std::string_view payload, std::string_view extra = "") {
  return R"({"seq":)" + std::to_string(seq) + R"(,"topic":"fact")" + std::string(extra) +
         R"(,"payload":)" + std::string(payload) + "}";
}

std::string push_text(std::string_view entries, std::string_view base_seq = "0",
                      std::string_view extra = "") {
  return R"({"schema":1,"station_id":"station:530102001001","stream":")" + kStream +
         R"(","base_seq":)" + std::string(base_seq) + std::string(extra) + R"(,"entries":)" +
         std::string(entries) + "}";
}

std::string two_entries() {
  return "[" + entry_text(1, fact_text(1)) + "," + entry_text(2, fact_text(2)) + "]";
}

std::string nested(int depth, std::string_view inner = "1") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

// Checks the contract for `text`; returns whether the reference accepted it.
bool agrees(const std::string& text) {
  bool accepted = false;
  auto difference = test::push_reader_difference(text, &accepted);
  CHECK_MESSAGE(!difference, "input: ", text.substr(0, 400), "\n", difference.value_or(""));
  return accepted;
}

// What read_push_facts says of `text` ("ok" when it accepts it), after checking the contract.
std::string verdict(const std::string& text) {
  agrees(text);
  auto r = read_push_facts(text);
  return r.is_ok() ? "ok" : r.status().message();
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

}  // namespace

TEST_CASE("the push reader reads a valid push as parse_push_request and parse_fact_payload do") {
  auto r = read_push_facts(push_text(two_entries()));
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(r->station_id == "station:530102001001");
  CHECK(r->stream == kStream);
  REQUIRE(r->entries.size() == 2);
  CHECK(r->entries[1].seq == 2);
  REQUIRE(r->entries[1].fact.is_ok());
  CHECK(r->entries[1].fact->body == nlohmann::json{{"line", "A"}, {"number", "A012"}});
  CHECK(r->entries[1].fact->hlc == 117659648000000000);
  CHECK(agrees(push_text(two_entries())));
  CHECK(agrees(push_text("[]")));
  // Field order, whitespace, escaped keys and a byte order mark change nothing.
  CHECK(agrees(" \n{ \"entries\" : [ ] , \"base_seq\":0,\"stream\":\"" + kStream +
               "\",\"st\\u0061tion_id\":\"s\",\"schema\":1 }\t"));
  agrees("\xEF\xBB\xBF" + push_text("[]"));
  // Another topic: the request stands; the fact is still read (the district rejects it).
  std::string other = two_entries();
  other.replace(other.find("\"fact\""), 6, "\"note\"");
  CHECK(agrees(push_text(other)));
}

TEST_CASE("the push reader refuses malformed text, repeated keys and deep nesting as parse_json") {
  for (std::string text :
       {std::string(), std::string("  "), std::string("{"), std::string("}"), std::string("{} x"),
        std::string("{}{}"), std::string("nul"), push_text(two_entries()).substr(0, 200),
        push_text("[1,]"), push_text("[]", "0", ",\"a\":01"), push_text("[]", "0", ",\"a\":1."),
        push_text("[]", "0", ",\"a\":\"\\x\""), push_text("[]", "0", ",\"a\":\"\t\"")}) {
    CHECK(starts_with(verdict(text), "the push request is not valid JSON (or not UTF-8): "));
  }
  // Invalid UTF-8 in a key, a value, a body and an unknown field.
  std::string bad = push_text(two_entries());
  for (std::string_view where : {"station:", "\"line\"", "A012", "ticket.taken"}) {
    std::string t = bad;
    t.insert(t.find(where) + 1, "\xff");
    CHECK(verdict(t).find("UTF-8") != std::string::npos);
  }
  CHECK(verdict(push_text("[]", "0", ",\"x\":\"\xc3\"")).find("UTF-8") != std::string::npos);
  // A key given twice, at every level, also where the reader keeps nothing.
  const std::string twice = "appears twice in one object; give it once";
  CHECK(verdict(push_text("[]", "0", ",\"schema\":1")).find(twice) != std::string::npos);
  CHECK(verdict(push_text("[]", "0", ",\"entries\":[]")).find("\"entries\" appears twice") !=
        std::string::npos);
  CHECK(verdict(push_text("[" + entry_text(1, fact_text(1), ",\"seq\":1") + "]"))
            .find("\"seq\" appears twice") != std::string::npos);
  CHECK(
      verdict(push_text("[" + entry_text(1, fact_text(1), ",\"x\":1,\"x\":2") + "]")).find(twice) !=
      std::string::npos);
  CHECK(verdict(push_text("[" + entry_text(1, fact_text(1, R"({"a":1,"a":1})")) + "]"))
            .find("\"a\" appears twice") != std::string::npos);
  std::string payload_twice = fact_text(1);
  payload_twice.insert(1, R"("day":"2026-01-01",)");
  CHECK(verdict(push_text("[" + entry_text(1, payload_twice) + "]")).find(twice) !=
        std::string::npos);
  CHECK(verdict(push_text("[]", "0", R"(,"x":{"y":[{"a":1,"a":2}]})")).find(twice) !=
        std::string::npos);
  CHECK(verdict(push_text(R"([[{"a":1,"a":2}]])")).find(twice) != std::string::npos);
  CHECK(verdict(R"([{"a":1,"a":2}])").find(twice) != std::string::npos);
  CHECK(verdict(push_text(R"({"a":1,"a":2})")).find(twice) != std::string::npos);
  CHECK(verdict(push_text("[" + entry_text(1, R"([{"a":1,"a":2}])") + "]")).find(twice) !=
        std::string::npos);
  // A repeated key is refused even after a field a later check would refuse, and a syntax
  // fault after one.
  CHECK(verdict(R"({"schema":"1","schema":2})").find(twice) != std::string::npos);
  CHECK(starts_with(verdict(R"({"schema":"1","x":)"), "the push request is not valid JSON"));
  // Nesting: 64 levels in all are read, 65 are not — wherever the deepest value is. A body
  // sits inside 4 containers (the request, entries, the entry, the payload).
  const std::string deep = "nests arrays and objects deeper than 64 levels";
  CHECK(agrees(push_text("[" + entry_text(1, fact_text(1, "{\"a\":" + nested(59) + "}")) + "]")));
  CHECK(verdict(push_text("[" + entry_text(1, fact_text(1, "{\"a\":" + nested(60) + "}")) + "]"))
            .find(deep) != std::string::npos);
  CHECK(agrees(push_text("[]", "0", ",\"x\":" + nested(63))) == false);
  CHECK(verdict(push_text("[]", "0", ",\"x\":" + nested(64))).find(deep) != std::string::npos);
  CHECK(verdict(push_text("[" + nested(62) + "]")) ==
        "$.entries[0]: expected a JSON object, got an array");
  CHECK(verdict(push_text("[" + nested(63) + "]")).find(deep) != std::string::npos);
  CHECK(verdict(push_text("[" + entry_text(1, nested(61)) + "]")) == "ok");
  CHECK(verdict(push_text("[" + entry_text(1, nested(62)) + "]")).find(deep) != std::string::npos);
  CHECK(verdict(nested(64)) == "$: expected a JSON object, got an array");
  CHECK(verdict(nested(65)).find(deep) != std::string::npos);
  CHECK(verdict(nested(100000, "")).find(deep) != std::string::npos);
}

TEST_CASE("the push reader checks the envelope in parse_push_request's order") {
  CHECK(verdict("[1,2]") == "$: expected a JSON object, got an array");
  CHECK(verdict("1") == "$: expected a JSON object, got an integer");
  CHECK(verdict("-1.5") == "$: expected a JSON object, got a fractional number");
  CHECK(verdict("\"x\"") == "$: expected a JSON object, got a string");
  CHECK(verdict("null") == "$: expected a JSON object, got null");
  CHECK(verdict("true") == "$: expected a JSON object, got a boolean");
  CHECK(starts_with(verdict("{}"), "$.schema: is missing"));
  const std::string rest = R"("station_id":"s","stream":")" + kStream + R"(","base_seq":0)";
  for (std::string schema :
       {"0", "3", "-1", "1.0", "1e0", "\"1\"", "true", "null", "[]", "{}", "9223372036854775807",
        "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "-9223372036854775808", "-9223372036854775809", "-0"}) {
    CHECK(starts_with(verdict("{\"schema\":" + schema + "," + rest + ",\"entries\":[]}"),
                      schema == "-0" ? "$.schema: schema 0" : "$.schema: "));
  }
  // Schema 2 and the one before, 1, are both read (docs/PROTOCOL.md, "Schemas").
  for (std::string schema : {"1", "2"}) {
    CHECK(verdict("{\"schema\":" + schema + "," + rest + ",\"entries\":[]}") == "ok");
  }
  // The first fault in field order wins, wherever the fields stand in the text.
  CHECK(
      starts_with(verdict(R"({"entries":5,"base_seq":-1,"stream":"x","station_id":"","schema":1})"),
                  "$.station_id: must not be empty"));
  CHECK(
      starts_with(verdict(R"({"entries":5,"base_seq":-1,"stream":"x","station_id":5,"schema":1})"),
                  "$.station_id: expected a string, got an integer"));
  CHECK(starts_with(
      verdict(R"({"entries":5,"base_seq":-1,"stream":"x","station_id":"s","schema":1})"),
      "$.stream: is not a lower-case UUID text"));
  CHECK(starts_with(verdict(push_text("[]", "-1")), "$.base_seq: must be at least 0, got -1"));
  CHECK(starts_with(verdict(push_text("[]", "0.0")), "$.base_seq: expected an integer"));
  CHECK(starts_with(verdict(push_text("[]", "9223372036854775808")),
                    "$.base_seq: is too large for a 64-bit signed integer"));
  CHECK(starts_with(verdict(push_text("[]", "-9223372036854775808")),
                    "$.base_seq: must be at least 0, got -9223372036854775808"));
  for (std::string entries : {"{}", "\"[]\"", "null", "1", "{\"seq\":1}"}) {
    CHECK(starts_with(verdict(push_text(entries)), "$.entries: expected an array"));
  }
  CHECK(starts_with(
      verdict(R"({"schema":1,"station_id":"s","stream":")" + kStream + R"(","base_seq":0})"),
      "$.entries: is missing"));
  std::string upper = push_text("[]");
  upper.replace(upper.find("ffff"), 4, "FFFF");
  CHECK(starts_with(verdict(upper), "$.stream: is not a lower-case UUID text"));
  // Unknown fields of the request: after every entry is read, the first in sorted order.
  CHECK(verdict(push_text("[]", "0", R"(,"zz":1,"b":[1,{"c":2}],"é":null)")) ==
        "$.b: is not a field of this message; remove it (unknown fields are refused)");
  CHECK(verdict(push_text("[]", "0", R"(,"zz":1,"\u00e9":2,"Z":3)")) ==
        "$.Z: is not a field of this message; remove it (unknown fields are refused)");
  CHECK(verdict(push_text("[]", "0", ",\"\":1")) ==
        "$.: is not a field of this message; remove it (unknown fields are refused)");
  CHECK(agrees(push_text("[]", "0", ",\"a\\u0000b\":1,\"a\":2")) == false);
  CHECK(starts_with(
      verdict(push_text("[" + entry_text(1, fact_text(1), ",\"q\":1") + "]", "0", ",\"a\":1")),
      "$.entries[0].q: is not a field"));
  CHECK(starts_with(verdict(push_text("[]", "0", ",\"a\":1").replace(1, 10, "\"schema\":3")),
                    "$.schema: schema 3 is not spoken here"));
}

TEST_CASE("the push reader checks each entry and the seqs in parse_push_request's order") {
  CHECK(verdict(push_text("[1]")) == "$.entries[0]: expected a JSON object, got an integer");
  CHECK(verdict(push_text("[" + entry_text(1, fact_text(1)) + ",null]")) ==
        "$.entries[1]: expected a JSON object, got null");
  CHECK(verdict(push_text("[" + entry_text(1, fact_text(1)) + ",[{}]]")) ==
        "$.entries[1]: expected a JSON object, got an array");
  CHECK(starts_with(verdict(push_text("[{}]")), "$.entries[0].seq: is missing"));
  for (std::string seq : {"0", "-5", "\"1\"", "1.0", "1e3", "18446744073709551615", "true"}) {
    CHECK(starts_with(verdict(push_text(R"([{"seq":)" + seq + R"(,"topic":"fact","payload":{}}])")),
                      "$.entries[0].seq: "));
  }
  CHECK(starts_with(verdict(push_text(R"([{"seq":1,"topic":"","payload":{}}])")),
                    "$.entries[0].topic: must not be empty"));
  CHECK(starts_with(verdict(push_text(R"([{"payload":{},"topic":5,"seq":1}])")),
                    "$.entries[0].topic: expected a string, got an integer"));
  CHECK(starts_with(verdict(push_text(R"([{"seq":1,"topic":"fact"}])")),
                    "$.entries[0].payload: is missing"));
  CHECK(
      verdict(push_text(R"([{"seq":1,"topic":"fact","payload":{},"zeta":1,"alpha":{"x":[]}}])")) ==
      "$.entries[0].alpha: is not a field of this message; remove it (unknown fields are "
      "refused)");
  // seq against base_seq (which may come after the entries) and the entry before.
  const std::string e1 = entry_text(1, fact_text(1)), e2 = entry_text(2, fact_text(2)),
                    e3 = entry_text(3, fact_text(3));
  CHECK(verdict(push_text("[" + e1 + "]", "1")) ==
        "$.entries[0].seq: seq 1 is not after base_seq 1");
  CHECK(verdict(R"({"entries":[)" + e1 + R"(],"schema":1,"station_id":"s","stream":")" + kStream +
                R"(","base_seq":5})") == "$.entries[0].seq: seq 1 is not after base_seq 5");
  CHECK(verdict(push_text("[" + e1 + "," + e3 + "]")) ==
        "$.entries[1].seq: seq 3 should be 2: entries of a batch are consecutive");
  CHECK(verdict(push_text("[" + e2 + "," + e1 + "]")) ==
        "$.entries[1].seq: seq 1 should be 3: entries of a batch are consecutive");
  CHECK(verdict(push_text("[" + e2 + "," + e3 + "]", "0")) == "ok");
  // An earlier entry's seq fault comes before a later entry's own fault, and an entry's own
  // fault before its seq fault.
  CHECK(starts_with(verdict(push_text("[" + e1 + "," + e3 + ",{}]")), "$.entries[1].seq: seq 3"));
  CHECK(starts_with(verdict(push_text("[" + e1 + ",{\"seq\":3}]")),
                    "$.entries[1].topic: is missing"));
  CHECK(verdict(push_text("[" + entry_text(9223372036854775807, fact_text(1)) + "," + e2 + "]")) ==
        "$.entries[1].seq: seq 2 should be -9223372036854775808: entries of a batch are "
        "consecutive");
}

TEST_CASE("the push reader reads each payload as parse_fact_payload does") {
  auto fact_fault = [](const std::string& payload) {
    auto r = read_push_facts(push_text("[" + entry_text(1, payload) + "]"));
    agrees(push_text("[" + entry_text(1, payload) + "]"));
    REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
    return r->entries[0].fact.is_ok() ? std::string("ok") : r->entries[0].fact.status().message();
  };
  CHECK(fact_fault(fact_text(1)) == "ok");
  for (std::string payload : {"5", "[]", "\"x\"", "null", "[{\"id\":1}]", "1.5", "false"}) {
    CHECK(starts_with(fact_fault(payload), "$.entries[0].payload: expected a JSON object, got "));
  }
  const std::string f = fact_text(1);
  auto with = [&](std::string_view field, std::string_view value) {
    std::string t = f;
    const std::size_t at = t.find("\"" + std::string(field) + "\":") + field.size() + 3;
    const std::size_t end = field == "body" ? t.size() - 1 : t.find_first_of(",}", at);
    return t.replace(at, end - at, value);
  };
  auto without = [&](std::string_view field) {
    std::string t = with(field, "0");
    const std::size_t at = t.find("\"" + std::string(field) + "\":");
    const std::size_t length = field.size() + 4;  // "field":0
    return t[at + length] == ',' ? t.erase(at, length + 1) : t.erase(at - 1, length + 1);
  };
  CHECK(fact_fault(with("id", "\"018F0000-0000-7000-8000-000000000001\"")) ==
        "$.entries[0].payload.id: is not a lower-case UUID text");
  CHECK(fact_fault(with("kind", "\"ticket taken\"")) ==
        "$.entries[0].payload.kind: may hold only letters, digits and . _ - : (at most 128)");
  CHECK(fact_fault(with("kind", "\"\"")) == "$.entries[0].payload.kind: must not be empty");
  CHECK(fact_fault(with("subject", "\"" + std::string(129, 's') + "\"")) ==
        "$.entries[0].payload.subject: is longer than 128 bytes");
  CHECK(fact_fault(with("origin", "\"station/1\"")) ==
        "$.entries[0].payload.origin: is not a node id such as station:530102001001");
  CHECK(fact_fault(with("hlc", "-1")) == "$.entries[0].payload.hlc: must be at least 0, got -1");
  CHECK(fact_fault(with("wall_ms", "1.0")) ==
        "$.entries[0].payload.wall_ms: expected an integer, got a fractional number");
  CHECK(fact_fault(with("hlc", "18446744073709551615")) ==
        "$.entries[0].payload.hlc: is too large for a 64-bit signed integer");
  CHECK(fact_fault(with("day", "\"2026-13-01\"")) ==
        "$.entries[0].payload.day: '2026-13-01' is not a date YYYY-MM-DD");
  CHECK(fact_fault(with("day", "\"a day much longer than ten\"")) ==
        "$.entries[0].payload.day: 'a day much longe' is not a date YYYY-MM-DD");
  CHECK(fact_fault(with("body", "[1]")) ==
        "$.entries[0].payload.body: expected a JSON object, got an array");
  CHECK(fact_fault(with("body", "\"{}\"")) ==
        "$.entries[0].payload.body: expected a JSON object, got a string");
  for (std::string field : {"id", "kind", "subject", "origin", "hlc", "wall_ms", "day", "body"}) {
    CHECK(fact_fault(without(field)) ==
          "$.entries[0].payload." + field +
              ": is missing; every message needs it (docs/PROTOCOL.md)");
  }
  // The first fault in field order, and unknown fields last, the first in sorted order.
  CHECK(fact_fault(R"({"body":[],"hlc":-1,"zz":1,"id":"x"})") ==
        "$.entries[0].payload.id: is not a lower-case UUID text");
  CHECK(fact_fault(with("body", R"({"a":[{"b":null}]})").replace(1, 0, "\"zz\":1,\"c\":{},")) ==
        "$.entries[0].payload.c: is not a field of this message; remove it (unknown fields are "
        "refused)");
  CHECK(fact_fault(with("body", R"({"中文":"值\n\"","n":[1,-2,3.5,1e300,true,null,{}]})")) == "ok");
  // Each entry's fact on its own: a bad payload does not stop the others.
  auto r = read_push_facts(push_text("[" + entry_text(1, with("hlc", "\"1\"")) + "," +
                                     entry_text(2, fact_text(2)) + "]"));
  REQUIRE(r.is_ok());
  CHECK_FALSE(r->entries[0].fact.is_ok());
  CHECK(r->entries[1].fact.is_ok());
}

namespace {

// A JSON value as text is made of it, so that mutations can repeat keys and keep any order.
struct Member;
struct Node {
  enum class Kind { Scalar, Object, Array } kind = Kind::Scalar;
  std::string scalar;  // the JSON text of a scalar
  // A key and its value. Not std::pair: a pair of an incomplete Node is refused by clang 14
  // with libstdc++ 12 (std::vector allows an incomplete element, std::pair does not).
  std::vector<Member> members;
  std::vector<Node> items;
};
struct Member {
  std::string first;
  Node second;
};

Node scalar(std::string text) {
  return Node{Node::Kind::Scalar, std::move(text), {}, {}};
}
Node str(const std::string& s) {
  return scalar(nlohmann::json(s).dump());
}
Node object(std::vector<Member> members) {
  return Node{Node::Kind::Object, {}, std::move(members), {}};
}
Node array(std::vector<Node> items) {
  return Node{Node::Kind::Array, {}, {}, std::move(items)};
}

void write(const Node& n, std::string& out) {
  if (n.kind == Node::Kind::Scalar) {
    out += n.scalar;
  } else if (n.kind == Node::Kind::Array) {
    out += '[';
    for (std::size_t i = 0; i < n.items.size(); ++i) {
      if (i) out += ',';
      write(n.items[i], out);
    }
    out += ']';
  } else {
    out += '{';
    for (std::size_t i = 0; i < n.members.size(); ++i) {
      if (i) out += ',';
      out += nlohmann::json(n.members[i].first).dump();
      out += ':';
      write(n.members[i].second, out);
    }
    out += '}';
  }
}

using Rng = std::mt19937_64;

std::size_t pick(Rng& rng, std::size_t n) {
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}

// A push like a station's: tickets and cases, bodies with text, numbers and nesting.
Node valid_push(Rng& rng) {
  const std::int64_t base = static_cast<std::int64_t>(pick(rng, 3)) * 100;
  std::vector<Node> entries;
  const std::size_t n = pick(rng, 5);
  for (std::size_t i = 0; i < n; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "0190c0de-%04zx-7000-8000-%012zu", i % 16, pick(rng, 100000));
    const bool is_case = pick(rng, 2) == 0;
    Node body = is_case ? object({{"source", str("窗口")},
                                  {"items", array({str("530102"), scalar("12"), scalar("1.5")})},
                                  {"note", str("a \"quoted\"\nline")},
                                  {"urgent", scalar("false")}})
                        : object({{"line", scalar(std::to_string(1 + i % 10))},
                                  {"number", str("A" + std::to_string(i))},
                                  {"window", scalar("2")},
                                  {"priority", scalar(i % 3 ? "false" : "true")}});
    Node fact = object({{"id", str(id)},
                        {"kind", str(is_case ? "case.collected" : "ticket.taken")},
                        {"subject", str(is_case ? id : "ticket-" + std::to_string(i))},
                        {"origin", str("station:530102001001")},
                        {"hlc", scalar(std::to_string((1795568400000LL << 16) + i))},
                        {"wall_ms", scalar(std::to_string(1795568400000LL + i))},
                        {"day", str("2026-11-25")},
                        {"body", std::move(body)}});
    entries.push_back(object({{"seq", scalar(std::to_string(base + 1 + i))},
                              {"topic", str("fact")},
                              {"payload", std::move(fact)}}));
  }
  return object({{"schema", scalar("1")},
                 {"station_id", str("station:530102001001")},
                 {"stream", str(kStream)},
                 {"base_seq", scalar(std::to_string(base))},
                 {"entries", array(std::move(entries))}});
}

struct Place {
  Node* node;
  int depth;  // containers around it
};

void places(Node& n, int depth, std::vector<Place>& out) {
  out.push_back({&n, depth});
  for (auto& m : n.members) places(m.second, depth + 1, out);
  for (auto& i : n.items) places(i, depth + 1, out);
}

Node some_value(Rng& rng, int depth) {
  static const std::vector<std::string> kScalars = {"0",
                                                    "1",
                                                    "-1",
                                                    "2",
                                                    "-0",
                                                    "0.0",
                                                    "1.5",
                                                    "1e2",
                                                    "-1E-2",
                                                    "9223372036854775807",
                                                    "9223372036854775808",
                                                    "-9223372036854775808",
                                                    "-9223372036854775809",
                                                    "18446744073709551615",
                                                    "18446744073709551616",
                                                    "true",
                                                    "false",
                                                    "null",
                                                    "\"\"",
                                                    "\"x\"",
                                                    "\"fact\"",
                                                    "\"2026-11-25\"",
                                                    "\"018f0000-0000-7000-8000-00000000ffff\"",
                                                    "\"station:530102001001\"",
                                                    "\"\\u00e9\\n\""};
  switch (pick(rng, 6)) {
    case 0:
      return array({});
    case 1:
      return object({});
    case 2:
      return array({some_value(rng, depth + 1), scalar("1")});
    case 3:
      return object({{"a", some_value(rng, depth + 1)}, {"seq", scalar("1")}});
    case 4:
      if (depth < 3) return array({some_value(rng, depth + 1)});
      [[fallthrough]];
    default:
      return scalar(kScalars[pick(rng, kScalars.size())]);
  }
}

const std::vector<std::string>& some_keys() {
  static const std::vector<std::string> keys = {
      "schema", "station_id", "stream", "base_seq", "entries", "seq",   "topic", "payload", "id",
      "kind",   "subject",    "origin", "hlc",      "wall_ms", "day",   "body",  "extra",   "a",
      "zz",     "",           "Seq",    "seqq",     "é",       "body ", "\x7f",  "a\nb"};
  return keys;
}

// Changes `root` once: a field deleted, repeated, retyped, moved or added, an entry's seq
// renumbered, or a value replaced by nesting at the depth limit.
void mutate(Node& root, Rng& rng) {
  std::vector<Place> all;
  places(root, 0, all);
  std::vector<Place> objects;
  for (const Place& p : all) {
    if (p.node->kind == Node::Kind::Object && !p.node->members.empty()) objects.push_back(p);
  }
  const std::size_t what = pick(rng, 8);
  if (what <= 3 && !objects.empty()) {
    auto& members = objects[pick(rng, objects.size())].node->members;
    const std::size_t i = pick(rng, members.size());
    if (what == 0) {
      members.erase(members.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (what == 1) {
      auto copy = members[i];
      members.insert(members.begin() + static_cast<std::ptrdiff_t>(pick(rng, members.size() + 1)),
                     std::move(copy));
    } else if (what == 2) {
      std::shuffle(members.begin(), members.end(), rng);
    } else {
      members[i].second = some_value(rng, 0);
    }
    return;
  }
  Place p = all[pick(rng, all.size())];
  if (what == 4) {
    *p.node = some_value(rng, p.depth);
  } else if (what == 5) {
    Node* target = nullptr;
    for (const Place& q : all) {
      if (q.node->kind == Node::Kind::Object && pick(rng, 3) == 0) target = q.node;
    }
    if (target == nullptr) target = &root;
    const auto& keys = some_keys();
    target->members.insert(target->members.begin() +
                               static_cast<std::ptrdiff_t>(pick(rng, target->members.size() + 1)),
                           {keys[pick(rng, keys.size())], some_value(rng, 0)});
  } else if (what == 6) {
    std::vector<Node*> seqs;
    for (const Place& q : all) {
      if (q.node->kind != Node::Kind::Object) continue;
      for (auto& m : q.node->members) {
        if (m.first == "seq" || m.first == "base_seq") seqs.push_back(&m.second);
      }
    }
    static const std::vector<std::string> numbers = {
        "0", "1", "2", "3", "5", "100", "101", "9223372036854775807", "-1"};
    if (!seqs.empty()) *seqs[pick(rng, seqs.size())] = scalar(numbers[pick(rng, numbers.size())]);
  } else {
    // Nesting that ends at 63, 64 or 65 levels in all.
    const int levels = std::max(1, 64 - p.depth + static_cast<int>(pick(rng, 3)) - 1);
    Node inner = scalar("1");
    for (int i = 0; i < levels; ++i) {
      inner = pick(rng, 2) ? array({std::move(inner)}) : object({{"k", std::move(inner)}});
    }
    *p.node = std::move(inner);
  }
}

// Byte-level damage to a text: cut short, a byte changed or added, invalid UTF-8.
void damage(std::string& text, Rng& rng) {
  if (text.empty()) return;
  const std::size_t at = pick(rng, text.size());
  switch (pick(rng, 4)) {
    case 0:
      text.resize(at);
      break;
    case 1:
      text[at] = static_cast<char>(pick(rng, 256));
      break;
    case 2:
      text.insert(at, 1, "{}[],:\"\\ 0-e"[pick(rng, 12)]);
      break;
    default:
      text.insert(at, pick(rng, 2) ? "\xff" : "\xc3");
      break;
  }
}

}  // namespace

TEST_CASE("the push reader agrees with parse_push_request on mutations of valid pushes") {
  const std::uint64_t seed = test::seed_from_env();
  const long cases = test::env_int("WEIMIN_PUSH_CASES", 5000);
  MESSAGE("WEIMIN_SEED=", seed, " WEIMIN_PUSH_CASES=", cases);
  Rng rng(seed);
  long accepted = 0, with_bad_fact = 0;
  std::set<std::string> faults;  // each refusal's message up to its first quote or digit
  for (long c = 0; c < cases; ++c) {
    Node push = valid_push(rng);
    const std::size_t mutations = pick(rng, 4);
    for (std::size_t m = 0; m < mutations; ++m) mutate(push, rng);
    std::string text;
    write(push, text);
    if (pick(rng, 5) == 0) damage(text, rng);
    bool ok = false;
    auto difference = test::push_reader_difference(text, &ok);
    REQUIRE_MESSAGE(!difference, "case ", c, " of WEIMIN_SEED=", seed, "\ninput: ", text, "\n",
                    difference.value_or(""));
    if (ok) {
      ++accepted;
      auto r = read_push_facts(text);
      for (const auto& e : r->entries) with_bad_fact += e.fact.is_ok() ? 0 : 1;
    } else {
      const std::string message = parse_push_request(text).status().message();
      faults.insert(message.substr(0, message.find_first_of("'\"0123456789", 12)));
    }
  }
  MESSAGE(accepted, " of ", cases, " accepted (", with_bad_fact, " entries with a bad payload); ",
          faults.size(), " kinds of refusal");
  // The corpus reaches both verdicts and many rules, not one refusal over and over.
  CHECK(accepted > cases / 10);
  CHECK(with_bad_fact > cases / 20);
  CHECK(faults.size() > static_cast<std::size_t>(std::min<long>(40, cases / 50)));
}
