// The tour renders every screen in every theme and both languages; each PNG exists and is not
// blank.
#include <doctest/doctest.h>

#include <cstdlib>

#include "station_fixture.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/kiosk/png.hpp"

using namespace weimin;

TEST_CASE("tour: every screen in every theme and language is rendered and not blank") {
  setenv("SDL_VIDEODRIVER", "dummy", 0);
  test::TempDir out;
  kiosk::AppOptions options;
  options.width = 1024;
  options.height = 640;
  auto written = kiosk::run_tour(out.path(), test::wuhua_catalog(), options);
  REQUIRE_MESSAGE(written.is_ok(), written.status().to_string());
  // 38 kiosk screens × 3 themes × 2 languages, and the board in each.
  CHECK(written->size() == 38 * 6 + 6);
  for (const auto& file : written.value()) {
    INFO(file.string());
    REQUIRE(std::filesystem::exists(file));
    auto image = kiosk::read_png(file);
    REQUIRE(image.is_ok());
    CHECK(image->width == 1024);
    CHECK(image->height == 640);
    CHECK(kiosk::distinct_colours(*image) >= 4);
  }
}
