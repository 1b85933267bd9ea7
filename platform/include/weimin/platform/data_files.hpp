// Where the programs find the files they ship with (the default catalog): an installed program
// reads them under its prefix's share/weimin; a program run from a build folder reads the source
// tree's assets/ instead, so a developer's edit shows without installing.
// Thread-safety: pure functions; shared_data_file reads /proc/self/exe once per call.
#pragma once

#include <filesystem>
#include <string_view>

namespace weimin::platform {

// Where a program's shipped files may be, as the build recorded them.
struct DataLayout {
  std::filesystem::path build_dir;      // the build folder (programs inside it read source_assets)
  std::filesystem::path source_assets;  // the source tree's assets/
  std::filesystem::path bin_to_data;    // from the installed bin folder to share/weimin, relative
  std::filesystem::path install_data;   // share/weimin under the configured prefix, absolute
};

// The layout this build was configured with.
const DataLayout& built_layout();

// The file `relative` (e.g. "catalog/wuhua.json") for a program at `exe`: the source tree's when
// `exe` lies in the build folder; otherwise the one beside the program's own prefix
// (<exe>/../share/weimin, so a package relocated or unpacked elsewhere still finds its files)
// when it exists; otherwise the configured prefix's.
std::filesystem::path resolve_data_file(const std::filesystem::path& exe, std::string_view relative,
                                        const DataLayout& layout);

// resolve_data_file for the running program with the built layout.
std::filesystem::path shared_data_file(std::string_view relative);

}  // namespace weimin::platform
