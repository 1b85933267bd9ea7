#include "weimin/kiosk/png.hpp"

#include <set>

#include <stb_image.h>
#include <zlib.h>

#include <fstream>
#include <string>

namespace weimin::kiosk {

namespace {

void put_u32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void chunk(std::string& out, const char* type, const std::string& data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  std::string body(type, 4);
  body += data;
  out += body;
  put_u32(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                                                static_cast<uInt>(body.size()))));
}

}  // namespace

// zlib at its fastest level: stb's own deflate took most of the tour's time.
Status write_png(const std::filesystem::path& path, const Image& image) {
  const std::size_t w = static_cast<std::size_t>(image.width),
                    h = static_cast<std::size_t>(image.height);
  std::string raw;
  raw.reserve(h * (1 + w * 4));
  for (std::size_t y = 0; y < h; ++y) {
    raw.push_back(0);  // filter: none
    raw.append(reinterpret_cast<const char*>(image.rgba.data() + y * w * 4), w * 4);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                1) != Z_OK) {
    return Status(ErrorCode::Internal, "cannot compress the frame for " + path.string());
  }
  packed.resize(packed_size);
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_u32(ihdr, static_cast<std::uint32_t>(w));
  put_u32(ihdr, static_cast<std::uint32_t>(h));
  ihdr += std::string("\x08\x06\x00\x00\x00", 5);  // 8-bit RGBA, deflate, no filter, no interlace
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", packed);
  chunk(png, "IEND", "");
  std::ofstream out(path, std::ios::binary);
  out.write(png.data(), static_cast<std::streamsize>(png.size()));
  if (!out) {
    return Status(ErrorCode::Unavailable, "cannot write " + path.string() +
                                              "; check that its folder exists and is writable");
  }
  return Status::ok();
}

Result<Image> read_png(const std::filesystem::path& path) {
  int w = 0, h = 0, n = 0;
  unsigned char* data = stbi_load(path.c_str(), &w, &h, &n, 4);
  if (!data) {
    return Status(ErrorCode::Corrupt,
                  "cannot read PNG " + path.string() + ": " + stbi_failure_reason());
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
