// The console's templates and static files (assets/console/), compiled into the binary by
// embed.cmake at build time.
// Thread-safety: immutable after first use; safe from any thread.
#pragma once

#include <string_view>
#include <vector>

namespace weimin::server::console {

struct Asset {
  std::string_view path;  // relative to assets/console, e.g. "static/console.css"
  std::string_view data;
};

// Every embedded file, by path.
const std::vector<Asset>& assets();

// The file at `path`, or null.
inline const Asset* find_asset(std::string_view path) {
  for (const Asset& a : assets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

}  // namespace weimin::server::console
