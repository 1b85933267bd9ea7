// Neighbour services and home elderly care: fact bodies, refusals and the folds (neighbour.hpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "seed.hpp"
#include "weimin/core/neighbour.hpp"

using namespace weimin::core;
using nlohmann::json;
using weimin::ErrorCode;
using weimin::Status;

namespace {

constexpr std::int64_t kT = 1795568400000;  // 2026-11-25 09:00 China time

Uuid uuid_of(std::uint64_t n) {
  char text[40];
  std::snprintf(text, sizeof text, "0190a000-0000-7000-8000-%012llx",
                static_cast<unsigned long long>(n));
  return *Uuid::parse(text);
}

WishEvent wish_step(const Uuid& wish, std::uint64_t n, WishEventKind kind,
                    std::string origin = "station:530102001001") {
  WishEvent e;
  e.id = kind == WishEventKind::Posted ? wish : uuid_of(n);
  e.wish = wish;
  e.hlc = {kT + static_cast<std::int64_t>(n) * 1000, 0};
  e.origin = std::move(origin);
  e.wall_ms = e.hlc.wall_ms;
  e.kind = kind;
  e.actor = "S002";
  if (kind == WishEventKind::Posted) {
    e.help = HelpKind::Elderly;
    e.text = "想请人陪我去医院复查";
    e.actor = "resident";
  }
  if (kind == WishEventKind::Claimed) e.name = "志愿者" + std::to_string(n);
  return e;
}

Wish fold_all(const Uuid& id, const std::vector<WishEvent>& events) {
  return fold_wish(id, events);
}

}  // namespace

TEST_CASE("a wish goes from posted to claimed, fulfilled and confirmed") {
  const Uuid w = uuid_of(1000);
  std::vector<WishEvent> ev = {wish_step(w, 0, WishEventKind::Posted)};
  Wish state = fold_all(w, ev);
  CHECK(state.stage == WishStage::Open);
  for (auto k : {WishEventKind::Claimed, WishEventKind::Fulfilled, WishEventKind::Confirmed}) {
    WishEvent e = wish_step(w, ev.size(), k);
    REQUIRE(check_wish_step(state, e).is_ok());
    ev.push_back(e);
    state = fold_all(w, ev);
  }
  CHECK(state.stage == WishStage::Confirmed);
  CHECK(state.claim->name == "志愿者1");
  CHECK(state.conflicts.empty());
  auto figures = wish_figures(std::span<const Wish>(&state, 1));
  CHECK(figures[HelpKind::Elderly] == WishCounts{1, 1, 1, 1, 0, 0});
}

TEST_CASE("a second claim is kept as a conflict and the earlier HLC keeps the wish") {
  const Uuid w = uuid_of(1001);
  WishEvent posted = wish_step(w, 0, WishEventKind::Posted);
  WishEvent first = wish_step(w, 1, WishEventKind::Claimed, "station:530102001001");
  WishEvent second = wish_step(w, 1, WishEventKind::Claimed, "station:530102001002");
  second.id = uuid_of(2);
  second.name = "另一位志愿者";
  Wish state = fold_all(w, {second, posted, first});
  CHECK(state.stage == WishStage::Claimed);
  CHECK(state.claim->name == "志愿者1");
  REQUIRE(state.conflicts.size() == 1);
  CHECK(state.conflicts[0].event == second);
  CHECK(state.conflicts[0].reason.find("claimed already") != std::string::npos);
}

TEST_CASE("refusals: a claim on a fulfilled or withdrawn wish, confirming an unfulfilled one") {
  const Uuid w = uuid_of(1002);
  std::vector<WishEvent> ev = {wish_step(w, 0, WishEventKind::Posted)};
  Status early = check_wish_step(fold_all(w, ev), wish_step(w, 1, WishEventKind::Confirmed));
  CHECK(early.code() == ErrorCode::Conflict);
  CHECK(early.message().find("not been fulfilled") != std::string::npos);
  ev.push_back(wish_step(w, 1, WishEventKind::Claimed));
  ev.push_back(wish_step(w, 2, WishEventKind::Fulfilled));
  Status late = check_wish_step(fold_all(w, ev), wish_step(w, 3, WishEventKind::Claimed));
  CHECK(late.code() == ErrorCode::Conflict);
  CHECK(late.message().find("fulfilled already") != std::string::npos);

  const Uuid v = uuid_of(1003);
  std::vector<WishEvent> gone = {wish_step(v, 0, WishEventKind::Posted),
                                 wish_step(v, 1, WishEventKind::Withdrawn)};
  Status withdrawn = check_wish_step(fold_all(v, gone), wish_step(v, 2, WishEventKind::Claimed));
  CHECK(withdrawn.code() == ErrorCode::Conflict);
  CHECK(withdrawn.message().find("withdrawn") != std::string::npos);
}

TEST_CASE("wish bodies round-trip and unknown or missing fields are refused") {
  const Uuid w = uuid_of(1004);
  WishEvent claim = wish_step(w, 1, WishEventKind::Claimed);
  claim.phone_masked = "139****5678";
  json body = wish_event_body(claim);
  auto back = wish_event_from_body(claim.id, w, claim.hlc, claim.origin, claim.wall_ms,
                                   "wish.claimed", body);
  REQUIRE(back.is_ok());
  CHECK(*back == claim);

  json extra = body;
  extra["phone"] = "13912345678";
  auto refused = wish_event_from_body(claim.id, w, claim.hlc, claim.origin, claim.wall_ms,
                                      "wish.claimed", extra);
  CHECK(refused.status().code() == ErrorCode::Invalid);
  CHECK(refused.status().message().find("phone") != std::string::npos);

  json unmasked = body;
  unmasked["phone_masked"] = "13912345678";
  CHECK_FALSE(wish_event_from_body(claim.id, w, claim.hlc, claim.origin, claim.wall_ms,
                                   "wish.claimed", unmasked)
                  .is_ok());
  json no_name = body;
  no_name.erase("name");
  CHECK_FALSE(wish_event_from_body(claim.id, w, claim.hlc, claim.origin, claim.wall_ms,
                                   "wish.claimed", no_name)
                  .is_ok());
  CHECK_FALSE(
      wish_event_from_body(claim.id, w, claim.hlc, claim.origin, claim.wall_ms, "wish.eaten", body)
          .is_ok());
  WishEvent posted = wish_step(w, 0, WishEventKind::Posted);
  json pb = wish_event_body(posted);
  pb["help"] = "gardening";
  auto bad_help =
      wish_event_from_body(w, w, posted.hlc, posted.origin, posted.wall_ms, "wish.posted", pb);
  CHECK(bad_help.status().message().find("micro_wish") != std::string::npos);
}

TEST_CASE("property: any order of a wish's facts, with repeats, folds to the same state") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  INFO("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const std::vector<std::string> origins = {"station:530102001001", "station:530102001002"};
  for (int round = 0; round < 200; ++round) {
    const Uuid w = uuid_of(5000 + round);
    std::vector<WishEvent> events = {wish_step(w, 0, WishEventKind::Posted)};
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 1; i <= n; ++i) {
      const auto kind = static_cast<WishEventKind>(1 + rng() % 4);
      WishEvent e = wish_step(w, round * 100 + i, kind, origins[rng() % 2]);
      e.hlc = {kT + static_cast<std::int64_t>(rng() % 5) * 1000, 0};  // clashes on purpose
      events.push_back(e);
    }
    const Wish expected = fold_wish(w, events);
    for (int shuffle = 0; shuffle < 10; ++shuffle) {
      std::vector<WishEvent> copy = events;
      if (rng() % 2) copy.push_back(copy[rng() % copy.size()]);
      std::shuffle(copy.begin(), copy.end(), rng);
      REQUIRE(fold_wish(w, copy) == expected);
    }
    // Every event is either applied (in events) or kept as a conflict; none is lost.
    CHECK(expected.events.size() == events.size());
  }
}

// [SECTION] Care

namespace {

CareEvent care_step(const Uuid& person, std::uint64_t n, CareEventKind kind,
                    std::int64_t wall_ms = kT) {
  CareEvent e;
  e.id = kind == CareEventKind::Listed && n == 0 ? person : uuid_of(n);
  e.person = person;
  e.hlc = {wall_ms + static_cast<std::int64_t>(n), 0};
  e.origin = "station:530102001001";
  e.wall_ms = wall_ms;
  e.kind = kind;
  e.actor = "S002";
  if (kind == CareEventKind::Listed) {
    e.name = "张奶奶";
    e.address = "3栋2单元401";
  }
  return e;
}

}  // namespace

TEST_CASE("the care list: visits due this month, outcomes counted") {
  const Uuid p = uuid_of(7000);
  std::vector<CareEvent> ev = {care_step(p, 0, CareEventKind::Listed)};
  CareRecord r = fold_care(p, ev);
  CHECK(r.listed);
  CHECK(visit_due(r, "2026-11"));
  CareEvent call = care_step(p, 1, CareEventKind::Call);
  call.outcome = CareOutcome::NotReached;
  ev.push_back(call);
  CHECK(visit_due(fold_care(p, ev), "2026-11"));  // a call is not a visit
  CareEvent visit = care_step(p, 2, CareEventKind::Visit);
  visit.outcome = CareOutcome::NeedsHelp;
  visit.case_id = uuid_of(99);
  visit.by = "助老员小李";
  ev.push_back(visit);
  r = fold_care(p, ev);
  CHECK_FALSE(visit_due(r, "2026-11"));
  CHECK(visit_due(r, "2026-12"));
  CareCounts c = care_figures(std::span<const CareRecord>(&r, 1));
  CHECK(c.visits[CareOutcome::NeedsHelp] == 1);
  CHECK(c.calls[CareOutcome::NotReached] == 1);
  ev.push_back(care_step(p, 3, CareEventKind::Unlisted));
  CHECK_FALSE(fold_care(p, ev).listed);
  CHECK_FALSE(visit_due(fold_care(p, ev), "2026-12"));

  json body = care_event_body(visit);
  auto back = care_event_from_body(visit.id, p, visit.hlc, visit.origin, visit.wall_ms,
                                   "care.visit_logged", body);
  REQUIRE(back.is_ok());
  CHECK(*back == visit);
  body["mood"] = "good";
  CHECK_FALSE(care_event_from_body(visit.id, p, visit.hlc, visit.origin, visit.wall_ms,
                                   "care.visit_logged", body)
                  .is_ok());
}

TEST_CASE("property: any order of a care record's facts folds to the same record") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  INFO("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 200; ++round) {
    const Uuid p = uuid_of(8000 + round);
    std::vector<CareEvent> events = {care_step(p, 0, CareEventKind::Listed)};
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 1; i <= n; ++i) {
      CareEvent e = care_step(p, round * 100 + i, static_cast<CareEventKind>(rng() % 4),
                              kT + static_cast<std::int64_t>(rng() % 40) * 86400000);
      e.outcome = static_cast<CareOutcome>(rng() % 3);
      if (e.kind == CareEventKind::Listed) e.name = "李爷爷";
      events.push_back(e);
    }
    const CareRecord expected = fold_care(p, events);
    for (int shuffle = 0; shuffle < 10; ++shuffle) {
      std::vector<CareEvent> copy = events;
      if (rng() % 2) copy.push_back(copy[rng() % copy.size()]);
      std::shuffle(copy.begin(), copy.end(), rng);
      REQUIRE(fold_care(p, copy) == expected);
    }
  }
}
