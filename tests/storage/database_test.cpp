#include <doctest/doctest.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "storage_support.hpp"
#include "temp_dir.hpp"
#include "weimin/storage/fault_vfs.hpp"

using namespace weimin;
using namespace weimin::storage;
using weimin::test::TempDir;
namespace fs = std::filesystem;

namespace {

Database make_station_db(const fs::path& file) {
  auto db = test::open_test_db(file);
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  REQUIRE(migrate(*db, station_migrations(), 0).is_ok());
  return std::move(db).value();
}

std::string pragma(Database& db, const char* sql) {
  auto stmt = db.prepare(sql);
  REQUIRE(stmt.is_ok());
  auto row = stmt->step();
  REQUIRE(row.is_ok());
  REQUIRE(*row);
  return stmt->column_text(0);
}

// True when `marker` occurs in any file in the folder.
bool marker_in_folder(const fs::path& dir, const std::string& marker) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    if (test::read_file(entry.path()).find(marker) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a new database gets the station's settings") {
  TempDir dir;
  Database db = make_station_db(dir / "station.db");
  CHECK(pragma(db, "PRAGMA journal_mode") == "wal");
  CHECK(pragma(db, "PRAGMA synchronous") == "2");
  CHECK(pragma(db, "PRAGMA temp_store") == "2");
  CHECK(pragma(db, "PRAGMA secure_delete") == "1");
  CHECK(pragma(db, "PRAGMA foreign_keys") == "1");
  CHECK(pragma(db, "PRAGMA page_size") == "4096");
  CHECK_FALSE(pragma(db, "PRAGMA cipher_version").empty());
}

// SQLite's allocation count takes a process-wide mutex on every allocation; the storage layer
// turns it off before SQLite starts (database.cpp, configure_sqlite_once). Counted, a database
// with a statement prepared holds well over zero bytes; not counted, the count stays 0.
TEST_CASE("SQLite does not count allocations under its process-wide mutex") {
  TempDir dir;
  Database db = make_station_db(dir / "station.db");
  auto stmt = db.prepare("SELECT count(*) FROM sqlite_master");
  REQUIRE(stmt.is_ok());
  CHECK(sqlite3_memory_used() == 0);
  CHECK(sqlite3_memory_highwater(0) == 0);
}

// The marker test runs both ways: encrypted it must never find the marker, unkeyed it must, so
// the scan itself is shown to work.
void check_marker(bool keyed) {
  TempDir dir;
  const std::string marker = "WEIMIN-PLAINTEXT-MARKER-13912345678";
  const fs::path file = dir / "station.db";
  auto opened = keyed ? Database::open(file, test::test_key(7)) : Database::open_unkeyed(file);
  REQUIRE(opened.is_ok());
  Database db = std::move(opened).value();
  REQUIRE(migrate(db, station_migrations(), 0).is_ok());
  for (int i = 0; i < 50; ++i) {
    REQUIRE(test::insert_fact(db, "id-" + std::to_string(i), marker + std::to_string(i)).is_ok());
  }
  CHECK(fs::exists(fs::path(file.string() + "-wal")));
  CHECK(marker_in_folder(dir.path(), marker) == !keyed);  // while the WAL holds the writes
  REQUIRE(db.checkpoint().is_ok());
  CHECK(marker_in_folder(dir.path(), marker) == !keyed);  // after the checkpoint
  { Database closed = std::move(db); }
  CHECK(marker_in_folder(dir.path(), marker) == !keyed);  // after close
}

TEST_CASE("a plaintext marker written through the store never reaches the disk") {
  check_marker(true);
}

TEST_CASE("the marker scan finds the marker in an unkeyed database, so it can fail") {
  check_marker(false);
}

TEST_CASE("a wrong key is refused with a clear message and leaves the file untouched") {
  if (test::unkeyed_suite()) return;
  TempDir dir;
  const fs::path file = dir / "station.db";
  { make_station_db(file); }
  const std::string before = test::read_file(file);
  auto db = Database::open(file, test::test_key(99));
  REQUIRE_FALSE(db.is_ok());
  CHECK(db.status().code() == ErrorCode::WrongKey);
  CHECK(db.status().message().find(file.string()) != std::string::npos);
  CHECK(db.status().message().find("Nothing was changed") != std::string::npos);
  CHECK(test::read_file(file) == before);
  CHECK(Database::open(file, test::test_key(1)).is_ok());
}

TEST_CASE("a file that is not a database is refused and kept") {
  TempDir dir;
  SUBCASE("random bytes") {
    std::string junk(8192, '\0');
    for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>(i * 7919 % 251);
    test::write_file(dir / "station.db", junk);
  }
  SUBCASE("a text file") {
    test::write_file(dir / "station.db", "residents.csv,not a db\n");
  }
  const std::string before = test::read_file(dir / "station.db");
  auto db = test::open_test_db(dir / "station.db");
  REQUIRE_FALSE(db.is_ok());
  const ErrorCode code = db.status().code();
  CHECK((code == ErrorCode::WrongKey || code == ErrorCode::NotADatabase ||
         code == ErrorCode::Corrupt));
  CHECK(db.status().message().find("station.db") != std::string::npos);
  CHECK(test::read_file(dir / "station.db") == before);
}

// Run by the test below in a process of its own (this binary again, not a fork: a fork would
// inherit SQLite's in-memory lock records and hide the fault): writes one row and closes.
TEST_CASE("helper: another process writes one row") {
  const char* file = std::getenv("WEIMIN_TEST_OTHER_WRITER");
  if (file == nullptr) return;  // only when started as the helper
  auto other = test::open_test_db(file);
  REQUIRE(other.is_ok());
  REQUIRE(other->exec("INSERT INTO t VALUES (1)").is_ok());
}

TEST_CASE(
    "a second connection in this process keeps the first one's locks: others' writes stay "
    "visible") {
  // Opening a connection once read the file's header through a descriptor of its own; closing
  // it dropped every POSIX lock this process held on the file. Another process then believed
  // it was the last one, and on closing deleted the log this process was still writing to.
  TempDir dir;
  const fs::path file = dir / "shared.db";
  auto first = test::open_test_db(file);
  REQUIRE_MESSAGE(first.is_ok(), first.status().to_string());
  REQUIRE(first->exec("CREATE TABLE t (x INTEGER)").is_ok());
  REQUIRE(first->checkpoint().is_ok());    // the file has content (and a header) now
  auto second = test::open_test_db(file);  // e.g. the sync thread's or the checkpointer's
  REQUIRE(second.is_ok());
  auto count = [&] { return std::stoi(pragma(*first, "SELECT count(*) FROM t")); };
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  for (int round = 1; round <= 3; ++round) {
    const pid_t child = ::fork();
    if (child == 0) {
      ::setenv("WEIMIN_TEST_OTHER_WRITER", file.c_str(), 1);
      const int devnull = ::open("/dev/null", O_WRONLY);
      if (devnull >= 0) ::dup2(devnull, 1);
      ::execl(self.c_str(), self.c_str(), "-tc=helper: another process writes one row", "-nv",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    CHECK(fs::exists(fs::path(file.string() + "-wal")));  // not deleted under this process
    CHECK(count() == 2 * round - 1);
    REQUIRE(first->exec("INSERT INTO t VALUES (0)").is_ok());  // this process writes too
  }
}

TEST_CASE("an unencrypted SQLite file is named as such and kept") {
  if (test::unkeyed_suite()) return;
  TempDir dir;
  {
    auto plain = Database::open_unkeyed(dir / "plain.db");
    REQUIRE(plain->exec("CREATE TABLE t (x)").is_ok());
  }
  const std::string before = test::read_file(dir / "plain.db");
  auto db = Database::open(dir / "plain.db", test::test_key(1));
  REQUIRE_FALSE(db.is_ok());
  CHECK(db.status().code() == ErrorCode::NotADatabase);
  CHECK(db.status().message().find("unencrypted") != std::string::npos);
  CHECK(test::read_file(dir / "plain.db") == before);
}

TEST_CASE("a truncated database is reported as damaged and kept") {
  TempDir dir;
  const fs::path file = dir / "station.db";
  {
    Database db = make_station_db(file);
    for (int i = 0; i < 300; ++i) {
      REQUIRE(test::insert_fact(db, "id-" + std::to_string(i), std::string(500, 'x')).is_ok());
    }
  }
  const auto size = fs::file_size(file);
  REQUIRE(size > 8 * 4096);
  SUBCASE("cut at a page boundary") {
    fs::resize_file(file, size / 2 / 4096 * 4096);
  }
  SUBCASE("cut inside a page") {
    fs::resize_file(file, size / 2 + 100);
  }
  const std::string before = test::read_file(file);
  auto db = test::open_test_db(file);
  REQUIRE_FALSE(db.is_ok());
  CHECK(db.status().code() == ErrorCode::Corrupt);
  CHECK_MESSAGE(db.status().message().find("truncated") != std::string::npos,
                db.status().to_string());
  CHECK(db.status().message().find(file.string()) != std::string::npos);
  CHECK(test::read_file(file) == before);
}

TEST_CASE("a damaged page is found by the integrity check and the file is kept") {
  TempDir dir;
  const fs::path file = dir / "station.db";
  {
    Database db = make_station_db(file);
    for (int i = 0; i < 300; ++i) {
      REQUIRE(test::insert_fact(db, "id-" + std::to_string(i), std::string(500, 'x')).is_ok());
    }
  }
  std::string bytes = test::read_file(file);
  for (std::size_t i = 0; i < 64; ++i) bytes[5 * 4096 + 100 + i] ^= 0x5a;
  test::write_file(file, bytes);
  auto db = test::open_test_db(file);
  if (!db.is_ok()) {
    CHECK(db.status().code() == ErrorCode::Corrupt);
  } else {
    auto check = db->integrity_check();
    const bool reported = !check.is_ok() || *check != "ok";
    CHECK(reported);
    if (!check.is_ok())
      CHECK_MESSAGE(check.status().code() == ErrorCode::Corrupt, check.status().to_string());
  }
  CHECK(test::read_file(file) == bytes);
}

TEST_CASE("a full disk fails the write clearly and loses nothing committed before") {
  TempDir dir;
  const fs::path file = dir / "station.db";
  OpenOptions options;
  options.vfs = FaultVfs::install();
  {
    auto db = test::open_test_db(file, options);
    REQUIRE(db.is_ok());
    REQUIRE(migrate(*db, station_migrations(), 0).is_ok());
    REQUIRE(test::insert_fact(*db, "kept", "committed before the disk filled").is_ok());
    FaultVfs::set_write_budget(0);
    Status st = test::insert_fact(*db, "lost", std::string(10000, 'y'));
    FaultVfs::set_write_budget(-1);
    REQUIRE_FALSE(st.is_ok());
    CHECK(st.code() == ErrorCode::DiskFull);
    CHECK(st.message().find("full") != std::string::npos);
    CHECK(st.message().find("station.db") != std::string::npos);
    // The connection stays usable once space is back.
    CHECK(test::insert_fact(*db, "after", "written when space was back").is_ok());
  }
  auto db = test::open_test_db(file);
  REQUIRE(db.is_ok());
  auto count = db->prepare("SELECT group_concat(id, ',') FROM (SELECT id FROM facts ORDER BY id)");
  REQUIRE(count->step().value());
  CHECK(count->column_text(0) == "after,kept");
  CHECK(db->integrity_check().value() == "ok");
}

TEST_CASE("a read-only folder is refused with a clear message") {
  TempDir dir;
  const fs::path folder = dir / "data";
  fs::create_directory(folder);
  { make_station_db(folder / "station.db"); }
  // root may write anywhere, so the check runs as an unprivileged user in a child process.
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (::geteuid() == 0) {
      if (::chown(folder.c_str(), 65534, 65534) != 0) ::_exit(10);
      if (::chown((folder / "station.db").c_str(), 65534, 65534) != 0) ::_exit(10);
      if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(11);
    }
    ::chmod(folder.c_str(), 0555);
    auto db = test::open_test_db(folder / "station.db");
    if (db.is_ok()) ::_exit(1);
    if (db.status().code() != ErrorCode::ReadOnly) ::_exit(2);
    if (db.status().message().find(folder.string()) == std::string::npos) ::_exit(3);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  ::chmod(folder.c_str(), 0755);
  CHECK(test::open_test_db(folder / "station.db").is_ok());
}

TEST_CASE("a missing folder or file is reported without creating anything") {
  TempDir dir;
  auto db = test::open_test_db(dir / "nowhere" / "station.db");
  REQUIRE_FALSE(db.is_ok());
  CHECK(db.status().code() == ErrorCode::NotFound);
  OpenOptions no_create;
  no_create.create = false;
  auto missing = test::open_test_db(dir / "station.db", no_create);
  REQUIRE_FALSE(missing.is_ok());
  CHECK(missing.status().code() == ErrorCode::NotFound);
  CHECK_FALSE(fs::exists(dir / "station.db"));
}

TEST_CASE("a transaction rolls back unless committed") {
  TempDir dir;
  Database db = make_station_db(dir / "station.db");
  {
    auto tx = db.begin();
    REQUIRE(tx.is_ok());
    REQUIRE(db.exec("INSERT INTO meta (key, value) VALUES ('a', '1')").is_ok());
  }
  auto stmt = db.prepare("SELECT count(*) FROM meta");
  REQUIRE(stmt->step().value());
  CHECK(stmt->column_int64(0) == 0);
}

TEST_CASE("a borrowed text is read at the run, not copied at the bind") {
  TempDir dir;
  Database db = make_station_db(dir / "station.db");
  auto insert = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
  REQUIRE(insert.is_ok());
  std::string key = "borrowed";
  std::string value = "before";
  insert->bind_borrowed(1, key).bind_borrowed(2, value);
  value = "after!";  // same length, same buffer: what the run reads is what is there now
  REQUIRE(insert->run().is_ok());
  // The statement runs again, bound anew: a borrowed text beside a copied one.
  std::string key2 = "borrowed-2";
  insert->bind_borrowed(1, key2).bind(2, std::string_view("copied"));
  REQUIRE(insert->run().is_ok());
  auto read = db.prepare("SELECT key, value FROM meta WHERE key LIKE 'borrowed%' ORDER BY key");
  REQUIRE(read.is_ok());
  REQUIRE(read->step().value());
  CHECK(read->column_text(0) == "borrowed");
  CHECK(read->column_text(1) == "after!");
  REQUIRE(read->step().value());
  CHECK(read->column_text(0) == "borrowed-2");
  CHECK(read->column_text(1) == "copied");
}
