#include "weimin/core/result.hpp"

namespace weimin {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::Invalid: return "invalid";
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::AlreadyExists: return "already_exists";
    case ErrorCode::Conflict: return "conflict";
    case ErrorCode::PermissionDenied: return "permission_denied";
    case ErrorCode::Locked: return "locked";
    case ErrorCode::Unauthenticated: return "unauthenticated";
    case ErrorCode::WrongKey: return "wrong_key";
    case ErrorCode::NotADatabase: return "not_a_database";
    case ErrorCode::Corrupt: return "corrupt";
    case ErrorCode::TooNew: return "too_new";
    case ErrorCode::DiskFull: return "disk_full";
    case ErrorCode::ReadOnly: return "read_only";
    case ErrorCode::Io: return "io";
    case ErrorCode::Unavailable: return "unavailable";
    case ErrorCode::Rejected: return "rejected";
    case ErrorCode::Internal: return "internal";
  }
  return "internal";
}

bool is_transient(ErrorCode code) {
  return code == ErrorCode::Unavailable || code == ErrorCode::Io || code == ErrorCode::Locked ||
         code == ErrorCode::DiskFull;
}

const std::string& Status::message() const {
  static const std::string empty;
  return error_ ? error_->message : empty;
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return std::string(weimin::to_string(error_->code)) + ": " + error_->message;
}

}  // namespace weimin
