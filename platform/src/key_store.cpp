#include "weimin/platform/key_store.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace weimin::platform {
namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

bool is_inside(const fs::path& file, const fs::path& folder) {
  std::error_code ec;
  const fs::path f = fs::weakly_canonical(file, ec);
  const fs::path d = fs::weakly_canonical(folder, ec);
  auto fi = f.begin();
  for (auto di = d.begin(); di != d.end(); ++di, ++fi) {
    if (di->empty()) continue;  // trailing separator
    if (fi == f.end() || *fi != *di) return false;
  }
  return true;
}

Status create_key_file(const fs::path& file) {
  std::array<std::uint8_t, SecretKey::kSize> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  const fs::path tmp = file.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return {errno == EACCES || errno == EROFS ? ErrorCode::ReadOnly : ErrorCode::Io,
            "cannot create the key file " + quoted(tmp) + ": " + std::strerror(errno) +
                ". Check that its folder exists and is writable by this user."};
  }
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
                  ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  sodium_memzero(bytes.data(), bytes.size());
  if (!ok || ::link(tmp.c_str(), file.c_str()) != 0) {  // link: never replaces an existing key
    const int link_err = ok ? errno : err;
    ::unlink(tmp.c_str());
    return {link_err == ENOSPC ? ErrorCode::DiskFull : ErrorCode::Io,
            "cannot write the key file " + quoted(file) + ": " + std::strerror(link_err)};
  }
  ::unlink(tmp.c_str());
  const int dir = ::open(file.parent_path().empty() ? "." : file.parent_path().c_str(),
                         O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::ok();
}

std::string mode_text(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

// Whoever may write the key's folder may replace the key: the folder must be writable by its
// owner alone (or be sticky, like /tmp, where others cannot remove or rename our file).
Status check_folder(const fs::path& file) {
  const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0) {
    return Status(ErrorCode::Io, "cannot reach the key file's folder " + quoted(folder) + ": " +
                                     std::strerror(errno) + ". Create it first.");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0) {
    return Status(ErrorCode::PermissionDenied,
                  "the key file's folder " + quoted(folder) + " can be written by other users (mode " +
                      mode_text(st.st_mode) +
                      "), who could replace the key; refusing to use it. Run: chmod go-w " +
                      folder.string());
  }
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    return Status(ErrorCode::PermissionDenied,
                  "the key file's folder " + quoted(folder) + " belongs to user " +
                      std::to_string(st.st_uid) +
                      ", neither this user nor root, who could replace the key; refusing to use "
                      "it. Keep the key file in a folder of this user's.");
  }
  return Status::ok();
}

}  // namespace

FileKeyStore::FileKeyStore(fs::path file, fs::path forbidden_folder)
    : file_(std::move(file)), forbidden_folder_(std::move(forbidden_folder)) {}

Result<SecretKey> FileKeyStore::load_or_create() {
  if (sodium_init() < 0) return Status(ErrorCode::Internal, "libsodium failed to initialise");
  if (!forbidden_folder_.empty() && is_inside(file_, forbidden_folder_)) {
    return Status(ErrorCode::Invalid,
                  "the key file " + quoted(file_) + " lies inside the data folder " +
                      quoted(forbidden_folder_) +
                      "; a copy of the data folder would then carry its own key. Keep the key "
                      "file elsewhere (--key-file).");
  }
  struct stat st {};
  if (::lstat(file_.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return Status(ErrorCode::Io, "cannot read " + quoted(file_) + ": " + std::strerror(errno));
    }
    WEIMIN_TRY(check_folder(file_));
    WEIMIN_TRY(create_key_file(file_));
  }
  WEIMIN_TRY(check_folder(file_));
  // Every check is made on the open file itself, so the file cannot be swapped between the
  // check and the read; O_NOFOLLOW refuses a symbolic link, O_NONBLOCK a FIFO that would hang.
  const int fd = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    if (errno == ELOOP) {
      return Status(ErrorCode::PermissionDenied,
                    quoted(file_) + " is a symbolic link; refusing to use it as the key file. "
                                    "Point --key-file at the file itself.");
    }
    return Status(ErrorCode::Io, "cannot open " + quoted(file_) + ": " + std::strerror(errno));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  if (::fstat(fd, &st) != 0) {
    return Status(ErrorCode::Io, "cannot read " + quoted(file_) + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return Status(ErrorCode::PermissionDenied,
                  quoted(file_) + " is not a regular file (a link or a device); refusing to use "
                                  "it as the key file.");
  }
  if (st.st_uid != ::geteuid()) {
    return Status(ErrorCode::PermissionDenied,
                  "the key file " + quoted(file_) + " belongs to user " +
                      std::to_string(st.st_uid) + ", not to the user running Weimin (" +
                      std::to_string(::geteuid()) + "). Refusing to use it; fix its owner.");
  }
  if ((st.st_mode & 077) != 0) {
    return Status(ErrorCode::PermissionDenied,
                  "the key file " + quoted(file_) +
                      " can be read or written by other users (mode " + mode_text(st.st_mode) +
                      "); refusing to use it. Run: chmod 600 " + file_.string());
  }
  if (st.st_size != static_cast<off_t>(SecretKey::kSize)) {
    return Status(ErrorCode::Corrupt,
                  "the key file " + quoted(file_) + " holds " + std::to_string(st.st_size) +
                      " bytes, not " + std::to_string(SecretKey::kSize) +
                      ". It is damaged or not a Weimin key; restore it from the backup.");
  }
  SecretKey key;
  std::size_t got = 0;
  while (got < SecretKey::kSize) {
    const ssize_t n = ::read(fd, key.mutable_bytes().data() + got, SecretKey::kSize - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status(ErrorCode::Io, "cannot read the key file " + quoted(file_));
    got += static_cast<std::size_t>(n);
  }
  return key;
}

}  // namespace weimin::platform
