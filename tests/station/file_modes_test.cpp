// The station's files on disk: the data folder is its user's alone (0700) and every file in it
// (the database with its -wal and -shm, the sealed key, the lock) and the key file are 0600,
// whatever the umask the station was made and used under; a folder left wider is narrowed.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>

#include "station_fixture.hpp"
#include "weimin/station/queue.hpp"

using namespace weimin;
namespace fs = std::filesystem;

namespace {

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE_MESSAGE(::stat(p.c_str(), &st) == 0, p.string());
  return st.st_mode & 07777;
}

// Every entry of the data folder, and the key file beside it.
void check_private(const fs::path& data, const fs::path& key_file) {
  CHECK_MESSAGE(mode_of(data) == 0700, data.string());
  int files = 0;
  bool wal = false, shm = false;
  for (const auto& entry : fs::directory_iterator(data)) {
    const std::string name = entry.path().filename().string();
    CHECK_MESSAGE(mode_of(entry.path()) == 0600,
                  name << " is " << std::oct << mode_of(entry.path()));
    wal = wal || name == "station.db-wal";
    shm = shm || name == "station.db-shm";
    ++files;
  }
  CHECK(wal);  // the WAL and shared-memory files were there to be checked
  CHECK(shm);
  CHECK(files >= 4);  // station.db, -wal, -shm, .key, .lock
  CHECK(mode_of(key_file) == 0600);
}

struct Umask {
  mode_t old;
  explicit Umask(mode_t m) : old(::umask(m)) {}
  ~Umask() { ::umask(old); }
};

}  // namespace

TEST_CASE("a station's folder is 0700 and its files 0600 under umask 022 and 000") {
  for (mode_t mask : {mode_t{022}, mode_t{0}}) {
    CAPTURE(mask);
    Umask umask(mask);
    test::TempDir dir;
    platform::ManualClock clock{test::kWednesdayMorningMs};
    platform::FileKeyStore keys(dir / "station.kek", dir / "data");
    auto made = station::Station::init(
        dir / "data", keys, clock,
        {"530102001001", test::wuhua_catalog(), "wuhua.json", "D001", "李主任", "583920"});
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    station::Queue queue(**made);
    REQUIRE(queue.take({4, "", core::Priority::None, "", std::nullopt}).is_ok());
    // A second connection (the kiosk beside a weimin command) while the first is open.
    auto again = station::Station::open(dir / "data", keys, clock);
    REQUIRE_MESSAGE(again.is_ok(), again.status().to_string());
    check_private(dir / "data", dir / "station.kek");
  }
}

TEST_CASE("a data folder and database left readable by others are narrowed when opened") {
  test::StationFixture f;
  f.station.reset();
  const fs::path data = f.dir / "data";
  REQUIRE(::chmod(data.c_str(), 0755) == 0);
  REQUIRE(::chmod((data / "station.db").c_str(), 0644) == 0);
  auto again = station::Station::open(data, f.keys, f.clock);
  REQUIRE_MESSAGE(again.is_ok(), again.status().to_string());
  station::Queue queue(**again);
  REQUIRE(queue.take({4, "", core::Priority::None, "", std::nullopt}).is_ok());
  check_private(data, f.dir / "station.kek");
}
