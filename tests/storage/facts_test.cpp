#include <doctest/doctest.h>

#include "storage_support.hpp"
#include "temp_dir.hpp"
#include "weimin/storage/facts.hpp"

using namespace weimin;
using namespace weimin::storage;
using weimin::test::TempDir;

namespace {
FactRow fact(std::string id, std::string kind, std::int64_t hlc, std::string origin,
             std::string day = "2026-11-22") {
  return FactRow{id, kind, "subject-1", origin, hlc, 0, day, "{}", std::nullopt};
}
}  // namespace

TEST_CASE("inserting a fact twice keeps one copy; reads follow (HLC, origin, id)") {
  TempDir dir;
  auto db = test::open_test_db(dir / "station.db");
  REQUIRE(migrate(*db, station_migrations(), 0).is_ok());
  CHECK(Facts::insert(*db, fact("c", "case.note", 5, "b")).value());
  CHECK(Facts::insert(*db, fact("a", "case.note", 5, "a")).value());
  CHECK(Facts::insert(*db, fact("b", "case.collected", 1, "z")).value());
  CHECK(Facts::insert(*db, fact("d", "casex.other", 2, "a")).value());
  CHECK_FALSE(Facts::insert(*db, fact("a", "case.note", 5, "a")).value());
  CHECK(Facts::count(*db).value() == 4);
  auto all = Facts::by_subject(*db, "subject-1").value();
  REQUIRE(all.size() == 4);
  CHECK(all[0].id == "b");
  CHECK(all[1].id == "d");
  CHECK(all[2].id == "a");
  CHECK(all[3].id == "c");
  auto cases = Facts::by_kind(*db, "case.").value();
  CHECK(cases.size() == 3);                            // "casex.other" is not a case fact
  CHECK(Facts::by_kind(*db, "").value().size() == 4);  // every fact
  CHECK(Facts::by_kind_on_day(*db, "case.", "2026-11-21").value().empty());
  CHECK(Facts::find(*db, "c").value()->origin == "b");
  CHECK_FALSE(Facts::find(*db, "zz").value().has_value());
}

TEST_CASE("meta values are set, replaced and read") {
  TempDir dir;
  auto db = test::open_test_db(dir / "station.db");
  REQUIRE(migrate(*db, station_migrations(), 0).is_ok());
  CHECK_FALSE(Meta::get(*db, "community").value().has_value());
  REQUIRE(Meta::set(*db, "community", "530102001001").is_ok());
  REQUIRE(Meta::set(*db, "community", "530102001002").is_ok());
  CHECK(Meta::get(*db, "community").value().value() == "530102001002");
}

TEST_CASE("a day's facts of a kind are sought by day, not read from every day of the kind") {
  TempDir dir;
  auto db = test::open_test_db(dir / "station.db");
  REQUIRE(migrate(*db, station_migrations(), 0).is_ok());
  // Three years of tickets would otherwise be read for every ticket taken today.
  int n = 0;
  for (const char* day : {"2026-11-20", "2026-11-21", "2026-11-22"}) {
    for (int i = 0; i < 3; ++i) {
      REQUIRE(
          Facts::insert(*db, fact("t" + std::to_string(n), "ticket.taken", n, "a", day)).value());
      ++n;
    }
  }
  REQUIRE(Facts::insert(*db, fact("c0", "case.collected", 99, "a", "2026-11-21")).value());
  auto day = Facts::by_kind_on_day(*db, "ticket.", "2026-11-21").value();
  REQUIRE(day.size() == 3);
  CHECK(day[0].id == "t3");
  CHECK(day[2].id == "t5");
  // The plan of the same query seeks the (day, kind) index with both columns.
  auto plan = db->prepare(
                    "EXPLAIN QUERY PLAN SELECT id FROM facts WHERE kind >= 'ticket.' AND "
                    "kind < 'ticket/' AND day = '2026-11-21' ORDER BY hlc, origin, id")
                  .value();
  std::string detail;
  while (plan.step().value()) detail += plan.column_text(3) + "\n";
  CHECK_MESSAGE(detail.find("facts_day_kind (day=? AND kind>? AND kind<?)") != std::string::npos,
                detail);
}
