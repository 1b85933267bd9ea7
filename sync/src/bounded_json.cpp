// Bounded JSON reading (bounded_json.hpp) and parse_json (protocol.hpp).
#include "bounded_json.hpp"

#include "weimin/sync/protocol.hpp"

namespace weimin::sync {

using nlohmann::json;

namespace detail {

std::string malformed_json_error(const nlohmann::detail::exception& e) {
  return std::string("is not valid JSON (or not UTF-8): ") + e.what() +
         ". Send a JSON document in UTF-8";
}

std::string repeated_key_error(std::string_view key) {
  return "the key \"" + std::string(key.substr(0, 64)) +
         "\" appears twice in one object; give it once";
}

std::string too_deep_error() {
  return "nests arrays and objects deeper than " + std::to_string(kMaxJsonDepth) +
         " levels; send a flatter document";
}

Status json_refusal(std::string_view what, const std::string& why) {
  return Status(ErrorCode::Invalid,
                std::string(what) + " " + (why.empty() ? std::string("is not valid JSON") : why));
}

BoundedBuilder::BoundedBuilder(json& root, std::size_t enclosing)
    : root_(&root), enclosing_(enclosing) {
  stack_.reserve(16);
}

void BoundedBuilder::reset(json& root, std::size_t enclosing) {
  root_ = &root;
  enclosing_ = enclosing;
  stack_.clear();
  element_ = nullptr;
}

bool BoundedBuilder::key(json::string_t& k) {
  auto& object = stack_.back()->get_ref<json::object_t&>();
  auto [it, inserted] = object.try_emplace(k);
  if (!inserted) {
    error_ = repeated_key_error(k);
    return false;
  }
  element_ = &it->second;
  return true;
}

bool BoundedBuilder::open(json::value_t type) {
  if (enclosing_ + stack_.size() >= static_cast<std::size_t>(kMaxJsonDepth)) {
    error_ = too_deep_error();
    return false;
  }
  stack_.push_back(place(json(type)));
  return true;
}

}  // namespace detail

Result<json> parse_json(std::string_view text, std::string_view what) {
  json j;
  detail::BoundedBuilder builder(j);
  const bool ok = json::sax_parse(text, &builder, json::input_format_t::json, /*strict=*/true);
  if (!ok) return detail::json_refusal(what, builder.error());
  return j;
}

}  // namespace weimin::sync
