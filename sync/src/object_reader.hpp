// Strict reading of one JSON object's fields (protocol.hpp: every field present with its type,
// no others, the first fault reported with its JSON path). BasicObjectReader is written once
// over a small view of "an object": JsonObject, a value of a parsed document, and FlatView
// (flat_object.hpp), the fields the push reader kept from SAX events without building a
// document. Both give the same answers and the same messages for the same object.
// Thread-safety: a reader and its view are used by one thread; the functions are pure.
#pragma once

#include <array>
#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "weimin/core/result.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::sync::detail {

// "an integer", "a string", … as error messages name a JSON value's type.
inline std::string type_name(nlohmann::json::value_t type) {
  using value_t = nlohmann::json::value_t;
  switch (type) {
    case value_t::number_integer:
    case value_t::number_unsigned:
      return "an integer";
    case value_t::number_float:
      return "a fractional number";
    case value_t::string:
      return "a string";
    case value_t::boolean:
      return "a boolean";
    case value_t::null:
      return "null";
    case value_t::array:
      return "an array";
    default:
      return "an object";
  }
}

inline Status invalid_at(std::string_view path, std::string_view what) {
  return Status(ErrorCode::Invalid, std::string(path) + ": " + std::string(what));
}

// Letters, digits and . _ - : only, 1 to 128 of them.
bool is_safe_token(std::string_view s);

// A value of a parsed document as BasicObjectReader reads it. The document is the caller's to
// consume: strings and the values taken whole are moved out of it.
struct JsonObject {
  using Value = nlohmann::json;
  JsonObject(nlohmann::json& j) : j(&j) {}  // NOLINT: implicit, ObjectReader(j, path)

  nlohmann::json::value_t type() const { return j->type(); }
  // Precondition for the rest: type() is object.
  Value* find(std::string_view key) const {
    auto it = j->find(key);
    return it == j->end() ? nullptr : &*it;
  }
  // The first key in nlohmann's (sorted) order that `read` does not hold.
  template <class Read>
  std::optional<std::string_view> first_unread(const Read& read) const {
    for (auto it = j->begin(); it != j->end(); ++it) {
      if (!read(it.key())) return std::string_view(it.key());
    }
    return std::nullopt;
  }

  static nlohmann::json::value_t type_of(const Value& v) { return v.type(); }
  static std::string take_string(Value& v) {
    return std::move(v.get_ref<nlohmann::json::string_t&>());
  }
  static std::int64_t signed_of(const Value& v) { return v.get<std::int64_t>(); }
  static std::uint64_t unsigned_of(const Value& v) { return v.get<std::uint64_t>(); }
  static bool boolean_of(const Value& v) { return v.get<bool>(); }
  static nlohmann::json take_whole(Value& v) { return std::move(v); }

  nlohmann::json* j;
};

// Reads the fields of one JSON object, remembering which were read so finish() can refuse the
// rest. Each accessor records the first error; later reads return defaults.
template <class Object>
class BasicObjectReader {
 public:
  using Value = typename Object::Value;
  using value_t = nlohmann::json::value_t;

  BasicObjectReader(Object object, std::string_view path) : o_(object), path_(path) {
    if (o_.type() != value_t::object) {
      status_ = invalid_at(path_, "expected a JSON object, got " + type_name(o_.type()));
    }
  }

  std::string field_path(std::string_view key) const { return path_ + "." + std::string(key); }

  Value* get(std::string_view key, bool required = true) {
    if (!status_.is_ok()) return nullptr;
    assert(read_count_ < read_.size() && "a message reads at most 16 fields of one object");
    read_[read_count_++] = key;
    Value* v = o_.find(key);
    if (v == nullptr && required) {
      status_ =
          invalid_at(field_path(key), "is missing; every message needs it (docs/PROTOCOL.md)");
    }
    return v;
  }

  std::string string(std::string_view key, bool non_empty = false) {
    Value* v = get(key);
    if (!v) return {};
    if (Object::type_of(*v) != value_t::string) {
      fail(key, "expected a string, got " + type_name(Object::type_of(*v)));
      return {};
    }
    std::string s = Object::take_string(*v);
    if (non_empty && s.empty()) fail(key, "must not be empty");
    return s;
  }

  std::int64_t int64(std::string_view key, std::int64_t min = INT64_MIN) {
    Value* v = get(key);
    if (!v) return 0;
    const value_t type = Object::type_of(*v);
    if (type != value_t::number_integer && type != value_t::number_unsigned) {
      fail(key, "expected an integer, got " + type_name(type));
      return 0;
    }
    if (type == value_t::number_unsigned &&
        Object::unsigned_of(*v) > static_cast<std::uint64_t>(INT64_MAX)) {
      fail(key, "is too large for a 64-bit signed integer");
      return 0;
    }
    std::int64_t n = Object::signed_of(*v);
    if (n < min)
      fail(key, "must be at least " + std::to_string(min) + ", got " + std::to_string(n));
    return n;
  }

  bool boolean(std::string_view key) {
    Value* v = get(key);
    if (!v) return false;
    if (Object::type_of(*v) != value_t::boolean) {
      fail(key, "expected true or false, got " + type_name(Object::type_of(*v)));
      return false;
    }
    return Object::boolean_of(*v);
  }

  Value* array(std::string_view key) {
    Value* v = get(key);
    if (!v) return nullptr;
    if (Object::type_of(*v) != value_t::array) {
      fail(key, "expected an array, got " + type_name(Object::type_of(*v)));
      return nullptr;
    }
    return v;
  }

  Value* any(std::string_view key) { return get(key); }

  // Reads "schema" and checks it is one the district accepts.
  int schema() {
    std::int64_t s = int64("schema");
    if (status_.is_ok() && (s < kOldestSchema || s > kSchema)) {
      fail("schema", "schema " + std::to_string(s) + " is not spoken here; this side accepts " +
                         std::to_string(kOldestSchema) + ".." + std::to_string(kSchema) +
                         ". Update the older side");
    }
    return static_cast<int>(s);
  }

  void fail(std::string_view key, std::string_view what) {
    if (status_.is_ok()) status_ = invalid_at(field_path(key), what);
  }
  void fail_status(Status s) {
    if (status_.is_ok()) status_ = std::move(s);
  }
  bool ok() const { return status_.is_ok(); }

  // Refuses fields that were never read.
  Status finish() {
    if (!status_.is_ok()) return status_;
    auto unread = o_.first_unread([this](std::string_view key) {
      for (std::size_t i = 0; i < read_count_; ++i) {
        if (read_[i] == key) return true;
      }
      return false;
    });
    if (unread) {
      return invalid_at(field_path(*unread),
                        "is not a field of this message; remove it (unknown fields are refused)");
    }
    return Status::ok();
  }

 private:
  Object o_;
  std::string path_;
  std::array<std::string_view, 16> read_;  // keys are the caller's literals
  std::size_t read_count_ = 0;
  Status status_;
};

using ObjectReader = BasicObjectReader<JsonObject>;

}  // namespace weimin::sync::detail
