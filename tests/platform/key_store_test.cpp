// The file key store's refusals, one by one: a key file readable by group or others, owned by
// another user, of the wrong size, inside the data folder, a symbolic link, in a folder others
// can write. Each refusal leaves the file as it was.
#include <doctest/doctest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "temp_dir.hpp"
#include "weimin/platform/key_store.hpp"

namespace fs = std::filesystem;
using namespace weimin;
using namespace weimin::platform;
using weimin::test::TempDir;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Status refusal(FileKeyStore& store) {
  auto key = store.load_or_create();
  REQUIRE_FALSE(key.is_ok());
  return key.status();
}

}  // namespace

TEST_CASE("key store: a new key file is 0600, 32 bytes, and loads the same key again") {
  TempDir dir;
  FileKeyStore store(dir / "station.kek", dir / "data");
  auto first = store.load_or_create();
  REQUIRE(first.is_ok());
  struct stat st {};
  REQUIRE(::stat((dir / "station.kek").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(st.st_size == 32);
  CHECK(st.st_uid == ::geteuid());
  CHECK_FALSE(fs::exists(dir / "station.kek.tmp"));
  auto again = store.load_or_create();
  REQUIRE(again.is_ok());
  CHECK(*first == *again);
}

TEST_CASE("key store: a key file readable or writable by group or others is refused") {
  TempDir dir;
  FileKeyStore store(dir / "kek");
  REQUIRE(store.load_or_create().is_ok());
  const std::string before = read_all(dir / "kek");
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602, 0660}) {
    CAPTURE(mode);
    REQUIRE(::chmod((dir / "kek").c_str(), mode) == 0);
    Status st = refusal(store);
    CHECK(st.code() == ErrorCode::PermissionDenied);
    CHECK(st.message().find("other users") != std::string::npos);
    CHECK(st.message().find("chmod 600") != std::string::npos);
    CHECK(read_all(dir / "kek") == before);
  }
  REQUIRE(::chmod((dir / "kek").c_str(), 0400) == 0);  // read-only for the owner is fine
  CHECK(store.load_or_create().is_ok());
}

TEST_CASE("key store: a key file owned by another user is refused") {
  if (::geteuid() != 0) {
    MESSAGE("not root: cannot give a file to another user here; the owner check is not run");
    return;
  }
  const passwd* nobody = ::getpwnam("nobody");
  REQUIRE(nobody != nullptr);
  TempDir dir;
  FileKeyStore store(dir / "kek");
  REQUIRE(store.load_or_create().is_ok());
  REQUIRE(::chown((dir / "kek").c_str(), nobody->pw_uid, nobody->pw_gid) == 0);
  Status st = refusal(store);
  CHECK(st.code() == ErrorCode::PermissionDenied);
  CHECK(st.message().find("belongs to user " + std::to_string(nobody->pw_uid)) !=
        std::string::npos);
}

TEST_CASE("key store: a key file of the wrong size is refused as damaged and left alone") {
  TempDir dir;
  FileKeyStore store(dir / "kek");
  for (std::size_t size : {0, 16, 31, 33, 64}) {
    CAPTURE(size);
    fs::remove(dir / "kek");
    std::ofstream(dir / "kek", std::ios::binary) << std::string(size, 'k');
    REQUIRE(::chmod((dir / "kek").c_str(), 0600) == 0);
    Status st = refusal(store);
    CHECK(st.code() == ErrorCode::Corrupt);
    CHECK(st.message().find("holds " + std::to_string(size) + " bytes") != std::string::npos);
    CHECK(fs::file_size(dir / "kek") == size);
  }
}

TEST_CASE("key store: a key file inside the data folder is refused, also through a link") {
  TempDir dir;
  fs::create_directory(dir / "data");
  FileKeyStore inside(dir / "data" / "kek", dir / "data");
  Status st = refusal(inside);
  CHECK(st.code() == ErrorCode::Invalid);
  CHECK(st.message().find("inside the data folder") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "data" / "kek"));

  fs::create_directory_symlink(dir / "data", dir / "alias");
  FileKeyStore via_link(dir / "alias" / "kek", dir / "data");
  CHECK(refusal(via_link).code() == ErrorCode::Invalid);
  CHECK_FALSE(fs::exists(dir / "data" / "kek"));

  FileKeyStore beside(dir / "data-kek", dir / "data");  // a sibling with a common prefix is fine
  CHECK(beside.load_or_create().is_ok());
}

TEST_CASE("key store: a symbolic link or a FIFO as the key file is refused") {
  TempDir dir;
  FileKeyStore real(dir / "real");
  REQUIRE(real.load_or_create().is_ok());
  fs::create_symlink(dir / "real", dir / "link");
  FileKeyStore link(dir / "link");
  Status st = refusal(link);
  CHECK(st.code() == ErrorCode::PermissionDenied);
  CHECK(st.message().find("symbolic link") != std::string::npos);

  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  FileKeyStore fifo(dir / "fifo");
  Status fst = refusal(fifo);  // must not hang waiting for a writer
  CHECK(fst.code() == ErrorCode::PermissionDenied);
  CHECK(fst.message().find("not a regular file") != std::string::npos);
}

TEST_CASE("key store: a key in a folder others can write is refused, a sticky one is fine") {
  TempDir dir;
  fs::create_directory(dir / "keys");
  FileKeyStore store(dir / "keys" / "kek");
  REQUIRE(store.load_or_create().is_ok());
  REQUIRE(::chmod((dir / "keys").c_str(), 0777) == 0);
  Status st = refusal(store);
  CHECK(st.code() == ErrorCode::PermissionDenied);
  CHECK(st.message().find("can be written by other users") != std::string::npos);
  CHECK(st.message().find("chmod go-w") != std::string::npos);

  fs::create_directory(dir / "fresh");
  REQUIRE(::chmod((dir / "fresh").c_str(), 0770) == 0);
  FileKeyStore fresh(dir / "fresh" / "kek");
  CHECK(refusal(fresh).code() == ErrorCode::PermissionDenied);
  CHECK_FALSE(fs::exists(dir / "fresh" / "kek"));  // nothing is made there either

  REQUIRE(::chmod((dir / "keys").c_str(), 01777) == 0);
  CHECK(store.load_or_create().is_ok());
}
