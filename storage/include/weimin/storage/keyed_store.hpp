// KeyedStore: a database file in a data folder, encrypted with a random 256-bit data key that
// is kept beside it sealed (libsodium secretbox) under a key-encryption key (KEK) the caller
// gets from a platform KeyStore. The data key is made at first start. rekey() moves the store
// to a fresh data key and is crash-safe: after a crash at any point the store opens with the
// old or the new key and nothing is lost.
//
// Files in the folder for a store named NAME: NAME (the database), NAME.key (sealed data key),
// and during a rekey NAME.key.next and NAME.rekey.
// Thread-safety: as Database. Processes: any number may hold the store open at once; rekey
// needs it closed everywhere and says so otherwise.
#pragma once

#include <filesystem>
#include <string_view>

#include "weimin/storage/database.hpp"

namespace weimin::storage {

class KeyedStore {
 public:
  // Opens folder/name, creating the data key and the database on first start. Fails with
  // WrongKey when the sealed key cannot be opened with kek, NotFound when a database exists
  // but its sealed key is missing (never makes a new key over existing data), Unavailable
  // while another process is re-keying, and as Database::open otherwise.
  static Result<KeyedStore> open(const std::filesystem::path& folder, std::string_view name,
                                 const SecretKey& kek, const OpenOptions& options = {});

  // Re-encrypts folder/name under a new random data key. The store must be closed in every
  // process (Unavailable otherwise).
  static Status rekey(const std::filesystem::path& folder, std::string_view name,
                      const SecretKey& kek, const OpenOptions& options = {});

  KeyedStore(KeyedStore&& other) noexcept;
  KeyedStore& operator=(KeyedStore&&) = delete;
  KeyedStore(const KeyedStore&) = delete;
  ~KeyedStore();

  Database& db() { return db_; }

 private:
  KeyedStore(Database db, int lock_fd) : db_(std::move(db)), lock_fd_(lock_fd) {}
  Database db_;
  int lock_fd_ = -1;
};

}  // namespace weimin::storage
