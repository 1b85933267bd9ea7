// Database: one connection to an SQLCipher database file, with Weimin's settings (raw 256-bit
// key, cipher_page_size 4096, WAL, synchronous FULL, in-memory temp store, secure_delete,
// foreign keys), prepared statements and RAII transactions. Errors come back as Status values
// whose messages name the file and say what to do; no call here ever deletes or truncates a
// database file.
// Thread-safety: a Database and its Statements belong to one thread at a time. Several
// processes may open the same file; writers wait up to the busy timeout for each other.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "weimin/core/result.hpp"
#include "weimin/core/secret.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace weimin::storage {

struct OpenOptions {
  bool create = true;          // make the file when it does not exist
  std::string vfs;             // SQLite VFS name; empty for the default (tests inject faults)
  int busy_timeout_ms = 5000;  // how long a writer waits for another process
};

class Statement;
class Transaction;

class Database {
 public:
  // Opens (or creates) an encrypted database with a raw key. Fails with WrongKey when the key
  // does not decrypt the file, NotADatabase / Corrupt for other files, ReadOnly when the file
  // or its directory cannot be written, DiskFull, Io; Internal when the linked library is not
  // SQLCipher (PRAGMA cipher_version does not answer).
  static Result<Database> open(const std::filesystem::path& file, const SecretKey& key,
                               const OpenOptions& options = {});
  // The same library and settings without a key. Only for tests and the benchmark that
  // measure what encryption costs; never used for station data.
  static Result<Database> open_unkeyed(const std::filesystem::path& file,
                                       const OpenOptions& options = {});

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements that return no rows.
  Status exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);

  enum class TxMode { Deferred, Immediate };
  // Immediate takes the write lock now, so a write transaction cannot fail later on a lock.
  Result<Transaction> begin(TxMode mode = TxMode::Immediate);
  bool in_transaction() const;

  std::int64_t last_insert_rowid() const;
  int changes() const;

  // Moves the WAL into the main file and truncates the WAL.
  Status checkpoint();
  // "ok" or the problems PRAGMA integrity_check lists, one per line.
  Result<std::string> integrity_check();
  // Re-encrypts into a new file `target` with new_key (sqlcipher_export). Needs no open
  // transaction. The target must not exist.
  Status export_to(const std::filesystem::path& target, const SecretKey& new_key);

  const std::filesystem::path& path() const { return path_; }
  bool keyed() const { return keyed_; }

  // Turns the connection's last SQLite error into a Status naming the file; `doing` says what
  // was attempted, e.g. "writing a ticket".
  Status error(std::string_view doing) const;

 private:
  Database(sqlite3* db, std::filesystem::path path, bool keyed);
  static Result<Database> open_impl(const std::filesystem::path& file, const SecretKey* key,
                                    const OpenOptions& options);
  Status configure(const SecretKey* key);

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  bool keyed_ = false;

  friend class Statement;
};

// A prepared statement. Bind indexes start at 1. step() answers true while there is a row.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  // Binds `text` without copying it (SQLITE_STATIC): the caller keeps it alive and unchanged until
  // the statement has run. For hot inserts whose texts outlive the run; a later use of the
  // statement must bind the parameter again before stepping.
  Statement& bind_borrowed(int index, std::string_view text);
  Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // true: a row is ready; false: done.
  Result<bool> step();
  // Steps to the end, for statements that return no rows.
  Status run();
  // Makes the statement ready to run again; bindings are kept unless cleared.
  void reset();

  int column_count() const;
  bool is_null(int column) const;
  std::int64_t column_int64(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  std::optional<std::string> column_optional_text(int column) const;

 private:
  friend class Database;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  void check_bind(int rc, int index);

  sqlite3_stmt* stmt_ = nullptr;
  std::string bind_error_;
};

// Rolls back on destruction unless committed.
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status commit();
  Status rollback();
  Database& db() { return *db_; }

 private:
  friend class Database;
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
  bool open_ = true;
};

}  // namespace weimin::storage
