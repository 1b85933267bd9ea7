#include "weimin/core/secret.hpp"

#include <algorithm>

namespace weimin {

SecretKey::SecretKey(std::span<const std::uint8_t, kSize> bytes) {
  std::copy(bytes.begin(), bytes.end(), bytes_.begin());
}

SecretKey::~SecretKey() {
  // volatile so the compiler cannot drop the wipe of memory that is about to die.
  volatile std::uint8_t* p = bytes_.data();
  for (std::size_t i = 0; i < kSize; ++i) p[i] = 0;
}

std::string SecretKey::hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(kSize * 2);
  for (std::uint8_t b : bytes_) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

bool SecretKey::operator==(const SecretKey& other) const {
  // Constant time: the result must not tell how many leading bytes matched.
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < kSize; ++i) diff |= bytes_[i] ^ other.bytes_[i];
  return diff == 0;
}

}  // namespace weimin
