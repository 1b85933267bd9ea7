// The console's words in Chinese (first) and English, with the kiosk's terms (吹哨, 报到, 反馈,
// 核实, 结项, 评价, 退单, 区级/社区级 …). Templates read them as {{t.<key>}}.
// Thread-safety: immutable tables; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "weimin/core/catalog.hpp"
#include "weimin/server/scope.hpp"

namespace weimin::server::console {

enum class Lang { Zh, En };

// Every string of `lang` as a JSON object key → text.
const nlohmann::json& strings(Lang lang);
// One string; the key itself when unknown.
std::string text(Lang lang, std::string_view key);
// The string `prefix + value` (a stage, level, kind, rating, role …); `value` itself when there
// is none; "" for "".
std::string term(Lang lang, std::string_view prefix, const std::string& value);

// [SECTION] Names as a clerk says them (the catalog's, in `lang`; the code when the catalog is
// null or does not list it)
const std::string& name_of(const core::Text& t, Lang lang);
std::string community_name(const core::Catalog* catalog, const std::string& code, Lang lang);
std::string department_name(const core::Catalog* catalog, const std::string& id, Lang lang);
std::string office_name(const core::Catalog* catalog, const std::string& code, Lang lang);
std::string source_name(const core::Catalog* catalog, const std::string& id, Lang lang);
// Who took a step: 居民 for the resident, the street office's and the department's catalog
// names, "翠湖社区工作人员 D001（书记/主任）" for station staff of `community`, 系统 for the
// software. `actor` is the step's actor, `role` its core role key ("staff", "street_office" …).
std::string who_text(const core::Catalog* catalog, const std::string& actor,
                     const std::string& role, const std::string& community, Lang lang);
// A principal's scope as a name: its street office, its department, or the district.
std::string scope_name(const core::Catalog* catalog, ConsoleRole role, const std::string& scope,
                       Lang lang);
// Why a principal may not see or do something, in `lang` (English: the refusal's own words).
std::string refusal_text(const core::Catalog* catalog, const Refusal& refusal, Lang lang);

}  // namespace weimin::server::console
