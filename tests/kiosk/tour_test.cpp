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
  // 44 kiosk screens × 3 themes × 2 languages, the board in each, and the handheld's 6 screens
  // at its two portrait sizes in each theme and language, and the kiosk beside the board in
  // each theme.
  CHECK(written->size() == 44 * 6 + 6 + 6 * 2 * 6 + 3);
  for (const auto& file : written.value()) {
    INFO(file.string());
    REQUIRE(std::filesystem::exists(file));
    auto image = kiosk::read_png(file);
    REQUIRE(image.is_ok());
    const std::string name = file.filename().string();
    int width = 1024, height = 640;
    if (name.rfind("handheld-720x1280-", 0) == 0) width = 720, height = 1280;
    if (name.rfind("handheld-1080x1920-", 0) == 0) width = 1080, height = 1920;
    if (name.rfind("split-", 0) == 0) width = 3200, height = 1080;
    CHECK(image->width == width);
    CHECK(image->height == height);
    CHECK(kiosk::distinct_colours(*image) >= 4);
  }
}
