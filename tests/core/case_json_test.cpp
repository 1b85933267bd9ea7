#include <doctest/doctest.h>

#include <cctype>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "case_test_support.hpp"
#include "weimin/core/case.hpp"

using weimin::ErrorCode;
using namespace weimin::core;
using namespace weimin::core::case_test;
using json = nlohmann::json;

namespace {

// One event of every kind, optional fields filled in.
std::vector<CaseEvent> one_of_each(Maker& m) {
  std::vector<CaseEvent> ev = {
      m.collected(),
      m.resolved(),
      m.make(kStreet,
             CaseWhistled{
                 WhistleLevel::District, WhistleKind::Emergency, {kUrban, kWater}, "暴雨积水"}),
      m.reported_by_phone(kStaff, kWater),
      m.feedback(kUrban),
      m.verified(),
      m.make(kStaff, CaseClosed{"结项"}),
      m.evaluated(Rating::Dissatisfied, kStaff),
      m.reopened(),
      m.note(kSystem),
      m.settle(make_uuid(kT, 77), SettleDecision::Accept),
      m.make(dept(kWater), CaseReported{"三日内处理", kT + 72 * kHour}),
      m.make(kStaff, CaseReturned{"不属本部门职责"}, kUrban),
      m.make(kStreet, CaseEscalated{{kWater, "dept.housing"}, "涉及多个部门"}),
      m.make(kStreet, CaseEscalated{{}, ""}),
      m.make(kStreet, CaseSentBack{"请社区先行协调"}),
      m.make(kGrid, CaseVisited{"上门查看"}),
  };
  std::get<CaseEvaluated>(ev[7].payload).comment = "太慢";
  ev[0].hlc.logical = 3;
  return ev;
}

json valid_collected() {
  Maker m;
  return to_json(m.collected());
}

}  // namespace

TEST_CASE("kind strings are stable and parse back") {
  const std::vector<std::string> names = {
      "case.collected", "case.resolved_locally", "case.whistled",
      "case.reported",  "case.feedback",         "case.verified",
      "case.closed",    "case.evaluated",        "case.reopened",
      "case.note",      "case.conflict_settled", "case.returned",
      "case.escalated", "case.sent_back",        "case.visited"};
  CHECK(names.size() == std::variant_size_v<CasePayload>);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto kind = static_cast<CaseEventKind>(i);
    CHECK(to_string(kind) == names[i]);
    CHECK(parse_case_event_kind(names[i]).value() == kind);
  }
  CHECK(parse_case_event_kind("case.deleted").status().code() == ErrorCode::Invalid);
  CHECK(to_string(CaseStage::Reopened) == "reopened");
  CHECK(to_string(CaseStage::Returned) == "returned");
  CHECK(parse_rating("basically_satisfied").value() == Rating::BasicallySatisfied);
  CHECK(parse_case_channel("grid_round").value() == CaseChannel::GridRound);
  CHECK(parse_settle_decision("dismiss").value() == SettleDecision::Dismiss);
}

TEST_CASE("every kind of event survives JSON, whole or as a fact body") {
  Maker m;
  for (const CaseEvent& e : one_of_each(m)) {
    INFO(to_string(e.kind()));
    REQUIRE(validate_case_event(e).is_ok());
    const json j = to_json(e);
    CHECK(j.at("kind") == to_string(e.kind()));
    const auto back = case_event_from_json(j);
    REQUIRE_MESSAGE(back.is_ok(), back.status().to_string());
    CHECK(*back == e);
    const auto text = parse_case_event(j.dump());
    REQUIRE(text.is_ok());
    CHECK(*text == e);
    const CaseEventEnvelope env{e.id, e.case_id, e.hlc, e.origin, e.wall_ms};
    const auto body = case_event_from_body(env, to_string(e.kind()), case_event_body(e));
    REQUIRE(body.is_ok());
    CHECK(*body == e);
  }
}

TEST_CASE("a collected event's JSON has the documented shape and no personal numbers") {
  Maker m;
  const CaseEvent e = m.collected();
  const json j = to_json(e);
  CHECK(j == json{{"id", e.id.to_string()},
                  {"case", e.case_id.to_string()},
                  {"kind", "case.collected"},
                  {"hlc", e.hlc.pack()},
                  {"origin", kStation},
                  {"wall_ms", e.wall_ms},
                  {"body",
                   {{"actor", "S01"},
                    {"actor_role", "staff"},
                    {"source", "env.garbage"},
                    {"channel", "window"},
                    {"description", "楼道堆放垃圾"},
                    {"resident_ref", "R-42"}}}});
}

TEST_CASE("the district's new steps have the documented bodies; a report-in's date is optional") {
  Maker m;
  const CaseEvent reported = m.make(dept(kWater), CaseReported{"已受理", kT + 72 * kHour});
  CHECK(case_event_body(reported) == json{{"actor", kWater},
                                          {"actor_role", "department"},
                                          {"note", "已受理"},
                                          {"expected_ms", kT + 72 * kHour}});
  // Without a date the body is what it was before expected dates existed.
  CHECK(case_event_body(m.make(dept(kWater), CaseReported{"已受理"})) ==
        json{{"actor", kWater}, {"actor_role", "department"}, {"note", "已受理"}});
  CHECK(case_event_body(m.make(kStaff, CaseReturned{"不归我们管"}, kUrban)) ==
        json{{"actor", "S01"},
             {"actor_role", "staff"},
             {"on_behalf_of", kUrban},
             {"reason", "不归我们管"}});
  CHECK(case_event_body(m.make(kStreet, CaseEscalated{{kWater}, "升级"})) ==
        json{{"actor", "530102001"},
             {"actor_role", "street_office"},
             {"departments", {kWater}},
             {"note", "升级"}});
  CHECK(case_event_body(m.make(kStreet, CaseSentBack{"社区先处理"})) ==
        json{{"actor", "530102001"}, {"actor_role", "street_office"}, {"reason", "社区先处理"}});
}

TEST_CASE("bad input is refused as Invalid with a message naming what is wrong") {
  struct Bad {
    const char* what;
    std::function<void(json&)> spoil;
    std::string expect;  // part of the message
  };
  const std::vector<Bad> cases = {
      {"not an object", [](json& j) { j = json::array(); }, "must be a JSON object"},
      {"unknown field", [](json& j) { j["extra"] = 1; }, "unknown field \"extra\""},
      {"missing origin", [](json& j) { j.erase("origin"); }, "\"origin\" is missing"},
      {"bad id", [](json& j) { j["id"] = "0193-nope"; }, "is not a UUID"},
      {"nil id", [](json& j) { j["id"] = "00000000-0000-0000-0000-000000000000"; }, "nil id"},
      {"unknown kind", [](json& j) { j["kind"] = "case.deleted"; }, "case.deleted"},
      {"negative hlc", [](json& j) { j["hlc"] = -5; }, "non-negative integer"},
      {"hlc too big", [](json& j) { j["hlc"] = std::uint64_t{1} << 63; }, "below 2^63"},
      {"hlc as text", [](json& j) { j["hlc"] = "12"; }, "\"hlc\""},
      {"fractional wall_ms", [](json& j) { j["wall_ms"] = 1.5; }, "\"wall_ms\""},
      {"body not an object", [](json& j) { j["body"] = "x"; }, "must be a JSON object"},
      {"phone in the body", [](json& j) { j["body"]["phone"] = "13912345678"; },
       "unknown field \"phone\""},
      {"unknown role", [](json& j) { j["body"]["actor_role"] = "mayor"; }, "unknown role"},
      {"missing description", [](json& j) { j["body"].erase("description"); },
       "\"description\" is missing"},
      {"empty description", [](json& j) { j["body"]["description"] = ""; }, "is empty"},
      {"long description", [](json& j) { j["body"]["description"] = std::string(8001, 'x'); },
       "at most 8000"},
      {"unknown channel", [](json& j) { j["body"]["channel"] = "email"; }, "grid_round"},
      {"number as text", [](json& j) { j["body"]["source"] = 3; }, "must be a string"},
      {"phone as resident_ref", [](json& j) { j["body"]["resident_ref"] = "13912345678"; },
       "phone or identity number"},
      {"identity number as resident_ref",
       [](json& j) { j["body"]["resident_ref"] = "11010519491231002X"; },
       "phone or identity number"},
      {"on_behalf_of on a collection", [](json& j) { j["body"]["on_behalf_of"] = "x"; },
       "reported, feedback, returned and evaluated only"},
      {"on_behalf_of on an escalation",
       [](json& j) {
         j["kind"] = "case.escalated";
         j["body"] = {{"actor", "530102001"},
                      {"actor_role", "street_office"},
                      {"on_behalf_of", "x"},
                      {"departments", json::array()}};
       },
       "reported, feedback, returned and evaluated only"},
      {"expected date as text",
       [](json& j) {
         j["kind"] = "case.reported";
         j["body"] = {
             {"actor", "dept.water"}, {"actor_role", "department"}, {"expected_ms", "明天"}};
       },
       "\"expected_ms\" must be a non-negative integer"},
      {"negative expected date",
       [](json& j) {
         j["kind"] = "case.reported";
         j["body"] = {{"actor", "dept.water"}, {"actor_role", "department"}, {"expected_ms", -1}};
       },
       "\"expected_ms\" must be a non-negative integer"},
      {"expected date past the clock's range",
       [](json& j) {
         j["kind"] = "case.reported";
         j["body"] = {{"actor", "dept.water"},
                      {"actor_role", "department"},
                      {"expected_ms", std::int64_t{1} << 62}};
       },
       "expected_ms is"},
      {"return without a reason",
       [](json& j) {
         j["kind"] = "case.returned";
         j["body"] = {{"actor", "dept.water"}, {"actor_role", "department"}, {"reason", ""}};
       },
       "reason is empty"},
      {"return with no reason field",
       [](json& j) {
         j["kind"] = "case.returned";
         j["body"] = {{"actor", "dept.water"}, {"actor_role", "department"}};
       },
       "\"reason\" is missing"},
      {"escalation naming a department twice",
       [](json& j) {
         j["kind"] = "case.escalated";
         j["body"] = {
             {"actor", "530102001"}, {"actor_role", "street_office"}, {"departments", {"a", "a"}}};
       },
       "names a twice"},
      {"escalation without its department list",
       [](json& j) {
         j["kind"] = "case.escalated";
         j["body"] = {{"actor", "530102001"}, {"actor_role", "street_office"}};
       },
       "\"departments\" is missing"},
      {"sending back with an unknown field",
       [](json& j) {
         j["kind"] = "case.sent_back";
         j["body"] = {{"actor", "530102001"},
                      {"actor_role", "street_office"},
                      {"reason", "x"},
                      {"community", "530102001001"}};
       },
       "unknown field \"community\""},
      {"sending back without a reason",
       [](json& j) {
         j["kind"] = "case.sent_back";
         j["body"] = {{"actor", "530102001"}, {"actor_role", "street_office"}, {"reason", ""}};
       },
       "reason is empty"},
      {"a named resident",
       [](json& j) {
         j["body"]["actor_role"] = "resident";
         j["body"]["actor"] = "张三";
       },
       "must be \"resident\""},
      {"whistle without departments",
       [](json& j) {
         j["kind"] = "case.whistled";
         j["body"] = {{"actor", "D01"},
                      {"actor_role", "director"},
                      {"level", "community"},
                      {"whistle_kind", "key"},
                      {"departments", json::array()}};
       },
       "departments is empty"},
      {"departments not strings",
       [](json& j) {
         j["kind"] = "case.whistled";
         j["body"] = {{"actor", "D01"},
                      {"actor_role", "director"},
                      {"level", "community"},
                      {"whistle_kind", "key"},
                      {"departments", {1, 2}}};
       },
       "must be a string"},
      {"a department twice",
       [](json& j) {
         j["kind"] = "case.whistled";
         j["body"] = {{"actor", "D01"},
                      {"actor_role", "director"},
                      {"level", "community"},
                      {"whistle_kind", "key"},
                      {"departments", {"a", "a"}}};
       },
       "names a twice"},
      {"unknown rating",
       [](json& j) {
         j["kind"] = "case.evaluated";
         j["body"] = {{"actor", "resident"}, {"actor_role", "resident"}, {"rating", "great"}};
       },
       "unknown rating"},
  };
  for (const Bad& b : cases) {
    json j = valid_collected();
    REQUIRE(case_event_from_json(j).is_ok());
    b.spoil(j);
    const auto r = case_event_from_json(j);
    INFO(b.what << ": " << r.status().to_string());
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == ErrorCode::Invalid);
    CHECK(contains(r.status().message(), b.expect));
  }
}

TEST_CASE("malformed JSON text and a key given twice are refused") {
  const auto broken = parse_case_event("{\"id\": ");
  CHECK(broken.status().code() == ErrorCode::Invalid);
  CHECK(contains(broken.status().message(), "not valid JSON"));

  const std::string text = valid_collected().dump();
  const std::string twice = "{\"origin\":\"station:x\"," + text.substr(1);
  CHECK(contains(parse_case_event(twice).status().message(), "\"origin\" twice"));
  std::string in_body = text;
  in_body.replace(in_body.find("\"actor\":"), 8, "\"actor\":\"X\",\"actor\":");
  CHECK(contains(parse_case_event(in_body).status().message(), "\"actor\" twice"));
  CHECK(parse_case_event(text).is_ok());
}

TEST_CASE("tracking codes: 9 characters, stable, checked, hard to mistype") {
  const Uuid id = make_uuid(kT, 42);
  const std::string code = tracking_code(id);
  CHECK(code.size() == kTrackingCodeLength);
  CHECK(code == tracking_code(id));
  CHECK(is_valid_tracking_code(code));
  CHECK(code.find_first_of("01IO") == std::string::npos);

  const std::string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  for (std::size_t i = 0; i < code.size(); ++i) {
    for (char c : alphabet) {
      if (c == code[i]) continue;
      std::string typo = code;
      typo[i] = c;
      CHECK_FALSE(is_valid_tracking_code(typo));
    }
  }
  // Luhn mod 32 misses only a swap of '2' and 'Z' (values 0 and 31) in neighbouring places;
  // try every pair in the middle and next to the check character.
  for (std::size_t at : {std::size_t{3}, std::size_t{7}}) {
    for (std::size_t a = 0; a < 32; ++a) {
      for (std::size_t b = 0; b < 32; ++b) {
        if (a == b) continue;
        // Put the pair at `at`, then fill one other place so that the whole code is valid.
        std::string valid;
        for (char filler : alphabet) {
          std::string c = "ABCDEFGH2";
          c[at] = alphabet[a];
          c[at + 1] = alphabet[b];
          c[at == 7 ? 2 : 8] = filler;
          if (is_valid_tracking_code(c)) valid = c;
        }
        REQUIRE(valid.size() == kTrackingCodeLength);
        std::string swapped = valid;
        std::swap(swapped[at], swapped[at + 1]);
        const bool pair_0_31 = (a == 0 && b == 31) || (a == 31 && b == 0);
        INFO("swap of " << valid[at] << valid[at + 1] << " in " << valid);
        CHECK(is_valid_tracking_code(swapped) == pair_0_31);
      }
    }
  }

  const auto typed = parse_tracking_code(" " + code.substr(0, 4) + "-" + code.substr(4) + " ");
  REQUIRE(typed.is_ok());
  CHECK(*typed == code);
  std::string lower = code;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(parse_tracking_code(lower).value() == code);
  CHECK(contains(parse_tracking_code("O" + code.substr(1)).status().message(), "no 0, 1, I or O"));
  CHECK(contains(parse_tracking_code(code.substr(1)).status().message(), "this one has 8"));
  std::string wrong = code;
  wrong.back() = wrong.back() == 'Z' ? 'Y' : 'Z';
  CHECK(contains(parse_tracking_code(wrong).status().message(), "mistyped"));

  std::set<std::string> seen;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    Uuid u;
    for (auto& b : u.bytes) b = static_cast<std::uint8_t>(rng());
    seen.insert(tracking_code(u));
  }
  CHECK(seen.size() == 20000);  // 40 bits: a collision here has odds of about 1 in 10,000
}
