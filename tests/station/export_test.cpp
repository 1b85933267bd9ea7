// The export of the station's records: a director's action only, audited, personal numbers
// masked.
#include <doctest/doctest.h>

#include <sstream>

#include "station_fixture.hpp"
#include "weimin/station/export.hpp"

using namespace weimin;
using namespace weimin::station;

TEST_CASE("only a director exports the station's records, and the export is audited") {
  test::StationFixture f;
  std::ostringstream refused_out;
  auto refused = export_masked(*f.station, f.staff, refused_out);
  REQUIRE_FALSE(refused.is_ok());
  CHECK(refused.status().code() == ErrorCode::PermissionDenied);
  CHECK(refused.status().message().find("export") != std::string::npos);
  CHECK(refused_out.str().empty());

  const auto before = f.fact_count();
  std::ostringstream out;
  auto exported = export_masked(*f.station, f.director, out);
  REQUIRE_MESSAGE(exported.is_ok(), exported.status().to_string());
  CHECK(*exported == before);
  CHECK(f.fact_count() == before + 1);
  const auto audits = storage::Facts::by_kind(f.station->db(), "audit.export").value();
  REQUIRE(audits.size() == 1);
  CHECK(audits.front().body.find("\"D001\"") != std::string::npos);
}
