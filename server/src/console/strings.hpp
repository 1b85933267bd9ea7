// The console's words in Chinese (first) and English, with the kiosk's terms (吹哨, 报到, 反馈,
// 核实, 结项, 评价, 退单, 区级/社区级 …). Templates read them as {{t.<key>}}.
// Thread-safety: immutable tables; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace weimin::server::console {

enum class Lang { Zh, En };

// Every string of `lang` as a JSON object key → text.
const nlohmann::json& strings(Lang lang);
// One string; the key itself when unknown.
std::string text(Lang lang, std::string_view key);

}  // namespace weimin::server::console
