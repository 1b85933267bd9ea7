#include "sqlite_error.hpp"

#include <sqlite3.h>

#include <string>

namespace weimin::storage::detail {

Status sqlite_status(sqlite3* db, int rc, std::string_view file, std::string_view doing) {
  int primary = rc & 0xff;
  std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  // SQLCipher 3.4 reports a page that fails its HMAC as a bare SQLITE_ERROR with the generic
  // message while stepping a statement that prepared fine; real logic errors carry their own
  // message and surface at prepare time.
  if (primary == SQLITE_ERROR && detail.rfind("SQL logic error", 0) == 0 &&
      doing.rfind("running", 0) == 0) {
    primary = SQLITE_CORRUPT;
    detail = "a page failed its authentication check";
  }
  std::string where = "'" + std::string(file) + "'";
  std::string what = std::string(doing) + " in " + where;
  switch (primary) {
    case SQLITE_NOTADB:
      return {ErrorCode::WrongKey,
              where + " cannot be read with this station's key: the key is wrong or the file "
                      "is not a Weimin database. Nothing was changed. Check that the key store "
                      "is the one this station was set up with, or restore the data folder "
                      "from its backup."};
    case SQLITE_CORRUPT:
      return {ErrorCode::Corrupt,
              where + " is damaged or truncated (" + detail + ") while " + std::string(doing) +
                  ". Nothing was changed and the file was kept. Copy the data folder "
                  "aside, then restore it from a backup or re-enrol the station so it "
                  "re-bootstraps from the district."};
    case SQLITE_FULL:
      return {ErrorCode::DiskFull,
              "the disk holding " + where + " is full: " + std::string(doing) +
                  " was not saved. Free some space and try again; everything saved before "
                  "is intact."};
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
    case SQLITE_AUTH:
      return {ErrorCode::ReadOnly,
              what + " failed: the file or its folder cannot be written (" + detail +
                  "). Check that the folder exists, is writable by this user and is not on a "
                  "read-only disk."};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {ErrorCode::Unavailable,
              what + " failed: another program is holding the database (" + detail +
                  "). Try again in a moment."};
    case SQLITE_IOERR:
      return {ErrorCode::Io,
              what + " failed with an input/output error (" + detail +
                  "). Check the disk; nothing saved before is lost."};
    case SQLITE_CONSTRAINT:
      return {ErrorCode::Conflict, what + " was refused: " + detail};
    case SQLITE_NOMEM:
      return {ErrorCode::Unavailable, what + " failed: out of memory"};
    default:
      return {ErrorCode::Internal, what + " failed: " + detail};
  }
}

}  // namespace weimin::storage::detail
