// Helpers shared by the storage tests. WEIMIN_STORAGE_UNKEYED=1 runs the suite against unkeyed
// databases (same library), so a test that only passes because of encryption shows itself.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "weimin/storage/database.hpp"
#include "weimin/storage/migrations.hpp"
#include "weimin/storage/station_schema.hpp"

namespace weimin::test {

inline bool unkeyed_suite() {
  const char* v = std::getenv("WEIMIN_STORAGE_UNKEYED");
  return v && std::string(v) == "1";
}

inline SecretKey test_key(std::uint8_t fill) {
  SecretKey k;
  for (std::size_t i = 0; i < SecretKey::kSize; ++i) {
    k.mutable_bytes()[i] = static_cast<std::uint8_t>(fill + i);
  }
  return k;
}

inline Result<storage::Database> open_test_db(const std::filesystem::path& file,
                                              const storage::OpenOptions& options = {}) {
  if (unkeyed_suite()) return storage::Database::open_unkeyed(file, options);
  return storage::Database::open(file, test_key(1), options);
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Inserts one fact with the given id and body inside its own transaction with its outbox
// entry, the way every station write does.
Status insert_fact(storage::Database& db, const std::string& id, const std::string& body);

}  // namespace weimin::test
