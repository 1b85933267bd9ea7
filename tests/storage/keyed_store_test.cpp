#include <doctest/doctest.h>

#include <sys/stat.h>

#include "storage_support.hpp"
#include "temp_dir.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/storage/keyed_store.hpp"

using namespace weimin;
using namespace weimin::storage;
using weimin::test::TempDir;
namespace fs = std::filesystem;

namespace {
std::int64_t count_facts(Database& db) {
  auto stmt = db.prepare("SELECT count(*) FROM facts");
  REQUIRE(stmt.is_ok());
  REQUIRE(stmt->step().value());
  return stmt->column_int64(0);
}
}  // namespace

TEST_CASE("the data key is made at first start, sealed, and opens the store again") {
  TempDir dir;
  const SecretKey kek = test::test_key(40);
  {
    auto store = KeyedStore::open(dir.path(), "station.db", kek);
    REQUIRE_MESSAGE(store.is_ok(), store.status().to_string());
    REQUIRE(migrate(store->db(), station_migrations(), 0).is_ok());
    REQUIRE(test::insert_fact(store->db(), "a", "b").is_ok());
  }
  CHECK(fs::file_size(dir / "station.db.key") == 8 + 24 + 16 + 32);
  CHECK((fs::status(dir / "station.db.key").permissions() & fs::perms::others_read) ==
        fs::perms::none);
  auto again = KeyedStore::open(dir.path(), "station.db", kek);
  REQUIRE(again.is_ok());
  CHECK(count_facts(again->db()) == 1);
}

TEST_CASE("another machine's key-encryption key cannot open the sealed data key") {
  TempDir dir;
  { REQUIRE(KeyedStore::open(dir.path(), "station.db", test::test_key(1)).is_ok()); }
  const std::string key_before = test::read_file(dir / "station.db.key");
  auto store = KeyedStore::open(dir.path(), "station.db", test::test_key(2));
  REQUIRE_FALSE(store.is_ok());
  CHECK(store.status().code() == ErrorCode::WrongKey);
  CHECK(store.status().message().find("station.db.key") != std::string::npos);
  CHECK(test::read_file(dir / "station.db.key") == key_before);
}

TEST_CASE("a database whose sealed key is missing is refused; no new key is made") {
  TempDir dir;
  {
    auto store = KeyedStore::open(dir.path(), "station.db", test::test_key(1));
    REQUIRE(migrate(store->db(), station_migrations(), 0).is_ok());
  }
  fs::remove(dir / "station.db.key");
  auto store = KeyedStore::open(dir.path(), "station.db", test::test_key(1));
  REQUIRE_FALSE(store.is_ok());
  CHECK(store.status().code() == ErrorCode::NotFound);
  CHECK_FALSE(fs::exists(dir / "station.db.key"));
}

TEST_CASE("a damaged sealed key file is refused and kept") {
  TempDir dir;
  { REQUIRE(KeyedStore::open(dir.path(), "station.db", test::test_key(1)).is_ok()); }
  test::write_file(dir / "station.db.key", "garbage");
  auto store = KeyedStore::open(dir.path(), "station.db", test::test_key(1));
  REQUIRE_FALSE(store.is_ok());
  CHECK(store.status().code() == ErrorCode::Corrupt);
  CHECK(test::read_file(dir / "station.db.key") == "garbage");
}

TEST_CASE("rekey moves the store to a new data key and keeps every record") {
  TempDir dir;
  const SecretKey kek = test::test_key(5);
  {
    auto store = KeyedStore::open(dir.path(), "station.db", kek);
    REQUIRE(migrate(store->db(), station_migrations(), 0).is_ok());
    for (int i = 0; i < 100; ++i) {
      REQUIRE(test::insert_fact(store->db(), "r" + std::to_string(i), "body").is_ok());
    }
  }
  const std::string sealed_before = test::read_file(dir / "station.db.key");
  const std::string db_before = test::read_file(dir / "station.db");
  Status st = KeyedStore::rekey(dir.path(), "station.db", kek);
  REQUIRE_MESSAGE(st.is_ok(), st.to_string());
  CHECK(test::read_file(dir / "station.db.key") != sealed_before);
  CHECK(test::read_file(dir / "station.db").substr(0, 4096) != db_before.substr(0, 4096));
  CHECK_FALSE(fs::exists(dir / "station.db.key.next"));
  CHECK_FALSE(fs::exists(dir / "station.db.rekey"));
  auto store = KeyedStore::open(dir.path(), "station.db", kek);
  REQUIRE(store.is_ok());
  CHECK(count_facts(store->db()) == 100);
  CHECK(store->db().integrity_check().value() == "ok");
  CHECK(schema_version(store->db()).value() == static_cast<int>(station_migrations().size()));
}

TEST_CASE("rekey refuses while the store is open elsewhere") {
  TempDir dir;
  auto store = KeyedStore::open(dir.path(), "station.db", test::test_key(5));
  REQUIRE(store.is_ok());
  Status st = KeyedStore::rekey(dir.path(), "station.db", test::test_key(5));
  CHECK(st.code() == ErrorCode::Unavailable);
  CHECK(st.message().find("open in another program") != std::string::npos);
}

TEST_CASE("file key store: made 0600 at first use, then the same key") {
  TempDir dir;
  platform::FileKeyStore store(dir / "kek");
  auto first = store.load_or_create();
  REQUIRE(first.is_ok());
  CHECK((fs::status(dir / "kek").permissions() & fs::perms::mask) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  auto second = store.load_or_create();
  REQUIRE(second.is_ok());
  CHECK(*first == *second);
}

TEST_CASE(
    "file key store: a key readable by others, damaged or inside the data folder is refused") {
  TempDir dir;
  platform::FileKeyStore store(dir / "kek");
  REQUIRE(store.load_or_create().is_ok());
  SUBCASE("world-readable") {
    fs::permissions(dir / "kek", fs::perms::others_read, fs::perm_options::add);
    auto key = store.load_or_create();
    REQUIRE_FALSE(key.is_ok());
    CHECK(key.status().code() == ErrorCode::PermissionDenied);
    CHECK(key.status().message().find("chmod 600") != std::string::npos);
  }
  SUBCASE("wrong size") {
    test::write_file(dir / "kek", "short");
    auto key = store.load_or_create();
    REQUIRE_FALSE(key.is_ok());
    CHECK(key.status().code() == ErrorCode::Corrupt);
    CHECK(test::read_file(dir / "kek") == "short");
  }
  SUBCASE("inside the data folder") {
    fs::create_directory(dir / "data");
    platform::FileKeyStore inside(dir / "data" / "kek", dir / "data");
    auto key = inside.load_or_create();
    REQUIRE_FALSE(key.is_ok());
    CHECK(key.status().code() == ErrorCode::Invalid);
    CHECK_FALSE(fs::exists(dir / "data" / "kek"));
  }
}

TEST_CASE("the store's folder is 0700 and its files 0600, also after a rekey under umask 022") {
  const mode_t old_umask = ::umask(022);
  TempDir dir;
  const fs::path folder = dir / "data";
  fs::create_directory(folder);  // 0755 under this umask
  const SecretKey kek = test::test_key(9);
  {
    auto store = KeyedStore::open(folder, "station.db", kek);
    REQUIRE_MESSAGE(store.is_ok(), store.status().to_string());
    REQUIRE(migrate(store->db(), station_migrations(), 0).is_ok());
  }
  REQUIRE(KeyedStore::rekey(folder, "station.db", kek).is_ok());
  auto store = KeyedStore::open(folder, "station.db", kek);
  REQUIRE(store.is_ok());
  REQUIRE(test::insert_fact(store->db(), "a", "b").is_ok());
  ::umask(old_umask);
  CHECK((fs::status(folder).permissions() & fs::perms::mask) == fs::perms::owner_all);
  int files = 0;
  for (const auto& entry : fs::directory_iterator(folder)) {
    CHECK_MESSAGE((entry.status().permissions() & fs::perms::mask) ==
                      (fs::perms::owner_read | fs::perms::owner_write),
                  entry.path().filename().string());
    ++files;
  }
  CHECK(files >= 5);  // station.db, -wal, -shm, .key, .lock
}
