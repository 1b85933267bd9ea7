// A JSON object of a known shape as the push reader keeps it from SAX events, without building
// it: the values of its known keys (scalars as read, strings as text, one value built whole
// where the message keeps one, such as a fact's body), and only the names of its other keys.
// FlatView lets BasicObjectReader (object_reader.hpp) read it exactly as it reads a parsed
// object with the same content.
// Thread-safety: used by one thread.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace weimin::sync::detail {

// One value as read: its type, and the scalar, the text or the whole value it holds. Arrays
// and objects are kept only as `whole`; where a message does not keep them, only their type.
struct FlatValue {
  nlohmann::json::value_t type = nlohmann::json::value_t::null;
  bool boolean = false;
  std::int64_t signed_number = 0;     // number_integer
  std::uint64_t unsigned_number = 0;  // number_unsigned
  std::string text;                   // string
  nlohmann::json whole;               // a value kept whole (any type)
};

// An object with the N keys `names` (the message's fields) read so far.
template <std::size_t N>
class FlatObject {
 public:
  explicit FlatObject(const std::array<std::string_view, N>& names) : names_(names) {}

  // Forgets the keys (the values' memory is kept for the next object).
  void clear() {
    present_.fill(false);
    asked_.fill(false);
    others_.clear();
  }

  // Notes `key`: the index of its value, or N for a key not in names. `repeated` is set when
  // the object has given this key already.
  std::size_t add_key(const std::string& key, bool& repeated) {
    const std::size_t i = index_of(key);
    if (i < N) {
      repeated = present_[i];
      present_[i] = true;
    } else {
      repeated = !others_.insert(key).second;
    }
    return i;
  }
  FlatValue& value(std::size_t i) { return values_[i]; }

  std::size_t index_of(std::string_view key) const {
    for (std::size_t i = 0; i < N; ++i) {
      if (names_[i] == key) return i;
    }
    return N;
  }
  // The value of `key`, or null when the object has no such key. Precondition: key is one of
  // names (a reader asks only for the fields of its message).
  FlatValue* find(std::string_view key) {
    const std::size_t i = index_of(key);
    assert(i < N && "a reader asks only for the fields of its message");
    if (i == N) return nullptr;
    asked_[i] = true;
    return present_[i] ? &values_[i] : nullptr;
  }
  // The first key in nlohmann's order (std::string's <, as its std::map sorts keys) that was
  // not asked for with find(). (BasicObjectReader asks find() for every key it reads, so its
  // list of the keys read is not needed here.)
  template <class Read>
  std::optional<std::string_view> first_unread(const Read&) const {
    std::optional<std::string_view> first;
    for (std::size_t i = 0; i < N; ++i) {
      if (present_[i] && !asked_[i] && (!first || names_[i] < *first)) first = names_[i];
    }
    if (!others_.empty() && (!first || std::string_view(*others_.begin()) < *first)) {
      first = *others_.begin();  // sorted: the first of the others
    }
    return first;
  }

 private:
  const std::array<std::string_view, N>& names_;
  std::array<FlatValue, N> values_;
  std::array<bool, N> present_{};
  std::array<bool, N> asked_{};                // find() was asked for it
  std::set<std::string, std::less<>> others_;  // the keys not in names, sorted
};

// A FlatObject as BasicObjectReader reads it, or a value of another type in its place (then
// the reader refuses it as "expected a JSON object" and reads nothing). Strings and whole
// values are moved out: a FlatObject is read once.
template <std::size_t N>
struct FlatView {
  using Value = FlatValue;

  nlohmann::json::value_t type() const { return type_; }
  Value* find(std::string_view key) const { return object_->find(key); }
  template <class Read>
  std::optional<std::string_view> first_unread(const Read& read) const {
    return object_->first_unread(read);
  }

  static nlohmann::json::value_t type_of(const Value& v) { return v.type; }
  static std::string take_string(Value& v) { return std::move(v.text); }
  static std::int64_t signed_of(const Value& v) {
    return v.type == nlohmann::json::value_t::number_unsigned
               ? static_cast<std::int64_t>(v.unsigned_number)
               : v.signed_number;
  }
  static std::uint64_t unsigned_of(const Value& v) { return v.unsigned_number; }
  static bool boolean_of(const Value& v) { return v.boolean; }
  static nlohmann::json take_whole(Value& v) { return std::move(v.whole); }

  FlatObject<N>* object_;
  nlohmann::json::value_t type_ = nlohmann::json::value_t::object;
};

}  // namespace weimin::sync::detail
