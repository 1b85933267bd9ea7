#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "weimin/core/evaluation.hpp"

using namespace weimin;
using namespace weimin::core;
using json = nlohmann::json;

namespace {

constexpr std::int64_t kT = 1'795'336'200'123;  // 2026-11-22T08:30:00.123Z

Uuid uuid(int n) {
  Uuid u;
  u.bytes[6] = 0x70;  // version 7
  u.bytes[8] = 0x80;
  u.bytes[15] = static_cast<std::uint8_t>(n);
  u.bytes[14] = static_cast<std::uint8_t>(n >> 8);
  return u;
}

Evaluation evaluation(int n, Rating rating, std::string staff = "S01", int target = 0) {
  Evaluation e;
  e.id = uuid(1000 + n);
  e.hlc = HlcTimestamp{kT + n, 0};
  e.wall_ms = kT + n;
  e.origin = "kiosk:1";
  e.target_kind = EvaluationTarget::Ticket;
  e.target = uuid(target == 0 ? n : target);
  e.rating = rating;
  e.staff = std::move(staff);
  return e;
}

}  // namespace

// [SECTION] Validation

TEST_CASE("comments are trimmed, including full-width spaces, and limited to 500 characters") {
  CHECK(normalize_comment("  办事很快，谢谢！\n").value() == "办事很快，谢谢！");
  CHECK(normalize_comment("\xE3\x80\x80好\xE3\x80\x80").value() == "好");
  CHECK(normalize_comment("第一行\n第二行").value() == "第一行\n第二行");
  CHECK(normalize_comment("   ").value().empty());

  std::string five_hundred;
  for (int i = 0; i < 500; ++i) five_hundred += "好";
  CHECK(normalize_comment(five_hundred).is_ok());  // 1500 bytes, 500 characters
  const Status too_long = normalize_comment(five_hundred + "!").status();
  CHECK(too_long.code() == ErrorCode::Invalid);
  CHECK(too_long.message() ==
        "the comment is 501 characters long; at most 500 are kept — shorten it");
  CHECK(normalize_comment("bad \xFF byte").status().message().find("not plain text") !=
        std::string::npos);
  CHECK_FALSE(normalize_comment("bell\x07").is_ok());
}

TEST_CASE("an evaluation is validated field by field with clear messages") {
  Evaluation e = evaluation(1, Rating::Satisfied);
  CHECK(validate(e).is_ok());

  SUBCASE("score 1-5") {
    e.score = 5;
    CHECK(validate(e).is_ok());
    e.score = 0;
    CHECK(validate(e).message().find("the score must be 1 to 5 stars, found 0") !=
          std::string::npos);
    e.score = 6;
    CHECK(validate(e).code() == ErrorCode::Invalid);
  }
  SUBCASE("comment must be normalized; prepare_evaluation does it") {
    e.comment = " 很好 ";
    CHECK(validate(e).message().find("white space at its ends") != std::string::npos);
    const Result<Evaluation> prepared = prepare_evaluation(e);
    REQUIRE(prepared.is_ok());
    CHECK(prepared->comment == "很好");
    e.comment = std::string(501, 'x');
    CHECK(prepare_evaluation(e).status().message().find("501 characters") != std::string::npos);
  }
  SUBCASE("target and staff") {
    e.target = Uuid{};
    CHECK(validate(e).message().find("the ticket evaluated is the nil UUID") != std::string::npos);
    e = evaluation(1, Rating::Satisfied, "S 01");
    CHECK(validate(e).message().find("staff number") != std::string::npos);
    e.staff.clear();
    CHECK(validate(e).is_ok());
  }
}

// [SECTION] Figures

TEST_CASE("satisfaction rate is satisfied plus basically satisfied over all evaluations") {
  std::vector<Evaluation> es = {evaluation(1, Rating::Satisfied), evaluation(2, Rating::Satisfied),
                                evaluation(3, Rating::BasicallySatisfied),
                                evaluation(4, Rating::Dissatisfied)};
  es[0].score = 5;
  es[3].score = 2;
  const SatisfactionFigures f = satisfaction_figures(es);
  CHECK(f.total == 4);
  CHECK(f.satisfied == 2);
  CHECK(f.basically_satisfied == 1);
  CHECK(f.dissatisfied == 1);
  CHECK(f.satisfaction_rate().value() == doctest::Approx(0.75));
  CHECK(f.scored == 2);
  CHECK(f.average_score.value() == doctest::Approx(3.5));
  CHECK_FALSE(satisfaction_figures({}).satisfaction_rate().has_value());
}

TEST_CASE("only the first evaluation of a target counts") {
  // A double tap on the rating pad, the second one dissatisfied by mistake.
  const std::vector<Evaluation> es = {evaluation(2, Rating::Dissatisfied, "S01", 7),
                                      evaluation(1, Rating::Satisfied, "S01", 7),
                                      evaluation(3, Rating::Satisfied, "S01", 8)};
  const std::vector<Evaluation> counted = first_per_target(es);
  REQUIRE(counted.size() == 2);
  CHECK(counted[0] == es[1]);
  CHECK(counted[1] == es[2]);
  CHECK(satisfaction_figures(es).satisfaction_rate().value() == doctest::Approx(1.0));
  // A ticket and a case that happen to share an id are different targets.
  Evaluation on_case = evaluation(4, Rating::Dissatisfied, "S01", 7);
  on_case.target_kind = EvaluationTarget::Case;
  const std::vector<Evaluation> both = {es[1], on_case};
  CHECK(first_per_target(both).size() == 2);
}

TEST_CASE("per-staff figures join tickets served and evaluations") {
  const std::map<std::string, int> served = {{"S01", 30}, {"S02", 12}, {"S04", 3}};
  std::vector<Evaluation> es = {
      evaluation(1, Rating::Satisfied, "S01"), evaluation(2, Rating::Dissatisfied, "S01"),
      evaluation(3, Rating::BasicallySatisfied, "S02"), evaluation(4, Rating::Satisfied, "S03"),
      evaluation(5, Rating::Satisfied, "")};
  es[0].score = 4;
  const std::vector<StaffFigures> figures = staff_figures(served, es);
  REQUIRE(figures.size() == 4);
  CHECK(figures[0].staff == "S01");
  CHECK(figures[0].served == 30);
  CHECK(figures[0].satisfaction.total == 2);
  CHECK(figures[0].satisfaction.satisfaction_rate().value() == doctest::Approx(0.5));
  CHECK(figures[0].satisfaction.average_score.value() == doctest::Approx(4.0));
  CHECK(figures[1].staff == "S02");
  CHECK(figures[1].satisfaction.satisfaction_rate().value() == doctest::Approx(1.0));
  CHECK(figures[2].staff == "S03");  // evaluated but served no ticket (a case)
  CHECK(figures[2].served == 0);
  CHECK(figures[3].staff == "S04");  // served but never evaluated
  CHECK_FALSE(figures[3].satisfaction.satisfaction_rate().has_value());
}

// [SECTION] JSON

TEST_CASE("an evaluation survives a JSON round trip") {
  Evaluation full = evaluation(1, Rating::BasicallySatisfied);
  full.target_kind = EvaluationTarget::Case;
  full.score = 3;
  full.comment = "等了一会儿，但办得很清楚";
  Evaluation bare = evaluation(2, Rating::Dissatisfied, "");
  for (const Evaluation& e : {full, bare}) {
    const json j = to_json(e);
    CHECK(j["kind"] == "evaluation.given");
    const auto back = evaluation_from_json(j);
    REQUIRE_MESSAGE(back.is_ok(), back.status().to_string());
    CHECK(*back == e);
    CHECK(parse_evaluation(j.dump()).value() == e);
  }
  CHECK(to_json(full)["rating"] == "basically_satisfied");
  CHECK(to_json(full)["target_kind"] == "case");
}

TEST_CASE("evaluations from untrusted JSON: bad input is refused with the path") {
  Evaluation e = evaluation(1, Rating::Satisfied);
  e.score = 4;
  const json good = to_json(e);
  auto refused = [](const json& j) {
    const auto r = evaluation_from_json(j);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == ErrorCode::Invalid);
    return r.status().message();
  };
  json j = good;
  j.erase("rating");
  CHECK(refused(j) == "evaluation: /: missing required field \"rating\"");
  j = good;
  j["rating"] = "very_satisfied";
  CHECK(refused(j).find("/rating: ") != std::string::npos);
  j = good;
  j["score"] = "4";
  CHECK(refused(j) == "evaluation: /score: expected an integer, found a string \"4\"");
  j = good;
  j["score"] = 9;
  CHECK(refused(j) == "evaluation: /score: must be between 1 and 5, found 9");
  j = good;
  j["kind"] = "ticket.finished";
  CHECK(refused(j).find("/kind: unknown kind \"ticket.finished\"") != std::string::npos);
  j = good;
  j["target_kind"] = "window";
  CHECK(refused(j).find("/target_kind: unknown evaluation target \"window\"") != std::string::npos);
  j = good;
  j["stars"] = 4;
  CHECK(refused(j).find("/stars: unknown field \"stars\"") != std::string::npos);
  j = good;
  j["comment"] = std::string(600, 'x');
  CHECK(refused(j).find("/comment: the comment is 600 characters long") != std::string::npos);
  j = good;
  j["target"] = "not-a-uuid";
  CHECK(refused(j).find("/target: expected a UUID") != std::string::npos);
  // An untrimmed comment from outside is accepted, trimmed.
  j = good;
  j["comment"] = "  好  ";
  CHECK(evaluation_from_json(j).value().comment == "好");
  CHECK(parse_evaluation("{\"kind\": \"evaluation.given\", \"kind\": \"x\"}")
            .status()
            .message()
            .find("appears twice") != std::string::npos);
}
