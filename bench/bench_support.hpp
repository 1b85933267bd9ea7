// Small helpers for the benchmarks: timing, medians and percentiles, flat JSON output.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "weimin/core/result.hpp"

namespace weimin::bench {

// Ends a benchmark that cannot go on, saying what it was doing and why.
[[noreturn]] inline void die(const std::string& what, const Status& st) {
  std::fprintf(stderr, "bench: %s: %s\n", what.c_str(), st.to_string().c_str());
  std::exit(1);
}
// The value of `r`, or die().
template <class T>
T must(const std::string& what, Result<T> r) {
  if (!r.is_ok()) die(what, r.status());
  return std::move(r).value();
}

// The whole text of a file (empty when it cannot be read).
inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
// Writes `text` to a file beside `p` and renames it over `p`, so `p` is whole or absent.
inline void write_file(const std::filesystem::path& p, const std::string& text) {
  const std::filesystem::path tmp = p.string() + ".tmp";
  std::ofstream(tmp) << text;
  std::filesystem::rename(tmp, p);
}

inline double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

// The p-th percentile (0..100) by nearest rank.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(rank, v.size() - 1)];
}
inline double median(std::vector<double> v) {
  return percentile(std::move(v), 50);
}

// Collects figures, prints them as "key value" lines and writes them as one flat JSON object.
class Report {
 public:
  void add(const std::string& key, double value) { figures_[key] = value; }
  void add_text(const std::string& key, const std::string& value) { texts_[key] = value; }
  int finish(const std::string& json_path) const {
    for (const auto& [k, v] : texts_) std::printf("%s %s\n", k.c_str(), v.c_str());
    for (const auto& [k, v] : figures_) std::printf("%s %.3f\n", k.c_str(), v);
    if (json_path.empty()) return 0;
    std::ofstream out(json_path);
    out << "{";
    bool first = true;
    for (const auto& [k, v] : texts_) {
      out << (first ? "" : ",") << "\n  \"" << k << "\": \"" << v << "\"";
      first = false;
    }
    for (const auto& [k, v] : figures_) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.3f", v);
      out << (first ? "" : ",") << "\n  \"" << k << "\": " << buf;
      first = false;
    }
    out << "\n}\n";
    return out ? 0 : 1;
  }

 private:
  std::map<std::string, double> figures_;
  std::map<std::string, std::string> texts_;
};

}  // namespace weimin::bench
