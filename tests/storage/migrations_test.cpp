#include <doctest/doctest.h>

#include <array>

#include "storage_support.hpp"
#include "temp_dir.hpp"

using namespace weimin;
using namespace weimin::storage;
using weimin::test::TempDir;
namespace fs = std::filesystem;

namespace {
constexpr std::array<Migration, 3> kToy = {
    Migration{1, "people", "CREATE TABLE people (name TEXT)"},
    Migration{2, "people age", "ALTER TABLE people ADD COLUMN age INTEGER"},
    Migration{3, "pets", "CREATE TABLE pets (name TEXT); INSERT INTO pets VALUES ('cat')"},
};
}  // namespace

TEST_CASE("migrations from empty reach the last version and are recorded") {
  TempDir dir;
  auto db = test::open_test_db(dir / "a.db");
  REQUIRE(db.is_ok());
  CHECK(schema_version(*db).value() == 0);
  REQUIRE(migrate(*db, kToy, 1234).is_ok());
  CHECK(schema_version(*db).value() == 3);
  auto rows = db->prepare("SELECT count(*), min(applied_ms) FROM schema_migrations");
  REQUIRE(rows->step().value());
  CHECK(rows->column_int64(0) == 3);
  CHECK(rows->column_int64(1) == 1234);
  REQUIRE(migrate(*db, kToy, 5).is_ok());  // again: nothing to do
  CHECK(schema_version(*db).value() == 3);
}

TEST_CASE("migrating from each older version keeps the data and ends at the last version") {
  for (int from = 1; from < static_cast<int>(kToy.size()); ++from) {
    CAPTURE(from);
    TempDir dir;
    {
      auto db = test::open_test_db(dir / "a.db");
      REQUIRE(migrate(*db, kToy, 0, from).is_ok());
      REQUIRE(db->exec("INSERT INTO people (name) VALUES ('Li')").is_ok());
    }
    auto db = test::open_test_db(dir / "a.db");
    REQUIRE(migrate(*db, kToy, 0).is_ok());
    auto rows = db->prepare("SELECT name, age FROM people");
    REQUIRE(rows->step().value());
    CHECK(rows->column_text(0) == "Li");
    CHECK(rows->is_null(1));
  }
}

TEST_CASE("a database written by a newer Weimin is refused and not changed") {
  TempDir dir;
  {
    auto fresh = test::open_test_db(dir / "a.db");
    REQUIRE(migrate(*fresh, kToy, 0).is_ok());
  }
  const std::string before = test::read_file(dir / "a.db");
  auto db = test::open_test_db(dir / "a.db");
  Status st = migrate(*db, std::span(kToy).first(2), 0);
  CHECK(st.code() == ErrorCode::TooNew);
  CHECK(st.message().find("newer version of Weimin") != std::string::npos);
  CHECK(st.message().find("schema 3") != std::string::npos);
  CHECK(schema_version(*db).value() == 3);
}

TEST_CASE("a recorded migration this build does not know is refused") {
  TempDir dir;
  auto db = test::open_test_db(dir / "a.db");
  REQUIRE(migrate(*db, kToy, 0, 1).is_ok());
  REQUIRE(
      db->exec("UPDATE schema_migrations SET name = 'something else' WHERE version = 1").is_ok());
  Status st = migrate(*db, kToy, 0);
  CHECK(st.code() == ErrorCode::Corrupt);
  CHECK(schema_version(*db).value() == 1);
}

TEST_CASE("a failing migration leaves the database at the version before it") {
  TempDir dir;
  const std::array<Migration, 2> broken = {
      kToy[0], Migration{2, "broken", "CREATE TABLE ok_table (x); CREATE TABLE people (dup)"}};
  auto db = test::open_test_db(dir / "a.db");
  Status st = migrate(*db, broken, 0);
  CHECK_FALSE(st.is_ok());
  CHECK(schema_version(*db).value() == 1);
  auto t = db->prepare("SELECT count(*) FROM sqlite_master WHERE name = 'ok_table'");
  REQUIRE(t->step().value());
  CHECK(t->column_int64(0) == 0);
}

TEST_CASE("the station schema migrates from empty") {
  TempDir dir;
  auto db = test::open_test_db(dir / "station.db");
  REQUIRE(migrate(*db, station_migrations(), 0).is_ok());
  CHECK(schema_version(*db).value() == static_cast<int>(station_migrations().size()));
  CHECK(test::insert_fact(*db, "x", "y").is_ok());
}

TEST_CASE("an upgrade backs the store up first; a new store needs no backup") {
  TempDir dir;
  {
    auto db = test::open_test_db(dir / "a.db");
    REQUIRE(migrate(*db, kToy, 0, 2).is_ok());
    CHECK_FALSE(fs::exists(backup_before_migration(dir / "a.db", 0)));
    REQUIRE(db->exec("INSERT INTO people (name, age) VALUES ('Li', 70)").is_ok());
  }
  {
    auto db = test::open_test_db(dir / "a.db");
    REQUIRE(migrate(*db, kToy, 0).is_ok());
    CHECK(schema_version(*db).value() == 3);
  }
  // The copy is the store as it was before the migration: schema 2, Li, no pets; owner-only.
  const fs::path bak = backup_before_migration(dir / "a.db", 2);
  CHECK(bak == fs::path(dir / "a.db.schema-2.bak"));
  REQUIRE(fs::exists(bak));
  CHECK((fs::status(bak).permissions() & (fs::perms::group_all | fs::perms::others_all)) ==
        fs::perms::none);
  auto old = test::open_test_db(bak);
  REQUIRE(old.is_ok());
  CHECK(schema_version(*old).value() == 2);
  auto rows = old->prepare("SELECT name, age FROM people");
  REQUIRE(rows->step().value());
  CHECK(rows->column_text(0) == "Li");
  CHECK(rows->column_int64(1) == 70);
  auto pets = old->prepare("SELECT count(*) FROM sqlite_master WHERE name = 'pets'");
  REQUIRE(pets->step().value());
  CHECK(pets->column_int64(0) == 0);
}
