// Page checksums and per-(table, day) digests (protocol_digest.hpp).
#include "weimin/sync/protocol_digest.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "weimin/sync/protocol_auth.hpp"

namespace weimin::sync {

static_assert(sizeof(crypto_hash_sha256_state) <= 128);
static_assert(alignof(crypto_hash_sha256_state) <= 16);

namespace {
crypto_hash_sha256_state* as_state(std::array<unsigned char, 128>& a) {
  return reinterpret_cast<crypto_hash_sha256_state*>(a.data());
}
std::string hex(const unsigned char* h, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[h[i] >> 4]);
    out.push_back(digits[h[i] & 15]);
  }
  return out;
}
}  // namespace

std::string page_checksum(std::span<const Change> changes) {
  nlohmann::json a = nlohmann::json::array();
  for (const Change& c : changes) a.push_back(to_json_value(c));
  return sha256_hex(a.dump());
}

DayDigestBuilder::DayDigestBuilder(std::string table, std::string day)
    : table_(std::move(table)), day_(std::move(day)) {
  crypto_hash_sha256_init(as_state(state_));
}

void DayDigestBuilder::add(std::string_view id) {
  if (count_ > 0 && id == last_) return;
  last_ = std::string(id);
  ++count_;
  crypto_hash_sha256_update(as_state(state_), reinterpret_cast<const unsigned char*>(id.data()),
                            id.size());
  const unsigned char nl = '\n';
  crypto_hash_sha256_update(as_state(state_), &nl, 1);
}

DayDigest DayDigestBuilder::finish() {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(as_state(state_), h);
  return DayDigest{table_, day_, count_, hex(h, sizeof h)};
}

std::vector<DayDigest> day_digests(std::vector<DigestItem> items) {
  std::sort(items.begin(), items.end(), [](const DigestItem& a, const DigestItem& b) {
    return std::tie(a.table, a.day, a.id) < std::tie(b.table, b.day, b.id);
  });
  std::vector<DayDigest> out;
  std::size_t i = 0;
  while (i < items.size()) {
    DayDigestBuilder b(items[i].table, items[i].day);
    std::size_t j = i;
    while (j < items.size() && items[j].table == items[i].table && items[j].day == items[i].day) {
      b.add(items[j].id);
      ++j;
    }
    out.push_back(b.finish());
    i = j;
  }
  return out;
}

}  // namespace weimin::sync
