// Every older station schema has a fixture database here (tests/storage/fixtures/station-vN.db,
// key test_key(1)), written by the Weimin of that version. Each must migrate to the current
// schema with its data intact. To add the fixture of the current version before a new
// migration lands: WEIMIN_FIXTURE_OUT=tests/storage/fixtures ./weimin_storage_test -tc='*write*'
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "storage_support.hpp"
#include "temp_dir.hpp"
#include "weimin/storage/facts.hpp"
#include "weimin/storage/outbox.hpp"

using namespace weimin;
using namespace weimin::storage;
using weimin::test::TempDir;
namespace fs = std::filesystem;

namespace {
const fs::path kFixtures = fs::path(WEIMIN_SOURCE_DIR) / "tests/storage/fixtures";
constexpr int kFixtureFacts = 25;
}  // namespace

TEST_CASE("write the fixture of the current schema version (only with WEIMIN_FIXTURE_OUT)") {
  const char* out = std::getenv("WEIMIN_FIXTURE_OUT");
  if (!out) return;
  const int version = static_cast<int>(station_migrations().size());
  const fs::path file = fs::path(out) / ("station-v" + std::to_string(version) + ".db");
  REQUIRE_FALSE(fs::exists(file));
  {
    auto db = Database::open(file, test::test_key(1));
    REQUIRE(db.is_ok());
    REQUIRE(migrate(*db, station_migrations(), 0).is_ok());
    for (int i = 0; i < kFixtureFacts; ++i) {
      REQUIRE(test::insert_fact(*db, "fixture-" + std::to_string(i), "案件 " + std::to_string(i)).is_ok());
    }
    REQUIRE(Outbox::acknowledge(*db, 5).is_ok());
    REQUIRE(Meta::set(*db, "community", "530102001001").is_ok());
    REQUIRE(db->checkpoint().is_ok());
  }
  MESSAGE("wrote " << file);
}

TEST_CASE("every older schema fixture migrates to the current version with its data") {
  if (test::unkeyed_suite()) return;  // the fixtures are encrypted
  const std::regex name("station-v([0-9]+)\\.db");
  int seen = 0;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    std::smatch m;
    const std::string file_name = entry.path().filename().string();
    if (!std::regex_match(file_name, m, name)) continue;
    const int version = std::stoi(m[1]);
    CAPTURE(file_name);
    ++seen;
    TempDir dir;
    fs::copy_file(entry.path(), dir / "station.db");
    auto db = Database::open(dir / "station.db", test::test_key(1));
    REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
    CHECK(schema_version(*db).value() == version);
    REQUIRE(migrate(*db, station_migrations(), 0).is_ok());
    CHECK(schema_version(*db).value() == static_cast<int>(station_migrations().size()));
    CHECK(Facts::count(*db).value() == kFixtureFacts);
    CHECK(Facts::find(*db, "fixture-7").value()->body == "案件 7");
    auto stats = Outbox::stats(*db).value();
    CHECK(stats.last_seq == kFixtureFacts);
    CHECK(stats.acked_seq == 5);
    CHECK(Meta::get(*db, "community").value().value() == "530102001001");
    CHECK(db->integrity_check().value() == "ok");
  }
  const int older_versions = static_cast<int>(station_migrations().size()) - 1;
  CHECK_MESSAGE(seen >= older_versions, "a fixture is missing for an older schema version");
}
