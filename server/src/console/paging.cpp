// Paged lists of the console's pages (impl.hpp, "Paged lists"): the offset a link asks for and
// the previous and next links of one list.
#include <algorithm>
#include <charconv>

#include "console/impl.hpp"

namespace weimin::server::console {

std::int64_t page_offset(const Ctx& c, std::string_view param) {
  const std::string text = c.query.get(param);
  std::int64_t n = 0;
  const char* end = text.data() + text.size();
  auto [at, err] = std::from_chars(text.data(), end, n);
  if (text.empty() || err != std::errc() || at != end || n < 0 || n > 1'000'000'000) return 0;
  return n;
}

nlohmann::json paging(const Ctx& c, std::string_view path, std::string_view param,
                      std::int64_t offset, int page_size, std::size_t rows, bool more,
                      std::string_view anchor) {
  auto href = [&](std::int64_t from) {
    std::string out(path);
    char sep = '?';
    for (const auto& [k, v] : c.query.fields) {
      if (k == param || k == "done") continue;
      out += sep + url_escape(k) + "=" + url_escape(v);
      sep = '&';
    }
    if (from > 0) out += sep + std::string(param) + "=" + std::to_string(from);
    return out + "#" + std::string(anchor);
  };
  nlohmann::json j = nlohmann::json::object();
  if (rows > 0) {
    j["shown"] = fill(
        c.t("rows_shown"),
        {std::to_string(offset + 1), std::to_string(offset + static_cast<std::int64_t>(rows))});
  }
  if (offset > 0) j["prev_href"] = href(std::max<std::int64_t>(0, offset - page_size));
  if (more) j["next_href"] = href(offset + page_size);
  j["any"] = offset > 0 || more;
  return j;
}

}  // namespace weimin::server::console
