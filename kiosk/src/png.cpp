#include "weimin/kiosk/png.hpp"

#include <set>

#include <stb_image.h>
#include <stb_image_write.h>

namespace weimin::kiosk {

Status write_png(const std::filesystem::path& path, const Image& image) {
  stbi_write_png_compression_level = 3;  // fast: the tour writes a hundred frames
  if (!stbi_write_png(path.c_str(), image.width, image.height, 4, image.rgba.data(),
                      image.width * 4)) {
    return Status(ErrorCode::Unavailable,
                  "cannot write " + path.string() + "; check that its folder exists and is writable");
  }
  return Status::ok();
}

Result<Image> read_png(const std::filesystem::path& path) {
  int w = 0, h = 0, n = 0;
  unsigned char* data = stbi_load(path.c_str(), &w, &h, &n, 4);
  if (!data) {
    return Status(ErrorCode::Corrupt, "cannot read PNG " + path.string() + ": " + stbi_failure_reason());
  }
  Image image{w, h, std::vector<std::uint8_t>(data, data + static_cast<std::size_t>(w) * h * 4)};
  stbi_image_free(data);
  return image;
}

int distinct_colours(const Image& image, int cap) {
  std::set<std::uint32_t> seen;
  for (std::size_t i = 0; i + 3 < image.rgba.size(); i += 4 * 7) {  // every 7th pixel
    seen.insert(static_cast<std::uint32_t>(image.rgba[i]) << 16 | image.rgba[i + 1] << 8 |
                image.rgba[i + 2]);
    if (static_cast<int>(seen.size()) >= cap) break;
  }
  return static_cast<int>(seen.size());
}

}  // namespace weimin::kiosk
