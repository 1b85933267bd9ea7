#include <doctest/doctest.h>

#include "station_fixture.hpp"
#include "weimin/station/sync_status.hpp"
#include "weimin/storage/facts.hpp"

using namespace weimin;

TEST_CASE("sync status of a station never enrolled counts its pending facts") {
  test::StationFixture f;
  auto before = station::read_sync_status((*f.station));
  REQUIRE(before.is_ok());
  CHECK_FALSE(before->enrolled);
  CHECK(before->link == station::LinkState::NotEnrolled);
  CHECK_FALSE(before->last_ok_ms.has_value());
  const auto pending_before = before->pending;
  station::NewFact fact{"note.test", "subject-1", nlohmann::json{{"text", "x"}}, std::nullopt};
  REQUIRE((*f.station).transact([&]() -> Status {
    auto rows = (*f.station).append(std::span<const station::NewFact>(&fact, 1));
    return rows.is_ok() ? Status::ok() : rows.status();
  }));
  auto after = station::read_sync_status((*f.station));
  REQUIRE(after.is_ok());
  CHECK(after->pending == pending_before + 1);
}

TEST_CASE("sync status reads the server and the last good sync from the station's settings") {
  test::StationFixture f;
  REQUIRE(storage::Meta::set((*f.station).db(), "sync.server", "https://127.0.0.1:8443"));
  REQUIRE(storage::Meta::set((*f.station).db(), "sync.last_ok_ms", "1700000000000"));
  REQUIRE(storage::Meta::set((*f.station).db(), "sync.last_error", ""));
  auto status = station::read_sync_status((*f.station));
  REQUIRE(status.is_ok());
  CHECK(status->enrolled);
  CHECK(status->server == "https://127.0.0.1:8443");
  CHECK(status->link == station::LinkState::Unknown);
  REQUIRE(status->last_ok_ms.has_value());
  CHECK(*status->last_ok_ms == 1700000000000);
  CHECK(status->last_error.empty());
}
