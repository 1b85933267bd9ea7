// PNG files of kiosk frames: writing what the renderer drew, and reading one back to check it
// is not blank (the tour's test).
// Thread-safety: free functions with no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "weimin/core/result.hpp"

namespace weimin::kiosk {

// RGBA pixels, row after row.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;
};

Status write_png(const std::filesystem::path& path, const Image& image);
Result<Image> read_png(const std::filesystem::path& path);
// How many distinct colours the image holds (capped at `cap`): a blank frame has one.
int distinct_colours(const Image& image, int cap = 64);

}  // namespace weimin::kiosk
