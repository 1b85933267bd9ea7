// The seed of a randomised test: WEIMIN_SEED when set, else a fresh one. The test prints it so
// a failure can be replayed with WEIMIN_SEED=<seed>.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

namespace weimin::test {

inline std::uint64_t seed_from_env() {
  if (const char* s = std::getenv("WEIMIN_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

// An integer setting from the environment, e.g. the number of crash rounds.
inline long env_int(const char* name, long fallback) {
  if (const char* s = std::getenv(name)) return std::strtol(s, nullptr, 10);
  return fallback;
}

}  // namespace weimin::test
