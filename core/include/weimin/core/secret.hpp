// Secrets in memory: SecretKey holds 256 bits of key material (a data key or a key-encryption
// key); SecretBuffer holds a short secret of up to 128 bytes (the station's Ed25519 signing
// key, a key in the form SQLCipher takes it). Both live inline (never on the heap, so no
// allocator keeps a copy), are move-only, and wipe their bytes when they die and when they are
// moved from (the moved-from object is then empty / all zero). Copies into a std::string are
// to be made only at the last call into SQLCipher or libsodium, and wiped there (wipe()).
// Value types; not shared between threads by themselves.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace weimin {

// Overwrites n bytes at p with zeros in a way the compiler may not drop (explicit_bzero).
void wipe(void* p, std::size_t n);
// Wipes a string's characters (e.g. a base64 text of a key) and empties it.
void wipe(std::string& s);

class SecretBuffer;

class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;

  SecretKey() = default;
  explicit SecretKey(std::span<const std::uint8_t, kSize> bytes);
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  // Takes the bytes and wipes other's.
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  ~SecretKey();

  std::span<const std::uint8_t, kSize> bytes() const { return bytes_; }
  std::span<std::uint8_t, kSize> mutable_bytes() { return bytes_; }
  // The key as SQLCipher takes a raw key: x'<64 lower-case hex digits>'. Never for logs.
  SecretBuffer sqlcipher_raw_key() const;

  bool operator==(const SecretKey& other) const;

 private:
  std::array<std::uint8_t, kSize> bytes_{};
};

class SecretBuffer {
 public:
  static constexpr std::size_t kCapacity = 128;

  SecretBuffer() = default;
  // A copy of bytes (at most kCapacity; longer input is a programmer error and gives an
  // empty buffer).
  static SecretBuffer copy_of(std::span<const std::uint8_t> bytes);
  static SecretBuffer copy_of(std::string_view bytes);
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  // Takes the bytes and wipes other's, leaving it empty.
  SecretBuffer(SecretBuffer&& other) noexcept;
  SecretBuffer& operator=(SecretBuffer&& other) noexcept;
  ~SecretBuffer();

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::uint8_t* data() { return bytes_.data(); }
  // The bytes as characters, for the call into libsodium or SQLCipher; the view dies with
  // this buffer.
  std::string_view view() const { return {reinterpret_cast<const char*>(bytes_.data()), size_}; }
  // Sets the size (at most kCapacity; bytes past the old size are zero). False when too big.
  bool resize(std::size_t n);
  // Wipes the bytes and empties the buffer.
  void clear();

  bool operator==(const SecretBuffer& other) const;

 private:
  std::array<std::uint8_t, kCapacity> bytes_{};
  std::size_t size_ = 0;
};

}  // namespace weimin
