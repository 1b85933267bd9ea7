// Where the programs find their shipped files (data_files.hpp): the source tree's assets from a
// build folder, the files beside the program's own prefix when installed, the configured prefix
// otherwise.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "weimin/platform/data_files.hpp"

namespace fs = std::filesystem;
using weimin::platform::DataLayout;
using weimin::platform::resolve_data_file;

namespace {

// A scratch folder, removed when done.
struct Scratch {
  fs::path dir;
  Scratch() {
    std::string t = (fs::temp_directory_path() / "weimin-data-files-XXXXXX").string();
    dir = ::mkdtemp(t.data());
  }
  ~Scratch() { fs::remove_all(dir); }
};

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "{}";
}

}  // namespace

TEST_CASE("shipped files: a program in the build folder reads the source tree's assets") {
  const DataLayout layout{"/src/weimin/build", "/src/weimin/assets", "../share/weimin",
                          "/usr/share/weimin"};
  CHECK(resolve_data_file("/src/weimin/build/cli/weimin", "catalog/wuhua.json", layout) ==
        fs::path("/src/weimin/assets/catalog/wuhua.json"));
  // A folder whose name only begins like the build folder's is not in it.
  CHECK(resolve_data_file("/src/weimin/build-release/cli/weimin", "catalog/wuhua.json", layout) ==
        fs::path("/usr/share/weimin/catalog/wuhua.json"));
}

TEST_CASE("shipped files: an installed program reads its prefix's share/weimin") {
  Scratch s;
  const DataLayout layout{"/src/weimin/build", "/src/weimin/assets", "../share/weimin",
                          "/usr/share/weimin"};
  // Unpacked under another prefix: the files beside the program win.
  touch(s.dir / "opt/share/weimin/catalog/wuhua.json");
  CHECK(resolve_data_file(s.dir / "opt/bin/weimin", "catalog/wuhua.json", layout) ==
        s.dir / "opt/share/weimin/catalog/wuhua.json");
  // Nothing beside it: the configured prefix's.
  CHECK(resolve_data_file(s.dir / "elsewhere/bin/weimin", "catalog/wuhua.json", layout) ==
        fs::path("/usr/share/weimin/catalog/wuhua.json"));
}

TEST_CASE("shipped files: this test, run from the build folder, finds the real catalog") {
  const fs::path catalog = weimin::platform::shared_data_file("catalog/wuhua.json");
  CHECK(catalog.filename() == "wuhua.json");
  CHECK(fs::exists(catalog));
  CHECK(catalog.parent_path().parent_path() == weimin::platform::built_layout().source_assets);
}
