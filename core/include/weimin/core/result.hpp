// Status and Result<T>: how every part of Weimin reports a failure whose cause lies outside the
// program (bad input, a wrong key, a full disk, a refused request). One table of error codes
// lets callers decide from the category alone, e.g. whether the sync client should retry.
// Value types; no shared state, so any thread may use its own instances freely.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace weimin {

enum class ErrorCode {
  Invalid,           // input is malformed or breaks a rule; fix the input
  NotFound,          // the thing asked for does not exist
  AlreadyExists,     // it exists already
  Conflict,          // the state changed under the request (a transition no longer allowed)
  PermissionDenied,  // this person or role may not do this
  Locked,            // an account or resource is locked for a while
  Unauthenticated,   // who is asking could not be established
  WrongKey,          // an encrypted file cannot be read with the key given
  NotADatabase,      // a file is not a database at all
  Corrupt,           // a file is damaged or truncated
  TooNew,            // written by a newer version of Weimin
  DiskFull,          // no space left
  ReadOnly,          // a file or directory cannot be written
  Io,                // another input/output failure
  Unavailable,       // a service or device cannot be reached now; retry later
  Rejected,          // the other side refused permanently; do not retry
  Internal,          // a bug in Weimin
};

// Stable lower-case name of a code, e.g. "wrong_key".
std::string_view to_string(ErrorCode code);

// True when trying the same thing again later may succeed.
bool is_transient(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // success
  Status(ErrorCode code, std::string message) : error_(Error{code, std::move(message)}) {}

  static Status ok() { return {}; }

  bool is_ok() const { return !error_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  // Precondition: !is_ok().
  ErrorCode code() const {
    assert(error_);
    return error_->code;
  }
  // Empty for success.
  const std::string& message() const;
  // "ok" or "<code>: <message>".
  std::string to_string() const;

 private:
  struct Error {
    ErrorCode code;
    std::string message;
  };
  std::optional<Error> error_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Status error) : data_(std::in_place_index<1>, std::move(error)) {  // NOLINT: implicit
    assert(!std::get<1>(data_).is_ok() && "a Result needs a value or an error");
  }
  Result(ErrorCode code, std::string message) : Result(Status(code, std::move(message))) {}

  bool is_ok() const { return data_.index() == 0; }
  explicit operator bool() const { return is_ok(); }

  // Precondition for the accessors below: is_ok().
  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Success when is_ok().
  Status status() const { return is_ok() ? Status() : std::get<1>(data_); }

  T value_or(T fallback) const& { return is_ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> data_;
};

inline Status status_of(const Status& s) { return s; }
template <class T>
Status status_of(const Result<T>& r) {
  return r.status();
}

}  // namespace weimin

#define WEIMIN_CONCAT_INNER(a, b) a##b
#define WEIMIN_CONCAT(a, b) WEIMIN_CONCAT_INNER(a, b)

// Returns the error of a Status or Result expression from the enclosing function.
#define WEIMIN_TRY(expr)                                    \
  do {                                                      \
    auto weimin_try_status_ = ::weimin::status_of((expr));  \
    if (!weimin_try_status_.is_ok()) return weimin_try_status_; \
  } while (0)

// `WEIMIN_ASSIGN_OR_RETURN(auto x, f());` declares x from a Result's value or returns its error.
#define WEIMIN_ASSIGN_OR_RETURN(lhs, expr) \
  WEIMIN_ASSIGN_OR_RETURN_IMPL(WEIMIN_CONCAT(weimin_result_, __LINE__), lhs, expr)
#define WEIMIN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.is_ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
