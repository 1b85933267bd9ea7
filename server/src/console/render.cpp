// Mustache rendering and QR codes for the console (render.hpp).
#include "console/render.hpp"

#include <qrencode.h>

#include <kainjow/mustache.hpp>
#include <memory>

#include "console/assets.hpp"

namespace weimin::server::console {

namespace {

namespace mu = kainjow::mustache;

mu::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mu::data d{mu::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_data(it.value()));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mu::data d{mu::data::type::list};
      for (const auto& v : j) d.push_back(to_data(v));
      return d;
    }
    case nlohmann::json::value_t::string:
      // An empty string is false, so {{#x}}…{{/x}} leaves out what has no value.
      if (j.get_ref<const std::string&>().empty()) return mu::data(mu::data::type::bool_false);
      return mu::data(j.get<std::string>());
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? mu::data(mu::data::type::bool_true)
                           : mu::data(mu::data::type::bool_false);
    case nlohmann::json::value_t::null:
      return mu::data(mu::data::type::bool_false);
    default:
      return mu::data(j.dump());
  }
}

}  // namespace

Result<std::string> render(std::string_view name, const nlohmann::json& context) {
  const Asset* a = find_asset("templates/" + std::string(name) + ".mustache");
  if (a == nullptr) {
    return Result<std::string>(ErrorCode::Internal,
                               "no console template '" + std::string(name) + "'");
  }
  mu::mustache tpl{std::string(a->data)};
  if (!tpl.is_valid()) {
    return Result<std::string>(ErrorCode::Internal, "console template '" + std::string(name) +
                                                        "': " + tpl.error_message());
  }
  mu::data data = to_data(context);
  // Partials: {{> name}} reads templates/<name>.mustache.
  for (const Asset& p : assets()) {
    std::string_view path = p.path;
    constexpr std::string_view prefix = "templates/_";
    constexpr std::string_view suffix = ".mustache";
    if (path.substr(0, prefix.size()) != prefix || path.size() <= prefix.size() + suffix.size()) {
      continue;
    }
    std::string partial_name(path.substr(10, path.size() - 10 - suffix.size()));
    std::string body(p.data);
    data.set(partial_name, mu::partial([body] { return body; }));
  }
  std::string out = tpl.render(data);
  if (!tpl.is_valid()) {
    return Result<std::string>(ErrorCode::Internal, "console template '" + std::string(name) +
                                                        "': " + tpl.error_message());
  }
  return out;
}

Result<nlohmann::json> qr_code(const std::string& text) {
  std::unique_ptr<QRcode, void (*)(QRcode*)> qr(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
  if (!qr) return Result<nlohmann::json>(ErrorCode::Internal, "the QR code could not be made");
  const int n = qr->width;
  std::string d;
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      if (qr->data[y * n + x] & 1) {
        d += "M" + std::to_string(x + 4) + " " + std::to_string(y + 4) + "h1v1h-1z";
      }
    }
  }
  return nlohmann::json{{"size", n + 8}, {"d", d}};
}

}  // namespace weimin::server::console
