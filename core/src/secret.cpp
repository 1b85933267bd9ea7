#include "weimin/core/secret.hpp"

#include <string.h>  // explicit_bzero

#include <algorithm>

namespace weimin {

void wipe(void* p, std::size_t n) {
  if (p != nullptr && n > 0) ::explicit_bzero(p, n);
}

void wipe(std::string& s) {
  wipe(s.data(), s.size());
  s.clear();
}

// [SECTION] SecretKey

SecretKey::SecretKey(std::span<const std::uint8_t, kSize> bytes) {
  std::copy(bytes.begin(), bytes.end(), bytes_.begin());
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(other.bytes_) {
  wipe(other.bytes_.data(), kSize);
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    wipe(other.bytes_.data(), kSize);
  }
  return *this;
}

SecretKey::~SecretKey() {
  wipe(bytes_.data(), kSize);
}

SecretBuffer SecretKey::sqlcipher_raw_key() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  SecretBuffer out;
  out.resize(kSize * 2 + 3);
  std::uint8_t* p = out.data();
  *p++ = 'x';
  *p++ = '\'';
  for (std::uint8_t b : bytes_) {
    *p++ = static_cast<std::uint8_t>(kDigits[b >> 4]);
    *p++ = static_cast<std::uint8_t>(kDigits[b & 0xf]);
  }
  *p = '\'';
  return out;
}

bool SecretKey::operator==(const SecretKey& other) const {
  // Constant time: the result must not tell how many leading bytes matched.
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < kSize; ++i) diff |= bytes_[i] ^ other.bytes_[i];
  return diff == 0;
}

// [SECTION] SecretBuffer

SecretBuffer SecretBuffer::copy_of(std::span<const std::uint8_t> bytes) {
  SecretBuffer out;
  if (bytes.size() > kCapacity) return out;
  std::copy(bytes.begin(), bytes.end(), out.bytes_.begin());
  out.size_ = bytes.size();
  return out;
}

SecretBuffer SecretBuffer::copy_of(std::string_view bytes) {
  return copy_of(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                               bytes.size()));
}

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept
    : bytes_(other.bytes_), size_(other.size_) {
  other.clear();
}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    size_ = other.size_;
    other.clear();
  }
  return *this;
}

SecretBuffer::~SecretBuffer() {
  wipe(bytes_.data(), kCapacity);
}

bool SecretBuffer::resize(std::size_t n) {
  if (n > kCapacity) return false;
  if (n < size_) wipe(bytes_.data() + n, size_ - n);
  size_ = n;
  return true;
}

void SecretBuffer::clear() {
  wipe(bytes_.data(), kCapacity);
  size_ = 0;
}

bool SecretBuffer::operator==(const SecretBuffer& other) const {
  if (size_ != other.size_) return false;
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < size_; ++i) diff |= bytes_[i] ^ other.bytes_[i];
  return diff == 0;
}

}  // namespace weimin
