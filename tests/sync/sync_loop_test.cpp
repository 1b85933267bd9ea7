// The station's sync against the real DistrictService in one process: enrolment, push, pull,
// the closed loop of a case end to end, every auth and scope refusal, a resumed sync after a
// cut, and the district restored from an older backup (a new epoch).
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>

#include "sync_fixture.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/sync_state.hpp"
#include "weimin/station/sync_status.hpp"
#include "weimin/sync/client.hpp"
#include "weimin/sync/protocol_auth.hpp"
#include "weimin/sync/version.hpp"

using namespace weimin;
using weimin::test::District;
using weimin::test::TestStation;

namespace {

// Passes requests through, and can lose the response of the n-th request of a path after the
// district handled it (a link cut mid-response).
struct CuttingTransport final : sync::Transport {
  District& district;
  std::string cut_path;
  int cut_at = -1;  // 0-based index among requests to cut_path
  int seen = 0;
  explicit CuttingTransport(District& d) : district(d) {}
  Result<sync::HttpResponse> send(const sync::HttpRequest& r) override {
    auto response = district.handle(r);
    if (r.path == cut_path && seen++ == cut_at) {
      return Status(ErrorCode::Unavailable, "cut mid-response (test)");
    }
    return response;
  }
};

std::string error_code(const sync::HttpResponse& r) {
  auto e = sync::parse_error_body(r.body);
  return e.is_ok() ? e->code : "";
}

}  // namespace

TEST_CASE("enrolment with a bad token is refused in plain words and changes nothing") {
  District district;
  TestStation s("530102001001");
  auto transport = district.transport();
  auto r =
      station::enroll_station(*s.station, *transport, {"inproc://district", "not-a-token", ""});
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == ErrorCode::Rejected);
  CHECK(r.status().message().find("token") != std::string::npos);
  CHECK(station::load_sync_state(s.station->db()).value().station_id.empty());
  auto sync = s.sync(*transport);
  REQUIRE_FALSE(sync.is_ok());
  CHECK(sync.status().code() == ErrorCode::NotFound);
  CHECK(sync.status().message().find("weimin enroll") != std::string::npos);
}

TEST_CASE("a token is used once") {
  District district;
  TestStation s("530102001001");
  auto transport = district.transport();
  const std::string token = district.token("530102001001");
  REQUIRE(station::enroll_station(*s.station, *transport, {"x", token, ""}).is_ok());
  TestStation again("530102001001");
  auto r = station::enroll_station(*again.station, *transport, {"x", token, ""});
  CHECK(r.status().code() == ErrorCode::Rejected);
}

TEST_CASE("push sends the outbox once, pull brings the community's facts, both resume") {
  District district;
  auto transport = district.transport();
  TestStation a("530102001001");
  a.enroll(district, *transport);
  const auto ids = a.write(1200);
  REQUIRE(a.pending() >= 1200);
  station::SyncOptions pages;
  pages.push_page_count = 400;
  pages.pull_limit = 400;
  auto first = a.sync(*transport, pages);
  REQUIRE_MESSAGE(first.is_ok(), first.status().to_string());
  CHECK(first->pushed >= 1200);
  CHECK(first->push_pages >= 3);
  CHECK(first->resent_pages == 0);
  // The district had nothing from this station before: its own facts do not come back.
  CHECK(first->pulled == 0);
  CHECK_FALSE(station::load_sync_state(a.station->db()).value().pull_own);
  CHECK(a.pending() == 0);
  CHECK(district.fact_count() == a.fact_count());
  CHECK(district.digests("530102001001") == a.digests());

  // A second run moves nothing.
  auto second = a.sync(*transport);
  REQUIRE(second.is_ok());
  CHECK(second->pushed == 0);
  CHECK(second->pulled_new == 0);
  CHECK(second->summary().find("pushed 0 facts") != std::string::npos);

  // The station re-installed from scratch under the same community (a replaced kiosk) pulls
  // everything back.
  TestStation fresh("530102001001");
  fresh.enroll(district, *transport);
  CHECK(station::load_sync_state(fresh.station->db()).value().pull_own);
  auto pulled = fresh.sync(*transport, pages);
  REQUIRE_MESSAGE(pulled.is_ok(), pulled.status().to_string());
  for (const auto& id : ids) REQUIRE(fresh.has_fact(id));
  CHECK(pulled->pull_pages >= 3);
  CHECK_FALSE(station::load_sync_state(fresh.station->db()).value().pull_own);
}

TEST_CASE("a push whose answer is lost is re-sent once and applied once") {
  District district;
  CuttingTransport cutting(district);
  TestStation a("530102001001");
  a.enroll(district, cutting);
  a.write(1500);
  const std::int64_t before = district.fact_count();
  cutting.cut_path = "/v1/push";
  cutting.cut_at = 1;  // the second page is applied but its answer never arrives
  station::SyncOptions pages;
  pages.push_page_count = 500;
  auto cut = a.sync(cutting, pages);
  REQUIRE_FALSE(cut.is_ok());
  CHECK(cut.status().code() == ErrorCode::Unavailable);
  CHECK(station::read_sync_status(*a.station).value().last_error.find("cut") != std::string::npos);
  a.reopen();  // as after a crash
  auto resumed = a.sync(cutting, pages);
  REQUIRE_MESSAGE(resumed.is_ok(), resumed.status().to_string());
  CHECK(resumed->resent_pages == 1);
  CHECK(a.pending() == 0);
  CHECK(district.fact_count() == before + 1500);
  CHECK(district.digests("530102001001") == a.digests());
  CHECK(station::read_sync_status(*a.station).value().last_error.empty());
}

TEST_CASE("a pull whose answer is lost is fetched again and applied once") {
  District district;
  auto plain = district.transport();
  TestStation a("530102001001");
  a.enroll(district, *plain);
  a.write(1100);
  REQUIRE(a.sync(*plain).is_ok());
  TestStation b("530102001001");
  CuttingTransport cutting(district);
  b.enroll(district, cutting);
  cutting.cut_path = "/v1/pull";
  cutting.cut_at = 1;
  station::SyncOptions pages;
  pages.pull_limit = 500;
  REQUIRE_FALSE(b.sync(cutting, pages).is_ok());
  auto resumed = b.sync(cutting, pages);
  REQUIRE(resumed.is_ok());
  CHECK(resumed->pull_pages <= 2 + 1);  // the lost page and what was left
  CHECK(b.digests() == district.digests("530102001001"));
}

TEST_CASE(
    "the closed loop: collected at the station, whistled and handled at the district, "
    "verified at the station") {
  District district;
  district.publish_catalog();  // the office whistles to its departments
  auto transport = district.transport();
  TestStation s("530102001001");
  s.enroll(district, *transport);
  station::StaffDesk desk(*s.station);
  auto director = desk.sign_in("D001", "583920");
  REQUIRE(director.is_ok());
  station::Cases cases(*s.station);
  const auto& sources = s.station->catalog().whistle_sources;
  REQUIRE_FALSE(sources.empty());
  auto receipt = cases.record(std::nullopt, {sources.front().id, core::CaseChannel::Kiosk,
                                             "楼道灯坏了三天", std::nullopt, std::nullopt, false});
  REQUIRE_MESSAGE(receipt.is_ok(), receipt.status().to_string());
  const std::string case_id = receipt->case_id.to_string();
  REQUIRE(s.sync(*transport).is_ok());

  REQUIRE_FALSE(s.station->catalog().departments.empty());
  const std::string dept = s.station->catalog().departments.front().id;
  const std::string other = s.station->catalog().departments.back().id;
  auto whistled = district.service->whistle("530102001", case_id, {dept, other},
                                            core::WhistleKind::Routine, "请住建部门处理");
  REQUIRE_MESSAGE(whistled.is_ok(), whistled.status().to_string());
  const std::int64_t expected = district.clock.now_ms() + 2 * 24 * 3'600'000LL;
  REQUIRE(district.service->report(dept, case_id, "已接单", expected).is_ok());
  REQUIRE(district.service->return_whistle(other, case_id, "非本部门职责").is_ok());
  REQUIRE(district.service->feedback(dept, case_id, "已更换灯具").is_ok());

  auto pulled = s.sync(*transport);
  REQUIRE_MESSAGE(pulled.is_ok(), pulled.status().to_string());
  CHECK(pulled->pulled_new >= 4);
  auto view = cases.view(receipt->case_id);
  REQUIRE(view.is_ok());
  CHECK(view->state.stage == core::CaseStage::Feedback);
  CHECK(view->state.conflicts.empty());
  // What the district did, and by when, is at the station.
  REQUIRE(view->state.departments.size() == 2);
  CHECK(view->state.departments[0].report_note == "已接单");
  CHECK(view->state.departments[0].expected_ms == expected);
  CHECK(view->state.departments[0].feedback_action == "已更换灯具");
  CHECK(view->state.departments[1].return_reason == "非本部门职责");
  auto verified = cases.verify(*director, receipt->case_id, "居民确认灯已修好");
  REQUIRE_MESSAGE(verified.is_ok(), verified.status().to_string());
  REQUIRE(s.sync(*transport).is_ok());
  auto at_district = district.service->case_view(case_id);
  REQUIRE(at_district.is_ok());
  CHECK(at_district->state.stage == core::CaseStage::Verified);
}

TEST_CASE("every auth and scope refusal") {
  District district;
  auto transport = district.transport();
  TestStation a("530102001001");
  TestStation b("530102001002");
  a.enroll(district, *transport);
  b.enroll(district, *transport);
  a.write(3);
  const auto state_a = station::load_sync_state(a.station->db()).value();
  const auto key_a =
      sync::base64_decode(
          storage::Meta::get(a.station->db(), station::kMetaSigningKey).value().value())
          .value();
  sync::HttpRequest status;
  status.method = "GET";
  status.path = "/v1/status";
  auto send_signed = [&](sync::HttpRequest r, const std::string& who, const std::string& key,
                         std::int64_t now_ms) {
    sync::sign_request(r, who, key, now_ms);
    return district.handle(r);
  };
  const std::int64_t now = district.clock.now_ms();

  CHECK(error_code(district.handle(status)) == "unsigned");
  CHECK(district.handle(status).status == 401);

  auto other = sync::generate_station_key();
  CHECK(error_code(send_signed(status, state_a.station_id, other.secret_key, now)) ==
        "bad_signature");
  CHECK(error_code(send_signed(status, "station:530102009999", key_a, now)) == "unknown_key");
  CHECK(error_code(send_signed(status, state_a.station_id, key_a, now - 10 * 60'000)) ==
        "stale_time");

  sync::HttpRequest signed_once = status;
  sync::sign_request(signed_once, state_a.station_id, key_a, now);
  CHECK(district.handle(signed_once).status == 200);
  CHECK(error_code(district.handle(signed_once)) == "replayed_nonce");

  sync::HttpRequest tampered;
  tampered.method = "POST";
  tampered.path = "/v1/push";
  tampered.body = "{}";
  tampered.headers["Content-Type"] = "application/json";
  sync::sign_request(tampered, state_a.station_id, key_a, now);
  tampered.body = "{\"x\":1}";
  CHECK(error_code(district.handle(tampered)) == "bad_digest");

  // A's key pushing as B, and facts of B's community under A's id: out of scope.
  sync::PushRequest as_b;
  as_b.station_id = station::load_sync_state(b.station->db()).value().station_id;
  as_b.stream = "0190c0de-0000-7000-8000-000000000001";
  as_b.base_seq = 0;
  sync::HttpRequest push;
  push.method = "POST";
  push.path = "/v1/push";
  push.body = sync::to_json(as_b);
  push.headers["Content-Type"] = "application/json";
  auto refused = send_signed(push, state_a.station_id, key_a, now);
  CHECK(refused.status == 403);
  CHECK(error_code(refused) == "out_of_scope");

  // The client says it in plain words.
  sync::SyncClient client(*transport, [&] { return now; });
  client.set_identity({state_a.station_id, SecretBuffer::copy_of(other.secret_key)});
  auto words = client.status();
  REQUIRE_FALSE(words.is_ok());
  CHECK(words.status().code() == ErrorCode::Unauthenticated);
  CHECK(words.status().message().find("signature") != std::string::npos);
  client.set_identity({state_a.station_id, SecretBuffer::copy_of(key_a)});
  auto ok = client.status();
  REQUIRE_MESSAGE(ok.is_ok(), ok.status().to_string());
  CHECK(ok->station_id == state_a.station_id);

  // A station's pull holds only its own community's facts.
  REQUIRE(a.sync(*transport).is_ok());
  auto b_sync = b.sync(*transport);
  REQUIRE(b_sync.is_ok());
  CHECK(b_sync->pulled_new == 0);
  CHECK(b.digests() == district.digests("530102001002"));
}

TEST_CASE("a station whose clock is 24 hours off is still heard and told") {
  District district;
  auto transport = district.transport();
  TestStation a("530102001001");
  a.enroll(district, *transport);
  a.clock.advance(24 * 3600'000LL);
  a.write(5);
  auto r = a.sync(*transport);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(r->pushed >= 5);
  CHECK(r->clock_offset_ms <= -24 * 3600'000LL + 60'000);
  CHECK(r->summary().find("clock is off") != std::string::npos);
}

TEST_CASE("the district restored from an older backup: stations re-bootstrap and lose nothing") {
  District district;
  auto transport = district.transport();
  TestStation a("530102001001");
  TestStation b("530102001002");
  a.enroll(district, *transport);
  b.enroll(district, *transport);
  const auto early = a.write(50);
  REQUIRE(a.sync(*transport).is_ok());
  REQUIRE(b.sync(*transport).is_ok());
  const std::string old_epoch = district.epoch();
  district.close();
  REQUIRE(server::backup_embedded_store(district.dir / "data", district.dir / "backup.db",
                                        district.keys)
              .is_ok());
  district.open();
  const auto late = a.write(70);
  const auto late_b = b.write(20);
  REQUIRE(a.sync(*transport).is_ok());  // the district now has them ...
  district.close();
  auto epoch = server::restore_embedded_store(district.dir / "data", district.dir / "backup.db",
                                              district.keys, district.clock.now_ms());
  REQUIRE_MESSAGE(epoch.is_ok(), epoch.status().to_string());  // ... and loses them
  district.open();
  CHECK(district.epoch() != old_epoch);
  const auto offline = a.write(5);

  auto r = a.sync(*transport);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(r->epoch_changed);
  CHECK(r->replayed >= 125);
  CHECK(a.pending() == 0);
  auto rb = b.sync(*transport);
  REQUIRE(rb.is_ok());
  CHECK(rb->epoch_changed);
  CHECK(station::load_sync_state(a.station->db()).value().epoch == district.epoch());
  CHECK(district.digests("530102001001") == a.digests());
  CHECK(district.digests("530102001002") == b.digests());
  std::set<std::string> all(early.begin(), early.end());
  all.insert(late.begin(), late.end());
  all.insert(offline.begin(), offline.end());
  for (const auto& id : all) CHECK(a.has_fact(id));
}

TEST_CASE("nightly digests find a difference and repair it") {
  District district;
  auto transport = district.transport();
  TestStation a("530102001001");
  a.enroll(district, *transport);
  a.write(10);
  REQUIRE(a.sync(*transport).is_ok());
  // The station loses a pulled fact's row behind sync's back (a restored station backup).
  auto del =
      a.station->db().exec("DELETE FROM facts WHERE rowid IN (SELECT rowid FROM facts LIMIT 3)");
  REQUIRE(del.is_ok());
  station::SyncOptions options;
  options.anti_entropy = true;
  auto r = a.sync(*transport, options);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK_FALSE(r->digest_mismatches.empty());
  CHECK(r->digest_mismatches_after_repair == 0);
  CHECK(district.digests("530102001001") == a.digests());
}

TEST_CASE("every signed request reports the station's version and the facts still waiting") {
  District district;
  struct Recording final : sync::Transport {
    District& district;
    std::vector<sync::HttpRequest> sent;
    explicit Recording(District& d) : district(d) {}
    Result<sync::HttpResponse> send(const sync::HttpRequest& r) override {
      sent.push_back(r);
      return district.handle(r);
    }
  } transport{district};
  TestStation a("530102001001");
  a.enroll(district, transport);
  a.write(5);
  const std::int64_t waiting_before = a.pending();
  REQUIRE(waiting_before >= 5);
  transport.sent.clear();
  station::SyncOptions pages;
  pages.push_page_count = 2;
  auto run = a.sync(transport, pages);
  REQUIRE_MESSAGE(run.is_ok(), run.status().to_string());
  std::vector<std::int64_t> pushes, pulls;
  for (const auto& r : transport.sent) {
    CAPTURE(r.path);
    REQUIRE(sync::header_value(r.headers, "Signature"));
    CHECK(sync::header_value(r.headers, sync::kVersionHeader) ==
          std::string(sync::kSoftwareVersion));
    auto report = sync::read_station_report(r.headers);
    REQUIRE(report.waiting);
    (r.path == "/v1/push" ? pushes : pulls).push_back(*report.waiting);
  }
  // Each push reports what waited before it (its own page included); the pull after them, none.
  REQUIRE(pushes.size() >= 3);
  CHECK(pushes.front() == waiting_before);
  for (std::size_t i = 1; i < pushes.size(); ++i) CHECK(pushes[i] == pushes[i - 1] - 2);
  REQUIRE_FALSE(pulls.empty());
  CHECK(pulls.back() == 0);
  // The district recorded the last of them with the sync's time.
  auto at_district = district.store->find_station("station:530102001001").value().value();
  CHECK(at_district.version == std::string(sync::kSoftwareVersion));
  CHECK(at_district.waiting == 0);
  CHECK(at_district.last_sync_ms == district.clock.now_ms());
  CHECK(at_district.last_seen_ms == district.clock.now_ms());
}

TEST_CASE("a month offline: the push records how far it is after every page, then clears it") {
  District district;
  TestStation a("530102001001");
  // What `weimin sync status` (another process, so its own connection) reads before each push.
  struct Watching final : sync::Transport {
    District& district;
    std::unique_ptr<station::Station> other;
    std::vector<std::optional<station::SyncProgress>> seen;
    std::vector<std::int64_t> unacknowledged;  // the outbox's, as a crash now would leave it
    explicit Watching(District& d) : district(d) {}
    Result<sync::HttpResponse> send(const sync::HttpRequest& r) override {
      if (r.path == "/v1/push" && other) {
        seen.push_back(station::read_sync_status(*other).value().progress);
        unacknowledged.push_back(storage::Outbox::stats(other->db()).value().pending());
      }
      return district.handle(r);
    }
  } transport{district};
  a.enroll(district, transport);
  a.write(2500);
  const std::int64_t total = a.pending();
  REQUIRE(total >= 2500);
  auto other = station::Station::open(a.dir / "data", a.keys, a.clock);
  REQUIRE_MESSAGE(other.is_ok(), other.status().to_string());
  transport.other = std::move(other).value();
  std::vector<station::SyncProgress> called;
  station::SyncOptions options;
  options.on_progress = [&](const station::SyncProgress& p) { called.push_back(p); };
  auto run = a.sync(transport, options);
  REQUIRE_MESSAGE(run.is_ok(), run.status().to_string());
  CHECK(a.pending() == 0);

  // Once before the first page, then after each page the district took: 0, 1000, 2000, total.
  const std::size_t pages = static_cast<std::size_t>((total + 999) / 1000);
  REQUIRE(called.size() == pages + 1);
  for (std::size_t i = 0; i < called.size(); ++i) {
    CAPTURE(i);
    CHECK(called[i].total == total);
    CHECK(called[i].sent == std::min<std::int64_t>(static_cast<std::int64_t>(i) * 1000, total));
    CHECK(called[i].at_ms == a.clock.now_ms());
  }
  CHECK(called.front().percent() == 0);
  CHECK(called[1].percent() == static_cast<int>(1000 * 100 / total));
  CHECK(called.back().percent() == 100);
  // Read from the database while the run went on: a page's progress is committed with its
  // acknowledgement while the next page is in flight, so each push saw every page before it but
  // perhaps the last one, and never more.
  REQUIRE(transport.seen.size() == pages);
  for (std::size_t i = 0; i < pages; ++i) {
    CAPTURE(i);
    REQUIRE(transport.seen[i]);
    const std::int64_t before = static_cast<std::int64_t>(i) * 1000;
    CHECK(transport.seen[i]->sent <= before);
    CHECK(transport.seen[i]->sent >= std::max<std::int64_t>(0, before - 1000));
    CHECK(transport.seen[i]->total == total);
  }
  // The crash bound: while the district takes page i, the outbox as committed still holds page i
  // and at most the one before it; a crash then re-sends those two pages and nothing more.
  REQUIRE(transport.unacknowledged.size() == pages);
  for (std::size_t i = 0; i < pages; ++i) {
    CAPTURE(i);
    const std::int64_t before = static_cast<std::int64_t>(i) * 1000;
    CHECK(transport.unacknowledged[i] >= total - before);
    CHECK(transport.unacknowledged[i] <= total - std::max<std::int64_t>(0, before - 1000));
  }
  // The run is over: nothing is shown as syncing.
  CHECK_FALSE(station::read_sync_status(*a.station).value().progress);
}

TEST_CASE("the push's window: a page's acknowledgement is committed while the next is in flight") {
  District district;
  // Counts the pushes that have started; each acknowledgement (on_progress, on the sync's
  // thread) waits until the push after its page has started. A push that sent its next page only
  // after committing the acknowledgement would wait here until the bound and fail.
  struct Started final : sync::Transport {
    District& district;
    std::mutex m;
    std::condition_variable cv;
    int pushes = 0;
    explicit Started(District& d) : district(d) {}
    Result<sync::HttpResponse> send(const sync::HttpRequest& r) override {
      if (r.path == "/v1/push") {
        std::lock_guard lock(m);
        ++pushes;
        cv.notify_all();
      }
      return district.handle(r);
    }
    bool wait_for_pushes(int n) {
      std::unique_lock lock(m);
      return cv.wait_for(lock, std::chrono::seconds(60), [&] { return pushes >= n; });
    }
  } transport{district};
  TestStation a("530102001001");
  a.enroll(district, transport);
  a.write(2500);
  const std::int64_t total = a.pending();
  const int pages = static_cast<int>((total + 999) / 1000);
  REQUIRE(pages == 3);
  int acknowledged = 0;
  std::vector<bool> overlapped;
  station::SyncOptions options;
  options.on_progress = [&](const station::SyncProgress& p) {
    if (p.sent == 0) return;  // recorded before the first page
    ++acknowledged;
    if (acknowledged < pages) overlapped.push_back(transport.wait_for_pushes(acknowledged + 1));
  };
  auto run = a.sync(transport, options);
  REQUIRE_MESSAGE(run.is_ok(), run.status().to_string());
  CHECK(acknowledged == pages);
  CHECK(overlapped == std::vector<bool>{true, true});
  CHECK(run->pushed == total);
  CHECK(run->resent_pages == 0);
  CHECK(a.pending() == 0);
  CHECK(district.digests("530102001001") == a.digests());
}

TEST_CASE(
    "a crash with the window's pages taken but not acknowledged: all sent again, none twice") {
  District district;
  auto transport = district.transport();
  TestStation a("530102001001");
  a.enroll(district, *transport);
  a.write(3000);
  const std::int64_t total = a.pending();
  const std::int64_t before = district.fact_count();
  // The station's files as they were before the sync: as if it crashed after the district took
  // the pages and before any acknowledgement was committed (the window allows two; this is all).
  a.station.reset();
  std::filesystem::copy(a.dir / "data", a.dir / "before", std::filesystem::copy_options::recursive);
  a.reopen();
  auto first = a.sync(*transport);
  REQUIRE_MESSAGE(first.is_ok(), first.status().to_string());
  CHECK(first->pushed == total);
  CHECK(district.fact_count() == before + total);

  a.station.reset();
  std::filesystem::remove_all(a.dir / "data");
  std::filesystem::rename(a.dir / "before", a.dir / "data");
  a.reopen();
  REQUIRE(a.pending() == total);
  auto again = a.sync(*transport);
  REQUIRE_MESSAGE(again.is_ok(), again.status().to_string());
  // The district knows its stream already holds every page: nothing is applied again.
  CHECK(again->pushed == 0);
  CHECK(again->resent_pages == again->push_pages);
  CHECK(again->push_pages == (total + 999) / 1000);
  CHECK(a.pending() == 0);
  CHECK(district.fact_count() == before + total);
  CHECK(district.digests("530102001001") == a.digests());
}

TEST_CASE("a sync's progress record is shown only while fresh and when it reads back") {
  TestStation a("530102001001");
  auto shown = [&](const std::string& text) {
    REQUIRE(storage::Meta::set(a.station->db(), station::kMetaProgress, text).is_ok());
    return station::read_sync_status(*a.station).value().progress;
  };
  const std::int64_t now = a.clock.now_ms();
  auto fresh = shown("120000 300000 " + std::to_string(now - 60'000));
  REQUIRE(fresh);
  CHECK(fresh->sent == 120000);
  CHECK(fresh->total == 300000);
  CHECK(fresh->percent() == 40);
  // A sync killed three minutes ago left its record behind: not shown as running.
  CHECK_FALSE(shown("120000 300000 " + std::to_string(now - 3 * 60'000)));
  CHECK_FALSE(shown(""));
  CHECK_FALSE(shown("12 x 5"));
  CHECK_FALSE(shown("300001 300000 " + std::to_string(now)));
  CHECK_FALSE(shown("-1 300000 " + std::to_string(now)));
  CHECK_FALSE(shown("1 2 3 4"));
  CHECK(station::parse_progress("299999 300000 1")->percent() == 99);
  CHECK(station::parse_progress("0 0 1")->percent() == 100);
}
