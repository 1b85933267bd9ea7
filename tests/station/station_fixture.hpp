// A station set up in a temporary folder with the Wuhua catalog, a manual clock and a director
// D001 (PIN 583920) and a staff member S002 (PIN 649271). Shared by the station tests.
#pragma once

#include <fstream>
#include <sstream>

#include "temp_dir.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::test {

inline std::string wuhua_catalog() {
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// 2026-11-25 (a Wednesday) 09:00 in China.
inline constexpr std::int64_t kWednesdayMorningMs = 1795568400000;

struct StationFixture {
  TempDir dir;
  platform::ManualClock clock{kWednesdayMorningMs};
  platform::FileKeyStore keys{dir / "station.kek", dir / "data"};
  std::unique_ptr<station::Station> station;
  station::Session director;
  station::Session staff;

  StationFixture() {
    auto made = station::Station::init(dir / "data", keys, clock,
                                       {"530102001001", wuhua_catalog(), "wuhua.json", "D001",
                                        "李主任", "583920"});
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
    station = std::move(made).value();
    station::StaffDesk desk(*station);
    director = desk.sign_in("D001", "583920").value();
    REQUIRE(desk.put_staff(director, {"S002", "王芳", core::Role::Staff, true}, "649271").is_ok());
    staff = desk.sign_in("S002", "649271").value();
  }

  std::int64_t fact_count() { return storage::Facts::count(station->db()).value(); }
};

}  // namespace weimin::test
