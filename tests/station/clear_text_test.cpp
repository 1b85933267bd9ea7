// No clear text to the district: a station whose stored district URL is plain http:// (set up
// by an older version) refuses to sync in words instead of sending its records in clear.
#include <doctest/doctest.h>

#include "station_fixture.hpp"
#include "weimin/station/sync_engine.hpp"
#include "weimin/station/sync_state.hpp"

using namespace weimin;

TEST_CASE("a station refuses to sync with an http:// district and says what to do") {
  test::StationFixture f;
  REQUIRE(f.station
              ->transact([&]() -> Status {
                WEIMIN_TRY(storage::Meta::set(f.station->db(), station::kMetaServer,
                                              "http://district.example:8080"));
                return storage::Meta::set(f.station->db(), station::kMetaCaPem,
                                          "-----BEGIN CERTIFICATE-----\nMIIB\n"
                                          "-----END CERTIFICATE-----\n");
              })
              .is_ok());
  auto transport = station::district_transport(*f.station);
  REQUIRE_FALSE(transport.is_ok());
  CHECK(transport.status().code() == ErrorCode::Invalid);
  CHECK(transport.status().message().find("in clear") != std::string::npos);
  CHECK(transport.status().message().find("https://") != std::string::npos);
}
