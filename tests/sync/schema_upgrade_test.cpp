// A station upgraded from the release before schema 2 (docs/PROTOCOL.md, "Schemas"), against
// the real DistrictService in one process: while it speaks schema 1 its pages and digests hold
// only what schema 1 knows (its case list keeps working, its nightly digests agree); once
// upgraded it sees its cursor was moved under schema 1, pulls again from the start, gets the
// facts that were left out and the fields that were cut, and re-applying what it held changes
// nothing else. A station told by a newer district that facts were left out says to upgrade.
#include <doctest/doctest.h>

#include "sync_fixture.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/sync_state.hpp"
#include "weimin/station/wishes.hpp"
#include "weimin/storage/facts.hpp"

using namespace weimin;
using weimin::test::District;
using weimin::test::TestStation;

namespace {

const std::string kCommunity = "530102001001";

// The facts a station of schema 2 makes that schema 1 does not know: a case collected with
// where it is, a visit to it, a wish; and a case of the kind schema 1 knows whole.
struct Made {
  core::Uuid located;
  core::Uuid plain;
  std::string wish;
};

Made make_new_kinds(TestStation& s) {
  station::StaffDesk desk(*s.station);
  auto staff = desk.sign_in("D001", "583920");
  REQUIRE(staff.is_ok());
  station::Cases cases(*s.station);
  const std::string source = s.station->catalog().whistle_sources.front().id;
  station::NewCase located{
      source, core::CaseChannel::GridRound, "楼道堆物", std::nullopt, std::nullopt, false};
  located.where.address = "3栋2单元";
  auto a = cases.record(*staff, located);
  REQUIRE_MESSAGE(a.is_ok(), a.status().to_string());
  REQUIRE(cases.visit(*staff, a->case_id, "已上门查看").is_ok());
  auto b = cases.record(std::nullopt, {source, core::CaseChannel::Kiosk, "路灯不亮", std::nullopt,
                                       std::nullopt, false});
  REQUIRE(b.is_ok());
  station::Wishes wishes(*s.station);
  auto w = wishes.post(std::nullopt, {core::HelpKind::MicroWish, "想要一个助行器", {}, false});
  REQUIRE_MESSAGE(w.is_ok(), w.status().to_string());
  return {a->case_id, b->case_id, w->id.to_string()};
}

// Plays the release before schema 2: pulls and digests in schema 1, and keeps no record of the
// schema its cursor moved under (that release had none).
Result<station::SyncReport> sync_as_schema_1(TestStation& s, sync::Transport& transport) {
  station::SyncOptions old;
  old.schema = 1;
  old.anti_entropy = true;
  auto r = s.sync(transport, old);
  REQUIRE(storage::Meta::set(s.station->db(), station::kMetaPullSchema, "").is_ok());
  return r;
}

// Passes requests through and says in every pull page that `left_out` facts were left out, as
// a district of a newer schema would to this station.
struct NewerDistrict final : sync::Transport {
  District& district;
  std::int64_t left_out;
  NewerDistrict(District& d, std::int64_t n) : district(d), left_out(n) {}
  Result<sync::HttpResponse> send(const sync::HttpRequest& r) override {
    auto response = district.handle(r);
    if (r.path == "/v1/pull" && response.status == 200) {
      auto body = nlohmann::json::parse(response.body);
      body["left_out"] = left_out;
      response.body = body.dump();
    }
    return response;
  }
};

}  // namespace

TEST_CASE("a station of schema 1 gets a page it can read; upgraded, it pulls again and has all") {
  District district;
  district.publish_catalog();
  auto transport = district.transport();
  // A handheld of the new release (schema 2), enrolled under the community's id, pushes what it
  // recorded on a round; then the community's station, still on the release before, is enrolled
  // again under that id (its key replaced) and rebuilds from the district.
  TestStation handheld(kCommunity);
  handheld.enroll(district, *transport);
  const Made made = make_new_kinds(handheld);
  REQUIRE(handheld.sync(*transport).is_ok());
  TestStation old(kCommunity);
  old.enroll(district, *transport);

  auto before = sync_as_schema_1(old, *transport);
  REQUIRE_MESSAGE(before.is_ok(), before.status().to_string());
  // The visit and the wish were left out, the collected case came without its address; the
  // nightly digests agree all the same (they cover what schema 1 knows).
  CHECK(before->digest_mismatches.empty());
  CHECK_FALSE(old.has_fact(made.wish));
  station::Cases old_cases(*old.station);
  auto listed = old_cases.list(station::CaseFilter{});
  REQUIRE_MESSAGE(listed.is_ok(), listed.status().to_string());
  CHECK(listed->size() == 2);
  auto located = old_cases.view(made.located);
  REQUIRE_MESSAGE(located.is_ok(), located.status().to_string());
  CHECK(located->state.where.empty());
  CHECK(located->state.visits.empty());
  const std::int64_t held_before = old.fact_count();
  CHECK(old.digests() != district.digests(kCommunity));
  const auto cursor = station::load_sync_state(old.station->db()).value();
  CHECK(cursor.pull_after > 0);
  CHECK(cursor.pull_schema == 1);

  // Upgraded: the next sync sees the cursor moved under schema 1 and pulls again from 0.
  auto after = old.sync(*transport);
  REQUIRE_MESSAGE(after.is_ok(), after.status().to_string());
  CHECK(after->refilled_from_schema == 1);
  CHECK(after->completed_bodies == 1);  // the collected case's address
  CHECK(after->pulled_new == old.fact_count() - held_before);
  CHECK(after->pulled_new >= 2);  // the visit and the wish at least
  CHECK(after->summary().find("pulled again from the start") != std::string::npos);
  CHECK(old.has_fact(made.wish));
  CHECK(old.digests() == district.digests(kCommunity));
  auto whole = old_cases.view(made.located);
  REQUIRE(whole.is_ok());
  CHECK(whole->state.where.address == "3栋2单元");
  CHECK(whole->state.visits.size() == 1);
  // Re-applying what it held changed nothing: the same case states as at the handheld (whose
  // database holds the same facts of these cases).
  station::Cases their_cases(*handheld.station);
  CHECK(whole->state == their_cases.view(made.located).value().state);
  CHECK(old_cases.view(made.plain).value().state == their_cases.view(made.plain).value().state);
  auto state = station::load_sync_state(old.station->db()).value();
  CHECK(state.pull_schema == sync::kSchema);
  CHECK(state.refill_until == 0);
  CHECK_FALSE(state.pull_own);

  // The refill is done once: the sync after moves nothing.
  auto again = old.sync(*transport);
  REQUIRE(again.is_ok());
  CHECK(again->refilled_from_schema == 0);
  CHECK(again->pulled == 0);
}

TEST_CASE("an upgraded station cut off during its refill finishes it on the next sync") {
  District district;
  district.publish_catalog();
  auto transport = district.transport();
  TestStation handheld(kCommunity);
  handheld.enroll(district, *transport);
  const Made made = make_new_kinds(handheld);
  REQUIRE(handheld.sync(*transport).is_ok());
  TestStation old(kCommunity);
  old.enroll(district, *transport);
  REQUIRE(sync_as_schema_1(old, *transport).is_ok());

  // The upgraded station's first refill pulls one change a page and is cut after two pages.
  struct Cut final : sync::Transport {
    District& d;
    int pulls = 0;
    explicit Cut(District& district) : d(district) {}
    Result<sync::HttpResponse> send(const sync::HttpRequest& r) override {
      if (r.path == "/v1/pull" && ++pulls > 2) return Status(ErrorCode::Unavailable, "cut (test)");
      return d.handle(r);
    }
  } cut(district);
  station::SyncOptions small;
  small.pull_limit = 1;
  CHECK_FALSE(old.sync(cut, small).is_ok());
  auto mid = station::load_sync_state(old.station->db()).value();
  CHECK(mid.pull_schema == sync::kSchema);
  CHECK(mid.refill_until > mid.pull_after);

  auto done = old.sync(*transport);
  REQUIRE_MESSAGE(done.is_ok(), done.status().to_string());
  CHECK(done->refilled_from_schema == 0);  // started already
  CHECK(old.digests() == district.digests(kCommunity));
  station::Cases old_cases(*old.station);
  CHECK(old_cases.view(made.located).value().state.where.address == "3栋2单元");
  CHECK(station::load_sync_state(old.station->db()).value().refill_until == 0);
}

TEST_CASE("a station told by a newer district that facts were left out says to upgrade") {
  District district;
  district.publish_catalog();
  auto transport = district.transport();
  TestStation s(kCommunity);
  s.enroll(district, *transport);
  NewerDistrict newer(district, 3);
  auto r = s.sync(newer);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(r->left_out == 3 * r->pull_pages);
  CHECK(r->summary().find("upgrade this station") != std::string::npos);
  CHECK(r->to_json().at("left_out") == r->left_out);
  // Kept for `weimin sync status` across syncs, until an upgraded release pulls again.
  CHECK(station::read_sync_status(*s.station).value().left_out == r->left_out);
  auto quiet = s.sync(*transport);
  REQUIRE(quiet.is_ok());
  CHECK(quiet->left_out == 0);
  CHECK(station::read_sync_status(*s.station).value().left_out == r->left_out);
  // The upgrade (played: the cursor recorded as moved under an older schema) clears it.
  REQUIRE(storage::Meta::set(s.station->db(), station::kMetaPullSchema, "1").is_ok());
  auto upgraded = s.sync(*transport);
  REQUIRE(upgraded.is_ok());
  CHECK(upgraded->refilled_from_schema == 1);
  CHECK(station::read_sync_status(*s.station).value().left_out == 0);
}
