#include <doctest/doctest.h>

#include "storage_support.hpp"
#include "temp_dir.hpp"
#include "weimin/storage/outbox.hpp"

using namespace weimin;
using namespace weimin::storage;
using weimin::test::TempDir;

namespace {
Database station_db(const TempDir& dir) {
  auto db = test::open_test_db(dir / "station.db");
  REQUIRE(db.is_ok());
  REQUIRE(migrate(*db, station_migrations(), 0).is_ok());
  return std::move(db).value();
}
}  // namespace

TEST_CASE("outbox sequences have no gaps, even when a writer rolls back") {
  TempDir dir;
  Database db = station_db(dir);
  std::vector<std::int64_t> seqs;
  for (int i = 0; i < 10; ++i) {
    auto tx = db.begin();
    REQUIRE(tx.is_ok());
    auto seq = Outbox::append(db, "fact", "payload " + std::to_string(i), i);
    REQUIRE(seq.is_ok());
    if (i % 3 == 1) {
      REQUIRE(tx->rollback().is_ok());  // this write never happened
    } else {
      REQUIRE(tx->commit().is_ok());
      seqs.push_back(*seq);
    }
  }
  for (std::size_t i = 0; i < seqs.size(); ++i) CHECK(seqs[i] == static_cast<std::int64_t>(i + 1));
  auto all = Outbox::read(db, 0, 100, 1 << 20);
  REQUIRE(all.is_ok());
  REQUIRE(all->size() == seqs.size());
  CHECK(all->front().payload == "payload 0");
  CHECK(all->back().seq == seqs.back());
}

TEST_CASE("outbox append outside a transaction is refused") {
  TempDir dir;
  Database db = station_db(dir);
  auto seq = Outbox::append(db, "fact", "x", 0);
  REQUIRE_FALSE(seq.is_ok());
  CHECK(seq.status().code() == ErrorCode::Internal);
  CHECK(Outbox::stats(db)->last_seq == 0);
}

TEST_CASE("outbox pages are in order and bounded in count and bytes") {
  TempDir dir;
  Database db = station_db(dir);
  for (int i = 0; i < 25; ++i) {
    auto tx = db.begin();
    REQUIRE(Outbox::append(db, "fact", std::string(100, 'a' + i % 26), i).is_ok());
    REQUIRE(tx->commit().is_ok());
  }
  auto page = Outbox::read(db, 0, 10, 1 << 20);
  REQUIRE(page->size() == 10);
  CHECK(page->at(9).seq == 10);
  auto bytes = Outbox::read(db, 10, 100, 350);
  REQUIRE(bytes->size() == 3);
  CHECK(bytes->front().seq == 11);
  auto tiny = Outbox::read(db, 0, 100, 1);  // a page always carries at least one entry
  CHECK(tiny->size() == 1);
}

TEST_CASE("acknowledged entries are forgotten; an unknown sequence is refused") {
  TempDir dir;
  Database db = station_db(dir);
  for (int i = 0; i < 5; ++i) {
    auto tx = db.begin();
    REQUIRE(Outbox::append(db, "fact", "p", i).is_ok());
    REQUIRE(tx->commit().is_ok());
  }
  REQUIRE(Outbox::acknowledge(db, 3).is_ok());
  REQUIRE(Outbox::acknowledge(db, 2).is_ok());  // old acknowledgement again: no-op
  auto stats = Outbox::stats(db);
  CHECK(stats->acked_seq == 3);
  CHECK(stats->pending() == 2);
  CHECK(Outbox::read(db, 0, 100, 1 << 20)->front().seq == 4);
  Status bad = Outbox::acknowledge(db, 9);
  CHECK(bad.code() == ErrorCode::Invalid);
  // Sequences keep counting after everything was acknowledged.
  REQUIRE(Outbox::acknowledge(db, 5).is_ok());
  auto tx = db.begin();
  CHECK(Outbox::append(db, "fact", "p", 9).value() == 6);
  REQUIRE(tx->commit().is_ok());
}

TEST_CASE("an acknowledgement inside the caller's transaction commits or rolls back with it") {
  TempDir dir;
  Database db = station_db(dir);
  {
    auto tx = db.begin();
    for (int i = 0; i < 4; ++i) REQUIRE(Outbox::append(db, "fact", "p", i).is_ok());
    REQUIRE(tx->commit().is_ok());
  }
  CHECK(Outbox::acknowledge_in_transaction(db, 2).code() == ErrorCode::Internal);  // no transaction
  {
    auto tx = db.begin();
    REQUIRE(Outbox::acknowledge_in_transaction(db, 2).is_ok());
    CHECK(Outbox::stats(db)->acked_seq == 2);
    // Not committed: the acknowledgement goes with the transaction.
  }
  CHECK(Outbox::stats(db)->acked_seq == 0);
  CHECK(Outbox::read(db, 0, 100, 1 << 20)->size() == 4);
  {
    auto tx = db.begin();
    REQUIRE(Outbox::acknowledge_in_transaction(db, 3).is_ok());
    CHECK(Outbox::acknowledge_in_transaction(db, 7).code() == ErrorCode::Invalid);
    REQUIRE(tx->commit().is_ok());
  }
  CHECK(Outbox::stats(db)->acked_seq == 3);
  CHECK(Outbox::read(db, 0, 100, 1 << 20)->front().seq == 4);
}
