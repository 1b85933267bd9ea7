// Checksums both sides compute the same way: a pull page's checksum, and the per-(table, day)
// digests of anti-entropy (DESIGN.md, "Anti-entropy"). The canonical dump of JSON is
// nlohmann::json::dump() with no indent: object keys sorted, no spaces, UTF-8 as is.
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/sync/protocol.hpp"

namespace weimin::sync {

// sha-256 hex of the canonical dump of the JSON array of `changes`.
std::string page_checksum(std::span<const Change> changes);

// One record as seen by the digest: which table, which day, its id.
struct DigestItem {
  std::string table;
  std::string day;
  std::string id;
};

// Per-(table, day) count and hash, sorted by (table, day). The hash is the sha-256 hex of the
// ids of that (table, day) sorted ascending, each followed by '\n'; it is independent of the
// order of `items`. Repeated ids count once.
std::vector<DayDigest> day_digests(std::vector<DigestItem> items);

// Accumulates one (table, day)'s ids that arrive already sorted ascending (as a store reads
// them with ORDER BY id), so the caller need not hold them all.
class DayDigestBuilder {
 public:
  DayDigestBuilder(std::string table, std::string day);
  // Precondition: ids come in ascending order; a repeat of the last id is ignored.
  void add(std::string_view id);
  DayDigest finish();

 private:
  std::string table_;
  std::string day_;
  std::string last_;
  std::int64_t count_ = 0;
  alignas(16) std::array<unsigned char, 128> state_{};  // crypto_hash_sha256_state
};

}  // namespace weimin::sync
