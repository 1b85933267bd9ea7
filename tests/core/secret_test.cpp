// Secrets in memory: SecretKey and SecretBuffer cannot be copied, are wiped when moved from
// and when they die, and give SQLCipher its raw key without a std::string in between.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <type_traits>

#include "weimin/core/secret.hpp"

using namespace weimin;

static_assert(!std::is_copy_constructible_v<SecretKey> && !std::is_copy_assignable_v<SecretKey>);
static_assert(std::is_nothrow_move_constructible_v<SecretKey> &&
              std::is_nothrow_move_assignable_v<SecretKey>);
static_assert(!std::is_copy_constructible_v<SecretBuffer> &&
              !std::is_copy_assignable_v<SecretBuffer>);
static_assert(std::is_nothrow_move_constructible_v<SecretBuffer> &&
              std::is_nothrow_move_assignable_v<SecretBuffer>);

namespace {

bool all_zero(const std::uint8_t* p, std::size_t n) {
  return std::all_of(p, p + n, [](std::uint8_t b) { return b == 0; });
}

SecretKey key_of(std::uint8_t fill) {
  SecretKey k;
  std::fill(k.mutable_bytes().begin(), k.mutable_bytes().end(), fill);
  return k;
}

}  // namespace

TEST_CASE("a moved-from secret key is all zero and the key lives on in its new owner") {
  SecretKey a = key_of(0xA5);
  SecretKey b(std::move(a));
  CHECK(all_zero(a.bytes().data(), SecretKey::kSize));  // NOLINT(bugprone-use-after-move)
  CHECK(b == key_of(0xA5));
  SecretKey c;
  c = std::move(b);
  CHECK(all_zero(b.bytes().data(), SecretKey::kSize));  // NOLINT(bugprone-use-after-move)
  CHECK(c == key_of(0xA5));
}

TEST_CASE("a secret key and a secret buffer wipe their bytes when they die") {
  // Observed through the storage they lived in: after the destructor the bytes are zero.
  alignas(SecretKey) unsigned char key_storage[sizeof(SecretKey)];
  auto* key = new (key_storage) SecretKey(key_of(0x5A));
  const auto* key_bytes = key->bytes().data();
  const std::size_t key_offset =
      static_cast<std::size_t>(reinterpret_cast<const unsigned char*>(key_bytes) - key_storage);
  CHECK_FALSE(all_zero(key_storage + key_offset, SecretKey::kSize));
  key->~SecretKey();
  CHECK(all_zero(key_storage + key_offset, SecretKey::kSize));

  alignas(SecretBuffer) unsigned char buffer_storage[sizeof(SecretBuffer)];
  auto* buffer = new (buffer_storage) SecretBuffer(SecretBuffer::copy_of("ed25519 secret half"));
  const std::size_t buffer_offset = static_cast<std::size_t>(
      reinterpret_cast<const unsigned char*>(buffer->data()) - buffer_storage);
  CHECK_FALSE(all_zero(buffer_storage + buffer_offset, SecretBuffer::kCapacity));
  buffer->~SecretBuffer();
  CHECK(all_zero(buffer_storage + buffer_offset, SecretBuffer::kCapacity));
}

TEST_CASE("a moved-from secret buffer is empty and wiped") {
  SecretBuffer a = SecretBuffer::copy_of(std::string_view("0123456789abcdef0123456789abcdef"));
  REQUIRE(a.size() == 32);
  SecretBuffer b(std::move(a));
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move)
  CHECK(all_zero(a.data(), SecretBuffer::kCapacity));
  CHECK(b.view() == "0123456789abcdef0123456789abcdef");
  SecretBuffer c;
  c = std::move(b);
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
  CHECK(all_zero(b.data(), SecretBuffer::kCapacity));
  CHECK(c.size() == 32);
  c.clear();
  CHECK(c.empty());
  CHECK(all_zero(c.data(), SecretBuffer::kCapacity));
  // More than it can hold is refused (empty), never cut short.
  CHECK(SecretBuffer::copy_of(std::string(SecretBuffer::kCapacity + 1, 'x')).empty());
}

TEST_CASE("SQLCipher's raw key form comes in a secret buffer") {
  SecretKey k = key_of(0x0F);
  const SecretBuffer raw = k.sqlcipher_raw_key();
  std::string expected = "x'";
  for (std::size_t i = 0; i < SecretKey::kSize; ++i) expected += "0f";
  expected += "'";
  CHECK(raw.view() == expected);
  wipe(expected);
}

TEST_CASE("wipe empties a string after zeroing its characters") {
  std::string s = "c2VjcmV0";
  const char* p = s.data();
  const std::size_t n = s.size();
  wipe(s);
  CHECK(s.empty());
  CHECK(std::all_of(p, p + n, [](char c) { return c == 0; }));  // same small-string buffer
}
