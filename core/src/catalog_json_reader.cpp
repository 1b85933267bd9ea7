// Strict, path-aware JSON reading for the catalog parser (see catalog_json_reader.hpp).
#include "catalog_json_reader.hpp"

#include <algorithm>
#include <climits>
#include <optional>
#include <set>
#include <utility>

namespace weimin::core::catalog_json {

namespace {

// Follows nlohmann's parse events to find the first key that appears twice in one object.
class DuplicateKeyFinder {
 public:
  bool on_event(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        enter_value();
        stack_.push_back(Frame{true});
        break;
      case json::parse_event_t::array_start:
        enter_value();
        stack_.push_back(Frame{false});
        break;
      case json::parse_event_t::key: {
        Frame& f = stack_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second && !first_) first_ = path();
        break;
      }
      case json::parse_event_t::value:
        enter_value();
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        stack_.pop_back();
        break;
    }
    return true;
  }
  const std::optional<std::string>& first() const { return first_; }

 private:
  struct Frame {
    bool is_object;
    std::set<std::string> keys{};
    std::string key{};
    std::size_t index = 0;  // elements of an array begun so far
  };
  // A value (scalar or container) starts: in an array that is the next element.
  void enter_value() {
    if (!stack_.empty() && !stack_.back().is_object) ++stack_.back().index;
  }
  std::string path() const {
    std::string p;
    for (const Frame& f : stack_) p = f.is_object ? child(p, f.key) : child(p, f.index - 1);
    return p;
  }
  std::vector<Frame> stack_;
  std::optional<std::string> first_;
};

}  // namespace

// [SECTION] Errors and paths

void fail(const std::string& path, std::string what, ErrorCode code) {
  throw CatalogError{code, path, std::move(what)};
}

std::string child(const std::string& path, std::string_view key) {
  std::string out = path + "/";
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string child(const std::string& path, std::size_t index) {
  return path + "/" + std::to_string(index);
}

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string describe(const json& j) {
  if (j.is_object()) return "an object";
  if (j.is_array()) return "an array";
  if (j.is_null()) return "null";
  std::string shown = j.dump(-1, ' ', false, json::error_handler_t::replace);
  if (shown.size() > 40) {
    std::size_t cut = 37;
    while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
    shown = shown.substr(0, cut) + "...";
  }
  const char* type = j.is_boolean()          ? "a boolean "
                     : j.is_number_integer() ? "an integer "
                     : j.is_number()         ? "a number "
                                             : "a string ";
  return type + shown;
}

void wrong_type(const json& j, const std::string& path, std::string_view expected) {
  fail(path, "expected " + std::string(expected) + ", found " + describe(j));
}

Obj::Obj(const json& j, std::string path, std::initializer_list<std::string_view> known)
    : j_(j), path_(std::move(path)) {
  if (!j.is_object()) wrong_type(j, path_, "an object");
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    fail(child(path_, key),
         "unknown field " + in_quotes(key) + " (the fields here are: " + list + ")");
  }
}

const json& Obj::req(std::string_view key) const {
  auto it = j_.find(std::string(key));
  if (it == j_.end()) fail(path_, "missing required field " + in_quotes(key));
  return *it;
}

const json* Obj::opt(std::string_view key) const {
  auto it = j_.find(std::string(key));
  return it == j_.end() ? nullptr : &*it;
}

std::string read_string(const json& j, const std::string& path) {
  if (!j.is_string()) wrong_type(j, path, "a string");
  std::string s = j.get<std::string>();
  if (s.empty()) fail(path, "must not be empty");
  return s;
}

std::int64_t read_int64(const json& j, const std::string& path) {
  if (!j.is_number_integer()) wrong_type(j, path, "an integer");
  if (j.is_number_unsigned()) {
    auto u = j.get<std::uint64_t>();
    return u > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(u);
  }
  return j.get<std::int64_t>();
}

int read_int(const json& j, const std::string& path, int lo, int hi) {
  std::int64_t v = read_int64(j, path);
  if (v < lo || v > hi) {
    fail(path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", found " +
                   std::to_string(v));
  }
  return static_cast<int>(v);
}

bool read_bool(const json& j, const std::string& path) {
  if (!j.is_boolean()) wrong_type(j, path, "true or false");
  return j.get<bool>();
}

bool read_opt_bool(const Obj& o, std::string_view key) {
  const json* j = o.opt(key);
  return j ? read_bool(*j, o.at(key)) : false;
}

Text read_text(const json& j, const std::string& path, bool need_en) {
  Obj o(j, path, {"zh", "en"});
  Text t;
  t.zh = read_string(o.req("zh"), o.at("zh"));
  if (need_en) {
    t.en = read_string(o.req("en"), o.at("en"));
  } else if (const json* en = o.opt("en")) {
    if (!en->is_string()) wrong_type(*en, o.at("en"), "a string");
    t.en = en->get<std::string>();
  }
  return t;
}

Text read_opt_text(const Obj& o, std::string_view key) {
  const json* j = o.opt(key);
  return j ? read_text(*j, o.at(key), false) : Text{};
}

std::string read_id(const json& j, const std::string& path) {
  std::string id = read_string(j, path);
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) fail(path, "id " + in_quotes(id) + " may use only letters, digits, '_', '-' and '.'");
  }
  return id;
}

std::string read_code(const json& j, const std::string& path, std::size_t digits,
                      std::string_view parent_code, std::string_view parent_what) {
  std::string code = read_string(j, path);
  bool all_digits =
      std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (code.size() != digits || !all_digits) {
    fail(path,
         "code " + in_quotes(code) + " must be exactly " + std::to_string(digits) + " digits");
  }
  if (!parent_code.empty() && code.compare(0, parent_code.size(), parent_code) != 0) {
    fail(path, "code " + in_quotes(code) + " must start with the code of its " +
                   std::string(parent_what) + " " + in_quotes(parent_code));
  }
  return code;
}

void Unique::add(const std::string& value, const std::string& path) {
  auto [it, inserted] = seen_.emplace(value, path);
  if (!inserted) {
    fail(path, "duplicate " + what_ + " " + in_quotes(value) + " (first at " + it->second + ")");
  }
}

Result<json> parse_strict(std::string_view text, std::string_view source_name) {
  json root;
  DuplicateKeyFinder duplicates;
  try {
    root = json::parse(text.begin(), text.end(), [&](int, json::parse_event_t event, json& parsed) {
      return duplicates.on_event(event, parsed);
    });
  } catch (const json::parse_error& e) {
    // nlohmann's message reads "[json.exception.parse_error.101] parse error at line 3,
    // column 5: syntax error while parsing …"; keep it without the bracketed prefix.
    std::string what = e.what();
    std::size_t bracket = what.find("] ");
    if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    return Status(ErrorCode::Invalid, std::string(source_name) + ": invalid JSON: " + what +
                                          " (byte " + std::to_string(e.byte) +
                                          "); fix the document's syntax");
  }
  if (duplicates.first()) {
    return Status(ErrorCode::Invalid, error_prefix(source_name, *duplicates.first()) +
                                          "the key appears twice in one object; keep one");
  }
  return root;
}

std::string error_prefix(std::string_view source_name, const std::string& path) {
  return std::string(source_name) + ": " + (path.empty() ? "/" : path) + ": ";
}

}  // namespace weimin::core::catalog_json
