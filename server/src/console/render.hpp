// Rendering the console's pages: a mustache template of assets/console/templates (escaping
// on: {{x}} is HTML-escaped; only {{{body}}} in the layout takes HTML, and that is a template's
// own output) filled from a JSON context, and a QR code's path data.
// Thread-safety: pure functions over the embedded templates; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "weimin/core/result.hpp"

namespace weimin::server::console {

// Renders templates/<name>.mustache with `context`. Internal when the template is missing or
// does not parse (a programmer error, found by the tests).
Result<std::string> render(std::string_view name, const nlohmann::json& context);

// A QR code of `text` as {"size": modules + 8, "d": SVG path data of its dark modules} (quiet
// zone included); Internal when libqrencode fails.
Result<nlohmann::json> qr_code(const std::string& text);

}  // namespace weimin::server::console
