#include <doctest/doctest.h>

#include "weimin/core/result.hpp"

using weimin::ErrorCode;
using weimin::Result;
using weimin::Status;

namespace {
Result<int> half(int n) {
  if (n % 2 != 0) return Status(ErrorCode::Invalid, "odd number " + std::to_string(n));
  return n / 2;
}
Result<int> quarter(int n) {
  WEIMIN_ASSIGN_OR_RETURN(int h, half(n));
  return half(h);
}
}  // namespace

TEST_CASE("a result carries its value or its error, and the macros pass errors up") {
  CHECK(quarter(8).value() == 2);
  auto r = quarter(6);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == ErrorCode::Invalid);
  CHECK(r.status().to_string() == "invalid: odd number 3");
  CHECK(Status().to_string() == "ok");
  CHECK(weimin::is_transient(ErrorCode::Unavailable));
  CHECK_FALSE(weimin::is_transient(ErrorCode::Rejected));
}
