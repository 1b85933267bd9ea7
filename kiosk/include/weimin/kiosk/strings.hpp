// Strings: every text the kiosk shows, in one table, Chinese first and English second. Screens
// look texts up by key; "{}" in a text is filled in order by the arguments. The font loader
// reads the whole table so every glyph the screens can show is baked.
// Thread-safety: the table is constant data; any thread may read it.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace weimin::kiosk {

enum class Lang { Zh, En };

struct StringEntry {
  const char* key;
  const char* zh;
  const char* en;
};

// Every entry of the table.
const std::vector<StringEntry>& string_table();

// The text of `key` in `lang`. A missing key shows as the key itself (and a test checks that
// every key the screens use is in the table).
const char* tr(Lang lang, std::string_view key);
// The same with each "{}" replaced by the next argument.
std::string trf(Lang lang, std::string_view key, std::initializer_list<std::string> args);

// True when `key` is in the table.
bool has_string(std::string_view key);

}  // namespace weimin::kiosk
