// SecretKey: 256 bits of key material (a data key or a key-encryption key). The bytes are wiped
// when the object dies. Value type; not shared between threads by itself.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace weimin {

class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;

  SecretKey() = default;
  explicit SecretKey(std::span<const std::uint8_t, kSize> bytes);
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();

  std::span<const std::uint8_t, kSize> bytes() const { return bytes_; }
  std::span<std::uint8_t, kSize> mutable_bytes() { return bytes_; }
  // Lower-case hex; for handing the key to SQLCipher as a raw key only, never for logs.
  std::string hex() const;

  bool operator==(const SecretKey& other) const;

 private:
  std::array<std::uint8_t, kSize> bytes_{};
};

}  // namespace weimin
