#include "weimin/storage/keyed_store.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

namespace weimin::storage {
namespace fs = std::filesystem;

namespace {

constexpr std::array<std::uint8_t, 8> kMagic = {'W', 'M', 'D', 'K', 'E', 'Y', 0, 1};
constexpr std::size_t kSealedSize =
    kMagic.size() + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + SecretKey::kSize;

std::string quoted(const fs::path& p) {
  return "'" + p.string() + "'";
}

Status errno_status(const std::string& doing, const fs::path& p) {
  const int err = errno;
  const ErrorCode code = err == ENOSPC                                     ? ErrorCode::DiskFull
                         : (err == EROFS || err == EACCES || err == EPERM) ? ErrorCode::ReadOnly
                                                                           : ErrorCode::Io;
  return {code, doing + " " + quoted(p) + " failed: " + std::strerror(err) +
                    (code == ErrorCode::DiskFull ? ". Free some disk space and try again."
                                                 : ". Check the folder's disk and permissions.")};
}

Status fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status("opening folder", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return errno_status("syncing folder", dir);
  return Status::ok();
}

// Writes bytes to path through a temporary file, fsync and rename, so the file is either the
// old one or the new one after a crash.
Status write_atomically(const fs::path& path, std::span<const std::uint8_t> bytes) {
  const fs::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno_status("creating", tmp);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status st = errno_status("writing", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return st;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status st = errno_status("syncing", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return st;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return errno_status("renaming onto", path);
  return fsync_dir(path.parent_path());
}

Status seal_key(const fs::path& path, const SecretKey& data_key, const SecretKey& kek) {
  std::array<std::uint8_t, kSealedSize> out{};
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  std::uint8_t* nonce = out.data() + kMagic.size();
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, data_key.bytes().data(),
                        SecretKey::kSize, nonce, kek.bytes().data());
  Status st = write_atomically(path, out);
  sodium_memzero(out.data(), out.size());
  return st;
}

Result<SecretKey> unseal_key(const fs::path& path, const SecretKey& kek) {
  std::vector<std::uint8_t> in(kSealedSize + 1);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status("opening the sealed data key", path);
  std::size_t got = 0;
  while (got < in.size()) {
    const ssize_t n = ::read(fd, in.data() + got, in.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got != kSealedSize || !std::equal(kMagic.begin(), kMagic.end(), in.begin())) {
    return Status(ErrorCode::Corrupt,
                  quoted(path) +
                      " is not a sealed Weimin data key (wrong size or header). "
                      "Nothing was changed; restore it from the station's backup.");
  }
  SecretKey key;
  const std::uint8_t* nonce = in.data() + kMagic.size();
  if (crypto_secretbox_open_easy(key.mutable_bytes().data(), nonce + crypto_secretbox_NONCEBYTES,
                                 crypto_secretbox_MACBYTES + SecretKey::kSize, nonce,
                                 kek.bytes().data()) != 0) {
    return Status(ErrorCode::WrongKey,
                  "the sealed data key " + quoted(path) +
                      " cannot be opened with this machine's key-encryption key: the key store "
                      "belongs to another station or was replaced. Nothing was changed; point "
                      "the key store path at this station's key file.");
  }
  return key;
}

SecretKey random_key() {
  SecretKey key;
  randombytes_buf(key.mutable_bytes().data(), SecretKey::kSize);
  return key;
}

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(p.string() + suffix, ec);
}

struct Paths {
  fs::path db, key, next_key, rekey, lock;
  Paths(const fs::path& folder, std::string_view name)
      : db(folder / name),
        key(folder / (std::string(name) + ".key")),
        next_key(folder / (std::string(name) + ".key.next")),
        rekey(folder / (std::string(name) + ".rekey")),
        lock(folder / (std::string(name) + ".lock")) {}
};

// Returns a descriptor holding an advisory lock on the store's lock file.
Result<int> take_lock(const Paths& paths, bool exclusive) {
  const int fd = ::open(paths.lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return errno_status("opening the lock file", paths.lock);
  if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    ::close(fd);
    return Status(ErrorCode::Unavailable,
                  exclusive ? quoted(paths.db) +
                                  " is open in another program (the kiosk or a weimin command). "
                                  "Close it there, then re-key again."
                            : quoted(paths.db) +
                                  " is being re-keyed by another program. Try again when it "
                                  "has finished.");
  }
  return fd;
}

// Opens the database with the current key, finishing or undoing an interrupted rekey.
Result<Database> open_with_recovery(const Paths& paths, const SecretKey& kek,
                                    const OpenOptions& options) {
  std::error_code ec;
  if (!fs::exists(paths.key, ec)) {
    if (fs::exists(paths.db, ec) && fs::file_size(paths.db, ec) > 0) {
      return Status(ErrorCode::NotFound,
                    quoted(paths.db) + " exists but its sealed data key " + quoted(paths.key) +
                        " is missing. Nothing was changed and no new key was made; restore the "
                        "key file from the station's backup.");
    }
    if (!options.create) {
      return Status(ErrorCode::NotFound, "there is no store at " + quoted(paths.db) +
                                             ". Set the station up first (weimin init).");
    }
    if (!fs::is_directory(paths.db.parent_path(), ec)) {
      return Status(ErrorCode::NotFound, "the data folder " + quoted(paths.db.parent_path()) +
                                             " does not exist. Create it first.");
    }
    WEIMIN_TRY(seal_key(paths.key, random_key(), kek));
  }
  WEIMIN_ASSIGN_OR_RETURN(SecretKey current, unseal_key(paths.key, kek));
  std::optional<SecretKey> next;
  if (fs::exists(paths.next_key, ec)) {
    auto unsealed = unseal_key(paths.next_key, kek);
    if (unsealed.is_ok()) next = std::move(unsealed).value();
  }
  auto db = Database::open(paths.db, current, options);
  if (db.is_ok()) {
    // A rekey stopped before the new file replaced the database: drop its leftovers.
    remove_quietly(paths.rekey);
    fs::remove(paths.next_key, ec);
    return db;
  }
  if (db.status().code() != ErrorCode::WrongKey || !next) return db.status();
  // The new file replaced the database but the key file was not yet swapped: finish it.
  auto with_next = Database::open(paths.db, *next, options);
  if (!with_next.is_ok()) return db.status();
  if (::rename(paths.next_key.c_str(), paths.key.c_str()) != 0) {
    return errno_status("finishing the re-key of", paths.key);
  }
  WEIMIN_TRY(fsync_dir(paths.key.parent_path()));
  return with_next;
}

// The data folder is this user's alone (0700), whatever the umask it was made under: group and
// other bits are removed (never added). A folder of another user is left as it is.
Status make_private_folder(const fs::path& folder) {
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0) return errno_status("reading", folder);
  if ((st.st_mode & 077) == 0 || st.st_uid != ::geteuid()) return Status::ok();
  if (::chmod(folder.c_str(), st.st_mode & 0700) != 0) {
    return errno_status("making the data folder private (chmod 700)", folder);
  }
  return Status::ok();
}

Status fsync_file(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status("opening", p);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return errno_status("syncing", p);
  return Status::ok();
}

}  // namespace

Result<KeyedStore> KeyedStore::open(const fs::path& folder, std::string_view name,
                                    const SecretKey& kek, const OpenOptions& options) {
  if (sodium_init() < 0) return Status(ErrorCode::Internal, "libsodium failed to initialise");
  const Paths paths(folder, name);
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    return Status(ErrorCode::NotFound,
                  "the data folder " + quoted(folder) + " does not exist. Create it first.");
  }
  WEIMIN_TRY(make_private_folder(folder));
  WEIMIN_ASSIGN_OR_RETURN(int lock_fd, take_lock(paths, false));
  auto db = open_with_recovery(paths, kek, options);
  if (!db.is_ok()) {
    ::close(lock_fd);
    return db.status();
  }
  return KeyedStore(std::move(db).value(), lock_fd);
}

Status KeyedStore::rekey(const fs::path& folder, std::string_view name, const SecretKey& kek,
                         const OpenOptions& options) {
  if (sodium_init() < 0) return Status(ErrorCode::Internal, "libsodium failed to initialise");
  const Paths paths(folder, name);
  WEIMIN_ASSIGN_OR_RETURN(int lock_fd, take_lock(paths, true));
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{lock_fd};
  std::error_code ec;
  if (!fs::exists(paths.db, ec) || !fs::exists(paths.key, ec)) {
    return {ErrorCode::NotFound, "there is no store to re-key at " + quoted(paths.db)};
  }
  SecretKey new_key = random_key();
  {
    WEIMIN_ASSIGN_OR_RETURN(Database db, open_with_recovery(paths, kek, options));
    WEIMIN_TRY(db.checkpoint());
    // 1. The new key is on disk before any data is encrypted with it.
    WEIMIN_TRY(seal_key(paths.next_key, new_key, kek));
    // 2. A complete copy under the new key.
    remove_quietly(paths.rekey);
    WEIMIN_TRY(db.export_to(paths.rekey, new_key));
  }  // closing the last connection removes the old WAL
  WEIMIN_TRY(fsync_file(paths.rekey));
  // 3. The copy replaces the database in one step.
  if (::rename(paths.rekey.c_str(), paths.db.c_str()) != 0) {
    return errno_status("replacing the database with its re-keyed copy", paths.db);
  }
  WEIMIN_TRY(fsync_dir(folder));
  // 4. The new key becomes the current key.
  if (::rename(paths.next_key.c_str(), paths.key.c_str()) != 0) {
    return errno_status("installing the new data key", paths.key);
  }
  return fsync_dir(folder);
}

KeyedStore::KeyedStore(KeyedStore&& other) noexcept
    : db_(std::move(other.db_)), lock_fd_(std::exchange(other.lock_fd_, -1)) {}

KeyedStore::~KeyedStore() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

}  // namespace weimin::storage
