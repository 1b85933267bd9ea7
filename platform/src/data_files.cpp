// Where the shipped files are: see data_files.hpp.
#include "weimin/platform/data_files.hpp"

#include <system_error>

namespace weimin::platform {

namespace fs = std::filesystem;

namespace {

// True when `path` is `dir` or lies below it (both made absolute and normal first).
bool lies_in(const fs::path& path, const fs::path& dir) {
  if (dir.empty()) return false;
  const fs::path p = path.lexically_normal();
  const fs::path d = dir.lexically_normal();
  auto pi = p.begin();
  for (auto di = d.begin(); di != d.end(); ++di, ++pi) {
    if (di->empty()) continue;  // a trailing separator
    if (pi == p.end() || *pi != *di) return false;
  }
  return true;
}

}  // namespace

const DataLayout& built_layout() {
  static const DataLayout layout{WEIMIN_BUILD_DIR, WEIMIN_SOURCE_ASSETS, WEIMIN_BIN_TO_DATA,
                                 WEIMIN_INSTALL_DATA};
  return layout;
}

fs::path resolve_data_file(const fs::path& exe, std::string_view relative,
                           const DataLayout& layout) {
  if (lies_in(exe, layout.build_dir)) return layout.source_assets / relative;
  std::error_code ec;
  const fs::path beside = (exe.parent_path() / layout.bin_to_data / relative).lexically_normal();
  if (fs::exists(beside, ec)) return beside;
  return layout.install_data / relative;
}

fs::path shared_data_file(std::string_view relative) {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) exe.clear();
  return resolve_data_file(exe, relative, built_layout());
}

}  // namespace weimin::platform
