#include "weimin/storage/database.hpp"

// sqlite3_key_v2 is declared only with SQLITE_HAS_CODEC (SQLCipher's own build defines it).
#define SQLITE_HAS_CODEC 1
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <array>
#include <cstring>
#include <fstream>
#include <system_error>

#include "sqlite_error.hpp"
#include "sqlite_setup.hpp"

namespace weimin::storage {
namespace fs = std::filesystem;
using detail::configure_sqlite_once;
using detail::sqlite_status;

// SQLite stops counting every allocation. The count (sqlite3_memory_used, the soft heap limit;
// nothing here reads either) is kept under one process-wide mutex, taken for every bound text
// and every buffer SQLite allocates or frees; with the district's writer and readers on many
// threads that mutex was about 7% of a push's CPU. Once SQLite is initialised the setting is
// refused and nothing changes, so every way into SQLite here calls this first.
void detail::configure_sqlite_once() {
  static const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)rc;
}

namespace {

constexpr int kPageSize = 4096;

std::string quoted(const fs::path& p) {
  return "'" + p.string() + "'";
}

// Checks made before SQLite touches the file, so that a wrong file is reported as what it is
// and nothing is written to it.
// An encrypted database has no plaintext header; a plain SQLite file starts with "SQLite format
// 3". Read through the connection's own file handle (no second descriptor), before the key.
Status refuse_plaintext(sqlite3* db, const fs::path& file) {
  sqlite3_file* handle = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &handle) != SQLITE_OK ||
      handle == nullptr || handle->pMethods == nullptr) {
    return Status::ok();  // nothing opened yet (a new file): nothing to check
  }
  std::array<char, 16> head{};
  const int rc = handle->pMethods->xRead(handle, head.data(), static_cast<int>(head.size()), 0);
  if (rc == SQLITE_OK && std::memcmp(head.data(), "SQLite format 3", 16) == 0) {
    return {ErrorCode::NotADatabase,
            quoted(file) +
                " is an unencrypted SQLite file, not an encrypted Weimin database. Nothing was "
                "changed. Move it out of the data folder."};
  }
  return Status::ok();  // SQLITE_IOERR_SHORT_READ: an empty file, a new database
}

Status check_file_before_open(const fs::path& file, bool keyed, const OpenOptions& options) {
  std::error_code ec;
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const bool exists = fs::exists(file, ec);
  if (!exists) {
    if (!options.create) {
      return {ErrorCode::NotFound,
              "there is no database at " + quoted(file) + ". Check the data folder path (--data)."};
    }
    if (!fs::is_directory(dir, ec)) {
      return {ErrorCode::NotFound, "the folder " + quoted(dir) +
                                       " does not exist. Create it or pass another data folder."};
    }
  } else if (fs::is_directory(file, ec)) {
    return {ErrorCode::Invalid, quoted(file) + " is a folder, not a database file."};
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    return {ErrorCode::ReadOnly,
            "the folder " + quoted(dir) +
                " cannot be written, so the database cannot be opened safely (its journal lives "
                "beside it). Make the folder writable by this user or move the data folder to a "
                "writable disk. Nothing was changed."};
  }
  if (!exists) return Status::ok();
  if (::access(file.c_str(), W_OK) != 0) {
    return {ErrorCode::ReadOnly, quoted(file) +
                                     " is read-only for this user. Fix its permissions; nothing "
                                     "was changed."};
  }
  const auto size = fs::file_size(file, ec);
  if (ec) return {ErrorCode::Io, "cannot read the size of " + quoted(file) + ": " + ec.message()};
  if (size == 0) return Status::ok();  // an empty file is a new database
  // The header is read later through SQLite's own file handle (check_header): opening and
  // closing another descriptor of the file here would drop the POSIX locks that this process's
  // other connections to it hold (SQLite's "how to corrupt" §2.2).
  (void)keyed;
  if (size % 512 != 0) {
    return {ErrorCode::Corrupt,
            quoted(file) + " is truncated or not a database: its size (" + std::to_string(size) +
                " bytes) is not a whole number of pages. Nothing was changed; keep the file and "
                "restore the data folder from a backup."};
  }
  return Status::ok();
}

// A database and its -wal, -shm and -journal files are readable by their owner only (0600),
// whatever the umask: the file is made 0600 before SQLite opens it (SQLite gives the WAL and
// shared-memory files the mode of the database file), and a file left wider by an older
// version is narrowed. Bits are only ever removed from an existing file, never added (a 0400
// file stays 0400). An existing file is changed by path (chmod), never through a descriptor of
// our own: closing one would drop the POSIX locks this process's connections hold on it.
Status make_private_file(const fs::path& file, bool create) {
  if (create) {
    const int fd =
        ::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
    if (fd >= 0) {
      const bool ok = ::fchmod(fd, 0600) == 0;
      const int err = errno;
      ::close(fd);
      if (ok) return Status::ok();
      return {ErrorCode::Io, "cannot make " + quoted(file) + " private to this user: " +
                                 std::strerror(err) + ". Check the data folder's permissions."};
    }
    if (errno != EEXIST) {
      const int err = errno;
      return {err == EACCES || err == EROFS || err == EPERM ? ErrorCode::ReadOnly : ErrorCode::Io,
              "cannot create " + quoted(file) + ": " + std::strerror(err) +
                  ". Check the data folder's permissions."};
    }
  }
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) return Status::ok();  // not there: nothing to narrow
  if (!S_ISREG(st.st_mode) || (st.st_mode & 077) == 0) return Status::ok();
  if (::chmod(file.c_str(), st.st_mode & 0600) != 0) {
    return {ErrorCode::PermissionDenied,
            quoted(file) + " can be read by other users and its mode cannot be narrowed (" +
                std::strerror(errno) + "). Run: chmod 600 " + file.string()};
  }
  return Status::ok();
}

Status make_private_files(const fs::path& file, bool create_main) {
  WEIMIN_TRY(make_private_file(file, create_main));
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    WEIMIN_TRY(make_private_file(file.string() + suffix, false));
  }
  return Status::ok();
}

Result<std::string> query_text(sqlite3* db, const char* sql, std::string_view file,
                               std::string_view doing) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_status(db, rc, file, doing);
  std::string out;
  rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(stmt, 0);
    if (text) out.assign(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, 0));
    rc = sqlite3_step(stmt);
    while (rc == SQLITE_ROW) rc = sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return sqlite_status(db, rc, file, doing);
  return out;
}

}  // namespace

Database::Database(sqlite3* db, fs::path path, bool keyed)
    : db_(db), path_(std::move(path)), keyed_(keyed) {}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)), keyed_(other.keyed_) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    if (db_) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    keyed_ = other.keyed_;
  }
  return *this;
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

Result<Database> Database::open(const fs::path& file, const SecretKey& key,
                                const OpenOptions& options) {
  return open_impl(file, &key, options);
}

Result<Database> Database::open_unkeyed(const fs::path& file, const OpenOptions& options) {
  return open_impl(file, nullptr, options);
}

Result<Database> Database::open_impl(const fs::path& file, const SecretKey* key,
                                     const OpenOptions& options) {
  configure_sqlite_once();
  WEIMIN_TRY(check_file_before_open(file, key != nullptr, options));
  std::error_code ec;
  WEIMIN_TRY(make_private_files(file, options.create && !fs::exists(file, ec)));
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags,
                                 options.vfs.empty() ? nullptr : options.vfs.c_str());
  Database db(raw, file, key != nullptr);  // closes raw on every early return
  if (rc != SQLITE_OK) return sqlite_status(raw, rc, file.string(), "opening the database");
  if (key != nullptr) WEIMIN_TRY(refuse_plaintext(raw, file));
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  WEIMIN_TRY(db.configure(key));
  return db;
}

Status Database::configure(const SecretKey* key) {
  const std::string file = path_.string();
  // Refuse to run on plain SQLite: PRAGMA key would silently do nothing there.
  WEIMIN_ASSIGN_OR_RETURN(std::string version,
                          query_text(db_, "PRAGMA cipher_version", file, "checking SQLCipher"));
  if (version.empty()) {
    return {ErrorCode::Internal,
            "this program is linked against plain SQLite, not SQLCipher, so " + quoted(path_) +
                " would be written unencrypted. Refusing to run; rebuild against libsqlcipher."};
  }
  if (key) {
    // The raw key goes straight from a wiped buffer to SQLCipher (no SQL text holds it).
    const SecretBuffer raw_key = key->sqlcipher_raw_key();
    int rc = sqlite3_key_v2(db_, "main", raw_key.data(), static_cast<int>(raw_key.size()));
    if (rc != SQLITE_OK) return sqlite_status(db_, rc, file, "setting the key");
    rc = sqlite3_exec(db_, "PRAGMA cipher_page_size = 4096", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlite_status(db_, rc, file, "setting the page size");
  } else {
    WEIMIN_TRY(exec("PRAGMA page_size = 4096"));
  }
  // The first read: a wrong key or a foreign file fails here, before anything is written.
  WEIMIN_ASSIGN_OR_RETURN(std::string objects, query_text(db_, "SELECT count(*) FROM sqlite_master",
                                                          file, "reading the database"));
  (void)objects;
  WEIMIN_ASSIGN_OR_RETURN(std::string pages,
                          query_text(db_, "PRAGMA page_count", file, "reading the page count"));
  std::error_code ec;
  const auto wal_size = fs::exists(file + "-wal", ec) ? fs::file_size(file + "-wal", ec) : 0;
  const auto size = fs::file_size(path_, ec);
  if (!ec && wal_size == 0 && std::stoll(pages) * kPageSize > static_cast<long long>(size)) {
    return {ErrorCode::Corrupt,
            quoted(path_) + " is truncated: it holds " + std::to_string(size) +
                " bytes but its header says " + pages + " pages of " + std::to_string(kPageSize) +
                " bytes. Nothing was changed; keep the file and restore the data folder from a "
                "backup or re-enrol the station."};
  }
  WEIMIN_ASSIGN_OR_RETURN(std::string mode, query_text(db_, "PRAGMA journal_mode = WAL", file,
                                                       "switching to write-ahead logging"));
  if (mode != "wal") {
    return {ErrorCode::Io, "cannot switch " + quoted(path_) + " to write-ahead logging (mode '" +
                               mode + "'). Check that the folder is on a local disk."};
  }
  return exec(
      "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON; "
      "PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384;");
}

Status Database::error(std::string_view doing) const {
  return sqlite_status(db_, sqlite3_extended_errcode(db_), path_.string(), doing);
}

Status Database::exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_status(db_, rc, path_.string(), "running '" + text + "'");
  return Status::ok();
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return sqlite_status(db_, rc, path_.string(), "preparing '" + std::string(sql) + "'");
  }
  return Statement(stmt);
}

Result<Transaction> Database::begin(TxMode mode) {
  WEIMIN_TRY(exec(mode == TxMode::Immediate ? "BEGIN IMMEDIATE" : "BEGIN"));
  return Transaction(this);
}

bool Database::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}
std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}
int Database::changes() const {
  return sqlite3_changes(db_);
}

Status Database::checkpoint() {
  int log = 0, done = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
  if (rc != SQLITE_OK) return sqlite_status(db_, rc, path_.string(), "checkpointing");
  return Status::ok();
}

Result<std::string> Database::integrity_check() {
  WEIMIN_ASSIGN_OR_RETURN(Statement stmt, prepare("PRAGMA integrity_check"));
  std::string out;
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    if (!out.empty()) out += '\n';
    out += stmt.column_text(0);
  }
  return out;
}

Status Database::export_to(const fs::path& target, const SecretKey& new_key) {
  std::error_code ec;
  if (fs::exists(target, ec)) {
    return {ErrorCode::AlreadyExists,
            quoted(target) + " exists already; refusing to overwrite it."};
  }
  WEIMIN_TRY(make_private_file(target, true));  // 0600 before SQLite makes it
  {
    WEIMIN_ASSIGN_OR_RETURN(Statement attach,
                            prepare("ATTACH DATABASE ?1 AS weimin_export KEY ?2"));
    const SecretBuffer raw_key = new_key.sqlcipher_raw_key();
    attach.bind(1, target.string()).bind(2, raw_key.view());
    WEIMIN_TRY(attach.run());
  }
  Status st = exec("PRAGMA weimin_export.cipher_page_size = 4096");
  if (st.is_ok()) {
    auto exported = prepare("SELECT sqlcipher_export('weimin_export')");
    st = exported.is_ok() ? exported->run() : exported.status();
  }
  Status detached = exec("DETACH DATABASE weimin_export");
  WEIMIN_TRY(st);
  return detached;
}

// [SECTION] Statement

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

void Statement::check_bind(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_.empty()) {
    bind_error_ = "binding parameter " + std::to_string(index) + ": " + sqlite3_errstr(rc);
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}
Statement& Statement::bind(int index, double value) {
  check_bind(sqlite3_bind_double(stmt_, index, value), index);
  return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
  check_bind(
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT),
      index);
  return *this;
}
Statement& Statement::bind_borrowed(int index, std::string_view text) {
  check_bind(
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC),
      index);
  return *this;
}
Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  check_bind(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                               SQLITE_TRANSIENT),
             index);
  return *this;
}
Statement& Statement::bind_null(int index) {
  check_bind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Result<bool> Statement::step() {
  sqlite3* db = sqlite3_db_handle(stmt_);
  const char* file = sqlite3_db_filename(db, "main");
  if (!bind_error_.empty()) return Status(ErrorCode::Internal, bind_error_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(stmt_);
  Status st =
      sqlite_status(db, rc, file ? file : "", std::string("running '") + (sql ? sql : "") + "'");
  sqlite3_reset(stmt_);
  return st;
}

Status Statement::run() {
  while (true) {
    WEIMIN_ASSIGN_OR_RETURN(bool row, step());
    if (!row) break;
  }
  reset();
  return Status::ok();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  bind_error_.clear();
}

int Statement::column_count() const {
  return sqlite3_column_count(stmt_);
}
bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
std::int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
double Statement::column_double(int column) const {
  return sqlite3_column_double(stmt_, column);
}
std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
}
std::optional<std::string> Statement::column_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_text(column);
}

// [SECTION] Transaction

Transaction::Transaction(Transaction&& other) noexcept
    : db_(other.db_), open_(std::exchange(other.open_, false)) {}

Transaction::~Transaction() {
  if (open_) (void)rollback();
}

Status Transaction::commit() {
  if (!open_) return {ErrorCode::Internal, "commit of a transaction that is not open"};
  Status st = db_->exec("COMMIT");
  if (!st.is_ok()) {
    (void)rollback();  // a failed COMMIT (full disk) leaves the transaction open
    return st;
  }
  open_ = false;
  return st;
}

Status Transaction::rollback() {
  if (!open_) return Status::ok();
  open_ = false;
  if (!db_->in_transaction()) return Status::ok();  // SQLite already rolled back (I/O error)
  return db_->exec("ROLLBACK");
}

}  // namespace weimin::storage
