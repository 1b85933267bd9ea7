// KeyStore: where this machine keeps its key-encryption key (KEK), the key that seals the data
// key of every store. FileKeyStore keeps it in a 0600 file owned by the running user, outside
// the data folder, in a folder only that user (or root) can write; a TPM or OS keystore can
// implement the same interface (docs/SECURITY.md).
// Thread-safety: load_or_create may be called from one thread at a time.
#pragma once

#include <filesystem>
#include <string>

#include "weimin/core/result.hpp"
#include "weimin/core/secret.hpp"

namespace weimin::platform {

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // The KEK, made from the system's randomness the first time. Refuses (never replaces) a key
  // it cannot trust.
  virtual Result<SecretKey> load_or_create() = 0;
  // Where the key lives, for messages.
  virtual std::string describe() const = 0;
};

class FileKeyStore final : public KeyStore {
 public:
  // forbidden_folder: the data folder; a key file inside it is refused, since a backup of the
  // data folder must not carry the key that opens it.
  explicit FileKeyStore(std::filesystem::path file, std::filesystem::path forbidden_folder = {});

  // Fails with ReadOnly/Io when the file cannot be made; PermissionDenied when it is readable
  // or writable by group or others, owned by another user, a symbolic link or not a regular
  // file, or when its folder can be written by others (not sticky) or belongs to another user
  // than this one or root; Corrupt when it does not hold exactly 32 bytes; Invalid when it lies
  // inside the data folder. Checks are made on the opened file (no check-then-use race).
  Result<SecretKey> load_or_create() override;
  std::string describe() const override { return "key file '" + file_.string() + "'"; }

 private:
  std::filesystem::path file_;
  std::filesystem::path forbidden_folder_;
};

}  // namespace weimin::platform
