// Private to consultation.cpp and work_access_register.cpp: the fact envelope both registers
// share (id, subject, hlc, wall_ms, origin, staff), strict reading of their JSON bodies and the
// text checks. Readers throw catalog_json::CatalogError; the public functions catch it.
// Thread-safety: plain functions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog_json_reader.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/hlc.hpp"
#include "weimin/core/id.hpp"
#include "weimin/core/mask.hpp"

namespace weimin::core::govern_json {

namespace cj = catalog_json;
using json = nlohmann::json;

// Characters of s when it is valid UTF-8 without control characters other than line breaks
// and tabs; nullopt otherwise.
std::optional<std::size_t> text_chars(std::string_view s);
// Plain text of at most max_chars characters (and at least one when !may_be_empty).
bool is_plain_text(std::string_view s, std::size_t max_chars, bool may_be_empty = true);
// Letters, digits and the characters of `extra`, 1-max bytes.
bool is_id_text(std::string_view s, std::size_t max, std::string_view extra);
// True when masking would change the text: it holds a clear identity or mobile number.
inline bool holds_personal_number(std::string_view s) {
  return mask_personal_numbers_in_text(s) != s;
}

// Refuses fields of `j` that are not in `known`, naming them and the kind.
void refuse_unknown(const json& j, const std::vector<std::string_view>& known,
                    std::string_view kind);

Uuid read_uuid(const json& j, const std::string& path);
std::string str(const json& j, std::string_view key);      // required, non-empty
std::string opt_str(const json& j, std::string_view key);  // "" when absent
std::optional<Uuid> opt_uuid(const json& j, std::string_view key);
CivilDate date(const json& j, std::string_view key);
int integer(const json& j, std::string_view key, int lo, int hi);
bool opt_bool(const json& j, std::string_view key);  // false when absent

// The envelope fields shared by every fact of these registers.
struct Envelope {
  Uuid id;
  Uuid subject;
  HlcTimestamp hlc;
  std::int64_t wall_ms = 0;
  std::string origin;
  std::string staff;
};
// Reads "id", `subject_key`, "hlc", "wall_ms", "origin", "staff"?.
Envelope read_envelope(const json& j, std::string_view subject_key);
void write_envelope(json& j, std::string_view kind, const Envelope& e,
                    std::string_view subject_key);
// "" when well-formed, else what is wrong.
std::string check_envelope(const Envelope& e, bool staff_required);

}  // namespace weimin::core::govern_json
