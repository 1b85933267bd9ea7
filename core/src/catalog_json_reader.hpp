// Private to the catalog parser: strict, path-aware reading of a JSON document. Every reader
// here raises a CatalogError naming the JSON-pointer path of the value at fault; parse_catalog
// catches it at the edge, so no exception leaves core.
// Thread-safety: plain functions and short-lived objects used by one thread at a time.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "weimin/core/catalog.hpp"
#include "weimin/core/result.hpp"

namespace weimin::core::catalog_json {

using json = nlohmann::json;

// A broken rule at `path` (a JSON pointer; empty for the whole document).
struct CatalogError {
  ErrorCode code;
  std::string path;
  std::string what;
};

[[noreturn]] void fail(const std::string& path, std::string what,
                       ErrorCode code = ErrorCode::Invalid);

// The JSON pointer of a member or an element of the value at `path`.
std::string child(const std::string& path, std::string_view key);
std::string child(const std::string& path, std::size_t index);

std::string in_quotes(std::string_view s);

// "a string \"abc\"", "an integer 12", "an array" … to say what was found instead.
std::string describe(const json& j);

[[noreturn]] void wrong_type(const json& j, const std::string& path, std::string_view expected);

// An object whose fields are read by name. A field the reader does not list in `known` is
// refused, so a misspelt field name is caught instead of ignored.
class Obj {
 public:
  Obj(const json& j, std::string path, std::initializer_list<std::string_view> known);

  // The path of one of this object's fields.
  std::string at(std::string_view key) const { return child(path_, key); }
  // A field that must be present.
  const json& req(std::string_view key) const;
  // A field that may be absent (nullptr then).
  const json* opt(std::string_view key) const;

 private:
  const json& j_;
  std::string path_;
};

std::string read_string(const json& j, const std::string& path);  // non-empty
std::int64_t read_int64(const json& j, const std::string& path);
int read_int(const json& j, const std::string& path, int lo, int hi);
bool read_bool(const json& j, const std::string& path);
bool read_opt_bool(const Obj& o, std::string_view key);  // false when absent
// {"zh": "…", "en": "…"}; zh is always required, en only when need_en.
Text read_text(const json& j, const std::string& path, bool need_en);
Text read_opt_text(const Obj& o, std::string_view key);  // en optional; empty when absent
// Letters, digits, '_', '-' and '.': a stable identifier other records refer to.
std::string read_id(const json& j, const std::string& path);
// A division code: exactly `digits` decimal digits, starting with the parent's code.
std::string read_code(const json& j, const std::string& path, std::size_t digits,
                      std::string_view parent_code, std::string_view parent_what);

// An array read element by element with each(element, element_path).
template <class F>
auto read_array(const json& j, const std::string& path, F&& each) {
  using T = std::invoke_result_t<F&, const json&, const std::string&>;
  if (!j.is_array()) wrong_type(j, path, "an array");
  std::vector<T> out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) out.push_back(each(j[i], child(path, i)));
  return out;
}

// Remembers the values already seen (ids, codes, numbers) to refuse a second one.
class Unique {
 public:
  explicit Unique(std::string what) : what_(std::move(what)) {}
  void add(const std::string& value, const std::string& path);

 private:
  std::string what_;
  std::map<std::string, std::string> seen_;  // value → path where first seen
};

// Parses JSON text; refuses malformed JSON (with nlohmann's line, column and byte) and an
// object with the same key twice (nlohmann would silently keep the last), naming the path.
Result<json> parse_strict(std::string_view text, std::string_view source_name);

// "<source>: <path or />: "
std::string error_prefix(std::string_view source_name, const std::string& path);

}  // namespace weimin::core::catalog_json
