// Reading JSON text within bounds (protocol.hpp, parse_json): a builder of nlohmann's SAX events
// that refuses a repeated key and nesting deeper than kMaxJsonDepth while it reads, and the
// messages of those refusals and of malformed text. parse_json builds whole documents with it;
// the push reader (push_reader.cpp) builds only the values it keeps with it and gives the same
// messages for the same faults.
// Thread-safety: a builder is used by one thread; the functions are pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "weimin/core/result.hpp"

namespace weimin::sync::detail {

// Why a text is refused, without the leading "<what> ": for a fault nlohmann's parser
// reports (malformed JSON, invalid UTF-8), for a key given twice in one object, and for
// containers nested deeper than kMaxJsonDepth.
std::string malformed_json_error(const nlohmann::detail::exception& e);
std::string repeated_key_error(std::string_view key);
std::string too_deep_error();
// Invalid: "<what> <why>", or "<what> is not valid JSON" when why is empty.
Status json_refusal(std::string_view what, const std::string& why);

// Builds one value from SAX events, as json::parse would, but stops at once (before building
// any more) when containers nest deeper than kMaxJsonDepth or an object gives a key twice.
// nlohmann's parser keeps its own state on the heap, and so does this builder: nothing here
// recurses on the input's depth, and a value it builds is shallow enough for dump() and the
// copy constructor, which do.
class BoundedBuilder {
 public:
  // Builds into `root`; `enclosing` containers are open around it in the text (0 for a whole
  // document), and count towards kMaxJsonDepth.
  explicit BoundedBuilder(nlohmann::json& root, std::size_t enclosing = 0);
  // Starts again on another value, keeping the memory of the stack.
  void reset(nlohmann::json& root, std::size_t enclosing);

  bool null() { return put(nullptr); }
  bool boolean(bool v) { return put(v); }
  bool number_integer(nlohmann::json::number_integer_t v) { return put(v); }
  bool number_unsigned(nlohmann::json::number_unsigned_t v) { return put(v); }
  bool number_float(nlohmann::json::number_float_t v, const nlohmann::json::string_t&) {
    return put(v);
  }
  bool string(nlohmann::json::string_t& v) { return put(std::move(v)); }
  bool binary(nlohmann::json::binary_t& v) { return put(nlohmann::json::binary(std::move(v))); }
  bool start_object(std::size_t) { return open(nlohmann::json::value_t::object); }
  bool start_array(std::size_t) { return open(nlohmann::json::value_t::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(nlohmann::json::string_t& k);
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    error_ = malformed_json_error(e);
    return false;
  }

  // True when no container is open: the value is complete (or not begun).
  bool idle() const { return stack_.empty(); }
  // Why the text was refused; empty while it is not.
  const std::string& error() const { return error_; }

 private:
  template <class V>
  nlohmann::json* place(V&& v) {
    if (stack_.empty()) {
      *root_ = nlohmann::json(std::forward<V>(v));
      return root_;
    }
    nlohmann::json& top = *stack_.back();
    if (top.is_array()) {
      auto& a = top.get_ref<nlohmann::json::array_t&>();
      a.emplace_back(std::forward<V>(v));
      return &a.back();
    }
    *element_ = nlohmann::json(std::forward<V>(v));
    return element_;
  }
  template <class V>
  bool put(V&& v) {
    place(std::forward<V>(v));
    return true;
  }
  bool open(nlohmann::json::value_t type);
  bool close() {
    stack_.pop_back();
    return true;
  }

  nlohmann::json* root_;
  std::size_t enclosing_;
  std::vector<nlohmann::json*> stack_;  // the open containers, innermost last
  nlohmann::json* element_ = nullptr;   // the value of the object key read last
  std::string error_;
};

}  // namespace weimin::sync::detail
